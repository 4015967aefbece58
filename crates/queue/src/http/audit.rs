//! `GET /api/v1/audit`: the audit log, newest first, for admins.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Query, State};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use lifeline_protocol::ErrorBody;

use crate::api_error::ApiError;
use crate::audit::{AuditAction, AuditEntry, AuditQuery};
use crate::caller::AdminCaller;
use crate::ids::parse_id;
use crate::state::AppState;

/// Entries per page unless `limit` says otherwise.
pub const AUDIT_DEFAULT_LIMIT: u32 = 50;
/// The most entries a page holds.
pub const AUDIT_MAX_LIMIT: u32 = 500;

/// Query of the audit log; every filter is optional and they combine.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    /// Only this action.
    #[param(inline, value_type = Option<ActionParam>)]
    pub action: Option<String>,
    /// Only entries by this expert.
    #[param(value_type = Option<uuid::Uuid>)]
    pub actor: Option<String>,
    /// Only entries about this expert, group, token or deployment.
    #[param(value_type = Option<uuid::Uuid>)]
    pub target: Option<String>,
    /// Only entries at or after this time (RFC 3339).
    #[param(value_type = Option<String>, format = DateTime)]
    pub since: Option<String>,
    /// Only entries before this time (RFC 3339).
    #[param(value_type = Option<String>, format = DateTime)]
    pub until: Option<String>,
    /// From a previous page's `next_cursor` (the last entry's id).
    #[param(value_type = Option<uuid::Uuid>)]
    pub cursor: Option<String>,
    /// Page size, 1–500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
}

/// The values of `action`, for the OpenAPI document (`AuditAction`'s names).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
enum ActionParam {
    #[schema(rename = "sign_in.succeeded")]
    SignIn,
    #[schema(rename = "sign_in.failed")]
    SignInFailed,
    #[schema(rename = "expert.created")]
    ExpertCreated,
    #[schema(rename = "expert.changed")]
    ExpertChanged,
    #[schema(rename = "group.created")]
    GroupCreated,
    #[schema(rename = "group.changed")]
    GroupChanged,
    #[schema(rename = "token.created")]
    TokenCreated,
    #[schema(rename = "token.revoked")]
    TokenRevoked,
    #[schema(rename = "deployment.created")]
    DeploymentCreated,
    #[schema(rename = "deployment.revoked")]
    DeploymentRevoked,
    #[schema(rename = "deployment.changed")]
    DeploymentChanged,
    #[schema(rename = "webhook.created")]
    WebhookCreated,
    #[schema(rename = "webhook.changed")]
    WebhookChanged,
    #[schema(rename = "webhook.deleted")]
    WebhookDeleted,
}

/// A page of the audit log.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AuditPage {
    /// The entries, newest first.
    pub entries: Vec<AuditEntry>,
    /// Pass as `cursor` to get the next (older) page; `null` on the last one.
    pub next_cursor: Option<String>,
}

fn parse_time(text: &str, what: &str) -> Result<OffsetDateTime, ApiError> {
    OffsetDateTime::parse(text, &Rfc3339).map_err(|_| {
        ApiError::bad_request(format!(
            "{what}: expected an RFC 3339 time such as 2026-12-01T06:00:00Z"
        ))
    })
}

impl AuditParams {
    /// The store's query, or a clear refusal naming the bad parameter.
    pub fn query(&self) -> Result<AuditQuery, ApiError> {
        let action = self
            .action
            .as_deref()
            .map(|name| {
                AuditAction::parse(name).ok_or_else(|| {
                    let known: Vec<_> = AuditAction::ALL.iter().map(|a| a.as_str()).collect();
                    ApiError::bad_request(format!("action: one of {}", known.join(", ")))
                })
            })
            .transpose()?;
        let limit = self.limit.unwrap_or(AUDIT_DEFAULT_LIMIT);
        if !(1..=AUDIT_MAX_LIMIT).contains(&limit) {
            return Err(ApiError::bad_request(format!(
                "limit: 1 to {AUDIT_MAX_LIMIT}"
            )));
        }
        Ok(AuditQuery {
            action,
            actor: self
                .actor
                .as_deref()
                .map(|t| parse_id(t, "actor"))
                .transpose()?,
            target: self
                .target
                .as_deref()
                .map(|t| parse_id(t, "target"))
                .transpose()?,
            since: self
                .since
                .as_deref()
                .map(|t| parse_time(t, "since"))
                .transpose()?,
            until: self
                .until
                .as_deref()
                .map(|t| parse_time(t, "until"))
                .transpose()?,
            before: self
                .cursor
                .as_deref()
                .map(|t| parse_id(t, "cursor"))
                .transpose()?,
            limit: limit + 1,
        })
    }
}

/// Reads one page of the query (one more entry than asked, to know whether
/// another page follows).
pub async fn audit_page(state: &AppState, query: AuditQuery) -> Result<AuditPage, ApiError> {
    let limit = query.limit.saturating_sub(1) as usize;
    let mut entries = state.store.audit_entries(query).await?;
    let next_cursor = if entries.len() > limit {
        entries.truncate(limit);
        entries.last().map(|e| e.id.to_string())
    } else {
        None
    };
    Ok(AuditPage {
        entries,
        next_cursor,
    })
}

/// The audit log: sign-ins (and failed ones) and every change to experts,
/// groups, API tokens and deployments, with who, when and from which client
/// address; newest first.
#[utoipa::path(get, path = "/api/v1/audit", tag = "admin", params(AuditParams),
    responses((status = 200, body = AuditPage), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn audit_log(
    State(state): State<Arc<AppState>>,
    _: AdminCaller,
    params: Result<Query<AuditParams>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<AuditPage>, ApiError> {
    let Query(params) = params.map_err(|e| ApiError::bad_request(e.body_text()))?;
    Ok(Json(audit_page(&state, params.query()?).await?))
}
