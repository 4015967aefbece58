//! System packages the tests need, and running things as root.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};

/// Debian/Ubuntu packages the test suite needs. This is the one list: add a
/// package here when a test starts needing it.
///
/// The desktop app: `libwebkit2gtk-4.1-dev` (GTK 3, WebKitGTK, libsoup 3) to
/// build it, `libayatana-appindicator3-1` for its tray icon (it panics at
/// start-up without it); the real-window test: `xvfb` + `xauth` (for
/// `xvfb-run`), `dbus` (`dbus-run-session`: single-instance needs a session
/// bus) and `webkit2gtk-driver` (`WebKitWebDriver`); the console test:
/// `chromium` and `chromium-driver` (`chromedriver`); the cluster tests:
/// `postgresql`, and `nginx` in front of the instances (run from a temporary
/// prefix; the package's own service is not used), and `openssl` for the
/// throw-away certificates; the proxy tests: `nginx` and `caddy` terminating
/// TLS in front of one server (run from temporary directories too).
pub const TEST_PACKAGES: &[&str] = &[
    "build-essential",
    "pkg-config",
    "ca-certificates",
    "postgresql",
    "nginx",
    "caddy",
    "openssl",
    "libwebkit2gtk-4.1-dev",
    "libayatana-appindicator3-1",
    "xvfb",
    "xauth",
    "dbus",
    "webkit2gtk-driver",
    "chromium",
    "chromium-driver",
    // The fuzz pass makes a virtual environment for schemathesis.
    "python3-venv",
    // The expert email tests' real SMTP server (tests/api/email/smtp_sink.py).
    "python3-aiosmtpd",
    // The server's packages: rpmbuild, and dpkg-shlibdeps for the .deb's
    // dependencies; their test installs with dpkg (its scripts run
    // systemd-sysusers), checks the unit with systemd-analyze, unpacks the
    // .rpm with rpm2cpio and cpio.
    "rpm",
    "dpkg-dev",
    "systemd",
    "cpio",
    // The operator's manual's restore drill backs up with `sqlite3 .backup`.
    "sqlite3",
    // `bench server`'s load generator (nginx, above, is its reference); its
    // tests run wrk's scripts for real.
    "wrk",
    // The window's Japanese screenshots: a font with kana and kanji (Arabic
    // is in DejaVu Sans, already there).
    "fonts-ipafont-gothic",
];

/// The `tauri-driver` version the real-window test is known to work with.
const TAURI_DRIVER_VERSION: &str = "2.1.0";

/// Where `tauri-driver` is: on `PATH`, or in cargo's bin folder.
pub fn find_tauri_driver() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("PATH")
        && let Some(found) = std::env::split_paths(&path)
            .map(|dir| dir.join("tauri-driver"))
            .find(|p| p.is_file())
    {
        return Some(found);
    }
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")))?;
    Some(cargo_home.join("bin").join("tauri-driver")).filter(|p| p.is_file())
}

/// Installs `tauri-driver` from crates.io when it is missing (about 25 s).
pub fn ensure_tauri_driver() -> Result<()> {
    if let Some(found) = find_tauri_driver() {
        eprintln!("xtask: tauri-driver present: {}", found.display());
        return Ok(());
    }
    eprintln!("xtask: installing tauri-driver {TAURI_DRIVER_VERSION}");
    let mut install = crate::cargo::command();
    install.args([
        "install",
        "tauri-driver",
        "--version",
        &format!("={TAURI_DRIVER_VERSION}"),
        "--locked",
    ]);
    // Our lint settings (CI builds with clippy-driver and -D warnings) are
    // for our code: a tool's own warnings must not fail its install.
    install
        .env_remove("RUSTC_WORKSPACE_WRAPPER")
        .env_remove("RUSTFLAGS");
    run_checked(install, "cargo install tauri-driver")
}

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
