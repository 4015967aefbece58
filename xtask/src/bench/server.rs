//! `cargo xtask bench server`: the queue server, in release, on loopback,
//! driven by `wrk` and set beside nginx serving a static file.
//!
//! The rates come from wrk (see `wrk.rs`): a C load generator that takes far
//! less of the two cores than one in this process would, so the figures are
//! the server's. Every rate is printed beside nginx serving a static file
//! with the same wrk settings in the same run, as a ratio, because absolute
//! rates on a shared machine move from run to run. Phases, in this order:
//!
//! 1. nginx's static file at 1, 8, 64 and 256 connections.
//! 2. Durable creates at 1, 8, 64 and 256 connections, each on a fresh
//!    server (a 2 s warm-up, then 10 s measured), so that no level inherits
//!    the backlog of the one before.
//! 3. Case reads at queue depths 10, 10,000 and 100,000 on one server: the
//!    queue is filled through the API (wrk's creates) and the cases read are
//!    the last ones created, at the back of the queue. At depth 10 the
//!    in-process generator reads the same cases, as a check of it against wrk.
//! 4. SSE fan-out at 1,000 and then 10,000 subscribers (4 per case, the
//!    server's cap per case token) on a fresh server.
//! 5. On a fresh server: chat round trips (100 cases at once), then 10,000
//!    open session sockets (5,000 cases) for the memory per socket, and how
//!    long the server takes to record all of them leaving.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use bytes::Bytes;
use hyper::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use hyper::{Method, Request, StatusCode};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tokio::time::timeout;
use uuid::Uuid;

use super::cpu::{self, load_average, machine_busy_ticks, process_ticks, utc_now};
use super::load::{Body, Connection, Latencies, Load, Run};
use super::nginx::StaticNginx;
use super::queue_server::LocalServer;
use super::report::{mib, millis, print_table, show, thousands, verdict};
use super::session;
use super::sse::EventStream;
use super::wrk::{Scripts, Workload, Wrk, WrkRun};
use crate::queue_cli::EXPERT_EMAIL;
use crate::system;

/// What `bench server` runs besides the server: the load generator and the reference.
pub const BENCH_PACKAGES: &[&str] = &["wrk", "nginx"];

/// The connections of the headline figures (and of the in-process generator).
pub(super) const CLIENTS: usize = 64;
/// The connection counts of the scaling curves.
const CONNECTION_LEVELS: [usize; 4] = [1, 8, 64, 256];
pub(super) const WARMUP: Duration = Duration::from_secs(2);
pub(super) const MEASURE: Duration = Duration::from_secs(10);
/// Queue depths the reads are measured at.
const READ_DEPTHS: [usize; 3] = [10, 10_000, 100_000];
/// The cases read at each depth: the last ones created, at the back.
const READ_CASES: usize = 10;
/// Subscriber counts of the fan-out curve; 4 per case: a case token holds at
/// most 4 event streams (the server's cap per credential).
const SUBSCRIBER_LEVELS: [usize; 2] = [1_000, 10_000];
const SUBSCRIBERS_PER_CASE: usize = 4;
/// Subscriptions being set up at once (connect, request, first event).
const SUBSCRIBE_CONCURRENCY: usize = 200;
const SUBSCRIBE_TIMEOUT: Duration = Duration::from_secs(30);
const SUBSCRIBE_PHASE_LIMIT: Duration = Duration::from_secs(180);
/// Connections sending the assigns, each sending its share one after another.
const ASSIGN_CONNECTIONS: usize = 10;
const FAN_OUT_TIMEOUT: Duration = Duration::from_secs(30);
/// Cases whose customer and expert sockets chat back and forth at once.
pub(super) const SESSION_PAIRS: usize = 100;
/// Cases whose customer and expert sockets are held open together.
const HELD_SESSION_CASES: usize = 5_000;
const SESSION_DRAIN_LIMIT: Duration = Duration::from_secs(180);

const CREATE_BODY: &[u8] = br#"{"channel":"sos","description":"bench"}"#;

// Issue 14's targets.
pub(super) const TARGET_CREATES_PER_S: f64 = 12_000.0;
pub(super) const TARGET_CREATE_P99: Duration = Duration::from_millis(15);
const TARGET_CREATES_VS_NGINX: f64 = 0.15;
pub(super) const TARGET_READS_PER_S: f64 = 40_000.0;
const TARGET_READS_VS_NGINX: f64 = 0.5;
const TARGET_SSE_RSS: u64 = 256 * 1024 * 1024;
const TARGET_FAN_OUT_P99: Duration = Duration::from_millis(200);
const TARGET_CHAT_P99: Duration = Duration::from_millis(100);
const TARGET_SESSIONS_RSS: u64 = 256 * 1024 * 1024;
const TARGET_DEPARTURES: Duration = Duration::from_secs(2);

/// Runs the benchmark against `binary` (a release build of `lifeline-queue`).
pub fn run(binary: PathBuf) -> Result<ExitCode> {
    system::ensure_packages(BENCH_PACKAGES)?;
    // Before the servers start, so that they inherit the raised limit too.
    let open_files = raise_open_file_limit()?;
    let scripts = Scripts::write()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("failed to start the tokio runtime")?;
    let conditions = Conditions {
        started: utc_now(),
        commit: cpu::commit(),
        load_before: load_average(),
        load_after: String::new(),
        open_files,
    };
    let measured = runtime.block_on(measure(&binary, &scripts));
    runtime.shutdown_timeout(Duration::from_secs(2));
    let report = measured.context("the server benchmark failed")?;
    report.print(&Conditions {
        load_after: load_average(),
        ..conditions
    });
    Ok(ExitCode::SUCCESS)
}

/// Raises this process's open-file soft limit to its hard limit; returns the new limit.
pub(super) fn raise_open_file_limit() -> Result<u64> {
    let limit = rlimit::increase_nofile_limit(u64::MAX)
        .context("failed to raise the open-file limit (RLIMIT_NOFILE)")?;
    let subscribers = SUBSCRIBER_LEVELS.iter().max().copied().unwrap_or(0);
    let needed = (subscribers.max(2 * HELD_SESSION_CASES) + CLIENTS + 100) as u64;
    if limit < needed {
        eprintln!(
            "xtask: warning: the open-file limit is {limit}; {needed} are needed for the SSE phase"
        );
    }
    Ok(limit)
}

/// A case, the `Authorization` value of its `ct_` token, and its place in
/// the queue when it was created.
#[derive(Debug, Clone)]
pub(super) struct CaseAccess {
    pub(super) id: String,
    pub(super) token: String,
    pub(super) authorization: HeaderValue,
    pub(super) queue_position: Option<u64>,
}

/// A wrk run with where the CPU went meanwhile.
#[derive(Debug)]
struct Measured {
    wrk: WrkRun,
    /// Cores the server used over the run (`None` for nginx).
    server_cores: Option<f64>,
    /// Cores busy with anything but the server and wrk (other work on the machine).
    other_cores: Option<f64>,
}

impl Measured {
    /// `server 1.40, wrk 0.30, other 0.10` cores.
    fn cpu(&self) -> String {
        let cores =
            |cores: Option<f64>| cores.map_or_else(|| "?".to_owned(), |c| format!("{c:.2}"));
        let mut parts = Vec::new();
        if self.server_cores.is_some() {
            parts.push(format!("server {}", cores(self.server_cores)));
        }
        parts.push(format!("wrk {}", cores(self.wrk.wrk_cores)));
        parts.push(format!("other {}", cores(self.other_cores)));
        parts.join(", ")
    }
}

/// Runs `wrk` and reads the CPU time of `server` (if any) and of the machine around it.
async fn measure_wrk(wrk: &Wrk, scripts: &Scripts, server: Option<u32>) -> Result<Measured> {
    let started = Instant::now();
    let server_before = server.and_then(process_ticks);
    let machine_before = machine_busy_ticks();
    let run = wrk.run(scripts).await?;
    let elapsed = started.elapsed();
    let server_ticks = server
        .and_then(process_ticks)
        .zip(server_before)
        .map(|(after, before)| after.saturating_sub(before));
    let machine_ticks = machine_busy_ticks()
        .zip(machine_before)
        .map(|(after, before)| after.saturating_sub(before));
    let server_cores = server_ticks.map(|ticks| cpu::cores(ticks, elapsed));
    let other_cores = machine_ticks.map(|ticks| {
        let machine = cpu::cores(ticks, elapsed);
        (machine - server_cores.unwrap_or(0.0) - run.wrk_cores.unwrap_or(0.0)).max(0.0)
    });
    Ok(Measured {
        wrk: run,
        server_cores,
        other_cores,
    })
}

/// A 2 s run whose figures are dropped, then the measured one.
async fn warm_and_measure(wrk: Wrk, scripts: &Scripts, server: u32) -> Result<Measured> {
    let warm_up = Wrk {
        duration: WARMUP,
        ..wrk.clone()
    };
    warm_up.run(scripts).await.context("the warm-up failed")?;
    measure_wrk(&wrk, scripts, Some(server)).await
}

fn creates(url: String, connections: usize, deployment_key: &str, duration: Duration) -> Wrk {
    Wrk {
        url,
        connections,
        duration,
        workload: Workload::Creates {
            deployment_key: deployment_key.to_owned(),
            // Unique per wrk run: runs on one server must not share keys.
            run: Uuid::now_v7().simple().to_string(),
        },
    }
}

async fn measure(binary: &Path, scripts: &Scripts) -> Result<Report> {
    eprintln!("xtask: nginx, static file: {CONNECTION_LEVELS:?} connections, {MEASURE:?} each");
    let nginx = StaticNginx::start()?;
    let mut nginx_runs = Vec::new();
    for connections in CONNECTION_LEVELS {
        let wrk = Wrk {
            url: nginx.url(),
            connections,
            duration: MEASURE,
            workload: Workload::Get,
        };
        let measured = measure_wrk(&wrk, scripts, None).await?;
        eprintln!("xtask:   {connections}: {}", brief(&measured));
        nginx_runs.push(measured);
    }
    drop(nginx);

    let mut create_runs = Vec::new();
    for connections in CONNECTION_LEVELS {
        eprintln!("xtask: durable creates, {connections} connections, on a fresh server");
        let mut local = LocalServer::start(binary.to_owned())?;
        local.wait_until_healthy().await?;
        let wrk = creates(
            format!("http://{}/api/v1/cases", local.addr),
            connections,
            &local.seeded.deployment_key,
            MEASURE,
        );
        let measured = warm_and_measure(wrk, scripts, local.process.pid())
            .await
            .with_context(|| format!("creates at {connections} connections"))?;
        local.process.ensure_running()?;
        eprintln!("xtask:   {}", brief(&measured));
        create_runs.push(measured);
    }

    let (read_runs, generator_check) = measure_reads(binary, scripts).await?;
    let fan_outs = measure_fan_out(binary).await?;
    eprintln!("xtask: a fresh server for the session phases");
    let mut local = LocalServer::start(binary.to_owned())?;
    let sessions = measure_sessions(&mut local).await.inspect_err(|_| {
        eprintln!(
            "xtask: last lines of the server log:\n{}",
            local.process.log_tail(30)
        );
    })?;
    Ok(Report {
        nginx: nginx_runs,
        creates: create_runs,
        reads: read_runs,
        generator_check,
        fan_outs,
        sessions,
    })
}

/// Reads at one queue depth.
#[derive(Debug)]
struct ReadsAtDepth {
    /// The queue position of the last case read: the queue's real depth.
    depth: u64,
    measured: Measured,
}

/// Fills one server's queue to each of [`READ_DEPTHS`] and reads the cases
/// at its back; at the first depth the in-process generator reads them too.
async fn measure_reads(binary: &Path, scripts: &Scripts) -> Result<(Vec<ReadsAtDepth>, Run)> {
    let mut local = LocalServer::start(binary.to_owned())?;
    local.wait_until_healthy().await?;
    let (addr, pid) = (local.addr, local.process.pid());
    let key = local.seeded.deployment_key.clone();
    let deployment = bearer(&key)?;
    let mut results = Vec::new();
    let mut generator_check = None;
    let mut queued = 0_u64;
    for (index, target) in READ_DEPTHS.into_iter().enumerate() {
        let fill = (target as u64).saturating_sub(queued + READ_CASES as u64);
        if fill > 0 {
            eprintln!(
                "xtask: filling the queue with {} cases",
                thousands(fill as f64)
            );
            let started = Instant::now();
            let wrk = creates(
                format!("http://{addr}/api/v1/cases"),
                CLIENTS,
                &key,
                FILL_CAP,
            );
            wrk.fill(scripts, fill).await?;
            eprintln!(
                "xtask:   filled in {:.1} s",
                started.elapsed().as_secs_f64()
            );
        }
        let cases = create_cases(addr, &deployment, READ_CASES).await?;
        let depth = cases
            .last()
            .and_then(|case| case.queue_position)
            .context("the last case created has no queue position")?;
        queued = depth;
        eprintln!(
            "xtask: reads of the last {READ_CASES} cases of a {}-case queue, {CLIENTS} connections",
            thousands(depth as f64)
        );
        let list: Vec<(String, String)> = cases
            .iter()
            .map(|case| (case.id.clone(), case.token.clone()))
            .collect();
        let case_list = scripts.case_list(&format!("cases-{depth}.txt"), &list)?;
        let wrk = Wrk {
            url: format!("http://{addr}/"),
            connections: CLIENTS,
            duration: MEASURE,
            workload: Workload::Reads { case_list },
        };
        let wal = local.data_dir().join("lifeline.db-wal");
        let wal_before = wal_size(&wal);
        let measured = warm_and_measure(wrk, scripts, pid)
            .await
            .with_context(|| format!("reads at depth {depth}"))?;
        eprintln!(
            "xtask:   {} (WAL {wal_before} before the reads, {} after)",
            brief(&measured),
            wal_size(&wal)
        );
        if index == 0 {
            eprintln!("xtask: the same reads from the in-process generator (a check of it)");
            let run = read_load(&[addr], cases).run().await?;
            eprintln!("xtask:   {}", summary(&run));
            generator_check = Some(run);
        }
        local.process.ensure_running()?;
        results.push(ReadsAtDepth { depth, measured });
    }
    let generator_check = generator_check.context("no reads were measured")?;
    Ok((results, generator_check))
}

/// The size of the WAL file: a WAL that checkpoints never rewind slows
/// every read, which looks up each page in it first.
fn wal_size(wal: &Path) -> String {
    std::fs::metadata(wal).map_or_else(|_| "missing".to_owned(), |m| mib(m.len()))
}

/// wrk's `--duration` for a fill: only a cap, the fill stops at its count.
const FILL_CAP: Duration = Duration::from_secs(300);

/// The fan-out at one number of subscribers.
#[derive(Debug)]
struct FanOutAt {
    subscribers: usize,
    subscribed: usize,
    subscribe_failures: usize,
    subscribe_problem: Option<String>,
    rss_before: u64,
    rss_with: u64,
    fan_out: FanOut,
}

/// Subscribes each of [`SUBSCRIBER_LEVELS`] on cases of their own, then
/// assigns every case and times the `case` events, on one fresh server.
async fn measure_fan_out(binary: &Path) -> Result<Vec<FanOutAt>> {
    let mut local = LocalServer::start(binary.to_owned())?;
    local.wait_until_healthy().await?;
    let addr = local.addr;
    let deployment = bearer(&local.seeded.deployment_key)?;
    let expert = bearer(&local.seeded.expert_token)?;
    let expert_id = expert_id(addr, &expert).await?;
    let mut results = Vec::new();
    for subscribers in SUBSCRIBER_LEVELS {
        let case_count = subscribers / SUBSCRIBERS_PER_CASE;
        eprintln!("xtask: SSE: {subscribers} subscribers over {case_count} cases");
        let cases = create_cases(addr, &deployment, case_count).await?;
        let rss_before = local.process.rss_bytes()?;
        let subscribed = subscribe_all(addr, &cases, SUBSCRIBERS_PER_CASE).await?;
        // Let allocations settle before reading the figure.
        tokio::time::sleep(Duration::from_secs(1)).await;
        let rss_with = local.process.rss_bytes()?;
        eprintln!(
            "xtask:   {} subscribed in {:.1} s, RSS {} -> {}",
            subscribed.subscribers.len(),
            subscribed.elapsed.as_secs_f64(),
            mib(rss_before),
            mib(rss_with)
        );
        let (subscribed_count, subscribe_failures, subscribe_problem) = (
            subscribed.subscribers.len(),
            subscribed.failures,
            subscribed.first_problem.clone(),
        );
        let fan_out = fan_out(addr, &cases, subscribed.subscribers, &expert_id, &expert).await?;
        eprintln!(
            "xtask:   fan-out: {} deliveries, p99 {}",
            fan_out.latencies.count(),
            show(fan_out.latencies.percentile(99.0))
        );
        local.process.ensure_running()?;
        results.push(FanOutAt {
            subscribers,
            subscribed: subscribed_count,
            subscribe_failures,
            subscribe_problem,
            rss_before,
            rss_with,
            fan_out,
        });
    }
    Ok(results)
}

/// One line of progress: `12,345/s, p50 1.20 ms, p99 9.80 ms (cores: …)`.
fn brief(measured: &Measured) -> String {
    let run = &measured.wrk;
    let mut line = format!(
        "{}/s, p50 {}, p99 {} (cores: {})",
        thousands(run.requests_per_s),
        millis(run.p50),
        millis(run.p99),
        measured.cpu()
    );
    let problems = run.problems();
    if !problems.is_empty() {
        line.push_str(&format!("; {problems}"));
    }
    line
}

/// The session phases, on a server of their own: memory left behind by the
/// SSE phase (the allocator keeps it) must not count against the sockets.
async fn measure_sessions(local: &mut LocalServer) -> Result<Sessions> {
    local.wait_until_healthy().await?;
    let (server, addr, seeded) = (&mut local.process, local.addr, &local.seeded);
    let deployment = bearer(&seeded.deployment_key)?;
    let expert = bearer(&seeded.expert_token)?;
    eprintln!("xtask: session chat round trips over {SESSION_PAIRS} cases at once");
    let pairs: Vec<(String, HeaderValue)> = create_cases(addr, &deployment, SESSION_PAIRS)
        .await?
        .into_iter()
        .map(|case| (case.id, case.authorization))
        .collect();
    let (round_trips, round_trip_failures, round_trip_problem) =
        session::round_trips(addr, &pairs, &expert).await?;
    eprintln!(
        "xtask:   {} round trips, p99 {}",
        round_trips.count(),
        show(round_trips.percentile(99.0))
    );
    server.ensure_running()?;

    eprintln!(
        "xtask: {} open session sockets ({HELD_SESSION_CASES} cases, customer and expert)",
        2 * HELD_SESSION_CASES
    );
    let held_cases = create_cases(addr, &deployment, HELD_SESSION_CASES).await?;
    let held_cases_access = held_cases.clone();
    let rss_before_sessions = server.rss_bytes()?;
    let sockets: Vec<(String, HeaderValue)> = held_cases
        .into_iter()
        .flat_map(|case| {
            [
                (case.id.clone(), case.authorization),
                (case.id, expert.clone()),
            ]
        })
        .collect();
    let held = session::hold(addr, sockets).await?;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let rss_with_sessions = server.rss_bytes()?;
    eprintln!(
        "xtask:   {} open in {:.1} s, RSS {} -> {}",
        held.open,
        held.elapsed.as_secs_f64(),
        mib(rss_before_sessions),
        mib(rss_with_sessions)
    );
    // Closing 10,000 sockets means 10,000 "left" writes: say how long the
    // server takes to record them all.
    let (held_open, held_failures, held_problem) =
        (held.open, held.failures, held.first_problem.clone());
    drop(held);
    let drained = drain_sessions(addr, &held_cases_access).await?;
    eprintln!(
        "xtask:   closed; every case read disconnected after {:.1} s",
        drained.as_secs_f64()
    );
    let sessions = Sessions {
        round_trips,
        round_trip_failures,
        round_trip_problem,
        held_open,
        held_failures,
        held_problem,
        rss_before: rss_before_sessions,
        rss_with: rss_with_sessions,
        drained,
    };
    server.ensure_running()?;
    Ok(sessions)
}

pub(super) fn bearer(token: &str) -> Result<HeaderValue> {
    HeaderValue::from_str(&format!("Bearer {token}"))
        .context("the token is not a valid header value")
}

fn request(method: Method, path: &str) -> hyper::http::request::Builder {
    Request::builder().method(method).uri(path)
}

fn json_body(value: &serde_json::Value) -> Body {
    Body::new(Bytes::from(value.to_string()))
}

fn create_case_request(deployment: &HeaderValue) -> Request<Body> {
    request(Method::POST, "/api/v1/cases")
        .header(AUTHORIZATION, deployment.clone())
        .header("idempotency-key", Uuid::now_v7().to_string())
        .header(CONTENT_TYPE, "application/json")
        .body(Body::new(Bytes::from_static(CREATE_BODY)))
        .expect("a create request is made of valid parts")
}

/// Creates `count` cases, one after another, and returns them with their
/// tokens and queue positions.
pub(super) async fn create_cases(
    addr: SocketAddr,
    deployment: &HeaderValue,
    count: usize,
) -> Result<Vec<CaseAccess>> {
    let mut connection = Connection::open(addr).await?;
    let mut cases = Vec::with_capacity(count);
    for _ in 0..count {
        let created = connection
            .json(create_case_request(deployment), StatusCode::CREATED)
            .await
            .context("failed to create a case")?;
        let id = created["case"]["id"]
            .as_str()
            .context("the create answer has no case.id")?;
        let token = created["token"]
            .as_str()
            .context("the create answer has no token")?;
        cases.push(CaseAccess {
            id: id.to_owned(),
            token: token.to_owned(),
            authorization: bearer(token)?,
            queue_position: created["case"]["queue_position"].as_u64(),
        });
    }
    Ok(cases)
}

/// Waits until every case reads with nobody connected; returns how long it took.
async fn drain_sessions(addr: SocketAddr, cases: &[CaseAccess]) -> Result<Duration> {
    let started = Instant::now();
    let mut connection = Connection::open(addr).await?;
    let mut pending: Vec<&CaseAccess> = cases.iter().collect();
    while !pending.is_empty() {
        if started.elapsed() > SESSION_DRAIN_LIMIT {
            bail!(
                "{} cases still read connected {SESSION_DRAIN_LIMIT:?} after their sockets closed",
                pending.len()
            );
        }
        let mut still = Vec::new();
        for case in pending {
            let read = connection
                .json(
                    request(Method::GET, &format!("/api/v1/cases/{}", case.id))
                        .header(AUTHORIZATION, case.authorization.clone())
                        .body(Body::default())?,
                    StatusCode::OK,
                )
                .await
                .context("failed to read a case")?;
            if read["customer_connected"] == true || read["expert_connected"] == true {
                still.push(case);
            }
        }
        pending = still;
        if !pending.is_empty() {
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }
    Ok(started.elapsed())
}

/// The id of the demo expert, from `GET /api/v1/experts`.
pub(super) async fn expert_id(addr: SocketAddr, expert: &HeaderValue) -> Result<String> {
    let mut connection = Connection::open(addr).await?;
    let answer = connection
        .json(
            request(Method::GET, "/api/v1/experts")
                .header(AUTHORIZATION, expert.clone())
                .body(Body::default())?,
            StatusCode::OK,
        )
        .await
        .context("failed to list the experts")?;
    // A bare array, or an object holding one (a page).
    let experts = match &answer {
        serde_json::Value::Array(items) => Some(items),
        serde_json::Value::Object(fields) => fields.values().find_map(|value| value.as_array()),
        _ => None,
    }
    .context("GET /api/v1/experts answered without a list")?;
    experts
        .iter()
        .find(|expert| expert["email"] == EXPERT_EMAIL)
        .and_then(|expert| expert["id"].as_str())
        .map(str::to_owned)
        .with_context(|| format!("GET /api/v1/experts does not list {EXPERT_EMAIL} with an id"))
}

/// Durable creates, the clients spread over `targets`.
pub(super) fn create_load(targets: &[SocketAddr], deployment: HeaderValue) -> Load {
    Load {
        targets: targets.to_vec(),
        clients: CLIENTS,
        warmup: WARMUP,
        measure: MEASURE,
        expected: StatusCode::CREATED,
        make_request: Arc::new(move |_| create_case_request(&deployment)),
    }
}

/// Reads of `cases` (each client its own case), the clients spread over `targets`.
pub(super) fn read_load(targets: &[SocketAddr], cases: Vec<CaseAccess>) -> Load {
    let requests: Vec<(String, HeaderValue)> = cases
        .into_iter()
        .map(|case| (format!("/api/v1/cases/{}", case.id), case.authorization))
        .collect();
    Load {
        targets: targets.to_vec(),
        clients: CLIENTS,
        warmup: WARMUP,
        measure: MEASURE,
        expected: StatusCode::OK,
        make_request: Arc::new(move |client| {
            let (path, authorization) = &requests[client % requests.len()];
            request(Method::GET, path)
                .header(AUTHORIZATION, authorization.clone())
                .body(Body::default())
                .expect("a read request is made of valid parts")
        }),
    }
}

/// One open event stream, past its first event.
#[derive(Debug)]
pub(super) struct Subscriber {
    /// Index into the SSE cases.
    case: usize,
    /// Kept so the connection stays open.
    _connection: Connection,
    events: EventStream,
}

async fn subscribe(addr: SocketAddr, case_index: usize, case: &CaseAccess) -> Result<Subscriber> {
    let mut connection = Connection::open(addr).await?;
    let response = connection
        .send(
            request(Method::GET, &format!("/api/v1/cases/{}/events", case.id))
                .header(AUTHORIZATION, case.authorization.clone())
                .header(ACCEPT, "text/event-stream")
                .body(Body::default())?,
        )
        .await?;
    if response.status() != StatusCode::OK {
        bail!("GET …/events answered {}", response.status());
    }
    let mut events = EventStream::new(response.into_body());
    events
        .next_named("case")
        .await
        .context("no first case event")?;
    Ok(Subscriber {
        case: case_index,
        _connection: connection,
        events,
    })
}

#[derive(Debug)]
pub(super) struct Subscribed {
    pub(super) subscribers: Vec<Subscriber>,
    pub(super) failures: usize,
    pub(super) first_problem: Option<String>,
    pub(super) elapsed: Duration,
}

/// Opens `per_case` event streams on each case and reads the first event of each.
pub(super) async fn subscribe_all(
    addr: SocketAddr,
    cases: &[CaseAccess],
    per_case: usize,
) -> Result<Subscribed> {
    let started = Instant::now();
    let permits = Arc::new(Semaphore::new(SUBSCRIBE_CONCURRENCY));
    let mut tasks = JoinSet::new();
    for round in 0..per_case {
        for (index, case) in cases.iter().enumerate() {
            let (permits, case) = (permits.clone(), case.clone());
            tasks.spawn(async move {
                let _permit = permits.acquire_owned().await?;
                timeout(SUBSCRIBE_TIMEOUT, subscribe(addr, index, &case))
                    .await
                    .with_context(|| format!("subscriber {round} of case {index} timed out"))?
            });
        }
    }
    let mut subscribed = Subscribed {
        subscribers: Vec::with_capacity(cases.len() * per_case),
        failures: 0,
        first_problem: None,
        elapsed: Duration::ZERO,
    };
    let gather = async {
        while let Some(outcome) = tasks.join_next().await {
            match outcome {
                Ok(Ok(subscriber)) => subscribed.subscribers.push(subscriber),
                Ok(Err(error)) => {
                    subscribed.failures += 1;
                    subscribed.first_problem.get_or_insert(format!("{error:#}"));
                }
                Err(error) => {
                    subscribed.failures += 1;
                    subscribed.first_problem.get_or_insert(error.to_string());
                }
            }
        }
    };
    timeout(SUBSCRIBE_PHASE_LIMIT, gather)
        .await
        .with_context(|| format!("subscribing took longer than {SUBSCRIBE_PHASE_LIMIT:?}"))?;
    subscribed.elapsed = started.elapsed();
    if subscribed.subscribers.is_empty() {
        bail!(
            "no subscriber got its first event: {}",
            subscribed.first_problem.as_deref().unwrap_or("?")
        );
    }
    Ok(subscribed)
}

#[derive(Debug)]
pub(super) struct FanOut {
    pub(super) latencies: Latencies,
    pub(super) missing: usize,
}

/// Assigns every case to the expert and measures, per subscriber, the time
/// from sending its case's assign to receiving the `case` event showing it.
/// The assigns go to `addr`, which need not be where the subscribers are.
pub(super) async fn fan_out(
    addr: SocketAddr,
    cases: &[CaseAccess],
    subscribers: Vec<Subscriber>,
    expert_id: &str,
    expert: &HeaderValue,
) -> Result<FanOut> {
    let sent_at: Arc<Vec<OnceLock<Instant>>> =
        Arc::new((0..cases.len()).map(|_| OnceLock::new()).collect());
    let expected = subscribers.len();
    let mut waiting = JoinSet::new();
    for mut subscriber in subscribers {
        let expert_id = expert_id.to_owned();
        waiting.spawn(async move {
            // The event that shows the assignment; other case events (a queue
            // position that moved, say) are skipped.
            let shows_assignment = async {
                loop {
                    let event = subscriber.events.next_named("case").await?;
                    if event.data.contains(&expert_id) {
                        return anyhow::Ok(());
                    }
                }
            };
            let outcome = timeout(FAN_OUT_TIMEOUT, shows_assignment).await;
            let received = Instant::now();
            let received = matches!(outcome, Ok(Ok(()))).then_some(received);
            // The subscriber goes back too: its connection stays open until all are in.
            (subscriber, received)
        });
    }
    // Let every waiting task reach its socket before the first assign goes out.
    tokio::time::sleep(Duration::from_millis(500)).await;

    let assign_body = json_body(&serde_json::json!({ "expert_id": expert_id }));
    let mut assigners = JoinSet::new();
    for lane in 0..ASSIGN_CONNECTIONS {
        let lane_cases: Vec<(usize, String)> = cases
            .iter()
            .enumerate()
            .skip(lane)
            .step_by(ASSIGN_CONNECTIONS)
            .map(|(index, case)| (index, format!("/api/v1/cases/{}/assign", case.id)))
            .collect();
        let (sent_at, expert, body) = (sent_at.clone(), expert.clone(), assign_body.clone());
        assigners.spawn(async move {
            let mut connection = Connection::open(addr).await?;
            for (index, path) in lane_cases {
                let assign = request(Method::POST, &path)
                    .header(AUTHORIZATION, expert.clone())
                    .header(CONTENT_TYPE, "application/json")
                    .body(body.clone())?;
                let _ = sent_at[index].set(Instant::now());
                connection
                    .json(assign, StatusCode::OK)
                    .await
                    .context("failed to assign a case")?;
            }
            anyhow::Ok(())
        });
    }
    while let Some(outcome) = assigners.join_next().await {
        outcome.context("an assigning task panicked")??;
    }

    let mut latencies = Vec::with_capacity(expected);
    let mut open = Vec::with_capacity(expected);
    while let Some(outcome) = waiting.join_next().await {
        let (subscriber, received) = outcome.context("a subscriber task panicked")?;
        if let (Some(received), Some(sent)) = (received, sent_at[subscriber.case].get()) {
            latencies.push(received.saturating_duration_since(*sent));
        }
        open.push(subscriber);
    }
    drop(open);
    Ok(FanOut {
        missing: expected - latencies.len(),
        latencies: Latencies::from_durations(latencies),
    })
}

pub(super) fn available_cpus() -> usize {
    std::thread::available_parallelism().map_or(2, usize::from)
}

/// What the session phases measured.
struct Sessions {
    round_trips: Latencies,
    round_trip_failures: usize,
    round_trip_problem: Option<String>,
    held_open: usize,
    held_failures: usize,
    held_problem: Option<String>,
    rss_before: u64,
    rss_with: u64,
    /// From closing every socket to every case reading disconnected.
    drained: Duration,
}

/// When and on what the run happened.
struct Conditions {
    started: String,
    commit: String,
    load_before: String,
    load_after: String,
    open_files: u64,
}

struct Report {
    /// nginx's static file at each of [`CONNECTION_LEVELS`].
    nginx: Vec<Measured>,
    /// Creates at each of [`CONNECTION_LEVELS`].
    creates: Vec<Measured>,
    reads: Vec<ReadsAtDepth>,
    /// The in-process generator's reads at the first depth.
    generator_check: Run,
    fan_outs: Vec<FanOutAt>,
    sessions: Sessions,
}

/// `0.123`, or `n/a` when the reference measured nothing.
fn ratio(value: f64, reference: f64) -> String {
    if reference > 0.0 {
        format!("{:.3}", value / reference)
    } else {
        "n/a".to_owned()
    }
}

/// The rate cell: the rate, and the errors if there were any.
fn rate_cell(run: &WrkRun) -> String {
    let problems = run.problems();
    if problems.is_empty() {
        format!("{}/s", thousands(run.requests_per_s))
    } else {
        format!("{}/s; {problems}", thousands(run.requests_per_s))
    }
}

impl Report {
    fn nginx_at(&self, connections: usize) -> f64 {
        CONNECTION_LEVELS
            .iter()
            .zip(&self.nginx)
            .find(|(level, _)| **level == connections)
            .map_or(0.0, |(_, measured)| measured.wrk.requests_per_s)
    }

    fn print(&self, conditions: &Conditions) {
        println!();
        println!(
            "Lifeline queue server (release, SQLite in a temp dir, rate limits off) on 127.0.0.1, \
             commit {}, {}; {} CPUs shared by the server, wrk and nginx; load average {} before \
             and {} after; wrk --threads 2 (1 for one connection), {:?} per rate after a {:?} \
             warm-up; open-file limit {}",
            conditions.commit,
            conditions.started,
            available_cpus(),
            conditions.load_before,
            conditions.load_after,
            MEASURE,
            WARMUP,
            conditions.open_files
        );
        self.print_creates();
        self.print_reads();
        self.print_fan_out();
        self.print_sessions();
    }

    fn print_creates(&self) {
        println!();
        println!("Durable creates (a fresh server per row) beside nginx's static file");
        println!();
        let rows: Vec<[String; 8]> = CONNECTION_LEVELS
            .iter()
            .zip(self.creates.iter().zip(&self.nginx))
            .map(|(&connections, (creates, nginx))| {
                let run = &creates.wrk;
                let vs_nginx = run.requests_per_s / nginx.wrk.requests_per_s;
                let (target, met) = if connections == CLIENTS {
                    let met = run.requests_per_s >= TARGET_CREATES_PER_S
                        && run.p99 < TARGET_CREATE_P99
                        && vs_nginx >= TARGET_CREATES_VS_NGINX
                        && run.problems().is_empty();
                    (
                        format!(
                            "≥ {}/s, p99 < {}, ≥ {TARGET_CREATES_VS_NGINX} × nginx",
                            thousands(TARGET_CREATES_PER_S),
                            millis(TARGET_CREATE_P99)
                        ),
                        verdict(met),
                    )
                } else {
                    ("curve".to_owned(), String::new())
                };
                [
                    connections.to_string(),
                    rate_cell(run),
                    format!("{} / {}", millis(run.p50), millis(run.p99)),
                    rate_cell(&nginx.wrk),
                    ratio(run.requests_per_s, nginx.wrk.requests_per_s),
                    creates.cpu(),
                    target,
                    met,
                ]
            })
            .collect();
        print_table(
            &[
                "connections",
                "creates",
                "p50 / p99",
                "nginx static",
                "creates / nginx",
                "cores during creates",
                "target",
                "",
            ],
            &rows,
        );
    }

    fn print_reads(&self) {
        println!();
        println!(
            "Case reads of the last {READ_CASES} cases of the queue, {CLIENTS} connections, \
             beside nginx's static file at {CLIENTS} connections"
        );
        println!();
        let nginx = self.nginx_at(CLIENTS);
        let deepest = self.reads.len().saturating_sub(1);
        let rows: Vec<[String; 7]> = self
            .reads
            .iter()
            .enumerate()
            .map(|(index, reads)| {
                let run = &reads.measured.wrk;
                let (target, met) = if index == deepest {
                    let met = run.requests_per_s >= TARGET_READS_PER_S
                        && run.requests_per_s >= TARGET_READS_VS_NGINX * nginx
                        && run.problems().is_empty();
                    (
                        format!(
                            "≥ {}/s, ≥ {TARGET_READS_VS_NGINX} × nginx",
                            thousands(TARGET_READS_PER_S)
                        ),
                        verdict(met),
                    )
                } else {
                    ("curve".to_owned(), String::new())
                };
                [
                    thousands(reads.depth as f64),
                    rate_cell(run),
                    format!("{} / {}", millis(run.p50), millis(run.p99)),
                    ratio(run.requests_per_s, nginx),
                    reads.measured.cpu(),
                    target,
                    met,
                ]
            })
            .collect();
        print_table(
            &[
                "queue depth",
                "reads",
                "p50 / p99",
                "reads / nginx",
                "cores during reads",
                "target",
                "",
            ],
            &rows,
        );
        if let Some(first) = self.reads.first() {
            let wrk = first.measured.wrk.requests_per_s;
            let generator = &self.generator_check;
            println!();
            println!(
                "The in-process generator against wrk, same reads (depth {}, {CLIENTS} \
                 connections): wrk {}/s, p99 {}; in-process {}, {} of wrk's rate",
                thousands(first.depth as f64),
                thousands(wrk),
                millis(first.measured.wrk.p99),
                summary(generator),
                ratio(generator.rate(), wrk)
            );
        }
    }

    fn print_fan_out(&self) {
        println!();
        println!(
            "SSE fan-out: assign → the case's `case` event at every subscriber \
             ({SUBSCRIBERS_PER_CASE} per case), one server"
        );
        println!();
        let rows: Vec<[String; 6]> = self
            .fan_outs
            .iter()
            .map(|at| {
                let latencies = &at.fan_out.latencies;
                let p99 = latencies.percentile(99.0);
                let mut delivered = format!(
                    "{} of {}",
                    thousands(latencies.count() as f64),
                    thousands(at.subscribers as f64)
                );
                if at.subscribe_failures > 0 {
                    delivered.push_str(&format!(
                        "; {} failed to subscribe (e.g. {})",
                        at.subscribe_failures,
                        at.subscribe_problem.as_deref().unwrap_or("?")
                    ));
                }
                let added = at.rss_with.saturating_sub(at.rss_before);
                let met = at.subscribed == at.subscribers
                    && at.fan_out.missing == 0
                    && p99.is_some_and(|p99| p99 < TARGET_FAN_OUT_P99)
                    && at.rss_with <= TARGET_SSE_RSS;
                [
                    thousands(at.subscribers as f64),
                    format!(
                        "{} / {} / {}",
                        show(latencies.percentile(50.0)),
                        show(p99),
                        show(latencies.max())
                    ),
                    delivered,
                    format!(
                        "{} (+{}, {:.1} KiB each)",
                        mib(at.rss_with),
                        mib(added),
                        added as f64 / 1024.0 / at.subscribed.max(1) as f64
                    ),
                    format!(
                        "p99 < {}, RSS ≤ {}",
                        millis(TARGET_FAN_OUT_P99),
                        mib(TARGET_SSE_RSS)
                    ),
                    verdict(met),
                ]
            })
            .collect();
        print_table(
            &[
                "subscribers",
                "p50 / p99 / max",
                "delivered",
                "server RSS",
                "target",
                "",
            ],
            &rows,
        );
    }

    fn print_sessions(&self) {
        let sessions = &self.sessions;
        let chat_p99 = sessions.round_trips.percentile(99.0);
        let mut chat = format!(
            "p50 {}, p99 {}, max {} over {} round trips",
            show(sessions.round_trips.percentile(50.0)),
            show(chat_p99),
            show(sessions.round_trips.max()),
            thousands(sessions.round_trips.count() as f64)
        );
        if sessions.round_trip_failures > 0 {
            chat.push_str(&format!(
                "; {} pairs failed (e.g. {})",
                sessions.round_trip_failures,
                sessions.round_trip_problem.as_deref().unwrap_or("?")
            ));
        }
        let added = sessions.rss_with.saturating_sub(sessions.rss_before);
        let mut memory = format!(
            "{:.1} KiB per socket: {} with {} open (+{})",
            added as f64 / 1024.0 / sessions.held_open.max(1) as f64,
            mib(sessions.rss_with),
            thousands(sessions.held_open as f64),
            mib(added),
        );
        if sessions.held_failures > 0 {
            memory.push_str(&format!(
                "; {} failed to open (e.g. {})",
                sessions.held_failures,
                sessions.held_problem.as_deref().unwrap_or("?")
            ));
        }
        let rows = [
            [
                format!("chat round trip, customer ↔ expert socket, {SESSION_PAIRS} cases at once"),
                chat,
                format!("p99 ≤ {}", millis(TARGET_CHAT_P99)),
                verdict(
                    sessions.round_trip_failures == 0
                        && chat_p99.is_some_and(|p99| p99 <= TARGET_CHAT_P99),
                ),
            ],
            [
                format!(
                    "memory per open session socket ({} cases, both sides)",
                    thousands(HELD_SESSION_CASES as f64)
                ),
                memory,
                format!("≤ {} in all", mib(TARGET_SESSIONS_RSS)),
                verdict(
                    sessions.held_open == 2 * HELD_SESSION_CASES
                        && sessions.rss_with <= TARGET_SESSIONS_RSS,
                ),
            ],
            [
                format!(
                    "{} departures: sockets closed → every case reads disconnected",
                    thousands(sessions.held_open as f64)
                ),
                format!("{:.1} s", sessions.drained.as_secs_f64()),
                format!("≤ {:.0} s", TARGET_DEPARTURES.as_secs_f64()),
                verdict(sessions.drained <= TARGET_DEPARTURES),
            ],
        ];
        println!();
        println!("Live sessions, on a fresh server");
        println!();
        print_table(&["measure", "result", "target", ""], &rows);
    }
}

pub(super) fn rate_with_latency(run: &Run) -> String {
    format!(
        "{}/s, p50 {}, p99 {}",
        thousands(run.rate()),
        show(run.latencies.percentile(50.0)),
        show(run.latencies.percentile(99.0))
    )
}

pub(super) fn with_problems(result: String, run: &Run) -> String {
    let problems = run.problems();
    if problems.is_empty() {
        result
    } else {
        format!("{result}; {problems}")
    }
}

pub(super) fn summary(run: &Run) -> String {
    with_problems(rate_with_latency(run), run)
}
