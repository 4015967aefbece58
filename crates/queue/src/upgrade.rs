//! Upgrades. Migrations are one way: once a newer server has migrated a
//! database, an older server refuses it. So a server migrates a database an
//! older server made only when a backup is taken in the same step (into a
//! new folder under `--backup-to DIR` or `migration_backup_dir`), or when
//! the operator said `--no-backup`; otherwise it refuses and says how.
//! The backup is the way back (docs/upgrading.md); none is ever deleted.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context as _, bail};
use time::OffsetDateTime;
use time::macros::format_description;

use crate::config::Config;
use crate::credentials::SECRET_FILE;
use crate::database_url::{DatabaseUrl, PostgresUrl};
use crate::hub::Hub;
use crate::metrics::StateChanges;
use crate::store::{postgres, sqlite};

/// What to do before migrating a database that holds an older server's data.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum BeforeMigrating {
    /// Refuse, and name the ways on (the default).
    #[default]
    Refuse,
    /// Back the database up into a new folder under this one first.
    BackUpInto(PathBuf),
    /// Migrate without a backup: the operator took one some other way.
    NoBackup,
}

/// A database's schema version, and the one this server brings it to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SchemaVersions {
    /// What the database holds (0: no server has migrated it yet).
    pub found: usize,
    /// What this server migrates it to.
    pub known: usize,
}

impl SchemaVersions {
    /// Whether opening would migrate data an older server wrote. A database
    /// no server has migrated yet holds nothing to lose.
    pub fn pending(self) -> bool {
        self.found > 0 && self.found < self.known
    }
}

/// The database file's name inside a SQLite backup folder.
pub const SQLITE_BACKUP_FILE: &str = "lifeline.db";
/// The `pg_dump` archive's name inside a PostgreSQL backup folder.
pub const POSTGRES_BACKUP_FILE: &str = "lifeline.dump";
/// The restore instructions written into every backup folder.
pub const RESTORE_FILE: &str = "RESTORE.txt";

/// Reads the schema version of the database `url` names, changing nothing.
pub async fn schema_versions(url: &DatabaseUrl) -> anyhow::Result<SchemaVersions> {
    let versions = match url {
        DatabaseUrl::Sqlite(path) => SchemaVersions {
            found: sqlite::open::applied_version(path)?,
            known: sqlite::open::schema_version(),
        },
        DatabaseUrl::Postgres(url) => {
            let url = url.clone();
            // The blocking client runs a runtime of its own: keep it off this one.
            let found = tokio::task::spawn_blocking(move || postgres::open::applied_version(&url))
                .await
                .context("the schema check stopped")??;
            SchemaVersions {
                found,
                known: postgres::open::schema_version(),
            }
        }
    };
    Ok(versions)
}

/// Before the store opens (and migrates): when the database holds an older
/// server's schema, refuses, backs up or warns, as `config` says. Returns
/// the backup folder made, if one was.
pub(crate) async fn before_opening(config: &Config) -> anyhow::Result<Option<PathBuf>> {
    let versions = schema_versions(&config.database_url)
        .await
        .with_context(|| format!("failed to open the database {}", config.database_url))?;
    if !versions.pending() {
        return Ok(None);
    }
    match &config.before_migrating {
        BeforeMigrating::Refuse => bail!(
            "the database {url} has schema version {found}; this server (lifeline-queue {version}) \
             would migrate it to version {known}, and an older server cannot read it after that. \
             Migrate with a backup taken in the same step: `lifeline-queue migrate --backup-to DIR` \
             (or `serve --backup-to DIR`, or the migration_backup_dir setting); or, holding a \
             backup of your own, add --no-backup. See docs/upgrading.md",
            url = config.database_url,
            found = versions.found,
            known = versions.known,
            version = env!("CARGO_PKG_VERSION"),
        ),
        BeforeMigrating::NoBackup => {
            tracing::warn!(
                database = %config.database_url,
                from = versions.found,
                to = versions.known,
                "migrating without a backup (--no-backup): an older server cannot read this database afterwards"
            );
            Ok(None)
        }
        BeforeMigrating::BackUpInto(dir) => {
            let folder = back_up(config, versions, dir).await.with_context(|| {
                format!(
                    "failed to back up the database {} into {} before migrating; nothing was migrated",
                    config.database_url,
                    dir.display()
                )
            })?;
            tracing::info!(
                backup = %folder.display(),
                from = versions.found,
                to = versions.known,
                "backed the database up before migrating"
            );
            Ok(Some(folder))
        }
    }
}

/// `lifeline-queue migrate`: brings the schema up to date (after the backup
/// `config` asks for) and says what it did.
pub async fn migrate(config: &Config) -> anyhow::Result<()> {
    let versions = schema_versions(&config.database_url)
        .await
        .with_context(|| format!("failed to open the database {}", config.database_url))?;
    // The CLI serves no metrics: nothing is counted.
    crate::open_store(config, Arc::new(Hub::default()), StateChanges::default()).await?;
    if versions.found >= versions.known {
        println!(
            "{}: schema version {}, nothing to migrate",
            config.database_url, versions.found
        );
    } else {
        println!(
            "{}: migrated from schema version {} to {}",
            config.database_url, versions.found, versions.known
        );
    }
    Ok(())
}

/// Backs the database up into a new folder under `dir`, with the server
/// secret's file and restore instructions; a failed backup leaves no folder.
async fn back_up(config: &Config, versions: SchemaVersions, dir: &Path) -> anyhow::Result<PathBuf> {
    crate::app::create_private_dir(dir)
        .with_context(|| format!("failed to create {}", dir.display()))?;
    let stamp = OffsetDateTime::now_utc()
        .format(format_description!(
            "[year][month][day]T[hour][minute][second]Z"
        ))
        .context("failed to format the time")?;
    let folder = dir.join(format!("lifeline-{stamp}-schema-{}", versions.found));
    create_new_private_dir(&folder)
        .with_context(|| format!("failed to create {}", folder.display()))?;
    let filled = fill(config, versions, &folder).await;
    if filled.is_err() {
        let _ = std::fs::remove_dir_all(&folder);
    }
    filled.map(|()| folder)
}

async fn fill(config: &Config, versions: SchemaVersions, folder: &Path) -> anyhow::Result<()> {
    let restore = match &config.database_url {
        DatabaseUrl::Sqlite(path) => {
            let copy = folder.join(SQLITE_BACKUP_FILE);
            sqlite::open::back_up(path, &copy)?;
            sqlite_restore(path)
        }
        DatabaseUrl::Postgres(url) => {
            pg_dump(url, &folder.join(POSTGRES_BACKUP_FILE)).await?;
            postgres_restore(url)
        }
    };
    let secret = if config.secret_key.is_some() {
        "The server secret comes from the secret_key setting (LIFELINE_SECRET_KEY): \
         restore with the same value.\n"
            .to_owned()
    } else {
        let key = config.data_dir.join(SECRET_FILE);
        std::fs::copy(&key, folder.join(SECRET_FILE))
            .with_context(|| format!("failed to copy {}", key.display()))?;
        restrict(&folder.join(SECRET_FILE))?;
        format!(
            "{SECRET_FILE} is the server secret this database was made with: put it back \
             in the data dir ({}) with the database.\n",
            config.data_dir.display()
        )
    };
    let mut text = format!(
        "Backup of {} at schema version {}, taken by lifeline-queue {} before migrating it \
         to version {}.\n\nTo go back (stop every server on this database first, then start \
         the older server's binary after restoring):\n\n{restore}\n{secret}",
        config.database_url,
        versions.found,
        env!("CARGO_PKG_VERSION"),
        versions.known,
    );
    let _ = writeln!(text, "\nSee docs/upgrading.md.");
    std::fs::write(folder.join(RESTORE_FILE), text).context("failed to write RESTORE.txt")?;
    Ok(())
}

fn sqlite_restore(path: &Path) -> String {
    let db = path.display();
    format!(
        "  rm -f {db}-wal {db}-shm\n  cp {SQLITE_BACKUP_FILE} {db}\n\n\
         (Remove the -wal and -shm files first: left beside the restored file they would be \
         replayed into it.)\n"
    )
}

fn postgres_restore(url: &PostgresUrl) -> String {
    format!(
        "  pg_restore --no-owner --exit-on-error --dbname=<an empty database> {POSTGRES_BACKUP_FILE}\n\n\
         (Into a new, empty database, then point database_url at it; the migrated one was {url}.)\n"
    )
}

/// Dumps the database at `url` into `file` (`pg_dump`'s custom format, for
/// `pg_restore`). The connection settings travel in libpq's environment
/// variables, so the password is never on a command line.
async fn pg_dump(url: &PostgresUrl, file: &Path) -> anyhow::Result<()> {
    let Some(pg_dump) = find_on_path("pg_dump") else {
        bail!(
            "pg_dump is not on PATH. The server backs PostgreSQL up with pg_dump (Debian's \
             postgresql-client, of the database server's major version or newer): install it, or \
             back the database up yourself and migrate with --no-backup"
        );
    };
    let config = postgres::open::writer_config(url)?;
    let mut command = tokio::process::Command::new(&pg_dump);
    command
        .arg("--format=custom")
        .arg("--no-password")
        .arg("--file")
        .arg(file)
        .envs(libpq_env(&config))
        .stdin(std::process::Stdio::null());
    let output = command
        .output()
        .await
        .with_context(|| format!("failed to run {}", pg_dump.display()))?;
    if !output.status.success() {
        bail!(
            "{} failed ({}): {}",
            pg_dump.display(),
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    restrict(file)
}

/// libpq's environment variables for the connection `config` describes.
fn libpq_env(config: &::postgres::Config) -> Vec<(&'static str, String)> {
    use ::postgres::config::{Host, SslMode};
    let mut env = Vec::new();
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .map(|host| match host {
            Host::Tcp(name) => name.clone(),
            #[cfg(unix)]
            Host::Unix(path) => path.display().to_string(),
        })
        .collect();
    if !hosts.is_empty() {
        env.push(("PGHOST", hosts.join(",")));
    }
    let ports: Vec<String> = config.get_ports().iter().map(u16::to_string).collect();
    if !ports.is_empty() {
        env.push(("PGPORT", ports.join(",")));
    }
    if let Some(user) = config.get_user() {
        env.push(("PGUSER", user.to_owned()));
    }
    if let Some(password) = config.get_password() {
        env.push(("PGPASSWORD", String::from_utf8_lossy(password).into_owned()));
    }
    if let Some(dbname) = config.get_dbname() {
        env.push(("PGDATABASE", dbname.to_owned()));
    }
    if let Some(options) = config.get_options() {
        env.push(("PGOPTIONS", options.to_owned()));
    }
    if let Some(timeout) = config.get_connect_timeout() {
        env.push(("PGCONNECT_TIMEOUT", timeout.as_secs().max(1).to_string()));
    }
    let ssl_mode = match config.get_ssl_mode() {
        SslMode::Disable => "disable",
        SslMode::Require => "require",
        _ => "prefer",
    };
    env.push(("PGSSLMODE", ssl_mode.to_owned()));
    env
}

/// The first executable file named `name` in a folder of `PATH`.
fn find_on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

/// Creates `dir`, which must not exist yet, readable by its owner only.
fn create_new_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Makes `file` readable by its owner only.
fn restrict(file: &Path) -> anyhow::Result<()> {
    #[cfg(unix)]
    std::fs::set_permissions(file, std::os::unix::fs::PermissionsExt::from_mode(0o600))
        .with_context(|| format!("failed to restrict {}", file.display()))?;
    #[cfg(not(unix))]
    let _ = file;
    Ok(())
}
