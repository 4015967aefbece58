//! Following a case live through an assignment and a server restart.

use std::time::Duration;

use lifeline_client::{Backoff, WatchEvent, request_help, watch};
use lifeline_protocol::{CaseState, Channel, Device};
use tokio::sync::mpsc::Receiver;
use tokio::time::timeout;

use crate::helpers::{Fallible, TestDesktop, TestResult, TestServer, quick_backoff};

/// The next event the window gets, within a few seconds.
async fn next(events: &mut Receiver<WatchEvent>) -> Fallible<WatchEvent> {
    Ok(timeout(Duration::from_secs(10), events.recv())
        .await?
        .ok_or("the watcher ended early")?)
}

/// Skips events until one matches.
async fn until(
    events: &mut Receiver<WatchEvent>,
    wanted: impl Fn(&WatchEvent) -> bool,
) -> Fallible<WatchEvent> {
    loop {
        let event = next(events).await?;
        if wanted(&event) {
            return Ok(event);
        }
    }
}

#[tokio::test]
async fn the_watcher_sees_the_assignment_survives_a_restart_and_ends_when_closed() -> TestResult {
    let mut server = TestServer::spawn().await?;
    let app = TestDesktop::new(&server.base_url(), &server.deployment_key)?;
    let opened = request_help(
        &app.client,
        &app.deployment,
        &app.state,
        Channel::Sos,
        Device::default(),
        &mut quick_backoff(),
        |_| {},
    )
    .await?;
    let backoff = Backoff::new(Duration::from_millis(20), Duration::from_millis(200));
    let (_watch, mut events) = watch(
        app.client.clone(),
        opened.stored.token.clone(),
        opened.case.id,
        backoff,
    );

    assert_eq!(next(&mut events).await?, WatchEvent::Online);
    assert!(matches!(next(&mut events).await?, WatchEvent::Case(c) if c.state == CaseState::New));

    // An expert takes the case.
    let expert = lifeline_client::QueueClient::new(&server.base_url())?;
    expert
        .assign(&server.expert_token, opened.case.id, Some(server.expert_id))
        .await?;
    let assigned = until(
        &mut events,
        |e| matches!(e, WatchEvent::Case(c) if c.assignee.is_some()),
    )
    .await?;
    if let WatchEvent::Case(case) = assigned {
        assert_eq!(
            case.assignee.map(|a| a.display_name),
            Some("Ana".to_owned())
        );
    }

    // The server restarts on the same address: the window hears it went away
    // and came back.
    let addr = server.addr;
    server.stop().await?;
    until(&mut events, |e| matches!(e, WatchEvent::Offline { .. })).await?;
    server.start_on(addr).await?;
    until(&mut events, |e| *e == WatchEvent::Online).await?;

    // The customer cancels: the final state arrives and the watcher ends.
    app.client
        .close_case(&opened.stored.token, opened.case.id)
        .await?;
    until(
        &mut events,
        |e| matches!(e, WatchEvent::Case(c) if c.state == CaseState::Closed),
    )
    .await?;
    let after = timeout(Duration::from_secs(5), events.recv()).await?;
    assert_eq!(after, None, "the watcher ends after the final state");
    Ok(())
}
