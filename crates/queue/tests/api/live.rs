//! Caps on live connections and their bounds: sockets per case side, event
//! streams per credential, one chat budget per side, paged replay, peers
//! that stop reading, experts who lose access, and resumed streams of final
//! cases.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use lifeline_client::{CaseEventKind, SessionEvent};
use lifeline_protocol::{
    CaseState, ChatMessage, Description, ErrorCode, MessageFrom, UpdateCaseRequest,
};
use lifeline_queue::hub::EventKind;
use lifeline_queue::store::ExpertChange;
use tokio::io::AsyncWriteExt as _;
use tokio::net::{TcpSocket, TcpStream};
use tokio::time::timeout;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite;
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;
use uuid::Uuid;

use crate::console::{sign_in, with_password};
use crate::events::next_case;
use crate::helpers::{Options, TestApp, TestResult, spawn_app, spawn_app_with};
use crate::session::{join, messages, next_matching, wait_for_state};

/// A TCP connection to the server whose receive buffer is small, so a peer
/// that stops reading fills its window quickly.
async fn small_window_connection(app: &TestApp) -> std::io::Result<TcpStream> {
    let addr: SocketAddr = app
        .base_url
        .trim_start_matches("http://")
        .parse()
        .map_err(std::io::Error::other)?;
    let socket = TcpSocket::new_v4()?;
    socket.set_recv_buffer_size(4096)?;
    socket.connect(addr).await
}

/// A raw session socket with `token`; the refusal's HTTP status on failure.
async fn raw_session(
    app: &TestApp,
    token: &str,
    id: Uuid,
) -> Result<WebSocketStream<TcpStream>, Box<dyn std::error::Error>> {
    let mut request = format!(
        "{}/api/v1/cases/{id}/session",
        app.base_url.replace("http://", "ws://")
    )
    .into_client_request()?;
    request
        .headers_mut()
        .insert("authorization", format!("Bearer {token}").parse()?);
    let stream = small_window_connection(app).await?;
    match tokio_tungstenite::client_async(request, stream).await {
        Ok((socket, _)) => Ok(socket),
        Err(tungstenite::Error::Http(response)) => {
            Err(format!("refused with {}", response.status().as_u16()).into())
        }
        Err(e) => Err(e.into()),
    }
}

/// Opens `/events` with `token` and answers its status, keeping the response
/// (and so the stream) open in `open`.
async fn open_stream(
    app: &TestApp,
    token: &str,
    id: Uuid,
    open: &mut Vec<reqwest::Response>,
) -> Result<u16, reqwest::Error> {
    let response = app
        .http
        .get(app.url(&format!("/api/v1/cases/{id}/events")))
        .bearer_auth(token)
        .send()
        .await?;
    let status = response.status().as_u16();
    open.push(response);
    Ok(status)
}

async fn live_subscribers(app: &TestApp) -> Result<u64, Box<dyn std::error::Error>> {
    let text = app
        .http
        .get(app.url("/metrics"))
        .send()
        .await?
        .text()
        .await?;
    let line = text
        .lines()
        .find(|line| line.starts_with("lifeline_live_subscribers "))
        .ok_or("no live_subscribers gauge")?;
    Ok(line.rsplit(' ').next().ok_or("no value")?.trim().parse()?)
}

/// Each PATCH stores a case event of about 4 KiB for every follower to take.
fn big_update(i: usize) -> Result<UpdateCaseRequest, Box<dyn std::error::Error>> {
    Ok(UpdateCaseRequest {
        description: Some(Description::parse(format!("{i:04}{}", "x".repeat(3990)))?),
        customer: None,
    })
}

#[tokio::test]
async fn each_side_of_a_case_holds_at_most_its_cap_of_sockets() -> TestResult {
    let app = spawn_app().await;
    let case = app.create_case().await;
    let id = case.case.id;

    let mut customers = Vec::new();
    for _ in 0..2 {
        customers.push(raw_session(&app, &case.token, id).await?);
    }
    let third = raw_session(&app, &case.token, id)
        .await
        .err()
        .map(|e| e.to_string());
    assert_eq!(
        third.as_deref(),
        Some("refused with 429"),
        "a third customer socket"
    );

    let mut experts = Vec::new();
    for _ in 0..4 {
        experts.push(raw_session(&app, &app.expert_token, id).await?);
    }
    let fifth = raw_session(&app, &app.expert_token, id)
        .await
        .err()
        .map(|e| e.to_string());
    assert_eq!(
        fifth.as_deref(),
        Some("refused with 429"),
        "a fifth expert socket"
    );

    // A socket that closes frees its place.
    customers.pop().ok_or("a socket")?.close(None).await?;
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        match raw_session(&app, &case.token, id).await {
            Ok(socket) => {
                customers.push(socket);
                break;
            }
            Err(e) if Instant::now() > deadline => return Err(e),
            Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
        }
    }
    Ok(())
}

#[tokio::test]
async fn a_credential_holds_at_most_its_cap_of_event_streams() -> TestResult {
    let app = spawn_app().await;
    let case = app.create_case().await;
    let id = case.case.id;
    let mut open = Vec::new();

    for _ in 0..4 {
        assert_eq!(open_stream(&app, &case.token, id, &mut open).await?, 200);
    }
    assert_eq!(
        open_stream(&app, &case.token, id, &mut open).await?,
        429,
        "a fifth stream of one case token"
    );
    for _ in 0..16 {
        assert_eq!(
            open_stream(&app, &app.expert_token, id, &mut open).await?,
            200
        );
    }
    assert_eq!(
        open_stream(&app, &app.expert_token, id, &mut open).await?,
        429,
        "a seventeenth stream of one expert token"
    );
    // Another expert's token has its own streams.
    assert_eq!(
        open_stream(&app, &app.admin_token, id, &mut open).await?,
        200
    );
    Ok(())
}

#[tokio::test]
async fn chat_over_two_sockets_of_one_side_shares_one_budget() -> TestResult {
    let app = spawn_app().await;
    let case = app.create_case().await;
    let id = case.case.id;
    let (first, mut first_events) = join(&app, &case.token, id);
    let (second, mut second_events) = join(&app, &case.token, id);
    next_matching(&mut first_events, |e| matches!(e, SessionEvent::Connected)).await?;
    next_matching(&mut second_events, |e| matches!(e, SessionEvent::Connected)).await?;

    let burst = lifeline_protocol::limits::MESSAGE_BURST as usize;
    for i in 0..burst {
        first.send(&format!("message {i}")).await?;
    }
    // Every message of the burst is stored before the second socket sends.
    messages(&mut second_events, burst).await?;
    second.send("one too many").await?;
    let refused = next_matching(&mut second_events, |e| {
        matches!(e, SessionEvent::Refused { .. })
    })
    .await?;
    assert!(
        matches!(
            refused,
            SessionEvent::Refused {
                code: ErrorCode::RateLimited,
                ..
            }
        ),
        "{refused:?}"
    );
    Ok(())
}

#[tokio::test]
async fn a_history_longer_than_a_replay_page_is_replayed_whole_and_in_order() -> TestResult {
    let app = spawn_app().await;
    let case = app.create_case().await;
    let id = case.case.id;
    let count = 250;
    for i in 0..count {
        let now = time::OffsetDateTime::now_utc();
        let message = ChatMessage {
            id: Uuid::now_v7(),
            from: MessageFrom::Customer,
            author: "Luis".into(),
            text: format!("line {i}"),
            sent_at: now,
        };
        app.store.add_message(id, message, now).await?;
    }
    let page = app.store.events_after(id, 0, 100).await?;
    assert_eq!(page.len(), 100, "a page holds at most its limit");

    let (_session, mut events) = join(&app, &app.expert_token, id);
    let replayed: Vec<String> = messages(&mut events, count)
        .await?
        .into_iter()
        .map(|m| m.text)
        .collect();
    let expected: Vec<String> = (0..count).map(|i| format!("line {i}")).collect();
    assert_eq!(
        replayed, expected,
        "the session replays every message in order"
    );

    // The event stream resumed from the start replays every event in order too.
    let mut stream = app.client.events(&case.token, id, Some(0)).await?;
    let mut texts = Vec::new();
    let mut last = 0;
    while texts.len() < count {
        let event = timeout(Duration::from_secs(5), stream.next_event())
            .await?
            .ok_or("the stream ended")??;
        assert!(event.id > last, "event ids increase");
        last = event.id;
        if let CaseEventKind::Message(message) = event.kind {
            texts.push(message.text);
        }
    }
    assert_eq!(texts, expected);
    Ok(())
}

#[tokio::test]
async fn a_session_peer_that_stops_reading_is_dropped() -> TestResult {
    let app = spawn_app().await;
    let case = app.create_case().await;
    let id = case.case.id;
    // Connected, then never read from again: its TCP window fills.
    let _silent = raw_session(&app, &case.token, id).await?;
    wait_for_state(&app, &app.expert_token, id, CaseState::Pending).await?;

    let deadline = Instant::now() + Duration::from_secs(40);
    let mut i = 0;
    loop {
        let case = app
            .client
            .update_case(&case.token, id, &big_update(i)?)
            .await?;
        if !case.customer_connected {
            break;
        }
        if Instant::now() > deadline {
            return Err("a customer that stopped reading is still connected after 40 s".into());
        }
        i += 1;
    }
    Ok(())
}

#[tokio::test]
async fn an_event_stream_that_stops_reading_is_dropped() -> TestResult {
    let app = spawn_app().await;
    let case = app.create_case().await;
    let id = case.case.id;
    let mut silent = small_window_connection(&app).await?;
    let host = app.base_url.trim_start_matches("http://");
    silent
        .write_all(
            format!(
                "GET /api/v1/cases/{id}/events HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {}\r\n\r\n",
                case.token
            )
            .as_bytes(),
        )
        .await?;
    let deadline = Instant::now() + Duration::from_secs(5);
    while live_subscribers(&app).await? == 0 {
        if Instant::now() > deadline {
            return Err("the stream did not start".into());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    let deadline = Instant::now() + Duration::from_secs(40);
    let mut i = 0;
    while live_subscribers(&app).await? > 0 {
        if Instant::now() > deadline {
            return Err("a stream that stopped reading still follows the case after 40 s".into());
        }
        for _ in 0..20 {
            app.client
                .update_case(&case.token, id, &big_update(i)?)
                .await?;
            i += 1;
        }
    }
    Ok(())
}

/// The expert's stream and socket of `id`, followed until both end (5 s at most).
async fn expect_streams_end(
    app: &TestApp,
    token: &str,
    id: Uuid,
    change: ExpertChange,
    expert: Uuid,
) -> TestResult {
    let mut stream = app.client.events(token, id, None).await?;
    next_case(&mut stream).await?;
    let mut socket = raw_session(app, token, id).await?;
    app.store
        .change_expert(expert, change, time::OffsetDateTime::now_utc())
        .await?;

    let ended = timeout(Duration::from_secs(5), async {
        while let Some(event) = stream.next_event().await {
            event?;
        }
        Ok::<_, Box<dyn std::error::Error>>(())
    })
    .await;
    assert!(
        matches!(ended, Ok(Ok(()))),
        "the event stream ended: {ended:?}"
    );
    let closed = timeout(Duration::from_secs(5), async {
        use futures_util::StreamExt as _;
        while let Some(Ok(_)) = socket.next().await {}
    })
    .await;
    assert!(closed.is_ok(), "the session socket closed");
    Ok(())
}

#[tokio::test]
async fn streams_of_a_deactivated_expert_or_one_removed_from_the_group_end() -> TestResult {
    let app = spawn_app_with(Options {
        env: vec![("LIFELINE_LIVE_ACCESS_RECHECK", "1s")],
        ..Options::default()
    })
    .await;
    let case = app.create_case().await;
    let id = case.case.id;
    expect_streams_end(
        &app,
        &app.expert_token,
        id,
        ExpertChange::Active(false),
        app.expert.id,
    )
    .await?;

    let other = lifeline_queue::admin::create_expert(
        app.store.as_ref(),
        lifeline_protocol::Email::parse("bo@example.com")?,
        "Bo",
        None,
        false,
        vec![app.group.id],
        time::OffsetDateTime::now_utc(),
    )
    .await?;
    let token = lifeline_queue::admin::create_expert_token(
        app.store.as_ref(),
        other.id,
        time::OffsetDateTime::now_utc(),
    )
    .await?
    .token;
    let removed = ExpertChange::Membership {
        group: app.group.id,
        member: false,
    };
    expect_streams_end(&app, &token, id, removed, other.id).await
}

#[tokio::test]
async fn a_stream_resumed_after_a_final_case_s_last_event_ends() -> TestResult {
    let app = spawn_app().await;
    let case = app.create_case().await;
    let id = case.case.id;
    let mut stream = app.client.events(&case.token, id, None).await?;
    next_case(&mut stream).await?;
    app.client.close_case(&case.token, id).await?;
    let (last, closed) = next_case(&mut stream).await?;
    assert_eq!(closed.state, CaseState::Closed);

    let mut resumed = app.client.events(&case.token, id, Some(last)).await?;
    let (again, final_case) = next_case(&mut resumed).await?;
    assert_eq!(
        (again, final_case.state),
        (last, CaseState::Closed),
        "the final case once more, with the newest id"
    );
    let end = timeout(Duration::from_secs(5), resumed.next_event()).await;
    assert!(matches!(end, Ok(None)), "then the stream ends, got {end:?}");
    Ok(())
}

#[tokio::test]
async fn a_presence_change_stores_and_sends_a_small_record_not_a_case_snapshot() -> TestResult {
    use futures_util::StreamExt as _;
    let app = spawn_app().await;
    with_password(&app).await?;
    let (cookie, _) = sign_in(&app).await?;
    let case = app.create_case().await;
    let id = case.case.id;
    let queue = app
        .http
        .get(app.url("/console/events"))
        .header(reqwest::header::COOKIE, &cookie)
        .send()
        .await?;
    assert_eq!(queue.status().as_u16(), 200);
    let mut queue = queue.bytes_stream();
    let mut stream = app.client.events(&case.token, id, None).await?;
    next_case(&mut stream).await?;
    let before = app.store.events_after(id, 0, 100).await?.len();

    let (_session, _events) = join(&app, &case.token, id);
    // Followers still get the case as it stands, with the customer in.
    let (_, joined) = next_case(&mut stream).await?;
    assert!(joined.customer_connected);
    assert_eq!(joined.state, CaseState::Pending);

    let stored = app.store.events_after(id, 0, 100).await?;
    assert_eq!(stored.len(), before + 1, "one event for the join");
    let presence = stored.last().ok_or("an event")?;
    assert_eq!(presence.kind, EventKind::Presence);
    let record: serde_json::Value = serde_json::from_str(&presence.data)?;
    assert_eq!(
        record,
        serde_json::json!({
            "case_id": id,
            "state": "pending",
            "expert_connected": false,
            "customer_connected": true,
        }),
        "a small record, not a case snapshot"
    );
    let history = app.store.history(id).await?;
    assert_eq!(
        history.last().map(|h| h.action),
        Some(lifeline_protocol::HistoryAction::Joined),
        "the history still says who joined"
    );

    // Queue pages get the record to patch the row with, not a reason to read the queue again.
    let mut seen = String::new();
    let found = timeout(Duration::from_secs(5), async {
        while let Some(chunk) = queue.next().await {
            seen.push_str(&String::from_utf8_lossy(&chunk?));
            if seen.contains("event: presence") && seen.ends_with("\n\n") {
                return Ok::<bool, reqwest::Error>(true);
            }
        }
        Ok(false)
    })
    .await;
    assert!(matches!(found, Ok(Ok(true))), "no presence event: {seen:?}");
    assert!(!seen.contains("event: changed"), "{seen:?}");
    assert!(seen.contains(&format!("\"case_id\":\"{id}\"")), "{seen:?}");
    Ok(())
}

#[tokio::test]
async fn a_session_refused_at_the_cap_retries_and_gets_in_when_a_place_frees() -> TestResult {
    let app = spawn_app().await;
    let case = app.create_case().await;
    let id = case.case.id;
    let mut held = Vec::new();
    for _ in 0..2 {
        held.push(raw_session(&app, &case.token, id).await?);
    }
    let (_session, mut events) = join(&app, &case.token, id);
    next_matching(&mut events, |e| {
        matches!(e, SessionEvent::Reconnecting { .. })
    })
    .await?;

    held.pop().ok_or("a socket")?.close(None).await?;
    let outcome = next_matching(&mut events, |e| {
        matches!(e, SessionEvent::Connected | SessionEvent::Ended { .. })
    })
    .await?;
    assert!(matches!(outcome, SessionEvent::Connected), "{outcome:?}");
    Ok(())
}
