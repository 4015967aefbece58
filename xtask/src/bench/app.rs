//! `cargo xtask bench app`: the desktop app as customers install it against
//! a hello-world Tauri window (`xtask/hello-window`), under Xvfb and a
//! private D-Bus session.
//!
//! - The app: the `.deb` of the `dist` profile (what `cargo xtask dist`
//!   ships), unpacked into a temporary root and run from there, resources and
//!   all. The hello-world window: built with the same profile and the Tauri
//!   features the bundler builds with.
//! - Click-to-code: from spawning `lifeline --sos --deployment FILE` (fresh
//!   HOME and XDG dirs, so nothing is resumed) to the window reporting the
//!   code painted (`LIFELINE_REPORT_READY`); the hello-world window's first
//!   paint is reported the same way. Launches alternate between the windows.
//!   The app also prints its start-up milestones, shown for each launch.
//! - Memory: PSS and RSS of each process of each tree after 60 s idle,
//!   measured one tree at a time (PSS splits shared pages between the
//!   processes mapping them, so two WebKit trees side by side read smaller).
//! - The `.deb`'s size.
//! - Compositing: the app turns WebKit's accelerated compositing off itself
//!   (`src-tauri/src/webkit.rs`), so the hello-world window is measured
//!   with it off too (`WEBKIT_DISABLE_COMPOSITING_MODE=1`): like for like.
//!   With `--compare-compositing`, both windows again as WebKit would draw
//!   them by itself (the app with `LIFELINE_COMPOSITING=webkit`), in the same
//!   rounds.

use std::collections::HashMap;
use std::ffi::OsString;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use tempfile::TempDir;

use super::AppProfile;
use super::load::Latencies;
use super::queue_server::LocalServer;
use super::report::{mib, millis, print_table, verdict};
use crate::cargo::{self, Profile};
use crate::dist;

const LAUNCHES: usize = 10;
const READY_TIMEOUT: Duration = Duration::from_secs(30);
const IDLE: Duration = Duration::from_secs(60);
const STOP_TIMEOUT: Duration = Duration::from_secs(5);
const SCREEN: &str = "-screen 0 1280x800x24";

/// What each binary prints on stdout when its page reports the paint.
const APP_READY_LINE: &str = "lifeline: code painted";
const HELLO_READY_LINE: &str = "hello-window: painted";
/// The app's start-up milestones, printed right after its ready line.
const APP_TIMINGS_PREFIX: &str = "lifeline: timings";

/// The Tauri CLI builds release bundles with this feature; the hello-world window gets it too.
const BUNDLE_FEATURES: &[&str] = &["tauri/custom-protocol"];

/// WebKit's switch for compositing off, which the app sets for itself.
const COMPOSITING_OFF: (&str, &str) = ("WEBKIT_DISABLE_COMPOSITING_MODE", "1");
/// The app's switch that leaves compositing to WebKit (`--compare-compositing`).
const WEBKITS_CHOICE: (&str, &str) = ("LIFELINE_COMPOSITING", "webkit");

const TARGET_CLICK_TO_CODE_P95: Duration = Duration::from_secs(1);
const TARGET_CLICK_TO_CODE_VS_HELLO: f64 = 1.2;
const TARGET_PSS_VS_HELLO: f64 = 1.15;

/// Set when this process already runs under `xvfb-run … dbus-run-session`.
const SESSION_ENV: &str = "XTASK_BENCH_APP_SESSION";

/// What `cargo xtask bench app` was asked to do.
#[derive(Debug)]
pub struct Options {
    /// A `.deb` built already, instead of building one.
    pub deb: Option<PathBuf>,
    /// A `lifeline` binary to measure instead of the package.
    pub app_bin: Option<PathBuf>,
    /// The profile of the builds measured.
    pub profile: AppProfile,
    /// Also measure both windows with compositing off.
    pub compare_compositing: bool,
}

pub fn run(options: &Options) -> Result<ExitCode> {
    if std::env::var_os(SESSION_ENV).is_none() {
        return rerun_in_session();
    }
    let webkit_env = webkit_env();
    let compositing_set = webkit_env.iter().any(|(key, _)| key == COMPOSITING_OFF.0);
    if options.compare_compositing && compositing_set {
        bail!(
            "--compare-compositing measures WebKit's own choice: unset {}",
            COMPOSITING_OFF.0
        );
    }
    let profile = match options.profile {
        AppProfile::Release => Profile::Release,
        AppProfile::Dist => Profile::Dist,
    };
    // The app as customers get it: the dist profile's .deb, unpacked.
    let (deb, installed) = match (&options.app_bin, &options.deb, options.profile) {
        (Some(_), _, _) => (None, None),
        (None, Some(path), _) => {
            let deb = Deb::at(path.clone())?;
            let installed = InstalledDeb::unpack(&deb.path)?;
            (Some(deb), Some(installed))
        }
        (None, None, AppProfile::Dist) => {
            let deb = build_deb()?;
            let installed = InstalledDeb::unpack(&deb.path)?;
            (Some(deb), Some(installed))
        }
        (None, None, AppProfile::Release) => (None, None),
    };
    // The hello-world window (and a release app) with the features the
    // bundler builds with, in one cargo run.
    let (app, hello) = match (&options.app_bin, &installed) {
        (Some(binary), _) => {
            let [hello] = cargo::build_binaries(
                [("hello-window", "hello-window")],
                profile,
                BUNDLE_FEATURES,
            )?;
            (binary.clone(), hello)
        }
        (None, Some(installed)) => {
            let [hello] = cargo::build_binaries(
                [("hello-window", "hello-window")],
                profile,
                BUNDLE_FEATURES,
            )?;
            (installed.binary.clone(), hello)
        }
        (None, None) => {
            let [app, hello] = cargo::build_binaries(
                [("lifeline", "lifeline"), ("hello-window", "hello-window")],
                profile,
                BUNDLE_FEATURES,
            )?;
            (app, hello)
        }
    };
    let queue = cargo::build_binary("lifeline-queue", "lifeline-queue", Profile::Release)?;
    let mut server = LocalServer::start(queue)?;
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("failed to start the tokio runtime")?
        .block_on(server.wait_until_healthy())?;

    let deployment = server.deployment_file.as_os_str().to_owned();
    let with = |env: &[(String, String)], (key, value): (&str, &str)| {
        let mut env = env.to_vec();
        env.push((key.to_owned(), value.to_owned()));
        env
    };
    // (variant, the app's environment, the hello-world window's).
    let mut variants = vec![(
        "compositing off",
        webkit_env.clone(),
        if compositing_set {
            webkit_env.clone()
        } else {
            with(&webkit_env, COMPOSITING_OFF)
        },
    )];
    if options.compare_compositing {
        variants.push((
            "WebKit's choice",
            with(&webkit_env, WEBKITS_CHOICE),
            webkit_env.clone(),
        ));
    }
    let mut subjects = Vec::new();
    for (variant, app_env, hello_env) in variants {
        subjects.push(Subject {
            name: "lifeline",
            variant,
            binary: app.clone(),
            args: vec!["--sos".into(), "--deployment".into(), deployment.clone()],
            ready_line: APP_READY_LINE,
            env: app_env,
        });
        subjects.push(Subject {
            name: "hello-window",
            variant,
            binary: hello.clone(),
            args: Vec::new(),
            ready_line: HELLO_READY_LINE,
            env: hello_env,
        });
    }

    eprintln!("xtask: one warm-up launch each, then {LAUNCHES} cold launches each, alternating");
    for subject in &subjects {
        subject.launch()?.stop();
    }
    let mut times: Vec<Vec<Duration>> = vec![Vec::with_capacity(LAUNCHES); subjects.len()];
    for round in 1..=LAUNCHES {
        for (subject, times) in subjects.iter().zip(&mut times) {
            let running = subject.launch()?;
            eprintln!(
                "xtask:   {round:>2}: {} ({}) {}{}",
                subject.name,
                subject.variant,
                millis(running.ready_after),
                running
                    .timings
                    .as_deref()
                    .map(|t| format!("  [{t}]"))
                    .unwrap_or_default()
            );
            times.push(running.ready_after);
            running.stop();
        }
        server.process.ensure_running()?;
    }

    let mut measured = Vec::new();
    for (subject, times) in subjects.iter().zip(times) {
        eprintln!(
            "xtask: {} ({}) idle for {IDLE:?}",
            subject.name, subject.variant
        );
        let running = subject.launch()?;
        std::thread::sleep(IDLE);
        let tree = running.memory()?;
        running.stop();
        measured.push(Measured {
            name: subject.name,
            variant: subject.variant,
            paint: Latencies::from_durations(times),
            tree,
        });
    }
    drop(installed);

    Report {
        webkit_env,
        what: match (&options.app_bin, &deb) {
            (Some(binary), _) => format!("{} (given)", binary.display()),
            (None, Some(_)) => "the dist profile's .deb, unpacked".to_owned(),
            (None, None) => "a release build".to_owned(),
        },
        profile: options.profile,
        measured,
        deb,
    }
    .print();
    Ok(ExitCode::SUCCESS)
}

/// Runs this same command again under a fresh Xvfb and a private D-Bus
/// session bus (the single-instance plugin needs one), always, so that the
/// figures never depend on the caller's display.
fn rerun_in_session() -> Result<ExitCode> {
    let this = std::env::current_exe().context("failed to find the xtask executable")?;
    let mut command = Command::new("xvfb-run");
    command
        .args(["-a", "-s", SCREEN, "dbus-run-session", "--"])
        .arg(this)
        // The same arguments: everything after the program name.
        .args(std::env::args_os().skip(1))
        .env(SESSION_ENV, "1");
    let status = cargo::run_streaming(
        command,
        "xvfb-run (Debian: apt-get install xvfb xauth dbus)",
    )?;
    Ok(
        match status.code().and_then(|code| u8::try_from(code).ok()) {
            Some(0) => ExitCode::SUCCESS,
            Some(code) => ExitCode::from(code),
            None => ExitCode::FAILURE,
        },
    )
}

/// `WEBKIT_*` variables of this run, passed to both windows (to measure a
/// WebKit setting on both, e.g. `WEBKIT_DISABLE_COMPOSITING_MODE=1`).
fn webkit_env() -> Vec<(String, String)> {
    let mut env: Vec<_> = std::env::vars()
        .filter(|(key, _)| key.starts_with("WEBKIT_"))
        .collect();
    env.sort();
    env
}

/// The `.deb` unpacked into a temporary root, as `dpkg -i` would lay it out:
/// the binary in `usr/bin`, its resources in `usr/lib/<product>`, where the
/// app finds them from the binary's place.
#[derive(Debug)]
struct InstalledDeb {
    binary: PathBuf,
    _root: TempDir,
}

impl InstalledDeb {
    fn unpack(deb: &Path) -> Result<Self> {
        let root = tempfile::Builder::new()
            .prefix("lifeline-bench-root-")
            .tempdir()
            .context("failed to create a temporary root")?;
        let status = Command::new("dpkg-deb")
            .arg("-x")
            .arg(deb)
            .arg(root.path())
            .status()
            .context("failed to run dpkg-deb (Debian: apt-get install dpkg)")?;
        if !status.success() {
            bail!("dpkg-deb -x {} failed ({status})", deb.display());
        }
        let binary = root.path().join("usr/bin/lifeline");
        if !binary.is_file() {
            bail!("{} has no usr/bin/lifeline", deb.display());
        }
        Ok(Self {
            binary,
            _root: root,
        })
    }
}

/// A binary to launch and the line it prints once its page is painted.
#[derive(Debug)]
struct Subject {
    name: &'static str,
    /// `default`, or the WebKit setting it runs with.
    variant: &'static str,
    binary: PathBuf,
    args: Vec<OsString>,
    ready_line: &'static str,
    env: Vec<(String, String)>,
}

/// What a window's stdout said.
enum Said {
    Ready(Instant),
    Timings(String),
}

impl Subject {
    /// Launches with a fresh HOME and XDG dirs and waits for the ready line.
    fn launch(&self) -> Result<Running> {
        let home = tempfile::Builder::new()
            .prefix("lifeline-bench-home-")
            .tempdir()
            .context("failed to create a temporary HOME")?;
        let stderr_log = home.path().join("stderr.log");
        let mut command = Command::new(&self.binary);
        command
            .args(&self.args)
            .env_clear()
            .envs(std::env::vars().filter(|(key, _)| {
                matches!(
                    key.as_str(),
                    "PATH" | "DISPLAY" | "XAUTHORITY" | "DBUS_SESSION_BUS_ADDRESS"
                )
            }))
            .env("HOME", home.path())
            .env("XDG_CONFIG_HOME", home.path().join(".config"))
            .env("XDG_DATA_HOME", home.path().join(".local/share"))
            .env("XDG_STATE_HOME", home.path().join(".local/state"))
            .env("XDG_CACHE_HOME", home.path().join(".cache"))
            .env("LANG", "C.UTF-8")
            .env("LIFELINE_REPORT_READY", "1")
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(File::create(&stderr_log).context("failed to create the stderr log")?)
            // Its own process group: stopping it stops the WebKit helpers too.
            .process_group(0);

        let started = Instant::now();
        let mut child = command
            .spawn()
            .with_context(|| format!("failed to start {}", self.binary.display()))?;
        let stdout = child.stdout.take().context("the child has no stdout")?;
        let (said_tx, said_rx) = mpsc::channel();
        let ready_line = self.ready_line;
        // Reads to the end, so a chatty child never blocks on a full pipe.
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let line = line.trim();
                let said = if line == ready_line {
                    Said::Ready(Instant::now())
                } else if line.starts_with(APP_TIMINGS_PREFIX) {
                    Said::Timings(line.to_owned())
                } else {
                    continue;
                };
                let _ = said_tx.send(said);
            }
        });
        let mut running = Running {
            name: self.name,
            child,
            _home: home,
            stderr_log,
            ready_after: Duration::ZERO,
            timings: None,
        };
        let deadline = started + READY_TIMEOUT;
        loop {
            match said_rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
                Ok(Said::Ready(ready)) => {
                    running.ready_after = ready - started;
                    break;
                }
                Ok(Said::Timings(_)) => {}
                Err(_) => {
                    let tail = running.stderr_tail(20);
                    running.stop();
                    bail!(
                        "{} did not report `{ready_line}` within {READY_TIMEOUT:?}; its stderr ends:\n{tail}",
                        self.name
                    )
                }
            }
        }
        // The app prints its milestones right after the ready line.
        if self.ready_line == APP_READY_LINE
            && let Ok(Said::Timings(line)) = said_rx.recv_timeout(Duration::from_secs(1))
        {
            running.timings = Some(
                line.trim_start_matches(APP_TIMINGS_PREFIX)
                    .trim_start_matches(" (ms since main): ")
                    .to_owned(),
            );
        }
        Ok(running)
    }
}

/// A launched window, stopped (its whole process group) when dropped.
#[derive(Debug)]
struct Running {
    name: &'static str,
    child: Child,
    // Removed after the child is stopped (fields drop in order, after `drop`).
    _home: TempDir,
    stderr_log: PathBuf,
    ready_after: Duration,
    /// The app's start-up milestones, when it printed them.
    timings: Option<String>,
}

impl Running {
    fn stop(self) {
        drop(self);
    }

    fn stderr_tail(&self, lines: usize) -> String {
        let text = std::fs::read_to_string(&self.stderr_log).unwrap_or_default();
        let all: Vec<&str> = text.lines().collect();
        all[all.len().saturating_sub(lines)..].join("\n")
    }

    /// PSS and RSS of the process and each of its descendants.
    fn memory(&self) -> Result<Tree> {
        let root = self.child.id();
        let mut processes = Vec::new();
        for pid in descendants_and_self(root)? {
            // A helper that exited since the walk is simply not counted.
            if let Ok(memory) = process_memory(pid) {
                processes.push(memory);
            }
        }
        if processes.first().is_none_or(|first| first.pid != root) {
            bail!("{} (pid {root}) is gone: cannot read its memory", self.name);
        }
        Ok(Tree { processes })
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-TERM", "--", &group]).status();
        let deadline = Instant::now() + STOP_TIMEOUT;
        while Instant::now() < deadline {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        // Also the helpers still alive after the app itself exited.
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        let _ = self.child.wait();
    }
}

/// One process's memory, from `/proc/<pid>/smaps_rollup`.
#[derive(Debug)]
struct ProcessMemory {
    pid: u32,
    name: String,
    rss_kib: u64,
    pss_kib: u64,
}

/// A window's process tree, the window's own process first.
#[derive(Debug)]
struct Tree {
    processes: Vec<ProcessMemory>,
}

impl Tree {
    fn rss_kib(&self) -> u64 {
        self.processes.iter().map(|p| p.rss_kib).sum()
    }

    fn pss_kib(&self) -> u64 {
        self.processes.iter().map(|p| p.pss_kib).sum()
    }
}

/// `root` and every process below it, `root` first, from `/proc/*/stat`.
fn descendants_and_self(root: u32) -> Result<Vec<u32>> {
    let mut children: HashMap<u32, Vec<u32>> = HashMap::new();
    for entry in std::fs::read_dir("/proc").context("failed to read /proc")? {
        let Ok(entry) = entry else { continue };
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<u32>().ok())
        else {
            continue;
        };
        if let Some((parent, state)) = parent_and_state(pid)
            && state != 'Z'
        {
            children.entry(parent).or_default().push(pid);
        }
    }
    let mut tree = vec![root];
    let mut next = 0;
    while next < tree.len() {
        if let Some(below) = children.get(&tree[next]) {
            tree.extend(below);
        }
        next += 1;
    }
    Ok(tree)
}

/// The parent pid and state letter of a process, from `/proc/<pid>/stat`.
fn parent_and_state(pid: u32) -> Option<(u32, char)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // `pid (comm) state ppid …`; comm may hold spaces and parentheses.
    let mut fields = stat.get(stat.rfind(')')? + 1..)?.split_whitespace();
    let state = fields.next()?.chars().next()?;
    let parent = fields.next()?.parse().ok()?;
    Some((parent, state))
}

fn process_memory(pid: u32) -> Result<ProcessMemory> {
    let path = format!("/proc/{pid}/smaps_rollup");
    let rollup =
        std::fs::read_to_string(&path).with_context(|| format!("failed to read {path}"))?;
    let field = |name: &str| {
        rollup
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| {
                rest.trim()
                    .trim_end_matches("kB")
                    .trim()
                    .parse::<u64>()
                    .ok()
            })
            .with_context(|| format!("no {name} in {path}"))
    };
    Ok(ProcessMemory {
        pid,
        name: process_name(pid),
        rss_kib: field("Rss:")?,
        pss_kib: field("Pss:")?,
    })
}

/// The file name of the program (`comm` is cut at 15 characters).
fn process_name(pid: u32) -> String {
    let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
    let program = cmdline.split(|&b| b == 0).next().unwrap_or_default();
    let program = String::from_utf8_lossy(program);
    match program.rsplit('/').next() {
        Some(name) if !name.is_empty() => name.to_owned(),
        _ => std::fs::read_to_string(format!("/proc/{pid}/comm"))
            .map(|comm| comm.trim().to_owned())
            .unwrap_or_else(|_| format!("pid {pid}")),
    }
}

/// The `.deb` measured: its size and largest files.
#[derive(Debug)]
struct Deb {
    path: PathBuf,
    bytes: u64,
    /// The largest files inside, biggest first (`dpkg-deb -c`), when it is listable.
    largest: Vec<(u64, String)>,
}

impl Deb {
    fn at(path: PathBuf) -> Result<Self> {
        let bytes = std::fs::metadata(&path)
            .with_context(|| format!("failed to read {}", path.display()))?
            .len();
        Ok(Self {
            largest: deb_largest_files(&path, 5),
            path,
            bytes,
        })
    }
}

/// The generic `.deb` as `cargo xtask dist --bundles deb` builds it: the
/// Tauri CLI from npm, the `dist` cargo profile.
fn build_deb() -> Result<Deb> {
    let made = dist::build(None, &["deb".to_owned()])?;
    let deb = made
        .into_iter()
        .find(|bundle| bundle.kind == "deb")
        .context("the dist build made no .deb")?;
    Deb::at(deb.path)
}

fn deb_largest_files(deb: &Path, count: usize) -> Vec<(u64, String)> {
    let Ok(output) = Command::new("dpkg-deb").arg("-c").arg(deb).output() else {
        return Vec::new();
    };
    // `-rwxr-xr-x root/root   8770176 2026-11-27 10:40 ./usr/bin/lifeline`
    let mut files: Vec<(u64, String)> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            Some((fields.get(2)?.parse().ok()?, fields.get(5)?.to_string()))
        })
        .collect();
    files.sort_unstable_by(|a, b| b.cmp(a));
    files.truncate(count);
    files
}

/// One window in one WebKit setting: its launches and its idle memory.
#[derive(Debug)]
struct Measured {
    name: &'static str,
    variant: &'static str,
    paint: Latencies,
    tree: Tree,
}

impl Measured {
    fn p50(&self) -> Duration {
        self.paint.percentile(50.0).unwrap_or_default()
    }

    fn p95(&self) -> Duration {
        self.paint.percentile(95.0).unwrap_or_default()
    }
}

#[derive(Debug)]
struct Report {
    webkit_env: Vec<(String, String)>,
    /// Which app binary was measured.
    what: String,
    /// The hello-world window's profile.
    profile: AppProfile,
    /// App then hello-world window, for each variant (compositing off first).
    measured: Vec<Measured>,
    deb: Option<Deb>,
}

impl Report {
    fn print(&self) {
        let [app, hello, ..] = self.measured.as_slice() else {
            return;
        };
        let time_ratio = app.p95().as_secs_f64() / hello.p95().as_secs_f64();
        let pss_ratio = app.tree.pss_kib() as f64 / hello.tree.pss_kib() as f64;

        println!();
        println!(
            "Desktop app ({}) vs a hello-world Tauri window ({} profile, tauri/custom-protocol), Xvfb {SCREEN}, own D-Bus session",
            self.what,
            match self.profile {
                AppProfile::Release => "release",
                AppProfile::Dist => "dist",
            }
        );
        if self.webkit_env.is_empty() {
            println!("WebKit environment: none set");
        } else {
            let env: Vec<String> = self
                .webkit_env
                .iter()
                .map(|(key, value)| format!("{key}={value}"))
                .collect();
            println!("WebKit environment (both windows): {}", env.join(" "));
        }
        println!(
            "Compositing off in both: the app turns it off itself, the hello-world window gets {}={}",
            COMPOSITING_OFF.0, COMPOSITING_OFF.1
        );
        println!(
            "{} cold launches each (fresh HOME), alternating, after one warm-up each",
            app.paint.count()
        );
        let mut rows = vec![
            [
                "click-to-code (spawn → code painted), median / p95".to_owned(),
                format!("p95 ≤ {}", millis(TARGET_CLICK_TO_CODE_P95)),
                format!(
                    "{} / {} — {}",
                    millis(app.p50()),
                    millis(app.p95()),
                    verdict(app.p95() <= TARGET_CLICK_TO_CODE_P95)
                ),
            ],
            [
                "hello-world first paint (spawn → painted), median / p95".to_owned(),
                "—".to_owned(),
                format!("{} / {}", millis(hello.p50()), millis(hello.p95())),
            ],
            [
                format!(
                    "click-to-code p95 / hello-world p95 (medians: {:.2})",
                    app.p50().as_secs_f64() / hello.p50().as_secs_f64()
                ),
                format!("≤ {TARGET_CLICK_TO_CODE_VS_HELLO}"),
                format!(
                    "{time_ratio:.2} — {}",
                    verdict(time_ratio <= TARGET_CLICK_TO_CODE_VS_HELLO)
                ),
            ],
            [
                format!(
                    "app tree PSS / hello-world tree PSS, after {}s idle",
                    IDLE.as_secs()
                ),
                format!("≤ {TARGET_PSS_VS_HELLO}"),
                format!(
                    "{} / {} = {pss_ratio:.2} — {}",
                    kib(app.tree.pss_kib()),
                    kib(hello.tree.pss_kib()),
                    verdict(pss_ratio <= TARGET_PSS_VS_HELLO)
                ),
            ],
        ];
        if let Some(deb) = &self.deb {
            let deb_name = deb
                .path
                .file_name()
                .map(|name| name.to_string_lossy().into_owned())
                .unwrap_or_default();
            rows.push([
                format!(".deb ({deb_name})"),
                format!("≤ {:.1} MB", dist::DEB_BUDGET_BYTES as f64 / 1e6),
                format!(
                    "{:.2} MB — {}",
                    deb.bytes as f64 / 1e6,
                    verdict(deb.bytes <= dist::DEB_BUDGET_BYTES)
                ),
            ]);
        }
        println!();
        print_table(&["measure", "target", "result"], &rows);

        if self.measured.len() > 2 {
            println!();
            println!(
                "WebKit compositing, the same rounds (\"WebKit's choice\": the app with {}={}, the hello-world window without {}):",
                WEBKITS_CHOICE.0, WEBKITS_CHOICE.1, COMPOSITING_OFF.0
            );
            println!();
            let rows: Vec<[String; 5]> = self
                .measured
                .iter()
                .map(|m| {
                    [
                        m.name.to_owned(),
                        m.variant.to_owned(),
                        format!("{} / {}", millis(m.p50()), millis(m.p95())),
                        kib(m.tree.rss_kib()),
                        kib(m.tree.pss_kib()),
                    ]
                })
                .collect();
            print_table(
                &[
                    "window",
                    "WebKit",
                    "paint, median / p95",
                    "tree RSS (60 s idle)",
                    "tree PSS",
                ],
                &rows,
            );
            for pair in self.measured.chunks(2) {
                if let [app, hello] = pair {
                    println!(
                        "{}: click-to-code p95 / hello-world p95 = {:.2} (medians {:.2})",
                        app.variant,
                        app.p95().as_secs_f64() / hello.p95().as_secs_f64(),
                        app.p50().as_secs_f64() / hello.p50().as_secs_f64()
                    );
                }
            }
        }

        println!();
        println!("Memory after {}s idle:", IDLE.as_secs());
        println!();
        let mut memory = Vec::new();
        for measured in &self.measured {
            let label = format!("{} ({})", measured.name, measured.variant);
            for process in &measured.tree.processes {
                memory.push([
                    format!("{label} / {}", process.name),
                    kib(process.rss_kib),
                    kib(process.pss_kib),
                ]);
            }
            memory.push([
                format!("**{label} tree**"),
                format!("**{}**", kib(measured.tree.rss_kib())),
                format!("**{}**", kib(measured.tree.pss_kib())),
            ]);
        }
        print_table(&["process", "RSS", "PSS"], &memory);
        if let Some(deb) = &self.deb
            && deb.bytes > dist::DEB_BUDGET_BYTES
            && !deb.largest.is_empty()
        {
            println!();
            println!("Largest files in the .deb (uncompressed):");
            for (bytes, path) in &deb.largest {
                println!("  {:>8.2} MB  {path}", *bytes as f64 / 1e6);
            }
        }
    }
}

/// KiB, as /proc gives them, in MiB.
fn kib(kib: u64) -> String {
    mib(kib * 1024)
}
