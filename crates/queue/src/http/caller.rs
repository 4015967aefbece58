//! Who is calling, and what they may reach.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse as _, Response};
use uuid::Uuid;

use lifeline_protocol::Case;

use super::error::ApiError;
use super::extract::{bearer, session_cookie};
use crate::app::AppState;
use crate::credentials::{TokenKind, hash_token, same_secret};
use crate::store::{Actor, DeploymentAuth, ExpertAuth};

/// Someone allowed to see one case.
#[derive(Debug)]
pub enum CaseCaller {
    /// The customer holding the case's token.
    Customer,
    /// An expert of the case's group, or an admin.
    Expert(ExpertAuth),
}

impl CaseCaller {
    /// The history's actor.
    pub fn actor(&self) -> Actor {
        match self {
            CaseCaller::Customer => Actor::Customer,
            CaseCaller::Expert(expert) => expert_actor(expert),
        }
    }
}

/// The history's actor for an expert.
pub fn expert_actor(expert: &ExpertAuth) -> Actor {
    Actor::Expert {
        id: expert.id,
        name: expert.display_name.clone(),
    }
}

/// Resolves the caller of `/api/v1/cases/{id}…` and the case as it stands.
/// A case token for another case, an expert outside the case's groups, or a
/// deployment key all get 404: they may not learn that the case exists.
pub async fn case_caller(
    state: &Arc<AppState>,
    headers: &HeaderMap,
    id: Uuid,
) -> Result<(CaseCaller, Case), ApiError> {
    let now = state.clock.now();
    if let Some(session) = console_session(headers) {
        let expert = expert_from_session(state, session).await?;
        return expert_case(state, expert, id).await;
    }
    let credential = bearer(headers)?;
    match credential.kind {
        TokenKind::Case => {
            let case = state
                .store
                .case_by_token(&credential.hash, now)
                .await?
                .ok_or_else(|| ApiError::unauthorized("unknown case token"))?;
            if case.id != id {
                return Err(ApiError::not_found("case"));
            }
            Ok((CaseCaller::Customer, case))
        }
        TokenKind::Expert => {
            let expert = expert_from_token(state, &credential.hash).await?;
            expert_case(state, expert, id).await
        }
        TokenKind::Deployment => {
            deployment_from_key(state, &credential.hash).await?;
            Err(ApiError::not_found("case"))
        }
    }
}

/// A case as an expert may see it: 404 outside their groups.
async fn expert_case(
    state: &AppState,
    expert: ExpertAuth,
    id: Uuid,
) -> Result<(CaseCaller, Case), ApiError> {
    let case = state
        .store
        .case(id, state.clock.now())
        .await?
        .filter(|case| expert.sees_group(case.group.id))
        .ok_or_else(|| ApiError::not_found("case"))?;
    Ok((CaseCaller::Expert(expert), case))
}

/// The console session cookie, when no bearer credential is given (a bearer
/// token always wins: integrations never depend on a browser's cookies).
fn console_session(headers: &HeaderMap) -> Option<&str> {
    if headers.contains_key(header::AUTHORIZATION) {
        return None;
    }
    session_cookie(headers)
}

/// Whether the request is authenticated by the console cookie.
pub fn uses_console_cookie(headers: &HeaderMap) -> bool {
    console_session(headers).is_some()
}

/// The expert signed in with a console session.
pub async fn expert_from_session(state: &AppState, token: &str) -> Result<ExpertAuth, ApiError> {
    state
        .store
        .expert_by_session(&hash_token(token), state.clock.now())
        .await?
        .ok_or_else(|| ApiError::unauthorized("the console session has ended; sign in again"))
}

async fn expert_from_token(state: &AppState, hash: &[u8; 32]) -> Result<ExpertAuth, ApiError> {
    state
        .store
        .expert_by_token(hash)
        .await?
        .ok_or_else(|| ApiError::unauthorized("unknown or revoked expert token"))
}

async fn deployment_from_key(
    state: &AppState,
    hash: &[u8; 32],
) -> Result<DeploymentAuth, ApiError> {
    state
        .store
        .deployment_by_key(hash)
        .await?
        .ok_or_else(|| ApiError::unauthorized("unknown or revoked deployment key"))
}

/// An expert calling an expert endpoint (`et_` token or console session).
pub async fn expert_caller(state: &AppState, headers: &HeaderMap) -> Result<ExpertAuth, ApiError> {
    if let Some(session) = console_session(headers) {
        return expert_from_session(state, session).await;
    }
    let credential = bearer(headers)?;
    match credential.kind {
        TokenKind::Expert => expert_from_token(state, &credential.hash).await,
        _ => Err(ApiError::forbidden("this endpoint is for experts")),
    }
}

/// An admin calling an admin endpoint.
pub async fn admin_caller(state: &AppState, headers: &HeaderMap) -> Result<ExpertAuth, ApiError> {
    let expert = expert_caller(state, headers).await?;
    if !expert.admin {
        return Err(ApiError::forbidden("this endpoint is for admins"));
    }
    Ok(expert)
}

/// A deployment key calling a customer endpoint.
pub async fn deployment_caller(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<DeploymentAuth, ApiError> {
    let credential = bearer(headers)?;
    match credential.kind {
        TokenKind::Deployment => deployment_from_key(state, &credential.hash).await,
        _ => Err(ApiError::forbidden("this endpoint takes a deployment key")),
    }
}

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
    if !safe && let Some(session) = console_session(request.headers()) {
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
