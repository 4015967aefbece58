//! A local `lifeline-queue` for the benchmarks: release binary, temporary
//! data dir, loopback port, rate limit off, seeded through the CLI. On SQLite
//! in the data dir by default; or on a fresh PostgreSQL database, with one or
//! more instances sharing it (and the data dir's `secret.key`).

use std::fs::File;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use hyper::{Request, StatusCode};
use tempfile::TempDir;
use tokio::time::timeout;

use super::load::{Body, Connection};
use crate::postgres::ScratchDatabase;
use crate::queue_cli::{self, QueueCli, Seeded};

const HEALTHZ_TIMEOUT: Duration = Duration::from_secs(30);

/// Where a benchmark server keeps its data.
#[derive(Debug, Clone)]
pub enum Backend {
    /// SQLite in the temporary data dir.
    Sqlite,
    /// A fresh database, made from this maintenance URL and dropped after.
    Postgres { maintenance_url: String },
}

/// A seeded server running on loopback; stopped and its data removed when dropped.
#[derive(Debug)]
pub struct LocalServer {
    // Declared before `database` and `data_dir`, so dropped (killed) before
    // they are removed.
    pub process: ServerProcess,
    pub addr: SocketAddr,
    /// Further instances on the same database and data dir.
    pub more: Vec<Instance>,
    pub seeded: Seeded,
    /// The deployment file a desktop app uses to reach this server.
    pub deployment_file: PathBuf,
    database: Option<ScratchDatabase>,
    _data_dir: TempDir,
}

/// One more `lifeline-queue serve` of a [`LocalServer`].
#[derive(Debug)]
pub struct Instance {
    pub process: ServerProcess,
    pub addr: SocketAddr,
}

impl LocalServer {
    /// Sets up a group, an expert, a token and a deployment with `binary`'s
    /// CLI, then starts `binary serve` on SQLite (without waiting for it to answer).
    pub fn start(binary: PathBuf) -> Result<Self> {
        Self::start_on(binary, &Backend::Sqlite, 1)
    }

    /// Like [`LocalServer::start`], on `backend`, with `instances` servers
    /// sharing the database and the data dir (each on a port of its own).
    pub fn start_on(binary: PathBuf, backend: &Backend, instances: usize) -> Result<Self> {
        if instances == 0 {
            bail!("a benchmark server needs at least one instance");
        }
        let data_dir = tempfile::Builder::new()
            .prefix("lifeline-bench-")
            .tempdir()
            .context("failed to create the temporary data dir")?;
        let database = match backend {
            Backend::Sqlite => None,
            Backend::Postgres { maintenance_url } => {
                Some(ScratchDatabase::create(maintenance_url, "lifeline_bench")?)
            }
        };
        let addr = free_loopback_addr()?;
        let mut cli = QueueCli::new(binary, data_dir.path());
        cli.env("LIFELINE_LISTEN", &addr.to_string())
            .env("LIFELINE_RATE_LIMIT_PER_IP", "off");
        if let Some(database) = &database {
            cli.env("LIFELINE_DATABASE_URL", database.url());
        }
        eprintln!("xtask: setting up a group, an expert, a token and a deployment");
        let deployment_file = data_dir.path().join("deployment.toml");
        let seeded = queue_cli::seed(&cli, &format!("http://{addr}"), &deployment_file)?;
        let process = ServerProcess::start(&cli, &data_dir.path().join("server.log"))?;
        eprintln!("xtask: lifeline-queue (pid {}) on {addr}", process.pid());
        let mut more = Vec::with_capacity(instances - 1);
        for index in 1..instances {
            let addr = free_loopback_addr()?;
            let mut cli = cli.clone();
            cli.env("LIFELINE_LISTEN", &addr.to_string());
            let log = data_dir.path().join(format!("server-{index}.log"));
            let process = ServerProcess::start(&cli, &log)?;
            eprintln!(
                "xtask: lifeline-queue instance {index} (pid {}) on {addr}",
                process.pid()
            );
            more.push(Instance { process, addr });
        }
        Ok(Self {
            process,
            addr,
            more,
            seeded,
            deployment_file,
            database,
            _data_dir: data_dir,
        })
    }

    /// The data dir the instances share (SQLite keeps its database there).
    pub fn data_dir(&self) -> &Path {
        self._data_dir.path()
    }

    /// Waits until `GET /healthz` answers 200 on every instance.
    pub async fn wait_until_healthy(&mut self) -> Result<()> {
        wait_until_healthy(&mut self.process, self.addr).await?;
        for instance in &mut self.more {
            wait_until_healthy(&mut instance.process, instance.addr).await?;
        }
        Ok(())
    }

    /// The address of every instance, the first one first.
    pub fn addrs(&self) -> Vec<SocketAddr> {
        std::iter::once(self.addr)
            .chain(self.more.iter().map(|instance| instance.addr))
            .collect()
    }

    /// Every instance's process, the first one first.
    pub fn processes_mut(&mut self) -> impl Iterator<Item = &mut ServerProcess> {
        std::iter::once(&mut self.process)
            .chain(self.more.iter_mut().map(|instance| &mut instance.process))
    }

    /// The name of the PostgreSQL database, if the server runs on one.
    pub fn database_name(&self) -> Option<&str> {
        self.database.as_ref().map(ScratchDatabase::name)
    }
}

fn free_loopback_addr() -> Result<SocketAddr> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")
        .context("failed to find a free loopback port")?;
    listener
        .local_addr()
        .context("failed to read the free port")
}

/// The server under test; killed when dropped, on success and on error alike.
#[derive(Debug)]
pub struct ServerProcess {
    child: Child,
    log: PathBuf,
}

impl ServerProcess {
    fn start(cli: &QueueCli, log: &Path) -> Result<Self> {
        let file = File::create(log).context("failed to create the server log")?;
        let child = cli
            .command(&["serve"])
            .stdin(Stdio::null())
            .stdout(file.try_clone().context("failed to share the server log")?)
            .stderr(file)
            .spawn()
            .context("failed to start lifeline-queue serve")?;
        Ok(Self {
            child,
            log: log.to_owned(),
        })
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn exited(&mut self) -> Option<std::process::ExitStatus> {
        self.child.try_wait().ok().flatten()
    }

    pub fn log_tail(&self, lines: usize) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let all: Vec<&str> = text.lines().collect();
        all[all.len().saturating_sub(lines)..].join("\n")
    }

    pub fn ensure_running(&mut self) -> Result<()> {
        match self.exited() {
            Some(status) => bail!("lifeline-queue exited ({status})"),
            None => Ok(()),
        }
    }

    /// Resident set size from `/proc/<pid>/status`.
    pub fn rss_bytes(&self) -> Result<u64> {
        let path = format!("/proc/{}/status", self.pid());
        let status =
            std::fs::read_to_string(&path).with_context(|| format!("failed to read {path}"))?;
        let kib = status
            .lines()
            .find_map(|line| line.strip_prefix("VmRSS:"))
            .and_then(|value| {
                value
                    .trim()
                    .trim_end_matches("kB")
                    .trim()
                    .parse::<u64>()
                    .ok()
            })
            .with_context(|| format!("no VmRSS in {path}"))?;
        Ok(kib * 1024)
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn wait_until_healthy(server: &mut ServerProcess, addr: SocketAddr) -> Result<()> {
    let deadline = Instant::now() + HEALTHZ_TIMEOUT;
    let mut last = String::from("no answer yet");
    // Bounded by the deadline; one try every 100 ms.
    while Instant::now() < deadline {
        server.ensure_running()?;
        match Connection::open(addr).await {
            Ok(mut connection) => match timeout(
                Duration::from_secs(2),
                connection.call(Request::get("/healthz").body(Body::default())?),
            )
            .await
            {
                Ok(Ok((StatusCode::OK, _))) => return Ok(()),
                Ok(Ok((status, body))) => {
                    last = format!("{status} {}", String::from_utf8_lossy(&body));
                }
                Ok(Err(error)) => last = format!("{error:#}"),
                Err(_) => last = "timed out".to_owned(),
            },
            Err(error) => last = format!("{error:#}"),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bail!("GET /healthz did not answer 200 within {HEALTHZ_TIMEOUT:?} (last: {last})")
}
