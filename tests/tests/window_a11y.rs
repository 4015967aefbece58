//! The customer window as a keyboard and screen-reader user meets it: the
//! real app under Xvfb through WebDriver (WebKitGTK) against a real queue
//! server, the expert in the real console (headless Chromium). A whole help
//! request is done with the keyboard alone (ask, read the code, join the
//! session and chat, share the screen and stop, leave, cancel); at every step
//! the focus is where the customer needs it, the change is said in the live
//! region, and axe-core finds no violation in the window as it is then: in
//! the light theme, then in the dark one (the desktop's GTK theme dark). The
//! two states where the window cannot help (a broken deployment file, a
//! server that does not answer) are checked the same way.
//!
//! Needs what `live_session` needs and axe-core (`cargo xtask test` installs
//! it); without them the test fails naming what to install.

mod support;

use std::time::{Duration, Instant};

use fantoccini::Client;
use fantoccini::key::Key;
use lifeline_protocol::CaseState;

use support::a11y::{
    axe, axe_script, every_tab_stop_shows_focus, focus_is, focused, press, region_text, tab_to,
    type_text, wait_for_focus, wait_for_text_containing,
};
use support::browser::{Browser, sign_in};
use support::window::{TauriDriver, Tools, app_binary, app_env, focus_app_window, wait_for_text};
use support::{Server, TestResult, path_text};

const EXPERT_NAME: &str = "Ana García";
const PASSWORD: &str = "correct horse battery staple";

/// axe-core on the window as it is, then a Tab walk showing a focus outline
/// on every stop. The walk moves the focus: put it back where it was.
async fn check_window(window: &Client, axe_js: &str, state: &str) -> TestResult {
    let page = format!("the window, {state}");
    axe(window, axe_js, &page).await?;
    window
        .execute(
            "window.lifelineFocusBefore = document.activeElement;",
            vec![],
        )
        .await?;
    every_tab_stop_shows_focus(window, &page).await?;
    window
        .execute("window.lifelineFocusBefore.focus();", vec![])
        .await?;
    Ok(())
}

// One app at a time: two copies at once would meet in the single-instance
// lock (the themes run one after the other for the same reason).
static ONE_APP: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_keyboard_alone_a_customer_asks_for_help_chats_shares_the_screen_and_cancels()
-> TestResult {
    let axe_js = axe_script()?;
    let Some(tools) = Tools::find_or_skip()? else {
        return Ok(());
    };
    let _one_app = ONE_APP.lock().await;
    for dark in [false, true] {
        let theme = if dark { "dark" } else { "light" };
        help_request_by_keyboard(&tools, &axe_js, dark)
            .await
            .map_err(|e| format!("the {theme} theme: {e}"))?;
    }
    Ok(())
}

async fn help_request_by_keyboard(tools: &Tools, axe_js: &str, dark: bool) -> TestResult {
    let Some(browser) = Browser::start_or_skip().await? else {
        return Ok(());
    };
    let server = Server::start(EXPERT_NAME, Some(PASSWORD)).await?;
    let home = tempfile::tempdir()?;
    let deployment_file = server.write_deployment_file(home.path())?;
    let mut env = app_env(home.path());
    if dark {
        // What a desktop set to dark gives GTK, and WebKitGTK turns into
        // `prefers-color-scheme: dark`.
        env.insert("GTK_THEME".into(), "Adwaita:dark".into());
    }
    let driver = TauriDriver::spawn(&tools.tauri_driver, &env)?;
    // Started without --sos: the customer asks for help in the window.
    let window = driver
        .session(
            &app_binary()?,
            &["--deployment", &path_text(&deployment_file)],
        )
        .await?;
    let en = lifeline_i18n::messages("en");
    let text = |id: &str| en.text(id, &[]);
    let named = |id: &str| en.text(id, &[("name", EXPERT_NAME.into())]);

    // Asking: Tab reaches the one button, Enter presses it.
    wait_for_text(&window, "request-help", Duration::from_secs(20), |t| {
        !t.is_empty()
    })
    .await?;
    focus_app_window()?;
    let deadline = Instant::now() + Duration::from_secs(5);
    while !js_bool(&window, "return document.hasFocus();").await? {
        assert!(
            Instant::now() < deadline,
            "the window has the keyboard focus"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        js_bool(
            &window,
            "return matchMedia('(prefers-color-scheme: dark)').matches;"
        )
        .await?,
        dark,
        "the window's theme follows the desktop's"
    );
    check_window(&window, axe_js, "before asking").await?;
    tab_to(&window, "#request-help").await?;
    press(&window, Key::Enter).await?;

    // The code: the focus moves on to Copy (the button pressed is gone), the
    // state is said, and a screen reader gets the code digit by digit.
    let shown = wait_for_text(&window, "code", Duration::from_secs(20), |t| !t.is_empty()).await?;
    wait_for_focus(&window, "#copy-code").await?;
    wait_for_text_containing(&window, "announcer", &text("status-waiting-title")).await?;
    let spoken = region_text(&window, "code-spoken").await?;
    let digits: String = shown.chars().filter(char::is_ascii_digit).collect();
    assert_eq!(digits.len(), 9, "{shown:?}");
    assert_eq!(
        spoken
            .chars()
            .filter(char::is_ascii_digit)
            .collect::<String>(),
        digits,
        "{spoken:?}"
    );
    assert!(
        spoken.split([' ', ',']).all(|part| part.len() <= 1),
        "one digit at a time: {spoken:?}"
    );
    check_window(&window, axe_js, "waiting, with the code").await?;

    // The expert takes the case and asks to connect: the question takes the
    // focus itself, so a stray Enter answers nothing.
    let cases = server.cases().await?;
    let (case_id, _) = *cases.first().ok_or("the window made a case")?;
    server.assign(case_id).await?;
    wait_for_text_containing(&window, "announcer", &text("status-assigned-title")).await?;
    sign_in(&browser.client, &server, PASSWORD).await?;
    browser.connect_to_case(&server, case_id).await?;
    wait_for_focus(&window, "#connect-request").await?;
    wait_for_text_containing(&window, "announcer", &text("status-connect-title")).await?;
    check_window(&window, axe_js, "asked to connect").await?;
    press(&window, Key::Enter).await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        focus_is(&window, "#connect-request").await?,
        "Enter on the question itself does nothing; focus is on {}",
        focused(&window).await?
    );
    press(&window, Key::Tab).await?;
    assert!(
        focus_is(&window, "#join-session").await?,
        "the question's first button follows it; focus is on {}",
        focused(&window).await?
    );
    press(&window, Key::Enter).await?;

    // In the session: straight into the message field; a message sent with Enter.
    wait_for_focus(&window, "#chat-text").await?;
    browser.wait_for_text("presence-customer", "yes").await?;
    wait_for_text_containing(&window, "announcer", &text("status-in-session-title")).await?;
    type_text(&window, "The printer blinks orange").await?;
    press(&window, Key::Enter).await?;
    browser.wait_for_chat("The printer blinks orange").await?;
    browser.send_chat("Let me have a look").await?;
    wait_for_text_containing(&window, "chat", "Let me have a look").await?;
    check_window(&window, axe_js, "in the session, chatting").await?;

    // The expert asks to see the screen: asked, focused, shared with the keyboard.
    browser.click("view-screen").await?;
    wait_for_focus(&window, "#screen-request").await?;
    wait_for_text_containing(&window, "announcer", &named("screen-request")).await?;
    check_window(&window, axe_js, "asked to share the screen").await?;
    tab_to(&window, "#screen-share").await?;
    press(&window, Key::Enter).await?;
    // Shared: the focus goes to the banner's first button, the banner is said.
    wait_for_focus(&window, "#screen-pause").await?;
    wait_for_text_containing(&window, "announcer", &named("screen-sharing")).await?;
    check_window(&window, axe_js, "sharing the screen").await?;
    tab_to(&window, "#screen-stop").await?;
    press(&window, Key::Enter).await?;
    // Stopped: the banner is gone, the focus back in the session.
    wait_for_focus(&window, "#chat-text").await?;
    assert!(
        !js_bool(
            &window,
            "return document.body.classList.contains('screen-shared');"
        )
        .await?,
        "the sharing frame is gone"
    );

    // Leaving: the chat closes. The expert is still in, so the question to
    // join comes back and takes the focus; "Not now" leaves the focus on the
    // button that starts the session again.
    tab_to(&window, "#leave-session").await?;
    press(&window, Key::Enter).await?;
    browser.wait_for_text("presence-customer", "no").await?;
    wait_for_focus(&window, "#connect-request").await?;
    tab_to(&window, "#not-now").await?;
    press(&window, Key::Enter).await?;
    wait_for_focus(&window, "#start-session").await?;
    check_window(&window, axe_js, "after leaving the session").await?;

    // Cancelling: asked first, then closed; the focus goes to "ask again".
    tab_to(&window, "#cancel").await?;
    press(&window, Key::Enter).await?;
    wait_for_focus(&window, "#confirm-cancel").await?;
    check_window(&window, axe_js, "asked to confirm the cancel").await?;
    press(&window, Key::Enter).await?;
    wait_for_focus(&window, "#again").await?;
    wait_for_text(&window, "state", Duration::from_secs(5), |t| {
        t == text("status-closed-title")
    })
    .await?;
    let deadline = Instant::now() + Duration::from_secs(5);
    while server.case(case_id).await?.state != CaseState::Closed {
        assert!(
            Instant::now() < deadline,
            "the case is closed on the server"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    check_window(&window, axe_js, "cancelled").await?;

    let _ = window.close().await;
    drop(driver);
    browser.close().await
}

/// The two states where the window cannot help: a deployment file that does
/// not read, and a server that does not answer. Both are said in the live
/// region and pass axe.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broken_deployment_file_and_an_unreachable_server_are_said_and_pass_axe() -> TestResult {
    let axe_js = axe_script()?;
    let Some(tools) = Tools::find_or_skip()? else {
        return Ok(());
    };
    let _one_app = ONE_APP.lock().await;
    let en = lifeline_i18n::messages("en");

    // A deployment file IT got wrong: the window says so and shows the detail.
    let home = tempfile::tempdir()?;
    let broken = home.path().join("deployment.toml");
    std::fs::write(&broken, "server_url = \"http://127.0.0.1:9\"\n[branding\n")?;
    let driver = TauriDriver::spawn(&tools.tauri_driver, &app_env(home.path()))?;
    let window = driver
        .session(&app_binary()?, &["--deployment", &path_text(&broken)])
        .await?;
    wait_for_text(&window, "broken-title", Duration::from_secs(20), |t| {
        t == en.text("broken-title", &[])
    })
    .await?;
    wait_for_text_containing(&window, "announcer", &en.text("broken-title", &[])).await?;
    axe(&window, &axe_js, "the window, deployment file broken").await?;
    let _ = window.close().await;
    drop(driver);

    // A server that is not there: a port that was free a moment ago.
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let home = tempfile::tempdir()?;
    let deployment_file = support::write_deployment_file(
        home.path(),
        &format!("http://127.0.0.1:{port}"),
        "dk_unreachable",
    )?;
    let driver = TauriDriver::spawn(&tools.tauri_driver, &app_env(home.path()))?;
    let window = driver
        .session(
            &app_binary()?,
            &["--deployment", &path_text(&deployment_file)],
        )
        .await?;
    wait_for_text(&window, "request-help", Duration::from_secs(20), |t| {
        !t.is_empty()
    })
    .await?;
    focus_app_window()?;
    tab_to(&window, "#request-help").await?;
    press(&window, Key::Enter).await?;
    let offline = wait_for_text(&window, "offline", Duration::from_secs(20), |t| {
        t.contains("127.0.0.1")
    })
    .await?;
    let said = region_text(&window, "announcer").await?;
    assert!(
        said.contains(offline.split(" — ").next().unwrap_or_default()),
        "the live region says the server cannot be reached: {said:?} (the banner: {offline:?})"
    );
    // Nothing to press while the request is retried: axe only.
    axe(&window, &axe_js, "the window, the server unreachable").await?;
    let _ = window.close().await;
    drop(driver);
    Ok(())
}

async fn js_bool(window: &Client, script: &str) -> Result<bool, Box<dyn std::error::Error>> {
    Ok(window.execute(script, vec![]).await? == serde_json::Value::Bool(true))
}
