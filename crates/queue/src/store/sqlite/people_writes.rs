//! Changing experts, groups, credentials, console sessions and deployments
//! ([`PeopleWrites`], in the writer's transaction).

use rusqlite::params;
use time::OffsetDateTime;
use uuid::Uuid;

use lifeline_protocol::{AssignmentPolicy, Deployment, Expert, Group};

use super::people_reads::{load_deployment, load_expert, load_group};
use super::writer::SqliteTx;
use super::{all, is_unique_violation, run};
use crate::clock::to_millis;
use crate::credentials::TokenHash;
use crate::store::storage::{KeyRotation, NewDeploymentRow, PeopleWrites};
use crate::store::{NewExpert, StoreError};

/// A unique violation as [`StoreError::Taken`] naming `what`.
fn taken(what: &'static str) -> impl FnOnce(rusqlite::Error) -> StoreError {
    move |e| {
        if is_unique_violation(&e) {
            StoreError::Taken(what)
        } else {
            e.into()
        }
    }
}

impl PeopleWrites for SqliteTx {
    fn group(&mut self, id: Uuid) -> Result<Option<Group>, StoreError> {
        load_group(&self.conn, id)
    }

    fn insert_group(
        &mut self,
        id: Uuid,
        name: &str,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        self.conn
            .prepare_cached("INSERT INTO groups (id, name, created_at) VALUES (?, ?, ?)")?
            .execute(params![id, name, to_millis(now)])
            .map_err(taken("group name"))?;
        Ok(())
    }

    fn set_assignment_policy(
        &mut self,
        group: Uuid,
        policy: AssignmentPolicy,
    ) -> Result<bool, StoreError> {
        let changed = run(
            &self.conn,
            "UPDATE groups SET assignment_policy = ? WHERE id = ?",
            params![policy.as_str(), group],
        )?;
        Ok(changed > 0)
    }

    fn set_alert_time(&mut self, group: Uuid, seconds: u32) -> Result<bool, StoreError> {
        let changed = run(
            &self.conn,
            "UPDATE groups SET alert_after_seconds = ? WHERE id = ?",
            params![seconds, group],
        )?;
        Ok(changed > 0)
    }

    fn expert(&mut self, id: Uuid) -> Result<Option<Expert>, StoreError> {
        load_expert(&self.conn, id)
    }

    fn set_expert_language(
        &mut self,
        expert: Uuid,
        language: Option<&str>,
    ) -> Result<bool, StoreError> {
        let changed = run(
            &self.conn,
            "UPDATE experts SET language = ? WHERE id = ?",
            params![language, expert],
        )?;
        Ok(changed > 0)
    }

    fn insert_expert(
        &mut self,
        id: Uuid,
        new: &NewExpert,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "INSERT INTO experts (id, email, display_name, password_hash, is_admin, created_at) \
                 VALUES (?, ?, ?, ?, ?, ?)",
            )?
            .execute(params![
                id,
                new.email.as_str(),
                new.display_name,
                new.password_hash,
                new.admin,
                to_millis(now)
            ])
            .map_err(taken("email"))?;
        Ok(())
    }

    fn add_member(&mut self, group: Uuid, expert: Uuid) -> Result<(), StoreError> {
        run(
            &self.conn,
            "INSERT OR IGNORE INTO group_members (group_id, expert_id) VALUES (?, ?)",
            params![group, expert],
        )?;
        Ok(())
    }

    fn remove_member(&mut self, group: Uuid, expert: Uuid) -> Result<(), StoreError> {
        run(
            &self.conn,
            "DELETE FROM group_members WHERE group_id = ? AND expert_id = ?",
            params![group, expert],
        )?;
        Ok(())
    }

    fn expert_groups(&mut self, expert: Uuid) -> Result<Vec<Uuid>, StoreError> {
        all(
            &self.conn,
            "SELECT group_id FROM group_members WHERE expert_id = ? ORDER BY group_id",
            [expert],
            |r| r.get(0),
        )
    }

    fn set_available(&mut self, expert: Uuid, available: bool) -> Result<(), StoreError> {
        run(
            &self.conn,
            "UPDATE experts SET available = ? WHERE id = ?",
            params![available, expert],
        )?;
        Ok(())
    }

    fn set_active(&mut self, expert: Uuid, active: bool) -> Result<(), StoreError> {
        run(
            &self.conn,
            "UPDATE experts SET active = ? WHERE id = ?",
            params![active, expert],
        )?;
        Ok(())
    }

    fn set_admin(&mut self, expert: Uuid, admin: bool) -> Result<(), StoreError> {
        run(
            &self.conn,
            "UPDATE experts SET is_admin = ? WHERE id = ?",
            params![admin, expert],
        )?;
        Ok(())
    }

    fn set_password_hash(&mut self, expert: Uuid, hash: &str) -> Result<(), StoreError> {
        run(
            &self.conn,
            "UPDATE experts SET password_hash = ? WHERE id = ?",
            params![hash, expert],
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
        run(
            &self.conn,
            "INSERT INTO console_sessions (token_hash, expert_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
            params![
                token_hash.as_slice(),
                expert,
                to_millis(now),
                to_millis(expires_at)
            ],
        )?;
        Ok(())
    }

    fn delete_console_session(&mut self, token_hash: &TokenHash) -> Result<(), StoreError> {
        run(
            &self.conn,
            "DELETE FROM console_sessions WHERE token_hash = ?",
            [token_hash.as_slice()],
        )?;
        Ok(())
    }

    fn delete_console_sessions(
        &mut self,
        expert: Uuid,
        expired_at: Option<OffsetDateTime>,
    ) -> Result<(), StoreError> {
        match expired_at {
            Some(now) => run(
                &self.conn,
                "DELETE FROM console_sessions WHERE expert_id = ? AND expires_at <= ?",
                params![expert, to_millis(now)],
            )?,
            None => run(
                &self.conn,
                "DELETE FROM console_sessions WHERE expert_id = ?",
                [expert],
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
        run(
            &self.conn,
            "INSERT INTO expert_tokens (id, expert_id, token_hash, created_at) VALUES (?, ?, ?, ?)",
            params![id, expert, token_hash.as_slice(), to_millis(now)],
        )?;
        Ok(())
    }

    fn revoke_expert_token(&mut self, id: Uuid, now: OffsetDateTime) -> Result<bool, StoreError> {
        let changed = run(
            &self.conn,
            "UPDATE expert_tokens SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?",
            params![to_millis(now), id],
        )?;
        Ok(changed > 0)
    }

    fn revoke_expert_tokens(
        &mut self,
        expert: Uuid,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        run(
            &self.conn,
            "UPDATE expert_tokens SET revoked_at = ? WHERE expert_id = ? AND revoked_at IS NULL",
            params![to_millis(now), expert],
        )?;
        Ok(())
    }

    fn insert_deployment(&mut self, deployment: &NewDeploymentRow<'_>) -> Result<(), StoreError> {
        run(
            &self.conn,
            "INSERT INTO deployments (id, name, group_id, server_url, key_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            params![
                deployment.id,
                deployment.name,
                deployment.group,
                deployment.server_url,
                deployment.key_hash.as_slice(),
                to_millis(deployment.now)
            ],
        )?;
        Ok(())
    }

    fn revoke_deployment(&mut self, id: Uuid, now: OffsetDateTime) -> Result<(), StoreError> {
        run(
            &self.conn,
            "UPDATE deployments SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?",
            params![to_millis(now), id],
        )?;
        Ok(())
    }

    fn deployment(&mut self, id: Uuid) -> Result<Option<Deployment>, StoreError> {
        load_deployment(&self.conn, id)
    }

    fn rotate_deployment_key(&mut self, rotation: &KeyRotation<'_>) -> Result<bool, StoreError> {
        let until = rotation.previous_until.map(to_millis);
        // With no grace the replaced key is forgotten, not kept expired.
        let changed = run(
            &self.conn,
            "UPDATE deployments SET \
             previous_key_hash = CASE WHEN ?1 IS NULL THEN NULL ELSE key_hash END, \
             previous_key_valid_until = ?1, key_hash = ?2, key_generation = key_generation + 1 \
             WHERE id = ?3 AND key_generation = ?4 AND revoked_at IS NULL",
            params![
                until,
                rotation.key_hash.as_slice(),
                rotation.id,
                rotation.from
            ],
        )?;
        Ok(changed > 0)
    }

    fn set_deployment_server_url(&mut self, id: Uuid, url: &str) -> Result<bool, StoreError> {
        let changed = run(
            &self.conn,
            "UPDATE deployments SET server_url = ? WHERE id = ?",
            params![url, id],
        )?;
        Ok(changed > 0)
    }
}
