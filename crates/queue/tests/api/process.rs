//! The real `lifeline-queue` binary as a child process.

use std::io::{BufRead as _, BufReader, Write as _};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::database;

pub const BINARY: &str = env!("CARGO_BIN_EXE_lifeline-queue");

/// Runs a CLI command against `data_dir`, feeding `stdin`.
pub fn run_cli(data_dir: &Path, args: &[&str], stdin: &str) -> std::io::Result<Output> {
    let mut child = Command::new(BINARY)
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

/// A running `lifeline-queue serve`; killed when dropped.
pub struct ServerProcess {
    pub child: Child,
    pub base_url: String,
}

impl ServerProcess {
    /// Starts the server on a free port and waits for it to listen.
    pub fn start(
        data_dir: &Path,
        env: &[(&str, &str)],
    ) -> Result<Self, Box<dyn std::error::Error>> {
        let mut child = Command::new(BINARY)
            .arg("serve")
            .env("LIFELINE_DATA_DIR", data_dir)
            .envs(database::for_data_dir(data_dir))
            .env("LIFELINE_LISTEN", "127.0.0.1:0")
            .env("LIFELINE_RATE_LIMIT_PER_IP", "off")
            .env("RUST_LOG", "info")
            .envs(env.iter().copied())
            .env_remove("LIFELINE_CONFIG")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()?;
        let stderr = child.stderr.take().ok_or("stderr")?;
        let mut lines = BufReader::new(stderr).lines();
        let started = Instant::now();
        let address = loop {
            let line = lines.next().ok_or("the server exited before listening")??;
            if let Some((_, rest)) = line.split_once("address=") {
                break rest
                    .split_whitespace()
                    .next()
                    .ok_or("an address")?
                    .to_string();
            }
            if started.elapsed() > Duration::from_secs(30) {
                return Err("the server did not start listening within 30 s".into());
            }
        };
        // Keep draining the log so the server never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        Ok(Self {
            child,
            base_url: format!("http://{address}"),
        })
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

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
