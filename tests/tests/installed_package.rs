//! The `.deb` IT rolls out, as installed: its contents, then the installed
//! binary under Xvfb with a system-wide deployment file in place.
//!
//! Needs the `.deb` built first, so it is ignored in the plain test run:
//! `cargo xtask test --dist` builds a branded `.deb` (its bundled deployment
//! file points at a server that does not exist) and runs this with
//! `LIFELINE_DIST_DEB` naming it, under `xvfb-run … dbus-run-session`, as root.

mod support;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use support::{Fallible, ProcessGroup, SETTLE_TIMEOUT, Server, TestResult, run, wait_for_file};

/// The `.deb` to test.
const DEB_ENV: &str = "LIFELINE_DIST_DEB";
/// The `.deb` budget (issue 6), in bytes.
const DEB_BUDGET_BYTES: u64 = 6 * 1000 * 1000;
/// What the app prints on stdout once the code is on screen (`LIFELINE_REPORT_READY=1`).
const READY_LINE: &str = "lifeline: code painted";
const READY_TIMEOUT: Duration = Duration::from_secs(60);
/// Where the app looks for IT's file on Linux, before the bundled one.
const SYSTEM_DEPLOYMENT: &str = "/etc/lifeline/deployment.toml";
/// The shortcut name in the system-wide file (the bundled file says another).
const SYSTEM_SHORTCUT_NAME: &str = "Acme SOS from etc";

#[test]
#[ignore = "needs the release .deb: `cargo xtask test` builds it and runs this last (`--dist`: only this)"]
fn the_installed_package_uses_the_system_wide_deployment_file_and_registers_a_case() -> TestResult {
    let deb = PathBuf::from(
        std::env::var_os(DEB_ENV)
            .ok_or_else(|| format!("{DEB_ENV} must name the .deb (cargo xtask test --dist)"))?,
    );
    for program in ["dpkg-deb", "file", "readelf"] {
        if support::find_program(program).is_none() {
            return Err(format!(
                "{program} not found (Debian: apt-get install dpkg file binutils)"
            )
            .into());
        }
    }

    // The package: under budget, the binary, its launcher and icons, the bundled file.
    let bytes = std::fs::metadata(&deb)?.len();
    assert!(
        bytes <= DEB_BUDGET_BYTES,
        "the .deb is {bytes} bytes, over the budget of {DEB_BUDGET_BYTES}"
    );
    let info = run("dpkg-deb", &[Path::new("-I"), &deb])?;
    assert!(
        info.contains("Depends:") && info.contains("libayatana-appindicator3-1"),
        "the package depends on the tray library:\n{info}"
    );
    let listing = run("dpkg-deb", &[Path::new("-c"), &deb])?;
    let files: Vec<&str> = listing.lines().filter_map(listed_path).collect();
    let has = |wanted: &dyn Fn(&str) -> bool| files.iter().any(|file| wanted(file));
    assert!(has(&|f| f == "usr/bin/lifeline"), "the binary: {files:#?}");
    assert!(
        has(&|f| f.starts_with("usr/share/applications/") && f.ends_with(".desktop")),
        "the launcher: {files:#?}"
    );
    assert!(
        has(&|f| f.starts_with("usr/share/icons/hicolor/") && f.ends_with("/lifeline.png")),
        "the icons: {files:#?}"
    );
    assert!(
        has(&|f| f == "usr/lib/Acme Help/deployment.toml")
            && has(&|f| f == "usr/lib/Acme Help/acme.png"),
        "a branded build bundles the deployment file and its logo: {files:#?}"
    );
    assert!(
        has(&|f| f == "usr/share/applications/Acme Help.desktop"),
        "the launcher is named after the bundled file's shortcut_name: {files:#?}"
    );
    assert!(
        info.contains("Package: acme-help") && info.contains("Replaces: lifeline"),
        "the branded package is named after shortcut_name and replaces the generic one:\n{info}"
    );
    assert!(
        info.contains(" postrm"),
        "the package removes autostart entries when removed:\n{info}"
    );

    // Installed into a throwaway root.
    let root = tempfile::tempdir()?;
    run("dpkg-deb", &[Path::new("-x"), &deb, root.path()])?;
    let binary = root.path().join("usr/bin/lifeline");
    let described = run("file", &[&binary])?;
    assert!(
        described.contains(", stripped"),
        "the binary carries no symbols: {described}"
    );
    // Section names, not bytes: std's backtrace code holds ".debug_info" as a string.
    let sections = run(
        "readelf",
        &[Path::new("--section-headers"), Path::new("--wide"), &binary],
    )?;
    assert!(
        !sections.contains(" .debug_") && !sections.contains(" .symtab "),
        "the binary has no debug or symbol sections:\n{sections}"
    );

    let runtime = tokio::runtime::Runtime::new()?;
    let server = runtime.block_on(Server::start("Ana", None))?;
    let _system_file = SystemDeploymentFile::put(&format!(
        r##"# Written by the installed-package test.
server_url = "{url}"
deployment_key = "{key}"

[branding]
company_name = "Acme from etc"
accent_color = "#123456"

[behaviour]
autostart = true
shortcut_name = "{SYSTEM_SHORTCUT_NAME}"
"##,
        url = server.base_url,
        key = server.deployment_key,
    ))?;

    // The installed binary, clicked like the desktop shortcut, as a new user.
    let home = tempfile::tempdir()?;
    let desktop = home.path().join("Desktop");
    let mut app = ProcessGroup::spawn(installed_app(&binary, home.path(), &desktop).arg("--sos"))?;
    wait_for_line(app.stdout()?, READY_LINE, READY_TIMEOUT)?;

    let cases = runtime.block_on(server.cases())?;
    assert_eq!(
        cases.len(),
        1,
        "one case reached the server of the system-wide file, not the bundled one"
    );
    let shortcut = desktop.join(format!("{SYSTEM_SHORTCUT_NAME}.desktop"));
    // Written after the code is on screen, off the path to it.
    assert!(
        wait_for_file(&shortcut, SETTLE_TIMEOUT),
        "the user's SOS shortcut is named by the system-wide file: {}",
        shortcut.display()
    );
    let shortcut_text = std::fs::read_to_string(&shortcut)?;
    assert!(
        shortcut_text.contains(&binary.display().to_string()) && shortcut_text.contains("--sos"),
        "the shortcut starts the installed app with --sos:\n{shortcut_text}"
    );
    // The autostart entry is written just before the shortcut.
    let autostart = entries(&home.path().join(".config/autostart"))?;
    let [entry] = autostart.as_slice() else {
        return Err(format!("one autostart entry expected, found {autostart:?}").into());
    };
    let entry_text = std::fs::read_to_string(entry)?;
    assert!(
        entry_text.contains(&binary.display().to_string()) && entry_text.contains("--autostart"),
        "autostart starts the installed app hidden:\n{entry_text}"
    );
    let log = wait_for_log(&home.path().join(".local/share"), SYSTEM_DEPLOYMENT)?;
    assert!(
        log.contains("source: System"),
        "the app logs that it uses the system-wide file:\n{log}"
    );
    drop(app);

    // An upgrade: the package unpacked again over the installed one, then the
    // app started from the menu. The open case carries on; no second one.
    run("dpkg-deb", &[Path::new("-x"), &deb, root.path()])?;
    let mut app = ProcessGroup::spawn(&mut installed_app(&binary, home.path(), &desktop))?;
    wait_for_line(app.stdout()?, READY_LINE, READY_TIMEOUT)?;
    let after = runtime.block_on(server.cases())?;
    assert_eq!(
        after, cases,
        "after the upgrade the app shows the same open case and makes no other"
    );
    drop(app);
    Ok(())
}

/// `/etc/lifeline/deployment.toml`, put there for the test and put back as it
/// was afterwards, even when the test fails.
///
/// The test writes the real path rather than pointing the app elsewhere: the
/// point is the installed binary finding IT's file where IT puts it, with no
/// test-only switch in the shipped app. That needs root, which CI has (a
/// throwaway machine); `cargo xtask test --dist` says so when it is not root.
struct SystemDeploymentFile {
    previous: Option<Vec<u8>>,
    created_dir: bool,
}

impl SystemDeploymentFile {
    fn put(text: &str) -> Fallible<Self> {
        let path = Path::new(SYSTEM_DEPLOYMENT);
        let dir = path.parent().expect("the path has a folder");
        let created_dir = !dir.exists();
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {} (the test needs root): {e}", dir.display()))?;
        let previous = std::fs::read(path).ok();
        std::fs::write(path, text)
            .map_err(|e| format!("cannot write {SYSTEM_DEPLOYMENT} (the test needs root): {e}"))?;
        Ok(Self {
            previous,
            created_dir,
        })
    }
}

impl Drop for SystemDeploymentFile {
    fn drop(&mut self) {
        let path = Path::new(SYSTEM_DEPLOYMENT);
        let restored = match &self.previous {
            Some(previous) => std::fs::write(path, previous),
            None => std::fs::remove_file(path),
        };
        if let Err(error) = restored {
            eprintln!("could not restore {SYSTEM_DEPLOYMENT}: {error}");
        }
        if self.created_dir
            && let Some(dir) = path.parent()
        {
            let _ = std::fs::remove_dir(dir);
        }
    }
}

/// The path in a `dpkg-deb -c` line (`-rw-r--r-- 0/0 2903 2026-11-27 13:12
/// usr/lib/Acme Help/sos.png`): everything after the fifth field, spaces included.
fn listed_path(line: &str) -> Option<&str> {
    let mut rest = line;
    for _ in 0..5 {
        rest = rest.trim_start();
        rest = &rest[rest.find(char::is_whitespace)?..];
    }
    Some(rest.trim_start().trim_start_matches("./"))
}

/// The installed app as a user with `home` starts it, reporting on stdout
/// when the code is on screen.
fn installed_app(binary: &Path, home: &Path, desktop: &Path) -> Command {
    let mut command = Command::new(binary);
    command
        .env_clear()
        .envs(std::env::vars().filter(|(key, _)| {
            matches!(
                key.as_str(),
                "PATH" | "DISPLAY" | "XAUTHORITY" | "DBUS_SESSION_BUS_ADDRESS"
            )
        }))
        .env("HOME", home)
        .env("XDG_DESKTOP_DIR", desktop)
        .env("LANG", "C.UTF-8")
        .env("LIFELINE_REPORT_READY", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    command
}

/// Waits for `wanted` on the app's stdout (read on a thread, so the wait has a deadline).
fn wait_for_line(stdout: std::process::ChildStdout, wanted: &str, timeout: Duration) -> TestResult {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let deadline = Instant::now() + timeout;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(line) if line.contains(wanted) => return Ok(()),
            Ok(_) => {}
            Err(_) => {
                return Err(format!(
                    "the installed app did not print {wanted:?} within {timeout:?}"
                )
                .into());
            }
        }
    }
}

/// The files in `dir`, or none when it does not exist.
fn entries(dir: &Path) -> Fallible<Vec<PathBuf>> {
    if !dir.exists() {
        return Ok(Vec::new());
    }
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        found.push(entry?.path());
    }
    Ok(found)
}

/// The app's log (somewhere under the user's data dir) once it mentions
/// `wanted`; the log is written by a background thread.
fn wait_for_log(data_dir: &Path, wanted: &str) -> Fallible<String> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let mut text = String::new();
        for log in log_files(data_dir) {
            text.push_str(&std::fs::read_to_string(log).unwrap_or_default());
        }
        if text.contains(wanted) || Instant::now() > deadline {
            return Ok(text);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn log_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(log_files(&path));
        } else if path.extension().is_some_and(|ext| ext == "log") {
            found.push(path);
        }
    }
    found
}
