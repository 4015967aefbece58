//! Automatic assignment through the real server: policies, waiting cases,
//! and races between concurrent creates.

use std::collections::HashMap;

use lifeline_protocol::{
    AssignmentPolicy, Expert, HistoryAction, IdempotencyKey, SetAssignmentPolicyRequest,
};
use uuid::Uuid;

use crate::helpers::{TestApp, TestResult, sos_request, spawn_app};

/// Another expert of the test group, with an API token.
async fn add_expert(
    app: &TestApp,
    name: &str,
) -> Result<(Expert, String), Box<dyn std::error::Error>> {
    app.add_expert_in(name, vec![app.group.id]).await
}

async fn set_policy(app: &TestApp, policy: AssignmentPolicy) -> TestResult {
    app.client
        .set_assignment_policy(
            &app.admin_token,
            app.group.id,
            &SetAssignmentPolicyRequest { policy },
        )
        .await?;
    Ok(())
}

/// Creates `n` SOS cases at once; returns their ids.
async fn create_concurrently(
    app: &TestApp,
    n: usize,
) -> Result<Vec<Uuid>, Box<dyn std::error::Error>> {
    let creates = (0..n).map(|_| {
        let client = app.client.clone();
        let key = app.deployment_key.clone();
        async move {
            client
                .create_case(&key, &IdempotencyKey::generate(), &sos_request(None))
                .await
        }
    });
    let created = futures_util::future::try_join_all(creates).await?;
    Ok(created.into_iter().map(|c| c.case.id).collect())
}

/// Who each case is assigned to now, and how many times it was ever assigned.
async fn assignments(
    app: &TestApp,
    cases: &[Uuid],
) -> Result<(HashMap<Uuid, usize>, Vec<usize>), Box<dyn std::error::Error>> {
    let mut per_expert = HashMap::new();
    let mut assigned_events = Vec::new();
    let now = app.state.clock.now();
    for &id in cases {
        let case = app.store.case(id, now).await?.ok_or("the case exists")?;
        let assignee = case.assignee.ok_or("every case is assigned")?;
        *per_expert.entry(assignee.id).or_default() += 1;
        let history = app.store.history(id).await?;
        assigned_events.push(
            history
                .iter()
                .filter(|h| h.action == HistoryAction::Assigned)
                .count(),
        );
    }
    Ok((per_expert, assigned_events))
}

#[tokio::test]
async fn round_robin_spreads_concurrent_creates_evenly_and_assigns_each_once() -> TestResult {
    let app = spawn_app().await;
    let (luis, luis_token) = add_expert(&app, "Luis").await?;
    let (marta, marta_token) = add_expert(&app, "Marta").await?;
    for token in [&app.expert_token, &luis_token, &marta_token] {
        app.client.set_availability(token, true).await?;
    }
    set_policy(&app, AssignmentPolicy::RoundRobin).await?;

    let cases = create_concurrently(&app, 30).await?;

    let (per_expert, assigned_events) = assignments(&app, &cases).await?;
    for expert in [app.expert.id, luis.id, marta.id] {
        assert_eq!(
            per_expert.get(&expert),
            Some(&10),
            "30 cases over 3 experts: nobody skipped or doubled ({per_expert:?})"
        );
    }
    assert!(
        assigned_events.iter().all(|&n| n == 1),
        "each case was assigned exactly once: {assigned_events:?}"
    );
    Ok(())
}

#[tokio::test]
async fn least_busy_gives_new_cases_to_whoever_has_fewest_open_ones() -> TestResult {
    let app = spawn_app().await;
    let (luis, luis_token) = add_expert(&app, "Luis").await?;
    // Ana already works two cases, assigned by hand.
    for _ in 0..2 {
        let case = app.create_case().await;
        app.client
            .assign(&app.expert_token, case.case.id, Some(app.expert.id))
            .await?;
    }
    for token in [&app.expert_token, &luis_token] {
        app.client.set_availability(token, true).await?;
    }
    set_policy(&app, AssignmentPolicy::LeastBusy).await?;

    let cases = create_concurrently(&app, 6).await?;

    let (per_expert, _) = assignments(&app, &cases).await?;
    assert_eq!(per_expert.get(&luis.id), Some(&4), "{per_expert:?}");
    assert_eq!(per_expert.get(&app.expert.id), Some(&2), "{per_expert:?}");
    Ok(())
}

#[tokio::test]
async fn a_case_created_while_nobody_is_available_waits_for_the_first_expert_to_come() -> TestResult
{
    let app = spawn_app().await;
    set_policy(&app, AssignmentPolicy::RoundRobin).await?;
    let first = app.create_case().await;
    let second = app.create_case().await;
    let waiting = app.client.get_case(&second.token, second.case.id).await?;
    assert!(waiting.assignee.is_none(), "nobody is available yet");
    assert_eq!(waiting.queue_position, Some(2), "it waits in line");

    app.client.set_availability(&app.expert_token, true).await?;

    for created in [&first, &second] {
        let case = app.client.get_case(&created.token, created.case.id).await?;
        assert_eq!(
            case.assignee.map(|a| a.id),
            Some(app.expert.id),
            "the first expert to become available takes the waiting cases"
        );
        assert_eq!(case.queue_position, None);
    }
    Ok(())
}

#[tokio::test]
async fn with_the_policy_off_or_experts_away_cases_stay_unassigned() -> TestResult {
    let app = spawn_app().await;
    app.client.set_availability(&app.expert_token, true).await?;
    let off = app.create_case().await;
    assert!(
        off.case.assignee.is_none(),
        "policy off: nobody is assigned"
    );

    app.client
        .set_availability(&app.expert_token, false)
        .await?;
    set_policy(&app, AssignmentPolicy::LeastBusy).await?;
    let away = app.create_case().await;
    let away = app.client.get_case(&away.token, away.case.id).await?;
    assert!(away.assignee.is_none(), "the only expert is away");

    let off = app.client.get_case(&off.token, off.case.id).await?;
    assert!(
        off.assignee.is_none(),
        "turning the policy on with nobody available assigns nothing"
    );
    Ok(())
}
