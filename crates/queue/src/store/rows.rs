//! Rows as both databases return them, and their conversion to wire types.
//! Expiry is applied here, at read time, from the `now` passed in.

use time::OffsetDateTime;
use uuid::Uuid;

use lifeline_protocol::{
    Case, CaseState, Channel, ClosedBy, Customer, CustomerName, Description, Device, Email,
    ExpertRef, GroupRef, SessionCode,
};

use super::StoreError;
use crate::clock::{from_millis, to_millis};

/// The columns every case query selects (alias `c`). Names come from scalar
/// subqueries rather than joins: for a one-row lookup SQLite's join machinery
/// (it builds a Bloom filter per run) costs several times the lookup itself.
pub(crate) const CASE_COLUMNS: &str = "c.id, c.code, c.state, c.channel, c.group_id, \
     (SELECT name FROM groups WHERE id = c.group_id) AS group_name, \
     c.assignee_id, (SELECT display_name FROM experts WHERE id = c.assignee_id) AS assignee_name, \
     c.customer_name, c.customer_email, c.description, c.device, c.expert_connected, \
     c.customer_connected, c.ever_joined, c.created_at, c.updated_at, c.expires_at, c.closed_at, c.closed_by, \
     c.last_event_seq";

/// How many open unassigned cases of the same group are ahead of `c`: its
/// queue position less one. Selected after [`CASE_COLUMNS`]; binds `now`.
pub(crate) const CASE_AHEAD: &str = "(SELECT COUNT(*) FROM cases w WHERE w.group_id = c.group_id \
     AND w.state IN ('new', 'pending', 'in_progress') AND w.assignee_id IS NULL AND w.id < c.id \
     AND w.expires_at > ?) AS ahead";

/// What those columns select from.
pub(crate) const CASE_FROM: &str = "cases c";

#[derive(Debug)]
pub(crate) struct CaseRow {
    pub id: Uuid,
    pub code: String,
    pub state: String,
    pub channel: String,
    pub group_id: Uuid,
    pub group_name: String,
    pub assignee_id: Option<Uuid>,
    pub assignee_name: Option<String>,
    pub customer_name: Option<String>,
    pub customer_email: Option<String>,
    pub description: Option<String>,
    pub device: String,
    pub expert_connected: bool,
    pub customer_connected: bool,
    pub ever_joined: bool,
    pub created_at: i64,
    pub updated_at: i64,
    pub expires_at: i64,
    pub closed_at: Option<i64>,
    pub closed_by: Option<String>,
    pub last_event_seq: i64,
    pub ahead: i64,
}

fn corrupt(what: &str, value: &str) -> StoreError {
    StoreError::Corrupt(format!("{what}: {value:?}"))
}

/// The state a case has at `now`: an open case past its deadline is expired.
pub(crate) fn state_at(stored: CaseState, expires_at: i64, now: OffsetDateTime) -> CaseState {
    if !stored.is_final() && to_millis(now) >= expires_at {
        CaseState::Expired
    } else {
        stored
    }
}

impl CaseRow {
    /// Reads a row selected with [`CASE_COLUMNS`] and [`CASE_AHEAD`].
    pub fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            id: row.get("id")?,
            code: row.get("code")?,
            state: row.get("state")?,
            channel: row.get("channel")?,
            group_id: row.get("group_id")?,
            group_name: row.get("group_name")?,
            assignee_id: row.get("assignee_id")?,
            assignee_name: row.get("assignee_name")?,
            customer_name: row.get("customer_name")?,
            customer_email: row.get("customer_email")?,
            description: row.get("description")?,
            device: row.get("device")?,
            expert_connected: row.get("expert_connected")?,
            customer_connected: row.get("customer_connected")?,
            ever_joined: row.get("ever_joined")?,
            created_at: row.get("created_at")?,
            updated_at: row.get("updated_at")?,
            expires_at: row.get("expires_at")?,
            closed_at: row.get("closed_at")?,
            closed_by: row.get("closed_by")?,
            last_event_seq: row.get("last_event_seq")?,
            ahead: row.get("ahead")?,
        })
    }

    pub fn stored_state(&self) -> Result<CaseState, StoreError> {
        CaseState::parse(&self.state).ok_or_else(|| corrupt("state", &self.state))
    }

    pub fn state_at(&self, now: OffsetDateTime) -> Result<CaseState, StoreError> {
        Ok(state_at(self.stored_state()?, self.expires_at, now))
    }

    /// Waiting in its group's line at `now`: open and unassigned.
    pub fn is_waiting(&self, now: OffsetDateTime) -> Result<bool, StoreError> {
        Ok(self.assignee_id.is_none() && !self.state_at(now)?.is_final())
    }

    /// The wire form at `now`, with the queue position found by the caller.
    pub fn into_case(self, now: OffsetDateTime) -> Result<Case, StoreError> {
        let queue_position = if self.is_waiting(now)? {
            u32::try_from(self.ahead + 1).ok()
        } else {
            None
        };
        let stored = self.stored_state()?;
        let state = state_at(stored, self.expires_at, now);
        let expired_now = state != stored;
        let code = SessionCode::parse(&self.code).map_err(|_| corrupt("code", &self.code))?;
        let channel =
            Channel::parse(&self.channel).ok_or_else(|| corrupt("channel", &self.channel))?;
        let customer = Customer {
            name: self
                .customer_name
                .map(|n| {
                    CustomerName::parse(n).map_err(|e| corrupt("customer_name", &e.to_string()))
                })
                .transpose()?,
            email: self
                .customer_email
                .map(|n| Email::parse(n).map_err(|e| corrupt("customer_email", &e.to_string())))
                .transpose()?,
        };
        let description = self
            .description
            .map(|d| Description::parse(d).map_err(|e| corrupt("description", &e.to_string())))
            .transpose()?;
        let device: Device =
            serde_json::from_str(&self.device).map_err(|e| corrupt("device", &e.to_string()))?;
        let closed_by = match (&self.closed_by, expired_now) {
            (_, true) => Some(ClosedBy::System),
            (Some(by), false) => Some(ClosedBy::parse(by).ok_or_else(|| corrupt("closed_by", by))?),
            (None, false) => None,
        };
        let closed_at = if expired_now {
            Some(self.expires_at)
        } else {
            self.closed_at
        };
        Ok(Case {
            id: self.id,
            code,
            state,
            channel,
            group: GroupRef {
                id: self.group_id,
                name: self.group_name,
            },
            assignee: match (self.assignee_id, self.assignee_name) {
                (Some(id), Some(display_name)) => Some(ExpertRef { id, display_name }),
                _ => None,
            },
            customer,
            description,
            device,
            expert_connected: self.expert_connected && !state.is_final(),
            customer_connected: self.customer_connected && !state.is_final(),
            queue_position: if state.is_final() {
                None
            } else {
                queue_position
            },
            created_at: from_millis(self.created_at),
            updated_at: from_millis(if expired_now {
                self.expires_at
            } else {
                self.updated_at
            }),
            expires_at: from_millis(self.expires_at),
            closed_at: closed_at.map(from_millis),
            closed_by,
            history: None,
        })
    }
}
