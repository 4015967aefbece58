//! The live session end to end, with both real front ends: the expert
//! connects in the console (headless Chromium), the customer joins in the
//! desktop window (Xvfb, WebDriver), and one message goes each way.
//!
//! Needs what `desktop_window` and `console_browser` need; missing tools fail
//! the test with what to install (outside CI, `LIFELINE_SKIP_E2E=1` skips).

mod support;

use std::time::{Duration, Instant};

use fantoccini::Locator;
use lifeline_protocol::CaseState;
use uuid::Uuid;

use support::browser::{Browser, sign_in};
use support::window::{TauriDriver, Tools, app_binary, app_env, wait_for_text};
use support::{Server, TestResult, path_text};

const EXPERT_NAME: &str = "Ana García";
const PASSWORD: &str = "correct horse battery staple";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_expert_connects_in_the_console_the_customer_joins_in_the_app_and_they_chat()
-> TestResult {
    let Some(tools) = Tools::find_or_skip()? else {
        return Ok(());
    };
    let Some(browser) = Browser::start_or_skip().await? else {
        return Ok(());
    };
    let server = Server::start(EXPERT_NAME, Some(PASSWORD)).await?;
    let home = tempfile::tempdir()?;
    let deployment_file = server.write_deployment_file(home.path())?;
    let driver = TauriDriver::spawn(&tools.tauri_driver, &app_env(home.path()))?;
    let window = driver
        .session(
            &app_binary()?,
            &["--sos", "--deployment", &path_text(&deployment_file)],
        )
        .await?;
    wait_for_text(&window, "code", Duration::from_secs(20), |t| !t.is_empty()).await?;
    let cases = server.cases().await?;
    let (case_id, _) = cases.first().ok_or("the SOS launch made a case")?;
    let case_id: Uuid = *case_id;
    server.assign(case_id).await?;

    // The expert connects from the case page.
    sign_in(&browser.client, &server, PASSWORD).await?;
    browser.connect_to_case(&server, case_id).await?;

    // The customer is asked, and joins.
    let asked = wait_for_text(&window, "connect-question", Duration::from_secs(5), |t| {
        t.contains(EXPERT_NAME)
    })
    .await?;
    assert_eq!(asked, format!("{EXPERT_NAME} wants to connect"));
    window
        .find(Locator::Id("join-session"))
        .await?
        .click()
        .await?;
    browser.wait_for_text("presence-customer", "yes").await?;
    let deadline = Instant::now() + Duration::from_secs(5);
    while server.case(case_id).await?.state != CaseState::InProgress {
        assert!(
            Instant::now() < deadline,
            "both in: the case is in progress"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // One message each way.
    window
        .find(Locator::Id("chat-text"))
        .await?
        .send_keys("The printer blinks orange")
        .await?;
    window.find(Locator::Id("chat-send")).await?.click().await?;
    browser.wait_for_chat("The printer blinks orange").await?;
    browser.send_chat("Let me have a look").await?;
    let chat = wait_for_text(&window, "chat", Duration::from_secs(5), |t| {
        t.contains("Let me have a look")
    })
    .await?;
    assert!(
        chat.contains(&format!("{EXPERT_NAME}: Let me have a look")),
        "the window names the expert: {chat:?}"
    );
    let stored = server.store.messages(case_id).await?;
    assert_eq!(stored.len(), 2, "each message stored once");

    let _ = window.close().await;
    drop(driver);
    browser.close().await
}
