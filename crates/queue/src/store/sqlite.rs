//! The embedded SQLite store, on rusqlite.
//!
//! SQLite allows one writer at a time, so every write goes to one thread that
//! owns the only writing connection. It takes whatever writes are queued, runs
//! them in one transaction (each inside its own savepoint, so one failing write
//! does not undo the others), commits once — one fsync for the batch — and only
//! then answers each caller and publishes their events, in commit order.
//! Reads run in place on the calling task, on a read-only connection from a
//! small pool, and see committed data only (WAL). They are single indexed
//! lookups or bounded pages, served from SQLite's page cache in microseconds —
//! less than the two thread switches a hand-off to a reader thread costs.
//!
//! Why rusqlite rather than sqlx's async SQLite driver: sqlx runs each
//! statement on a worker thread and awaits it, a thread hand-off per statement.
//! Measured here (`cargo xtask bench server`, 2 cores), that capped durable
//! creates at ~1,800/s and reads at ~12,000/s. Here a whole write runs on the
//! writer thread in one hand-off, with prepared statements cached.

use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock};
use std::time::Duration;

use async_trait::async_trait;
use rand::Rng as _;
use rusqlite::{Connection, OpenFlags, OptionalExtension as _, ToSql, params};
use time::OffsetDateTime;
use tokio::sync::{mpsc, oneshot};
use uuid::Uuid;

use lifeline_protocol::{
    AssignmentPolicy, Case, CaseState, Channel, ChatMessage, Customer, Deployment, Description,
    Device, Expert, ExpertRole, Group, GroupRef, HistoryAction, HistoryEntry, MessageFrom,
    SessionCode, UpdateCaseRequest,
};

use super::rows::{CASE_AHEAD, CASE_COLUMNS, CASE_FROM, CaseRow};
use super::{
    Actor, AssigneeFilter, CaseQuery, CreateOutcome, DeploymentAuth, ExpertAuth, ExpertChange,
    NewCustomerCase, NewExpert, NewManualCase, SignInRecord, StateFilter, Store, StoreError,
    TokenInfo,
};
use crate::assignment::{self, Candidate, WaitingCase};
use crate::clock::{from_millis, to_millis};
use crate::credentials::{ServerSecret, TokenHash, hash_token};
use crate::hub::{CaseEvent, EventKind, Hub};

/// The schema, in order; `PRAGMA user_version` records how many are applied.
const MIGRATIONS: &[&str] = &[
    include_str!("../../migrations/sqlite/0001_initial.sql"),
    include_str!("../../migrations/sqlite/0002_console.sql"),
    include_str!("../../migrations/sqlite/0003_session.sql"),
];
/// Most writes committed together; bounds the latency one batch adds.
const MAX_BATCH: usize = 512;
/// Read connections kept open; more are opened if more reads run at once.
const IDLE_READERS: usize = 4;
/// Attempts at a free random code before giving up (a collision is 1 in 10^9 per open case).
const CODE_ATTEMPTS: usize = 16;
/// Cases expired per write by the sweep.
const EXPIRE_BATCH: i64 = 500;
const OPEN_STATES: &str = "('new', 'pending', 'in_progress')";

type Completion = Box<dyn FnOnce(Result<(), String>) + Send>;
type WriteJob = Box<dyn FnOnce(&mut WriteTx) -> Completion + Send>;

/// The writer's connection, and the events the running write produced.
struct WriteTx {
    conn: Connection,
    events: Vec<CaseEvent>,
}

/// The SQLite store. Cheap to share behind an `Arc`.
#[derive(Debug)]
pub struct SqliteStore {
    reads: ReadPool,
    writes: mpsc::Sender<WriteJob>,
    /// Dropped with the store: stops the checkpoint thread.
    _stop_checkpoints: std::sync::mpsc::Sender<()>,
    hub: Arc<Hub>,
    case_ttl: Duration,
}

/// The file a `sqlite://PATH` (or `sqlite:PATH`) URL names.
fn database_path(url: &str) -> Result<PathBuf, StoreError> {
    let path = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .filter(|p| !p.is_empty() && !p.contains('?'))
        .ok_or_else(|| {
            StoreError::Invalid(format!("database_url: expected sqlite://PATH, got {url:?}"))
        })?;
    Ok(PathBuf::from(path))
}

fn open_connection(path: &Path, flags: OpenFlags) -> Result<Connection, StoreError> {
    let conn = Connection::open_with_flags(path, flags | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    conn.busy_timeout(Duration::from_secs(10))?;
    conn.set_prepared_statement_cache_capacity(64);
    Ok(conn)
}

fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let applied: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    let applied = usize::try_from(applied).unwrap_or(usize::MAX);
    if applied > MIGRATIONS.len() {
        return Err(StoreError::Invalid(format!(
            "the database has schema version {applied}, newer than this server knows ({}); upgrade the server",
            MIGRATIONS.len()
        )));
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(applied) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (index + 1) as i64)?;
        tx.commit()?;
        tracing::info!(version = index + 1, "applied database migration");
    }
    Ok(())
}

impl SqliteStore {
    /// Opens (creating if missing) the database at `url`, runs the migrations
    /// and starts the writer and reader threads.
    pub async fn open(url: &str, hub: Arc<Hub>, case_ttl: Duration) -> Result<Self, StoreError> {
        let path = database_path(url)?;
        let mut writer = open_connection(
            &path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
        )?;
        writer.pragma_update(None, "journal_mode", "WAL")?;
        writer.pragma_update(None, "synchronous", "FULL")?;
        writer.pragma_update(None, "foreign_keys", "ON")?;
        // Checkpoints (copying the WAL back into the database, with an fsync of
        // its own) run on their own thread, so commits never wait for one.
        writer.pragma_update(None, "wal_autocheckpoint", 0)?;
        migrate(&mut writer)?;
        let checkpoints = open_connection(&path, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
        let (stop_checkpoints, stopped) = std::sync::mpsc::channel::<()>();
        std::thread::Builder::new()
            .name("sqlite-checkpoint".into())
            .spawn(move || run_checkpoints(checkpoints, stopped))
            .map_err(|e| StoreError::Corrupt(format!("cannot start the checkpoint thread: {e}")))?;

        let reads = ReadPool::open(path)?;
        let (writes, write_queue) = mpsc::channel(MAX_BATCH * 4);
        std::thread::Builder::new()
            .name("sqlite-write".into())
            .spawn(move || {
                run_writer(
                    WriteTx {
                        conn: writer,
                        events: Vec::new(),
                    },
                    write_queue,
                )
            })
            .map_err(|e| StoreError::Corrupt(format!("cannot start the writer thread: {e}")))?;
        Ok(Self {
            reads,
            writes,
            _stop_checkpoints: stop_checkpoints,
            hub,
            case_ttl,
        })
    }

    /// Runs `work` in the writer's transaction; answers after the commit.
    async fn write<T, F>(&self, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut WriteTx) -> Result<T, StoreError> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let hub = Arc::clone(&self.hub);
        let job: WriteJob = Box::new(move |tx: &mut WriteTx| {
            tx.events.clear();
            let result = tx
                .conn
                .execute_batch("SAVEPOINT job")
                .map_err(StoreError::from)
                .and_then(|()| {
                    let result = work(tx);
                    let end = if result.is_ok() {
                        "RELEASE job"
                    } else {
                        "ROLLBACK TO job; RELEASE job"
                    };
                    tx.conn.execute_batch(end)?;
                    result
                });
            let events = std::mem::take(&mut tx.events);
            Box::new(move |commit: Result<(), String>| {
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
            })
        });
        self.writes
            .send(job)
            .await
            .map_err(|_| StoreError::Unavailable)?;
        answer.await.map_err(|_| StoreError::Unavailable)?
    }

    /// Runs `work` on a read-only connection, in place.
    async fn read<T, F>(&self, work: F) -> Result<T, StoreError>
    where
        F: FnOnce(&Connection) -> Result<T, StoreError>,
    {
        self.reads.with(work)
    }
}

/// Read-only connections, lent one at a time.
struct ReadPool {
    path: PathBuf,
    idle: std::sync::Mutex<Vec<Connection>>,
}

impl std::fmt::Debug for ReadPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReadPool")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl ReadPool {
    fn open(path: PathBuf) -> Result<Self, StoreError> {
        let idle = (0..IDLE_READERS)
            .map(|_| open_connection(&path, OpenFlags::SQLITE_OPEN_READ_ONLY))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            path,
            idle: std::sync::Mutex::new(idle),
        })
    }

    fn with<T>(
        &self,
        work: impl FnOnce(&Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let lent = self.idle.lock().unwrap_or_else(|p| p.into_inner()).pop();
        let conn = match lent {
            Some(conn) => conn,
            None => open_connection(&self.path, OpenFlags::SQLITE_OPEN_READ_ONLY)?,
        };
        let result = work(&conn);
        let mut idle = self.idle.lock().unwrap_or_else(|p| p.into_inner());
        if idle.len() < IDLE_READERS {
            idle.push(conn);
        }
        result
    }
}

/// How often the WAL is copied back into the database.
const CHECKPOINT_INTERVAL: Duration = Duration::from_secs(1);

/// Checkpoints the WAL every second without blocking the writer (PASSIVE),
/// until the store is dropped (its end of `stop` closes).
fn run_checkpoints(conn: Connection, stop: std::sync::mpsc::Receiver<()>) {
    while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) =
        stop.recv_timeout(CHECKPOINT_INTERVAL)
    {
        if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
            tracing::warn!(error = %e, "WAL checkpoint failed; retrying in a second");
        }
    }
}

fn run_writer(mut tx: WriteTx, mut queue: mpsc::Receiver<WriteJob>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while let Some(first) = queue.blocking_recv() {
        batch.push(first);
        while batch.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        if let Err(e) = tx.conn.execute_batch("BEGIN IMMEDIATE") {
            // Dropping the jobs drops their reply senders: callers see `Unavailable`.
            tracing::error!(error = %e, "cannot begin a write transaction");
            batch.clear();
            continue;
        }
        let completions: Vec<Completion> = batch.drain(..).map(|job| job(&mut tx)).collect();
        let commit = match tx.conn.execute_batch("COMMIT") {
            Ok(()) => Ok(()),
            Err(e) => {
                tracing::error!(error = %e, writes = completions.len(), "commit failed; the batch is rolled back");
                let _ = tx.conn.execute_batch("ROLLBACK");
                Err(e.to_string())
            }
        };
        for complete in completions {
            complete(commit.clone());
        }
    }
}

fn is_unique_violation(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _) if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE)
}

fn random_code() -> SessionCode {
    let n = rand::rng().random_range(0..1_000_000_000u32);
    SessionCode::from_number(n).expect("below 10^9")
}

fn device_json(device: &Device) -> Result<String, StoreError> {
    serde_json::to_string(device).map_err(|e| StoreError::Corrupt(e.to_string()))
}

// ---------------------------------------------------------------- reads

static CASE_BY_ID: LazyLock<String> = LazyLock::new(|| {
    format!("SELECT {CASE_COLUMNS}, {CASE_AHEAD} FROM {CASE_FROM} WHERE c.id = ?")
});
static CASE_BY_TOKEN: LazyLock<String> = LazyLock::new(|| {
    format!("SELECT {CASE_COLUMNS}, {CASE_AHEAD} FROM {CASE_FROM} WHERE c.token_hash = ?")
});

fn load_row(
    conn: &Connection,
    id: Uuid,
    now: OffsetDateTime,
) -> Result<Option<CaseRow>, StoreError> {
    Ok(conn
        .prepare_cached(&CASE_BY_ID)?
        .query_row(params![to_millis(now), id], CaseRow::from_row)
        .optional()?)
}

fn load_case(conn: &Connection, id: Uuid, now: OffsetDateTime) -> Result<Option<Case>, StoreError> {
    load_row(conn, id, now)?
        .map(|row| row.into_case(now))
        .transpose()
}

/// Moves the group's waiting counter as a case enters (+1) or leaves (-1) the
/// line; returns the new count.
fn adjust_waiting(conn: &Connection, group_id: Uuid, delta: i64) -> Result<i64, StoreError> {
    Ok(conn
        .prepare_cached("UPDATE groups SET waiting = waiting + ? WHERE id = ? RETURNING waiting")?
        .query_row(params![delta, group_id], |row| row.get(0))?)
}

fn load_group(conn: &Connection, id: Uuid) -> Result<Option<Group>, StoreError> {
    let row = conn
        .prepare_cached("SELECT id, name, assignment_policy FROM groups WHERE id = ?")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
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

fn load_expert(conn: &Connection, id: Uuid) -> Result<Option<Expert>, StoreError> {
    let row = conn
        .prepare_cached(
            "SELECT id, email, display_name, is_admin, active, available FROM experts WHERE id = ?",
        )?
        .query_row([id], |r| {
            Ok((
                r.get::<_, Uuid>(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })
        .optional()?;
    let Some((id, email, display_name, admin, active, available)) = row else {
        return Ok(None);
    };
    let groups = conn
        .prepare_cached(
            "SELECT g.id, g.name FROM group_members m JOIN groups g ON g.id = m.group_id \
             WHERE m.expert_id = ? ORDER BY g.name",
        )?
        .query_map([id], |r| {
            Ok(GroupRef {
                id: r.get(0)?,
                name: r.get(1)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
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

fn load_expert_auth(
    conn: &Connection,
    row: Option<(Uuid, String, bool)>,
) -> Result<Option<ExpertAuth>, StoreError> {
    let Some((id, display_name, admin)) = row else {
        return Ok(None);
    };
    let groups = conn
        .prepare_cached("SELECT group_id FROM group_members WHERE expert_id = ?")?
        .query_map([id], |r| r.get(0))?
        .collect::<Result<Vec<Uuid>, _>>()?;
    Ok(Some(ExpertAuth {
        id,
        display_name,
        admin,
        groups,
    }))
}

const DEPLOYMENT_SELECT: &str = "SELECT d.id, d.name, d.group_id, (SELECT name FROM groups WHERE id = d.group_id), \
     d.server_url, d.created_at, d.revoked_at FROM deployments d";

fn deployment_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Deployment> {
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
    })
}

fn load_deployment(conn: &Connection, id: Uuid) -> Result<Option<Deployment>, StoreError> {
    Ok(conn
        .prepare_cached(&format!("{DEPLOYMENT_SELECT} WHERE d.id = ?"))?
        .query_row([id], deployment_from_row)
        .optional()?)
}

// ---------------------------------------------------------------- writes

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

impl WriteTx {
    /// Records a change of a case: bumps its event counter, stores the new
    /// snapshot (and the history line), and queues the event for publication.
    fn record_change(
        &mut self,
        case_id: Uuid,
        action: HistoryAction,
        actor: &str,
        detail: Option<&str>,
        now: OffsetDateTime,
    ) -> Result<(Case, Arc<str>), StoreError> {
        let seq: i64 = self
            .conn
            .prepare_cached("UPDATE cases SET last_event_seq = last_event_seq + 1 WHERE id = ? RETURNING last_event_seq")?
            .query_row([case_id], |r| r.get(0))?;
        let case = load_case(&self.conn, case_id, now)?.ok_or(StoreError::NotFound)?;
        let data = self.store_event(&case, seq, action, actor, detail, now)?;
        Ok((case, data))
    }

    /// Stores a case snapshot as event `seq` (and history line), and queues it
    /// for publication after commit.
    fn store_event(
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
        self.conn
            .prepare_cached(
                "INSERT INTO case_events (case_id, seq, kind, action, actor, detail, data, final, at) \
                 VALUES (?, ?, 'case', ?, ?, ?, ?, ?, ?)",
            )?
            .execute(params![
                case.id,
                seq,
                action.as_str(),
                actor,
                detail,
                &*data,
                case.state.is_final(),
                to_millis(now)
            ])?;
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
    fn create_case(
        &mut self,
        row: NewCaseRow<'_>,
        actor: &str,
    ) -> Result<(Case, Arc<str>), StoreError> {
        let device = device_json(row.device)?;
        for _ in 0..CODE_ATTEMPTS {
            let code = random_code();
            let inserted = self
                .conn
                .prepare_cached(
                    "INSERT INTO cases (id, code, state, channel, group_id, customer_name, customer_email, \
                     description, device, token_hash, deployment_id, idempotency_key, request_hash, created_by, \
                     created_at, updated_at, expires_at, last_event_seq) \
                     VALUES (?, ?, 'new', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
                )?
                .execute(params![
                    row.id,
                    code.as_str(),
                    row.channel.as_str(),
                    row.group.id,
                    row.customer.name.as_ref().map(|n| n.as_str()),
                    row.customer.email.as_ref().map(|e| e.as_str()),
                    row.description.map(|d| d.as_str()),
                    device,
                    row.token_hash.map(|h| h.as_slice()),
                    row.deployment_id,
                    row.idempotency_key,
                    row.request_hash.map(|h| h.as_slice()),
                    row.created_by,
                    to_millis(row.now),
                    to_millis(row.now),
                    to_millis(row.expires_at),
                ]);
            match inserted {
                Ok(_) => {}
                Err(e) if is_unique_violation(&e) => continue,
                Err(e) => return Err(e.into()),
            }
            // Ids grow in commit order, so the new case is last in its line.
            let waiting = adjust_waiting(&self.conn, row.group.id, 1)?;
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
            let data = self.store_event(&case, 1, HistoryAction::Created, actor, None, row.now)?;
            return Ok((case, data));
        }
        Err(StoreError::Conflict(
            "no free session code found; try again".into(),
        ))
    }

    /// Loads an open case for a change, refusing final ones.
    fn open_row(&self, id: Uuid, now: OffsetDateTime) -> Result<CaseRow, StoreError> {
        let row = load_row(&self.conn, id, now)?.ok_or(StoreError::NotFound)?;
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

impl WriteTx {
    /// Assigns an open case to an active expert, or unassigns it.
    fn assign(
        &mut self,
        id: Uuid,
        expert: Option<Uuid>,
        actor: &str,
        now: OffsetDateTime,
    ) -> Result<Case, StoreError> {
        let row = self.open_row(id, now)?;
        if row.assignee_id == expert {
            return row.into_case(now);
        }
        let assignee_name = match expert {
            Some(expert_id) => {
                let name: Option<String> = self
                    .conn
                    .prepare_cached("SELECT display_name FROM experts WHERE id = ? AND active = 1")?
                    .query_row([expert_id], |r| r.get(0))
                    .optional()?;
                Some(name.ok_or_else(|| {
                    StoreError::Invalid("expert_id: no such active expert".into())
                })?)
            }
            None => None,
        };
        match (row.assignee_id, expert) {
            (None, Some(_)) => {
                adjust_waiting(&self.conn, row.group_id, -1)?;
            }
            (Some(_), None) => {
                adjust_waiting(&self.conn, row.group_id, 1)?;
            }
            _ => {}
        }
        self.conn
            .prepare_cached("UPDATE cases SET assignee_id = ?, updated_at = ? WHERE id = ?")?
            .execute(params![expert, to_millis(now), id])?;
        let action = if expert.is_some() {
            HistoryAction::Assigned
        } else {
            HistoryAction::Unassigned
        };
        Ok(self
            .record_change(id, action, actor, assignee_name.as_deref(), now)?
            .0)
    }

    /// Runs the group's automatic assignment over its waiting cases, in this
    /// transaction: the single writer makes it race-free.
    fn auto_assign(&mut self, group_id: Uuid, now: OffsetDateTime) -> Result<(), StoreError> {
        let Some((policy, last_round_robin)) = self
            .conn
            .prepare_cached("SELECT assignment_policy, last_round_robin FROM groups WHERE id = ?")?
            .query_row([group_id], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, Option<Uuid>>(1)?))
            })
            .optional()?
        else {
            return Ok(());
        };
        let policy = AssignmentPolicy::parse(&policy)
            .ok_or_else(|| StoreError::Corrupt(format!("assignment_policy: {policy:?}")))?;
        if policy == AssignmentPolicy::Off {
            return Ok(());
        }
        let now_ms = to_millis(now);
        let candidates = self
            .conn
            .prepare_cached(&format!(
                "SELECT e.id, e.last_assigned_at, \
                 (SELECT count(*) FROM cases c WHERE c.assignee_id = e.id \
                  AND c.state IN {OPEN_STATES} AND c.expires_at > ?1) \
                 FROM group_members m JOIN experts e ON e.id = m.expert_id \
                 WHERE m.group_id = ?2 AND e.active = 1 AND e.available = 1"
            ))?
            .query_map(params![now_ms, group_id], |r| {
                Ok(Candidate {
                    id: r.get(0)?,
                    last_assigned_at: r.get::<_, Option<i64>>(1)?.map(from_millis),
                    open_assigned: r.get(2)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        if candidates.is_empty() {
            return Ok(());
        }
        let waiting = self
            .conn
            .prepare_cached(&format!(
                "SELECT id, expires_at FROM cases WHERE group_id = ? AND assignee_id IS NULL \
                 AND state IN {OPEN_STATES} AND expires_at > ? ORDER BY id"
            ))?
            .query_map(params![group_id, now_ms], |r| {
                Ok(WaitingCase {
                    id: r.get(0)?,
                    expires_at: from_millis(r.get(1)?),
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let plan = assignment::plan(policy, &waiting, &candidates, last_round_robin, now);
        for decision in &plan {
            self.assign(decision.case_id, Some(decision.expert_id), "system", now)?;
            self.conn
                .prepare_cached("UPDATE experts SET last_assigned_at = ? WHERE id = ?")?
                .execute(params![now_ms, decision.expert_id])?;
        }
        if let Some(last) = plan.last() {
            self.conn
                .prepare_cached("UPDATE groups SET last_round_robin = ? WHERE id = ?")?
                .execute(params![last.expert_id, group_id])?;
        }
        Ok(())
    }
}

fn closed_by_name(actor: &Actor) -> &'static str {
    match actor {
        Actor::Customer => "customer",
        Actor::Expert { .. } => "expert",
        Actor::System => "system",
    }
}

// ---------------------------------------------------------------- the trait

#[async_trait]
impl Store for SqliteStore {
    async fn ping(&self) -> Result<(), StoreError> {
        self.read(|conn| Ok(conn.query_row("SELECT 1", [], |_| Ok(()))?))
            .await
    }

    async fn deployment_by_key(
        &self,
        key_hash: &TokenHash,
    ) -> Result<Option<DeploymentAuth>, StoreError> {
        let key_hash = *key_hash;
        self.read(move |conn| {
            Ok(conn
                .prepare_cached(
                    "SELECT d.id, d.group_id, (SELECT name FROM groups WHERE id = d.group_id) \
                     FROM deployments d WHERE d.key_hash = ? AND d.revoked_at IS NULL",
                )?
                .query_row([key_hash.as_slice()], |r| {
                    Ok(DeploymentAuth {
                        id: r.get(0)?,
                        group_id: r.get(1)?,
                        group_name: r.get(2)?,
                    })
                })
                .optional()?)
        })
        .await
    }

    async fn expert_by_token(
        &self,
        token_hash: &TokenHash,
    ) -> Result<Option<ExpertAuth>, StoreError> {
        let token_hash = *token_hash;
        self.read(move |conn| {
            let row = conn
                .prepare_cached(
                    "SELECT e.id, e.display_name, e.is_admin FROM experts e WHERE e.active = 1 AND e.id = \
                     (SELECT expert_id FROM expert_tokens WHERE token_hash = ? AND revoked_at IS NULL)",
                )?
                .query_row([token_hash.as_slice()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .optional()?;
            load_expert_auth(conn, row)
        })
        .await
    }

    async fn sign_in_record(&self, email: &str) -> Result<Option<SignInRecord>, StoreError> {
        let email = email.to_string();
        self.read(move |conn| {
            Ok(conn
                .prepare_cached("SELECT id, password_hash, active FROM experts WHERE email = ?")?
                .query_row([email], |r| {
                    Ok(SignInRecord {
                        id: r.get(0)?,
                        password_hash: r.get(1)?,
                        active: r.get(2)?,
                    })
                })
                .optional()?)
        })
        .await
    }

    async fn create_console_session(
        &self,
        token_hash: TokenHash,
        expert: Uuid,
        now: OffsetDateTime,
        expires_at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        self.write(move |tx| {
            // Signing in is also when this expert's stale sessions are cleared.
            tx.conn.execute(
                "DELETE FROM console_sessions WHERE expert_id = ? AND expires_at <= ?",
                params![expert, to_millis(now)],
            )?;
            tx.conn.execute(
                "INSERT INTO console_sessions (token_hash, expert_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
                params![token_hash.as_slice(), expert, to_millis(now), to_millis(expires_at)],
            )?;
            Ok(())
        })
        .await
    }

    async fn expert_by_session(
        &self,
        token_hash: &TokenHash,
        now: OffsetDateTime,
    ) -> Result<Option<ExpertAuth>, StoreError> {
        let token_hash = *token_hash;
        self.read(move |conn| {
            let row = conn
                .prepare_cached(
                    "SELECT e.id, e.display_name, e.is_admin FROM experts e WHERE e.active = 1 AND e.id = \
                     (SELECT expert_id FROM console_sessions WHERE token_hash = ? AND expires_at > ?)",
                )?
                .query_row(params![token_hash.as_slice(), to_millis(now)], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                })
                .optional()?;
            load_expert_auth(conn, row)
        })
        .await
    }

    async fn end_console_session(&self, token_hash: TokenHash) -> Result<(), StoreError> {
        self.write(move |tx| {
            tx.conn.execute(
                "DELETE FROM console_sessions WHERE token_hash = ?",
                [token_hash.as_slice()],
            )?;
            Ok(())
        })
        .await
    }

    async fn create_customer_case(
        &self,
        new: NewCustomerCase,
        now: OffsetDateTime,
    ) -> Result<CreateOutcome, StoreError> {
        let ttl = self.case_ttl;
        self.write(move |tx| {
            let earlier: Option<(Uuid, Vec<u8>)> = tx
                .conn
                .prepare_cached("SELECT id, request_hash FROM cases WHERE deployment_id = ? AND idempotency_key = ?")?
                .query_row(params![new.deployment.id, new.idempotency_key.as_str()], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            if let Some((case_id, request_hash)) = earlier {
                if request_hash != new.request_hash {
                    return Ok(CreateOutcome::Mismatch);
                }
                let case_json: String = tx
                    .conn
                    .prepare_cached("SELECT data FROM case_events WHERE case_id = ? AND seq = 1")?
                    .query_row([case_id], |r| r.get(0))?;
                return Ok(CreateOutcome::Replayed { case_id, case_json });
            }
            // Made here, in the writer, so ids increase in commit order.
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
            let (_, data) = tx.create_case(row, "customer")?;
            tx.auto_assign(new.deployment.group_id, now)?;
            Ok(CreateOutcome::Created { case_id, case_json: data.to_string() })
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
            let group = load_group(&tx.conn, new.group_id)?
                .ok_or_else(|| StoreError::Invalid(format!("group: no group {}", new.group_id)))?;
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
            let case_id = tx.create_case(row, by.label())?.0.id;
            tx.auto_assign(new.group_id, now)?;
            load_case(&tx.conn, case_id, now)?.ok_or(StoreError::NotFound)
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
            let sql = format!(
                "SELECT id FROM cases WHERE code = ? AND state IN {OPEN_STATES} AND expires_at > ? \
                 AND channel = 'manual' AND token_hash IS NULL"
            );
            let id: Option<Uuid> = tx
                .conn
                .prepare_cached(&sql)?
                .query_row(params![code.as_str(), to_millis(now)], |r| r.get(0))
                .optional()?;
            let Some(id) = id else { return Ok(None) };
            let token_hash = hash_token(&secret.case_token(id));
            tx.conn
                .prepare_cached(
                    "UPDATE cases SET token_hash = ?, device = ?, updated_at = ? WHERE id = ?",
                )?
                .execute(params![
                    token_hash.as_slice(),
                    device_json(&device)?,
                    to_millis(now),
                    id
                ])?;
            Ok(Some(
                tx.record_change(id, HistoryAction::Claimed, "customer", None, now)?
                    .0,
            ))
        })
        .await
    }

    async fn case(&self, id: Uuid, now: OffsetDateTime) -> Result<Option<Case>, StoreError> {
        self.read(move |conn| load_case(conn, id, now)).await
    }

    async fn case_by_token(
        &self,
        token_hash: &TokenHash,
        now: OffsetDateTime,
    ) -> Result<Option<Case>, StoreError> {
        let token_hash = *token_hash;
        // One statement: credential, case and queue position together.
        self.read(move |conn| {
            let row = conn
                .prepare_cached(&CASE_BY_TOKEN)?
                .query_row(
                    params![to_millis(now), token_hash.as_slice()],
                    CaseRow::from_row,
                )
                .optional()?;
            row.map(|row| row.into_case(now)).transpose()
        })
        .await
    }

    async fn case_creator(&self, id: Uuid) -> Result<Option<Uuid>, StoreError> {
        self.read(move |conn| {
            let creator: Option<Option<Uuid>> = conn
                .prepare_cached("SELECT created_by FROM cases WHERE id = ?")?
                .query_row([id], |r| r.get(0))
                .optional()?;
            Ok(creator.flatten())
        })
        .await
    }

    async fn history(&self, id: Uuid) -> Result<Vec<HistoryEntry>, StoreError> {
        self.read(move |conn| {
            let rows = conn
                .prepare_cached(
                    "SELECT action, actor, detail, at FROM case_events WHERE case_id = ? AND action IS NOT NULL ORDER BY seq",
                )?
                .query_map([id], |r| Ok((r.get::<_, String>(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
                .collect::<Result<Vec<_>, _>>()?;
            rows.into_iter()
                .map(|(action, actor, detail, at)| {
                    let action = HistoryAction::parse(&action)
                        .ok_or_else(|| StoreError::Corrupt(format!("history action: {action:?}")))?;
                    Ok(HistoryEntry { action, actor, detail, at: from_millis(at) })
                })
                .collect()
        })
        .await
    }

    async fn update_case(
        &self,
        id: Uuid,
        update: UpdateCaseRequest,
        by: Actor,
        now: OffsetDateTime,
    ) -> Result<Case, StoreError> {
        self.write(move |tx| {
            let row = tx.open_row(id, now)?;
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
            tx.conn
                .prepare_cached(
                    "UPDATE cases SET description = ?, customer_name = ?, customer_email = ?, updated_at = ? WHERE id = ?",
                )?
                .execute(params![description, name, email, to_millis(now), id])?;
            Ok(tx.record_change(id, HistoryAction::Edited, by.label(), None, now)?.0)
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
            let row = tx.open_row(id, now)?;
            if row.assignee_id.is_none() {
                adjust_waiting(&tx.conn, row.group_id, -1)?;
            }
            tx.conn
                .prepare_cached(
                    "UPDATE cases SET state = 'closed', closed_at = ?, closed_by = ?, updated_at = ?, \
                     expert_connected = 0, customer_connected = 0 WHERE id = ?",
                )?
                .execute(params![to_millis(now), closed_by_name(&by), to_millis(now), id])?;
            Ok(tx.record_change(id, HistoryAction::Closed, by.label(), None, now)?.0)
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
        self.write(move |tx| tx.assign(id, expert, by.label(), now))
            .await
    }

    async fn set_presence(
        &self,
        id: Uuid,
        side: MessageFrom,
        connected: bool,
        by: Actor,
        now: OffsetDateTime,
    ) -> Result<Case, StoreError> {
        self.write(move |tx| {
            let row = load_row(&tx.conn, id, now)?.ok_or(StoreError::NotFound)?;
            let state = row.state_at(now)?;
            if state.is_final() {
                if connected {
                    return Err(StoreError::Conflict(format!("the case is {}", state.as_str())));
                }
                // Closing a case already cleared its presence.
                return row.into_case(now);
            }
            let (mut expert, mut customer) = (row.expert_connected, row.customer_connected);
            let was = match side {
                MessageFrom::Expert => std::mem::replace(&mut expert, connected),
                MessageFrom::Customer => std::mem::replace(&mut customer, connected),
            };
            if was == connected {
                return row.into_case(now);
            }
            let ever_joined = row.ever_joined || connected;
            let new_state = CaseState::from_presence(expert, customer, ever_joined);
            tx.conn
                .prepare_cached(
                    "UPDATE cases SET expert_connected = ?, customer_connected = ?, ever_joined = ?, \
                     state = ?, updated_at = ? WHERE id = ?",
                )?
                .execute(params![expert, customer, ever_joined, new_state.as_str(), to_millis(now), id])?;
            let action = if connected { HistoryAction::Joined } else { HistoryAction::Left };
            Ok(tx.record_change(id, action, by.label(), None, now)?.0)
        })
        .await
    }

    async fn record_history(
        &self,
        id: Uuid,
        action: HistoryAction,
        by: Actor,
        detail: Option<String>,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        self.write(move |tx| {
            tx.open_row(id, now)?;
            tx.record_change(id, action, by.label(), detail.as_deref(), now)?;
            Ok(())
        })
        .await
    }

    async fn add_message(
        &self,
        id: Uuid,
        message: ChatMessage,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        self.write(move |tx| {
            let row = tx.open_row(id, now)?;
            let known: bool = tx
                .conn
                .prepare_cached(
                    "SELECT EXISTS (SELECT 1 FROM case_events WHERE case_id = ? AND kind = 'message' \
                     AND json_extract(data, '$.id') = ?)",
                )?
                .query_row(params![id, message.id.to_string()], |r| r.get(0))?;
            if known {
                return Ok(false);
            }
            let seq: i64 = tx
                .conn
                .prepare_cached("UPDATE cases SET last_event_seq = last_event_seq + 1 WHERE id = ? RETURNING last_event_seq")?
                .query_row([id], |r| r.get(0))?;
            let data: Arc<str> = serde_json::to_string(&message)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?
                .into();
            tx.conn
                .prepare_cached(
                    "INSERT INTO case_events (case_id, seq, kind, action, actor, detail, data, final, at) \
                     VALUES (?, ?, 'message', NULL, ?, NULL, ?, 0, ?)",
                )?
                .execute(params![id, seq, message.author, &*data, to_millis(now)])?;
            tx.events.push(CaseEvent {
                case_id: id,
                group_id: row.group_id,
                seq,
                kind: EventKind::Message,
                is_final: false,
                data,
            });
            Ok(true)
        })
        .await
    }

    async fn messages(&self, id: Uuid) -> Result<Vec<ChatMessage>, StoreError> {
        self.read(move |conn| {
            let rows = conn
                .prepare_cached("SELECT data FROM case_events WHERE case_id = ? AND kind = 'message' ORDER BY seq")?
                .query_map([id], |r| r.get::<_, String>(0))?
                .collect::<Result<Vec<_>, _>>()?;
            rows.iter()
                .map(|data| serde_json::from_str(data).map_err(|e| StoreError::Corrupt(e.to_string())))
                .collect()
        })
        .await
    }

    async fn list_cases(
        &self,
        query: CaseQuery,
        now: OffsetDateTime,
    ) -> Result<Vec<Case>, StoreError> {
        let now_ms = to_millis(now);
        // `now` is the first parameter: CASE_AHEAD's placeholder comes first.
        let mut sql = format!("SELECT {CASE_COLUMNS}, {CASE_AHEAD} FROM {CASE_FROM} WHERE 1 = 1");
        let mut args: Vec<Box<dyn ToSql + Send>> = vec![Box::new(now_ms)];
        match query.state {
            StateFilter::Open => {
                sql.push_str(&format!(
                    " AND c.state IN {OPEN_STATES} AND c.expires_at > ?"
                ));
                args.push(Box::new(now_ms));
            }
            StateFilter::Only(CaseState::Expired) => {
                sql.push_str(&format!(
                    " AND (c.state = 'expired' OR (c.state IN {OPEN_STATES} AND c.expires_at <= ?))"
                ));
                args.push(Box::new(now_ms));
            }
            StateFilter::Only(CaseState::Closed) => sql.push_str(" AND c.state = 'closed'"),
            StateFilter::Only(open) => {
                sql.push_str(" AND c.state = ? AND c.expires_at > ?");
                args.push(Box::new(open.as_str()));
                args.push(Box::new(now_ms));
            }
            StateFilter::All => {}
        }
        if let Some(group) = query.group {
            sql.push_str(" AND c.group_id = ?");
            args.push(Box::new(group));
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
                return Ok(Vec::new());
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

        self.read(move |conn| {
            let mut statement = conn.prepare_cached(&sql)?;
            let refs: Vec<&dyn ToSql> = args.iter().map(|a| a.as_ref() as &dyn ToSql).collect();
            let rows = statement
                .query_map(refs.as_slice(), CaseRow::from_row)?
                .collect::<Result<Vec<_>, _>>()?;
            rows.into_iter().map(|row| row.into_case(now)).collect()
        })
        .await
    }

    async fn events_after(&self, id: Uuid, seq: i64) -> Result<Vec<CaseEvent>, StoreError> {
        self.read(move |conn| {
            let rows = conn
                .prepare_cached(
                    "SELECT seq, kind, data, final, (SELECT group_id FROM cases WHERE id = case_id) \
                     FROM case_events WHERE case_id = ? AND seq > ? ORDER BY seq",
                )?
                .query_map(params![id, seq], |r| {
                    Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get(3)?, r.get(4)?))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            rows.into_iter()
                .map(|(seq, kind, data, is_final, group_id)| {
                    let kind =
                        EventKind::parse(&kind).ok_or_else(|| StoreError::Corrupt(format!("event kind: {kind:?}")))?;
                    Ok(CaseEvent { case_id: id, group_id, seq, kind, is_final, data: data.into() })
                })
                .collect()
        })
        .await
    }

    async fn case_with_seq(
        &self,
        id: Uuid,
        now: OffsetDateTime,
    ) -> Result<Option<(Case, i64)>, StoreError> {
        self.read(move |conn| match load_row(conn, id, now)? {
            Some(row) => {
                let seq = row.last_event_seq;
                Ok(Some((row.into_case(now)?, seq)))
            }
            None => Ok(None),
        })
        .await
    }

    async fn expire_due(&self, now: OffsetDateTime) -> Result<usize, StoreError> {
        let mut total = 0;
        loop {
            let expired = self
                .write(move |tx| {
                    let sql = format!(
                        "SELECT id, group_id, assignee_id FROM cases WHERE state IN {OPEN_STATES} \
                         AND expires_at <= ? ORDER BY expires_at LIMIT ?"
                    );
                    let due = tx
                        .conn
                        .prepare_cached(&sql)?
                        .query_map(params![to_millis(now), EXPIRE_BATCH], |r| {
                            Ok((r.get::<_, Uuid>(0)?, r.get::<_, Uuid>(1)?, r.get::<_, Option<Uuid>>(2)?))
                        })?
                        .collect::<Result<Vec<_>, _>>()?;
                    for (id, group_id, assignee_id) in &due {
                        if assignee_id.is_none() {
                            adjust_waiting(&tx.conn, *group_id, -1)?;
                        }
                        tx.conn
                            .prepare_cached(
                                "UPDATE cases SET state = 'expired', closed_at = expires_at, closed_by = 'system', \
                                 updated_at = expires_at, expert_connected = 0, customer_connected = 0 WHERE id = ?",
                            )?
                            .execute([id])?;
                        tx.record_change(*id, HistoryAction::Expired, "system", None, now)?;
                    }
                    Ok(due.len())
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
        self.read(move |conn| {
            let sql = format!(
                "SELECT state, COUNT(*) FROM cases WHERE state IN {OPEN_STATES} AND expires_at > ? GROUP BY state"
            );
            let rows = conn
                .prepare_cached(&sql)?
                .query_map([to_millis(now)], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(CaseState::ALL
                .into_iter()
                .filter(|s| !s.is_final())
                .map(|state| {
                    let count = rows.iter().find(|(s, _)| s == state.as_str()).map_or(0, |(_, n)| *n);
                    (state, count)
                })
                .collect())
        })
        .await
    }

    async fn create_group(&self, name: &str, now: OffsetDateTime) -> Result<Group, StoreError> {
        let name = name.to_string();
        self.write(move |tx| {
            let id = Uuid::now_v7();
            tx.conn
                .execute(
                    "INSERT INTO groups (id, name, created_at) VALUES (?, ?, ?)",
                    params![id, name, to_millis(now)],
                )
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
        .await
    }

    async fn list_groups(&self) -> Result<Vec<Group>, StoreError> {
        self.read(|conn| {
            let rows = conn
                .prepare_cached("SELECT id, name, assignment_policy FROM groups ORDER BY name")?
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect::<Result<Vec<_>, _>>()?;
            rows.into_iter().map(group_from_row).collect()
        })
        .await
    }

    async fn group_by_name(&self, name: &str) -> Result<Option<Group>, StoreError> {
        let name = name.to_string();
        self.read(move |conn| {
            let row = conn
                .prepare_cached("SELECT id, name, assignment_policy FROM groups WHERE name = ?")?
                .query_row([name], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .optional()?;
            row.map(group_from_row).transpose()
        })
        .await
    }

    async fn set_assignment_policy(
        &self,
        group: Uuid,
        policy: AssignmentPolicy,
        now: OffsetDateTime,
    ) -> Result<Group, StoreError> {
        self.write(move |tx| {
            let changed = tx.conn.execute(
                "UPDATE groups SET assignment_policy = ? WHERE id = ?",
                params![policy.as_str(), group],
            )?;
            if changed == 0 {
                return Err(StoreError::NotFound);
            }
            tx.auto_assign(group, now)?;
            load_group(&tx.conn, group)?.ok_or(StoreError::NotFound)
        })
        .await
    }

    async fn create_expert(
        &self,
        new: NewExpert,
        now: OffsetDateTime,
    ) -> Result<Expert, StoreError> {
        self.write(move |tx| {
            for group in &new.groups {
                if load_group(&tx.conn, *group)?.is_none() {
                    return Err(StoreError::Invalid(format!("groups: no group {group}")));
                }
            }
            let id = Uuid::now_v7();
            tx.conn
                .execute(
                    "INSERT INTO experts (id, email, display_name, password_hash, is_admin, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                    params![id, new.email.as_str(), new.display_name, new.password_hash, new.admin, to_millis(now)],
                )
                .map_err(|e| if is_unique_violation(&e) { StoreError::Taken("email") } else { e.into() })?;
            for group in &new.groups {
                tx.conn.execute(
                    "INSERT OR IGNORE INTO group_members (group_id, expert_id) VALUES (?, ?)",
                    params![group, id],
                )?;
            }
            load_expert(&tx.conn, id)?.ok_or(StoreError::NotFound)
        })
        .await
    }

    async fn list_experts(&self) -> Result<Vec<Expert>, StoreError> {
        self.read(|conn| {
            let ids = conn
                .prepare_cached("SELECT id FROM experts ORDER BY display_name, id")?
                .query_map([], |r| r.get(0))?
                .collect::<Result<Vec<Uuid>, _>>()?;
            let mut experts = Vec::with_capacity(ids.len());
            for id in ids {
                experts.extend(load_expert(conn, id)?);
            }
            Ok(experts)
        })
        .await
    }

    async fn expert_id_by_email(&self, email: &str) -> Result<Option<Uuid>, StoreError> {
        let email = email.to_string();
        self.read(move |conn| {
            Ok(conn
                .prepare_cached("SELECT id FROM experts WHERE email = ?")?
                .query_row([email], |r| r.get(0))
                .optional()?)
        })
        .await
    }

    async fn expert(&self, id: Uuid) -> Result<Option<Expert>, StoreError> {
        self.read(move |conn| load_expert(conn, id)).await
    }

    async fn set_availability(
        &self,
        expert: Uuid,
        available: bool,
        now: OffsetDateTime,
    ) -> Result<Expert, StoreError> {
        self.write(move |tx| {
            let changed = tx.conn.execute(
                "UPDATE experts SET available = ? WHERE id = ? AND active = 1",
                params![available, expert],
            )?;
            if changed == 0 {
                return Err(StoreError::NotFound);
            }
            if available {
                let groups = tx
                    .conn
                    .prepare_cached(
                        "SELECT group_id FROM group_members WHERE expert_id = ? ORDER BY group_id",
                    )?
                    .query_map([expert], |r| r.get::<_, Uuid>(0))?
                    .collect::<Result<Vec<_>, _>>()?;
                for group in groups {
                    tx.auto_assign(group, now)?;
                }
            }
            load_expert(&tx.conn, expert)?.ok_or(StoreError::NotFound)
        })
        .await
    }

    async fn change_expert(
        &self,
        expert: Uuid,
        change: ExpertChange,
        now: OffsetDateTime,
    ) -> Result<Expert, StoreError> {
        self.write(move |tx| {
            if load_expert(&tx.conn, expert)?.is_none() {
                return Err(StoreError::NotFound);
            }
            let end_sessions = |conn: &Connection| -> Result<(), StoreError> {
                conn.execute("DELETE FROM console_sessions WHERE expert_id = ?", [expert])?;
                Ok(())
            };
            match change {
                ExpertChange::Active(active) => {
                    tx.conn.execute(
                        "UPDATE experts SET active = ?, available = available AND ? WHERE id = ?",
                        params![active, active, expert],
                    )?;
                    if !active {
                        end_sessions(&tx.conn)?;
                    }
                }
                ExpertChange::Admin(admin) => {
                    tx.conn.execute(
                        "UPDATE experts SET is_admin = ? WHERE id = ?",
                        params![admin, expert],
                    )?;
                }
                ExpertChange::PasswordHash(hash) => {
                    tx.conn.execute(
                        "UPDATE experts SET password_hash = ? WHERE id = ?",
                        params![hash, expert],
                    )?;
                    end_sessions(&tx.conn)?;
                }
                ExpertChange::Membership { group, member } => {
                    if load_group(&tx.conn, group)?.is_none() {
                        return Err(StoreError::Invalid(format!("group: no group {group}")));
                    }
                    if member {
                        tx.conn.execute(
                            "INSERT OR IGNORE INTO group_members (group_id, expert_id) VALUES (?, ?)",
                            params![group, expert],
                        )?;
                        tx.auto_assign(group, now)?;
                    } else {
                        tx.conn.execute(
                            "DELETE FROM group_members WHERE group_id = ? AND expert_id = ?",
                            params![group, expert],
                        )?;
                    }
                }
            }
            load_expert(&tx.conn, expert)?.ok_or(StoreError::NotFound)
        })
        .await
    }

    async fn list_expert_tokens(&self) -> Result<Vec<TokenInfo>, StoreError> {
        self.read(|conn| {
            Ok(conn
                .prepare_cached(
                    "SELECT t.id, t.expert_id, e.display_name, t.created_at, t.revoked_at \
                     FROM expert_tokens t JOIN experts e ON e.id = t.expert_id ORDER BY t.id DESC",
                )?
                .query_map([], |r| {
                    Ok(TokenInfo {
                        id: r.get(0)?,
                        expert_id: r.get(1)?,
                        expert_name: r.get(2)?,
                        created_at: from_millis(r.get(3)?),
                        revoked_at: r.get::<_, Option<i64>>(4)?.map(from_millis),
                    })
                })?
                .collect::<Result<Vec<_>, _>>()?)
        })
        .await
    }

    async fn revoke_expert_token(&self, id: Uuid, now: OffsetDateTime) -> Result<(), StoreError> {
        self.write(move |tx| {
            let changed = tx.conn.execute(
                "UPDATE expert_tokens SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?",
                params![to_millis(now), id],
            )?;
            if changed == 0 {
                return Err(StoreError::NotFound);
            }
            Ok(())
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
            let id = Uuid::now_v7();
            tx.conn.execute(
                "INSERT INTO expert_tokens (id, expert_id, token_hash, created_at) VALUES (?, ?, ?, ?)",
                params![id, expert, token_hash.as_slice(), to_millis(now)],
            )?;
            Ok(id)
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
            if load_group(&tx.conn, group)?.is_none() {
                return Err(StoreError::Invalid(format!("group: no group {group}")));
            }
            tx.conn.execute(
                "INSERT INTO deployments (id, name, group_id, server_url, key_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                params![id, name, group, server_url, key_hash.as_slice(), to_millis(now)],
            )?;
            load_deployment(&tx.conn, id)?.ok_or(StoreError::NotFound)
        })
        .await
    }

    async fn list_deployments(&self) -> Result<Vec<Deployment>, StoreError> {
        self.read(|conn| {
            Ok(conn
                .prepare_cached(&format!(
                    "{DEPLOYMENT_SELECT} ORDER BY d.created_at DESC, d.id DESC"
                ))?
                .query_map([], deployment_from_row)?
                .collect::<Result<Vec<_>, _>>()?)
        })
        .await
    }

    async fn deployment(&self, id: Uuid) -> Result<Option<Deployment>, StoreError> {
        self.read(move |conn| load_deployment(conn, id)).await
    }

    async fn revoke_deployment(
        &self,
        id: Uuid,
        now: OffsetDateTime,
    ) -> Result<Deployment, StoreError> {
        self.write(move |tx| {
            tx.conn.execute(
                "UPDATE deployments SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?",
                params![to_millis(now), id],
            )?;
            load_deployment(&tx.conn, id)?.ok_or(StoreError::NotFound)
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_urls_name_a_file() {
        assert_eq!(
            database_path("sqlite:///var/lib/x.db").ok(),
            Some(PathBuf::from("/var/lib/x.db"))
        );
        assert_eq!(
            database_path("sqlite:data/x.db").ok(),
            Some(PathBuf::from("data/x.db"))
        );
        assert!(database_path("sqlite://").is_err());
        assert!(database_path("sqlite://x.db?mode=ro").is_err());
    }

    #[tokio::test]
    async fn a_database_from_a_newer_server_is_refused() -> Result<(), StoreError> {
        let dir = tempfile::tempdir().map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let path = dir.path().join("x.db");
        let conn = Connection::open(&path)?;
        conn.pragma_update(None, "user_version", 99)?;
        drop(conn);
        let url = format!("sqlite://{}", path.display());
        let error = SqliteStore::open(&url, Arc::new(Hub::default()), Duration::from_secs(60))
            .await
            .expect_err("a newer schema must be refused");
        assert!(
            error.to_string().contains("newer than this server"),
            "{error}"
        );
        Ok(())
    }
}
