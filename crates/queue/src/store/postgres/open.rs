//! Connecting: the connection settings the URL leaves open, and the migrations.

use std::time::Duration;

use crate::database_url::PostgresUrl;
use crate::store::StoreError;

/// The schema, in order; the table `lifeline_schema` records how many are applied.
const MIGRATIONS: &[&str] = &[
    include_str!("../../../migrations/postgres/0001_initial.sql"),
    include_str!("../../../migrations/postgres/0002_server.sql"),
    include_str!("../../../migrations/postgres/0003_presence.sql"),
    include_str!("../../../migrations/postgres/0004_limits.sql"),
    include_str!("../../../migrations/postgres/0005_sla.sql"),
    include_str!("../../../migrations/postgres/0006_audit.sql"),
    include_str!("../../../migrations/postgres/0007_alerts.sql"),
    include_str!("../../../migrations/postgres/0008_email.sql"),
    include_str!("../../../migrations/postgres/0009_webhooks.sql"),
    include_str!("../../../migrations/postgres/0010_deployment_keys.sql"),
    include_str!("../../../migrations/postgres/0011_line_changes.sql"),
    include_str!("../../../migrations/postgres/0012_expert_language.sql"),
];

/// The schema version this server brings a database to.
pub(crate) fn schema_version() -> usize {
    MIGRATIONS.len()
}

/// How long a connection attempt may take when the URL does not say.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Taken while migrating, so servers starting together migrate one at a time.
const MIGRATION_LOCK: i64 = 0x4c69_6665_6c69_6e01;

/// What the application is called in `pg_stat_activity` when the URL does not say.
const APPLICATION_NAME: &str = "lifeline-queue";

fn invalid_url(error: tokio_postgres::Error) -> StoreError {
    // The driver's message names the bad part, never the password.
    StoreError::Invalid(format!("database_url: {error}"))
}

/// Settings of the writer's (blocking) connection.
pub(crate) fn writer_config(url: &PostgresUrl) -> Result<postgres::Config, StoreError> {
    let mut config: postgres::Config = url.expose().parse().map_err(invalid_url)?;
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(CONNECT_TIMEOUT);
    }
    if config.get_application_name().is_none() {
        config.application_name(APPLICATION_NAME);
    }
    Ok(config)
}

/// Settings of the pooled read connections.
pub(super) fn reader_config(url: &PostgresUrl) -> Result<tokio_postgres::Config, StoreError> {
    let mut config: tokio_postgres::Config = url.expose().parse().map_err(invalid_url)?;
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(CONNECT_TIMEOUT);
    }
    if config.get_application_name().is_none() {
        config.application_name(APPLICATION_NAME);
    }
    Ok(config)
}

/// The schema version of the database at `url`, read without changing it:
/// 0 when no server has migrated it yet. Blocking (the synchronous client).
pub(crate) fn applied_version(url: &PostgresUrl) -> Result<usize, StoreError> {
    let mut client = writer_config(url)?
        .connect(postgres::NoTls)
        .map_err(|e| StoreError::Database(Box::new(e)))?;
    let has_table: bool = client
        .query_one("SELECT to_regclass('lifeline_schema') IS NOT NULL", &[])?
        .try_get(0)?;
    if !has_table {
        return Ok(0);
    }
    let recorded: Option<i64> =
        match client.query_opt("SELECT version FROM lifeline_schema", &[])? {
            Some(row) => Some(row.try_get(0)?),
            None => None,
        };
    Ok(recorded.map_or(0, |found| usize::try_from(found).unwrap_or(usize::MAX)))
}

/// Whether the database holds a Lifeline schema (any version): the
/// administration commands refuse to make one where there is none. Blocking.
pub(crate) fn has_schema(url: &PostgresUrl) -> Result<bool, StoreError> {
    Ok(applied_version(url)? > 0)
}

/// Brings the schema up to date in one transaction (PostgreSQL's DDL is
/// transactional: a failed migration leaves nothing behind).
pub(super) fn migrate(client: &mut postgres::Client) -> Result<(), StoreError> {
    let mut tx = client.transaction()?;
    migrate_within(&mut tx)?;
    tx.commit()?;
    Ok(())
}

/// Brings the schema up to date inside `tx`, whose caller commits it (with
/// more of its own work, as `migrate-db` does with the rows it copies).
pub(crate) fn migrate_within(tx: &mut postgres::Transaction<'_>) -> Result<(), StoreError> {
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
    tx.batch_execute("CREATE TABLE IF NOT EXISTS lifeline_schema (version BIGINT NOT NULL)")?;
    let found: i64 = match tx.query_opt("SELECT version FROM lifeline_schema", &[])? {
        Some(row) => row.try_get(0)?,
        None => {
            tx.execute("INSERT INTO lifeline_schema (version) VALUES (0)", &[])?;
            0
        }
    };
    let applied = usize::try_from(found).unwrap_or(usize::MAX);
    if applied > MIGRATIONS.len() {
        return Err(StoreError::SchemaTooNew {
            found,
            known: MIGRATIONS.len(),
        });
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(applied) {
        tx.batch_execute(sql)?;
        let version = i64::try_from(index + 1).unwrap_or(i64::MAX);
        tx.execute("UPDATE lifeline_schema SET version = $1", &[&version])?;
        tracing::info!(version, "applied PostgreSQL migration");
    }
    Ok(())
}
