//! The real `lifeline-queue` binary as a child process.

use std::io::{BufRead as _, BufReader, Write as _};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use lifeline_protocol::DeploymentFile;

use crate::database;

/// The server binary: `LIFELINE_TEST_SERVER_BIN` when set (a copy of it,
/// safe from other builds into the same target dir), else the one cargo built
/// with this suite.
pub fn binary() -> std::ffi::OsString {
    std::env::var_os("LIFELINE_TEST_SERVER_BIN")
        .unwrap_or_else(|| env!("CARGO_BIN_EXE_lifeline-queue").into())
}

/// Runs a CLI command against `data_dir`, feeding `stdin`.
pub fn run_cli(data_dir: &Path, args: &[&str], stdin: &str) -> std::io::Result<Output> {
    let mut child = Command::new(binary())
        .args(args)
        .env("LIFELINE_DATA_DIR", data_dir)
        .envs(database::for_data_dir(data_dir))
        .env_remove("LIFELINE_CONFIG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    child
        .stdin
        .take()
        .map(|mut s| s.write_all(stdin.as_bytes()))
        .transpose()?;
    child.wait_with_output()
}

/// Runs a CLI command that must succeed; returns its stdout, trimmed.
pub fn cli_ok(
    data_dir: &Path,
    args: &[&str],
    stdin: &str,
) -> Result<String, Box<dyn std::error::Error>> {
    let output = run_cli(data_dir, args, stdin)?;
    if !output.status.success() {
        return Err(format!(
            "{args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        )
        .into());
    }
    Ok(String::from_utf8(output.stdout)?.trim().to_string())
}

/// Ana's console password, as [`set_up_company`] gives it.
pub const COMPANY_PASSWORD: &str = "a long password";

/// What [`set_up_company`] made: a deployment's key and an admin expert's API token.
pub struct Company {
    pub deployment_key: String,
    pub expert_token: String,
}

/// Through the CLI: the database (`init`), group "Front desk", Ana (admin,
/// in the group) with an API token, and deployment "Acme" for the group.
pub fn set_up_company(data_dir: &Path) -> Result<Company, Box<dyn std::error::Error>> {
    cli_ok(data_dir, &["init"], "")?;
    cli_ok(data_dir, &["group", "add", "Front desk"], "")?;
    cli_ok(
        data_dir,
        &[
            "expert",
            "add",
            "--email",
            "ana@example.com",
            "--name",
            "Ana",
            "--admin",
            "--group",
            "Front desk",
        ],
        &format!("{COMPANY_PASSWORD}\n"),
    )?;
    let expert_token = cli_ok(
        data_dir,
        &["token", "add", "--email", "ana@example.com"],
        "",
    )?;
    let file = cli_ok(
        data_dir,
        &[
            "deployment",
            "add",
            "--name",
            "Acme",
            "--group",
            "Front desk",
            "--server-url",
            "http://127.0.0.1:9",
        ],
        "",
    )?;
    let deployment_key = toml::from_str::<DeploymentFile>(&file)?.deployment_key;
    Ok(Company {
        deployment_key,
        expert_token,
    })
}

/// A running `lifeline-queue serve`; killed when dropped.
pub struct ServerProcess {
    pub child: Child,
    pub base_url: String,
    /// The lines it has logged (but the one saying where it listens).
    log: Arc<Mutex<Vec<String>>>,
}

impl ServerProcess {
    /// Starts the server on a free port and waits for it to listen.
    pub fn start(
        data_dir: &Path,
        env: &[(&str, &str)],
    ) -> Result<Self, Box<dyn std::error::Error>> {
        let mut command = Command::new(binary());
        command.arg("serve");
        Self::spawn(configure(&mut command, data_dir, env))
    }

    /// Starts the server under umask 000, so whatever it creates gets
    /// exactly the permissions it asks for.
    pub fn start_with_open_umask(data_dir: &Path) -> Result<Self, Box<dyn std::error::Error>> {
        let mut command = Command::new("sh");
        command
            .args(["-c", "umask 000 && exec \"$0\" serve"])
            .arg(binary());
        Self::spawn(configure(&mut command, data_dir, &[]))
    }

    /// Starts the server expecting it to refuse: returns what it printed
    /// when it exited with a failure, and fails when it serves instead.
    pub fn refused_start(
        data_dir: &Path,
        env: &[(&str, &str)],
    ) -> Result<String, Box<dyn std::error::Error>> {
        let mut command = Command::new(binary());
        command.arg("serve");
        let mut child = configure(&mut command, data_dir, env).spawn()?;
        let started = Instant::now();
        while child.try_wait()?.is_none() {
            if started.elapsed() > Duration::from_secs(30) {
                let _ = child.kill();
                let _ = child.wait();
                return Err("the server did not refuse to start within 30 s".into());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let output = child.wait_with_output()?;
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        if output.status.success() || stderr.contains("address=") {
            return Err(format!("the server started instead of refusing:\n{stderr}").into());
        }
        Ok(stderr)
    }

    fn spawn(command: &mut Command) -> Result<Self, Box<dyn std::error::Error>> {
        let mut child = command.spawn()?;
        let stderr = child.stderr.take().ok_or("stderr")?;
        let mut lines = BufReader::new(stderr).lines();
        let started = Instant::now();
        let mut early = Vec::new();
        let address = loop {
            let line = lines.next().ok_or("the server exited before listening")??;
            if let Some((_, rest)) = line.split_once("address=") {
                break rest
                    .split_whitespace()
                    .next()
                    .ok_or("an address")?
                    .to_string();
            }
            early.push(line);
            if started.elapsed() > Duration::from_secs(30) {
                return Err("the server did not start listening within 30 s".into());
            }
        };
        // Keep draining the log so the server never blocks on a full pipe.
        let log = Arc::new(Mutex::new(early));
        let seen = Arc::clone(&log);
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                seen.lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push(line);
            }
        });
        Ok(Self {
            child,
            base_url: format!("http://{address}"),
            log,
        })
    }

    /// The panics the server has reported in its log so far.
    pub fn panics(&self) -> Vec<String> {
        self.log_lines(|line| line.contains("panicked"))
    }

    /// The lines of its log so far that `keep` picks.
    pub fn log_lines(&self, keep: impl Fn(&str) -> bool) -> Vec<String> {
        self.log
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .filter(|line| keep(line))
            .cloned()
            .collect()
    }

    /// Sends SIGTERM and waits up to `limit` for the exit status.
    pub fn terminate(
        &mut self,
        limit: Duration,
    ) -> Result<std::process::ExitStatus, Box<dyn std::error::Error>> {
        Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()?;
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait()? {
                return Ok(status);
            }
            if started.elapsed() > limit {
                return Err(format!("the server did not exit within {limit:?} of SIGTERM").into());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// `serve` on `data_dir`, on a free port, without rate limits, logging to a pipe.
fn configure<'a>(
    command: &'a mut Command,
    data_dir: &Path,
    env: &[(&str, &str)],
) -> &'a mut Command {
    command
        .env("LIFELINE_DATA_DIR", data_dir)
        .envs(database::for_data_dir(data_dir))
        .env("LIFELINE_LISTEN", "127.0.0.1:0")
        .env("LIFELINE_RATE_LIMIT_PER_IP", "off")
        .env("RUST_LOG", "info")
        .envs(env.iter().copied())
        .env_remove("LIFELINE_CONFIG")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
