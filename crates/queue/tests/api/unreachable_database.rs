//! A PostgreSQL `database_url` the server cannot reach stops it at start
//! with the reason, naming the URL without its password.

use crate::helpers::TestResult;
use crate::process::binary;

#[test]
fn an_unreachable_postgres_stops_the_server_at_start_with_the_reason() -> TestResult {
    let dir = tempfile::tempdir()?;
    // Nothing listens on port 1 of the loopback: the connection is refused at once.
    let output = std::process::Command::new(binary())
        .args(["group", "add", "Front desk"])
        .env("LIFELINE_DATA_DIR", dir.path())
        .env(
            "LIFELINE_DATABASE_URL",
            "postgres://lifeline:hunter2-secret@127.0.0.1:1/queue",
        )
        .env_remove("LIFELINE_CONFIG")
        .output()?;
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("failed to open the database postgres://lifeline:***@127.0.0.1:1/queue"),
        "{stderr}"
    );
    assert!(stderr.contains("error connecting to server"), "{stderr}");
    assert!(!stderr.contains("hunter2"), "{stderr}");
    Ok(())
}
