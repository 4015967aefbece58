//! The SLA histograms count each case once with several instances: two
//! instances race to assign and to close the same cases, and the counts
//! summed over both instances' `/metrics` are one per case.

use futures_util::future::join_all;

use super::assignment::add_expert;
use super::{Cluster, Fallible};
use crate::sla::series_value;

/// Cases the two instances race over.
const CASES: u8 = 8;

/// A histogram's count for the company's group, summed over both instances.
async fn count_over(cluster: &Cluster, histogram: &str) -> Fallible<f64> {
    let series = format!("lifeline_case_time_to_{histogram}_seconds_count{{group=\"Front desk\"}}");
    let mut total = 0.0;
    for index in 0..2 {
        let text = reqwest::get(format!("{}/metrics", cluster.url(index)))
            .await?
            .text()
            .await?;
        total += series_value(&text, &series).unwrap_or(0.0);
    }
    Ok(total)
}

#[tokio::test]
#[ignore = "needs PostgreSQL: cargo xtask test runs the cluster tests"]
async fn two_instances_racing_to_assign_and_close_time_each_case_once() -> Fallible<()> {
    let cluster = Cluster::start(2, &[])?;
    let ana_token = cluster.company.expert_token.clone();
    add_expert(&cluster, "Luis")?;
    let clients = [cluster.client(0)?, cluster.client(1)?];
    let experts = clients[0].list_experts(&ana_token).await?;
    let named = |name: &str| {
        experts
            .iter()
            .find(|e| e.display_name == name)
            .map(|e| e.id)
            .ok_or(format!("{name} exists"))
    };
    let (ana, luis) = (named("Ana")?, named("Luis")?);
    let mut cases = Vec::new();
    for i in 0..CASES {
        cases.push(cluster.create_case(usize::from(i % 2)).await?.0);
    }

    // Each case given to Ana through one instance and to Luis through the
    // other at once: both stand (one after the other), one is first.
    let assigns = cases.iter().flat_map(|&id| {
        [
            clients[0].assign(&ana_token, id, Some(ana)),
            clients[1].assign(&ana_token, id, Some(luis)),
        ]
    });
    for outcome in join_all(assigns).await {
        outcome?;
    }
    // Each case closed through both instances at once: one close stands.
    let closes = cases.iter().flat_map(|&id| {
        [
            clients[0].close_case(&ana_token, id),
            clients[1].close_case(&ana_token, id),
        ]
    });
    let closed = join_all(closes)
        .await
        .into_iter()
        .filter(Result::is_ok)
        .count();
    assert_eq!(closed, usize::from(CASES), "one close of each case stands");

    let cases = f64::from(CASES);
    assert_eq!(count_over(&cluster, "assign").await?, cases);
    assert_eq!(count_over(&cluster, "close").await?, cases);
    cluster.assert_no_panics()
}
