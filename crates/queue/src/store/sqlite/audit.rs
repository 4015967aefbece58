//! The audit log ([`AuditWrites`] in the writer's transaction, [`AuditReads`]
//! on the read pool).

use rusqlite::{Row, params};

use super::writer::SqliteTx;
use super::{SqliteStore, all, run};
use crate::audit::{AuditEntry, AuditQuery, NewAuditEntry};
use crate::clock::{from_millis, to_millis};
use crate::store::StoreError;
use crate::store::storage::{AuditReads, AuditWrites};

impl AuditWrites for SqliteTx {
    fn insert_audit(&mut self, entry: &NewAuditEntry<'_>) -> Result<(), StoreError> {
        run(
            &self.conn,
            "INSERT INTO audit_log (id, at, action, actor_id, actor_name, client, target_id, \
             target_name, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            params![
                uuid::Uuid::now_v7(),
                to_millis(entry.at),
                entry.action.as_str(),
                entry.by.expert,
                entry.by.name,
                entry.by.client,
                entry.target.map(|(id, _)| id),
                entry.target.map(|(_, name)| name),
                entry.detail,
            ],
        )?;
        Ok(())
    }
}

fn entry_from_row(r: &Row<'_>) -> rusqlite::Result<AuditEntry> {
    Ok(AuditEntry {
        id: r.get(0)?,
        at: from_millis(r.get(1)?),
        action: r.get(2)?,
        actor_id: r.get(3)?,
        actor_name: r.get(4)?,
        client: r.get(5)?,
        target_id: r.get(6)?,
        target_name: r.get(7)?,
        detail: r.get(8)?,
    })
}

impl AuditReads for SqliteStore {
    async fn audit_entries(&self, query: AuditQuery) -> Result<Vec<AuditEntry>, StoreError> {
        self.reads.with(|conn| {
            all(
                conn,
                "SELECT id, at, action, actor_id, actor_name, client, target_id, target_name, \
                 detail FROM audit_log \
                 WHERE (?1 IS NULL OR action = ?1) AND (?2 IS NULL OR actor_id = ?2) \
                 AND (?3 IS NULL OR target_id = ?3) AND (?4 IS NULL OR at >= ?4) \
                 AND (?5 IS NULL OR at < ?5) AND (?6 IS NULL OR id < ?6) \
                 ORDER BY id DESC LIMIT ?7",
                params![
                    query.action.map(|a| a.as_str()),
                    query.actor,
                    query.target,
                    query.since.map(to_millis),
                    query.until.map(to_millis),
                    query.before,
                    query.limit,
                ],
                entry_from_row,
            )
        })
    }
}
