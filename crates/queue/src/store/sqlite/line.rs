//! The log of line changes and the waiting cases, for the rules' order of
//! each group's line (`crate::rules::line`): [`LineReads`] on the read pool,
//! [`LineWrites`] in the writer's transaction.

use rusqlite::{Connection, params};
use time::OffsetDateTime;
use uuid::Uuid;

use super::writer::SqliteTx;
use super::{SqliteStore, all, one, run};
use crate::clock::to_millis;
use crate::store::StoreError;
use crate::store::storage::{LineChange, LineReads, LineSnapshot, LineWrites, after_id};

/// One statement, so one snapshot: the version row first (no id), then the
/// waiting cases, through the covering partial index `cases_waiting`.
const SNAPSHOT: &str = "SELECT line_version, NULL, NULL FROM groups WHERE id = ?1 \
     UNION ALL SELECT NULL, id, expires_at FROM cases WHERE group_id = ?1 \
     AND state IN ('new', 'pending', 'in_progress') AND assignee_id IS NULL AND id > ?2";

fn snapshot(
    conn: &Connection,
    group: Uuid,
    after: Option<Uuid>,
) -> Result<LineSnapshot, StoreError> {
    let rows = all(conn, SNAPSHOT, params![group, after_id(after)], |r| {
        Ok((
            r.get::<_, Option<i64>>(0)?,
            r.get::<_, Option<Uuid>>(1)?,
            r.get::<_, Option<i64>>(2)?,
        ))
    })?;
    let mut version = None;
    let mut waiting = Vec::with_capacity(rows.len());
    for row in rows {
        match row {
            (Some(v), None, None) => version = Some(v),
            (None, Some(id), Some(expires_at)) => waiting.push((id, expires_at)),
            other => return Err(StoreError::Corrupt(format!("line snapshot row {other:?}"))),
        }
    }
    waiting.sort_unstable();
    Ok(LineSnapshot {
        version: version.ok_or(StoreError::NotFound)?,
        waiting,
    })
}

fn changes(
    conn: &Connection,
    group: Uuid,
    after: i64,
    limit: i64,
) -> Result<Vec<LineChange>, StoreError> {
    all(
        conn,
        "SELECT version, case_id, waiting, expires_at FROM line_changes \
         WHERE group_id = ? AND version > ? ORDER BY version LIMIT ?",
        params![group, after, limit],
        |r| {
            Ok(LineChange {
                version: r.get(0)?,
                case_id: r.get(1)?,
                waiting: r.get(2)?,
                expires_at: r.get(3)?,
            })
        },
    )
}

impl LineReads for SqliteStore {
    async fn line_snapshot(
        &self,
        group: Uuid,
        after: Option<Uuid>,
    ) -> Result<LineSnapshot, StoreError> {
        self.reads.with(|conn| snapshot(conn, group, after))
    }

    async fn line_changes(
        &self,
        group: Uuid,
        after: i64,
        limit: u32,
    ) -> Result<Vec<LineChange>, StoreError> {
        self.reads
            .with(|conn| changes(conn, group, after, i64::from(limit)))
    }
}

impl LineWrites for SqliteTx {
    fn record_line_change(
        &mut self,
        group: Uuid,
        case: Uuid,
        waiting: bool,
        expires_at: i64,
        at: OffsetDateTime,
    ) -> Result<i64, StoreError> {
        let version: i64 = one(
            &self.conn,
            "UPDATE groups SET line_version = line_version + 1 WHERE id = ? RETURNING line_version",
            [group],
            |r| r.get(0),
        )?
        .ok_or(StoreError::NotFound)?;
        run(
            &self.conn,
            "INSERT INTO line_changes (group_id, version, case_id, waiting, expires_at, at) \
             VALUES (?, ?, ?, ?, ?, ?)",
            params![group, version, case, waiting, expires_at, to_millis(at)],
        )?;
        Ok(version)
    }

    fn line_changes_since(
        &mut self,
        group: Uuid,
        after: i64,
    ) -> Result<Vec<LineChange>, StoreError> {
        changes(&self.conn, group, after, i64::MAX)
    }

    fn waiting_between(
        &mut self,
        group: Uuid,
        after: Option<Uuid>,
        before: Uuid,
    ) -> Result<Vec<(Uuid, i64)>, StoreError> {
        all(
            &self.conn,
            "SELECT id, expires_at FROM cases WHERE group_id = ? \
             AND state IN ('new', 'pending', 'in_progress') AND assignee_id IS NULL \
             AND id > ? AND id < ?",
            params![group, after_id(after), before],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
    }

    fn forget_line_changes(&mut self, before: OffsetDateTime) -> Result<u64, StoreError> {
        let deleted = run(
            &self.conn,
            "DELETE FROM line_changes WHERE at < ?",
            [to_millis(before)],
        )?;
        Ok(deleted as u64)
    }
}
