//! Creation stays exactly-once across instances: one case per idempotency
//! key whichever instance each retry reaches, and no code given twice.

use std::collections::HashSet;

use futures_util::future::join_all;
use lifeline_protocol::{CaseWithToken, IdempotencyKey};

use super::{Cluster, Fallible};
use crate::helpers::sos_request;

#[tokio::test]
#[ignore = "needs PostgreSQL: cargo xtask test runs the cluster tests"]
async fn fifty_creates_with_one_key_over_two_instances_give_one_case() -> Fallible<()> {
    let cluster = Cluster::start(2, &[])?;
    let http = reqwest::Client::new();
    let key = IdempotencyKey::generate();
    let body = sos_request(Some("same request, two instances"));
    let sends = (0..50).map(|i| {
        http.post(format!("{}/api/v1/cases", cluster.url(i % 2)))
            .bearer_auth(&cluster.company.deployment_key)
            .header("Idempotency-Key", key.as_str())
            .json(&body)
            .send()
    });
    let mut answers = HashSet::new();
    for response in join_all(sends).await {
        let response = response?;
        let status = response.status().as_u16();
        answers.insert((status, response.text().await?));
    }
    assert_eq!(answers.len(), 1, "every answer is the same: {answers:?}");
    let (status, answer) = answers.into_iter().next().ok_or("an answer")?;
    assert_eq!(status, 201, "{answer}");
    let created: CaseWithToken = serde_json::from_str(&answer)?;
    for instance in 0..2 {
        let listed = cluster
            .client(instance)?
            .list_cases(&cluster.company.expert_token, &Default::default())
            .await?;
        let ids: Vec<_> = listed.cases.iter().map(|case| case.id).collect();
        assert_eq!(
            ids,
            vec![created.case.id],
            "instance {instance} lists exactly the one case"
        );
    }
    cluster.assert_no_panics()
}

#[tokio::test]
#[ignore = "needs PostgreSQL: cargo xtask test runs the cluster tests"]
async fn creates_spread_over_two_instances_get_distinct_codes() -> Fallible<()> {
    let cluster = Cluster::start(2, &[])?;
    let clients = [cluster.client(0)?, cluster.client(1)?];
    let request = sos_request(None);
    let keys: Vec<_> = (0..200).map(|_| IdempotencyKey::generate()).collect();
    let creates = keys
        .iter()
        .enumerate()
        .map(|(i, key)| clients[i % 2].create_case(&cluster.company.deployment_key, key, &request));
    let mut codes = HashSet::new();
    let mut ids = HashSet::new();
    for created in join_all(creates).await {
        let created = created?;
        codes.insert(created.case.code);
        ids.insert(created.case.id);
    }
    assert_eq!(ids.len(), 200, "200 cases");
    assert_eq!(codes.len(), 200, "no code was given to two open cases");
    cluster.assert_no_panics()
}
