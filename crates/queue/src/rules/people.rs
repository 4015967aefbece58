//! Experts, groups, console sessions and deployments: what a change of them
//! implies (an expert who becomes available or joins a group, or a group
//! whose policy is set, runs automatic assignment; deactivating an expert
//! marks them away and signs them out; a new password signs them out).

use time::OffsetDateTime;
use uuid::Uuid;

use lifeline_protocol::{
    AssignmentPolicy, DEFAULT_ALERT_AFTER_SECONDS, Deployment, Expert, Group,
    MAX_ALERT_AFTER_SECONDS,
};

use super::Tx;
use crate::credentials::TokenHash;
use crate::store::storage::NewDeploymentRow;
use crate::store::{ExpertChange, NewExpert, StoreError};

/// Stores a new console session; signing in is also when this expert's
/// expired sessions are cleared.
pub(super) fn start_console_session(
    tx: &mut Tx<'_>,
    token_hash: &TokenHash,
    expert: Uuid,
    now: OffsetDateTime,
    expires_at: OffsetDateTime,
) -> Result<(), StoreError> {
    tx.store.delete_console_sessions(expert, Some(now))?;
    tx.store
        .insert_console_session(token_hash, expert, now, expires_at)
}

/// Records the server secret's fingerprint in a database that has none; a
/// database made with another secret refuses it (its deployment keys and
/// case tokens would all stop working).
pub(super) fn adopt_secret(tx: &mut Tx<'_>, fingerprint: &[u8; 32]) -> Result<(), StoreError> {
    match tx.store.secret_fingerprint()? {
        None => tx.store.set_secret_fingerprint(fingerprint),
        Some(stored) if stored == fingerprint => Ok(()),
        Some(_) => Err(StoreError::SecretMismatch),
    }
}

/// A new group, with automatic assignment off.
pub(super) fn create_group(
    tx: &mut Tx<'_>,
    name: String,
    now: OffsetDateTime,
) -> Result<Group, StoreError> {
    let id = Uuid::now_v7();
    tx.store.insert_group(id, &name, now)?;
    Ok(Group {
        id,
        name,
        assignment_policy: AssignmentPolicy::Off,
        alert_after_seconds: DEFAULT_ALERT_AFTER_SECONDS,
    })
}

/// Sets how long a customer may wait in the group's queue before its experts
/// are alerted (1 s to a day).
pub(super) fn set_alert_time(
    tx: &mut Tx<'_>,
    group: Uuid,
    seconds: u32,
) -> Result<Group, StoreError> {
    if !(1..=MAX_ALERT_AFTER_SECONDS).contains(&seconds) {
        return Err(StoreError::Invalid(format!(
            "alert_after_seconds: must be 1 to {MAX_ALERT_AFTER_SECONDS}, not {seconds}"
        )));
    }
    if !tx.store.set_alert_time(group, seconds)? {
        return Err(StoreError::NotFound);
    }
    tx.store.group(group)?.ok_or(StoreError::NotFound)
}

/// Sets a group's policy and runs it for the cases waiting.
pub(super) fn set_assignment_policy(
    tx: &mut Tx<'_>,
    group: Uuid,
    policy: AssignmentPolicy,
    now: OffsetDateTime,
) -> Result<Group, StoreError> {
    if !tx.store.set_assignment_policy(group, policy)? {
        return Err(StoreError::NotFound);
    }
    tx.auto_assign(group, now)?;
    tx.store.group(group)?.ok_or(StoreError::NotFound)
}

fn require_group(tx: &mut Tx<'_>, group: Uuid, field: &str) -> Result<(), StoreError> {
    match tx.store.group(group)? {
        Some(_) => Ok(()),
        None => Err(StoreError::Invalid(format!("{field}: no group {group}"))),
    }
}

/// A new expert in existing groups.
pub(super) fn create_expert(
    tx: &mut Tx<'_>,
    new: &NewExpert,
    now: OffsetDateTime,
) -> Result<Expert, StoreError> {
    for group in &new.groups {
        require_group(tx, *group, "groups")?;
    }
    let id = Uuid::now_v7();
    tx.store.insert_expert(id, new, now)?;
    for group in &new.groups {
        tx.store.add_member(*group, id)?;
    }
    tx.store.expert(id)?.ok_or(StoreError::NotFound)
}

/// Marks an active expert available or away; becoming available runs
/// automatic assignment in each of their groups.
pub(super) fn set_availability(
    tx: &mut Tx<'_>,
    expert: Uuid,
    available: bool,
    now: OffsetDateTime,
) -> Result<Expert, StoreError> {
    if !tx.store.expert(expert)?.is_some_and(|e| e.active) {
        return Err(StoreError::NotFound);
    }
    tx.store.set_available(expert, available)?;
    if available {
        for group in tx.store.expert_groups(expert)? {
            tx.auto_assign(group, now)?;
        }
    }
    tx.store.expert(expert)?.ok_or(StoreError::NotFound)
}

/// Changes an expert's standing.
pub(super) fn change_expert(
    tx: &mut Tx<'_>,
    expert: Uuid,
    change: ExpertChange,
    now: OffsetDateTime,
) -> Result<Expert, StoreError> {
    if tx.store.expert(expert)?.is_none() {
        return Err(StoreError::NotFound);
    }
    match change {
        ExpertChange::Active(active) => {
            tx.store.set_active(expert, active)?;
            if !active {
                tx.store.set_available(expert, false)?;
                tx.store.delete_console_sessions(expert, None)?;
            }
        }
        ExpertChange::Admin(admin) => tx.store.set_admin(expert, admin)?,
        ExpertChange::PasswordHash(hash) => {
            tx.store.set_password_hash(expert, &hash)?;
            tx.store.delete_console_sessions(expert, None)?;
        }
        ExpertChange::Membership { group, member } => {
            require_group(tx, group, "group")?;
            if member {
                tx.store.add_member(group, expert)?;
                tx.auto_assign(group, now)?;
            } else {
                tx.store.remove_member(group, expert)?;
            }
        }
    }
    tx.store.expert(expert)?.ok_or(StoreError::NotFound)
}

/// A new deployment of an existing group.
pub(super) fn create_deployment(
    tx: &mut Tx<'_>,
    id: Uuid,
    name: &str,
    group: Uuid,
    server_url: &str,
    key_hash: &TokenHash,
    now: OffsetDateTime,
) -> Result<Deployment, StoreError> {
    require_group(tx, group, "group")?;
    tx.store.insert_deployment(&NewDeploymentRow {
        id,
        name,
        group,
        server_url,
        key_hash,
        now,
    })?;
    tx.store.deployment(id)?.ok_or(StoreError::NotFound)
}
