//! `cargo xtask bench server --database postgres`: the queue server on
//! PostgreSQL with one instance and with two, beside SQLite.
//!
//! Three configurations, each on a fresh server, data dir and database:
//! SQLite (one instance), PostgreSQL with one instance, and PostgreSQL with
//! two instances sharing the database and the data dir's `secret.key`. The
//! same phases run on each, in this order: case reads, fan-out, durable
//! creates (which leave a backlog behind, so they come last).
//!
//! With two instances the load generator spreads its clients over both
//! (client `i` to instance `i mod 2`): no load balancer is in the path, so the
//! figures are the servers' and the database's, not a proxy's. The fan-out's
//! SSE subscribers sit on the second instance and the assigns go to the
//! first, so every delivery crosses instances. With one instance both are on
//! it, which is the figure the cross-instance one compares with.
//!
//! During each rate phase the CPU time of the server processes, of the
//! benchmark database's PostgreSQL backends and of the load generator is
//! read from `/proc`, with the machine's busy share: on a shared 2-core
//! machine that says where the cores went, i.e. where the bottleneck is.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use super::cpu::{self, load_average, machine_busy_ticks, process_ticks, utc_now};
use super::load::Run;
use super::queue_server::{Backend, LocalServer};
use super::report::{print_table, show, thousands};
use super::server::{
    self, CLIENTS, FanOut, MEASURE, TARGET_CREATE_P99, TARGET_CREATES_PER_S, TARGET_READS_PER_S,
    WARMUP, bearer, create_cases, create_load, expert_id, fan_out, rate_with_latency, read_load,
    subscribe_all, with_problems,
};
use crate::postgres;

/// The fan-out layout: 4,000 subscribers, 4 per case (the server's cap per
/// case token), on each configuration alike.
const FAN_OUT_CASES: usize = 1_000;
const SUBSCRIBERS_PER_CASE: usize = 4;
/// The target for a change on one instance reaching a subscriber on another.
const TARGET_CROSS_FAN_OUT_P99: Duration = Duration::from_millis(500);
/// How often the creates phase samples what PostgreSQL's backends are doing
/// (each sample is a `psql` run, so not too often on two cores).
const SAMPLE_EVERY: Duration = Duration::from_millis(200);
/// The busiest backend states printed per configuration.
const STATES_SHOWN: usize = 8;

/// One server layout the benchmark measures.
#[derive(Debug)]
struct Configuration {
    name: &'static str,
    backend: Backend,
    instances: usize,
}

/// Measures SQLite, PostgreSQL × 1 and PostgreSQL × 2 with `binary` and
/// prints them side by side.
pub fn run(binary: PathBuf) -> Result<ExitCode> {
    let open_files = server::raise_open_file_limit()?;
    let maintenance_url = postgres::test_database_url(false)?.context(
        "`bench server --database postgres` needs the local PostgreSQL on 127.0.0.1:5432 (see above)",
    )?;
    let postgres_setting = |name| {
        postgres::setting(&maintenance_url, name).unwrap_or_else(|error| format!("? ({error:#})"))
    };
    let postgres_settings = format!(
        "PostgreSQL {} (fsync {}, synchronous_commit {})",
        postgres_setting("server_version"),
        postgres_setting("fsync"),
        postgres_setting("synchronous_commit")
    );
    let configurations = [
        Configuration {
            name: "SQLite, 1 instance",
            backend: Backend::Sqlite,
            instances: 1,
        },
        Configuration {
            name: "PostgreSQL, 1 instance",
            backend: Backend::Postgres {
                maintenance_url: maintenance_url.clone(),
            },
            instances: 1,
        },
        Configuration {
            name: "PostgreSQL, 2 instances",
            backend: Backend::Postgres { maintenance_url },
            instances: 2,
        },
    ];

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("failed to start the tokio runtime")?;
    let load_before = load_average();
    let started = utc_now();
    let results = configurations.each_ref().map(|configuration| {
        eprintln!("xtask: == {} ==", configuration.name);
        let outcome = LocalServer::start_on(
            binary.clone(),
            &configuration.backend,
            configuration.instances,
        )
        .and_then(|mut local| {
            let maintenance_url = match &configuration.backend {
                Backend::Sqlite => None,
                Backend::Postgres { maintenance_url } => Some(maintenance_url.as_str()),
            };
            let measured = runtime.block_on(measure(&mut local, maintenance_url));
            if measured.is_err() {
                for (index, process) in local.processes_mut().enumerate() {
                    let tail = process.log_tail(30);
                    if !tail.is_empty() {
                        eprintln!("xtask: last lines of instance {index}'s log:\n{tail}");
                    }
                }
            }
            measured
        });
        if let Err(error) = &outcome {
            eprintln!("xtask: {} failed: {error:#}", configuration.name);
        }
        outcome
    });
    runtime.shutdown_timeout(Duration::from_secs(2));

    println!();
    println!(
        "Lifeline queue server (release) on 127.0.0.1, {started}; {} CPUs, load average {} before \
         and {} after; {postgres_settings} on 127.0.0.1:5432; load generator in the same machine, its clients spread over the \
         instances (no load balancer); {WARMUP:?} warm-up + {MEASURE:?} per rate; open-file limit \
         {open_files}",
        server::available_cpus(),
        load_before,
        load_average(),
    );
    println!();
    print_report(&configurations, &results);
    print_backend_states(&configurations, &results);
    Ok(if results.iter().all(Result::is_ok) {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// What one configuration measured.
#[derive(Debug)]
struct Measured {
    reads: Run,
    reads_cpu: CpuUse,
    creates: Run,
    creates_cpu: CpuUse,
    fan_out: FanOut,
    subscribed: usize,
    subscribe_failures: usize,
    subscribe_problem: Option<String>,
    /// Whether the subscribers were on another instance than the assigns.
    fan_out_crosses: bool,
    /// On PostgreSQL: what its backends were doing during the creates.
    creates_backends: Option<BackendStates>,
}

/// Measures the server `local`; `maintenance_url` (on PostgreSQL) is where
/// the backends' activity is sampled from, outside the benchmark database.
async fn measure(local: &mut LocalServer, maintenance_url: Option<&str>) -> Result<Measured> {
    local.wait_until_healthy().await?;
    let addrs = local.addrs();
    let (first, last) = (addrs[0], addrs[addrs.len() - 1]);
    let deployment = bearer(&local.seeded.deployment_key)?;
    let expert = bearer(&local.seeded.expert_token)?;
    let servers: Vec<u32> = local.processes_mut().map(|process| process.pid()).collect();
    let database = local.database_name().map(str::to_owned);
    let meter = || CpuMeter::start(&servers, database.as_deref());

    eprintln!(
        "xtask: reads: {CLIENTS} clients over {} instance(s)",
        addrs.len()
    );
    let read_cases = create_cases(first, &deployment, CLIENTS).await?;
    let cpu = meter();
    let reads = read_load(&addrs, read_cases).run().await?;
    let reads_cpu = cpu.finish();
    eprintln!(
        "xtask:   {}; CPU {}",
        with_problems(rate_with_latency(&reads), &reads),
        reads_cpu.describe()
    );
    ensure_running(local)?;

    eprintln!(
        "xtask: fan-out: {} subscribers over {FAN_OUT_CASES} cases on {last}, assigns to {first}",
        FAN_OUT_CASES * SUBSCRIBERS_PER_CASE
    );
    let sse_cases = create_cases(first, &deployment, FAN_OUT_CASES).await?;
    let expert_id = expert_id(first, &expert).await?;
    let subscribed = subscribe_all(last, &sse_cases, SUBSCRIBERS_PER_CASE).await?;
    let (subscribed_count, subscribe_failures, subscribe_problem) = (
        subscribed.subscribers.len(),
        subscribed.failures,
        subscribed.first_problem.clone(),
    );
    let fan_out = fan_out(
        first,
        &sse_cases,
        subscribed.subscribers,
        &expert_id,
        &expert,
    )
    .await?;
    eprintln!(
        "xtask:   {} deliveries, p99 {}, {} missing",
        fan_out.latencies.count(),
        show(fan_out.latencies.percentile(99.0)),
        fan_out.missing
    );
    ensure_running(local)?;

    eprintln!(
        "xtask: durable creates: {CLIENTS} clients over {} instance(s)",
        addrs.len()
    );
    let cpu = meter();
    let sampler = maintenance_url
        .zip(database.as_deref())
        .map(|(url, database)| BackendSampler::start(url, database));
    let creates = create_load(&addrs, deployment).run().await?;
    let creates_cpu = cpu.finish();
    let creates_backends = sampler.map(BackendSampler::finish).transpose()?;
    eprintln!(
        "xtask:   {}; CPU {}",
        with_problems(rate_with_latency(&creates), &creates),
        creates_cpu.describe()
    );
    ensure_running(local)?;

    Ok(Measured {
        reads,
        reads_cpu,
        creates,
        creates_cpu,
        fan_out,
        subscribed: subscribed_count,
        subscribe_failures,
        subscribe_problem,
        fan_out_crosses: first != last,
        creates_backends,
    })
}

fn ensure_running(local: &mut LocalServer) -> Result<()> {
    for (index, process) in local.processes_mut().enumerate() {
        process
            .ensure_running()
            .with_context(|| format!("instance {index}"))?;
    }
    Ok(())
}

fn print_report(configurations: &[Configuration; 3], results: &[Result<Measured>; 3]) {
    let cells = |cell: &dyn Fn(&Measured) -> String| -> [String; 3] {
        std::array::from_fn(|index| match &results[index] {
            Ok(measured) => cell(measured),
            Err(error) => format!("failed: {error:#}"),
        })
    };
    let creates = cells(&|m| {
        let met = m.creates.rate() >= TARGET_CREATES_PER_S
            && m.creates
                .latencies
                .percentile(99.0)
                .is_some_and(|p99| p99 < TARGET_CREATE_P99)
            && m.creates.problems().is_empty();
        with_verdict(
            with_problems(rate_with_latency(&m.creates), &m.creates),
            met,
        )
    });
    let reads = cells(&|m| {
        let met = m.reads.rate() >= TARGET_READS_PER_S && m.reads.problems().is_empty();
        with_verdict(with_problems(rate_with_latency(&m.reads), &m.reads), met)
    });
    let fan_out = cells(&|m| {
        let p99 = m.fan_out.latencies.percentile(99.0);
        let mut text = format!(
            "{}: p50 {}, p99 {}, max {} over {} deliveries",
            if m.fan_out_crosses {
                "across instances"
            } else {
                "same instance"
            },
            show(m.fan_out.latencies.percentile(50.0)),
            show(p99),
            show(m.fan_out.latencies.max()),
            thousands(m.fan_out.latencies.count() as f64),
        );
        if m.fan_out.missing > 0 {
            text.push_str(&format!(
                "; {} missing",
                thousands(m.fan_out.missing as f64)
            ));
        }
        if m.subscribe_failures > 0 {
            text.push_str(&format!(
                "; {} of {} failed to subscribe (e.g. {})",
                m.subscribe_failures,
                m.subscribe_failures + m.subscribed,
                m.subscribe_problem.as_deref().unwrap_or("?")
            ));
        }
        if m.fan_out_crosses {
            let met = m.fan_out.missing == 0
                && m.subscribe_failures == 0
                && p99.is_some_and(|p99| p99 < TARGET_CROSS_FAN_OUT_P99);
            text = with_verdict(text, met);
        }
        text
    });
    let creates_cpu = cells(&|m| m.creates_cpu.describe());
    let reads_cpu = cells(&|m| m.reads_cpu.describe());

    let header: [&str; 5] = [
        "measure",
        configurations[0].name,
        configurations[1].name,
        configurations[2].name,
        "target",
    ];
    let row = |measure: String, cells: [String; 3], target: String| -> [String; 5] {
        let [first, second, third] = cells;
        [measure, first, second, third, target]
    };
    let rows = [
        row(
            format!("durable creates, {CLIENTS} clients"),
            creates,
            format!(
                "≥ {}/s, p99 < {}",
                thousands(TARGET_CREATES_PER_S),
                show(Some(TARGET_CREATE_P99))
            ),
        ),
        row(
            format!(
                "CPU during creates, in cores of {}",
                server::available_cpus()
            ),
            creates_cpu,
            String::new(),
        ),
        row(
            format!("case reads, {CLIENTS} clients"),
            reads,
            format!("≥ {}/s", thousands(TARGET_READS_PER_S)),
        ),
        row(
            format!("CPU during reads, in cores of {}", server::available_cpus()),
            reads_cpu,
            String::new(),
        ),
        row(
            format!(
                "fan-out: assign → case event, {} SSE subscribers on {} cases",
                thousands((FAN_OUT_CASES * SUBSCRIBERS_PER_CASE) as f64),
                thousands(FAN_OUT_CASES as f64)
            ),
            fan_out,
            format!(
                "across instances: p99 < {}",
                show(Some(TARGET_CROSS_FAN_OUT_P99))
            ),
        ),
    ];
    print_table(&header, &rows);
}

/// What PostgreSQL's backends did during the creates, per configuration on it.
fn print_backend_states(configurations: &[Configuration; 3], results: &[Result<Measured>; 3]) {
    for (configuration, result) in configurations.iter().zip(results) {
        let Ok(Measured {
            creates_backends: Some(states),
            ..
        }) = result
        else {
            continue;
        };
        println!();
        println!(
            "{}: the benchmark database's busy backends during the creates, {} samples {:?} apart \
             (mean backends in each state | wait | last statement; `active | no wait` is a \
             statement running, `idle in transaction | Client:ClientRead` a transaction \
             waiting for the server's next statement):",
            configuration.name, states.samples, SAMPLE_EVERY
        );
        for (state, count) in states.counts.iter().take(STATES_SHOWN) {
            println!(
                "    {:.2}  {state}",
                *count as f64 / states.samples.max(1) as f64
            );
        }
    }
}

fn with_verdict(text: String, met: bool) -> String {
    if met {
        format!("{text} — met")
    } else {
        format!("{text} — **missed**")
    }
}

/// CPU time spent over a phase, by whom.
#[derive(Debug)]
struct CpuUse {
    elapsed: Duration,
    servers_ticks: u64,
    postgres_ticks: u64,
    /// The one PostgreSQL backend that used the most (the writer's, on creates).
    busiest_backend_ticks: u64,
    generator_ticks: u64,
    /// Busy time of all the machine's CPUs together, whoever used it.
    machine_busy_ticks: u64,
    has_postgres: bool,
}

impl CpuUse {
    fn cores(&self, ticks: u64) -> f64 {
        cpu::cores(ticks, self.elapsed)
    }

    /// `server 0.61, PostgreSQL 0.53 (busiest backend 0.20), load generator
    /// 0.21, anything else 0.65; machine 2.00 busy`.
    fn describe(&self) -> String {
        let mut parts = vec![format!("server {:.2}", self.cores(self.servers_ticks))];
        if self.has_postgres {
            parts.push(format!(
                "PostgreSQL {:.2} (busiest backend {:.2})",
                self.cores(self.postgres_ticks),
                self.cores(self.busiest_backend_ticks)
            ));
        }
        parts.push(format!(
            "load generator {:.2}",
            self.cores(self.generator_ticks)
        ));
        let measured = self.servers_ticks + self.postgres_ticks + self.generator_ticks;
        parts.push(format!(
            "anything else {:.2}",
            self.cores(self.machine_busy_ticks.saturating_sub(measured))
        ));
        format!(
            "{}; machine {:.2} busy",
            parts.join(", "),
            self.cores(self.machine_busy_ticks)
        )
    }
}

/// CPU counters at the start of a phase.
#[derive(Debug)]
struct CpuMeter {
    at: Instant,
    servers: Vec<u32>,
    database: Option<String>,
    servers_ticks: u64,
    postgres: HashMap<u32, u64>,
    generator_ticks: u64,
    machine_busy_ticks: u64,
}

impl CpuMeter {
    /// Reads the counters of `servers`, of this process, of the PostgreSQL
    /// backends connected to `database` and of the machine.
    fn start(servers: &[u32], database: Option<&str>) -> Self {
        Self {
            at: Instant::now(),
            servers: servers.to_vec(),
            database: database.map(str::to_owned),
            servers_ticks: servers.iter().filter_map(|&pid| process_ticks(pid)).sum(),
            postgres: database.map(postgres_backend_ticks).unwrap_or_default(),
            generator_ticks: process_ticks(std::process::id()).unwrap_or(0),
            machine_busy_ticks: machine_busy_ticks().unwrap_or(0),
        }
    }

    /// What was spent since [`CpuMeter::start`]. A backend the pool opened
    /// meanwhile counts from zero: all its time falls within the phase.
    fn finish(self) -> CpuUse {
        let servers_ticks: u64 = self
            .servers
            .iter()
            .filter_map(|&pid| process_ticks(pid))
            .sum();
        let backends: Vec<u64> = self
            .database
            .as_deref()
            .map(postgres_backend_ticks)
            .unwrap_or_default()
            .into_iter()
            .map(|(pid, ticks)| ticks.saturating_sub(self.postgres.get(&pid).copied().unwrap_or(0)))
            .collect();
        CpuUse {
            elapsed: self.at.elapsed(),
            servers_ticks: servers_ticks.saturating_sub(self.servers_ticks),
            postgres_ticks: backends.iter().sum(),
            busiest_backend_ticks: backends.iter().copied().max().unwrap_or(0),
            generator_ticks: process_ticks(std::process::id())
                .unwrap_or(0)
                .saturating_sub(self.generator_ticks),
            machine_busy_ticks: machine_busy_ticks()
                .unwrap_or(0)
                .saturating_sub(self.machine_busy_ticks),
            has_postgres: self.database.is_some(),
        }
    }
}

/// Samples `pg_stat_activity` for one database's busy backends, on a
/// thread of its own, until finished.
#[derive(Debug)]
struct BackendSampler {
    stop: Arc<AtomicBool>,
    thread: JoinHandle<Result<BackendStates>>,
}

/// How often each backend state was seen over a number of samples.
#[derive(Debug)]
struct BackendStates {
    samples: usize,
    /// `state | wait | statement`, the most seen first.
    counts: Vec<(String, usize)>,
}

impl BackendSampler {
    /// Starts sampling `database`'s backends through `maintenance_url`
    /// (another database, so the sampler is not among what it counts).
    fn start(maintenance_url: &str, database: &str) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let (url, stopped) = (maintenance_url.to_owned(), stop.clone());
        // `database` is a name this benchmark made: a plain identifier.
        let sql = format!(
            "SELECT state || ' | ' || coalesce(wait_event_type || ':' || wait_event, 'no wait') \
             || ' | ' || left(regexp_replace(query, '\\s+', ' ', 'g'), 48) \
             FROM pg_stat_activity WHERE datname = '{database}' AND state <> 'idle'"
        );
        let thread = std::thread::spawn(move || {
            let mut counts: HashMap<String, usize> = HashMap::new();
            let mut samples = 0;
            // Bounded by the phase: the caller sets `stop` when it ends.
            while !stopped.load(Ordering::Relaxed) {
                for line in postgres::query_lines(&url, &sql)? {
                    *counts.entry(line).or_default() += 1;
                }
                samples += 1;
                std::thread::sleep(SAMPLE_EVERY);
            }
            let mut counts: Vec<(String, usize)> = counts.into_iter().collect();
            counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            Ok(BackendStates { samples, counts })
        });
        Self { stop, thread }
    }

    fn finish(self) -> Result<BackendStates> {
        self.stop.store(true, Ordering::Relaxed);
        self.thread
            .join()
            .map_err(|_| anyhow::anyhow!("the backend sampler panicked"))?
            .context("failed to sample pg_stat_activity")
    }
}

/// The PostgreSQL backends connected to `database` (their process title
/// names it: `postgres: 15/main: user database host(port) state`) and their
/// CPU ticks.
fn postgres_backend_ticks(database: &str) -> HashMap<u32, u64> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return HashMap::new();
    };
    let needle = format!(" {database} ");
    entries
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/cmdline")).is_ok_and(|title| {
                let title = String::from_utf8_lossy(&title).replace('\0', " ");
                title.starts_with("postgres: ") && title.contains(&needle)
            })
        })
        .filter_map(|pid| Some((pid, process_ticks(pid)?)))
        .collect()
}
