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
