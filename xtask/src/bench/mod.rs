//! `cargo xtask bench <target>`: measurements against the project's targets.

mod app;
mod cpu;
mod depth;
mod load;
mod nginx;
mod queue_server;
mod report;
mod scale_out;
#[cfg(all(unix, not(target_os = "macos")))]
mod screen;
mod server;
mod session;
mod sse;
mod wrk;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

use crate::cargo::{self, Profile};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// What to measure.
    #[arg(value_enum)]
    target: Target,
    /// `server`: `postgres` measures the server on PostgreSQL with one
    /// instance and with two, beside SQLite (creates, reads, fan-out across
    /// instances) instead of the full SQLite benchmark. `session`: the
    /// database the server chats on.
    #[arg(long, value_enum, default_value_t = Database::Sqlite)]
    database: Database,
    /// `server`, `depth` and `session`: measure this `lifeline-queue` (a
    /// release build) instead of building one.
    #[arg(long, value_name = "PATH")]
    server_bin: Option<PathBuf>,
    /// `session` only: how many rounds of round trips, each on new cases
    /// (5 when not given).
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..))]
    rounds: Option<u16>,
    /// `app` only: measure this `.deb` (from `cargo xtask dist --bundles
    /// deb`) instead of building one with the `dist` profile.
    #[arg(long, value_name = "FILE")]
    deb: Option<PathBuf>,
    /// `app` only: `release` builds the app and the hello-world window in the
    /// release profile (no `.deb`): quicker, for iterating. Customers install
    /// the `dist` profile's package, which is what the figures are for.
    #[arg(long, value_enum, default_value_t = AppProfile::Dist)]
    profile: AppProfile,
    /// `app` only: measure this `lifeline` binary instead of the package
    /// (to compare builds of two commits in one run).
    #[arg(long, value_name = "PATH", conflicts_with = "deb")]
    app_bin: Option<PathBuf>,
    /// `app` only: also measure both windows with WebKit's compositing off
    /// (`WEBKIT_DISABLE_COMPOSITING_MODE=1`), in the same rounds.
    #[arg(long)]
    compare_compositing: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AppProfile {
    Release,
    Dist,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Database {
    Sqlite,
    Postgres,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Target {
    /// The queue server, driven by `wrk`: durable creates and reads as
    /// scaling curves, SSE fan-out, live sessions, each rate beside nginx
    /// serving a static file.
    Server,
    /// Queue depth: reads, session joins and departures behind 5 and behind
    /// 100,000 waiting cases, side by side (SQLite).
    Depth,
    /// Chat round trips alone (customer socket → server → expert socket →
    /// back, 100 cases at once), a few rounds, against the p99 target.
    Session,
    /// The desktop app as customers install it (the `dist` profile's `.deb`):
    /// click-to-code over cold launches, memory after 60 s idle and the
    /// `.deb` size, against a hello-world Tauri window of the same profile.
    App,
    /// The remote screen's sender on a private Xvfb: bytes and updates per
    /// second for an idle screen, typing and scrolling at two sizes, capture
    /// + encode time, and glass-to-glass latency.
    Screen,
}

impl Target {
    fn name(self) -> &'static str {
        match self {
            Target::Server => "server",
            Target::Depth => "depth",
            Target::Session => "session",
            Target::App => "app",
            Target::Screen => "screen",
        }
    }
}

/// Set on the optimised xtask that a debug xtask hands the benchmark to.
const OPTIMISED_ENV: &str = "XTASK_BENCH_OPTIMISED";

pub fn run(args: &Args) -> Result<ExitCode> {
    // `cargo xtask` is a debug build. The in-process parts of the benchmarks
    // (the SSE subscribers, the session sockets, the generator of the
    // PostgreSQL benchmark) share the machine with the server, so they must be
    // optimised or they, not the server, set the figures: hand over to a
    // release build of xtask.
    if cfg!(debug_assertions) && std::env::var_os(OPTIMISED_ENV).is_none() {
        let xtask = cargo::build_binary("xtask", "xtask", Profile::Release)?;
        // The same arguments: everything after the program name.
        let status = std::process::Command::new(&xtask)
            .args(std::env::args_os().skip(1))
            .env(OPTIMISED_ENV, "1")
            .status()
            .with_context(|| format!("failed to run {}", xtask.display()))?;
        return Ok(
            match status.code().and_then(|code| u8::try_from(code).ok()) {
                Some(0) => ExitCode::SUCCESS,
                Some(code) => ExitCode::from(code),
                None => ExitCode::FAILURE,
            },
        );
    }
    if !matches!(
        args.target,
        Target::Server | Target::Depth | Target::Session
    ) && (args.database != Database::Sqlite || args.server_bin.is_some())
    {
        bail!(
            "--database and --server-bin are options of `bench server` and `bench session`, not `bench {}`",
            args.target.name()
        );
    }
    if !matches!(args.target, Target::Session) && args.rounds.is_some() {
        bail!(
            "--rounds is an option of `bench session`, not `bench {}`",
            args.target.name()
        );
    }
    let server_binary = || match &args.server_bin {
        Some(binary) => Ok(binary.clone()),
        None => cargo::build_binary("lifeline-queue", "lifeline-queue", Profile::Release),
    };
    if !matches!(args.target, Target::App)
        && (args.deb.is_some()
            || args.app_bin.is_some()
            || args.compare_compositing
            || args.profile != AppProfile::Dist)
    {
        bail!(
            "--deb, --app-bin, --profile and --compare-compositing are options of `bench app`, not `bench {}`",
            args.target.name()
        );
    }
    match args.target {
        Target::Server => {
            let binary = server_binary()?;
            match args.database {
                Database::Sqlite => server::run(binary),
                Database::Postgres => scale_out::run(binary),
            }
        }
        Target::Depth => {
            if args.database != Database::Sqlite {
                bail!("bench depth runs on SQLite only");
            }
            depth::run(server_binary()?)
        }
        Target::Session => {
            let backend = match args.database {
                Database::Sqlite => queue_server::Backend::Sqlite,
                Database::Postgres => queue_server::Backend::Postgres {
                    maintenance_url: crate::postgres::test_database_url(false)?.context(
                        "`bench session --database postgres` needs the local PostgreSQL on 127.0.0.1:5432 (see above)",
                    )?,
                },
            };
            session::run(
                server_binary()?,
                &backend,
                usize::from(args.rounds.unwrap_or(5)),
            )
        }
        Target::App => app::run(&app::Options {
            deb: args.deb.clone(),
            app_bin: args.app_bin.clone(),
            profile: args.profile,
            compare_compositing: args.compare_compositing,
        }),
        #[cfg(all(unix, not(target_os = "macos")))]
        Target::Screen => screen::run(),
        #[cfg(not(all(unix, not(target_os = "macos"))))]
        Target::Screen => anyhow::bail!("bench screen needs X11 (Xvfb): Linux or a BSD"),
    }
}
