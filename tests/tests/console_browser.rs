//! The expert console in real headless Chromium, driven through ChromeDriver
//! (Debian's `chromium` and `chromium-driver`), against a real queue server.
//!
//! Missing tools fail the test with what to install; outside CI,
//! `LIFELINE_SKIP_E2E=1` skips it instead. With `LIFELINE_SCREENSHOTS=DIR`
//! the test also saves the queue and case pages as PNG there (how the
//! screenshots in `docs/screenshots/` are made).

mod support;

use std::time::{Duration, Instant};

use fantoccini::Locator;
use lifeline_protocol::screen::{Rectangle, UpdateEncoder};
use lifeline_protocol::{
    CaseState, CaseWithToken, Channel, CreateCaseRequest, Customer, CustomerName, Description,
    IdempotencyKey,
};
use lifeline_queue::clock::{Clock as _, SystemClock};
use serde_json::json;
use tokio_tungstenite::tungstenite::Message;
use uuid::Uuid;

use support::browser::{Browser, fill_sign_in, sign_in};
use support::{Fallible, Server, TestResult};

const EXPERT_NAME: &str = "Ana García";
const PASSWORD: &str = "correct horse battery staple";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expert_signs_in_sees_a_new_case_live_takes_it_and_closes_it() -> TestResult {
    let Some(browser) = Browser::start_or_skip().await? else {
        return Ok(());
    };
    let server = Server::start(EXPERT_NAME, Some(PASSWORD)).await?;
    let earlier = create_case(&server, "Luis", "Printer says offline").await?;
    sign_in(&browser.client, &server, PASSWORD).await?;
    let queue = browser.client.find(Locator::Id("queue-rows")).await?;
    assert!(
        queue.text().await?.contains(&earlier.1),
        "the queue lists the open case"
    );

    // Marks this page load: a reload would lose it.
    browser
        .client
        .execute("window.lifelineSamePage = true;", vec![])
        .await?;
    let (case_id, code) = create_case(&server, "Marta", "Cannot print the invoices").await?;
    let started = Instant::now();
    browser
        .client
        .wait()
        .at_most(Duration::from_secs(2))
        .for_element(Locator::XPath(&format!(
            "//tbody[@id='queue-rows']//a[normalize-space()='{code}']"
        )))
        .await
        .map_err(|e| format!("the new case {code} did not appear within 2 s: {e}"))?;
    eprintln!(
        "the new case showed in the queue after {:?}",
        started.elapsed()
    );
    let same_page = browser
        .client
        .execute("return window.lifelineSamePage === true;", vec![])
        .await?;
    assert_eq!(same_page, json!(true), "it appeared without a reload");
    browser.screenshot("console-queue.png").await?;

    // Open it, take it, close it.
    browser
        .click_live(&format!(
            "//tbody[@id='queue-rows']//a[normalize-space()='{code}']"
        ))
        .await?;
    browser.click_and_wait_for_load("assign-to-me").await?;
    let assignee = browser.text_of("case-assignee").await?;
    assert_eq!(assignee, EXPERT_NAME);
    assert_eq!(
        server.case(case_id).await?.assignee.map(|a| a.id),
        Some(server.expert_id),
        "the server has the case assigned to the expert"
    );
    browser.screenshot("console-case.png").await?;

    browser.click("close-case").await?;
    // The form asks for confirmation first.
    browser.client.accept_alert().await?;
    browser.wait_for_text("case-state", "closed").await?;
    assert_eq!(server.case(case_id).await?.state, CaseState::Closed);
    let history = browser.text_of("history").await?;
    for action in ["created", "assigned", "closed"] {
        assert!(
            history.contains(action),
            "history lists {action}: {history}"
        );
    }
    browser.close().await
}

/// The console speaks the browser's language without being asked: Chromium
/// set to German sends `Accept-Language: de-DE,de`, and the queue is German.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_browser_set_to_german_gets_the_console_in_german() -> TestResult {
    let Some(browser) =
        Browser::start_with_or_skip(&["--lang=de-DE", "--accept-lang=de-DE,de"]).await?
    else {
        return Ok(());
    };
    let server = Server::start(EXPERT_NAME, Some(PASSWORD)).await?;
    let (_, code) = create_case(&server, "Jonas", "Der Drucker druckt nicht").await?;
    sign_in(&browser.client, &server, PASSWORD).await?;
    let lang = browser
        .client
        .execute("return document.documentElement.lang;", vec![])
        .await?;
    assert_eq!(lang, json!("de"), "the page says it is German");
    let german = lifeline_i18n::messages("de");
    let heading = browser
        .client
        .find(Locator::Css("main h1"))
        .await?
        .text()
        .await?;
    assert_eq!(heading.trim(), german.text("queue-heading", &[]));
    assert_ne!(
        heading.trim(),
        lifeline_i18n::messages("en").text("queue-heading", &[]),
        "German differs from English here"
    );
    let rows = browser.client.find(Locator::Id("queue-rows")).await?;
    assert!(rows.text().await?.contains(&code), "the case is listed");
    browser.screenshot("console-queue-de.png").await?;
    browser.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_a_customer_typed_shows_as_text_and_runs_nothing() -> TestResult {
    let Some(browser) = Browser::start_or_skip().await? else {
        return Ok(());
    };
    let server = Server::start(EXPERT_NAME, Some(PASSWORD)).await?;
    let hostile =
        "<script>window.lifelinePwned = 1</script><img src=x onerror=\"window.lifelinePwned = 2\">";
    let (case_id, _) = create_case(&server, "<b>Mallory</b>", hostile).await?;
    sign_in(&browser.client, &server, PASSWORD).await?;
    let rows = browser.text_of("queue-rows").await?;
    assert!(
        rows.contains("<script>window.lifelinePwned"),
        "the queue shows the description as text: {rows}"
    );
    browser
        .client
        .goto(&format!("{}/cases/{case_id}", server.base_url))
        .await?;
    assert_eq!(browser.text_of("case-description").await?, hostile);
    assert_eq!(browser.text_of("case-customer").await?, "<b>Mallory</b>");
    let pwned = browser
        .client
        .execute("return typeof window.lifelinePwned;", vec![])
        .await?;
    assert_eq!(pwned, json!("undefined"), "no customer-typed script ran");
    let injected = browser
        .client
        .find_all(Locator::Css(
            "#case-description img, #case-description script",
        ))
        .await?;
    assert!(
        injected.is_empty(),
        "no element was made from customer text"
    );
    browser.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cookie_request_without_the_csrf_token_is_refused_and_wrong_passwords_are_slowed()
-> TestResult {
    let Some(browser) = Browser::start_or_skip().await? else {
        return Ok(());
    };
    let server = Server::start(EXPERT_NAME, Some(PASSWORD)).await?;
    let (case_id, _) = create_case(&server, "Luis", "Mouse stuck").await?;
    sign_in(&browser.client, &server, PASSWORD).await?;

    // The page's own script context, with the session cookie: no token → 403.
    let call = r#"
        const [url, token, done] = arguments;
        const headers = { "Content-Type": "application/json" };
        if (token) headers["X-CSRF-Token"] = token;
        fetch(url, { method: "POST", credentials: "same-origin", headers,
                     body: JSON.stringify({ expert_id: null }) })
          .then((r) => done(r.status), (e) => done(String(e)));
    "#;
    let url = format!("/api/v1/cases/{case_id}/assign");
    let refused = browser
        .client
        .execute_async(call, vec![json!(url), json!(null)])
        .await?;
    assert_eq!(refused, json!(403), "no CSRF token: refused");
    let token = browser
        .client
        .execute(
            "return document.querySelector('meta[name=csrf-token]').content;",
            vec![],
        )
        .await?;
    let accepted = browser
        .client
        .execute_async(call, vec![json!(url), token])
        .await?;
    assert_eq!(accepted, json!(200), "with the page's CSRF token: accepted");

    // Sign out, then guess passwords.
    browser
        .click_and_wait_for_load_css("form.sign-out button")
        .await?;
    let mut last = String::new();
    for _ in 0..5 {
        fill_sign_in(&browser.client, &server, "not the password").await?;
        last = browser.text_of("sign-in-error").await?;
    }
    assert!(
        last.contains("Too many failed sign-ins") && last.contains("Try again in"),
        "the fifth wrong password in a row is slowed down: {last:?}"
    );
    fill_sign_in(&browser.client, &server, PASSWORD).await?;
    let still = browser.text_of("sign-in-error").await?;
    assert!(
        still.contains("Try again in"),
        "even the right password waits its turn: {still:?}"
    );
    browser.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_expert_connects_from_the_case_page_and_chats_with_the_customer() -> TestResult {
    let Some(browser) = Browser::start_or_skip().await? else {
        return Ok(());
    };
    let server = Server::start(EXPERT_NAME, Some(PASSWORD)).await?;
    let created = server.create_sos_case().await?;
    let case_id = created.case.id;
    sign_in(&browser.client, &server, PASSWORD).await?;
    browser.connect_to_case(&server, case_id).await?;
    assert_eq!(server.case(case_id).await?.state, CaseState::Pending);

    let (customer, mut customer_events) = lifeline_client::join_session(
        &server.client,
        created.token.clone(),
        case_id,
        lifeline_client::Backoff::standard(),
    );
    browser.wait_for_text("presence-customer", "yes").await?;
    browser.wait_for_text("case-state", "in progress").await?;
    assert_eq!(server.case(case_id).await?.state, CaseState::InProgress);

    customer.send("The printer blinks orange").await?;
    browser.wait_for_chat("The printer blinks orange").await?;
    browser.send_chat("Let me have a look").await?;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        match tokio::time::timeout_at(deadline, customer_events.recv()).await {
            Ok(Some(lifeline_client::SessionEvent::Message(m)))
                if m.text == "Let me have a look" =>
            {
                assert_eq!(m.author, EXPERT_NAME);
                break;
            }
            Ok(Some(_)) => {}
            other => {
                return Err(
                    format!("the expert's message did not reach the customer: {other:?}").into(),
                );
            }
        }
    }

    browser.click("leave").await?;
    browser
        .wait_for_text("session-status", "Not connected.")
        .await?;
    let deadline = Instant::now() + Duration::from_secs(5);
    while server.case(case_id).await?.expert_connected {
        assert!(Instant::now() < deadline, "leaving disconnects the expert");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(server.case(case_id).await?.state, CaseState::Pending);
    drop(customer);
    browser.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_joining_patches_the_queue_row_without_reading_the_queue_again() -> TestResult {
    let Some(browser) = Browser::start_or_skip().await? else {
        return Ok(());
    };
    let server = Server::start(EXPERT_NAME, Some(PASSWORD)).await?;
    sign_in(&browser.client, &server, PASSWORD).await?;
    let created = create_case_with_token(&server, "Luis", "Printer says offline").await?;
    let id = created.case.id;
    let state_in_row = |state: &str| {
        format!(
            "//tr[@data-case='{id}']//span[contains(@class,'state') and normalize-space()='{state}']"
        )
    };
    browser
        .client
        .wait()
        .at_most(Duration::from_secs(5))
        .for_element(Locator::XPath(&state_in_row("new")))
        .await
        .map_err(|e| format!("the new case did not appear: {e}"))?;
    // Marks the row: reading the rows again would replace it with an unmarked one.
    browser
        .client
        .execute(
            "document.querySelector(`tr[data-case='${arguments[0]}']`).dataset.marked = 'yes';",
            vec![json!(id.to_string())],
        )
        .await?;

    let _customer = RawCustomer::join(&server, &created.token, id).await?;
    browser
        .client
        .wait()
        .at_most(Duration::from_secs(5))
        .for_element(Locator::XPath(&state_in_row("pending")))
        .await
        .map_err(|e| format!("the row did not turn pending: {e}"))?;
    let marked = browser
        .client
        .execute(
            "return document.querySelector(`tr[data-case='${arguments[0]}']`).dataset.marked === 'yes';",
            vec![json!(id.to_string())],
        )
        .await?;
    assert_eq!(
        marked,
        json!(true),
        "the row was patched in place, not read again"
    );
    browser.close().await
}

/// The customer's side of the session on a raw WebSocket, as the desktop app speaks it.
struct RawCustomer {
    socket: tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
}

impl RawCustomer {
    async fn join(server: &Server, token: &str, id: Uuid) -> Fallible<Self> {
        use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;
        let mut request = format!(
            "{}/api/v1/cases/{id}/session",
            server.base_url.replace("http://", "ws://")
        )
        .into_client_request()?;
        request
            .headers_mut()
            .insert("authorization", format!("Bearer {token}").parse()?);
        let (socket, _) = tokio_tungstenite::connect_async(request).await?;
        Ok(Self { socket })
    }

    async fn send(&mut self, frame: serde_json::Value) -> TestResult {
        use futures_util::SinkExt as _;
        self.socket.send(Message::text(frame.to_string())).await?;
        Ok(())
    }

    async fn send_binary(&mut self, bytes: Vec<u8>) -> TestResult {
        use futures_util::SinkExt as _;
        self.socket.send(Message::binary(bytes)).await?;
        Ok(())
    }

    /// The next JSON frame `pick` accepts, skipping others (5 s at most).
    async fn expect(
        &mut self,
        what: &str,
        pick: impl Fn(&serde_json::Value) -> bool,
    ) -> Fallible<serde_json::Value> {
        use futures_util::StreamExt as _;
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        loop {
            let frame = tokio::time::timeout_at(deadline, self.socket.next())
                .await
                .map_err(|_| format!("no {what} reached the customer within 5 s"))?;
            match frame {
                Some(Ok(Message::Text(text))) => {
                    let frame: serde_json::Value = serde_json::from_str(&text)?;
                    if pick(&frame) {
                        return Ok(frame);
                    }
                }
                Some(Ok(_)) => {}
                other => return Err(format!("the customer's socket ended: {other:?}").into()),
            }
        }
    }
}

/// The colour of one pixel of the console's screen canvas.
async fn canvas_pixel(browser: &Browser, x: u32, y: u32) -> Fallible<[u8; 3]> {
    let rgba = browser
        .client
        .execute(
            "const c = document.getElementById('screen-canvas');\
             return Array.from(c.getContext('2d').getImageData(arguments[0], arguments[1], 1, 1).data);",
            vec![json!(x), json!(y)],
        )
        .await?;
    let rgba: Vec<u8> = serde_json::from_value(rgba)?;
    Ok([rgba[0], rgba[1], rgba[2]])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn view_screen_asks_the_customer_draws_the_shared_screen_and_sends_control_input()
-> TestResult {
    let Some(browser) = Browser::start_or_skip().await? else {
        return Ok(());
    };
    let server = Server::start(EXPERT_NAME, Some(PASSWORD)).await?;
    let created = server.create_sos_case().await?;
    let case_id = created.case.id;
    sign_in(&browser.client, &server, PASSWORD).await?;
    browser.connect_to_case(&server, case_id).await?;
    let mut customer = RawCustomer::join(&server, &created.token, case_id).await?;
    browser.wait_for_text("presence-customer", "yes").await?;

    browser.click("view-screen").await?;
    let asked = customer
        .expect("a view request", |f| {
            f["type"] == "screen" && f["view"] == "requested"
        })
        .await?;
    assert_eq!(asked["expert"], EXPERT_NAME);
    browser
        .wait_for_text(
            "screen-status",
            "Waiting for the customer to share the screen…",
        )
        .await?;

    // The customer shares a 64×48 screen of four coloured quadrants.
    customer
        .send(json!({"type":"screen_answer","mode":"view","allow":true}))
        .await?;
    customer
        .send(json!({"type":"screen_status","status":"sharing","width":64,"height":48}))
        .await?;
    let quadrants: [(u16, u16, [u8; 3]); 4] = [
        (0, 0, [220, 30, 30]),
        (32, 0, [30, 200, 60]),
        (0, 24, [30, 60, 220]),
        (32, 24, [250, 250, 250]),
    ];
    let mut update = UpdateEncoder::new(1, 64, 48, true)?;
    for (x, y, rgb) in &quadrants {
        update.push(Rectangle::solid(*x, *y, 32, 24, rgb))?;
    }
    for message in update.finish() {
        customer.send_binary(message).await?;
    }
    let ack = customer
        .expect("the console's ack", |f| f["type"] == "screen_ack")
        .await?;
    assert_eq!(ack["seq"], 1, "acked once drawn");
    for (x, y, rgb) in quadrants {
        let centre = canvas_pixel(&browser, u32::from(x) + 16, u32::from(y) + 12).await?;
        assert_eq!(centre, rgb, "the quadrant at ({x}, {y})");
    }
    browser
        .wait_for_text(
            "screen-status",
            "Viewing the customer's screen (view only).",
        )
        .await?;
    browser.screenshot("console-screen.png").await?;

    // Control: asked for apart, granted by the customer, then a click on the
    // picture arrives in the customer's screen pixels.
    browser.click("request-control").await?;
    customer
        .expect("a control request", |f| {
            f["type"] == "screen" && f["control"] == "requested"
        })
        .await?;
    customer
        .send(json!({"type":"screen_answer","mode":"control","allow":true}))
        .await?;
    browser
        .wait_for_text(
            "screen-status",
            "You control the customer's mouse and keyboard. Click the picture, then type.",
        )
        .await?;
    browser.click("screen-canvas").await?;
    let click = customer
        .expect("a click", |f| {
            f["type"] == "input" && f["event"]["kind"] == "button"
        })
        .await?;
    let event = &click["event"];
    assert_eq!(event["button"], "left");
    assert_eq!(event["down"], true);
    let (x, y) = (
        event["x"].as_u64().unwrap_or(0),
        event["y"].as_u64().unwrap_or(0),
    );
    assert!(
        (31..=33).contains(&x) && (23..=25).contains(&y),
        "the canvas centre maps to the screen centre: ({x}, {y})"
    );

    customer
        .send(json!({"type":"screen_status","status":"stopped"}))
        .await?;
    browser
        .wait_for_text("screen-status", "Screen sharing ended.")
        .await?;
    browser.close().await
}

/// Records the console's notifications and chimes on the current page while
/// still calling the browser's real Notification API and Web Audio.
const RECORD_ALERTS: &str = r#"
    window.shownNotifications = [];
    window.chimes = 0;
    const Real = window.Notification;
    window.Notification = class extends Real {
      constructor(title, options) {
        window.shownNotifications.push({ title, body: options.body, hidden: document.hidden });
        super(title, options);
      }
    };
    const start = OscillatorNode.prototype.start;
    OscillatorNode.prototype.start = function (...args) {
      window.chimes += 1;
      return start.apply(this, args);
    };
"#;

/// Polls the page's recorded notifications (10 s at most) until one has
/// `title` and a body containing `body`; answers whether the tab was hidden.
async fn wait_for_notification(browser: &Browser, title: &str, body: &str) -> Fallible<bool> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let shown = browser
            .client
            .execute("return window.shownNotifications || [];", vec![])
            .await?;
        let found = shown.as_array().and_then(|all| {
            all.iter().find(|n| {
                n["title"] == title && n["body"].as_str().is_some_and(|b| b.contains(body))
            })
        });
        if let Some(notification) = found {
            return Ok(notification["hidden"] == json!(true));
        }
        if Instant::now() > deadline {
            return Err(format!("no notification {title:?} about {body:?}; shown: {shown}").into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Polls the tab's title (10 s at most) until it is `expected`.
async fn wait_for_title(browser: &Browser, expected: &str) -> TestResult {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let title = browser.client.title().await?;
        if title == expected {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(format!("the title is {title:?}, not {expected:?}").into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits until the page took its first look at what needs attention (the
/// cases then waiting count as seen), so later cases are news.
async fn wait_for_first_look(browser: &Browser) -> TestResult {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let seen = browser
            .client
            .execute(
                "return window.sessionStorage.getItem('lifeline.alerts.told') !== null;",
                vec![],
            )
            .await?;
        if seen == json!(true) {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err("the console did not read /console/attention within 10 s".into());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_console_notifies_of_waiting_overdue_and_assigned_cases_and_counts_them_in_the_title()
-> TestResult {
    let Some(browser) = Browser::start_or_skip().await? else {
        return Ok(());
    };
    let server = Server::start(EXPERT_NAME, Some(PASSWORD)).await?;
    let group = server
        .store
        .group_by_name("Front desk")
        .await?
        .ok_or("no group Front desk")?;
    server
        .store
        .set_alert_time(group.id, 3, SystemClock.now())
        .await?;
    let (_, waiting_code) = create_case(&server, "Luis", "Printer says offline").await?;
    sign_in(&browser.client, &server, PASSWORD).await?;
    assert_eq!(
        browser
            .client
            .execute("return Notification.permission;", vec![])
            .await?,
        json!("granted"),
        "the browser allows the console's notifications"
    );
    wait_for_first_look(&browser).await?;
    wait_for_title(&browser, "(1) Queue · Lifeline console").await?;
    browser.client.execute(RECORD_ALERTS, vec![]).await?;

    // A case enters the group's queue and nobody takes it (assignment is
    // off): told at once, with the tab in the background.
    browser.client.minimize_window().await?;
    let (marta, _) = create_case(&server, "Marta", "Cannot print the invoices").await?;
    let hidden =
        wait_for_notification(&browser, "New case in Front desk", "Marta is waiting").await?;
    assert!(hidden, "the notification came with the tab hidden");
    wait_for_title(&browser, "(2) Queue · Lifeline console").await?;

    // Three seconds later she has waited past the group's alert time.
    let hidden = wait_for_notification(
        &browser,
        "Still waiting in Front desk",
        "Marta has waited over 3 seconds",
    )
    .await?;
    assert!(hidden, "the overdue notification came with the tab hidden");
    browser.client.maximize_window().await?;
    let chimes = browser
        .client
        .execute("return window.chimes;", vec![])
        .await?;
    assert!(
        chimes.as_u64().is_some_and(|n| n >= 2),
        "a chime per alert: {chimes}"
    );

    // Sound off: the next alert is silent but still shown; the choice holds.
    browser.click("notify-sound").await?;
    browser.wait_for_text("notify-sound", "Sound off").await?;
    let before = browser
        .client
        .execute("return window.chimes;", vec![])
        .await?;
    server.assign(marta).await?;
    wait_for_notification(&browser, "Case assigned to you", "Marta (Front desk)").await?;
    wait_for_title(&browser, "(1) Queue · Lifeline console").await?;
    let after = browser
        .client
        .execute("return window.chimes;", vec![])
        .await?;
    assert_eq!(after, before, "no chime with the sound turned off");

    // Every console page alerts, and a page does not repeat what an earlier one told.
    browser
        .client
        .goto(&format!("{}/cases/new", server.base_url))
        .await?;
    wait_for_title(&browser, "(1) New case · Lifeline console").await?;
    browser.client.execute(RECORD_ALERTS, vec![]).await?;
    browser.wait_for_text("notify-sound", "Sound off").await?;
    create_case(&server, "Nuria", "Scanner jams").await?;
    wait_for_notification(&browser, "New case in Front desk", "Nuria is waiting").await?;
    wait_for_title(&browser, "(2) New case · Lifeline console").await?;
    let shown = browser
        .client
        .execute(
            "return window.shownNotifications.map((n) => n.body);",
            vec![],
        )
        .await?;
    let bodies = shown.to_string();
    assert!(
        !bodies.contains("Luis") && !bodies.contains("Marta"),
        "only the new case is told on the new page: {bodies}"
    );
    assert!(
        !bodies.contains(&waiting_code.replace(' ', "")) && !bodies.contains(&waiting_code),
        "no session code in a notification"
    );
    browser.close().await
}

/// Creates an SOS case with a customer name and description; id and grouped code.
async fn create_case(server: &Server, name: &str, description: &str) -> Fallible<(Uuid, String)> {
    let created = create_case_with_token(server, name, description).await?;
    Ok((created.case.id, created.case.code.to_string()))
}

/// The same, answering the case and its customer token.
async fn create_case_with_token(
    server: &Server,
    name: &str,
    description: &str,
) -> Fallible<CaseWithToken> {
    let request = CreateCaseRequest {
        channel: Channel::Sos,
        customer: Some(Customer {
            name: Some(CustomerName::parse(name)?),
            email: None,
        }),
        description: Some(Description::parse(description)?),
        device: None,
    };
    let created = server
        .client
        .create_case(
            &server.deployment_key,
            &IdempotencyKey::generate(),
            &request,
        )
        .await?;
    Ok(created)
}
