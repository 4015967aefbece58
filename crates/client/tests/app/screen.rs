//! The customer's screen through the real server: nothing read before the
//! customer shares, updates paced by the viewer's acks, pause and stop,
//! input played only while control is granted, and everything stopped when
//! the customer's socket drops.

use std::time::Duration;

use futures_util::{SinkExt as _, StreamExt as _};
use lifeline_client::screen::{Size, SyntheticProbe, Unavailable};
use lifeline_client::{
    ScreenAccess, ScreenError, ScreenShare, Session, SessionEvent, join_session_sharing,
    request_help,
};
use lifeline_protocol::screen::{
    ControlState, InputEvent, ScreenHeader, ScreenMode, ScreenState, ShareStatus, ViewState,
};
use lifeline_protocol::{Channel, ClientFrame, Device, ServerFrame};
use tokio::sync::mpsc::Receiver;
use tokio::time::{Instant, timeout};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;
use uuid::Uuid;

use crate::helpers::{Fallible, TestDesktop, TestResult, TestServer, quick_backoff};

const SIZE: Size = Size {
    width: 96,
    height: 64,
};

/// The customer's app, in a session, with a synthetic screen.
struct Customer {
    session: Session,
    events: Receiver<SessionEvent>,
    probe: SyntheticProbe,
    case_id: Uuid,
    _app: TestDesktop,
}

impl Customer {
    async fn join(server: &TestServer) -> Fallible<Self> {
        let (access, probe) = ScreenAccess::synthetic(SIZE);
        Self::join_with(server, access, probe).await
    }

    /// Joins with `access` to the screen; `probe` is what its screen and
    /// input count and record.
    async fn join_with(
        server: &TestServer,
        access: ScreenAccess,
        probe: SyntheticProbe,
    ) -> Fallible<Self> {
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
        app.client
            .assign(&server.expert_token, opened.case.id, Some(server.expert_id))
            .await?;
        let (session, events) = join_session_sharing(
            &app.client,
            opened.stored.token.clone(),
            opened.case.id,
            quick_backoff(),
            access,
        );
        Ok(Self {
            session,
            events,
            probe,
            case_id: opened.case.id,
            _app: app,
        })
    }

    /// Skips events until the screen matches `wanted`.
    async fn screen_until(
        &mut self,
        wanted: impl Fn(&ScreenShare) -> bool,
    ) -> Fallible<ScreenShare> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            match timeout(deadline - Instant::now(), self.events.recv()).await {
                Ok(Some(SessionEvent::Screen(share))) if wanted(&share) => return Ok(share),
                Ok(Some(_)) => {}
                Ok(None) => return Err("the session ended".into()),
                Err(_) => return Err("the customer's screen did not get there in 10 s".into()),
            }
        }
    }

    fn captures(&self) -> usize {
        self.probe.captures()
    }
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// What the expert's socket got.
#[derive(Debug)]
#[expect(
    clippy::large_enum_variant,
    reason = "one at a time in a test; boxing would clutter every match"
)]
enum Got {
    Frame(ServerFrame),
    Update(ScreenHeader),
}

/// The expert's side, on a socket of its own.
struct Expert {
    socket: Socket,
}

impl Expert {
    async fn connect(server: &TestServer, case_id: Uuid) -> Fallible<Self> {
        let url = format!("ws://{}/api/v1/cases/{case_id}/session", server.addr);
        let mut request = url.into_client_request()?;
        request.headers_mut().insert(
            "authorization",
            format!("Bearer {}", server.expert_token).parse()?,
        );
        let (socket, _) = tokio_tungstenite::connect_async(request).await?;
        Ok(Self { socket })
    }

    async fn send(&mut self, frame: &ClientFrame) -> TestResult {
        let json = serde_json::to_string(frame)?;
        self.socket.send(Message::Text(json.into())).await?;
        Ok(())
    }

    /// The next frame or update, `None` when nothing came within `wait`.
    async fn next(&mut self, wait: Duration) -> Fallible<Option<Got>> {
        loop {
            let Ok(message) = timeout(wait, self.socket.next()).await else {
                return Ok(None);
            };
            match message.ok_or("the expert's socket closed")?? {
                Message::Text(text) => return Ok(Some(Got::Frame(serde_json::from_str(&text)?))),
                Message::Binary(bytes) => {
                    let header = ScreenHeader::parse(&bytes)?;
                    if header.last {
                        return Ok(Some(Got::Update(header)));
                    }
                }
                _ => {}
            }
        }
    }

    /// Skips until the screen state matches.
    async fn state_until(
        &mut self,
        wanted: impl Fn(&ScreenState) -> bool,
    ) -> Fallible<ScreenState> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            match self.next(deadline - Instant::now()).await? {
                Some(Got::Frame(ServerFrame::Screen(state))) if wanted(&state) => return Ok(state),
                Some(_) => {}
                None => return Err("the expert did not see that screen state in 10 s".into()),
            }
        }
    }

    /// The next complete update (its last message's header).
    async fn update(&mut self) -> Fallible<ScreenHeader> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            match self.next(deadline - Instant::now()).await? {
                Some(Got::Update(header)) => return Ok(header),
                Some(_) => {}
                None => return Err("no update reached the expert in 10 s".into()),
            }
        }
    }

    /// Updates that arrive within `wait`, and the frames in between.
    async fn updates_within(&mut self, wait: Duration) -> Fallible<Vec<ScreenHeader>> {
        let deadline = Instant::now() + wait;
        let mut updates = Vec::new();
        while let Some(got) = self
            .next(deadline.saturating_duration_since(Instant::now()))
            .await?
        {
            if let Got::Update(header) = got {
                updates.push(header);
            }
        }
        Ok(updates)
    }

    /// The next error frame's message.
    async fn refusal(&mut self) -> Fallible<String> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            match self.next(deadline - Instant::now()).await? {
                Some(Got::Frame(ServerFrame::Error { message, .. })) => return Ok(message),
                Some(_) => {}
                None => return Err("no refusal reached the expert in 10 s".into()),
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_screen_is_read_only_after_share_and_paced_by_the_viewer() -> TestResult {
    let server = TestServer::spawn().await?;
    let mut customer = Customer::join(&server).await?;
    let mut expert = Expert::connect(&server, customer.case_id).await?;

    expert
        .send(&ClientFrame::ScreenRequest {
            mode: ScreenMode::View,
        })
        .await?;
    let asked = customer
        .screen_until(|s| s.view == ViewState::Requested)
        .await?;
    assert_eq!(asked.expert.as_deref(), Some("Ana"));
    assert!(asked.available);
    assert_eq!(
        customer.captures(),
        0,
        "nothing is read before the customer says yes"
    );

    customer
        .session
        .sender()
        .answer_screen(ScreenMode::View, true)
        .await?;
    let shared = expert
        .state_until(|s| s.view == ViewState::Sharing && s.width > 0)
        .await?;
    assert_eq!((shared.width, shared.height), (SIZE.width, SIZE.height));
    customer
        .screen_until(|s| s.view == ViewState::Sharing)
        .await?;

    // The screen changes all the time, but without acks only two updates come.
    let first = expert.update().await?;
    assert!(first.full, "a viewer gets the whole screen first");
    let mut got = vec![first];
    got.extend(expert.updates_within(Duration::from_millis(800)).await?);
    // The server may ask for one more whole screen as the viewer starts
    // (screen_refresh resets the count); after the last one, two at most.
    let last_full = got.iter().rposition(|u| u.full).unwrap_or(0);
    assert!(
        got.len() - last_full <= 2 && got.len() <= 4,
        "at most two updates wait for an ack: {got:?}"
    );
    assert!(customer.captures() <= got.len() + 1, "the sender waits too");
    let newest = got.last().map_or(0, |u| u.seq);
    expert.send(&ClientFrame::ScreenAck { seq: newest }).await?;
    let next = expert.update().await?;
    assert!(next.seq > newest);

    // Paused: nothing more is read.
    customer
        .session
        .sender()
        .set_sharing(ShareStatus::Paused)
        .await?;
    expert.state_until(|s| s.view == ViewState::Paused).await?;
    expert
        .send(&ClientFrame::ScreenAck { seq: next.seq })
        .await?;
    let captured = customer.captures();
    assert!(
        expert
            .updates_within(Duration::from_millis(500))
            .await?
            .len()
            <= 1
    );
    assert!(
        customer.captures() <= captured + 1,
        "paused: no capture after the one under way"
    );

    // Resumed: the whole screen again. Stopped: the expert must ask again.
    customer
        .session
        .sender()
        .set_sharing(ShareStatus::Sharing)
        .await?;
    expert.state_until(|s| s.view == ViewState::Sharing).await?;
    let resumed = expert.update().await?;
    assert!(resumed.full, "resuming sends the whole screen");
    customer
        .session
        .sender()
        .set_sharing(ShareStatus::Stopped)
        .await?;
    expert.state_until(|s| s.view == ViewState::Off).await?;
    customer.screen_until(|s| s.view == ViewState::Off).await?;
    let stopped_at = customer.captures();
    let answer = customer
        .session
        .sender()
        .answer_screen(ScreenMode::View, true)
        .await;
    assert!(answer.is_err(), "no pending request after stop: {answer:?}");
    expert
        .send(&ClientFrame::ScreenAck { seq: resumed.seq })
        .await?;
    assert!(
        expert
            .updates_within(Duration::from_millis(300))
            .await?
            .is_empty()
    );
    assert!(customer.captures() <= stopped_at + 1);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn input_is_played_only_while_granted_and_a_dropped_socket_stops_everything() -> TestResult {
    let mut server = TestServer::spawn().await?;
    let mut customer = Customer::join(&server).await?;
    let mut expert = Expert::connect(&server, customer.case_id).await?;
    let click = |x| InputEvent::Button {
        x,
        y: 10,
        button: lifeline_protocol::screen::MouseButton::Left,
        down: true,
    };

    expert
        .send(&ClientFrame::ScreenRequest {
            mode: ScreenMode::View,
        })
        .await?;
    customer
        .screen_until(|s| s.view == ViewState::Requested)
        .await?;
    customer
        .session
        .sender()
        .answer_screen(ScreenMode::View, true)
        .await?;
    expert
        .state_until(|s| s.view == ViewState::Sharing && s.width > 0)
        .await?;

    // Before control is granted the server refuses input.
    expert.send(&ClientFrame::Input { event: click(1) }).await?;
    expert.refusal().await?;

    expert
        .send(&ClientFrame::ScreenRequest {
            mode: ScreenMode::Control,
        })
        .await?;
    customer
        .screen_until(|s| s.control == ControlState::Requested)
        .await?;
    customer
        .session
        .sender()
        .answer_screen(ScreenMode::Control, true)
        .await?;
    expert
        .state_until(|s| s.control == ControlState::Granted)
        .await?;
    expert.send(&ClientFrame::Input { event: click(2) }).await?;
    let deadline = Instant::now() + Duration::from_secs(10);
    while customer.probe.played().is_empty() {
        assert!(Instant::now() < deadline, "the granted click is played");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // Taken back: refused again, nothing more played.
    customer.session.sender().revoke_control().await?;
    expert
        .state_until(|s| s.control == ControlState::Off)
        .await?;
    expert.send(&ClientFrame::Input { event: click(3) }).await?;
    expert.refusal().await?;
    assert_eq!(customer.probe.played(), [click(2)]);

    // The customer's socket drops (the server goes away): capture stops at
    // once and the consent is gone.
    server.stop().await?;
    customer.screen_until(|s| s.view == ViewState::Off).await?;
    let captured = customer.captures();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        customer.captures() <= captured + 1,
        "no capture after the drop"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_system_that_cannot_share_declines_the_request_and_says_why() -> TestResult {
    let server = TestServer::spawn().await?;
    let access = ScreenAccess::new(|| Err(Unavailable::Wayland), || Err(Unavailable::Wayland));
    let mut customer = Customer::join_with(&server, access, SyntheticProbe::default()).await?;
    let mut expert = Expert::connect(&server, customer.case_id).await?;

    expert
        .send(&ClientFrame::ScreenRequest {
            mode: ScreenMode::View,
        })
        .await?;
    let told = customer.screen_until(|s| s.unavailable_asked).await?;
    assert!(
        !told.available,
        "the window learns this system cannot share"
    );
    expert
        .state_until(|s| s.view == ViewState::Off)
        .await
        .map_err(|e| format!("the request is declined for the customer: {e}"))?;

    let answer = customer
        .session
        .sender()
        .answer_screen(ScreenMode::View, true)
        .await;
    assert!(
        matches!(answer, Err(ScreenError::Unavailable(ref reason)) if reason.contains("not available")),
        "Share answers why it cannot: {answer:?}"
    );
    let case = lifeline_client::QueueClient::new(&server.base_url())?
        .get_case(&server.expert_token, customer.case_id)
        .await?;
    let history = case.history.unwrap_or_default();
    assert!(
        history
            .iter()
            .any(|line| line.action == lifeline_protocol::HistoryAction::ScreenDeclined),
        "the case history records the decline: {history:?}"
    );
    Ok(())
}
