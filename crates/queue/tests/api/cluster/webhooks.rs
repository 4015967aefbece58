//! Webhooks from several instances sharing one outbox: each event is sent
//! once, by whichever instance claimed it, in the order the changes committed.

use std::collections::HashSet;

use futures_util::future::join_all;

use super::{Cluster, Fallible, poll_until};
use crate::webhooks::receiver::{Answer, Receiver};
use crate::webhooks::register_at;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PostgreSQL: cargo xtask test runs the cluster tests"]
async fn three_instances_send_each_event_once() -> Fallible<()> {
    let cluster = Cluster::start(3, &[])?;
    let receiver = Receiver::start(Answer::Status(200)).await?;
    let http = reqwest::Client::new();
    let token = &cluster.company.expert_token;
    let id = register_at(&http, cluster.url(0), token, &receiver, &["case.created"]).await?;

    let creates = (0..30).map(|i| cluster.create_case(i % 3));
    let mut created = HashSet::new();
    for made in join_all(creates).await {
        created.insert(made?.0.to_string());
    }
    let got = receiver.wait_for(30).await?;
    let ids: HashSet<&str> = got.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids.len(), 30, "an event id arrived twice");
    let cases: HashSet<String> = got
        .iter()
        .map(|r| {
            r.body["data"]["case"]["id"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    assert_eq!(cases, created);
    assert!(got.iter().all(|r| r.signed));

    // Every delivery was sent once and recorded delivered, on whichever instance.
    let log: Vec<serde_json::Value> = poll_until(
        std::time::Duration::from_secs(10),
        "every delivery recorded",
        || async {
            let log: Vec<serde_json::Value> = http
                .get(format!(
                    "{}/api/v1/webhooks/{id}/deliveries?limit=100",
                    cluster.url(1)
                ))
                .bearer_auth(token)
                .send()
                .await?
                .json()
                .await?;
            Ok(log
                .iter()
                .all(|d| d["delivered_at"].is_string())
                .then_some(log))
        },
    )
    .await?;
    assert_eq!(log.len(), 30);
    assert!(log.iter().all(|d| d["attempts"] == 1), "{log:?}");
    // The receiver got them in the endpoint's commit order (the log is newest first).
    let order: Vec<&str> = log
        .iter()
        .rev()
        .filter_map(|d| d["event_id"].as_str())
        .collect();
    let arrived: Vec<&str> = got.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(order, arrived);
    assert_eq!(receiver.received().len(), 30);
    cluster.assert_no_panics()
}
