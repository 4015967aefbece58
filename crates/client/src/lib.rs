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
//! - [`Deployment`]: the deployment file IT ships, found and checked.
//! - [`StateStore`]: what the app remembers between runs.
//! - [`request_help`]: one SOS click, creating exactly one case.
//! - [`watch`]: a case followed live, through network trouble.
//! - [`shortcut`]: the SOS shortcut on the desktop, installed once.
//! - [`Installation`]: the deployment, client, state and device every
//!   customer action uses; joining and cancelling a case.
//! - [`BusyFlag`]: one help request or join at a time, released even when cancelled.
//! - [`Problem`]: what went wrong, as the window gets it (`{code, message}`).
//! - [`join_session`], [`join_session_sharing`]: the live session, with the
//!   customer's screen shared only on consent.
//! - [`CustomerStatus`]: where a case stands, as the customer reads it.
//! - [`choose_language`]: the language the window speaks.
//! - [`screen`]: the customer's screen shared with an expert, and remote input.

mod backoff;
mod busy;
mod deployment;
mod error;
mod events;
mod installation;
mod locale;
mod logo;
mod problem;
mod queue;
pub mod screen;
mod session;
mod sharing;
pub mod shortcut;
mod sos;
mod sse;
mod state;
mod status;
mod watch;

pub use backoff::{Backoff, RetryReason};
pub use busy::{BusyClaim, BusyFlag};
pub use deployment::{
    DEPLOYMENT_ENV, Deployment, DeploymentError, DeploymentSource, DiscoveryPaths,
    system_deployment_path,
};
pub use error::ClientError;
pub use events::{CaseEvent, CaseEventKind, EventStream};
pub use installation::Installation;
pub use locale::choose_language;
pub use logo::{LOGO_MAX_BYTES, Logo};
pub use problem::{Problem, ProblemCode};
pub use queue::{AssigneeFilter, CaseFilter, QueueClient};
pub use session::{
    Session, SessionClosed, SessionEvent, SessionSender, join as join_session,
    join_sharing as join_session_sharing,
};
pub use sharing::{ScreenAccess, ScreenError, ScreenShare};
pub use sos::{OpenedCase, SosError, SosProgress, request_help};
pub use state::{OpenCase, PendingRequest, State, StateError, StateStore};
pub use status::{CustomerStatus, Notice};
pub use watch::{CaseWatch, WatchEvent, watch};
