//! The expert console as a keyboard and screen-reader user meets it, in real
//! headless Chromium against a real queue server: axe-core on every page and
//! state in both themes, a visible focus on every Tab stop, focus kept or
//! moved on purpose when the page changes under it, changes said through
//! live regions, and a whole case handled with the keyboard alone.
//!
//! axe-core comes from npm (`cargo xtask test` installs it under the target
//! dir and sets `LIFELINE_AXE_JS`); without it these tests fail, they never
//! skip.

mod support;

use std::time::Duration;

use fantoccini::Locator;
use fantoccini::key::Key;
use lifeline_protocol::{
    CaseWithToken, Channel, CreateCaseRequest, Customer, CustomerName, Description, IdempotencyKey,
};
use serde_json::json;
use uuid::Uuid;

use support::a11y::{
    axe, axe_script, every_tab_stop_shows_focus, focus_is, focused, press, tab_to, type_text,
    wait_for_focus, wait_for_region, wait_for_text_containing,
};
use support::browser::{Browser, fill_sign_in, sign_in};
use support::{Fallible, Server, TestResult};

const EXPERT_NAME: &str = "Ana García";
const PASSWORD: &str = "correct horse battery staple";

/// The skip link is the page's first focusable element, and Tab through the
/// whole page shows a focus outline on every stop.
async fn check_keyboard(browser: &Browser, page: &str) -> TestResult {
    let first = browser
        .client
        .execute(
            "const f = document.querySelector('a[href], button, input:not([type=hidden]), select, textarea, [tabindex]:not([tabindex=\"-1\"])');\
             return f ? f.outerHTML : null;",
            vec![],
        )
        .await?;
    let first = first.as_str().unwrap_or_default();
    assert!(
        first.contains("class=\"skip-link\"") && first.contains("href=\"#main\""),
        "the first focusable element on {page} is the skip link, not {first}"
    );
    every_tab_stop_shows_focus(browser, page).await
}

/// Both checks on the page as it is now.
async fn check_page(browser: &Browser, axe_js: &str, page: &str) -> TestResult {
    axe(browser, axe_js, page).await?;
    check_keyboard(browser, page).await
}

async fn goto(browser: &Browser, server: &Server, path: &str) -> TestResult {
    browser
        .client
        .goto(&format!("{}{path}", server.base_url))
        .await?;
    Ok(())
}

/// Every console page and state, in the light theme or the dark one.
async fn every_page(dark: bool) -> TestResult {
    let axe_js = axe_script()?;
    let args: &[&str] = if dark { &["--force-dark-mode"] } else { &[] };
    let Some(browser) = Browser::start_with_or_skip(args).await? else {
        return Ok(());
    };
    let theme = if dark { "dark" } else { "light" };
    let server = Server::start_as(EXPERT_NAME, Some(PASSWORD), true).await?;

    goto(&browser, &server, "/sign-in").await?;
    let is_dark = browser
        .client
        .execute(
            "return matchMedia('(prefers-color-scheme: dark)').matches;",
            vec![],
        )
        .await?;
    assert_eq!(is_dark, json!(dark), "the browser runs the {theme} theme");
    let page = |name: &str| format!("{name} ({theme} theme)");
    check_page(&browser, &axe_js, &page("sign-in")).await?;
    fill_sign_in(&browser.client, &server, "not the password").await?;
    check_page(&browser, &axe_js, &page("sign-in with an error")).await?;

    sign_in(&browser.client, &server, PASSWORD).await?;
    check_page(&browser, &axe_js, &page("queue, empty")).await?;
    let created = create_case(&server, "Luis", "Printer says offline").await?;
    let case_id = created.case.id;
    wait_for_row(&browser, &created).await?;
    create_case(&server, "Marta", "Cannot print the invoices").await?;
    goto(&browser, &server, "/").await?;
    check_page(&browser, &axe_js, &page("queue with cases")).await?;

    goto(&browser, &server, &format!("/cases/{case_id}")).await?;
    check_page(&browser, &axe_js, &page("case before Connect")).await?;
    browser.connect_to_case(&server, case_id).await?;
    let (customer, _customer_events) = lifeline_client::join_session(
        &server.client,
        created.token.clone(),
        case_id,
        lifeline_client::Backoff::standard(),
    );
    browser.wait_for_text("presence-customer", "yes").await?;
    customer.send("The printer blinks orange").await?;
    browser.wait_for_chat("The printer blinks orange").await?;
    browser.send_chat("Let me have a look").await?;
    browser.wait_for_chat("Let me have a look").await?;
    check_page(&browser, &axe_js, &page("case after Connect, chatting")).await?;
    drop(customer);

    goto(&browser, &server, "/cases/new").await?;
    check_page(&browser, &axe_js, &page("new case")).await?;
    browser.click_and_wait_for_load("create-case").await?;
    check_page(&browser, &axe_js, &page("case created")).await?;

    goto(&browser, &server, "/settings/email").await?;
    check_page(&browser, &axe_js, &page("email settings")).await?;
    for (path, name) in [
        ("/admin/experts", "admin: experts"),
        ("/admin/groups", "admin: groups"),
        ("/admin/tokens", "admin: API tokens"),
        ("/reports", "reports"),
    ] {
        goto(&browser, &server, path).await?;
        check_page(&browser, &axe_js, &page(name)).await?;
    }
    goto(&browser, &server, "/admin/deployments").await?;
    check_page(&browser, &axe_js, &page("admin: deployments")).await?;
    browser
        .client
        .find(Locator::Id("dep-name"))
        .await?
        .send_keys("Branch office")
        .await?;
    browser
        .click_and_wait_for_load_css("form[action='/admin/deployments'] button[type=submit]")
        .await?;
    check_page(&browser, &axe_js, &page("deployment created")).await?;
    goto(&browser, &server, "/admin/webhooks").await?;
    check_page(&browser, &axe_js, &page("admin: webhooks")).await?;
    browser
        .client
        .find(Locator::Id("hook-url"))
        .await?
        .send_keys("https://hooks.example.com/lifeline")
        .await?;
    browser
        .click_and_wait_for_load_css("form[action='/admin/webhooks'] button[type=submit]")
        .await?;
    check_page(&browser, &axe_js, &page("webhook created")).await?;
    goto(&browser, &server, "/admin/webhooks").await?;
    let deliveries = browser
        .client
        .find(Locator::Css("a[href$='/deliveries']"))
        .await?
        .attr("href")
        .await?
        .ok_or("the webhook lists no deliveries link")?;
    goto(&browser, &server, &deliveries).await?;
    check_page(&browser, &axe_js, &page("webhook deliveries")).await?;
    goto(&browser, &server, "/admin/audit").await?;
    check_page(&browser, &axe_js, &page("admin: audit log")).await?;

    server
        .client
        .close_case(&server.expert_token, case_id)
        .await?;
    goto(&browser, &server, &format!("/cases/{case_id}")).await?;
    check_page(&browser, &axe_js, &page("closed case")).await?;
    goto(&browser, &server, &format!("/cases/{}", Uuid::new_v4())).await?;
    check_page(&browser, &axe_js, &page("error page")).await?;
    browser.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn axe_finds_no_violation_on_any_console_page_in_the_light_theme() -> TestResult {
    every_page(false).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn axe_finds_no_violation_on_any_console_page_in_the_dark_theme() -> TestResult {
    every_page(true).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_skip_link_is_the_first_tab_stop_and_lands_in_the_page() -> TestResult {
    axe_script()?;
    let Some(browser) = Browser::start_or_skip().await? else {
        return Ok(());
    };
    let server = Server::start(EXPERT_NAME, Some(PASSWORD)).await?;
    sign_in(&browser.client, &server, PASSWORD).await?;
    goto(&browser, &server, "/").await?;
    press(&browser, Key::Tab).await?;
    assert!(
        focus_is(&browser, "a.skip-link[href='#main']").await?,
        "the first Tab reaches the skip link, not {}",
        focused(&browser).await?
    );
    let on_screen = browser
        .client
        .execute(
            "const r = document.activeElement.getBoundingClientRect();\
             return r.top >= 0 && r.bottom <= innerHeight && r.width > 1 && r.height > 1;",
            vec![],
        )
        .await?;
    assert_eq!(on_screen, json!(true), "the focused skip link is visible");
    press(&browser, Key::Enter).await?;
    wait_for_focus(&browser, "main#main").await?;
    press(&browser, Key::Tab).await?;
    assert!(
        focus_is(&browser, "select[name=state]").await?,
        "after the skip link, Tab goes to the queue's first control, not {}",
        focused(&browser).await?
    );
    browser.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_sign_in_focuses_the_password_and_marks_the_fields_invalid() -> TestResult {
    axe_script()?;
    let Some(browser) = Browser::start_or_skip().await? else {
        return Ok(());
    };
    let server = Server::start(EXPERT_NAME, Some(PASSWORD)).await?;
    fill_sign_in(&browser.client, &server, "not the password").await?;
    assert_eq!(
        browser.text_of("sign-in-error").await?,
        "Wrong email or password."
    );
    wait_for_focus(&browser, "#password").await?;
    for id in ["email", "password"] {
        let field = browser.client.find(Locator::Id(id)).await?;
        assert_eq!(
            field.attr("aria-invalid").await?.as_deref(),
            Some("true"),
            "#{id} is marked invalid"
        );
        assert_eq!(
            field.attr("aria-describedby").await?.as_deref(),
            Some("sign-in-error"),
            "#{id} points to the error"
        );
    }
    assert_eq!(
        browser
            .client
            .find(Locator::Id("email"))
            .await?
            .prop("value")
            .await?
            .as_deref(),
        Some(support::EXPERT_EMAIL),
        "the address typed is kept"
    );
    browser.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_chat_form_is_out_of_sight_and_reach_until_connect_and_focus_follows_connect_and_leave()
-> TestResult {
    axe_script()?;
    let Some(browser) = Browser::start_or_skip().await? else {
        return Ok(());
    };
    let server = Server::start(EXPERT_NAME, Some(PASSWORD)).await?;
    let created = server.create_sos_case().await?;
    sign_in(&browser.client, &server, PASSWORD).await?;
    goto(&browser, &server, &format!("/cases/{}", created.case.id)).await?;
    let rendered = "return document.getElementById(arguments[0]).getClientRects().length > 0;";
    assert_eq!(
        browser
            .client
            .execute(rendered, vec![json!("chat-form")])
            .await?,
        json!(false),
        "before Connect the chat form is not shown"
    );
    // Nor can Tab reach it: from Connect, Tab goes past the session.
    tab_to(&browser, "#connect").await?;
    press(&browser, Key::Tab).await?;
    assert!(
        !focus_is(&browser, "#chat-text, #chat-send").await?,
        "Tab reached the hidden chat form"
    );

    tab_to(&browser, "#connect").await?;
    press(&browser, Key::Enter).await?;
    browser.wait_for_text("presence-expert", "yes").await?;
    wait_for_focus(&browser, "#leave").await?;
    assert_eq!(
        browser
            .client
            .execute(rendered, vec![json!("chat-form")])
            .await?,
        json!(true),
        "in the session the chat form is shown"
    );
    press(&browser, Key::Enter).await?;
    browser
        .wait_for_text("session-status", "Not connected.")
        .await?;
    wait_for_focus(&browser, "#connect").await?;
    browser.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queue_rows_change_in_place_focus_stays_on_the_case_link_and_only_the_change_is_said()
-> TestResult {
    axe_script()?;
    let Some(browser) = Browser::start_or_skip().await? else {
        return Ok(());
    };
    // An admin: closes cases through the API without taking them first.
    let server = Server::start_as(EXPERT_NAME, Some(PASSWORD), true).await?;
    let first = create_case(&server, "Luis", "Printer says offline").await?;
    sign_in(&browser.client, &server, PASSWORD).await?;
    let live = browser
        .client
        .execute(
            "return document.getElementById('queue-rows').closest('[aria-live]') === null;",
            vec![],
        )
        .await?;
    assert_eq!(
        live,
        json!(true),
        "the table is not a live region (it would be read out whole)"
    );
    let link = format!("a.code[href='/cases/{}']", first.case.id);
    tab_to(&browser, &link).await?;
    // A mark on the focused element itself: a replaced link would not carry it.
    browser
        .client
        .execute("document.activeElement.lifelineMark = 'kept';", vec![])
        .await?;

    let second = create_case(&server, "Marta", "Cannot print the invoices").await?;
    wait_for_row(&browser, &second).await?;
    wait_for_region(
        &browser,
        "queue-news",
        &format!("New case {}, new.", second.case.code),
    )
    .await?;
    let kept = "return document.activeElement.lifelineMark === 'kept';";
    assert_eq!(
        browser.client.execute(kept, vec![]).await?,
        json!(true),
        "focus stayed on the same case link while a row came; it is on {}",
        focused(&browser).await?
    );

    server
        .client
        .close_case(&server.expert_token, second.case.id)
        .await?;
    wait_for_region(
        &browser,
        "queue-news",
        &format!("Case {} left this list.", second.case.code),
    )
    .await?;
    assert_eq!(
        browser.client.execute(kept, vec![]).await?,
        json!(true),
        "focus stayed on the same case link while a row left; it is on {}",
        focused(&browser).await?
    );

    // The focused case itself leaves: focus goes to the case now in its place.
    let third = create_case(&server, "Nuria", "Scanner jams").await?;
    wait_for_row(&browser, &third).await?;
    server
        .client
        .close_case(&server.expert_token, first.case.id)
        .await?;
    wait_for_region(
        &browser,
        "queue-news",
        &format!("Case {} left this list.", first.case.code),
    )
    .await?;
    wait_for_focus(
        &browser,
        &format!("a.code[href='/cases/{}']", third.case.id),
    )
    .await?;
    browser.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_case_changed_elsewhere_is_updated_in_place_and_said_not_reloaded() -> TestResult {
    axe_script()?;
    let Some(browser) = Browser::start_or_skip().await? else {
        return Ok(());
    };
    let server = Server::start(EXPERT_NAME, Some(PASSWORD)).await?;
    let created = create_case(&server, "Luis", "Printer says offline").await?;
    let id = created.case.id;
    sign_in(&browser.client, &server, PASSWORD).await?;
    goto(&browser, &server, &format!("/cases/{id}")).await?;
    browser
        .client
        .execute("window.lifelineSamePage = true;", vec![])
        .await?;
    tab_to(&browser, "#assign-to-me").await?;

    // Another expert (here: the API) assigns the case.
    server.assign(id).await?;
    browser.wait_for_text("case-assignee", EXPERT_NAME).await?;
    wait_for_text_containing(
        &browser,
        "case-news",
        &format!("Case updated: assigned to {EXPERT_NAME} by {EXPERT_NAME}"),
    )
    .await?;
    wait_for_focus(&browser, "#assign-to-me").await?;
    assert!(
        browser.client.find(Locator::Id("unassign")).await.is_ok(),
        "the actions follow the change (Unassign is offered)"
    );

    // Closed elsewhere: no session, no actions; focus goes to the Actions heading.
    server.client.close_case(&server.expert_token, id).await?;
    browser.wait_for_text("case-state", "closed").await?;
    wait_for_text_containing(&browser, "case-news", "closed").await?;
    wait_for_focus(&browser, "#actions").await?;
    assert!(
        browser.client.find(Locator::Id("session")).await.is_err(),
        "a closed case has no session panel"
    );
    assert_eq!(
        browser
            .client
            .execute("return window.lifelineSamePage === true;", vec![])
            .await?,
        json!(true),
        "all of it without reloading the page"
    );
    browser.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_keyboard_alone_an_expert_signs_in_takes_a_case_connects_chats_and_closes_it()
-> TestResult {
    axe_script()?;
    let Some(browser) = Browser::start_or_skip().await? else {
        return Ok(());
    };
    let server = Server::start(EXPERT_NAME, Some(PASSWORD)).await?;
    goto(&browser, &server, "/sign-in").await?;
    wait_for_focus(&browser, "#email").await?;
    type_text(&browser, support::EXPERT_EMAIL).await?;
    press(&browser, Key::Tab).await?;
    type_text(&browser, PASSWORD).await?;
    press(&browser, Key::Enter).await?;
    browser
        .client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Id("queue-rows"))
        .await?;

    // A customer asks for help; the queue says so.
    let created = create_case(&server, "Luis", "Printer says offline").await?;
    let id = created.case.id;
    wait_for_region(
        &browser,
        "queue-news",
        &format!("New case {}, new.", created.case.code),
    )
    .await?;
    tab_to(&browser, &format!("a.code[href='/cases/{id}']")).await?;
    press(&browser, Key::Enter).await?;
    browser
        .client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Id("assign-to-me"))
        .await?;

    // Take it.
    tab_to(&browser, "#assign-to-me").await?;
    press(&browser, Key::Enter).await?;
    browser.wait_for_text("case-assignee", EXPERT_NAME).await?;

    // Connect; the session status says where things are.
    tab_to(&browser, "#connect").await?;
    press(&browser, Key::Enter).await?;
    wait_for_region(
        &browser,
        "session-status",
        "Connected; waiting for the customer to join.",
    )
    .await?;
    wait_for_focus(&browser, "#leave").await?;
    let (customer, mut customer_events) = lifeline_client::join_session(
        &server.client,
        created.token.clone(),
        id,
        lifeline_client::Backoff::standard(),
    );
    wait_for_region(&browser, "session-status", "In session with the customer.").await?;

    // Chat both ways; the chat is a live region.
    customer.send("The printer blinks orange").await?;
    wait_for_text_containing(&browser, "chat", "The printer blinks orange").await?;
    let chat_live = browser
        .client
        .execute(
            "return document.getElementById('chat').getAttribute('aria-live');",
            vec![],
        )
        .await?;
    assert_eq!(chat_live, json!("polite"));
    tab_to(&browser, "#chat-text").await?;
    type_text(&browser, "Let me have a look").await?;
    press(&browser, Key::Enter).await?;
    wait_for_text_containing(&browser, "chat", "Let me have a look").await?;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        match tokio::time::timeout_at(deadline, customer_events.recv()).await {
            Ok(Some(lifeline_client::SessionEvent::Message(m)))
                if m.text == "Let me have a look" =>
            {
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

    // Close it: the form asks first (a browser dialog, answered by WebDriver).
    tab_to(&browser, "#close-case").await?;
    press(&browser, Key::Enter).await?;
    browser.client.accept_alert().await?;
    browser.wait_for_text("case-state", "closed").await?;
    assert_eq!(
        server.case(id).await?.state,
        lifeline_protocol::CaseState::Closed
    );
    drop(customer);
    browser.close().await
}

/// Creates an SOS case with a customer name and description.
async fn create_case(server: &Server, name: &str, description: &str) -> Fallible<CaseWithToken> {
    let request = CreateCaseRequest {
        channel: Channel::Sos,
        customer: Some(Customer {
            name: Some(CustomerName::parse(name)?),
            email: None,
        }),
        description: Some(Description::parse(description)?),
        device: None,
    };
    Ok(server
        .client
        .create_case(
            &server.deployment_key,
            &IdempotencyKey::generate(),
            &request,
        )
        .await?)
}

/// Waits (5 s at most) until the queue lists `case`.
async fn wait_for_row(browser: &Browser, case: &CaseWithToken) -> TestResult {
    browser
        .client
        .wait()
        .at_most(Duration::from_secs(5))
        .for_element(Locator::Css(&format!(
            "#queue-rows tr[data-case='{}']",
            case.case.id
        )))
        .await
        .map_err(|e| format!("case {} did not appear in the queue: {e}", case.case.code))?;
    Ok(())
}
