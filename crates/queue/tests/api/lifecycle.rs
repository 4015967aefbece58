use lifeline_client::{AssigneeFilter, CaseFilter};
use lifeline_protocol::{
    CaseState, ClosedBy, Customer, Description, Email, HistoryAction, UpdateCaseRequest,
};

use crate::helpers::{TestResult, api_status, spawn_app};

#[tokio::test]
async fn the_customer_edits_the_description_then_cancels_and_the_case_stays_closed() -> TestResult {
    let app = spawn_app().await;
    let created = app.create_case_with(None).await;
    let (id, token) = (created.case.id, created.token.as_str());

    let update = UpdateCaseRequest {
        description: Some(Description::parse("Printer is on fire")?),
        customer: Some(Customer {
            name: None,
            email: Some(Email::parse("luis@example.com")?),
        }),
    };
    let edited = app.client.update_case(token, id, &update).await?;
    assert_eq!(
        edited.description.map(String::from).as_deref(),
        Some("Printer is on fire")
    );
    assert_eq!(
        edited.customer.email.map(String::from).as_deref(),
        Some("luis@example.com")
    );

    let closed = app.client.close_case(token, id).await?;
    assert_eq!(closed.state, CaseState::Closed);
    assert_eq!(closed.closed_by, Some(ClosedBy::Customer));
    assert!(closed.closed_at.is_some());

    for error in [
        app.client
            .close_case(token, id)
            .await
            .expect_err("closed is final"),
        app.client
            .update_case(token, id, &update)
            .await
            .expect_err("closed is final"),
        app.client
            .assign(&app.expert_token, id, Some(app.expert.id))
            .await
            .expect_err("closed is final"),
    ] {
        assert_eq!(api_status(&error), Some(409), "{error}");
    }
    assert_eq!(
        app.client.get_case(token, id).await?.state,
        CaseState::Closed
    );
    Ok(())
}

#[tokio::test]
async fn assignment_shows_the_expert_and_is_recorded_in_the_history() -> TestResult {
    let app = spawn_app().await;
    let created = app.create_case().await;
    let id = created.case.id;

    let assigned = app
        .client
        .assign(&app.expert_token, id, Some(app.expert.id))
        .await?;
    assert_eq!(
        assigned.assignee.as_ref().map(|a| a.display_name.as_str()),
        Some("Ana")
    );
    let customer_view = app.client.get_case(&created.token, id).await?;
    assert_eq!(
        customer_view.assignee.map(|a| a.display_name),
        Some("Ana".into()),
        "the customer sees who"
    );
    assert!(
        customer_view.history.is_none(),
        "customers do not get the history"
    );

    let unassigned = app.client.assign(&app.expert_token, id, None).await?;
    assert!(unassigned.assignee.is_none());
    let history = app
        .client
        .get_case(&app.expert_token, id)
        .await?
        .history
        .ok_or("history")?;
    let actions: Vec<_> = history.iter().map(|h| h.action).collect();
    assert_eq!(
        actions,
        [
            HistoryAction::Created,
            HistoryAction::Assigned,
            HistoryAction::Unassigned
        ]
    );
    assert_eq!(history[1].actor, "Ana");
    assert_eq!(history[1].detail.as_deref(), Some("Ana"));

    let nobody = app
        .client
        .assign(&app.expert_token, id, Some(uuid::Uuid::now_v7()))
        .await
        .expect_err("no such expert");
    assert_eq!(api_status(&nobody), Some(422));
    Ok(())
}

#[tokio::test]
async fn the_queue_lists_open_cases_oldest_first_with_filters_and_pages() -> TestResult {
    let app = spawn_app().await;
    let mut ids = Vec::new();
    for _ in 0..5 {
        ids.push(app.create_case().await);
    }
    app.client
        .assign(&app.expert_token, ids[1].case.id, Some(app.expert.id))
        .await?;
    app.client.close_case(&ids[2].token, ids[2].case.id).await?;

    let open = app
        .client
        .list_cases(&app.expert_token, &CaseFilter::default())
        .await?;
    let open_ids: Vec<_> = open.cases.iter().map(|c| c.id).collect();
    assert_eq!(
        open_ids,
        [
            ids[0].case.id,
            ids[1].case.id,
            ids[3].case.id,
            ids[4].case.id
        ]
    );

    let mine = app
        .client
        .list_cases(
            &app.expert_token,
            &CaseFilter {
                assignee: Some(AssigneeFilter::Me),
                ..Default::default()
            },
        )
        .await?;
    assert_eq!(
        mine.cases.iter().map(|c| c.id).collect::<Vec<_>>(),
        [ids[1].case.id]
    );
    let unassigned = app
        .client
        .list_cases(
            &app.expert_token,
            &CaseFilter {
                assignee: Some(AssigneeFilter::Unassigned),
                ..Default::default()
            },
        )
        .await?;
    assert_eq!(unassigned.cases.len(), 3);
    let closed = app
        .client
        .list_cases(
            &app.expert_token,
            &CaseFilter {
                state: Some(CaseState::Closed),
                ..Default::default()
            },
        )
        .await?;
    assert_eq!(
        closed.cases.iter().map(|c| c.id).collect::<Vec<_>>(),
        [ids[2].case.id]
    );

    let page1 = app
        .client
        .list_cases(
            &app.expert_token,
            &CaseFilter {
                limit: Some(3),
                ..Default::default()
            },
        )
        .await?;
    assert_eq!(page1.cases.len(), 3);
    let cursor = page1.next_cursor.clone().ok_or("a next page")?;
    let page2 = app
        .client
        .list_cases(
            &app.expert_token,
            &CaseFilter {
                limit: Some(3),
                cursor: Some(cursor),
                ..Default::default()
            },
        )
        .await?;
    assert_eq!(
        page2.cases.iter().map(|c| c.id).collect::<Vec<_>>(),
        [ids[4].case.id]
    );
    assert!(page2.next_cursor.is_none());
    Ok(())
}

#[tokio::test]
async fn admins_manage_groups_experts_and_deployments_over_the_api() -> TestResult {
    let app = spawn_app().await;
    let group = app
        .client
        .create_group(
            &app.admin_token,
            &lifeline_protocol::CreateGroupRequest {
                name: lifeline_protocol::ShortText::parse("Billing")?,
            },
        )
        .await?;
    let policy = app
        .client
        .set_assignment_policy(
            &app.admin_token,
            group.id,
            &lifeline_protocol::SetAssignmentPolicyRequest {
                policy: lifeline_protocol::AssignmentPolicy::RoundRobin,
            },
        )
        .await?;
    assert_eq!(
        policy.assignment_policy,
        lifeline_protocol::AssignmentPolicy::RoundRobin
    );
    let duplicate = app
        .client
        .create_group(
            &app.admin_token,
            &lifeline_protocol::CreateGroupRequest {
                name: lifeline_protocol::ShortText::parse("billing")?,
            },
        )
        .await
        .expect_err("names are unique, whatever the case");
    assert_eq!(api_status(&duplicate), Some(409));

    let created = app
        .client
        .create_deployment(
            &app.admin_token,
            &lifeline_protocol::CreateDeploymentRequest {
                name: lifeline_protocol::ShortText::parse("Billing laptops")?,
                group: group.id,
                server_url: lifeline_protocol::ShortText::parse("https://help.example.com")?,
            },
        )
        .await?;
    let file = app
        .client
        .deployment_file(&app.admin_token, created.deployment.id)
        .await?;
    let parsed: lifeline_protocol::DeploymentFile = toml::from_str(&file)?;
    assert_eq!(
        parsed.deployment_key, created.key,
        "the file carries the key shown at creation"
    );
    assert_eq!(parsed.server_url, "https://help.example.com");

    let case = app
        .client
        .create_case(
            &created.key,
            &lifeline_protocol::IdempotencyKey::generate(),
            &crate::helpers::sos_request(None),
        )
        .await?;
    assert_eq!(
        case.case.group.id, group.id,
        "the new key creates cases in its group"
    );

    let available = app.client.set_availability(&app.expert_token, true).await?;
    assert!(available.available);
    let groups = app.client.list_groups(&app.admin_token).await?;
    assert_eq!(
        groups.iter().map(|g| g.name.as_str()).collect::<Vec<_>>(),
        ["Billing", "Front desk"]
    );
    Ok(())
}
