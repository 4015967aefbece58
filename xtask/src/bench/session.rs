//! The live session under load: chat round trips between the two sockets of
//! a case, and how much memory many open session sockets take. Also
//! `cargo xtask bench session`: the chat round trips alone, on a server of
//! their own, a few rounds in a minute.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use futures_util::{SinkExt as _, StreamExt as _};
use hyper::header::HeaderValue;
use tokio::net::TcpStream;
use tokio::sync::{Barrier, Semaphore};
use tokio::task::JoinSet;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use super::cpu::{load_average, utc_now};
use super::load::Latencies;
use super::queue_server::{Backend, LocalServer};
use super::report::{print_table, show, verdict};
use super::server::{SESSION_PAIRS, bearer, create_cases};

pub(super) type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Round trips per pair of sockets: within the server's burst of 10 messages
/// per socket, so its chat rate limit never sets the figure.
const ROUND_TRIPS_PER_PAIR: usize = 8;
/// Sockets being opened at once.
const OPEN_CONCURRENCY: usize = 200;
const FRAME_TIMEOUT: Duration = Duration::from_secs(10);
/// Issue 14: a chat round trip's p99 with 100 cases chatting at once.
pub const TARGET_ROUND_TRIP_P99: Duration = Duration::from_millis(100);

/// `cargo xtask bench session`: `rounds` rounds of chat round trips, each on
/// [`SESSION_PAIRS`] new cases chatting at once (new, so the chat budget of
/// the cases never sets the figure), on one server on `backend`. Prints each
/// round and all of them together beside the target.
pub fn run(binary: PathBuf, backend: &Backend, rounds: usize) -> Result<ExitCode> {
    let mut local = LocalServer::start_on(binary, backend, 1)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("failed to start the tokio runtime")?;
    let started = utc_now();
    let measured = runtime.block_on(measure_rounds(&mut local, rounds));
    runtime.shutdown_timeout(Duration::from_secs(2));
    let measured = match measured {
        Ok(measured) => measured,
        Err(error) => {
            let log_tail = local.process.log_tail(30);
            if !log_tail.is_empty() {
                eprintln!("xtask: last lines of the server log:\n{log_tail}");
            }
            return Err(error.context("the session benchmark failed"));
        }
    };
    let rows: Vec<[String; 8]> = measured
        .iter()
        .map(|(label, load, round)| {
            [
                label.clone(),
                load.clone(),
                show(round.whole.percentile(50.0)),
                show(round.whole.percentile(95.0)),
                show(round.whole.percentile(99.0)),
                show(round.whole.max()),
                format!(
                    "{} / {}",
                    show(round.to_expert.percentile(99.0)),
                    show(round.back.percentile(99.0))
                ),
                round.whole.count().to_string(),
            ]
        })
        .collect();
    println!();
    println!(
        "Chat round trips (customer socket → server → expert socket → back), \
         {SESSION_PAIRS} cases at once, {ROUND_TRIPS_PER_PAIR} each per round; \
         started {started}, load average (1 5 15 min) after each round:"
    );
    println!();
    print_table(
        &[
            "round",
            "load average",
            "p50",
            "p95",
            "p99",
            "max",
            "p99 there / back",
            "round trips",
        ],
        &rows,
    );
    let all = Latencies::from_durations(
        measured
            .iter()
            .flat_map(|(_, _, round)| round.all.iter().copied()),
    );
    let failures: usize = measured.iter().map(|(_, _, round)| round.failures).sum();
    let p99 = all.percentile(99.0);
    let met = failures == 0 && p99.is_some_and(|p99| p99 <= TARGET_ROUND_TRIP_P99);
    println!();
    println!(
        "All rounds: p50 {}, p95 {}, p99 {} over {} round trips; target p99 ≤ {}: {}",
        show(all.percentile(50.0)),
        show(all.percentile(95.0)),
        show(p99),
        all.count(),
        show(Some(TARGET_ROUND_TRIP_P99)),
        verdict(met)
    );
    if let Some((_, _, failed)) = measured.iter().find(|(_, _, round)| round.failures > 0) {
        println!(
            "{failures} pairs failed (e.g. {})",
            failed.first_problem.as_deref().unwrap_or("?")
        );
    }
    if let Some(status) = local.process.exited() {
        eprintln!("xtask: warning: the server exited during the run ({status})");
    }
    Ok(ExitCode::SUCCESS)
}

/// Each round's label, the load average after it, and what it measured.
async fn measure_rounds(
    local: &mut LocalServer,
    rounds: usize,
) -> Result<Vec<(String, String, RoundTrips)>> {
    local.wait_until_healthy().await?;
    let addr = local.addr;
    let deployment = bearer(&local.seeded.deployment_key)?;
    let expert = bearer(&local.seeded.expert_token)?;
    let mut measured = Vec::with_capacity(rounds);
    for round in 1..=rounds {
        let pairs: Vec<(String, HeaderValue)> = create_cases(addr, &deployment, SESSION_PAIRS)
            .await?
            .into_iter()
            .map(|case| (case.id, case.authorization))
            .collect();
        let trips = measure_round_trips(addr, &pairs, &expert).await?;
        eprintln!(
            "xtask: round {round}: {} round trips, p50 {}, p99 {}",
            trips.whole.count(),
            show(trips.whole.percentile(50.0)),
            show(trips.whole.percentile(99.0))
        );
        local.process.ensure_running()?;
        measured.push((round.to_string(), load_average(), trips));
    }
    Ok(measured)
}

/// Opens the session socket of case `case_id` with `authorization`.
pub(super) async fn open(
    addr: SocketAddr,
    case_id: &str,
    authorization: &HeaderValue,
) -> Result<Socket> {
    let mut request = format!("ws://{addr}/api/v1/cases/{case_id}/session")
        .into_client_request()
        .context("a session URL")?;
    request
        .headers_mut()
        .insert("authorization", authorization.clone());
    // Nagle off, as browsers and the apps have it: chat frames are small.
    let (socket, _) = tokio_tungstenite::connect_async_with_config(request, None, true)
        .await
        .context("failed to open a session socket")?;
    Ok(socket)
}

/// Sends a chat message as the apps do: with an id of its own, so a re-send
/// after a reconnect is stored once (the server checks it on every message).
async fn send_chat(socket: &mut Socket, text: &str) -> Result<()> {
    let frame = serde_json::json!({ "type": "message", "text": text, "id": uuid::Uuid::now_v7() });
    socket
        .send(Message::Text(frame.to_string().into()))
        .await
        .context("failed to send a chat frame")
}

/// Reads frames until the chat message `text` arrives (pings are answered
/// by the library while reading).
async fn receive_chat(socket: &mut Socket, text: &str) -> Result<()> {
    let wait = async {
        while let Some(frame) = socket.next().await {
            if let Message::Text(body) = frame.context("the session socket failed")? {
                let frame: serde_json::Value = serde_json::from_str(&body)?;
                if frame["type"] == "message" && frame["text"] == text {
                    return Ok(());
                }
                if frame["type"] == "error" {
                    bail!("the server refused a chat frame: {}", frame["message"]);
                }
            }
        }
        bail!("the session socket closed")
    };
    tokio::time::timeout(FRAME_TIMEOUT, wait)
        .await
        .with_context(|| format!("no {text:?} within {FRAME_TIMEOUT:?}"))?
}

/// What the chat round trips measured: each whole round trip and its two
/// legs (customer → expert, and expert → customer including the expert's send).
#[derive(Debug, Default)]
pub struct RoundTrips {
    pub whole: Latencies,
    pub to_expert: Latencies,
    pub back: Latencies,
    /// The whole round trips as measured, to pool several rounds.
    pub all: Vec<Duration>,
    /// Pairs that failed (a socket did not open, a frame did not come).
    pub failures: usize,
    pub first_problem: Option<String>,
}

/// Chat round trips: on each case the customer's socket sends, the expert's
/// socket answers when it sees it, and the time until the customer sees the
/// answer is one round trip. Every pair opens both its sockets first; the
/// round trips start together once all are open, so what is measured is
/// chat among `cases.len()` cases at once, not the sockets' opening.
pub async fn round_trips(
    addr: SocketAddr,
    cases: &[(String, HeaderValue)],
    expert: &HeaderValue,
) -> Result<(Latencies, usize, Option<String>)> {
    let measured = measure_round_trips(addr, cases, expert).await?;
    Ok((measured.whole, measured.failures, measured.first_problem))
}

/// [`round_trips`] with the legs.
pub async fn measure_round_trips(
    addr: SocketAddr,
    cases: &[(String, HeaderValue)],
    expert: &HeaderValue,
) -> Result<RoundTrips> {
    // A pair that fails to open still reaches the barrier, so the others go on.
    let opened = Arc::new(Barrier::new(cases.len()));
    let mut pairs = JoinSet::new();
    for (case_id, customer) in cases {
        let (case_id, customer, expert) = (case_id.clone(), customer.clone(), expert.clone());
        let opened = Arc::clone(&opened);
        pairs.spawn(async move {
            let sockets = async {
                let customer = open(addr, &case_id, &customer).await?;
                let expert = open(addr, &case_id, &expert).await?;
                anyhow::Ok((customer, expert))
            }
            .await;
            opened.wait().await;
            let (mut customer, mut expert) = sockets?;
            let mut legs = Vec::with_capacity(ROUND_TRIPS_PER_PAIR);
            for i in 0..ROUND_TRIPS_PER_PAIR {
                let (ping, pong) = (format!("ping {i}"), format!("pong {i}"));
                let started = Instant::now();
                send_chat(&mut customer, &ping).await?;
                receive_chat(&mut expert, &ping).await?;
                let seen = Instant::now();
                send_chat(&mut expert, &pong).await?;
                receive_chat(&mut customer, &pong).await?;
                legs.push((seen - started, seen.elapsed()));
            }
            let _ = customer.close(None).await;
            let _ = expert.close(None).await;
            anyhow::Ok(legs)
        });
    }
    let (mut whole, mut to_expert, mut back) = (Vec::new(), Vec::new(), Vec::new());
    let mut measured = RoundTrips::default();
    while let Some(joined) = pairs.join_next().await {
        match joined.context("a round-trip task panicked")? {
            Ok(legs) => {
                for (there, returned) in legs {
                    whole.push(there + returned);
                    to_expert.push(there);
                    back.push(returned);
                }
            }
            Err(error) => {
                measured.failures += 1;
                measured
                    .first_problem
                    .get_or_insert_with(|| format!("{error:#}"));
            }
        }
    }
    measured.all.clone_from(&whole);
    measured.whole = Latencies::from_durations(whole);
    measured.to_expert = Latencies::from_durations(to_expert);
    measured.back = Latencies::from_durations(back);
    Ok(measured)
}

/// Session sockets kept open (each reading, so it answers the server's pings)
/// until dropped.
pub struct HeldSessions {
    pub open: usize,
    pub failures: usize,
    pub first_problem: Option<String>,
    pub elapsed: Duration,
    _readers: JoinSet<()>,
}

/// Opens one socket per (case, credential) pair and keeps them all open.
pub async fn hold(addr: SocketAddr, sockets: Vec<(String, HeaderValue)>) -> Result<HeldSessions> {
    let started = Instant::now();
    let limit = Arc::new(Semaphore::new(OPEN_CONCURRENCY));
    let mut opening = JoinSet::new();
    for (case_id, authorization) in sockets {
        let limit = Arc::clone(&limit);
        opening.spawn(async move {
            let _permit = limit.acquire_owned().await?;
            open(addr, &case_id, &authorization).await
        });
    }
    let mut readers = JoinSet::new();
    let (mut open_count, mut failures, mut first_problem) = (0, 0, None);
    while let Some(opened) = opening.join_next().await {
        match opened.context("an opening task panicked")? {
            Ok(mut socket) => {
                open_count += 1;
                readers.spawn(async move { while let Some(Ok(_)) = socket.next().await {} });
            }
            Err(error) => {
                failures += 1;
                first_problem.get_or_insert_with(|| format!("{error:#}"));
            }
        }
    }
    Ok(HeldSessions {
        open: open_count,
        failures,
        first_problem,
        elapsed: started.elapsed(),
        _readers: readers,
    })
}
