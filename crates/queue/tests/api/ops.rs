use std::time::Duration;

use crate::helpers::{TestResult, spawn_app};

#[tokio::test]
async fn health_metrics_and_the_openapi_document_are_served() -> TestResult {
    let app = spawn_app().await;
    app.create_case().await;

    let health = app.http.get(app.url("/healthz")).send().await?;
    assert_eq!(health.status(), 200);

    let metrics = app
        .http
        .get(app.url("/metrics"))
        .send()
        .await?
        .text()
        .await?;
    for series in [
        "lifeline_cases_created_total{channel=\"sos\"} 1",
        "lifeline_open_cases{state=\"new\"} 1",
        "lifeline_live_subscribers",
        "lifeline_http_request_duration_seconds_bucket",
    ] {
        assert!(
            metrics.contains(series),
            "metrics lack {series}:\n{metrics}"
        );
    }

    let doc: serde_json::Value = app
        .http
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await?
        .json()
        .await?;
    assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")));
    for path in [
        "/api/v1/cases",
        "/api/v1/cases/join",
        "/api/v1/cases/{id}/events",
        "/api/v1/deployments/{id}/file",
    ] {
        assert!(doc["paths"][path].is_object(), "the spec documents {path}");
    }
    assert!(doc["components"]["schemas"]["Case"].is_object());
    Ok(())
}

#[tokio::test]
async fn shutdown_ends_open_event_streams_and_stops_the_server() -> TestResult {
    let mut app = spawn_app().await;
    let created = app.create_case().await;
    let mut stream = app
        .client
        .events(&created.token, created.case.id, None)
        .await?;
    stream.next_event().await.ok_or("the first event")??;

    tokio::time::timeout(Duration::from_secs(10), app.shut_down()).await??;
    let end = tokio::time::timeout(Duration::from_secs(5), stream.next_event()).await?;
    assert!(end.is_none_or(|e| e.is_err()), "the stream is over");
    assert!(
        app.http.get(app.url("/healthz")).send().await.is_err(),
        "nothing listens any more"
    );
    Ok(())
}

#[tokio::test]
async fn the_openapi_document_states_the_rules_and_links_created_ids() -> TestResult {
    let app = spawn_app().await;
    let doc: serde_json::Value = app
        .http
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await?
        .json()
        .await?;
    let schemas = &doc["components"]["schemas"];
    assert_eq!(schemas["CustomerName"]["maxLength"], 100);
    assert_eq!(schemas["CustomerName"]["minLength"], 1);
    assert_eq!(schemas["Description"]["maxLength"], 4000);
    assert_eq!(schemas["Email"]["maxLength"], 254);
    assert!(schemas["Email"]["pattern"].is_string());
    assert_eq!(
        schemas["CreateCaseRequest"]["properties"]["channel"]["enum"],
        serde_json::json!(["sos", "app"]),
        "a customer may not create manual or api cases"
    );
    let create = &doc["paths"]["/api/v1/cases"]["post"];
    let key = create["parameters"]
        .as_array()
        .and_then(|p| p.iter().find(|p| p["name"] == "Idempotency-Key"))
        .ok_or("the Idempotency-Key header is documented")?;
    assert_eq!(key["schema"]["maxLength"], 255);
    let list = &doc["paths"]["/api/v1/cases"]["get"]["parameters"];
    let limit = list
        .as_array()
        .and_then(|p| p.iter().find(|p| p["name"] == "limit"))
        .ok_or("limit is documented")?;
    assert_eq!(
        (&limit["schema"]["minimum"], &limit["schema"]["maximum"]),
        (&serde_json::json!(1), &serde_json::json!(200))
    );
    let link = &create["responses"]["201"]["links"]["get_case"];
    assert_eq!(link["operationId"], "get_case");
    assert_eq!(link["parameters"]["id"], "$response.body#/case/id");
    for (path, method) in [
        ("/api/v1/cases/{id}", "get"),
        ("/api/v1/cases/{id}/close", "post"),
        ("/api/v1/deployments/{id}/file", "get"),
    ] {
        let responses = &doc["paths"][path][method]["responses"];
        for status in ["400", "401", "403", "404"] {
            assert!(
                responses[status].is_object(),
                "{method} {path} documents {status}"
            );
        }
    }
    Ok(())
}
