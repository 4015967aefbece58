//! The audit log is one log for every instance: what the command line, one
//! instance and another record is read alike from each, once.

use reqwest::StatusCode;
use serde_json::{Value, json};

use super::{Cluster, Fallible};

/// Every entry, newest first, as instance `index` answers.
async fn entries(cluster: &Cluster, index: usize) -> Fallible<Vec<Value>> {
    let response = reqwest::Client::new()
        .get(format!("{}/api/v1/audit?limit=500", cluster.url(index)))
        .bearer_auth(&cluster.company.expert_token)
        .send()
        .await?;
    assert_eq!(response.status(), StatusCode::OK);
    let page: Value = response.json().await?;
    Ok(page["entries"].as_array().ok_or("entries")?.clone())
}

#[tokio::test]
#[ignore = "needs PostgreSQL: cargo xtask test runs the cluster tests"]
async fn every_instance_reads_the_one_log_the_command_line_and_the_others_wrote() -> Fallible<()> {
    let cluster = Cluster::start(2, &[])?;
    let made = reqwest::Client::new()
        .post(format!("{}/api/v1/groups", cluster.url(0)))
        .bearer_auth(&cluster.company.expert_token)
        .json(&json!({"name": "Billing"}))
        .send()
        .await?;
    assert_eq!(made.status(), StatusCode::CREATED);
    let wrong = crate::console::browser()
        .post(format!("{}/sign-in", cluster.url(1)))
        .form(&[
            ("email", "ana@example.com"),
            ("password", "not the password at all"),
        ])
        .send()
        .await?;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    cluster.console_cookie(1).await?;

    let seen = entries(&cluster, 0).await?;
    assert_eq!(seen, entries(&cluster, 1).await?, "one log");
    let summary: Vec<(String, String)> = seen
        .iter()
        .map(|e| (e["action"].to_string(), e["actor_name"].to_string()))
        .collect();
    let expected: Vec<(String, String)> = [
        ("sign_in.succeeded", "Ana"),
        ("sign_in.failed", "ana@example.com"),
        ("group.created", "Ana"),
        // The company's set-up through the CLI, oldest last.
        ("deployment.created", "command line"),
        ("token.created", "command line"),
        ("expert.created", "command line"),
        ("group.created", "command line"),
    ]
    .iter()
    .map(|(action, actor)| (format!("\"{action}\""), format!("\"{actor}\"")))
    .collect();
    assert_eq!(summary, expected);
    for entry in &seen[..3] {
        assert_eq!(entry["client"], "127.0.0.1", "{entry}");
    }
    for entry in &seen[3..] {
        assert_eq!(entry["client"], Value::Null, "{entry}");
    }
    cluster.assert_no_panics()
}
