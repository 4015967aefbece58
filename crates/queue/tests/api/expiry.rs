use std::time::Duration;

use lifeline_protocol::{CaseState, ClosedBy, UpdateCaseRequest};

use crate::events::next_case;
use crate::helpers::{Options, TestResult, api_status, spawn_app_with};

async fn app_with_ttl_90s() -> crate::helpers::TestApp {
    spawn_app_with(Options {
        env: vec![("LIFELINE_CASE_TTL", "90s")],
        manual_clock: true,
        ..Options::default()
    })
    .await
}

#[tokio::test]
async fn a_case_reads_expired_from_its_deadline_even_before_the_sweep() -> TestResult {
    let app = app_with_ttl_90s().await;
    let created = app.create_case().await;
    assert_eq!(
        created.case.expires_at - created.case.created_at,
        time::Duration::seconds(90)
    );

    app.advance(Duration::from_millis(89_999));
    let before = app.client.get_case(&created.token, created.case.id).await?;
    assert_eq!(
        before.state,
        CaseState::New,
        "one millisecond before the deadline it is open"
    );

    app.advance(Duration::from_millis(1));
    let after = app.client.get_case(&created.token, created.case.id).await?;
    assert_eq!(
        after.state,
        CaseState::Expired,
        "at the deadline it is expired"
    );
    assert_eq!(after.closed_by, Some(ClosedBy::System));
    assert_eq!(after.closed_at, Some(created.case.expires_at));
    assert_eq!(after.queue_position, None);
    Ok(())
}

#[tokio::test]
async fn an_expired_case_refuses_changes() -> TestResult {
    let app = app_with_ttl_90s().await;
    let created = app.create_case().await;
    app.advance(Duration::from_secs(91));
    let edit = app
        .client
        .update_case(
            &created.token,
            created.case.id,
            &UpdateCaseRequest::default(),
        )
        .await
        .expect_err("expired is final");
    assert_eq!(api_status(&edit), Some(409));
    let close = app
        .client
        .close_case(&created.token, created.case.id)
        .await
        .expect_err("expired is final");
    assert_eq!(api_status(&close), Some(409));
    let open = app
        .client
        .list_cases(&app.expert_token, &Default::default())
        .await?;
    assert!(
        open.cases.is_empty(),
        "an expired case is not in the open queue"
    );
    Ok(())
}

#[tokio::test]
async fn the_sweep_publishes_the_expired_event_and_the_stream_ends() -> TestResult {
    let app = app_with_ttl_90s().await;
    let created = app.create_case().await;
    let mut stream = app
        .client
        .events(&created.token, created.case.id, None)
        .await?;
    let (first, _) = next_case(&mut stream).await?;

    app.advance(Duration::from_secs(91));
    // The sweep runs every second on the server's (manual) clock.
    let (id, expired) = next_case(&mut stream).await?;
    assert!(id > first);
    assert_eq!(expired.state, CaseState::Expired);
    assert!(
        stream.next_event().await.is_none(),
        "the stream ends after the final state"
    );

    let history = app
        .client
        .get_case(&app.expert_token, created.case.id)
        .await?
        .history
        .ok_or("history")?;
    let last = history.last().ok_or("a history line")?;
    assert_eq!(
        (last.action, last.actor.as_str()),
        (lifeline_protocol::HistoryAction::Expired, "system")
    );
    Ok(())
}
