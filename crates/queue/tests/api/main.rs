//! Integration tests: the real server on 127.0.0.1:0 with a temporary SQLite
//! database, spoken to over HTTP through lifeline-client.

mod access;
mod assignment;
mod caching;
mod cli;
mod console;
mod crash;
mod create;
mod disk_full;
mod events;
mod expiry;
mod fuzz;
mod helpers;
mod join;
mod lifecycle;
mod live;
mod ops;
mod process;
mod rate_limit;
mod restart;
mod rules;
mod screen;
mod session;
mod sign_in;
mod timeouts;
mod validation;
