//! What the whole-system tests share: the real queue server in-process on
//! port 0, set up with a group, an expert and a deployment; finding the tools
//! a test drives; the rule for when a missing tool may skip a test.

// Each test binary uses its own part of this module.
#![allow(dead_code)]

pub mod a11y;
pub mod browser;
pub mod display;
pub mod window;

use std::collections::HashMap;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use lifeline_client::QueueClient;
use lifeline_protocol::{CaseWithToken, Channel, CreateCaseRequest, Email, IdempotencyKey};
use lifeline_queue::store::Store;
use lifeline_queue::{Config, admin};
use uuid::Uuid;

pub type TestResult = Result<(), Box<dyn std::error::Error>>;
pub type Fallible<T> = Result<T, Box<dyn std::error::Error>>;

/// The expert's sign-in address.
pub const EXPERT_EMAIL: &str = "ana@example.com";

/// The queue server, in-process on port 0, with one group, one expert in it
/// and a deployment for that group.
pub struct Server {
    pub base_url: String,
    pub deployment_key: String,
    pub expert_id: Uuid,
    pub expert_token: String,
    pub client: QueueClient,
    pub store: std::sync::Arc<dyn Store>,
    _data_dir: tempfile::TempDir,
}

impl Server {
    /// What one double-click of the SOS button sends: an anonymous case in
    /// the deployment's group, created as the desktop app creates it.
    pub async fn create_sos_case(&self) -> Fallible<CaseWithToken> {
        let request = CreateCaseRequest {
            channel: Channel::Sos,
            customer: None,
            description: None,
            device: None,
        };
        Ok(self
            .client
            .create_case(&self.deployment_key, &IdempotencyKey::generate(), &request)
            .await?)
    }

    /// Writes `dir/deployment.toml` for this server (company "Acme IT") and
    /// returns its path.
    pub fn write_deployment_file(&self, dir: &Path) -> Fallible<PathBuf> {
        write_deployment_file(dir, &self.base_url, &self.deployment_key)
    }

    /// Starts the server; the expert is called `expert_name` and signs in to
    /// the console with `password` when one is given.
    pub async fn start(expert_name: &str, password: Option<&str>) -> Fallible<Self> {
        Self::start_as(expert_name, password, false).await
    }

    /// The same, the expert an admin when `admin` is set.
    pub async fn start_as(
        expert_name: &str,
        password: Option<&str>,
        admin: bool,
    ) -> Fallible<Self> {
        let data_dir = tempfile::tempdir()?;
        let env = HashMap::from([
            ("LIFELINE_LISTEN".to_string(), "127.0.0.1:0".to_string()),
            (
                "LIFELINE_DATA_DIR".to_string(),
                data_dir.path().display().to_string(),
            ),
            ("LIFELINE_RATE_LIMIT_PER_IP".to_string(), "off".to_string()),
        ]);
        let app = lifeline_queue::build(Config::load(None, &env)?).await?;
        let base_url = format!("http://{}", app.local_addr());
        let (store, secret, now) = (
            app.store(),
            app.state().secret.clone(),
            app.state().clock.now(),
        );
        let group = store.create_group("Front desk", now).await?;
        let expert = admin::create_expert(
            store.as_ref(),
            Email::parse(EXPERT_EMAIL)?,
            expert_name,
            password,
            admin,
            vec![group.id],
            now,
        )
        .await?;
        let expert_token = admin::create_expert_token(store.as_ref(), expert.id, now)
            .await?
            .token;
        let deployment =
            admin::create_deployment(store.as_ref(), &secret, "Acme", group.id, &base_url, now)
                .await?;
        tokio::spawn(app.serve(std::future::pending()));
        Ok(Self {
            client: QueueClient::new(&base_url)?,
            base_url,
            deployment_key: deployment.key,
            expert_id: expert.id,
            expert_token,
            store,
            _data_dir: data_dir,
        })
    }

    /// Every case on the server: id and code (nine digits).
    pub async fn cases(&self) -> Fallible<Vec<(Uuid, String)>> {
        let list = self
            .client
            .list_cases(&self.expert_token, &Default::default())
            .await?;
        Ok(list
            .cases
            .iter()
            .map(|c| (c.id, c.code.as_str().to_owned()))
            .collect())
    }

    /// A case as the expert reads it.
    pub async fn case(&self, id: Uuid) -> Fallible<lifeline_protocol::Case> {
        Ok(self.client.get_case(&self.expert_token, id).await?)
    }

    /// Assigns a case to the expert.
    pub async fn assign(&self, id: Uuid) -> TestResult {
        self.client
            .assign(&self.expert_token, id, Some(self.expert_id))
            .await?;
        Ok(())
    }
}

/// Whether this runs in CI, where no test may skip itself.
pub fn on_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// What to do when tools are missing: an error naming them (always in CI),
/// or `Ok(false)` to skip, only outside CI with `LIFELINE_SKIP_E2E=1`.
pub fn missing_tools(test: &str, missing: &[String]) -> Result<bool, String> {
    if missing.is_empty() {
        return Ok(true);
    }
    let skip = std::env::var("LIFELINE_SKIP_E2E").is_ok_and(|v| v == "1");
    if skip && !on_ci() {
        eprintln!(
            "SKIPPED {test} (LIFELINE_SKIP_E2E=1): {}",
            missing.join("; ")
        );
        return Ok(false);
    }
    Err(format!(
        "{test} cannot run: {}. `cargo xtask test` installs and sets up all of this; outside CI, LIFELINE_SKIP_E2E=1 skips the test.",
        missing.join("; ")
    ))
}

/// A program on `PATH`.
pub fn find_program(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

/// Runs `program` with `args` and returns its stdout; an error with its
/// stderr when it fails.
pub fn run<S: AsRef<std::ffi::OsStr> + std::fmt::Debug>(
    program: &str,
    args: &[S],
) -> Fallible<String> {
    let output = std::process::Command::new(program).args(args).output()?;
    if !output.status.success() {
        return Err(format!(
            "{program} {args:?} failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        )
        .into());
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

pub fn path_text(path: &Path) -> String {
    path.display().to_string()
}

pub fn free_port() -> std::io::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// How long the app may take to put its shortcut and autostart entry in
/// place after the code is on screen (it does that work after the paint).
pub const SETTLE_TIMEOUT: Duration = Duration::from_secs(10);

/// Waits until `path` is a file; whether it became one within `timeout`.
pub fn wait_for_file(path: &Path, timeout: Duration) -> bool {
    let deadline = Instant::now() + timeout;
    while !path.is_file() {
        if Instant::now() > deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    true
}

/// Waits until something listens on `port`.
pub fn wait_for_listener(port: u16, what: &str) -> TestResult {
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if Instant::now() > deadline {
            return Err(format!("{what} did not listen on port {port} within 20 s").into());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(())
}

/// A child process in its own process group, stopped with the whole group
/// (a WebDriver's browser or app included) when dropped, even on panic.
pub struct ProcessGroup {
    child: std::process::Child,
}

impl ProcessGroup {
    pub fn spawn(command: &mut std::process::Command) -> Fallible<Self> {
        use std::os::unix::process::CommandExt as _;
        let child = command.process_group(0).spawn()?;
        Ok(Self { child })
    }

    /// The child's stdout, when it was spawned with `Stdio::piped()`.
    pub fn stdout(&mut self) -> Fallible<std::process::ChildStdout> {
        Ok(self
            .child
            .stdout
            .take()
            .ok_or("the process's stdout is not piped")?)
    }
}

impl Drop for ProcessGroup {
    fn drop(&mut self) {
        let group = format!("-{}", self.child.id());
        let kill = |signal: &str| {
            let _ = std::process::Command::new("kill")
                .args([signal, "--", &group])
                .status();
        };
        kill("-TERM");
        let deadline = Instant::now() + Duration::from_secs(3);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        kill("-KILL");
        let _ = self.child.wait();
    }
}

/// `dir/deployment.toml` for "Acme IT" pointing at `server_url`: the tests'
/// deployment file, also for a server that is not there.
pub fn write_deployment_file(
    dir: &Path,
    server_url: &str,
    deployment_key: &str,
) -> Fallible<PathBuf> {
    let path = dir.join("deployment.toml");
    std::fs::write(
        &path,
        format!(
            "server_url = \"{server_url}\"\ndeployment_key = \"{deployment_key}\"\n\n[branding]\ncompany_name = \"Acme IT\"\n"
        ),
    )?;
    Ok(path)
}
