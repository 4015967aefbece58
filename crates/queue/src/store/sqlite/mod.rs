//! The embedded SQLite backend, on rusqlite: storage only, no rule (those are
//! in `crate::rules`, run inside this backend's write transactions).
//!
//! SQLite allows one writer at a time, so every write goes to one thread that
//! owns the only writing connection (`writer`: group commit). Reads run in
//! place on the calling task, on a read-only connection from a small pool
//! (`read_pool`), and see committed data only (WAL). They are single indexed
//! lookups or bounded pages, served from SQLite's page cache in microseconds —
//! less than the two thread switches a hand-off to a reader thread costs.
//!
//! Why rusqlite rather than sqlx's async SQLite driver: sqlx runs each
//! statement on a worker thread and awaits it, a thread hand-off per statement.
//! Measured here (`cargo xtask bench server`, 2 cores), that capped durable
//! creates at ~1,800/s and reads at ~12,000/s. Here a whole write runs on the
//! writer thread in one hand-off, with prepared statements cached.
//!
//! Files: `open` (connections, migrations), `writer`, `read_pool`, and the
//! statements of the storage traits: `case_reads`, `case_writes`,
//! `people_reads`, `people_writes`, each behind the helpers `one`,
//! `all` and `run` below.

mod audit;
mod case_reads;
mod case_writes;
mod email;
mod instances;
mod line;
pub(crate) mod open;
mod people_reads;
mod people_writes;
mod read_pool;
mod server_facts;
mod wal_sync;
mod webhooks;
mod writer;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rusqlite::{Connection, OpenFlags, OptionalExtension as _, Params, Row};
use tokio::sync::mpsc;

use crate::store::StoreError;
use crate::store::storage::{Storage, WriteJob};
use read_pool::ReadPool;
use wal_sync::WalSync;
use writer::{MAX_BATCH, REWIND_AFTER_FRAMES, RewindWanted, SqliteTx};

/// Free space under the database below which it counts as full. SQLite
/// writes a commit's pages to the WAL first and copies them into the database
/// at the next checkpoint, so a full batch of writes needs a few megabytes at
/// once; below this floor writes are about to fail, and the health check says
/// so before they do (a fixed floor: no setting to get wrong).
const MIN_FREE_BYTES: u64 = 8 * 1024 * 1024;

/// The SQLite backend. Cheap to share behind an `Arc`.
#[derive(Debug)]
pub struct SqliteStore {
    path: PathBuf,
    reads: ReadPool,
    writes: mpsc::Sender<WriteJob>,
    /// Dropped with the store: stops the checkpoint thread.
    _stop_checkpoints: std::sync::mpsc::Sender<()>,
}

impl SqliteStore {
    /// Opens (creating if missing) the database file at `path`, runs the
    /// migrations and starts the writer and checkpoint threads.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        Self::open_rewinding_after(path, REWIND_AFTER_FRAMES)
    }

    /// [`Self::open`], the WAL started over once it holds more than
    /// `frames` (a small figure in tests).
    fn open_rewinding_after(path: &Path, frames: i64) -> Result<Self, StoreError> {
        open::make_private(path)?;
        let writer = open::open_writer(path)?;
        let checkpoints = open::open_connection(path, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
        let (stop_checkpoints, stopped) = std::sync::mpsc::channel::<()>();
        let rewind = Arc::new(RewindWanted::after(frames));
        let asks = Arc::clone(&rewind);
        std::thread::Builder::new()
            .name("sqlite-checkpoint".into())
            .spawn(move || writer::run_checkpoints(checkpoints, stopped, asks))
            .map_err(|source| StoreError::ThreadStart {
                thread: "checkpoint",
                source,
            })?;
        let reads = ReadPool::open(path.to_path_buf())?;
        let sync = WalSync::start(open::sync_wal(path)?)?;
        // From here on commits are made durable by `sync`, off the writer
        // thread, before anyone is told of them (the migrations above were
        // committed with an fsync each).
        writer.pragma_update(None, "synchronous", "NORMAL")?;
        let (writes, write_queue) = mpsc::channel(MAX_BATCH * 4);
        std::thread::Builder::new()
            .name("sqlite-write".into())
            .spawn(move || {
                writer::run_writer(SqliteTx { conn: writer }, write_queue, sync, rewind);
            })
            .map_err(|source| StoreError::ThreadStart {
                thread: "writer",
                source,
            })?;
        Ok(Self {
            path: path.to_path_buf(),
            reads,
            writes,
            _stop_checkpoints: stop_checkpoints,
        })
    }
}

impl Storage for SqliteStore {
    async fn transact(&self, job: WriteJob) -> Result<(), StoreError> {
        self.writes
            .send(job)
            .await
            .map_err(|_| StoreError::Unavailable)
    }

    async fn ping(&self) -> Result<(), StoreError> {
        self.reads
            .with(|conn| Ok(conn.query_row("SELECT 1", [], |_| Ok(()))?))
    }

    async fn check_space(&self) -> Result<(), StoreError> {
        free_space(&self.path)
    }

    fn exclusive(&self) -> bool {
        // One server per SQLite file, as documented: several need PostgreSQL.
        true
    }

    async fn is_blank(&self) -> Result<bool, StoreError> {
        self.reads.with(|conn| {
            Ok(conn.query_row(
                "SELECT NOT (EXISTS (SELECT 1 FROM server_facts WHERE name = 'secret_fingerprint') \
                 OR EXISTS (SELECT 1 FROM groups) OR EXISTS (SELECT 1 FROM experts) \
                 OR EXISTS (SELECT 1 FROM deployments) OR EXISTS (SELECT 1 FROM cases))",
                [],
                |r| r.get(0),
            )?)
        })
    }
}

#[cfg(unix)]
fn free_space(path: &Path) -> Result<(), StoreError> {
    let stats = rustix::fs::statvfs(path).map_err(|e| StoreError::Database(Box::new(e)))?;
    if stats.f_bavail.saturating_mul(stats.f_frsize) < MIN_FREE_BYTES {
        return Err(StoreError::Full);
    }
    Ok(())
}

#[cfg(not(unix))]
fn free_space(_path: &Path) -> Result<(), StoreError> {
    // No portable free-space call without unsafe code here; a full disk still
    // shows as failing writes (`StoreError::Full`) and a failing probe write.
    let _ = MIN_FREE_BYTES;
    Ok(())
}

impl From<rusqlite::Error> for StoreError {
    fn from(error: rusqlite::Error) -> Self {
        if is_full(&error) {
            return StoreError::Full;
        }
        StoreError::Database(Box::new(error))
    }
}

/// Whether SQLite failed for want of disk space.
fn is_full(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::DiskFull)
}

fn is_unique_violation(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _) if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE)
}

/// The row a cached statement selects, if any.
fn one<T>(
    conn: &Connection,
    sql: &str,
    params: impl Params,
    map: impl FnOnce(&Row<'_>) -> rusqlite::Result<T>,
) -> Result<Option<T>, StoreError> {
    Ok(conn
        .prepare_cached(sql)?
        .query_row(params, map)
        .optional()?)
}

/// Every row a cached statement selects.
fn all<T>(
    conn: &Connection,
    sql: &str,
    params: impl Params,
    map: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
) -> Result<Vec<T>, StoreError> {
    Ok(conn
        .prepare_cached(sql)?
        .query_map(params, map)?
        .collect::<Result<Vec<_>, _>>()?)
}

/// Runs a cached statement that changes rows; returns how many it changed.
fn run(conn: &Connection, sql: &str, params: impl Params) -> Result<usize, StoreError> {
    Ok(conn.prepare_cached(sql)?.execute(params)?)
}
