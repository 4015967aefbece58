//! `database_pool_size` bounds the read connections an instance opens, so
//! operators can fit several instances into PostgreSQL's `max_connections`.

use futures_util::future::join_all;

use super::{Cluster, Fallible};
use crate::database;

/// The connections the server opens besides its read pool: the writer's,
/// and the one that listens for other instances' changes (fan-out).
const OTHER_CONNECTIONS: i64 = 2;

/// Connections the server holds to its database (named `lifeline-queue` in
/// `pg_stat_activity`).
fn server_connections(cluster: &Cluster) -> Fallible<i64> {
    let (_, url) = database::for_data_dir(cluster.data_dir()).ok_or("not on PostgreSQL")?;
    std::thread::spawn(move || -> Result<i64, postgres::Error> {
        let mut client = postgres::Client::connect(&url, postgres::NoTls)?;
        let row = client.query_one(
            "SELECT count(*) FROM pg_stat_activity \
             WHERE datname = current_database() AND application_name = 'lifeline-queue'",
            &[],
        )?;
        row.try_get(0)
    })
    .join()
    .map_err(|_| "the query thread panicked")?
    .map_err(Into::into)
}

#[tokio::test]
#[ignore = "needs PostgreSQL: cargo xtask test runs the cluster tests"]
async fn an_instance_opens_no_more_read_connections_than_its_pool_size() -> Fallible<()> {
    let cluster = Cluster::start(1, &[("LIFELINE_DATABASE_POOL_SIZE", "2")])?;
    let client = cluster.client(0)?;
    // Far more reads at once than connections: they wait their turn, none fails.
    let filters = Default::default();
    let reads = (0..64).map(|_| client.list_cases(&cluster.company.expert_token, &filters));
    for listed in join_all(reads).await {
        listed?;
    }
    // The pool keeps what it opened, so this is the most it ever had.
    let connections = server_connections(&cluster)?;
    assert!(
        connections <= 2 + OTHER_CONNECTIONS,
        "{connections} connections for a pool of 2"
    );
    cluster.assert_no_panics()
}
