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

/// `cargo metadata` of the workspace's own packages.
fn metadata() -> Result<serde_json::Value> {
    let output = command()
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .stderr(Stdio::inherit())
        .output()
        .context("failed to run cargo metadata")?;
    if !output.status.success() {
        bail!("cargo metadata failed ({})", output.status);
    }
    serde_json::from_slice(&output.stdout).context("failed to parse cargo metadata")
}

/// The target directory cargo uses for this workspace (honours `CARGO_TARGET_DIR`
/// and config), from `cargo metadata`.
pub fn target_dir() -> Result<PathBuf> {
    let metadata = metadata()?;
    let dir = metadata["target_directory"]
        .as_str()
        .context("cargo metadata has no target_directory")?;
    Ok(PathBuf::from(dir))
}

/// The version of a workspace package, from `cargo metadata`.
pub fn package_version(package: &str) -> Result<String> {
    let metadata = metadata()?;
    metadata["packages"]
        .as_array()
        .and_then(|packages| packages.iter().find(|p| p["name"] == package))
        .and_then(|p| p["version"].as_str())
        .map(str::to_owned)
        .with_context(|| format!("cargo metadata has no package {package}"))
}

/// Which cargo profile to build with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    Debug,
    Release,
    /// The packages' size-tuned profile (`[profile.dist]`).
    Dist,
}

/// Builds one binary of one package and returns the path of the executable.
/// Compiler output goes to the terminal as usual.
pub fn build_binary(package: &str, binary: &str, profile: Profile) -> Result<PathBuf> {
    let [executable] = build_binaries([(package, binary)], profile, &[])?;
    Ok(executable)
}

/// Builds several `(package, binary)` pairs in one cargo run (so they share
/// one feature resolution and its compiled dependencies), with `features`
/// (`crate/feature` allowed), and returns the executables in the same order.
pub fn build_binaries<const N: usize>(
    binaries: [(&str, &str); N],
    profile: Profile,
    features: &[&str],
) -> Result<[PathBuf; N]> {
    build_binaries_alongside(binaries, profile, features, &[])
}

/// [`build_binaries`], with the dependencies' features resolved as if the
/// `alongside` packages were built too (none of their targets is). Cargo
/// unifies features over the packages a build names: two builds that name
/// the same packages with the same features share every dependency they
/// have in common, where each alone would compile them with its own set.
pub fn build_binaries_alongside<const N: usize>(
    binaries: [(&str, &str); N],
    profile: Profile,
    features: &[&str],
    alongside: &[&str],
) -> Result<[PathBuf; N]> {
    let mut cargo = command();
    cargo.arg("build");
    for (package, binary) in binaries {
        cargo.args(["--package", package, "--bin", binary]);
    }
    for package in alongside {
        cargo.args(["--package", package]);
    }
    if !features.is_empty() {
        cargo.arg("--features").arg(features.join(","));
    }
    let shown = match profile {
        Profile::Debug => "",
        Profile::Release => {
            cargo.arg("--release");
            " (release)"
        }
        Profile::Dist => {
            cargo.args(["--profile", crate::dist::PROFILE]);
            " (dist profile)"
        }
    };
    let names = binaries.map(|(_, binary)| binary).join(", ");
    eprintln!("xtask: building {names}{shown}");
    let executables = run_build(
        cargo,
        &binaries.map(|(_, binary)| Executable::Bin(binary)),
        &names,
    )?;
    let mut found = Vec::with_capacity(N);
    for (executable, (package, binary)) in executables.into_iter().zip(binaries) {
        found.push(executable.with_context(|| {
            format!("cargo build -p {package} reported no `{binary}` executable")
        })?);
    }
    Ok(found
        .try_into()
        .expect("one executable for each requested binary"))
}

/// An executable a build makes: a binary, or the harness of a test target.
#[derive(Debug, Clone, Copy)]
pub enum Executable<'a> {
    /// The binary target of this name.
    Bin(&'a str),
    /// The integration test target of this name.
    Test(&'a str),
}

impl Executable<'_> {
    fn is(&self, message: &serde_json::Value) -> bool {
        let (name, kind, test) = match *self {
            Executable::Bin(name) => (name, "bin", false),
            Executable::Test(name) => (name, "test", true),
        };
        message["target"]["name"] == name
            && message["profile"]["test"] == test
            && message["target"]["kind"]
                .as_array()
                .is_some_and(|kinds| kinds.iter().any(|k| k == kind))
    }
}

/// Builds one integration test target of one package in the debug profile
/// and returns its executable. (A selection resolves features apart from the
/// workspace build below: fine for running one test alone, not in CI's run.)
pub fn build_test(package: &str, test: &str) -> Result<PathBuf> {
    let mut cargo = command();
    cargo.args(["build", "--package", package, "--test", test]);
    eprintln!("xtask: building the test {test} of {package}");
    let [executable] = run_build(cargo, &[Executable::Test(test)], test)?;
    executable.with_context(|| format!("cargo build reported no executable for the test {test}"))
}

/// Builds every target of the workspace in the debug profile, what `cargo
/// test --workspace` then runs without building again (but the doctests),
/// and returns the `wanted` executables. One feature resolution for the app and
/// all the tests: a `-p` or `--test` selection would compile crates a second
/// time with other features, doubling the target dir (CI's disk ran out on
/// that), so later runs of single tests run these executables directly.
pub fn build_workspace_tests<const N: usize>(wanted: [Executable<'_>; N]) -> Result<[PathBuf; N]> {
    let mut cargo = command();
    cargo.args(["build", "--workspace", "--all-targets"]);
    eprintln!("xtask: building the workspace and its tests");
    let found = run_build(cargo, &wanted, "the workspace")?;
    let mut executables = Vec::with_capacity(N);
    for (executable, target) in found.into_iter().zip(wanted) {
        executables.push(executable.with_context(|| {
            format!("cargo build --workspace reported no executable for {target:?}")
        })?);
    }
    Ok(executables
        .try_into()
        .expect("one executable for each wanted target"))
}

/// Runs `cargo` (a build command) with JSON messages on stdout and returns,
/// for each of `wanted`, the executable cargo reported for it.
fn run_build<const N: usize>(
    mut cargo: Command,
    wanted: &[Executable<'_>; N],
    names: &str,
) -> Result<[Option<PathBuf>; N]> {
    let started = std::time::Instant::now();
    let mut child = cargo
        .arg("--message-format=json-render-diagnostics")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .with_context(|| format!("failed to start cargo build for {names}"))?;
    let stdout = child.stdout.take().context("cargo build has no stdout")?;
    let mut executables: [Option<PathBuf>; N] = std::array::from_fn(|_| None);
    for line in BufReader::new(stdout).lines() {
        let line = line.context("failed to read cargo build output")?;
        let Ok(message) = serde_json::from_str::<serde_json::Value>(&line) else {
            continue;
        };
        if message["reason"] != "compiler-artifact" {
            continue;
        }
        let Some(path) = message["executable"].as_str() else {
            continue;
        };
        for (slot, target) in executables.iter_mut().zip(wanted) {
            if target.is(&message) {
                *slot = Some(PathBuf::from(path));
            }
        }
    }
    let status = child.wait().context("failed to wait for cargo build")?;
    if !status.success() {
        bail!("cargo build of {names} failed ({status})");
    }
    eprintln!(
        "xtask: cargo build of {names}: {:.0} s",
        started.elapsed().as_secs_f64()
    );
    Ok(executables)
}

/// Runs a command with inherited stdio and returns its status.
pub fn run_streaming(mut command: Command, what: &str) -> Result<ExitStatus> {
    let started = std::time::Instant::now();
    let status = command
        .stdin(Stdio::inherit())
        .stdout(Stdio::inherit())
        .stderr(Stdio::inherit())
        .status()
        .with_context(|| format!("failed to start {what}"))?;
    // Where a long run's time went (CI's log keeps it).
    eprintln!("xtask: {what}: {:.0} s", started.elapsed().as_secs_f64());
    Ok(status)
}
