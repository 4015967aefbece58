//! What the accessibility tests share, in the console (headless Chromium) and
//! in the app's window (WebKit through tauri-driver): axe-core, the keyboard,
//! where the focus is, what the live regions say.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use fantoccini::Client;
use fantoccini::actions::{InputSource as _, KeyAction, KeyActions};
use fantoccini::key::Key;
use serde_json::json;

use super::browser::Browser;
use super::{Fallible, TestResult};

/// A page driven through WebDriver: the console in a browser, or the window.
pub trait Driven {
    fn driver(&self) -> &Client;
}

impl Driven for Client {
    fn driver(&self) -> &Client {
        self
    }
}

impl Driven for Browser {
    fn driver(&self) -> &Client {
        &self.client
    }
}

/// Where `cargo xtask test` puts axe-core, under the target dir.
pub const AXE_UNDER_TARGET: &str = "axe-core/node_modules/axe-core/axe.min.js";

/// axe-core's script: `LIFELINE_AXE_JS`, else the target dir's copy.
pub fn axe_script() -> Fallible<String> {
    let path = match std::env::var_os("LIFELINE_AXE_JS") {
        Some(path) => PathBuf::from(path),
        // The test runs as <target>/<profile>/deps/<exe>.
        None => std::env::current_exe()?
            .ancestors()
            .nth(3)
            .ok_or("no target dir above the test executable")?
            .join(AXE_UNDER_TARGET),
    };
    std::fs::read_to_string(&path).map_err(|e| {
        format!(
            "axe-core is missing ({}: {e}); `cargo xtask test` installs it, or run \
             `npm install --prefix <target>/axe-core axe-core@4` and set LIFELINE_AXE_JS",
            path.display()
        )
        .into()
    })
}

/// Runs axe-core on the page; fails listing every violation. Also makes sure
/// the contrast rule looked at some text, so a page it skipped cannot pass.
pub async fn axe(page: &impl Driven, axe_js: &str, name: &str) -> TestResult {
    let version = page
        .driver()
        .execute(
            &format!("{axe_js}\n;return window.axe ? window.axe.version : null;"),
            vec![],
        )
        .await?;
    let version = version.as_str().unwrap_or_default().to_string();
    assert!(
        version.starts_with("4."),
        "axe-core 4 loaded on {name}: {version:?}"
    );
    let result = page
        .driver()
        .execute_async(
            r#"
            const done = arguments[arguments.length - 1];
            window.axe.run(document).then((r) => done({
              violations: r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map((n) => n.target.join(" ") + ": " + n.failureSummary) })),
              contrast: [...r.passes, ...r.violations, ...r.incomplete]
                .filter((x) => x.id === "color-contrast")
                .reduce((n, x) => n + x.nodes.length, 0),
              incomplete: r.incomplete.map((x) => x.id),
            }), (e) => done({ error: String(e) }));
            "#,
            vec![],
        )
        .await?;
    if let Some(error) = result.get("error") {
        return Err(format!("axe failed on {name}: {error}").into());
    }
    let violations = result["violations"].as_array().cloned().unwrap_or_default();
    assert!(
        violations.is_empty(),
        "axe {version} found violations on {name}: {}",
        serde_json::to_string_pretty(&violations)?
    );
    assert!(
        result["contrast"].as_u64().is_some_and(|n| n > 0),
        "the color-contrast rule checked nothing on {name}"
    );
    eprintln!(
        "axe {version}: no violations on {name} (contrast checked on {} elements; needs review: {})",
        result["contrast"], result["incomplete"]
    );
    Ok(())
}

/// Presses and releases `key` on whatever has focus, as a keyboard does.
pub async fn press(page: &impl Driven, key: Key) -> TestResult {
    let key = char::from(key);
    page.driver()
        .perform_actions(
            KeyActions::new("keyboard".into())
                .then(KeyAction::Down { value: key })
                .then(KeyAction::Up { value: key }),
        )
        .await?;
    Ok(())
}

/// Types `text` into whatever has focus.
pub async fn type_text(page: &impl Driven, text: &str) -> TestResult {
    let mut keys = KeyActions::new("keyboard".into());
    for c in text.chars() {
        keys = keys
            .then(KeyAction::Down { value: c })
            .then(KeyAction::Up { value: c });
    }
    page.driver().perform_actions(keys).await?;
    Ok(())
}

/// Whether the focused element matches `css`.
pub async fn focus_is(page: &impl Driven, css: &str) -> Fallible<bool> {
    let matches = page
        .driver()
        .execute(
            "return document.activeElement !== null && document.activeElement.matches(arguments[0]);",
            vec![json!(css)],
        )
        .await?;
    Ok(matches == json!(true))
}

/// The focused element, briefly (for failure messages).
pub async fn focused(page: &impl Driven) -> Fallible<String> {
    let what = page
        .driver()
        .execute(
            "const e = document.activeElement;\
             return e === null || e === document.body ? 'the page body' : e.outerHTML.slice(0, 120);",
            vec![],
        )
        .await?;
    Ok(what.as_str().unwrap_or_default().to_string())
}

/// Presses Tab until the focused element matches `css` (60 presses at most).
pub async fn tab_to(page: &impl Driven, css: &str) -> TestResult {
    for _ in 0..60 {
        if focus_is(page, css).await? {
            return Ok(());
        }
        press(page, Key::Tab).await?;
    }
    Err(format!(
        "Tab never reached {css}; focus is on {}",
        focused(page).await?
    )
    .into())
}

/// Polls (5 s at most) until the focused element matches `css`.
pub async fn wait_for_focus(page: &impl Driven, css: &str) -> TestResult {
    let deadline = Instant::now() + Duration::from_secs(5);
    while !focus_is(page, css).await? {
        if Instant::now() > deadline {
            return Err(format!("focus is on {}, not {css}", focused(page).await?).into());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok(())
}

/// Polls `#id` (5 s at most) until its text contains `part` (its
/// textContent: a live region is visually hidden).
pub async fn wait_for_text_containing(page: &impl Driven, id: &str, part: &str) -> TestResult {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let text = region_text(page, id).await?;
        if text.contains(part) {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(format!("#{id} shows {text:?}, without {part:?}").into());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The text of an element that may be visually hidden (a live region):
/// WebDriver's text is only what is rendered visibly.
pub async fn region_text(page: &impl Driven, id: &str) -> Fallible<String> {
    let text = page
        .driver()
        .execute(
            "const e = document.getElementById(arguments[0]); return e ? e.textContent.trim() : null;",
            vec![json!(id)],
        )
        .await?;
    Ok(text.as_str().unwrap_or_default().to_string())
}

/// Polls the live region `#id` (5 s at most) until it says `expected`.
pub async fn wait_for_region(page: &impl Driven, id: &str, expected: &str) -> TestResult {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let text = region_text(page, id).await?;
        if text == expected {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(format!("the live region #{id} says {text:?}, not {expected:?}").into());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Tabs through the whole page: every stop must show a focus outline. The
/// walk ends when it comes back to an element it saw.
pub async fn every_tab_stop_shows_focus(page: &impl Driven, name: &str) -> TestResult {
    let look = r#"
        window.lifelineSeen = window.lifelineSeen || new WeakSet();
        const e = document.activeElement;
        if (e === null || e === document.body) return { body: true };
        const s = getComputedStyle(e);
        const again = window.lifelineSeen.has(e);
        window.lifelineSeen.add(e);
        return { again, what: e.outerHTML.slice(0, 100),
                 shown: s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2
                        && e.getClientRects().length > 0 };
    "#;
    page.driver()
        .execute("window.lifelineSeen = new WeakSet();", vec![])
        .await?;
    let (mut stops, mut bodies) = (0, 0);
    let mut unshown = Vec::new();
    for _ in 0..200 {
        press(page, Key::Tab).await?;
        let seen = page.driver().execute(look, vec![]).await?;
        if seen["body"] == json!(true) {
            bodies += 1;
            assert!(bodies < 4, "Tab is stuck outside {name}'s controls");
            continue;
        }
        bodies = 0;
        if seen["again"] == json!(true) {
            break;
        }
        stops += 1;
        if seen["shown"] != json!(true) {
            unshown.push(seen["what"].as_str().unwrap_or_default().to_string());
        }
    }
    assert!(stops > 0, "Tab reached nothing on {name}");
    assert!(
        unshown.is_empty(),
        "on {name} these show no focus outline: {unshown:#?}"
    );
    eprintln!("{name}: {stops} Tab stops, each with a visible focus outline");
    Ok(())
}
