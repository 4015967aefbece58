//! The one writer thread and its group commit, and the checkpoint thread.
//!
//! The writer takes every job queued (up to [`MAX_BATCH`]), runs them in one
//! `BEGIN IMMEDIATE` transaction, each inside its own savepoint (a failing
//! job is rolled back alone), commits once, and hands the jobs' callers to
//! [`WalSync`], which tells them how the commit went, in commit order, once
//! an fsync has made it durable — while the writer runs the next batch.

use std::time::Duration;

use rusqlite::Connection;
use tokio::sync::mpsc;

use super::wal_sync::WalSync;
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

/// The callers of one transaction and how it ended.
type Ended = (Result<(), NotCommitted>, Vec<Completion>);

pub(super) fn run_writer(mut tx: SqliteTx, mut queue: mpsc::Receiver<WriteJob>, sync: WalSync) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while let Some(first) = queue.blocking_recv() {
        batch.push(first);
        while batch.len() < MAX_BATCH {
            match queue.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        for (outcome, completions) in run_batch(&mut tx, &mut batch) {
            sync.hand_over(outcome, completions);
        }
    }
}

/// Runs a statement without arguments, prepared once per connection (the
/// transaction and savepoint statements run several times per batch).
fn exec(conn: &Connection, sql: &str) -> rusqlite::Result<()> {
    conn.prepare_cached(sql)?.execute([]).map(|_| ())
}

/// Runs the queued jobs in one transaction, unless SQLite ends it by itself:
/// after a full disk or an I/O error it may roll the whole transaction back
/// and go on in autocommit mode. Then the jobs run in it so far are told it
/// did not commit (never that it did), and the rest start a new transaction
/// rather than run one statement at a time outside of any. Returns each
/// transaction's callers with how it ended, in commit order.
fn run_batch(tx: &mut SqliteTx, batch: &mut Vec<WriteJob>) -> Vec<Ended> {
    let mut ended = Vec::new();
    let mut jobs = batch.drain(..).peekable();
    while jobs.peek().is_some() {
        if let Err(e) = exec(&tx.conn, "BEGIN IMMEDIATE") {
            // Dropping the jobs drops their reply senders: callers see `Unavailable`.
            tracing::error!(error = %e, "cannot begin a write transaction");
            return ended;
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
        ended.push((outcome, completions));
    }
    ended
}

/// Commits the transaction; when that fails, rolls it back (if SQLite has not already).
fn commit(tx: &mut SqliteTx, writes: usize) -> Result<(), NotCommitted> {
    match exec(&tx.conn, "COMMIT") {
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
    if let Err(e) = exec(&tx.conn, "SAVEPOINT job") {
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
        exec(&tx.conn, "RELEASE job")
    } else {
        exec(&tx.conn, "ROLLBACK TO job").and_then(|()| exec(&tx.conn, "RELEASE job"))
    };
    match end {
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

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use rusqlite::OptionalExtension as _;
    use time::OffsetDateTime;
    use uuid::Uuid;

    use super::*;
    use crate::store::sqlite::open::open_writer;
    use crate::store::storage::WriteTx;

    type Told = Arc<Mutex<Vec<(&'static str, bool)>>>;

    /// A job doing `work`, recording under `name` whether it was told it committed.
    fn job(
        name: &'static str,
        told: &Told,
        work: impl FnOnce(&mut dyn WriteTx) -> Result<(), StoreError> + Send + 'static,
    ) -> WriteJob {
        let told = Arc::clone(told);
        Box::new(move |tx: &mut dyn WriteTx| {
            let succeeded = work(tx).is_ok();
            JobDone {
                succeeded,
                then: Box::new(move |commit| {
                    let committed = succeeded && commit.is_ok();
                    told.lock().expect("not poisoned").push((name, committed));
                }),
            }
        })
    }

    #[test]
    fn a_transaction_the_database_rolled_back_by_itself_is_never_reported_committed()
    -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("x.db");
        let mut tx = SqliteTx {
            conn: open_writer(&path)?,
        };
        // A database that cannot grow: a large write fails with SQLITE_FULL,
        // which makes SQLite roll the whole transaction back by itself.
        let pages: i64 = tx.conn.query_row("PRAGMA page_count", [], |r| r.get(0))?;
        tx.conn.pragma_update(None, "max_page_count", pages + 2)?;

        let told = Told::default();
        let mut batch = vec![
            job("before", &told, |tx| tx.set_secret_fingerprint(&[1; 32])),
            job("full", &told, |tx| {
                tx.insert_group(
                    Uuid::now_v7(),
                    &"x".repeat(256 * 1024),
                    OffsetDateTime::now_utc(),
                )
            }),
            job("after", &told, |tx| {
                tx.record_health_probe(OffsetDateTime::now_utc())
            }),
        ];
        for (outcome, completions) in run_batch(&mut tx, &mut batch) {
            for complete in completions {
                complete(outcome.clone());
            }
        }

        let stored = |name: &str| -> rusqlite::Result<bool> {
            Ok(tx
                .conn
                .query_row("SELECT 1 FROM server_facts WHERE name = ?", [name], |_| {
                    Ok(())
                })
                .optional()?
                .is_some())
        };
        let told = told.lock().expect("not poisoned").clone();
        assert_eq!(
            told,
            [("before", false), ("full", false), ("after", true)],
            "the jobs of the rolled-back transaction are told so; the next runs in a new one"
        );
        assert!(
            !stored("secret_fingerprint")?,
            "rolled back with the transaction"
        );
        assert!(
            stored("health_probe")?,
            "committed in a transaction of its own"
        );
        assert!(tx.conn.is_autocommit(), "no transaction left open");
        Ok(())
    }
}
