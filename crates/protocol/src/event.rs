use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

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
        /// The text, 1 to [`MESSAGE_MAX_CHARS`](crate::limits::MESSAGE_MAX_CHARS)
        /// characters once trimmed. Kept as sent on the wire, so the server can
        /// answer a refused text in its own error frame; it reads it as a
        /// [`ChatText`](crate::ChatText).
        text: String,
        /// The sender's id for it (UUID), so a message re-sent after a
        /// reconnect is stored once. The server makes one when absent.
        #[serde(default)]
        id: Option<Uuid>,
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
}
