//! A real queue server started in-process, and what the app needs to talk to it.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use lifeline_client::{
    AssigneeFilter, Backoff, CaseFilter, Deployment, DeploymentSource, QueueClient, StateStore,
};
use lifeline_protocol::{Behaviour, Branding, Case, DeploymentFile, Email};
use lifeline_queue::{Config, admin};
use tempfile::TempDir;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub type TestResult = Result<(), Box<dyn std::error::Error>>;
pub type Fallible<T> = Result<T, Box<dyn std::error::Error>>;

/// A queue server on a temporary data dir, with a group, an expert and a
/// deployment. It can be stopped and started again on the same data.
pub struct TestServer {
    pub addr: SocketAddr,
    pub deployment_key: String,
    pub expert_id: uuid::Uuid,
    pub expert_token: String,
    data_dir: TempDir,
    running: Option<Running>,
}

/// A serving server: how to stop it, and its task to wait for.
struct Running {
    stop: oneshot::Sender<()>,
    task: JoinHandle<Result<(), String>>,
}

impl TestServer {
    /// Starts a server on 127.0.0.1:0 and sets up its company.
    pub async fn spawn() -> Fallible<Self> {
        let data_dir = tempfile::tempdir()?;
        let app = lifeline_queue::build(config(data_dir.path(), "127.0.0.1:0".parse()?)?).await?;
        let (store, secret, now) = (
            app.store(),
            app.state().secret.clone(),
            app.state().clock.now(),
        );
        let group = store.create_group("Front desk", now).await?;
        let ana = admin::create_expert(
            store.as_ref(),
            Email::parse("ana@example.com")?,
            "Ana",
            None,
            false,
            vec![group.id],
            now,
        )
        .await?;
        let expert_token = admin::create_expert_token(store.as_ref(), ana.id, now)
            .await?
            .token;
        let deployment = admin::create_deployment(
            store.as_ref(),
            &secret,
            "Acme",
            group.id,
            "http://127.0.0.1",
            now,
        )
        .await?;
        let addr = app.local_addr();
        let mut server = Self {
            addr,
            deployment_key: deployment.key,
            expert_id: ana.id,
            expert_token,
            data_dir,
            running: None,
        };
        server.serve(app);
        Ok(server)
    }

    fn serve(&mut self, app: lifeline_queue::App) {
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            app.serve(async {
                let _ = stopped.await;
            })
            .await
            .map_err(|error| format!("{error:#}"))
        });
        self.running = Some(Running { stop, task });
    }

    /// Stops the server the way SIGTERM does and waits for it.
    pub async fn stop(&mut self) -> TestResult {
        if let Some(Running { stop, task }) = self.running.take() {
            let _ = stop.send(());
            task.await??;
        }
        Ok(())
    }

    /// Starts the server again on the same data, listening on `addr`.
    pub async fn start_on(&mut self, addr: SocketAddr) -> TestResult {
        let app = lifeline_queue::build(config(self.data_dir.path(), addr)?).await?;
        self.addr = app.local_addr();
        self.serve(app);
        Ok(())
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The expert's view of the queue: every open case, assigned or not.
    pub async fn open_cases(&self) -> Fallible<Vec<Case>> {
        let filter = CaseFilter {
            assignee: Some(AssigneeFilter::Anyone),
            ..CaseFilter::default()
        };
        Ok(QueueClient::new(&self.base_url())?
            .list_cases(&self.expert_token, &filter)
            .await?
            .cases)
    }
}

fn config(data_dir: &Path, listen: SocketAddr) -> Fallible<Config> {
    let env = HashMap::from([
        ("LIFELINE_LISTEN".to_owned(), listen.to_string()),
        (
            "LIFELINE_DATA_DIR".to_owned(),
            data_dir.display().to_string(),
        ),
        ("LIFELINE_RATE_LIMIT_PER_IP".to_owned(), "off".to_owned()),
    ]);
    Ok(Config::load(None, &env)?)
}

/// What one installed app has: its deployment file, its state, and a client.
pub struct TestDesktop {
    pub deployment: Deployment,
    pub state: StateStore,
    pub client: QueueClient,
    /// Holds the deployment file and the state; removed when the test ends.
    _home: TempDir,
}

impl TestDesktop {
    /// An app whose deployment file points at `server_url`.
    pub fn new(server_url: &str, deployment_key: &str) -> Fallible<Self> {
        let home = tempfile::tempdir()?;
        let path = home.path().join("deployment.toml");
        std::fs::write(&path, deployment_toml(server_url, deployment_key)?)?;
        Ok(Self {
            deployment: Deployment::load(&path, DeploymentSource::Explicit)?,
            state: StateStore::new(home.path().join("data").join("lifeline").join("state.json")),
            client: QueueClient::new(server_url)?,
            _home: home,
        })
    }
}

pub fn deployment_toml(server_url: &str, deployment_key: &str) -> Fallible<String> {
    Ok(toml::to_string(&DeploymentFile {
        server_url: server_url.to_owned(),
        deployment_key: deployment_key.to_owned(),
        branding: Branding {
            company_name: "Acme IT".into(),
            ..Branding::default()
        },
        behaviour: Behaviour {
            shortcut_name: "Acme SOS".into(),
            ..Behaviour::default()
        },
        allow_insecure_http: false,
    })?)
}

/// Retries that do not make a test wait: 10 ms doubling up to 200 ms.
pub fn quick_backoff() -> Backoff {
    Backoff::new(Duration::from_millis(10), Duration::from_millis(200))
}

/// A port nothing listens on right now (bound, read, released).
pub fn free_port() -> Fallible<SocketAddr> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?)
}
