//! The local PostgreSQL the storage tests run against when `TEST_DATABASE_URL` is set.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread::sleep;
use std::time::Duration;

use anyhow::{Context, Result, bail};

use crate::system::{as_root, has_program, is_root, run_checked};

/// The database URL the test suite is given.
pub const TEST_DATABASE_URL: &str = "postgres://postgres@127.0.0.1:5432/test";
const MAINTENANCE_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";
const PORT: &str = "5432";
const HBA_MARKER: &str =
    "# added by `cargo xtask test`: the test suite logs in as postgres over loopback";
const HBA_LINE: &str = "host all postgres 127.0.0.1/32 trust";

/// Makes sure a local PostgreSQL runs on 127.0.0.1:5432 and returns the URL
/// to export as `TEST_DATABASE_URL`, or `None` (after saying why) when the
/// PostgreSQL tests have to be skipped. With `configure`, lets the test URL in
/// (loopback trust for the `postgres` role, a `test` database) when it is not.
pub fn test_database_url(configure: bool) -> Result<Option<String>> {
    if !has_program("pg_lsclusters") || !has_program("pg_isready") || !has_program("psql") {
        eprintln!(
            "xtask: PostgreSQL (Debian's postgresql-common tools) not found; PostgreSQL tests are skipped"
        );
        return Ok(None);
    }
    let clusters = clusters()?;
    let Some(cluster) = clusters.iter().find(|cluster| cluster.port == PORT) else {
        eprintln!(
            "xtask: no PostgreSQL cluster on port {PORT} (pg_lsclusters); PostgreSQL tests are skipped"
        );
        return Ok(None);
    };
    if cluster.status == "down" {
        eprintln!(
            "xtask: starting PostgreSQL {} {}",
            cluster.version, cluster.name
        );
        let mut start = as_root("pg_ctlcluster")?;
        start.args([
            "--skip-systemctl-redirect",
            &cluster.version,
            &cluster.name,
            "start",
        ]);
        run_checked(start, "pg_ctlcluster start")?;
    }
    if !wait_until_ready() {
        eprintln!(
            "xtask: PostgreSQL does not answer on 127.0.0.1:{PORT} (pg_isready); PostgreSQL tests are skipped"
        );
        return Ok(None);
    }
    if can_log_in(TEST_DATABASE_URL) {
        return Ok(Some(TEST_DATABASE_URL.to_owned()));
    }
    if !configure {
        eprintln!(
            "xtask: PostgreSQL runs, but {TEST_DATABASE_URL} does not accept a login; PostgreSQL tests are skipped.\n\
             xtask: `cargo xtask test --setup-postgres` (automatic when CI is set) trusts the postgres role \
             on 127.0.0.1 and creates the `test` database; or set TEST_DATABASE_URL yourself."
        );
        return Ok(None);
    }
    let_test_url_in(cluster)?;
    if can_log_in(TEST_DATABASE_URL) {
        Ok(Some(TEST_DATABASE_URL.to_owned()))
    } else {
        bail!("configured PostgreSQL, but {TEST_DATABASE_URL} still does not accept a login")
    }
}

#[derive(Debug)]
struct Cluster {
    version: String,
    name: String,
    port: String,
    status: String,
}

fn clusters() -> Result<Vec<Cluster>> {
    let output = Command::new("pg_lsclusters")
        .arg("--no-header")
        .stderr(Stdio::inherit())
        .output()
        .context("failed to run pg_lsclusters")?;
    if !output.status.success() {
        bail!("pg_lsclusters failed ({})", output.status);
    }
    let listing = String::from_utf8_lossy(&output.stdout);
    Ok(listing
        .lines()
        .filter_map(|line| {
            let mut columns = line.split_whitespace();
            Some(Cluster {
                version: columns.next()?.to_owned(),
                name: columns.next()?.to_owned(),
                port: columns.next()?.to_owned(),
                status: columns.next()?.to_owned(),
            })
        })
        .collect())
}

fn wait_until_ready() -> bool {
    // Bounded: 40 tries, half a second apart.
    for _ in 0..40 {
        let ready = Command::new("pg_isready")
            .args(["-q", "-h", "127.0.0.1", "-p", PORT])
            .status()
            .is_ok_and(|status| status.success());
        if ready {
            return true;
        }
        sleep(Duration::from_millis(500));
    }
    false
}

fn psql(url: &str, sql: &str) -> Command {
    let mut command = Command::new("psql");
    command
        .args(["-w", "-X", "-q", "-A", "-t", "-d", url, "-c", sql])
        .env("PGCONNECT_TIMEOUT", "5")
        .stdin(Stdio::null());
    command
}

fn can_log_in(url: &str) -> bool {
    psql(url, "SELECT 1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

/// Trusts the `postgres` role on 127.0.0.1 and creates the `test` database.
/// Meant for CI and throw-away machines: it gives every local user superuser
/// access over loopback.
fn let_test_url_in(cluster: &Cluster) -> Result<()> {
    if !is_root() {
        bail!(
            "setting up PostgreSQL needs root: add `{HBA_LINE}` at the top of pg_hba.conf of cluster {} {}, \
             reload it and create the database `test`, or set TEST_DATABASE_URL",
            cluster.version,
            cluster.name
        );
    }
    let hba: PathBuf = [
        "/etc/postgresql",
        &cluster.version,
        &cluster.name,
        "pg_hba.conf",
    ]
    .iter()
    .collect();
    let current = std::fs::read_to_string(&hba)
        .with_context(|| format!("failed to read {}", hba.display()))?;
    if !current.contains(HBA_MARKER) {
        eprintln!("xtask: trusting postgres@127.0.0.1 in {}", hba.display());
        // First matching line wins, so the new rule goes on top.
        std::fs::write(&hba, format!("{HBA_MARKER}\n{HBA_LINE}\n{current}"))
            .with_context(|| format!("failed to write {}", hba.display()))?;
        let mut reload = Command::new("pg_ctlcluster");
        reload.args([
            "--skip-systemctl-redirect",
            &cluster.version,
            &cluster.name,
            "reload",
        ]);
        run_checked(reload, "pg_ctlcluster reload")?;
    }
    // Reload is asynchronous: give the server a moment to read the new rules.
    let mut logged_in = false;
    for _ in 0..20 {
        if can_log_in(MAINTENANCE_URL) {
            logged_in = true;
            break;
        }
        sleep(Duration::from_millis(250));
    }
    if !logged_in {
        bail!(
            "cannot log in to {MAINTENANCE_URL} after trusting it in {}",
            hba.display()
        );
    }
    let exists = psql(
        MAINTENANCE_URL,
        "SELECT 1 FROM pg_database WHERE datname = 'test'",
    )
    .output()
    .context("failed to look for the test database")?;
    if String::from_utf8_lossy(&exists.stdout).trim() != "1" {
        eprintln!("xtask: creating PostgreSQL database `test`");
        run_checked(
            psql(MAINTENANCE_URL, "CREATE DATABASE test"),
            "CREATE DATABASE test",
        )?;
    }
    Ok(())
}

/// The value of a server setting (`SHOW name`), e.g. `server_version`.
pub fn setting(url: &str, name: &str) -> Result<String> {
    Ok(query_lines(url, &format!("SHOW {name}"))?.join(" "))
}

/// Runs one statement with `psql` and returns its rows, one line each
/// (columns separated by `|`).
pub fn query_lines(url: &str, sql: &str) -> Result<Vec<String>> {
    let output = psql(url, sql)
        .output()
        .with_context(|| format!("failed to run psql for {sql}"))?;
    if !output.status.success() {
        bail!(
            "{sql} failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::to_owned)
        .collect())
}

/// A fresh, empty database on a PostgreSQL, dropped (with any connection left
/// to it) when this value is dropped.
#[derive(Debug)]
pub struct ScratchDatabase {
    maintenance_url: String,
    name: String,
    url: String,
}

impl ScratchDatabase {
    /// Creates `<prefix>_<pid>_<n>` through `maintenance_url` (a URL that can
    /// create databases); `prefix` must be a plain SQL identifier.
    pub fn create(maintenance_url: &str, prefix: &str) -> Result<Self> {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let name = format!(
            "{prefix}_{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let url = with_database(maintenance_url, &name)?;
        run_checked(
            psql(maintenance_url, &format!("CREATE DATABASE {name}")),
            &format!("CREATE DATABASE {name}"),
        )?;
        Ok(Self {
            maintenance_url: maintenance_url.to_owned(),
            name,
            url,
        })
    }

    /// The URL of the new database.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The database's name.
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl Drop for ScratchDatabase {
    fn drop(&mut self) {
        let drop = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        if let Err(error) = run_checked(psql(&self.maintenance_url, &drop), &drop) {
            eprintln!("xtask: warning: {error:#}");
        }
    }
}

/// `url` with its database (the path) replaced by `name`, query kept.
fn with_database(url: &str, name: &str) -> Result<String> {
    let (scheme, rest) = url
        .split_once("://")
        .with_context(|| format!("{url} is not a postgres:// URL"))?;
    let (before_query, query) = match rest.split_once('?') {
        Some((before, query)) => (before, Some(query)),
        None => (rest, None),
    };
    let authority = before_query
        .split_once('/')
        .map_or(before_query, |(authority, _)| authority);
    Ok(match query {
        Some(query) => format!("{scheme}://{authority}/{name}?{query}"),
        None => format!("{scheme}://{authority}/{name}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_database_of_a_url_is_replaced_and_its_query_kept() -> Result<()> {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/test", "b_1")?,
            "postgres://postgres@127.0.0.1:5432/b_1"
        );
        assert_eq!(
            with_database("postgres://u:p@db/test?sslmode=disable", "b_1")?,
            "postgres://u:p@db/b_1?sslmode=disable"
        );
        assert_eq!(with_database("postgres://db", "b_1")?, "postgres://db/b_1");
        assert!(with_database("db/test", "b_1").is_err());
        Ok(())
    }
}
