//! The embedded SQLite store.
//!
//! SQLite allows one writer at a time, and several sqlx writer connections end
//! in `SQLITE_BUSY` under load. So every write goes to one task that owns the
//! only writing connection. It takes whatever writes are queued, runs them in
//! one transaction (each inside its own savepoint, so one failing write does
//! not undo the others), commits once — one fsync for the batch — and only then
//! answers each caller and publishes their events, in commit order.
//! Reads use a separate pool and see committed data only (WAL).

use std::str::FromStr as _;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use futures_util::future::BoxFuture;
use rand::Rng as _;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePool, SqlitePoolOptions,
    SqliteSynchronous,
};
use sqlx::{Connection as _, QueryBuilder, Sqlite};
use time::OffsetDateTime;
use tokio::sync::{mpsc, oneshot};
use uuid::Uuid;

use lifeline_protocol::{
    AssignmentPolicy, Case, CaseState, Channel, Customer, Deployment, Description, Device, Expert,
    ExpertRole, Group, GroupRef, HistoryAction, HistoryEntry, SessionCode, UpdateCaseRequest,
};

use super::rows::{CASE_AHEAD, CASE_COLUMNS, CASE_JOINS, CaseRow};
use super::{
    Actor, AssigneeFilter, CaseQuery, CreateOutcome, DeploymentAuth, ExpertAuth, NewCustomerCase,
    NewExpert, NewManualCase, StateFilter, Store, StoreError,
};
use crate::clock::{from_millis, to_millis};
use crate::credentials::{ServerSecret, TokenHash, hash_token};
use crate::hub::{CaseEvent, EventKind, Hub};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

/// Most writes committed together; bounds the latency one batch adds.
const MAX_BATCH: usize = 512;
/// Read connections; reads are short, more would only add contention on 2 cores.
const READ_CONNECTIONS: u32 = 4;
/// Attempts at a free random code before giving up (a collision is 1 in 10^9 per open case).
const CODE_ATTEMPTS: usize = 16;
/// Cases expired per write by the sweep.
const EXPIRE_BATCH: i64 = 500;
const OPEN_STATES: &str = "('new', 'pending', 'in_progress')";

type Completion = Box<dyn FnOnce(Result<(), String>) + Send>;
/// A write: takes the writer's connection and gives it back with the answer to send after commit.
type Job = Box<dyn FnOnce(WriteTx) -> BoxFuture<'static, (WriteTx, Completion)> + Send>;

/// The writer's connection, and the events the running write produced.
struct WriteTx {
    conn: SqliteConnection,
    events: Vec<CaseEvent>,
}

/// The SQLite store. Cheap to share behind an `Arc`.
#[derive(Debug)]
pub struct SqliteStore {
    reads: SqlitePool,
    jobs: mpsc::Sender<Job>,
    hub: Arc<Hub>,
    case_ttl: Duration,
}

impl std::fmt::Debug for WriteTx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WriteTx")
    }
}

impl SqliteStore {
    /// Opens (creating if missing) the database at `url`, runs the migrations
    /// and starts the writer.
    pub async fn open(url: &str, hub: Arc<Hub>, case_ttl: Duration) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let mut conn = SqliteConnection::connect_with(&options).await?;
        MIGRATOR
            .run(&mut conn)
            .await
            .map_err(|e| StoreError::Database(e.into()))?;
        // All connections open at start and are never pinged before use: a
        // ping per checkout doubles the cost of the one-statement reads.
        let reads = SqlitePoolOptions::new()
            .max_connections(READ_CONNECTIONS)
            .min_connections(READ_CONNECTIONS)
            .test_before_acquire(false)
            .connect_with(options.read_only(true))
            .await?;
        let (jobs, queue) = mpsc::channel(MAX_BATCH * 4);
        tokio::spawn(run_writer(
            WriteTx {
                conn,
                events: Vec::new(),
            },
            queue,
        ));
        Ok(Self {
            reads,
            jobs,
            hub,
            case_ttl,
        })
    }

    /// Runs `work` in the writer's transaction; answers after the commit.
    async fn write<T, F>(&self, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(&'c mut WriteTx) -> BoxFuture<'c, Result<T, StoreError>> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let hub = Arc::clone(&self.hub);
        let job: Job = Box::new(move |mut tx: WriteTx| {
            Box::pin(async move {
                tx.events.clear();
                let result = match execute(&mut tx.conn, "SAVEPOINT job").await {
                    Err(e) => Err(StoreError::from(e)),
                    Ok(_) => {
                        let result = work(&mut tx).await;
                        let end = if result.is_ok() {
                            "RELEASE job"
                        } else {
                            "ROLLBACK TO job; RELEASE job"
                        };
                        match execute(&mut tx.conn, end).await {
                            Ok(_) => result,
                            Err(e) => Err(StoreError::from(e)),
                        }
                    }
                };
                let events = std::mem::take(&mut tx.events);
                let completion: Completion = Box::new(move |commit: Result<(), String>| {
                    let outcome = match (commit, result) {
                        (Ok(()), Ok(value)) => {
                            for event in events {
                                hub.publish(event);
                            }
                            Ok(value)
                        }
                        (Err(message), Ok(_)) => Err(StoreError::Commit(message)),
                        (_, Err(e)) => Err(e),
                    };
                    // The caller may have gone away (request cancelled); the write stands.
                    let _ = reply.send(outcome);
                });
                (tx, completion)
            })
        });
        self.jobs
            .send(job)
            .await
            .map_err(|_| StoreError::Unavailable)?;
        answer.await.map_err(|_| StoreError::Unavailable)?
    }

    async fn read(&self) -> Result<sqlx::pool::PoolConnection<Sqlite>, StoreError> {
        Ok(self.reads.acquire().await?)
    }
}

/// Runs fixed statements, separated by `;`.
fn execute<'c>(
    conn: &'c mut SqliteConnection,
    sql: &'static str,
) -> BoxFuture<'c, Result<(), sqlx::Error>> {
    Box::pin(async move {
        for statement in sql.split(';').map(str::trim).filter(|s| !s.is_empty()) {
            sqlx::query(statement).execute(&mut *conn).await?;
        }
        Ok(())
    })
}

async fn run_writer(tx: WriteTx, mut queue: mpsc::Receiver<Job>) {
    let mut tx = tx;
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while queue.recv_many(&mut batch, MAX_BATCH).await > 0 {
        if let Err(e) = sqlx::query("BEGIN IMMEDIATE").execute(&mut tx.conn).await {
            // Dropping the jobs drops their reply senders: callers see `Unavailable`.
            tracing::error!(error = %e, "cannot begin a write transaction");
            batch.clear();
            continue;
        }
        let mut completions = Vec::with_capacity(batch.len());
        for job in batch.drain(..) {
            let (returned, completion) = job(tx).await;
            tx = returned;
            completions.push(completion);
        }
        let commit = match sqlx::query("COMMIT").execute(&mut tx.conn).await {
            Ok(_) => Ok(()),
            Err(e) => {
                tracing::error!(error = %e, writes = completions.len(), "commit failed; the batch is rolled back");
                let _ = sqlx::query("ROLLBACK").execute(&mut tx.conn).await;
                Err(e.to_string())
            }
        };
        for complete in completions {
            complete(commit.clone());
        }
    }
    let _ = tx.conn.close().await;
}

fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(db) if db.is_unique_violation())
}

fn random_code() -> SessionCode {
    let n = rand::rng().random_range(0..1_000_000_000u32);
    SessionCode::from_number(n).expect("below 10^9")
}

fn device_json(device: &Device) -> Result<String, StoreError> {
    serde_json::to_string(device).map_err(|e| StoreError::Corrupt(e.to_string()))
}

// ---------------------------------------------------------------- reads

async fn load_row(
    conn: &mut SqliteConnection,
    id: Uuid,
    now: OffsetDateTime,
) -> Result<Option<CaseRow>, StoreError> {
    let sql = format!("SELECT {CASE_COLUMNS}, {CASE_AHEAD} FROM {CASE_JOINS} WHERE c.id = ?");
    Ok(sqlx::query_as::<_, CaseRow>(&sql)
        .bind(to_millis(now))
        .bind(id)
        .fetch_optional(conn)
        .await?)
}

/// Moves the group's waiting counter as a case enters (+1) or leaves (-1) the
/// line; returns the new count.
async fn adjust_waiting(
    conn: &mut SqliteConnection,
    group_id: Uuid,
    delta: i64,
) -> Result<i64, StoreError> {
    Ok(
        sqlx::query_scalar(
            "UPDATE groups SET waiting = waiting + ? WHERE id = ? RETURNING waiting",
        )
        .bind(delta)
        .bind(group_id)
        .fetch_one(conn)
        .await?,
    )
}

async fn load_case(
    conn: &mut SqliteConnection,
    id: Uuid,
    now: OffsetDateTime,
) -> Result<Option<Case>, StoreError> {
    load_row(conn, id, now)
        .await?
        .map(|row| row.into_case(now))
        .transpose()
}

async fn load_group(conn: &mut SqliteConnection, id: Uuid) -> Result<Option<Group>, StoreError> {
    let row: Option<(Uuid, String, String)> =
        sqlx::query_as("SELECT id, name, assignment_policy FROM groups WHERE id = ?")
            .bind(id)
            .fetch_optional(conn)
            .await?;
    row.map(group_from_row).transpose()
}

fn group_from_row((id, name, policy): (Uuid, String, String)) -> Result<Group, StoreError> {
    let assignment_policy = AssignmentPolicy::parse(&policy)
        .ok_or_else(|| StoreError::Corrupt(format!("assignment_policy: {policy:?}")))?;
    Ok(Group {
        id,
        name,
        assignment_policy,
    })
}

async fn load_expert(conn: &mut SqliteConnection, id: Uuid) -> Result<Option<Expert>, StoreError> {
    let row: Option<(Uuid, String, String, bool, bool, bool)> = sqlx::query_as(
        "SELECT id, email, display_name, is_admin, active, available FROM experts WHERE id = ?",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((id, email, display_name, admin, active, available)) = row else {
        return Ok(None);
    };
    let groups: Vec<(Uuid, String)> = sqlx::query_as(
        "SELECT g.id, g.name FROM group_members m JOIN groups g ON g.id = m.group_id \
         WHERE m.expert_id = ? ORDER BY g.name",
    )
    .bind(id)
    .fetch_all(conn)
    .await?;
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
        groups: groups
            .into_iter()
            .map(|(id, name)| GroupRef { id, name })
            .collect(),
    }))
}

async fn load_expert_auth(
    conn: &mut SqliteConnection,
    row: Option<(Uuid, String, bool)>,
) -> Result<Option<ExpertAuth>, StoreError> {
    let Some((id, display_name, admin)) = row else {
        return Ok(None);
    };
    let groups: Vec<Uuid> =
        sqlx::query_scalar("SELECT group_id FROM group_members WHERE expert_id = ?")
            .bind(id)
            .fetch_all(conn)
            .await?;
    Ok(Some(ExpertAuth {
        id,
        display_name,
        admin,
        groups,
    }))
}

type DeploymentRow = (Uuid, String, Uuid, String, String, i64, Option<i64>);

const DEPLOYMENT_SELECT: &str = "SELECT d.id, d.name, d.group_id, g.name, d.server_url, d.created_at, d.revoked_at \
     FROM deployments d JOIN groups g ON g.id = d.group_id";

fn deployment_from_row(
    (id, name, group_id, group_name, server_url, created_at, revoked_at): DeploymentRow,
) -> Deployment {
    Deployment {
        id,
        name,
        group: GroupRef {
            id: group_id,
            name: group_name,
        },
        server_url,
        created_at: from_millis(created_at),
        revoked_at: revoked_at.map(from_millis),
    }
}

// ---------------------------------------------------------------- writes

impl WriteTx {
    /// Records a change of a case: bumps its event counter, stores the new
    /// snapshot (and the history line), and queues the event for publication.
    async fn record_change(
        &mut self,
        case_id: Uuid,
        action: HistoryAction,
        actor: &str,
        detail: Option<&str>,
        now: OffsetDateTime,
    ) -> Result<(Case, Arc<str>), StoreError> {
        let seq: i64 = sqlx::query_scalar(
            "UPDATE cases SET last_event_seq = last_event_seq + 1 WHERE id = ? RETURNING last_event_seq",
        )
        .bind(case_id)
        .fetch_one(&mut self.conn)
        .await?;
        let case = load_case(&mut self.conn, case_id, now)
            .await?
            .ok_or(StoreError::NotFound)?;
        let data = self
            .store_event(&case, seq, action, actor, detail, now)
            .await?;
        Ok((case, data))
    }

    /// Stores a case snapshot as event `seq` (and history line), and queues it
    /// for publication after commit.
    async fn store_event(
        &mut self,
        case: &Case,
        seq: i64,
        action: HistoryAction,
        actor: &str,
        detail: Option<&str>,
        now: OffsetDateTime,
    ) -> Result<Arc<str>, StoreError> {
        let data: Arc<str> = serde_json::to_string(case)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?
            .into();
        sqlx::query(
            "INSERT INTO case_events (case_id, seq, kind, action, actor, detail, data, final, at) \
             VALUES (?, ?, 'case', ?, ?, ?, ?, ?, ?)",
        )
        .bind(case.id)
        .bind(seq)
        .bind(action.as_str())
        .bind(actor)
        .bind(detail)
        .bind(&*data)
        .bind(case.state.is_final())
        .bind(to_millis(now))
        .execute(&mut self.conn)
        .await?;
        self.events.push(CaseEvent {
            case_id: case.id,
            group_id: case.group.id,
            seq,
            kind: EventKind::Case,
            is_final: case.state.is_final(),
            data: Arc::clone(&data),
        });
        Ok(data)
    }

    /// Inserts a new case under a fresh random code (retrying on the rare
    /// collision with another open case) and records its creation. The case is
    /// built from what was inserted, not read back: creates are the hot path.
    async fn create_case(
        &mut self,
        row: NewCaseRow<'_>,
        actor: &str,
    ) -> Result<(Case, Arc<str>), StoreError> {
        let device = device_json(row.device)?;
        for _ in 0..CODE_ATTEMPTS {
            let code = random_code();
            let result = sqlx::query(
                "INSERT INTO cases (id, code, state, channel, group_id, customer_name, customer_email, \
                 description, device, token_hash, deployment_id, idempotency_key, request_hash, created_by, \
                 created_at, updated_at, expires_at, last_event_seq) \
                 VALUES (?, ?, 'new', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
            )
            .bind(row.id)
            .bind(code.as_str())
            .bind(row.channel.as_str())
            .bind(row.group.id)
            .bind(row.customer.name.as_ref().map(|n| n.as_str()))
            .bind(row.customer.email.as_ref().map(|e| e.as_str()))
            .bind(row.description.map(|d| d.as_str()))
            .bind(&device)
            .bind(row.token_hash.map(|h| h.as_slice()))
            .bind(row.deployment_id)
            .bind(row.idempotency_key)
            .bind(row.request_hash.map(|h| h.as_slice()))
            .bind(row.created_by)
            .bind(to_millis(row.now))
            .bind(to_millis(row.now))
            .bind(to_millis(row.expires_at))
            .execute(&mut self.conn)
            .await;
            match result {
                Ok(_) => {}
                Err(e) if is_unique_violation(&e) => continue,
                Err(e) => return Err(e.into()),
            }
            // Ids grow in commit order, so the new case is last in its line.
            let waiting = adjust_waiting(&mut self.conn, row.group.id, 1).await?;
            let case = Case {
                id: row.id,
                code,
                state: CaseState::New,
                channel: row.channel,
                group: row.group.clone(),
                assignee: None,
                customer: row.customer.clone(),
                description: row.description.cloned(),
                device: row.device.clone(),
                expert_connected: false,
                customer_connected: false,
                queue_position: u32::try_from(waiting).ok(),
                created_at: from_millis(to_millis(row.now)),
                updated_at: from_millis(to_millis(row.now)),
                expires_at: from_millis(to_millis(row.expires_at)),
                closed_at: None,
                closed_by: None,
                history: None,
            };
            let data = self
                .store_event(&case, 1, HistoryAction::Created, actor, None, row.now)
                .await?;
            return Ok((case, data));
        }
        Err(StoreError::Conflict(
            "no free session code found; try again".into(),
        ))
    }

    /// Loads an open case for a change, refusing final ones.
    async fn open_row(&mut self, id: Uuid, now: OffsetDateTime) -> Result<CaseRow, StoreError> {
        let row = load_row(&mut self.conn, id, now)
            .await?
            .ok_or(StoreError::NotFound)?;
        let state = row.state_at(now)?;
        if state.is_final() {
            return Err(StoreError::Conflict(format!(
                "the case is {}",
                state.as_str()
            )));
        }
        Ok(row)
    }
}

struct NewCaseRow<'a> {
    id: Uuid,
    channel: Channel,
    group: GroupRef,
    customer: &'a Customer,
    description: Option<&'a Description>,
    device: &'a Device,
    token_hash: Option<&'a TokenHash>,
    deployment_id: Option<Uuid>,
    idempotency_key: Option<&'a str>,
    request_hash: Option<&'a [u8; 32]>,
    created_by: Option<Uuid>,
    now: OffsetDateTime,
    expires_at: OffsetDateTime,
}

// ---------------------------------------------------------------- the trait

#[async_trait]
impl Store for SqliteStore {
    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.reads).await?;
        Ok(())
    }

    async fn deployment_by_key(
        &self,
        key_hash: &TokenHash,
    ) -> Result<Option<DeploymentAuth>, StoreError> {
        let row: Option<(Uuid, Uuid, String)> = sqlx::query_as(
            "SELECT d.id, d.group_id, g.name FROM deployments d JOIN groups g ON g.id = d.group_id \
             WHERE d.key_hash = ? AND d.revoked_at IS NULL",
        )
        .bind(key_hash.as_slice())
        .fetch_optional(&self.reads)
        .await?;
        Ok(row.map(|(id, group_id, group_name)| DeploymentAuth {
            id,
            group_id,
            group_name,
        }))
    }

    async fn expert_by_token(
        &self,
        token_hash: &TokenHash,
    ) -> Result<Option<ExpertAuth>, StoreError> {
        let mut conn = self.read().await?;
        let row: Option<(Uuid, String, bool)> = sqlx::query_as(
            "SELECT e.id, e.display_name, e.is_admin FROM expert_tokens t JOIN experts e ON e.id = t.expert_id \
             WHERE t.token_hash = ? AND t.revoked_at IS NULL AND e.active = 1",
        )
        .bind(token_hash.as_slice())
        .fetch_optional(&mut *conn)
        .await?;
        load_expert_auth(&mut conn, row).await
    }

    async fn expert_auth(&self, id: Uuid) -> Result<Option<ExpertAuth>, StoreError> {
        let mut conn = self.read().await?;
        let row: Option<(Uuid, String, bool)> = sqlx::query_as(
            "SELECT id, display_name, is_admin FROM experts WHERE id = ? AND active = 1",
        )
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
        load_expert_auth(&mut conn, row).await
    }

    async fn create_customer_case(
        &self,
        new: NewCustomerCase,
        now: OffsetDateTime,
    ) -> Result<CreateOutcome, StoreError> {
        let ttl = self.case_ttl;
        self.write(move |tx| {
            Box::pin(async move {
                let earlier: Option<(Uuid, Vec<u8>)> = sqlx::query_as(
                    "SELECT id, request_hash FROM cases WHERE deployment_id = ? AND idempotency_key = ?",
                )
                .bind(new.deployment.id)
                .bind(new.idempotency_key.as_str())
                .fetch_optional(&mut tx.conn)
                .await?;
                if let Some((case_id, request_hash)) = earlier {
                    if request_hash != new.request_hash {
                        return Ok(CreateOutcome::Mismatch);
                    }
                    let case_json: String =
                        sqlx::query_scalar("SELECT data FROM case_events WHERE case_id = ? AND seq = 1")
                            .bind(case_id)
                            .fetch_one(&mut tx.conn)
                            .await?;
                    return Ok(CreateOutcome::Replayed { case_id, case_json });
                }
                let case_id = Uuid::now_v7();
                let token_hash = hash_token(&new.secret.case_token(case_id));
                let row = NewCaseRow {
                    id: case_id,
                    channel: new.channel,
                    group: GroupRef { id: new.deployment.group_id, name: new.deployment.group_name.clone() },
                    customer: &new.customer,
                    description: new.description.as_ref(),
                    device: &new.device,
                    token_hash: Some(&token_hash),
                    deployment_id: Some(new.deployment.id),
                    idempotency_key: Some(new.idempotency_key.as_str()),
                    request_hash: Some(&new.request_hash),
                    created_by: None,
                    now,
                    expires_at: now + ttl,
                };
                let (_, data) = tx.create_case(row, "customer").await?;
                Ok(CreateOutcome::Created { case_id, case_json: data.to_string() })
            })
        })
        .await
    }

    async fn create_manual_case(
        &self,
        new: NewManualCase,
        by: Actor,
        now: OffsetDateTime,
    ) -> Result<Case, StoreError> {
        let ttl = self.case_ttl;
        let created_by = match &by {
            Actor::Expert { id, .. } => Some(*id),
            _ => None,
        };
        self.write(move |tx| {
            Box::pin(async move {
                let group = load_group(&mut tx.conn, new.group_id)
                    .await?
                    .ok_or_else(|| {
                        StoreError::Invalid(format!("group: no group {}", new.group_id))
                    })?;
                let row = NewCaseRow {
                    id: Uuid::now_v7(),
                    channel: Channel::Manual,
                    group: GroupRef {
                        id: group.id,
                        name: group.name,
                    },
                    customer: &new.customer,
                    description: new.description.as_ref(),
                    device: &Device::default(),
                    token_hash: None,
                    deployment_id: None,
                    idempotency_key: None,
                    request_hash: None,
                    created_by,
                    now,
                    expires_at: now + ttl,
                };
                Ok(tx.create_case(row, by.label()).await?.0)
            })
        })
        .await
    }

    async fn claim_manual_case(
        &self,
        code: SessionCode,
        device: Device,
        secret: &ServerSecret,
        now: OffsetDateTime,
    ) -> Result<Option<Case>, StoreError> {
        let secret = secret.clone();
        self.write(move |tx| {
            Box::pin(async move {
                let sql = format!(
                    "SELECT id FROM cases WHERE code = ? AND state IN {OPEN_STATES} AND expires_at > ? \
                     AND channel = 'manual' AND token_hash IS NULL"
                );
                let id: Option<Uuid> = sqlx::query_scalar(&sql)
                    .bind(code.as_str())
                    .bind(to_millis(now))
                    .fetch_optional(&mut tx.conn)
                    .await?;
                let Some(id) = id else { return Ok(None) };
                let token_hash = hash_token(&secret.case_token(id));
                sqlx::query("UPDATE cases SET token_hash = ?, device = ?, updated_at = ? WHERE id = ?")
                    .bind(token_hash.as_slice())
                    .bind(device_json(&device)?)
                    .bind(to_millis(now))
                    .bind(id)
                    .execute(&mut tx.conn)
                    .await?;
                Ok(Some(tx.record_change(id, HistoryAction::Claimed, "customer", None, now).await?.0))
            })
        })
        .await
    }

    async fn case(&self, id: Uuid, now: OffsetDateTime) -> Result<Option<Case>, StoreError> {
        let mut conn = self.read().await?;
        load_case(&mut conn, id, now).await
    }

    async fn case_by_token(
        &self,
        token_hash: &TokenHash,
        now: OffsetDateTime,
    ) -> Result<Option<Case>, StoreError> {
        // One statement: credential, case and queue position together.
        let sql =
            format!("SELECT {CASE_COLUMNS}, {CASE_AHEAD} FROM {CASE_JOINS} WHERE c.token_hash = ?");
        let row = sqlx::query_as::<_, CaseRow>(&sql)
            .bind(to_millis(now))
            .bind(token_hash.as_slice())
            .fetch_optional(&self.reads)
            .await?;
        row.map(|row| row.into_case(now)).transpose()
    }

    async fn case_creator(&self, id: Uuid) -> Result<Option<Uuid>, StoreError> {
        let creator: Option<Option<Uuid>> =
            sqlx::query_scalar("SELECT created_by FROM cases WHERE id = ?")
                .bind(id)
                .fetch_optional(&self.reads)
                .await?;
        Ok(creator.flatten())
    }

    async fn history(&self, id: Uuid) -> Result<Vec<HistoryEntry>, StoreError> {
        let rows: Vec<(String, String, Option<String>, i64)> = sqlx::query_as(
            "SELECT action, actor, detail, at FROM case_events WHERE case_id = ? AND action IS NOT NULL ORDER BY seq",
        )
        .bind(id)
        .fetch_all(&self.reads)
        .await?;
        rows.into_iter()
            .map(|(action, actor, detail, at)| {
                let action = HistoryAction::parse(&action)
                    .ok_or_else(|| StoreError::Corrupt(format!("history action: {action:?}")))?;
                Ok(HistoryEntry {
                    action,
                    actor,
                    detail,
                    at: from_millis(at),
                })
            })
            .collect()
    }

    async fn update_case(
        &self,
        id: Uuid,
        update: UpdateCaseRequest,
        by: Actor,
        now: OffsetDateTime,
    ) -> Result<Case, StoreError> {
        self.write(move |tx| {
            Box::pin(async move {
                let row = tx.open_row(id, now).await?;
                let description = match &update.description {
                    Some(d) if d.as_str().trim().is_empty() => None,
                    Some(d) => Some(d.as_str().to_string()),
                    None => row.description.clone(),
                };
                let (name, email) = match &update.customer {
                    Some(c) => (
                        c.name.as_ref().map(|n| n.as_str().to_string()),
                        c.email.as_ref().map(|e| e.as_str().to_string()),
                    ),
                    None => (row.customer_name.clone(), row.customer_email.clone()),
                };
                sqlx::query(
                    "UPDATE cases SET description = ?, customer_name = ?, customer_email = ?, updated_at = ? WHERE id = ?",
                )
                .bind(description)
                .bind(name)
                .bind(email)
                .bind(to_millis(now))
                .bind(id)
                .execute(&mut tx.conn)
                .await?;
                Ok(tx.record_change(id, HistoryAction::Edited, by.label(), None, now).await?.0)
            })
        })
        .await
    }

    async fn close_case(
        &self,
        id: Uuid,
        by: Actor,
        now: OffsetDateTime,
    ) -> Result<Case, StoreError> {
        self.write(move |tx| {
            Box::pin(async move {
                let row = tx.open_row(id, now).await?;
                if row.assignee_id.is_none() {
                    adjust_waiting(&mut tx.conn, row.group_id, -1).await?;
                }
                let closed_by = match by {
                    Actor::Customer => "customer",
                    Actor::Expert { .. } => "expert",
                    Actor::System => "system",
                };
                sqlx::query(
                    "UPDATE cases SET state = 'closed', closed_at = ?, closed_by = ?, updated_at = ?, \
                     expert_connected = 0, customer_connected = 0 WHERE id = ?",
                )
                .bind(to_millis(now))
                .bind(closed_by)
                .bind(to_millis(now))
                .bind(id)
                .execute(&mut tx.conn)
                .await?;
                Ok(tx.record_change(id, HistoryAction::Closed, by.label(), None, now).await?.0)
            })
        })
        .await
    }

    async fn assign_case(
        &self,
        id: Uuid,
        expert: Option<Uuid>,
        by: Actor,
        now: OffsetDateTime,
    ) -> Result<Case, StoreError> {
        self.write(move |tx| {
            Box::pin(async move {
                let row = tx.open_row(id, now).await?;
                if row.assignee_id == expert {
                    return load_case(&mut tx.conn, id, now)
                        .await?
                        .ok_or(StoreError::NotFound);
                }
                let assignee_name = match expert {
                    Some(expert_id) => {
                        let name: Option<String> = sqlx::query_scalar(
                            "SELECT display_name FROM experts WHERE id = ? AND active = 1",
                        )
                        .bind(expert_id)
                        .fetch_optional(&mut tx.conn)
                        .await?;
                        Some(name.ok_or_else(|| {
                            StoreError::Invalid("expert_id: no such active expert".into())
                        })?)
                    }
                    None => None,
                };
                match (row.assignee_id, expert) {
                    (None, Some(_)) => {
                        adjust_waiting(&mut tx.conn, row.group_id, -1).await?;
                    }
                    (Some(_), None) => {
                        adjust_waiting(&mut tx.conn, row.group_id, 1).await?;
                    }
                    _ => {}
                }
                sqlx::query("UPDATE cases SET assignee_id = ?, updated_at = ? WHERE id = ?")
                    .bind(expert)
                    .bind(to_millis(now))
                    .bind(id)
                    .execute(&mut tx.conn)
                    .await?;
                let action = if expert.is_some() {
                    HistoryAction::Assigned
                } else {
                    HistoryAction::Unassigned
                };
                Ok(tx
                    .record_change(id, action, by.label(), assignee_name.as_deref(), now)
                    .await?
                    .0)
            })
        })
        .await
    }

    async fn list_cases(
        &self,
        query: CaseQuery,
        now: OffsetDateTime,
    ) -> Result<Vec<Case>, StoreError> {
        let now_ms = to_millis(now);
        let mut sql = QueryBuilder::<Sqlite>::new(format!("SELECT {CASE_COLUMNS}, "));
        let (ahead_head, ahead_tail) = CASE_AHEAD.split_once('?').expect("CASE_AHEAD binds now");
        sql.push(ahead_head).push_bind(now_ms).push(ahead_tail);
        sql.push(format!(" FROM {CASE_JOINS} WHERE 1 = 1"));
        match query.state {
            StateFilter::Open => {
                sql.push(format!(" AND c.state IN {OPEN_STATES} AND c.expires_at > "))
                    .push_bind(now_ms);
            }
            StateFilter::Only(CaseState::Expired) => {
                sql.push(format!(
                    " AND (c.state = 'expired' OR (c.state IN {OPEN_STATES} AND c.expires_at <= "
                ))
                .push_bind(now_ms)
                .push("))");
            }
            StateFilter::Only(CaseState::Closed) => {
                sql.push(" AND c.state = 'closed'");
            }
            StateFilter::Only(open) => {
                sql.push(" AND c.state = ")
                    .push_bind(open.as_str())
                    .push(" AND c.expires_at > ")
                    .push_bind(now_ms);
            }
            StateFilter::All => {}
        }
        if let Some(group) = query.group {
            sql.push(" AND c.group_id = ").push_bind(group);
        }
        match query.assignee {
            AssigneeFilter::Anyone => {}
            AssigneeFilter::Unassigned => {
                sql.push(" AND c.assignee_id IS NULL");
            }
            AssigneeFilter::Expert(id) => {
                sql.push(" AND c.assignee_id = ").push_bind(id);
            }
        }
        if let Some(groups) = &query.visible_groups {
            if groups.is_empty() {
                return Ok(Vec::new());
            }
            sql.push(" AND c.group_id IN (");
            let mut list = sql.separated(", ");
            for group in groups {
                list.push_bind(*group);
            }
            sql.push(")");
        }
        if let Some(after) = query.after {
            sql.push(" AND c.id > ").push_bind(after);
        }
        sql.push(" ORDER BY c.id LIMIT ")
            .push_bind(i64::from(query.limit));

        let rows: Vec<CaseRow> = sql.build_query_as().fetch_all(&self.reads).await?;
        rows.into_iter().map(|row| row.into_case(now)).collect()
    }

    async fn events_after(&self, id: Uuid, seq: i64) -> Result<Vec<CaseEvent>, StoreError> {
        let rows: Vec<(i64, String, String, bool, Uuid)> = sqlx::query_as(
            "SELECT ev.seq, ev.kind, ev.data, ev.final, c.group_id FROM case_events ev \
             JOIN cases c ON c.id = ev.case_id WHERE ev.case_id = ? AND ev.seq > ? ORDER BY ev.seq",
        )
        .bind(id)
        .bind(seq)
        .fetch_all(&self.reads)
        .await?;
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
    }

    async fn case_with_seq(
        &self,
        id: Uuid,
        now: OffsetDateTime,
    ) -> Result<Option<(Case, i64)>, StoreError> {
        let mut conn = self.read().await?;
        match load_row(&mut conn, id, now).await? {
            Some(row) => {
                let seq = row.last_event_seq;
                Ok(Some((row.into_case(now)?, seq)))
            }
            None => Ok(None),
        }
    }

    async fn expire_due(&self, now: OffsetDateTime) -> Result<usize, StoreError> {
        let mut total = 0;
        loop {
            let expired = self
                .write(move |tx| {
                    Box::pin(async move {
                        let sql = format!(
                            "SELECT id, group_id, assignee_id FROM cases WHERE state IN {OPEN_STATES} AND expires_at <= ? ORDER BY expires_at LIMIT ?"
                        );
                        let due: Vec<(Uuid, Uuid, Option<Uuid>)> = sqlx::query_as(&sql)
                            .bind(to_millis(now))
                            .bind(EXPIRE_BATCH)
                            .fetch_all(&mut tx.conn)
                            .await?;
                        for (id, group_id, assignee_id) in &due {
                            if assignee_id.is_none() {
                                adjust_waiting(&mut tx.conn, *group_id, -1).await?;
                            }
                            sqlx::query(
                                "UPDATE cases SET state = 'expired', closed_at = expires_at, closed_by = 'system', \
                                 updated_at = expires_at, expert_connected = 0, customer_connected = 0 WHERE id = ?",
                            )
                            .bind(id)
                            .execute(&mut tx.conn)
                            .await?;
                            tx.record_change(*id, HistoryAction::Expired, "system", None, now).await?;
                        }
                        Ok(due.len())
                    })
                })
                .await?;
            total += expired;
            if (expired as i64) < EXPIRE_BATCH {
                return Ok(total);
            }
        }
    }

    async fn count_open_by_state(
        &self,
        now: OffsetDateTime,
    ) -> Result<Vec<(CaseState, i64)>, StoreError> {
        let sql = format!(
            "SELECT state, COUNT(*) FROM cases WHERE state IN {OPEN_STATES} AND expires_at > ? GROUP BY state"
        );
        let rows: Vec<(String, i64)> = sqlx::query_as(&sql)
            .bind(to_millis(now))
            .fetch_all(&self.reads)
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

    async fn create_group(&self, name: &str, now: OffsetDateTime) -> Result<Group, StoreError> {
        let name = name.to_string();
        self.write(move |tx| {
            Box::pin(async move {
                let id = Uuid::now_v7();
                sqlx::query("INSERT INTO groups (id, name, created_at) VALUES (?, ?, ?)")
                    .bind(id)
                    .bind(&name)
                    .bind(to_millis(now))
                    .execute(&mut tx.conn)
                    .await
                    .map_err(|e| {
                        if is_unique_violation(&e) {
                            StoreError::Taken("group name")
                        } else {
                            e.into()
                        }
                    })?;
                Ok(Group {
                    id,
                    name,
                    assignment_policy: AssignmentPolicy::Off,
                })
            })
        })
        .await
    }

    async fn list_groups(&self) -> Result<Vec<Group>, StoreError> {
        let rows: Vec<(Uuid, String, String)> =
            sqlx::query_as("SELECT id, name, assignment_policy FROM groups ORDER BY name")
                .fetch_all(&self.reads)
                .await?;
        rows.into_iter().map(group_from_row).collect()
    }

    async fn group_by_name(&self, name: &str) -> Result<Option<Group>, StoreError> {
        let row: Option<(Uuid, String, String)> =
            sqlx::query_as("SELECT id, name, assignment_policy FROM groups WHERE name = ?")
                .bind(name)
                .fetch_optional(&self.reads)
                .await?;
        row.map(group_from_row).transpose()
    }

    async fn set_assignment_policy(
        &self,
        group: Uuid,
        policy: AssignmentPolicy,
    ) -> Result<Group, StoreError> {
        self.write(move |tx| {
            Box::pin(async move {
                let changed = sqlx::query("UPDATE groups SET assignment_policy = ? WHERE id = ?")
                    .bind(policy.as_str())
                    .bind(group)
                    .execute(&mut tx.conn)
                    .await?;
                if changed.rows_affected() == 0 {
                    return Err(StoreError::NotFound);
                }
                load_group(&mut tx.conn, group)
                    .await?
                    .ok_or(StoreError::NotFound)
            })
        })
        .await
    }

    async fn create_expert(
        &self,
        new: NewExpert,
        now: OffsetDateTime,
    ) -> Result<Expert, StoreError> {
        self.write(move |tx| {
            Box::pin(async move {
                let id = Uuid::now_v7();
                sqlx::query(
                    "INSERT INTO experts (id, email, display_name, password_hash, is_admin, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                )
                .bind(id)
                .bind(new.email.as_str())
                .bind(&new.display_name)
                .bind(&new.password_hash)
                .bind(new.admin)
                .bind(to_millis(now))
                .execute(&mut tx.conn)
                .await
                .map_err(|e| if is_unique_violation(&e) { StoreError::Taken("email") } else { e.into() })?;
                for group in &new.groups {
                    if load_group(&mut tx.conn, *group).await?.is_none() {
                        return Err(StoreError::Invalid(format!("groups: no group {group}")));
                    }
                    sqlx::query("INSERT OR IGNORE INTO group_members (group_id, expert_id) VALUES (?, ?)")
                        .bind(group)
                        .bind(id)
                        .execute(&mut tx.conn)
                        .await?;
                }
                load_expert(&mut tx.conn, id).await?.ok_or(StoreError::NotFound)
            })
        })
        .await
    }

    async fn list_experts(&self) -> Result<Vec<Expert>, StoreError> {
        let mut conn = self.read().await?;
        let ids: Vec<Uuid> = sqlx::query_scalar("SELECT id FROM experts ORDER BY display_name, id")
            .fetch_all(&mut *conn)
            .await?;
        let mut experts = Vec::with_capacity(ids.len());
        for id in ids {
            experts.extend(load_expert(&mut conn, id).await?);
        }
        Ok(experts)
    }

    async fn expert(&self, id: Uuid) -> Result<Option<Expert>, StoreError> {
        let mut conn = self.read().await?;
        load_expert(&mut conn, id).await
    }

    async fn expert_id_by_email(&self, email: &str) -> Result<Option<Uuid>, StoreError> {
        Ok(sqlx::query_scalar("SELECT id FROM experts WHERE email = ?")
            .bind(email)
            .fetch_optional(&self.reads)
            .await?)
    }

    async fn set_availability(&self, expert: Uuid, available: bool) -> Result<Expert, StoreError> {
        self.write(move |tx| {
            Box::pin(async move {
                sqlx::query("UPDATE experts SET available = ? WHERE id = ?")
                    .bind(available)
                    .bind(expert)
                    .execute(&mut tx.conn)
                    .await?;
                load_expert(&mut tx.conn, expert)
                    .await?
                    .ok_or(StoreError::NotFound)
            })
        })
        .await
    }

    async fn add_expert_token(
        &self,
        expert: Uuid,
        token_hash: TokenHash,
        now: OffsetDateTime,
    ) -> Result<Uuid, StoreError> {
        self.write(move |tx| {
            Box::pin(async move {
                let id = Uuid::now_v7();
                sqlx::query("INSERT INTO expert_tokens (id, expert_id, token_hash, created_at) VALUES (?, ?, ?, ?)")
                    .bind(id)
                    .bind(expert)
                    .bind(token_hash.as_slice())
                    .bind(to_millis(now))
                    .execute(&mut tx.conn)
                    .await?;
                Ok(id)
            })
        })
        .await
    }

    async fn create_deployment(
        &self,
        id: Uuid,
        name: &str,
        group: Uuid,
        server_url: &str,
        key_hash: TokenHash,
        now: OffsetDateTime,
    ) -> Result<Deployment, StoreError> {
        let (name, server_url) = (name.to_string(), server_url.to_string());
        self.write(move |tx| {
            Box::pin(async move {
                if load_group(&mut tx.conn, group).await?.is_none() {
                    return Err(StoreError::Invalid(format!("group: no group {group}")));
                }
                sqlx::query(
                    "INSERT INTO deployments (id, name, group_id, server_url, key_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                )
                .bind(id)
                .bind(&name)
                .bind(group)
                .bind(&server_url)
                .bind(key_hash.as_slice())
                .bind(to_millis(now))
                .execute(&mut tx.conn)
                .await?;
                let row: DeploymentRow = sqlx::query_as(&format!("{DEPLOYMENT_SELECT} WHERE d.id = ?"))
                    .bind(id)
                    .fetch_one(&mut tx.conn)
                    .await?;
                Ok(deployment_from_row(row))
            })
        })
        .await
    }

    async fn list_deployments(&self) -> Result<Vec<Deployment>, StoreError> {
        let rows: Vec<DeploymentRow> =
            sqlx::query_as(&format!("{DEPLOYMENT_SELECT} ORDER BY d.created_at DESC"))
                .fetch_all(&self.reads)
                .await?;
        Ok(rows.into_iter().map(deployment_from_row).collect())
    }

    async fn deployment(&self, id: Uuid) -> Result<Option<Deployment>, StoreError> {
        let row: Option<DeploymentRow> =
            sqlx::query_as(&format!("{DEPLOYMENT_SELECT} WHERE d.id = ?"))
                .bind(id)
                .fetch_optional(&self.reads)
                .await?;
        Ok(row.map(deployment_from_row))
    }

    async fn revoke_deployment(
        &self,
        id: Uuid,
        now: OffsetDateTime,
    ) -> Result<Deployment, StoreError> {
        self.write(move |tx| {
            Box::pin(async move {
                sqlx::query(
                    "UPDATE deployments SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?",
                )
                .bind(to_millis(now))
                .bind(id)
                .execute(&mut tx.conn)
                .await?;
                let row: Option<DeploymentRow> =
                    sqlx::query_as(&format!("{DEPLOYMENT_SELECT} WHERE d.id = ?"))
                        .bind(id)
                        .fetch_optional(&mut tx.conn)
                        .await?;
                row.map(deployment_from_row).ok_or(StoreError::NotFound)
            })
        })
        .await
    }
}
