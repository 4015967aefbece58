//! Automatic assignment stays exactly-once across instances: creates spread
//! over two instances are each assigned once, evenly, whichever instance
//! ran the assignment.

use std::collections::HashMap;

use futures_util::future::try_join_all;
use lifeline_protocol::{AssignmentPolicy, IdempotencyKey, SetAssignmentPolicyRequest};
use uuid::Uuid;

use super::{Cluster, Fallible, run_sql};
use crate::helpers::sos_request;
use crate::process::cli_ok;

/// Adds an expert of the company's group through the CLI; returns an API token.
pub(super) fn add_expert(cluster: &Cluster, name: &str) -> Fallible<String> {
    let email = format!("{}@example.com", name.to_lowercase());
    let data = cluster.data_dir();
    cli_ok(
        data,
        &[
            "expert",
            "add",
            "--email",
            &email,
            "--name",
            name,
            "--group",
            "Front desk",
        ],
        "another long password\n",
    )?;
    cli_ok(data, &["token", "add", "--email", &email], "")
}

#[tokio::test]
#[ignore = "needs PostgreSQL: cargo xtask test runs the cluster tests"]
async fn round_robin_over_two_instances_assigns_each_case_once_and_evenly() -> Fallible<()> {
    let cluster = Cluster::start(2, &[])?;
    let tokens = [
        cluster.company.expert_token.clone(),
        add_expert(&cluster, "Luis")?,
        add_expert(&cluster, "Marta")?,
    ];
    for (i, token) in tokens.iter().enumerate() {
        cluster.client(i % 2)?.set_availability(token, true).await?;
    }
    let admin = cluster.client(0)?;
    let group = admin.list_groups(&tokens[0]).await?;
    let group = group.first().ok_or("the company's group")?;
    admin
        .set_assignment_policy(
            &tokens[0],
            group.id,
            &SetAssignmentPolicyRequest {
                policy: AssignmentPolicy::RoundRobin,
            },
        )
        .await?;

    let clients = [cluster.client(0)?, cluster.client(1)?];
    let keys: Vec<_> = (0..30).map(|_| IdempotencyKey::generate()).collect();
    let request = sos_request(None);
    let creates = keys
        .iter()
        .enumerate()
        .map(|(i, key)| clients[i % 2].create_case(&cluster.company.deployment_key, key, &request));
    let created = try_join_all(creates).await?;

    let mut per_expert: HashMap<Uuid, usize> = HashMap::new();
    for case in &created {
        let case = clients[1].get_case(&case.token, case.case.id).await?;
        let assignee = case.assignee.ok_or("every case is assigned")?;
        *per_expert.entry(assignee.id).or_default() += 1;
    }
    let counts: Vec<usize> = per_expert.values().copied().collect();
    assert_eq!(
        counts,
        vec![10; 3],
        "30 cases over 3 experts, nobody skipped or doubled: {per_expert:?}"
    );
    let assigned_twice = run_sql(
        &cluster.database_url()?,
        "SELECT case_id FROM case_events WHERE action = 'assigned' \
         GROUP BY case_id HAVING count(*) <> 1",
    )?;
    assert!(
        assigned_twice.is_empty(),
        "{} cases were assigned more than once",
        assigned_twice.len()
    );
    let assigned = run_sql(
        &cluster.database_url()?,
        "SELECT count(*) FROM case_events WHERE action = 'assigned'",
    )?;
    let assigned: i64 = assigned.first().ok_or("a count")?.try_get(0)?;
    assert_eq!(assigned, 30, "one assignment recorded per case");
    cluster.assert_no_panics()
}
