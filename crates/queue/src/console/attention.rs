//! What the console alerts an expert to (`GET /console/attention`): the
//! cases waiting in the expert's groups with nobody assigned (their count is
//! the tab title's), which of them waited past their group's alert time, and
//! the open cases assigned to the expert. The page's script reads it again
//! on every change of the queue and when the next case becomes overdue, and
//! notifies once per case and moment (docs/architecture.md, "Console
//! notifications").

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use lifeline_protocol::{Case, DEFAULT_ALERT_AFTER_SECONDS};

use super::page::{PageError, Signed};
use super::views::customer_name;
use crate::state::AppState;
use crate::store::{AssigneeFilter, CaseQuery, StateFilter};

/// Cases read per list: more than one company's open queue holds.
const MOST_CASES: u32 = 200;

/// The answer of `GET /console/attention`.
#[derive(Debug, Serialize)]
pub struct Attention {
    /// Open unassigned cases in the expert's groups.
    waiting: usize,
    /// Those cases, oldest first.
    waiting_cases: Vec<AttentionCase>,
    /// Open cases assigned to the expert, oldest first.
    assigned_cases: Vec<AttentionCase>,
    /// Milliseconds until the next waiting case passes its group's alert
    /// time; `None` when none is left to pass it.
    next_overdue_in_ms: Option<u64>,
}

/// One case as a notification names it: no session code or token, since a
/// desktop notification can show on a locked screen.
#[derive(Debug, Serialize)]
struct AttentionCase {
    id: Uuid,
    customer: String,
    group: String,
    /// Waited past the group's alert time (waiting cases only).
    overdue: bool,
    /// The group's alert time, in seconds.
    alert_after_seconds: u32,
}

pub async fn attention(
    State(state): State<Arc<AppState>>,
    signed: Signed,
) -> Result<Json<Attention>, PageError> {
    let me = &signed.expert;
    let now = state.clock.now();
    let alert_times: HashMap<Uuid, u32> = state
        .store
        .list_groups()
        .await?
        .into_iter()
        .map(|g| (g.id, g.alert_after_seconds))
        .collect();
    let alert_after = |case: &Case| {
        alert_times
            .get(&case.group.id)
            .copied()
            .unwrap_or(DEFAULT_ALERT_AFTER_SECONDS)
    };
    let list = |assignee| CaseQuery {
        state: StateFilter::Open,
        group: None,
        assignee,
        // Only the groups the expert works in, admins included: an admin is
        // not alerted to every group's queue.
        visible_groups: Some(me.groups.clone()),
        code: None,
        after: None,
        limit: MOST_CASES,
    };
    let waiting = state
        .store
        .list_cases(list(AssigneeFilter::Unassigned), now)
        .await?;
    let assigned = state
        .store
        .list_cases(
            CaseQuery {
                visible_groups: None,
                ..list(AssigneeFilter::Expert(me.id))
            },
            now,
        )
        .await?;

    let mut next_overdue: Option<Duration> = None;
    let waiting_cases = waiting
        .iter()
        .map(|case| {
            let seconds = alert_after(case);
            let left = overdue_at(case, seconds) - now;
            if left.is_positive() {
                next_overdue = Some(next_overdue.map_or(left, |n| n.min(left)));
            }
            attention_case(case, seconds, !left.is_positive())
        })
        .collect();
    let assigned_cases = assigned
        .iter()
        .map(|case| attention_case(case, alert_after(case), false))
        .collect();
    Ok(Json(Attention {
        waiting: waiting.len(),
        waiting_cases,
        assigned_cases,
        next_overdue_in_ms: next_overdue
            .map(|d| u64::try_from(d.whole_milliseconds()).unwrap_or(u64::MAX)),
    }))
}

fn overdue_at(case: &Case, alert_after_seconds: u32) -> OffsetDateTime {
    case.created_at + Duration::seconds(i64::from(alert_after_seconds))
}

fn attention_case(case: &Case, alert_after_seconds: u32, overdue: bool) -> AttentionCase {
    AttentionCase {
        id: case.id,
        customer: customer_name(case),
        group: case.group.name.clone(),
        overdue,
        alert_after_seconds,
    }
}
