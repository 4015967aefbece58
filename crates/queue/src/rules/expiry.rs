//! The expiry sweep: open cases past their deadline become `expired`, closed
//! by the system at their deadline. (Reads apply expiry on their own, from
//! the time they are given; the sweep writes it and tells the followers.)

use lifeline_protocol::{CaseState, ClosedBy, HistoryAction};
use time::OffsetDateTime;

use super::Tx;
use crate::store::StoreError;
use crate::webhooks::EventType;

/// Expires up to `limit` cases due at `now`; returns how many.
pub(super) fn expire_due(
    tx: &mut Tx<'_>,
    now: OffsetDateTime,
    limit: u32,
) -> Result<usize, StoreError> {
    let due = tx.store.due_for_expiry(now, limit)?;
    for case in &due {
        if case.assignee_id.is_none() {
            tx.store.add_waiting(case.group_id, -1)?;
            let deadline = crate::clock::to_millis(case.expires_at);
            tx.line_changed(case.group_id, case.id, false, deadline, now)?;
        }
        tx.store.set_final(
            case.id,
            CaseState::Expired,
            ClosedBy::System,
            case.expires_at,
        )?;
        tx.entered(CaseState::Expired);
        let expired = tx.record_change(case.id, HistoryAction::Expired, "system", None, now)?;
        tx.case_webhook(EventType::CaseExpired, &expired, now)?;
    }
    Ok(due.len())
}
