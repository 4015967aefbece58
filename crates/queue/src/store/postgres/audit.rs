//! The audit log ([`AuditWrites`] in the writer's transaction, [`AuditReads`]
//! on the read pool).

use tokio_postgres::Row;
use uuid::Uuid;

use super::writer::PgTx;
use super::{PostgresStore, all};
use crate::audit::{AuditEntry, AuditQuery, NewAuditEntry};
use crate::clock::{from_millis, to_millis};
use crate::store::StoreError;
use crate::store::storage::{AuditReads, AuditWrites};

impl AuditWrites for PgTx {
    fn insert_audit(&mut self, entry: &NewAuditEntry<'_>) -> Result<(), StoreError> {
        self.run(
            "INSERT INTO audit_log (id, at, action, actor_id, actor_name, client, target_id, \
             target_name, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            &[
                &Uuid::now_v7(),
                &to_millis(entry.at),
                &entry.action.as_str(),
                &entry.by.expert,
                &entry.by.name,
                &entry.by.client,
                &entry.target.map(|(id, _)| id),
                &entry.target.map(|(_, name)| name),
                &entry.detail,
            ],
        )?;
        Ok(())
    }
}

fn entry_from_row(r: &Row) -> Result<AuditEntry, StoreError> {
    Ok(AuditEntry {
        id: r.try_get(0)?,
        at: from_millis(r.try_get(1)?),
        action: r.try_get(2)?,
        actor_id: r.try_get(3)?,
        actor_name: r.try_get(4)?,
        client: r.try_get(5)?,
        target_id: r.try_get(6)?,
        target_name: r.try_get(7)?,
        detail: r.try_get(8)?,
    })
}

impl AuditReads for PostgresStore {
    async fn audit_entries(&self, query: AuditQuery) -> Result<Vec<AuditEntry>, StoreError> {
        let client = self.client().await?;
        all(
            &client,
            "SELECT id, at, action, actor_id, actor_name, client, target_id, target_name, detail \
             FROM audit_log \
             WHERE ($1::text IS NULL OR action = $1) AND ($2::uuid IS NULL OR actor_id = $2) \
             AND ($3::uuid IS NULL OR target_id = $3) AND ($4::bigint IS NULL OR at >= $4) \
             AND ($5::bigint IS NULL OR at < $5) AND ($6::uuid IS NULL OR id < $6) \
             ORDER BY id DESC LIMIT $7",
            &[
                &query.action.map(|a| a.as_str()),
                &query.actor,
                &query.target,
                &query.since.map(to_millis),
                &query.until.map(to_millis),
                &query.before,
                &i64::from(query.limit),
            ],
            entry_from_row,
        )
        .await
    }
}
