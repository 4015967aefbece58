//! Operations: health, metrics, the OpenAPI document.

use std::sync::{Arc, LazyLock};

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use lifeline_protocol::VersionInfo;

use crate::api_error::ApiError;
use crate::state::AppState;
use crate::store::StoreError;

/// 200 when the database answers and a write commits now; 503 with the
/// reason otherwise (the writer is gone or stuck, or the disk is full), so a
/// load balancer or monitor notices before callers do.
pub async fn healthz(State(state): State<Arc<AppState>>) -> Response {
    let check = match state.store.ping().await {
        Ok(()) => state.store.check_writable(state.clock.now()).await,
        Err(e) => Err(e),
    };
    match check {
        Ok(()) => (StatusCode::OK, "ok\n").into_response(),
        Err(e) => {
            let reason = match e {
                StoreError::Full => "the database's disk is full\n",
                StoreError::Unavailable => "the database writer is not answering\n",
                _ => "database unavailable\n",
            };
            tracing::error!(error = %e, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, reason).into_response()
        }
    }
}

/// Prometheus text exposition.
pub async fn metrics(State(state): State<Arc<AppState>>) -> Result<Response, ApiError> {
    let open = state.store.count_open_by_state(state.clock.now()).await?;
    let text = state
        .metrics
        .render(&open, state.hub.subscriber_count())
        .map_err(ApiError::internal)?;
    let content_type =
        HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8");
    Ok(([(header::CONTENT_TYPE, content_type)], text).into_response())
}

/// What this server is, the wire contract it speaks and the app versions it
/// works with. No credential: an app checks before anything else.
#[utoipa::path(get, path = "/api/v1/version", tag = "cases",
    responses((status = 200, body = VersionInfo)))]
pub async fn version() -> Json<VersionInfo> {
    Json(VersionInfo::of_server(env!("CARGO_PKG_VERSION")))
}

/// The OpenAPI 3 document, generated from the handlers and the protocol types.
pub async fn openapi() -> Json<serde_json::Value> {
    static DOCUMENT: LazyLock<serde_json::Value> = LazyLock::new(super::openapi::document);
    Json(DOCUMENT.clone())
}
