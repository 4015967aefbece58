//! `cargo xtask demo`: a local queue server with demo data, in the foreground.

use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result};

use crate::cargo::{self, Profile};
use crate::queue_cli::{self, EXPERT_EMAIL, EXPERT_PASSWORD, GROUP, QueueCli};
use crate::{dist, system};

const LISTEN: &str = "127.0.0.1:8080";
const SERVER_URL: &str = "http://127.0.0.1:8080";
/// Where the demo keeps the expert token between `--keep` runs.
const TOKEN_FILE: &str = "expert-token";

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Keep the data of the previous demo run (`target/demo/`) instead of starting fresh.
    #[arg(long)]
    keep: bool,
    /// Do not install the system packages the desktop app's build needs.
    #[arg(long)]
    no_install: bool,
}

pub fn run(args: &Args) -> Result<ExitCode> {
    // A fresh machine has no WebKitGTK headers: the app's build needs the
    // same packages as the installers' (the server, only a C toolchain).
    if !args.no_install {
        system::ensure_packages(dist::DIST_PACKAGES)?;
    }
    let binary = cargo::build_binary("lifeline-queue", "lifeline-queue", Profile::Debug)?;
    let app = if has_display() {
        Some(cargo::build_binary("lifeline", "lifeline", Profile::Debug)?)
    } else {
        eprintln!("xtask: no DISPLAY (or WAYLAND_DISPLAY): the desktop app is not started");
        None
    };
    let data_dir = cargo::target_dir()?.join("demo");
    let deployment_file = data_dir.join("deployment.toml");
    let token_file = data_dir.join(TOKEN_FILE);

    let reuse = args.keep && deployment_file.exists() && token_file.exists();
    if !args.keep && data_dir.exists() {
        std::fs::remove_dir_all(&data_dir)
            .with_context(|| format!("failed to remove {}", data_dir.display()))?;
    }
    std::fs::create_dir_all(&data_dir)
        .with_context(|| format!("failed to create {}", data_dir.display()))?;

    let mut cli = QueueCli::new(binary, &data_dir);
    cli.env("LIFELINE_LISTEN", LISTEN);
    cli.echo = true;

    let (expert_token, deployment_key) = if reuse {
        eprintln!("xtask: keeping the demo data in {}", data_dir.display());
        let token = std::fs::read_to_string(&token_file)
            .with_context(|| format!("failed to read {}", token_file.display()))?;
        let key = queue_cli::read_deployment_key(&deployment_file)?;
        (token.trim().to_owned(), key)
    } else {
        let seeded = queue_cli::seed(&cli, SERVER_URL, &deployment_file).context(
            "failed to set up the demo data (a previous --keep run? try without --keep)",
        )?;
        std::fs::write(&token_file, &seeded.expert_token)
            .with_context(|| format!("failed to write {}", token_file.display()))?;
        (seeded.expert_token, seeded.deployment_key)
    };

    print_summary(&data_dir, &deployment_file, &expert_token, &deployment_key);

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("failed to start the tokio runtime")?;
    let app = app.map(|app| DesktopApp {
        binary: app,
        deployment_file: deployment_file.clone(),
    });
    let code = runtime.block_on(serve_until_ctrl_c(&cli, app.as_ref()))?;
    if code != ExitCode::SUCCESS && reuse {
        eprintln!("xtask: the kept demo data may be from an older server; try without --keep");
    }
    Ok(code)
}

fn print_summary(
    data_dir: &Path,
    deployment_file: &Path,
    expert_token: &str,
    deployment_key: &str,
) {
    let file = deployment_file.display();
    println!();
    println!("Lifeline demo");
    println!("  queue server      {SERVER_URL}");
    println!("  expert console    {SERVER_URL}/  (sign in as the expert below)");
    println!("  expert (admin)    {EXPERT_EMAIL} / {EXPERT_PASSWORD}  (group \"{GROUP}\")");
    println!("  expert API token  {expert_token}");
    println!("  deployment file   {file}");
    println!("  deployment key    {deployment_key}");
    println!("  data dir          {}", data_dir.display());
    println!();
    println!("Ask for help as the SOS button does:");
    println!(r#"  KEY=$(sed -n 's/^deployment_key *= *"\(.*\)"/\1/p' '{file}')"#);
    println!("  curl -sS -X POST {SERVER_URL}/api/v1/cases \\");
    println!(r#"    -H "Authorization: Bearer $KEY" -H "Idempotency-Key: $(date +%s)-$RANDOM" \"#);
    println!(
        r#"    -H 'Content-Type: application/json' -d '{{"channel":"sos","description":"Printer says offline"}}'"#
    );
    println!("See the queue as the expert:");
    println!(r#"  curl -sS {SERVER_URL}/api/v1/cases -H "Authorization: Bearer {expert_token}""#);
    println!();
    println!("Serving on {SERVER_URL}; stop with Ctrl-C.");
    println!();
}

/// The desktop app, started next to the demo server with the demo deployment
/// file (and the user's own HOME, so its shortcut lands on the real desktop).
struct DesktopApp {
    binary: std::path::PathBuf,
    deployment_file: std::path::PathBuf,
}

fn has_display() -> bool {
    ["DISPLAY", "WAYLAND_DISPLAY"]
        .iter()
        .any(|var| std::env::var_os(var).is_some_and(|v| !v.is_empty()))
}

async fn serve_until_ctrl_c(cli: &QueueCli, app: Option<&DesktopApp>) -> Result<ExitCode> {
    let mut child = tokio::process::Command::from(cli.command(&["serve"]))
        .kill_on_drop(true)
        .spawn()
        .context("failed to start lifeline-queue serve")?;
    // Dropped (and so stopped) with this function, whatever way it ends.
    let _desktop = match app {
        Some(app) => {
            eprintln!(
                "xtask: starting the desktop app: {} --deployment {}",
                app.binary.display(),
                app.deployment_file.display()
            );
            let started = tokio::process::Command::new(&app.binary)
                .arg("--deployment")
                .arg(&app.deployment_file)
                .kill_on_drop(true)
                .spawn();
            match started {
                Ok(child) => Some(child),
                Err(error) => {
                    eprintln!("xtask: cannot start the desktop app: {error}");
                    None
                }
            }
        }
        None => None,
    };
    let status = tokio::select! {
        status = child.wait() => status.context("failed to wait for lifeline-queue serve")?,
        _ = tokio::signal::ctrl_c() => {
            // The terminal sent SIGINT to the server as well; make sure it got a
            // SIGTERM (its documented graceful shutdown) and give it time to finish.
            if let Some(pid) = child.id() {
                let _ = std::process::Command::new("kill")
                    .args(["-TERM", &pid.to_string()])
                    .status();
            }
            match tokio::time::timeout(Duration::from_secs(15), child.wait()).await {
                Ok(status) => {
                    let status = status.context("failed to wait for lifeline-queue serve")?;
                    eprintln!("xtask: lifeline-queue stopped ({status})");
                    return Ok(ExitCode::SUCCESS);
                }
                Err(_) => {
                    eprintln!("xtask: lifeline-queue did not stop within 15 s; killing it");
                    child.kill().await.context("failed to kill lifeline-queue")?;
                    return Ok(ExitCode::FAILURE);
                }
            }
        }
    };
    if status.success() {
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!("xtask: lifeline-queue serve exited ({status})");
        Ok(ExitCode::FAILURE)
    }
}
