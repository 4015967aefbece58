use lifeline_protocol::{IdempotencyKey, JoinCaseRequest, SessionCode};

use crate::helpers::{Options, TestResult, api_status, sos_request, spawn_app_with};

#[tokio::test]
async fn the_thirty_first_create_in_a_minute_from_one_address_gets_429_with_retry_after()
-> TestResult {
    // The default limit: 30 a minute for create and join together.
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

    let join = JoinCaseRequest {
        code: SessionCode::parse("123456789")?,
        device: None,
    };
    let error = app
        .client
        .join_case(&app.deployment_key, &join)
        .await
        .expect_err("code entry shares the limit");
    assert_eq!(
        api_status(&error),
        Some(429),
        "guessing codes is limited too"
    );

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
