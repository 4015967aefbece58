//! Signed webhooks, delivered to real HTTP receivers on 127.0.0.1 that check
//! the signatures from the specification: registration (admins only, secret
//! shown once, bad input refused), every event type in order per case, the
//! outbox's retries with the same event id, a dead endpoint not delaying a
//! live one, an endpoint failing for a day disabled and audited, disable,
//! enable and delete, and deliveries that survive a restart of the server.

pub mod receiver;

use std::time::Duration;

use lifeline_client::QueueClient;
use lifeline_protocol::{CaseState, Email, IdempotencyKey};
use lifeline_queue::admin;
use lifeline_queue::store::ExpertChange;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::cluster::{Fallible, poll_until};
use crate::console::{Session, give_password, sign_in_as};
use crate::email::sink::{Certificate, Mode, SmtpSink};
use crate::email::{PUBLIC_URL, email_env};
use crate::helpers::{Options, TestApp, TestResult, sos_request, spawn_app, spawn_app_with};
use crate::process::{ServerProcess, set_up_company};
use crate::session::{join, wait_for_state};
use receiver::{Answer, Received, Receiver};

/// Every event type.
const ALL_EVENTS: [&str; 6] = [
    "case.created",
    "case.assigned",
    "case.state_changed",
    "case.closed",
    "case.expired",
    "message.created",
];

/// Registers `receiver` for `events` as `token` (an admin) on the server at
/// `base_url`; gives the receiver its secret and answers the endpoint's id.
pub(crate) async fn register_at(
    http: &reqwest::Client,
    base_url: &str,
    token: &str,
    receiver: &Receiver,
    events: &[&str],
) -> Fallible<String> {
    let response = http
        .post(format!("{base_url}/api/v1/webhooks"))
        .bearer_auth(token)
        .json(&json!({"url": receiver.url, "events": events}))
        .send()
        .await?;
    assert_eq!(response.status(), StatusCode::CREATED);
    let created: Value = response.json().await?;
    let secret = created["secret"].as_str().ok_or("secret")?;
    assert!(secret.starts_with("whsec_"), "{created}");
    receiver.set_secret(secret);
    Ok(created["webhook"]["id"].as_str().ok_or("id")?.to_string())
}

async fn register(app: &TestApp, receiver: &Receiver, events: &[&str]) -> Fallible<String> {
    register_at(&app.http, &app.base_url, &app.admin_token, receiver, events).await
}

/// `GET` of an admin path: its status and JSON.
async fn get(app: &TestApp, path: &str) -> Fallible<(StatusCode, Value)> {
    get_at(&app.http, &app.base_url, &app.admin_token, path).await
}

/// `GET` of an admin path as `token` on the server at `base_url`.
async fn get_at(
    http: &reqwest::Client,
    base_url: &str,
    token: &str,
    path: &str,
) -> Fallible<(StatusCode, Value)> {
    let response = http
        .get(format!("{base_url}{path}"))
        .bearer_auth(token)
        .send()
        .await?;
    Ok((response.status(), response.json().await?))
}

/// An endpoint's delivery log, newest first.
async fn deliveries(app: &TestApp, id: &str) -> Fallible<Vec<Value>> {
    deliveries_at(&app.http, &app.base_url, &app.admin_token, id).await
}

async fn deliveries_at(
    http: &reqwest::Client,
    base_url: &str,
    token: &str,
    id: &str,
) -> Fallible<Vec<Value>> {
    let path = format!("/api/v1/webhooks/{id}/deliveries");
    let (status, log) = get_at(http, base_url, token, &path).await?;
    assert_eq!(status, StatusCode::OK, "{log}");
    Ok(log.as_array().ok_or("a list")?.clone())
}

/// Waits until the oldest delivery of an endpoint has had `attempts` attempts.
async fn wait_for_attempts(app: &TestApp, id: &str, attempts: u64) -> Fallible<Value> {
    wait_for_attempts_at(&app.http, &app.base_url, &app.admin_token, id, attempts).await
}

async fn wait_for_attempts_at(
    http: &reqwest::Client,
    base_url: &str,
    token: &str,
    id: &str,
    attempts: u64,
) -> Fallible<Value> {
    poll_until(
        Duration::from_secs(20),
        &format!("attempt {attempts}"),
        || async {
            let log = deliveries_at(http, base_url, token, id).await?;
            Ok(log
                .last()
                .filter(|d| d["attempts"].as_u64() >= Some(attempts))
                .cloned())
        },
    )
    .await
}

/// `POST` an admin action with no body: its status.
async fn post_action(app: &TestApp, path: &str) -> Fallible<StatusCode> {
    Ok(app
        .http
        .post(app.url(path))
        .bearer_auth(&app.admin_token)
        .send()
        .await?
        .status())
}

/// The audit entries about `target` of `action`.
async fn audited(app: &TestApp, action: &str, target: &str) -> Fallible<Vec<Value>> {
    let (status, page) = get(
        app,
        &format!("/api/v1/audit?action={action}&target={target}"),
    )
    .await?;
    assert_eq!(status, StatusCode::OK, "{page}");
    Ok(page["entries"].as_array().ok_or("entries")?.clone())
}

fn types(received: &[Received]) -> Vec<String> {
    received
        .iter()
        .map(|r| r.body["type"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test]
async fn only_admins_register_endpoints_the_secret_is_shown_once_and_bad_input_is_refused()
-> TestResult {
    let app = spawn_app().await;
    let receiver = Receiver::start(Answer::Status(200)).await?;
    let body = json!({"url": receiver.url, "events": ["case.created"]});
    let as_expert = app
        .http
        .post(app.url("/api/v1/webhooks"))
        .bearer_auth(&app.expert_token)
        .json(&body)
        .send()
        .await?;
    assert_eq!(as_expert.status(), StatusCode::FORBIDDEN);
    let listed_by_expert = app
        .http
        .get(app.url("/api/v1/webhooks"))
        .bearer_auth(&app.expert_token)
        .send()
        .await?;
    assert_eq!(listed_by_expert.status(), StatusCode::FORBIDDEN);

    let id = register(&app, &receiver, &["case.created", "case.closed"]).await?;
    let (status, list) = get(&app, "/api/v1/webhooks").await?;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list.as_array().map(Vec::len), Some(1), "{list}");
    assert_eq!(list[0]["id"], id.as_str());
    assert_eq!(list[0]["url"], receiver.url.as_str());
    assert_eq!(list[0]["events"], json!(["case.created", "case.closed"]));
    assert_eq!(list[0]["enabled"], true);
    assert!(
        !list.to_string().contains("whsec_"),
        "the secret is listed: {list}"
    );
    let created = audited(&app, "webhook.created", &id).await?;
    assert_eq!(created.len(), 1, "{created:?}");
    assert_eq!(created[0]["actor_name"], "Admin");

    for (bad, complaint) in [
        (
            json!({"url": "ftp://example.com/in", "events": ["case.created"]}),
            "url",
        ),
        (
            json!({"url": "file:///etc/passwd", "events": ["case.created"]}),
            "url",
        ),
        (
            json!({"url": "https://u:p@example.com/", "events": ["case.created"]}),
            "url",
        ),
        (json!({"url": "nowhere", "events": ["case.created"]}), "url"),
        (json!({"url": receiver.url, "events": []}), "events"),
        (
            json!({"url": receiver.url, "events": ["case.deleted"]}),
            "events",
        ),
        (
            json!({"url": receiver.url, "events": ["case.created"], "secret": "x"}),
            "secret",
        ),
    ] {
        let response = app
            .http
            .post(app.url("/api/v1/webhooks"))
            .bearer_auth(&app.admin_token)
            .json(&bad)
            .send()
            .await?;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        let error: Value = response.json().await?;
        let message = error["error"]["message"].as_str().unwrap_or_default();
        assert!(message.contains(complaint), "{bad}: {error}");
    }
    let (_, list) = get(&app, "/api/v1/webhooks").await?;
    assert_eq!(
        list.as_array().map(Vec::len),
        Some(1),
        "nothing more was stored: {list}"
    );

    let (_, doc) = get(&app, "/api/v1/openapi.json").await?;
    assert_eq!(
        doc["components"]["schemas"]["EventType"]["enum"],
        json!(ALL_EVENTS)
    );
    for (path, method) in [
        ("/api/v1/webhooks", "post"),
        ("/api/v1/webhooks", "get"),
        ("/api/v1/webhooks/{id}", "delete"),
        ("/api/v1/webhooks/{id}/disable", "post"),
        ("/api/v1/webhooks/{id}/enable", "post"),
        ("/api/v1/webhooks/{id}/deliveries", "get"),
    ] {
        assert!(
            doc["paths"][path][method].is_object(),
            "{method} {path} is documented"
        );
    }
    Ok(())
}

#[tokio::test]
async fn each_change_of_a_case_is_signed_and_arrives_in_order_once() -> TestResult {
    let app = spawn_app().await;
    let receiver = Receiver::start(Answer::Status(200)).await?;
    register(&app, &receiver, &ALL_EVENTS).await?;

    let case = app.create_case().await;
    let id = case.case.id;
    app.client
        .assign(&app.admin_token, id, Some(app.expert.id))
        .await?;
    let (expert, _expert_events) = join(&app, &app.expert_token, id);
    wait_for_state(&app, &case.token, id, CaseState::Pending).await?;
    let (customer, _customer_events) = join(&app, &case.token, id);
    wait_for_state(&app, &case.token, id, CaseState::InProgress).await?;
    let message = customer.send("it says offline again").await?;
    receiver.wait_for(5).await?;
    app.client.close_case(&app.expert_token, id).await?;
    drop((expert, customer));

    let got = receiver.wait_for(6).await?;
    assert_eq!(
        types(&got),
        [
            "case.created",
            "case.assigned",
            "case.state_changed",
            "case.state_changed",
            "message.created",
            "case.closed"
        ]
    );
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    for r in &got {
        assert!(r.signed, "a bad signature: {r:?}");
        assert!(
            (now - r.timestamp).abs() < 300,
            "timestamp {} is not now",
            r.timestamp
        );
        assert_eq!(r.body["data"]["case"]["id"], id.to_string(), "{r:?}");
        assert!(
            r.body["timestamp"]
                .as_str()
                .is_some_and(|t| t.ends_with('Z')),
            "{r:?}"
        );
        assert!(r.id.starts_with("msg_"), "{r:?}");
    }
    let mut ids: Vec<&str> = got.iter().map(|r| r.id.as_str()).collect();
    ids.dedup();
    assert_eq!(ids.len(), got.len(), "an event id repeats: {ids:?}");
    assert_eq!(
        got[1].body["data"]["case"]["assignee"]["id"],
        app.expert.id.to_string()
    );
    assert_eq!(got[2].body["data"]["previous_state"], "new");
    assert_eq!(got[2].body["data"]["case"]["state"], "pending");
    assert_eq!(got[3].body["data"]["previous_state"], "pending");
    assert_eq!(got[3].body["data"]["case"]["state"], "in_progress");
    assert_eq!(got[4].body["data"]["message"]["id"], message.to_string());
    assert_eq!(
        got[4].body["data"]["message"]["text"],
        "it says offline again"
    );
    assert_eq!(got[5].body["data"]["case"]["state"], "closed");
    Ok(())
}

#[tokio::test]
async fn an_endpoint_gets_only_the_types_it_chose_and_expiry_is_told() -> TestResult {
    let app = spawn_app_with(Options {
        manual_clock: true,
        ..Options::default()
    })
    .await;
    let receiver = Receiver::start(Answer::Status(200)).await?;
    register(&app, &receiver, &["case.expired"]).await?;
    let case = app.create_case().await;
    app.client
        .close_case(&app.admin_token, case.case.id)
        .await?;
    let expiring = app.create_case().await;
    app.advance(Duration::from_secs(48 * 60 * 60));
    let got = receiver.wait_for(1).await?;
    assert_eq!(types(&got), ["case.expired"]);
    assert_eq!(
        got[0].body["data"]["case"]["id"],
        expiring.case.id.to_string()
    );
    assert_eq!(got[0].body["data"]["case"]["state"], "expired");
    assert!(got[0].signed);
    Ok(())
}

#[tokio::test]
async fn a_failing_endpoint_is_retried_with_backoff_and_the_same_event_id() -> TestResult {
    let app = spawn_app_with(Options {
        manual_clock: true,
        ..Options::default()
    })
    .await;
    let receiver = Receiver::start(Answer::Status(503)).await?;
    let id = register(&app, &receiver, &["case.created"]).await?;
    let first = app.create_case().await;

    let failed = wait_for_attempts(&app, &id, 1).await?;
    assert_eq!(failed["last_status"], 503, "{failed}");
    assert_eq!(failed["delivered_at"], Value::Null);
    let last = time::OffsetDateTime::parse(
        failed["last_attempt_at"].as_str().ok_or("last attempt")?,
        &time::format_description::well_known::Rfc3339,
    )?;
    let next = time::OffsetDateTime::parse(
        failed["next_attempt_at"].as_str().ok_or("next attempt")?,
        &time::format_description::well_known::Rfc3339,
    )?;
    assert_eq!(next - last, time::Duration::seconds(2), "{failed}");
    // A second case waits behind the first: an endpoint's events go in order.
    let second = app.create_case().await;

    app.advance(Duration::from_secs(2));
    let failed = wait_for_attempts(&app, &id, 2).await?;
    let last = time::OffsetDateTime::parse(
        failed["last_attempt_at"].as_str().ok_or("last attempt")?,
        &time::format_description::well_known::Rfc3339,
    )?;
    let next = time::OffsetDateTime::parse(
        failed["next_attempt_at"].as_str().ok_or("next attempt")?,
        &time::format_description::well_known::Rfc3339,
    )?;
    assert_eq!(
        next - last,
        time::Duration::seconds(4),
        "the wait doubles: {failed}"
    );

    receiver.answer(Answer::Status(204));
    app.advance(Duration::from_secs(4));
    let got = receiver.wait_for(4).await?;
    // The receiver has answered; the server records the outcome just after.
    let log = poll_until(Duration::from_secs(20), "both delivered", || async {
        let log = deliveries(&app, &id).await?;
        Ok(log
            .iter()
            .all(|d| d["delivered_at"].is_string())
            .then_some(log))
    })
    .await?;
    assert_eq!(log.len(), 2, "{log:?}");
    assert_eq!(log[1]["attempts"], 3, "{log:?}");
    assert_eq!(log[1]["last_status"], 204);
    assert!(log[1]["delivered_at"].is_string(), "{log:?}");
    assert_eq!(log[0]["attempts"], 1, "{log:?}");

    assert_eq!(got.len(), 4, "{got:?}");
    let first_id = &got[0].id;
    assert!(
        got[..3].iter().all(|r| &r.id == first_id && r.signed),
        "{got:?}"
    );
    assert!(
        got[..2].iter().all(|r| r.answered == Answer::Status(503)),
        "{got:?}"
    );
    assert_eq!(got[0].body, got[2].body, "a retry sends the same body");
    assert_eq!(got[2].body["data"]["case"]["id"], first.case.id.to_string());
    assert_ne!(&got[3].id, first_id);
    assert_eq!(
        got[3].body["data"]["case"]["id"],
        second.case.id.to_string()
    );
    assert!(got[3].signed);
    Ok(())
}

#[tokio::test]
async fn a_dead_endpoint_does_not_delay_a_live_one() -> TestResult {
    let app = spawn_app().await;
    let dead = Receiver::start(Answer::Hang).await?;
    let live = Receiver::start(Answer::Status(200)).await?;
    let dead_id = register(&app, &dead, &["case.created"]).await?;
    register(&app, &live, &["case.created"]).await?;

    app.create_case().await;
    dead.wait_for(1).await?;
    for _ in 0..3 {
        app.create_case().await;
    }
    let got = live.wait_for(4).await?;
    assert!(got.iter().all(|r| r.signed));
    // Everything reached the live endpoint while the dead one's first attempt
    // still hung: not yet recorded, and nothing else sent to it.
    let log = deliveries(&app, &dead_id).await?;
    assert_eq!(log.len(), 4, "{log:?}");
    assert!(log.iter().all(|d| d["attempts"] == 0), "{log:?}");
    assert_eq!(dead.received().len(), 1);
    Ok(())
}

/// Lets the endpoint `id`'s first delivery fail every hour for a day (the
/// test clock advanced between attempts): never given up before, disabled by
/// the last attempt.
async fn fail_for_a_day(app: &TestApp, id: &str) -> Fallible<()> {
    for attempt in 1..=25 {
        wait_for_attempts(app, id, attempt).await?;
        let (_, list) = get(app, "/api/v1/webhooks").await?;
        let enabled = list[0]["enabled"].as_bool();
        assert_eq!(
            enabled,
            Some(attempt < 25),
            "after attempt {attempt}: {list}"
        );
        if attempt < 25 {
            app.advance(Duration::from_secs(60 * 60));
        }
    }
    Ok(())
}

#[tokio::test]
async fn an_endpoint_failing_for_a_day_is_disabled_audited_and_resumes_when_enabled() -> TestResult
{
    let app = spawn_app_with(Options {
        manual_clock: true,
        ..Options::default()
    })
    .await;
    let receiver = Receiver::start(Answer::Status(500)).await?;
    let id = register(&app, &receiver, &["case.created"]).await?;
    let first = app.create_case().await;
    fail_for_a_day(&app, &id).await?;
    let (_, list) = get(&app, "/api/v1/webhooks").await?;
    let reason = list[0]["disabled_reason"].as_str().unwrap_or_default();
    assert!(reason.contains("failed for a day"), "{list}");
    assert!(list[0]["failing_since"].is_string(), "{list}");
    let told = audited(&app, "webhook.changed", &id).await?;
    assert_eq!(told.len(), 1, "{told:?}");
    assert_eq!(told[0]["actor_name"], "server");
    assert!(
        told[0]["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("failed for a day")
    );

    // Disabled: no new event is queued for it, and nothing is sent.
    app.create_case().await;
    app.advance(Duration::from_secs(2 * 60 * 60));
    assert_eq!(deliveries(&app, &id).await?.len(), 1);

    receiver.answer(Answer::Status(200));
    assert_eq!(
        post_action(&app, &format!("/api/v1/webhooks/{id}/enable")).await?,
        StatusCode::OK
    );
    let got = receiver.wait_for(26).await?;
    assert_eq!(
        got[25].id, got[0].id,
        "the missed event, same id: {:?}",
        got[25]
    );
    assert_eq!(
        got[25].body["data"]["case"]["id"],
        first.case.id.to_string()
    );
    let (_, list) = get(&app, "/api/v1/webhooks").await?;
    assert_eq!(list[0]["enabled"], true);
    assert_eq!(list[0]["disabled_reason"], Value::Null);
    let changes = audited(&app, "webhook.changed", &id).await?;
    assert_eq!(changes.len(), 2);
    assert_eq!(changes[0]["detail"], "enabled");
    assert_eq!(changes[0]["actor_name"], "Admin");
    Ok(())
}

#[tokio::test]
async fn a_disabled_endpoint_gets_nothing_and_a_deleted_one_is_gone() -> TestResult {
    let app = spawn_app().await;
    let receiver = Receiver::start(Answer::Status(200)).await?;
    let id = register(&app, &receiver, &["case.created"]).await?;
    assert_eq!(
        post_action(&app, &format!("/api/v1/webhooks/{id}/disable")).await?,
        StatusCode::OK
    );
    app.create_case().await;
    let (_, list) = get(&app, "/api/v1/webhooks").await?;
    assert_eq!(list[0]["enabled"], false);
    assert!(deliveries(&app, &id).await?.is_empty());

    assert_eq!(
        post_action(&app, &format!("/api/v1/webhooks/{id}/enable")).await?,
        StatusCode::OK
    );
    let case = app.create_case().await;
    let got = receiver.wait_for(1).await?;
    assert_eq!(got[0].body["data"]["case"]["id"], case.case.id.to_string());

    let delete = |path: String| {
        app.http
            .delete(app.url(&path))
            .bearer_auth(&app.admin_token)
            .send()
    };
    let as_expert = app
        .http
        .delete(app.url(&format!("/api/v1/webhooks/{id}")))
        .bearer_auth(&app.expert_token)
        .send()
        .await?;
    assert_eq!(as_expert.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        delete(format!("/api/v1/webhooks/{id}")).await?.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        delete(format!("/api/v1/webhooks/{id}")).await?.status(),
        StatusCode::NOT_FOUND
    );
    let (_, list) = get(&app, "/api/v1/webhooks").await?;
    assert_eq!(list, json!([]));
    let (status, _) = get(&app, &format!("/api/v1/webhooks/{id}/deliveries")).await?;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, error) = get(&app, &format!("/api/v1/webhooks/{id}/deliveries?limit=0")).await?;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{error}");
    let (status, error) = get(&app, &format!("/api/v1/webhooks/{id}/deliveries?limit=x")).await?;
    assert_eq!(status, StatusCode::BAD_REQUEST, "a JSON error: {error}");
    assert!(
        error["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("limit")),
        "{error}"
    );
    let changes = audited(&app, "webhook.changed", &id).await?;
    let details: Vec<&str> = changes
        .iter()
        .filter_map(|e| e["detail"].as_str())
        .collect();
    assert_eq!(details, ["enabled", "disabled"]);
    assert_eq!(audited(&app, "webhook.deleted", &id).await?.len(), 1);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delivery_waiting_when_the_server_stops_is_sent_after_it_starts_again() -> TestResult {
    let dir = tempfile::tempdir()?;
    let company = set_up_company(dir.path())?;
    let receiver = Receiver::start(Answer::Status(500)).await?;
    let mut server = ServerProcess::start(dir.path(), &[])?;
    let http = reqwest::Client::new();
    let id = register_at(
        &http,
        &server.base_url,
        &company.expert_token,
        &receiver,
        &["case.created"],
    )
    .await?;
    let client = QueueClient::new(&server.base_url)?;
    let created = client
        .create_case(
            &company.deployment_key,
            &IdempotencyKey::generate(),
            &sos_request(None),
        )
        .await?;
    receiver.wait_for(1).await?;
    // Killed once the failed attempt is recorded, so the delivery waits for
    // its retry. Killed between sending and recording, the delivery stays
    // claimed by the dead process for the claim's lease (a minute), which is
    // another case.
    wait_for_attempts_at(&http, &server.base_url, &company.expert_token, &id, 1).await?;
    server.child.kill()?;
    server.child.wait()?;

    receiver.answer(Answer::Status(200));
    let _again = ServerProcess::start(dir.path(), &[])?;
    let got = receiver.wait_for(2).await?;
    assert_eq!(got[1].id, got[0].id, "the same event, the same id");
    assert!(got[1].signed);
    assert_eq!(
        got[1].body["data"]["case"]["id"],
        created.case.id.to_string()
    );
    Ok(())
}

#[tokio::test]
async fn an_admin_manages_endpoints_and_reads_the_delivery_log_in_the_console() -> TestResult {
    let app = spawn_app().await;
    give_password(&app, "admin@example.com").await?;
    let (cookie, csrf) = sign_in_as(&app, "admin@example.com").await?;
    let admin = Session {
        app: &app,
        cookie,
        csrf,
    };
    let receiver = Receiver::start(Answer::Status(200)).await?;

    let added = admin
        .post(
            "/admin/webhooks",
            &[
                ("url", receiver.url.as_str()),
                ("case.created", "on"),
                ("case.closed", "on"),
            ],
        )
        .await?;
    assert_eq!(added.status(), StatusCode::OK);
    let shown = added.text().await?;
    let secret = shown
        .split("id=\"webhook-secret\">")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .ok_or("the secret is shown")?;
    receiver.set_secret(secret);
    let (_, list) = get(&app, "/api/v1/webhooks").await?;
    assert_eq!(list[0]["events"], json!(["case.created", "case.closed"]));
    let id = list[0]["id"].as_str().ok_or("id")?.to_string();
    let listed = admin.get("/admin/webhooks").await?.text().await?;
    assert!(
        listed.contains(&receiver.url) && !listed.contains(secret),
        "{listed}"
    );

    let case = app.create_case().await;
    let got = receiver.wait_for(1).await?;
    assert!(got[0].signed, "the console's secret signs");
    poll_until(
        Duration::from_secs(10),
        "the log shows it delivered",
        || async {
            let log = admin
                .get(&format!("/admin/webhooks/{id}/deliveries"))
                .await?
                .text()
                .await?;
            Ok(
                (log.contains(&case.case.id.to_string()) && log.contains("delivered"))
                    .then_some(()),
            )
        },
    )
    .await?;

    let disabled = admin
        .post(&format!("/admin/webhooks/{id}"), &[("change", "disable")])
        .await?;
    assert_eq!(disabled.status(), StatusCode::SEE_OTHER);
    let (_, list) = get(&app, "/api/v1/webhooks").await?;
    assert_eq!(list[0]["enabled"], false);
    let listed = admin.get("/admin/webhooks").await?.text().await?;
    assert!(listed.contains("disabled by Admin"), "{listed}");
    let deleted = admin
        .post(&format!("/admin/webhooks/{id}"), &[("change", "delete")])
        .await?;
    assert_eq!(deleted.status(), StatusCode::SEE_OTHER);
    assert_eq!(get(&app, "/api/v1/webhooks").await?.1, json!([]));

    give_password(&app, "ana@example.com").await?;
    let (cookie, csrf) = sign_in_as(&app, "ana@example.com").await?;
    let expert = Session {
        app: &app,
        cookie,
        csrf,
    };
    assert_eq!(
        expert.get("/admin/webhooks").await?.status(),
        StatusCode::FORBIDDEN
    );
    let refused = expert
        .post(
            "/admin/webhooks",
            &[("url", receiver.url.as_str()), ("case.created", "on")],
        )
        .await?;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    Ok(())
}

#[tokio::test]
async fn the_admins_are_emailed_when_an_endpoint_is_disabled() -> TestResult {
    let certificate = Certificate::for_localhost()?;
    let sink = SmtpSink::start(Mode::StartTls, &certificate, None, 0)?;
    let app = spawn_app_with(Options {
        env: email_env(format!("smtp://localhost:{}", sink.port), &certificate),
        manual_clock: true,
        ..Options::default()
    })
    .await;
    // A second admin, and one deactivated: only active admins are told, and
    // the experts (Ana) are not.
    let now = app.state.clock.now();
    for name in ["Carla", "Dario"] {
        let email = Email::parse(format!("{}@example.com", name.to_lowercase()))?;
        admin::create_expert(app.store.as_ref(), email, name, None, true, vec![], now).await?;
    }
    let experts = app.store.list_experts().await?;
    let named = |name: &str| {
        experts
            .iter()
            .find(|e| e.display_name == name)
            .map(|e| e.id)
            .ok_or(format!("{name} exists"))
    };
    app.store
        .change_expert(named("Dario")?, ExpertChange::Active(false), now)
        .await?;
    // Carla reads the console in French: so does her email.
    app.store
        .set_expert_language(named("Carla")?, Some("fr".into()))
        .await?;
    let receiver = Receiver::start(Answer::Status(503)).await?;
    let id = register(&app, &receiver, &["case.created"]).await?;
    app.create_case().await;
    fail_for_a_day(&app, &id).await?;

    let mails = sink.wait_for(2).await?;
    let mut to: Vec<&str> = mails.iter().map(|m| m.rcpt_tos[0].as_str()).collect();
    to.sort_unstable();
    assert_eq!(to, ["admin@example.com", "carla@example.com"], "{mails:#?}");
    for mail in &mails {
        assert_eq!(mail.rcpt_tos.len(), 1, "{mail:?}");
        let text = &mail.text;
        assert!(text.contains(&receiver.url), "names the endpoint: {text}");
        assert!(
            text.contains(&format!("{PUBLIC_URL}/admin/webhooks")),
            "links to the console's page: {text}"
        );
        let subject = if mail.rcpt_tos[0] == "carla@example.com" {
            format!("Lifeline n'envoie plus de webhooks à {}", receiver.url)
        } else {
            format!("Lifeline stopped sending webhooks to {}", receiver.url)
        };
        assert_eq!(mail.subject(), subject, "in the admin's language");
    }
    // Nothing more: one email per admin, whatever the later passes.
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(sink.received()?.len(), 2);
    Ok(())
}
