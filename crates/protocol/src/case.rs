use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::code::SessionCode;
use crate::fields::{CustomerName, Description, DeviceField, Email};

/// Where a case stands. The server is the only authority; clients display it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CaseState {
    /// Created; neither side has joined the session.
    New,
    /// One of the two sides is in the session.
    Pending,
    /// Both sides are in the session.
    InProgress,
    /// Closed by the customer or an expert. Final.
    Closed,
    /// Not closed before its deadline. Final.
    Expired,
}

impl CaseState {
    /// Every state, in lifecycle order.
    pub const ALL: [CaseState; 5] = [
        CaseState::New,
        CaseState::Pending,
        CaseState::InProgress,
        CaseState::Closed,
        CaseState::Expired,
    ];

    /// Final states never change again, and free the case's code.
    pub fn is_final(self) -> bool {
        matches!(self, CaseState::Closed | CaseState::Expired)
    }

    /// The wire name (`in_progress`…).
    pub fn as_str(self) -> &'static str {
        match self {
            CaseState::New => "new",
            CaseState::Pending => "pending",
            CaseState::InProgress => "in_progress",
            CaseState::Closed => "closed",
            CaseState::Expired => "expired",
        }
    }

    /// Parses a wire name.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// The open state that the session's presence implies: nobody in → `new`
    /// (or `pending` once somebody has been in), one side → `pending`, both → `in_progress`.
    pub fn from_presence(
        expert_connected: bool,
        customer_connected: bool,
        anyone_joined_before: bool,
    ) -> Self {
        match (expert_connected, customer_connected) {
            (true, true) => CaseState::InProgress,
            (true, false) | (false, true) => CaseState::Pending,
            (false, false) if anyone_joined_before => CaseState::Pending,
            (false, false) => CaseState::New,
        }
    }
}

/// How a case was created.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// The customer double-clicked the SOS shortcut.
    Sos,
    /// The customer asked for help from the app's window or tray.
    App,
    /// An expert created it and gave the customer the code.
    Manual,
    /// An integration created it through the API.
    Api,
}

impl Channel {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Sos => "sos",
            Channel::App => "app",
            Channel::Manual => "manual",
            Channel::Api => "api",
        }
    }

    /// Parses a wire name.
    pub fn parse(text: &str) -> Option<Self> {
        [Channel::Sos, Channel::App, Channel::Manual, Channel::Api]
            .into_iter()
            .find(|c| c.as_str() == text)
    }
}

/// Who closed a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ClosedBy {
    /// The customer cancelled their request.
    Customer,
    /// An expert closed it.
    Expert,
    /// The server expired it.
    System,
}

impl ClosedBy {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            ClosedBy::Customer => "customer",
            ClosedBy::Expert => "expert",
            ClosedBy::System => "system",
        }
    }

    /// Parses a wire name.
    pub fn parse(text: &str) -> Option<Self> {
        [ClosedBy::Customer, ClosedBy::Expert, ClosedBy::System]
            .into_iter()
            .find(|c| c.as_str() == text)
    }
}

/// The group (team queue) a case belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GroupRef {
    /// The group's id.
    pub id: Uuid,
    /// The group's name.
    pub name: String,
}

/// The expert a case is assigned to, as the customer may see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExpertRef {
    /// The expert's id.
    pub id: Uuid,
    /// The name shown to customers.
    pub display_name: String,
}

/// What the customer told us about themselves; every field optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Customer {
    /// The customer's name.
    #[serde(default)]
    pub name: Option<CustomerName>,
    /// The customer's email address.
    #[serde(default)]
    pub email: Option<Email>,
}

/// The machine the request came from, as the app reports it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Device {
    /// Host name.
    #[serde(default)]
    pub hostname: Option<DeviceField>,
    /// Operating system family (`linux`, `windows`, `macos`).
    #[serde(default)]
    pub os: Option<DeviceField>,
    /// Operating system version.
    #[serde(default)]
    pub os_version: Option<DeviceField>,
    /// Version of the Lifeline app.
    #[serde(default)]
    pub app_version: Option<DeviceField>,
    /// The user's locale, such as `es-ES`.
    #[serde(default)]
    pub locale: Option<DeviceField>,
}

/// One service case, as every side sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Case {
    /// The case id (UUID v7).
    pub id: Uuid,
    /// The session code, unique among open cases.
    pub code: SessionCode,
    /// Where the case stands.
    pub state: CaseState,
    /// How the case was created.
    pub channel: Channel,
    /// The queue the case is in.
    pub group: GroupRef,
    /// The expert working the case, if any.
    pub assignee: Option<ExpertRef>,
    /// The customer, as far as known.
    pub customer: Customer,
    /// What the customer needs.
    pub description: Option<Description>,
    /// The customer's machine, as far as known.
    pub device: Device,
    /// Whether an expert is in the session now.
    pub expert_connected: bool,
    /// Whether the customer is in the session now.
    pub customer_connected: bool,
    /// 1-based position among the open unassigned cases of the group; `None`
    /// when assigned or final.
    pub queue_position: Option<u32>,
    /// When the case was created.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// When anything about the case last changed.
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    /// When the case expires unless closed first.
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
    /// When the case reached a final state.
    #[serde(with = "time::serde::rfc3339::option")]
    pub closed_at: Option<OffsetDateTime>,
    /// Who ended the case.
    pub closed_by: Option<ClosedBy>,
    /// What happened to the case, oldest first. Only experts see it; absent for customers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub history: Option<Vec<HistoryEntry>>,
}

/// What happened to a case, for the expert's history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum HistoryAction {
    /// The case was created.
    Created,
    /// The case was assigned to an expert.
    Assigned,
    /// The case lost its assignee.
    Unassigned,
    /// A customer claimed a manual case with its code.
    Claimed,
    /// The description or customer details changed.
    Edited,
    /// A side joined the session.
    Joined,
    /// A side left the session.
    Left,
    /// The case was closed.
    Closed,
    /// The case expired.
    Expired,
    /// An expert asked to see the screen.
    ScreenRequested,
    /// The customer shared the screen (a request answered Share).
    ScreenShared,
    /// The customer answered Not now, or the request lapsed (actor `system`).
    ScreenDeclined,
    /// The customer paused sharing.
    ScreenPaused,
    /// The customer resumed sharing.
    ScreenResumed,
    /// Sharing ended: stopped by the customer, or by the server (`system`)
    /// when the customer's socket dropped or the case ended.
    ScreenStopped,
    /// An expert asked to use mouse and keyboard.
    ControlRequested,
    /// The customer granted control.
    ControlGranted,
    /// The customer answered Not now, or the request lapsed (actor `system`).
    ControlDeclined,
    /// Control ended: taken back by the customer, or ended by the server
    /// (`system`) with sharing.
    ControlRevoked,
}

impl HistoryAction {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            HistoryAction::Created => "created",
            HistoryAction::Assigned => "assigned",
            HistoryAction::Unassigned => "unassigned",
            HistoryAction::Claimed => "claimed",
            HistoryAction::Edited => "edited",
            HistoryAction::Joined => "joined",
            HistoryAction::Left => "left",
            HistoryAction::Closed => "closed",
            HistoryAction::Expired => "expired",
            HistoryAction::ScreenRequested => "screen_requested",
            HistoryAction::ScreenShared => "screen_shared",
            HistoryAction::ScreenDeclined => "screen_declined",
            HistoryAction::ScreenPaused => "screen_paused",
            HistoryAction::ScreenResumed => "screen_resumed",
            HistoryAction::ScreenStopped => "screen_stopped",
            HistoryAction::ControlRequested => "control_requested",
            HistoryAction::ControlGranted => "control_granted",
            HistoryAction::ControlDeclined => "control_declined",
            HistoryAction::ControlRevoked => "control_revoked",
        }
    }

    /// Parses a wire name.
    pub fn parse(text: &str) -> Option<Self> {
        use HistoryAction::*;
        [
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
        ]
        .into_iter()
        .find(|a| a.as_str() == text)
    }
}

/// One line of a case's history: what, who, when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HistoryEntry {
    /// What happened.
    pub action: HistoryAction,
    /// Who did it, in words (`customer`, `system`, or an expert's display name).
    pub actor: String,
    /// For assignments, the expert the case went to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_closed_and_expired_are_final() {
        let finals: Vec<_> = CaseState::ALL
            .into_iter()
            .filter(|s| s.is_final())
            .collect();
        assert_eq!(finals, [CaseState::Closed, CaseState::Expired]);
    }

    #[test]
    fn presence_decides_the_open_state() {
        assert_eq!(
            CaseState::from_presence(false, false, false),
            CaseState::New
        );
        assert_eq!(
            CaseState::from_presence(true, false, false),
            CaseState::Pending
        );
        assert_eq!(
            CaseState::from_presence(false, true, true),
            CaseState::Pending
        );
        assert_eq!(
            CaseState::from_presence(true, true, true),
            CaseState::InProgress
        );
        assert_eq!(
            CaseState::from_presence(false, false, true),
            CaseState::Pending
        );
    }

    #[test]
    fn history_actions_parse_their_wire_names() {
        for name in [
            "joined",
            "screen_requested",
            "control_revoked",
            "screen_resumed",
        ] {
            let action = HistoryAction::parse(name).expect("known");
            assert_eq!(action.as_str(), name);
            let json = serde_json::to_string(&action).expect("serializes");
            assert_eq!(json, format!("\"{name}\""));
        }
    }

    #[test]
    fn wire_names_round_trip() {
        for state in CaseState::ALL {
            assert_eq!(CaseState::parse(state.as_str()), Some(state));
            let json = serde_json::to_string(&state).expect("serializes");
            assert_eq!(json, format!("\"{}\"", state.as_str()));
        }
    }
}
