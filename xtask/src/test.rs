//! `cargo xtask test`: the one command that runs every test.

use std::process::{ExitCode, ExitStatus};

use anyhow::Result;

use crate::{cargo, postgres, system};

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
    }

    let database_url = match std::env::var("TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => postgres::test_database_url(args.setup_postgres || on_ci())?,
    };
    match &database_url {
        Some(url) => eprintln!("xtask: TEST_DATABASE_URL={url}"),
        None => eprintln!("xtask: TEST_DATABASE_URL unset: storage tests run on SQLite only"),
    }

    for cargo_args in [
        &["test", "--workspace", "--all-targets"][..],
        &["test", "--workspace", "--doc"][..],
    ] {
        eprintln!("xtask: cargo {}", cargo_args.join(" "));
        let mut command = cargo::command();
        command.args(cargo_args);
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

fn on_ci() -> bool {
    std::env::var("CI").is_ok_and(|value| !value.is_empty() && value != "false" && value != "0")
}

fn exit_code(status: ExitStatus) -> ExitCode {
    match status.code().and_then(|code| u8::try_from(code).ok()) {
        Some(code) if code != 0 => ExitCode::from(code),
        _ => ExitCode::FAILURE,
    }
}
