use std::time::Duration;

use lifeline_client::QueueClient;
use lifeline_protocol::{DeploymentFile, IdempotencyKey};

use crate::helpers::{TestResult, sos_request};
use crate::process::{ServerProcess, cli_ok, run_cli};

#[tokio::test]
async fn the_cli_sets_up_a_company_that_the_server_then_serves() -> TestResult {
    let dir = tempfile::tempdir()?;
    let data = dir.path();
    cli_ok(data, &["group", "add", "Front desk"], "")?;
    cli_ok(
        data,
        &[
            "expert",
            "add",
            "--email",
            "ana@example.com",
            "--name",
            "Ana",
            "--admin",
            "--group",
            "Front desk",
        ],
        "a long password\n",
    )?;
    let token = cli_ok(data, &["token", "add", "--email", "ana@example.com"], "")?;
    assert!(token.starts_with("et_"), "{token}");
    let file_path = data.join("acme.toml");
    cli_ok(
        data,
        &[
            "deployment",
            "add",
            "--name",
            "Acme",
            "--group",
            "Front desk",
            "--server-url",
            "http://127.0.0.1:9",
            "--out",
            file_path.to_str().ok_or("path")?,
        ],
        "",
    )?;
    let file: DeploymentFile = toml::from_str(&std::fs::read_to_string(&file_path)?)?;
    assert!(file.deployment_key.starts_with("dk_"));
    assert_eq!(file.server_url, "http://127.0.0.1:9");
    assert_eq!(file.behaviour.shortcut_name, "Acme SOS");

    let mut server = ServerProcess::start(data, &[])?;
    let client = QueueClient::new(&server.base_url)?;
    let experts = client.list_experts(&token).await?;
    assert_eq!(
        experts
            .iter()
            .map(|e| e.display_name.as_str())
            .collect::<Vec<_>>(),
        ["Ana"]
    );
    let created = client
        .create_case(
            &file.deployment_key,
            &IdempotencyKey::generate(),
            &sos_request(None),
        )
        .await?;
    assert_eq!(created.case.group.name, "Front desk");

    let status = server.terminate(Duration::from_secs(10))?;
    assert!(
        status.success(),
        "SIGTERM is a graceful, successful stop: {status:?}"
    );
    Ok(())
}

#[test]
fn bad_settings_and_arguments_are_named_in_the_error() -> TestResult {
    let dir = tempfile::tempdir()?;
    let data = dir.path();
    let output = std::process::Command::new(crate::process::binary())
        .arg("serve")
        .env("LIFELINE_DATA_DIR", data)
        .env("LIFELINE_CASE_TTL", "soon")
        .output()?;
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("case_ttl")
            && stderr.contains("LIFELINE_CASE_TTL")
            && stderr.contains("soon"),
        "{stderr}"
    );

    let output = run_cli(
        data,
        &[
            "expert",
            "add",
            "--email",
            "bo@example.com",
            "--name",
            "Bo",
            "--group",
            "Nowhere",
        ],
        "a long password\n",
    )?;
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("--group") && stderr.contains("Nowhere"),
        "{stderr}"
    );

    let output = run_cli(
        data,
        &["expert", "add", "--email", "not-an-email", "--name", "Bo"],
        "a long password\n",
    )?;
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("--email"),
        "the bad argument is named"
    );

    let output = run_cli(
        data,
        &["expert", "add", "--email", "bo@example.com", "--name", "Bo"],
        "short\n",
    )?;
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("password: at least 12"),
        "weak passwords are refused"
    );
    Ok(())
}

#[test]
fn deployment_add_prints_the_commands_that_ship_the_file() -> TestResult {
    let dir = tempfile::tempdir()?;
    let data = dir.path();
    cli_ok(data, &["group", "add", "Front desk"], "")?;
    let file_path = data.join("acme.toml");
    let output = run_cli(
        data,
        &[
            "deployment",
            "add",
            "--name",
            "Acme",
            "--group",
            "Front desk",
            "--server-url",
            "https://help.example.com",
            "--out",
            file_path.to_str().ok_or("path")?,
        ],
        "",
    )?;
    assert!(output.status.success(), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    for wanted in [
        format!("cargo xtask dist --deployment {}", file_path.display()),
        "/etc/lifeline/deployment.toml".to_owned(),
        "/qn DEPLOYMENT_FILE=\\\\server\\share\\acme.toml".to_owned(),
        "installer -pkg".to_owned(),
    ] {
        assert!(stderr.contains(&wanted), "{wanted:?} in:\n{stderr}");
    }
    Ok(())
}
