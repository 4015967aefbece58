//! The console over plain HTTP: sign-in, the session cookie, CSRF, lockout,
//! escaping and headers. (The same in a real browser: lifeline-e2e's console test.)

use lifeline_protocol::Email;
use lifeline_queue::admin;
use reqwest::StatusCode;
use reqwest::header::{CONTENT_SECURITY_POLICY, COOKIE, LOCATION, SET_COOKIE};

use crate::helpers::{TestApp, TestResult, spawn_app};

pub(crate) const PASSWORD: &str = "correct horse battery";

/// A browser-like client that does not follow redirects, so tests see them.
pub(crate) fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a client")
}

/// Gives the test group's expert Ana a console password.
pub(crate) async fn with_password(app: &TestApp) -> TestResult {
    give_password(app, "ana@example.com").await
}

pub(crate) async fn give_password(app: &TestApp, email: &str) -> TestResult {
    let id = app
        .store
        .expert_id_by_email(email)
        .await?
        .ok_or("the expert exists")?;
    app.store
        .change_expert(
            id,
            lifeline_queue::store::ExpertChange::PasswordHash(admin::hash_password(PASSWORD)?),
            app.state.clock.now(),
        )
        .await?;
    Ok(())
}

/// Posts the sign-in form as a browser would.
pub(crate) async fn post_sign_in(
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

/// Signs Ana in; returns the `Cookie` header value and the page's CSRF token.
pub async fn sign_in(app: &TestApp) -> Result<(String, String), Box<dyn std::error::Error>> {
    sign_in_as(app, "ana@example.com").await
}

pub(crate) async fn sign_in_as(
    app: &TestApp,
    email: &str,
) -> Result<(String, String), Box<dyn std::error::Error>> {
    let response = post_sign_in(app, email, PASSWORD).await?;
    if response.status() != StatusCode::SEE_OTHER {
        return Err(format!("{email} could not sign in: {}", response.text().await?).into());
    }
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

/// Like [`browser`], but connecting from another loopback address, so the
/// server sees a second client address.
pub(crate) fn browser_from(address: std::net::IpAddr) -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .local_address(address)
        .build()
        .expect("a client")
}

/// Posts the sign-in form from `client`.
pub(crate) async fn post_sign_in_with(
    client: &reqwest::Client,
    app: &TestApp,
    email: &str,
    password: &str,
) -> reqwest::Result<reqwest::Response> {
    client
        .post(app.url("/sign-in"))
        .form(&[("email", email), ("password", password)])
        .send()
        .await
}

/// Changed with issue 11: this test used to assert that after the wrong
/// guesses even the right password was refused — from anywhere, so anyone
/// could keep an admin out. Now the guesses slow down only their own address.
#[tokio::test]
async fn repeated_wrong_passwords_slow_down_that_address_but_not_the_owner_elsewhere() -> TestResult
{
    let app = spawn_app().await;
    give_password(&app, "admin@example.com").await?;
    let attacker = browser_from([127, 0, 0, 2].into());
    for attempt in 1..=4 {
        let response =
            post_sign_in_with(&attacker, &app, "admin@example.com", "wrong password!").await?;
        assert_eq!(
            response.status(),
            StatusCode::UNAUTHORIZED,
            "attempt {attempt}"
        );
        assert!(response.text().await?.contains("Wrong email or password"));
    }
    let slowed = post_sign_in_with(&attacker, &app, "ADMIN@example.com", PASSWORD).await?;
    assert_eq!(slowed.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(slowed.headers().contains_key(reqwest::header::RETRY_AFTER));
    assert!(
        slowed.headers().get(SET_COOKIE).is_none(),
        "no session while slowed down"
    );
    assert!(slowed.text().await?.contains("Try again in"));

    let owner = browser_from([127, 0, 0, 1].into());
    let signed_in = post_sign_in_with(&owner, &app, "admin@example.com", PASSWORD).await?;
    assert_eq!(
        signed_in.status(),
        StatusCode::SEE_OTHER,
        "the admin signs in from their own address despite the guesses elsewhere"
    );
    assert!(signed_in.headers().contains_key(SET_COOKIE));

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

/// A signed-in browser session, for posting console forms.
pub(crate) struct Session<'a> {
    pub(crate) app: &'a TestApp,
    pub(crate) cookie: String,
    pub(crate) csrf: String,
}

impl Session<'_> {
    pub(crate) async fn get(&self, path: &str) -> reqwest::Result<reqwest::Response> {
        browser()
            .get(self.app.url(path))
            .header(COOKIE, &self.cookie)
            .send()
            .await
    }

    pub(crate) async fn post(
        &self,
        path: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Result<reqwest::Response> {
        let mut form: Vec<(&str, &str)> = vec![("csrf", self.csrf.as_str())];
        form.extend_from_slice(fields);
        browser()
            .post(self.app.url(path))
            .header(COOKIE, &self.cookie)
            .form(&form)
            .send()
            .await
    }
}

#[tokio::test]
async fn a_manual_case_is_made_in_the_console_and_its_code_shown_large() -> TestResult {
    let app = spawn_app().await;
    with_password(&app).await?;
    let (cookie, csrf) = sign_in(&app).await?;
    let session = Session {
        app: &app,
        cookie,
        csrf,
    };
    let group = app.group.id.to_string();
    let created = session
        .post(
            "/cases/new",
            &[
                ("group", group.as_str()),
                ("customer_name", "Luis"),
                ("description", "Needs a new password"),
            ],
        )
        .await?;
    assert_eq!(created.status(), StatusCode::CREATED);
    let html = created.text().await?;
    let listed = app
        .client
        .list_cases(&app.expert_token, &Default::default())
        .await?;
    let case = listed
        .cases
        .first()
        .ok_or("the manual case is in the queue")?;
    assert_eq!(case.channel, lifeline_protocol::Channel::Manual);
    assert!(
        html.contains(&format!(
            "id=\"new-code\" aria-label=\"Session code {}\">{}<",
            case.code, case.code
        )),
        "the page shows the code to read out"
    );
    assert!(
        html.contains("The code works for 15 min."),
        "the page says how long the customer has to enter it"
    );
    let bad = session
        .post(
            "/cases/new",
            &[
                ("group", group.as_str()),
                ("customer_email", "not-an-email"),
            ],
        )
        .await?;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = bad.text().await?;
    assert!(
        page.contains("Please check “Customer email (optional)”: this value is not accepted."),
        "the error names the field by its label: {page}"
    );
    Ok(())
}

#[tokio::test]
async fn becoming_available_in_the_console_takes_the_waiting_case() -> TestResult {
    let app = spawn_app().await;
    with_password(&app).await?;
    app.client
        .set_assignment_policy(
            &app.admin_token,
            app.group.id,
            &lifeline_protocol::SetAssignmentPolicyRequest {
                policy: lifeline_protocol::AssignmentPolicy::RoundRobin,
            },
        )
        .await?;
    let case = app.create_case().await;
    let (cookie, csrf) = sign_in(&app).await?;
    let session = Session {
        app: &app,
        cookie,
        csrf,
    };
    let response = session
        .post("/availability", &[("available", "true")])
        .await?;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let now = app.client.get_case(&case.token, case.case.id).await?;
    assert_eq!(now.assignee.map(|a| a.id), Some(app.expert.id));
    assert!(
        session
            .get("/")
            .await?
            .text()
            .await?
            .contains("id=\"availability\">Available<")
    );
    Ok(())
}

#[tokio::test]
async fn an_admin_manages_experts_groups_deployments_and_tokens_in_the_console() -> TestResult {
    let app = spawn_app().await;
    give_password(&app, "admin@example.com").await?;
    let (cookie, csrf) = sign_in_as(&app, "admin@example.com").await?;
    let admin = Session {
        app: &app,
        cookie,
        csrf,
    };
    let group = app.group.id.to_string();

    // Experts: add, reset the password, deactivate.
    let added = admin
        .post(
            "/admin/experts",
            &[
                ("email", "luis@example.com"),
                ("display_name", "Luis"),
                ("password", PASSWORD),
                ("group", group.as_str()),
            ],
        )
        .await?;
    assert_eq!(added.status(), StatusCode::SEE_OTHER);
    let luis = app
        .store
        .expert_id_by_email("luis@example.com")
        .await?
        .ok_or("Luis was added")?;
    assert!(
        admin
            .get("/admin/experts")
            .await?
            .text()
            .await?
            .contains("luis@example.com")
    );
    sign_in_as(&app, "luis@example.com").await?;
    let short = admin
        .post(
            &format!("/admin/experts/{luis}"),
            &[("change", "password"), ("password", "short")],
        )
        .await?;
    assert_eq!(
        short.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "passwords have 12 characters at least"
    );
    admin
        .post(
            &format!("/admin/experts/{luis}"),
            &[("change", "deactivate")],
        )
        .await?;
    let refused = post_sign_in(&app, "luis@example.com", PASSWORD).await?;
    assert_eq!(
        refused.status(),
        StatusCode::UNAUTHORIZED,
        "a deactivated expert cannot sign in"
    );

    // Groups: add, policy, membership.
    admin.post("/admin/groups", &[("name", "Billing")]).await?;
    let billing = app
        .store
        .group_by_name("Billing")
        .await?
        .ok_or("the group was added")?;
    admin
        .post(
            &format!("/admin/groups/{}", billing.id),
            &[("change", "policy"), ("policy", "least_busy")],
        )
        .await?;
    admin
        .post(
            &format!("/admin/groups/{}", billing.id),
            &[
                ("change", "add_member"),
                ("expert_id", &app.expert.id.to_string()),
            ],
        )
        .await?;
    let billing = app
        .store
        .group_by_name("Billing")
        .await?
        .ok_or("the group")?;
    assert_eq!(
        billing.assignment_policy,
        lifeline_protocol::AssignmentPolicy::LeastBusy
    );
    let ana = app.store.expert(app.expert.id).await?.ok_or("Ana")?;
    assert!(
        ana.groups.iter().any(|g| g.id == billing.id),
        "Ana joined Billing"
    );

    // Deployments: the key is shown once, the file can be downloaded, revoking stops the key.
    let created = admin
        .post(
            "/admin/deployments",
            &[
                ("name", "Billing laptops"),
                ("group", &billing.id.to_string()),
                ("server_url", "https://help.example.com"),
            ],
        )
        .await?;
    assert_eq!(created.status(), StatusCode::OK);
    let page = created.text().await?;
    let key = page
        .split("id=\"deployment-key\">")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .ok_or("the key is shown")?
        .to_string();
    assert!(key.starts_with("dk_"), "{key}");
    for command in [
        "cargo xtask dist --deployment deployment.toml",
        "/qn DEPLOYMENT_FILE=\\\\server\\share\\deployment.toml",
        "/etc/lifeline/deployment.toml",
    ] {
        assert!(
            page.contains(command),
            "the page shows how to ship the file: {command}"
        );
    }
    let deployment = app
        .store
        .list_deployments()
        .await?
        .into_iter()
        .find(|d| d.name == "Billing laptops")
        .ok_or("listed")?;
    let file = admin
        .get(&format!("/admin/deployments/{}/file", deployment.id))
        .await?
        .text()
        .await?;
    let parsed: lifeline_protocol::DeploymentFile = toml::from_str(&file)?;
    assert_eq!(parsed.deployment_key, key);
    assert!(
        !admin
            .get("/admin/deployments")
            .await?
            .text()
            .await?
            .contains(&key),
        "the key is not shown again"
    );
    admin
        .post(&format!("/admin/deployments/{}/revoke", deployment.id), &[])
        .await?;
    let create = app
        .client
        .create_case(
            &key,
            &lifeline_protocol::IdempotencyKey::generate(),
            &crate::helpers::sos_request(None),
        )
        .await
        .expect_err("a revoked key creates nothing");
    assert_eq!(crate::helpers::api_status(&create), Some(401));

    // API tokens: shown once, revocable.
    let made = admin
        .post(
            "/admin/tokens",
            &[("expert_id", &app.expert.id.to_string())],
        )
        .await?;
    let page = made.text().await?;
    let token = page
        .split("id=\"new-token\" role=\"status\">")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .ok_or("the token is shown")?
        .to_string();
    app.client.list_cases(&token, &Default::default()).await?;
    let info = app.store.list_expert_tokens().await?;
    let newest = info.first().ok_or("a token")?;
    admin
        .post(&format!("/admin/tokens/{}/revoke", newest.id), &[])
        .await?;
    let revoked = app
        .client
        .list_cases(&token, &Default::default())
        .await
        .expect_err("revoked");
    assert_eq!(crate::helpers::api_status(&revoked), Some(401));

    // A plain expert is refused every admin page and form.
    with_password(&app).await?;
    let (cookie, csrf) = sign_in(&app).await?;
    let ana = Session {
        app: &app,
        cookie,
        csrf,
    };
    assert_eq!(
        ana.get("/admin/tokens").await?.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        ana.post("/admin/groups", &[("name", "Sneaky")])
            .await?
            .status(),
        StatusCode::FORBIDDEN
    );
    assert!(app.store.group_by_name("Sneaky").await?.is_none());
    Ok(())
}
