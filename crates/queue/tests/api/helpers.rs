use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use lifeline_client::QueueClient;
use lifeline_protocol::{
    CaseWithToken, Channel, CreateCaseRequest, Description, Email, Expert, Group, IdempotencyKey,
};
use lifeline_queue::clock::{Clock, ManualClock, SystemClock};
use lifeline_queue::store::Store;
use lifeline_queue::{AppState, Config, admin};
use tempfile::TempDir;
use time::OffsetDateTime;
use tokio::sync::oneshot;
use uuid::Uuid;

use crate::database::TestDatabase;

pub type TestResult = Result<(), Box<dyn std::error::Error>>;

/// A running server with a group, an admin, an expert and a deployment.
pub struct TestApp {
    pub base_url: String,
    pub client: QueueClient,
    pub http: reqwest::Client,
    pub store: Arc<dyn Store>,
    pub state: Arc<AppState>,
    pub group: Group,
    pub admin_token: String,
    pub expert: Expert,
    pub expert_token: String,
    pub deployment_id: Uuid,
    pub deployment_key: String,
    pub clock: Option<Arc<ManualClock>>,
    shutdown: Option<oneshot::Sender<()>>,
    pub server: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
    _data_dir: TempDir,
    pub database: TestDatabase,
}

#[derive(Default)]
pub struct Options {
    pub env: Vec<(&'static str, &'static str)>,
    pub manual_clock: bool,
    /// On SQLite whatever `TEST_DATABASE_URL` says (a test of SQLite's own
    /// file lock).
    pub sqlite: bool,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(Options::default()).await
}

pub async fn spawn_app_with(options: Options) -> TestApp {
    let data_dir = tempfile::tempdir().expect("a temporary data dir");
    let mut env: HashMap<String, String> = HashMap::from([
        ("LIFELINE_LISTEN".into(), "127.0.0.1:0".into()),
        (
            "LIFELINE_DATA_DIR".into(),
            data_dir.path().display().to_string(),
        ),
        ("LIFELINE_RATE_LIMIT_PER_IP".into(), "off".into()),
    ]);
    let database = if options.sqlite {
        TestDatabase::none()
    } else {
        TestDatabase::fresh()
    };
    env.extend(database.env().map(|(key, url)| (key.to_string(), url)));
    for (key, value) in options.env {
        env.insert(key.into(), value.into());
    }
    let config = Config::load(None, &env).expect("test config is valid");
    let manual = options
        .manual_clock
        .then(|| Arc::new(ManualClock::new(OffsetDateTime::now_utc())));
    let clock: Arc<dyn Clock> = match &manual {
        Some(clock) => clock.clone(),
        None => Arc::new(SystemClock),
    };
    let app = lifeline_queue::build_with_clock(config, clock.clone())
        .await
        .expect("the server builds");
    let addr = app.local_addr();
    let store = app.store();
    let state = app.state();
    let (shutdown, stop) = oneshot::channel::<()>();
    let server = tokio::spawn(app.serve(async {
        let _ = stop.await;
    }));

    let now = clock.now();
    let group = store.create_group("Front desk", now).await.expect("group");
    let admin_expert = admin::create_expert(
        store.as_ref(),
        Email::parse("admin@example.com").expect("email"),
        "Admin",
        None,
        true,
        vec![],
        now,
    )
    .await
    .expect("admin");
    let admin_token = admin::create_expert_token(store.as_ref(), admin_expert.id, now)
        .await
        .expect("admin token")
        .token;
    let expert = admin::create_expert(
        store.as_ref(),
        Email::parse("ana@example.com").expect("email"),
        "Ana",
        None,
        false,
        vec![group.id],
        now,
    )
    .await
    .expect("expert");
    let expert_token = admin::create_expert_token(store.as_ref(), expert.id, now)
        .await
        .expect("expert token")
        .token;
    let deployment = admin::create_deployment(
        store.as_ref(),
        &state.secret,
        "Acme",
        group.id,
        "http://127.0.0.1",
        now,
    )
    .await
    .expect("deployment");

    let base_url = format!("http://{addr}");
    TestApp {
        client: QueueClient::new(&base_url).expect("client"),
        http: reqwest::Client::new(),
        base_url,
        store,
        state,
        group,
        admin_token,
        expert,
        expert_token,
        deployment_id: deployment.deployment.id,
        deployment_key: deployment.key,
        clock: manual,
        shutdown: Some(shutdown),
        server: Some(server),
        _data_dir: data_dir,
        database,
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// The server's SQLite database file.
    pub fn database_path(&self) -> std::path::PathBuf {
        self._data_dir.path().join("lifeline.db")
    }

    /// A customer's SOS request with a fresh idempotency key.
    pub async fn create_case(&self) -> CaseWithToken {
        self.create_case_with(Some("Printer says offline")).await
    }

    pub async fn create_case_with(&self, description: Option<&str>) -> CaseWithToken {
        let request = sos_request(description);
        self.client
            .create_case(&self.deployment_key, &IdempotencyKey::generate(), &request)
            .await
            .expect("the case is created")
    }

    /// Another expert (not an admin) working in `groups`, with an API token.
    pub async fn add_expert_in(
        &self,
        name: &str,
        groups: Vec<Uuid>,
    ) -> Result<(Expert, String), Box<dyn std::error::Error>> {
        let now = self.state.clock.now();
        let email = Email::parse(format!("{}@example.com", name.to_lowercase()))?;
        let expert =
            admin::create_expert(self.store.as_ref(), email, name, None, false, groups, now)
                .await?;
        let token = admin::create_expert_token(self.store.as_ref(), expert.id, now)
            .await?
            .token;
        Ok((expert, token))
    }

    pub fn advance(&self, by: Duration) {
        self.clock
            .as_ref()
            .expect("spawned with a manual clock")
            .advance(by);
    }

    /// Stops the server the way SIGTERM does, and waits for it.
    pub async fn shut_down(&mut self) -> anyhow::Result<()> {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        match self.server.take() {
            Some(server) => server.await?,
            None => Ok(()),
        }
    }
}

pub fn sos_request(description: Option<&str>) -> CreateCaseRequest {
    CreateCaseRequest {
        channel: Channel::Sos,
        customer: None,
        description: description.map(|d| Description::parse(d).expect("a valid description")),
        device: None,
    }
}

/// The error code of a client error, for asserting on.
pub fn api_status(error: &lifeline_client::ClientError) -> Option<u16> {
    match error {
        lifeline_client::ClientError::Api { status, .. } => Some(*status),
        _ => None,
    }
}
