//! `cargo xtask bench app`: the desktop app against a hello-world Tauri
//! window (`xtask/hello-window`), both in release with the features the Tauri
//! bundler builds with, under Xvfb and a private D-Bus session.
//!
//! - Click-to-code: from spawning `lifeline --sos --deployment FILE` (fresh
//!   HOME and XDG dirs, so nothing is resumed) to the window reporting the
//!   code painted (`LIFELINE_REPORT_READY`); the hello-world window's first
//!   paint is reported the same way. Launches alternate between the two.
//! - Memory: PSS and RSS of each process of each tree after 60 s idle,
//!   measured one tree at a time (PSS splits shared pages between the
//!   processes mapping them, so two WebKit trees side by side read smaller).
//! - The `.deb` the Tauri bundler makes.

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

use super::load::Latencies;
use super::queue_server::LocalServer;
use super::report::{mib, millis, print_table, verdict};
use crate::cargo::{self, Profile};

const LAUNCHES: usize = 10;
const READY_TIMEOUT: Duration = Duration::from_secs(30);
const IDLE: Duration = Duration::from_secs(60);
const STOP_TIMEOUT: Duration = Duration::from_secs(5);
const SCREEN: &str = "-screen 0 1280x800x24";

/// What each binary prints on stdout when its page reports the paint.
const APP_READY_LINE: &str = "lifeline: code painted";
const HELLO_READY_LINE: &str = "hello-window: painted";

/// The Tauri CLI builds release bundles with this feature; the hello-world window gets it too.
const BUNDLE_FEATURES: &[&str] = &["tauri/custom-protocol"];

const TARGET_CLICK_TO_CODE_P95: Duration = Duration::from_secs(1);
const TARGET_CLICK_TO_CODE_VS_HELLO: f64 = 1.5;
const TARGET_PSS_VS_HELLO: f64 = 1.15;
const TARGET_DEB_BYTES: u64 = 6 * 1000 * 1000;

/// Set when this process already runs under `xvfb-run … dbus-run-session`.
const SESSION_ENV: &str = "XTASK_BENCH_APP_SESSION";

pub fn run() -> Result<ExitCode> {
    if std::env::var_os(SESSION_ENV).is_none() {
        return rerun_in_session();
    }
    let webkit_env = webkit_env();
    // The app measured is the binary the bundler built and put in the .deb;
    // cargo builds the hello-world window with the same Tauri features.
    let deb = build_deb()?;
    let app = cargo::target_dir()?.join("release/lifeline");
    let [hello] = cargo::build_binaries(
        [("hello-window", "hello-window")],
        Profile::Release,
        BUNDLE_FEATURES,
    )?;
    let queue = cargo::build_binary("lifeline-queue", "lifeline-queue", Profile::Release)?;
    let mut server = LocalServer::start(queue)?;
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("failed to start the tokio runtime")?
        .block_on(server.wait_until_healthy())?;

    let deployment = server.deployment_file.as_os_str().to_owned();
    let app = Subject {
        name: "lifeline",
        binary: app,
        args: vec!["--sos".into(), "--deployment".into(), deployment],
        ready_line: APP_READY_LINE,
        env: webkit_env.clone(),
    };
    let hello = Subject {
        name: "hello-window",
        binary: hello,
        args: Vec::new(),
        ready_line: HELLO_READY_LINE,
        env: webkit_env.clone(),
    };

    eprintln!("xtask: one warm-up launch each, then {LAUNCHES} cold launches each, alternating");
    for subject in [&app, &hello] {
        subject.launch()?.stop();
    }
    let mut app_times = Vec::with_capacity(LAUNCHES);
    let mut hello_times = Vec::with_capacity(LAUNCHES);
    for round in 1..=LAUNCHES {
        let (app_time, hello_time) = (app.time_to_ready()?, hello.time_to_ready()?);
        eprintln!(
            "xtask:   {round:>2}: click-to-code {}, hello-world first paint {}",
            millis(app_time),
            millis(hello_time)
        );
        app_times.push(app_time);
        hello_times.push(hello_time);
        server.process.ensure_running()?;
    }

    let mut trees = Vec::new();
    for subject in [&app, &hello] {
        eprintln!("xtask: {} idle for {IDLE:?}", subject.name);
        let running = subject.launch()?;
        std::thread::sleep(IDLE);
        trees.push(running.memory()?);
        running.stop();
    }
    let [app_tree, hello_tree]: [Tree; 2] = trees.try_into().expect("two trees measured");

    Report {
        webkit_env,
        click_to_code: Latencies::from_durations(app_times),
        hello_paint: Latencies::from_durations(hello_times),
        app_tree,
        hello_tree,
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
        .args(["bench", "app"])
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

/// A binary to launch and the line it prints once its page is painted.
#[derive(Debug)]
struct Subject {
    name: &'static str,
    binary: PathBuf,
    args: Vec<OsString>,
    ready_line: &'static str,
    env: Vec<(String, String)>,
}

impl Subject {
    /// Launches, waits for the ready line, stops; returns spawn-to-ready.
    fn time_to_ready(&self) -> Result<Duration> {
        let running = self.launch()?;
        let elapsed = running.ready_after;
        running.stop();
        Ok(elapsed)
    }

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
        let (ready_tx, ready_rx) = mpsc::channel();
        let ready_line = self.ready_line;
        // Reads to the end, so a chatty child never blocks on a full pipe.
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if line.trim() == ready_line {
                    let _ = ready_tx.send(Instant::now());
                }
            }
        });
        let mut running = Running {
            name: self.name,
            child,
            _home: home,
            stderr_log,
            ready_after: Duration::ZERO,
        };
        match ready_rx.recv_timeout(READY_TIMEOUT) {
            Ok(ready) => {
                running.ready_after = ready - started;
                Ok(running)
            }
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
        Ok(Tree {
            name: self.name,
            processes,
        })
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
    name: &'static str,
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

/// The size and path of the `.deb` the Tauri bundler makes from `src-tauri/`.
#[derive(Debug)]
struct Deb {
    path: PathBuf,
    bytes: u64,
    /// The largest files inside, biggest first (`dpkg-deb -c`), when it is listable.
    largest: Vec<(u64, String)>,
}

/// `npx --yes @tauri-apps/cli@2 build --bundles deb --ci` in `src-tauri/`: the
/// prebuilt CLI from npm is there in seconds (`cargo install tauri-cli` takes minutes).
fn build_deb() -> Result<Deb> {
    eprintln!("xtask: building the .deb (npx @tauri-apps/cli@2 build --bundles deb)");
    let started = std::time::SystemTime::now();
    let mut command = Command::new("npx");
    command
        .current_dir(cargo::workspace_root().join("src-tauri"))
        .args([
            "--yes",
            "@tauri-apps/cli@2",
            "build",
            "--bundles",
            "deb",
            "--ci",
        ]);
    let status = cargo::run_streaming(command, "npx (Debian: apt-get install npm)")?;
    if !status.success() {
        bail!("tauri build --bundles deb failed ({status})");
    }
    let dir = cargo::target_dir()?.join("release/bundle/deb");
    let path = std::fs::read_dir(&dir)
        .with_context(|| format!("failed to read {}", dir.display()))?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .find(|path| {
            let is_deb = path.extension().is_some_and(|ext| ext == "deb");
            let modified = std::fs::metadata(path).and_then(|m| m.modified());
            is_deb && modified.is_ok_and(|modified| modified >= started)
        })
        .with_context(|| format!("tauri build made no new .deb in {}", dir.display()))?;
    let bytes = std::fs::metadata(&path)
        .with_context(|| format!("failed to read {}", path.display()))?
        .len();
    Ok(Deb {
        largest: deb_largest_files(&path, 5),
        path,
        bytes,
    })
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

#[derive(Debug)]
struct Report {
    webkit_env: Vec<(String, String)>,
    click_to_code: Latencies,
    hello_paint: Latencies,
    app_tree: Tree,
    hello_tree: Tree,
    deb: Deb,
}

impl Report {
    fn print(&self) {
        let percentile = |latencies: &Latencies, p| latencies.percentile(p).unwrap_or_default();
        let (code_p50, code_p95) = (
            percentile(&self.click_to_code, 50.0),
            percentile(&self.click_to_code, 95.0),
        );
        let (hello_p50, hello_p95) = (
            percentile(&self.hello_paint, 50.0),
            percentile(&self.hello_paint, 95.0),
        );
        let time_ratio = code_p95.as_secs_f64() / hello_p95.as_secs_f64();
        let pss_ratio = self.app_tree.pss_kib() as f64 / self.hello_tree.pss_kib() as f64;

        println!();
        println!(
            "Desktop app vs a hello-world Tauri window: release (tauri/custom-protocol), Xvfb {SCREEN}, own D-Bus session"
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
            "{} cold launches each (fresh HOME), alternating, after one warm-up each",
            self.click_to_code.count()
        );
        let deb_name = self
            .deb
            .path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        let rows = [
            [
                "click-to-code (spawn → code painted), median / p95".to_owned(),
                format!("p95 ≤ {}", millis(TARGET_CLICK_TO_CODE_P95)),
                format!(
                    "{} / {} — {}",
                    millis(code_p50),
                    millis(code_p95),
                    verdict(code_p95 <= TARGET_CLICK_TO_CODE_P95)
                ),
            ],
            [
                "hello-world first paint (spawn → painted), median / p95".to_owned(),
                "—".to_owned(),
                format!("{} / {}", millis(hello_p50), millis(hello_p95)),
            ],
            [
                format!(
                    "click-to-code p95 / hello-world p95 (medians: {:.2})",
                    code_p50.as_secs_f64() / hello_p50.as_secs_f64()
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
                    kib(self.app_tree.pss_kib()),
                    kib(self.hello_tree.pss_kib()),
                    verdict(pss_ratio <= TARGET_PSS_VS_HELLO)
                ),
            ],
            [
                format!(".deb ({deb_name})"),
                format!("≤ {:.1} MB", TARGET_DEB_BYTES as f64 / 1e6),
                format!(
                    "{:.2} MB — {}",
                    self.deb.bytes as f64 / 1e6,
                    verdict(self.deb.bytes <= TARGET_DEB_BYTES)
                ),
            ],
        ];
        println!();
        print_table(&["measure", "target", "result"], &rows);
        println!();
        println!("Memory after {}s idle:", IDLE.as_secs());
        println!();
        let mut memory = Vec::new();
        for tree in [&self.app_tree, &self.hello_tree] {
            for process in &tree.processes {
                memory.push([
                    format!("{} / {}", tree.name, process.name),
                    kib(process.rss_kib),
                    kib(process.pss_kib),
                ]);
            }
            memory.push([
                format!("**{} tree**", tree.name),
                format!("**{}**", kib(tree.rss_kib())),
                format!("**{}**", kib(tree.pss_kib())),
            ]);
        }
        print_table(&["process", "RSS", "PSS"], &memory);
        if self.deb.bytes > TARGET_DEB_BYTES && !self.deb.largest.is_empty() {
            println!();
            println!("Largest files in the .deb (uncompressed):");
            for (bytes, path) in &self.deb.largest {
                println!("  {:>8.2} MB  {path}", *bytes as f64 / 1e6);
            }
        }
    }
}

/// KiB, as /proc gives them, in MiB.
fn kib(kib: u64) -> String {
    mib(kib * 1024)
}
