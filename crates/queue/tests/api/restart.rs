//! What a restart of the real binary finds: nobody connected after a kill -9,
//! the server secret its database was made with (or a refusal to start), and
//! files only the server's user can read.

use std::path::Path;
use std::time::Duration;

use lifeline_client::{Backoff, QueueClient, join_session};
use lifeline_protocol::{CaseState, HistoryAction, IdempotencyKey};

use crate::database;
use crate::helpers::{TestResult, sos_request};
use crate::process::{ServerProcess, set_up_company};

/// Polls the case until it reads `state` (10 s at most).
async fn wait_for_state(
    client: &QueueClient,
    token: &str,
    id: uuid::Uuid,
    state: CaseState,
) -> TestResult {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let case = client.get_case(token, id).await?;
        if case.state == state {
            return Ok(());
        }
        if tokio::time::Instant::now() > deadline {
            return Err(format!("the case reads {:?}, not {state:?}", case.state).into());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_case_in_progress_when_the_server_was_killed_reads_as_left_by_both_sides_after_restart()
-> TestResult {
    let dir = tempfile::tempdir()?;
    let data = dir.path();
    let company = set_up_company(data)?;
    let mut server = ServerProcess::start(data, &[])?;
    let client = QueueClient::new(&server.base_url)?;
    let created = client
        .create_case(
            &company.deployment_key,
            &IdempotencyKey::generate(),
            &sos_request(Some("crash during a session")),
        )
        .await?;
    let id = created.case.id;
    let backoff = Backoff::new(Duration::from_millis(50), Duration::from_millis(200));
    let (customer, _customer_events) =
        join_session(&client, created.token.clone(), id, backoff.clone());
    let (expert, _expert_events) = join_session(&client, company.expert_token.clone(), id, backoff);
    wait_for_state(&client, &created.token, id, CaseState::InProgress).await?;

    server.child.kill()?; // SIGKILL: neither side's leave is ever written
    server.child.wait()?;
    drop((customer, expert));

    let restarted = ServerProcess::start(data, &[])?;
    let client = QueueClient::new(&restarted.base_url)?;
    let case = client.get_case(&created.token, id).await?;
    assert_eq!(
        case.state,
        CaseState::from_presence(false, false, true),
        "nobody is connected to a server that just started"
    );
    assert_eq!(case.state, CaseState::Pending);
    let history = client
        .get_case(&company.expert_token, id)
        .await?
        .history
        .ok_or("experts see the history")?;
    let left = history
        .iter()
        .filter(|line| line.action == HistoryAction::Left && line.actor == "system")
        .count();
    assert_eq!(left, 2, "both sides leave in the history: {history:?}");

    // And the session works from there: both join again, the case is in progress.
    let backoff = Backoff::new(Duration::from_millis(50), Duration::from_millis(200));
    let (_customer, _customer_events) =
        join_session(&client, created.token.clone(), id, backoff.clone());
    let (_expert, _expert_events) =
        join_session(&client, company.expert_token.clone(), id, backoff);
    wait_for_state(&client, &created.token, id, CaseState::InProgress).await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_refuses_a_missing_or_different_secret_key_and_serves_again_with_its_own()
-> TestResult {
    let dir = tempfile::tempdir()?;
    let data = dir.path();
    // The adoption step below edits the SQLite file directly.
    database::keep_on_sqlite(data);
    let company = set_up_company(data)?;
    let key_file = data.join("secret.key");
    let original = std::fs::read_to_string(&key_file)?;

    // A database from before fingerprints were recorded adopts the key it is served with.
    rusqlite::Connection::open(data.join("lifeline.db"))?.execute(
        "DELETE FROM server_facts WHERE name = 'secret_fingerprint'",
        [],
    )?;
    drop(ServerProcess::start(data, &[])?);

    // Lost: no new key is made, and the message says which file and what to do.
    std::fs::remove_file(&key_file)?;
    let refusal = ServerProcess::refused_start(data, &[])?;
    assert!(
        refusal.contains(&key_file.display().to_string()) && refusal.contains("Restore"),
        "the refusal names the file and the remedy: {refusal}"
    );
    assert!(!key_file.exists(), "no replacement key was written");

    // Another key, in the file or in LIFELINE_SECRET_KEY: refused too.
    let other = "ab".repeat(32);
    std::fs::write(&key_file, &other)?;
    let refusal = ServerProcess::refused_start(data, &[])?;
    assert!(
        refusal.contains("is not the server secret"),
        "a different key file is refused: {refusal}"
    );
    std::fs::write(&key_file, &original)?;
    let refusal = ServerProcess::refused_start(data, &[("LIFELINE_SECRET_KEY", &other)])?;
    assert!(
        refusal.contains("LIFELINE_SECRET_KEY"),
        "a different configured key is refused: {refusal}"
    );

    // Restored: the deployment key shipped before still works.
    let server = ServerProcess::start(data, &[])?;
    let client = QueueClient::new(&server.base_url)?;
    client
        .create_case(
            &company.deployment_key,
            &IdempotencyKey::generate(),
            &sos_request(None),
        )
        .await?;
    Ok(())
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_data_dir_and_every_file_in_it_are_the_server_users_alone_whatever_the_umask()
-> TestResult {
    use std::os::unix::fs::PermissionsExt as _;

    let dir = tempfile::tempdir()?;
    let data = dir.path().join("lifeline");
    // The files checked are SQLite's own.
    database::keep_on_sqlite(&data);
    let server = ServerProcess::start_with_open_umask(&data)?;
    // A write (the health check's probe), so the WAL and shared-memory files exist.
    let health = reqwest::get(format!("{}/healthz", server.base_url)).await?;
    assert_eq!(health.status(), 200);

    let mode = |path: &Path| -> Result<u32, std::io::Error> {
        Ok(std::fs::metadata(path)?.permissions().mode() & 0o777)
    };
    assert_eq!(mode(&data)?, 0o700, "the data dir");
    let mut seen = Vec::new();
    for entry in std::fs::read_dir(&data)? {
        let path = entry?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("?");
        assert_eq!(mode(&path)?, 0o600, "{name}");
        seen.push(name.to_string());
    }
    seen.sort();
    assert_eq!(
        seen,
        [
            "lifeline.db",
            "lifeline.db-shm",
            "lifeline.db-wal",
            "secret.key"
        ],
        "every file the server made, and no temporary key left behind"
    );
    Ok(())
}
