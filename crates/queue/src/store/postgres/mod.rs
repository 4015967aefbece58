//! The PostgreSQL backend, on rust-postgres: storage only, no rule (those are
//! in `crate::rules`, run inside this backend's write transactions).
//!
//! Writes: one writer thread per server holds one connection (`writer`) and
//! runs the write jobs like the SQLite backend does: every job queued (up to
//! a batch) in one transaction, each in a savepoint of its own, one commit
//! for the batch. The transaction starts by taking a transaction-scoped
//! advisory lock, so the writers of several servers on one database take
//! turns too. The rules count on that order: case ids are made inside the
//! transaction and must grow in commit order (queue positions), an
//! idempotency key is looked up before its case is inserted, and a group's
//! waiting counter is read back as the new case's position. The loads still
//! lock what they read (`FOR UPDATE`), so the rows a job changes stay its own
//! even for writers outside this server (an operator's `psql`). With writes
//! taking turns under READ COMMITTED, no write fails on a serialization
//! failure or a deadlock between servers, so a job (a closure run once) never
//! needs re-running; a connection lost between batches is reopened before the
//! next batch's jobs run.
//!
//! Reads run on the calling task over a pool of async connections
//! (`deadpool-postgres`), with statements prepared once per connection, and
//! see committed data only.
//!
//! Rate limits and failed sign-ins are counted on the read pool too
//! (`limits`), so every instance on the database counts them together.
//!
//! Live events: each event a write stores is announced with `pg_notify` in
//! the same transaction (so only once it commits) as a small hint, prefixed
//! by the id of the server that wrote it; `listen` follows those of the
//! other servers on a connection of its own (see `crate::fanout`).
//!
//! Files: `open` (connections, migrations), `writer`, `listen`, `limits`, and the statements of
//! the storage traits: `case_reads`, `case_writes`, `people_reads`,
//! `people_writes`, `instances`, each behind the helpers `one`, `all` (reads) and
//! `PgTx::{one, all, run}` (writes).

mod audit;
mod case_reads;
mod case_writes;
mod email;
mod instances;
mod limits;
mod line;
mod listen;
pub(crate) mod open;
mod people_reads;
mod people_writes;
mod server_facts;
mod webhooks;
pub(crate) mod writer;

use std::num::NonZeroUsize;

use tokio::sync::{mpsc, oneshot};
use tokio_postgres::Row;
use tokio_postgres::error::SqlState;
use tokio_postgres::types::ToSql;
use uuid::Uuid;

use crate::database_url::PostgresUrl;
use crate::fanout::Notice;
use crate::store::StoreError;
use crate::store::storage::{SECRET_FINGERPRINT_FACT, Storage, WriteJob};
pub use limits::SharedCounts;
use writer::MAX_BATCH;

/// The PostgreSQL backend. Cheap to share behind an `Arc`.
pub struct PostgresStore {
    url: PostgresUrl,
    reads: deadpool_postgres::Pool,
    writes: mpsc::Sender<WriteJob>,
    /// This server among those sharing the database: its own announced
    /// events are not read back.
    instance: Uuid,
}

impl std::fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresStore")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

impl PostgresStore {
    /// Connects to the database at `url`, brings its schema up to date and
    /// starts the writer thread. Reads share at most `read_pool_size`
    /// connections (`database_pool_size`); a read waits for one when all are
    /// lent.
    pub async fn open(url: &PostgresUrl, read_pool_size: NonZeroUsize) -> Result<Self, StoreError> {
        let write_config = open::writer_config(url)?;
        let read_config = open::reader_config(url)?;
        let (writes, write_queue) = mpsc::channel(MAX_BATCH * 4);
        let (ready, started) = oneshot::channel();
        let instance = Uuid::now_v7();
        std::thread::Builder::new()
            .name("postgres-write".into())
            .spawn(move || writer::start(write_config, instance, write_queue, ready))
            .map_err(|source| StoreError::ThreadStart {
                thread: "writer",
                source,
            })?;
        started.await.map_err(|_| StoreError::Unavailable)??;
        let manager = deadpool_postgres::Manager::from_config(
            read_config,
            tokio_postgres::NoTls,
            deadpool_postgres::ManagerConfig {
                recycling_method: deadpool_postgres::RecyclingMethod::Fast,
            },
        );
        let reads = deadpool_postgres::Pool::builder(manager)
            .max_size(read_pool_size.get())
            .build()
            .map_err(|e| StoreError::Database(Box::new(e)))?;
        Ok(Self {
            url: url.clone(),
            reads,
            writes,
            instance,
        })
    }

    /// A pooled read connection.
    async fn client(&self) -> Result<deadpool_postgres::Object, StoreError> {
        pooled(&self.reads).await
    }
}

/// A connection of the read pool `reads`.
async fn pooled(reads: &deadpool_postgres::Pool) -> Result<deadpool_postgres::Object, StoreError> {
    // Whatever stops the pool from lending a connection (the server refuses
    // new ones, restarts, has no slot left) is the database being out of
    // reach for now, not a statement failing: 503, and the next read tries
    // again.
    reads.get().await.map_err(|e| {
        tracing::warn!(error = %e, "no read connection to PostgreSQL");
        StoreError::Unavailable
    })
}

impl Storage for PostgresStore {
    async fn transact(&self, job: WriteJob) -> Result<(), StoreError> {
        self.writes
            .send(job)
            .await
            .map_err(|_| StoreError::Unavailable)
    }

    async fn ping(&self) -> Result<(), StoreError> {
        let client = self.client().await?;
        client.simple_query("SELECT 1").await?;
        Ok(())
    }

    async fn check_space(&self) -> Result<(), StoreError> {
        // The database server's disk is its administrator's to watch; a full
        // one still shows as failing writes and a failing health probe write.
        Ok(())
    }

    fn exclusive(&self) -> bool {
        // Several servers may share the database.
        false
    }

    async fn is_blank(&self) -> Result<bool, StoreError> {
        let client = self.client().await?;
        let blank = one(
            &client,
            "SELECT NOT (EXISTS (SELECT 1 FROM server_facts WHERE name = $1) \
             OR EXISTS (SELECT 1 FROM groups) OR EXISTS (SELECT 1 FROM experts) \
             OR EXISTS (SELECT 1 FROM deployments) OR EXISTS (SELECT 1 FROM cases))",
            &[&SECRET_FINGERPRINT_FACT],
            |r| Ok(r.try_get(0)?),
        )
        .await?;
        Ok(blank.unwrap_or(false))
    }

    fn follow_others(&self) -> Option<mpsc::Receiver<Notice>> {
        match open::reader_config(&self.url) {
            Ok(config) => Some(listen::start(config, self.instance)),
            // Unreachable: the same settings opened the read pool.
            Err(e) => {
                tracing::error!(error = %e, "cannot follow other servers' events");
                None
            }
        }
    }
}

/// Whether `error` means the connection is gone (closed, broken, or the
/// server shutting down), rather than a statement failing on a live one.
fn is_connection_lost(error: &tokio_postgres::Error) -> bool {
    if error.is_closed() {
        return true;
    }
    match error.code() {
        // Class 08: connection exception; 57P01..57P03: the server shuts
        // down or restarts; 53300: it has no connection slot left (others
        // hold them all), which passes like a restart does.
        Some(code) => {
            code.code().starts_with("08")
                || [
                    SqlState::ADMIN_SHUTDOWN,
                    SqlState::CRASH_SHUTDOWN,
                    SqlState::CANNOT_CONNECT_NOW,
                    SqlState::TOO_MANY_CONNECTIONS,
                ]
                .contains(code)
        }
        // No SQLSTATE: the socket failed (I/O), not a statement.
        None => {
            std::error::Error::source(error).is_some_and(|source| source.is::<std::io::Error>())
        }
    }
}

fn is_unique_violation(error: &tokio_postgres::Error) -> bool {
    error.code() == Some(&SqlState::UNIQUE_VIOLATION)
}

impl From<tokio_postgres::Error> for StoreError {
    fn from(error: tokio_postgres::Error) -> Self {
        if is_connection_lost(&error) {
            tracing::warn!(error = %error, "lost the connection to PostgreSQL");
            StoreError::Unavailable
        } else {
            StoreError::Database(Box::new(error))
        }
    }
}

/// Parameters of a statement.
type Params<'a> = &'a [&'a (dyn ToSql + Sync)];

/// The first row a statement selects, if any (prepared once per connection).
async fn one<T>(
    client: &deadpool_postgres::Object,
    sql: &str,
    params: Params<'_>,
    map: impl FnOnce(&Row) -> Result<T, StoreError>,
) -> Result<Option<T>, StoreError> {
    let statement = client.prepare_cached(sql).await?;
    let rows = client.query(&statement, params).await?;
    rows.first().map(map).transpose()
}

/// Every row a statement selects (prepared once per connection).
async fn all<T>(
    client: &deadpool_postgres::Object,
    sql: &str,
    params: Params<'_>,
    map: impl FnMut(&Row) -> Result<T, StoreError>,
) -> Result<Vec<T>, StoreError> {
    let statement = client.prepare_cached(sql).await?;
    let rows = client.query(&statement, params).await?;
    rows.iter().map(map).collect()
}
