//! One help request end to end, as the desktop app and an expert each see it.

mod support;

use std::time::Duration;

use lifeline_client::{AssigneeFilter, CaseEventKind, CaseFilter, QueueClient};
use lifeline_protocol::CaseState;
use tokio::time::timeout;

use support::{Server, TestResult};

#[tokio::test]
async fn an_sos_request_reaches_the_queue_and_the_customer_sees_the_expert_live() -> TestResult {
    let server = Server::start("Ana", None).await?;
    let (base_url, expert_token) = (&server.base_url, &server.expert_token);

    // The customer double-clicks SOS: one request, no form.
    let customer = QueueClient::new(base_url)?;
    let created = server.create_sos_case().await?;
    let mut status = customer
        .events(&created.token, created.case.id, None)
        .await?;
    let first = timeout(Duration::from_secs(5), status.next_event())
        .await?
        .ok_or("a first event")??;
    assert!(matches!(first.kind, CaseEventKind::Case(ref c) if c.queue_position == Some(1)));

    // The expert finds it waiting and takes it.
    let expert = QueueClient::new(base_url)?;
    let waiting = expert
        .list_cases(
            expert_token,
            &CaseFilter {
                assignee: Some(AssigneeFilter::Unassigned),
                ..Default::default()
            },
        )
        .await?;
    assert_eq!(
        waiting.cases.iter().map(|c| c.code).collect::<Vec<_>>(),
        [created.case.code]
    );
    expert
        .assign(expert_token, created.case.id, Some(server.expert_id))
        .await?;

    // The customer's window learns who is helping, without polling.
    let update = timeout(Duration::from_secs(2), status.next_event())
        .await?
        .ok_or("an update")??;
    let CaseEventKind::Case(assigned) = update.kind else {
        return Err("expected a case event".into());
    };
    assert_eq!(
        assigned.assignee.map(|a| a.display_name).as_deref(),
        Some("Ana")
    );

    // The customer cancels; the expert reads it closed.
    customer.close_case(&created.token, created.case.id).await?;
    let closed = expert.get_case(expert_token, created.case.id).await?;
    assert_eq!(closed.state, CaseState::Closed);
    Ok(())
}
