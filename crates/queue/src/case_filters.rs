//! The case list's filters, as the API's query and the console's queue page
//! both give them.

use serde::Deserialize;
use uuid::Uuid;

use lifeline_protocol::CaseState;

use crate::api_error::ApiError;
use crate::ids::parse_id;
use crate::store::{AssigneeFilter, ExpertAuth, StateFilter};

/// Query of the case list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// `open` (default), `all`, or one state.
    #[param(inline, value_type = Option<StateParam>)]
    pub state: Option<String>,
    /// Only this group.
    #[param(value_type = Option<Uuid>)]
    pub group: Option<String>,
    /// `me`, `none`, `any` (default) or an expert id.
    #[param(
        pattern = "^(me|none|any|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$"
    )]
    pub assignee: Option<String>,
    /// From a previous page's `next_cursor` (a case id, base64url).
    #[param(pattern = "^[A-Za-z0-9_-]{21}[AQgw]$")]
    pub cursor: Option<String>,
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
}

/// The values of `state`, for the OpenAPI document.
#[derive(utoipa::ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
enum StateParam {
    Open,
    All,
    New,
    Pending,
    InProgress,
    Closed,
    Expired,
}

/// The filters of a case list query, parsed.
pub fn case_filters(
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
