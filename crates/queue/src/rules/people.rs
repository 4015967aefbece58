//! Experts, groups, console sessions and deployments: what a change of them
//! implies (an expert who becomes available or joins a group, or a group
//! whose policy is set, runs automatic assignment; deactivating an expert
//! marks them away, signs them out and revokes their API tokens; a new
//! password signs them out).
//! Each change, and each sign-in, is written to the audit log in its own
//! transaction.

use time::OffsetDateTime;
use uuid::Uuid;

use lifeline_protocol::{
    AssignmentPolicy, DEFAULT_ALERT_AFTER_SECONDS, Deployment, Expert, Group,
    MAX_ALERT_AFTER_SECONDS,
};

use super::Tx;
use crate::audit::{AuditAction, AuditBy, NewAuditEntry};
use crate::credentials::TokenHash;
use crate::store::storage::{KeyRotation, NewDeploymentRow};
use crate::store::{ExpertChange, NewExpert, StoreError};

/// Appends an entry to the audit log.
pub(super) fn audit(
    tx: &mut Tx<'_>,
    action: AuditAction,
    by: &AuditBy,
    target: Option<(Uuid, &str)>,
    detail: Option<&str>,
    at: OffsetDateTime,
) -> Result<(), StoreError> {
    tx.store.insert_audit(&NewAuditEntry {
        action,
        by,
        target,
        detail,
        at,
    })
}

/// Stores a new console session; signing in is also when this expert's
/// expired sessions are cleared. The sign-in is audited as the expert's own,
/// from `by`'s address.
pub(super) fn start_console_session(
    tx: &mut Tx<'_>,
    token_hash: &TokenHash,
    expert: Uuid,
    by: &AuditBy,
    now: OffsetDateTime,
    expires_at: OffsetDateTime,
) -> Result<(), StoreError> {
    tx.store.delete_console_sessions(expert, Some(now))?;
    tx.store
        .insert_console_session(token_hash, expert, now, expires_at)?;
    let name = tx
        .store
        .expert(expert)?
        .ok_or(StoreError::NotFound)?
        .display_name;
    let by = AuditBy {
        expert: Some(expert),
        name: name.clone(),
        client: by.client.clone(),
    };
    audit(
        tx,
        AuditAction::SignIn,
        &by,
        Some((expert, &name)),
        None,
        now,
    )
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
    by: &AuditBy,
    now: OffsetDateTime,
) -> Result<Group, StoreError> {
    let id = Uuid::now_v7();
    tx.store.insert_group(id, &name, now)?;
    audit(
        tx,
        AuditAction::GroupCreated,
        by,
        Some((id, &name)),
        None,
        now,
    )?;
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
    by: &AuditBy,
    now: OffsetDateTime,
) -> Result<Group, StoreError> {
    if !(1..=MAX_ALERT_AFTER_SECONDS).contains(&seconds) {
        return Err(StoreError::Invalid(format!(
            "alert_after_seconds: must be 1 to {MAX_ALERT_AFTER_SECONDS}, not {seconds}"
        )));
    }
    if !tx.store.set_alert_time(group, seconds)? {
        return Err(StoreError::NotFound);
    }
    let changed = tx.store.group(group)?.ok_or(StoreError::NotFound)?;
    let detail = format!("alert after {seconds} s");
    audit(
        tx,
        AuditAction::GroupChanged,
        by,
        Some((group, &changed.name)),
        Some(&detail),
        now,
    )?;
    Ok(changed)
}

/// Sets a group's policy and runs it for the cases waiting.
pub(super) fn set_assignment_policy(
    tx: &mut Tx<'_>,
    group: Uuid,
    policy: AssignmentPolicy,
    by: &AuditBy,
    now: OffsetDateTime,
) -> Result<Group, StoreError> {
    if !tx.store.set_assignment_policy(group, policy)? {
        return Err(StoreError::NotFound);
    }
    tx.auto_assign(group, now)?;
    let changed = tx.store.group(group)?.ok_or(StoreError::NotFound)?;
    let detail = format!("assignment policy {}", policy.as_str());
    audit(
        tx,
        AuditAction::GroupChanged,
        by,
        Some((group, &changed.name)),
        Some(&detail),
        now,
    )?;
    Ok(changed)
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
    by: &AuditBy,
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
    let detail = format!(
        "{}{}",
        new.email.as_str(),
        if new.admin { ", admin" } else { "" }
    );
    audit(
        tx,
        AuditAction::ExpertCreated,
        by,
        Some((id, &new.display_name)),
        Some(&detail),
        now,
    )?;
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
    by: &AuditBy,
    now: OffsetDateTime,
) -> Result<Expert, StoreError> {
    let Some(before) = tx.store.expert(expert)? else {
        return Err(StoreError::NotFound);
    };
    let detail = match &change {
        ExpertChange::Active(true) => "activated".to_string(),
        ExpertChange::Active(false) => "deactivated".to_string(),
        ExpertChange::Admin(true) => "made admin".to_string(),
        ExpertChange::Admin(false) => "no longer admin".to_string(),
        ExpertChange::PasswordHash(_) => "new password".to_string(),
        ExpertChange::Membership { group, member } => {
            let name = tx.store.group(*group)?.map(|g| g.name).unwrap_or_default();
            format!("{} group {name}", if *member { "joined" } else { "left" })
        }
    };
    match change {
        ExpertChange::Active(active) => {
            tx.store.set_active(expert, active)?;
            if !active {
                tx.store.set_available(expert, false)?;
                tx.store.delete_console_sessions(expert, None)?;
                // Revoked, not just unusable while inactive: a token that
                // leaked stays dead if the expert is activated again.
                tx.store.revoke_expert_tokens(expert, now)?;
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
    audit(
        tx,
        AuditAction::ExpertChanged,
        by,
        Some((expert, &before.display_name)),
        Some(&detail),
        now,
    )?;
    tx.store.expert(expert)?.ok_or(StoreError::NotFound)
}

/// A new API token of an active or inactive expert; returns its id.
pub(super) fn add_expert_token(
    tx: &mut Tx<'_>,
    expert: Uuid,
    token_hash: &TokenHash,
    by: &AuditBy,
    now: OffsetDateTime,
) -> Result<Uuid, StoreError> {
    let id = Uuid::now_v7();
    tx.store.insert_expert_token(id, expert, token_hash, now)?;
    let owner = tx.store.expert(expert)?.map(|e| e.display_name);
    let name = format!("API token of {}", owner.unwrap_or_default());
    audit(
        tx,
        AuditAction::TokenCreated,
        by,
        Some((id, &name)),
        None,
        now,
    )?;
    Ok(id)
}

/// Revokes an API token of the expert named `owner`.
pub(super) fn revoke_expert_token(
    tx: &mut Tx<'_>,
    id: Uuid,
    owner: Option<&str>,
    by: &AuditBy,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    if !tx.store.revoke_expert_token(id, now)? {
        return Err(StoreError::NotFound);
    }
    let name = format!("API token of {}", owner.unwrap_or_default());
    audit(
        tx,
        AuditAction::TokenRevoked,
        by,
        Some((id, &name)),
        None,
        now,
    )
}

/// A deployment to make.
#[derive(Debug)]
pub(super) struct NewDeployment<'a> {
    pub(super) id: Uuid,
    pub(super) name: &'a str,
    pub(super) group: Uuid,
    pub(super) server_url: &'a str,
    pub(super) key_hash: &'a TokenHash,
}

/// Revokes a deployment's key.
pub(super) fn revoke_deployment(
    tx: &mut Tx<'_>,
    id: Uuid,
    by: &AuditBy,
    now: OffsetDateTime,
) -> Result<Deployment, StoreError> {
    tx.store.revoke_deployment(id, now)?;
    let revoked = tx.store.deployment(id)?.ok_or(StoreError::NotFound)?;
    audit(
        tx,
        AuditAction::DeploymentRevoked,
        by,
        Some((id, &revoked.name)),
        None,
        now,
    )?;
    Ok(revoked)
}

/// A new deployment of an existing group.
pub(super) fn create_deployment(
    tx: &mut Tx<'_>,
    new: &NewDeployment<'_>,
    by: &AuditBy,
    now: OffsetDateTime,
) -> Result<Deployment, StoreError> {
    require_group(tx, new.group, "group")?;
    tx.store.insert_deployment(&NewDeploymentRow {
        id: new.id,
        name: new.name,
        group: new.group,
        server_url: new.server_url,
        key_hash: new.key_hash,
        now,
    })?;
    let created = tx.store.deployment(new.id)?.ok_or(StoreError::NotFound)?;
    let detail = format!("group {}", created.group.name);
    audit(
        tx,
        AuditAction::DeploymentCreated,
        by,
        Some((new.id, new.name)),
        Some(&detail),
        now,
    )?;
    Ok(created)
}

/// Replaces a deployment's key with the next generation's; the replaced key
/// keeps working for `grace` (not at all when zero).
pub(super) fn rotate_deployment_key(
    tx: &mut Tx<'_>,
    rotation: &KeyRotation<'_>,
    by: &AuditBy,
    now: OffsetDateTime,
) -> Result<Deployment, StoreError> {
    let Some(before) = tx.store.deployment(rotation.id)? else {
        return Err(StoreError::NotFound);
    };
    if before.revoked_at.is_some() {
        return Err(StoreError::Invalid(
            "the deployment is revoked; create a new one".into(),
        ));
    }
    if !tx.store.rotate_deployment_key(rotation)? {
        return Err(StoreError::Invalid(
            "the deployment's key was rotated meanwhile; try again".into(),
        ));
    }
    let rotated = tx
        .store
        .deployment(rotation.id)?
        .ok_or(StoreError::NotFound)?;
    let detail = match rotation.previous_until {
        Some(until) => format!(
            "key rotated; the previous key works until {}",
            until
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default()
        ),
        None => "key rotated; the previous key stopped at once".to_string(),
    };
    audit(
        tx,
        AuditAction::DeploymentChanged,
        by,
        Some((rotation.id, &rotated.name)),
        Some(&detail),
        now,
    )?;
    Ok(rotated)
}

/// Sets the server URL a deployment's file carries from now on.
pub(super) fn set_deployment_server_url(
    tx: &mut Tx<'_>,
    id: Uuid,
    url: &str,
    by: &AuditBy,
    now: OffsetDateTime,
) -> Result<Deployment, StoreError> {
    if !tx.store.set_deployment_server_url(id, url)? {
        return Err(StoreError::NotFound);
    }
    let changed = tx.store.deployment(id)?.ok_or(StoreError::NotFound)?;
    let detail = format!("server URL {url}");
    audit(
        tx,
        AuditAction::DeploymentChanged,
        by,
        Some((id, &changed.name)),
        Some(&detail),
        now,
    )?;
    Ok(changed)
}
