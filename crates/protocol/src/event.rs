use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::screen::{InputEvent, ScreenMode, ScreenState, ShareStatus};

/// Which side wrote a chat message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MessageFrom {
    /// The support expert.
    Expert,
    /// The customer.
    Customer,
}

/// One chat message of a case's session (SSE event `message`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChatMessage {
    /// The message id (UUID v7).
    pub id: Uuid,
    /// Which side wrote it.
    pub from: MessageFrom,
    /// The writer's display name.
    pub author: String,
    /// The text.
    pub text: String,
    /// When the server received it.
    #[serde(with = "time::serde::rfc3339")]
    pub sent_at: OffsetDateTime,
}

/// SSE event name carrying a [`Case`](crate::Case).
pub const EVENT_CASE: &str = "case";
/// SSE event name carrying a [`ChatMessage`].
pub const EVENT_MESSAGE: &str = "message";

/// A text frame a session side sends over the case's WebSocket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientFrame {
    /// Send a chat message.
    Message {
        /// The text, 1 to [`MESSAGE_MAX_CHARS`](crate::limits::MESSAGE_MAX_CHARS) characters.
        text: String,
        /// The sender's id for it (UUID), so a message re-sent after a
        /// reconnect is stored once. The server makes one when absent.
        #[serde(default)]
        id: Option<Uuid>,
    },
    /// Expert: ask to see the screen or to use mouse and keyboard.
    ScreenRequest {
        /// What is asked for.
        mode: ScreenMode,
    },
    /// Customer: Share (`allow`) or Not now to the pending request of `mode`.
    ScreenAnswer {
        /// Which request is answered.
        mode: ScreenMode,
        /// Share / allow (`true`) or Not now.
        allow: bool,
    },
    /// Customer: capture started or resumed (with the screen size), paused, or stopped.
    ScreenStatus {
        /// What the capture does now.
        status: ShareStatus,
        /// Screen width in pixels; required with `sharing`.
        #[serde(default)]
        width: u16,
        /// Screen height in pixels; required with `sharing`.
        #[serde(default)]
        height: u16,
    },
    /// Customer: take control back at once.
    ScreenRevokeControl,
    /// Expert who views: stop viewing (and controlling); asking again needs
    /// the customer's consent again.
    ScreenStop,
    /// Expert: update `seq` is drawn (flow control).
    ScreenAck {
        /// The update's sequence number.
        seq: u32,
    },
    /// Expert: send the whole screen next.
    ScreenRefresh,
    /// Expert with control granted: one input event for the customer's computer.
    Input {
        /// The event.
        event: InputEvent,
    },
}

/// A text frame the server pushes over a case's WebSocket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
#[expect(
    clippy::large_enum_variant,
    reason = "frames are decoded one at a time and mostly cases; boxing would clutter every match"
)]
pub enum ServerFrame {
    /// The case as it now stands (first frame, then after every change).
    Case(crate::Case),
    /// A chat message: every stored one on joining, then each new one.
    Message(ChatMessage),
    /// A frame the server refused (too long, too fast, malformed); the socket stays open.
    Error {
        /// What kind of problem.
        code: crate::ErrorCode,
        /// In words.
        message: String,
    },
    /// The screen's consent state, after every change (and on joining while
    /// it is not all off).
    Screen(ScreenState),
    /// To the customer: a viewer drew update `seq` (the fastest viewer paces the sender).
    ScreenAck {
        /// The update's sequence number.
        seq: u32,
    },
    /// To the customer: send the whole screen next (a viewer joined or fell behind).
    ScreenRefresh,
    /// To the customer: an input event from the expert who has control.
    Input {
        /// The event.
        event: InputEvent,
    },
}
