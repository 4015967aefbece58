//! Live events reach subscribers whichever instance they are connected to:
//! a change committed on one instance is announced to the others (LISTEN /
//! NOTIFY) and read back from the database there; a listener that lost its
//! connection catches its subscribers up once it listens again.

use std::pin::Pin;
use std::time::Duration;

use bytes::Bytes;
use futures_util::{Stream, StreamExt as _};
use lifeline_client::{CaseEventKind, EventStream, join_session};
use lifeline_protocol::{Case, CaseState, Description, UpdateCaseRequest};

use super::{Cluster, Fallible, poll_until, run_sql};
use crate::events::next_case;
use crate::session::{messages, quick};

/// Long enough for a listener to get its connection back after pauses.
const RECONNECT_LIMIT: Duration = Duration::from_secs(20);

/// A console queue page's event stream, as text.
struct QueueFeed {
    body: Pin<Box<dyn Stream<Item = reqwest::Result<Bytes>> + Send>>,
    seen: String,
}

impl QueueFeed {
    async fn open(cluster: &Cluster, index: usize) -> Fallible<Self> {
        let cookie = cluster.console_cookie(index).await?;
        let response = reqwest::Client::new()
            .get(format!("{}/console/events", cluster.url(index)))
            .header(reqwest::header::COOKIE, cookie)
            .send()
            .await?
            .error_for_status()?;
        Ok(Self {
            body: Box::pin(response.bytes_stream()),
            seen: String::new(),
        })
    }

    /// Reads until an event `name` with `data` has come; forgets what came before it.
    async fn until(&mut self, name: &str, data: &str, limit: Duration) -> Fallible<()> {
        let wanted = format!("event: {name}\ndata: {data}\n");
        let found = tokio::time::timeout(limit, async {
            loop {
                if let Some(at) = self.seen.find(&wanted) {
                    self.seen.drain(..at + wanted.len());
                    return Ok::<_, Box<dyn std::error::Error>>(());
                }
                let chunk = self.body.next().await.ok_or("the queue stream ended")??;
                self.seen.push_str(&String::from_utf8_lossy(&chunk));
            }
        })
        .await;
        match found {
            Ok(result) => result,
            Err(_) => Err(format!("no {wanted:?} within {limit:?}; got {:?}", self.seen).into()),
        }
    }
}

pub(crate) fn describe(text: &str) -> Fallible<UpdateCaseRequest> {
    Ok(UpdateCaseRequest {
        description: Some(Description::parse(text)?),
        customer: None,
    })
}

/// The next case event of `stream` within `limit`.
pub(crate) async fn next_case_within(stream: &mut EventStream, limit: Duration) -> Fallible<Case> {
    let event = tokio::time::timeout(limit, stream.next_event())
        .await
        .map_err(|_| format!("no event within {limit:?}"))?
        .ok_or("the stream ended")??;
    match event.kind {
        CaseEventKind::Case(case) => Ok(case),
        other => Err(format!("expected a case event, got {other:?}").into()),
    }
}

#[tokio::test]
#[ignore = "needs PostgreSQL: cargo xtask test runs the cluster tests"]
async fn a_change_on_one_instance_reaches_case_and_queue_streams_on_the_other() -> Fallible<()> {
    let cluster = Cluster::start(2, &[])?;
    let mut queue = QueueFeed::open(&cluster, 1).await?;
    let (id, token) = cluster.create_case(0).await?;
    queue
        .until("changed", &id.to_string(), Duration::from_secs(5))
        .await?;

    let mut stream = cluster.client(1)?.events(&token, id, None).await?;
    let (_, first) = next_case(&mut stream).await?;
    assert_eq!(first.state, CaseState::New);
    let (a, experts) = (cluster.client(0)?, &cluster.company.expert_token);
    a.update_case(&token, id, &describe("Printer on fire")?)
        .await?;
    let (_, described) = next_case(&mut stream).await?;
    assert_eq!(
        described.description.map(String::from).as_deref(),
        Some("Printer on fire"),
        "the subscriber on B sees the change made on A"
    );
    a.close_case(experts, id).await?;
    let (_, closed) = next_case(&mut stream).await?;
    assert_eq!(closed.state, CaseState::Closed);
    let end = tokio::time::timeout(Duration::from_secs(5), stream.next_event()).await?;
    assert!(
        end.is_none(),
        "the stream ends after the final state: {end:?}"
    );
    queue
        .until("changed", &id.to_string(), Duration::from_secs(5))
        .await?;
    cluster.assert_no_panics()
}

#[tokio::test]
#[ignore = "needs PostgreSQL: cargo xtask test runs the cluster tests"]
async fn a_customer_on_one_instance_and_an_expert_on_the_other_chat_both_ways() -> Fallible<()> {
    let cluster = Cluster::start(2, &[])?;
    let (id, token) = cluster.create_case(0).await?;
    let (a, b) = (cluster.client(0)?, cluster.client(1)?);
    let (customer, mut customer_events) = join_session(&a, token.clone(), id, quick());
    let (expert, mut expert_events) =
        join_session(&b, cluster.company.expert_token.clone(), id, quick());
    poll_until(Duration::from_secs(10), "in progress", || async {
        let case = a.get_case(&token, id).await?;
        Ok((case.state == CaseState::InProgress).then_some(()))
    })
    .await?;

    // Each side sees every message of both, once and in order: each send
    // waits until the other side (on the other instance) has it.
    let (mut sent, mut seen_by_expert, mut seen_by_customer) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..3 {
        sent.push(customer.send(&format!("customer {i}")).await?);
        let missing = sent.len() - seen_by_expert.len();
        seen_by_expert.extend(
            messages(&mut expert_events, missing)
                .await?
                .iter()
                .map(|m| m.id),
        );
        assert_eq!(
            seen_by_expert, sent,
            "the expert on B gets the customer's message from A"
        );
        sent.push(expert.send(&format!("expert {i}")).await?);
        let missing = sent.len() - seen_by_customer.len();
        seen_by_customer.extend(
            messages(&mut customer_events, missing)
                .await?
                .iter()
                .map(|m| m.id),
        );
        assert_eq!(
            seen_by_customer, sent,
            "the customer on A gets the expert's message from B"
        );
    }
    drop((customer, expert));
    cluster.assert_no_panics()
}

/// No new connection to the database is accepted while this lives (existing
/// ones stay): a listener that lost its connection cannot get it back.
pub(crate) struct ConnectionsRefused {
    database: String,
}

impl ConnectionsRefused {
    pub(crate) fn new(cluster: &Cluster) -> Fallible<Self> {
        let url = cluster.database_url()?;
        let database = url
            .rsplit('/')
            .next()
            .and_then(|tail| tail.split('?').next())
            .ok_or("a database name")?
            .to_string();
        run_sql(
            &maintenance()?,
            &format!("ALTER DATABASE {database} ALLOW_CONNECTIONS false"),
        )?;
        Ok(Self { database })
    }

    /// Ends every connection to the database but this test's own; returns how many.
    pub(crate) fn cut_all(&self) -> Fallible<usize> {
        let cut = run_sql(
            &maintenance()?,
            &format!(
                "SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity \
                 WHERE datname = '{}' AND pid <> pg_backend_pid()",
                self.database
            ),
        )?;
        Ok(cut.iter().filter(|row| row.get::<_, bool>(0)).count())
    }

    /// Ends the connections listening for events; returns how many.
    fn cut_listeners(&self) -> Fallible<usize> {
        let cut = run_sql(
            &maintenance()?,
            &format!(
                "SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity \
                 WHERE datname = '{}' AND query = 'LISTEN lifeline_events'",
                self.database
            ),
        )?;
        Ok(cut.iter().filter(|row| row.get::<_, bool>(0)).count())
    }
}

impl Drop for ConnectionsRefused {
    fn drop(&mut self) {
        let allow = format!("ALTER DATABASE {} ALLOW_CONNECTIONS true", self.database);
        if let Err(e) = maintenance().and_then(|url| run_sql(&url, &allow)) {
            eprintln!("{allow}: {e}");
        }
    }
}

fn maintenance() -> Fallible<String> {
    Ok(std::env::var("TEST_DATABASE_URL")?)
}

#[tokio::test]
#[ignore = "needs PostgreSQL: cargo xtask test runs the cluster tests"]
async fn a_change_made_while_the_listener_is_cut_off_still_reaches_the_subscriber() -> Fallible<()>
{
    let cluster = Cluster::start(2, &[])?;
    let (id, token) = cluster.create_case(0).await?;
    let mut queue = QueueFeed::open(&cluster, 1).await?;
    let mut stream = cluster.client(1)?.events(&token, id, None).await?;
    next_case(&mut stream).await?;
    let a = cluster.client(0)?;
    // The fan-out works before the cut: a listener is there to cut.
    a.update_case(&token, id, &describe("before the cut")?)
        .await?;
    let before = next_case_within(&mut stream, Duration::from_secs(5)).await?;
    assert_eq!(
        before.description.map(String::from).as_deref(),
        Some("before the cut")
    );
    queue
        .until("changed", &id.to_string(), Duration::from_secs(5))
        .await?;

    let refused = ConnectionsRefused::new(&cluster)?;
    assert_eq!(
        refused.cut_listeners()?,
        2,
        "each instance's listener was cut"
    );
    // Made while no listener of B can hear it: its announcement is lost.
    a.update_case(&token, id, &describe("while cut off")?)
        .await?;
    drop(refused);

    let after = next_case_within(&mut stream, RECONNECT_LIMIT).await?;
    assert_eq!(
        after.description.map(String::from).as_deref(),
        Some("while cut off"),
        "B's subscriber caught up from the database once its listener was back"
    );
    queue.until("changed", "lagged", RECONNECT_LIMIT).await?;
    // And live again.
    a.update_case(&token, id, &describe("after the cut")?)
        .await?;
    let live = next_case_within(&mut stream, Duration::from_secs(5)).await?;
    assert_eq!(
        live.description.map(String::from).as_deref(),
        Some("after the cut")
    );
    cluster.assert_no_panics()
}
