//! Join by code in the real window: an expert makes a manual case and reads
//! its code to the customer, who enters it in the desktop app (Xvfb,
//! WebDriver); the window then follows that case like its own. A wrong code,
//! and the code of another group's case, get the same plain answer.
//!
//! Needs what `desktop_window` needs; missing tools fail the test with what
//! to install (outside CI, `LIFELINE_SKIP_E2E=1` skips).

mod support;

use std::time::{Duration, Instant};

use fantoccini::{Client, Locator};
use lifeline_protocol::{
    CaseState, Customer, Description, HistoryAction, ManualCaseRequest, SessionCode,
};
use lifeline_queue::clock::{Clock as _, SystemClock};
use lifeline_queue::store::{Actor, NewManualCase};

use support::window::{TauriDriver, Tools, app_binary, app_env, wait_for_text};
use support::{Fallible, Server, TestResult, path_text};

const EXPERT_NAME: &str = "Ana García";
const DESCRIPTION: &str = "Outlook asks for the password again and again";
const NOT_FOUND: &str = "No open request has that code. Check it with your expert.";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_customer_enters_the_experts_code_in_the_window_and_follows_that_case() -> TestResult {
    let Some(tools) = Tools::find_or_skip()? else {
        return Ok(());
    };
    let server = Server::start(EXPERT_NAME, None).await?;
    let group = server
        .store
        .group_by_name("Front desk")
        .await?
        .ok_or("the server's group")?;
    // The expert makes the case for the customer on the phone.
    let manual = server
        .client
        .create_manual_case(
            &server.expert_token,
            &ManualCaseRequest {
                group: group.id,
                customer: Some(Customer::default()),
                description: Some(Description::parse(DESCRIPTION)?),
            },
        )
        .await?;
    // A case of another team, whose code this deployment must not reach.
    let now = SystemClock.now();
    let billing = server.store.create_group("Billing", now).await?;
    let elsewhere = server
        .store
        .create_manual_case(
            NewManualCase {
                group_id: billing.id,
                customer: Customer::default(),
                description: None,
                valid_until: None,
            },
            Actor::System,
            now,
        )
        .await?;

    let home = tempfile::tempdir()?;
    let deployment_file = server.write_deployment_file(home.path())?;
    let driver = TauriDriver::spawn(&tools.tauri_driver, &app_env(home.path()))?;
    // Opened from the start menu: no help request, the window offers both.
    let window = driver
        .session(
            &app_binary()?,
            &["--deployment", &path_text(&deployment_file)],
        )
        .await?;
    window
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css("#join:not([hidden]) #join-toggle"))
        .await?
        .click()
        .await?;

    // A wrong code, then another group's code: the same answer, nothing joined.
    for code in ["000 000 001", &grouped(&elsewhere.code)] {
        enter_code(&window, code).await?;
        let said =
            wait_for_text(&window, "error", Duration::from_secs(5), |t| !t.is_empty()).await?;
        assert_eq!(said, NOT_FOUND, "the window's answer to {code}");
        assert!(
            window.find(Locator::Css("#case[hidden]")).await.is_ok(),
            "no case is shown after {code}"
        );
    }

    // The code the expert read out, grouped as the console shows it.
    enter_code(&window, &grouped(&manual.code)).await?;
    let shown = wait_for_text(&window, "code", Duration::from_secs(10), |t| !t.is_empty()).await?;
    assert_eq!(
        shown,
        grouped(&manual.code),
        "the window shows the joined case"
    );
    let state = wait_for_text(&window, "state", Duration::from_secs(5), |t| !t.is_empty()).await?;
    assert_eq!(state, "Waiting for an expert");
    let description = window
        .find(Locator::Id("description"))
        .await?
        .prop("value")
        .await?;
    assert_eq!(
        description.as_deref(),
        Some(DESCRIPTION),
        "the window holds the expert's case, description and all"
    );
    let history = server.case(manual.id).await?.history.ok_or("history")?;
    assert!(
        history
            .iter()
            .any(|line| line.action == HistoryAction::Claimed && line.actor == "customer"),
        "the server records the customer's claim: {history:?}"
    );
    let elsewhere_history = server.store.history(elsewhere.id).await?;
    assert!(
        elsewhere_history
            .iter()
            .all(|line| line.action != HistoryAction::Claimed),
        "the other group's case stays unclaimed: {elsewhere_history:?}"
    );

    // The window follows the case live: the expert takes it, then closes it.
    server.assign(manual.id).await?;
    wait_for_text(&window, "assignee", Duration::from_secs(5), |t| {
        t == EXPERT_NAME
    })
    .await?;
    assert_eq!(
        wait_for_text(&window, "state", Duration::from_secs(5), |t| {
            t == "An expert is assigned"
        })
        .await?,
        "An expert is assigned"
    );
    server
        .client
        .close_case(&server.expert_token, manual.id)
        .await?;
    wait_for_text(&window, "state", Duration::from_secs(5), |t| {
        t == "Request closed"
    })
    .await?;
    let deadline = Instant::now() + Duration::from_secs(5);
    while server.case(manual.id).await?.state != CaseState::Closed {
        assert!(
            Instant::now() < deadline,
            "the server reads the case closed"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    let _ = window.close().await;
    drop(driver);
    Ok(())
}

/// A code as people read it: `123 456 789`.
fn grouped(code: &SessionCode) -> String {
    let digits = code.as_str();
    format!("{} {} {}", &digits[..3], &digits[3..6], &digits[6..])
}

/// Types `code` into the join form (emptied first) and submits it.
async fn enter_code(window: &Client, code: &str) -> Fallible<()> {
    let input = window.find(Locator::Id("join-code")).await?;
    input.clear().await?;
    input.send_keys(code).await?;
    window
        .find(Locator::Id("join-submit"))
        .await?
        .click()
        .await?;
    Ok(())
}
