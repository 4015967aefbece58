//! The one writer thread and its group commit, and the checkpoint thread.
//!
//! The writer takes every job queued (up to [`MAX_BATCH`]), runs them in one
//! `BEGIN IMMEDIATE` transaction, each inside its own savepoint (a failing
//! job is rolled back alone), commits once, and hands the jobs' callers to
//! [`WalSync`], which tells them how the commit went, in commit order, once
//! an fsync has made it durable — while the writer runs the next batch.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
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

/// WAL frames (pages) past which the writer makes the WAL start over: 256 MiB
/// at SQLite's 4 KiB pages. Starting it over stalls the writer for a
/// checkpoint with two fsyncs (tens of milliseconds on a slow disk), so not
/// every second: at 64 MiB the creates' p99 in `bench server` grew several
/// times over.
pub(super) const REWIND_AFTER_FRAMES: i64 = 65_536;

/// Set by the checkpoint thread when the WAL has grown past
/// [`REWIND_AFTER_FRAMES`]; the writer clears it when it acts on it.
///
/// SQLite starts the WAL over from its beginning only when a write begins
/// with every frame copied back into the database. Under a steady stream of
/// writes that moment never comes by itself (each checkpoint ends behind the
/// commits made meanwhile), so the WAL grows without end: a gigabyte after
/// 100,000 creates, and every read looks each page up in its index first,
/// at a cost that grows with it. The writer, between two batches, copies
/// back the few commits since the checkpoint thread's last pass: then its
/// next write starts the WAL over.
#[derive(Debug)]
pub(super) struct RewindWanted {
    asked: AtomicBool,
    after_frames: i64,
}

impl RewindWanted {
    /// Asked for once the WAL holds more than `frames`.
    pub(super) fn after(frames: i64) -> Self {
        Self {
            asked: AtomicBool::new(false),
            after_frames: frames,
        }
    }

    fn ask_if_long(&self, frames: i64) {
        if frames > self.after_frames {
            self.asked.store(true, Ordering::Relaxed);
        }
    }

    fn take(&self) -> bool {
        self.asked.swap(false, Ordering::Relaxed)
    }
}

/// A PASSIVE checkpoint (it never waits for a reader or the writer): copies
/// back what it can and returns the frames in the WAL.
fn checkpoint(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |row| row.get(1))
}

/// The writer's connection: the transaction every job runs in.
pub(super) struct SqliteTx {
    pub(super) conn: Connection,
}

/// The callers of one transaction and how it ended.
type Ended = (Result<(), NotCommitted>, Vec<Completion>);

pub(super) fn run_writer(
    mut tx: SqliteTx,
    mut queue: mpsc::Receiver<WriteJob>,
    sync: WalSync,
    rewind: Arc<RewindWanted>,
) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while let Some(first) = queue.blocking_recv() {
        if rewind.take()
            && let Err(e) = checkpoint(&tx.conn)
        {
            tracing::warn!(error = %e, "cannot copy the WAL back before starting it over");
        }
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
/// and asks the writer to start it over once it is long, until the store is
/// dropped (its end of `stop` closes).
pub(super) fn run_checkpoints(
    conn: Connection,
    stop: std::sync::mpsc::Receiver<()>,
    rewind: Arc<RewindWanted>,
) {
    while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) =
        stop.recv_timeout(CHECKPOINT_INTERVAL)
    {
        match checkpoint(&conn) {
            Ok(frames) => rewind.ask_if_long(frames),
            Err(e) => tracing::warn!(error = %e, "WAL checkpoint failed; retrying in a second"),
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
    use crate::store::storage::{Storage as _, WriteTx};

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

    /// A write of `name` as a new group's, answered once it is durable.
    async fn write_group(
        store: &crate::store::sqlite::SqliteStore,
        name: String,
    ) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        let (done, committed) = tokio::sync::oneshot::channel();
        store
            .transact(Box::new(move |tx: &mut dyn WriteTx| {
                let written = tx.insert_group(Uuid::now_v7(), &name, OffsetDateTime::now_utc());
                JobDone {
                    succeeded: written.is_ok(),
                    then: Box::new(move |commit| {
                        let _ = done.send(written.is_ok() && commit.is_ok());
                    }),
                }
            }))
            .await?;
        if !committed.await? {
            return Err("a write did not commit".into());
        }
        Ok(())
    }

    /// How often the WAL at `wal` has started over: the checkpoint sequence
    /// number in its header (bytes 12..16, big-endian), which SQLite
    /// increments each time.
    fn wal_restarts(wal: &std::path::Path) -> std::io::Result<u32> {
        use std::io::Read as _;
        let mut header = [0_u8; 16];
        std::fs::File::open(wal)?.read_exact(&mut header)?;
        Ok(u32::from_be_bytes([
            header[12], header[13], header[14], header[15],
        ]))
    }

    /// Writes for `run` with 128 always waiting, so the writer is never
    /// idle (idle, with everything copied back, SQLite would start the WAL
    /// over by itself); returns how often the WAL started over.
    async fn steady_writes(
        rewind_after_frames: i64,
        run: Duration,
    ) -> Result<u32, Box<dyn std::error::Error + Send + Sync>> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("x.db");
        let store = Arc::new(crate::store::sqlite::SqliteStore::open_rewinding_after(
            &path,
            rewind_after_frames,
        )?);
        // Group names are unique: each write's own number, then 1 KiB.
        let padding = "x".repeat(1024);
        let mut sent = 0_u64;
        let until = std::time::Instant::now() + run;
        let mut in_flight = tokio::task::JoinSet::new();
        while std::time::Instant::now() < until {
            while in_flight.len() < 128 {
                sent += 1;
                let (store, name) = (Arc::clone(&store), format!("{sent} {padding}"));
                in_flight.spawn(async move { write_group(&store, name).await });
            }
            if let Some(done) = in_flight.join_next().await {
                done??;
            }
        }
        let restarts = wal_restarts(&dir.path().join("x.db-wal"))?;
        while let Some(done) = in_flight.join_next().await {
            done??;
        }
        Ok(restarts)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_steady_stream_of_writes_does_not_grow_the_wal_without_end()
    -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        // Started over past 64 frames (256 KiB): every checkpoint asks for it.
        let restarts = steady_writes(64, Duration::from_millis(3_500)).await?;
        assert!(
            restarts >= 2,
            "the WAL starts over while writes keep coming (each second): {restarts} times in 3.5 s"
        );
        Ok(())
    }
}
