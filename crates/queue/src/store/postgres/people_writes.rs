//! Changing experts, groups, credentials, console sessions and deployments
//! ([`PeopleWrites`], in the writer's transaction).

use time::OffsetDateTime;
use uuid::Uuid;

use lifeline_protocol::{AssignmentPolicy, Deployment, Expert, Group};

use super::is_unique_violation;
use super::people_reads::{
    DEPLOYMENT_SELECT, EXPERT_GROUPS, EXPERT_SELECT, GROUP_SELECT, deployment_from_row,
    expert_from_row, group_from_row, group_ref_from_row,
};
use super::writer::PgTx;
use crate::clock::to_millis;
use crate::credentials::TokenHash;
use crate::store::storage::{KeyRotation, NewDeploymentRow, PeopleWrites};
use crate::store::{NewExpert, StoreError};

/// A unique violation as [`StoreError::Taken`] naming `what`.
fn taken(what: &'static str) -> impl FnOnce(postgres::Error) -> StoreError {
    move |e| {
        if is_unique_violation(&e) {
            StoreError::Taken(what)
        } else {
            e.into()
        }
    }
}

impl PeopleWrites for PgTx {
    fn group(&mut self, id: Uuid) -> Result<Option<Group>, StoreError> {
        self.one(
            &format!("{GROUP_SELECT} WHERE id = $1"),
            &[&id],
            group_from_row,
        )
    }

    fn insert_group(
        &mut self,
        id: Uuid,
        name: &str,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        self.run_or(
            "INSERT INTO groups (id, name, created_at) VALUES ($1, $2, $3)",
            &[&id, &name, &to_millis(now)],
            taken("group name"),
        )?;
        Ok(())
    }

    fn set_assignment_policy(
        &mut self,
        group: Uuid,
        policy: AssignmentPolicy,
    ) -> Result<bool, StoreError> {
        let changed = self.run(
            "UPDATE groups SET assignment_policy = $1 WHERE id = $2",
            &[&policy.as_str(), &group],
        )?;
        Ok(changed > 0)
    }

    fn set_alert_time(&mut self, group: Uuid, seconds: u32) -> Result<bool, StoreError> {
        let seconds = i32::try_from(seconds)
            .map_err(|_| StoreError::Invalid(format!("alert_after_seconds: {seconds}")))?;
        let changed = self.run(
            "UPDATE groups SET alert_after_seconds = $1 WHERE id = $2",
            &[&seconds, &group],
        )?;
        Ok(changed > 0)
    }

    fn expert(&mut self, id: Uuid) -> Result<Option<Expert>, StoreError> {
        let groups = self.all(EXPERT_GROUPS, &[&id], group_ref_from_row)?;
        self.one(&format!("{EXPERT_SELECT} WHERE id = $1"), &[&id], |r| {
            expert_from_row(r, groups)
        })
    }

    fn set_expert_language(
        &mut self,
        expert: Uuid,
        language: Option<&str>,
    ) -> Result<bool, StoreError> {
        let changed = self.run(
            "UPDATE experts SET language = $1 WHERE id = $2",
            &[&language, &expert],
        )?;
        Ok(changed > 0)
    }

    fn insert_expert(
        &mut self,
        id: Uuid,
        new: &NewExpert,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        self.run_or(
            "INSERT INTO experts (id, email, display_name, password_hash, is_admin, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
            &[
                &id,
                &new.email.as_str(),
                &new.display_name,
                &new.password_hash,
                &new.admin,
                &to_millis(now),
            ],
            taken("email"),
        )?;
        Ok(())
    }

    fn add_member(&mut self, group: Uuid, expert: Uuid) -> Result<(), StoreError> {
        self.run(
            "INSERT INTO group_members (group_id, expert_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            &[&group, &expert],
        )?;
        Ok(())
    }

    fn remove_member(&mut self, group: Uuid, expert: Uuid) -> Result<(), StoreError> {
        self.run(
            "DELETE FROM group_members WHERE group_id = $1 AND expert_id = $2",
            &[&group, &expert],
        )?;
        Ok(())
    }

    fn expert_groups(&mut self, expert: Uuid) -> Result<Vec<Uuid>, StoreError> {
        self.all(
            "SELECT group_id FROM group_members WHERE expert_id = $1 ORDER BY group_id",
            &[&expert],
            |r| Ok(r.try_get(0)?),
        )
    }

    fn set_available(&mut self, expert: Uuid, available: bool) -> Result<(), StoreError> {
        self.run(
            "UPDATE experts SET available = $1 WHERE id = $2",
            &[&available, &expert],
        )?;
        Ok(())
    }

    fn set_active(&mut self, expert: Uuid, active: bool) -> Result<(), StoreError> {
        self.run(
            "UPDATE experts SET active = $1 WHERE id = $2",
            &[&active, &expert],
        )?;
        Ok(())
    }

    fn set_admin(&mut self, expert: Uuid, admin: bool) -> Result<(), StoreError> {
        self.run(
            "UPDATE experts SET is_admin = $1 WHERE id = $2",
            &[&admin, &expert],
        )?;
        Ok(())
    }

    fn set_password_hash(&mut self, expert: Uuid, hash: &str) -> Result<(), StoreError> {
        self.run(
            "UPDATE experts SET password_hash = $1 WHERE id = $2",
            &[&hash, &expert],
        )?;
        Ok(())
    }

    fn insert_console_session(
        &mut self,
        token_hash: &TokenHash,
        expert: Uuid,
        now: OffsetDateTime,
        expires_at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        self.run(
            "INSERT INTO console_sessions (token_hash, expert_id, created_at, expires_at) \
             VALUES ($1, $2, $3, $4)",
            &[
                &token_hash.as_slice(),
                &expert,
                &to_millis(now),
                &to_millis(expires_at),
            ],
        )?;
        Ok(())
    }

    fn delete_console_session(&mut self, token_hash: &TokenHash) -> Result<(), StoreError> {
        self.run(
            "DELETE FROM console_sessions WHERE token_hash = $1",
            &[&token_hash.as_slice()],
        )?;
        Ok(())
    }

    fn delete_console_sessions(
        &mut self,
        expert: Uuid,
        expired_at: Option<OffsetDateTime>,
    ) -> Result<(), StoreError> {
        match expired_at {
            Some(now) => self.run(
                "DELETE FROM console_sessions WHERE expert_id = $1 AND expires_at <= $2",
                &[&expert, &to_millis(now)],
            )?,
            None => self.run(
                "DELETE FROM console_sessions WHERE expert_id = $1",
                &[&expert],
            )?,
        };
        Ok(())
    }

    fn insert_expert_token(
        &mut self,
        id: Uuid,
        expert: Uuid,
        token_hash: &TokenHash,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        self.run(
            "INSERT INTO expert_tokens (id, expert_id, token_hash, created_at) VALUES ($1, $2, $3, $4)",
            &[&id, &expert, &token_hash.as_slice(), &to_millis(now)],
        )?;
        Ok(())
    }

    fn revoke_expert_token(&mut self, id: Uuid, now: OffsetDateTime) -> Result<bool, StoreError> {
        let changed = self.run(
            "UPDATE expert_tokens SET revoked_at = coalesce(revoked_at, $1) WHERE id = $2",
            &[&to_millis(now), &id],
        )?;
        Ok(changed > 0)
    }

    fn revoke_expert_tokens(
        &mut self,
        expert: Uuid,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        self.run(
            "UPDATE expert_tokens SET revoked_at = $1 WHERE expert_id = $2 AND revoked_at IS NULL",
            &[&to_millis(now), &expert],
        )?;
        Ok(())
    }

    fn insert_deployment(&mut self, deployment: &NewDeploymentRow<'_>) -> Result<(), StoreError> {
        self.run(
            "INSERT INTO deployments (id, name, group_id, server_url, key_hash, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
            &[
                &deployment.id,
                &deployment.name,
                &deployment.group,
                &deployment.server_url,
                &deployment.key_hash.as_slice(),
                &to_millis(deployment.now),
            ],
        )?;
        Ok(())
    }

    fn revoke_deployment(&mut self, id: Uuid, now: OffsetDateTime) -> Result<(), StoreError> {
        self.run(
            "UPDATE deployments SET revoked_at = coalesce(revoked_at, $1) WHERE id = $2",
            &[&to_millis(now), &id],
        )?;
        Ok(())
    }

    fn deployment(&mut self, id: Uuid) -> Result<Option<Deployment>, StoreError> {
        self.one(
            &format!("{DEPLOYMENT_SELECT} WHERE d.id = $1"),
            &[&id],
            deployment_from_row,
        )
    }

    fn rotate_deployment_key(&mut self, rotation: &KeyRotation<'_>) -> Result<bool, StoreError> {
        let until = rotation.previous_until.map(to_millis);
        // With no grace the replaced key is forgotten, not kept expired.
        let changed = self.run(
            "UPDATE deployments SET \
             previous_key_hash = CASE WHEN $1::BIGINT IS NULL THEN NULL ELSE key_hash END, \
             previous_key_valid_until = $1, key_hash = $2, key_generation = key_generation + 1 \
             WHERE id = $3 AND key_generation = $4 AND revoked_at IS NULL",
            &[
                &until,
                &rotation.key_hash.as_slice(),
                &rotation.id,
                &i64::from(rotation.from),
            ],
        )?;
        Ok(changed > 0)
    }

    fn set_deployment_server_url(&mut self, id: Uuid, url: &str) -> Result<bool, StoreError> {
        let changed = self.run(
            "UPDATE deployments SET server_url = $1 WHERE id = $2",
            &[&url, &id],
        )?;
        Ok(changed > 0)
    }
}
