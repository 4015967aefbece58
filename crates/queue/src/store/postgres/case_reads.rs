//! Reading cases ([`CaseReads`], on the read pool), and the case row every
//! case query selects.

use std::sync::LazyLock;

use time::OffsetDateTime;
use tokio_postgres::Row;
use tokio_postgres::types::ToSql;
use uuid::Uuid;

use lifeline_protocol::{CaseState, ChatMessage, HistoryAction, HistoryEntry, SessionCode};

use super::{PostgresStore, all, one};
use crate::clock::{from_millis, to_millis};
use crate::credentials::TokenHash;
use crate::hub::{CaseEvent, EventKind};
use crate::store::rows::{CaseRow, SLA_COLUMNS, SlaRow};
use crate::store::storage::{CaseReads, CodeHolder, SlaCase};
use crate::store::{AssigneeFilter, CaseQuery, StateFilter, StoreError};

/// The columns every case query selects (alias `c`).
const CASE_COLUMNS: &str = "c.id, c.code, c.state, c.channel, c.group_id, \
     (SELECT name FROM groups WHERE id = c.group_id) AS group_name, \
     c.assignee_id, (SELECT display_name FROM experts WHERE id = c.assignee_id) AS assignee_name, \
     c.customer_name, c.customer_email, c.description, c.device, c.expert_connected, \
     c.customer_connected, c.ever_joined, c.created_at, c.updated_at, c.expires_at, c.closed_at, \
     c.closed_by, c.last_event_seq";

/// The version of `c`'s group's line: one row lookup, whatever the line's
/// length (positions come from `crate::rules::line`). Selected after
/// [`CASE_COLUMNS`].
const CASE_LINE: &str = "(SELECT line_version FROM groups WHERE id = c.group_id) AS line_version";

static CASE_BY_ID: LazyLock<String> =
    LazyLock::new(|| format!("SELECT {CASE_COLUMNS}, {CASE_LINE} FROM cases c WHERE c.id = $1"));
/// [`CASE_BY_ID`], locking the case for the transaction's changes.
pub(super) static CASE_BY_ID_FOR_UPDATE: LazyLock<String> =
    LazyLock::new(|| format!("{} FOR UPDATE OF c", *CASE_BY_ID));
static CASE_BY_TOKEN: LazyLock<String> = LazyLock::new(|| {
    format!("SELECT {CASE_COLUMNS}, {CASE_LINE} FROM cases c WHERE c.token_hash = $1")
});

/// Reads a row selected with [`CASE_COLUMNS`] and [`CASE_LINE`].
pub(super) fn case_row(row: &Row) -> Result<CaseRow, StoreError> {
    Ok(CaseRow {
        id: row.try_get("id")?,
        code: row.try_get("code")?,
        state: row.try_get("state")?,
        channel: row.try_get("channel")?,
        group_id: row.try_get("group_id")?,
        group_name: row.try_get("group_name")?,
        assignee_id: row.try_get("assignee_id")?,
        assignee_name: row.try_get("assignee_name")?,
        customer_name: row.try_get("customer_name")?,
        customer_email: row.try_get("customer_email")?,
        description: row.try_get("description")?,
        device: row.try_get("device")?,
        expert_connected: row.try_get("expert_connected")?,
        customer_connected: row.try_get("customer_connected")?,
        ever_joined: row.try_get("ever_joined")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        expires_at: row.try_get("expires_at")?,
        closed_at: row.try_get("closed_at")?,
        closed_by: row.try_get("closed_by")?,
        last_event_seq: row.try_get("last_event_seq")?,
        line_version: row.try_get("line_version")?,
    })
}

/// A statement's argument list, numbering its placeholders.
#[derive(Default)]
struct Args {
    values: Vec<Box<dyn ToSql + Sync + Send>>,
}

impl Args {
    /// Adds `value`; returns its placeholder.
    fn bind(&mut self, value: impl ToSql + Sync + Send + 'static) -> String {
        self.values.push(Box::new(value));
        format!("${}", self.values.len())
    }
}

/// The case list's statement and its arguments; `None` when no case can match.
fn list_statement(query: &CaseQuery, now: OffsetDateTime) -> Option<(String, Args)> {
    let now_ms = to_millis(now);
    let mut args = Args::default();
    let mut sql = format!("SELECT {CASE_COLUMNS}, {CASE_LINE} FROM cases c WHERE TRUE");
    match query.state {
        StateFilter::Open => {
            let now = args.bind(now_ms);
            sql.push_str(&format!(
                " AND c.state IN ('new', 'pending', 'in_progress') AND c.expires_at > {now}"
            ));
        }
        StateFilter::Only(CaseState::Expired) => {
            let now = args.bind(now_ms);
            sql.push_str(&format!(
                " AND (c.state = 'expired' OR (c.state IN ('new', 'pending', 'in_progress') AND c.expires_at <= {now}))"
            ));
        }
        StateFilter::Only(CaseState::Closed) => sql.push_str(" AND c.state = 'closed'"),
        StateFilter::Only(open) => {
            let state = args.bind(open.as_str());
            let now = args.bind(now_ms);
            sql.push_str(&format!(" AND c.state = {state} AND c.expires_at > {now}"));
        }
        StateFilter::Final => {
            let now = args.bind(now_ms);
            sql.push_str(&format!(
                " AND (c.state IN ('closed', 'expired') OR c.expires_at <= {now})"
            ));
        }
        StateFilter::All => {}
    }
    if let Some(group) = query.group {
        sql.push_str(&format!(" AND c.group_id = {}", args.bind(group)));
    }
    if let Some(code) = query.code {
        sql.push_str(&format!(
            " AND c.code = {}",
            args.bind(code.as_str().to_owned())
        ));
    }
    match query.assignee {
        AssigneeFilter::Anyone => {}
        AssigneeFilter::Unassigned => sql.push_str(" AND c.assignee_id IS NULL"),
        AssigneeFilter::Expert(id) => {
            sql.push_str(&format!(" AND c.assignee_id = {}", args.bind(id)));
        }
    }
    if let Some(groups) = &query.visible_groups {
        if groups.is_empty() {
            return None;
        }
        sql.push_str(&format!(
            " AND c.group_id = ANY({})",
            args.bind(groups.clone())
        ));
    }
    if let Some(after) = query.after {
        sql.push_str(&format!(" AND c.id > {}", args.bind(after)));
    }
    let limit = args.bind(i64::from(query.limit));
    sql.push_str(&format!(" ORDER BY c.id LIMIT {limit}"));
    Some((sql, args))
}

impl CaseReads for PostgresStore {
    async fn case_row(&self, id: Uuid) -> Result<Option<CaseRow>, StoreError> {
        let client = self.client().await?;
        one(&client, &CASE_BY_ID, &[&id], case_row).await
    }

    async fn case_row_by_token(
        &self,
        token_hash: &TokenHash,
    ) -> Result<Option<CaseRow>, StoreError> {
        let client = self.client().await?;
        // One statement: credential, case and its line's version together.
        one(&client, &CASE_BY_TOKEN, &[&token_hash.as_slice()], case_row).await
    }

    async fn case_creator(&self, id: Uuid) -> Result<Option<Uuid>, StoreError> {
        let client = self.client().await?;
        let creator = one(
            &client,
            "SELECT created_by FROM cases WHERE id = $1",
            &[&id],
            |r| Ok(r.try_get::<_, Option<Uuid>>(0)?),
        )
        .await?;
        Ok(creator.flatten())
    }

    async fn history(&self, id: Uuid) -> Result<Vec<HistoryEntry>, StoreError> {
        let client = self.client().await?;
        all(
            &client,
            "SELECT action, actor, detail, at FROM case_events \
             WHERE case_id = $1 AND action IS NOT NULL ORDER BY seq",
            &[&id],
            |r| {
                let action: String = r.try_get(0)?;
                let action = HistoryAction::parse(&action)
                    .ok_or_else(|| StoreError::Corrupt(format!("history action: {action:?}")))?;
                Ok(HistoryEntry {
                    action,
                    actor: r.try_get(1)?,
                    detail: r.try_get(2)?,
                    at: from_millis(r.try_get(3)?),
                })
            },
        )
        .await
    }

    async fn messages(&self, id: Uuid) -> Result<Vec<ChatMessage>, StoreError> {
        let client = self.client().await?;
        all(
            &client,
            "SELECT data FROM case_events WHERE case_id = $1 AND kind = 'message' ORDER BY seq",
            &[&id],
            |r| {
                let data: &str = r.try_get(0)?;
                serde_json::from_str(data).map_err(|e| StoreError::Corrupt(e.to_string()))
            },
        )
        .await
    }

    async fn case_rows(
        &self,
        query: CaseQuery,
        now: OffsetDateTime,
    ) -> Result<Vec<CaseRow>, StoreError> {
        let Some((sql, args)) = list_statement(&query, now) else {
            return Ok(Vec::new());
        };
        let params: Vec<&(dyn ToSql + Sync)> = args
            .values
            .iter()
            .map(|value| value.as_ref() as &(dyn ToSql + Sync))
            .collect();
        let client = self.client().await?;
        all(&client, &sql, &params, case_row).await
    }

    async fn events_after(
        &self,
        id: Uuid,
        seq: i64,
        limit: u32,
    ) -> Result<Vec<CaseEvent>, StoreError> {
        let client = self.client().await?;
        all(
            &client,
            "SELECT e.seq, e.kind, e.data, e.is_final, c.group_id \
             FROM case_events e JOIN cases c ON c.id = e.case_id \
             WHERE e.case_id = $1 AND e.seq > $2 ORDER BY e.seq LIMIT $3",
            &[&id, &seq, &i64::from(limit)],
            |r| {
                let kind: &str = r.try_get(1)?;
                let kind = EventKind::parse(kind)
                    .ok_or_else(|| StoreError::Corrupt(format!("event kind: {kind:?}")))?;
                Ok(CaseEvent {
                    case_id: id,
                    group_id: r.try_get(4)?,
                    seq: r.try_get(0)?,
                    kind,
                    is_final: r.try_get(3)?,
                    data: r.try_get::<_, &str>(2)?.into(),
                })
            },
        )
        .await
    }

    async fn code_holder(&self, code: &SessionCode) -> Result<Option<CodeHolder>, StoreError> {
        let client = self.client().await?;
        one(
            &client,
            "SELECT id, group_id, channel = 'manual', token_hash IS NOT NULL, state, created_at, \
             expires_at FROM cases WHERE code = $1 AND state IN ('new', 'pending', 'in_progress')",
            &[&code.as_str()],
            |r| {
                Ok(CodeHolder {
                    id: r.try_get(0)?,
                    group_id: r.try_get(1)?,
                    manual: r.try_get(2)?,
                    claimed: r.try_get(3)?,
                    state: r.try_get(4)?,
                    created_at: r.try_get(5)?,
                    expires_at: r.try_get(6)?,
                })
            },
        )
        .await
    }

    async fn count_open_by_state(
        &self,
        now: OffsetDateTime,
    ) -> Result<Vec<(CaseState, i64)>, StoreError> {
        let client = self.client().await?;
        let rows = all(
            &client,
            "SELECT state, COUNT(*) FROM cases \
             WHERE state IN ('new', 'pending', 'in_progress') AND expires_at > $1 GROUP BY state",
            &[&to_millis(now)],
            |r| Ok((r.try_get::<_, String>(0)?, r.try_get::<_, i64>(1)?)),
        )
        .await?;
        Ok(CaseState::ALL
            .into_iter()
            .filter(|s| !s.is_final())
            .map(|state| {
                let count = rows
                    .iter()
                    .find(|(s, _)| s == state.as_str())
                    .map_or(0, |(_, n)| *n);
                (state, count)
            })
            .collect())
    }

    async fn sla_cases(
        &self,
        from: OffsetDateTime,
        to: OffsetDateTime,
        limit: u32,
    ) -> Result<Vec<SlaCase>, StoreError> {
        let client = self.client().await?;
        let rows = all(
            &client,
            &SLA_CASES,
            &[&to_millis(from), &to_millis(to), &i64::from(limit)],
            |r| {
                Ok(SlaRow {
                    group_id: r.try_get(0)?,
                    group_name: r.try_get(1)?,
                    assignee_id: r.try_get(2)?,
                    assignee_name: r.try_get(3)?,
                    state: r.try_get(4)?,
                    created_at: r.try_get(5)?,
                    first_assigned_at: r.try_get(6)?,
                    first_connected_at: r.try_get(7)?,
                    closed_at: r.try_get(8)?,
                    expires_at: r.try_get(9)?,
                })
            },
        )
        .await?;
        rows.into_iter().map(SlaRow::into_sla_case).collect()
    }
}

static SLA_CASES: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT {SLA_COLUMNS} FROM cases c WHERE c.created_at >= $1 AND c.created_at < $2 \
         ORDER BY c.created_at, c.id LIMIT $3"
    )
});
