//! The live session's rules: which state the presence of the two sides
//! leads to, and chat messages stored once.

use std::sync::Arc;

use serde::Serialize;
use time::OffsetDateTime;
use uuid::Uuid;

use lifeline_protocol::{Case, CaseState, ChatMessage, HistoryAction, MessageFrom};

use super::Tx;
use crate::hub::{CaseEvent, EventKind};
use crate::metrics::SlaMeasure;
use crate::store::rows::CaseRow;
use crate::store::storage::{EventRow, Milestone};
use crate::store::{Actor, StoreError};

/// Whether a presence write answers the case: a socket that opens is sent
/// it, one that closes is not (the wire form's queue position is only
/// computed for a case that waits, and only when someone reads it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Answer {
    Case,
    Nothing,
}

/// One side of the case's session came in or went out: sets its presence,
/// moves the state ([`CaseState::from_presence`]) and records joined or left.
/// Joining a final case is refused; leaving one changes nothing (closing
/// already cleared its presence), nor does a side that is already where it goes.
/// The case as it stands after, when `answer` asks for it.
pub(super) fn set_presence(
    tx: &mut Tx<'_>,
    id: Uuid,
    side: MessageFrom,
    connected: bool,
    by: &Actor,
    answer: Answer,
    now: OffsetDateTime,
) -> Result<Option<Case>, StoreError> {
    let row = tx.store.case_for_update(id)?.ok_or(StoreError::NotFound)?;
    let state = row.state_at(now)?;
    if state.is_final() {
        if connected {
            return Err(StoreError::CaseFinal(state));
        }
        return answered(tx, row, answer, now);
    }
    let (mut expert, mut customer) = (row.expert_connected, row.customer_connected);
    let was = match side {
        MessageFrom::Expert => std::mem::replace(&mut expert, connected),
        MessageFrom::Customer => std::mem::replace(&mut customer, connected),
    };
    if was == connected {
        return answered(tx, row, answer, now);
    }
    let ever_joined = row.ever_joined || connected;
    let new_state = CaseState::from_presence(expert, customer, ever_joined);
    tx.store
        .set_presence(id, expert, customer, ever_joined, new_state, now)?;
    if new_state != state {
        tx.entered(new_state);
    }
    if new_state == CaseState::InProgress
        && tx.store.reach_milestone(id, Milestone::Connected, now)?
    {
        tx.timed(SlaMeasure::FirstConnection, &row, now);
    }
    let action = if connected {
        HistoryAction::Joined
    } else {
        HistoryAction::Left
    };
    // Sockets come and go often: the history line carries a small record of
    // the presence, not a snapshot of the whole case.
    let change = PresenceChange {
        case_id: id,
        state: new_state,
        expert_connected: expert,
        customer_connected: customer,
    };
    let data: Arc<str> = serde_json::to_string(&change)
        .map_err(|e| StoreError::Corrupt(e.to_string()))?
        .into();
    let seq = tx.store.next_event_seq(id)?;
    tx.store.insert_event(&EventRow {
        case_id: id,
        seq,
        kind: EventKind::Presence,
        action: Some(action),
        actor: by.label(),
        detail: None,
        data: &data,
        is_final: false,
        at: now,
    })?;
    tx.events.push(CaseEvent {
        case_id: id,
        group_id: row.group_id,
        seq,
        kind: EventKind::Presence,
        is_final: false,
        data,
    });
    if answer == Answer::Nothing && new_state == state {
        return Ok(None);
    }
    let row = tx.store.case_for_update(id)?.ok_or(StoreError::NotFound)?;
    let case = tx.case_of(row, now)?;
    if new_state != state {
        tx.state_changed_webhook(&case, state, now)?;
    }
    Ok(Some(case))
}

/// The case as it stands, when `answer` asks for it.
fn answered(
    tx: &mut Tx<'_>,
    row: CaseRow,
    answer: Answer,
    now: OffsetDateTime,
) -> Result<Option<Case>, StoreError> {
    match answer {
        Answer::Case => tx.case_of(row, now).map(Some),
        Answer::Nothing => Ok(None),
    }
}

/// What a presence event stores and queue pages receive.
#[derive(Debug, Serialize)]
struct PresenceChange {
    case_id: Uuid,
    state: CaseState,
    expert_connected: bool,
    customer_connected: bool,
}

/// A session socket of `side` opened on instance `instance`: counted there;
/// the side joins when it had no socket on any instance. Refused (and
/// counted nowhere) when the case is final.
pub(super) fn socket_opened(
    tx: &mut Tx<'_>,
    id: Uuid,
    side: MessageFrom,
    instance: Uuid,
    by: &Actor,
    now: OffsetDateTime,
) -> Result<Case, StoreError> {
    let case =
        set_presence(tx, id, side, true, by, Answer::Case, now)?.ok_or(StoreError::NotFound)?;
    // The instance counting the socket is on record, even if it was
    // mistaken for dead and removed a moment ago.
    tx.store.record_instance_seen(instance, now)?;
    tx.store.add_socket(id, side, instance)?;
    Ok(case)
}

/// A session socket of `side` closed on instance `instance`; the side leaves
/// when no instance has a socket of it left.
pub(super) fn socket_closed(
    tx: &mut Tx<'_>,
    id: Uuid,
    side: MessageFrom,
    instance: Uuid,
    by: &Actor,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    tx.store.remove_socket(id, side, instance)?;
    if tx.store.sockets(id, side)? == 0 {
        set_presence(tx, id, side, false, by, Answer::Nothing, now)?;
    }
    Ok(())
}

/// Cases whose presence is checked per write at start.
const RESET_BATCH: u32 = 200;

/// One batch of the check at start (after dead instances are removed): every
/// side of up to [`RESET_BATCH`] cases after `after` still marked connected
/// but with no socket counted on any instance (a crash left it so) leaves,
/// as a real leave would (state from presence, a "left" line by the system).
/// Sides whose sockets live instances hold are left alone. Returns the last
/// case looked at (`None` when there were none left) and how many changed.
pub(super) fn reset_presence(
    tx: &mut Tx<'_>,
    after: Option<Uuid>,
    now: OffsetDateTime,
) -> Result<(Option<Uuid>, usize), StoreError> {
    let connected = tx.store.connected_cases(after, RESET_BATCH)?;
    let mut changed = 0;
    for &(id, expert, customer) in &connected {
        let sides = [
            (MessageFrom::Expert, expert),
            (MessageFrom::Customer, customer),
        ];
        let mut left = false;
        for (side, _) in sides.into_iter().filter(|&(_, marked)| marked) {
            if tx.store.sockets(id, side)? == 0 {
                set_presence(tx, id, side, false, &Actor::System, Answer::Nothing, now)?;
                left = true;
            }
        }
        changed += usize::from(left);
    }
    Ok((connected.last().map(|&(id, _, _)| id), changed))
}

/// Records one line of an open case's history that changes nothing else
/// (the remote screen's consent changes); a final case refuses it.
pub(super) fn record_history(
    tx: &mut Tx<'_>,
    id: Uuid,
    action: HistoryAction,
    by: &Actor,
    detail: Option<&str>,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    tx.open_case(id, now)?;
    tx.record_change(id, action, by.label(), detail, now)?;
    Ok(())
}

/// Stores a chat message of an open case as an event of kind `message`;
/// `false` when a message with its id is already stored (a re-send after a
/// reconnect).
pub(super) fn add_message(
    tx: &mut Tx<'_>,
    id: Uuid,
    message: &ChatMessage,
    now: OffsetDateTime,
) -> Result<bool, StoreError> {
    let row = tx.open_case(id, now)?;
    if tx.store.message_stored(id, message.id)? {
        return Ok(false);
    }
    let group_id = row.group_id;
    let case = tx.case_of(row, now)?;
    tx.message_webhook(&case, message, now)?;
    let seq = tx.store.next_event_seq(id)?;
    let data: Arc<str> = serde_json::to_string(message)
        .map_err(|e| StoreError::Corrupt(e.to_string()))?
        .into();
    tx.store.insert_event(&EventRow {
        case_id: id,
        seq,
        kind: EventKind::Message,
        action: None,
        actor: &message.author,
        detail: None,
        data: &data,
        is_final: false,
        at: now,
    })?;
    tx.events.push(CaseEvent {
        case_id: id,
        group_id,
        seq,
        kind: EventKind::Message,
        is_final: false,
        data,
    });
    Ok(true)
}
