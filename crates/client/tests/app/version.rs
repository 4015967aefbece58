//! Which app and server versions work together, asked of the real server:
//! the app says plainly when its server is too old or too new.

use lifeline_client::{
    Deployment, DeploymentSource, Installation, ProblemCode, QueueClient, StateStore,
};
use lifeline_protocol::{API_VERSION, Compatibility, Device, OLDEST_APP_VERSION};

use crate::helpers::{TestResult, TestServer, deployment_toml};

/// This app's installation pointed at `base_url`.
fn installed_at(
    base_url: &str,
    deployment_key: &str,
    home: &std::path::Path,
) -> Result<Installation, Box<dyn std::error::Error>> {
    let path = home.join("deployment.toml");
    std::fs::write(&path, deployment_toml(base_url, deployment_key)?)?;
    Ok(Installation {
        deployment: Deployment::load(&path, DeploymentSource::Explicit)?,
        client: QueueClient::new(base_url)?,
        store: StateStore::new(home.join("state.json")),
        device: Device::default(),
    })
}

#[tokio::test]
async fn the_server_states_its_version_and_the_apps_it_works_with() -> TestResult {
    let server = TestServer::spawn().await?;
    let info = QueueClient::new(&server.base_url())?.version().await?;
    assert_eq!(info.server_version, env!("CARGO_PKG_VERSION"));
    assert_eq!(info.api_version, API_VERSION);
    assert_eq!(info.app_versions.oldest, OLDEST_APP_VERSION);
    Ok(())
}

#[tokio::test]
async fn this_app_works_with_its_own_server() -> TestResult {
    let server = TestServer::spawn().await?;
    let home = tempfile::tempdir()?;
    let app = installed_at(&server.base_url(), &server.deployment_key, home.path())?;
    app.check_server(env!("CARGO_PKG_VERSION")).await?;
    Ok(())
}

#[tokio::test]
async fn an_app_older_than_the_server_works_with_hears_the_server_is_too_new() -> TestResult {
    let server = TestServer::spawn().await?;
    let home = tempfile::tempdir()?;
    let app = installed_at(&server.base_url(), &server.deployment_key, home.path())?;
    let problem = app
        .check_server("0.0.1")
        .await
        .expect_err("an app older than the server's oldest is refused");
    assert_eq!(problem.code, ProblemCode::ServerTooNew);
    assert_eq!(
        serde_json::to_value(&problem)?["code"],
        "server_too_new",
        "the window words it from error.server_too_new"
    );
    Ok(())
}

#[tokio::test]
async fn a_server_without_the_version_endpoint_is_too_old() -> TestResult {
    // The real server under a path where it has no /api/v1/version answers
    // 404, as every server from before the endpoint does.
    let server = TestServer::spawn().await?;
    let before = format!("{}/before-versions", server.base_url());
    assert_eq!(
        QueueClient::new(&before)?
            .compatibility(env!("CARGO_PKG_VERSION"))
            .await?,
        Compatibility::ServerTooOld
    );
    let home = tempfile::tempdir()?;
    let app = installed_at(&before, &server.deployment_key, home.path())?;
    let problem = app
        .check_server(env!("CARGO_PKG_VERSION"))
        .await
        .expect_err("a server from before the endpoint is too old");
    assert_eq!(problem.code, ProblemCode::ServerTooOld);
    Ok(())
}
