//! The remote screen over real session sockets: consent gates every frame,
//! updates reach the viewer byte for byte and acks come back, requests lapse
//! on the server's clock, and a viewer that stops reading keeps the server's
//! memory bounded and still gets the newest picture.

use std::time::Duration;

use futures_util::{SinkExt as _, StreamExt as _};
use lifeline_protocol::screen::{
    MAX_MESSAGE_BYTES, MAX_RECT_PAYLOAD, Rectangle, ScreenHeader, UpdateEncoder, decode,
};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};
use uuid::Uuid;

use crate::helpers::{Options, TestApp, TestResult, spawn_app, spawn_app_with};

type Error = Box<dyn std::error::Error>;

/// One side of a case's session on a raw WebSocket.
pub(crate) struct Side {
    socket: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

/// What came down a socket.
#[derive(Debug)]
enum Received {
    Json(Value),
    Binary(Vec<u8>),
    Closed,
}

impl Side {
    async fn join(app: &TestApp, token: &str, id: Uuid) -> Result<Self, Error> {
        Self::connect(&app.base_url, token, id).await
    }

    /// Opens the session of case `id` on the server (or proxy) at `base_url`.
    pub(crate) async fn connect(base_url: &str, token: &str, id: Uuid) -> Result<Self, Error> {
        Self::connect_with(base_url, token, id, None).await
    }

    /// Opens the session of case `id` at `base_url` (`http://` or
    /// `https://`), over TLS set up by `tls` when given.
    pub(crate) async fn connect_with(
        base_url: &str,
        token: &str,
        id: Uuid,
        tls: Option<tokio_tungstenite::Connector>,
    ) -> Result<Self, Error> {
        let base = base_url
            .replacen("https://", "wss://", 1)
            .replacen("http://", "ws://", 1);
        let mut request = format!("{base}/api/v1/cases/{id}/session").into_client_request()?;
        request
            .headers_mut()
            .insert("authorization", format!("Bearer {token}").parse()?);
        let (socket, _) =
            tokio_tungstenite::connect_async_tls_with_config(request, None, false, tls).await?;
        Ok(Self { socket })
    }

    pub(crate) async fn send(&mut self, frame: Value) -> TestResult {
        self.socket.send(Message::text(frame.to_string())).await?;
        Ok(())
    }

    pub(crate) async fn send_binary(&mut self, bytes: Vec<u8>) -> TestResult {
        self.socket.send(Message::binary(bytes)).await?;
        Ok(())
    }

    /// The next text or binary frame (5 s at most).
    async fn next(&mut self) -> Result<Received, Error> {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let frame = tokio::time::timeout_at(deadline, self.socket.next())
                .await
                .map_err(|_| "nothing arrived within 5 s")?;
            match frame {
                Some(Ok(Message::Text(text))) => {
                    return Ok(Received::Json(serde_json::from_str(&text)?));
                }
                Some(Ok(Message::Binary(bytes))) => return Ok(Received::Binary(bytes.to_vec())),
                Some(Ok(Message::Close(_)) | Err(_)) | None => return Ok(Received::Closed),
                Some(Ok(_)) => {}
            }
        }
    }

    /// The next JSON frame the predicate picks, skipping others (5 s at most).
    pub(crate) async fn expect(
        &mut self,
        what: &str,
        pick: impl Fn(&Value) -> bool,
    ) -> Result<Value, Error> {
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            match self.next().await? {
                Received::Json(frame) if pick(&frame) => return Ok(frame),
                Received::Closed => return Err(format!("closed while waiting for {what}").into()),
                _ => {}
            }
        }
        Err(format!("no {what} within 5 s").into())
    }

    /// The next `error` frame's code and message.
    async fn expect_error(&mut self) -> Result<(String, String), Error> {
        let error = self
            .expect("an error frame", |f| f["type"] == "error")
            .await?;
        Ok((
            error["code"].as_str().unwrap_or_default().to_string(),
            error["message"].as_str().unwrap_or_default().to_string(),
        ))
    }

    /// The next `screen` frame the predicate picks.
    pub(crate) async fn expect_screen(
        &mut self,
        pick: impl Fn(&Value) -> bool,
    ) -> Result<Value, Error> {
        self.expect("a screen frame", |f| f["type"] == "screen" && pick(f))
            .await
    }

    /// The next binary message, skipping text frames.
    pub(crate) async fn expect_binary(&mut self) -> Result<Vec<u8>, Error> {
        loop {
            match self.next().await? {
                Received::Binary(bytes) => return Ok(bytes),
                Received::Closed => return Err("closed while waiting for an update".into()),
                Received::Json(_) => {}
            }
        }
    }

    /// Waits until the socket is closed by the server (5 s at most).
    async fn expect_closed(&mut self) -> TestResult {
        loop {
            if let Received::Closed = self.next().await? {
                return Ok(());
            }
        }
    }
}

/// A customer and an expert in one case, the customer sharing a
/// `width` × `height` screen with the expert watching.
async fn sharing(app: &TestApp, width: u16, height: u16) -> Result<(Uuid, Side, Side), Error> {
    let case = app.create_case().await;
    let id = case.case.id;
    let mut customer = Side::join(app, &case.token, id).await?;
    let mut expert = Side::join(app, &app.expert_token, id).await?;
    expert
        .send(json!({"type":"screen_request","mode":"view"}))
        .await?;
    let asked = customer.expect_screen(|s| s["view"] == "requested").await?;
    assert_eq!(asked["expert"], "Ana");
    assert!(asked["expires_at"].is_string(), "{asked}");
    customer
        .send(json!({"type":"screen_answer","mode":"view","allow":true}))
        .await?;
    customer
        .send(json!({"type":"screen_status","status":"sharing","width":width,"height":height}))
        .await?;
    let shared = expert
        .expect_screen(|s| s["view"] == "sharing" && s["width"] == width)
        .await?;
    assert_eq!(shared["viewers"], 1);
    assert_eq!(shared["height"], height);
    customer
        .expect("a refresh for the new viewer", |f| {
            f["type"] == "screen_refresh"
        })
        .await?;
    Ok((id, customer, expert))
}

async fn history(app: &TestApp, id: Uuid) -> Result<Vec<(String, String)>, Error> {
    Ok(app
        .store
        .history(id)
        .await?
        .into_iter()
        .map(|h| (h.action.as_str().to_string(), h.actor))
        .collect())
}

/// Waits until the case's history holds `action` (5 s at most).
async fn wait_for_history(
    app: &TestApp,
    id: Uuid,
    action: &str,
) -> Result<Vec<(String, String)>, Error> {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let lines = history(app, id).await?;
        if lines.iter().any(|(a, _)| a == action) {
            return Ok(lines);
        }
        if Instant::now() > deadline {
            return Err(format!("no {action} in {lines:?}").into());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Waits until the case's history holds `until`, then checks that it holds
/// every `(action, actor)` line of `expected`.
async fn expect_history(
    app: &TestApp,
    id: Uuid,
    until: &str,
    expected: &[(&str, &str)],
) -> Result<(), Error> {
    let lines = wait_for_history(app, id, until).await?;
    for (action, actor) in expected {
        assert!(
            lines.iter().any(|(a, b)| a == action && b == actor),
            "no {action} by {actor} in {lines:?}"
        );
    }
    Ok(())
}

/// One update of one message: a solid fill of the whole screen.
pub(crate) fn solid_update(seq: u32, width: u16, height: u16, full: bool) -> Vec<u8> {
    let mut update = UpdateEncoder::new(seq, width, height, full).expect("a valid size");
    update
        .push(Rectangle::solid(0, 0, width, height, &[200, 10, 10]))
        .expect("fits");
    update.finish().remove(0)
}

#[tokio::test]
async fn nothing_passes_before_consent_or_from_the_wrong_side() -> TestResult {
    let app = spawn_app().await;
    let case = app.create_case().await;
    let id = case.case.id;
    let mut customer = Side::join(&app, &case.token, id).await?;
    let mut expert = Side::join(&app, &app.expert_token, id).await?;

    customer.send_binary(solid_update(1, 100, 80, true)).await?;
    let (code, message) = customer.expect_error().await?;
    assert_eq!(code, "conflict", "{message}");
    assert!(message.contains("not shared"), "{message}");

    customer.send_binary(vec![9, 1, 0, 0]).await?;
    let (code, message) = customer.expect_error().await?;
    assert_eq!(code, "validation");
    assert!(message.contains("truncated header"), "{message}");

    expert
        .send(json!({"type":"input","event":{"kind":"pointer_move","x":1,"y":1}}))
        .await?;
    let (code, message) = expert.expect_error().await?;
    assert_eq!(code, "forbidden", "{message}");

    expert.send_binary(solid_update(1, 100, 80, true)).await?;
    let (code, _) = expert.expect_error().await?;
    assert_eq!(code, "forbidden", "an expert sends no pixels");

    customer
        .send(json!({"type":"screen_request","mode":"view"}))
        .await?;
    let (code, _) = customer.expect_error().await?;
    assert_eq!(code, "forbidden", "the customer does not ask");

    expert
        .send(json!({"type":"screen_answer","mode":"view","allow":true}))
        .await?;
    let (code, _) = expert.expect_error().await?;
    assert_eq!(
        code, "forbidden",
        "the expert does not consent for the customer"
    );

    customer
        .send(json!({"type":"screen_answer","mode":"view","allow":true}))
        .await?;
    let (code, _) = customer.expect_error().await?;
    assert_eq!(code, "conflict", "nothing to answer");

    expert
        .send(json!({"type":"screen_request","mode":"control"}))
        .await?;
    let (code, message) = expert.expect_error().await?;
    assert_eq!(code, "conflict", "control needs sharing first: {message}");

    // Asked but not yet answered: still no pixels.
    expert
        .send(json!({"type":"screen_request","mode":"view"}))
        .await?;
    customer.expect_screen(|s| s["view"] == "requested").await?;
    customer.send_binary(solid_update(1, 100, 80, true)).await?;
    let (code, _) = customer.expect_error().await?;
    assert_eq!(code, "conflict");
    customer
        .send(json!({"type":"screen_answer","mode":"view","allow":false}))
        .await?;
    expert.expect_screen(|s| s["view"] == "off").await?;

    expect_history(
        &app,
        id,
        "screen_declined",
        &[("screen_requested", "Ana"), ("screen_declined", "customer")],
    )
    .await?;
    Ok(())
}

#[tokio::test]
async fn a_shared_screen_reaches_the_expert_byte_for_byte_and_acks_come_back() -> TestResult {
    let app = spawn_app().await;
    let (id, mut customer, mut expert) = sharing(&app, 1280, 800).await?;

    // A full update too big for one message: the encoder splits it.
    let jpeg = vec![0xab; MAX_RECT_PAYLOAD - 100];
    let mut update = UpdateEncoder::new(1, 1280, 800, true)?;
    update.push(Rectangle::jpeg(0, 0, 640, 800, &jpeg))?;
    update.push(Rectangle::jpeg(640, 0, 640, 800, &jpeg))?;
    let messages = update.finish();
    assert_eq!(messages.len(), 2);
    for message in &messages {
        customer.send_binary(message.clone()).await?;
    }
    for sent in &messages {
        let got = expert.expect_binary().await?;
        assert_eq!(&got, sent, "relayed byte for byte");
        assert!(got.len() <= MAX_MESSAGE_BYTES);
    }
    let last = decode(&messages[1])?;
    assert!(last.header.last && last.header.full);

    expert.send(json!({"type":"screen_ack","seq":1})).await?;
    let ack = customer
        .expect("an ack", |f| f["type"] == "screen_ack")
        .await?;
    assert_eq!(ack["seq"], 1);

    // Control: its own request and consent; input reaches the customer only while granted.
    expert
        .send(json!({"type":"screen_request","mode":"control"}))
        .await?;
    customer
        .expect_screen(|s| s["control"] == "requested")
        .await?;
    customer
        .send(json!({"type":"screen_answer","mode":"control","allow":true}))
        .await?;
    expert.expect_screen(|s| s["control"] == "granted").await?;
    let click = json!({"kind":"button","x":640,"y":400,"button":"left","down":true});
    expert.send(json!({"type":"input","event":click})).await?;
    let input = customer
        .expect("an input event", |f| f["type"] == "input")
        .await?;
    assert_eq!(input["event"], click);

    expert
        .send(json!({"type":"input","event":{"kind":"pointer_move","x":1280,"y":0}}))
        .await?;
    let (code, message) = expert.expect_error().await?;
    assert_eq!(code, "validation", "off screen: {message}");
    expert
        .send(json!({"type":"input","event":{"kind":"text","text":"x".repeat(257)}}))
        .await?;
    let (code, _) = expert.expect_error().await?;
    assert_eq!(code, "validation", "text over 256 characters");

    customer
        .send(json!({"type":"screen_revoke_control"}))
        .await?;
    expert.expect_screen(|s| s["control"] == "off").await?;
    expert
        .send(json!({"type":"input","event":{"kind":"pointer_move","x":1,"y":1}}))
        .await?;
    let (code, _) = expert.expect_error().await?;
    assert_eq!(code, "forbidden", "revoked");

    // Paused: no pixels; stopped: no pixels and the expert must ask again.
    customer
        .send(json!({"type":"screen_status","status":"paused"}))
        .await?;
    expert.expect_screen(|s| s["view"] == "paused").await?;
    customer
        .send_binary(solid_update(2, 1280, 800, true))
        .await?;
    let (code, message) = customer.expect_error().await?;
    assert_eq!(code, "conflict");
    assert!(message.contains("paused"), "{message}");
    customer
        .send(json!({"type":"screen_status","status":"sharing","width":1280,"height":800}))
        .await?;
    expert.expect_screen(|s| s["view"] == "sharing").await?;
    customer
        .send(json!({"type":"screen_status","status":"stopped"}))
        .await?;
    let stopped = expert.expect_screen(|s| s["view"] == "off").await?;
    assert_eq!(stopped["expert"], Value::Null);
    customer
        .send_binary(solid_update(3, 1280, 800, true))
        .await?;
    let (code, _) = customer.expect_error().await?;
    assert_eq!(code, "conflict", "frames after stop are refused");
    customer
        .send(json!({"type":"screen_status","status":"sharing","width":1280,"height":800}))
        .await?;
    let (code, _) = customer.expect_error().await?;
    assert_eq!(code, "conflict", "after stop the expert must ask again");

    let lines = wait_for_history(&app, id, "screen_stopped").await?;
    let actions: Vec<&str> = lines.iter().map(|(a, _)| a.as_str()).collect();
    assert_eq!(
        actions
            .iter()
            .filter(|a| a.starts_with("screen_") || a.starts_with("control_"))
            .copied()
            .collect::<Vec<_>>(),
        [
            "screen_requested",
            "screen_shared",
            "control_requested",
            "control_granted",
            "control_revoked",
            "screen_paused",
            "screen_resumed",
            "screen_stopped",
        ]
    );
    Ok(())
}

#[tokio::test]
async fn a_screen_update_of_the_wrong_size_or_too_fast_is_refused() -> TestResult {
    let app = spawn_app().await;
    let (_id, mut customer, mut expert) = sharing(&app, 640, 480).await?;
    customer
        .send_binary(solid_update(1, 641, 480, true))
        .await?;
    let (code, message) = customer.expect_error().await?;
    assert_eq!(code, "validation");
    assert!(message.contains("640×480"), "{message}");

    customer
        .send(json!({"type":"screen_status","status":"sharing","width":7681,"height":480}))
        .await?;
    let (code, _) = customer.expect_error().await?;
    assert_eq!(code, "validation", "wider than any screen");

    for seq in 0..61 {
        customer
            .send_binary(solid_update(seq, 640, 480, seq == 0))
            .await?;
    }
    let (code, message) = customer.expect_error().await?;
    assert_eq!(code, "rate_limited", "{message}");
    // What passed reached the expert; the refused ones did not.
    let first = expert.expect_binary().await?;
    assert_eq!(ScreenHeader::parse(&first)?.seq, 0);
    Ok(())
}

#[tokio::test]
async fn a_request_lapses_after_60_s_on_the_servers_clock() -> TestResult {
    let app = spawn_app_with(Options {
        manual_clock: true,
        ..Options::default()
    })
    .await;
    let case = app.create_case().await;
    let id = case.case.id;
    let mut customer = Side::join(&app, &case.token, id).await?;
    let mut expert = Side::join(&app, &app.expert_token, id).await?;
    expert
        .send(json!({"type":"screen_request","mode":"view"}))
        .await?;
    customer.expect_screen(|s| s["view"] == "requested").await?;
    app.advance(Duration::from_secs(61));
    let lapsed = expert.expect_screen(|s| s["view"] == "off").await?;
    assert_eq!(lapsed["expires_at"], Value::Null);
    customer.expect_screen(|s| s["view"] == "off").await?;
    customer
        .send(json!({"type":"screen_answer","mode":"view","allow":true}))
        .await?;
    let (code, _) = customer.expect_error().await?;
    assert_eq!(code, "conflict", "a lapsed request cannot be answered");
    expect_history(
        &app,
        id,
        "screen_declined",
        &[("screen_declined", "system")],
    )
    .await?;
    Ok(())
}

#[tokio::test]
async fn the_customer_leaving_ends_control_and_sharing_at_once() -> TestResult {
    let app = spawn_app().await;
    let (id, mut customer, mut expert) = sharing(&app, 320, 200).await?;
    expert
        .send(json!({"type":"screen_request","mode":"control"}))
        .await?;
    customer
        .expect_screen(|s| s["control"] == "requested")
        .await?;
    customer
        .send(json!({"type":"screen_answer","mode":"control","allow":true}))
        .await?;
    expert.expect_screen(|s| s["control"] == "granted").await?;
    customer.socket.close(None).await?;
    let ended = expert
        .expect_screen(|s| s["control"] == "off" && s["view"] == "off")
        .await?;
    assert_eq!(ended["viewers"], 0);
    expert
        .send(json!({"type":"input","event":{"kind":"pointer_move","x":1,"y":1}}))
        .await?;
    let (code, _) = expert.expect_error().await?;
    assert_eq!(code, "forbidden");
    expect_history(
        &app,
        id,
        "screen_stopped",
        &[("control_revoked", "system"), ("screen_stopped", "system")],
    )
    .await?;
    Ok(())
}

#[tokio::test]
async fn a_final_case_ends_sharing_and_refuses_a_new_session() -> TestResult {
    let app = spawn_app().await;
    let (id, mut customer, mut expert) = sharing(&app, 320, 200).await?;
    app.client.close_case(&app.admin_token, id).await?;
    customer.expect_closed().await?;
    expert.expect_closed().await?;
    assert!(
        app.state.screens.backlog(id).is_empty(),
        "the case's relay room is gone"
    );
    let case_token_refused = {
        let mut request = format!(
            "{}/api/v1/cases/{id}/session",
            app.base_url.replace("http://", "ws://")
        )
        .into_client_request()?;
        request.headers_mut().insert(
            "authorization",
            format!("Bearer {}", app.expert_token).parse()?,
        );
        tokio_tungstenite::connect_async(request).await.is_err()
    };
    assert!(case_token_refused, "a final case refuses the upgrade");
    let lines = history(&app, id).await?;
    assert_eq!(lines.last().map(|(a, _)| a.as_str()), Some("closed"));
    Ok(())
}

#[tokio::test]
async fn a_viewer_that_stops_reading_keeps_memory_bounded_and_then_gets_the_newest_picture()
-> TestResult {
    let app = spawn_app().await;
    let (width, height) = (1920, 1080);
    let (id, mut customer, mut viewer) = sharing(&app, width, height).await?;
    let payload = vec![0x5a; MAX_RECT_PAYLOAD];
    let update = |seq: u32, full: bool| {
        let mut update = UpdateEncoder::new(seq, width, height, full).expect("a size");
        update
            .push(Rectangle::jpeg(0, 0, 64, 64, &payload))
            .expect("fits");
        update.finish().remove(0)
    };

    // The viewer reads nothing from here on. The customer sends 64 KiB
    // updates at 50 a second (under the per-case limits) until the server
    // has dropped the viewer's queue at least once.
    let limit = 2 * 1024 * 1024;
    let mut seq = 1;
    let mut most = 0;
    let mut pace = tokio::time::interval(Duration::from_millis(20));
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        pace.tick().await;
        // The first is a full update: a new viewer starts from one.
        customer.send_binary(update(seq, seq == 1)).await?;
        seq += 1;
        let backlog = app.state.screens.backlog(id);
        let viewer_backlog = backlog
            .iter()
            .max_by_key(|b| b.bytes)
            .copied()
            .unwrap_or_default();
        most = most.max(viewer_backlog.bytes);
        assert!(
            viewer_backlog.bytes <= limit,
            "a viewer's queue holds {} bytes",
            viewer_backlog.bytes
        );
        if backlog.iter().any(|b| b.overflows > 0) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "no overflow after {seq} updates; most queued {most} bytes"
        );
    }
    assert!(most > limit / 2, "the queue did fill: {most} bytes");
    customer
        .expect("a refresh after the drop", |f| {
            f["type"] == "screen_refresh"
        })
        .await?;
    let newest = seq;
    customer.send_binary(update(newest, true)).await?;

    // Reading again: stale updates the socket already held may come first,
    // then the full update with the newest seq.
    let mut received = 0;
    loop {
        let message = viewer.expect_binary().await?;
        received += 1;
        let header = ScreenHeader::parse(&message)?;
        if header.seq == newest {
            assert!(header.full && header.last, "{header:?}");
            break;
        }
        assert!(header.seq < newest);
    }
    assert!(
        received < newest as usize,
        "dropped updates were not delivered: {received} of {newest}"
    );
    let backlog = app.state.screens.backlog(id);
    assert!(backlog.iter().all(|b| b.bytes <= limit), "{backlog:?}");
    Ok(())
}
