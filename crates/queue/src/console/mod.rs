//! The expert console: server-rendered pages (askama, escaped by default) on
//! the same routes and store as the API. Signed in with a session cookie
//! (HttpOnly, SameSite=Strict); every form carries the session's CSRF token.
//! No script runs but `/static/messages.js` and `/static/console.js`, which
//! the Content-Security-Policy enforces.

mod admin;
mod attention;
mod audit;
mod auth;
mod cases;
mod email;
mod language;
mod page;
mod reports;
mod views;
mod webhooks;

use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Path};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::state::AppState;

/// Scripts, styles and everything else from this origin only; no inline
/// script or style, no framing, forms post only here.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; \
     base-uri 'none'";

/// Largest console form body: the biggest form (a new expert) is well under
/// 2 KiB; axum's default of 2 MiB would let anyone make the server read and
/// parse megabytes per request.
const FORM_BODY_LIMIT: usize = 16 * 1024;

/// The console's routes.
pub fn router() -> Router<Arc<AppState>> {
    let pages = Router::new()
        .route("/", get(cases::queue_page))
        .route("/console/rows", get(cases::queue_rows))
        .route("/console/events", get(cases::queue_events))
        .route("/console/attention", get(attention::attention))
        .route("/sign-in", get(auth::sign_in_page).post(auth::sign_in))
        .route("/sign-out", post(auth::sign_out))
        .route("/availability", post(cases::set_availability))
        .route(
            "/settings/email",
            get(email::email_settings_page).post(email::save_email_settings),
        )
        .route("/settings/language", post(email::save_language))
        .route(
            "/cases/new",
            get(cases::new_case_page).post(cases::create_case),
        )
        .route("/cases/{id}", get(cases::case_page))
        .route("/cases/{id}/assign", post(cases::assign_case))
        .route("/cases/{id}/close", post(cases::close_case))
        .route(
            "/admin/experts",
            get(admin::experts_page).post(admin::add_expert),
        )
        .route("/admin/experts/{id}", post(admin::change_expert))
        .route(
            "/admin/groups",
            get(admin::groups_page).post(admin::add_group),
        )
        .route("/admin/groups/{id}", post(admin::change_group))
        .route(
            "/admin/deployments",
            get(admin::deployments_page).post(admin::add_deployment),
        )
        .route(
            "/admin/deployments/{id}/file",
            get(admin::download_deployment_file),
        )
        .route(
            "/admin/deployments/{id}/revoke",
            post(admin::revoke_deployment),
        )
        .route(
            "/admin/tokens",
            get(admin::tokens_page).post(admin::add_token),
        )
        .route("/admin/tokens/{id}/revoke", post(admin::revoke_token))
        .route("/reports", get(reports::reports_page))
        .route("/reports.csv", get(reports::reports_csv))
        .route("/admin/audit", get(audit::audit_page_view))
        .route(
            "/admin/webhooks",
            get(webhooks::webhooks_page).post(webhooks::add_webhook),
        )
        .route("/admin/webhooks/{id}", post(webhooks::change_webhook))
        .route(
            "/admin/webhooks/{id}/deliveries",
            get(webhooks::deliveries_page),
        )
        .layer(DefaultBodyLimit::max(FORM_BODY_LIMIT))
        .layer(axum::middleware::from_fn(language::scope))
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ));
    Router::new()
        .merge(pages)
        .route("/static/{file}", get(static_file))
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
}

/// The console's assets, compiled into the binary.
async fn static_file(Path(file): Path<String>) -> Response {
    let (body, content_type) = match file.as_str() {
        "console.css" => (
            include_str!("../../console/static/console.css"),
            "text/css; charset=utf-8",
        ),
        "console.js" => (
            include_str!("../../console/static/console.js"),
            "text/javascript; charset=utf-8",
        ),
        // The message formatter the desktop window uses too.
        "messages.js" => (lifeline_i18n::MESSAGES_JS, "text/javascript; charset=utf-8"),
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        body,
    )
        .into_response()
}
