//! `cargo xtask bench server`: the queue server, in release, on loopback.
//!
//! Phases run in this order, each on state the earlier ones leave small:
//! reads (64 cases), SSE subscribers and fan-out (2,500 cases), durable creates
//! (which leave a backlog of many thousand open cases behind), the echo
//! baseline; then, on a fresh server, session chat round trips (100 cases)
//! and open session sockets (5,000 cases). The table prints them in the
//! order of the targets.

use std::net::SocketAddr;
use std::path::PathBuf;
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

use super::echo::EchoServer;
use super::load::{Body, Connection, Latencies, Load, Run};
use super::queue_server::LocalServer;
use super::report::{mib, print_table, show, thousands, verdict};
use super::session;
use super::sse::EventStream;
use crate::queue_cli::EXPERT_EMAIL;

pub(super) const CLIENTS: usize = 64;
pub(super) const WARMUP: Duration = Duration::from_secs(2);
pub(super) const MEASURE: Duration = Duration::from_secs(10);
/// 10,000 subscribers: a case token holds at most 4 event streams (the
/// server's cap per credential), so they spread over 2,500 cases.
const SSE_CASES: usize = 2_500;
const SUBSCRIBERS_PER_CASE: usize = 4;
/// Subscriptions being set up at once (connect, request, first event).
const SUBSCRIBE_CONCURRENCY: usize = 200;
const SUBSCRIBE_TIMEOUT: Duration = Duration::from_secs(30);
const SUBSCRIBE_PHASE_LIMIT: Duration = Duration::from_secs(180);
/// Connections sending the assigns, each sending its share one after another.
const ASSIGN_CONNECTIONS: usize = 10;
const FAN_OUT_TIMEOUT: Duration = Duration::from_secs(30);
/// Cases whose customer and expert sockets chat back and forth at once.
const SESSION_PAIRS: usize = 100;
/// Cases whose customer and expert sockets are held open together.
const HELD_SESSION_CASES: usize = 5_000;
const SESSION_DRAIN_LIMIT: Duration = Duration::from_secs(180);

const CREATE_BODY: &[u8] = br#"{"channel":"sos","description":"bench"}"#;

pub(super) const TARGET_CREATES_PER_S: f64 = 5_000.0;
pub(super) const TARGET_CREATE_P99: Duration = Duration::from_millis(25);
pub(super) const TARGET_READS_PER_S: f64 = 20_000.0;
const TARGET_SSE_RSS: u64 = 256 * 1024 * 1024;
const TARGET_FAN_OUT_P99: Duration = Duration::from_millis(200);
const TARGET_SESSIONS_RSS: u64 = 256 * 1024 * 1024;

/// Runs the benchmark against `binary` (a release build of `lifeline-queue`).
pub fn run(binary: PathBuf) -> Result<ExitCode> {
    // Before the server starts, so that it inherits the raised limit too.
    let open_files = raise_open_file_limit()?;
    let mut server = LocalServer::start(binary.clone())?;

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("failed to start the tokio runtime")?;
    let measured = runtime.block_on(measure(&mut server));
    let mut server_exit = server.process.exited();
    let mut log_tail = server.process.log_tail(30);
    drop(server);
    let measured = match measured {
        Ok(report) => {
            eprintln!("xtask: a fresh server for the session phases");
            let mut fresh = LocalServer::start(binary)?;
            let sessions = runtime.block_on(measure_sessions(&mut fresh));
            server_exit = server_exit.or_else(|| fresh.process.exited());
            log_tail = fresh.process.log_tail(30);
            sessions.map(|sessions| (report, sessions))
        }
        Err(error) => Err(error),
    };
    runtime.shutdown_timeout(Duration::from_secs(2));

    let (report, sessions) = match measured {
        Ok(measured) => measured,
        Err(error) => {
            if !log_tail.is_empty() {
                eprintln!("xtask: last lines of the server log:\n{log_tail}");
            }
            return Err(error.context("the server benchmark failed"));
        }
    };
    if let Some(status) = server_exit {
        eprintln!("xtask: warning: the server exited during the run ({status}):\n{log_tail}");
    }
    report.print(&sessions, open_files);
    Ok(ExitCode::SUCCESS)
}

/// Raises this process's open-file soft limit to its hard limit; returns the new limit.
pub(super) fn raise_open_file_limit() -> Result<u64> {
    let limit = rlimit::increase_nofile_limit(u64::MAX)
        .context("failed to raise the open-file limit (RLIMIT_NOFILE)")?;
    let needed =
        ((SSE_CASES * SUBSCRIBERS_PER_CASE).max(2 * HELD_SESSION_CASES) + CLIENTS + 100) as u64;
    if limit < needed {
        eprintln!(
            "xtask: warning: the open-file limit is {limit}; {needed} are needed for the SSE phase"
        );
    }
    Ok(limit)
}

/// A case and the `Authorization` value of its `ct_` token.
#[derive(Debug, Clone)]
pub(super) struct CaseAccess {
    pub(super) id: String,
    pub(super) authorization: HeaderValue,
}

async fn measure(local: &mut LocalServer) -> Result<Report> {
    local.wait_until_healthy().await?;
    let (server, addr, seeded) = (&mut local.process, local.addr, &local.seeded);
    let deployment = bearer(&seeded.deployment_key)?;
    let expert = bearer(&seeded.expert_token)?;
    let rss_idle = server.rss_bytes()?;

    eprintln!("xtask: reads: {CLIENTS} clients, {WARMUP:?} warm-up, {MEASURE:?} measured");
    let read_cases = create_cases(addr, &deployment, CLIENTS).await?;
    let reads = read_load(&[addr], read_cases).run().await?;
    eprintln!("xtask:   {}", summary(&reads));
    server.ensure_running()?;

    eprintln!(
        "xtask: SSE: {} subscribers over {SSE_CASES} cases",
        SSE_CASES * SUBSCRIBERS_PER_CASE
    );
    let sse_cases = create_cases(addr, &deployment, SSE_CASES).await?;
    let expert_id = expert_id(addr, &expert).await?;
    let rss_before_sse = server.rss_bytes()?;
    let subscribed = subscribe_all(addr, &sse_cases, SUBSCRIBERS_PER_CASE).await?;
    // Let allocations settle before reading the figure.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let rss_with_sse = server.rss_bytes()?;
    eprintln!(
        "xtask:   {} subscribed in {:.1} s, RSS {} -> {}",
        subscribed.subscribers.len(),
        subscribed.elapsed.as_secs_f64(),
        mib(rss_before_sse),
        mib(rss_with_sse)
    );
    let subscribers_open = subscribed.subscribers.len();
    let subscribe_failures = subscribed.failures;
    let subscribe_problem = subscribed.first_problem.clone();
    let fan_out = fan_out(
        addr,
        &sse_cases,
        subscribed.subscribers,
        &expert_id,
        &expert,
    )
    .await?;
    eprintln!(
        "xtask:   fan-out: {} deliveries, p99 {}",
        fan_out.latencies.count(),
        show(fan_out.latencies.percentile(99.0))
    );
    server.ensure_running()?;

    eprintln!(
        "xtask: durable creates: {CLIENTS} clients, {WARMUP:?} warm-up, {MEASURE:?} measured"
    );
    let creates = create_load(&[addr], deployment).run().await?;
    eprintln!("xtask:   {}", summary(&creates));
    server.ensure_running()?;

    eprintln!("xtask: bare axum JSON echo: {CLIENTS} clients");
    let echo_server = EchoServer::start(available_cpus())?;
    let echo = echo_load(echo_server.addr()).run().await?;
    drop(echo_server);
    eprintln!("xtask:   {}", summary(&echo));

    Ok(Report {
        creates,
        reads,
        echo,
        rss_idle,
        rss_before_sse,
        rss_with_sse,
        subscribers_open,
        subscribe_failures,
        subscribe_problem,
        fan_out,
    })
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
    // Closing 10,000 sockets means 10,000 "left" writes; let the server record
    // them before the create phase, and say how long that took.
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

/// Creates `count` cases, one after another, and returns them with their tokens.
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
            authorization: bearer(token)?,
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

fn echo_load(addr: SocketAddr) -> Load {
    Load {
        targets: vec![addr],
        clients: CLIENTS,
        warmup: WARMUP,
        measure: MEASURE,
        expected: StatusCode::OK,
        make_request: Arc::new(|_| {
            request(Method::POST, "/echo")
                .header(CONTENT_TYPE, "application/json")
                .body(Body::new(Bytes::from_static(CREATE_BODY)))
                .expect("an echo request is made of valid parts")
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

struct Report {
    creates: Run,
    reads: Run,
    echo: Run,
    rss_idle: u64,
    rss_before_sse: u64,
    rss_with_sse: u64,
    subscribers_open: usize,
    subscribe_failures: usize,
    subscribe_problem: Option<String>,
    fan_out: FanOut,
}

impl Report {
    fn print(&self, sessions: &Sessions, open_files: u64) {
        let subscribers = SSE_CASES * SUBSCRIBERS_PER_CASE;
        let create_p99 = self.creates.latencies.percentile(99.0);
        let creates_met = self.creates.rate() >= TARGET_CREATES_PER_S
            && create_p99.is_some_and(|p99| p99 < TARGET_CREATE_P99)
            && self.creates.problems().is_empty();
        let reads_met = self.reads.rate() >= TARGET_READS_PER_S && self.reads.problems().is_empty();
        let sse_met = self.subscribers_open == subscribers && self.rss_with_sse <= TARGET_SSE_RSS;
        let fan_out_p99 = self.fan_out.latencies.percentile(99.0);
        let fan_out_met =
            self.fan_out.missing == 0 && fan_out_p99.is_some_and(|p99| p99 < TARGET_FAN_OUT_P99);
        let echo_rate = self.echo.rate();
        let sessions_met = sessions.held_open == 2 * HELD_SESSION_CASES
            && sessions.rss_with <= TARGET_SESSIONS_RSS;
        let mut round_trip_result = format!(
            "p50 {}, p99 {}, max {} over {} round trips",
            show(sessions.round_trips.percentile(50.0)),
            show(sessions.round_trips.percentile(99.0)),
            show(sessions.round_trips.max()),
            thousands(sessions.round_trips.count() as f64)
        );
        if sessions.round_trip_failures > 0 {
            round_trip_result.push_str(&format!(
                "; {} pairs failed (e.g. {})",
                sessions.round_trip_failures,
                sessions.round_trip_problem.as_deref().unwrap_or("?")
            ));
        }
        let mut held_result = format!(
            "{} with {} sockets open (+{}); all closes recorded {:.1} s after",
            mib(sessions.rss_with),
            thousands(sessions.held_open as f64),
            mib(sessions.rss_with.saturating_sub(sessions.rss_before)),
            sessions.drained.as_secs_f64(),
        );
        if sessions.held_failures > 0 {
            held_result.push_str(&format!(
                "; {} failed to open (e.g. {})",
                sessions.held_failures,
                sessions.held_problem.as_deref().unwrap_or("?")
            ));
        }

        let mut sse_result = format!(
            "{} with {} subscribers (+{}; {} idle)",
            mib(self.rss_with_sse),
            thousands(self.subscribers_open as f64),
            mib(self.rss_with_sse.saturating_sub(self.rss_before_sse)),
            mib(self.rss_idle),
        );
        if self.subscribe_failures > 0 {
            sse_result.push_str(&format!(
                "; {} failed to subscribe (e.g. {})",
                self.subscribe_failures,
                self.subscribe_problem.as_deref().unwrap_or("?")
            ));
        }
        let mut fan_out_result = format!(
            "p50 {}, p99 {}, max {} over {} deliveries",
            show(self.fan_out.latencies.percentile(50.0)),
            show(fan_out_p99),
            show(self.fan_out.latencies.max()),
            thousands(self.fan_out.latencies.count() as f64)
        );
        if self.fan_out.missing > 0 {
            fan_out_result.push_str(&format!("; {} missing", self.fan_out.missing));
        }

        let rows = [
            [
                format!("durable creates, {CLIENTS} clients"),
                with_problems(rate_with_latency(&self.creates), &self.creates),
                format!(
                    "≥ {}/s, p99 < {}",
                    thousands(TARGET_CREATES_PER_S),
                    show(Some(TARGET_CREATE_P99))
                ),
                verdict(creates_met),
            ],
            [
                format!("case reads, {CLIENTS} clients"),
                with_problems(rate_with_latency(&self.reads), &self.reads),
                format!("≥ {}/s", thousands(TARGET_READS_PER_S)),
                verdict(reads_met),
            ],
            [
                format!("bare axum JSON echo, {CLIENTS} clients"),
                with_problems(rate_with_latency(&self.echo), &self.echo),
                "baseline".to_owned(),
                String::new(),
            ],
            [
                "creates / echo, reads / echo".to_owned(),
                format!(
                    "{:.3}, {:.3}",
                    self.creates.rate() / echo_rate,
                    self.reads.rate() / echo_rate
                ),
                String::new(),
                String::new(),
            ],
            [
                format!(
                    "server RSS, {} SSE subscribers",
                    thousands(subscribers as f64)
                ),
                sse_result,
                format!("≤ {}", mib(TARGET_SSE_RSS)),
                verdict(sse_met),
            ],
            [
                "fan-out: assign → case event".to_owned(),
                fan_out_result,
                format!("p99 < {}", show(Some(TARGET_FAN_OUT_P99))),
                verdict(fan_out_met),
            ],
            [
                format!("chat round trip, customer ↔ expert socket, {SESSION_PAIRS} cases at once"),
                round_trip_result,
                "reported".to_owned(),
                String::new(),
            ],
            [
                format!(
                    "server RSS, {} open session sockets ({} cases)",
                    thousands((2 * HELD_SESSION_CASES) as f64),
                    thousands(HELD_SESSION_CASES as f64)
                ),
                held_result,
                format!("≤ {}", mib(TARGET_SESSIONS_RSS)),
                verdict(sessions_met),
            ],
        ];

        println!();
        println!(
            "Lifeline queue server (release, SQLite in a temp dir) on 127.0.0.1, {} CPUs, \
             load generator in the same machine; {:?} warm-up + {:?} per rate; open-file limit {open_files}",
            available_cpus(),
            WARMUP,
            MEASURE
        );
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
