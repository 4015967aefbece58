//! The documents checked in beside the code say what the running server does:
//! `docs/openapi.json` is the OpenAPI document it serves, and the operator's
//! manual (`docs/operating.md`) names every metric it exports and gives a
//! restore drill that works.

use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use lifeline_client::QueueClient;
use lifeline_protocol::IdempotencyKey;

use crate::database;
use crate::helpers::{TestResult, sos_request, spawn_app};
use crate::process::{ServerProcess, set_up_company};

/// A file of the repository's `docs/` folder.
fn docs_file(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../docs")
        .join(name)
}

#[tokio::test]
async fn the_checked_in_openapi_document_is_the_one_the_server_serves() -> TestResult {
    let app = spawn_app().await;
    let served: serde_json::Value = app
        .http
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let path = docs_file("openapi.json");
    let checked_in: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path)?)?;
    if let Some(pointer) = first_difference(&checked_in, &served, String::new()) {
        return Err(format!(
            "{} differs from the served document at {pointer:?}: run `cargo xtask openapi` and commit it",
            path.display()
        )
        .into());
    }
    Ok(())
}

/// The JSON pointer of the first place where `a` and `b` differ, if any.
fn first_difference(a: &serde_json::Value, b: &serde_json::Value, at: String) -> Option<String> {
    use serde_json::Value;
    match (a, b) {
        (Value::Object(a), Value::Object(b)) => a
            .keys()
            .chain(b.keys().filter(|key| !a.contains_key(*key)))
            .find_map(|key| match (a.get(key), b.get(key)) {
                (Some(x), Some(y)) => first_difference(x, y, format!("{at}/{key}")),
                _ => Some(format!("{at}/{key}")),
            }),
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(i, (x, y))| first_difference(x, y, format!("{at}/{i}"))),
        _ => (a != b).then_some(at),
    }
}

#[tokio::test]
async fn the_operators_manual_names_every_metric_the_server_exports() -> TestResult {
    let app = spawn_app().await;
    app.create_case().await;
    let metrics = app
        .http
        .get(app.url("/metrics"))
        .send()
        .await?
        .error_for_status()?
        .text()
        .await?;
    // `# TYPE name kind`: OpenMetrics names a counter without the `_total`
    // its samples carry, which is the name an operator queries.
    let names: Vec<String> = metrics
        .lines()
        .filter_map(|line| line.strip_prefix("# TYPE "))
        .filter_map(|rest| {
            let (name, kind) = rest.split_once(' ')?;
            Some(if kind == "counter" {
                format!("{name}_total")
            } else {
                name.to_owned()
            })
        })
        .collect();
    assert!(
        names.len() >= 5,
        "the server exports its metrics:\n{metrics}"
    );
    let manual = std::fs::read_to_string(docs_file("operating.md"))?;
    let missing: Vec<&String> = names
        .iter()
        .filter(|name| !manual.contains(&format!("`{name}`")))
        .collect();
    assert!(
        missing.is_empty(),
        "docs/operating.md does not name (in backticks) these metrics: {missing:?}"
    );
    Ok(())
}

/// `install -m 0600 FROM TO`, as the manual's drill does.
fn install_private(from: &Path, to: &Path) -> TestResult {
    std::fs::copy(from, to)?;
    std::fs::set_permissions(to, std::fs::Permissions::from_mode(0o600))?;
    Ok(())
}

/// The manual's "Backups and a restore drill" on SQLite: `sqlite3 .backup`
/// while the server runs, then the database and `secret.key` put into a
/// fresh data dir; without the key the server refuses, with it the case and
/// the deployment key work again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_manuals_restore_drill_brings_back_cases_and_keys() -> TestResult {
    let dir = tempfile::tempdir()?;
    let live = dir.path().join("live");
    let restored = dir.path().join("restored");
    database::keep_on_sqlite(&live);
    database::keep_on_sqlite(&restored);
    let company = set_up_company(&live)?;
    let mut server = ServerProcess::start(&live, &[])?;
    let created = QueueClient::new(&server.base_url)?
        .create_case(
            &company.deployment_key,
            &IdempotencyKey::generate(),
            &sos_request(Some("made before the backup")),
        )
        .await?;

    let backup = dir.path().join("lifeline-backup.db");
    let sqlite3 = Command::new("sqlite3")
        .arg(live.join("lifeline.db"))
        .arg(format!(".backup '{}'", backup.display()))
        .output()?;
    assert!(
        sqlite3.status.success(),
        "sqlite3 .backup: {}",
        String::from_utf8_lossy(&sqlite3.stderr)
    );
    server.terminate(Duration::from_secs(10))?;

    std::fs::create_dir(&restored)?;
    std::fs::set_permissions(&restored, std::fs::Permissions::from_mode(0o700))?;
    install_private(&backup, &restored.join("lifeline.db"))?;
    let refusal = ServerProcess::refused_start(&restored, &[])?;
    assert!(
        refusal.contains("secret.key"),
        "without its secret.key the restored database is refused, naming the file: {refusal}"
    );

    install_private(&live.join("secret.key"), &restored.join("secret.key"))?;
    let server = ServerProcess::start(&restored, &[])?;
    let client = QueueClient::new(&server.base_url)?;
    let case = client.get_case(&created.token, created.case.id).await?;
    assert_eq!(
        case.description.as_ref().map(|d| d.as_str()),
        Some("made before the backup")
    );
    client
        .create_case(
            &company.deployment_key,
            &IdempotencyKey::generate(),
            &sos_request(Some("made after the restore")),
        )
        .await?;
    Ok(())
}
