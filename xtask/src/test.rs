//! `cargo xtask test`: the one command that runs every test.

use std::process::{Command, ExitCode, ExitStatus};

use anyhow::Result;

use crate::{cargo, postgres, system};

/// The virtual screen the real-window test runs on.
const XVFB_SCREEN: &str = "-screen 0 1280x800x24";

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Do not install missing system packages.
    #[arg(long)]
    no_install: bool,
    /// Let the local PostgreSQL accept the test URL (trust postgres@127.0.0.1,
    /// create database `test`). Implied when the CI variable is set.
    #[arg(long)]
    setup_postgres: bool,
}

pub fn run(args: &Args) -> Result<ExitCode> {
    if !args.no_install {
        system::ensure_packages(system::TEST_PACKAGES)?;
        system::ensure_tauri_driver()?;
    }

    let database_url = match std::env::var("TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => postgres::test_database_url(args.setup_postgres || on_ci())?,
    };
    match &database_url {
        Some(url) => eprintln!("xtask: TEST_DATABASE_URL={url}"),
        None => eprintln!("xtask: TEST_DATABASE_URL unset: storage tests run on SQLite only"),
    }

    // Built here rather than by the window test itself: one build, with the
    // app's own feature set, before the test run holds the target dir.
    let app = cargo::build_binary("lifeline", "lifeline", cargo::Profile::Debug)?;

    for cargo_args in [
        &["test", "--workspace", "--all-targets"][..],
        &["test", "--workspace", "--doc"][..],
    ] {
        let mut command = under_display(cargo_args);
        command.env("LIFELINE_APP", &app);
        if let Some(url) = &database_url {
            command.env("TEST_DATABASE_URL", url);
        }
        let status = cargo::run_streaming(command, "cargo test")?;
        if !status.success() {
            eprintln!("xtask: cargo {} failed ({status})", cargo_args.join(" "));
            return Ok(exit_code(status));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `cargo <args>` under a virtual display and its own D-Bus session, so the
/// real-window test runs (single-instance needs a session bus). Without
/// `xvfb-run` or `dbus-run-session`, plain cargo: the window test then fails
/// saying what to install.
fn under_display(cargo_args: &[&str]) -> Command {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = if system::has_program("xvfb-run") && system::has_program("dbus-run-session")
    {
        eprintln!(
            "xtask: xvfb-run -a -s \"{XVFB_SCREEN}\" dbus-run-session -- cargo {}",
            cargo_args.join(" ")
        );
        let mut command = Command::new("xvfb-run");
        command
            .args(["-a", "-s", XVFB_SCREEN, "dbus-run-session", "--"])
            .arg(cargo);
        command
    } else {
        eprintln!(
            "xtask: cargo {} (no xvfb-run/dbus-run-session: the window test will fail)",
            cargo_args.join(" ")
        );
        Command::new(cargo)
    };
    command
        .current_dir(cargo::workspace_root())
        .args(cargo_args);
    if let Some(driver) = system::find_tauri_driver()
        && let Some(dir) = driver.parent()
    {
        let path = std::env::var_os("PATH").unwrap_or_default();
        let paths = std::iter::once(dir.to_path_buf()).chain(std::env::split_paths(&path));
        if let Ok(joined) = std::env::join_paths(paths) {
            command.env("PATH", joined);
        }
    }
    command
}

fn on_ci() -> bool {
    std::env::var("CI").is_ok_and(|value| !value.is_empty() && value != "false" && value != "0")
}

fn exit_code(status: ExitStatus) -> ExitCode {
    match status.code().and_then(|code| u8::try_from(code).ok()) {
        Some(code) if code != 0 => ExitCode::from(code),
        _ => ExitCode::FAILURE,
    }
}
