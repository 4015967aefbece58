//! Running cargo from the xtask: finding the workspace and building binaries.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};

use anyhow::{Context, Result, bail};

/// The workspace root (the parent of this crate's directory).
pub fn workspace_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
}

/// A `cargo` command run from the workspace root with the same toolchain as this xtask.
pub fn command() -> Command {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command.current_dir(workspace_root());
    command
}

/// The target directory cargo uses for this workspace (honours `CARGO_TARGET_DIR`
/// and config), from `cargo metadata`.
pub fn target_dir() -> Result<PathBuf> {
    let output = command()
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .stderr(Stdio::inherit())
        .output()
        .context("failed to run cargo metadata")?;
    if !output.status.success() {
        bail!("cargo metadata failed ({})", output.status);
    }
    let metadata: serde_json::Value =
        serde_json::from_slice(&output.stdout).context("failed to parse cargo metadata")?;
    let dir = metadata["target_directory"]
        .as_str()
        .context("cargo metadata has no target_directory")?;
    Ok(PathBuf::from(dir))
}

/// Debug or release.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    Debug,
    Release,
}

/// Builds one binary of one package and returns the path of the executable.
/// Compiler output goes to the terminal as usual.
pub fn build_binary(package: &str, binary: &str, profile: Profile) -> Result<PathBuf> {
    let mut cargo = command();
    cargo.args([
        "build",
        "--package",
        package,
        "--bin",
        binary,
        "--message-format=json-render-diagnostics",
    ]);
    if profile == Profile::Release {
        cargo.arg("--release");
    }
    eprintln!(
        "xtask: building {binary}{}",
        if profile == Profile::Release {
            " (release)"
        } else {
            ""
        }
    );
    let mut child = cargo
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .with_context(|| format!("failed to start cargo build -p {package}"))?;
    let stdout = child.stdout.take().context("cargo build has no stdout")?;
    let mut executable = None;
    for line in BufReader::new(stdout).lines() {
        let line = line.context("failed to read cargo build output")?;
        let Ok(message) = serde_json::from_str::<serde_json::Value>(&line) else {
            continue;
        };
        if message["reason"] == "compiler-artifact"
            && message["target"]["name"] == binary
            && let Some(path) = message["executable"].as_str()
        {
            executable = Some(PathBuf::from(path));
        }
    }
    let status = child.wait().context("failed to wait for cargo build")?;
    if !status.success() {
        bail!("cargo build -p {package} failed ({status})");
    }
    executable
        .with_context(|| format!("cargo build -p {package} reported no `{binary}` executable"))
}

/// Runs a command with inherited stdio and returns its status.
pub fn run_streaming(mut command: Command, what: &str) -> Result<ExitStatus> {
    command
        .stdin(Stdio::inherit())
        .stdout(Stdio::inherit())
        .stderr(Stdio::inherit())
        .status()
        .with_context(|| format!("failed to start {what}"))
}
