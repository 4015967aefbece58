//! A case row as every backend returns it, and its conversion to the wire
//! type. Expiry is applied here, at read time, from the `now` passed in.

use time::OffsetDateTime;
use uuid::Uuid;

use lifeline_protocol::{
    Case, CaseState, Channel, ClosedBy, Customer, CustomerName, Description, Device, Email,
    ExpertRef, GroupRef, SessionCode,
};

use super::StoreError;
use crate::clock::{from_millis, to_millis};

/// A stored case, with `line_version`: its group's line version when it was
/// read (its queue position comes from the rules' order of the line, which
/// must have caught up with that version: `crate::rules::line`).
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
    pub line_version: i64,
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

    /// The wire form at `now`, with the queue position found by the caller
    /// (dropped for a case that does not wait).
    pub fn into_case(
        self,
        now: OffsetDateTime,
        queue_position: Option<u32>,
    ) -> Result<Case, StoreError> {
        let queue_position = queue_position.filter(|_| self.assignee_id.is_none());
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

/// A case as the SLA reports read it, as stored (times in Unix milliseconds).
#[derive(Debug)]
pub(crate) struct SlaRow {
    pub group_id: Uuid,
    pub group_name: String,
    pub assignee_id: Option<Uuid>,
    pub assignee_name: Option<String>,
    pub state: String,
    pub created_at: i64,
    pub first_assigned_at: Option<i64>,
    pub first_connected_at: Option<i64>,
    pub closed_at: Option<i64>,
    pub expires_at: i64,
}

/// The columns an [`SlaRow`] is read from (alias `c`), in its fields' order.
pub(crate) const SLA_COLUMNS: &str = "c.group_id, (SELECT name FROM groups WHERE id = c.group_id), \
     c.assignee_id, (SELECT display_name FROM experts WHERE id = c.assignee_id), c.state, \
     c.created_at, c.first_assigned_at, c.first_connected_at, c.closed_at, c.expires_at";

impl SlaRow {
    pub fn into_sla_case(self) -> Result<crate::store::storage::SlaCase, StoreError> {
        let state = CaseState::parse(&self.state).ok_or_else(|| corrupt("state", &self.state))?;
        let assignee = match (self.assignee_id, self.assignee_name) {
            (Some(id), Some(name)) => Some((id, name)),
            (Some(id), None) => return Err(corrupt("assignee", &id.to_string())),
            (None, _) => None,
        };
        Ok(crate::store::storage::SlaCase {
            group_id: self.group_id,
            group_name: self.group_name,
            assignee,
            state,
            created_at: from_millis(self.created_at),
            first_assigned_at: self.first_assigned_at.map(from_millis),
            first_connected_at: self.first_connected_at.map(from_millis),
            closed_at: self.closed_at.map(from_millis),
            expires_at: from_millis(self.expires_at),
        })
    }
}
