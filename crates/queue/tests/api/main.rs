//! Integration tests: the real server on 127.0.0.1:0 with a temporary
//! database (SQLite, or PostgreSQL when `TEST_DATABASE_URL` names one: see
//! `database`), spoken to over HTTP through lifeline-client.

mod access;
mod alerts;
mod assignment;
mod audit;
mod caching;
mod cli;
mod cluster;
mod cluster_restart;
mod console;
mod crash;
mod create;
mod database;
mod database_outage;
mod disk_full;
mod docs;
mod email;
mod events;
mod expiry;
mod fuzz;
mod helpers;
mod join;
mod languages;
mod lifecycle;
mod live;
mod migrations;
mod ops;
mod positions;
mod process;
mod proxy;
mod rate_limit;
mod restart;
mod rules;
mod screen;
mod session;
mod sign_in;
mod sla;
mod teamviewer;
mod timeouts;
mod unreachable_database;
mod upgrades;
mod validation;
mod webhooks;
