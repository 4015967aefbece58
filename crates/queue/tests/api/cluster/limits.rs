//! Rate limits, the failed-join budget and the sign-in slow-down hold across
//! instances: a client spreading its requests over two instances gets no
//! more than one server would give it, since the counts live in the database
//! they share.

use lifeline_protocol::{IDEMPOTENCY_KEY_HEADER, IdempotencyKey};
use reqwest::StatusCode;
use reqwest::header::{RETRY_AFTER, SET_COOKIE};

use super::{Cluster, Fallible};
use crate::console::browser_from;
use crate::helpers::sos_request;
use crate::rate_limit::retry_after;

/// Ana's console password (see `set_up_company`).
const ANA_PASSWORD: &str = "a long password";

/// A customer's create on instance `index`, through a proxy that says it
/// came from `forwarded_for` when given.
async fn create_on(
    cluster: &Cluster,
    index: usize,
    forwarded_for: Option<&str>,
) -> reqwest::Result<reqwest::Response> {
    let mut request = reqwest::Client::new()
        .post(format!("{}/api/v1/cases", cluster.url(index)))
        .bearer_auth(&cluster.company.deployment_key)
        .header(IDEMPOTENCY_KEY_HEADER, IdempotencyKey::generate().as_str())
        .json(&sos_request(None));
    if let Some(address) = forwarded_for {
        request = request.header("x-forwarded-for", address);
    }
    request.send().await
}

/// A join with a code no case has, on instance `index`.
async fn wrong_code_on(
    cluster: &Cluster,
    index: usize,
    code: &str,
) -> reqwest::Result<reqwest::Response> {
    reqwest::Client::new()
        .post(format!("{}/api/v1/cases/join", cluster.url(index)))
        .bearer_auth(&cluster.company.deployment_key)
        .json(&serde_json::json!({ "code": code }))
        .send()
        .await
}

/// Posts the sign-in form to instance `index` from `client`.
async fn sign_in_on(
    cluster: &Cluster,
    index: usize,
    client: &reqwest::Client,
    password: &str,
) -> reqwest::Result<reqwest::Response> {
    client
        .post(format!("{}/sign-in", cluster.url(index)))
        .form(&[("email", "ana@example.com"), ("password", password)])
        .send()
        .await
}

#[tokio::test]
#[ignore = "needs PostgreSQL: cargo xtask test runs the cluster tests"]
async fn an_address_spending_its_create_budget_over_two_instances_is_refused_on_both()
-> Fallible<()> {
    let cluster = Cluster::start(2, &[("LIFELINE_RATE_LIMIT_CREATE", "4/min")])?;
    for n in 0..4 {
        let created = create_on(&cluster, n % 2, None).await?;
        assert_eq!(created.status(), StatusCode::CREATED, "create {n}");
    }
    for instance in 0..2 {
        let refused = create_on(&cluster, instance, None).await?;
        let wait = retry_after(&refused)?;
        assert!(
            (1..=15).contains(&wait),
            "instance {instance}: one create comes back every 15 s, got {wait}"
        );
        assert!(refused.text().await?.contains("from this address"));
    }
    cluster.assert_no_panics()
}

#[tokio::test]
#[ignore = "needs PostgreSQL: cargo xtask test runs the cluster tests"]
async fn a_deployment_key_spending_its_budget_over_two_instances_is_refused_on_both() -> Fallible<()>
{
    let cluster = Cluster::start(
        2,
        &[
            ("LIFELINE_RATE_LIMIT_PER_KEY", "3/min"),
            ("LIFELINE_TRUSTED_PROXIES", "127.0.0.1/32"),
        ],
    )?;
    // Each from its own client address: only the key's budget is shared.
    for n in 0..3 {
        let client = format!("198.51.100.{}", n + 1);
        let created = create_on(&cluster, n % 2, Some(&client)).await?;
        assert_eq!(created.status(), StatusCode::CREATED, "create {n}");
    }
    for instance in 0..2 {
        let refused = create_on(&cluster, instance, Some("198.51.100.9")).await?;
        retry_after(&refused)?;
        assert!(refused.text().await?.contains("deployment key"));
    }
    cluster.assert_no_panics()
}

#[tokio::test]
#[ignore = "needs PostgreSQL: cargo xtask test runs the cluster tests"]
async fn wrong_codes_on_two_instances_spend_one_failed_join_budget() -> Fallible<()> {
    let cluster = Cluster::start(2, &[("LIFELINE_FAILED_JOIN_BUDGET", "3/min")])?;
    for n in 0..3 {
        let wrong = wrong_code_on(&cluster, n % 2, &format!("00000000{}", n + 1)).await?;
        assert_eq!(
            wrong.status(),
            StatusCode::NOT_FOUND,
            "wrong code {n} is looked up"
        );
    }
    for instance in 0..2 {
        let refused = wrong_code_on(&cluster, instance, "000000009").await?;
        let wait = retry_after(&refused)?;
        assert!(
            (1..=20).contains(&wait),
            "instance {instance}: one attempt refills in 20 s, got {wait}"
        );
    }
    cluster.assert_no_panics()
}

#[tokio::test]
#[ignore = "needs PostgreSQL: cargo xtask test runs the cluster tests"]
async fn failed_sign_ins_on_one_instance_slow_down_that_address_on_another() -> Fallible<()> {
    let cluster = Cluster::start(2, &[])?;
    let attacker = browser_from([127, 0, 0, 2].into());
    // Three free failures and the one that starts the wait, all on A.
    for attempt in 1..=4 {
        let refused = sign_in_on(&cluster, 0, &attacker, "not her password").await?;
        assert_eq!(
            refused.status(),
            StatusCode::UNAUTHORIZED,
            "attempt {attempt}"
        );
    }
    let slowed = sign_in_on(&cluster, 1, &attacker, ANA_PASSWORD).await?;
    assert_eq!(
        slowed.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "B knows of A's failures"
    );
    assert!(slowed.headers().contains_key(RETRY_AFTER));
    assert!(
        slowed.headers().get(SET_COOKIE).is_none(),
        "no session while slowed down"
    );

    // The owner, from another address, is not slowed down on either instance.
    let owner = browser_from([127, 0, 0, 1].into());
    for instance in 0..2 {
        let signed_in = sign_in_on(&cluster, instance, &owner, ANA_PASSWORD).await?;
        assert_eq!(
            signed_in.status(),
            StatusCode::SEE_OTHER,
            "instance {instance}"
        );
    }
    cluster.assert_no_panics()
}
