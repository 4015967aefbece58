//! `cargo xtask bench depth`: what a read, a session join and a session
//! departure cost behind 5 and behind 100,000 waiting cases, side by side.
//! Queue positions must not make them grow with the line (issue 14).
//!
//! For each depth, a fresh server on SQLite (release, loopback), and:
//! - the line: `depth` cases created through the API (16 connections), then
//!   64 "read" cases (positions depth+1 to depth+64), then 10,000 "session"
//!   cases behind those (behind: they change no read case's position);
//! - reads: 64 clients each reading one of the read cases for 10 s;
//! - joins: an expert session socket opened on each session case (10,000
//!   presence writes of waiting cases: each computes the case's position),
//!   timed until the database holds every join;
//! - departures: all those sockets dropped at once, timed until the
//!   database holds no case with the expert marked connected (read straight
//!   from the server's SQLite file, read-only, every 10 ms).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use hyper::header::HeaderValue;
use tokio::task::JoinSet;

use super::load::Run;
use super::queue_server::LocalServer;
use super::report::{print_table, thousands, verdict};
use super::server::{
    CaseAccess, bearer, create_cases, raise_open_file_limit, rate_with_latency, read_load, summary,
};
use super::session;

/// Cases waiting ahead of the measured ones.
const DEPTHS: [usize; 2] = [5, 100_000];
/// Connections filling the line.
const FILL_CONNECTIONS: usize = 16;
/// Cases read, one per client.
const READ_CASES: usize = 64;
/// Session cases: as many joins and departures.
const SESSION_CASES: usize = 10_000;
/// How long the joins or the departures may take to be written, and how
/// often the database is read meanwhile.
const PRESENCE_LIMIT: Duration = Duration::from_secs(120);
const PRESENCE_POLL: Duration = Duration::from_millis(10);

const TARGET_READS_PER_S: f64 = 40_000.0;
const TARGET_DEPARTURES: Duration = Duration::from_secs(2);

/// What one depth measured.
struct AtDepth {
    depth: usize,
    fill: Duration,
    reads: Run,
    joins: Duration,
    joins_open: usize,
    departures: Duration,
}

/// Runs the benchmark against `binary` (a release build of `lifeline-queue`).
pub fn run(binary: PathBuf) -> Result<ExitCode> {
    raise_open_file_limit()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("failed to start the tokio runtime")?;
    let mut measured = Vec::new();
    for depth in DEPTHS {
        eprintln!("xtask: a fresh server, {depth} cases waiting ahead");
        let mut server = LocalServer::start(binary.clone())?;
        match runtime.block_on(at_depth(&mut server, depth)) {
            Ok(at_depth) => measured.push(at_depth),
            Err(error) => {
                let log = server.process.log_tail(30);
                if !log.is_empty() {
                    eprintln!("xtask: last lines of the server log:\n{log}");
                }
                return Err(error.context(format!("the depth benchmark at {depth} failed")));
            }
        }
    }
    runtime.shutdown_timeout(Duration::from_secs(2));
    print(&measured);
    Ok(ExitCode::SUCCESS)
}

async fn at_depth(local: &mut LocalServer, depth: usize) -> Result<AtDepth> {
    local.wait_until_healthy().await?;
    let addr = local.addr;
    let deployment = bearer(&local.seeded.deployment_key)?;
    let expert = bearer(&local.seeded.expert_token)?;
    let database = local.data_dir().join("lifeline.db");
    if !database.exists() {
        bail!("no SQLite database at {}", database.display());
    }

    let started = Instant::now();
    fill(addr, &deployment, depth).await?;
    let filled = started.elapsed();
    eprintln!(
        "xtask:   {depth} cases created in {:.1} s",
        filled.as_secs_f64()
    );
    let read_cases = create_cases(addr, &deployment, READ_CASES).await?;
    let session_cases = fill(addr, &deployment, SESSION_CASES).await?;
    local.process.ensure_running()?;

    eprintln!("xtask:   reads of the cases behind them");
    let reads = read_load(&[addr], read_cases).run().await?;
    eprintln!("xtask:   {}", summary(&reads));

    let sockets: Vec<(String, HeaderValue)> = session_cases
        .into_iter()
        .map(|case| (case.id, expert.clone()))
        .collect();
    let opening = Instant::now();
    let held = session::hold(addr, sockets).await?;
    let joins_open = held.open;
    // A socket's join is written on its own task once the handshake is
    // over, so the last ones may still be on their way.
    let joins = until_connected(&database, joins_open, opening).await?;
    eprintln!(
        "xtask:   {joins_open} expert sockets opened and joined in {:.2} s ({} failed{})",
        joins.as_secs_f64(),
        held.failures,
        held.first_problem
            .as_deref()
            .map(|p| format!(", e.g. {p}"))
            .unwrap_or_default()
    );
    let dropped = Instant::now();
    drop(held);
    let departures = until_connected(&database, 0, dropped).await?;
    eprintln!(
        "xtask:   {joins_open} departures recorded in {:.2} s",
        departures.as_secs_f64()
    );
    local.process.ensure_running()?;
    Ok(AtDepth {
        depth,
        fill: filled,
        reads,
        joins,
        joins_open,
        departures,
    })
}

/// Creates `count` cases over [`FILL_CONNECTIONS`] connections; returns
/// them in the order they were made (by id).
async fn fill(addr: SocketAddr, deployment: &HeaderValue, count: usize) -> Result<Vec<CaseAccess>> {
    let mut tasks = JoinSet::new();
    for part in 0..FILL_CONNECTIONS {
        let share = count / FILL_CONNECTIONS + usize::from(part < count % FILL_CONNECTIONS);
        let deployment = deployment.clone();
        tasks.spawn(async move { create_cases(addr, &deployment, share).await });
    }
    let mut cases = Vec::with_capacity(count);
    while let Some(created) = tasks.join_next().await {
        cases.extend(created.context("a filling task panicked")??);
    }
    // UUID v7 text sorts by time: the order of the line.
    cases.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(cases)
}

/// Cases the server's database holds with the expert marked connected.
fn connected(database: &Path) -> Result<usize> {
    let connection = rusqlite::Connection::open_with_flags(
        database,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .with_context(|| format!("failed to open {}", database.display()))?;
    let count: i64 = connection
        .query_row(
            "SELECT COUNT(*) FROM cases WHERE expert_connected = 1",
            [],
            |row| row.get(0),
        )
        .context("failed to count the connected cases")?;
    Ok(usize::try_from(count)?)
}

/// Polls until exactly `cases` cases are marked connected; the time since
/// `since`.
async fn until_connected(database: &Path, cases: usize, since: Instant) -> Result<Duration> {
    loop {
        let now = connected(database)?;
        if now == cases {
            return Ok(since.elapsed());
        }
        if since.elapsed() > PRESENCE_LIMIT {
            bail!("{now} cases marked connected {PRESENCE_LIMIT:?} on, not {cases}");
        }
        tokio::time::sleep(PRESENCE_POLL).await;
    }
}

fn print(measured: &[AtDepth]) {
    println!();
    println!("## Costs behind a long line (bench depth, SQLite)");
    println!();
    let rows: Vec<[String; 5]> = measured
        .iter()
        .map(|m| {
            [
                thousands(m.depth as f64),
                format!("{:.1} s", m.fill.as_secs_f64()),
                rate_with_latency(&m.reads),
                format!(
                    "{} in {:.2} s ({}/s)",
                    thousands(m.joins_open as f64),
                    m.joins.as_secs_f64(),
                    thousands(m.joins_open as f64 / m.joins.as_secs_f64())
                ),
                format!(
                    "{} in {:.2} s ({}/s)",
                    thousands(m.joins_open as f64),
                    m.departures.as_secs_f64(),
                    thousands(m.joins_open as f64 / m.departures.as_secs_f64())
                ),
            ]
        })
        .collect();
    print_table(
        &[
            "cases waiting ahead",
            "line filled in",
            "reads (64 clients)",
            "session joins",
            "session departures",
        ],
        &rows,
    );
    if let (Some(short), Some(long)) = (measured.first(), measured.last()) {
        println!();
        println!(
            "long / short line: reads {:.2}x, joins {:.2}x, departures {:.2}x (1.00x: no growth)",
            long.reads.rate() / short.reads.rate(),
            long.joins.as_secs_f64() / short.joins.as_secs_f64(),
            long.departures.as_secs_f64() / short.departures.as_secs_f64(),
        );
        println!();
        print_table(
            &["target (behind 100,000)", "measured", "verdict"],
            &[
                [
                    format!("reads >= {}/s", thousands(TARGET_READS_PER_S)),
                    format!("{}/s", thousands(long.reads.rate())),
                    verdict(long.reads.rate() >= TARGET_READS_PER_S),
                ],
                [
                    format!(
                        "{} departures <= {:.0} s",
                        thousands(SESSION_CASES as f64),
                        TARGET_DEPARTURES.as_secs_f64()
                    ),
                    format!("{:.2} s", long.departures.as_secs_f64()),
                    verdict(long.departures <= TARGET_DEPARTURES),
                ],
            ],
        );
    }
}
