//! The load generator: keep-alive HTTP/1.1 connections (one per client) driven
//! in a closed loop, and latency percentiles.
//!
//! Plain `hyper` client connections rather than a pooled client: with the
//! server on the same two cores, every cycle the generator spends is taken
//! from the server, so it does as little as it can per request.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::client::conn::http1::{self, SendRequest};
use hyper::header::{HOST, HeaderValue};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tokio::time::timeout;

/// Request bodies the generator sends.
pub type Body = Full<Bytes>;

/// How long one request may take before the client gives up on its connection.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(5);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Upper bound on requests per client in one run, beside the time bound.
const MAX_REQUESTS_PER_CLIENT: u64 = 10_000_000;

/// One keep-alive HTTP/1.1 connection to a server on loopback.
#[derive(Debug)]
pub struct Connection {
    sender: SendRequest<Body>,
    host: HeaderValue,
}

impl Connection {
    /// Connects and completes the HTTP/1.1 handshake.
    pub async fn open(addr: SocketAddr) -> Result<Self> {
        let stream = timeout(CONNECT_TIMEOUT, TcpStream::connect(addr))
            .await
            .with_context(|| format!("timed out connecting to {addr}"))?
            .with_context(|| format!("failed to connect to {addr}"))?;
        stream
            .set_nodelay(true)
            .context("failed to set TCP_NODELAY")?;
        let (sender, connection) = http1::handshake(TokioIo::new(stream))
            .await
            .context("failed the HTTP/1.1 handshake")?;
        // Drives the socket; ends when `sender` is dropped or the peer closes.
        tokio::spawn(connection);
        let host = HeaderValue::from_str(&addr.to_string()).context("bad host header")?;
        Ok(Self { sender, host })
    }

    /// Sends a request (adding `Host`) and returns the response with its body still streaming.
    pub async fn send(&mut self, mut request: Request<Body>) -> Result<Response<Incoming>> {
        request.headers_mut().insert(HOST, self.host.clone());
        self.sender.ready().await.context("the connection closed")?;
        self.sender
            .send_request(request)
            .await
            .context("the request failed")
    }

    /// Sends a request and reads the whole response body.
    pub async fn call(&mut self, request: Request<Body>) -> Result<(StatusCode, Bytes)> {
        let response = self.send(request).await?;
        let status = response.status();
        let body = response
            .into_body()
            .collect()
            .await
            .context("failed to read the response body")?
            .to_bytes();
        Ok((status, body))
    }

    /// Sends a request, expects `expected`, and parses the body as JSON.
    pub async fn json(
        &mut self,
        request: Request<Body>,
        expected: StatusCode,
    ) -> Result<serde_json::Value> {
        let what = format!("{} {}", request.method(), request.uri());
        let (status, body) = timeout(REQUEST_TIMEOUT, self.call(request))
            .await
            .with_context(|| format!("{what} timed out"))?
            .with_context(|| format!("{what} failed"))?;
        if status != expected {
            bail!(
                "{what} answered {status}, expected {expected}: {}",
                String::from_utf8_lossy(&body)
            );
        }
        serde_json::from_slice(&body).with_context(|| format!("{what} answered with bad JSON"))
    }
}

/// Makes the next request for client number `client`.
pub type MakeRequest = Arc<dyn Fn(usize) -> Request<Body> + Send + Sync>;

/// A closed-loop load: `clients` connections, each sending its next request
/// as soon as the previous answer arrives.
#[derive(Clone)]
pub struct Load {
    /// Where the clients connect: client `i` to `targets[i % targets.len()]`,
    /// so several instances of a server get an even share of the clients.
    pub targets: Vec<SocketAddr>,
    pub clients: usize,
    pub warmup: Duration,
    pub measure: Duration,
    pub expected: StatusCode,
    pub make_request: MakeRequest,
}

/// What a [`Load`] run measured.
#[derive(Debug)]
pub struct Run {
    /// Latencies of the expected answers to requests sent and answered within
    /// the measured window.
    pub latencies: Latencies,
    /// The measured window.
    pub window: Duration,
    /// Answers with another status, over the whole run (warm-up included).
    pub unexpected: u64,
    /// Transport failures and timeouts, over the whole run.
    pub failures: u64,
    /// One example of what went wrong, if anything did.
    pub first_problem: Option<String>,
}

impl Run {
    /// Expected answers per second in the measured window.
    pub fn rate(&self) -> f64 {
        self.latencies.count() as f64 / self.window.as_secs_f64()
    }

    /// A short note on problems, empty when there were none.
    pub fn problems(&self) -> String {
        if self.unexpected == 0 && self.failures == 0 {
            return String::new();
        }
        format!(
            "{} unexpected answers, {} failures (e.g. {})",
            self.unexpected,
            self.failures,
            self.first_problem.as_deref().unwrap_or("?")
        )
    }
}

impl Load {
    /// Runs the load: warm-up, then the measured window.
    pub async fn run(&self) -> Result<Run> {
        if self.targets.is_empty() {
            bail!("a load needs at least one server to send to");
        }
        let start = Instant::now();
        let measure_from = start + self.warmup;
        let until = measure_from + self.measure;
        let mut clients = tokio::task::JoinSet::new();
        for client in 0..self.clients {
            let load = self.clone();
            clients.spawn(async move { load.client(client, measure_from, until).await });
        }
        let mut latencies = Vec::new();
        let (mut unexpected, mut failures, mut first_problem) = (0, 0, None);
        while let Some(tally) = clients.join_next().await {
            let tally = tally.context("a load client panicked")?;
            latencies.extend(tally.latencies_us);
            unexpected += tally.unexpected;
            failures += tally.failures;
            first_problem = first_problem.or(tally.first_problem);
        }
        Ok(Run {
            latencies: Latencies::from_micros(latencies),
            window: self.measure,
            unexpected,
            failures,
            first_problem,
        })
    }

    async fn client(&self, client: usize, measure_from: Instant, until: Instant) -> Tally {
        let mut tally = Tally::default();
        let mut connection: Option<Connection> = None;
        for _ in 0..MAX_REQUESTS_PER_CLIENT {
            if Instant::now() >= until {
                break;
            }
            let open = match connection.as_mut() {
                Some(open) => open,
                None => match Connection::open(self.targets[client % self.targets.len()]).await {
                    Ok(open) => connection.insert(open),
                    Err(error) => {
                        tally.failed(format!("{error:#}"));
                        tokio::time::sleep(Duration::from_millis(20)).await;
                        continue;
                    }
                },
            };
            let request = (self.make_request)(client);
            let sent = Instant::now();
            let outcome = timeout(REQUEST_TIMEOUT, open.call(request)).await;
            let answered = Instant::now();
            match outcome {
                Ok(Ok((status, _))) if status == self.expected => {
                    if sent >= measure_from && answered <= until {
                        tally.latencies_us.push(micros(answered - sent));
                    }
                }
                Ok(Ok((status, body))) => {
                    tally.unexpected += 1;
                    if tally.first_problem.is_none() {
                        tally.first_problem =
                            Some(format!("{status} {}", String::from_utf8_lossy(&body)));
                    }
                }
                Ok(Err(error)) => {
                    tally.failed(format!("{error:#}"));
                    connection = None;
                }
                Err(_) => {
                    tally.failed("request timed out".to_owned());
                    connection = None;
                }
            }
        }
        tally
    }
}

#[derive(Debug, Default)]
struct Tally {
    latencies_us: Vec<u64>,
    unexpected: u64,
    failures: u64,
    first_problem: Option<String>,
}

impl Tally {
    fn failed(&mut self, problem: String) {
        self.failures += 1;
        self.first_problem.get_or_insert(problem);
    }
}

fn micros(duration: Duration) -> u64 {
    u64::try_from(duration.as_micros()).unwrap_or(u64::MAX)
}

/// A set of latencies, sorted, for percentiles.
#[derive(Debug, Clone, Default)]
pub struct Latencies {
    sorted_us: Vec<u64>,
}

impl Latencies {
    /// From latencies in microseconds, in any order.
    pub fn from_micros(mut micros: Vec<u64>) -> Self {
        micros.sort_unstable();
        Self { sorted_us: micros }
    }

    /// From durations, in any order.
    pub fn from_durations(durations: impl IntoIterator<Item = Duration>) -> Self {
        Self::from_micros(durations.into_iter().map(micros).collect())
    }

    /// How many there are.
    pub fn count(&self) -> usize {
        self.sorted_us.len()
    }

    /// The nearest-rank percentile (`p` in 0..=100); `None` when empty.
    pub fn percentile(&self, p: f64) -> Option<Duration> {
        if self.sorted_us.is_empty() {
            return None;
        }
        let rank = (p / 100.0 * self.sorted_us.len() as f64).ceil() as usize;
        let index = rank.clamp(1, self.sorted_us.len()) - 1;
        Some(Duration::from_micros(self.sorted_us[index]))
    }

    /// The largest; `None` when empty.
    pub fn max(&self) -> Option<Duration> {
        self.sorted_us.last().copied().map(Duration::from_micros)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU64, Ordering};

    use axum::Router;
    use axum::routing::get;

    use super::*;

    /// A server on a free loopback port that counts the requests it answers.
    async fn counting_server() -> Result<(SocketAddr, Arc<AtomicU64>)> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let hits = Arc::new(AtomicU64::new(0));
        let counted = hits.clone();
        let app = Router::new().route(
            "/",
            get(move || async move {
                counted.fetch_add(1, Ordering::Relaxed);
                "ok"
            }),
        );
        tokio::spawn(async move { axum::serve(listener, app).await });
        Ok((addr, hits))
    }

    fn load_of_gets(targets: Vec<SocketAddr>) -> Load {
        Load {
            targets,
            clients: 4,
            warmup: Duration::ZERO,
            measure: Duration::from_millis(300),
            expected: StatusCode::OK,
            make_request: Arc::new(|_| {
                Request::get("/")
                    .body(Body::default())
                    .expect("a valid request")
            }),
        }
    }

    #[tokio::test]
    async fn clients_are_spread_over_every_target() -> Result<()> {
        let (first, first_hits) = counting_server().await?;
        let (second, second_hits) = counting_server().await?;
        let run = load_of_gets(vec![first, second]).run().await?;
        assert_eq!(run.problems(), "");
        let (first_hits, second_hits) = (
            first_hits.load(Ordering::Relaxed),
            second_hits.load(Ordering::Relaxed),
        );
        assert!(
            first_hits > 0 && second_hits > 0,
            "both targets answer: {first_hits} and {second_hits}"
        );
        assert!(run.latencies.count() as u64 <= first_hits + second_hits);
        Ok(())
    }

    #[tokio::test]
    async fn a_load_without_targets_is_refused() {
        assert!(load_of_gets(Vec::new()).run().await.is_err());
    }

    #[test]
    fn percentiles_use_the_nearest_rank() {
        let latencies = Latencies::from_micros((1..=100).rev().collect());
        assert_eq!(latencies.percentile(50.0), Some(Duration::from_micros(50)));
        assert_eq!(latencies.percentile(99.0), Some(Duration::from_micros(99)));
        assert_eq!(
            latencies.percentile(100.0),
            Some(Duration::from_micros(100))
        );
        assert_eq!(latencies.percentile(0.0), Some(Duration::from_micros(1)));
        assert_eq!(latencies.max(), Some(Duration::from_micros(100)));
    }

    #[test]
    fn no_latencies_have_no_percentiles() {
        let latencies = Latencies::default();
        assert_eq!(latencies.percentile(50.0), None);
        assert_eq!(latencies.max(), None);
    }

    #[test]
    fn a_single_latency_is_every_percentile() {
        let latencies = Latencies::from_durations([Duration::from_millis(3)]);
        assert_eq!(latencies.percentile(1.0), Some(Duration::from_millis(3)));
        assert_eq!(latencies.percentile(99.0), Some(Duration::from_millis(3)));
    }
}
