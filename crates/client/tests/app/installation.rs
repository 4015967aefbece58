//! The installation's own actions: a finished or cancelled case is forgotten,
//! so the next start does not resume it.

use lifeline_client::{
    Deployment, DeploymentSource, Installation, ProblemCode, QueueClient, StateStore,
};
use lifeline_protocol::{CaseState, Channel, Device};
use tempfile::TempDir;

use crate::helpers::{Fallible, TestResult, TestServer, deployment_toml, quick_backoff};

/// An installation pointed at `server`, with its files in a temporary folder
/// (removed when the folder is dropped).
fn installed(server: &TestServer) -> Fallible<(Installation, TempDir)> {
    let home = tempfile::tempdir()?;
    let path = home.path().join("deployment.toml");
    std::fs::write(
        &path,
        deployment_toml(&server.base_url(), &server.deployment_key)?,
    )?;
    let installation = Installation {
        deployment: Deployment::load(&path, DeploymentSource::Explicit)?,
        client: QueueClient::new(&server.base_url())?,
        store: StateStore::new(home.path().join("state.json")),
        device: Device::default(),
    };
    Ok((installation, home))
}

#[tokio::test]
async fn a_cancelled_case_is_closed_and_forgotten() -> TestResult {
    let server = TestServer::spawn().await?;
    let (app, _home) = installed(&server)?;
    let opened = app
        .request_help(Channel::App, &mut quick_backoff(), |_| {})
        .await?;
    assert_eq!(
        app.open_case()?,
        opened.stored,
        "the new case is remembered"
    );

    let closed = app.cancel_case(&opened.stored).await?;

    assert_eq!(
        closed.map(|case| case.state),
        Some(CaseState::Closed),
        "the server closed the case"
    );
    let none = app
        .open_case()
        .expect_err("the cancelled case is forgotten");
    assert_eq!(none.code, ProblemCode::NoCase);
    Ok(())
}

#[tokio::test]
async fn a_finished_case_is_forgotten_and_an_open_one_kept() -> TestResult {
    let server = TestServer::spawn().await?;
    let (app, _home) = installed(&server)?;
    let opened = app
        .request_help(Channel::Sos, &mut quick_backoff(), |_| {})
        .await?;

    app.forget_finished_case(&opened.case)?;
    assert_eq!(
        app.open_case()?,
        opened.stored,
        "a case still open is kept for the next start"
    );

    // Closed elsewhere (by the expert, say): the app learns it from the server.
    let closed = app
        .client
        .close_case(&opened.stored.token, opened.stored.id)
        .await?;
    app.forget_finished_case(&closed)?;

    assert_eq!(
        app.open_case().map_err(|p| p.code),
        Err(ProblemCode::NoCase),
        "a finished case is not resumed"
    );
    let again = app
        .request_help(Channel::Sos, &mut quick_backoff(), |_| {})
        .await?;
    assert_ne!(
        again.stored.id, opened.stored.id,
        "the next click makes a new case"
    );
    assert!(!again.resumed);
    Ok(())
}
