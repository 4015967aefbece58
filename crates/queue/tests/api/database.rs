//! The database a test server runs on. By default SQLite, in the server's
//! data dir. When `TEST_DATABASE_URL` names a PostgreSQL database, each server
//! gets a fresh database of its own on that PostgreSQL, created from that URL
//! (the maintenance connection) and dropped when the test is done with it, so
//! the one suite runs against either backend.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, Once};

/// Data dirs whose servers and CLI runs stay on SQLite whatever
/// `TEST_DATABASE_URL` says: tests of SQLite's own files (their modes, a full
/// disk under them, its file lock).
static SQLITE_DIRS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Keeps every server and CLI run on `data_dir` on SQLite, in that dir.
pub fn keep_on_sqlite(data_dir: &Path) {
    SQLITE_DIRS
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .push(data_dir.to_path_buf());
}

/// The variable the server and the CLI read the database from.
const DATABASE_URL_ENV: &str = "LIFELINE_DATABASE_URL";
/// Prefix of the databases made here; the rest is `<pid>_<n>`.
const PREFIX: &str = "lifeline_t_";

/// A fresh PostgreSQL database for one server, dropped with this value;
/// nothing when the suite runs on SQLite.
pub struct TestDatabase {
    postgres: Option<(String, String)>,
}

/// Whether `TEST_DATABASE_URL` names PostgreSQL.
pub fn on_postgres() -> bool {
    maintenance_url().is_some()
}

/// `TEST_DATABASE_URL` when it names PostgreSQL.
fn maintenance_url() -> Option<String> {
    let url = std::env::var("TEST_DATABASE_URL").ok()?;
    (url.starts_with("postgres://") || url.starts_with("postgresql://")).then_some(url)
}

/// Runs `sql` over the maintenance connection, on a thread of its own (the
/// blocking client cannot run on a test's async runtime).
fn on_maintenance(maintenance: &str, sql: String) -> Result<(), String> {
    let maintenance = maintenance.to_owned();
    std::thread::spawn(move || {
        let mut client = postgres::Client::connect(&maintenance, postgres::NoTls)
            .map_err(|e| format!("cannot reach TEST_DATABASE_URL: {e}"))?;
        client
            .batch_execute(&sql)
            .map_err(|e| format!("{sql}: {e}"))
    })
    .join()
    .map_err(|_| "the maintenance thread panicked".to_string())?
}

/// Runs `sql` on the maintenance connection of `TEST_DATABASE_URL` (what a
/// database's own connection cannot do: refuse it connections, for one).
pub fn run_on_maintenance(sql: &str) -> Result<(), String> {
    let maintenance = maintenance_url().ok_or("TEST_DATABASE_URL names no PostgreSQL")?;
    on_maintenance(&maintenance, sql.to_owned())
}

/// `url` naming database `name` instead of its own.
fn with_database(url: &str, name: &str) -> String {
    let (scheme, rest) = url.split_once("://").expect("a URL");
    let (before_query, query) = match rest.split_once('?') {
        Some((before, query)) => (before, Some(query)),
        None => (rest, None),
    };
    let authority = before_query
        .split_once('/')
        .map_or(before_query, |(a, _)| a);
    match query {
        Some(query) => format!("{scheme}://{authority}/{name}?{query}"),
        None => format!("{scheme}://{authority}/{name}"),
    }
}

/// Drops the databases earlier test runs left behind (a run that was killed):
/// those whose process is gone.
fn drop_leftovers(maintenance: &str) {
    let maintenance = maintenance.to_owned();
    let names = std::thread::spawn(move || -> Result<Vec<String>, postgres::Error> {
        let mut client = postgres::Client::connect(&maintenance, postgres::NoTls)?;
        let rows = client.query(
            "SELECT datname FROM pg_database WHERE starts_with(datname, $1)",
            &[&PREFIX],
        )?;
        Ok(rows.iter().map(|row| row.get(0)).collect())
    })
    .join()
    .expect("the maintenance thread")
    .unwrap_or_default();
    let maintenance = maintenance_url().expect("checked by the caller");
    for name in names {
        let pid = name[PREFIX.len()..].split('_').next().unwrap_or_default();
        if !Path::new("/proc").join(pid).exists() {
            let _ = on_maintenance(
                &maintenance,
                format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
            );
        }
    }
}

impl TestDatabase {
    /// Nothing: the server stays on SQLite in its data dir.
    pub fn none() -> Self {
        Self { postgres: None }
    }

    /// A fresh database (PostgreSQL), or nothing (SQLite).
    pub fn fresh() -> Self {
        static SWEPT: Once = Once::new();
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let Some(maintenance) = maintenance_url() else {
            return Self { postgres: None };
        };
        SWEPT.call_once(|| drop_leftovers(&maintenance));
        let name = format!(
            "{PREFIX}{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        on_maintenance(&maintenance, format!("CREATE DATABASE {name}"))
            .expect("a fresh test database");
        Self {
            postgres: Some((maintenance, name)),
        }
    }

    /// The server's setting naming this database, if it is not SQLite's default.
    pub fn env(&self) -> Option<(&'static str, String)> {
        self.postgres
            .as_ref()
            .map(|(maintenance, name)| (DATABASE_URL_ENV, with_database(maintenance, name)))
    }
}

impl TestDatabase {
    /// Whether the server runs on PostgreSQL.
    pub fn is_postgres(&self) -> bool {
        self.postgres.is_some()
    }

    /// Ends every connection to this database, as a restart of PostgreSQL
    /// does; returns how many there were (none on SQLite, which has none).
    pub fn cut_connections(&self) -> usize {
        let Some((maintenance, name)) = self.postgres.clone() else {
            return 0;
        };
        std::thread::spawn(move || -> Result<usize, postgres::Error> {
            let mut client = postgres::Client::connect(&maintenance, postgres::NoTls)?;
            let rows = client.query(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1",
                &[&name],
            )?;
            Ok(rows.len())
        })
        .join()
        .expect("the maintenance thread")
        .expect("connections terminated")
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Some((maintenance, name)) = self.postgres.take() {
            // FORCE: the server under test may still hold connections.
            if let Err(e) = on_maintenance(
                &maintenance,
                format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
            ) {
                eprintln!("test database {name} not dropped: {e}");
            }
        }
    }
}

/// Marks the database of `data_dir` as migrated to schema `version`, as a
/// newer server would have.
pub fn set_schema_version(data_dir: &Path, version: i64) -> Result<(), Box<dyn std::error::Error>> {
    match for_data_dir(data_dir) {
        Some((_, url)) => std::thread::spawn(move || -> Result<(), postgres::Error> {
            let mut client = postgres::Client::connect(&url, postgres::NoTls)?;
            client.execute("UPDATE lifeline_schema SET version = $1", &[&version])?;
            Ok(())
        })
        .join()
        .map_err(|_| "the maintenance thread panicked")??,
        None => rusqlite::Connection::open(data_dir.join("lifeline.db"))?.pragma_update(
            None,
            "user_version",
            version,
        )?,
    }
    Ok(())
}

/// The database of the servers and CLI runs that share `data_dir` (the
/// process tests start the real binary several times on one data dir).
/// Made on first use, and dropped once that data dir is gone (the test that
/// made it ended); the last ones are dropped by the next run's sweep.
pub fn for_data_dir(data_dir: &Path) -> Option<(&'static str, String)> {
    static BY_DIR: Mutex<Vec<(PathBuf, TestDatabase)>> = Mutex::new(Vec::new());
    maintenance_url()?;
    if SQLITE_DIRS
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .iter()
        .any(|dir| dir == data_dir)
    {
        return None;
    }
    let mut by_dir = BY_DIR.lock().unwrap_or_else(|p| p.into_inner());
    by_dir.retain(|(dir, _)| dir.exists());
    if let Some((_, database)) = by_dir.iter().find(|(dir, _)| dir == data_dir) {
        return database.env();
    }
    let database = TestDatabase::fresh();
    let env = database.env();
    by_dir.push((data_dir.to_path_buf(), database));
    env
}

/// Runs `sql` (any number of statements) on the database of `data_dir`.
pub fn execute_on(data_dir: &Path, sql: &str) -> Result<(), Box<dyn std::error::Error>> {
    match for_data_dir(data_dir) {
        Some((_, url)) => {
            let sql = sql.to_owned();
            std::thread::spawn(move || -> Result<(), postgres::Error> {
                postgres::Client::connect(&url, postgres::NoTls)?.batch_execute(&sql)
            })
            .join()
            .map_err(|_| "the maintenance thread panicked")??;
        }
        None => rusqlite::Connection::open(data_dir.join("lifeline.db"))?.execute_batch(sql)?,
    }
    Ok(())
}

/// The number the query `sql` answers (first column of its one row) on the
/// database of `data_dir`.
pub fn number_on(data_dir: &Path, sql: &str) -> Result<i64, Box<dyn std::error::Error>> {
    let number = match for_data_dir(data_dir) {
        Some((_, url)) => number_at(&url, sql)?,
        None => {
            rusqlite::Connection::open(data_dir.join("lifeline.db"))?
                .query_row(sql, [], |row| row.get(0))?
        }
    };
    Ok(number)
}

/// The number the query `sql` answers on the PostgreSQL database at `url`.
pub fn number_at(url: &str, sql: &str) -> Result<i64, Box<dyn std::error::Error>> {
    let (url, sql) = (url.to_owned(), sql.to_owned());
    let number = std::thread::spawn(move || -> Result<i64, postgres::Error> {
        postgres::Client::connect(&url, postgres::NoTls)?
            .query_one(&sql, &[])?
            .try_get(0)
    })
    .join()
    .map_err(|_| "the maintenance thread panicked")??;
    Ok(number)
}

/// The schema version the database of `data_dir` records.
pub fn schema_version(data_dir: &Path) -> Result<i64, Box<dyn std::error::Error>> {
    let sql = if for_data_dir(data_dir).is_some() {
        "SELECT version FROM lifeline_schema"
    } else {
        "PRAGMA user_version"
    };
    number_on(data_dir, sql)
}
