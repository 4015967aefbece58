//! Following a case live: the event stream, reconnected with `Last-Event-ID`
//! whenever it drops, and the window told when the server cannot be reached.

use std::time::Duration;

use lifeline_protocol::{Case, ChatMessage, ErrorCode};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use uuid::Uuid;

use crate::backoff::{Backoff, RetryReason};
use crate::events::{CaseEventKind, EventStream};
use crate::queue::QueueClient;

/// How many events may wait for the window before the watcher waits for it.
const EVENT_BUFFER: usize = 64;

/// What the watcher tells the window.
#[derive(Debug, Clone, PartialEq, Eq)]
#[expect(
    clippy::large_enum_variant,
    reason = "events are few and mostly cases; boxing would clutter every match"
)]
pub enum WatchEvent {
    /// The case as it is now: first on every connection, then on every change.
    Case(Case),
    /// A chat message of the case's session.
    Message(ChatMessage),
    /// The server cannot be reached; the watcher tries again after `retry_in`.
    Offline {
        /// How long until the next try.
        retry_in: Duration,
        /// Why, for the UI's words.
        reason: RetryReason,
    },
    /// The stream is connected (again). Sent on the first connection and after
    /// every [`WatchEvent::Offline`].
    Online,
    /// The server refused to stream the case (its token no longer works, or the
    /// case is gone); the watcher ends.
    Refused {
        /// The API error code, if the server gave one.
        code: Option<ErrorCode>,
        /// The error, for the log.
        detail: String,
    },
}

/// A running watcher. Dropping it (or [`CaseWatch::stop`]) stops the watcher;
/// the event channel then closes.
#[derive(Debug)]
pub struct CaseWatch {
    task: JoinHandle<()>,
}

impl CaseWatch {
    /// Stops following the case.
    pub fn stop(self) {
        // Drop does the work.
    }

    /// Whether the watcher has ended on its own (final state or refusal).
    pub fn is_finished(&self) -> bool {
        self.task.is_finished()
    }
}

impl Drop for CaseWatch {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts following case `case_id` with its token on the current Tokio
/// runtime. Events arrive on the returned receiver, which closes after the
/// case's final state, after [`WatchEvent::Refused`], or when stopped.
pub fn watch(
    client: QueueClient,
    token: String,
    case_id: Uuid,
    backoff: Backoff,
) -> (CaseWatch, mpsc::Receiver<WatchEvent>) {
    let (sender, receiver) = mpsc::channel(EVENT_BUFFER);
    let follower = Follower {
        client,
        token,
        case_id,
        backoff,
        sender,
        online: false,
        last_event_id: None,
    };
    let task = tokio::spawn(follower.run());
    (CaseWatch { task }, receiver)
}

struct Follower {
    client: QueueClient,
    token: String,
    case_id: Uuid,
    backoff: Backoff,
    sender: mpsc::Sender<WatchEvent>,
    /// What the window was last told, so `Online` is sent once per recovery.
    online: bool,
    last_event_id: Option<u64>,
}

/// Why a connection's reading stopped.
enum StreamEnd {
    /// The case is final or the window stopped listening: the watcher is done.
    Done,
    /// The connection dropped or the server closed it early: reconnect.
    Dropped,
}

impl Follower {
    async fn run(mut self) {
        loop {
            match self
                .client
                .events(&self.token, self.case_id, self.last_event_id)
                .await
            {
                Ok(stream) => {
                    if !self.online {
                        self.online = true;
                        if !self.send(WatchEvent::Online).await {
                            return;
                        }
                    }
                    match self.read(stream).await {
                        StreamEnd::Done => return,
                        // A server that closes streams at once must not make us spin.
                        StreamEnd::Dropped => {
                            tokio::time::sleep(self.backoff.next_delay(None)).await;
                        }
                    }
                }
                Err(error) if error.is_retryable() => {
                    let retry_in = self.backoff.next_delay(error.retry_after());
                    tracing::info!(case.id = %self.case_id, %error, ?retry_in, "event stream unreachable");
                    self.online = false;
                    let offline = WatchEvent::Offline {
                        retry_in,
                        reason: RetryReason::of(&error),
                    };
                    if !self.send(offline).await {
                        return;
                    }
                    tokio::time::sleep(retry_in).await;
                }
                Err(error) => {
                    tracing::warn!(case.id = %self.case_id, %error, "the server refused the event stream");
                    let refused = WatchEvent::Refused {
                        code: error.code(),
                        detail: error.to_string(),
                    };
                    self.send(refused).await;
                    return;
                }
            }
        }
    }

    async fn read(&mut self, mut stream: EventStream) -> StreamEnd {
        let end = loop {
            let Some(next) = stream.next_event().await else {
                break StreamEnd::Dropped;
            };
            let event = match next {
                Ok(event) => event,
                // A connection error ends the stream; the next `None` says so.
                Err(error) => {
                    tracing::info!(case.id = %self.case_id, %error, "event stream error");
                    continue;
                }
            };
            self.backoff.reset();
            let (report, is_final) = match event.kind {
                CaseEventKind::Case(case) => {
                    let is_final = case.state.is_final();
                    (WatchEvent::Case(case), is_final)
                }
                CaseEventKind::Message(message) => (WatchEvent::Message(message), false),
            };
            if !self.send(report).await || is_final {
                break StreamEnd::Done;
            }
        };
        self.last_event_id = stream.last_event_id().or(self.last_event_id);
        end
    }

    /// Sends to the window; `false` when it no longer listens.
    async fn send(&self, event: WatchEvent) -> bool {
        self.sender.send(event).await.is_ok()
    }
}
