//! The real window speaks the operating system's language without asking:
//! the built app under Xvfb with `LANG` set to Arabic, then Japanese, driven
//! through WebDriver against a real queue server. Arabic lays the window out
//! right to left, while the session code still reads left to right and is
//! given to screen readers digit by digit; the case records the customer's
//! locale for the expert.
//!
//! `LIFELINE_SCREENSHOTS=<dir>` saves the window in each language there
//! (`docs/screenshots/` for the README).

mod support;

use std::time::Duration;

use fantoccini::{Client, Locator};
use serde_json::Value;

use support::window::{
    TauriDriver, Tools, app_binary, app_env, save_window_picture, wait_for_text,
};
use support::{Server, TestResult, path_text};

const EXPERT_NAME: &str = "Ana García";

/// What the window must show in one language.
struct Expect {
    /// The `LANG` the app starts with.
    locale: &'static str,
    /// The language it must choose.
    language: &'static str,
    /// `ltr` or `rtl`.
    dir: &'static str,
    /// The locale the case must record (sys-locale's BCP 47 form).
    recorded: &'static str,
    /// The code's label, written here by hand: the test does not trust the
    /// catalogue alone to be in the right language.
    code_label: &'static str,
    /// The window's screenshot file.
    screenshot: &'static str,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_window_speaks_arabic_right_to_left_and_japanese_from_the_os_locale() -> TestResult {
    let Some(tools) = Tools::find_or_skip()? else {
        return Ok(());
    };
    let server = Server::start(EXPERT_NAME, None).await?;
    let app = app_binary()?;
    for expect in [
        Expect {
            locale: "ar_EG.UTF-8",
            language: "ar",
            dir: "rtl",
            recorded: "ar-EG",
            code_label: "رمز الجلسة",
            screenshot: "customer-waiting-ar.png",
        },
        Expect {
            locale: "ja_JP.UTF-8",
            language: "ja",
            dir: "ltr",
            recorded: "ja-JP",
            code_label: "セッションコード",
            screenshot: "customer-waiting-ja.png",
        },
    ] {
        check_language(&tools, &server, &app, &expect)
            .await
            .map_err(|e| format!("{}: {e}", expect.locale))?;
    }
    Ok(())
}

async fn check_language(
    tools: &Tools,
    server: &Server,
    app: &std::path::Path,
    expect: &Expect,
) -> TestResult {
    let home = tempfile::tempdir()?;
    let deployment_file = server.write_deployment_file(home.path())?;
    let mut env = app_env(home.path());
    env.insert("LANG".into(), expect.locale.into());
    let driver = TauriDriver::spawn(&tools.tauri_driver, &env)?;
    let window = driver
        .session(
            app,
            &["--sos", "--deployment", &path_text(&deployment_file)],
        )
        .await?;
    let shown = wait_for_text(&window, "code", Duration::from_secs(20), |t| !t.is_empty()).await?;
    let messages = lifeline_i18n::messages(expect.language);

    // The page's language and direction.
    let page = js(&window, "return [document.documentElement.lang, document.documentElement.dir, getComputedStyle(document.body).direction];").await?;
    assert_eq!(
        page,
        serde_json::json!([expect.language, expect.dir, expect.dir]),
        "the page is in the OS's language and runs its way"
    );

    // Its words: the catalogue's, and really that language's.
    let label = wait_for_text(&window, "code-label", Duration::from_secs(2), |t| {
        !t.is_empty()
    })
    .await?;
    assert_eq!(label, expect.code_label);
    assert_eq!(label, messages.text("code-label", &[]));
    let state = wait_for_text(&window, "state", Duration::from_secs(5), |t| !t.is_empty()).await?;
    assert_eq!(state, messages.text("status-waiting-title", &[]));
    let heading = window.find(Locator::Id("heading")).await?.text().await?;
    assert_eq!(
        heading,
        messages.text("app-heading", &[("company", "Acme IT".into())]),
        "a message with a placeholder, formatted by the window"
    );

    // The window's own formatter agrees with fluent-bundle's, plural forms
    // and isolation marks included (Arabic has a form for 0, 1, 2, 3–10,
    // 11–99 and 100…).
    let counts = [0_i64, 1, 2, 5, 11, 100];
    let formatted = js(
        &window,
        &format!(
            "return {counts:?}.map((seconds) => t('offline-unreachable', {{ host: 'help.example.com', seconds }}));"
        ),
    )
    .await?;
    for (i, seconds) in counts.into_iter().enumerate() {
        let rust = messages.text(
            "offline-unreachable",
            &[
                ("host", "help.example.com".into()),
                ("seconds", seconds.into()),
            ],
        );
        assert_eq!(
            formatted[i].as_str(),
            Some(rust.as_str()),
            "the window and the app word {seconds} seconds alike"
        );
    }

    // The code: left to right inside the page whatever its direction (its
    // first digit drawn left of its last), and read out digit by digit.
    let code = js(
        &window,
        r#"
        const code = document.getElementById("code");
        const digits = code.firstChild;
        const at = (i) => {
          const range = document.createRange();
          range.setStart(digits, i);
          range.setEnd(digits, i + 1);
          return range.getBoundingClientRect().left;
        };
        return {
          dir: code.getAttribute("dir"),
          direction: getComputedStyle(code).direction,
          first_left: at(0),
          last_left: at(digits.length - 1),
          hidden: code.getAttribute("aria-hidden"),
          spoken: document.getElementById("code-spoken").textContent,
        };
        "#,
    )
    .await?;
    assert_eq!(code["dir"], "ltr", "{code}");
    assert_eq!(code["direction"], "ltr", "{code}");
    let (first, last) = (
        code["first_left"].as_f64().ok_or("first_left")?,
        code["last_left"].as_f64().ok_or("last_left")?,
    );
    assert!(
        first < last,
        "the code's first digit is drawn left of its last ({first} vs {last})"
    );
    let digits = shown.replace(' ', "");
    let groups: Vec<String> = digits
        .as_bytes()
        .chunks(3)
        .map(|group| {
            group
                .iter()
                .map(|d| char::from(*d).to_string())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    assert_eq!(
        code["spoken"],
        groups.join(", "),
        "a screen reader gets the code digit by digit"
    );
    assert_eq!(code["hidden"], "true", "and not the grouped number as well");

    // The case records the customer's locale, for the expert.
    let cases = server.cases().await?;
    let (case_id, _) = cases
        .iter()
        .find(|(_, code)| *code == digits)
        .ok_or("the window shows the code of a case on the server")?;
    let case = server.case(*case_id).await?;
    assert_eq!(
        case.device.locale.as_ref().map(|l| l.as_str()),
        Some(expect.recorded),
        "the case records the customer's locale"
    );

    if let Some(dir) = std::env::var_os("LIFELINE_SCREENSHOTS") {
        let dir = std::path::PathBuf::from(dir);
        std::fs::create_dir_all(&dir)?;
        save_window_picture(&dir.join(expect.screenshot))?;
    }

    // Cancel, so the next language's launch makes its own case.
    window.find(Locator::Id("cancel")).await?.click().await?;
    window
        .wait()
        .at_most(Duration::from_secs(2))
        .for_element(Locator::Css("#confirm-cancel:not([hidden])"))
        .await?
        .click()
        .await?;
    wait_for_text(&window, "state", Duration::from_secs(5), |t| {
        t == messages.text("status-closed-title", &[])
    })
    .await?;
    let _ = window.close().await;
    drop(driver);
    Ok(())
}

async fn js(window: &Client, script: &str) -> Result<Value, Box<dyn std::error::Error>> {
    Ok(window.execute(script, vec![]).await?)
}
