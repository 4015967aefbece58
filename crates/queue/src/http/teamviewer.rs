//! A TeamViewer-compatible sessions API under `/tv/api/v1/`, for help-desk
//! integrations written against TeamViewer's Web API: a façade over the same
//! store and rules as `/api/v1`, in TeamViewer's field names, code format
//! (`s123-456-789`), id prefixes (`u…` experts, `g…` groups) and error shape
//! (`error`, `error_description`, `error_code`). A session is a case. Only an
//! expert API token (`et_`) gets in, with the access rules of `/api/v1`.
//! `docs/teamviewer-api.md` says what differs from the original.

use std::sync::Arc;

use axum::extract::rejection::QueryRejection;
use axum::extract::{DefaultBodyLimit, FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Json, Router};
use serde::{Deserialize, Deserializer, Serialize};
use time::OffsetDateTime;
use tower_http::set_header::SetResponseHeaderLayer;
use tracing::instrument;
use uuid::Uuid;

use lifeline_protocol::limits::{BODY_MAX_BYTES, CASE_LIST_MAX_LIMIT};
use lifeline_protocol::{Case, Customer, Description, SessionCode, UpdateCaseRequest};

use super::cases::{decode_cursor, encode_cursor};
use super::extract::{BodyLimit, JsonBody};
use crate::api_error::ApiError;
use crate::caller::{ExpertCredential, bearer, expert_actor};
use crate::case_access::check_expert_may_close;
use crate::credentials::TokenKind;
use crate::rules::cases::may_be_assigned;
use crate::state::AppState;
use crate::store::{AssigneeFilter, CaseQuery, ExpertAuth, NewManualCase, StateFilter};

/// The façade's routes.
pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route(
            "/tv/api/v1/sessions",
            get(list_sessions).post(create_session),
        )
        .route(
            "/tv/api/v1/sessions/{code}",
            get(get_session).put(update_session),
        )
        .layer(DefaultBodyLimit::max(BODY_MAX_BYTES))
        .layer(Extension(BodyLimit(BODY_MAX_BYTES)))
        // The answers name customers: no cache keeps them.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
}

/// The `error` words of TeamViewer's clients that the façade answers with.
/// TeamViewer documents `error_code` only as a number unique to each kind of
/// error and publishes no values, so the numbers are ours, fixed here. The
/// words `not_found` and `invalid_permission` are not in TeamViewer's error
/// chapter but are what its own PowerShell client recognises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TvErrorKind {
    InvalidRequest,
    InvalidToken,
    InternalError,
    RateLimitReached,
    NotFound,
    InvalidPermission,
}

impl TvErrorKind {
    fn word(self) -> &'static str {
        match self {
            Self::InvalidRequest => "invalid_request",
            Self::InvalidToken => "invalid_token",
            Self::InternalError => "internal_error",
            Self::RateLimitReached => "rate_limit_reached",
            Self::NotFound => "not_found",
            Self::InvalidPermission => "invalid_permission",
        }
    }

    fn code(self) -> u16 {
        match self {
            Self::InvalidRequest => 1,
            Self::InvalidToken => 2,
            Self::InternalError => 3,
            Self::RateLimitReached => 4,
            Self::NotFound => 13,
            Self::InvalidPermission => 15,
        }
    }
}

/// An error in TeamViewer's shape: its status, its `error` word and number,
/// and our description.
#[derive(Debug)]
pub struct TvError {
    status: StatusCode,
    kind: TvErrorKind,
    description: String,
    retry_after_secs: Option<u64>,
}

#[derive(Serialize)]
struct TvErrorBody<'a> {
    error: &'a str,
    error_description: &'a str,
    error_code: u16,
}

impl TvError {
    fn new(status: StatusCode, kind: TvErrorKind, description: impl Into<String>) -> Self {
        Self {
            status,
            kind,
            description: description.into(),
            retry_after_secs: None,
        }
    }

    fn invalid_request(description: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            TvErrorKind::InvalidRequest,
            description,
        )
    }

    fn not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            TvErrorKind::NotFound,
            "no session with this code",
        )
    }
}

/// Our errors in TeamViewer's words: 400 and 422 (and a refused change of a
/// closed session, our 409) are `invalid_request`, 401 `invalid_token`, 403
/// `invalid_permission`, 404 `not_found`, 429 `rate_limit_reached`, and the
/// rest `internal_error` with our status (503 keeps its `Retry-After`).
impl From<ApiError> for TvError {
    fn from(error: ApiError) -> Self {
        let (status, kind) = match error.status() {
            StatusCode::UNAUTHORIZED => (StatusCode::UNAUTHORIZED, TvErrorKind::InvalidToken),
            StatusCode::FORBIDDEN => (StatusCode::FORBIDDEN, TvErrorKind::InvalidPermission),
            StatusCode::NOT_FOUND => (StatusCode::NOT_FOUND, TvErrorKind::NotFound),
            StatusCode::TOO_MANY_REQUESTS => {
                (StatusCode::TOO_MANY_REQUESTS, TvErrorKind::RateLimitReached)
            }
            status if status.is_client_error() => {
                (StatusCode::BAD_REQUEST, TvErrorKind::InvalidRequest)
            }
            status => (status, TvErrorKind::InternalError),
        };
        Self {
            retry_after_secs: error.retry_after_secs(),
            ..Self::new(status, kind, error.message())
        }
    }
}

impl From<crate::store::StoreError> for TvError {
    fn from(error: crate::store::StoreError) -> Self {
        ApiError::from(error).into()
    }
}

/// For logs and spans: the status and the description.
impl std::fmt::Display for TvError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.status, self.description)
    }
}

impl IntoResponse for TvError {
    fn into_response(self) -> Response {
        let body = TvErrorBody {
            error: self.kind.word(),
            error_description: &self.description,
            error_code: self.kind.code(),
        };
        let mut response = (self.status, Json(body)).into_response();
        if let Some(secs) = self.retry_after_secs {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

/// The expert behind `Authorization: Bearer et_…`. The console cookie is
/// not taken here: integrations hold tokens, and without cookies there is
/// no cross-site request to guard against.
#[derive(Debug)]
pub struct TvExpert(ExpertAuth);

impl FromRequestParts<Arc<AppState>> for TvExpert {
    type Rejection = TvError;

    async fn from_request_parts(parts: &mut Parts, state: &Arc<AppState>) -> Result<Self, TvError> {
        let credential = bearer(&parts.headers)?;
        if credential.kind != TokenKind::Expert {
            return Err(ApiError::forbidden("this API takes an expert API token (et_)").into());
        }
        ExpertCredential::Token(credential.hash)
            .expert(state)
            .await?
            .map(Self)
            .ok_or_else(|| ApiError::unauthorized("unknown or revoked expert token").into())
    }
}

/// A session code in TeamViewer's form, `s123-456-789`.
fn tv_code(code: &SessionCode) -> String {
    let digits = code.as_str();
    format!("s{}-{}-{}", &digits[0..3], &digits[3..6], &digits[6..9])
}

/// Reads `s123-456-789` (also `s123456789`).
fn parse_tv_code(text: &str) -> Result<SessionCode, TvError> {
    text.strip_prefix('s')
        .filter(|rest| rest.bytes().all(|b| b.is_ascii_digit() || b == b'-'))
        .and_then(|rest| SessionCode::parse(rest).ok())
        .ok_or_else(|| TvError::invalid_request("code: expected a session code like s123-456-789"))
}

/// Reads an id written with TeamViewer's type prefix: `u…` for a user (an
/// expert), `g…` for a group, then our UUID.
fn parse_prefixed(text: &str, prefix: char, field: &str) -> Result<Uuid, String> {
    text.strip_prefix(prefix)
        .and_then(|rest| Uuid::parse_str(rest).ok())
        .ok_or_else(|| {
            format!("{field}: expected {prefix} followed by an id, as this API writes them")
        })
}

fn user_id(id: Uuid) -> String {
    format!("u{id}")
}

fn group_id(id: Uuid) -> String {
    format!("g{id}")
}

/// A field holding a prefixed id, checked while the body is read so the
/// error names the field.
fn prefixed<'de, D: Deserializer<'de>>(
    deserializer: D,
    prefix: char,
    field: &str,
) -> Result<Option<Uuid>, D::Error> {
    let text = String::deserialize(deserializer)?;
    parse_prefixed(&text, prefix, field)
        .map(Some)
        .map_err(serde::de::Error::custom)
}

fn user_field<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Uuid>, D::Error> {
    prefixed(deserializer, 'u', "assigned_userid")
}

fn group_field<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Uuid>, D::Error> {
    prefixed(deserializer, 'g', "groupid")
}

/// A session as TeamViewer's Web API shows one.
#[derive(Debug, Serialize)]
struct Session {
    code: String,
    /// `Open` or `Closed` (an expired case is closed).
    state: &'static str,
    groupid: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    groupname: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_customer: Option<EndCustomer>,
    #[serde(skip_serializing_if = "Option::is_none")]
    assigned_userid: Option<String>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "time::serde::rfc3339::option"
    )]
    created_at: Option<OffsetDateTime>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "time::serde::rfc3339::option"
    )]
    valid_until: Option<OffsetDateTime>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "time::serde::rfc3339::option"
    )]
    closed_at: Option<OffsetDateTime>,
    #[serde(skip_serializing_if = "Option::is_none")]
    supporter_link: Option<String>,
}

#[derive(Debug, Serialize)]
struct EndCustomer {
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<String>,
}

impl Session {
    /// Every field (`full_list=true`, and single sessions).
    fn full(case: &Case, state: &AppState) -> Self {
        let customer = &case.customer;
        let has_customer = customer.name.is_some() || customer.email.is_some();
        // Absolute when the server knows its public address.
        let case_path = format!("/cases/{}", case.id);
        let supporter_link = match &state.public_url {
            Some(url) => url.link(&case_path),
            None => case_path,
        };
        Self {
            groupname: Some(case.group.name.clone()),
            description: case.description.as_ref().map(|d| d.as_str().to_owned()),
            end_customer: has_customer.then(|| EndCustomer {
                name: customer.name.as_ref().map(|n| n.as_str().to_owned()),
                email: customer.email.as_ref().map(|e| e.as_str().to_owned()),
            }),
            created_at: Some(case.created_at),
            valid_until: Some(case.expires_at),
            closed_at: case.closed_at,
            supporter_link: Some(supporter_link),
            ..Self::short(case)
        }
    }

    /// What a list shows without `full_list`.
    fn short(case: &Case) -> Self {
        Self {
            code: tv_code(&case.code),
            state: if case.state.is_final() {
                "Closed"
            } else {
                "Open"
            },
            groupid: group_id(case.group.id),
            groupname: None,
            description: None,
            end_customer: None,
            assigned_userid: case.assignee.as_ref().map(|a| user_id(a.id)),
            created_at: None,
            valid_until: None,
            closed_at: None,
            supporter_link: None,
        }
    }
}

/// `GET /sessions`'s answer.
#[derive(Debug, Serialize)]
struct SessionList {
    sessions: Vec<Session>,
    /// Give it back as `offset` for the next page; absent on the last.
    #[serde(skip_serializing_if = "Option::is_none")]
    next_offset: Option<String>,
}

/// `GET /sessions`'s query.
#[derive(Debug, Deserialize)]
pub struct ListQuery {
    groupid: Option<String>,
    assigned_userid: Option<String>,
    state: Option<String>,
    full_list: Option<String>,
    offset: Option<String>,
}

/// Lists the sessions the token's expert sees, oldest first, a page at a time.
#[instrument(skip_all, err(level = "debug"))]
async fn list_sessions(
    State(state): State<Arc<AppState>>,
    TvExpert(expert): TvExpert,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Result<Json<SessionList>, TvError> {
    let Query(query) = query.map_err(|e| TvError::invalid_request(e.body_text()))?;
    let state_filter = match query.state.as_deref() {
        None => StateFilter::All,
        Some("open") => StateFilter::Open,
        Some("closed") => StateFilter::Final,
        Some(_) => return Err(TvError::invalid_request("state: expected open or closed")),
    };
    let full = match query.full_list.as_deref() {
        None | Some("false" | "0") => false,
        Some("true" | "1") => true,
        Some(_) => {
            return Err(TvError::invalid_request(
                "full_list: expected true or false",
            ));
        }
    };
    let group = query
        .groupid
        .as_deref()
        .map(|g| parse_prefixed(g, 'g', "groupid"))
        .transpose()
        .map_err(TvError::invalid_request)?;
    let assignee = match query.assigned_userid.as_deref() {
        None => AssigneeFilter::Anyone,
        Some(u) => AssigneeFilter::Expert(
            parse_prefixed(u, 'u', "assigned_userid").map_err(TvError::invalid_request)?,
        ),
    };
    let after = query
        .offset
        .as_deref()
        .map(|o| {
            decode_cursor(o).ok_or_else(|| {
                TvError::invalid_request("offset: not a next_offset this server gave")
            })
        })
        .transpose()?;
    let page = CASE_LIST_MAX_LIMIT;
    let case_query = CaseQuery {
        state: state_filter,
        group,
        assignee,
        visible_groups: (!expert.admin).then(|| expert.groups.clone()),
        code: None,
        after,
        limit: page + 1,
    };
    let mut cases = state
        .store
        .list_cases(case_query, state.clock.now())
        .await?;
    let next_offset = if cases.len() > page as usize {
        cases.truncate(page as usize);
        cases.last().map(encode_cursor)
    } else {
        None
    };
    let sessions = cases
        .iter()
        .map(|case| {
            if full {
                Session::full(case, &state)
            } else {
                Session::short(case)
            }
        })
        .collect();
    Ok(Json(SessionList {
        sessions,
        next_offset,
    }))
}

/// `POST /sessions`'s body.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateSession {
    #[serde(default, deserialize_with = "group_field")]
    groupid: Option<Uuid>,
    groupname: Option<String>,
    description: Option<Description>,
    end_customer: Option<Customer>,
    #[serde(default, deserialize_with = "user_field")]
    assigned_userid: Option<Uuid>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    valid_until: Option<OffsetDateTime>,
}

/// Creates a session: a manual case in the group, whose code the expert
/// gives the customer. Answers `200` with the session, as TeamViewer does.
#[instrument(skip_all, err(level = "debug"))]
async fn create_session(
    State(state): State<Arc<AppState>>,
    TvExpert(expert): TvExpert,
    body: Result<JsonBody, ApiError>,
) -> Result<Json<Session>, TvError> {
    let request: CreateSession = body?.parse()?;
    let now = state.clock.now();
    let group = match (request.groupid, request.groupname.as_deref()) {
        (Some(id), None) => id,
        (None, Some(name)) => {
            state
                .store
                .group_by_name(name)
                .await?
                .filter(|g| expert.sees_group(g.id))
                .ok_or_else(|| {
                    TvError::invalid_request("groupname: none of your groups has this name")
                })?
                .id
        }
        _ => {
            return Err(TvError::invalid_request("give either groupid or groupname"));
        }
    };
    if !expert.sees_group(group) {
        return Err(TvError::invalid_request("groupid: not one of your groups"));
    }
    if request.valid_until.is_some_and(|until| until <= now) {
        return Err(TvError::invalid_request(
            "valid_until: must be in the future",
        ));
    }
    // Checked before the case exists, so a wrong assignee leaves nothing behind.
    if let Some(assignee) = request.assigned_userid {
        let candidate = state.store.expert(assignee).await?;
        may_be_assigned(candidate.as_ref(), group).map_err(assign_error)?;
    }
    let actor = expert_actor(&expert);
    let mut case = state
        .store
        .create_manual_case(
            NewManualCase {
                group_id: group,
                customer: request.end_customer.unwrap_or_default(),
                description: request.description,
                valid_until: request.valid_until,
            },
            actor.clone(),
            now,
        )
        .await?;
    state
        .metrics
        .case_created(lifeline_protocol::Channel::Manual);
    if let Some(assignee) = request.assigned_userid
        && case.assignee.as_ref().map(|a| a.id) != Some(assignee)
    {
        case = state
            .store
            .assign_case(case.id, Some(assignee), actor, state.clock.now())
            .await
            .map_err(assign_error)?;
    }
    Ok(Json(Session::full(&case, &state)))
}

/// The rules speak of `expert_id`; this API calls it `assigned_userid`.
fn assign_error(error: crate::store::StoreError) -> TvError {
    let mut error = TvError::from(error);
    error.description = error.description.replace("expert_id", "assigned_userid");
    error
}

/// The case holding `code` that the expert sees: the open one, else the
/// latest closed one (a closed case's code may be given again later).
async fn session_case(
    state: &AppState,
    expert: &ExpertAuth,
    code: SessionCode,
) -> Result<Case, TvError> {
    let now = state.clock.now();
    for (filter, newest) in [(StateFilter::Open, false), (StateFilter::Final, true)] {
        let query = CaseQuery {
            state: filter,
            group: None,
            assignee: AssigneeFilter::Anyone,
            visible_groups: (!expert.admin).then(|| expert.groups.clone()),
            code: Some(code),
            after: None,
            limit: CASE_LIST_MAX_LIMIT,
        };
        let mut cases = state.store.list_cases(query, now).await?;
        let found = if newest {
            cases.pop()
        } else {
            cases.into_iter().next()
        };
        if let Some(case) = found {
            return Ok(case);
        }
    }
    Err(TvError::not_found())
}

/// Reads one session.
#[instrument(skip_all, err(level = "debug"))]
async fn get_session(
    State(state): State<Arc<AppState>>,
    TvExpert(expert): TvExpert,
    Path(code): Path<String>,
) -> Result<Json<Session>, TvError> {
    let case = session_case(&state, &expert, parse_tv_code(&code)?).await?;
    Ok(Json(Session::full(&case, &state)))
}

/// `PUT /sessions/{code}`'s body.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateSession {
    #[serde(default, deserialize_with = "user_field")]
    assigned_userid: Option<Uuid>,
    description: Option<Description>,
    end_customer: Option<Customer>,
    state: Option<ClosedOnly>,
}

/// The only state a session can be put in.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "lowercase")]
enum ClosedOnly {
    Closed,
}

/// Assigns, describes or closes a session; answers `204` as TeamViewer
/// does. The changes are applied in that order, each its own write.
#[instrument(skip_all, err(level = "debug"))]
async fn update_session(
    State(state): State<Arc<AppState>>,
    TvExpert(expert): TvExpert,
    Path(code): Path<String>,
    body: Result<JsonBody, ApiError>,
) -> Result<StatusCode, TvError> {
    let code = parse_tv_code(&code)?;
    let request: UpdateSession = body?.parse()?;
    let case = session_case(&state, &expert, code).await?;
    if request.assigned_userid.is_none()
        && request.description.is_none()
        && request.end_customer.is_none()
        && request.state.is_none()
    {
        return Err(TvError::invalid_request(
            "nothing to change: give assigned_userid, description, end_customer or state",
        ));
    }
    if case.state.is_final() {
        return Err(TvError::invalid_request("the session is closed"));
    }
    // Closing is refused before anything else is written.
    if request.state.is_some() {
        check_expert_may_close(&state, &expert, &case).await?;
    }
    let actor = expert_actor(&expert);
    if let Some(assignee) = request.assigned_userid {
        state
            .store
            .assign_case(case.id, Some(assignee), actor.clone(), state.clock.now())
            .await
            .map_err(assign_error)?;
    }
    if request.description.is_some() || request.end_customer.is_some() {
        let update = UpdateCaseRequest {
            description: request.description,
            customer: request.end_customer,
        };
        state
            .store
            .update_case(case.id, update, actor.clone(), state.clock.now())
            .await?;
    }
    if request.state.is_some() {
        state
            .store
            .close_case(case.id, actor, state.clock.now())
            .await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_read_and_write_in_teamviewer_form() {
        let code = SessionCode::parse("012345678").expect("a code");
        assert_eq!(tv_code(&code), "s012-345-678");
        assert_eq!(parse_tv_code("s012-345-678").ok(), Some(code));
        assert_eq!(parse_tv_code("s012345678").ok(), Some(code));
        for wrong in [
            "012-345-678",
            "s012 345 678",
            "s12-345-678",
            "sabc-def-ghi",
            "u012-345-678",
        ] {
            assert!(parse_tv_code(wrong).is_err(), "{wrong} must be refused");
        }
    }

    #[test]
    fn ids_carry_their_type_prefix() {
        let id = Uuid::now_v7();
        assert_eq!(parse_prefixed(&user_id(id), 'u', "x"), Ok(id));
        assert_eq!(parse_prefixed(&group_id(id), 'g', "x"), Ok(id));
        assert!(parse_prefixed(&group_id(id), 'u', "x").is_err());
        assert!(parse_prefixed(&id.to_string(), 'g', "x").is_err());
    }
}
