//! schemathesis (from PyPI) fuzzes the real server through its OpenAPI
//! document: no answer may be a server error, none may disagree with the
//! document, and the server may not panic.
//!
//! Ignored by default (it installs schemathesis and runs for about two
//! minutes); `cargo xtask test` runs it. By hand:
//! `cargo test -p lifeline-queue --test api fuzz:: -- --ignored --nocapture`.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::helpers::TestResult;
use crate::process::{Company, ServerProcess, set_up_company};

/// The schemathesis release this test is known to pass with.
const SCHEMATHESIS_VERSION: &str = "4.32.5";
/// How long schemathesis generates cases, in seconds.
const FUZZ_SECONDS: &str = "120";

/// Operations where valid data may rightly get 422: the body names other
/// records by id (a random id names no group or expert, and a schema cannot
/// say "an existing group"), or the idempotency key was used before with
/// another body.
const MAY_REFUSE_VALID_DATA: &[&str] = &[
    "POST /api/v1/cases",
    "POST /api/v1/cases/{id}/assign",
    "POST /api/v1/experts",
    "POST /api/v1/deployments",
    // A revoked deployment is not rotated; a server URL must also parse.
    "POST /api/v1/deployments/{id}/rotate",
    "PUT /api/v1/deployments/{id}/server_url",
    // A URL matching the pattern may still not parse (a host of dots, a port
    // above 65535).
    "POST /api/v1/webhooks",
];

/// schemathesis's configuration. Credentials: the admin's expert token
/// everywhere but where only a deployment key is allowed (create a customer's
/// case, join by code).
///
/// Revoke takes ids only through the document's links, never ids seen in
/// other answers, and links are not inferred from list answers: schemathesis
/// would otherwise revoke the deployment whose key the run uses.
///
/// The session is left out: a completed handshake turns the connection into a
/// WebSocket, which an HTTP fuzzer cannot speak (schemathesis reads the
/// server's first frame as a broken HTTP answer and stops the run).
/// `session.rs` tests it with a real WebSocket client.
///
/// Checks: every one but `unsupported_method` (for a method a path does not
/// have, the server answers `404 route not found` in the API's error shape,
/// as for a path it does not have, rather than a bare 405).
fn config(expert_token: &str, deployment_key: &str) -> String {
    let mut config = format!(
        r#"
headers = {{ Authorization = "Bearer {expert_token}" }}
request-timeout = 10
max-stream-events = 3

[checks]
unsupported_method.enabled = false

[phases.stateful.inference]
algorithms = ["location-headers"]

[[operations]]
include-name = "POST /api/v1/cases"
headers = {{ Authorization = "Bearer {deployment_key}" }}

[[operations]]
include-name = "POST /api/v1/cases/join"
headers = {{ Authorization = "Bearer {deployment_key}" }}

[[operations]]
include-name = "POST /api/v1/deployments/{{id}}/revoke"
phases.examples.extra-data-sources.responses = false
phases.coverage.extra-data-sources.responses = false
phases.fuzzing.extra-data-sources.responses = false

[[operations]]
include-name = "GET /api/v1/cases/{{id}}/session"
enabled = false
"#
    );
    for operation in MAY_REFUSE_VALID_DATA {
        config.push_str(&format!(
            r#"
[[operations]]
include-name = "{operation}"
checks.positive_data_acceptance.expected-statuses = ["2xx", "3xx", "401", "403", "404", "409", "422", "429", "5xx"]
"#
        ));
    }
    config
}

/// schemathesis's `st`, installed into a virtual environment under cargo's
/// target dir on first use. Python 3 with `venv` is required (Debian:
/// `python3-venv`, which `cargo xtask test` installs).
fn schemathesis() -> Result<PathBuf, Box<dyn std::error::Error>> {
    let venv =
        Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("schemathesis-{SCHEMATHESIS_VERSION}"));
    let st = venv.join("bin/st");
    if st.is_file() {
        return Ok(st);
    }
    let made = Command::new("python3")
        .args(["-m", "venv"])
        .arg(&venv)
        .status()
        .map_err(|e| format!("cannot run python3 (install Python 3): {e}"))?;
    if !made.success() {
        return Err(
            format!("python3 -m venv failed ({made}): on Debian install python3-venv").into(),
        );
    }
    let installed = Command::new(venv.join("bin/pip"))
        .args([
            "install",
            "--quiet",
            "--disable-pip-version-check",
            &format!("schemathesis=={SCHEMATHESIS_VERSION}"),
        ])
        .status()?;
    if !installed.success() || !st.is_file() {
        // Leave no half-made environment that the next run would trust.
        let _ = std::fs::remove_dir_all(&venv);
        return Err(format!("pip could not install schemathesis ({installed})").into());
    }
    Ok(st)
}

/// The figure after `label` in schemathesis's summary, such as `generated`.
fn figure(output: &str, label: &str) -> Option<u64> {
    output.lines().find_map(|line| {
        let words: Vec<&str> = line.split_whitespace().collect();
        let at = words
            .iter()
            .position(|w| w.trim_end_matches(',') == label)?;
        words.get(at.checked_sub(1)?)?.parse().ok()
    })
}

#[test]
#[ignore = "installs schemathesis from PyPI and runs two minutes; `cargo xtask test` runs it"]
fn schemathesis_finds_no_server_error_no_schema_mismatch_and_no_panic() -> TestResult {
    let st = schemathesis()?;
    let dir = tempfile::tempdir()?;
    let data = dir.path();
    let Company {
        deployment_key,
        expert_token,
    } = set_up_company(data)?;

    let work = tempfile::tempdir()?;
    let config_file = work.path().join("schemathesis.toml");
    std::fs::write(&config_file, config(&expert_token, &deployment_key))?;
    let mut server = ServerProcess::start(data, &[])?;
    let output = Command::new(&st)
        .arg("--config-file")
        .arg(&config_file)
        .args([
            "--no-color",
            "run",
            &format!("{}/api/v1/openapi.json", server.base_url),
            "--max-time",
            FUZZ_SECONDS,
            "--generation-database",
            "none",
        ])
        // Its caches and reports stay in the temporary folder.
        .current_dir(work.path())
        .output()?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("{stdout}{stderr}");
    let generated = figure(&stdout, "generated").ok_or("schemathesis printed no summary")?;
    println!("schemathesis: {generated} cases generated");

    let panics = server.panics();
    assert!(panics.is_empty(), "the server panicked: {panics:#?}");
    assert!(
        server.child.try_wait()?.is_none(),
        "the server exited during the fuzz run"
    );
    assert!(
        output.status.success(),
        "schemathesis found failures ({}); the report is above",
        output.status
    );
    assert!(
        generated > 1000,
        "schemathesis generated only {generated} cases"
    );
    Ok(())
}
