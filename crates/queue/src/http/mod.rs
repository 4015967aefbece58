//! The HTTP layer: routes, body limits, request metrics.

mod admin;
pub(crate) mod caller;
pub(crate) mod cases;
mod error;
mod events;
pub(crate) mod extract;
mod openapi;
mod ops;
mod session;

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Extension, Router};
use tower_http::trace::TraceLayer;

use lifeline_protocol::limits::{BODY_MAX_BYTES, CREATE_BODY_MAX_BYTES};

pub use error::ApiError;
use extract::BodyLimit;

use crate::app::AppState;

/// The server's routes.
pub fn router(state: Arc<AppState>) -> Router {
    let create = Router::new()
        .route(
            "/api/v1/cases",
            post(cases::create_case).get(cases::list_cases),
        )
        .layer(DefaultBodyLimit::max(CREATE_BODY_MAX_BYTES))
        .layer(Extension(BodyLimit(CREATE_BODY_MAX_BYTES)));
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
            "/api/v1/groups",
            get(admin::list_groups).post(admin::create_group),
        )
        .route(
            "/api/v1/groups/{id}/assignment",
            put(admin::set_assignment_policy),
        )
        .route(
            "/api/v1/deployments",
            get(admin::list_deployments).post(admin::create_deployment),
        )
        .route(
            "/api/v1/deployments/{id}/revoke",
            post(admin::revoke_deployment),
        )
        .route("/api/v1/deployments/{id}/file", get(admin::deployment_file))
        .route("/api/v1/openapi.json", get(ops::openapi))
        .layer(DefaultBodyLimit::max(BODY_MAX_BYTES))
        .layer(Extension(BodyLimit(BODY_MAX_BYTES)));
    let api = create.merge(api).layer(middleware::from_fn_with_state(
        Arc::clone(&state),
        caller::require_csrf_with_cookie,
    ));
    Router::new()
        .merge(api)
        .merge(crate::console::router(Arc::clone(&state)))
        .route("/healthz", get(ops::healthz))
        .route("/metrics", get(ops::metrics))
        .fallback(|| async { ApiError::not_found("route") })
        .method_not_allowed_fallback(|| async { ApiError::not_found("route") })
        .route_layer(middleware::from_fn_with_state(
            Arc::clone(&state),
            record_request,
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Times each request into the latency histogram, labelled by matched route.
async fn record_request(
    State(state): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let method = request.method().as_str().to_owned();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let response = next.run(request).await.into_response();
    state.metrics.request(
        &method,
        &route,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
}
