//! Reading cases ([`CaseReads`], on the read pool), and the case row every
//! case query selects.

use std::sync::LazyLock;

use rusqlite::{Connection, Row, ToSql, params};
use time::OffsetDateTime;
use uuid::Uuid;

use lifeline_protocol::{CaseState, ChatMessage, HistoryAction, HistoryEntry, SessionCode};

use super::{SqliteStore, all, one};
use crate::clock::{from_millis, to_millis};
use crate::credentials::TokenHash;
use crate::hub::{CaseEvent, EventKind};
use crate::store::rows::{CaseRow, SLA_COLUMNS, SlaRow};
use crate::store::storage::{CaseReads, CodeHolder, SlaCase};
use crate::store::{AssigneeFilter, CaseQuery, StateFilter, StoreError};

/// The columns every case query selects (alias `c`). Names come from scalar
/// subqueries rather than joins: for a one-row lookup SQLite's join machinery
/// (it builds a Bloom filter per run) costs several times the lookup itself.
const CASE_COLUMNS: &str = "c.id, c.code, c.state, c.channel, c.group_id, \
     (SELECT name FROM groups WHERE id = c.group_id) AS group_name, \
     c.assignee_id, (SELECT display_name FROM experts WHERE id = c.assignee_id) AS assignee_name, \
     c.customer_name, c.customer_email, c.description, c.device, c.expert_connected, \
     c.customer_connected, c.ever_joined, c.created_at, c.updated_at, c.expires_at, c.closed_at, c.closed_by, \
     c.last_event_seq";

/// The version of `c`'s group's line: one row lookup, whatever the line's
/// length (positions come from `crate::rules::line`). Selected after
/// [`CASE_COLUMNS`].
const CASE_LINE: &str = "(SELECT line_version FROM groups WHERE id = c.group_id) AS line_version";

static CASE_BY_ID: LazyLock<String> =
    LazyLock::new(|| format!("SELECT {CASE_COLUMNS}, {CASE_LINE} FROM cases c WHERE c.id = ?"));
static CASE_BY_TOKEN: LazyLock<String> = LazyLock::new(|| {
    format!("SELECT {CASE_COLUMNS}, {CASE_LINE} FROM cases c WHERE c.token_hash = ?")
});

/// The columns [`case_row`] reads, in the order [`CASE_COLUMNS`] and
/// [`CASE_LINE`] select them.
#[cfg(test)]
const CASE_ROW_COLUMNS: [&str; 22] = [
    "id",
    "code",
    "state",
    "channel",
    "group_id",
    "group_name",
    "assignee_id",
    "assignee_name",
    "customer_name",
    "customer_email",
    "description",
    "device",
    "expert_connected",
    "customer_connected",
    "ever_joined",
    "created_at",
    "updated_at",
    "expires_at",
    "closed_at",
    "closed_by",
    "last_event_seq",
    "line_version",
];

/// Reads a row selected with [`CASE_COLUMNS`] and [`CASE_LINE`], by
/// position: looking the 22 columns up by name (a case-insensitive search
/// of the names for each) took a fifth of a case read's instructions.
fn case_row(row: &Row<'_>) -> rusqlite::Result<CaseRow> {
    Ok(CaseRow {
        id: row.get(0)?,
        code: row.get(1)?,
        state: row.get(2)?,
        channel: row.get(3)?,
        group_id: row.get(4)?,
        group_name: row.get(5)?,
        assignee_id: row.get(6)?,
        assignee_name: row.get(7)?,
        customer_name: row.get(8)?,
        customer_email: row.get(9)?,
        description: row.get(10)?,
        device: row.get(11)?,
        expert_connected: row.get(12)?,
        customer_connected: row.get(13)?,
        ever_joined: row.get(14)?,
        created_at: row.get(15)?,
        updated_at: row.get(16)?,
        expires_at: row.get(17)?,
        closed_at: row.get(18)?,
        closed_by: row.get(19)?,
        last_event_seq: row.get(20)?,
        line_version: row.get(21)?,
    })
}

pub(super) fn load_row(conn: &Connection, id: Uuid) -> Result<Option<CaseRow>, StoreError> {
    one(conn, &CASE_BY_ID, [id], case_row)
}

/// The case list's statement and its arguments; `None` when no case can match.
fn list_statement(
    query: &CaseQuery,
    now: OffsetDateTime,
) -> Option<(String, Vec<Box<dyn ToSql + Send>>)> {
    let now_ms = to_millis(now);
    let mut sql = format!("SELECT {CASE_COLUMNS}, {CASE_LINE} FROM cases c WHERE 1 = 1");
    let mut args: Vec<Box<dyn ToSql + Send>> = Vec::new();
    match query.state {
        StateFilter::Open => {
            sql.push_str(" AND c.state IN ('new', 'pending', 'in_progress') AND c.expires_at > ?");
            args.push(Box::new(now_ms));
        }
        StateFilter::Only(CaseState::Expired) => {
            sql.push_str(" AND (c.state = 'expired' OR (c.state IN ('new', 'pending', 'in_progress') AND c.expires_at <= ?))");
            args.push(Box::new(now_ms));
        }
        StateFilter::Only(CaseState::Closed) => sql.push_str(" AND c.state = 'closed'"),
        StateFilter::Only(open) => {
            sql.push_str(" AND c.state = ? AND c.expires_at > ?");
            args.push(Box::new(open.as_str()));
            args.push(Box::new(now_ms));
        }
        StateFilter::Final => {
            sql.push_str(" AND (c.state IN ('closed', 'expired') OR c.expires_at <= ?)");
            args.push(Box::new(now_ms));
        }
        StateFilter::All => {}
    }
    if let Some(group) = query.group {
        sql.push_str(" AND c.group_id = ?");
        args.push(Box::new(group));
    }
    if let Some(code) = query.code {
        sql.push_str(" AND c.code = ?");
        args.push(Box::new(code.as_str().to_owned()));
    }
    match query.assignee {
        AssigneeFilter::Anyone => {}
        AssigneeFilter::Unassigned => sql.push_str(" AND c.assignee_id IS NULL"),
        AssigneeFilter::Expert(id) => {
            sql.push_str(" AND c.assignee_id = ?");
            args.push(Box::new(id));
        }
    }
    if let Some(groups) = &query.visible_groups {
        if groups.is_empty() {
            return None;
        }
        sql.push_str(" AND c.group_id IN (");
        sql.push_str(&vec!["?"; groups.len()].join(", "));
        sql.push(')');
        args.extend(groups.iter().map(|g| Box::new(*g) as Box<dyn ToSql + Send>));
    }
    if let Some(after) = query.after {
        sql.push_str(" AND c.id > ?");
        args.push(Box::new(after));
    }
    sql.push_str(" ORDER BY c.id LIMIT ?");
    args.push(Box::new(i64::from(query.limit)));
    Some((sql, args))
}

impl CaseReads for SqliteStore {
    async fn case_row(&self, id: Uuid) -> Result<Option<CaseRow>, StoreError> {
        self.reads.with(|conn| load_row(conn, id))
    }

    async fn case_row_by_token(
        &self,
        token_hash: &TokenHash,
    ) -> Result<Option<CaseRow>, StoreError> {
        // One statement: credential, case and its line's version together.
        self.reads
            .with(|conn| one(conn, &CASE_BY_TOKEN, [token_hash.as_slice()], case_row))
    }

    async fn case_creator(&self, id: Uuid) -> Result<Option<Uuid>, StoreError> {
        self.reads.with(|conn| {
            let creator: Option<Option<Uuid>> = one(
                conn,
                "SELECT created_by FROM cases WHERE id = ?",
                [id],
                |r| r.get(0),
            )?;
            Ok(creator.flatten())
        })
    }

    async fn history(&self, id: Uuid) -> Result<Vec<HistoryEntry>, StoreError> {
        self.reads.with(|conn| {
            let rows = all(
                conn,
                "SELECT action, actor, detail, at FROM case_events WHERE case_id = ? AND action IS NOT NULL ORDER BY seq",
                [id],
                |r| Ok((r.get::<_, String>(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )?;
            rows.into_iter()
                .map(|(action, actor, detail, at)| {
                    let action = HistoryAction::parse(&action)
                        .ok_or_else(|| StoreError::Corrupt(format!("history action: {action:?}")))?;
                    Ok(HistoryEntry { action, actor, detail, at: from_millis(at) })
                })
                .collect()
        })
    }

    async fn messages(&self, id: Uuid) -> Result<Vec<ChatMessage>, StoreError> {
        self.reads.with(|conn| {
            let rows = all(
                conn,
                "SELECT data FROM case_events WHERE case_id = ? AND kind = 'message' ORDER BY seq",
                [id],
                |r| r.get::<_, String>(0),
            )?;
            rows.iter()
                .map(|data| {
                    serde_json::from_str(data).map_err(|e| StoreError::Corrupt(e.to_string()))
                })
                .collect()
        })
    }

    async fn case_rows(
        &self,
        query: CaseQuery,
        now: OffsetDateTime,
    ) -> Result<Vec<CaseRow>, StoreError> {
        let Some((sql, args)) = list_statement(&query, now) else {
            return Ok(Vec::new());
        };
        self.reads.with(|conn| {
            let refs: Vec<&dyn ToSql> = args.iter().map(|a| a.as_ref() as &dyn ToSql).collect();
            all(conn, &sql, refs.as_slice(), case_row)
        })
    }

    async fn events_after(
        &self,
        id: Uuid,
        seq: i64,
        limit: u32,
    ) -> Result<Vec<CaseEvent>, StoreError> {
        self.reads.with(|conn| {
            let rows = all(
                conn,
                "SELECT seq, kind, data, final, (SELECT group_id FROM cases WHERE id = case_id) \
                 FROM case_events WHERE case_id = ? AND seq > ? ORDER BY seq LIMIT ?",
                params![id, seq, limit],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get(3)?,
                        r.get(4)?,
                    ))
                },
            )?;
            rows.into_iter()
                .map(|(seq, kind, data, is_final, group_id)| {
                    let kind = EventKind::parse(&kind)
                        .ok_or_else(|| StoreError::Corrupt(format!("event kind: {kind:?}")))?;
                    Ok(CaseEvent {
                        case_id: id,
                        group_id,
                        seq,
                        kind,
                        is_final,
                        data: data.into(),
                    })
                })
                .collect()
        })
    }

    async fn code_holder(&self, code: &SessionCode) -> Result<Option<CodeHolder>, StoreError> {
        // On a read connection: a wrong code never waits for, nor holds up, the writer.
        self.reads.with(|conn| {
            one(
                conn,
                "SELECT id, group_id, channel = 'manual', token_hash IS NOT NULL, state, created_at, expires_at \
                     FROM cases WHERE code = ? AND state IN ('new', 'pending', 'in_progress')",
                [code.as_str()],
                |r| {
                    Ok(CodeHolder {
                        id: r.get(0)?,
                        group_id: r.get(1)?,
                        manual: r.get(2)?,
                        claimed: r.get(3)?,
                        state: r.get(4)?,
                        created_at: r.get(5)?,
                        expires_at: r.get(6)?,
                    })
                },
            )
        })
    }

    async fn count_open_by_state(
        &self,
        now: OffsetDateTime,
    ) -> Result<Vec<(CaseState, i64)>, StoreError> {
        self.reads.with(|conn| {
            let rows = all(
                conn,
                "SELECT state, COUNT(*) FROM cases WHERE state IN ('new', 'pending', 'in_progress') AND expires_at > ? GROUP BY state",
                [to_millis(now)],
                |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)),
            )?;
            Ok(CaseState::ALL
                .into_iter()
                .filter(|s| !s.is_final())
                .map(|state| {
                    let count = rows.iter().find(|(s, _)| s == state.as_str()).map_or(0, |(_, n)| *n);
                    (state, count)
                })
                .collect())
        })
    }

    async fn sla_cases(
        &self,
        from: OffsetDateTime,
        to: OffsetDateTime,
        limit: u32,
    ) -> Result<Vec<SlaCase>, StoreError> {
        let rows = self.reads.with(|conn| {
            all(
                conn,
                &SLA_CASES,
                params![to_millis(from), to_millis(to), limit],
                |r| {
                    Ok(SlaRow {
                        group_id: r.get(0)?,
                        group_name: r.get(1)?,
                        assignee_id: r.get(2)?,
                        assignee_name: r.get(3)?,
                        state: r.get(4)?,
                        created_at: r.get(5)?,
                        first_assigned_at: r.get(6)?,
                        first_connected_at: r.get(7)?,
                        closed_at: r.get(8)?,
                        expires_at: r.get(9)?,
                    })
                },
            )
        })?;
        rows.into_iter().map(SlaRow::into_sla_case).collect()
    }
}

static SLA_CASES: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT {SLA_COLUMNS} FROM cases c WHERE c.created_at >= ? AND c.created_at < ? \
         ORDER BY c.created_at, c.id LIMIT ?"
    )
});

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::sqlite::open::open_writer;

    #[test]
    fn every_case_query_selects_the_columns_case_row_reads_in_its_order()
    -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let conn = open_writer(&dir.path().join("x.db"))?;
        let every_case = CaseQuery {
            state: StateFilter::All,
            group: None,
            assignee: AssigneeFilter::Anyone,
            visible_groups: None,
            code: None,
            after: None,
            limit: 10,
        };
        let (list, _) = list_statement(&every_case, OffsetDateTime::now_utc())
            .ok_or("a list of every case matches cases")?;
        for sql in [CASE_BY_ID.as_str(), CASE_BY_TOKEN.as_str(), list.as_str()] {
            let statement = conn.prepare(sql)?;
            let selected: Vec<&str> = statement
                .column_names()
                .take(CASE_ROW_COLUMNS.len())
                .collect();
            assert_eq!(selected, CASE_ROW_COLUMNS, "{sql}");
        }
        Ok(())
    }
}
