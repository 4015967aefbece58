//! One SOS click makes exactly one case, whatever happens around it.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use lifeline_client::{PendingRequest, RetryReason, SosError, SosProgress, request_help};
use lifeline_protocol::{
    CaseState, Channel, CreateCaseRequest, Device, DeviceField, IdempotencyKey,
};
use tokio::time::timeout;

use crate::helpers::{Fallible, TestDesktop, TestResult, TestServer, free_port, quick_backoff};

fn device() -> Fallible<Device> {
    Ok(Device {
        hostname: Some(DeviceField::parse("pc-reception")?),
        os: Some(DeviceField::parse("linux")?),
        ..Device::default()
    })
}

/// Collects progress reports for asserting on.
fn progress_log() -> (Arc<Mutex<Vec<SosProgress>>>, impl FnMut(SosProgress) + Send) {
    let log = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&log);
    (log, move |progress| {
        sink.lock().expect("no test thread panicked").push(progress);
    })
}

/// One click on SOS from a device that says nothing about itself.
async fn click_sos(app: &TestDesktop) -> Result<lifeline_client::OpenedCase, SosError> {
    request_help(
        &app.client,
        &app.deployment,
        &app.state,
        Channel::Sos,
        Device::default(),
        &mut quick_backoff(),
        |_| {},
    )
    .await
}

#[tokio::test]
async fn an_sos_click_creates_one_case_and_remembers_it() -> TestResult {
    let server = TestServer::spawn().await?;
    let app = TestDesktop::new(&server.base_url(), &server.deployment_key)?;

    let opened = request_help(
        &app.client,
        &app.deployment,
        &app.state,
        Channel::Sos,
        device()?,
        &mut quick_backoff(),
        |_| {},
    )
    .await?;

    assert!(!opened.resumed, "there was nothing to resume");
    assert_eq!(opened.case.channel, Channel::Sos);
    assert_eq!(opened.case.state, CaseState::New);
    let cases = server.open_cases().await?;
    assert_eq!(cases.len(), 1, "one click, one case");
    assert_eq!(cases[0].id, opened.case.id);
    assert_eq!(
        cases[0].device.hostname.as_ref().map(|h| h.as_str()),
        Some("pc-reception")
    );
    let state = app.state.load()?;
    assert_eq!(state.open_case.as_ref().map(|c| c.id), Some(opened.case.id));
    assert_eq!(
        state.open_case.as_ref().map(|c| c.code),
        Some(opened.case.code)
    );
    assert!(state.open_case.is_some_and(|c| c.token.starts_with("ct_")));
    assert_eq!(
        state.pending_request, None,
        "the answer arrived, nothing is pending"
    );
    Ok(())
}

#[tokio::test]
async fn a_second_click_resumes_the_open_case_instead_of_making_another() -> TestResult {
    let server = TestServer::spawn().await?;
    let app = TestDesktop::new(&server.base_url(), &server.deployment_key)?;

    let first = click_sos(&app).await?;
    let second = click_sos(&app).await?;

    assert!(second.resumed);
    assert_eq!(second.case.id, first.case.id, "the same case comes back");
    assert_eq!(
        server.open_cases().await?.len(),
        1,
        "no second case on the server"
    );
    Ok(())
}

#[tokio::test]
async fn a_click_after_the_case_was_closed_starts_a_new_case() -> TestResult {
    let server = TestServer::spawn().await?;
    let app = TestDesktop::new(&server.base_url(), &server.deployment_key)?;
    let first = click_sos(&app).await?;
    app.client
        .close_case(&first.stored.token, first.case.id)
        .await?;

    let second = click_sos(&app).await?;

    assert!(!second.resumed, "a closed case is not resumed");
    assert_ne!(second.case.id, first.case.id);
    assert_eq!(
        app.state.load()?.open_case.map(|c| c.id),
        Some(second.case.id)
    );
    Ok(())
}

#[tokio::test]
async fn a_remembered_case_the_server_does_not_know_is_forgotten() -> TestResult {
    let server = TestServer::spawn().await?;
    let app = TestDesktop::new(&server.base_url(), &server.deployment_key)?;
    let first = click_sos(&app).await?;
    app.state.update(|state| {
        if let Some(open) = state.open_case.as_mut() {
            open.token = "ct_not-a-token-the-server-gave".into();
        }
    })?;

    let second = click_sos(&app).await?;

    assert!(!second.resumed);
    assert_ne!(
        second.case.id, first.case.id,
        "a case we cannot reach is replaced"
    );
    Ok(())
}

#[tokio::test]
async fn a_click_while_the_server_is_down_creates_one_case_once_it_is_up() -> TestResult {
    // The company is set up, then the server goes away; its next address is
    // reserved but nobody listens there yet.
    let mut server = TestServer::spawn().await?;
    server.stop().await?;
    let addr = free_port()?;
    let app = TestDesktop::new(&format!("http://{addr}"), &server.deployment_key)?;
    let (log, on_progress) = progress_log();

    let click = tokio::spawn(async move {
        let opened = request_help(
            &app.client,
            &app.deployment,
            &app.state,
            Channel::Sos,
            Device::default(),
            &mut quick_backoff(),
            on_progress,
        )
        .await;
        (opened, app)
    });
    // Wait for the flow to report it cannot reach the server before starting it.
    let waited_for_retry = timeout(Duration::from_secs(10), async {
        while !log
            .lock()
            .is_ok_and(|l| l.iter().any(|p| matches!(p, SosProgress::Retrying { .. })))
        {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    assert!(
        waited_for_retry.is_ok(),
        "the flow reports the server is unreachable"
    );
    server.start_on(addr).await?;
    let (opened, app) = timeout(Duration::from_secs(20), click).await??;
    let opened = opened?;

    let cases = server.open_cases().await?;
    assert_eq!(
        cases.len(),
        1,
        "exactly one case, however many tries it took"
    );
    assert_eq!(cases[0].id, opened.case.id);
    let log = log.lock().map_err(|_| "progress log poisoned")?;
    assert!(
        log.iter().any(|p| matches!(
            p,
            SosProgress::Retrying {
                reason: RetryReason::Unreachable,
                ..
            }
        )),
        "the window was told the server cannot be reached: {log:?}"
    );
    assert_eq!(app.state.load()?.pending_request, None);
    Ok(())
}

#[tokio::test]
async fn an_app_killed_mid_request_and_restarted_still_makes_one_case() -> TestResult {
    let server = TestServer::spawn().await?;
    let app = TestDesktop::new(&server.base_url(), &server.deployment_key)?;
    // The killed run wrote its request down, sent it, and the server made the
    // case; the answer never reached the state.
    let pending = PendingRequest {
        key: IdempotencyKey::generate(),
        request: CreateCaseRequest {
            channel: Channel::Sos,
            customer: None,
            description: None,
            device: Some(Device::default()),
        },
        server_url: app.deployment.server_url().to_owned(),
    };
    app.state
        .update(|state| state.pending_request = Some(pending.clone()))?;
    let made_by_killed_run = app
        .client
        .create_case(&server.deployment_key, &pending.key, &pending.request)
        .await?;
    let (log, on_progress) = progress_log();

    // The next run of the app is clicked.
    let opened = request_help(
        &app.client,
        &app.deployment,
        &app.state,
        Channel::Sos,
        device()?,
        &mut quick_backoff(),
        on_progress,
    )
    .await?;

    assert_eq!(
        opened.case.id, made_by_killed_run.case.id,
        "the pending key brings back the case the killed run made"
    );
    assert_eq!(
        server.open_cases().await?.len(),
        1,
        "exactly one case on the server"
    );
    let log = log.lock().map_err(|_| "progress log poisoned")?;
    assert!(
        log.iter().any(|p| matches!(
            p,
            SosProgress::Sending {
                from_earlier_run: true,
                ..
            }
        )),
        "{log:?}"
    );
    let state = app.state.load()?;
    assert_eq!(state.pending_request, None);
    assert_eq!(
        state.open_case.map(|c| c.id),
        Some(made_by_killed_run.case.id)
    );
    Ok(())
}

#[tokio::test]
async fn a_revoked_or_wrong_deployment_key_is_refused_without_retrying() -> TestResult {
    let server = TestServer::spawn().await?;
    let app = TestDesktop::new(&server.base_url(), "dk_not-a-real-key")?;

    let error = match click_sos(&app).await {
        Ok(opened) => return Err(format!("expected a refusal, got {opened:?}").into()),
        Err(error) => error,
    };

    assert_eq!(error.code(), "unauthorized");
    assert_eq!(
        app.state.load()?.pending_request,
        None,
        "a refused request is not replayed"
    );
    assert!(server.open_cases().await?.is_empty());
    Ok(())
}
