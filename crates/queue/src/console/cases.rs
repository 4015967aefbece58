//! The queue, the case page, manual cases and availability.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::{Stream, StreamExt as _};
use serde::Deserialize;
use tokio::sync::{broadcast, mpsc};
use tokio_stream::wrappers::ReceiverStream;
use uuid::Uuid;

use lifeline_protocol::{Channel, Customer, CustomerName, Description, Email, GroupRef};

use super::auth::NoFields;
use super::language::{Tr, current};
use super::page::{Layout, PageError, Signed, SignedForm, field_refused, page, see_other};
use super::views::{CaseView, HistoryLine, QueueRow, SelectOption, duration_words, select_options};
use crate::api_error::ApiError;
use crate::caller::{ExpertCredential, expert_actor, session_cookie};
use crate::case_access::{check_expert_may_close, visible_case};
use crate::case_filters::{ListParams, case_filters};
use crate::credentials::hash_token;
use crate::hub::QueueWatch;
use crate::ids::parse_id;
use crate::live::SILENT_FOR;
use crate::rules::may_be_assigned;
use crate::state::AppState;
use crate::store::{CaseQuery, ExpertAuth, NewManualCase};

/// Rows on the queue page; the queue of one company rarely holds more open cases.
const QUEUE_PAGE_ROWS: u32 = 200;
/// Keep-alive comments on the queue's event stream.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// The filters as the page shows them, and as a query string for the live rows.
#[derive(Debug, Default)]
struct Filters {
    state: String,
    group: String,
    assignee: String,
    query: String,
}

impl Filters {
    /// Whether the group select shows `id`.
    fn is_group(&self, id: &Uuid) -> bool {
        self.group == id.to_string()
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct QueueParams {
    state: Option<String>,
    group: Option<String>,
    assignee: Option<String>,
}

impl QueueParams {
    /// Empty select values mean "no filter".
    fn list_params(&self) -> ListParams {
        let given = |v: &Option<String>| v.clone().filter(|v| !v.is_empty());
        ListParams {
            state: given(&self.state),
            group: given(&self.group),
            assignee: given(&self.assignee),
            cursor: None,
            limit: None,
        }
    }

    fn filters(&self) -> Filters {
        let state = self.state.clone().unwrap_or_else(|| "open".into());
        let group = self.group.clone().unwrap_or_default();
        let assignee = self.assignee.clone().unwrap_or_else(|| "any".into());
        let query = form_urlencoded::Serializer::new(String::new())
            .append_pair("state", &state)
            .append_pair("group", &group)
            .append_pair("assignee", &assignee)
            .finish();
        Filters {
            state,
            group,
            assignee,
            query,
        }
    }
}

/// The rows the filters select, oldest first.
async fn rows(
    state: &AppState,
    expert: &ExpertAuth,
    params: &QueueParams,
) -> Result<Vec<QueueRow>, PageError> {
    let (state_filter, group, assignee) = case_filters(&params.list_params(), expert)?;
    let query = CaseQuery {
        state: state_filter,
        group,
        assignee,
        visible_groups: (!expert.admin).then(|| expert.groups.clone()),
        code: None,
        after: None,
        limit: QUEUE_PAGE_ROWS,
    };
    let now = state.clock.now();
    let cases = state.store.list_cases(query, now).await?;
    Ok(cases.iter().map(|case| QueueRow::new(case, now)).collect())
}

/// The groups an expert sees, by name.
async fn visible_groups(state: &AppState, expert: &ExpertAuth) -> Result<Vec<GroupRef>, PageError> {
    Ok(state
        .store
        .list_groups()
        .await?
        .into_iter()
        .filter(|g| expert.sees_group(g.id))
        .map(|g| GroupRef {
            id: g.id,
            name: g.name,
        })
        .collect())
}

#[derive(Template)]
#[template(path = "queue.html")]
struct QueuePage {
    layout: Layout,
    filters: Filters,
    groups: Vec<GroupRef>,
    rows: Vec<QueueRow>,
    state_options: Vec<SelectOption>,
    assignee_options: Vec<SelectOption>,
    /// The live region's sentences, `{code}` and `{state}` left for the script.
    news_added: String,
    news_changed: String,
    news_removed: String,
    /// For the rows' own template.
    tr: Tr,
}

/// (value, message id of its label).
const STATE_OPTIONS: [(&str, &str); 7] = [
    ("open", "filter-state-open"),
    ("new", "filter-state-new"),
    ("pending", "filter-state-pending"),
    ("in_progress", "filter-state-in_progress"),
    ("closed", "filter-state-closed"),
    ("expired", "filter-state-expired"),
    ("all", "filter-state-all"),
];

const ASSIGNEE_OPTIONS: [(&str, &str); 3] = [
    ("any", "filter-assignee-any"),
    ("me", "filter-assignee-me"),
    ("none", "filter-assignee-none"),
];

/// A row's news as the script says it: `{code}` and `{state}` it fills in.
fn row_news(tr: &Tr, id: &str) -> String {
    tr.t_args(
        id,
        &[("code", "{code}".into()), ("state", "{state}".into())],
    )
}

pub async fn queue_page(
    State(state): State<Arc<AppState>>,
    signed: Signed,
    Query(params): Query<QueueParams>,
) -> Result<Response, PageError> {
    let filters = params.filters();
    let tr = current();
    page(&QueuePage {
        layout: signed.layout(&state, "queue").await?,
        news_added: row_news(&tr, "queue-news-added"),
        news_changed: row_news(&tr, "queue-news-changed"),
        news_removed: row_news(&tr, "queue-news-removed"),
        tr,
        state_options: select_options(&STATE_OPTIONS, &filters.state),
        assignee_options: select_options(&ASSIGNEE_OPTIONS, &filters.assignee),
        filters,
        groups: visible_groups(&state, &signed.expert).await?,
        rows: rows(&state, &signed.expert, &params).await?,
    })
}

#[derive(Template)]
#[template(path = "queue_rows.html")]
struct QueueRows {
    rows: Vec<QueueRow>,
    tr: Tr,
}

/// The table body alone, for the live refresh.
pub async fn queue_rows(
    State(state): State<Arc<AppState>>,
    signed: Signed,
    Query(params): Query<QueueParams>,
) -> Result<Response, PageError> {
    page(&QueueRows {
        rows: rows(&state, &signed.expert, &params).await?,
        tr: current(),
    })
}

/// Which cases of the expert's groups changed, as they change: `changed`
/// events carrying the case id (the page then fetches its rows again), and
/// `presence` events carrying `{case_id, state, expert_connected,
/// customer_connected}` when only a session side joined or left. A
/// console session holds a capped number of these streams, and one ends
/// when its expert is deactivated or signed out.
pub async fn queue_events(
    State(state): State<Arc<AppState>>,
    signed: Signed,
    headers: HeaderMap,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, PageError> {
    let session = session_cookie(&state, &headers)
        .map(hash_token)
        .ok_or_else(|| ApiError::unauthorized("no console session"))?;
    // Held by the response body: the place is free once the connection lets go of it.
    let slot = state
        .live
        .open_stream(session, false)
        .map_err(ApiError::from)?;
    let changes = state.hub.watch_queue();
    let (sender, receiver) = mpsc::channel(16);
    tokio::spawn(forward_changes(
        state,
        ExpertCredential::Session(session),
        signed.expert,
        changes,
        sender,
    ));
    let stream = ReceiverStream::new(receiver).map(move |event| {
        let _held = &slot;
        event
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(KEEP_ALIVE)))
}

/// Feeds one queue stream until the client leaves or stops reading, the
/// session or its expert ends, or the server stops. The expert's groups are
/// read again on every re-check, so a removal from a group takes effect.
async fn forward_changes(
    state: Arc<AppState>,
    credential: ExpertCredential,
    mut expert: ExpertAuth,
    mut changes: QueueWatch,
    sender: mpsc::Sender<Result<Event, Infallible>>,
) {
    let mut recheck = tokio::time::interval_at(
        tokio::time::Instant::now() + state.access_recheck,
        state.access_recheck,
    );
    loop {
        let change = tokio::select! {
            () = sender.closed() => return,
            () = state.shutdown.cancelled() => return,
            _ = recheck.tick() => {
                match credential.expert(&state).await {
                    Ok(Some(now)) => expert = now,
                    Ok(None) => return,
                    Err(e) => tracing::warn!(error = e.message(), "cannot re-check a console stream's expert"),
                }
                continue;
            }
            change = changes.recv() => change,
        };
        let event = match change {
            Ok(change) if expert.sees_group(change.group_id) => match change.presence {
                // A side joined or left: the page patches the row, it does not read the queue again.
                Some(presence) => Event::default().event("presence").data(&*presence),
                None => Event::default()
                    .event("changed")
                    .data(change.case_id.to_string()),
            },
            Ok(_) => continue,
            // Fell behind: something changed; the page re-renders anyway.
            Err(broadcast::error::RecvError::Lagged(_)) => {
                Event::default().event("changed").data("lagged")
            }
            Err(broadcast::error::RecvError::Closed) => return,
        };
        // A page that takes nothing for this long is dropped, not waited on.
        if sender.send_timeout(Ok(event), SILENT_FOR).await.is_err() {
            return;
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct AvailabilityForm {
    available: bool,
}

pub async fn set_availability(
    State(state): State<Arc<AppState>>,
    SignedForm { signed, form }: SignedForm<AvailabilityForm>,
) -> Result<Response, PageError> {
    state
        .store
        .set_availability(signed.expert.id, form.available, state.clock.now())
        .await?;
    Ok(see_other("/"))
}

#[derive(Template)]
#[template(path = "case.html")]
struct CasePage {
    layout: Layout,
    case: CaseView,
    history: Vec<HistoryLine>,
    experts: Vec<lifeline_protocol::Expert>,
    me: Uuid,
    /// The live region's sentence, `{what}` left for the script.
    news_changed: String,
}

pub async fn case_page(
    State(state): State<Arc<AppState>>,
    signed: Signed,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = parse_id(&id, "case id")?;
    let case = visible_case(&state, &signed.expert, id).await?;
    let history = state.store.history(id).await?;
    // Only those the case may be assigned to: active and able to see it.
    let experts = state
        .store
        .list_experts()
        .await?
        .into_iter()
        .filter(|e| may_be_assigned(Some(e), case.group.id).is_ok())
        .collect();
    page(&CasePage {
        layout: signed.layout(&state, "queue").await?,
        case: CaseView::new(&case),
        history: history.iter().map(HistoryLine::new).collect(),
        experts,
        me: signed.expert.id,
        news_changed: current().t_with("case-news-changed", "what", "{what}"),
    })
}

#[derive(Debug, Deserialize)]
pub struct AssignForm {
    /// Empty to unassign.
    expert_id: String,
}

pub async fn assign_case(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    SignedForm { signed, form }: SignedForm<AssignForm>,
) -> Result<Response, PageError> {
    let id = parse_id(&id, "case id")?;
    visible_case(&state, &signed.expert, id).await?;
    let expert = match form.expert_id.as_str() {
        "" => None,
        text => Some(parse_id(text, "expert_id")?),
    };
    state
        .store
        .assign_case(id, expert, expert_actor(&signed.expert), state.clock.now())
        .await?;
    Ok(see_other(&format!("/cases/{id}")))
}

pub async fn close_case(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    SignedForm { signed, .. }: SignedForm<NoFields>,
) -> Result<Response, PageError> {
    let id = parse_id(&id, "case id")?;
    let case = visible_case(&state, &signed.expert, id).await?;
    check_expert_may_close(&state, &signed.expert, &case).await?;
    state
        .store
        .close_case(id, expert_actor(&signed.expert), state.clock.now())
        .await?;
    Ok(see_other(&format!("/cases/{id}")))
}

#[derive(Template)]
#[template(path = "new_case.html")]
struct NewCasePage {
    layout: Layout,
    groups: Vec<GroupRef>,
}

pub async fn new_case_page(
    State(state): State<Arc<AppState>>,
    signed: Signed,
) -> Result<Response, PageError> {
    page(&NewCasePage {
        layout: signed.layout(&state, "new").await?,
        groups: visible_groups(&state, &signed.expert).await?,
    })
}

#[derive(Debug, Deserialize)]
pub struct NewCaseForm {
    group: String,
    #[serde(default)]
    customer_name: String,
    #[serde(default)]
    customer_email: String,
    #[serde(default)]
    description: String,
}

#[derive(Template)]
#[template(path = "case_created.html")]
struct CaseCreatedPage {
    layout: Layout,
    id: Uuid,
    code: String,
    /// How long the customer has to enter the code.
    valid_for: String,
}

/// Creates a manual case and shows its code large, to read out. Answered
/// directly rather than redirected: the code is never put in a URL.
pub async fn create_case(
    State(state): State<Arc<AppState>>,
    SignedForm { signed, form }: SignedForm<NewCaseForm>,
) -> Result<Response, PageError> {
    let group = parse_id(&form.group, "group")?;
    if !signed.expert.sees_group(group) {
        return Err(PageError::invalid(
            "group: not one of your groups",
            current().t("page-error-not-your-group"),
        ));
    }
    let optional = |text: &str| {
        Some(text.trim())
            .filter(|t| !t.is_empty())
            .map(str::to_string)
    };
    let customer = Customer {
        name: optional(&form.customer_name)
            .map(CustomerName::parse)
            .transpose()
            .map_err(|e| field_refused(format!("customer name: {e}"), "new-case-customer-name"))?,
        email: optional(&form.customer_email)
            .map(Email::parse)
            .transpose()
            .map_err(|e| {
                field_refused(format!("customer email: {e}"), "new-case-customer-email")
            })?,
    };
    let description = optional(&form.description)
        .map(Description::parse)
        .transpose()
        .map_err(|e| field_refused(format!("description: {e}"), "new-case-description"))?;
    let case = state
        .store
        .create_manual_case(
            NewManualCase {
                group_id: group,
                customer,
                description,
                valid_until: None,
            },
            expert_actor(&signed.expert),
            state.clock.now(),
        )
        .await?;
    state.metrics.case_created(Channel::Manual);
    let mut response = page(&CaseCreatedPage {
        layout: signed.layout(&state, "new").await?,
        id: case.id,
        code: case.code.to_string(),
        valid_for: duration_words(case.expires_at - case.created_at),
    })?;
    *response.status_mut() = axum::http::StatusCode::CREATED;
    Ok(response.into_response())
}
