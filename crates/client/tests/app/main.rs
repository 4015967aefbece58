//! The desktop app's core against a real queue server started in-process.

mod deployment;
mod helpers;
mod installation;
mod screen;
mod shortcut;
mod sos;
mod tls;
mod version;
mod watch;
