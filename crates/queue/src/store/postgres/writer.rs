//! The writer thread and its group commit.
//!
//! The writer takes every job queued (up to [`MAX_BATCH`]), opens one
//! transaction, takes the writer lock, runs each job inside its own
//! savepoint (a failing job is rolled back alone), commits once and only
//! then tells each job how the commit went, in commit order. A connection
//! found lost before a batch is reopened (a bounded number of times) before
//! any of its jobs runs; jobs that ran on a connection lost mid-batch are
//! told their transaction did not commit.

use std::collections::HashMap;
use std::time::Duration;

use postgres::error::SqlState;
use postgres::{Client, NoTls, Row, Statement};
use tokio::sync::{mpsc, oneshot};
use uuid::Uuid;

use super::{Params, is_connection_lost, open};
use crate::store::StoreError;
use crate::store::storage::{Completion, JobDone, NotCommitted, WriteJob};

/// Most writes committed together; bounds the latency one batch adds.
pub(super) const MAX_BATCH: usize = 512;

/// Transaction-scoped advisory lock every write transaction takes first:
/// writers of all servers on the database take turns.
pub(crate) const WRITER_LOCK: i64 = 0x4c69_6665_6c69_6e02;

/// Reconnection attempts before a batch's jobs are given up (their callers
/// see [`StoreError::Unavailable`]); the pause doubles from the first.
const RECONNECT_ATTEMPTS: u32 = 6;
const FIRST_RECONNECT_PAUSE: Duration = Duration::from_millis(100);

/// The writer's connection: the transaction every job runs in, with the
/// statements it prepared (they belong to that connection).
pub(super) struct PgTx {
    client: Client,
    statements: HashMap<String, Statement>,
    /// The server writing, named in the events it announces.
    pub(super) instance: Uuid,
    /// The largest case id of this batch's transaction, read once it holds
    /// the writer lock and raised by each insert (`CaseWrites::case_id_floor`).
    pub(super) case_id_floor: Option<Option<Uuid>>,
}

impl PgTx {
    fn connect(config: &postgres::Config, instance: Uuid) -> Result<Self, StoreError> {
        Ok(Self {
            client: config.connect(NoTls)?,
            statements: HashMap::new(),
            instance,
            case_id_floor: None,
        })
    }

    fn prepared(&mut self, sql: &str) -> Result<Statement, StoreError> {
        if let Some(statement) = self.statements.get(sql) {
            return Ok(statement.clone());
        }
        let statement = self.client.prepare(sql)?;
        self.statements.insert(sql.to_owned(), statement.clone());
        Ok(statement)
    }

    /// The first row a statement selects, if any.
    pub(super) fn one<T>(
        &mut self,
        sql: &str,
        params: Params<'_>,
        map: impl FnOnce(&Row) -> Result<T, StoreError>,
    ) -> Result<Option<T>, StoreError> {
        let statement = self.prepared(sql)?;
        let rows = self.client.query(&statement, params)?;
        rows.first().map(map).transpose()
    }

    /// Every row a statement selects.
    pub(super) fn all<T>(
        &mut self,
        sql: &str,
        params: Params<'_>,
        map: impl FnMut(&Row) -> Result<T, StoreError>,
    ) -> Result<Vec<T>, StoreError> {
        let statement = self.prepared(sql)?;
        let rows = self.client.query(&statement, params)?;
        rows.iter().map(map).collect()
    }

    /// Runs a statement that changes rows; returns how many it changed.
    pub(super) fn run(&mut self, sql: &str, params: Params<'_>) -> Result<u64, StoreError> {
        let statement = self.prepared(sql)?;
        Ok(self.client.execute(&statement, params)?)
    }

    /// Like [`PgTx::run`], handing a failing statement's error to `map`
    /// (a unique violation turned into the rule's answer).
    pub(super) fn run_or(
        &mut self,
        sql: &str,
        params: Params<'_>,
        map: impl FnOnce(postgres::Error) -> StoreError,
    ) -> Result<u64, StoreError> {
        let statement = self.prepared(sql)?;
        self.client.execute(&statement, params).map_err(map)
    }
}

/// Connects, migrates, says so on `ready`, then runs the write queue (as
/// server `instance`) until every sender is gone.
pub(super) fn start(
    config: postgres::Config,
    instance: Uuid,
    queue: mpsc::Receiver<WriteJob>,
    ready: oneshot::Sender<Result<(), StoreError>>,
) {
    // At start the driver's own error says why (refused, unknown host, bad
    // password); it never holds the password itself.
    let opened = config
        .connect(NoTls)
        .map_err(|e| StoreError::Database(Box::new(e)))
        .and_then(|mut client| {
            open::migrate(&mut client)?;
            Ok(PgTx {
                client,
                statements: HashMap::new(),
                instance,
                case_id_floor: None,
            })
        });
    match opened {
        Ok(tx) => {
            if ready.send(Ok(())).is_ok() {
                run_writer(&config, tx, queue);
            }
        }
        Err(e) => {
            let _ = ready.send(Err(e));
        }
    }
}

fn run_writer(config: &postgres::Config, mut tx: PgTx, mut queue: mpsc::Receiver<WriteJob>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while let Some(first) = queue.blocking_recv() {
        batch.push(first);
        while batch.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        if let Err(e) = begin(config, &mut tx) {
            // Dropping the jobs drops their reply senders: callers see `Unavailable`.
            tracing::error!(error = %e, writes = batch.len(), "cannot begin a write transaction");
            batch.clear();
            continue;
        }
        let completions: Vec<Completion> = batch
            .drain(..)
            .filter_map(|job| run_job(&mut tx, job))
            .collect();
        let commit = match tx.client.batch_execute("COMMIT") {
            Ok(()) => Ok(()),
            Err(e) => {
                tracing::error!(error = %e, writes = completions.len(), "commit failed; the batch is rolled back");
                let _ = tx.client.batch_execute("ROLLBACK");
                Err(not_committed(&e))
            }
        };
        for complete in completions {
            complete(commit.clone());
        }
    }
}

/// Opens the batch's transaction holding the writer lock, first reopening
/// the connection if it is lost (bounded attempts, growing pauses).
fn begin(config: &postgres::Config, tx: &mut PgTx) -> Result<(), StoreError> {
    let mut pause = FIRST_RECONNECT_PAUSE;
    for attempt in 0..=RECONNECT_ATTEMPTS {
        if attempt > 0 || tx.client.is_closed() {
            if attempt > 0 {
                std::thread::sleep(pause);
                pause *= 2;
            }
            match PgTx::connect(config, tx.instance) {
                Ok(fresh) => {
                    tracing::info!(attempt, "reconnected the writer to PostgreSQL");
                    *tx = fresh;
                }
                Err(e) => {
                    tracing::warn!(error = %e, attempt, "cannot reconnect the writer to PostgreSQL");
                    continue;
                }
            }
        }
        let began = tx.client.batch_execute("BEGIN").and_then(|()| {
            tx.client
                .execute("SELECT pg_advisory_xact_lock($1)", &[&WRITER_LOCK])
        });
        match began {
            Ok(_) => {
                // Other instances may have committed cases since the last batch.
                tx.case_id_floor = None;
                return Ok(());
            }
            Err(e) if is_connection_lost(&e) => {
                tracing::warn!(error = %e, "the writer's connection to PostgreSQL is lost");
            }
            Err(e) => {
                let _ = tx.client.batch_execute("ROLLBACK");
                return Err(e.into());
            }
        }
    }
    Err(StoreError::Unavailable)
}

/// Runs one job in a savepoint of its own, kept when it succeeded and undone
/// when it failed.
fn run_job(tx: &mut PgTx, job: WriteJob) -> Option<Completion> {
    if let Err(e) = tx.client.batch_execute("SAVEPOINT job") {
        // Dropping the job drops its reply sender: its caller sees `Unavailable`.
        tracing::error!(error = %e, "cannot start a write");
        return None;
    }
    let JobDone { succeeded, then } = job(tx);
    let end = if succeeded {
        "RELEASE SAVEPOINT job"
    } else {
        "ROLLBACK TO SAVEPOINT job; RELEASE SAVEPOINT job"
    };
    match tx.client.batch_execute(end) {
        Ok(()) => Some(then),
        Err(e) => {
            let reason = NotCommitted::Failed(format!("ending the write: {e}"));
            Some(Box::new(move |_| then(Err(reason))))
        }
    }
}

/// Why a commit failed, in the backend-neutral words of [`NotCommitted`].
fn not_committed(error: &postgres::Error) -> NotCommitted {
    match error.code() {
        Some(&SqlState::DISK_FULL) => NotCommitted::Full,
        _ => NotCommitted::Failed(error.to_string()),
    }
}
