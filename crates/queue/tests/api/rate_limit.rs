//! Rate limits: one budget per purpose and client address, one per
//! deployment key, wrong keys on their own budget; behind a trusted proxy the
//! forwarded address is the client.

use lifeline_protocol::{IDEMPOTENCY_KEY_HEADER, IdempotencyKey, JoinCaseRequest, SessionCode};
use reqwest::StatusCode;
use reqwest::header::RETRY_AFTER;

use crate::console::post_sign_in;
use crate::helpers::{Options, TestApp, TestResult, api_status, sos_request, spawn_app_with};

/// A customer's create with `key`, through a proxy that says it came from
/// `forwarded_for` when given.
async fn create_from(
    app: &TestApp,
    key: &str,
    forwarded_for: Option<&str>,
) -> reqwest::Result<reqwest::Response> {
    let mut request = app
        .http
        .post(app.url("/api/v1/cases"))
        .bearer_auth(key)
        .header(IDEMPOTENCY_KEY_HEADER, IdempotencyKey::generate().as_str())
        .json(&sos_request(None));
    if let Some(address) = forwarded_for {
        request = request.header("x-forwarded-for", address);
    }
    request.send().await
}

/// The seconds of a 429's `Retry-After`.
pub(crate) fn retry_after(response: &reqwest::Response) -> Result<u64, Box<dyn std::error::Error>> {
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait = response
        .headers()
        .get(RETRY_AFTER)
        .ok_or("a Retry-After")?
        .to_str()?
        .parse()?;
    Ok(wait)
}

fn unknown_code() -> Result<JoinCaseRequest, Box<dyn std::error::Error>> {
    Ok(JoinCaseRequest {
        code: SessionCode::parse("123456789")?,
        device: None,
    })
}

#[tokio::test]
async fn the_thirty_first_create_in_a_minute_from_one_address_gets_429_with_retry_after()
-> TestResult {
    let app = spawn_app_with(Options {
        env: vec![("LIFELINE_RATE_LIMIT_PER_IP", "30/min")],
        ..Default::default()
    })
    .await;
    for n in 0..30 {
        app.client
            .create_case(
                &app.deployment_key,
                &IdempotencyKey::generate(),
                &sos_request(None),
            )
            .await
            .map_err(|e| format!("create {n} should pass: {e}"))?;
    }
    let error = app
        .client
        .create_case(
            &app.deployment_key,
            &IdempotencyKey::generate(),
            &sos_request(None),
        )
        .await
        .expect_err("over the limit");
    assert_eq!(api_status(&error), Some(429));
    let wait = error.retry_after().ok_or("a Retry-After")?;
    assert!((1..=60).contains(&wait.as_secs()), "{wait:?}");

    // Code entry has its own budget (it used to share this one).
    let error = app
        .client
        .join_case(&app.deployment_key, &unknown_code()?)
        .await
        .expect_err("no case has this code");
    assert_eq!(api_status(&error), Some(404), "{error}");

    let case_reads = app
        .client
        .list_cases(&app.expert_token, &Default::default())
        .await?;
    assert_eq!(
        case_reads.cases.len(),
        30,
        "other endpoints are not limited"
    );
    Ok(())
}

#[tokio::test]
async fn a_client_without_a_valid_key_blocks_no_create_join_or_sign_in() -> TestResult {
    let app = spawn_app_with(Options {
        env: vec![("LIFELINE_RATE_LIMIT_PER_IP", "3/min")],
        ..Default::default()
    })
    .await;
    // Well formed, so only the lookup can tell it is wrong.
    let guessed = format!("dk_{}", "A".repeat(43));
    for attempt in 1..=3 {
        let guess = create_from(&app, &guessed, None).await?;
        assert_eq!(guess.status(), StatusCode::UNAUTHORIZED, "guess {attempt}");
    }
    let guess = create_from(&app, &guessed, None).await?;
    assert!(
        (1..=20).contains(&retry_after(&guess)?),
        "guessing is limited"
    );
    let anonymous = app.http.post(app.url("/api/v1/cases/join")).send().await?;
    assert_eq!(
        anonymous.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "so is calling without any key"
    );

    // The same address with the real key, and its sign-in, go on.
    let created = create_from(&app, &app.deployment_key, None).await?;
    assert_eq!(created.status(), StatusCode::CREATED);
    let error = app
        .client
        .join_case(&app.deployment_key, &unknown_code()?)
        .await
        .expect_err("no case has this code");
    assert_eq!(api_status(&error), Some(404), "{error}");
    let sign_in = post_sign_in(&app, "ana@example.com", "not her password").await?;
    assert_eq!(sign_in.status(), StatusCode::UNAUTHORIZED);
    Ok(())
}

#[tokio::test]
async fn sign_in_has_its_own_budget_and_the_console_says_when_to_retry() -> TestResult {
    let app = spawn_app_with(Options {
        env: vec![("LIFELINE_RATE_LIMIT_SIGN_IN", "2/min")],
        ..Default::default()
    })
    .await;
    // Different addresses typed in, so the per-email slow-down stays out of it.
    for email in ["one@example.com", "two@example.com"] {
        let response = post_sign_in(&app, email, "some password here").await?;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{email}");
    }
    let refused = post_sign_in(&app, "three@example.com", "some password here").await?;
    let wait = retry_after(&refused)?;
    assert!((1..=30).contains(&wait));
    let page = refused.text().await?;
    assert!(
        page.contains(&format!("Please try again in {wait} second")),
        "the page says how long to wait, as Retry-After does: {page}"
    );

    let created = create_from(&app, &app.deployment_key, None).await?;
    assert_eq!(
        created.status(),
        StatusCode::CREATED,
        "create is not sign-in"
    );
    Ok(())
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_forwarded_client_has_its_own_budget() -> TestResult {
    let app = spawn_app_with(Options {
        env: vec![
            ("LIFELINE_RATE_LIMIT_PER_IP", "2/min"),
            ("LIFELINE_TRUSTED_PROXIES", "127.0.0.1/32, ::1/128"),
        ],
        ..Default::default()
    })
    .await;
    let key = app.deployment_key.as_str();
    for _ in 0..2 {
        let created = create_from(&app, key, Some("198.51.100.1")).await?;
        assert_eq!(created.status(), StatusCode::CREATED);
    }
    retry_after(&create_from(&app, key, Some("198.51.100.1")).await?)?;
    // An address the client wrote itself, left of what our proxy appended,
    // does not buy a fresh budget.
    retry_after(&create_from(&app, key, Some("203.0.113.66, 198.51.100.1")).await?)?;
    let other = create_from(&app, key, Some("198.51.100.2")).await?;
    assert_eq!(other.status(), StatusCode::CREATED, "another client");

    // IPv6 clients are counted by their /64.
    for address in ["2001:db8:1:2::1", "2001:db8:1:2::2"] {
        let created = create_from(&app, key, Some(address)).await?;
        assert_eq!(created.status(), StatusCode::CREATED, "{address}");
    }
    retry_after(&create_from(&app, key, Some("2001:db8:1:2:ffff::9")).await?)?;
    let other_network = create_from(&app, key, Some("2001:db8:1:3::1")).await?;
    assert_eq!(other_network.status(), StatusCode::CREATED);
    Ok(())
}

#[tokio::test]
async fn forwarded_addresses_from_an_untrusted_peer_are_ignored() -> TestResult {
    let app = spawn_app_with(Options {
        env: vec![
            ("LIFELINE_RATE_LIMIT_PER_IP", "2/min"),
            ("LIFELINE_TRUSTED_PROXIES", "10.0.0.0/8"),
        ],
        ..Default::default()
    })
    .await;
    let key = app.deployment_key.as_str();
    for address in ["198.51.100.1", "198.51.100.2"] {
        let created = create_from(&app, key, Some(address)).await?;
        assert_eq!(created.status(), StatusCode::CREATED, "{address}");
    }
    retry_after(&create_from(&app, key, Some("198.51.100.3")).await?)?;
    Ok(())
}

#[tokio::test]
async fn a_deployment_key_has_a_budget_of_its_own_across_addresses() -> TestResult {
    let app = spawn_app_with(Options {
        env: vec![
            ("LIFELINE_RATE_LIMIT_PER_IP", "30/min"),
            ("LIFELINE_RATE_LIMIT_PER_KEY", "2/min"),
            ("LIFELINE_TRUSTED_PROXIES", "127.0.0.1"),
        ],
        ..Default::default()
    })
    .await;
    let key = app.deployment_key.as_str();
    for address in ["198.51.100.1", "198.51.100.2"] {
        let created = create_from(&app, key, Some(address)).await?;
        assert_eq!(created.status(), StatusCode::CREATED, "{address}");
    }
    let refused = create_from(&app, key, Some("198.51.100.3")).await?;
    retry_after(&refused)?;
    assert!(refused.text().await?.contains("deployment key"));
    let join = app
        .http
        .post(app.url("/api/v1/cases/join"))
        .bearer_auth(key)
        .json(&unknown_code()?)
        .send()
        .await?;
    retry_after(&join)?;

    let other = lifeline_queue::admin::create_deployment(
        app.store.as_ref(),
        &app.state.secret,
        "Other site",
        app.group.id,
        "http://127.0.0.1",
        app.state.clock.now(),
    )
    .await?;
    let created = create_from(&app, &other.key, Some("198.51.100.3")).await?;
    assert_eq!(created.status(), StatusCode::CREATED, "another key");
    Ok(())
}
