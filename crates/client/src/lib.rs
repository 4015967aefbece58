//! The core of the Lifeline desktop app: everything it does that is not a
//! window. This crate knows no Tauri, so all of it is testable without one.
//!
//! It also doubles as the queue server's test client: the server's integration
//! tests talk HTTP through [`QueueClient`], so the app and the tests speak the
//! contract the same way.
//!
//! - [`QueueClient`]: the typed HTTP client of the queue server.
//! - [`EventStream`]: a case's live Server-Sent Events, resumable by event id.
//! - [`ClientError`]: what can go wrong, and whether retrying may help.

mod error;
mod events;
mod queue;
mod sse;

pub use error::ClientError;
pub use events::{CaseEvent, CaseEventKind, EventStream};
pub use queue::{AssigneeFilter, CaseFilter, QueueClient};
