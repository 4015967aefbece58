use std::collections::HashSet;

use futures_util::future::join_all;
use lifeline_protocol::{
    CaseState, Channel, CreateCaseRequest, Customer, CustomerName, IdempotencyKey, JoinCaseRequest,
    ManualCaseRequest, SessionCode,
};

use crate::helpers::{TestResult, api_status, sos_request, spawn_app};

#[tokio::test]
async fn a_customer_gets_a_new_case_with_a_code_and_a_token_for_it() -> TestResult {
    let app = spawn_app().await;
    let key = IdempotencyKey::generate();
    let response = app
        .http
        .post(app.url("/api/v1/cases"))
        .bearer_auth(&app.deployment_key)
        .header("Idempotency-Key", key.as_str())
        .json(&sos_request(Some("Printer says offline")))
        .send()
        .await?;
    assert_eq!(response.status(), 201);
    let location = response
        .headers()
        .get("location")
        .cloned()
        .ok_or("a Location header")?;
    let created: lifeline_protocol::CaseWithToken = response.json().await?;

    assert_eq!(
        location.to_str()?,
        format!("/api/v1/cases/{}", created.case.id)
    );
    assert_eq!(created.case.state, CaseState::New);
    assert_eq!(created.case.channel, Channel::Sos);
    assert_eq!(
        created.case.code.as_str().len(),
        9,
        "the code is nine digits"
    );
    assert_eq!(
        created.case.group.name, "Front desk",
        "the deployment decides the group"
    );
    assert_eq!(created.case.queue_position, Some(1));
    assert!(created.token.starts_with("ct_"));
    let read = app.client.get_case(&created.token, created.case.id).await?;
    assert_eq!(read.code, created.case.code, "the token reads its case");
    Ok(())
}

#[tokio::test]
async fn fifty_concurrent_creates_with_one_key_give_one_case_and_fifty_identical_answers()
-> TestResult {
    let app = spawn_app().await;
    let key = IdempotencyKey::generate();
    let body = sos_request(Some("same request"));
    let sends = (0..50).map(|_| {
        app.http
            .post(app.url("/api/v1/cases"))
            .bearer_auth(&app.deployment_key)
            .header("Idempotency-Key", key.as_str())
            .json(&body)
            .send()
    });
    let mut answers = HashSet::new();
    for response in join_all(sends).await {
        let response = response?;
        let status = response.status().as_u16();
        let location = response
            .headers()
            .get("location")
            .map(|v| v.to_str().map(str::to_owned))
            .transpose()?;
        answers.insert((status, location, response.text().await?));
    }
    assert_eq!(
        answers.len(),
        1,
        "every answer is the same, byte for byte: {answers:?}"
    );
    let (status, _, _) = answers.iter().next().ok_or("an answer")?;
    assert_eq!(*status, 201);

    let all = app
        .client
        .list_cases(&app.admin_token, &Default::default())
        .await?;
    assert_eq!(all.cases.len(), 1, "exactly one case exists");
    Ok(())
}

#[tokio::test]
async fn a_repeat_after_the_case_changed_still_returns_the_original_answer() -> TestResult {
    let app = spawn_app().await;
    let key = IdempotencyKey::generate();
    let request = sos_request(None);
    let first = app
        .client
        .create_case(&app.deployment_key, &key, &request)
        .await?;
    app.client
        .assign(&app.expert_token, first.case.id, Some(app.expert.id))
        .await?;
    let again = app
        .client
        .create_case(&app.deployment_key, &key, &request)
        .await?;
    assert_eq!(again, first, "the same status and body, token included");
    Ok(())
}

#[tokio::test]
async fn the_same_key_with_another_body_is_refused() -> TestResult {
    let app = spawn_app().await;
    let key = IdempotencyKey::generate();
    app.client
        .create_case(&app.deployment_key, &key, &sos_request(Some("one")))
        .await?;
    let error = app
        .client
        .create_case(&app.deployment_key, &key, &sos_request(Some("two")))
        .await
        .expect_err("another body under the same key must be refused");
    assert_eq!(api_status(&error), Some(422));
    assert_eq!(
        error.code(),
        Some(lifeline_protocol::ErrorCode::IdempotencyMismatch)
    );
    Ok(())
}

#[tokio::test]
async fn key_order_and_spacing_do_not_make_another_body() -> TestResult {
    let app = spawn_app().await;
    let send = |body: &'static str| {
        app.http
            .post(app.url("/api/v1/cases"))
            .bearer_auth(&app.deployment_key)
            .header("Idempotency-Key", "fixed-key-1")
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    let first = send(r#"{"channel":"app","description":"x"}"#).await?;
    let second = send(r#"{ "description": "x", "channel": "app" }"#).await?;
    assert_eq!(
        (first.status().as_u16(), second.status().as_u16()),
        (201, 201)
    );
    assert_eq!(first.text().await?, second.text().await?);
    Ok(())
}

#[tokio::test]
async fn queue_positions_count_the_open_unassigned_cases_ahead() -> TestResult {
    let app = spawn_app().await;
    let first = app.create_case().await;
    let second = app.create_case().await;
    let third = app.create_case().await;
    assert_eq!(third.case.queue_position, Some(3));

    app.client
        .assign(&app.expert_token, first.case.id, Some(app.expert.id))
        .await?;
    app.client.close_case(&second.token, second.case.id).await?;
    let third_now = app.client.get_case(&third.token, third.case.id).await?;
    assert_eq!(
        third_now.queue_position,
        Some(1),
        "assigned and closed cases leave the line"
    );
    let first_now = app.client.get_case(&first.token, first.case.id).await?;
    assert_eq!(
        first_now.queue_position, None,
        "an assigned case has no position"
    );
    Ok(())
}

#[tokio::test]
async fn codes_of_open_cases_are_distinct() -> TestResult {
    let app = spawn_app().await;
    let cases = join_all((0..100).map(|_| app.create_case())).await;
    let codes: HashSet<_> = cases.iter().map(|c| c.case.code).collect();
    assert_eq!(codes.len(), 100);
    Ok(())
}

#[tokio::test]
async fn a_manual_case_is_joined_once_by_its_code() -> TestResult {
    let app = spawn_app().await;
    let manual = app
        .client
        .create_manual_case(
            &app.expert_token,
            &ManualCaseRequest {
                group: app.group.id,
                customer: Some(Customer {
                    name: Some(CustomerName::parse("Luis")?),
                    email: None,
                }),
                description: None,
            },
        )
        .await?;
    assert_eq!(manual.channel, Channel::Manual);

    let join = JoinCaseRequest {
        code: manual.code,
        device: None,
    };
    let joined = app.client.join_case(&app.deployment_key, &join).await?;
    assert_eq!(joined.case.id, manual.id);
    assert_eq!(
        app.client
            .get_case(&joined.token, manual.id)
            .await?
            .customer
            .name
            .map(String::from),
        Some("Luis".into())
    );

    let again = app
        .client
        .join_case(&app.deployment_key, &join)
        .await
        .expect_err("a claimed case cannot be joined again");
    assert_eq!(api_status(&again), Some(404));
    let unknown = JoinCaseRequest {
        code: SessionCode::parse("000 000 001")?,
        device: None,
    };
    let error = app
        .client
        .join_case(&app.deployment_key, &unknown)
        .await
        .expect_err("no such code");
    assert_eq!(api_status(&error), Some(404));
    Ok(())
}

#[tokio::test]
async fn a_customer_case_cannot_be_joined_by_its_code() -> TestResult {
    let app = spawn_app().await;
    let sos = app.create_case().await;
    let error = app
        .client
        .join_case(
            &app.deployment_key,
            &JoinCaseRequest {
                code: sos.case.code,
                device: None,
            },
        )
        .await
        .expect_err("only manual cases are joined by code");
    assert_eq!(
        api_status(&error),
        Some(404),
        "a code alone never reaches another customer's case"
    );
    Ok(())
}

#[tokio::test]
async fn the_manual_channel_cannot_be_claimed_by_a_customer_create() -> TestResult {
    let app = spawn_app().await;
    let request = CreateCaseRequest {
        channel: Channel::Manual,
        customer: None,
        description: None,
        device: None,
    };
    let error = app
        .client
        .create_case(&app.deployment_key, &IdempotencyKey::generate(), &request)
        .await
        .expect_err("customers create sos or app cases");
    assert_eq!(api_status(&error), Some(422));
    Ok(())
}
