//! Validation limits of API.md, in one place so every side agrees.

/// Longest customer name, in characters.
pub const CUSTOMER_NAME_MAX_CHARS: usize = 100;
/// Longest email address, in characters (RFC 5321's path limit).
pub const EMAIL_MAX_CHARS: usize = 254;
/// Longest case description, in characters.
pub const DESCRIPTION_MAX_CHARS: usize = 4000;
/// Longest value of any device field, in characters.
pub const DEVICE_FIELD_MAX_CHARS: usize = 200;
/// Longest short admin text (group, expert and deployment names), in characters.
pub const SHORT_TEXT_MAX_CHARS: usize = 200;
/// Longest idempotency key, in bytes (visible ASCII only).
pub const IDEMPOTENCY_KEY_MAX_LEN: usize = 255;
/// Largest request body accepted on any endpoint.
pub const BODY_MAX_BYTES: usize = 64 * 1024;
/// Largest body accepted when a customer creates a case: every valid create fits easily.
pub const CREATE_BODY_MAX_BYTES: usize = 16 * 1024;
/// Largest page of the expert case list.
pub const CASE_LIST_MAX_LIMIT: u32 = 200;
/// Page size of the expert case list when none is asked for.
pub const CASE_LIST_DEFAULT_LIMIT: u32 = 50;
/// Longest chat message, in characters.
pub const MESSAGE_MAX_CHARS: usize = 2000;
/// Chat messages one session socket may send in a burst…
pub const MESSAGE_BURST: u32 = 10;
/// …after which it may send one more per this many milliseconds.
pub const MESSAGE_REFILL_MS: u64 = 1000;
/// A session side that has not answered a ping for this long is disconnected.
pub const SESSION_TIMEOUT_SECS: u64 = 10;
