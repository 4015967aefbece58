//! The schema on either backend: a restart finds it migrated and keeps the
//! data, and a database a newer server has migrated is refused at start
//! rather than misread.

use crate::database;
use crate::helpers::TestResult;
use crate::process::{cli_ok, run_cli};

#[test]
fn a_database_migrated_by_a_newer_server_is_refused_at_start() -> TestResult {
    let dir = tempfile::tempdir()?;
    let data = dir.path();
    cli_ok(data, &["init"], "")?;
    cli_ok(data, &["group", "add", "Front desk"], "")?;
    // A second start on the same database migrates nothing and sees the first's data.
    let output = run_cli(data, &["group", "add", "front DESK"], "")?;
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("already taken"), "{stderr}");

    database::set_schema_version(data, 99)?;
    let output = run_cli(data, &["group", "add", "Back office"], "")?;
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("schema version 99") && stderr.contains("newer than this server"),
        "{stderr}"
    );
    Ok(())
}
