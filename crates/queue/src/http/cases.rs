//! Case endpoints, for customers (`dk_`, `ct_`) and experts (`et_`).

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Json;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use lifeline_protocol::{
    AssignRequest, Case, CaseList, CaseState, CaseWithToken, Channel, CreateCaseRequest, ErrorBody,
    IDEMPOTENCY_KEY_HEADER, IdempotencyKey, JoinCaseRequest, ManualCaseRequest, UpdateCaseRequest,
    limits::{CASE_LIST_DEFAULT_LIMIT, CASE_LIST_MAX_LIMIT},
};

use super::caller::{CaseCaller, case_caller, deployment_caller, expert_actor, expert_caller};
use super::error::ApiError;
use super::extract::{JsonBody, bearer, parse_id};
use crate::app::AppState;
use crate::credentials::TokenKind;
use crate::store::{
    AssigneeFilter, CaseQuery, CreateOutcome, ExpertAuth, NewCustomerCase, NewManualCase,
    StateFilter,
};

pub(crate) fn check_rate(state: &AppState, peer: SocketAddr) -> Result<(), ApiError> {
    match &state.rate_limiter {
        Some(limiter) => limiter.check(peer.ip()).map_err(ApiError::rate_limited),
        None => Ok(()),
    }
}

/// The `Location` of a created case.
fn case_location(id: Uuid) -> HeaderValue {
    HeaderValue::from_str(&format!("/api/v1/cases/{id}")).expect("a UUID path is a valid header")
}

/// The create answer, byte for byte the same on every replay: the first
/// snapshot of the case, and the token derived from its id.
fn created_response(state: &AppState, case: Case) -> Response {
    let token = state.secret.case_token(case.id);
    let location = case_location(case.id);
    (
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(CaseWithToken { case, token }),
    )
        .into_response()
}

/// Creates a case: with a deployment key, a customer's help request
/// (idempotent on `Idempotency-Key`); with an expert token, a manual case.
#[utoipa::path(
    post, path = "/api/v1/cases", tag = "cases",
    request_body(content = CreateCaseRequest, description = "With a `dk_` key: a customer's request (header `Idempotency-Key` required). With an `et_` token: a `ManualCaseRequest`."),
    params(("Idempotency-Key" = Option<String>, Header, description = "1–255 visible ASCII characters; required with a deployment key")),
    responses(
        (status = 201, description = "Created (or the same answer again for a repeated key)", body = CaseWithToken),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 422, description = "Invalid body, or `idempotency_mismatch`", body = ErrorBody),
        (status = 429, body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn create_case(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: JsonBody,
) -> Result<Response, ApiError> {
    if bearer(&headers)?.kind == TokenKind::Expert {
        return create_manual_case(&state, &headers, &body).await;
    }
    check_rate(&state, peer)?;
    let deployment = deployment_caller(&state, &headers).await?;
    let key = headers
        .get(IDEMPOTENCY_KEY_HEADER)
        .ok_or_else(|| ApiError::bad_request("the Idempotency-Key header is required"))?
        .to_str()
        .map_err(|_| ApiError::bad_request("Idempotency-Key: visible ASCII characters only"))
        .and_then(|text| {
            IdempotencyKey::parse(text)
                .map_err(|e| ApiError::bad_request(format!("Idempotency-Key: {e}")))
        })?;
    let request: CreateCaseRequest = body.parse()?;
    if !matches!(request.channel, Channel::Sos | Channel::App) {
        return Err(ApiError::invalid("channel: must be sos or app"));
    }
    // The canonical form decides "same body": key order and spacing do not matter.
    let canonical = serde_json::to_vec(&request).map_err(ApiError::internal)?;
    let new = NewCustomerCase {
        deployment,
        idempotency_key: key,
        request_hash: Sha256::digest(&canonical).into(),
        channel: request.channel,
        customer: request.customer.unwrap_or_default(),
        description: request.description,
        device: request.device.unwrap_or_default(),
    };
    match state
        .store
        .create_customer_case(new, state.clock.now())
        .await?
    {
        CreateOutcome::Created(case) => {
            state.metrics.case_created(request.channel);
            Ok(created_response(&state, *case))
        }
        CreateOutcome::Replayed(case) => Ok(created_response(&state, *case)),
        CreateOutcome::Mismatch => Err(ApiError::idempotency_mismatch()),
    }
}

async fn create_manual_case(
    state: &AppState,
    headers: &HeaderMap,
    body: &JsonBody,
) -> Result<Response, ApiError> {
    let expert = expert_caller(state, headers).await?;
    let request: ManualCaseRequest = body.parse()?;
    if !expert.sees_group(request.group) {
        return Err(ApiError::invalid("group: not one of your groups"));
    }
    let new = NewManualCase {
        group_id: request.group,
        customer: request.customer.unwrap_or_default(),
        description: request.description,
    };
    let case = state
        .store
        .create_manual_case(new, expert_actor(&expert), state.clock.now())
        .await?;
    state.metrics.case_created(Channel::Manual);
    let location = case_location(case.id);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(case),
    )
        .into_response())
}

/// A customer enters the code of a manual case an expert gave them.
#[utoipa::path(
    post, path = "/api/v1/cases/join", tag = "cases", request_body = JoinCaseRequest,
    responses(
        (status = 200, body = CaseWithToken),
        (status = 404, description = "No open, unclaimed manual case has this code", body = ErrorBody),
        (status = 429, body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn join_case(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: JsonBody,
) -> Result<Json<CaseWithToken>, ApiError> {
    check_rate(&state, peer)?;
    deployment_caller(&state, &headers).await?;
    let request: JoinCaseRequest = body.parse()?;
    let case = state
        .store
        .claim_manual_case(
            request.code,
            request.device.unwrap_or_default(),
            state.clock.now(),
        )
        .await?
        .ok_or_else(|| ApiError::not_found("open case with this code"))?;
    let token = state.secret.case_token(case.id);
    Ok(Json(CaseWithToken { case, token }))
}

/// Reads a case. Experts also get its history.
#[utoipa::path(
    get, path = "/api/v1/cases/{id}", tag = "cases",
    params(("id" = Uuid, Path, description = "Case id")),
    responses((status = 200, body = Case), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = []))
)]
pub async fn get_case(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<Case>, ApiError> {
    let id = parse_id(&id, "case id")?;
    let (caller, mut case) = case_caller(&state, &headers, id).await?;
    if let CaseCaller::Expert(_) = caller {
        case.history = Some(state.store.history(id).await?);
    }
    Ok(Json(case))
}

/// Edits the description or customer details of an open case.
#[utoipa::path(
    patch, path = "/api/v1/cases/{id}", tag = "cases", request_body = UpdateCaseRequest,
    params(("id" = Uuid, Path, description = "Case id")),
    responses((status = 200, body = Case), (status = 409, description = "The case is final", body = ErrorBody)),
    security(("bearer" = []))
)]
pub async fn update_case(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: JsonBody,
) -> Result<Json<Case>, ApiError> {
    let id = parse_id(&id, "case id")?;
    let (caller, _) = case_caller(&state, &headers, id).await?;
    let update: UpdateCaseRequest = body.parse()?;
    Ok(Json(
        state
            .store
            .update_case(id, update, caller.actor(), state.clock.now())
            .await?,
    ))
}

/// Closes a case: the customer cancels, or the assignee, creator or an admin closes.
#[utoipa::path(
    post, path = "/api/v1/cases/{id}/close", tag = "cases",
    params(("id" = Uuid, Path, description = "Case id")),
    responses((status = 200, body = Case), (status = 403, body = ErrorBody), (status = 409, description = "Already final", body = ErrorBody)),
    security(("bearer" = []))
)]
pub async fn close_case(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<Case>, ApiError> {
    let id = parse_id(&id, "case id")?;
    let (caller, case) = case_caller(&state, &headers, id).await?;
    if let CaseCaller::Expert(expert) = &caller {
        check_expert_may_close(&state, expert, &case).await?;
    }
    let closed = state
        .store
        .close_case(id, caller.actor(), state.clock.now())
        .await?;
    state.metrics.state_entered(CaseState::Closed, 1);
    Ok(Json(closed))
}

/// Experts may close a case they are assigned to or created; admins any.
pub(crate) async fn check_expert_may_close(
    state: &AppState,
    expert: &ExpertAuth,
    case: &Case,
) -> Result<(), ApiError> {
    let is_assignee = case.assignee.as_ref().is_some_and(|a| a.id == expert.id);
    if expert.admin || is_assignee || state.store.case_creator(case.id).await? == Some(expert.id) {
        return Ok(());
    }
    Err(ApiError::forbidden(
        "only the assignee, the creator or an admin may close this case",
    ))
}

/// Assigns a case to an expert, or unassigns it (`expert_id: null`).
#[utoipa::path(
    post, path = "/api/v1/cases/{id}/assign", tag = "cases", request_body = AssignRequest,
    params(("id" = Uuid, Path, description = "Case id")),
    responses((status = 200, body = Case), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []))
)]
pub async fn assign_case(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: JsonBody,
) -> Result<Json<Case>, ApiError> {
    let id = parse_id(&id, "case id")?;
    let (caller, _) = case_caller(&state, &headers, id).await?;
    let CaseCaller::Expert(expert) = caller else {
        return Err(ApiError::not_found("case"));
    };
    let request: AssignRequest = body.parse()?;
    let case = state
        .store
        .assign_case(
            id,
            request.expert_id,
            expert_actor(&expert),
            state.clock.now(),
        )
        .await?;
    Ok(Json(case))
}

/// Query of the case list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// `open` (default), `all`, or one state.
    pub(crate) state: Option<String>,
    /// Only this group.
    pub(crate) group: Option<String>,
    /// `me`, `none`, `any` (default) or an expert id.
    pub(crate) assignee: Option<String>,
    /// From a previous page's `next_cursor`.
    pub(crate) cursor: Option<String>,
    /// Page size, 1–200 (default 50).
    pub(crate) limit: Option<u32>,
}

/// Cursors are opaque to clients: the last case id, base64url.
fn encode_cursor(case: &Case) -> String {
    URL_SAFE_NO_PAD.encode(case.id.as_bytes())
}

fn decode_cursor(text: &str) -> Option<Uuid> {
    Uuid::from_slice(&URL_SAFE_NO_PAD.decode(text).ok()?).ok()
}

/// The filters of a case list query, parsed; shared with the console's queue.
pub(crate) fn case_filters(
    params: &ListParams,
    expert: &ExpertAuth,
) -> Result<(StateFilter, Option<Uuid>, AssigneeFilter), ApiError> {
    let state_filter = match params.state.as_deref() {
        None | Some("open") => StateFilter::Open,
        Some("all") => StateFilter::All,
        Some(name) => StateFilter::Only(CaseState::parse(name).ok_or_else(|| {
            ApiError::bad_request(
                "state: expected open, all, new, pending, in_progress, closed or expired",
            )
        })?),
    };
    let group = params
        .group
        .as_deref()
        .map(|g| parse_id(g, "group"))
        .transpose()?;
    let assignee = match params.assignee.as_deref() {
        None | Some("any") => AssigneeFilter::Anyone,
        Some("none") => AssigneeFilter::Unassigned,
        Some("me") => AssigneeFilter::Expert(expert.id),
        Some(id) => AssigneeFilter::Expert(parse_id(id, "assignee")?),
    };
    Ok((state_filter, group, assignee))
}

/// The queue: cases of the caller's groups, oldest first.
#[utoipa::path(
    get, path = "/api/v1/cases", tag = "cases", params(ListParams),
    responses((status = 200, body = CaseList), (status = 400, body = ErrorBody)),
    security(("bearer" = []))
)]
pub async fn list_cases(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    params: Result<Query<ListParams>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<CaseList>, ApiError> {
    let expert = expert_caller(&state, &headers).await?;
    let Query(params) = params.map_err(|e| ApiError::bad_request(e.body_text()))?;
    let (state_filter, group, assignee) = case_filters(&params, &expert)?;
    let after = params
        .cursor
        .as_deref()
        .map(|c| {
            decode_cursor(c)
                .ok_or_else(|| ApiError::bad_request("cursor: not one this server gave"))
        })
        .transpose()?;
    let limit = params.limit.unwrap_or(CASE_LIST_DEFAULT_LIMIT);
    if !(1..=CASE_LIST_MAX_LIMIT).contains(&limit) {
        return Err(ApiError::bad_request(format!(
            "limit: 1 to {CASE_LIST_MAX_LIMIT}"
        )));
    }
    let query = CaseQuery {
        state: state_filter,
        group,
        assignee,
        visible_groups: (!expert.admin).then(|| expert.groups.clone()),
        after,
        limit: limit + 1,
    };
    let mut cases = state.store.list_cases(query, state.clock.now()).await?;
    let next_cursor = if cases.len() > limit as usize {
        cases.truncate(limit as usize);
        cases.last().map(encode_cursor)
    } else {
        None
    };
    Ok(Json(CaseList { cases, next_cursor }))
}
