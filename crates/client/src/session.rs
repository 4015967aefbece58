//! The live session from either side: the case's WebSocket, kept open while
//! the user is in (reconnecting with backoff after a blip), chat sent with the
//! sender's own message ids so a message re-sent after a reconnect is stored
//! once, and every message passed on once. The customer's side also shares
//! the screen through it ([`join_sharing`], [`crate::sharing`]).

use std::collections::HashSet;
use std::time::Duration;

use futures_util::{SinkExt as _, StreamExt as _};
use lifeline_protocol::screen::{ScreenMode, ShareStatus};
use lifeline_protocol::{Case, ChatMessage, ClientFrame, ErrorCode, ServerFrame};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;
use tokio_tungstenite::tungstenite::http::{HeaderValue, StatusCode};
use tokio_tungstenite::tungstenite::{self, Message};
use uuid::Uuid;

use crate::backoff::Backoff;
use crate::queue::QueueClient;
use crate::sharing::{
    CAPTURE_INTERVAL, Outgoing, ScreenAccess, ScreenCommand, ScreenError, ScreenShare, Sharing,
};

/// How many events may wait for the window before the session waits for it.
const EVENT_BUFFER: usize = 64;

/// What the session tells the window.
#[derive(Debug, Clone, PartialEq, Eq)]
#[expect(
    clippy::large_enum_variant,
    reason = "events are few and mostly cases; boxing would clutter every match"
)]
pub enum SessionEvent {
    /// The socket is open: this side counts as connected.
    Connected,
    /// The case as it now stands.
    Case(Case),
    /// A chat message, each one once (also the ones replayed on joining).
    Message(ChatMessage),
    /// The customer's screen as it now stands (only in a [`join_sharing`]
    /// session): requests, sharing, control.
    Screen(ScreenShare),
    /// The server refused a frame (too long, too fast); the session goes on.
    Refused {
        /// The API error code.
        code: ErrorCode,
        /// In words.
        message: String,
    },
    /// The socket dropped; the session tries again after `retry_in`.
    /// Messages sent meanwhile go out after the reconnect.
    Reconnecting {
        /// How long until the next try.
        retry_in: Duration,
    },
    /// The session is over: the case is final, the server refused the
    /// session, or the user left. The event channel closes after this.
    Ended {
        /// Why, for the log and the window.
        reason: String,
    },
}

/// A joined session. Dropping it leaves the session.
#[derive(Debug)]
pub struct Session {
    commands: mpsc::Sender<Command>,
    task: JoinHandle<()>,
}

#[derive(Debug)]
enum Command {
    Send { text: String, id: Uuid },
    Screen(ScreenCommand, oneshot::Sender<Result<(), ScreenError>>),
    Leave(oneshot::Sender<()>),
}

/// Sends chat messages into a session; cheap to clone, usable while the
/// [`Session`] itself stays put.
#[derive(Debug, Clone)]
pub struct SessionSender {
    commands: mpsc::Sender<Command>,
}

impl SessionSender {
    /// Sends a chat message; returns its id. It is delivered once, even across
    /// a reconnect; the server's echo arrives as [`SessionEvent::Message`].
    pub async fn send(&self, text: &str) -> Result<Uuid, SessionClosed> {
        let id = Uuid::now_v7();
        self.commands
            .send(Command::Send {
                text: text.to_string(),
                id,
            })
            .await
            .map_err(|_| SessionClosed)?;
        Ok(id)
    }

    /// Answers the expert's pending request: Share / Not now for
    /// [`ScreenMode::View`], Allow / Not now for [`ScreenMode::Control`].
    /// Sharing starts only after this; a lapsed request is an error.
    pub async fn answer_screen(&self, mode: ScreenMode, allow: bool) -> Result<(), ScreenError> {
        self.screen(ScreenCommand::Answer { mode, allow }).await
    }

    /// Pause ([`ShareStatus::Paused`]), Resume ([`ShareStatus::Sharing`]) or
    /// Stop ([`ShareStatus::Stopped`]: the expert must ask again).
    pub async fn set_sharing(&self, status: ShareStatus) -> Result<(), ScreenError> {
        self.screen(ScreenCommand::Status(status)).await
    }

    /// Takes control back: input stops being applied at once.
    pub async fn revoke_control(&self) -> Result<(), ScreenError> {
        self.screen(ScreenCommand::RevokeControl).await
    }

    async fn screen(&self, command: ScreenCommand) -> Result<(), ScreenError> {
        let (reply, answer) = oneshot::channel();
        self.commands
            .send(Command::Screen(command, reply))
            .await
            .map_err(|_| ScreenError::SessionClosed)?;
        answer.await.map_err(|_| ScreenError::SessionClosed)?
    }
}

impl Session {
    /// Sends a chat message; see [`SessionSender::send`].
    pub async fn send(&self, text: &str) -> Result<Uuid, SessionClosed> {
        self.sender().send(text).await
    }

    /// A handle for sending without holding the session.
    pub fn sender(&self) -> SessionSender {
        SessionSender {
            commands: self.commands.clone(),
        }
    }

    /// Leaves the session: closes the socket cleanly, so the server counts
    /// this side out at once.
    pub async fn leave(self) {
        let (done, left) = oneshot::channel();
        if self.commands.send(Command::Leave(done)).await.is_ok() {
            let _ = tokio::time::timeout(Duration::from_secs(2), left).await;
        }
    }

    /// Whether the session has ended.
    pub fn is_finished(&self) -> bool {
        self.task.is_finished()
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The session has ended; nothing more can be sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the session has ended")]
pub struct SessionClosed;

/// Joins case `case_id`'s session with `token` (a case token, or an expert's
/// `et_` token) on the current Tokio runtime.
pub fn join(
    client: &QueueClient,
    token: String,
    case_id: Uuid,
    backoff: Backoff,
) -> (Session, mpsc::Receiver<SessionEvent>) {
    start(client, token, case_id, backoff, None)
}

/// Joins as the customer with a screen to share through `access`: the
/// expert's requests arrive as [`SessionEvent::Screen`], and nothing is
/// captured until the customer answers yes ([`SessionSender::answer_screen`]).
pub fn join_sharing(
    client: &QueueClient,
    token: String,
    case_id: Uuid,
    backoff: Backoff,
    access: ScreenAccess,
) -> (Session, mpsc::Receiver<SessionEvent>) {
    start(client, token, case_id, backoff, Some(Sharing::new(access)))
}

fn start(
    client: &QueueClient,
    token: String,
    case_id: Uuid,
    backoff: Backoff,
    sharing: Option<Sharing>,
) -> (Session, mpsc::Receiver<SessionEvent>) {
    let (events, receiver) = mpsc::channel(EVENT_BUFFER);
    let (commands, inbox) = mpsc::channel(EVENT_BUFFER);
    let url = session_url(client.base_url(), case_id);
    let runner = Runner {
        url,
        token,
        backoff,
        events,
        inbox,
        outbox: Vec::new(),
        seen: HashSet::new(),
        sharing,
    };
    let task = tokio::spawn(runner.run());
    (Session { commands, task }, receiver)
}

/// `http(s)://host/…` → `ws(s)://host/…/api/v1/cases/{id}/session`.
fn session_url(base_url: &str, case_id: Uuid) -> String {
    let base = base_url.trim_end_matches('/');
    let base = match base.split_once("://") {
        Some(("https", rest)) => format!("wss://{rest}"),
        Some((_, rest)) => format!("ws://{rest}"),
        None => format!("ws://{base}"),
    };
    format!("{base}/api/v1/cases/{case_id}/session")
}

struct Runner {
    url: String,
    token: String,
    backoff: Backoff,
    events: mpsc::Sender<SessionEvent>,
    inbox: mpsc::Receiver<Command>,
    /// Sent but not yet echoed by the server: re-sent after a reconnect.
    outbox: Vec<(Uuid, String)>,
    /// Messages already passed on.
    seen: HashSet<Uuid>,
    /// The customer's screen, when this side has one to share.
    sharing: Option<Sharing>,
}

/// How one connection ended.
enum Connection {
    /// Over for good, with the reason.
    Over(String),
    /// Dropped: reconnect.
    Dropped,
}

impl Runner {
    async fn run(mut self) {
        loop {
            let ended = match self.connect().await {
                Ok(socket) => {
                    self.backoff.reset();
                    self.converse(socket).await
                }
                Err(Connect::Refused(reason)) => Connection::Over(reason),
                Err(Connect::Failed(detail)) => {
                    tracing::info!(%detail, "session socket cannot connect");
                    Connection::Dropped
                }
            };
            // Without the socket nothing of the screen goes on: capture and
            // input stop now, and the expert must ask again.
            if let Some(sharing) = &mut self.sharing {
                sharing.reset();
            }
            if self.screen_changed().await.is_err() {
                return;
            }
            match ended {
                Connection::Over(reason) => {
                    let _ = self.events.send(SessionEvent::Ended { reason }).await;
                    return;
                }
                Connection::Dropped => {
                    let retry_in = self.backoff.next_delay(None);
                    if self
                        .events
                        .send(SessionEvent::Reconnecting { retry_in })
                        .await
                        .is_err()
                    {
                        return;
                    }
                    // Keep taking messages while waiting, so none is lost.
                    let wait = tokio::time::sleep(retry_in);
                    tokio::pin!(wait);
                    loop {
                        tokio::select! {
                            () = &mut wait => break,
                            command = self.inbox.recv() => match command {
                                Some(Command::Send { text, id }) => self.outbox.push((id, text)),
                                Some(Command::Screen(_, reply)) => {
                                    let _ = reply.send(Err(ScreenError::SessionClosed));
                                }
                                Some(Command::Leave(done)) => {
                                    let _ = self.events.send(SessionEvent::Ended { reason: "left".into() }).await;
                                    let _ = done.send(());
                                    return;
                                }
                                None => return,
                            },
                        }
                    }
                }
            }
        }
    }

    // `&mut`: the runner is not `Sync` (a screen being shared is `Send` only).
    async fn connect(&mut self) -> Result<Socket, Connect> {
        let mut request = self
            .url
            .as_str()
            .into_client_request()
            .map_err(|e| Connect::Refused(format!("bad session address: {e}")))?;
        let bearer = HeaderValue::from_str(&format!("Bearer {}", self.token))
            .map_err(|_| Connect::Refused("the token is not a valid header".into()))?;
        request.headers_mut().insert("authorization", bearer);
        // Nagle off: a chat message or an input event is one small frame,
        // and one written while the one before is unacknowledged would wait
        // for the server's delayed ACK (up to 40 ms).
        match tokio_tungstenite::connect_async_with_config(request, None, true).await {
            Ok((socket, _)) => Ok(socket),
            // The server answered the handshake with an error: not worth retrying,
            // except 429 (this side's sockets are at their cap until a dead one
            // is dropped, within seconds).
            Err(tungstenite::Error::Http(response))
                if response.status().is_client_error()
                    && response.status() != StatusCode::TOO_MANY_REQUESTS =>
            {
                let body = response
                    .body()
                    .as_deref()
                    .map(String::from_utf8_lossy)
                    .unwrap_or_default()
                    .into_owned();
                Err(Connect::Refused(format!(
                    "the server refused the session ({}): {body}",
                    response.status()
                )))
            }
            Err(e) => Err(Connect::Failed(e.to_string())),
        }
    }

    async fn converse(&mut self, mut socket: Socket) -> Connection {
        if self.events.send(SessionEvent::Connected).await.is_err() {
            return Connection::Over("the window stopped listening".into());
        }
        for (id, text) in self.outbox.clone() {
            if send_message(&mut socket, id, text).await.is_err() {
                return Connection::Dropped;
            }
        }
        let mut tick = tokio::time::interval(CAPTURE_INTERVAL);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut outgoing = Vec::new();
        loop {
            tokio::select! {
                command = self.inbox.recv() => match command {
                    Some(Command::Send { text, id }) => {
                        self.outbox.push((id, text.clone()));
                        if send_message(&mut socket, id, text).await.is_err() {
                            return Connection::Dropped;
                        }
                    }
                    Some(Command::Screen(command, reply)) => {
                        let done = match &mut self.sharing {
                            Some(sharing) => sharing.command(command, &mut outgoing),
                            None => Err(ScreenError::Unavailable("this side shares no screen".into())),
                        };
                        let _ = reply.send(done);
                    }
                    Some(Command::Leave(done)) => {
                        let _ = socket.close(None).await;
                        let _ = done.send(());
                        return Connection::Over("left".into());
                    }
                    None => {
                        let _ = socket.close(None).await;
                        return Connection::Over("left".into());
                    }
                },
                frame = socket.next() => match frame {
                    Some(Ok(Message::Text(text))) => {
                        if let Some(over) = self.receive(&text, &mut outgoing).await {
                            return over;
                        }
                    }
                    // Pings are answered by the library while we read.
                    Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return Connection::Dropped,
                    Some(Ok(_)) => {}
                },
                captured = next_captured(&mut self.sharing) => {
                    if let Some(sharing) = &mut self.sharing {
                        sharing.on_captured(captured, &mut outgoing);
                    }
                }
                _ = tick.tick(), if self.sharing.is_some() => {
                    if let Some(sharing) = &mut self.sharing {
                        sharing.pump();
                    }
                }
            }
            for item in outgoing.drain(..) {
                let message = match item {
                    Outgoing::Frame(frame) => Message::Text(
                        serde_json::to_string(&frame)
                            .expect("a frame serializes")
                            .into(),
                    ),
                    Outgoing::Binary(bytes) => Message::Binary(bytes.into()),
                };
                if socket.send(message).await.is_err() {
                    return Connection::Dropped;
                }
            }
            if self.screen_changed().await.is_err() {
                return Connection::Over("the window stopped listening".into());
            }
        }
    }

    /// Tells the window about the screen when its state changed.
    async fn screen_changed(&mut self) -> Result<(), SessionClosed> {
        let Some(share) = self.sharing.as_mut().and_then(Sharing::changed) else {
            return Ok(());
        };
        self.events
            .send(SessionEvent::Screen(share))
            .await
            .map_err(|_| SessionClosed)
    }

    /// Handles one server frame; `Some` when the session is over.
    async fn receive(&mut self, text: &str, outgoing: &mut Vec<Outgoing>) -> Option<Connection> {
        let frame: ServerFrame = match serde_json::from_str(text) {
            Ok(frame) => frame,
            Err(e) => {
                tracing::warn!(error = %e, "unreadable session frame; ignored");
                return None;
            }
        };
        let event = match frame {
            ServerFrame::Case(case) => {
                let is_final = case.state.is_final();
                let state = case.state;
                if self.events.send(SessionEvent::Case(case)).await.is_err() {
                    return Some(Connection::Over("the window stopped listening".into()));
                }
                return is_final
                    .then(|| Connection::Over(format!("the case is {}", state.as_str())));
            }
            ServerFrame::Message(message) => {
                self.outbox.retain(|(id, _)| *id != message.id);
                if !self.seen.insert(message.id) {
                    return None;
                }
                SessionEvent::Message(message)
            }
            ServerFrame::Error { code, message } => SessionEvent::Refused { code, message },
            screen @ (ServerFrame::Screen(_)
            | ServerFrame::ScreenAck { .. }
            | ServerFrame::ScreenRefresh
            | ServerFrame::Input { .. }) => {
                match &mut self.sharing {
                    Some(sharing) => sharing.receive(screen, outgoing),
                    None => tracing::debug!(?screen, "a screen frame on a side without a screen"),
                }
                return None;
            }
        };
        if self.events.send(event).await.is_err() {
            return Some(Connection::Over("the window stopped listening".into()));
        }
        None
    }
}

/// What the capture thread reported; pending forever without a screen.
async fn next_captured(sharing: &mut Option<Sharing>) -> crate::sharing::Captured {
    match sharing {
        Some(sharing) => sharing.next_captured().await,
        None => std::future::pending().await,
    }
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

enum Connect {
    Refused(String),
    Failed(String),
}

async fn send_message(
    socket: &mut Socket,
    id: Uuid,
    text: String,
) -> Result<(), tungstenite::Error> {
    let frame = ClientFrame::Message { text, id: Some(id) };
    let json = serde_json::to_string(&frame).expect("a frame serializes");
    socket.send(Message::Text(json.into())).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_urls_follow_the_server_scheme() {
        let id = Uuid::nil();
        assert_eq!(
            session_url("https://help.example.com/", id),
            format!("wss://help.example.com/api/v1/cases/{id}/session")
        );
        assert_eq!(
            session_url("http://127.0.0.1:8080", id),
            format!("ws://127.0.0.1:8080/api/v1/cases/{id}/session")
        );
    }
}
