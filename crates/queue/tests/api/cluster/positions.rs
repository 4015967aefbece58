//! Queue positions across instances: a change of the line made on one
//! instance shows at once in positions read on the other (a read catches up
//! with the database's log of line changes before it answers).

use lifeline_client::QueueClient;
use uuid::Uuid;

use super::{Cluster, Fallible};

/// Reads every case on both instances and checks its position: 1 + the
/// waiting cases created before it.
async fn expect_positions(
    cluster: &Cluster,
    clients: &[QueueClient; 2],
    ids: &[Uuid],
    waiting: &[bool],
    after: &str,
) -> Fallible<()> {
    for (instance, client) in clients.iter().enumerate() {
        let mut ahead = 0;
        for (i, (id, waits)) in ids.iter().zip(waiting).enumerate() {
            let want = waits.then(|| {
                ahead += 1;
                ahead
            });
            let case = client.get_case(&cluster.company.expert_token, *id).await?;
            assert_eq!(
                case.queue_position, want,
                "after {after}: case {i} read on instance {instance}"
            );
        }
    }
    Ok(())
}

#[tokio::test]
#[ignore = "needs PostgreSQL: cargo xtask test runs the cluster tests"]
async fn positions_read_on_either_instance_follow_changes_made_on_the_other() -> Fallible<()> {
    let cluster = Cluster::start(2, &[])?;
    let clients = [cluster.client(0)?, cluster.client(1)?];
    let token = &cluster.company.expert_token;
    let expert: Uuid = cluster
        .database_text("SELECT id::text FROM experts ORDER BY id LIMIT 1")?
        .ok_or("an expert")?
        .parse()?;
    let mut ids = Vec::new();
    for i in 0..6 {
        ids.push(cluster.create_case(i % 2).await?.0);
    }
    let mut waiting = vec![true; 6];
    expect_positions(&cluster, &clients, &ids, &waiting, "creates on both").await?;

    clients[0].assign(token, ids[2], Some(expert)).await?;
    waiting[2] = false;
    expect_positions(&cluster, &clients, &ids, &waiting, "taken on 0").await?;

    let back = clients[1].assign(token, ids[2], None).await?;
    assert_eq!(back.queue_position, Some(3), "back at its place, by id");
    waiting[2] = true;
    expect_positions(&cluster, &clients, &ids, &waiting, "unassigned on 1").await?;

    clients[1].close_case(token, ids[0]).await?;
    waiting[0] = false;
    ids.push(cluster.create_case(1).await?.0);
    waiting.push(true);
    expect_positions(
        &cluster,
        &clients,
        &ids,
        &waiting,
        "closed and created on 1",
    )
    .await?;

    clients[0].assign(token, ids[4], Some(expert)).await?;
    clients[1].close_case(token, ids[6]).await?;
    waiting[4] = false;
    waiting[6] = false;
    expect_positions(
        &cluster,
        &clients,
        &ids,
        &waiting,
        "taken on 0, closed on 1",
    )
    .await?;
    cluster.assert_no_panics()
}
