use lifeline_protocol::{ErrorBody, ErrorCode};

use crate::helpers::{TestApp, TestResult, spawn_app};

struct Case {
    what: &'static str,
    path: String,
    body: String,
    content_type: &'static str,
    idempotency_key: Option<String>,
    expect: (u16, ErrorCode),
}

async fn send(
    app: &TestApp,
    case: &Case,
    token: &str,
) -> Result<(u16, ErrorBody), Box<dyn std::error::Error>> {
    let mut request = app
        .http
        .post(app.url(&case.path))
        .bearer_auth(token)
        .header("content-type", case.content_type)
        .body(case.body.clone());
    if let Some(key) = &case.idempotency_key {
        request = request.header("Idempotency-Key", key);
    }
    let response = request.send().await?;
    let status = response.status().as_u16();
    let text = response.text().await?;
    let body = serde_json::from_str(&text)
        .map_err(|e| format!("{}: not our error body ({e}): {text}", case.what))?;
    Ok((status, body))
}

#[tokio::test]
async fn bad_create_requests_get_our_error_body_and_the_right_status() -> TestResult {
    let app = spawn_app().await;
    let key = || Some(uuid::Uuid::now_v7().to_string());
    let create = |what, body: String, expect| Case {
        what,
        path: "/api/v1/cases".into(),
        body,
        content_type: "application/json",
        idempotency_key: key(),
        expect,
    };
    let cases = [
        create(
            "malformed JSON",
            r#"{"channel": "sos""#.into(),
            (400, ErrorCode::Validation),
        ),
        create("not an object", "[]".into(), (422, ErrorCode::Validation)),
        create(
            "wrong type",
            r#"{"channel": 7}"#.into(),
            (422, ErrorCode::Validation),
        ),
        create(
            "unknown channel",
            r#"{"channel": "fax"}"#.into(),
            (422, ErrorCode::Validation),
        ),
        create(
            "unknown field",
            r#"{"channel": "sos", "admin": true}"#.into(),
            (422, ErrorCode::Validation),
        ),
        create(
            "description too long",
            format!(
                r#"{{"channel": "sos", "description": "{}"}}"#,
                "x".repeat(4001)
            ),
            (422, ErrorCode::Validation),
        ),
        create(
            "name too long",
            format!(
                r#"{{"channel": "sos", "customer": {{"name": "{}"}}}}"#,
                "x".repeat(101)
            ),
            (422, ErrorCode::Validation),
        ),
        create(
            "bad email",
            r#"{"channel": "sos", "customer": {"email": "luis"}}"#.into(),
            (422, ErrorCode::Validation),
        ),
        create(
            "device field too long",
            format!(
                r#"{{"channel": "sos", "device": {{"hostname": "{}"}}}}"#,
                "x".repeat(201)
            ),
            (422, ErrorCode::Validation),
        ),
        create(
            "body over 16 KiB",
            format!(
                r#"{{"channel": "sos", "description": "{}"}}"#,
                "x".repeat(17 * 1024)
            ),
            (413, ErrorCode::PayloadTooLarge),
        ),
        Case {
            content_type: "text/plain",
            ..create(
                "wrong content type",
                r#"{"channel":"sos"}"#.into(),
                (400, ErrorCode::Validation),
            )
        },
        Case {
            idempotency_key: None,
            ..create(
                "no Idempotency-Key",
                r#"{"channel":"sos"}"#.into(),
                (400, ErrorCode::Validation),
            )
        },
        Case {
            idempotency_key: Some("k".repeat(256)),
            ..create(
                "Idempotency-Key too long",
                r#"{"channel":"sos"}"#.into(),
                (400, ErrorCode::Validation),
            )
        },
        Case {
            path: "/api/v1/cases/join".into(),
            ..create(
                "malformed code",
                r#"{"code": "12345"}"#.into(),
                (422, ErrorCode::Validation),
            )
        },
    ];
    for case in &cases {
        let (status, body) = send(&app, case, &app.deployment_key).await?;
        assert_eq!(
            (status, body.error.code),
            case.expect,
            "{}: {}",
            case.what,
            body.error.message
        );
    }
    let (_, body) = send(&app, &cases[5], &app.deployment_key).await?;
    assert!(
        body.error.message.starts_with("description: at most 4000"),
        "the message names the field: {}",
        body.error.message
    );

    let listed = app
        .client
        .list_cases(&app.admin_token, &Default::default())
        .await?;
    assert!(listed.cases.is_empty(), "no bad request created a case");
    Ok(())
}

#[tokio::test]
async fn malformed_ids_queries_and_routes_are_client_errors_never_500() -> TestResult {
    let app = spawn_app().await;
    let created = app.create_case().await;
    let get = |path: String, token: String| {
        let request = app.http.get(app.url(&path)).bearer_auth(token);
        async move { request.send().await }
    };
    let probes = [
        (
            "/api/v1/cases/not-a-uuid".to_string(),
            created.token.clone(),
            400,
        ),
        (
            format!("/api/v1/cases/{}/events", "123"),
            created.token.clone(),
            400,
        ),
        (
            "/api/v1/cases?limit=100000".into(),
            app.expert_token.clone(),
            400,
        ),
        (
            "/api/v1/cases?state=sleeping".into(),
            app.expert_token.clone(),
            400,
        ),
        (
            "/api/v1/cases?cursor=%%%".into(),
            app.expert_token.clone(),
            400,
        ),
        (
            "/api/v1/cases?assignee=nobody".into(),
            app.expert_token.clone(),
            400,
        ),
        ("/api/v1/nothing-here".into(), app.expert_token.clone(), 404),
    ];
    for (path, token, expected) in probes {
        let response = get(path.clone(), token).await?;
        let status = response.status().as_u16();
        let body: ErrorBody = response.json().await.map_err(|e| format!("{path}: {e}"))?;
        assert_eq!(status, expected, "{path}: {}", body.error.message);
    }

    let bad_event_id = app
        .http
        .get(app.url(&format!("/api/v1/cases/{}/events", created.case.id)))
        .bearer_auth(&created.token)
        .header("Last-Event-ID", "yesterday")
        .send()
        .await?;
    assert_eq!(bad_event_id.status(), 400);
    Ok(())
}

#[tokio::test]
async fn a_session_request_that_is_no_websocket_handshake_is_400_whatever_the_case_state()
-> TestResult {
    let app = spawn_app().await;
    let created = app.create_case().await;
    app.client
        .close_case(&created.token, created.case.id)
        .await?;
    let response = app
        .http
        .get(app.url(&format!("/api/v1/cases/{}/session", created.case.id)))
        .bearer_auth(&created.token)
        .send()
        .await?;
    assert_eq!(
        response.status(),
        400,
        "a malformed request, not a conflict"
    );
    let body: ErrorBody = response.json().await?;
    assert_eq!(body.error.code, ErrorCode::Validation);
    Ok(())
}
