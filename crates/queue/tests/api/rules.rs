//! Who may be assigned a case, who may assign and close it, over the API and
//! in the console; and the `case_state_changes` metric counting every state.

use std::time::{Duration, Instant};

use lifeline_client::{ClientError, SessionEvent};
use lifeline_protocol::{
    CaseState, ClosedBy, Expert, HistoryAction, HistoryEntry, ManualCaseRequest,
};
use reqwest::StatusCode;

use crate::console::{Session, give_password, sign_in_as};
use crate::helpers::{Options, TestApp, TestResult, api_status, spawn_app, spawn_app_with};
use crate::session::{join, next_matching, wait_for_state};

/// A second group with an expert of its own, Olga, who cannot see the test
/// group's cases.
async fn outsider(app: &TestApp) -> Result<(Expert, String), Box<dyn std::error::Error>> {
    let now = app.state.clock.now();
    let back_office = app.store.create_group("Back office", now).await?;
    app.add_expert_in("Olga", vec![back_office.id]).await
}

/// The server's refusal as (status, message).
fn refusal(error: &ClientError) -> (Option<u16>, String) {
    let message = match error {
        ClientError::Api { message, .. } => message.clone(),
        other => other.to_string(),
    };
    (api_status(error), message)
}

fn actions(history: &[HistoryEntry]) -> Vec<HistoryAction> {
    history.iter().map(|h| h.action).collect()
}

/// Signs an expert with a console password in; their browser session.
async fn console_as<'a>(
    app: &'a TestApp,
    email: &str,
) -> Result<Session<'a>, Box<dyn std::error::Error>> {
    give_password(app, email).await?;
    let (cookie, csrf) = sign_in_as(app, email).await?;
    Ok(Session { app, cookie, csrf })
}

#[tokio::test]
async fn an_expert_outside_the_case_group_cannot_be_assigned_by_anyone_over_the_api() -> TestResult
{
    let app = spawn_app().await;
    let (olga, _) = outsider(&app).await?;
    let case = app.create_case().await;
    let id = case.case.id;

    for (who, token) in [
        ("the group's expert", &app.expert_token),
        ("an admin", &app.admin_token),
    ] {
        let error = app
            .client
            .assign(token, id, Some(olga.id))
            .await
            .expect_err("an outsider cannot be assigned");
        let (status, message) = refusal(&error);
        assert_eq!(status, Some(422), "{who}: {message}");
        assert!(
            message.contains("expert_id") && message.contains("not in the case's group"),
            "{who}: {message}"
        );
    }
    let unchanged = app.client.get_case(&app.admin_token, id).await?;
    assert_eq!(unchanged.assignee, None);
    assert_eq!(
        actions(&unchanged.history.ok_or("history")?),
        [HistoryAction::Created],
        "a refused assignment records nothing"
    );

    // An admin sees every group, so one may be assigned any case.
    let admin_id = app
        .store
        .expert_id_by_email("admin@example.com")
        .await?
        .ok_or("the admin")?;
    let assigned = app
        .client
        .assign(&app.expert_token, id, Some(admin_id))
        .await?;
    assert_eq!(assigned.assignee.map(|a| a.id), Some(admin_id));
    Ok(())
}

#[tokio::test]
async fn the_console_offers_only_experts_who_can_see_the_case_and_refuses_others() -> TestResult {
    let app = spawn_app().await;
    let (olga, _) = outsider(&app).await?;
    let (carl, _) = app.add_expert_in("Carl", vec![app.group.id]).await?;
    let case = app.create_case().await;
    let id = case.case.id;
    let ana = console_as(&app, "ana@example.com").await?;

    let page = ana.get(&format!("/cases/{id}")).await?;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await?;
    let select = html
        .split("<select id=\"assign-expert\"")
        .nth(1)
        .and_then(|rest| rest.split("</select>").next())
        .ok_or("the page has the assign select")?;
    for (expert, offered) in [(&app.expert, true), (&carl, true), (&olga, false)] {
        assert_eq!(
            select.contains(&format!("value=\"{}\"", expert.id)),
            offered,
            "{} offered: {offered}\n{select}",
            expert.display_name
        );
    }
    assert!(
        select.contains(">Admin<"),
        "admins see every case: {select}"
    );

    let olga_id = olga.id.to_string();
    let refused = ana
        .post(
            &format!("/cases/{id}/assign"),
            &[("expert_id", olga_id.as_str())],
        )
        .await?;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let says = refused.text().await?;
    assert!(
        says.contains("is not in the case"),
        "the page says why: {says}"
    );
    assert_eq!(
        app.client.get_case(&case.token, id).await?.assignee,
        None,
        "nothing changed"
    );

    let carl_id = carl.id.to_string();
    let assigned = ana
        .post(
            &format!("/cases/{id}/assign"),
            &[("expert_id", carl_id.as_str())],
        )
        .await?;
    assert_eq!(assigned.status(), StatusCode::SEE_OTHER);
    let case_now = app.client.get_case(&case.token, id).await?;
    assert_eq!(case_now.assignee.map(|a| a.id), Some(carl.id));
    Ok(())
}

#[tokio::test]
async fn an_expert_hands_a_case_to_another_who_may_then_close_it_and_the_first_may_not()
-> TestResult {
    let app = spawn_app().await;
    let (carl, carl_token) = app.add_expert_in("Carl", vec![app.group.id]).await?;
    let case = app.create_case().await;
    let id = case.case.id;

    let mine = app
        .client
        .assign(&app.expert_token, id, Some(app.expert.id))
        .await?;
    assert_eq!(mine.assignee.map(|a| a.id), Some(app.expert.id));
    let handed = app
        .client
        .assign(&app.expert_token, id, Some(carl.id))
        .await?;
    assert_eq!(
        handed.assignee.map(|a| a.display_name),
        Some("Carl".to_string())
    );
    assert_eq!(
        handed.queue_position, None,
        "an assigned case is out of line"
    );

    let history = app.store.history(id).await?;
    let last = history.last().ok_or("a history line")?;
    assert_eq!(
        (last.action, last.actor.as_str(), last.detail.as_deref()),
        (HistoryAction::Assigned, "Ana", Some("Carl")),
        "the history says who handed it to whom"
    );

    let error = app
        .client
        .close_case(&app.expert_token, id)
        .await
        .expect_err("Ana is neither assignee nor creator now");
    assert_eq!(api_status(&error), Some(403));

    // An admin may reassign too, and back.
    let back = app
        .client
        .assign(&app.admin_token, id, Some(app.expert.id))
        .await?;
    assert_eq!(back.assignee.map(|a| a.id), Some(app.expert.id));
    app.client
        .assign(&app.admin_token, id, Some(carl.id))
        .await?;

    let closed = app.client.close_case(&carl_token, id).await?;
    assert_eq!(closed.state, CaseState::Closed);
    assert_eq!(closed.closed_by, Some(ClosedBy::Expert));
    Ok(())
}

#[tokio::test]
async fn the_expert_who_made_a_manual_case_closes_it_even_when_another_has_it() -> TestResult {
    let app = spawn_app().await;
    let (carl, carl_token) = app.add_expert_in("Carl", vec![app.group.id]).await?;
    let ana = console_as(&app, "ana@example.com").await?;
    let group = app.group.id.to_string();
    let made = ana
        .post(
            "/cases/new",
            &[("group", group.as_str()), ("description", "Call me back")],
        )
        .await?;
    assert_eq!(made.status(), StatusCode::CREATED);
    let listed = app
        .client
        .list_cases(&app.expert_token, &Default::default())
        .await?;
    let id = listed.cases.first().ok_or("the manual case")?.id;

    // Carl, of the same group but neither creator nor assignee, may not close it.
    let error = app
        .client
        .close_case(&carl_token, id)
        .await
        .expect_err("Carl did not make it");
    assert_eq!(api_status(&error), Some(403));
    let carl_console = console_as(&app, "carl@example.com").await?;
    let refused = carl_console
        .post(&format!("/cases/{id}/close"), &[])
        .await?;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);

    app.client
        .assign(&app.expert_token, id, Some(carl.id))
        .await?;
    let closed = ana.post(&format!("/cases/{id}/close"), &[]).await?;
    assert_eq!(closed.status(), StatusCode::SEE_OTHER);
    let case = app.client.get_case(&app.admin_token, id).await?;
    assert_eq!(case.state, CaseState::Closed);
    assert_eq!(case.closed_by, Some(ClosedBy::Expert));
    let last = case
        .history
        .as_deref()
        .and_then(<[_]>::last)
        .ok_or("a history line")?;
    assert_eq!(
        (last.action, last.actor.as_str()),
        (HistoryAction::Closed, "Ana")
    );

    // The same over the API: the creator closes their manual case.
    let made = app
        .client
        .create_manual_case(
            &app.expert_token,
            &ManualCaseRequest {
                group: app.group.id,
                customer: None,
                description: None,
            },
        )
        .await?;
    let closed = app.client.close_case(&app.expert_token, made.id).await?;
    assert_eq!(closed.state, CaseState::Closed);
    Ok(())
}

/// `lifeline_case_state_changes_total` per state, as `/metrics` says.
async fn state_changes(app: &TestApp) -> Result<Vec<(String, u64)>, Box<dyn std::error::Error>> {
    let text = app
        .http
        .get(app.url("/metrics"))
        .send()
        .await?
        .text()
        .await?;
    let mut counts = Vec::new();
    for line in text.lines() {
        let Some(rest) = line.strip_prefix("lifeline_case_state_changes_total{state=\"") else {
            continue;
        };
        let (state, value) = rest.split_once("\"} ").ok_or("a sample line")?;
        counts.push((state.to_string(), value.parse()?));
    }
    counts.sort();
    Ok(counts)
}

/// Polls `/metrics` until the counts are `expected` (5 s at most).
async fn wait_for_counts(app: &TestApp, expected: &[(&str, u64)]) -> TestResult {
    let mut expected: Vec<(String, u64)> = expected
        .iter()
        .map(|(s, n)| ((*s).to_string(), *n))
        .collect();
    expected.sort();
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let counts = state_changes(app).await?;
        if counts == expected {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(format!("state changes {counts:?}, expected {expected:?}").into());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn every_state_a_case_enters_is_counted_once_in_the_metrics() -> TestResult {
    let app = spawn_app_with(Options {
        env: vec![("LIFELINE_CASE_TTL", "90s")],
        manual_clock: true,
        ..Options::default()
    })
    .await;

    // new → pending → in_progress → pending → closed
    let worked = app.create_case().await;
    let id = worked.case.id;
    let (_expert, _expert_events) = join(&app, &app.expert_token, id);
    wait_for_state(&app, &worked.token, id, CaseState::Pending).await?;
    let (customer, _customer_events) = join(&app, &worked.token, id);
    wait_for_state(&app, &worked.token, id, CaseState::InProgress).await?;
    customer.leave().await;
    wait_for_state(&app, &worked.token, id, CaseState::Pending).await?;
    app.client.close_case(&app.admin_token, id).await?;
    wait_for_counts(
        &app,
        &[
            ("new", 1),
            ("pending", 2),
            ("in_progress", 1),
            ("closed", 1),
        ],
    )
    .await?;

    // new → expired, by the sweep (every second).
    app.create_case().await;
    app.advance(Duration::from_secs(91));
    wait_for_counts(
        &app,
        &[
            ("new", 2),
            ("pending", 2),
            ("in_progress", 1),
            ("closed", 1),
            ("expired", 1),
        ],
    )
    .await?;
    Ok(())
}

/// Waits for the session to end; returns why.
async fn ended(
    events: &mut tokio::sync::mpsc::Receiver<SessionEvent>,
) -> Result<String, Box<dyn std::error::Error>> {
    match next_matching(events, |e| matches!(e, SessionEvent::Ended { .. })).await? {
        SessionEvent::Ended { reason } => Ok(reason),
        other => Err(format!("not an end: {other:?}").into()),
    }
}

#[tokio::test]
async fn pending_and_in_progress_cases_expire_at_their_deadline_and_their_sessions_end()
-> TestResult {
    let app = spawn_app_with(Options {
        env: vec![("LIFELINE_CASE_TTL", "90s")],
        manual_clock: true,
        ..Options::default()
    })
    .await;
    let pending = app.create_case().await;
    let (_alone, mut alone_events) = join(&app, &app.expert_token, pending.case.id);
    wait_for_state(&app, &pending.token, pending.case.id, CaseState::Pending).await?;

    let busy = app.create_case().await;
    let (_expert, mut expert_events) = join(&app, &app.expert_token, busy.case.id);
    let (_customer, mut customer_events) = join(&app, &busy.token, busy.case.id);
    wait_for_state(&app, &busy.token, busy.case.id, CaseState::InProgress).await?;

    app.advance(Duration::from_secs(90));
    for events in [&mut alone_events, &mut expert_events, &mut customer_events] {
        ended(events).await?;
    }
    for (case, was) in [(&pending, "pending"), (&busy, "in_progress")] {
        let now = app.client.get_case(&app.admin_token, case.case.id).await?;
        assert_eq!(now.state, CaseState::Expired, "a {was} case expires");
        assert_eq!(now.closed_by, Some(ClosedBy::System), "{was}");
        assert_eq!(now.closed_at, Some(case.case.expires_at), "{was}");
        assert!(
            !now.expert_connected && !now.customer_connected,
            "{was}: nobody is in an expired case's session"
        );
        let history = now.history.ok_or("history")?;
        let last = history.last().ok_or("a history line")?;
        assert_eq!(
            (last.action, last.actor.as_str()),
            (HistoryAction::Expired, "system"),
            "{was}"
        );
        let (_late, mut late_events) = join(&app, &case.token, case.case.id);
        let reason = ended(&mut late_events).await?;
        assert!(
            reason.contains("409"),
            "{was}: an expired case refuses a session: {reason}"
        );
    }
    let open = app
        .client
        .list_cases(&app.expert_token, &Default::default())
        .await?;
    assert!(open.cases.is_empty(), "expired cases leave the queue");
    Ok(())
}
