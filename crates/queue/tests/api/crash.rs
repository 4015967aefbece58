use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use lifeline_client::{CaseFilter, QueueClient};
use lifeline_protocol::{CaseState, CaseWithToken, IdempotencyKey};
use tokio::sync::Mutex;

use crate::helpers::{TestResult, sos_request};
use crate::process::{ServerProcess, set_up_company};

/// How many times the burst is cut by SIGKILL.
const KILLS: usize = 4;
/// Creates acknowledged per round before the kill.
const ACKNOWLEDGED_PER_ROUND: usize = 150;

/// Every create sent: its key, and the case if the server acknowledged it.
type Sent = Arc<Mutex<Vec<(IdempotencyKey, Option<CaseWithToken>)>>>;

/// 32 workers creating cases against `base_url` until told to stop or the server is gone.
fn burst(
    base_url: &str,
    deployment_key: &str,
    sent: &Sent,
    stop: &Arc<AtomicBool>,
) -> Result<Vec<tokio::task::JoinHandle<()>>, Box<dyn std::error::Error>> {
    let client = QueueClient::new(base_url)?;
    Ok((0..32)
        .map(|_| {
            let (client, key, sent, stop) = (
                client.clone(),
                deployment_key.to_string(),
                Arc::clone(sent),
                Arc::clone(stop),
            );
            tokio::spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    let idempotency_key = IdempotencyKey::generate();
                    let answer = client
                        .create_case(&key, &idempotency_key, &sos_request(Some("burst")))
                        .await;
                    let acknowledged = answer.is_ok();
                    sent.lock().await.push((idempotency_key, answer.ok()));
                    if !acknowledged {
                        return; // the server is gone
                    }
                }
            })
        })
        .collect())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_again_and_again_mid_burst_keeps_every_case_it_acknowledged_exactly_once()
-> TestResult {
    let dir = tempfile::tempdir()?;
    let data = dir.path();
    let company = set_up_company(data)?;
    let key = company.deployment_key;
    let sent: Sent = Arc::default();

    for round in 0..KILLS {
        let mut server = ServerProcess::start(data, &[])?;
        let stop = Arc::new(AtomicBool::new(false));
        let workers = burst(&server.base_url, &key, &sent, &stop)?;
        // Kill mid-burst, once a good number of this round's creates are acknowledged.
        let target = (round + 1) * ACKNOWLEDGED_PER_ROUND;
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        loop {
            let acknowledged = sent.lock().await.iter().filter(|s| s.1.is_some()).count();
            if acknowledged >= target {
                break;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "round {round}: only {acknowledged} of {target} creates acknowledged in 60 s"
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        server.child.kill()?; // SIGKILL: no shutdown, no flush
        server.child.wait()?;
        stop.store(true, Ordering::Relaxed);
        for worker in workers {
            worker.await?;
        }
    }
    let sent = std::mem::take(&mut *sent.lock().await);

    let restarted = ServerProcess::start(data, &[])?;
    let client = QueueClient::new(&restarted.base_url)?;
    let mut acknowledged = 0;
    let mut cases = HashSet::new();
    // Every key again, as a client retrying after the crash would: an
    // acknowledged one finds its case (same id, same token), an unanswered
    // one finds the case it made before the kill or makes it now; either way
    // one case per key.
    for (idempotency_key, answer) in &sent {
        let again = client
            .create_case(&key, idempotency_key, &sos_request(Some("burst")))
            .await?;
        if let Some(created) = answer {
            acknowledged += 1;
            assert_eq!(
                (again.case.id, &again.token),
                (created.case.id, &created.token),
                "the acknowledged case comes back for its key"
            );
            let read = client.get_case(&created.token, created.case.id).await?;
            assert_eq!(read.code, created.case.code);
        }
        assert!(
            cases.insert(again.case.id),
            "two keys answered with case {}",
            again.case.id
        );
    }
    // No duplicate: the server holds exactly one case per key sent, no more.
    let mut listed = HashSet::new();
    let mut filter = CaseFilter::default();
    loop {
        let page = client.list_cases(&company.expert_token, &filter).await?;
        for case in page.cases {
            assert_eq!(
                case.state,
                CaseState::New,
                "nobody touched the burst's cases"
            );
            assert!(listed.insert(case.id), "case {} listed twice", case.id);
        }
        match page.next_cursor {
            Some(cursor) => filter.cursor = Some(cursor),
            None => break,
        }
    }
    assert_eq!(listed, cases, "the server holds one case per key, no more");
    eprintln!(
        "{acknowledged} acknowledged of {} sent over {KILLS} kills: all found once",
        sent.len()
    );
    Ok(())
}
