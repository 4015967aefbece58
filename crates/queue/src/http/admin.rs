//! Expert and admin endpoints: experts, availability, groups, deployments.

use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use lifeline_protocol::{
    AvailabilityRequest, CreateDeploymentRequest, CreateExpertRequest, CreateGroupRequest,
    Deployment, EmailPreferences, ErrorBody, Expert, Group, NewDeployment,
    RotateDeploymentKeyRequest, SetAlertTimeRequest, SetAssignmentPolicyRequest,
    SetServerUrlRequest,
};

use super::extract::JsonBody;
use crate::admin;
use crate::api_error::ApiError;
use crate::audit::acting;
use crate::caller::{AdminCaller, ExpertCaller};
use crate::ids::parse_id;
use crate::state::AppState;

/// Every expert.
#[utoipa::path(get, path = "/api/v1/experts", tag = "admin",
    responses((status = 200, body = Vec<Expert>), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
pub async fn list_experts(
    State(state): State<Arc<AppState>>,
    _: AdminCaller,
) -> Result<Json<Vec<Expert>>, ApiError> {
    Ok(Json(state.store.list_experts().await?))
}

/// Adds an expert.
#[utoipa::path(post, path = "/api/v1/experts", tag = "admin", request_body = CreateExpertRequest,
    responses((status = 201, body = Expert), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn create_expert(
    State(state): State<Arc<AppState>>,
    AdminCaller(by): AdminCaller,
    body: JsonBody,
) -> Result<(StatusCode, Json<Expert>), ApiError> {
    let request: CreateExpertRequest = body.parse()?;
    let password_hash = match request.password {
        Some(password) => Some(state.passwords.hash(password).await?),
        None => None,
    };
    let expert = admin::create_expert_with_hash(
        state.store.as_ref(),
        request.email,
        request.display_name.as_str(),
        password_hash,
        request.admin,
        request.groups,
        state.clock.now(),
    );
    let expert = acting(by, expert).await?;
    Ok((StatusCode::CREATED, Json(expert)))
}

/// The caller marks themselves available for automatic assignment, or away.
#[utoipa::path(put, path = "/api/v1/experts/me/availability", tag = "experts", request_body = AvailabilityRequest,
    responses((status = 200, body = Expert)), security(("bearer" = [])))]
pub async fn set_availability(
    State(state): State<Arc<AppState>>,
    ExpertCaller(expert): ExpertCaller,
    body: JsonBody,
) -> Result<Json<Expert>, ApiError> {
    let request: AvailabilityRequest = body.parse()?;
    Ok(Json(
        state
            .store
            .set_availability(expert.id, request.available, state.clock.now())
            .await?,
    ))
}

/// Which moments the caller is emailed about (see `smtp_url`).
#[utoipa::path(get, path = "/api/v1/experts/me/email-preferences", tag = "experts",
    responses((status = 200, body = EmailPreferences)), security(("bearer" = [])))]
pub async fn email_preferences(
    State(state): State<Arc<AppState>>,
    ExpertCaller(expert): ExpertCaller,
) -> Result<Json<EmailPreferences>, ApiError> {
    let chosen = state.store.email_preferences(Some(expert.id)).await?;
    Ok(Json(
        chosen
            .into_iter()
            .map(|(_, preferences)| preferences)
            .next()
            .unwrap_or_default(),
    ))
}

/// The caller chooses which moments they are emailed about; every field is
/// required. Their own choice, so not audited.
#[utoipa::path(put, path = "/api/v1/experts/me/email-preferences", tag = "experts",
    request_body = EmailPreferences,
    responses((status = 200, body = EmailPreferences)), security(("bearer" = [])))]
pub async fn set_email_preferences(
    State(state): State<Arc<AppState>>,
    ExpertCaller(expert): ExpertCaller,
    body: JsonBody,
) -> Result<Json<EmailPreferences>, ApiError> {
    let preferences: EmailPreferences = body.parse()?;
    state
        .store
        .set_email_preferences(expert.id, preferences, state.clock.now())
        .await?;
    Ok(Json(preferences))
}

/// Every group.
#[utoipa::path(get, path = "/api/v1/groups", tag = "admin",
    responses((status = 200, body = Vec<Group>)), security(("bearer" = [])))]
pub async fn list_groups(
    State(state): State<Arc<AppState>>,
    _: AdminCaller,
) -> Result<Json<Vec<Group>>, ApiError> {
    Ok(Json(state.store.list_groups().await?))
}

/// Adds a group.
#[utoipa::path(post, path = "/api/v1/groups", tag = "admin", request_body = CreateGroupRequest,
    responses((status = 201, body = Group), (status = 409, body = ErrorBody)), security(("bearer" = [])))]
pub async fn create_group(
    State(state): State<Arc<AppState>>,
    AdminCaller(by): AdminCaller,
    body: JsonBody,
) -> Result<(StatusCode, Json<Group>), ApiError> {
    let request: CreateGroupRequest = body.parse()?;
    let created = state
        .store
        .create_group(request.name.as_str(), state.clock.now());
    let group = acting(by, created).await?;
    Ok((StatusCode::CREATED, Json(group)))
}

/// Sets a group's automatic assignment.
#[utoipa::path(put, path = "/api/v1/groups/{id}/assignment", tag = "admin", request_body = SetAssignmentPolicyRequest,
    params(("id" = uuid::Uuid, Path, description = "Group id")),
    responses((status = 200, body = Group), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn set_assignment_policy(
    State(state): State<Arc<AppState>>,
    AdminCaller(by): AdminCaller,
    Path(id): Path<String>,
    body: JsonBody,
) -> Result<Json<Group>, ApiError> {
    let id = parse_id(&id, "group id")?;
    let request: SetAssignmentPolicyRequest = body.parse()?;
    let set = state
        .store
        .set_assignment_policy(id, request.policy, state.clock.now());
    Ok(Json(acting(by, set).await?))
}

/// Sets how long a customer may wait unassigned in a group's queue before
/// the console alerts the group's experts.
#[utoipa::path(put, path = "/api/v1/groups/{id}/alert", tag = "admin", request_body = SetAlertTimeRequest,
    params(("id" = uuid::Uuid, Path, description = "Group id")),
    responses((status = 200, body = Group), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn set_alert_time(
    State(state): State<Arc<AppState>>,
    AdminCaller(by): AdminCaller,
    Path(id): Path<String>,
    body: JsonBody,
) -> Result<Json<Group>, ApiError> {
    let id = parse_id(&id, "group id")?;
    let request: SetAlertTimeRequest = body.parse()?;
    let set = state
        .store
        .set_alert_time(id, request.alert_after_seconds, state.clock.now());
    Ok(Json(acting(by, set).await?))
}

/// Every deployment, newest first.
#[utoipa::path(get, path = "/api/v1/deployments", tag = "admin",
    responses((status = 200, body = Vec<Deployment>)), security(("bearer" = [])))]
pub async fn list_deployments(
    State(state): State<Arc<AppState>>,
    _: AdminCaller,
) -> Result<Json<Vec<Deployment>>, ApiError> {
    Ok(Json(state.store.list_deployments().await?))
}

/// Creates a deployment; its key is in this answer.
#[utoipa::path(post, path = "/api/v1/deployments", tag = "admin", request_body = CreateDeploymentRequest,
    responses((status = 201, body = NewDeployment), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn create_deployment(
    State(state): State<Arc<AppState>>,
    AdminCaller(by): AdminCaller,
    body: JsonBody,
) -> Result<(StatusCode, Json<NewDeployment>), ApiError> {
    let request: CreateDeploymentRequest = body.parse()?;
    let created = admin::create_deployment(
        state.store.as_ref(),
        &state.secret,
        request.name.as_str(),
        request.group,
        request.server_url.as_str(),
        state.clock.now(),
    );
    let created = acting(by, created).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// Revokes a deployment's key: it stops working at once.
#[utoipa::path(post, path = "/api/v1/deployments/{id}/revoke", tag = "admin",
    params(("id" = uuid::Uuid, Path, description = "Deployment id")),
    responses((status = 200, body = Deployment), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn revoke_deployment(
    State(state): State<Arc<AppState>>,
    AdminCaller(by): AdminCaller,
    Path(id): Path<String>,
) -> Result<Json<Deployment>, ApiError> {
    let id = parse_id(&id, "deployment id")?;
    let revoked = state.store.revoke_deployment(id, state.clock.now());
    Ok(Json(acting(by, revoked).await?))
}

/// Gives a deployment a new key, in this answer; the key it had keeps working
/// for `grace_seconds`, then is refused. The deployment file carries the new key.
#[utoipa::path(post, path = "/api/v1/deployments/{id}/rotate", tag = "admin", request_body = RotateDeploymentKeyRequest,
    params(("id" = uuid::Uuid, Path, description = "Deployment id")),
    responses((status = 200, body = NewDeployment), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn rotate_deployment_key(
    State(state): State<Arc<AppState>>,
    AdminCaller(by): AdminCaller,
    Path(id): Path<String>,
    body: JsonBody,
) -> Result<Json<NewDeployment>, ApiError> {
    let id = parse_id(&id, "deployment id")?;
    let request: RotateDeploymentKeyRequest = body.parse()?;
    let rotated = admin::rotate_deployment_key(
        state.store.as_ref(),
        &state.secret,
        id,
        Duration::from_secs(request.grace_seconds),
        state.clock.now(),
    );
    Ok(Json(acting(by, rotated).await?))
}

/// Sets the server URL the deployment's file carries from now on.
#[utoipa::path(put, path = "/api/v1/deployments/{id}/server_url", tag = "admin", request_body = SetServerUrlRequest,
    params(("id" = uuid::Uuid, Path, description = "Deployment id")),
    responses((status = 200, body = Deployment), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn set_deployment_server_url(
    State(state): State<Arc<AppState>>,
    AdminCaller(by): AdminCaller,
    Path(id): Path<String>,
    body: JsonBody,
) -> Result<Json<Deployment>, ApiError> {
    let id = parse_id(&id, "deployment id")?;
    let request: SetServerUrlRequest = body.parse()?;
    let set = admin::set_deployment_server_url(
        state.store.as_ref(),
        id,
        request.server_url.as_str(),
        state.clock.now(),
    );
    Ok(Json(acting(by, set).await?))
}

/// The deployment file (TOML) IT ships with the app.
#[utoipa::path(get, path = "/api/v1/deployments/{id}/file", tag = "admin",
    params(("id" = uuid::Uuid, Path, description = "Deployment id")),
    responses((status = 200, description = "The deployment file", content_type = "application/toml", body = String),
        (status = 404, body = ErrorBody), (status = 409, description = "The deployment is revoked", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn deployment_file(
    State(state): State<Arc<AppState>>,
    _: AdminCaller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = parse_id(&id, "deployment id")?;
    let deployment = state
        .store
        .deployment(id)
        .await?
        .ok_or_else(|| ApiError::not_found("deployment"))?;
    if deployment.revoked_at.is_some() {
        return Err(ApiError::conflict(
            "the deployment is revoked; create a new one",
        ));
    }
    let text = admin::deployment_file(
        &deployment,
        &admin::current_deployment_key(&state.secret, &deployment),
    );
    let disposition = HeaderValue::from_static("attachment; filename=\"deployment.toml\"");
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/toml; charset=utf-8"),
            ),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        text,
    )
        .into_response())
}
