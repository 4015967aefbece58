use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use lifeline_client::QueueClient;
use lifeline_protocol::{CaseWithToken, DeploymentFile, IdempotencyKey};
use tokio::sync::Mutex;

use crate::helpers::{TestResult, sos_request};
use crate::process::{ServerProcess, cli_ok};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_during_a_burst_of_creates_keeps_every_case_it_acknowledged() -> TestResult
{
    let dir = tempfile::tempdir()?;
    let data = dir.path();
    cli_ok(data, &["group", "add", "Front desk"], "")?;
    let file = cli_ok(
        data,
        &[
            "deployment",
            "add",
            "--name",
            "Acme",
            "--group",
            "Front desk",
            "--server-url",
            "http://127.0.0.1:9",
        ],
        "",
    )?;
    let key = toml::from_str::<DeploymentFile>(&file)?.deployment_key;

    let mut server = ServerProcess::start(data, &[])?;
    let client = QueueClient::new(&server.base_url)?;
    let acknowledged: Arc<Mutex<Vec<(IdempotencyKey, CaseWithToken)>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let mut workers = Vec::new();
    for _ in 0..32 {
        let (client, key, acknowledged, stop) = (
            client.clone(),
            key.clone(),
            acknowledged.clone(),
            stop.clone(),
        );
        workers.push(tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                let idempotency_key = IdempotencyKey::generate();
                match client
                    .create_case(&key, &idempotency_key, &sos_request(Some("burst")))
                    .await
                {
                    Ok(created) => acknowledged.lock().await.push((idempotency_key, created)),
                    Err(_) => return, // the server is gone
                }
            }
        }));
    }
    // Kill mid-burst, once a good number of creates have been acknowledged.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while acknowledged.lock().await.len() < 300 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the burst is too slow"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    server.child.kill()?; // SIGKILL: no shutdown, no flush
    server.child.wait()?;
    stop.store(true, Ordering::Relaxed);
    for worker in workers {
        worker.await?;
    }
    let acknowledged = std::mem::take(&mut *acknowledged.lock().await);

    let restarted = ServerProcess::start(data, &[])?;
    let client = QueueClient::new(&restarted.base_url)?;
    for (_, created) in &acknowledged {
        let read = client.get_case(&created.token, created.case.id).await?;
        assert_eq!(
            read.code, created.case.code,
            "acknowledged case {} survived",
            created.case.id
        );
    }
    // And a retry of an acknowledged request still finds the same case: exactly once.
    let (idempotency_key, created) = acknowledged.last().ok_or("an acknowledged case")?;
    let again = client
        .create_case(&key, idempotency_key, &sos_request(Some("burst")))
        .await?;
    assert_eq!(again.case.id, created.case.id);
    eprintln!(
        "{} acknowledged cases all survived SIGKILL",
        acknowledged.len()
    );
    Ok(())
}
