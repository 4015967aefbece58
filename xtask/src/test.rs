//! `cargo xtask test`: the one command that runs every test.

use std::ffi::OsStr;
use std::path::Path;
use std::process::{Command, ExitCode, ExitStatus};
use std::time::Instant;

use anyhow::{Context, Result, bail};

use crate::{axe, cargo, dist, postgres, server_package, system};

/// The virtual screen the real-window test runs on.
const XVFB_SCREEN: &str = "-screen 0 1280x800x24";

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Do not install missing system packages.
    #[arg(long)]
    no_install: bool,
    /// Only install the system packages and tauri-driver the tests need,
    /// then stop (CI does this before its lints, which build the app too).
    #[arg(long, conflicts_with_all = ["no_install", "dist", "skip_dist", "server_package"])]
    install_only: bool,
    /// Let the local PostgreSQL accept the test URL (trust postgres@127.0.0.1,
    /// create database `test`). Implied when the CI variable is set.
    #[arg(long)]
    setup_postgres: bool,
    /// Only the installer test: build a branded `.deb` with `cargo xtask
    /// dist`, then install it into a throwaway root and run it under Xvfb
    /// with a system-wide deployment file (writes
    /// /etc/lifeline/deployment.toml, so it runs as root).
    #[arg(long, conflicts_with = "skip_dist")]
    dist: bool,
    /// Everything but the installer tests (on a fresh 2-core machine, in the
    /// cold CI run of 2026-12-03: the server's packages 197 s, then the
    /// branded installer 240 s, each mostly its `dist` build).
    #[arg(long)]
    skip_dist: bool,
    /// Only the server package test: build the queue server's .deb and .rpm
    /// with `cargo xtask dist --server-only`, install the .deb into a
    /// throwaway root with dpkg and run the packaged server (as root).
    #[arg(long, conflicts_with_all = ["dist", "skip_dist"])]
    server_package: bool,
}

pub fn run(args: &Args) -> Result<ExitCode> {
    if args.dist {
        return run_dist(args);
    }
    if args.server_package {
        return run_server_package(args, None);
    }
    // The console's accessibility tests fail without axe-core: with
    // --no-install they are pointed at where it would be, and say so.
    let axe_js = if args.no_install {
        axe::script()?
    } else {
        system::ensure_packages(system::TEST_PACKAGES)?;
        system::ensure_tauri_driver()?;
        axe::ensure()?
    };
    if args.install_only {
        return Ok(ExitCode::SUCCESS);
    }

    let database_url = match std::env::var("TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => postgres::test_database_url(args.setup_postgres || on_ci())?,
    };
    match &database_url {
        Some(url) => eprintln!("xtask: TEST_DATABASE_URL={url}"),
        // CI must test both backends: no quiet skip there.
        None if on_ci() => {
            bail!("CI is set, but no PostgreSQL could be set up for the API suite (see above)")
        }
        None => eprintln!("xtask: no PostgreSQL: the API suite runs on SQLite only"),
    }

    // Built here rather than by the window test itself, before the test run
    // holds the target dir; the tests below then build nothing more.
    let [app, api_tests, server_package_tests] = cargo::build_workspace_tests([
        cargo::Executable::Bin("lifeline"),
        cargo::Executable::Test("api"),
        cargo::Executable::Test("server_package"),
    ])?;

    // Every test on SQLite first, the doctests with them. One invocation:
    // `cargo test --doc` on its own leaves the dev-dependencies' features out
    // and compiled dozens of crates a second time (195 s on a warm target).
    // Without --all-targets cargo test takes the lib, bins, tests and
    // examples (built, as `cargo build --all-targets` above built them) and
    // the doctests; the workspace has no benches.
    let cargo_args = ["test", "--workspace"];
    let mut command = cargo_under_display(&cargo_args);
    command
        .env("LIFELINE_APP", &app)
        .env("LIFELINE_AXE_JS", &axe_js)
        .env_remove("TEST_DATABASE_URL");
    let status = cargo::run_streaming(command, "cargo test")?;
    if !status.success() {
        eprintln!("xtask: cargo {} failed ({status})", cargo_args.join(" "));
        return Ok(exit_code(status));
    }
    // Then the queue server's API suite again on PostgreSQL (each of its
    // servers on a fresh database), and the fuzz pass, which is ignored by
    // default (it installs schemathesis from PyPI and runs two minutes). Both
    // run the executable built above: `cargo test --test api` would resolve
    // features apart from `--all-targets` and compile crates again.
    if let Some(url) = &database_url {
        let mut on_postgres = api_suite(&api_tests, &[]);
        on_postgres.env("TEST_DATABASE_URL", url);
        let status = cargo::run_streaming(on_postgres, "the API suite on PostgreSQL")?;
        if !status.success() {
            eprintln!("xtask: the API suite on PostgreSQL failed ({status})");
            return Ok(exit_code(status));
        }
    }
    // Several instances on one PostgreSQL: ignored by default (they need it).
    if let Some(url) = &database_url {
        let mut cluster = api_suite(&api_tests, &["cluster::", "--ignored"]);
        cluster.env("TEST_DATABASE_URL", url);
        let status = cargo::run_streaming(cluster, "the cluster tests")?;
        if !status.success() {
            eprintln!("xtask: the cluster tests on PostgreSQL failed ({status})");
            return Ok(exit_code(status));
        }
        // Restarts that PostgreSQL under load: alone, once nothing else uses it.
        let mut restart = api_suite(&api_tests, &["cluster_restart::", "--ignored"]);
        restart.env("TEST_DATABASE_URL", url);
        let status = cargo::run_streaming(restart, "the PostgreSQL restart test")?;
        if !status.success() {
            eprintln!("xtask: the PostgreSQL restart test failed ({status})");
            return Ok(exit_code(status));
        }
    }
    let mut fuzz = api_suite(&api_tests, &["fuzz::", "--ignored", "--nocapture"]);
    fuzz.env_remove("TEST_DATABASE_URL");
    let status = cargo::run_streaming(fuzz, "the schemathesis fuzz pass")?;
    if !status.success() {
        eprintln!("xtask: the schemathesis fuzz pass failed ({status})");
        return Ok(exit_code(status));
    }
    if args.skip_dist {
        eprintln!("xtask: --skip-dist: the installer tests did not run");
        return Ok(ExitCode::SUCCESS);
    }
    let code = run_server_package(args, Some(server_package_tests))?;
    if code != ExitCode::SUCCESS {
        return Ok(code);
    }
    // Last: it needs the release bundle, the longest build of all.
    run_dist(args)
}

/// Packages the server package test needs on top of the build's: dpkg's
/// `--root` install runs `systemd-sysusers`, and `systemd-analyze` checks the
/// unit; the `.rpm` is unpacked with `rpm2cpio` (with `rpm`) and `cpio`.
const SERVER_PACKAGE_TEST_PACKAGES: &[&str] = &["systemd", "cpio"];

/// Builds the server's `.deb` and `.rpm` and runs `tests/server_package.rs`
/// on them (`tests` is its executable when already built).
fn run_server_package(args: &Args, tests: Option<std::path::PathBuf>) -> Result<ExitCode> {
    if !args.no_install {
        system::ensure_packages(server_package::BUILD_PACKAGES)?;
        system::ensure_packages(SERVER_PACKAGE_TEST_PACKAGES)?;
    }
    if !system::is_root() {
        bail!(
            "the server package test installs the .deb with dpkg, which gives files to the \
             service user, so it runs as root (CI does): run `sudo -E cargo xtask test \
             --server-package`, or leave it out with `cargo xtask test --skip-dist`"
        );
    }
    let started = Instant::now();
    let packages = server_package::build()?;
    let built = started.elapsed();
    let tests = match tests {
        Some(tests) => tests,
        None => cargo::build_test("lifeline-e2e", "server_package")?,
    };
    eprintln!("xtask: {} --ignored", tests.display());
    let mut command = Command::new(&tests);
    command
        .current_dir(cargo::workspace_root().join("tests"))
        .arg("--ignored")
        .env("LIFELINE_SERVER_DEB", &packages.deb)
        .env("LIFELINE_SERVER_RPM", &packages.rpm);
    let status = cargo::run_streaming(command, "the server package test")?;
    eprintln!(
        "xtask: server package test: packages built in {:.0} s, whole run {:.0} s",
        built.as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
    Ok(if status.success() {
        ExitCode::SUCCESS
    } else {
        exit_code(status)
    })
}

/// Packages the installed `.deb` is run with, on top of the build's.
const DIST_TEST_PACKAGES: &[&str] = &[
    "libayatana-appindicator3-1",
    "xvfb",
    "xauth",
    "dbus",
    "file",
];

/// The bundled deployment file of the test's branded build: a server that
/// does not exist, so a case on the test's server shows that the
/// system-wide file won.
const BUNDLED_DEPLOYMENT: &str = r##"# The installer test's bundled file: it must lose to /etc/lifeline.
server_url = "http://127.0.0.1:9"
deployment_key = "dk_bundled-file-must-lose"

[branding]
company_name = "Acme bundled"
accent_color = "#654321"
logo = "acme.png"

[behaviour]
shortcut_name = "Acme Help"
"##;

fn run_dist(args: &Args) -> Result<ExitCode> {
    if !args.no_install {
        dist::ensure_build_tools(DIST_TEST_PACKAGES)?;
    }
    if !system::is_root() {
        bail!(
            "the installer test writes /etc/lifeline/deployment.toml, so it runs as root (CI does): \
             run `sudo -E cargo xtask test --dist`, or leave it out with `cargo xtask test --skip-dist`"
        );
    }
    let started = Instant::now();
    let branding = tempfile::tempdir().context("failed to create a temporary folder")?;
    let deployment = branding.path().join("acme.toml");
    std::fs::write(&deployment, BUNDLED_DEPLOYMENT)
        .context("failed to write the bundled deployment file")?;
    std::fs::copy(
        cargo::workspace_root().join("icons/sos/sos.png"),
        branding.path().join("acme.png"),
    )
    .context("failed to copy the test logo")?;
    let bundles = dist::build(Some(&deployment), &["deb".to_owned()])?;
    let [deb] = bundles.as_slice() else {
        bail!("expected one .deb, the bundler made {bundles:?}");
    };
    let built = started.elapsed();

    // Built with the workspace's features, as in `run`, so nothing is
    // compiled twice; then run as `cargo test` would, from its crate.
    let [installed_package] =
        cargo::build_workspace_tests([cargo::Executable::Test("installed_package")])?;
    let mut command = under_display(
        installed_package.as_os_str(),
        &["--ignored"],
        &cargo::workspace_root().join("tests"),
    );
    command.env("LIFELINE_DIST_DEB", &deb.path);
    let status = cargo::run_streaming(command, "cargo test")?;
    eprintln!(
        "xtask: installer test: .deb {} bytes ({}), built in {:.0} s, whole run {:.0} s",
        deb.bytes,
        Path::new(&deb.path).display(),
        built.as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
    Ok(if status.success() {
        ExitCode::SUCCESS
    } else {
        exit_code(status)
    })
}

/// The queue's API test executable with `args`, run from the crate's folder
/// as `cargo test` would.
fn api_suite(executable: &Path, args: &[&str]) -> Command {
    eprintln!("xtask: {} {}", executable.display(), args.join(" "));
    let mut command = Command::new(executable);
    command
        .current_dir(cargo::workspace_root().join("crates/queue"))
        .args(args);
    command
}

/// `cargo <args>` in the workspace, under a virtual display: see [`under_display`].
fn cargo_under_display(cargo_args: &[&str]) -> Command {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    under_display(&cargo, cargo_args, cargo::workspace_root())
}

/// `program <args>` (run in `dir`) under a virtual display and its own D-Bus session, so the
/// real-window test runs (single-instance needs a session bus). Without
/// `xvfb-run` or `dbus-run-session`, plain cargo: the window test then fails
/// saying what to install.
fn under_display(program: &OsStr, args: &[&str], dir: &Path) -> Command {
    let shown = Path::new(program).display();
    let mut command = if system::has_program("xvfb-run") && system::has_program("dbus-run-session")
    {
        eprintln!(
            "xtask: xvfb-run -a -s \"{XVFB_SCREEN}\" dbus-run-session -- {shown} {}",
            args.join(" ")
        );
        let mut command = Command::new("xvfb-run");
        command
            .args(["-a", "-s", XVFB_SCREEN, "dbus-run-session", "--"])
            .arg(program);
        command
    } else {
        eprintln!(
            "xtask: {shown} {} (no xvfb-run/dbus-run-session: the window test will fail)",
            args.join(" ")
        );
        Command::new(program)
    };
    command.current_dir(dir).args(args);
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
