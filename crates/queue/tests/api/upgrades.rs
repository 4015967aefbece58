//! Upgrades on either backend: a database an older server made (schema
//! version 1, built from the first migration as that server did) is migrated
//! only after a backup taken in the same step or on an explicit
//! `--no-backup`; the backup restores the old schema and its data.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use lifeline_queue::credentials::ServerSecret;

use crate::database::{self, TestDatabase};
use crate::helpers::TestResult;
use crate::process::{ServerProcess, cli_ok, run_cli};

/// The group the old server's database holds.
const OLD_GROUP: &str = "Front desk";

/// Makes the database of `data_dir` as the first server version left it:
/// schema version 1, a group, and the server secret's file.
fn old_database(data_dir: &Path) -> TestResult {
    std::fs::create_dir_all(data_dir)?;
    let sql = if database::on_postgres() {
        format!(
            "{}\nCREATE TABLE lifeline_schema (version BIGINT NOT NULL);\n\
             INSERT INTO lifeline_schema (version) VALUES (1);\n\
             INSERT INTO groups (id, name, created_at) VALUES (gen_random_uuid(), '{OLD_GROUP}', 0);",
            include_str!("../../migrations/postgres/0001_initial.sql")
        )
    } else {
        format!(
            "{}\nPRAGMA user_version = 1;\n\
             INSERT INTO groups (id, name, created_at) VALUES (randomblob(16), '{OLD_GROUP}', 0);",
            include_str!("../../migrations/sqlite/0001_initial.sql")
        )
    };
    database::execute_on(data_dir, &sql)?;
    ServerSecret::create(data_dir)?;
    Ok(())
}

fn old_group_count(data_dir: &Path) -> Result<i64, Box<dyn std::error::Error>> {
    database::number_on(
        data_dir,
        &format!("SELECT count(*) FROM groups WHERE name = '{OLD_GROUP}'"),
    )
}

/// The backup folders under `dir`.
fn backups_in(dir: &Path) -> Result<Vec<PathBuf>, Box<dyn std::error::Error>> {
    if !dir.exists() {
        return Ok(Vec::new());
    }
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        found.push(entry?.path());
    }
    Ok(found)
}

fn stderr_of(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn an_old_database_is_not_migrated_without_a_backup_or_an_explicit_flag() -> TestResult {
    let dir = tempfile::tempdir()?;
    let data = dir.path();
    old_database(data)?;

    let output = run_cli(data, &["group", "add", "Back office"], "")?;
    assert!(!output.status.success());
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains("schema version 1")
            && stderr.contains("--backup-to DIR")
            && stderr.contains("--no-backup"),
        "{stderr}"
    );
    let refusal = ServerProcess::refused_start(data, &[])?;
    assert!(refusal.contains("migrate --backup-to DIR"), "{refusal}");
    assert_eq!(database::schema_version(data)?, 1, "nothing was migrated");

    // Said explicitly, it migrates without a backup (and keeps the data).
    cli_ok(data, &["group", "add", "Back office", "--no-backup"], "")?;
    assert!(database::schema_version(data)? > 1);
    assert_eq!(old_group_count(data)?, 1);
    Ok(())
}

#[test]
fn migrate_backs_up_first_and_the_backup_brings_back_the_old_schema() -> TestResult {
    let dir = tempfile::tempdir()?;
    let data = dir.path().join("data");
    let backups = dir.path().join("backups");
    old_database(&data)?;

    let migrated = cli_ok(
        &data,
        &["migrate", "--backup-to", backups.to_str().ok_or("utf-8")?],
        "",
    )?;
    assert!(
        migrated.contains("migrated from schema version 1 to"),
        "{migrated}"
    );
    let known = database::schema_version(&data)?;
    assert!(known > 1);
    assert_eq!(
        old_group_count(&data)?,
        1,
        "the data survived the migration"
    );
    // Up to date: a second run needs no backup and makes none.
    let again = cli_ok(&data, &["migrate"], "")?;
    assert!(again.contains("nothing to migrate"), "{again}");

    let made = backups_in(&backups)?;
    assert_eq!(made.len(), 1, "{made:?}");
    let backup = &made[0];
    let name = backup
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    assert!(
        name.starts_with("lifeline-") && name.ends_with("-schema-1"),
        "{name}"
    );
    assert_eq!(
        std::fs::read(backup.join("secret.key"))?,
        std::fs::read(data.join("secret.key"))?,
        "the backup carries the secret its database needs"
    );
    let restore = std::fs::read_to_string(backup.join("RESTORE.txt"))?;
    assert!(restore.contains("schema version 1"), "{restore}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        assert_eq!(
            std::fs::metadata(backup)?.permissions().mode() & 0o777,
            0o700
        );
    }

    // The rollback drill of docs/upgrading.md: restore, and the database is
    // the old server's again, data included.
    if database::on_postgres() {
        let target = TestDatabase::fresh();
        let (_, url) = target.env().ok_or("a PostgreSQL database")?;
        let restored = Command::new("pg_restore")
            .args(["--no-owner", "--exit-on-error", "--dbname", &url])
            .arg(backup.join("lifeline.dump"))
            .output()?;
        assert!(restored.status.success(), "{}", stderr_of(&restored));
        assert_eq!(
            database::number_at(&url, "SELECT version FROM lifeline_schema")?,
            1
        );
        assert_eq!(
            database::number_at(
                &url,
                &format!("SELECT count(*) FROM groups WHERE name = '{OLD_GROUP}'")
            )?,
            1
        );
    } else {
        let db = data.join("lifeline.db");
        for leftover in ["lifeline.db-wal", "lifeline.db-shm"] {
            let _ = std::fs::remove_file(data.join(leftover));
        }
        std::fs::copy(backup.join("lifeline.db"), &db)?;
        assert_eq!(database::schema_version(&data)?, 1);
        assert_eq!(old_group_count(&data)?, 1);
        // Restored, it is an old database again: this server asks for a backup.
        let output = run_cli(&data, &["group", "add", "Back office"], "")?;
        assert!(
            stderr_of(&output).contains("schema version 1"),
            "{}",
            stderr_of(&output)
        );
    }
    Ok(())
}

#[tokio::test]
async fn serve_backs_up_as_its_setting_says_and_a_later_start_needs_nothing() -> TestResult {
    let dir = tempfile::tempdir()?;
    let data = dir.path().join("data");
    let backups = dir.path().join("backups");
    old_database(&data)?;
    let setting = backups.to_str().ok_or("utf-8")?;

    let mut server = ServerProcess::start(&data, &[("LIFELINE_MIGRATION_BACKUP_DIR", setting)])?;
    let health = reqwest::get(format!("{}/healthz", server.base_url)).await?;
    assert!(health.status().is_success());
    server.terminate(Duration::from_secs(10))?;
    assert_eq!(backups_in(&backups)?.len(), 1);
    assert!(database::schema_version(&data)? > 1);

    // Nothing pending: no flag needed, no second backup.
    let mut server = ServerProcess::start(&data, &[])?;
    server.terminate(Duration::from_secs(10))?;
    assert_eq!(backups_in(&backups)?.len(), 1);
    Ok(())
}

#[test]
fn a_backup_that_fails_migrates_nothing() -> TestResult {
    let dir = tempfile::tempdir()?;
    let data = dir.path().join("data");
    old_database(&data)?;
    let backups = dir.path().join("backups");
    let (env, expected): (Vec<(&str, &str)>, &str) = if database::on_postgres() {
        // No pg_dump to be found: said plainly, with the way on.
        (vec![("PATH", "/nonexistent")], "pg_dump is not on PATH")
    } else {
        // The backup folder's place is taken by a file.
        std::fs::write(&backups, "not a folder")?;
        (Vec::new(), "failed to back up the database")
    };
    let mut env = env;
    let setting = backups.to_str().ok_or("utf-8")?;
    env.push(("LIFELINE_MIGRATION_BACKUP_DIR", setting));
    let refusal = ServerProcess::refused_start(&data, &env)?;
    assert!(refusal.contains(expected), "{refusal}");
    assert!(refusal.contains("nothing was migrated"), "{refusal}");
    assert_eq!(database::schema_version(&data)?, 1);
    if database::on_postgres() {
        assert!(
            backups_in(&backups)?.is_empty(),
            "a failed backup leaves no folder"
        );
    }
    Ok(())
}
