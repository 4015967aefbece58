//! Opening the database file: its connections' settings and the migrations.

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use super::wal_sync::SyncWal;
use super::writer::REWIND_AFTER_FRAMES;
use crate::store::StoreError;

/// The schema, in order; `PRAGMA user_version` records how many are applied.
const MIGRATIONS: &[&str] = &[
    include_str!("../../../migrations/sqlite/0001_initial.sql"),
    include_str!("../../../migrations/sqlite/0002_console.sql"),
    include_str!("../../../migrations/sqlite/0003_session.sql"),
    include_str!("../../../migrations/sqlite/0004_server.sql"),
    include_str!("../../../migrations/sqlite/0005_presence.sql"),
    include_str!("../../../migrations/sqlite/0006_sla.sql"),
    include_str!("../../../migrations/sqlite/0007_audit.sql"),
    include_str!("../../../migrations/sqlite/0008_alerts.sql"),
    include_str!("../../../migrations/sqlite/0009_email.sql"),
    include_str!("../../../migrations/sqlite/0010_webhooks.sql"),
    include_str!("../../../migrations/sqlite/0011_deployment_keys.sql"),
    include_str!("../../../migrations/sqlite/0012_line_changes.sql"),
    include_str!("../../../migrations/sqlite/0013_expert_language.sql"),
];

/// The schema version this server brings a database to.
pub(crate) fn schema_version() -> usize {
    MIGRATIONS.len()
}

/// The WAL file's size once it starts over: what `REWIND_AFTER_FRAMES` lets
/// it reach (frames of SQLite's default 4 KiB page), so a busy server does
/// not cut and regrow it each time.
const WAL_SIZE_LIMIT: i64 = REWIND_AFTER_FRAMES * 4096;

/// Statements kept prepared per connection (the case list's filter
/// combinations among them).
const STATEMENT_CACHE: usize = 128;

/// Makes the database file (created empty when missing) and its WAL and
/// shared-memory files readable by the server's user only, whatever the
/// umask: SQLite creates the WAL and shared-memory files with the database
/// file's mode.
pub(super) fn make_private(path: &Path) -> Result<(), StoreError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _};
        let private = |e: std::io::Error| StoreError::Database(Box::new(e));
        std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o600)
            .open(path)
            .map_err(private)?;
        let mut files = vec![path.to_path_buf()];
        for suffix in ["-wal", "-shm"] {
            let mut name = path.as_os_str().to_owned();
            name.push(suffix);
            files.push(name.into());
        }
        for file in files.iter().filter(|file| file.exists()) {
            std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o600))
                .map_err(private)?;
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

pub(super) fn open_connection(path: &Path, flags: OpenFlags) -> Result<Connection, StoreError> {
    let conn = Connection::open_with_flags(path, flags | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    conn.busy_timeout(Duration::from_secs(10))?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    Ok(conn)
}

/// Opens the writing connection: WAL, a full fsync per commit (the store
/// moves the fsyncs off the writer once the migrations are in: `wal_sync`),
/// foreign keys on, no automatic checkpoints (a thread of their own runs
/// them), and the schema brought up to date.
pub(super) fn open_writer(path: &Path) -> Result<Connection, StoreError> {
    let mut writer = open_connection(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
    )?;
    writer.pragma_update(None, "journal_mode", "WAL")?;
    writer.pragma_update(None, "synchronous", "FULL")?;
    writer.pragma_update(None, "foreign_keys", "ON")?;
    // Checkpoints (copying the WAL back into the database, with an fsync of
    // its own) run on their own thread, so commits never wait for one.
    writer.pragma_update(None, "wal_autocheckpoint", 0)?;
    // When the WAL starts over (`writer::RewindWanted`), its file is cut back
    // to this size, so a burst of writes does not keep its disk space.
    writer.pragma_update(None, "journal_size_limit", WAL_SIZE_LIMIT)?;
    migrate(&mut writer)?;
    Ok(writer)
}

/// How the sync threads make the WAL of the database at `path` durable: an
/// `fdatasync` of the `-wal` file, which the writer's connection (open first)
/// has made. The file is opened once: SQLite removes it only when its last
/// connection to the database closes, and the writer's stays open as long as
/// the sync threads have commits to sync; a checkpoint rewinds the WAL in
/// place, never replacing the file.
pub(super) fn sync_wal(path: &Path) -> Result<SyncWal, StoreError> {
    let mut name = path.as_os_str().to_owned();
    name.push("-wal");
    let wal = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(&name)
        .map_err(|e| StoreError::Database(Box::new(e)))?;
    Ok(Box::new(move || wal.sync_data()))
}

/// The schema version of the database file at `path`, read without
/// changing it: 0 when there is no file yet (a first start).
pub(crate) fn applied_version(path: &Path) -> Result<usize, StoreError> {
    if !path.exists() {
        return Ok(0);
    }
    let conn = open_connection(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let found: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    Ok(usize::try_from(found).unwrap_or(usize::MAX))
}

/// Writes a consistent copy of the database at `path` into the new file
/// `copy` (`VACUUM INTO`: one read transaction, so a copy taken while
/// another connection writes is still whole), readable by its owner only.
pub(crate) fn back_up(path: &Path, copy: &Path) -> Result<(), StoreError> {
    let conn = open_connection(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let target = copy
        .to_str()
        .ok_or_else(|| StoreError::Invalid(format!("{} is not UTF-8", copy.display())))?;
    conn.execute("VACUUM INTO ?1", [target])?;
    make_private(copy)
}

fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let found: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    let applied = usize::try_from(found).unwrap_or(usize::MAX);
    if applied > MIGRATIONS.len() {
        return Err(StoreError::SchemaTooNew {
            found,
            known: MIGRATIONS.len(),
        });
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::sqlite::SqliteStore;

    #[test]
    fn a_database_from_a_newer_server_is_refused() -> Result<(), StoreError> {
        let dir = tempfile::tempdir().map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let path = dir.path().join("x.db");
        let conn = Connection::open(&path)?;
        conn.pragma_update(None, "user_version", 99)?;
        drop(conn);
        let error = SqliteStore::open(&path).expect_err("a newer schema must be refused");
        assert!(
            error.to_string().contains("newer than this server"),
            "{error}"
        );
        Ok(())
    }
}
