//! Console alerts: a group's alert time (admin API, CLI, console form) and
//! what `/console/attention` tells an expert. (The notifications, chime and
//! title count in a real browser: lifeline-e2e's console test.)

use std::time::Duration;

use lifeline_protocol::{CreateGroupRequest, ManualCaseRequest, SetAlertTimeRequest, ShortText};
use reqwest::StatusCode;
use serde_json::Value;

use crate::console::{Session, sign_in, with_password};
use crate::helpers::{Options, TestResult, api_status, spawn_app, spawn_app_with};
use crate::process::{ServerProcess, cli_ok, run_cli};

#[tokio::test]
async fn admins_set_a_groups_alert_time_within_a_day_and_bad_values_change_nothing() -> TestResult {
    let app = spawn_app().await;
    let groups = app.client.list_groups(&app.admin_token).await?;
    assert_eq!(
        groups[0].alert_after_seconds, 300,
        "five minutes unless set"
    );

    let set = |token: &str, seconds| {
        let client = app.client.clone();
        let (token, group) = (token.to_string(), app.group.id);
        async move {
            client
                .set_alert_time(
                    &token,
                    group,
                    &SetAlertTimeRequest {
                        alert_after_seconds: seconds,
                    },
                )
                .await
        }
    };
    let group = set(&app.admin_token, 90).await?;
    assert_eq!(group.alert_after_seconds, 90);
    assert_eq!(group.id, app.group.id);

    for bad in [0, 86_401] {
        let error = set(&app.admin_token, bad).await.err().ok_or("refused")?;
        assert_eq!(api_status(&error), Some(422), "{bad}: {error}");
        assert!(error.to_string().contains("alert_after_seconds"), "{error}");
    }
    let error = set(&app.expert_token, 60).await.err().ok_or("refused")?;
    assert_eq!(api_status(&error), Some(403), "experts do not set it");
    let error = app
        .client
        .set_alert_time(
            &app.admin_token,
            uuid::Uuid::now_v7(),
            &SetAlertTimeRequest {
                alert_after_seconds: 60,
            },
        )
        .await
        .err()
        .ok_or("refused")?;
    assert_eq!(api_status(&error), Some(404));
    let response = app
        .http
        .put(app.url(&format!("/api/v1/groups/{}/alert", app.group.id)))
        .bearer_auth(&app.admin_token)
        .json(&serde_json::json!({"alert_after_seconds": "soon"}))
        .send()
        .await?;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let groups = app.client.list_groups(&app.admin_token).await?;
    assert_eq!(groups[0].alert_after_seconds, 90, "no refused value stuck");
    let created = app
        .client
        .create_group(
            &app.admin_token,
            &CreateGroupRequest {
                name: ShortText::parse("Back office")?,
            },
        )
        .await?;
    assert_eq!(created.alert_after_seconds, 300);
    Ok(())
}

#[tokio::test]
async fn an_admin_sets_the_alert_time_in_the_console() -> TestResult {
    let app = spawn_app().await;
    crate::console::give_password(&app, "admin@example.com").await?;
    let (cookie, csrf) = crate::console::sign_in_as(&app, "admin@example.com").await?;
    let session = Session {
        app: &app,
        cookie,
        csrf,
    };
    let page = session.get("/admin/groups").await?.text().await?;
    assert!(
        page.contains("name=\"alert_after_seconds\""),
        "the form is there"
    );
    let path = format!("/admin/groups/{}", app.group.id);
    let response = session
        .post(
            &path,
            &[("change", "alert"), ("alert_after_seconds", "120")],
        )
        .await?;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let response = session
        .post(
            &path,
            &[("change", "alert"), ("alert_after_seconds", "two minutes")],
        )
        .await?;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let response = session
        .post(&path, &[("change", "alert"), ("alert_after_seconds", "0")])
        .await?;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let groups = app.client.list_groups(&app.admin_token).await?;
    assert_eq!(groups[0].alert_after_seconds, 120);
    Ok(())
}

/// `GET /console/attention` as the signed-in expert.
async fn attention(session: &Session<'_>) -> Result<Value, Box<dyn std::error::Error>> {
    let response = session.get("/console/attention").await?;
    assert_eq!(response.status(), StatusCode::OK);
    Ok(response.json().await?)
}

#[tokio::test]
async fn attention_tells_waiting_overdue_and_assigned_cases_of_my_groups_only() -> TestResult {
    let app = spawn_app_with(Options {
        manual_clock: true,
        ..Options::default()
    })
    .await;
    with_password(&app).await?;
    let (cookie, csrf) = sign_in(&app).await?;
    let session = Session {
        app: &app,
        cookie,
        csrf,
    };
    let signed_out = crate::console::browser()
        .get(app.url("/console/attention"))
        .send()
        .await?;
    assert_ne!(
        signed_out.status(),
        StatusCode::OK,
        "signed-in experts only"
    );

    app.client
        .set_alert_time(
            &app.admin_token,
            app.group.id,
            &SetAlertTimeRequest {
                alert_after_seconds: 60,
            },
        )
        .await?;
    let other = app
        .client
        .create_group(
            &app.admin_token,
            &CreateGroupRequest {
                name: ShortText::parse("Back office")?,
            },
        )
        .await?;
    let elsewhere = ManualCaseRequest {
        group: other.id,
        customer: None,
        description: None,
    };
    app.client
        .create_manual_case(&app.admin_token, &elsewhere)
        .await?;

    let seen = attention(&session).await?;
    assert_eq!(
        seen["waiting"], 0,
        "another group's case is not mine: {seen}"
    );
    assert_eq!(seen["next_overdue_in_ms"], Value::Null);

    let case = app.create_case().await;
    let seen = attention(&session).await?;
    assert_eq!(seen["waiting"], 1, "{seen}");
    assert_eq!(seen["waiting_cases"][0]["id"], case.case.id.to_string());
    assert_eq!(seen["waiting_cases"][0]["group"], "Front desk");
    assert_eq!(seen["waiting_cases"][0]["overdue"], false);
    let next = seen["next_overdue_in_ms"]
        .as_u64()
        .ok_or("a time to the next alert")?;
    assert!((59_000..=60_000).contains(&next), "{next} ms");
    let text = seen.to_string();
    assert!(
        !text.contains(case.case.code.as_str()) && !text.contains(&case.token),
        "no session code or customer token: {text}"
    );

    app.advance(Duration::from_secs(59));
    assert_eq!(
        attention(&session).await?["waiting_cases"][0]["overdue"],
        false
    );
    app.advance(Duration::from_secs(1));
    let seen = attention(&session).await?;
    assert_eq!(seen["waiting_cases"][0]["overdue"], true, "{seen}");
    assert_eq!(seen["next_overdue_in_ms"], Value::Null);

    app.client
        .assign(&app.expert_token, case.case.id, Some(app.expert.id))
        .await?;
    let seen = attention(&session).await?;
    assert_eq!(seen["waiting"], 0, "{seen}");
    assert_eq!(seen["assigned_cases"][0]["id"], case.case.id.to_string());
    Ok(())
}

#[tokio::test]
async fn the_cli_sets_a_groups_alert_time() -> TestResult {
    let dir = tempfile::tempdir()?;
    let data = dir.path();
    cli_ok(data, &["init"], "")?;
    cli_ok(data, &["group", "add", "Front desk"], "")?;
    cli_ok(data, &["group", "alert", "Front desk", "600"], "")?;
    let refused = run_cli(data, &["group", "alert", "Front desk", "0"], "")?;
    assert!(!refused.status.success());
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains("alert_after_seconds"), "{said}");
    let refused = run_cli(data, &["group", "alert", "Nobody", "60"], "")?;
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("no group named"));

    cli_ok(
        data,
        &[
            "expert",
            "add",
            "--email",
            "ana@example.com",
            "--name",
            "Ana",
            "--admin",
        ],
        "a long password\n",
    )?;
    let token = cli_ok(data, &["token", "add", "--email", "ana@example.com"], "")?;
    let server = ServerProcess::start(data, &[])?;
    let client = lifeline_client::QueueClient::new(&server.base_url)?;
    let groups = client.list_groups(token.trim()).await?;
    assert_eq!(groups[0].alert_after_seconds, 600);
    Ok(())
}
