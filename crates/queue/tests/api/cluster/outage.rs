//! While the database cannot be reached, the server says so: 503 with a
//! short `Retry-After` and a message that names the database, never a 500,
//! and it serves again by itself once the database is back.

use std::time::Duration;

use reqwest::StatusCode;

use super::fanout::ConnectionsRefused;
use super::{Cluster, Fallible, poll_until};

#[tokio::test]
#[ignore = "needs PostgreSQL: cargo xtask test runs the cluster tests"]
async fn a_database_that_refuses_connections_gets_503_with_retry_after_then_service_again()
-> Fallible<()> {
    let cluster = Cluster::start(1, &[])?;
    let (case_id, token) = cluster.create_case(0).await?;
    let url = format!("{}/api/v1/cases/{case_id}", cluster.url(0));
    let http = reqwest::Client::new();

    let refused = ConnectionsRefused::new(&cluster)?;
    assert!(refused.cut_all()? > 0, "the server held connections");
    let answer = http.get(&url).bearer_auth(&token).send().await?;
    assert_eq!(answer.status(), StatusCode::SERVICE_UNAVAILABLE);
    let retry_after = answer
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .ok_or("a Retry-After header")?
        .to_str()?
        .to_owned();
    assert_eq!(retry_after, "2");
    let body = answer.text().await?;
    assert!(body.contains("cannot reach its database"), "{body}");

    drop(refused);
    poll_until(Duration::from_secs(20), "the case reads again", || {
        let request = http.get(&url).bearer_auth(&token).send();
        async move { Ok((request.await?.status() == StatusCode::OK).then_some(())) }
    })
    .await?;
    cluster.assert_no_panics()
}
