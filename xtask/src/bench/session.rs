//! The live session under load: chat round trips between the two sockets of
//! a case, and how much memory many open session sockets take.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use futures_util::{SinkExt as _, StreamExt as _};
use hyper::header::HeaderValue;
use tokio::net::TcpStream;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use super::load::Latencies;

pub(super) type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Round trips per pair of sockets: within the server's burst of 10 messages
/// per socket, so its chat rate limit never sets the figure.
const ROUND_TRIPS_PER_PAIR: usize = 8;
/// Sockets being opened at once.
const OPEN_CONCURRENCY: usize = 200;
const FRAME_TIMEOUT: Duration = Duration::from_secs(10);

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
    let (socket, _) = tokio_tungstenite::connect_async(request)
        .await
        .context("failed to open a session socket")?;
    Ok(socket)
}

async fn send_chat(socket: &mut Socket, text: &str) -> Result<()> {
    let frame = serde_json::json!({ "type": "message", "text": text });
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

/// Chat round trips: on each case the customer's socket sends, the expert's
/// socket answers when it sees it, and the time until the customer sees the
/// answer is one round trip. All pairs run at once.
pub async fn round_trips(
    addr: SocketAddr,
    cases: &[(String, HeaderValue)],
    expert: &HeaderValue,
) -> Result<(Latencies, usize, Option<String>)> {
    let mut pairs = JoinSet::new();
    for (case_id, customer) in cases {
        let (case_id, customer, expert) = (case_id.clone(), customer.clone(), expert.clone());
        pairs.spawn(async move {
            let mut customer = open(addr, &case_id, &customer).await?;
            let mut expert = open(addr, &case_id, &expert).await?;
            let mut times = Vec::with_capacity(ROUND_TRIPS_PER_PAIR);
            for i in 0..ROUND_TRIPS_PER_PAIR {
                let (ping, pong) = (format!("ping {i}"), format!("pong {i}"));
                let started = Instant::now();
                send_chat(&mut customer, &ping).await?;
                receive_chat(&mut expert, &ping).await?;
                send_chat(&mut expert, &pong).await?;
                receive_chat(&mut customer, &pong).await?;
                times.push(started.elapsed());
            }
            let _ = customer.close(None).await;
            let _ = expert.close(None).await;
            anyhow::Ok(times)
        });
    }
    let mut all = Vec::new();
    let (mut failures, mut first_problem) = (0, None);
    while let Some(joined) = pairs.join_next().await {
        match joined.context("a round-trip task panicked")? {
            Ok(times) => all.extend(times),
            Err(error) => {
                failures += 1;
                first_problem.get_or_insert_with(|| format!("{error:#}"));
            }
        }
    }
    Ok((Latencies::from_durations(all), failures, first_problem))
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
