//! `wrk` (Debian's package) as the load generator of `bench server`: a C
//! program with an event loop per thread, so on this two-core machine it
//! takes far less of the cores than an in-process generator would, and the
//! figures are the server's. The Lua scripts beside this file make the
//! requests; wrk's own report (`--latency`) is parsed for the figures.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use tempfile::TempDir;
use tokio::io::{AsyncBufReadExt as _, BufReader};
use tokio::process::Command;

use super::cpu;

/// Creates, each with its own `Idempotency-Key` and body; see the script.
const CREATE_SCRIPT: &str = include_str!("wrk/create.lua");
/// Reads going round a list of cases; see the script.
const READ_SCRIPT: &str = include_str!("wrk/read.lua");
/// What the create script prints when a thread of a fill has its answers.
const FILLED_MARKER: &str = "lifeline-bench: thread filled";
/// How long a request may take before wrk counts it as a timeout (its default
/// of 2 s would drop the slow answers from the latencies).
const REQUEST_TIMEOUT: &str = "5s";
/// A fill that has not finished by then is reported as a failure.
const FILL_LIMIT: Duration = Duration::from_secs(180);

/// The Lua scripts, written once to a temporary directory wrk can read.
#[derive(Debug)]
pub struct Scripts {
    dir: TempDir,
}

impl Scripts {
    pub fn write() -> Result<Self> {
        let dir = tempfile::Builder::new()
            .prefix("lifeline-wrk-")
            .tempdir()
            .context("failed to create a temp dir for the wrk scripts")?;
        for (name, text) in [("create.lua", CREATE_SCRIPT), ("read.lua", READ_SCRIPT)] {
            std::fs::write(dir.path().join(name), text)
                .with_context(|| format!("failed to write the wrk script {name}"))?;
        }
        Ok(Self { dir })
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// A file for [`Workload::Reads`]: one case per line, `<id> <token>`.
    pub fn case_list(&self, name: &str, cases: &[(String, String)]) -> Result<PathBuf> {
        let path = self.dir.path().join(name);
        let text: String = cases
            .iter()
            .map(|(id, token)| format!("{id} {token}\n"))
            .collect();
        std::fs::write(&path, text).context("failed to write the case list for wrk")?;
        Ok(path)
    }
}

/// What a wrk run sends.
#[derive(Debug, Clone)]
pub enum Workload {
    /// `GET` of one URL (nginx's static file).
    Get,
    /// `POST /api/v1/cases` with a deployment key; `run` makes the
    /// idempotency keys unique across runs on the same server.
    Creates { deployment_key: String, run: String },
    /// `GET /api/v1/cases/{id}` of the cases listed in this file.
    Reads { case_list: PathBuf },
}

/// One wrk invocation: `threads` threads, `connections` keep-alive connections.
#[derive(Debug, Clone)]
pub struct Wrk {
    pub url: String,
    pub connections: usize,
    pub duration: Duration,
    pub workload: Workload,
}

/// What wrk reported.
#[derive(Debug, Clone, PartialEq)]
pub struct WrkRun {
    pub connections: usize,
    pub requests: u64,
    pub requests_per_s: f64,
    /// The `--latency` distribution: 50, 75, 90 and 99 %.
    pub p50: Duration,
    pub p75: Duration,
    pub p90: Duration,
    pub p99: Duration,
    /// Answers with a status of 400 or more (wrk's "Non-2xx or 3xx").
    pub error_answers: u64,
    /// Connect, read and write errors and timeouts together.
    pub socket_errors: u64,
    /// CPU time wrk itself used, in cores over its run.
    pub wrk_cores: Option<f64>,
}

impl WrkRun {
    /// Empty when every request was answered without an error.
    pub fn problems(&self) -> String {
        let mut problems = Vec::new();
        if self.error_answers > 0 {
            problems.push(format!("{} answers ≥ 400", self.error_answers));
        }
        if self.socket_errors > 0 {
            problems.push(format!("{} socket errors or timeouts", self.socket_errors));
        }
        problems.join(", ")
    }
}

impl Wrk {
    /// wrk needs at least one connection per thread: two threads (one per
    /// core here), or one for a single connection.
    fn threads(&self) -> usize {
        self.connections.clamp(1, 2)
    }

    fn command(&self, scripts: &Scripts, fill_per_thread: Option<u64>) -> Command {
        let mut command = Command::new("wrk");
        command
            .arg(format!("--threads={}", self.threads()))
            .arg(format!("--connections={}", self.connections))
            .arg(format!("--duration={}s", self.duration.as_secs().max(1)))
            .arg(format!("--timeout={REQUEST_TIMEOUT}"))
            .arg("--latency");
        match &self.workload {
            Workload::Get => {
                command.arg(&self.url);
            }
            Workload::Creates {
                deployment_key,
                run,
            } => {
                command
                    .arg("--script")
                    .arg(scripts.path("create.lua"))
                    .arg(&self.url)
                    .args(["--", deployment_key, run]);
                if let Some(per_thread) = fill_per_thread {
                    command.arg(per_thread.to_string());
                }
            }
            Workload::Reads { case_list } => {
                command
                    .arg("--script")
                    .arg(scripts.path("read.lua"))
                    .arg(&self.url)
                    .arg("--")
                    .arg(case_list);
            }
        }
        command.stdin(Stdio::null()).kill_on_drop(true);
        command
    }

    /// Runs wrk for its duration and parses its report.
    pub async fn run(&self, scripts: &Scripts) -> Result<WrkRun> {
        let children_before = cpu::children_ticks();
        let started = std::time::Instant::now();
        let output = self
            .command(scripts, None)
            .output()
            .await
            .context("failed to run wrk (Debian package `wrk`)")?;
        // wrk was waited for: its CPU time is now counted among our children's.
        let elapsed = started.elapsed();
        let wrk_cores = children_before
            .zip(cpu::children_ticks())
            .map(|(before, after)| cpu::cores(after.saturating_sub(before), elapsed));
        let stdout = String::from_utf8_lossy(&output.stdout);
        if !output.status.success() {
            bail!(
                "wrk failed ({}): {}{}",
                output.status,
                stdout.trim(),
                String::from_utf8_lossy(&output.stderr).trim()
            );
        }
        let mut run = parse_report(&stdout)
            .with_context(|| format!("could not read wrk's report:\n{stdout}"))?;
        run.connections = self.connections;
        run.wrk_cores = wrk_cores;
        Ok(run)
    }

    /// Creates until `count` are answered (the create workload only; rounded
    /// up to a multiple of the threads), then stops wrk. A few more may be in
    /// flight when a thread stops, so the server may hold slightly more: the
    /// caller reads the real count from the server.
    pub async fn fill(&self, scripts: &Scripts, count: u64) -> Result<()> {
        if !matches!(self.workload, Workload::Creates { .. }) {
            bail!("only creates fill a queue");
        }
        let threads = self.threads();
        let per_thread = count.div_ceil(threads as u64);
        let mut child = self
            .command(scripts, Some(per_thread))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .context("failed to run wrk (Debian package `wrk`)")?;
        let stdout = child.stdout.take().context("wrk's stdout")?;
        // wrk's threads stop sending at their count, but wrk itself waits out
        // `--duration`: stop it once every thread has said it is done.
        let wait_for_markers = async {
            let mut lines = BufReader::new(stdout).lines();
            let mut filled = 0;
            while let Some(line) = lines.next_line().await? {
                if line.trim() == FILLED_MARKER {
                    filled += 1;
                    if filled == threads {
                        return anyhow::Ok(true);
                    }
                }
            }
            Ok(false)
        };
        let outcome = tokio::time::timeout(FILL_LIMIT, wait_for_markers).await;
        let _ = child.start_kill();
        let finished = child.wait_with_output().await;
        match outcome {
            Ok(Ok(true)) => Ok(()),
            Ok(Ok(false)) => bail!(
                "wrk ended before the queue was filled: {}",
                finished.map_or_else(
                    |error| error.to_string(),
                    |output| String::from_utf8_lossy(&output.stderr).into_owned()
                )
            ),
            Ok(Err(error)) => Err(error.context("failed to read wrk's output")),
            Err(_) => bail!("filling the queue took longer than {FILL_LIMIT:?}"),
        }
    }
}

/// Reads wrk's report (with `--latency`): requests, requests/s, the latency
/// distribution and the error lines.
pub fn parse_report(report: &str) -> Result<WrkRun> {
    let mut run = WrkRun {
        connections: 0,
        requests: 0,
        requests_per_s: f64::NAN,
        p50: Duration::ZERO,
        p75: Duration::ZERO,
        p90: Duration::ZERO,
        p99: Duration::ZERO,
        error_answers: 0,
        socket_errors: 0,
        wrk_cores: None,
    };
    let (mut seen_requests, mut seen_percentiles) = (false, 0);
    for line in report.lines().map(str::trim) {
        if let Some(rate) = line.strip_prefix("Requests/sec:") {
            run.requests_per_s = rate.trim().parse().context("bad Requests/sec")?;
        } else if let Some((count, _)) = line.split_once(" requests in ") {
            run.requests = count.trim().parse().context("bad request count")?;
            seen_requests = true;
        } else if let Some(count) = line.strip_prefix("Non-2xx or 3xx responses:") {
            run.error_answers = count.trim().parse().context("bad Non-2xx count")?;
        } else if let Some(errors) = line.strip_prefix("Socket errors:") {
            // `connect 0, read 1, write 0, timeout 2`
            for part in errors.split(',') {
                let count = part
                    .split_whitespace()
                    .nth(1)
                    .context("bad socket errors")?;
                run.socket_errors += count.parse::<u64>().context("bad socket error count")?;
            }
        } else if let Some((percent, value)) = line.split_once('%') {
            let slot = match percent.trim() {
                "50" => &mut run.p50,
                "75" => &mut run.p75,
                "90" => &mut run.p90,
                "99" => &mut run.p99,
                _ => continue,
            };
            *slot = parse_time(value.trim())?;
            seen_percentiles += 1;
        }
    }
    if !seen_requests || run.requests_per_s.is_nan() || seen_percentiles != 4 {
        bail!("no request count, rate or latency distribution (was --latency given?)");
    }
    Ok(run)
}

/// One of wrk's times: `812.00us`, `1.23ms`, `2.01s`, `1.50m`.
fn parse_time(text: &str) -> Result<Duration> {
    let split = text
        .find(|c: char| c.is_ascii_alphabetic())
        .with_context(|| format!("no unit in {text:?}"))?;
    let (number, unit) = text.split_at(split);
    let number: f64 = number
        .parse()
        .with_context(|| format!("bad number in {text:?}"))?;
    let seconds = match unit {
        "us" => number / 1e6,
        "ms" => number / 1e3,
        "s" => number,
        "m" => number * 60.0,
        "h" => number * 3600.0,
        _ => bail!("unknown unit in {text:?}"),
    };
    Ok(Duration::from_secs_f64(seconds))
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;
    use std::net::SocketAddr;
    use std::sync::{Arc, Mutex};

    use axum::Router;
    use axum::extract::{Path as UrlPath, State};
    use axum::http::{HeaderMap, StatusCode};
    use axum::routing::{get, post};

    use super::*;

    /// What the recording server saw: per request, its Authorization,
    /// Idempotency-Key (or the case id read) and body.
    type Seen = Arc<Mutex<Vec<(String, String, String)>>>;

    fn header(headers: &HeaderMap, name: &str) -> String {
        headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    }

    /// A server on a free loopback port that answers creates with 201 and
    /// reads with 200, and records every request.
    async fn recording_server() -> Result<(SocketAddr, Seen)> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let seen: Seen = Arc::default();
        let app =
            Router::new()
                .route(
                    "/api/v1/cases",
                    post(
                        |State(seen): State<Seen>, headers: HeaderMap, body: String| async move {
                            let key = header(&headers, "idempotency-key");
                            let authorization = header(&headers, "authorization");
                            seen.lock()
                                .expect("not poisoned")
                                .push((authorization, key, body));
                            StatusCode::CREATED
                        },
                    ),
                )
                .route(
                    "/api/v1/cases/{id}",
                    get(
                        |State(seen): State<Seen>,
                         UrlPath(id): UrlPath<String>,
                         headers: HeaderMap| async move {
                            let authorization = header(&headers, "authorization");
                            seen.lock().expect("not poisoned").push((
                                authorization,
                                id,
                                String::new(),
                            ));
                            "{}"
                        },
                    ),
                )
                .with_state(seen.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Ok((addr, seen))
    }

    fn creates(addr: SocketAddr, connections: usize, duration: Duration, run: &str) -> Wrk {
        Wrk {
            url: format!("http://{addr}/api/v1/cases"),
            connections,
            duration,
            workload: Workload::Creates {
                deployment_key: "dk_test".to_owned(),
                run: run.to_owned(),
            },
        }
    }

    #[tokio::test]
    async fn every_create_has_its_own_key_and_body() -> Result<()> {
        let (addr, seen) = recording_server().await?;
        let scripts = Scripts::write()?;
        let run = creates(addr, 4, Duration::from_secs(1), "first")
            .run(&scripts)
            .await?;
        // A second run on the same server must not repeat the first's keys.
        creates(addr, 4, Duration::from_secs(1), "second")
            .run(&scripts)
            .await?;
        assert_eq!(run.problems(), "");
        assert!(run.requests > 0 && run.requests_per_s > 0.0);
        let seen = seen.lock().expect("not poisoned");
        assert!(seen.len() as u64 >= run.requests);
        let mut keys = HashSet::new();
        for (authorization, key, body) in seen.iter() {
            assert_eq!(authorization, "Bearer dk_test");
            assert!(keys.insert(key.clone()), "the key {key} came twice");
            let body: serde_json::Value = serde_json::from_str(body)?;
            assert_eq!(body["channel"], "sos");
            assert_eq!(body["description"], format!("bench {key}"));
        }
        Ok(())
    }

    #[tokio::test]
    async fn a_fill_stops_at_its_count_long_before_the_duration() -> Result<()> {
        let (addr, seen) = recording_server().await?;
        let scripts = Scripts::write()?;
        let started = std::time::Instant::now();
        creates(addr, 8, Duration::from_secs(120), "fill")
            .fill(&scripts, 1_000)
            .await?;
        assert!(started.elapsed() < Duration::from_secs(60));
        let created = seen.lock().expect("not poisoned").len();
        // Each thread stops at its 500th answer; at most its other
        // connections' requests were still in flight.
        assert!((1_000..=1_008).contains(&created), "{created} created");
        Ok(())
    }

    #[tokio::test]
    async fn reads_go_round_the_cases_each_with_its_own_token() -> Result<()> {
        let (addr, seen) = recording_server().await?;
        let scripts = Scripts::write()?;
        let cases: Vec<(String, String)> = (1..=3)
            .map(|n| (format!("case-{n}"), format!("ct_token-{n}")))
            .collect();
        let wrk = Wrk {
            url: format!("http://{addr}/"),
            connections: 2,
            duration: Duration::from_secs(1),
            workload: Workload::Reads {
                case_list: scripts.case_list("cases.txt", &cases)?,
            },
        };
        let run = wrk.run(&scripts).await?;
        assert_eq!(run.problems(), "");
        let seen = seen.lock().expect("not poisoned");
        let read: HashSet<&str> = seen.iter().map(|(_, id, _)| id.as_str()).collect();
        assert_eq!(read, HashSet::from(["case-1", "case-2", "case-3"]));
        for (authorization, id, _) in seen.iter() {
            let n = id.trim_start_matches("case-");
            assert_eq!(authorization, &format!("Bearer ct_token-{n}"));
        }
        Ok(())
    }

    #[tokio::test]
    async fn errors_and_a_missing_case_list_are_reported() -> Result<()> {
        let (addr, _) = recording_server().await?;
        let scripts = Scripts::write()?;
        let not_found = Wrk {
            url: format!("http://{addr}/nothing-here"),
            connections: 1,
            duration: Duration::from_secs(1),
            workload: Workload::Get,
        };
        let run = not_found.run(&scripts).await?;
        assert!(run.error_answers > 0 && run.error_answers == run.requests);
        let missing = Wrk {
            workload: Workload::Reads {
                case_list: scripts.dir.path().join("no-such-list.txt"),
            },
            ..not_found
        };
        assert!(missing.run(&scripts).await.is_err());
        Ok(())
    }

    /// A report as wrk 4.1 prints it with `--latency`, errors included.
    const REPORT: &str = "Running 10s test @ http://127.0.0.1:18089/static.txt
  2 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     4.49ms   10.81ms 108.32ms   95.43%
    Req/Sec    13.90k     7.00k   30.71k    67.35%
  Latency Distribution
     50%  812.00us
     75%    3.81ms
     90%    8.49ms
     99%    1.02s
  137106 requests in 10.01s, 135.85MB read
  Socket errors: connect 0, read 3, write 1, timeout 2
  Non-2xx or 3xx responses: 5
Requests/sec:  13697.10
Transfer/sec:     13.57MB
";

    #[test]
    fn a_report_gives_the_rate_the_distribution_and_the_errors() -> Result<()> {
        let run = parse_report(REPORT)?;
        assert_eq!(run.requests, 137_106);
        assert!((run.requests_per_s - 13_697.10).abs() < 1e-6);
        assert_eq!(run.p50, Duration::from_micros(812));
        assert_eq!(run.p75, Duration::from_micros(3_810));
        assert_eq!(run.p90, Duration::from_micros(8_490));
        assert_eq!(run.p99, Duration::from_millis(1_020));
        assert_eq!(run.error_answers, 5);
        assert_eq!(run.socket_errors, 6);
        assert_eq!(
            run.problems(),
            "5 answers ≥ 400, 6 socket errors or timeouts"
        );
        Ok(())
    }

    #[test]
    fn a_report_without_the_distribution_is_refused() {
        let without: String = REPORT
            .lines()
            .filter(|line| !line.contains('%') || line.contains("Stdev"))
            .map(|line| format!("{line}\n"))
            .collect();
        assert!(parse_report(&without).is_err());
        assert!(parse_report("").is_err());
    }

    #[test]
    fn times_take_wrks_units() -> Result<()> {
        assert_eq!(parse_time("12.50us")?, Duration::from_nanos(12_500));
        assert_eq!(parse_time("1.50m")?, Duration::from_secs(90));
        assert!(parse_time("3.00").is_err());
        assert!(parse_time("3.00parsecs").is_err());
        Ok(())
    }
}
