//! Case endpoints, for customers (`dk_`, `ct_`) and experts (`et_`).

use std::sync::Arc;

use axum::Json;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};
use tracing::instrument;
use uuid::Uuid;

use lifeline_protocol::{
    AssignRequest, Case, CaseList, CaseWithToken, Channel, CreateCaseRequest, ErrorBody,
    JoinCaseRequest, ManualCaseRequest, UpdateCaseRequest,
    limits::{CASE_LIST_DEFAULT_LIMIT, CASE_LIST_MAX_LIMIT},
};

use super::extract::{IdempotencyKeyHeader, JsonBody};
use crate::api_error::ApiError;
use crate::caller::{
    CaseAccess, CaseCaller, CaseCreator, ExpertCaller, JoiningDeployment, expert_actor,
};
use crate::case_access::check_expert_may_close;
use crate::case_filters::{ListParams, case_filters};
use crate::metrics::JoinFailure;
use crate::state::AppState;
use crate::store::{CaseQuery, CreateOutcome, ExpertAuth, NewCustomerCase, NewManualCase};

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
#[instrument(skip_all, err(level = "debug"))]
pub async fn create_case(
    State(state): State<Arc<AppState>>,
    creator: CaseCreator,
    key: IdempotencyKeyHeader,
    body: JsonBody,
) -> Result<Response, ApiError> {
    let deployment = match creator {
        CaseCreator::Expert(expert) => return create_manual_case(&state, expert, &body).await,
        CaseCreator::Deployment(deployment) => deployment,
    };
    let key = key.require()?;
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
    expert: ExpertAuth,
    body: &JsonBody,
) -> Result<Response, ApiError> {
    let request: ManualCaseRequest = body.parse()?;
    if !expert.sees_group(request.group) {
        return Err(ApiError::invalid("group: not one of your groups"));
    }
    let new = NewManualCase {
        group_id: request.group,
        customer: request.customer.unwrap_or_default(),
        description: request.description,
        valid_until: None,
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
///
/// Only a case of the deployment key's group whose code has not lapsed can
/// be joined; every other code gets the same 404, so an answer never tells
/// whether a code exists elsewhere. Wrong codes spend a budget shared by all
/// callers (`failed_join_budget`); once it is spent, every join gets 429.
#[utoipa::path(
    post, path = "/api/v1/cases/join", tag = "cases", request_body = JoinCaseRequest,
    responses(
        (status = 200, body = CaseWithToken),
        (status = 404, description = "No open manual case of the deployment's group, unclaimed and made less than `manual_code_ttl` ago, has this code", body = ErrorBody),
        (status = 429, description = "Too many joins from this address, or too many wrong codes from all callers together (`Retry-After` says when to retry)", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
#[instrument(skip_all, err(level = "debug"))]
pub async fn join_case(
    State(state): State<Arc<AppState>>,
    JoiningDeployment(deployment): JoiningDeployment,
    body: JsonBody,
) -> Result<Json<CaseWithToken>, ApiError> {
    let request: JoinCaseRequest = body.parse()?;
    let now = state.clock.now();
    if let Some(budget) = &state.join_budget {
        budget.spend(now).await?.map_err(|wait| {
            state.metrics.join_failed(JoinFailure::OverBudget);
            ApiError::join_budget_spent(wait)
        })?;
    }
    let claimed = state
        .store
        .claim_manual_case(
            request.code,
            deployment.group_id,
            request.device.unwrap_or_default(),
            now,
        )
        .await?;
    let Some(case) = claimed else {
        state.metrics.join_failed(JoinFailure::NoCase);
        return Err(ApiError::not_found("open case with this code"));
    };
    if let Some(budget) = &state.join_budget
        && let Err(e) = budget.refund().await
    {
        // The case is claimed: its customer gets it, and the attempt stays spent.
        tracing::warn!(error = %e, "cannot give back a join attempt");
    }
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
#[instrument(skip_all, fields(case.id = %id), err(level = "debug"))]
pub async fn get_case(
    State(state): State<Arc<AppState>>,
    CaseAccess {
        id,
        caller,
        mut case,
    }: CaseAccess,
) -> Result<Json<Case>, ApiError> {
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
#[instrument(skip_all, fields(case.id = %id), err(level = "debug"))]
pub async fn update_case(
    State(state): State<Arc<AppState>>,
    CaseAccess { id, caller, .. }: CaseAccess,
    body: JsonBody,
) -> Result<Json<Case>, ApiError> {
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
#[instrument(skip_all, fields(case.id = %id), err(level = "debug"))]
pub async fn close_case(
    State(state): State<Arc<AppState>>,
    CaseAccess { id, caller, case }: CaseAccess,
) -> Result<Json<Case>, ApiError> {
    if let CaseCaller::Expert(expert) = &caller {
        check_expert_may_close(&state, expert, &case).await?;
    }
    let closed = state
        .store
        .close_case(id, caller.actor(), state.clock.now())
        .await?;
    Ok(Json(closed))
}

/// Assigns a case to an expert, or unassigns it (`expert_id: null`).
#[utoipa::path(
    post, path = "/api/v1/cases/{id}/assign", tag = "cases", request_body = AssignRequest,
    params(("id" = Uuid, Path, description = "Case id")),
    responses((status = 200, body = Case), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []))
)]
#[instrument(skip_all, fields(case.id = %id), err(level = "debug"))]
pub async fn assign_case(
    State(state): State<Arc<AppState>>,
    CaseAccess { id, caller, .. }: CaseAccess,
    body: JsonBody,
) -> Result<Json<Case>, ApiError> {
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

/// Cursors are opaque to clients: the last case id, base64url.
pub(super) fn encode_cursor(case: &Case) -> String {
    URL_SAFE_NO_PAD.encode(case.id.as_bytes())
}

pub(super) fn decode_cursor(text: &str) -> Option<Uuid> {
    Uuid::from_slice(&URL_SAFE_NO_PAD.decode(text).ok()?).ok()
}

/// The queue: cases of the caller's groups, oldest first.
#[utoipa::path(
    get, path = "/api/v1/cases", tag = "cases", params(ListParams),
    responses((status = 200, body = CaseList), (status = 400, body = ErrorBody)),
    security(("bearer" = []))
)]
#[instrument(skip_all, err(level = "debug"))]
pub async fn list_cases(
    State(state): State<Arc<AppState>>,
    ExpertCaller(expert): ExpertCaller,
    params: Result<Query<ListParams>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<CaseList>, ApiError> {
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
        code: None,
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
