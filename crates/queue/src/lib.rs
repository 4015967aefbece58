//! lifeline-queue: the company queue server. Service cases over HTTP on
//! embedded SQLite (PostgreSQL for several instances).
//!
//! [`build`] opens the store and binds the socket; [`App::serve`] runs it.
//! `main.rs` only parses the command line.

pub mod admin;
mod app;
mod assignment;
pub mod cli;
pub mod clock;
pub mod config;
mod console;
pub mod credentials;
mod http;
pub mod hub;
mod metrics;
mod presence;
mod rate_limit;
mod screen;
pub mod store;

pub use app::{App, AppState, build, build_with_clock, open_store};
pub use config::Config;
