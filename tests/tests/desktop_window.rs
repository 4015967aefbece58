//! The real desktop window, end to end: the built `lifeline` app under Xvfb,
//! driven through `tauri-driver` and `WebKitWebDriver`, against a real queue
//! server started in-process, with a fresh HOME.
//!
//! Run the whole test command under
//! `xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- cargo test …`
//! (`cargo xtask test` does). Missing tools fail the test with what to
//! install; outside CI, `LIFELINE_SKIP_E2E=1` skips it instead.

mod support;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::Locator;
use lifeline_protocol::CaseState;

use support::window::{TauriDriver, Tools, app_binary, app_env, wait_for_text};
use support::{SETTLE_TIMEOUT, Server, TestResult, path_text, wait_for_file};

const SHORTCUT_NAME: &str = "Acme SOS";
const EXPERT_NAME: &str = "Ana García";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_window_shows_the_code_follows_the_expert_and_cancels_with_one_case() -> TestResult {
    let Some(tools) = Tools::find_or_skip()? else {
        return Ok(());
    };
    let server = Server::start(EXPERT_NAME, None).await?;
    let app = app_binary()?;
    let home = tempfile::tempdir()?;
    let deployment_file = home.path().join("deployment.toml");
    std::fs::write(
        &deployment_file,
        format!(
            "server_url = \"{}\"\ndeployment_key = \"{}\"\n\n[branding]\ncompany_name = \"Acme IT\"\naccent_color = \"#0b5cad\"\n\n[behaviour]\nshortcut_name = \"{SHORTCUT_NAME}\"\n",
            server.base_url, server.deployment_key
        ),
    )?;
    let env = app_env(home.path());

    // Launch, as the SOS shortcut does.
    let driver = TauriDriver::spawn(&tools.tauri_driver, &env)?;
    let window = driver
        .session(
            &app,
            &["--sos", "--deployment", &path_text(&deployment_file)],
        )
        .await?;
    let shown = wait_for_text(&window, "code", Duration::from_secs(20), |t| !t.is_empty()).await?;

    let cases = server.cases().await?;
    assert_eq!(cases.len(), 1, "one SOS launch makes one case");
    let (case_id, code) = &cases[0];
    assert_eq!(
        shown.replace(' ', ""),
        *code,
        "the window shows the server's code"
    );
    assert_eq!(
        shown.len(),
        11,
        "the code is grouped as 123 456 789: {shown:?}"
    );
    let shortcut = home
        .path()
        .join("Desktop")
        .join(format!("{SHORTCUT_NAME}.desktop"));
    // Written after the code is on screen, off the path to it.
    assert!(
        wait_for_file(&shortcut, SETTLE_TIMEOUT),
        "the first run puts the SOS shortcut on the desktop: {}",
        shortcut.display()
    );
    assert!(
        std::fs::read_to_string(&shortcut)?.contains("--sos"),
        "the shortcut asks for help"
    );

    // An expert takes the case: the window names them within 2 s.
    server.assign(*case_id).await?;
    let started = Instant::now();
    wait_for_text(&window, "assignee", Duration::from_secs(2), |t| {
        t == EXPERT_NAME
    })
    .await?;
    eprintln!("the expert's name showed after {:?}", started.elapsed());

    // A second launch hands over to the running app and exits; no second case.
    let started = Instant::now();
    let mut second = Command::new(&app)
        .args(["--sos", "--deployment", &path_text(&deployment_file)])
        .env_clear()
        .envs(&env)
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()?;
    let status = wait_for_exit(&mut second, Duration::from_secs(10))?;
    assert!(
        status.success(),
        "the second launch exits cleanly after handing over ({status})"
    );
    eprintln!("the second launch exited after {:?}", started.elapsed());
    let cases = server.cases().await?;
    assert_eq!(cases.len(), 1, "a second launch never makes a second case");
    let still = wait_for_text(&window, "code", Duration::from_secs(2), |t| !t.is_empty()).await?;
    assert_eq!(still, shown, "the first window still shows the case");

    // The customer cancels, confirming.
    window.find(Locator::Id("cancel")).await?.click().await?;
    window
        .wait()
        .at_most(Duration::from_secs(2))
        .for_element(Locator::Css("#confirm-cancel:not([hidden])"))
        .await?;
    window
        .find(Locator::Id("confirm-cancel"))
        .await?
        .click()
        .await?;
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let case = server.case(*case_id).await?;
        if case.state == CaseState::Closed {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the server reads the cancelled case as closed (it reads {:?})",
            case.state
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    wait_for_text(&window, "state", Duration::from_secs(2), |t| !t.is_empty()).await?;

    let _ = window.close().await;
    drop(driver);
    Ok(())
}

fn wait_for_exit(
    child: &mut Child,
    limit: Duration,
) -> Result<std::process::ExitStatus, Box<dyn std::error::Error>> {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(status);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("the second launch was still running after {limit:?}: single-instance did not hand over").into());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}
