//! Reading experts, groups, credentials, console sessions and deployments
//! ([`PeopleReads`], on the read pool). Names and addresses are looked up
//! case-insensitively, as SQLite's `NOCASE` does: `lower()` of byte-ordered
//! (`"C"`) text folds ASCII letters only.

use time::OffsetDateTime;
use tokio_postgres::Row;
use uuid::Uuid;

use lifeline_protocol::{AssignmentPolicy, Deployment, Expert, ExpertRole, Group, GroupRef};

use super::{PostgresStore, all, one};
use crate::clock::{from_millis, to_millis};
use crate::credentials::TokenHash;
use crate::store::storage::PeopleReads;
use crate::store::{DeploymentAuth, ExpertAuth, SignInRecord, StoreError, TokenInfo};

pub(super) const GROUP_SELECT: &str =
    "SELECT id, name, assignment_policy, alert_after_seconds FROM groups";

pub(super) const EXPERT_SELECT: &str =
    "SELECT id, email, display_name, is_admin, active, available FROM experts";

/// An expert's groups, by name (`$1`: the expert).
pub(super) const EXPERT_GROUPS: &str = "SELECT g.id, g.name FROM group_members m \
     JOIN groups g ON g.id = m.group_id WHERE m.expert_id = $1 ORDER BY lower(g.name)";

pub(super) const DEPLOYMENT_SELECT: &str = "SELECT d.id, d.name, d.group_id, \
     (SELECT name FROM groups WHERE id = d.group_id), d.server_url, d.created_at, d.revoked_at, \
     d.key_generation, d.previous_key_valid_until FROM deployments d";

pub(super) fn group_from_row(r: &Row) -> Result<Group, StoreError> {
    let policy: &str = r.try_get(2)?;
    let assignment_policy = AssignmentPolicy::parse(policy)
        .ok_or_else(|| StoreError::Corrupt(format!("assignment_policy: {policy:?}")))?;
    Ok(Group {
        id: r.try_get(0)?,
        name: r.try_get(1)?,
        assignment_policy,
        alert_after_seconds: alert_seconds(r.try_get(3)?)?,
    })
}

/// An alert time as read: the column's CHECK keeps it positive.
fn alert_seconds(value: i32) -> Result<u32, StoreError> {
    u32::try_from(value).map_err(|_| StoreError::Corrupt(format!("alert_after_seconds: {value}")))
}

pub(super) fn group_ref_from_row(r: &Row) -> Result<GroupRef, StoreError> {
    Ok(GroupRef {
        id: r.try_get(0)?,
        name: r.try_get(1)?,
    })
}

/// An expert selected with [`EXPERT_SELECT`], with their groups.
pub(super) fn expert_from_row(r: &Row, groups: Vec<GroupRef>) -> Result<Expert, StoreError> {
    Ok(Expert {
        id: r.try_get(0)?,
        email: r.try_get(1)?,
        display_name: r.try_get(2)?,
        role: if r.try_get(3)? {
            ExpertRole::Admin
        } else {
            ExpertRole::Expert
        },
        active: r.try_get(4)?,
        available: r.try_get(5)?,
        groups,
    })
}

pub(super) fn deployment_from_row(r: &Row) -> Result<Deployment, StoreError> {
    Ok(Deployment {
        id: r.try_get(0)?,
        name: r.try_get(1)?,
        group: GroupRef {
            id: r.try_get(2)?,
            name: r.try_get(3)?,
        },
        server_url: r.try_get(4)?,
        created_at: from_millis(r.try_get(5)?),
        revoked_at: r.try_get::<_, Option<i64>>(6)?.map(from_millis),
        key_generation: u32::try_from(r.try_get::<_, i64>(7)?)
            .map_err(|_| StoreError::Corrupt("deployments.key_generation".into()))?,
        previous_key_valid_until: r.try_get::<_, Option<i64>>(8)?.map(from_millis),
    })
}

/// The signed-in expert of `row` (id, name, admin), with their groups.
async fn expert_auth(
    client: &deadpool_postgres::Object,
    row: Option<(Uuid, String, bool)>,
) -> Result<Option<ExpertAuth>, StoreError> {
    let Some((id, display_name, admin)) = row else {
        return Ok(None);
    };
    let groups = all(
        client,
        "SELECT group_id FROM group_members WHERE expert_id = $1",
        &[&id],
        |r| Ok(r.try_get(0)?),
    )
    .await?;
    Ok(Some(ExpertAuth {
        id,
        display_name,
        admin,
        groups,
    }))
}

async fn load_expert(
    client: &deadpool_postgres::Object,
    id: Uuid,
) -> Result<Option<Expert>, StoreError> {
    let groups = all(client, EXPERT_GROUPS, &[&id], group_ref_from_row).await?;
    one(
        client,
        &format!("{EXPERT_SELECT} WHERE id = $1"),
        &[&id],
        |r| expert_from_row(r, groups),
    )
    .await
}

impl PeopleReads for PostgresStore {
    async fn expert_language(&self, expert: Uuid) -> Result<Option<String>, StoreError> {
        let client = self.client().await?;
        let language: Option<Option<String>> = one(
            &client,
            "SELECT language FROM experts WHERE id = $1",
            &[&expert],
            |r| Ok(r.try_get(0)?),
        )
        .await?;
        Ok(language.flatten())
    }

    async fn deployment_by_key(
        &self,
        key_hash: &TokenHash,
        now: OffsetDateTime,
    ) -> Result<Option<DeploymentAuth>, StoreError> {
        let client = self.client().await?;
        one(
            &client,
            "SELECT d.id, d.group_id, (SELECT name FROM groups WHERE id = d.group_id) \
             FROM deployments d WHERE d.revoked_at IS NULL AND (d.key_hash = $1 \
             OR (d.previous_key_hash = $1 AND d.previous_key_valid_until > $2))",
            &[&key_hash.as_slice(), &to_millis(now)],
            |r| {
                Ok(DeploymentAuth {
                    id: r.try_get(0)?,
                    group_id: r.try_get(1)?,
                    group_name: r.try_get(2)?,
                })
            },
        )
        .await
    }

    async fn expert_by_token(
        &self,
        token_hash: &TokenHash,
    ) -> Result<Option<ExpertAuth>, StoreError> {
        let client = self.client().await?;
        let row = one(
            &client,
            "SELECT e.id, e.display_name, e.is_admin FROM experts e WHERE e.active AND e.id = \
             (SELECT expert_id FROM expert_tokens WHERE token_hash = $1 AND revoked_at IS NULL)",
            &[&token_hash.as_slice()],
            |r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)),
        )
        .await?;
        expert_auth(&client, row).await
    }

    async fn sign_in_record(&self, email: &str) -> Result<Option<SignInRecord>, StoreError> {
        let client = self.client().await?;
        one(
            &client,
            "SELECT id, password_hash, active FROM experts \
             WHERE lower(email) = lower($1::text COLLATE \"C\")",
            &[&email],
            |r| {
                Ok(SignInRecord {
                    id: r.try_get(0)?,
                    password_hash: r.try_get(1)?,
                    active: r.try_get(2)?,
                })
            },
        )
        .await
    }

    async fn expert_by_session(
        &self,
        token_hash: &TokenHash,
        now: OffsetDateTime,
    ) -> Result<Option<ExpertAuth>, StoreError> {
        let client = self.client().await?;
        let row = one(
            &client,
            "SELECT e.id, e.display_name, e.is_admin FROM experts e WHERE e.active AND e.id = \
             (SELECT expert_id FROM console_sessions WHERE token_hash = $1 AND expires_at > $2)",
            &[&token_hash.as_slice(), &to_millis(now)],
            |r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)),
        )
        .await?;
        expert_auth(&client, row).await
    }

    async fn list_groups(&self) -> Result<Vec<Group>, StoreError> {
        let client = self.client().await?;
        all(
            &client,
            &format!("{GROUP_SELECT} ORDER BY lower(name)"),
            &[],
            group_from_row,
        )
        .await
    }

    async fn group_by_name(&self, name: &str) -> Result<Option<Group>, StoreError> {
        let client = self.client().await?;
        one(
            &client,
            &format!("{GROUP_SELECT} WHERE lower(name) = lower($1::text COLLATE \"C\")"),
            &[&name],
            group_from_row,
        )
        .await
    }

    async fn list_experts(&self) -> Result<Vec<Expert>, StoreError> {
        let client = self.client().await?;
        // Every membership at once, then every expert: two statements, not one per expert.
        let memberships = all(
            &client,
            "SELECT m.expert_id, g.id, g.name FROM group_members m \
             JOIN groups g ON g.id = m.group_id ORDER BY lower(g.name)",
            &[],
            |r| {
                Ok((
                    r.try_get::<_, Uuid>(0)?,
                    GroupRef {
                        id: r.try_get(1)?,
                        name: r.try_get(2)?,
                    },
                ))
            },
        )
        .await?;
        all(
            &client,
            &format!("{EXPERT_SELECT} ORDER BY display_name, id"),
            &[],
            |r| {
                let id: Uuid = r.try_get(0)?;
                let groups = memberships
                    .iter()
                    .filter(|(expert, _)| *expert == id)
                    .map(|(_, group)| group.clone())
                    .collect();
                expert_from_row(r, groups)
            },
        )
        .await
    }

    async fn expert_id_by_email(&self, email: &str) -> Result<Option<Uuid>, StoreError> {
        let client = self.client().await?;
        one(
            &client,
            "SELECT id FROM experts WHERE lower(email) = lower($1::text COLLATE \"C\")",
            &[&email],
            |r| Ok(r.try_get(0)?),
        )
        .await
    }

    async fn expert(&self, id: Uuid) -> Result<Option<Expert>, StoreError> {
        let client = self.client().await?;
        load_expert(&client, id).await
    }

    async fn list_expert_tokens(&self) -> Result<Vec<TokenInfo>, StoreError> {
        let client = self.client().await?;
        all(
            &client,
            "SELECT t.id, t.expert_id, e.display_name, t.created_at, t.revoked_at \
             FROM expert_tokens t JOIN experts e ON e.id = t.expert_id ORDER BY t.id DESC",
            &[],
            |r| {
                Ok(TokenInfo {
                    id: r.try_get(0)?,
                    expert_id: r.try_get(1)?,
                    expert_name: r.try_get(2)?,
                    created_at: from_millis(r.try_get(3)?),
                    revoked_at: r.try_get::<_, Option<i64>>(4)?.map(from_millis),
                })
            },
        )
        .await
    }

    async fn list_deployments(&self) -> Result<Vec<Deployment>, StoreError> {
        let client = self.client().await?;
        all(
            &client,
            &format!("{DEPLOYMENT_SELECT} ORDER BY d.created_at DESC, d.id DESC"),
            &[],
            deployment_from_row,
        )
        .await
    }

    async fn deployment(&self, id: Uuid) -> Result<Option<Deployment>, StoreError> {
        let client = self.client().await?;
        one(
            &client,
            &format!("{DEPLOYMENT_SELECT} WHERE d.id = $1"),
            &[&id],
            deployment_from_row,
        )
        .await
    }
}
