//! The JSON API: its routes, body limits and CSRF lock, and health and metrics.

mod admin;
mod audit;
mod cases;
mod csrf;
mod events;
mod extract;
mod openapi;
mod ops;
mod session;
mod teamviewer;
mod webhooks;

pub(crate) use audit::{AuditParams, audit_page};
pub(crate) use openapi::document as openapi_document;

use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, header};
use axum::middleware;
use axum::routing::{delete, get, post, put};
use axum::{Extension, Router};

use lifeline_protocol::limits::{BODY_MAX_BYTES, CREATE_BODY_MAX_BYTES};
use tower::ServiceBuilder;
use tower::layer::util::{Identity, Stack};
use tower_http::set_header::SetResponseHeaderLayer;

use extract::BodyLimit;

use crate::state::AppState;

/// A body size limit, and the same limit for the body extractor's message,
/// as one layer.
fn body_limit(
    bytes: usize,
) -> ServiceBuilder<Stack<DefaultBodyLimit, Stack<Extension<BodyLimit>, Identity>>> {
    ServiceBuilder::new()
        .layer(Extension(BodyLimit(bytes)))
        .layer(DefaultBodyLimit::max(bytes))
}

/// The API's routes, and health and metrics.
pub fn router(state: Arc<AppState>) -> Router<Arc<AppState>> {
    let create = Router::new()
        .route(
            "/api/v1/cases",
            post(cases::create_case).get(cases::list_cases),
        )
        .layer(body_limit(CREATE_BODY_MAX_BYTES));
    let api = Router::new()
        .route("/api/v1/cases/join", post(cases::join_case))
        .route(
            "/api/v1/cases/{id}",
            get(cases::get_case).patch(cases::update_case),
        )
        .route("/api/v1/cases/{id}/close", post(cases::close_case))
        .route("/api/v1/cases/{id}/assign", post(cases::assign_case))
        .route("/api/v1/cases/{id}/events", get(events::case_events))
        .route("/api/v1/cases/{id}/session", get(session::case_session))
        .route(
            "/api/v1/experts",
            get(admin::list_experts).post(admin::create_expert),
        )
        .route(
            "/api/v1/experts/me/availability",
            put(admin::set_availability),
        )
        .route(
            "/api/v1/experts/me/email-preferences",
            get(admin::email_preferences).put(admin::set_email_preferences),
        )
        .route(
            "/api/v1/groups",
            get(admin::list_groups).post(admin::create_group),
        )
        .route(
            "/api/v1/groups/{id}/assignment",
            put(admin::set_assignment_policy),
        )
        .route("/api/v1/groups/{id}/alert", put(admin::set_alert_time))
        .route(
            "/api/v1/deployments",
            get(admin::list_deployments).post(admin::create_deployment),
        )
        .route(
            "/api/v1/deployments/{id}/revoke",
            post(admin::revoke_deployment),
        )
        .route(
            "/api/v1/deployments/{id}/rotate",
            post(admin::rotate_deployment_key),
        )
        .route(
            "/api/v1/deployments/{id}/server_url",
            put(admin::set_deployment_server_url),
        )
        .route("/api/v1/deployments/{id}/file", get(admin::deployment_file))
        .route("/api/v1/audit", get(audit::audit_log))
        .route(
            "/api/v1/webhooks",
            get(webhooks::list_webhooks).post(webhooks::create_webhook),
        )
        .route("/api/v1/webhooks/{id}", delete(webhooks::delete_webhook))
        .route(
            "/api/v1/webhooks/{id}/disable",
            post(webhooks::disable_webhook),
        )
        .route(
            "/api/v1/webhooks/{id}/enable",
            post(webhooks::enable_webhook),
        )
        .route(
            "/api/v1/webhooks/{id}/deliveries",
            get(webhooks::webhook_deliveries),
        )
        .route("/api/v1/openapi.json", get(ops::openapi))
        .route("/api/v1/version", get(ops::version))
        .layer(body_limit(BODY_MAX_BYTES));
    create
        .merge(api)
        // One stack, not two boxes per route (see `app::router`).
        .layer(
            ServiceBuilder::new()
                // Answers carry case tokens, deployment keys and expert tokens,
                // and the rest is private too: no cache, browser or proxy, keeps
                // any. (Event streams keep the `no-cache` they set themselves.)
                .layer(SetResponseHeaderLayer::if_not_present(
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("no-store"),
                ))
                .layer(middleware::from_fn_with_state(
                    state,
                    csrf::require_csrf_with_cookie,
                )),
        )
        // Expert tokens only, never the cookie: outside the CSRF lock.
        .merge(teamviewer::router())
        .route("/healthz", get(ops::healthz))
        .route("/metrics", get(ops::metrics))
}
