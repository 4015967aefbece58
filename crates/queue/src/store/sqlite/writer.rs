//! The one writer thread and its group commit, and the checkpoint thread.
//!
//! The writer takes every job queued (up to [`MAX_BATCH`]), runs them in one
//! `BEGIN IMMEDIATE` transaction, each inside its own savepoint (a failing
//! job is rolled back alone), commits once — one fsync for the batch — and
//! only then tells each job how the commit went, in commit order.

use std::time::Duration;

use rusqlite::Connection;
use tokio::sync::mpsc;

use crate::store::StoreError;
use crate::store::storage::{Completion, JobDone, NotCommitted, WriteJob};

/// Most writes committed together; bounds the latency one batch adds.
pub(super) const MAX_BATCH: usize = 512;

/// How often the WAL is copied back into the database.
const CHECKPOINT_INTERVAL: Duration = Duration::from_secs(1);

/// The writer's connection: the transaction every job runs in.
pub(super) struct SqliteTx {
    pub(super) conn: Connection,
}

pub(super) fn run_writer(mut tx: SqliteTx, mut queue: mpsc::Receiver<WriteJob>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while let Some(first) = queue.blocking_recv() {
        batch.push(first);
        while batch.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        run_batch(&mut tx, &mut batch);
    }
}

/// Runs the queued jobs in one transaction, unless SQLite ends it by itself:
/// after a full disk or an I/O error it may roll the whole transaction back
/// and go on in autocommit mode. Then the jobs run in it so far are told it
/// did not commit (never that it did), and the rest start a new transaction
/// rather than run one statement at a time outside of any.
fn run_batch(tx: &mut SqliteTx, batch: &mut Vec<WriteJob>) {
    let mut jobs = batch.drain(..).peekable();
    while jobs.peek().is_some() {
        if let Err(e) = tx.conn.execute_batch("BEGIN IMMEDIATE") {
            // Dropping the jobs drops their reply senders: callers see `Unavailable`.
            tracing::error!(error = %e, "cannot begin a write transaction");
            return;
        }
        let mut completions: Vec<Completion> = Vec::new();
        let mut rolled_back = false;
        for job in jobs.by_ref() {
            completions.extend(run_job(tx, job));
            if tx.conn.is_autocommit() {
                rolled_back = true;
                break;
            }
        }
        let outcome = if rolled_back {
            tracing::error!(
                writes = completions.len(),
                "the database rolled the write transaction back by itself"
            );
            Err(NotCommitted::Failed(
                "the database rolled the transaction back".into(),
            ))
        } else {
            commit(tx, completions.len())
        };
        for complete in completions {
            complete(outcome.clone());
        }
    }
}

/// Commits the transaction; when that fails, rolls it back (if SQLite has not already).
fn commit(tx: &mut SqliteTx, writes: usize) -> Result<(), NotCommitted> {
    match tx.conn.execute_batch("COMMIT") {
        Ok(()) => Ok(()),
        Err(e) => {
            tracing::error!(error = %e, writes, "commit failed; the batch is rolled back");
            if !tx.conn.is_autocommit() {
                let _ = tx.conn.execute_batch("ROLLBACK");
            }
            Err(match StoreError::from(e) {
                StoreError::Full => NotCommitted::Full,
                other => NotCommitted::Failed(other.to_string()),
            })
        }
    }
}

/// Runs one job in a savepoint of its own, kept when it succeeded and undone
/// when it failed.
fn run_job(tx: &mut SqliteTx, job: WriteJob) -> Option<Completion> {
    if let Err(e) = tx.conn.execute_batch("SAVEPOINT job") {
        // Dropping the job drops its reply sender: its caller sees `Unavailable`.
        tracing::error!(error = %e, "cannot start a write");
        return None;
    }
    let JobDone { succeeded, then } = job(tx);
    if tx.conn.is_autocommit() {
        // The database already rolled everything back: nothing to end.
        return Some(then);
    }
    let end = if succeeded {
        "RELEASE job"
    } else {
        "ROLLBACK TO job; RELEASE job"
    };
    match tx.conn.execute_batch(end) {
        Ok(()) => Some(then),
        Err(e) => {
            let message = format!("ending the write: {e}");
            Some(Box::new(move |_| then(Err(NotCommitted::Failed(message)))))
        }
    }
}

/// Checkpoints the WAL every second without blocking the writer (PASSIVE),
/// until the store is dropped (its end of `stop` closes).
pub(super) fn run_checkpoints(conn: Connection, stop: std::sync::mpsc::Receiver<()>) {
    while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) =
        stop.recv_timeout(CHECKPOINT_INTERVAL)
    {
        if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
            tracing::warn!(error = %e, "WAL checkpoint failed; retrying in a second");
        }
    }
}
