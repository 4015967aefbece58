//! The live session over real WebSockets: presence drives the state, chat
//! goes both ways once and in order, a blip loses nothing, and the session
//! refuses what it must.

use std::time::{Duration, Instant};

use lifeline_client::{Backoff, CaseEventKind, Session, SessionEvent, join_session};
use lifeline_protocol::{CaseState, ChatMessage, ErrorCode, MessageFrom};
use tokio::net::TcpListener;
use tokio::sync::{mpsc, watch};
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;
use uuid::Uuid;

use crate::helpers::{TestApp, TestResult, spawn_app};

/// Fast retries: a blip in a test should heal in milliseconds.
pub(crate) fn quick() -> Backoff {
    Backoff::new(Duration::from_millis(50), Duration::from_millis(200))
}

/// Waits until the case reads `state` (5 s at most).
pub(crate) async fn wait_for_state(
    app: &TestApp,
    token: &str,
    id: Uuid,
    state: CaseState,
) -> TestResult {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let case = app.client.get_case(token, id).await?;
        if case.state == state {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(format!("the case reads {:?}, not {state:?}", case.state).into());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Collects chat messages from a session until `n` have arrived (5 s at most).
pub async fn messages(
    events: &mut mpsc::Receiver<SessionEvent>,
    n: usize,
) -> Result<Vec<ChatMessage>, Box<dyn std::error::Error>> {
    let mut got = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while got.len() < n {
        match tokio::time::timeout_at(deadline, events.recv()).await {
            Ok(Some(SessionEvent::Message(m))) => got.push(m),
            Ok(Some(SessionEvent::Ended { reason })) => {
                return Err(format!("the session ended: {reason}").into());
            }
            Ok(Some(_)) => {}
            Ok(None) => return Err("the session's events stopped".into()),
            Err(_) => return Err(format!("{} of {n} messages arrived", got.len()).into()),
        }
    }
    Ok(got)
}

/// The next event the predicate picks (5 s at most).
pub(crate) async fn next_matching(
    events: &mut mpsc::Receiver<SessionEvent>,
    pick: impl Fn(&SessionEvent) -> bool,
) -> Result<SessionEvent, Box<dyn std::error::Error>> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        match tokio::time::timeout_at(deadline, events.recv()).await {
            Ok(Some(event)) if pick(&event) => return Ok(event),
            Ok(Some(_)) => {}
            Ok(None) => return Err("the session's events stopped".into()),
            Err(_) => return Err("the expected session event did not come".into()),
        }
    }
}

pub(crate) fn join(
    app: &TestApp,
    token: &str,
    id: Uuid,
) -> (Session, mpsc::Receiver<SessionEvent>) {
    join_session(&app.client, token.to_string(), id, quick())
}

#[tokio::test]
async fn the_state_walks_new_pending_in_progress_pending_in_progress_closed_whoever_joins_first()
-> TestResult {
    let app = spawn_app().await;
    for expert_first in [true, false] {
        let case = app.create_case().await;
        let id = case.case.id;
        assert_eq!(case.case.state, CaseState::New);
        let (first, second) = if expert_first {
            (app.expert_token.as_str(), case.token.as_str())
        } else {
            (case.token.as_str(), app.expert_token.as_str())
        };
        let (one, _one_events) = join(&app, first, id);
        wait_for_state(&app, &case.token, id, CaseState::Pending).await?;
        let (two, _two_events) = join(&app, second, id);
        wait_for_state(&app, &case.token, id, CaseState::InProgress).await?;
        two.leave().await;
        wait_for_state(&app, &case.token, id, CaseState::Pending).await?;
        let (_again, _again_events) = join(&app, second, id);
        wait_for_state(&app, &case.token, id, CaseState::InProgress).await?;
        app.client.close_case(&app.admin_token, id).await?;
        wait_for_state(&app, &case.token, id, CaseState::Closed).await?;
        drop(one);

        let history: Vec<_> = app
            .store
            .history(id)
            .await?
            .iter()
            .map(|h| h.action.as_str())
            .collect();
        assert_eq!(
            history,
            ["created", "joined", "joined", "left", "joined", "closed"],
            "expert first: {expert_first}"
        );
    }
    Ok(())
}

#[tokio::test]
async fn a_customer_whose_connection_drops_without_a_close_frame_is_out_within_10_s() -> TestResult
{
    let app = spawn_app().await;
    let case = app.create_case().await;
    let id = case.case.id;
    let (_expert, _expert_events) = join(&app, &app.expert_token, id);
    // A raw socket that will stop reading: no pongs, no close frame, the TCP
    // connection still open — a laptop whose network vanished.
    let mut request = format!(
        "{}/api/v1/cases/{id}/session",
        app.base_url.replace("http://", "ws://")
    )
    .into_client_request()?;
    request
        .headers_mut()
        .insert("authorization", format!("Bearer {}", case.token).parse()?);
    let (silent, _) = tokio_tungstenite::connect_async(request).await?;
    wait_for_state(&app, &case.token, id, CaseState::InProgress).await?;

    let went_silent = Instant::now();
    let deadline = went_silent + Duration::from_secs(10);
    loop {
        let now = app.client.get_case(&case.token, id).await?;
        if now.state == CaseState::Pending {
            assert!(!now.customer_connected);
            break;
        }
        assert!(
            Instant::now() < deadline,
            "still {:?} after 10 s",
            now.state
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    eprintln!(
        "the silent customer was out after {:?}",
        went_silent.elapsed()
    );
    drop(silent);
    Ok(())
}

#[tokio::test]
async fn messages_go_both_ways_in_order_reach_the_event_stream_and_replay_on_joining() -> TestResult
{
    let app = spawn_app().await;
    let case = app.create_case().await;
    let id = case.case.id;
    let mut stream = app.client.events(&case.token, id, None).await?;
    let (customer, mut customer_events) = join(&app, &case.token, id);
    let (expert, mut expert_events) = join(&app, &app.expert_token, id);
    wait_for_state(&app, &case.token, id, CaseState::InProgress).await?;

    let mut sent = Vec::new();
    for i in 0..4 {
        // Each send waits until the message is back, so the order of sending
        // is the order stored: the customer's socket sees both sides' messages.
        sent.push(customer.send(&format!("customer {i}")).await?);
        messages(&mut customer_events, 1).await?;
        sent.push(expert.send(&format!("expert {i}")).await?);
        messages(&mut customer_events, 1).await?;
    }
    let seen_by_expert = messages(&mut expert_events, 8).await?;
    let ids: Vec<Uuid> = seen_by_expert.iter().map(|m| m.id).collect();
    assert_eq!(ids, sent, "every message, once, in order");
    assert_eq!(seen_by_expert[0].from, MessageFrom::Customer);
    assert_eq!(seen_by_expert[1].author, "Ana");

    let mut from_stream = Vec::new();
    while from_stream.len() < 8 {
        let event = tokio::time::timeout(Duration::from_secs(5), stream.next_event())
            .await?
            .ok_or("the stream ended")??;
        if let CaseEventKind::Message(m) = event.kind {
            from_stream.push(m.id);
        }
    }
    assert_eq!(
        from_stream, sent,
        "the SSE stream carries the chat as message events"
    );

    let (_late, mut late_events) = join(&app, &app.admin_token, id);
    let replayed = messages(&mut late_events, 8).await?;
    assert_eq!(
        replayed.iter().map(|m| m.id).collect::<Vec<_>>(),
        sent,
        "joining replays the chat"
    );
    Ok(())
}

/// A TCP relay to the server whose connections can be cut, like a network blip.
struct Relay {
    url: String,
    cut: watch::Sender<u64>,
}

impl Relay {
    async fn start(target: String) -> Result<Self, Box<dyn std::error::Error>> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}", listener.local_addr()?);
        let (cut, cuts) = watch::channel(0u64);
        tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                let target = target.clone();
                let mut cuts = cuts.clone();
                cuts.mark_unchanged();
                tokio::spawn(async move {
                    let Ok(mut outbound) = tokio::net::TcpStream::connect(&target).await else {
                        return;
                    };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound) => {}
                        _ = cuts.changed() => {}
                    }
                });
            }
        });
        Ok(Self { url, cut })
    }

    /// Drops every connection open now.
    fn cut(&self) {
        self.cut.send_modify(|n| *n += 1);
    }
}

#[tokio::test]
async fn a_network_blip_reconnects_without_losing_or_doubling_messages() -> TestResult {
    let app = spawn_app().await;
    let case = app.create_case().await;
    let id = case.case.id;
    let relay = Relay::start(app.base_url.trim_start_matches("http://").to_string()).await?;
    let through_relay = lifeline_client::QueueClient::new(&relay.url)?;
    let (customer, mut customer_events) =
        join_session(&through_relay, case.token.clone(), id, quick());
    let (expert, mut expert_events) = join(&app, &app.expert_token, id);
    next_matching(&mut customer_events, |e| {
        matches!(e, SessionEvent::Connected)
    })
    .await?;
    let before = customer.send("before the blip").await?;
    messages(&mut customer_events, 1).await?;

    relay.cut();
    // Sent while the connection is down, from both sides.
    let during = customer.send("during the blip").await?;
    let from_expert = expert.send("are you still there?").await?;
    next_matching(&mut customer_events, |e| {
        matches!(e, SessionEvent::Reconnecting { .. })
    })
    .await?;
    let after = customer.send("after the blip").await?;

    let customer_saw = messages(&mut customer_events, 3).await?;
    let mut customer_ids: Vec<Uuid> = customer_saw.iter().map(|m| m.id).collect();
    customer_ids.sort();
    let mut expected = vec![during, from_expert, after];
    expected.sort();
    assert_eq!(
        customer_ids, expected,
        "each message reaches the customer once after the blip"
    );
    let expert_saw = messages(&mut expert_events, 4).await?;
    assert_eq!(
        expert_saw
            .iter()
            .filter(|m| m.from == MessageFrom::Customer)
            .map(|m| m.id)
            .collect::<Vec<_>>(),
        [before, during, after],
        "the expert gets the customer's messages once each, in order"
    );
    let stored: Vec<Uuid> = app.store.messages(id).await?.iter().map(|m| m.id).collect();
    assert_eq!(stored.len(), 4, "nothing stored twice: {stored:?}");
    Ok(())
}

#[tokio::test]
async fn a_closed_case_refuses_a_session_and_ends_the_open_ones() -> TestResult {
    let app = spawn_app().await;
    let case = app.create_case().await;
    let id = case.case.id;
    let (_open, mut open_events) = join(&app, &case.token, id);
    next_matching(&mut open_events, |e| matches!(e, SessionEvent::Connected)).await?;
    app.client.close_case(&app.admin_token, id).await?;
    let ended = next_matching(&mut open_events, |e| {
        matches!(e, SessionEvent::Ended { .. })
    })
    .await?;
    assert!(
        matches!(ended, SessionEvent::Ended { ref reason } if reason.contains("closed")),
        "{ended:?}"
    );

    let (_late, mut late_events) = join(&app, &case.token, id);
    let refused = next_matching(&mut late_events, |e| {
        matches!(e, SessionEvent::Ended { .. })
    })
    .await?;
    assert!(
        matches!(refused, SessionEvent::Ended { ref reason } if reason.contains("409")),
        "{refused:?}"
    );
    Ok(())
}

#[tokio::test]
async fn a_token_for_another_case_cannot_join() -> TestResult {
    let app = spawn_app().await;
    let mine = app.create_case().await;
    let other = app.create_case().await;
    let (_session, mut events) = join(&app, &mine.token, other.case.id);
    let refused = next_matching(&mut events, |e| matches!(e, SessionEvent::Ended { .. })).await?;
    assert!(
        matches!(refused, SessionEvent::Ended { ref reason } if reason.contains("404")),
        "{refused:?}"
    );
    let untouched = app.client.get_case(&other.token, other.case.id).await?;
    assert_eq!(untouched.state, CaseState::New, "nobody joined it");
    Ok(())
}

#[tokio::test]
async fn over_long_and_too_fast_messages_get_clear_errors() -> TestResult {
    let app = spawn_app().await;
    let case = app.create_case().await;
    let (session, mut events) = join(&app, &case.token, case.case.id);
    session
        .send(&"x".repeat(lifeline_protocol::limits::MESSAGE_MAX_CHARS + 1))
        .await?;
    let too_long =
        next_matching(&mut events, |e| matches!(e, SessionEvent::Refused { .. })).await?;
    assert!(
        matches!(too_long, SessionEvent::Refused { code: ErrorCode::Validation, ref message } if message.contains("at most 2000")),
        "{too_long:?}"
    );
    for i in 0..lifeline_protocol::limits::MESSAGE_BURST + 1 {
        session.send(&format!("message {i}")).await?;
    }
    let too_fast =
        next_matching(&mut events, |e| matches!(e, SessionEvent::Refused { .. })).await?;
    assert!(
        matches!(
            too_fast,
            SessionEvent::Refused {
                code: ErrorCode::RateLimited,
                ..
            }
        ),
        "{too_fast:?}"
    );
    Ok(())
}
