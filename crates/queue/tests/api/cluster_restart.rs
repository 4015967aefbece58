//! PostgreSQL restarted under load: two instances reconnect by themselves
//! (writer, read pool, event listener) and lose nothing they acknowledged.
//!
//! This restarts the PostgreSQL every other test uses, so it must run alone:
//! it is ignored by default and `cargo xtask test` runs it in a step of its
//! own (`cluster_restart:: --ignored`) after the cluster tests. By hand, first
//! check that nothing else uses that PostgreSQL.

use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use futures_util::{StreamExt as _, stream};
use lifeline_client::QueueClient;
use lifeline_protocol::IdempotencyKey;
use uuid::Uuid;

use crate::cluster::fanout::{describe, next_case_within};
use crate::cluster::{Cluster, Fallible, poll_until, run_sql};
use crate::events::next_case;
use crate::helpers::sos_request;

/// Creates running at once against each instance.
const WORKERS_PER_INSTANCE: usize = 2;
/// Long enough for PostgreSQL to come back and the instances to notice.
const RECOVERY_LIMIT: Duration = Duration::from_secs(60);

/// Restarts the PostgreSQL cluster `TEST_DATABASE_URL` points at (as its
/// `cluster_name` setting names it: Debian's `<version>/<name>`), and waits
/// for `pg_ctlcluster` to report it started.
fn restart_postgres(name: &str) -> Result<(), String> {
    let (version, cluster) = name
        .split_once('/')
        .ok_or_else(|| format!("cluster_name {name:?} is not Debian's <version>/<name>"))?;
    let output = Command::new("pg_ctlcluster")
        .args(["--skip-systemctl-redirect", version, cluster, "restart"])
        .output()
        .map_err(|e| format!("pg_ctlcluster (postgresql-common) cannot run: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "pg_ctlcluster {version} {cluster} restart failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(())
}

/// Creates through one instance until told to stop; keeps what was acknowledged.
async fn create_until_stopped(
    client: QueueClient,
    deployment_key: String,
    stop: Arc<AtomicBool>,
    acknowledged: Arc<AtomicUsize>,
) -> Vec<Uuid> {
    let request = sos_request(Some("created while PostgreSQL restarts"));
    let mut ids = Vec::new();
    while !stop.load(Ordering::Relaxed) {
        let created = client
            .create_case(&deployment_key, &IdempotencyKey::generate(), &request)
            .await;
        match created {
            Ok(created) => {
                ids.push(created.case.id);
                acknowledged.fetch_add(1, Ordering::Relaxed);
            }
            // Refused while the database is away: not acknowledged, so not
            // counted; a short pause keeps a refusing instance from spinning.
            Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
        }
    }
    ids
}

#[tokio::test]
#[ignore = "restarts PostgreSQL: cargo xtask test runs it alone, after the cluster tests"]
async fn instances_reconnect_after_a_postgres_restart_under_load_and_lose_nothing_acknowledged()
-> Fallible<()> {
    let cluster = Cluster::start(2, &[])?;
    let rows = run_sql(&std::env::var("TEST_DATABASE_URL")?, "SHOW cluster_name")?;
    let postgres: String = rows.first().ok_or("a cluster_name")?.try_get(0)?;
    // Followed on B, changed on A: the fan-out must come back too.
    let (id, token) = cluster.create_case(0).await?;
    let mut stream = cluster.client(1)?.events(&token, id, None).await?;
    next_case(&mut stream).await?;

    let stop = Arc::new(AtomicBool::new(false));
    let counts = [Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0))];
    let mut workers = Vec::new();
    for i in 0..2 * WORKERS_PER_INSTANCE {
        let instance = i % 2;
        workers.push(tokio::spawn(create_until_stopped(
            cluster.client(instance)?,
            cluster.company.deployment_key.clone(),
            Arc::clone(&stop),
            Arc::clone(&counts[instance]),
        )));
    }
    let acknowledged = |instance: usize| counts[instance].load(Ordering::Relaxed);
    poll_until(Duration::from_secs(30), "creates under load", || async {
        Ok((acknowledged(0) >= 20 && acknowledged(1) >= 20).then_some(()))
    })
    .await?;

    tokio::task::spawn_blocking(move || restart_postgres(&postgres)).await??;
    // Each instance acknowledges creates again without being restarted.
    let before = [acknowledged(0), acknowledged(1)];
    poll_until(
        RECOVERY_LIMIT,
        "creates on both instances after the restart",
        || async {
            Ok(
                (acknowledged(0) >= before[0] + 20 && acknowledged(1) >= before[1] + 20)
                    .then_some(()),
            )
        },
    )
    .await?;
    stop.store(true, Ordering::Relaxed);
    let mut created = Vec::new();
    for worker in workers {
        created.extend(worker.await?);
    }

    // Every acknowledged case reads back, on both instances.
    for instance in 0..2 {
        let client = cluster.client(instance)?;
        let token = &cluster.company.expert_token;
        let missing: Vec<Uuid> = stream::iter(&created)
            .map(|&id| {
                let client = &client;
                async move { client.get_case(token, id).await.err().map(|_| id) }
            })
            .buffer_unordered(8)
            .filter_map(|missing| async move { missing })
            .collect()
            .await;
        assert!(
            missing.is_empty(),
            "instance {instance} cannot read {} of {} acknowledged cases: {missing:?}",
            missing.len(),
            created.len()
        );
    }

    // Live again: B's subscriber gets a change made on A.
    cluster
        .client(0)?
        .update_case(&token, id, &describe("after the restart")?)
        .await?;
    let changed = next_case_within(&mut stream, RECOVERY_LIMIT).await?;
    assert_eq!(
        changed.description.map(String::from).as_deref(),
        Some("after the restart")
    );
    cluster.assert_no_panics()
}
