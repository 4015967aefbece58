//! Queue positions stay exact as the line changes: a case's position is 1 +
//! the open, unassigned, unexpired cases of its group with a smaller id,
//! whichever way cases come and go (reads and the answers of writes alike).

use std::time::{Duration, Instant};

use lifeline_client::CaseFilter;
use lifeline_protocol::{
    Case, CaseWithToken, Description, HistoryAction, JoinCaseRequest, ManualCaseRequest,
    UpdateCaseRequest,
};
use uuid::Uuid;

use crate::helpers::{Options, TestApp, TestResult, spawn_app, spawn_app_with};

/// The positions `waiting` (in creation order) gives each case.
fn expected(waiting: &[bool]) -> Vec<Option<u32>> {
    let mut ahead = 0;
    waiting
        .iter()
        .map(|&waits| {
            waits.then(|| {
                ahead += 1;
                ahead
            })
        })
        .collect()
}

/// Reads every case with its own token and checks its position.
async fn expect_positions(
    app: &TestApp,
    cases: &[CaseWithToken],
    waiting: &[bool],
    after: &str,
) -> TestResult {
    for (i, (case, want)) in cases.iter().zip(expected(waiting)).enumerate() {
        let read = app.client.get_case(&case.token, case.case.id).await?;
        assert_eq!(
            read.queue_position, want,
            "after {after}: case {i} is behind the waiting cases created before it"
        );
    }
    Ok(())
}

#[tokio::test]
async fn positions_stay_exact_as_cases_come_leave_from_the_middle_rejoin_and_close() -> TestResult {
    let app = spawn_app().await;
    let mut cases = Vec::new();
    for i in 0..6 {
        let created = app.create_case().await;
        assert_eq!(
            created.case.queue_position,
            Some(i + 1),
            "a new case is last"
        );
        cases.push(created);
    }
    let mut waiting = vec![true; 6];
    expect_positions(&app, &cases, &waiting, "six creates").await?;

    let taken = app
        .client
        .assign(&app.expert_token, cases[2].case.id, Some(app.expert.id))
        .await?;
    assert_eq!(taken.queue_position, None, "an assigned case has none");
    waiting[2] = false;
    expect_positions(&app, &cases, &waiting, "the third taken from the middle").await?;

    let newcomer = app.create_case().await;
    assert_eq!(newcomer.case.queue_position, Some(6));
    cases.push(newcomer);
    waiting.push(true);

    let back = app
        .client
        .assign(&app.expert_token, cases[2].case.id, None)
        .await?;
    assert_eq!(
        back.queue_position,
        Some(3),
        "unassigned, it rejoins at its place by id, not at the back"
    );
    waiting[2] = true;
    expect_positions(&app, &cases, &waiting, "the third unassigned").await?;

    let edit = UpdateCaseRequest {
        description: Some(Description::parse("The printer again")?),
        customer: None,
    };
    let edited = app
        .client
        .update_case(&cases[5].token, cases[5].case.id, &edit)
        .await?;
    assert_eq!(
        edited.queue_position,
        Some(6),
        "a write answers the position"
    );

    app.client
        .close_case(&cases[0].token, cases[0].case.id)
        .await?;
    app.client
        .close_case(&cases[6].token, cases[6].case.id)
        .await?;
    waiting[0] = false;
    waiting[6] = false;
    expect_positions(&app, &cases, &waiting, "the first and last closed").await?;

    let listed = app
        .client
        .list_cases(&app.expert_token, &CaseFilter::default())
        .await?;
    let want = expected(&waiting);
    for listed in &listed.cases {
        let i = cases
            .iter()
            .position(|c| c.case.id == listed.id)
            .ok_or("a listed case is one of ours")?;
        assert_eq!(listed.queue_position, want[i], "case {i} in the list");
    }
    Ok(())
}

/// Polls the case (as the expert) until its history shows `action`.
async fn history_until(app: &TestApp, id: Uuid, action: HistoryAction) -> Result<Case, String> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let case = app
            .client
            .get_case(&app.expert_token, id)
            .await
            .map_err(|e| e.to_string())?;
        let history = case.history.as_deref().unwrap_or_default();
        if history.iter().any(|entry| entry.action == action) {
            return Ok(case);
        }
        if Instant::now() > deadline {
            return Err(format!("no {action:?} in the history of {id}"));
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn manual(app: &TestApp) -> ManualCaseRequest {
    ManualCaseRequest {
        group: app.group.id,
        customer: None,
        description: None,
    }
}

#[tokio::test]
async fn a_case_past_its_deadline_stops_counting_ahead_before_and_after_the_sweep() -> TestResult {
    let app = spawn_app_with(Options {
        manual_clock: true,
        ..Options::default()
    })
    .await;
    // An unclaimed manual case expires when its code lapses (15 minutes),
    // long before the customer cases behind it.
    let unclaimed = app
        .client
        .create_manual_case(&app.expert_token, &manual(&app))
        .await?;
    assert_eq!(unclaimed.queue_position, Some(1));
    let behind = app.create_case().await;
    assert_eq!(behind.case.queue_position, Some(2));

    app.advance(Duration::from_secs(15 * 60));
    let read = app.client.get_case(&behind.token, behind.case.id).await?;
    assert_eq!(
        read.queue_position,
        Some(1),
        "a case past its deadline is out of the line from then on"
    );
    history_until(&app, unclaimed.id, HistoryAction::Expired).await?;
    let read = app.client.get_case(&behind.token, behind.case.id).await?;
    assert_eq!(read.queue_position, Some(1), "and once the sweep wrote it");
    Ok(())
}

#[tokio::test]
async fn a_claimed_manual_case_keeps_its_place_past_its_code_deadline() -> TestResult {
    let app = spawn_app_with(Options {
        manual_clock: true,
        ..Options::default()
    })
    .await;
    let claimed = app
        .client
        .create_manual_case(&app.expert_token, &manual(&app))
        .await?;
    let behind = app.create_case().await;
    let joined = app
        .client
        .join_case(
            &app.deployment_key,
            &JoinCaseRequest {
                code: claimed.code,
                device: None,
            },
        )
        .await?;
    assert_eq!(joined.case.queue_position, Some(1));

    app.advance(Duration::from_secs(16 * 60));
    let read = app.client.get_case(&behind.token, behind.case.id).await?;
    assert_eq!(
        read.queue_position,
        Some(2),
        "the claim moved its deadline: it still waits ahead"
    );
    let read = app.client.get_case(&joined.token, joined.case.id).await?;
    assert_eq!(read.queue_position, Some(1));
    Ok(())
}
