//! Answers that carry a case token, a deployment key or a deployment file
//! say `Cache-Control: no-store`, so no browser or proxy cache keeps them.

use lifeline_protocol::{
    IDEMPOTENCY_KEY_HEADER, IdempotencyKey, JoinCaseRequest, ManualCaseRequest, NewDeployment,
};
use reqwest::header::CACHE_CONTROL;

use crate::helpers::{TestResult, sos_request, spawn_app};

fn assert_not_stored(response: &reqwest::Response, what: &str) {
    assert!(
        response.status().is_success(),
        "{what}: {}",
        response.status()
    );
    assert_eq!(
        response
            .headers()
            .get(CACHE_CONTROL)
            .and_then(|v| v.to_str().ok()),
        Some("no-store"),
        "{what}"
    );
}

#[tokio::test]
async fn answers_carrying_a_token_or_key_are_not_stored() -> TestResult {
    let app = spawn_app().await;
    let key = IdempotencyKey::generate();
    for attempt in ["create", "create replayed"] {
        let response = app
            .http
            .post(app.url("/api/v1/cases"))
            .bearer_auth(&app.deployment_key)
            .header(IDEMPOTENCY_KEY_HEADER, key.as_str())
            .json(&sos_request(None))
            .send()
            .await?;
        assert_not_stored(&response, attempt);
    }

    let manual = app
        .client
        .create_manual_case(
            &app.expert_token,
            &ManualCaseRequest {
                group: app.group.id,
                customer: None,
                description: None,
            },
        )
        .await?;
    let joined = app
        .http
        .post(app.url("/api/v1/cases/join"))
        .bearer_auth(&app.deployment_key)
        .json(&JoinCaseRequest {
            code: manual.code,
            device: None,
        })
        .send()
        .await?;
    assert_not_stored(&joined, "join");

    let created = app
        .http
        .post(app.url("/api/v1/deployments"))
        .bearer_auth(&app.admin_token)
        .json(&serde_json::json!({
            "name": "Laptops",
            "group": app.group.id,
            "server_url": "https://help.example.com",
        }))
        .send()
        .await?;
    assert_not_stored(&created, "new deployment key");
    let deployment: NewDeployment = created.json().await?;
    let file = app
        .http
        .get(app.url(&format!(
            "/api/v1/deployments/{}/file",
            deployment.deployment.id
        )))
        .bearer_auth(&app.admin_token)
        .send()
        .await?;
    assert_not_stored(&file, "deployment file");
    Ok(())
}
