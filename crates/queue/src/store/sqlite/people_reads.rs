//! Reading experts, groups, credentials, console sessions and deployments
//! ([`PeopleReads`], on the read pool).

use rusqlite::{Connection, Row, params};
use time::OffsetDateTime;
use uuid::Uuid;

use lifeline_protocol::{AssignmentPolicy, Deployment, Expert, ExpertRole, Group, GroupRef};

use super::{SqliteStore, all, one};
use crate::clock::{from_millis, to_millis};
use crate::credentials::TokenHash;
use crate::store::storage::PeopleReads;
use crate::store::{DeploymentAuth, ExpertAuth, SignInRecord, StoreError, TokenInfo};

const DEPLOYMENT_SELECT: &str = "SELECT d.id, d.name, d.group_id, (SELECT name FROM groups WHERE id = d.group_id), \
     d.server_url, d.created_at, d.revoked_at, d.key_generation, d.previous_key_valid_until \
     FROM deployments d";

/// The columns `group_from_row` reads, in order.
const GROUP_COLUMNS: &str = "id, name, assignment_policy, alert_after_seconds";

fn group_from_row(r: &Row<'_>) -> rusqlite::Result<(Uuid, String, String, u32)> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
}

fn group_from(
    (id, name, policy, alert_after_seconds): (Uuid, String, String, u32),
) -> Result<Group, StoreError> {
    let assignment_policy = AssignmentPolicy::parse(&policy)
        .ok_or_else(|| StoreError::Corrupt(format!("assignment_policy: {policy:?}")))?;
    Ok(Group {
        id,
        name,
        assignment_policy,
        alert_after_seconds,
    })
}

pub(super) fn load_group(conn: &Connection, id: Uuid) -> Result<Option<Group>, StoreError> {
    one(
        conn,
        &format!("SELECT {GROUP_COLUMNS} FROM groups WHERE id = ?"),
        [id],
        group_from_row,
    )?
    .map(group_from)
    .transpose()
}

pub(super) fn load_expert(conn: &Connection, id: Uuid) -> Result<Option<Expert>, StoreError> {
    let row = one(
        conn,
        "SELECT id, email, display_name, is_admin, active, available FROM experts WHERE id = ?",
        [id],
        |r| {
            Ok((
                r.get::<_, Uuid>(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        },
    )?;
    let Some((id, email, display_name, admin, active, available)) = row else {
        return Ok(None);
    };
    let groups = all(
        conn,
        "SELECT g.id, g.name FROM group_members m JOIN groups g ON g.id = m.group_id \
         WHERE m.expert_id = ? ORDER BY g.name",
        [id],
        |r| {
            Ok(GroupRef {
                id: r.get(0)?,
                name: r.get(1)?,
            })
        },
    )?;
    Ok(Some(Expert {
        id,
        email,
        display_name,
        role: if admin {
            ExpertRole::Admin
        } else {
            ExpertRole::Expert
        },
        active,
        available,
        groups,
    }))
}

/// The signed-in expert of `row` (id, name, admin), with their groups.
fn expert_auth(
    conn: &Connection,
    row: Option<(Uuid, String, bool)>,
) -> Result<Option<ExpertAuth>, StoreError> {
    let Some((id, display_name, admin)) = row else {
        return Ok(None);
    };
    let groups = all(
        conn,
        "SELECT group_id FROM group_members WHERE expert_id = ?",
        [id],
        |r| r.get(0),
    )?;
    Ok(Some(ExpertAuth {
        id,
        display_name,
        admin,
        groups,
    }))
}

fn deployment_from_row(r: &Row<'_>) -> rusqlite::Result<Deployment> {
    Ok(Deployment {
        id: r.get(0)?,
        name: r.get(1)?,
        group: GroupRef {
            id: r.get(2)?,
            name: r.get(3)?,
        },
        server_url: r.get(4)?,
        created_at: from_millis(r.get(5)?),
        revoked_at: r.get::<_, Option<i64>>(6)?.map(from_millis),
        key_generation: r.get(7)?,
        previous_key_valid_until: r.get::<_, Option<i64>>(8)?.map(from_millis),
    })
}

pub(super) fn load_deployment(
    conn: &Connection,
    id: Uuid,
) -> Result<Option<Deployment>, StoreError> {
    one(
        conn,
        &format!("{DEPLOYMENT_SELECT} WHERE d.id = ?"),
        [id],
        deployment_from_row,
    )
}

impl PeopleReads for SqliteStore {
    async fn expert_language(&self, expert: Uuid) -> Result<Option<String>, StoreError> {
        self.reads.with(|conn| {
            let language: Option<Option<String>> = one(
                conn,
                "SELECT language FROM experts WHERE id = ?",
                [expert],
                |r| r.get(0),
            )?;
            Ok(language.flatten())
        })
    }

    async fn deployment_by_key(
        &self,
        key_hash: &TokenHash,
        now: OffsetDateTime,
    ) -> Result<Option<DeploymentAuth>, StoreError> {
        self.reads.with(|conn| {
            one(
                conn,
                "SELECT d.id, d.group_id, (SELECT name FROM groups WHERE id = d.group_id) \
                 FROM deployments d WHERE d.revoked_at IS NULL AND (d.key_hash = ?1 \
                 OR (d.previous_key_hash = ?1 AND d.previous_key_valid_until > ?2))",
                params![key_hash.as_slice(), to_millis(now)],
                |r| {
                    Ok(DeploymentAuth {
                        id: r.get(0)?,
                        group_id: r.get(1)?,
                        group_name: r.get(2)?,
                    })
                },
            )
        })
    }

    async fn expert_by_token(
        &self,
        token_hash: &TokenHash,
    ) -> Result<Option<ExpertAuth>, StoreError> {
        self.reads.with(|conn| {
            let row = one(
                conn,
                "SELECT e.id, e.display_name, e.is_admin FROM experts e WHERE e.active = 1 AND e.id = \
                 (SELECT expert_id FROM expert_tokens WHERE token_hash = ? AND revoked_at IS NULL)",
                [token_hash.as_slice()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )?;
            expert_auth(conn, row)
        })
    }

    async fn sign_in_record(&self, email: &str) -> Result<Option<SignInRecord>, StoreError> {
        self.reads.with(|conn| {
            one(
                conn,
                "SELECT id, password_hash, active FROM experts WHERE email = ?",
                [email],
                |r| {
                    Ok(SignInRecord {
                        id: r.get(0)?,
                        password_hash: r.get(1)?,
                        active: r.get(2)?,
                    })
                },
            )
        })
    }

    async fn expert_by_session(
        &self,
        token_hash: &TokenHash,
        now: OffsetDateTime,
    ) -> Result<Option<ExpertAuth>, StoreError> {
        self.reads.with(|conn| {
            let row = one(
                conn,
                "SELECT e.id, e.display_name, e.is_admin FROM experts e WHERE e.active = 1 AND e.id = \
                 (SELECT expert_id FROM console_sessions WHERE token_hash = ? AND expires_at > ?)",
                params![token_hash.as_slice(), to_millis(now)],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )?;
            expert_auth(conn, row)
        })
    }

    async fn list_groups(&self) -> Result<Vec<Group>, StoreError> {
        self.reads.with(|conn| {
            all(
                conn,
                &format!("SELECT {GROUP_COLUMNS} FROM groups ORDER BY name"),
                [],
                group_from_row,
            )?
            .into_iter()
            .map(group_from)
            .collect()
        })
    }

    async fn group_by_name(&self, name: &str) -> Result<Option<Group>, StoreError> {
        self.reads.with(|conn| {
            one(
                conn,
                &format!("SELECT {GROUP_COLUMNS} FROM groups WHERE name = ?"),
                [name],
                group_from_row,
            )?
            .map(group_from)
            .transpose()
        })
    }

    async fn list_experts(&self) -> Result<Vec<Expert>, StoreError> {
        self.reads.with(|conn| {
            let ids: Vec<Uuid> = all(
                conn,
                "SELECT id FROM experts ORDER BY display_name, id",
                [],
                |r| r.get(0),
            )?;
            let mut experts = Vec::with_capacity(ids.len());
            for id in ids {
                experts.extend(load_expert(conn, id)?);
            }
            Ok(experts)
        })
    }

    async fn expert_id_by_email(&self, email: &str) -> Result<Option<Uuid>, StoreError> {
        self.reads.with(|conn| {
            one(
                conn,
                "SELECT id FROM experts WHERE email = ?",
                [email],
                |r| r.get(0),
            )
        })
    }

    async fn expert(&self, id: Uuid) -> Result<Option<Expert>, StoreError> {
        self.reads.with(|conn| load_expert(conn, id))
    }

    async fn list_expert_tokens(&self) -> Result<Vec<TokenInfo>, StoreError> {
        self.reads.with(|conn| {
            all(
                conn,
                "SELECT t.id, t.expert_id, e.display_name, t.created_at, t.revoked_at \
                 FROM expert_tokens t JOIN experts e ON e.id = t.expert_id ORDER BY t.id DESC",
                [],
                |r| {
                    Ok(TokenInfo {
                        id: r.get(0)?,
                        expert_id: r.get(1)?,
                        expert_name: r.get(2)?,
                        created_at: from_millis(r.get(3)?),
                        revoked_at: r.get::<_, Option<i64>>(4)?.map(from_millis),
                    })
                },
            )
        })
    }

    async fn list_deployments(&self) -> Result<Vec<Deployment>, StoreError> {
        self.reads.with(|conn| {
            all(
                conn,
                &format!("{DEPLOYMENT_SELECT} ORDER BY d.created_at DESC, d.id DESC"),
                [],
                deployment_from_row,
            )
        })
    }

    async fn deployment(&self, id: Uuid) -> Result<Option<Deployment>, StoreError> {
        self.reads.with(|conn| load_deployment(conn, id))
    }
}
