//! What the console's templates show, already in words (in the request's
//! language, `super::language`): templates only place text (askama escapes
//! every value), they compute nothing.

use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use lifeline_protocol::{Case, CaseState, Channel, HistoryAction, HistoryEntry};

use super::language::{current, locale_words};
use crate::reports::{Figures, Spread};

/// Shown where a field has no value.
const NONE: &str = "—";
/// Characters of the description shown in a queue row.
const EXCERPT_CHARS: usize = 80;

/// One `<option>` of a fixed `<select>`.
#[derive(Debug)]
pub struct SelectOption {
    pub value: &'static str,
    pub label: String,
    pub selected: bool,
}

/// The options of a select, with `chosen` selected: (value, message id of
/// its label).
pub fn select_options(choices: &[(&'static str, &'static str)], chosen: &str) -> Vec<SelectOption> {
    let tr = current();
    choices
        .iter()
        .map(|&(value, label)| SelectOption {
            value,
            label: tr.t(label),
            selected: value == chosen,
        })
        .collect()
}

/// One row of the queue table.
#[derive(Debug)]
pub struct QueueRow {
    pub id: Uuid,
    pub code: String,
    pub customer: String,
    pub description: String,
    pub channel: String,
    pub state: String,
    pub state_class: &'static str,
    pub assignee: String,
    pub waiting: String,
    pub time_left: String,
}

impl QueueRow {
    pub fn new(case: &Case, now: OffsetDateTime) -> Self {
        Self {
            id: case.id,
            code: case.code.to_string(),
            customer: customer_name(case),
            description: case
                .description
                .as_ref()
                .map_or_else(|| NONE.into(), |d| excerpt(d.as_str())),
            channel: channel_label(case.channel),
            state: state_label(case.state),
            state_class: case.state.as_str(),
            assignee: assignee(case),
            waiting: duration_words(now - case.created_at),
            time_left: if case.state.is_final() {
                NONE.into()
            } else {
                duration_words(case.expires_at - now)
            },
        }
    }
}

/// The case page's fields.
#[derive(Debug)]
pub struct CaseView {
    pub id: Uuid,
    pub code: String,
    pub state: String,
    pub state_class: &'static str,
    pub open: bool,
    pub assigned: bool,
    pub group: String,
    pub channel: String,
    pub customer: String,
    pub email: String,
    pub description: String,
    pub assignee: String,
    pub expert_connected: String,
    pub customer_connected: String,
    pub queue_position: String,
    pub created_at: String,
    pub expires_at: String,
    pub closed: String,
    pub device: DeviceView,
}

/// The customer's device.
#[derive(Debug)]
pub struct DeviceView {
    pub hostname: String,
    pub os: String,
    pub os_version: String,
    pub app_version: String,
    pub locale: String,
}

impl CaseView {
    pub fn new(case: &Case) -> Self {
        let field = |f: &Option<lifeline_protocol::DeviceField>| {
            f.as_ref()
                .map_or_else(|| NONE.into(), |v| v.as_str().to_string())
        };
        Self {
            id: case.id,
            code: case.code.to_string(),
            state: state_label(case.state),
            state_class: case.state.as_str(),
            open: !case.state.is_final(),
            assigned: case.assignee.is_some(),
            group: case.group.name.clone(),
            channel: channel_label(case.channel),
            customer: customer_name(case),
            email: case
                .customer
                .email
                .as_ref()
                .map_or_else(|| NONE.into(), |e| e.as_str().to_string()),
            description: case
                .description
                .as_ref()
                .map_or_else(|| NONE.into(), |d| d.as_str().to_string()),
            assignee: assignee(case),
            expert_connected: yes_no(case.expert_connected),
            customer_connected: yes_no(case.customer_connected),
            queue_position: case
                .queue_position
                .map_or_else(|| NONE.into(), |p| p.to_string()),
            created_at: timestamp(case.created_at),
            expires_at: timestamp(case.expires_at),
            closed: match (case.closed_at, case.closed_by) {
                (Some(at), Some(by)) => current().t_args(
                    "case-closed-by",
                    &[
                        ("at", timestamp(at).as_str().into()),
                        ("name", by.as_str().into()),
                    ],
                ),
                (Some(at), None) => timestamp(at),
                _ => NONE.into(),
            },
            device: DeviceView {
                hostname: field(&case.device.hostname),
                os: field(&case.device.os),
                os_version: field(&case.device.os_version),
                app_version: field(&case.device.app_version),
                locale: case.device.locale.as_ref().map_or_else(
                    || NONE.into(),
                    |locale| locale_words(&current(), locale.as_str()),
                ),
            },
        }
    }
}

/// One line of a case's history: the action, then who and to whom.
#[derive(Debug)]
pub struct HistoryLine {
    pub at: String,
    pub action: String,
    pub rest: String,
}

impl HistoryLine {
    pub fn new(entry: &HistoryEntry) -> Self {
        let tr = current();
        let actor = entry.actor.to_string();
        let rest = match (entry.action, &entry.detail) {
            (HistoryAction::Assigned, Some(assignee)) => tr.t_args(
                "history-to-by",
                &[
                    ("assignee", assignee.into()),
                    ("actor", actor.as_str().into()),
                ],
            ),
            (_, Some(detail)) => tr.t_args(
                "history-by-detail",
                &[("actor", actor.as_str().into()), ("detail", detail.into())],
            ),
            (_, None) => tr.t_with("history-by", "actor", &actor),
        };
        Self {
            at: timestamp(entry.at),
            action: tr.t(history_action(entry.action)),
            rest,
        }
    }
}

/// The message id of a history action; in English, the action's own name.
fn history_action(action: HistoryAction) -> &'static str {
    match action {
        HistoryAction::Created => "history-created",
        HistoryAction::Assigned => "history-assigned",
        HistoryAction::Unassigned => "history-unassigned",
        HistoryAction::Claimed => "history-claimed",
        HistoryAction::Edited => "history-edited",
        HistoryAction::Joined => "history-joined",
        HistoryAction::Left => "history-left",
        HistoryAction::Closed => "history-closed",
        HistoryAction::Expired => "history-expired",
        HistoryAction::ScreenRequested => "history-screen_requested",
        HistoryAction::ScreenShared => "history-screen_shared",
        HistoryAction::ScreenDeclined => "history-screen_declined",
        HistoryAction::ScreenPaused => "history-screen_paused",
        HistoryAction::ScreenResumed => "history-screen_resumed",
        HistoryAction::ScreenStopped => "history-screen_stopped",
        HistoryAction::ControlRequested => "history-control_requested",
        HistoryAction::ControlGranted => "history-control_granted",
        HistoryAction::ControlDeclined => "history-control_declined",
        HistoryAction::ControlRevoked => "history-control_revoked",
    }
}

pub fn customer_name(case: &Case) -> String {
    case.customer
        .name
        .as_ref()
        .map_or_else(|| NONE.into(), |n| n.as_str().to_string())
}

fn assignee(case: &Case) -> String {
    case.assignee
        .as_ref()
        .map_or_else(|| current().t("unassigned"), |a| a.display_name.clone())
}

fn excerpt(text: &str) -> String {
    let mut chars = text.chars();
    let head: String = chars.by_ref().take(EXCERPT_CHARS).collect();
    if chars.next().is_some() {
        format!("{}…", head.trim_end())
    } else {
        head
    }
}

fn yes_no(value: bool) -> String {
    current().t(if value { "yes" } else { "no" })
}

pub fn state_label(state: CaseState) -> String {
    current().t(match state {
        CaseState::New => "state-new",
        CaseState::Pending => "state-pending",
        CaseState::InProgress => "state-in_progress",
        CaseState::Closed => "state-closed",
        CaseState::Expired => "state-expired",
    })
}

fn channel_label(channel: Channel) -> String {
    current().t(match channel {
        Channel::Sos => "channel-sos",
        Channel::App => "channel-app",
        Channel::Manual => "channel-manual",
        Channel::Api => "channel-api",
    })
}

/// `2026-11-27 12:04 UTC`.
pub fn timestamp(at: OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02} UTC",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    )
}

/// `45 s`, `12 min`, `3 h 05 min`; negative spans read as `0 s`.
pub fn duration_words(span: Duration) -> String {
    let secs = span.whole_seconds().max(0);
    let tr = current();
    match secs {
        0..60 => tr.t_count("duration-seconds", "seconds", secs),
        60..3600 => tr.t_count("duration-minutes", "minutes", secs / 60),
        _ => tr.t_args(
            "duration-hours",
            &[
                ("hours", (secs / 3600).into()),
                (
                    "minutes",
                    format!("{:02}", secs % 3600 / 60).as_str().into(),
                ),
            ],
        ),
    }
}

/// One spread of times as a report row shows it.
#[derive(Debug)]
pub struct SpreadCells {
    pub count: usize,
    pub median: String,
    pub p90: String,
}

/// One row of a report table: a group or an expert.
#[derive(Debug)]
pub struct ReportRow {
    pub name: String,
    pub cases: usize,
    pub expired: usize,
    /// To assign, to first connection, to close.
    pub spreads: [SpreadCells; 3],
}

impl ReportRow {
    pub fn new(figures: &Figures) -> Self {
        let cells = |spread: &Spread| SpreadCells {
            count: spread.count,
            median: spread
                .median
                .map_or_else(|| NONE.to_string(), duration_words),
            p90: spread.p90.map_or_else(|| NONE.to_string(), duration_words),
        };
        Self {
            name: figures.name.clone(),
            cases: figures.cases,
            expired: figures.expired,
            spreads: [
                cells(&figures.to_assign),
                cells(&figures.to_first_connection),
                cells(&figures.to_close),
            ],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_in_the_largest_sensible_unit() {
        assert_eq!(duration_words(Duration::seconds(-5)), "0 s");
        assert_eq!(duration_words(Duration::seconds(45)), "45 s");
        assert_eq!(duration_words(Duration::seconds(12 * 60 + 59)), "12 min");
        assert_eq!(duration_words(Duration::minutes(3 * 60 + 5)), "3 h 05 min");
    }

    #[test]
    fn english_history_actions_read_as_the_actions_own_names() {
        use HistoryAction::*;
        for action in [
            Created,
            Assigned,
            Unassigned,
            Claimed,
            Edited,
            Joined,
            Left,
            Closed,
            Expired,
            ScreenRequested,
            ScreenShared,
            ScreenDeclined,
            ScreenPaused,
            ScreenResumed,
            ScreenStopped,
            ControlRequested,
            ControlGranted,
            ControlDeclined,
            ControlRevoked,
        ] {
            assert_eq!(current().t(history_action(action)), action.as_str());
        }
    }

    #[test]
    fn long_descriptions_are_cut_on_a_character_boundary() {
        let text = "é".repeat(EXCERPT_CHARS + 5);
        let cut = excerpt(&text);
        assert_eq!(cut.chars().count(), EXCERPT_CHARS + 1);
        assert!(cut.ends_with('…'));
        assert_eq!(excerpt("short"), "short");
    }
}
