//! Join by code: only the deployment's group, the lapse of an unclaimed
//! manual case's code, the failed-join budget shared by every caller, and
//! the lookup kept off the single writer.

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use lifeline_protocol::{
    Case, CaseState, ClosedBy, IdempotencyKey, JoinCaseRequest, ManualCaseRequest, SessionCode,
};
use lifeline_queue::admin;
use reqwest::StatusCode;

use crate::helpers::{Options, TestApp, TestResult, sos_request, spawn_app, spawn_app_with};

/// A code no case holds.
const UNKNOWN_CODE: &str = "000000001";

async fn manual_case(app: &TestApp, token: &str, group: uuid::Uuid) -> Case {
    app.client
        .create_manual_case(
            token,
            &ManualCaseRequest {
                group,
                customer: None,
                description: None,
            },
        )
        .await
        .expect("the expert makes a manual case")
}

/// Status, `Retry-After` and body of a join, as raw as the wire has them.
async fn join_raw(
    http: &reqwest::Client,
    app: &TestApp,
    key: &str,
    code: &str,
) -> Result<(StatusCode, Option<String>, String), reqwest::Error> {
    let response = http
        .post(app.url("/api/v1/cases/join"))
        .bearer_auth(key)
        .json(&serde_json::json!({ "code": code }))
        .send()
        .await?;
    let status = response.status();
    let retry_after = response
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    Ok((status, retry_after, response.text().await?))
}

async fn metrics(app: &TestApp) -> Result<String, reqwest::Error> {
    app.http.get(app.url("/metrics")).send().await?.text().await
}

#[tokio::test]
async fn a_code_of_another_group_reads_exactly_like_an_unknown_code() -> TestResult {
    let app = spawn_app().await;
    let now = app.state.clock.now();
    let billing = app.store.create_group("Billing", now).await?;
    let billing_deployment = admin::create_deployment(
        app.store.as_ref(),
        &app.state.secret,
        "Billing desks",
        billing.id,
        "http://127.0.0.1",
        now,
    )
    .await?;
    let theirs = manual_case(&app, &app.admin_token, billing.id).await;

    let unknown = join_raw(&app.http, &app, &app.deployment_key, UNKNOWN_CODE).await?;
    let other_group = join_raw(&app.http, &app, &app.deployment_key, theirs.code.as_str()).await?;
    assert_eq!(unknown.0, StatusCode::NOT_FOUND);
    assert_eq!(
        other_group, unknown,
        "another group's code gets the very answer an unknown code gets"
    );

    let joined = app
        .client
        .join_case(
            &billing_deployment.key,
            &JoinCaseRequest {
                code: theirs.code,
                device: None,
            },
        )
        .await?;
    assert_eq!(
        joined.case.id, theirs.id,
        "the case was there and joinable all along, by its own group's deployments"
    );
    Ok(())
}

#[tokio::test]
async fn an_unclaimed_manual_code_lapses_after_fifteen_minutes_and_the_case_expires() -> TestResult
{
    // The default manual_code_ttl (15 min) and case_ttl (24 h).
    let app = spawn_app_with(Options {
        manual_clock: true,
        ..Default::default()
    })
    .await;
    let quarter = Duration::from_secs(15 * 60);
    let claimed_in_time = manual_case(&app, &app.expert_token, app.group.id).await;
    let left = manual_case(&app, &app.expert_token, app.group.id).await;
    assert_eq!(
        left.expires_at - left.created_at,
        quarter,
        "an unclaimed manual case is open while its code can be joined"
    );

    app.advance(quarter - Duration::from_millis(1));
    let joined = app
        .client
        .join_case(
            &app.deployment_key,
            &JoinCaseRequest {
                code: claimed_in_time.code,
                device: None,
            },
        )
        .await?;
    assert_eq!(
        joined.case.expires_at - joined.case.created_at,
        Duration::from_secs(24 * 3600),
        "a claimed case has the usual deadline"
    );

    app.advance(Duration::from_millis(1));
    let unknown = join_raw(&app.http, &app, &app.deployment_key, UNKNOWN_CODE).await?;
    let lapsed = join_raw(&app.http, &app, &app.deployment_key, left.code.as_str()).await?;
    assert_eq!(unknown.0, StatusCode::NOT_FOUND);
    assert_eq!(lapsed, unknown, "a lapsed code reads like an unknown one");

    let expired = app.client.get_case(&app.expert_token, left.id).await?;
    assert_eq!(
        (expired.state, expired.closed_by),
        (CaseState::Expired, Some(ClosedBy::System)),
        "nobody can join it any more, so it leaves the queue"
    );
    let kept = app.client.get_case(&joined.token, joined.case.id).await?;
    assert!(
        !kept.state.is_final(),
        "the claimed case stays open past the lapse: {:?}",
        kept.state
    );
    Ok(())
}

#[tokio::test]
async fn wrong_codes_from_every_address_spend_one_budget_then_every_join_gets_429() -> TestResult {
    let app = spawn_app_with(Options {
        env: vec![("LIFELINE_FAILED_JOIN_BUDGET", "3/min")],
        manual_clock: true,
        ..Options::default()
    })
    .await;
    let waiting = manual_case(&app, &app.expert_token, app.group.id).await;
    // Three callers on three addresses: the budget is theirs together.
    let callers = (2..=4)
        .map(|last| {
            reqwest::Client::builder()
                .local_address(IpAddr::V4(Ipv4Addr::new(127, 0, 0, last)))
                .build()
        })
        .collect::<Result<Vec<_>, _>>()?;
    for (n, caller) in callers.iter().enumerate() {
        let wrong = format!("00000000{}", n + 1);
        let (status, _, _) = join_raw(caller, &app, &app.deployment_key, &wrong).await?;
        assert_eq!(status, StatusCode::NOT_FOUND, "wrong code {n} is looked up");
    }
    for caller in &callers {
        let (status, retry_after, body) =
            join_raw(caller, &app, &app.deployment_key, waiting.code.as_str()).await?;
        assert_eq!(
            status,
            StatusCode::TOO_MANY_REQUESTS,
            "once the budget is spent, even a right code waits: {body}"
        );
        let wait: u64 = retry_after.ok_or("a Retry-After")?.parse()?;
        assert!(
            (1..=20).contains(&wait),
            "one attempt refills in 20 s: {wait}"
        );
    }
    let counted = metrics(&app).await?;
    for series in [
        "lifeline_failed_joins_total{reason=\"no_case\"} 3",
        "lifeline_failed_joins_total{reason=\"over_budget\"} 3",
    ] {
        assert!(
            counted.contains(series),
            "metrics lack {series}:\n{counted}"
        );
    }

    app.advance(Duration::from_secs(20));
    let joined = app
        .client
        .join_case(
            &app.deployment_key,
            &JoinCaseRequest {
                code: waiting.code,
                device: None,
            },
        )
        .await?;
    assert_eq!(joined.case.id, waiting.id, "the budget refills with time");
    let (status, _, _) = join_raw(&callers[0], &app, &app.deployment_key, UNKNOWN_CODE).await?;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "a right code gave its attempt back, so one wrong guess fits again"
    );
    Ok(())
}

#[tokio::test]
async fn a_wrong_code_is_answered_while_the_writer_waits_for_the_database() -> TestResult {
    let app = spawn_app_with(Options {
        sqlite: true,
        ..Options::default()
    })
    .await;
    // Another connection takes SQLite's write lock: the server's one writer
    // waits for it; readers do not.
    let blocker = rusqlite::Connection::open(app.database_path())?;
    blocker.busy_timeout(Duration::from_secs(5))?;
    blocker.execute_batch("BEGIN IMMEDIATE")?;
    let create = {
        let (client, key) = (app.client.clone(), app.deployment_key.clone());
        tokio::spawn(async move {
            client
                .create_case(&key, &IdempotencyKey::generate(), &sos_request(None))
                .await
        })
    };

    let wrong = tokio::time::timeout(
        Duration::from_secs(5),
        app.client.join_case(
            &app.deployment_key,
            &JoinCaseRequest {
                code: SessionCode::parse(UNKNOWN_CODE)?,
                device: None,
            },
        ),
    )
    .await
    .map_err(|_| "a wrong code waited for the writer")?
    .expect_err("no such code");
    assert_eq!(crate::helpers::api_status(&wrong), Some(404));
    assert!(
        !create.is_finished(),
        "the writer was held all along (a create is still waiting for it)"
    );

    blocker.execute_batch("COMMIT")?;
    create.await??;
    Ok(())
}
