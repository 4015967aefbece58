use std::time::Duration;

use lifeline_client::{CaseEvent, CaseEventKind, EventStream};
use lifeline_protocol::{Case, CaseState};
use tokio::time::timeout;

use crate::helpers::{TestResult, spawn_app};

pub async fn next_case(
    stream: &mut EventStream,
) -> Result<(u64, Case), Box<dyn std::error::Error>> {
    let event = timeout(Duration::from_secs(5), stream.next_event())
        .await?
        .ok_or("the stream ended")??;
    match event {
        CaseEvent {
            id,
            kind: CaseEventKind::Case(case),
        } => Ok((id, case)),
        other => Err(format!("expected a case event, got {other:?}").into()),
    }
}

#[tokio::test]
async fn the_stream_starts_with_the_case_then_sends_each_change() -> TestResult {
    let app = spawn_app().await;
    let created = app.create_case().await;
    let mut stream = app
        .client
        .events(&created.token, created.case.id, None)
        .await?;

    let (first_id, first) = next_case(&mut stream).await?;
    assert_eq!(first.id, created.case.id);
    assert_eq!(first.state, CaseState::New);

    app.client
        .assign(&app.expert_token, created.case.id, Some(app.expert.id))
        .await?;
    let (second_id, assigned) = next_case(&mut stream).await?;
    assert!(second_id > first_id, "event ids increase");
    assert_eq!(
        assigned.assignee.map(|a| a.display_name),
        Some("Ana".into())
    );

    app.client
        .close_case(&created.token, created.case.id)
        .await?;
    let (_, closed) = next_case(&mut stream).await?;
    assert_eq!(closed.state, CaseState::Closed);
    let end = timeout(Duration::from_secs(5), stream.next_event()).await?;
    assert!(
        end.is_none(),
        "the stream ends after the final state, got {end:?}"
    );
    Ok(())
}

#[tokio::test]
async fn a_reconnect_with_last_event_id_resumes_after_it() -> TestResult {
    let app = spawn_app().await;
    let created = app.create_case().await;
    let id = created.case.id;
    let mut stream = app.client.events(&created.token, id, None).await?;
    let (seen, _) = next_case(&mut stream).await?;
    drop(stream);

    // Changes while the customer was away.
    app.client
        .assign(&app.expert_token, id, Some(app.expert.id))
        .await?;
    app.client.assign(&app.expert_token, id, None).await?;

    let mut resumed = app.client.events(&created.token, id, Some(seen)).await?;
    let (a, assigned) = next_case(&mut resumed).await?;
    let (b, unassigned) = next_case(&mut resumed).await?;
    assert_eq!(
        (a, b),
        (seen + 1, seen + 2),
        "exactly the missed events, in order"
    );
    assert!(assigned.assignee.is_some());
    assert!(unassigned.assignee.is_none());
    Ok(())
}

#[tokio::test]
async fn experts_follow_cases_of_their_groups_too() -> TestResult {
    let app = spawn_app().await;
    let created = app.create_case().await;
    let mut stream = app
        .client
        .events(&app.expert_token, created.case.id, None)
        .await?;
    let (_, case) = next_case(&mut stream).await?;
    assert_eq!(case.id, created.case.id);
    Ok(())
}

#[tokio::test]
async fn a_final_case_sends_its_state_and_ends() -> TestResult {
    let app = spawn_app().await;
    let created = app.create_case().await;
    app.client
        .close_case(&created.token, created.case.id)
        .await?;
    let mut stream = app
        .client
        .events(&created.token, created.case.id, None)
        .await?;
    let (_, case) = next_case(&mut stream).await?;
    assert_eq!(case.state, CaseState::Closed);
    assert!(
        timeout(Duration::from_secs(5), stream.next_event())
            .await?
            .is_none()
    );
    Ok(())
}

#[tokio::test]
async fn an_idle_stream_gets_a_keep_alive_comment_within_15_seconds() -> TestResult {
    use futures_util::StreamExt as _;
    let app = spawn_app().await;
    let created = app.create_case().await;
    let response = app
        .http
        .get(app.url(&format!("/api/v1/cases/{}/events", created.case.id)))
        .bearer_auth(&created.token)
        .send()
        .await?;
    assert_eq!(
        response
            .headers()
            .get("content-type")
            .map(|v| v.to_str())
            .transpose()?,
        Some("text/event-stream")
    );
    let mut body = response.bytes_stream();
    let mut seen = String::new();
    let found = timeout(Duration::from_secs(15), async {
        while let Some(chunk) = body.next().await {
            seen.push_str(&String::from_utf8_lossy(&chunk?));
            // A comment line: ":" at the start of a line.
            if seen.lines().any(|line| line.starts_with(':')) {
                return Ok::<bool, reqwest::Error>(true);
            }
        }
        Ok(false)
    })
    .await;
    assert!(
        matches!(found, Ok(Ok(true))),
        "no keep-alive within 15 s; got {seen:?}"
    );
    Ok(())
}
