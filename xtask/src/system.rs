//! System packages the tests need, and running things as root.

use std::path::Path;
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};

/// Debian/Ubuntu packages the test suite needs. This is the one list: add a
/// package here when a test starts needing it (the desktop-app and console
/// tests will add `libwebkit2gtk-4.1-dev xvfb xauth dbus webkit2gtk-driver
/// libayatana-appindicator3-1 chromium chromium-driver`).
pub const TEST_PACKAGES: &[&str] = &[
    "build-essential",
    "pkg-config",
    "ca-certificates",
    "postgresql",
];

/// Installs whichever of `packages` are missing, on Debian/Ubuntu; elsewhere
/// prints what is needed and carries on.
pub fn ensure_packages(packages: &[&str]) -> Result<()> {
    if !is_debian_like() {
        eprintln!(
            "xtask: not a Debian/Ubuntu system; install the equivalents of these packages yourself: {}",
            packages.join(" ")
        );
        return Ok(());
    }
    let missing: Vec<&str> = packages
        .iter()
        .copied()
        .filter(|package| !is_installed(package))
        .collect();
    if missing.is_empty() {
        eprintln!("xtask: system packages present: {}", packages.join(" "));
        return Ok(());
    }
    eprintln!(
        "xtask: installing missing system packages: {}",
        missing.join(" ")
    );
    let mut update = as_root("apt-get")?;
    update.arg("update");
    run_checked(update, "apt-get update")?;
    // Through `env` so the setting survives sudo's environment reset.
    let mut install = as_root("env")?;
    install
        .args(["DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y"])
        .arg("--no-install-recommends")
        .args(&missing);
    run_checked(install, "apt-get install")?;
    Ok(())
}

fn is_debian_like() -> bool {
    Path::new("/etc/debian_version").exists() && has_program("dpkg-query")
}

fn is_installed(package: &str) -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f=${Status}", package])
        .stderr(Stdio::null())
        .output()
        .is_ok_and(|output| {
            output.status.success()
                && String::from_utf8_lossy(&output.stdout).ends_with("install ok installed")
        })
}

/// Whether `program` is found on `PATH`.
pub fn has_program(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(program).is_file()))
}

/// Whether this process runs as root.
pub fn is_root() -> bool {
    // `id -u` rather than libc: the workspace forbids unsafe code.
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|output| String::from_utf8_lossy(&output.stdout).trim() == "0")
}

/// `program` as a command run as root: directly when we are root, else through `sudo`.
pub fn as_root(program: &str) -> Result<Command> {
    if is_root() {
        return Ok(Command::new(program));
    }
    if !has_program("sudo") {
        bail!("`{program}` needs root: run as root or install sudo");
    }
    let mut command = Command::new("sudo");
    command.arg(program);
    Ok(command)
}

/// Runs a command with inherited stdio and fails unless it succeeds.
pub fn run_checked(mut command: Command, what: &str) -> Result<()> {
    let status = command
        .status()
        .with_context(|| format!("failed to start {what}"))?;
    if !status.success() {
        bail!("{what} failed ({status})");
    }
    Ok(())
}
