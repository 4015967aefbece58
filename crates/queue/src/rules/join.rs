//! Join by code: the customer's app enters the code of a manual case an
//! expert made for them, and the case becomes theirs.
//!
//! Only a manual case of the calling deployment's group, open, not claimed
//! yet and within `manual_code_ttl` of its creation can be joined; anything
//! else reads exactly like a code that does not exist. The lookup is a read
//! (no write transaction for a wrong code); only the claim writes.
//!
//! An unclaimed manual case expires when its code lapses: nobody can join it
//! any more, so keeping it open would leave a case in the queue (and perhaps
//! assigned to an expert) waiting for a customer who cannot come, and its
//! code taken. It ends as any overdue case does (`expired`, by the system,
//! in its history and live in the console). Claiming it gives it the usual
//! deadline, `case_ttl` after creation.

use std::time::Duration;

use time::OffsetDateTime;
use uuid::Uuid;

use lifeline_protocol::{Case, Device, HistoryAction};

use super::Tx;
use crate::clock::{from_millis, to_millis};
use crate::credentials::TokenHash;
use crate::store::StoreError;
use crate::store::rows::state_at;
use crate::store::storage::CodeHolder;

/// How long a new manual case stays open while nobody has claimed it.
pub(super) fn unclaimed_ttl(case_ttl: Duration, manual_code_ttl: Duration) -> Duration {
    case_ttl.min(manual_code_ttl)
}

/// Whether a deployment of `group` may claim the case holding a code at `now`.
pub(super) fn may_join(
    holder: &CodeHolder,
    group: Uuid,
    manual_code_ttl: Duration,
    now: OffsetDateTime,
) -> Result<bool, StoreError> {
    let stored = lifeline_protocol::CaseState::parse(&holder.state)
        .ok_or_else(|| StoreError::Corrupt(format!("state: {:?}", holder.state)))?;
    let open = !state_at(stored, holder.expires_at, now).is_final();
    // Checked apart from the deadline too: a case made before the lapse
    // existed kept the full deadline, and its code lapses all the same.
    let lapses_at = from_millis(holder.created_at) + manual_code_ttl;
    let code_fresh = to_millis(now) < to_millis(lapses_at);
    Ok(holder.manual && !holder.claimed && holder.group_id == group && open && code_fresh)
}

/// Claims case `id`, found joinable by [`may_join`] at `now`: it answers to
/// the token hashed by `token_hash` from then on and expires `case_ttl` after
/// its creation. `None` when, since the lookup, it was closed or another
/// join claimed it first.
pub(super) fn claim(
    tx: &mut Tx<'_>,
    id: Uuid,
    device: &Device,
    token_hash: &(dyn Fn(Uuid) -> TokenHash + Send + Sync),
    case_ttl: Duration,
    now: OffsetDateTime,
) -> Result<Option<Case>, StoreError> {
    let Some(row) = tx.store.case_for_update(id)? else {
        return Ok(None);
    };
    if row.state_at(now)?.is_final() {
        return Ok(None);
    }
    let expires_at = from_millis(row.created_at) + case_ttl;
    if !tx
        .store
        .set_claimed(id, &token_hash(id), device, expires_at, now)?
    {
        return Ok(None);
    }
    if row.assignee_id.is_none() {
        // Its deadline moved: the lines count it as waiting until the new one.
        tx.line_changed(row.group_id, id, true, to_millis(expires_at), now)?;
    }
    tx.record_change(id, HistoryAction::Claimed, "customer", None, now)
        .map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CODE_TTL: Duration = Duration::from_secs(15 * 60);

    fn holder(group: Uuid, created: OffsetDateTime) -> CodeHolder {
        CodeHolder {
            id: Uuid::now_v7(),
            group_id: group,
            manual: true,
            claimed: false,
            state: "new".into(),
            created_at: to_millis(created),
            expires_at: to_millis(created + unclaimed_ttl(Duration::from_secs(86_400), CODE_TTL)),
        }
    }

    fn joinable(holder: &CodeHolder, group: Uuid, now: OffsetDateTime) -> bool {
        may_join(holder, group, CODE_TTL, now).expect("a valid state")
    }

    #[test]
    fn a_fresh_unclaimed_manual_case_of_the_callers_group_can_be_joined() {
        let (group, created) = (Uuid::now_v7(), OffsetDateTime::now_utc());
        assert!(joinable(&holder(group, created), group, created));
        assert!(joinable(
            &holder(group, created),
            group,
            created + CODE_TTL - Duration::from_millis(1)
        ));
    }

    #[test]
    fn another_group_a_claimed_case_a_customer_case_and_a_lapsed_code_cannot() {
        let (group, created) = (Uuid::now_v7(), OffsetDateTime::now_utc());
        let fresh = holder(group, created);
        assert!(
            !joinable(&fresh, Uuid::now_v7(), created),
            "another group's deployment"
        );
        assert!(
            !joinable(
                &CodeHolder {
                    claimed: true,
                    ..fresh.clone()
                },
                group,
                created
            ),
            "claimed already"
        );
        assert!(
            !joinable(
                &CodeHolder {
                    manual: false,
                    ..fresh.clone()
                },
                group,
                created
            ),
            "a customer's own case"
        );
        assert!(
            !joinable(&fresh, group, created + CODE_TTL),
            "the code lapsed"
        );
        let old_deadline = CodeHolder {
            expires_at: to_millis(created + Duration::from_secs(86_400)),
            ..fresh
        };
        assert!(
            !joinable(&old_deadline, group, created + CODE_TTL),
            "the code lapses even where the case's deadline is later"
        );
    }

    #[test]
    fn the_unclaimed_deadline_is_the_shorter_of_the_two() {
        let (day, quarter) = (Duration::from_secs(86_400), CODE_TTL);
        assert_eq!(unclaimed_ttl(day, quarter), quarter);
        assert_eq!(
            unclaimed_ttl(Duration::from_secs(90), quarter),
            Duration::from_secs(90)
        );
    }
}
