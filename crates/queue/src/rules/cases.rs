//! Creating, editing, assigning and closing cases; refusing changes to final
//! cases; recording every change as an event; keeping each group's waiting
//! counter (cases open and unassigned) as cases enter and leave the line.

use std::sync::Arc;
use std::time::Duration;

use rand::Rng as _;
use time::OffsetDateTime;
use uuid::Uuid;

use lifeline_protocol::{
    Case, CaseState, Channel, ClosedBy, Device, Expert, ExpertRole, GroupRef, HistoryAction,
    SessionCode, UpdateCaseRequest,
};

use super::Tx;
use crate::clock::{from_millis, to_millis};
use crate::credentials::TokenHash;
use crate::hub::{CaseEvent, EventKind};
use crate::metrics::SlaMeasure;
use crate::store::rows::CaseRow;
use crate::store::storage::{EventRow, Milestone, NewCaseRow};
use crate::store::{Actor, CreateOutcome, NewCustomerCase, NewManualCase, StoreError};
use crate::webhooks::EventType;

/// Attempts at a free random code before giving up (a collision is 1 in 10^9 per open case).
const CODE_ATTEMPTS: usize = 16;

fn random_code() -> SessionCode {
    let n = rand::rng().random_range(0..1_000_000_000u32);
    SessionCode::from_number(n).expect("below 10^9")
}

/// How a case's `closed_by` names who closed it.
fn closed_by(actor: &Actor) -> ClosedBy {
    match actor {
        Actor::Customer => ClosedBy::Customer,
        Actor::Expert { .. } => ClosedBy::Expert,
        Actor::System => ClosedBy::System,
    }
}

/// A new case's id, made in the write's transaction so that ids grow in
/// commit order: queue positions count the waiting cases with smaller ids,
/// and each server's copy of a line learns of new cases as those above the
/// largest id it knows (`line.rs`). With several servers, whose clocks may
/// differ or tick in the same millisecond, it is put above every id
/// committed before.
fn new_case_id(tx: &mut Tx<'_>) -> Result<Uuid, StoreError> {
    Ok(above(Uuid::now_v7(), tx.store.case_id_floor()?))
}

/// `made`, or the id just above `floor` when `made` is not above it (the
/// same timestamp and version, the next random bits).
fn above(made: Uuid, floor: Option<Uuid>) -> Uuid {
    match floor {
        Some(floor) if made <= floor => Uuid::from_u128(floor.as_u128() + 1),
        _ => made,
    }
}

/// A customer's create, exactly once per (deployment, idempotency key): a
/// repeat with the same body gets the case's first snapshot again, another
/// body a mismatch. The case answers to the token hashed by `token_hash`.
pub(super) fn create_customer_case(
    tx: &mut Tx<'_>,
    new: &NewCustomerCase,
    token_hash: &(dyn Fn(Uuid) -> TokenHash + Send + Sync),
    ttl: Duration,
    now: OffsetDateTime,
) -> Result<CreateOutcome, StoreError> {
    let earlier = tx
        .store
        .case_by_idempotency_key(new.deployment.id, new.idempotency_key.as_str())?;
    if let Some((case_id, request_hash)) = earlier {
        if request_hash != new.request_hash {
            return Ok(CreateOutcome::Mismatch);
        }
        let data = tx
            .store
            .event_data(case_id, 1)?
            .ok_or(StoreError::NotFound)?;
        let case: Case = serde_json::from_str(&data)
            .map_err(|e| StoreError::Corrupt(format!("first event of {case_id}: {e}")))?;
        return Ok(CreateOutcome::Replayed(Box::new(case)));
    }
    let case_id = new_case_id(tx)?;
    let token_hash = token_hash(case_id);
    let group = GroupRef {
        id: new.deployment.group_id,
        name: new.deployment.group_name.clone(),
    };
    let case = tx.create_case(
        NewCaseRow {
            id: case_id,
            channel: new.channel,
            group: &group,
            customer: &new.customer,
            description: new.description.as_ref(),
            device: &new.device,
            token_hash: Some(&token_hash),
            deployment_id: Some(new.deployment.id),
            idempotency_key: Some(new.idempotency_key.as_str()),
            request_hash: Some(&new.request_hash),
            created_by: None,
            now,
            expires_at: now + ttl,
        },
        "customer",
    )?;
    tx.auto_assign(group.id, now)?;
    Ok(CreateOutcome::Created(Box::new(case)))
}

/// A case an expert opens for a customer who will claim it by its code.
pub(super) fn create_manual_case(
    tx: &mut Tx<'_>,
    new: &NewManualCase,
    by: &Actor,
    ttl: Duration,
    now: OffsetDateTime,
) -> Result<Case, StoreError> {
    let group = tx
        .store
        .group(new.group_id)?
        .ok_or_else(|| StoreError::Invalid(format!("group: no group {}", new.group_id)))?;
    let created_by = match by {
        Actor::Expert { id, .. } => Some(*id),
        _ => None,
    };
    let group = GroupRef {
        id: group.id,
        name: group.name,
    };
    let case_id = new_case_id(tx)?;
    let case_id = tx
        .create_case(
            NewCaseRow {
                id: case_id,
                channel: Channel::Manual,
                group: &group,
                customer: &new.customer,
                description: new.description.as_ref(),
                device: &Device::default(),
                token_hash: None,
                deployment_id: None,
                idempotency_key: None,
                request_hash: None,
                created_by,
                now,
                // The creator may shorten the code's life, never lengthen it.
                expires_at: new
                    .valid_until
                    .map_or(now + ttl, |until| until.min(now + ttl)),
            },
            by.label(),
        )?
        .id;
    tx.auto_assign(group.id, now)?;
    let row = tx
        .store
        .case_for_update(case_id)?
        .ok_or(StoreError::NotFound)?;
    tx.case_of(row, now)
}

/// Changes the description or customer details of an open case. An empty
/// description clears it; a customer given replaces the one stored.
pub(super) fn update_case(
    tx: &mut Tx<'_>,
    id: Uuid,
    update: &UpdateCaseRequest,
    by: &Actor,
    now: OffsetDateTime,
) -> Result<Case, StoreError> {
    let row = tx.open_case(id, now)?;
    let description = match &update.description {
        Some(d) if d.as_str().trim().is_empty() => None,
        Some(d) => Some(d.as_str()),
        None => row.description.as_deref(),
    };
    let (name, email) = match &update.customer {
        Some(c) => (
            c.name.as_ref().map(|n| n.as_str()),
            c.email.as_ref().map(|e| e.as_str()),
        ),
        None => (row.customer_name.as_deref(), row.customer_email.as_deref()),
    };
    tx.store.set_details(id, description, name, email, now)?;
    tx.record_change(id, HistoryAction::Edited, by.label(), None, now)
}

/// Closes an open case: it leaves the waiting line and its session.
pub(super) fn close_case(
    tx: &mut Tx<'_>,
    id: Uuid,
    by: &Actor,
    now: OffsetDateTime,
) -> Result<Case, StoreError> {
    let row = tx.open_case(id, now)?;
    if row.assignee_id.is_none() {
        tx.store.add_waiting(row.group_id, -1)?;
        tx.line_changed(row.group_id, id, false, row.expires_at, now)?;
    }
    tx.store
        .set_final(id, CaseState::Closed, closed_by(by), now)?;
    tx.entered(CaseState::Closed);
    tx.timed(SlaMeasure::Close, &row, now);
    let case = tx.record_change(id, HistoryAction::Closed, by.label(), None, now)?;
    tx.case_webhook(EventType::CaseClosed, &case, now)?;
    Ok(case)
}

/// Who may be handed a case of `group`: an active expert who can see it (a
/// member of the group, or an admin). Answers the display name the history
/// records, or why not; the reason never names the expert, since whoever
/// assigns may not otherwise know who exists.
pub(crate) fn may_be_assigned(expert: Option<&Expert>, group: Uuid) -> Result<&str, StoreError> {
    let Some(expert) = expert.filter(|e| e.active) else {
        return Err(StoreError::Invalid(
            "expert_id: no such active expert".into(),
        ));
    };
    let sees_case = expert.role == ExpertRole::Admin || expert.groups.iter().any(|g| g.id == group);
    if !sees_case {
        return Err(StoreError::Invalid(
            "expert_id: this expert is not in the case's group and cannot see the case".into(),
        ));
    }
    Ok(&expert.display_name)
}

impl Tx<'_> {
    /// Loads a case for a change, refusing a final one.
    pub(super) fn open_case(
        &mut self,
        id: Uuid,
        now: OffsetDateTime,
    ) -> Result<CaseRow, StoreError> {
        let row = self
            .store
            .case_for_update(id)?
            .ok_or(StoreError::NotFound)?;
        let state = row.state_at(now)?;
        if state.is_final() {
            return Err(StoreError::CaseFinal(state));
        }
        Ok(row)
    }

    /// Assigns an open case to an active expert who can see it
    /// ([`may_be_assigned`]), or unassigns it; the case leaves or re-enters
    /// the waiting line.
    pub(super) fn assign(
        &mut self,
        id: Uuid,
        expert: Option<Uuid>,
        actor: &str,
        now: OffsetDateTime,
    ) -> Result<Case, StoreError> {
        let row = self.open_case(id, now)?;
        if row.assignee_id == expert {
            return self.case_of(row, now);
        }
        let assignee_name = match expert {
            Some(expert_id) => {
                let expert = self.store.expert(expert_id)?;
                Some(may_be_assigned(expert.as_ref(), row.group_id)?.to_string())
            }
            None => None,
        };
        match (row.assignee_id, expert) {
            (None, Some(_)) => {
                self.store.add_waiting(row.group_id, -1)?;
                self.line_changed(row.group_id, id, false, row.expires_at, now)?;
            }
            (Some(_), None) => {
                // Back at its place in the line, by id (not at the back).
                self.store.add_waiting(row.group_id, 1)?;
                self.line_changed(row.group_id, id, true, row.expires_at, now)?;
            }
            _ => {}
        }
        self.store.set_assignee(id, expert, now)?;
        if expert.is_some() && self.store.reach_milestone(id, Milestone::Assigned, now)? {
            self.timed(SlaMeasure::Assign, &row, now);
        }
        let action = if expert.is_some() {
            HistoryAction::Assigned
        } else {
            HistoryAction::Unassigned
        };
        let case = self.record_change(id, action, actor, assignee_name.as_deref(), now)?;
        if expert.is_some() {
            self.case_webhook(EventType::CaseAssigned, &case, now)?;
        }
        Ok(case)
    }

    /// Inserts a new case under a fresh random code (retrying on the rare
    /// collision with another open case), puts it last in its group's line
    /// and records its creation. The case is built from what was inserted,
    /// not read back: creates are the hot path.
    fn create_case(&mut self, row: NewCaseRow<'_>, actor: &str) -> Result<Case, StoreError> {
        for _ in 0..CODE_ATTEMPTS {
            let code = random_code();
            if !self.store.insert_case(&row, &code)? {
                continue;
            }
            // Ids grow in commit order, so the new case is last in its line
            // (and the lines learn it by id, not from the log of changes).
            let waiting = self.store.add_waiting(row.group.id, 1)?;
            self.lines_changed.push(row.group.id);
            let case = Case {
                id: row.id,
                code,
                state: CaseState::New,
                channel: row.channel,
                group: row.group.clone(),
                assignee: None,
                customer: row.customer.clone(),
                description: row.description.cloned(),
                device: row.device.clone(),
                expert_connected: false,
                customer_connected: false,
                queue_position: u32::try_from(waiting).ok(),
                created_at: from_millis(to_millis(row.now)),
                updated_at: from_millis(to_millis(row.now)),
                expires_at: from_millis(to_millis(row.expires_at)),
                closed_at: None,
                closed_by: None,
                history: None,
            };
            self.store_event(&case, 1, HistoryAction::Created, actor, None, row.now)?;
            self.case_webhook(EventType::CaseCreated, &case, row.now)?;
            self.entered(CaseState::New);
            return Ok(case);
        }
        Err(StoreError::NoFreeCode)
    }

    /// Records a change of a case: bumps its event counter, stores the new
    /// snapshot (and the history line), and queues the event for publication.
    pub(super) fn record_change(
        &mut self,
        case_id: Uuid,
        action: HistoryAction,
        actor: &str,
        detail: Option<&str>,
        now: OffsetDateTime,
    ) -> Result<Case, StoreError> {
        let seq = self.store.next_event_seq(case_id)?;
        let row = self
            .store
            .case_for_update(case_id)?
            .ok_or(StoreError::NotFound)?;
        let case = self.case_of(row, now)?;
        self.store_event(&case, seq, action, actor, detail, now)?;
        Ok(case)
    }

    /// The wire form of a case loaded in this write; only a waiting case
    /// gets a queue position, computed once.
    pub(super) fn case_of(
        &mut self,
        row: CaseRow,
        now: OffsetDateTime,
    ) -> Result<Case, StoreError> {
        let position = self.queue_position(&row, now)?;
        row.into_case(now, position)
    }

    /// The queue position of `row` at `now` as this transaction sees the
    /// line: the group's line in memory, corrected by the changes logged
    /// since its version and the cases created since its newest id, read
    /// here (a few rows while the follower keeps up). `None` unless it waits.
    fn queue_position(
        &mut self,
        row: &CaseRow,
        now: OffsetDateTime,
    ) -> Result<Option<u32>, StoreError> {
        if !row.is_waiting(now)? {
            return Ok(None);
        }
        let group = row.group_id;
        let peek = self.lines.peek(group);
        let changes = match peek.version {
            Some(version) if version < row.line_version => {
                self.store.line_changes_since(group, version)?
            }
            _ => Vec::new(),
        };
        let joined = if peek.version.is_none() || peek.newest < Some(row.id) {
            let after = peek.version.and(peek.newest);
            self.store.waiting_between(group, after, row.id)?
        } else {
            Vec::new()
        };
        if peek.version.is_none() {
            // Not built (a group another server made): the follower builds it.
            self.lines_changed.push(group);
        }
        let ahead = self
            .lines
            .ahead_within(group, row.id, peek, &changes, &joined, now);
        Ok(u32::try_from(ahead + 1).ok())
    }

    /// Logs a change of `group`'s line: `case` left it, or waits in it
    /// (rejoined, or its deadline moved) until `expires_at`.
    pub(super) fn line_changed(
        &mut self,
        group: Uuid,
        case: Uuid,
        waiting: bool,
        expires_at: i64,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        self.store
            .record_line_change(group, case, waiting, expires_at, now)?;
        self.lines_changed.push(group);
        Ok(())
    }

    /// Stores a case snapshot as event `seq` (and history line), and queues
    /// it for publication after commit.
    fn store_event(
        &mut self,
        case: &Case,
        seq: i64,
        action: HistoryAction,
        actor: &str,
        detail: Option<&str>,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let data: Arc<str> = serde_json::to_string(case)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?
            .into();
        let is_final = case.state.is_final();
        self.store.insert_event(&EventRow {
            case_id: case.id,
            seq,
            kind: EventKind::Case,
            action: Some(action),
            actor,
            detail,
            data: &data,
            is_final,
            at: now,
        })?;
        self.events.push(CaseEvent {
            case_id: case.id,
            group_id: case.group.id,
            seq,
            kind: EventKind::Case,
            is_final,
            data,
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_case_id_is_above_every_id_committed_by_other_servers() {
        let earlier = Uuid::now_v7();
        let later = Uuid::now_v7();
        assert_eq!(above(later, None), later);
        assert_eq!(above(later, Some(earlier)), later, "already above");
        // Another server's clock ahead of this one's, or the same millisecond.
        let made = above(earlier, Some(later));
        assert!(made > later);
        assert_eq!(made.get_version_num(), 7);
        assert_eq!(made.get_timestamp(), later.get_timestamp());
    }

    fn expert(role: ExpertRole, active: bool, groups: &[Uuid]) -> Expert {
        Expert {
            id: Uuid::now_v7(),
            email: "ana@example.com".into(),
            display_name: "Ana".into(),
            role,
            active,
            available: true,
            groups: groups
                .iter()
                .map(|&id| GroupRef {
                    id,
                    name: "A group".into(),
                })
                .collect(),
        }
    }

    fn refusal(result: Result<&str, StoreError>) -> String {
        match result {
            Err(StoreError::Invalid(message)) => message,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn a_member_of_the_case_group_or_an_admin_may_be_assigned() {
        let (group, other) = (Uuid::now_v7(), Uuid::now_v7());
        let member = expert(ExpertRole::Expert, true, &[other, group]);
        assert_eq!(may_be_assigned(Some(&member), group).ok(), Some("Ana"));
        let admin = expert(ExpertRole::Admin, true, &[]);
        assert!(
            may_be_assigned(Some(&admin), group).is_ok(),
            "admins see every group"
        );
    }

    #[test]
    fn an_expert_outside_the_case_group_is_refused_without_being_named() {
        let (group, other) = (Uuid::now_v7(), Uuid::now_v7());
        let outsider = expert(ExpertRole::Expert, true, &[other]);
        let message = refusal(may_be_assigned(Some(&outsider), group));
        assert!(message.starts_with("expert_id: "), "{message}");
        assert!(message.contains("not in the case's group"), "{message}");
        assert!(!message.contains("Ana"), "{message}");
    }

    #[test]
    fn an_inactive_or_unknown_expert_is_refused() {
        let group = Uuid::now_v7();
        let inactive = expert(ExpertRole::Admin, false, &[group]);
        assert_eq!(
            refusal(may_be_assigned(Some(&inactive), group)),
            "expert_id: no such active expert"
        );
        assert_eq!(
            refusal(may_be_assigned(None, group)),
            "expert_id: no such active expert"
        );
    }
}
