//! Project automation, run as `cargo xtask <command>` (alias in `.cargo/config.toml`).

mod axe;
mod bench;
mod cargo;
mod demo;
mod dist;
mod openapi;
mod postgres;
mod queue_cli;
mod server_package;
mod system;
mod test;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "cargo xtask",
    bin_name = "cargo xtask",
    about = "Lifeline project tasks"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run every test: installs missing system packages (Debian/Ubuntu) and
    /// tauri-driver, starts PostgreSQL, builds the desktop app, then runs
    /// `cargo test --workspace` (the doctests with it) under
    /// `xvfb-run … dbus-run-session` (so the real-window test runs).
    Test(test::Args),
    /// Start a local queue server with a demo group, expert, token and
    /// deployment, and the desktop app pointed at it.
    Demo(demo::Args),
    /// Measure a part of the system against its targets.
    Bench(bench::Args),
    /// Build the release installers for this OS (Linux: .deb and .rpm) with
    /// the size-tuned `dist` profile; `--deployment FILE` makes a branded build.
    /// On Linux also the queue server's .deb and .rpm (`--server-only`: just those).
    Dist(dist::Args),
    /// Write the server's OpenAPI document to `docs/openapi.json` (the API
    /// suite checks that the served document equals that file).
    Openapi,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Test(args) => test::run(&args),
        Command::Demo(args) => demo::run(&args),
        Command::Bench(args) => bench::run(&args),
        Command::Dist(args) => dist::run(&args),
        Command::Openapi => openapi::run(),
    };
    match outcome {
        Ok(code) => code,
        Err(error) => {
            eprintln!("xtask: error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
