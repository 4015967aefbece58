//! The console over plain HTTP: sign-in, the session cookie, CSRF, lockout,
//! escaping and headers. (The same in a real browser: lifeline-e2e's console test.)

use lifeline_protocol::Email;
use lifeline_queue::admin;
use reqwest::StatusCode;
use reqwest::header::{CONTENT_SECURITY_POLICY, COOKIE, LOCATION, SET_COOKIE};

use crate::helpers::{TestApp, TestResult, spawn_app};

const PASSWORD: &str = "correct horse battery";

/// A browser-like client that does not follow redirects, so tests see them.
fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a client")
}

/// Gives the test group's expert Ana a console password.
async fn with_password(app: &TestApp) -> TestResult {
    app.store
        .change_expert(
            app.expert.id,
            lifeline_queue::store::ExpertChange::PasswordHash(admin::hash_password(PASSWORD)?),
            app.state.clock.now(),
        )
        .await?;
    Ok(())
}

async fn post_sign_in(
    app: &TestApp,
    email: &str,
    password: &str,
) -> reqwest::Result<reqwest::Response> {
    browser()
        .post(app.url("/sign-in"))
        .form(&[("email", email), ("password", password)])
        .send()
        .await
}

/// Signs in; returns the `Cookie` header value and the page's CSRF token.
async fn sign_in(app: &TestApp) -> Result<(String, String), Box<dyn std::error::Error>> {
    let response = post_sign_in(app, "ana@example.com", PASSWORD).await?;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let set_cookie = response
        .headers()
        .get(SET_COOKIE)
        .ok_or("a session cookie")?
        .to_str()?
        .to_string();
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(set_cookie.contains(attribute), "{set_cookie}");
    }
    let cookie = set_cookie.split(';').next().ok_or("a cookie")?.to_string();
    let page = browser()
        .get(app.url("/"))
        .header(COOKIE, &cookie)
        .send()
        .await?
        .text()
        .await?;
    let csrf = page
        .split("name=\"csrf-token\" content=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .ok_or("the page carries a CSRF token")?
        .to_string();
    Ok((cookie, csrf))
}

#[tokio::test]
async fn pages_need_a_signed_in_expert_and_send_a_strict_csp() -> TestResult {
    let app = spawn_app().await;
    for path in ["/", "/cases/new", "/admin/experts"] {
        let response = browser().get(app.url(path)).send().await?;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{path}");
        assert_eq!(response.headers()[LOCATION], "/sign-in", "{path}");
    }
    let rows = browser().get(app.url("/console/rows")).send().await?;
    assert_eq!(
        rows.status(),
        StatusCode::UNAUTHORIZED,
        "scripts get a status, not a page"
    );
    let sign_in = browser().get(app.url("/sign-in")).send().await?;
    let csp = sign_in.headers()[CONTENT_SECURITY_POLICY]
        .to_str()?
        .to_string();
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    Ok(())
}

#[tokio::test]
async fn a_signed_in_expert_sees_the_queue_and_plain_experts_not_the_admin_pages() -> TestResult {
    let app = spawn_app().await;
    with_password(&app).await?;
    let case = app.create_case().await;
    let (cookie, _) = sign_in(&app).await?;

    let queue = browser()
        .get(app.url("/"))
        .header(COOKIE, &cookie)
        .send()
        .await?;
    assert_eq!(queue.status(), StatusCode::OK);
    assert!(queue.text().await?.contains(&case.case.code.to_string()));
    let admin_page = browser()
        .get(app.url("/admin/experts"))
        .header(COOKIE, &cookie)
        .send()
        .await?;
    assert_eq!(admin_page.status(), StatusCode::FORBIDDEN);
    Ok(())
}

#[tokio::test]
async fn cookie_requests_that_change_something_need_the_csrf_token() -> TestResult {
    let app = spawn_app().await;
    with_password(&app).await?;
    let case = app.create_case().await;
    let (cookie, csrf) = sign_in(&app).await?;
    let assign_url = app.url(&format!("/api/v1/cases/{}/assign", case.case.id));
    let body = serde_json::json!({ "expert_id": app.expert.id });

    let read = browser()
        .get(app.url(&format!("/api/v1/cases/{}", case.case.id)))
        .header(COOKIE, &cookie)
        .send()
        .await?;
    assert_eq!(read.status(), StatusCode::OK, "reads need no CSRF token");

    let without = browser()
        .post(&assign_url)
        .header(COOKIE, &cookie)
        .json(&body)
        .send()
        .await?;
    assert_eq!(without.status(), StatusCode::FORBIDDEN);
    let wrong = browser()
        .post(&assign_url)
        .header(COOKIE, &cookie)
        .header("x-csrf-token", "not-the-token")
        .json(&body)
        .send()
        .await?;
    assert_eq!(wrong.status(), StatusCode::FORBIDDEN);
    let form_without = browser()
        .post(app.url(&format!("/cases/{}/close", case.case.id)))
        .header(COOKIE, &cookie)
        .form(&[("csrf", "")])
        .send()
        .await?;
    assert_eq!(form_without.status(), StatusCode::FORBIDDEN);
    let unchanged = app.client.get_case(&case.token, case.case.id).await?;
    assert!(
        unchanged.assignee.is_none() && !unchanged.state.is_final(),
        "nothing changed"
    );

    let with = browser()
        .post(&assign_url)
        .header(COOKIE, &cookie)
        .header("x-csrf-token", &csrf)
        .json(&body)
        .send()
        .await?;
    assert_eq!(with.status(), StatusCode::OK);
    let assigned = app.client.get_case(&case.token, case.case.id).await?;
    assert_eq!(assigned.assignee.map(|a| a.id), Some(app.expert.id));
    Ok(())
}

#[tokio::test]
async fn repeated_wrong_passwords_slow_down_then_refuse_even_the_right_one() -> TestResult {
    let app = spawn_app().await;
    with_password(&app).await?;
    for attempt in 1..=4 {
        let response = post_sign_in(&app, "ana@example.com", "wrong password!").await?;
        assert_eq!(
            response.status(),
            StatusCode::UNAUTHORIZED,
            "attempt {attempt}"
        );
        assert!(response.text().await?.contains("Wrong email or password"));
    }
    let slowed = post_sign_in(&app, "ANA@example.com", PASSWORD).await?;
    assert_eq!(slowed.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(
        slowed.headers().get(SET_COOKIE).is_none(),
        "no session while slowed down"
    );
    assert!(slowed.text().await?.contains("Try again in"));

    let unknown = post_sign_in(&app, "nobody@example.com", "whatever it is").await?;
    assert_eq!(
        unknown.status(),
        StatusCode::UNAUTHORIZED,
        "an unknown address reads like a wrong password"
    );
    Ok(())
}

#[tokio::test]
async fn signing_out_ends_the_session_on_the_server() -> TestResult {
    let app = spawn_app().await;
    with_password(&app).await?;
    let (cookie, csrf) = sign_in(&app).await?;
    let out = browser()
        .post(app.url("/sign-out"))
        .header(COOKIE, &cookie)
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await?;
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    let after = browser()
        .get(app.url("/"))
        .header(COOKIE, &cookie)
        .send()
        .await?;
    assert_eq!(
        after.status(),
        StatusCode::SEE_OTHER,
        "the old cookie no longer works"
    );
    Ok(())
}

#[tokio::test]
async fn what_a_customer_typed_is_escaped_on_every_page() -> TestResult {
    let app = spawn_app().await;
    with_password(&app).await?;
    let hostile = "<script>alert(1)</script><img src=x onerror=alert(2)>";
    let case = app.create_case_with(Some(hostile)).await;
    let (cookie, _) = sign_in(&app).await?;
    for path in [
        "/".to_string(),
        "/console/rows".to_string(),
        format!("/cases/{}", case.case.id),
    ] {
        let html = browser()
            .get(app.url(&path))
            .header(COOKIE, &cookie)
            .send()
            .await?
            .text()
            .await?;
        assert!(!html.contains("<script>alert"), "{path}: raw script tag");
        assert!(!html.contains("<img src=x"), "{path}: raw img tag");
        assert!(
            html.contains("&lt;script&gt;alert(1)") || html.contains("&#60;script&#62;alert(1)"),
            "{path}: shown as text"
        );
    }
    Ok(())
}

#[tokio::test]
async fn a_deactivated_expert_cannot_sign_in() -> TestResult {
    let app = spawn_app().await;
    with_password(&app).await?;
    let email = Email::parse("ana@example.com")?;
    let id = app
        .store
        .expert_id_by_email(email.as_str())
        .await?
        .ok_or("ana")?;
    app.store
        .change_expert(
            id,
            lifeline_queue::store::ExpertChange::Active(false),
            app.state.clock.now(),
        )
        .await?;
    let response = post_sign_in(&app, "ana@example.com", PASSWORD).await?;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    Ok(())
}
