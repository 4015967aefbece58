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
