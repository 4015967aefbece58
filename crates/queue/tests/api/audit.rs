//! The audit log: every administrative action (through the API, the console
//! and the command line) and every sign-in leaves one entry naming who, from
//! where and what; only admins read it; filters and paging.

use reqwest::StatusCode;
use reqwest::header::COOKIE;
use serde_json::{Value, json};

use crate::console::{PASSWORD, browser, give_password, post_sign_in, sign_in, sign_in_as};
use crate::helpers::{Options, TestApp, TestResult, spawn_app, spawn_app_with};

/// `GET /api/v1/audit` with `query` as the test's admin.
async fn audit(app: &TestApp, query: &str) -> Result<Value, Box<dyn std::error::Error>> {
    let response = app
        .http
        .get(app.url(&format!("/api/v1/audit{query}")))
        .bearer_auth(&app.admin_token)
        .send()
        .await?;
    assert_eq!(response.status(), StatusCode::OK, "{query}");
    Ok(response.json().await?)
}

/// The entries of one action, newest first.
async fn entries_of(app: &TestApp, action: &str) -> Result<Vec<Value>, Box<dyn std::error::Error>> {
    let page = audit(app, &format!("?action={action}&limit=500")).await?;
    Ok(page["entries"].as_array().ok_or("entries")?.clone())
}

/// The one entry of `action` about `target`.
async fn entry_about(
    app: &TestApp,
    action: &str,
    target: &str,
) -> Result<Value, Box<dyn std::error::Error>> {
    let page = audit(app, &format!("?action={action}&target={target}")).await?;
    let entries = page["entries"].as_array().ok_or("entries")?;
    assert_eq!(entries.len(), 1, "one {action} about {target}: {entries:?}");
    Ok(entries[0].clone())
}

async fn admin_id(app: &TestApp) -> Result<String, Box<dyn std::error::Error>> {
    let id = app
        .store
        .expert_id_by_email("admin@example.com")
        .await?
        .ok_or("the admin exists")?;
    Ok(id.to_string())
}

/// Checks who did it and from where.
fn assert_by(entry: &Value, actor_id: Option<&str>, actor_name: &str, client: &str) {
    assert_eq!(entry["actor_id"], json!(actor_id), "{entry}");
    assert_eq!(entry["actor_name"], actor_name, "{entry}");
    assert_eq!(entry["client"], client, "{entry}");
    assert!(
        entry["at"].as_str().is_some_and(|at| at.ends_with('Z')),
        "{entry}"
    );
}

#[tokio::test]
async fn each_admin_action_through_the_api_is_audited_with_who_and_from_where() -> TestResult {
    let app = spawn_app().await;
    let admin = admin_id(&app).await?;
    let post = |path: &str, body: Value| {
        app.http
            .post(app.url(path))
            .bearer_auth(&app.admin_token)
            .json(&body)
            .send()
    };

    let group: Value = post("/api/v1/groups", json!({"name": "Billing"}))
        .await?
        .json()
        .await?;
    let group_id = group["id"].as_str().ok_or("group id")?;
    let entry = entry_about(&app, "group.created", group_id).await?;
    assert_by(&entry, Some(&admin), "Admin", "127.0.0.1");
    assert_eq!(entry["target_name"], "Billing");

    let changed = app
        .http
        .put(app.url(&format!("/api/v1/groups/{group_id}/assignment")))
        .bearer_auth(&app.admin_token)
        .json(&json!({"policy": "round_robin"}))
        .send()
        .await?;
    assert_eq!(changed.status(), StatusCode::OK);
    let entry = entry_about(&app, "group.changed", group_id).await?;
    assert_by(&entry, Some(&admin), "Admin", "127.0.0.1");
    assert_eq!(entry["detail"], "assignment policy round_robin");

    let changed = app
        .http
        .put(app.url(&format!("/api/v1/groups/{group_id}/alert")))
        .bearer_auth(&app.admin_token)
        .json(&json!({"alert_after_seconds": 90}))
        .send()
        .await?;
    assert_eq!(changed.status(), StatusCode::OK);
    let changes = entries_of(&app, "group.changed").await?;
    let newest = changes.first().ok_or("an entry")?;
    assert_by(newest, Some(&admin), "Admin", "127.0.0.1");
    assert_eq!(newest["detail"], "alert after 90 s");

    let expert: Value = post(
        "/api/v1/experts",
        json!({"email": "bo@example.com", "display_name": "Bo", "admin": true, "groups": [group_id]}),
    )
    .await?
    .json()
    .await?;
    let expert_id = expert["id"].as_str().ok_or("expert id")?;
    let entry = entry_about(&app, "expert.created", expert_id).await?;
    assert_by(&entry, Some(&admin), "Admin", "127.0.0.1");
    assert_eq!(entry["target_name"], "Bo");
    assert_eq!(entry["detail"], "bo@example.com, admin");

    let created: Value = post(
        "/api/v1/deployments",
        json!({"name": "Branch office", "group": group_id, "server_url": "http://127.0.0.1"}),
    )
    .await?
    .json()
    .await?;
    let deployment_id = created["deployment"]["id"]
        .as_str()
        .ok_or("deployment id")?;
    let entry = entry_about(&app, "deployment.created", deployment_id).await?;
    assert_by(&entry, Some(&admin), "Admin", "127.0.0.1");
    assert_eq!(entry["target_name"], "Branch office");
    assert_eq!(entry["detail"], "group Billing");
    let key = created["key"].as_str().ok_or("key")?;
    assert!(
        !audit(&app, "?limit=500").await?.to_string().contains(key),
        "the audit log never holds a key"
    );

    let revoked = post(
        &format!("/api/v1/deployments/{deployment_id}/revoke"),
        json!({}),
    )
    .await?;
    assert_eq!(revoked.status(), StatusCode::OK);
    let entry = entry_about(&app, "deployment.revoked", deployment_id).await?;
    assert_by(&entry, Some(&admin), "Admin", "127.0.0.1");

    // A refused change leaves no entry: the entry is written with the change.
    let before = entries_of(&app, "group.created").await?.len();
    let taken = post("/api/v1/groups", json!({"name": "billing"})).await?;
    assert_eq!(taken.status(), StatusCode::CONFLICT);
    assert_eq!(entries_of(&app, "group.created").await?.len(), before);

    // What the test's setup made through the store itself (as the command
    // line does) names the command line, from nowhere.
    let setup = entry_about(&app, "group.created", &app.group.id.to_string()).await?;
    assert_eq!(setup["actor_name"], "command line");
    assert_eq!(setup["actor_id"], Value::Null);
    assert_eq!(setup["client"], Value::Null);
    Ok(())
}

#[tokio::test]
async fn the_client_address_is_the_one_resolved_behind_a_trusted_proxy() -> TestResult {
    let app = spawn_app_with(Options {
        env: vec![("LIFELINE_TRUSTED_PROXIES", "127.0.0.1/32")],
        ..Options::default()
    })
    .await;
    let group: Value = app
        .http
        .post(app.url("/api/v1/groups"))
        .bearer_auth(&app.admin_token)
        .header("x-forwarded-for", "198.51.100.1, 203.0.113.7")
        .json(&json!({"name": "Billing"}))
        .send()
        .await?
        .json()
        .await?;
    let entry = entry_about(&app, "group.created", group["id"].as_str().ok_or("id")?).await?;
    assert_eq!(entry["client"], "203.0.113.7");
    Ok(())
}

#[tokio::test]
async fn sign_ins_failed_sign_ins_and_console_admin_actions_are_audited() -> TestResult {
    let app = spawn_app().await;
    let admin = admin_id(&app).await?;
    give_password(&app, "admin@example.com").await?;
    let ana = app.expert.id.to_string();

    // A wrong password, and an address nobody has.
    let wrong = post_sign_in(&app, "admin@example.com", "not the password at all").await?;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let unknown = post_sign_in(&app, "mallory@example.com", PASSWORD).await?;
    assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED);
    let failed = entries_of(&app, "sign_in.failed").await?;
    assert_eq!(failed.len(), 2, "{failed:?}");
    assert_by(&failed[0], None, "mallory@example.com", "127.0.0.1");
    assert_by(&failed[1], None, "admin@example.com", "127.0.0.1");

    let (cookie, csrf) = sign_in_as(&app, "admin@example.com").await?;
    let signed_in = entries_of(&app, "sign_in.succeeded").await?;
    assert_eq!(signed_in.len(), 1, "{signed_in:?}");
    assert_by(&signed_in[0], Some(&admin), "Admin", "127.0.0.1");
    assert_eq!(signed_in[0]["target_id"], admin.as_str());

    let form = |path: &str, fields: Vec<(&'static str, String)>| {
        let mut fields = fields;
        fields.push(("csrf", csrf.clone()));
        browser()
            .post(app.url(path))
            .header(COOKIE, &cookie)
            .form(&fields)
            .send()
    };
    let made = form("/admin/tokens", vec![("expert_id", ana.clone())]).await?;
    assert_eq!(made.status(), StatusCode::OK);
    let tokens = app.store.list_expert_tokens().await?;
    let token = tokens
        .iter()
        .find(|t| t.expert_id == app.expert.id)
        .ok_or("Ana's token")?
        .id
        .to_string();
    let entry = entry_about(&app, "token.created", &token).await?;
    assert_by(&entry, Some(&admin), "Admin", "127.0.0.1");
    assert_eq!(entry["target_name"], "API token of Ana");
    let revoked = form(&format!("/admin/tokens/{token}/revoke"), vec![]).await?;
    assert_eq!(revoked.status(), StatusCode::SEE_OTHER);
    let entry = entry_about(&app, "token.revoked", &token).await?;
    assert_by(&entry, Some(&admin), "Admin", "127.0.0.1");
    assert_eq!(entry["target_name"], "API token of Ana");

    let deactivated = form(
        &format!("/admin/experts/{ana}"),
        vec![("change", "deactivate".into())],
    )
    .await?;
    assert_eq!(deactivated.status(), StatusCode::SEE_OTHER);
    let left = form(
        &format!("/admin/groups/{}", app.group.id),
        vec![
            ("change", "remove_member".into()),
            ("expert_id", ana.clone()),
        ],
    )
    .await?;
    assert_eq!(left.status(), StatusCode::SEE_OTHER);
    let page = audit(
        &app,
        &format!("?action=expert.changed&target={ana}&actor={admin}"),
    )
    .await?;
    let details: Vec<_> = page["entries"]
        .as_array()
        .ok_or("entries")?
        .iter()
        .map(|e| e["detail"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(details, ["left group Front desk", "deactivated"]);

    let policy = form(
        &format!("/admin/groups/{}", app.group.id),
        vec![("change", "policy".into()), ("policy", "least_busy".into())],
    )
    .await?;
    assert_eq!(policy.status(), StatusCode::SEE_OTHER);
    let group = app.group.id.to_string();
    let entry = entry_about(&app, "group.changed", &group).await?;
    assert_eq!(entry["detail"], "assignment policy least_busy");
    assert_by(&entry, Some(&admin), "Admin", "127.0.0.1");

    // The console's page lists them, newest first.
    let page = browser()
        .get(app.url("/admin/audit?action=expert.changed"))
        .header(COOKIE, &cookie)
        .send()
        .await?;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await?;
    let left_at = html
        .find("left group Front desk")
        .ok_or("the membership change")?;
    let deactivated_at = html.find("deactivated").ok_or("the deactivation")?;
    assert!(left_at < deactivated_at, "newest first");
    assert!(!html.contains("sign_in.failed</td>"), "filtered by action");
    Ok(())
}

#[tokio::test]
async fn only_admins_read_the_audit_log() -> TestResult {
    let app = spawn_app().await;
    let anonymous = app.http.get(app.url("/api/v1/audit")).send().await?;
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    let expert = app
        .http
        .get(app.url("/api/v1/audit"))
        .bearer_auth(&app.expert_token)
        .send()
        .await?;
    assert_eq!(expert.status(), StatusCode::FORBIDDEN);
    let deployment = app
        .http
        .get(app.url("/api/v1/audit"))
        .bearer_auth(&app.deployment_key)
        .send()
        .await?;
    assert_eq!(deployment.status(), StatusCode::FORBIDDEN);
    let page = audit(&app, "").await?;
    assert!(!page["entries"].as_array().ok_or("entries")?.is_empty());

    // The console page: not signed in goes to sign-in; a plain expert is refused.
    let signed_out = browser().get(app.url("/admin/audit")).send().await?;
    assert_eq!(signed_out.status(), StatusCode::SEE_OTHER);
    crate::console::with_password(&app).await?;
    let (cookie, _) = sign_in(&app).await?;
    let refused = browser()
        .get(app.url("/admin/audit"))
        .header(COOKIE, &cookie)
        .send()
        .await?;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let html = refused.text().await?;
    assert!(!html.contains("Audit log</h1>"), "{html}");
    Ok(())
}

#[tokio::test]
async fn the_log_pages_newest_first_and_refuses_bad_filters() -> TestResult {
    let app = spawn_app().await;
    for n in 0..7 {
        let made = app
            .http
            .post(app.url("/api/v1/groups"))
            .bearer_auth(&app.admin_token)
            .json(&json!({"name": format!("Group {n}")}))
            .send()
            .await?;
        assert_eq!(made.status(), StatusCode::CREATED);
    }
    let admin = admin_id(&app).await?;
    let mut names = Vec::new();
    let mut cursor = String::new();
    loop {
        let page = audit(
            &app,
            &format!("?action=group.created&actor={admin}&limit=3{cursor}"),
        )
        .await?;
        let entries = page["entries"].as_array().ok_or("entries")?;
        assert!(entries.len() <= 3);
        names.extend(entries.iter().map(|e| e["target_name"].to_string()));
        match page["next_cursor"].as_str() {
            Some(next) => cursor = format!("&cursor={next}"),
            None => break,
        }
    }
    let expected: Vec<_> = (0..7).rev().map(|n| format!("\"Group {n}\"")).collect();
    assert_eq!(names, expected, "every entry once, newest first");

    let all = audit(&app, "?action=group.created&since=2000-01-01T00:00:00Z").await?;
    assert_eq!(all["entries"].as_array().ok_or("entries")?.len(), 8);
    let none = audit(&app, "?until=2000-01-01T00:00:00Z").await?;
    assert_eq!(none["entries"], json!([]));
    assert_eq!(none["next_cursor"], Value::Null);

    for (query, says) in [
        ("?action=group.deleted", "action: one of"),
        ("?limit=0", "limit: 1 to 500"),
        ("?limit=501", "limit: 1 to 500"),
        ("?since=yesterday", "since: expected an RFC 3339 time"),
        ("?actor=nobody", "actor"),
        ("?cursor=xyz", "cursor"),
    ] {
        let response = app
            .http
            .get(app.url(&format!("/api/v1/audit{query}")))
            .bearer_auth(&app.admin_token)
            .send()
            .await?;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{query}");
        let body: Value = response.json().await?;
        let message = body["error"]["message"].as_str().unwrap_or_default();
        assert!(message.contains(says), "{query}: {message}");
    }
    Ok(())
}

#[tokio::test]
async fn the_openapi_document_describes_the_audit_log() -> TestResult {
    let app = spawn_app().await;
    let doc: Value = app
        .http
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await?
        .json()
        .await?;
    let operation = &doc["paths"]["/api/v1/audit"]["get"];
    let mut params: Vec<_> = operation["parameters"]
        .as_array()
        .ok_or("parameters")?
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    params.sort_unstable();
    assert_eq!(
        params,
        [
            "action", "actor", "cursor", "limit", "since", "target", "until"
        ]
    );
    for status in ["200", "400", "401", "403"] {
        assert!(operation["responses"][status].is_object(), "{status}");
    }
    let entry = &doc["components"]["schemas"]["AuditEntry"]["properties"];
    for field in [
        "id",
        "at",
        "action",
        "actor_id",
        "actor_name",
        "client",
        "target_id",
    ] {
        assert!(entry[field].is_object(), "AuditEntry.{field}");
    }
    Ok(())
}
