use std::path::Path;
use std::time::Duration;

use lifeline_client::QueueClient;
use lifeline_protocol::{Deployment, DeploymentFile, Expert, IdempotencyKey, NewDeployment};
use reqwest::StatusCode;

use crate::helpers::{Options, TestResult, api_status, sos_request, spawn_app_with};
use crate::process::{ServerProcess, cli_ok, run_cli, set_up_company};

#[tokio::test]
async fn the_cli_sets_up_a_company_that_the_server_then_serves() -> TestResult {
    let dir = tempfile::tempdir()?;
    let data = dir.path();
    cli_ok(data, &["init"], "")?;
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

    cli_ok(data, &["init"], "")?;
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
    cli_ok(data, &["init"], "")?;
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

/// `lifeline-queue ARGS` run from `working_dir` with no data dir, database or
/// config file named: what it finds is what discovery finds.
fn run_in(working_dir: &Path, args: &[&str]) -> std::io::Result<std::process::Output> {
    std::process::Command::new(crate::process::binary())
        .current_dir(working_dir)
        .args(args)
        .env_remove("LIFELINE_CONFIG")
        .env_remove("LIFELINE_DATA_DIR")
        .env_remove("LIFELINE_DATABASE_URL")
        .env_remove("LIFELINE_SECRET_KEY")
        .stdin(std::process::Stdio::null())
        .output()
}

fn stderr_of(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn admin_commands_refuse_to_make_a_database_and_say_where_they_looked() -> TestResult {
    let dir = tempfile::tempdir()?;
    let data = dir.path();
    let refused = run_cli(data, &["group", "add", "Front desk"], "")?;
    assert!(!refused.status.success());
    let said = stderr_of(&refused);
    for wanted in [
        "there is no database at".to_owned(),
        format!("data_dir:     {}", data.display()),
        "config file:  none".to_owned(),
        "nothing was done".to_owned(),
        "init".to_owned(),
    ] {
        assert!(said.contains(&wanted), "{wanted:?} in:\n{said}");
    }
    assert!(
        !data.join("lifeline.db").exists() && !data.join("secret.key").exists(),
        "neither a database nor a secret was made"
    );

    let created = run_cli(data, &["init"], "")?;
    assert!(created.status.success(), "{}", stderr_of(&created));
    assert!(stderr_of(&created).contains("created"), "{created:?}");
    assert!(data.join("secret.key").is_file());
    cli_ok(data, &["group", "add", "Front desk"], "")?;
    let again = run_cli(data, &["init"], "")?;
    assert!(
        again.status.success() && stderr_of(&again).contains("already set up"),
        "{again:?}"
    );

    // A database without the secret it was made with is no server either.
    std::fs::remove_file(data.join("secret.key"))?;
    let refused = run_cli(data, &["group", "add", "Back office"], "")?;
    assert!(!refused.status.success());
    let said = stderr_of(&refused);
    assert!(
        said.contains("there is no server secret") && said.contains("secret.key"),
        "{said}"
    );
    assert!(!data.join("secret.key").exists(), "no new secret was made");
    Ok(())
}

#[test]
fn the_config_file_is_found_in_the_working_dir_or_named_and_the_error_names_it() -> TestResult {
    let dir = tempfile::tempdir()?;
    let (work, elsewhere, data) = (
        dir.path().join("work"),
        dir.path().join("elsewhere"),
        dir.path().join("data"),
    );
    std::fs::create_dir_all(&work)?;
    std::fs::create_dir_all(&elsewhere)?;
    let config = work.join("lifeline-queue.toml");
    std::fs::write(
        &config,
        format!("data_dir = {:?}\n", data.display().to_string()),
    )?;

    let refused = run_in(&work, &["expert", "list"])?;
    assert!(!refused.status.success());
    let said = stderr_of(&refused);
    assert!(
        said.contains(&format!("config file:  {}", config.display()))
            && said.contains(&format!("data_dir:     {}", data.display())),
        "the working dir's file was read and is named:\n{said}"
    );

    let created = run_in(&work, &["init"])?;
    assert!(created.status.success(), "{}", stderr_of(&created));
    assert!(
        data.join("lifeline.db").is_file(),
        "made where the file says"
    );
    let added = run_in(&work, &["group", "add", "Front desk"])?;
    assert!(added.status.success(), "{}", stderr_of(&added));

    // From another folder: nothing found there, so nothing is made there…
    let refused = run_in(&elsewhere, &["group", "add", "Back office"])?;
    assert!(!refused.status.success());
    assert!(
        stderr_of(&refused).contains("config file:  none"),
        "{refused:?}"
    );
    assert!(
        std::fs::read_dir(&elsewhere)?.next().is_none(),
        "nothing was made in the other folder"
    );
    // …and --config names the server's file from anywhere.
    let config_arg = config.display().to_string();
    let added = run_in(
        &elsewhere,
        &["--config", &config_arg, "group", "add", "Back office"],
    )?;
    assert!(added.status.success(), "{}", stderr_of(&added));
    let missing = run_in(
        &elsewhere,
        &[
            "--config",
            "/nonexistent/lifeline-queue.toml",
            "expert",
            "list",
        ],
    )?;
    assert!(
        !missing.status.success()
            && stderr_of(&missing).contains("/nonexistent/lifeline-queue.toml"),
        "a named file that is missing is an error naming it: {missing:?}"
    );
    Ok(())
}

/// Posts the console's sign-in form; the session cookie when it succeeds.
async fn console_session(
    base_url: &str,
    email: &str,
    password: &str,
) -> Result<Option<String>, Box<dyn std::error::Error>> {
    let response = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?
        .post(format!("{base_url}/sign-in"))
        .form(&[("email", email), ("password", password)])
        .send()
        .await?;
    let cookie = response
        .headers()
        .get(reqwest::header::SET_COOKIE)
        .filter(|_| response.status() == StatusCode::SEE_OTHER)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .map(str::to_owned);
    Ok(cookie)
}

/// The status of the case list read with an `et_` token or a session cookie.
async fn case_list_status(
    base_url: &str,
    credential: Credential<'_>,
) -> Result<u16, Box<dyn std::error::Error>> {
    let request = reqwest::Client::new().get(format!("{base_url}/api/v1/cases"));
    let request = match credential {
        Credential::Token(token) => request.bearer_auth(token),
        Credential::Cookie(cookie) => request.header(reqwest::header::COOKIE, cookie),
    };
    Ok(request.send().await?.status().as_u16())
}

#[derive(Clone, Copy)]
enum Credential<'a> {
    Token(&'a str),
    Cookie(&'a str),
}

/// The audit log's entries of `action`, newest first, read by an admin.
async fn audit_entries(
    base_url: &str,
    admin_token: &str,
    action: &str,
) -> Result<Vec<serde_json::Value>, Box<dyn std::error::Error>> {
    let page: serde_json::Value = reqwest::Client::new()
        .get(format!("{base_url}/api/v1/audit?action={action}"))
        .bearer_auth(admin_token)
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    Ok(page["entries"].as_array().cloned().unwrap_or_default())
}

#[tokio::test]
async fn experts_are_listed_deactivated_and_given_new_passwords_from_the_cli() -> TestResult {
    let dir = tempfile::tempdir()?;
    let data = dir.path();
    let company = set_up_company(data)?;
    cli_ok(
        data,
        &[
            "expert",
            "add",
            "--email",
            "bo@example.com",
            "--name",
            "Bo",
            "--group",
            "Front desk",
        ],
        "bo's first password\n",
    )?;
    let bo_token = cli_ok(data, &["token", "add", "--email", "bo@example.com"], "")?;

    let table = cli_ok(data, &["expert", "list"], "")?;
    let lines: Vec<&str> = table.lines().collect();
    assert!(
        lines[0].starts_with("ID") && lines[0].contains("EMAIL") && lines[0].contains("STATUS"),
        "{table}"
    );
    let bo_line = lines
        .iter()
        .find(|line| line.contains("bo@example.com"))
        .ok_or("Bo is listed")?;
    assert!(
        bo_line.contains("Bo") && bo_line.contains("expert") && bo_line.contains("active"),
        "{bo_line}"
    );
    let listed: Vec<Expert> =
        serde_json::from_str(&cli_ok(data, &["expert", "list", "--json"], "")?)?;
    let bo = listed
        .iter()
        .find(|e| e.email == "bo@example.com")
        .ok_or("Bo in the JSON")?;
    assert!(bo.active);
    assert_eq!(listed.len(), 2);

    let server = ServerProcess::start(data, &[])?;
    let url = server.base_url.as_str();
    let bo_cookie = console_session(url, "bo@example.com", "bo's first password")
        .await?
        .ok_or("Bo signs in")?;
    assert_eq!(
        case_list_status(url, Credential::Token(&bo_token)).await?,
        200
    );
    assert_eq!(
        case_list_status(url, Credential::Cookie(&bo_cookie)).await?,
        200
    );

    // Deactivated while the server runs: the session and the token end.
    cli_ok(
        data,
        &["expert", "deactivate", "--email", "bo@example.com"],
        "",
    )?;
    assert_eq!(
        case_list_status(url, Credential::Token(&bo_token)).await?,
        401
    );
    assert_eq!(
        case_list_status(url, Credential::Cookie(&bo_cookie)).await?,
        401
    );
    assert!(
        console_session(url, "bo@example.com", "bo's first password")
            .await?
            .is_none(),
        "a deactivated expert cannot sign in"
    );
    assert!(
        cli_ok(data, &["expert", "list"], "")?
            .lines()
            .any(|line| line.contains("bo@example.com") && line.contains("deactivated"))
    );
    // Activated again, Bo signs in, but the token stays revoked.
    cli_ok(
        data,
        &["expert", "activate", "--email", "bo@example.com"],
        "",
    )?;
    assert_eq!(
        case_list_status(url, Credential::Token(&bo_token)).await?,
        401
    );
    assert!(
        console_session(url, "bo@example.com", "bo's first password")
            .await?
            .is_some()
    );

    // A new password from stdin, and one made up and printed once.
    cli_ok(
        data,
        &["expert", "reset-password", "--email", "bo@example.com"],
        "bo's second password\n",
    )?;
    assert!(
        console_session(url, "bo@example.com", "bo's first password")
            .await?
            .is_none()
    );
    assert!(
        console_session(url, "bo@example.com", "bo's second password")
            .await?
            .is_some()
    );
    let ana_cookie = console_session(url, "ana@example.com", crate::process::COMPANY_PASSWORD)
        .await?
        .ok_or("Ana signs in")?;
    let generated = cli_ok(
        data,
        &[
            "expert",
            "reset-password",
            "--email",
            "ana@example.com",
            "--generate",
        ],
        "",
    )?;
    assert!(generated.len() >= 12, "{generated:?}");
    assert_eq!(
        case_list_status(url, Credential::Cookie(&ana_cookie)).await?,
        401,
        "a new password signs the expert out"
    );
    assert!(
        console_session(url, "ana@example.com", &generated)
            .await?
            .is_some()
    );
    let short = run_cli(
        data,
        &["expert", "reset-password", "--email", "bo@example.com"],
        "short\n",
    )?;
    assert!(!short.status.success());
    assert!(
        stderr_of(&short).contains("password: at least 12"),
        "{short:?}"
    );
    let nobody = run_cli(
        data,
        &["expert", "deactivate", "--email", "nobody@example.com"],
        "",
    )?;
    assert!(
        !nobody.status.success() && stderr_of(&nobody).contains("nobody@example.com"),
        "{nobody:?}"
    );

    // Each change is in the audit log as the command line's.
    let changes = audit_entries(url, &company.expert_token, "expert.changed").await?;
    let details: Vec<(&str, &str)> = changes
        .iter()
        .map(|e| {
            (
                e["actor_name"].as_str().unwrap_or_default(),
                e["detail"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        details,
        [
            ("command line", "new password"),
            ("command line", "new password"),
            ("command line", "activated"),
            ("command line", "deactivated"),
        ]
    );
    assert!(server.panics().is_empty(), "{:?}", server.panics());
    Ok(())
}

/// The status a customer's create gets with `key`.
async fn create_status(base_url: &str, key: &str) -> Result<u16, Box<dyn std::error::Error>> {
    let client = QueueClient::new(base_url)?;
    match client
        .create_case(key, &IdempotencyKey::generate(), &sos_request(None))
        .await
    {
        Ok(_) => Ok(201),
        Err(error) => api_status(&error).ok_or_else(|| format!("{error}").into()),
    }
}

/// The deployment named `name` as `deployment list --json` shows it.
fn listed_deployment(data: &Path, name: &str) -> Result<Deployment, Box<dyn std::error::Error>> {
    let listed: Vec<Deployment> =
        serde_json::from_str(&cli_ok(data, &["deployment", "list", "--json"], "")?)?;
    listed
        .into_iter()
        .find(|d| d.name == name)
        .ok_or_else(|| format!("no deployment {name:?} listed").into())
}

#[tokio::test]
async fn deployments_are_listed_rotated_with_a_grace_period_readdressed_and_revoked_from_the_cli()
-> TestResult {
    let dir = tempfile::tempdir()?;
    let data = dir.path();
    let company = set_up_company(data)?;
    let deployment = listed_deployment(data, "Acme")?;

    // `deployment add` without --out prints the file on stdout and the id on stderr.
    let added = run_cli(
        data,
        &[
            "deployment",
            "add",
            "--name",
            "Branch office",
            "--group",
            "Front desk",
            "--server-url",
            "http://127.0.0.1:9",
        ],
        "",
    )?;
    assert!(added.status.success(), "{added:?}");
    toml::from_str::<DeploymentFile>(&String::from_utf8(added.stdout.clone())?)?;
    let branch = &listed_deployment(data, "Branch office")?;
    assert!(
        stderr_of(&added).contains(&branch.id.to_string()),
        "the id is printed: {}",
        stderr_of(&added)
    );
    let table = cli_ok(data, &["deployment", "list"], "")?;
    assert!(
        table.lines().next().is_some_and(|h| h.starts_with("ID")),
        "{table}"
    );
    for d in [&deployment, branch] {
        assert!(
            table
                .lines()
                .any(|line| line.starts_with(&d.id.to_string()) && line.contains(&d.name)),
            "{} in:\n{table}",
            d.id
        );
    }
    cli_ok(data, &["deployment", "revoke", &branch.id.to_string()], "")?;

    let server = ServerProcess::start(data, &[])?;
    let url = server.base_url.as_str();
    let id = deployment.id.to_string();
    let first_key = company.deployment_key;
    assert_eq!(create_status(url, &first_key).await?, 201);

    // Rotated with an hour's grace: both keys work, the file has the new one.
    let file: DeploymentFile = toml::from_str(&cli_ok(
        data,
        &["deployment", "rotate", &id, "--grace", "1h"],
        "",
    )?)?;
    let second_key = file.deployment_key;
    assert_ne!(second_key, first_key);
    assert_eq!(create_status(url, &second_key).await?, 201);
    assert_eq!(
        create_status(url, &first_key).await?,
        201,
        "within its grace"
    );
    let rotated = listed_deployment(data, "Acme")?;
    assert_eq!(rotated.key_generation, 1);
    assert!(rotated.previous_key_valid_until.is_some());
    assert!(
        cli_ok(data, &["deployment", "list"], "")?.contains("previous key until"),
        "the table says the old key still works"
    );
    let downloaded: DeploymentFile =
        toml::from_str(&cli_ok(data, &["deployment", "file", &id], "")?)?;
    assert_eq!(
        downloaded.deployment_key, second_key,
        "a re-download has the new key"
    );

    // Rotated with no grace: only the newest key works.
    let file: DeploymentFile = toml::from_str(&cli_ok(
        data,
        &["deployment", "rotate", &id, "--grace", "0s"],
        "",
    )?)?;
    let third_key = file.deployment_key;
    assert_eq!(create_status(url, &third_key).await?, 201);
    assert_eq!(create_status(url, &second_key).await?, 401);
    assert_eq!(create_status(url, &first_key).await?, 401);
    let too_long = run_cli(data, &["deployment", "rotate", &id, "--grace", "91d"], "")?;
    assert!(
        !too_long.status.success() && stderr_of(&too_long).contains("grace"),
        "{too_long:?}"
    );
    let bad = run_cli(data, &["deployment", "rotate", &id, "--grace", "soon"], "")?;
    assert!(
        !bad.status.success() && stderr_of(&bad).contains("--grace"),
        "{bad:?}"
    );

    // A new server URL is in every file downloaded from now on, by the CLI and the API.
    cli_ok(
        data,
        &["deployment", "set-url", &id, "https://help.example.com"],
        "",
    )?;
    let downloaded: DeploymentFile =
        toml::from_str(&cli_ok(data, &["deployment", "file", &id], "")?)?;
    assert_eq!(downloaded.server_url, "https://help.example.com");
    assert_eq!(downloaded.deployment_key, third_key);
    let over_http: DeploymentFile = toml::from_str(
        &reqwest::Client::new()
            .get(format!("{url}/api/v1/deployments/{id}/file"))
            .bearer_auth(&company.expert_token)
            .send()
            .await?
            .error_for_status()?
            .text()
            .await?,
    )?;
    assert_eq!(over_http.server_url, "https://help.example.com");
    assert_eq!(over_http.deployment_key, third_key);
    let refused = run_cli(
        data,
        &["deployment", "set-url", &id, "ftp://files.example.com"],
        "",
    )?;
    assert!(
        !refused.status.success() && stderr_of(&refused).contains("server_url"),
        "{refused:?}"
    );
    assert_eq!(
        listed_deployment(data, "Acme")?.server_url,
        "https://help.example.com"
    );

    cli_ok(data, &["deployment", "revoke", &id], "")?;
    assert_eq!(create_status(url, &third_key).await?, 401);
    let revoked_file = run_cli(data, &["deployment", "file", &id], "")?;
    assert!(
        !revoked_file.status.success() && stderr_of(&revoked_file).contains("revoked"),
        "{revoked_file:?}"
    );
    let refused = run_cli(data, &["deployment", "rotate", &id, "--grace", "1h"], "")?;
    assert!(
        !refused.status.success() && stderr_of(&refused).contains("revoked"),
        "{refused:?}"
    );

    let changes = audit_entries(url, &company.expert_token, "deployment.changed").await?;
    let details: Vec<(&str, &str)> = changes
        .iter()
        .map(|e| {
            (
                e["actor_name"].as_str().unwrap_or_default(),
                e["detail"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(details.len(), 3, "{details:?}");
    assert_eq!(
        details[0],
        ("command line", "server URL https://help.example.com")
    );
    assert_eq!(
        details[1],
        (
            "command line",
            "key rotated; the previous key stopped at once"
        )
    );
    assert!(
        details[2]
            .1
            .starts_with("key rotated; the previous key works until "),
        "{details:?}"
    );
    assert!(server.panics().is_empty(), "{:?}", server.panics());
    Ok(())
}

#[tokio::test]
async fn a_rotated_key_works_through_its_grace_and_is_refused_after_it() -> TestResult {
    let app = spawn_app_with(Options {
        manual_clock: true,
        ..Options::default()
    })
    .await;
    let http = reqwest::Client::new();
    let rotate = |grace_seconds: serde_json::Value, token: &str| {
        http.post(app.url(&format!("/api/v1/deployments/{}/rotate", app.deployment_id)))
            .bearer_auth(token)
            .json(&serde_json::json!({ "grace_seconds": grace_seconds }))
            .send()
    };
    let plain = rotate(3600.into(), &app.expert_token).await?;
    assert_eq!(plain.status(), StatusCode::FORBIDDEN, "admins only");
    let too_long = rotate((91 * 86_400).into(), &app.admin_token).await?;
    assert_eq!(too_long.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let rotated: NewDeployment = rotate(3600.into(), &app.admin_token)
        .await?
        .error_for_status()?
        .json()
        .await?;
    assert_ne!(rotated.key, app.deployment_key);
    assert_eq!(rotated.deployment.key_generation, 1);
    assert_eq!(
        create_status(&app.base_url, &app.deployment_key).await?,
        201
    );
    app.advance(Duration::from_secs(3599));
    assert_eq!(
        create_status(&app.base_url, &app.deployment_key).await?,
        201,
        "a second before the grace ends"
    );
    app.advance(Duration::from_secs(2));
    assert_eq!(
        create_status(&app.base_url, &app.deployment_key).await?,
        401,
        "refused once the grace is over"
    );
    assert_eq!(create_status(&app.base_url, &rotated.key).await?, 201);

    let file = http
        .get(app.url(&format!("/api/v1/deployments/{}/file", app.deployment_id)))
        .bearer_auth(&app.admin_token)
        .send()
        .await?
        .text()
        .await?;
    let file: DeploymentFile = toml::from_str(&file)?;
    assert_eq!(file.deployment_key, rotated.key);

    let set = http
        .put(app.url(&format!(
            "/api/v1/deployments/{}/server_url",
            app.deployment_id
        )))
        .bearer_auth(&app.admin_token)
        .json(&serde_json::json!({ "server_url": "https://sos.example.com" }))
        .send()
        .await?;
    assert_eq!(set.status(), StatusCode::OK);
    let set: Deployment = set.json().await?;
    assert_eq!(set.server_url, "https://sos.example.com");
    let refused = http
        .put(app.url(&format!(
            "/api/v1/deployments/{}/server_url",
            app.deployment_id
        )))
        .bearer_auth(&app.admin_token)
        .json(&serde_json::json!({ "server_url": "sos.example.com" }))
        .send()
        .await?;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    Ok(())
}
