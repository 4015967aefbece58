//! Several server instances on one database: each says it is alive every
//! second; one silent for [`DEAD_AFTER`] is dead, and its session sockets
//! stop counting (a side left with none leaves). Sweeps that must run once
//! (this one and the expiry sweep) are run by the holder of a lease, taken
//! or renewed in the write transaction of each sweep.
//!
//! Timing: an instance that dies was seen at most a heartbeat before; it is
//! dead [`DEAD_AFTER`] later, and a lease it held lapses [`LEASE_FOR`] after
//! its last renewal, so another instance sweeps it within about
//! `DEAD_AFTER` plus a sweep tick: inside a session's silence limit
//! (`crate::live::SILENT_FOR`, 7 s), as a silent socket would be dropped.
//! The times compared are the instances' own clocks: keep them in sync (NTP).

use std::time::Duration;

use time::OffsetDateTime;
use uuid::Uuid;

use super::Tx;
use super::session::{Answer, set_presence};
use crate::store::{Actor, StoreError};

/// An instance not seen for this long is dead.
pub(crate) const DEAD_AFTER: Duration = Duration::from_secs(4);

/// How long a lease holds without being renewed.
pub(crate) const LEASE_FOR: Duration = Duration::from_secs(2);

/// The lease of the expiry sweep and the dead-instance sweep.
pub(super) const SWEEP_LEASE: &str = "sweeps";

/// Dead instances removed per write.
pub(super) const DEAD_BATCH: u32 = 20;

/// Takes `name` for `me` until [`LEASE_FOR`] after `now`, or renews it;
/// `false` when another instance holds it unexpired.
pub(super) fn take_lease(
    tx: &mut Tx<'_>,
    name: &str,
    me: Uuid,
    now: OffsetDateTime,
) -> Result<bool, StoreError> {
    if let Some((holder, until)) = tx.store.lease_for_update(name)?
        && holder != me
        && until > now
    {
        return Ok(false);
    }
    // A holder is an instance on record.
    tx.store.record_instance_seen(me, now)?;
    tx.store.set_lease(name, me, now + LEASE_FOR)?;
    Ok(true)
}

/// Removes up to [`DEAD_BATCH`] instances other than `me` last seen before
/// `seen_before` (every other one when `None`: a database only this server
/// uses), as [`remove_instance`] does. Returns how many were removed.
pub(super) fn remove_instances(
    tx: &mut Tx<'_>,
    me: Uuid,
    seen_before: Option<OffsetDateTime>,
    now: OffsetDateTime,
) -> Result<usize, StoreError> {
    let gone = tx.store.instances_other_than(me, seen_before, DEAD_BATCH)?;
    for &instance in &gone {
        remove_instance(tx, instance, now)?;
    }
    Ok(gone.len())
}

/// Removes an instance that is gone (dead, or this one stopping) with its
/// socket counts and leases; a case side left with no socket on any instance
/// leaves, as a real leave would ("left" by the system).
pub(super) fn remove_instance(
    tx: &mut Tx<'_>,
    instance: Uuid,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    for (case, side) in tx.store.delete_instance(instance)? {
        if tx.store.sockets(case, side)? == 0 {
            set_presence(tx, case, side, false, &Actor::System, Answer::Nothing, now)?;
        }
    }
    Ok(())
}
