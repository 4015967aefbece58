//! The log of line changes and the waiting cases, for the rules' order of
//! each group's line (`crate::rules::line`): [`LineReads`] on the read pool,
//! [`LineWrites`] in the writer's transaction.

use time::OffsetDateTime;
use tokio_postgres::Row;
use uuid::Uuid;

use super::writer::PgTx;
use super::{PostgresStore, all};
use crate::clock::to_millis;
use crate::store::StoreError;
use crate::store::storage::{LineChange, LineReads, LineSnapshot, LineWrites, after_id};

/// One statement, so one snapshot: the version row (no id), and the
/// waiting cases through the covering partial index `cases_waiting`.
const SNAPSHOT: &str = "SELECT line_version, NULL::uuid, NULL::bigint FROM groups WHERE id = $1 \
     UNION ALL SELECT NULL::bigint, id, expires_at FROM cases WHERE group_id = $1 \
     AND state IN ('new', 'pending', 'in_progress') AND assignee_id IS NULL AND id > $2";

const CHANGES: &str = "SELECT version, case_id, waiting, expires_at FROM line_changes \
     WHERE group_id = $1 AND version > $2 ORDER BY version LIMIT $3";

fn change(r: &Row) -> Result<LineChange, StoreError> {
    Ok(LineChange {
        version: r.try_get(0)?,
        case_id: r.try_get(1)?,
        waiting: r.try_get(2)?,
        expires_at: r.try_get(3)?,
    })
}

impl LineReads for PostgresStore {
    async fn line_snapshot(
        &self,
        group: Uuid,
        after: Option<Uuid>,
    ) -> Result<LineSnapshot, StoreError> {
        let client = self.client().await?;
        let rows = all(&client, SNAPSHOT, &[&group, &after_id(after)], |r| {
            Ok((
                r.try_get::<_, Option<i64>>(0)?,
                r.try_get::<_, Option<Uuid>>(1)?,
                r.try_get::<_, Option<i64>>(2)?,
            ))
        })
        .await?;
        let mut version = None;
        let mut waiting = Vec::with_capacity(rows.len());
        for row in rows {
            match row {
                (Some(v), None, None) => version = Some(v),
                (None, Some(id), Some(expires_at)) => waiting.push((id, expires_at)),
                other => {
                    return Err(StoreError::Corrupt(format!("line snapshot row {other:?}")));
                }
            }
        }
        waiting.sort_unstable();
        Ok(LineSnapshot {
            version: version.ok_or(StoreError::NotFound)?,
            waiting,
        })
    }

    async fn line_changes(
        &self,
        group: Uuid,
        after: i64,
        limit: u32,
    ) -> Result<Vec<LineChange>, StoreError> {
        let client = self.client().await?;
        all(
            &client,
            CHANGES,
            &[&group, &after, &i64::from(limit)],
            change,
        )
        .await
    }
}

impl LineWrites for PgTx {
    fn record_line_change(
        &mut self,
        group: Uuid,
        case: Uuid,
        waiting: bool,
        expires_at: i64,
        at: OffsetDateTime,
    ) -> Result<i64, StoreError> {
        let version: i64 = self
            .one(
                "UPDATE groups SET line_version = line_version + 1 WHERE id = $1 RETURNING line_version",
                &[&group],
                |r| Ok(r.try_get(0)?),
            )?
            .ok_or(StoreError::NotFound)?;
        self.run(
            "INSERT INTO line_changes (group_id, version, case_id, waiting, expires_at, at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
            &[
                &group,
                &version,
                &case,
                &waiting,
                &expires_at,
                &to_millis(at),
            ],
        )?;
        Ok(version)
    }

    fn line_changes_since(
        &mut self,
        group: Uuid,
        after: i64,
    ) -> Result<Vec<LineChange>, StoreError> {
        self.all(CHANGES, &[&group, &after, &i64::MAX], change)
    }

    fn waiting_between(
        &mut self,
        group: Uuid,
        after: Option<Uuid>,
        before: Uuid,
    ) -> Result<Vec<(Uuid, i64)>, StoreError> {
        self.all(
            "SELECT id, expires_at FROM cases WHERE group_id = $1 \
             AND state IN ('new', 'pending', 'in_progress') AND assignee_id IS NULL \
             AND id > $2 AND id < $3",
            &[&group, &after_id(after), &before],
            |r| Ok((r.try_get(0)?, r.try_get(1)?)),
        )
    }

    fn forget_line_changes(&mut self, before: OffsetDateTime) -> Result<u64, StoreError> {
        self.run(
            "DELETE FROM line_changes WHERE at < $1",
            &[&to_millis(before)],
        )
    }
}
