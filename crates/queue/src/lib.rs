//! lifeline-queue: the company queue server. Service cases over HTTP on
//! embedded SQLite (PostgreSQL for several instances).
//!
//! [`build`] opens the store and binds the socket; [`App::serve`] runs it.
//! `main.rs` only parses the command line.

pub mod admin;
mod api_error;
mod app;
pub mod audit;
mod caller;
mod case_access;
mod case_filters;
pub mod cli;
mod client_addr;
pub mod clock;
pub mod config;
mod console;
pub mod credentials;
pub mod database_url;
pub mod email;
pub mod fanout;
mod http;
pub mod hub;
mod ids;
mod join_budget;
mod live;
mod metrics;
mod password_gate;
pub mod public_url;
mod rate_limit;
pub mod reports;
mod request_limits;
mod rules;
mod screen;
mod sign_in_guard;
mod state;
pub mod store;
pub mod upgrade;
pub mod webhooks;
mod within_rate;

pub use app::{App, build, build_with_clock, open_store};
pub use config::Config;
pub use metrics::StateChanges;
pub use state::AppState;

/// The OpenAPI 3 document the server serves at `/api/v1/openapi.json`; it
/// depends on no configuration, so `cargo xtask openapi` writes it to
/// `docs/openapi.json` without starting a server.
pub fn openapi_document() -> serde_json::Value {
    http::openapi_document()
}
