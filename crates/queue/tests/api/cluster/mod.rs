//! Several `lifeline-queue serve` processes on one PostgreSQL database, as a
//! company that outgrew one machine runs them: they must act as one server.
//!
//! These tests need PostgreSQL, so they are ignored by default (each says
//! so: `#[ignore = "needs PostgreSQL: …"]`); `cargo xtask
//! test` runs them (`cluster:: --ignored`) with `TEST_DATABASE_URL` set, and
//! without it they fail with a message that says so. Several run through a
//! real nginx configured from `deploy/nginx/lifeline.conf` (see
//! `crate::proxy::nginx`, which also runs it in front of one instance in the
//! ordinary suite).

mod assignment;
mod audit;
mod creates;
mod database_pool;
mod email;
pub(crate) mod fanout;
mod limits;
mod migrate_db;
mod outage;
mod positions;
mod presence;
mod sla;
mod through_nginx;
mod webhooks;

use std::future::Future;
use std::time::Duration;

use lifeline_client::QueueClient;
use tempfile::TempDir;

use crate::database;
use crate::process::{COMPANY_PASSWORD, Company, ServerProcess, set_up_company};

pub type Fallible<T> = Result<T, Box<dyn std::error::Error>>;

/// Instances of the server sharing one data dir (the same `secret.key`, as
/// several machines share a copy of it) and one fresh PostgreSQL database.
pub struct Cluster {
    instances: Vec<Option<ServerProcess>>,
    /// Made through the CLI before the first instance started.
    pub company: Company,
    data_dir: TempDir,
}

impl Cluster {
    /// `count` instances with the company set up (see [`set_up_company`]),
    /// each started with `env` on top of the test defaults.
    pub fn start(count: usize, env: &[(&str, &str)]) -> Fallible<Self> {
        if !database::on_postgres() {
            return Err(
                "the cluster tests need PostgreSQL: set TEST_DATABASE_URL=postgres://… \
                 (cargo xtask test does)"
                    .into(),
            );
        }
        let data_dir = tempfile::tempdir()?;
        let company = set_up_company(data_dir.path())?;
        let mut cluster = Self {
            instances: Vec::new(),
            company,
            data_dir,
        };
        for _ in 0..count {
            cluster.add_instance(env)?;
        }
        Ok(cluster)
    }

    /// Starts one more instance; returns its index.
    pub fn add_instance(&mut self, env: &[(&str, &str)]) -> Fallible<usize> {
        let instance = ServerProcess::start(self.data_dir.path(), env)?;
        self.instances.push(Some(instance));
        Ok(self.instances.len() - 1)
    }

    /// The running instance `index`.
    pub fn instance(&self, index: usize) -> &ServerProcess {
        self.instances[index]
            .as_ref()
            .expect("the instance is running")
    }

    /// Starts nginx (the shipped configuration, plain HTTP) in front of
    /// every running instance.
    pub fn behind_nginx(&self) -> Fallible<crate::proxy::ProxyProcess> {
        let instances: Vec<&str> = self
            .instances
            .iter()
            .flatten()
            .map(|instance| instance.base_url.trim_start_matches("http://"))
            .collect();
        crate::proxy::nginx::start(&instances, crate::proxy::nginx::Variant::default())
    }

    /// The base URL of instance `index`.
    pub fn url(&self, index: usize) -> &str {
        &self.instance(index).base_url
    }

    /// A client of instance `index`.
    pub fn client(&self, index: usize) -> Fallible<QueueClient> {
        Ok(QueueClient::new(self.url(index))?)
    }

    /// Kills instance `index` with SIGKILL, as a machine that dies does.
    pub fn kill(&mut self, index: usize) -> Fallible<()> {
        let mut instance = self.instances[index].take().ok_or("already gone")?;
        instance.child.kill()?;
        instance.child.wait()?;
        Ok(())
    }

    /// Stops instance `index` with SIGTERM, as an operator does, and waits
    /// for it to exit.
    pub fn stop(&mut self, index: usize) -> Fallible<std::process::ExitStatus> {
        let mut instance = self.instances[index].take().ok_or("already gone")?;
        instance.terminate(Duration::from_secs(30))
    }

    #[allow(dead_code, reason = "for the CLI on a running cluster")]
    /// The data dir every instance shares.
    pub fn data_dir(&self) -> &std::path::Path {
        self.data_dir.path()
    }

    /// A customer case created through instance `index`: its id and token.
    pub async fn create_case(&self, index: usize) -> Fallible<(uuid::Uuid, String)> {
        let created = self
            .client(index)?
            .create_case(
                &self.company.deployment_key,
                &lifeline_protocol::IdempotencyKey::generate(),
                &crate::helpers::sos_request(None),
            )
            .await?;
        Ok((created.case.id, created.token))
    }

    /// The URL of the database every instance shares.
    pub fn database_url(&self) -> Fallible<String> {
        Ok(database::for_data_dir(self.data_dir.path())
            .ok_or("the cluster runs on PostgreSQL")?
            .1)
    }

    /// Signs the company's Ana in to the console of instance `index`;
    /// returns the `Cookie` header value.
    pub async fn console_cookie(&self, index: usize) -> Fallible<String> {
        let response = crate::console::browser()
            .post(format!("{}/sign-in", self.url(index)))
            .form(&[("email", "ana@example.com"), ("password", COMPANY_PASSWORD)])
            .send()
            .await?;
        if response.status() != reqwest::StatusCode::SEE_OTHER {
            return Err(format!("Ana could not sign in: {}", response.text().await?).into());
        }
        let set_cookie = response
            .headers()
            .get(reqwest::header::SET_COOKIE)
            .ok_or("a session cookie")?
            .to_str()?;
        Ok(set_cookie.split(';').next().ok_or("a cookie")?.to_string())
    }

    /// The first column of the first row `sql` selects, as text (`NULL` as
    /// `None`), read straight from the instances' database: what the API
    /// does not show (socket counts, the sweeps' lease).
    pub fn database_text(&self, sql: &str) -> Fallible<Option<String>> {
        let url = self.database_url()?;
        let sql = sql.to_owned();
        std::thread::spawn(move || -> Result<Option<String>, String> {
            let mut client =
                postgres::Client::connect(&url, postgres::NoTls).map_err(|e| e.to_string())?;
            let row = client
                .query_opt(&sql, &[])
                .map_err(|e| match e.as_db_error() {
                    Some(db) => format!("{sql}: {}", db.message()),
                    None => format!("{sql}: {e}"),
                })?;
            row.map_or(Ok(None), |row| row.try_get(0).map_err(|e| e.to_string()))
        })
        .join()
        .map_err(|_| "the database thread panicked")?
        .map_err(Into::into)
    }

    /// Fails when any running instance has logged a panic.
    pub fn assert_no_panics(&self) -> Fallible<()> {
        for (index, instance) in self.instances.iter().enumerate() {
            if let Some(instance) = instance {
                let panics = instance.panics();
                if !panics.is_empty() {
                    return Err(format!("instance {index} panicked: {panics:?}").into());
                }
            }
        }
        Ok(())
    }
}

/// Runs `sql` on the database at `url` (on a thread of its own: the
/// blocking client cannot run on a test's runtime); returns the rows selected.
pub fn run_sql(url: &str, sql: &str) -> Fallible<Vec<postgres::Row>> {
    let (url, sql) = (url.to_owned(), sql.to_owned());
    std::thread::spawn(move || -> Result<_, postgres::Error> {
        postgres::Client::connect(&url, postgres::NoTls)?.query(&sql, &[])
    })
    .join()
    .map_err(|_| "the SQL thread panicked")?
    .map_err(Into::into)
}

/// Polls `check` every 50 ms until it answers `Some`, for `limit` at most.
pub async fn poll_until<T, F, Fut>(limit: Duration, what: &str, mut check: F) -> Fallible<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Fallible<Option<T>>>,
{
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        if let Some(value) = check().await? {
            return Ok(value);
        }
        if tokio::time::Instant::now() > deadline {
            return Err(format!("{what}: not within {limit:?}").into());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
