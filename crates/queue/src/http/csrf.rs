//! The second lock on the console cookie: state-changing API calls made with
//! it must carry the session's CSRF token.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse as _, Response};

use crate::api_error::ApiError;
use crate::caller::console_session;
use crate::credentials::same_secret;
use crate::state::AppState;

/// Header carrying the CSRF token on API calls made with the console cookie.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// Refuses a state-changing API call authenticated by the console cookie
/// unless it carries the session's CSRF token. SameSite=Strict already keeps
/// the cookie off other sites' requests; this is the second lock.
pub async fn require_csrf_with_cookie(
    State(state): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if !safe && let Some(session) = console_session(&state, request.headers()) {
        let sent = request
            .headers()
            .get(CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        if !csrf_matches(&state, session, sent) {
            return ApiError::forbidden("missing or wrong CSRF token (header X-CSRF-Token)")
                .into_response();
        }
    }
    next.run(request).await
}

/// Whether `sent` is the CSRF token of `session`.
fn csrf_matches(state: &AppState, session: &str, sent: &str) -> bool {
    same_secret(sent, &state.secret.csrf_token(session))
}
