//! The remote screen end to end, with both real front ends: a customer's
//! display (its own Xvfb) shows a known four-colour pattern; the customer
//! shares it from the real desktop window (WebDriver); the expert's console
//! (headless Chromium) draws it in its canvas; a recoloured quadrant follows;
//! the expert gets control, clicks and types on the canvas, and the test
//! window on the customer's display receives that click and text; the
//! customer takes control back and the next click does not arrive.
//!
//! Needs what `live_session` needs, and Xvfb for the customer's own display;
//! missing tools fail the test with what to install (outside CI,
//! `LIFELINE_SKIP_E2E=1` skips).

mod support;

use std::time::{Duration, Instant};

use fantoccini::actions::{
    InputSource as _, KeyAction, KeyActions, MOUSE_BUTTON_LEFT, MouseActions, PointerAction,
};
use fantoccini::{Client, Locator};
use serde_json::{Value, json};

use support::browser::{Browser, sign_in};
use support::display::{Display, HEIGHT, Pattern, WIDTH};
use support::window::{TauriDriver, Tools, app_binary, app_env, wait_for_text};
use support::{Fallible, Server, TestResult, path_text};

const EXPERT_NAME: &str = "Ana García";
const PASSWORD: &str = "correct horse battery staple";

/// Top left, top right, bottom left, bottom right: far apart in every channel
/// pair, so JPEG's colour smearing cannot turn one into another.
const COLOURS: [u32; 4] = [0xE0_2020, 0x20_C040, 0x20_40E0, 0xF0_D020];
/// What the bottom-right quadrant becomes.
const RECOLOURED: u32 = 0xC0_20C0;
/// How far a decoded JPEG pixel may be from the colour painted.
const TOLERANCE: i64 = 40;

/// The quadrant centres on the customer's screen: flat colour far from any edge.
fn quadrant_centres() -> [(u16, u16); 4] {
    let (w, h) = (WIDTH / 4, HEIGHT / 4);
    [(w, h), (3 * w, h), (w, 3 * h), (3 * w, 3 * h)]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_expert_sees_the_shared_screen_and_controls_it_only_while_granted() -> TestResult {
    let Some(tools) = Tools::find_or_skip()? else {
        return Ok(());
    };
    let Some(display) = Display::start_or_skip()? else {
        return Ok(());
    };
    let Some(browser) = Browser::start_or_skip().await? else {
        return Ok(());
    };
    let server = Server::start(EXPERT_NAME, Some(PASSWORD)).await?;
    let home = tempfile::tempdir()?;
    let deployment_file = server.write_deployment_file(home.path())?;
    // The app, its WebDriver and its capture all on the customer's display.
    let mut env = app_env(home.path());
    env.insert("DISPLAY".into(), display.name.clone());
    env.remove("XAUTHORITY");
    let driver = TauriDriver::spawn(&tools.tauri_driver, &env)?;
    let window = driver
        .session(
            &app_binary()?,
            &["--sos", "--deployment", &path_text(&deployment_file)],
        )
        .await?;
    wait_for_text(&window, "code", Duration::from_secs(20), |t| !t.is_empty()).await?;
    // Shown once the app's window is up, so it lies on top of it.
    let pattern = Pattern::show(&display, COLOURS)?;
    let cases = server.cases().await?;
    let (case_id, _) = *cases.first().ok_or("the SOS launch made a case")?;
    server.assign(case_id).await?;

    // The expert connects; the customer joins.
    sign_in(&browser.client, &server, PASSWORD).await?;
    browser.connect_to_case(&server, case_id).await?;
    wait_for_text(&window, "connect-question", Duration::from_secs(5), |t| {
        t.contains(EXPERT_NAME)
    })
    .await?;
    click(&window, "join-session").await?;
    browser.wait_for_text("presence-customer", "yes").await?;

    // The expert asks to see the screen; the customer is asked, and shares.
    click(&browser.client, "view-screen").await?;
    let asked = wait_for_text(
        &window,
        "screen-request-question",
        Duration::from_secs(5),
        |t| t.contains(EXPERT_NAME),
    )
    .await?;
    assert_eq!(
        asked,
        format!("{EXPERT_NAME} wants to see your screen (view only)")
    );
    window_screenshot(&window, "customer-screen-request.png").await?;
    click(&window, "screen-share").await?;
    let banner = wait_for_text(&window, "screen-banner-text", Duration::from_secs(5), |t| {
        !t.is_empty()
    })
    .await?;
    assert_eq!(banner, format!("{EXPERT_NAME} can see your screen"));

    // The console draws the four colours.
    let mut expected = COLOURS;
    wait_for_colours(&browser.client, &expected).await?;
    // One quadrant recoloured shows up too.
    pattern.recolour(3, RECOLOURED)?;
    expected[3] = RECOLOURED;
    let started = Instant::now();
    wait_for_colours(&browser.client, &expected).await?;
    eprintln!(
        "the recoloured quadrant showed after {:?}",
        started.elapsed()
    );
    browser.screenshot("console-screen.png").await?;

    // Control: asked separately, granted in the window.
    grant_control(&browser.client, &window).await?;

    // A click and some text on the canvas reach the test window.
    let target = (1000, 260);
    click_canvas(&browser.client, target).await?;
    let received = wait_for_received(&pattern, |r| !r.clicks.is_empty()).await?;
    let (x, y, button) = received.clicks[0];
    assert_eq!(button, 1, "the left button");
    assert!(
        near((x, y), target),
        "the click lands where the expert clicked: {:?} for {target:?}",
        (x, y)
    );
    type_on_canvas(&browser.client, "hello").await?;
    let typed = wait_for_received(&pattern, |r| r.text.contains("hello")).await?;
    assert_eq!(typed.text, "hello", "the text arrives once, in order");

    // The customer takes control back; the next click does not arrive.
    click(&window, "control-revoke").await?;
    wait_for_text(&window, "screen-banner-text", Duration::from_secs(5), |t| {
        t == format!("{EXPERT_NAME} can see your screen")
    })
    .await?;
    wait_for_console_control(&browser.client, false).await?;
    let clicks_before = pattern.received().clicks.len();
    let refused = (300, 600);
    click_canvas(&browser.client, refused).await?;
    // Proof that it never arrives, without waiting for an absence: control is
    // granted again and a second click sent on the same path. Input travels
    // in order, so had the first one been passed on it would come first.
    grant_control(&browser.client, &window).await?;
    let allowed = (700, 500);
    click_canvas(&browser.client, allowed).await?;
    let after = wait_for_received(&pattern, |r| r.clicks.len() > clicks_before).await?;
    let new_clicks = &after.clicks[clicks_before..];
    assert!(
        new_clicks.iter().all(|(x, y, _)| near((*x, *y), allowed)),
        "only the click made with control granted arrives, not the one at {refused:?}: {new_clicks:?}"
    );

    // One key takes control back too: Escape in the window.
    let escape = KeyActions::new("keyboard".into())
        .then(KeyAction::Down { value: '\u{E00C}' })
        .then(KeyAction::Up { value: '\u{E00C}' });
    window.perform_actions(escape).await?;
    wait_for_text(&window, "screen-banner-text", Duration::from_secs(5), |t| {
        t == format!("{EXPERT_NAME} can see your screen")
    })
    .await?;
    wait_for_console_control(&browser.client, false).await?;
    // The screen is still shared: view stays on when control ends.
    wait_for_colours(&browser.client, &expected).await?;

    let _ = window.close().await;
    drop(driver);
    browser.close().await
}

/// The expert asks for control in the console; the customer allows it in the window.
async fn grant_control(console: &Client, window: &Client) -> TestResult {
    click(console, "request-control").await?;
    let asked = wait_for_text(
        window,
        "control-request-question",
        Duration::from_secs(5),
        |t| t.contains(EXPERT_NAME),
    )
    .await?;
    assert_eq!(
        asked,
        format!("{EXPERT_NAME} wants to use your mouse and keyboard")
    );
    click(window, "control-allow").await?;
    wait_for_text(window, "screen-banner-text", Duration::from_secs(5), |t| {
        t.contains("mouse and keyboard")
    })
    .await?;
    wait_for_console_control(console, true).await
}

/// Within the few pixels that scaling the canvas can shift a point.
fn near(got: (i16, i16), want: (u16, u16)) -> bool {
    (i32::from(got.0) - i32::from(want.0)).abs() <= 4
        && (i32::from(got.1) - i32::from(want.1)).abs() <= 4
}

async fn click(client: &Client, id: &str) -> TestResult {
    client
        .wait()
        .at_most(Duration::from_secs(5))
        .for_element(Locator::Css(&format!("#{id}:not([hidden])")))
        .await
        .map_err(|e| format!("#{id} did not show: {e}"))?
        .click()
        .await?;
    Ok(())
}

/// The window as the customer sees it, for the README (`LIFELINE_SCREENSHOTS`).
async fn window_screenshot(window: &Client, name: &str) -> TestResult {
    if let Some(dir) = std::env::var_os("LIFELINE_SCREENSHOTS") {
        let dir = std::path::PathBuf::from(dir);
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join(name), window.screenshot().await?)?;
    }
    Ok(())
}

/// Reads the canvas's pixel at each quadrant centre (in screen pixels,
/// mapped to the canvas's own size).
async fn sample(client: &Client) -> Fallible<Vec<[i64; 3]>> {
    let points: Vec<Value> = quadrant_centres()
        .iter()
        .map(|(x, y)| json!([x, y]))
        .collect();
    let read = client
        .execute(
            r#"
            const [points, width, height] = arguments;
            const canvas = document.getElementById("screen-canvas");
            if (!canvas || canvas.width === 0) return null;
            const context = canvas.getContext("2d");
            return points.map(([x, y]) => {
              const px = Math.floor(x * canvas.width / width);
              const py = Math.floor(y * canvas.height / height);
              return Array.from(context.getImageData(px, py, 1, 1).data.slice(0, 3));
            });
            "#,
            vec![json!(points), json!(WIDTH), json!(HEIGHT)],
        )
        .await?;
    let Value::Array(pixels) = read else {
        return Ok(Vec::new());
    };
    Ok(pixels
        .iter()
        .map(|p| {
            let channel = |i: usize| p.get(i).and_then(Value::as_i64).unwrap_or(-999);
            [channel(0), channel(1), channel(2)]
        })
        .collect())
}

fn rgb(colour: u32) -> [i64; 3] {
    [
        i64::from(colour >> 16 & 0xff),
        i64::from(colour >> 8 & 0xff),
        i64::from(colour & 0xff),
    ]
}

/// Polls the canvas until every quadrant centre shows its colour, 15 s at most.
async fn wait_for_colours(client: &Client, expected: &[u32; 4]) -> TestResult {
    let deadline = Instant::now() + Duration::from_secs(15);
    let mut last = Vec::new();
    loop {
        last = sample(client).await.unwrap_or(last);
        let matches = last.len() == 4
            && last.iter().zip(expected).all(|(got, want)| {
                got.iter()
                    .zip(rgb(*want))
                    .all(|(g, w)| (g - w).abs() <= TOLERANCE)
            });
        if matches {
            return Ok(());
        }
        if Instant::now() > deadline {
            let want: Vec<[i64; 3]> = expected.iter().map(|c| rgb(*c)).collect();
            return Err(format!(
                "the console's canvas shows {last:?} at the quadrant centres, not {want:?}"
            )
            .into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits until the console says whether the expert has control.
async fn wait_for_console_control(client: &Client, granted: bool) -> TestResult {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let state = client
            .execute(
                r#"return document.getElementById("screen-canvas").classList.contains("controlling");"#,
                vec![],
            )
            .await?;
        if state == json!(granted) {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(format!(
                "the console's control state is {state}, granted: {granted} expected"
            )
            .into());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Clicks the canvas where it shows screen pixel `at`, with a real pointer.
async fn click_canvas(client: &Client, at: (u16, u16)) -> TestResult {
    let point = client
        .execute(
            r#"
            const [x, y, width, height] = arguments;
            const box = document.getElementById("screen-canvas").getBoundingClientRect();
            return [box.left + (x + 0.5) * box.width / width, box.top + (y + 0.5) * box.height / height];
            "#,
            vec![json!(at.0), json!(at.1), json!(WIDTH), json!(HEIGHT)],
        )
        .await?;
    let coordinate = |i: usize| {
        point
            .get(i)
            .and_then(Value::as_f64)
            .map(f64::floor)
            .ok_or("the canvas has no box")
    };
    let (x, y) = (coordinate(0)?, coordinate(1)?);
    let mouse = MouseActions::new("mouse".into())
        .then(PointerAction::MoveTo {
            duration: None,
            x,
            y,
        })
        .then(PointerAction::Down {
            button: MOUSE_BUTTON_LEFT,
        })
        .then(PointerAction::Up {
            button: MOUSE_BUTTON_LEFT,
        });
    client.perform_actions(mouse).await?;
    Ok(())
}

/// Types `text` with real key presses into the focused canvas.
async fn type_on_canvas(client: &Client, text: &str) -> TestResult {
    let mut keys = KeyActions::new("keyboard".into());
    for c in text.chars() {
        keys = keys
            .then(KeyAction::Down { value: c })
            .then(KeyAction::Up { value: c });
    }
    client.perform_actions(keys).await?;
    Ok(())
}

/// Polls what the test window received until `done` accepts it, 10 s at most.
async fn wait_for_received(
    pattern: &Pattern,
    done: impl Fn(&support::display::Received) -> bool,
) -> Fallible<support::display::Received> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let received = pattern.received();
        if done(&received) {
            return Ok(received);
        }
        if Instant::now() > deadline {
            return Err(
                format!("the test window did not get what was expected: {received:?}").into(),
            );
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
