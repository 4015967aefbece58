use lifeline_protocol::{Email, UpdateCaseRequest};
use lifeline_queue::admin;

use crate::helpers::{TestResult, api_status, sos_request, spawn_app};

#[tokio::test]
async fn a_case_token_reaches_its_own_case_only() -> TestResult {
    let app = spawn_app().await;
    let mine = app.create_case().await;
    let theirs = app.create_case().await;

    let read = app
        .client
        .get_case(&mine.token, theirs.case.id)
        .await
        .expect_err("another case");
    assert_eq!(
        api_status(&read),
        Some(404),
        "404, not 403: do not reveal that it exists"
    );
    let close = app
        .client
        .close_case(&mine.token, theirs.case.id)
        .await
        .expect_err("another case");
    assert_eq!(api_status(&close), Some(404));
    let edit = app
        .client
        .update_case(&mine.token, theirs.case.id, &UpdateCaseRequest::default())
        .await
        .expect_err("another case");
    assert_eq!(api_status(&edit), Some(404));
    let events = app
        .client
        .events(&mine.token, theirs.case.id, None)
        .await
        .err()
        .ok_or("another case's events")?;
    assert_eq!(api_status(&events), Some(404));
    let list = app
        .client
        .list_cases(&mine.token, &Default::default())
        .await
        .expect_err("customers cannot list");
    assert_eq!(api_status(&list), Some(403));

    let theirs_now = app.client.get_case(&theirs.token, theirs.case.id).await?;
    assert_eq!(
        theirs_now.state,
        lifeline_protocol::CaseState::New,
        "nothing happened to the other case"
    );
    Ok(())
}

#[tokio::test]
async fn missing_wrong_and_malformed_credentials_get_401() -> TestResult {
    let app = spawn_app().await;
    let case = app.create_case().await;
    let url = app.url(&format!("/api/v1/cases/{}", case.case.id));

    let none = app.http.get(&url).send().await?;
    assert_eq!(none.status(), 401);
    let wrong = format!("ct_{}", "A".repeat(43));
    for token in [wrong.as_str(), "ct_short", "Basic abc", "dk_💥"] {
        let response = app
            .http
            .get(&url)
            .header("authorization", format!("Bearer {token}"))
            .send()
            .await?;
        assert_eq!(response.status(), 401, "{token:?}");
        let body: lifeline_protocol::ErrorBody = response.json().await?;
        assert_eq!(body.error.code, lifeline_protocol::ErrorCode::Unauthorized);
    }
    Ok(())
}

#[tokio::test]
async fn a_deployment_key_only_creates_and_joins() -> TestResult {
    let app = spawn_app().await;
    let case = app.create_case().await;
    let read = app
        .client
        .get_case(&app.deployment_key, case.case.id)
        .await
        .expect_err("a key reads no case");
    assert_eq!(api_status(&read), Some(404));
    let list = app
        .client
        .list_cases(&app.deployment_key, &Default::default())
        .await
        .expect_err("nor lists");
    assert_eq!(api_status(&list), Some(403));
    let experts = app
        .client
        .list_experts(&app.deployment_key)
        .await
        .expect_err("nor administers");
    assert_eq!(api_status(&experts), Some(403));
    Ok(())
}

#[tokio::test]
async fn a_revoked_deployment_key_stops_working_at_once() -> TestResult {
    let app = spawn_app().await;
    app.create_case().await;
    app.client
        .revoke_deployment(&app.admin_token, app.deployment_id)
        .await?;
    let error = app
        .client
        .create_case(
            &app.deployment_key,
            &lifeline_protocol::IdempotencyKey::generate(),
            &sos_request(None),
        )
        .await
        .expect_err("a revoked key creates nothing");
    assert_eq!(api_status(&error), Some(401));
    Ok(())
}

#[tokio::test]
async fn experts_see_only_their_groups_and_only_admins_administer() -> TestResult {
    let app = spawn_app().await;
    let now = app.state.clock.now();
    let other_group = app.store.create_group("Billing", now).await?;
    let outsider = admin::create_expert(
        app.store.as_ref(),
        Email::parse("bo@example.com")?,
        "Bo",
        None,
        false,
        vec![other_group.id],
        now,
    )
    .await?;
    let outsider_token = admin::create_expert_token(app.store.as_ref(), outsider.id, now)
        .await?
        .token;
    let case = app.create_case().await;

    let read = app
        .client
        .get_case(&outsider_token, case.case.id)
        .await
        .expect_err("another group's case");
    assert_eq!(api_status(&read), Some(404));
    let listed = app
        .client
        .list_cases(&outsider_token, &Default::default())
        .await?;
    assert!(
        listed.cases.is_empty(),
        "another group's cases are not listed"
    );
    let seen = app.client.get_case(&app.expert_token, case.case.id).await?;
    assert!(seen.history.is_some(), "experts see the history");
    let experts = app
        .client
        .list_experts(&app.expert_token)
        .await
        .expect_err("experts are not admins");
    assert_eq!(api_status(&experts), Some(403));
    assert_eq!(app.client.list_experts(&app.admin_token).await?.len(), 3);
    Ok(())
}

#[tokio::test]
async fn only_the_assignee_the_creator_or_an_admin_closes_a_case() -> TestResult {
    let app = spawn_app().await;
    let now = app.state.clock.now();
    let colleague = admin::create_expert(
        app.store.as_ref(),
        Email::parse("cy@example.com")?,
        "Cy",
        None,
        false,
        vec![app.group.id],
        now,
    )
    .await?;
    let colleague_token = admin::create_expert_token(app.store.as_ref(), colleague.id, now)
        .await?
        .token;
    let case = app.create_case().await;
    app.client
        .assign(&app.expert_token, case.case.id, Some(app.expert.id))
        .await?;

    let refused = app
        .client
        .close_case(&colleague_token, case.case.id)
        .await
        .expect_err("not the assignee");
    assert_eq!(api_status(&refused), Some(403));
    let closed = app
        .client
        .close_case(&app.expert_token, case.case.id)
        .await?;
    assert_eq!(closed.closed_by, Some(lifeline_protocol::ClosedBy::Expert));
    Ok(())
}
