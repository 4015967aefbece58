//! Admin endpoints for webhooks: register (the secret shown once), list,
//! disable, enable, delete, and each endpoint's delivery log.

use std::sync::Arc;

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::Deserialize;

use lifeline_protocol::ErrorBody;

use super::extract::JsonBody;
use crate::api_error::ApiError;
use crate::audit::acting;
use crate::caller::AdminCaller;
use crate::ids::parse_id;
use crate::state::AppState;
use crate::webhooks::{CreateWebhookRequest, CreatedWebhook, NewWebhook, Webhook, WebhookDelivery};

/// The most deliveries one page of the log shows.
const MAX_LOG: u32 = 500;
/// Deliveries shown when the request does not say.
const DEFAULT_LOG: u32 = 50;

/// Registers an endpoint: every event of the types it names is POSTed to it,
/// signed as Standard Webhooks says. The signing secret is in this answer
/// only.
#[utoipa::path(post, path = "/api/v1/webhooks", tag = "admin", request_body = CreateWebhookRequest,
    responses((status = 201, body = CreatedWebhook), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create_webhook(
    State(state): State<Arc<AppState>>,
    AdminCaller(by): AdminCaller,
    body: JsonBody,
) -> Result<(StatusCode, Json<CreatedWebhook>), ApiError> {
    let request: CreateWebhookRequest = body.parse()?;
    let new = NewWebhook::from_request(&request)
        .map_err(|refused| ApiError::invalid(refused.to_string()))?;
    let secret = new.secret.clone();
    let created = state.store.create_webhook(new, state.clock.now());
    let webhook = acting(by, created).await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedWebhook { webhook, secret }),
    ))
}

/// Every endpoint, oldest first (never their secrets).
#[utoipa::path(get, path = "/api/v1/webhooks", tag = "admin",
    responses((status = 200, body = Vec<Webhook>), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
pub async fn list_webhooks(
    State(state): State<Arc<AppState>>,
    _: AdminCaller,
) -> Result<Json<Vec<Webhook>>, ApiError> {
    Ok(Json(state.store.list_webhooks().await?))
}

/// Disables an endpoint: it gets no new events; those queued wait.
#[utoipa::path(post, path = "/api/v1/webhooks/{id}/disable", tag = "admin",
    params(("id" = uuid::Uuid, Path, description = "Webhook id")),
    responses((status = 200, body = Webhook), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn disable_webhook(
    State(state): State<Arc<AppState>>,
    AdminCaller(by): AdminCaller,
    Path(id): Path<String>,
) -> Result<Json<Webhook>, ApiError> {
    let id = parse_id(&id, "webhook id")?;
    let set = state
        .store
        .set_webhook_enabled(id, false, state.clock.now());
    Ok(Json(acting(by, set).await?))
}

/// Enables an endpoint again: the deliveries it missed while failing go out
/// first, in order.
#[utoipa::path(post, path = "/api/v1/webhooks/{id}/enable", tag = "admin",
    params(("id" = uuid::Uuid, Path, description = "Webhook id")),
    responses((status = 200, body = Webhook), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn enable_webhook(
    State(state): State<Arc<AppState>>,
    AdminCaller(by): AdminCaller,
    Path(id): Path<String>,
) -> Result<Json<Webhook>, ApiError> {
    let id = parse_id(&id, "webhook id")?;
    let set = state.store.set_webhook_enabled(id, true, state.clock.now());
    Ok(Json(acting(by, set).await?))
}

/// Deletes an endpoint with its deliveries, sent or not.
#[utoipa::path(delete, path = "/api/v1/webhooks/{id}", tag = "admin",
    params(("id" = uuid::Uuid, Path, description = "Webhook id")),
    responses((status = 204, description = "Deleted"), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn delete_webhook(
    State(state): State<Arc<AppState>>,
    AdminCaller(by): AdminCaller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id = parse_id(&id, "webhook id")?;
    let deleted = state.store.delete_webhook(id, state.clock.now());
    acting(by, deleted).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/v1/webhooks/{id}/deliveries`'s query.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeliveryParams {
    /// How many, newest first: 1–500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
}

/// An endpoint's delivery log: its latest events, newest first, with their
/// attempts and the receiver's last answer.
#[utoipa::path(get, path = "/api/v1/webhooks/{id}/deliveries", tag = "admin",
    params(("id" = uuid::Uuid, Path, description = "Webhook id"), DeliveryParams),
    responses((status = 200, body = Vec<WebhookDelivery>), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn webhook_deliveries(
    State(state): State<Arc<AppState>>,
    _: AdminCaller,
    Path(id): Path<String>,
    params: Result<Query<DeliveryParams>, QueryRejection>,
) -> Result<Json<Vec<WebhookDelivery>>, ApiError> {
    let id = parse_id(&id, "webhook id")?;
    let Query(params) = params.map_err(|e| ApiError::bad_request(e.body_text()))?;
    let limit = params.limit.unwrap_or(DEFAULT_LOG);
    if !(1..=MAX_LOG).contains(&limit) {
        // A bad query parameter is a 400, as for the audit log.
        return Err(ApiError::bad_request(format!(
            "limit: must be 1 to {MAX_LOG}, not {limit}"
        )));
    }
    if !state
        .store
        .list_webhooks()
        .await?
        .iter()
        .any(|w| w.id == id)
    {
        return Err(ApiError::not_found("webhook"));
    }
    Ok(Json(state.store.webhook_deliveries(id, limit).await?))
}
