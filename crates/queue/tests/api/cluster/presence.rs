//! Session presence across instances: the sides of one case reach different
//! instances, an instance dies with sockets open, another starts while
//! sessions run; and the sweeps that must run once (expiry, dead instances)
//! run on the instance holding their lease, which passes on when it dies.

use std::time::{Duration, Instant};

use lifeline_client::{QueueClient, join_session};
use lifeline_protocol::{Case, CaseState, HistoryAction};
use uuid::Uuid;

use super::{Cluster, Fallible, poll_until};
use crate::database;
use crate::session::quick;

/// The session's silence limit (`SILENT_FOR` in the server): a side whose
/// instance died must be out within it, as a side that fell silent is.
const SILENCE_LIMIT: Duration = Duration::from_secs(7);

/// How long a change made on one instance may take to show (polled).
const SHOWS_WITHIN: Duration = Duration::from_secs(5);

/// Polls the case on `client` (as the expert) until `check` holds.
async fn case_until(
    cluster: &Cluster,
    client: &QueueClient,
    id: Uuid,
    what: &str,
    check: impl Fn(&Case) -> bool,
) -> Fallible<Case> {
    let token = &cluster.company.expert_token;
    poll_until(SHOWS_WITHIN, what, || async {
        let case = client.get_case(token, id).await?;
        Ok(check(&case).then_some(case))
    })
    .await
}

/// The sockets of a case side the instances count in the database.
fn sockets(cluster: &Cluster, id: Uuid, side: &str) -> Fallible<i64> {
    let sum = cluster.database_text(&format!(
        "SELECT SUM(sockets)::text FROM session_presence \
         WHERE case_id = '{id}' AND side = '{side}'"
    ))?;
    Ok(sum.map_or(Ok(0), |sum| sum.parse())?)
}

/// Polls until the instances count `count` sockets of the case side: the
/// opening or closing of a socket has been written.
async fn sockets_until(cluster: &Cluster, id: Uuid, side: &str, count: i64) -> Fallible<()> {
    let what = format!("{count} {side} sockets counted");
    poll_until(SHOWS_WITHIN, &what, || async {
        Ok((sockets(cluster, id, side)? == count).then_some(()))
    })
    .await
}

/// The case's history as (action, actor), read on `client`.
async fn history(
    cluster: &Cluster,
    client: &QueueClient,
    id: Uuid,
) -> Fallible<Vec<(HistoryAction, String)>> {
    let case = client.get_case(&cluster.company.expert_token, id).await?;
    Ok(case
        .history
        .ok_or("experts get the history")?
        .into_iter()
        .map(|line| (line.action, line.actor))
        .collect())
}

/// Who holds the sweeps' lease.
fn lease_holder(cluster: &Cluster) -> Fallible<String> {
    let holders = cluster
        .database_text("SELECT string_agg(holder::text, ',') FROM leases WHERE name = 'sweeps'")?
        .ok_or("somebody holds the sweeps' lease")?;
    if holders.contains(',') {
        return Err(format!("one lease, one holder: {holders}").into());
    }
    Ok(holders)
}

#[tokio::test]
#[ignore = "needs PostgreSQL: cargo xtask test runs the cluster tests"]
async fn sides_on_two_instances_reach_in_progress_and_leave_one_socket_at_a_time() -> Fallible<()> {
    let cluster = Cluster::start(2, &[])?;
    let (a, b) = (cluster.client(0)?, cluster.client(1)?);
    let expert_token = cluster.company.expert_token.clone();
    let (id, token) = cluster.create_case(0).await?;

    let (customer_on_a, _customer_events) = join_session(&a, token, id, quick());
    case_until(&cluster, &b, id, "the customer in, seen on B", |case| {
        case.customer_connected
    })
    .await?;
    let (expert_on_b, _expert_events) = join_session(&b, expert_token.clone(), id, quick());
    for client in [&a, &b] {
        case_until(&cluster, client, id, "in progress on both", |case| {
            case.state == CaseState::InProgress && case.expert_connected && case.customer_connected
        })
        .await?;
    }

    // A second expert socket, on A: the expert's sockets now live on two
    // instances, and closing one of them leaves the expert in.
    let (expert_on_a, _more_events) = join_session(&a, expert_token, id, quick());
    sockets_until(&cluster, id, "expert", 2).await?;
    expert_on_a.leave().await;
    sockets_until(&cluster, id, "expert", 1).await?;
    for client in [&a, &b] {
        let case = client.get_case(&cluster.company.expert_token, id).await?;
        assert_eq!(case.state, CaseState::InProgress);
        assert!(
            case.expert_connected,
            "the expert's socket on B still counts"
        );
    }

    customer_on_a.leave().await;
    case_until(&cluster, &b, id, "the customer out, seen on B", |case| {
        case.state == CaseState::Pending && case.expert_connected && !case.customer_connected
    })
    .await?;
    expert_on_b.leave().await;
    case_until(&cluster, &a, id, "nobody in, seen on A", |case| {
        case.state == CaseState::Pending && !case.expert_connected && !case.customer_connected
    })
    .await?;

    let actions: Vec<_> = history(&cluster, &b, id)
        .await?
        .into_iter()
        .map(|(action, actor)| format!("{} {actor}", action.as_str()))
        .collect();
    assert_eq!(
        actions,
        [
            "created customer",
            "joined customer",
            "joined Ana",
            "left customer",
            "left Ana"
        ]
    );
    cluster.assert_no_panics()
}

#[tokio::test]
#[ignore = "needs PostgreSQL: cargo xtask test runs the cluster tests"]
async fn a_killed_instance_stops_counting_its_sockets_within_the_silence_limit() -> Fallible<()> {
    let mut cluster = Cluster::start(2, &[])?;
    let b = cluster.client(1)?;
    let mut acknowledged = Vec::new();
    for i in 0..20 {
        acknowledged.push(cluster.create_case(i % 2).await?.0);
    }
    let (id, token) = cluster.create_case(0).await?;
    acknowledged.push(id);
    // The customer's socket on A (the instance that started first, so it
    // also holds the sweeps' lease), the expert's on B.
    let (_customer_on_a, _customer_events) = join_session(&cluster.client(0)?, token, id, quick());
    let (expert_on_b, _expert_events) =
        join_session(&b, cluster.company.expert_token.clone(), id, quick());
    case_until(&cluster, &b, id, "in progress", |case| {
        case.state == CaseState::InProgress
    })
    .await?;

    cluster.kill(0)?;
    let killed = Instant::now();
    let token = cluster.company.expert_token.clone();
    let case = poll_until(SILENCE_LIMIT, "B reports the customer gone", || async {
        let case = b.get_case(&token, id).await?;
        Ok((!case.customer_connected).then_some(case))
    })
    .await?;
    eprintln!(
        "the killed instance's customer was out after {:?}",
        killed.elapsed()
    );
    assert_eq!(case.state, CaseState::Pending);
    assert!(case.expert_connected, "the expert's socket on B stays");
    let last = history(&cluster, &b, id)
        .await?
        .pop()
        .ok_or("a history line")?;
    assert_eq!(last, (HistoryAction::Left, "system".to_string()));
    assert_eq!(sockets(&cluster, id, "customer")?, 0);

    // Nothing acknowledged is lost, and B keeps serving.
    for case in &acknowledged {
        b.get_case(&cluster.company.expert_token, *case).await?;
    }
    cluster.create_case(1).await?;
    expert_on_b.send("still here").await?;
    cluster.assert_no_panics()
}

#[tokio::test]
#[ignore = "needs PostgreSQL: cargo xtask test runs the cluster tests"]
async fn an_instance_starting_leaves_the_sessions_of_live_instances_alone() -> Fallible<()> {
    let mut cluster = Cluster::start(1, &[])?;
    let a = cluster.client(0)?;
    let (id, token) = cluster.create_case(0).await?;
    let (_customer, _customer_events) = join_session(&a, token, id, quick());
    let (_expert, _expert_events) =
        join_session(&a, cluster.company.expert_token.clone(), id, quick());
    case_until(&cluster, &a, id, "in progress", |case| {
        case.state == CaseState::InProgress
    })
    .await?;

    // It resets presence before it listens: by now that is done.
    let started = cluster.add_instance(&[])?;
    let case = cluster
        .client(started)?
        .get_case(&cluster.company.expert_token, id)
        .await?;
    assert_eq!(case.state, CaseState::InProgress);
    assert!(case.expert_connected && case.customer_connected);
    let left = history(&cluster, &a, id)
        .await?
        .into_iter()
        .filter(|(action, _)| *action == HistoryAction::Left)
        .count();
    assert_eq!(left, 0, "nobody left");
    cluster.assert_no_panics()
}

#[tokio::test]
#[ignore = "needs PostgreSQL: cargo xtask test runs the cluster tests"]
async fn expiry_is_swept_once_by_the_lease_holder_and_passes_on_when_it_dies() -> Fallible<()> {
    let mut cluster = Cluster::start(2, &[("LIFELINE_CASE_TTL", "2s")])?;
    let b = cluster.client(1)?;
    let expired_once = |history: &[(HistoryAction, String)]| {
        history
            .iter()
            .filter(|(action, _)| *action == HistoryAction::Expired)
            .count()
            == 1
    };
    let mut first = Vec::new();
    for i in 0..6 {
        first.push(cluster.create_case(i % 2).await?.0);
    }
    for &id in &first {
        let what = format!("case {id} expired by the sweep");
        poll_until(Duration::from_secs(10), &what, || async {
            Ok(expired_once(&history(&cluster, &b, id).await?).then_some(()))
        })
        .await?;
    }
    let holder = lease_holder(&cluster)?;

    // A started first and took the lease at once; killed, it passes to B.
    cluster.kill(0)?;
    let mut second = Vec::new();
    for _ in 0..3 {
        second.push(cluster.create_case(1).await?.0);
    }
    poll_until(Duration::from_secs(10), "the lease passes to B", || async {
        Ok((lease_holder(&cluster)? != holder).then_some(()))
    })
    .await?;
    for &id in &second {
        let what = format!("case {id} expired after the holder died");
        poll_until(Duration::from_secs(10), &what, || async {
            Ok(expired_once(&history(&cluster, &b, id).await?).then_some(()))
        })
        .await?;
    }
    // Swept once each: nothing swept them again meanwhile.
    for id in first.iter().chain(&second) {
        let lines = history(&cluster, &b, *id).await?;
        assert!(expired_once(&lines), "case {id}: {lines:?}");
    }
    cluster.assert_no_panics()
}

#[tokio::test]
#[ignore = "needs PostgreSQL: cargo xtask test runs the cluster tests"]
async fn an_instance_that_stops_cleanly_removes_itself_and_its_sockets() -> Fallible<()> {
    let mut cluster = Cluster::start(2, &[])?;
    let (id, token) = cluster.create_case(1).await?;
    let (_customer, _customer_events) = join_session(&cluster.client(1)?, token, id, quick());
    sockets_until(&cluster, id, "customer", 1).await?;
    let instances = |cluster: &Cluster| -> Fallible<String> {
        Ok(cluster
            .database_text("SELECT count(*)::text FROM instances")?
            .unwrap_or_default())
    };
    assert_eq!(instances(&cluster)?, "2");

    let status = cluster.stop(1)?;
    assert!(status.success(), "{status}");
    // Gone when it exited, not only once the others find it dead.
    assert_eq!(instances(&cluster)?, "1");
    assert_eq!(sockets(&cluster, id, "customer")?, 0);
    let case = cluster
        .client(0)?
        .get_case(&cluster.company.expert_token, id)
        .await?;
    assert!(!case.customer_connected);
    cluster.assert_no_panics()
}

#[tokio::test]
#[ignore = "needs PostgreSQL: cargo xtask test runs the cluster tests"]
async fn an_outage_of_the_database_longer_than_the_dead_limit_takes_nobody_for_dead() -> Fallible<()>
{
    let cluster = Cluster::start(2, &[])?;
    let (a, b) = (cluster.client(0)?, cluster.client(1)?);
    let (id, token) = cluster.create_case(0).await?;
    let (_customer_on_a, _customer_events) = join_session(&a, token, id, quick());
    let (_expert_on_b, _expert_events) =
        join_session(&b, cluster.company.expert_token.clone(), id, quick());
    case_until(&cluster, &b, id, "in progress", |case| {
        case.state == CaseState::InProgress
    })
    .await?;

    // Every connection of both instances cut, and none let in, for longer
    // than an instance may stay silent (4 s): no heartbeat is written.
    let url = cluster.database_url()?;
    let database = url
        .rsplit('/')
        .next()
        .and_then(|rest| rest.split('?').next())
        .ok_or("a database name")?;
    database::run_on_maintenance(&format!(
        "ALTER DATABASE {database} WITH ALLOW_CONNECTIONS false; \
         SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database}'"
    ))?;
    tokio::time::sleep(Duration::from_secs(6)).await; // the outage itself
    database::run_on_maintenance(&format!(
        "ALTER DATABASE {database} WITH ALLOW_CONNECTIONS true"
    ))?;
    let reopened = time::OffsetDateTime::now_utc();

    // Both instances write again, long enough that the sweep has judged.
    let judged_after = (reopened + Duration::from_secs(10)).unix_timestamp() * 1000;
    poll_until(
        Duration::from_secs(30),
        "both instances alive again",
        || async {
            let alive = cluster.database_text(&format!(
                "SELECT count(*)::text FROM instances WHERE seen_at > {judged_after}"
            ))?;
            Ok((alive.as_deref() == Some("2")).then_some(()))
        },
    )
    .await?;
    let case = b.get_case(&cluster.company.expert_token, id).await?;
    let lines = history(&cluster, &a, id).await?;
    assert!(
        case.state == CaseState::InProgress && case.customer_connected && case.expert_connected,
        "both sides still in: {case:?}, {lines:?}"
    );
    let left = lines
        .iter()
        .filter(|(action, _)| *action == HistoryAction::Left)
        .count();
    assert_eq!(left, 0, "nobody was taken for gone: {lines:?}");
    cluster.assert_no_panics()
}
