//! The TeamViewer-compatible sessions API (`/tv/api/v1/`), driven by a
//! client written from TeamViewer's documented shapes, checked against the
//! same cases as seen through our own API.

mod client;

use reqwest::{Method, StatusCode};
use serde_json::json;
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use lifeline_protocol::{CaseState, ClosedBy};

use crate::helpers::{TestApp, TestResult, spawn_app};
use client::{EndCustomer, ListQuery, NewSession, SessionChange, TvClient};

fn tv(app: &TestApp, token: &str) -> TvClient {
    TvClient::new(app.url("/tv/api/v1"), token)
}

fn user(id: Uuid) -> String {
    format!("u{id}")
}

fn group(id: Uuid) -> String {
    format!("g{id}")
}

/// The case id at the end of a supporter link (`…/cases/{id}`).
fn case_id(link: Option<&str>) -> Result<Uuid, Box<dyn std::error::Error>> {
    let link = link.ok_or("a full session has a supporter_link")?;
    let (_, id) = link.rsplit_once("/cases/").ok_or("a link to the case")?;
    Ok(Uuid::parse_str(id)?)
}

fn is_tv_code(code: &str) -> bool {
    let bytes = code.as_bytes();
    bytes.len() == 12
        && bytes[0] == b's'
        && bytes[4] == b'-'
        && bytes[8] == b'-'
        && bytes
            .iter()
            .enumerate()
            .all(|(i, b)| matches!(i, 0 | 4 | 8) || b.is_ascii_digit())
}

#[tokio::test]
async fn an_integration_creates_assigns_describes_and_closes_a_session() -> TestResult {
    let app = spawn_app().await;
    let desk = tv(&app, &app.expert_token);
    // An earlier session, which the changes below must leave alone.
    let bystander = desk
        .create(&NewSession {
            groupid: Some(group(app.group.id)),
            ..NewSession::default()
        })
        .await?
        .map_err(|r| format!("create refused: {r:?}"))?;

    let created = desk
        .create(&NewSession {
            groupname: Some("Front desk".into()),
            description: Some("Printer says offline".into()),
            end_customer: Some(EndCustomer {
                name: Some("Luis".into()),
                email: Some("luis@example.com".into()),
            }),
            ..NewSession::default()
        })
        .await?
        .map_err(|r| format!("create refused: {r:?}"))?;
    assert!(
        is_tv_code(&created.code),
        "code in TeamViewer's form: {}",
        created.code
    );
    assert_eq!(created.state, "Open");
    assert_eq!(created.groupid, group(app.group.id));
    assert_eq!(created.groupname.as_deref(), Some("Front desk"));
    assert_eq!(created.description.as_deref(), Some("Printer says offline"));
    assert_eq!(
        created
            .end_customer
            .as_ref()
            .and_then(|c| c.name.as_deref()),
        Some("Luis")
    );
    assert_eq!(created.assigned_userid, None, "nobody was asked for");
    let id = case_id(created.supporter_link.as_deref())?;

    // The session is a case of our own API, with the same code.
    let case = app.client.get_case(&app.expert_token, id).await?;
    assert_eq!(
        format!("s{}", case.code.grouped().replace(' ', "-")),
        created.code
    );
    assert_eq!(case.group.id, app.group.id);

    desk.change(
        &created.code,
        &SessionChange {
            assigned_userid: Some(user(app.expert.id)),
            ..SessionChange::default()
        },
    )
    .await?
    .map_err(|r| format!("assign refused: {r:?}"))?;
    desk.change(
        &created.code,
        &SessionChange {
            description: Some("Printer fixed, checking the scanner".into()),
            end_customer: Some(EndCustomer {
                name: Some("Luis Pérez".into()),
                email: None,
            }),
            ..SessionChange::default()
        },
    )
    .await?
    .map_err(|r| format!("describe refused: {r:?}"))?;
    let read = desk
        .get(&created.code)
        .await?
        .map_err(|r| format!("read refused: {r:?}"))?;
    assert_eq!(read.assigned_userid, Some(user(app.expert.id)));
    assert_eq!(
        read.description.as_deref(),
        Some("Printer fixed, checking the scanner")
    );
    assert_eq!(
        read.end_customer.and_then(|c| c.name).as_deref(),
        Some("Luis Pérez")
    );

    desk.change(&created.code, &SessionChange::close())
        .await?
        .map_err(|r| format!("close refused: {r:?}"))?;
    let closed = desk
        .get(&created.code)
        .await?
        .map_err(|r| format!("a closed session stays readable: {r:?}"))?;
    assert_eq!(closed.state, "Closed");
    assert!(closed.closed_at.is_some(), "a closed session says when");
    let case = app.client.get_case(&app.expert_token, id).await?;
    assert_eq!(case.state, CaseState::Closed);
    assert_eq!(case.closed_by, Some(ClosedBy::Expert));
    assert_eq!(case.assignee.map(|a| a.id), Some(app.expert.id));

    let again = desk
        .change(
            &created.code,
            &SessionChange {
                description: Some("late".into()),
                ..SessionChange::default()
            },
        )
        .await?
        .err()
        .ok_or("a closed session cannot be changed")?;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    assert_eq!(again.body.error, "invalid_request");

    let untouched = desk
        .get(&bystander.code)
        .await?
        .map_err(|r| format!("{r:?}"))?;
    assert_eq!(
        (
            untouched.state.as_str(),
            untouched.assigned_userid,
            untouched.description
        ),
        ("Open", None, None),
        "a code reaches its own session only"
    );
    Ok(())
}

#[tokio::test]
async fn a_session_is_created_assigned_and_short_lived_when_asked() -> TestResult {
    let app = spawn_app().await;
    let desk = tv(&app, &app.expert_token);
    // Sooner than the server's own deadline for an unclaimed code (15 min).
    let until = (OffsetDateTime::now_utc() + Duration::minutes(5)).replace_nanosecond(0)?;
    let created = desk
        .create(&NewSession {
            groupid: Some(group(app.group.id)),
            assigned_userid: Some(user(app.expert.id)),
            valid_until: Some(until.format(&Rfc3339)?),
            ..NewSession::default()
        })
        .await?
        .map_err(|r| format!("create refused: {r:?}"))?;
    assert_eq!(created.assigned_userid, Some(user(app.expert.id)));
    let valid_until = OffsetDateTime::parse(
        created.valid_until.as_deref().ok_or("valid_until")?,
        &Rfc3339,
    )?;
    assert_eq!(
        valid_until, until,
        "the session lapses when the integration asked"
    );

    // Later than the server's own deadline: the code still lapses on time.
    let late = desk
        .create(&NewSession {
            groupid: Some(group(app.group.id)),
            valid_until: Some((OffsetDateTime::now_utc() + Duration::days(2)).format(&Rfc3339)?),
            ..NewSession::default()
        })
        .await?
        .map_err(|r| format!("create refused: {r:?}"))?;
    let late_until =
        OffsetDateTime::parse(late.valid_until.as_deref().ok_or("valid_until")?, &Rfc3339)?;
    assert!(
        late_until <= OffsetDateTime::now_utc() + Duration::minutes(15),
        "a session never outlives the server's unclaimed-code limit: {late_until}"
    );

    let past = desk
        .create(&NewSession {
            groupid: Some(group(app.group.id)),
            valid_until: Some("2001-01-01T00:00:00Z".into()),
            ..NewSession::default()
        })
        .await?
        .err()
        .ok_or("a deadline in the past is refused")?;
    assert_eq!(past.kind(), (StatusCode::BAD_REQUEST, "invalid_request", 1));
    assert!(
        past.body.error_description.contains("valid_until"),
        "{:?}",
        past.body
    );
    Ok(())
}

#[tokio::test]
async fn sessions_are_listed_by_filter_and_paged_with_next_offset() -> TestResult {
    let app = spawn_app().await;
    let desk = tv(&app, &app.expert_token);
    // One more than a page (200), one of them assigned and one closed.
    let mut codes = Vec::new();
    for _ in 0..201 {
        let session = desk
            .create(&NewSession {
                groupid: Some(group(app.group.id)),
                ..NewSession::default()
            })
            .await?
            .map_err(|r| format!("create refused: {r:?}"))?;
        codes.push(session.code);
    }
    desk.change(
        &codes[3],
        &SessionChange {
            assigned_userid: Some(user(app.expert.id)),
            ..SessionChange::default()
        },
    )
    .await?
    .map_err(|r| format!("{r:?}"))?;
    desk.change(&codes[5], &SessionChange::close())
        .await?
        .map_err(|r| format!("{r:?}"))?;

    let first = desk
        .list(&ListQuery::default())
        .await?
        .map_err(|r| format!("{r:?}"))?;
    assert_eq!(first.sessions.len(), 200, "a page holds 200");
    assert!(
        first.sessions[0].created_at.is_none(),
        "without full_list, the short form"
    );
    let offset = first.next_offset.as_deref().ok_or("a second page")?;
    let second = desk
        .list(&ListQuery {
            offset: Some(offset),
            ..ListQuery::default()
        })
        .await?
        .map_err(|r| format!("{r:?}"))?;
    assert_eq!(second.next_offset, None, "the last page");
    let listed: Vec<String> = first
        .sessions
        .iter()
        .chain(&second.sessions)
        .map(|s| s.code.clone())
        .collect();
    assert_eq!(listed, codes, "every session once, oldest first");

    let open = desk
        .list(&ListQuery {
            state: Some("open"),
            full_list: true,
            ..ListQuery::default()
        })
        .await?
        .map_err(|r| format!("{r:?}"))?;
    let closed = desk
        .list(&ListQuery {
            state: Some("closed"),
            full_list: true,
            ..ListQuery::default()
        })
        .await?
        .map_err(|r| format!("{r:?}"))?;
    assert_eq!(
        closed
            .sessions
            .iter()
            .map(|s| s.code.as_str())
            .collect::<Vec<_>>(),
        [codes[5].as_str()]
    );
    assert_eq!(closed.sessions[0].state, "Closed");
    assert!(
        open.sessions
            .iter()
            .all(|s| s.state == "Open" && s.created_at.is_some()),
        "full_list gives every field"
    );
    assert!(!open.sessions.iter().any(|s| s.code == codes[5]));
    let assigned_to_ana = user(app.expert.id);
    let mine = desk
        .list(&ListQuery {
            assigned_userid: Some(&assigned_to_ana),
            ..ListQuery::default()
        })
        .await?
        .map_err(|r| format!("{r:?}"))?;
    assert_eq!(
        mine.sessions
            .iter()
            .map(|s| s.code.as_str())
            .collect::<Vec<_>>(),
        [codes[3].as_str()]
    );
    let other_group = group(Uuid::now_v7());
    let none = desk
        .list(&ListQuery {
            groupid: Some(&other_group),
            ..ListQuery::default()
        })
        .await?
        .map_err(|r| format!("{r:?}"))?;
    assert!(
        none.sessions.is_empty(),
        "no session in a group that is not the caller's"
    );
    Ok(())
}

#[tokio::test]
async fn an_expert_reaches_only_the_sessions_of_their_groups() -> TestResult {
    let app = spawn_app().await;
    let back_office = app
        .store
        .create_group("Back office", app.state.clock.now())
        .await?;
    let (bea, bea_token) = app.add_expert_in("Bea", vec![back_office.id]).await?;
    let theirs = tv(&app, &bea_token)
        .create(&NewSession {
            groupname: Some("Back office".into()),
            ..NewSession::default()
        })
        .await?
        .map_err(|r| format!("{r:?}"))?;
    let ana = tv(&app, &app.expert_token);

    let read = ana
        .get(&theirs.code)
        .await?
        .err()
        .ok_or("another group's session")?;
    assert_eq!(read.kind(), (StatusCode::NOT_FOUND, "not_found", 13));
    let close = ana
        .change(&theirs.code, &SessionChange::close())
        .await?
        .err()
        .ok_or("another group's session cannot be closed")?;
    assert_eq!(
        close.status,
        StatusCode::NOT_FOUND,
        "404: it must not be known to exist"
    );
    let listed = ana
        .list(&ListQuery::default())
        .await?
        .map_err(|r| format!("{r:?}"))?;
    assert!(listed.sessions.iter().all(|s| s.code != theirs.code));
    let outside = ana
        .create(&NewSession {
            groupid: Some(group(back_office.id)),
            ..NewSession::default()
        })
        .await?
        .err()
        .ok_or("a session in another group's queue")?;
    assert_eq!(outside.status, StatusCode::BAD_REQUEST);
    let by_name = ana
        .create(&NewSession {
            groupname: Some("Back office".into()),
            ..NewSession::default()
        })
        .await?
        .err()
        .ok_or("a session in another group's queue, by name")?;
    assert_eq!(by_name.status, StatusCode::BAD_REQUEST);

    // Ana cannot hand her session to Bea, who does not work in her group;
    // a refused assignee leaves no session behind.
    let before = ana
        .list(&ListQuery::default())
        .await?
        .map_err(|r| format!("{r:?}"))?
        .sessions
        .len();
    let handed = ana
        .create(&NewSession {
            groupid: Some(group(app.group.id)),
            assigned_userid: Some(user(bea.id)),
            ..NewSession::default()
        })
        .await?
        .err()
        .ok_or("an assignee outside the group")?;
    assert_eq!(handed.status, StatusCode::BAD_REQUEST);
    assert!(
        handed
            .body
            .error_description
            .starts_with("assigned_userid:"),
        "{:?}",
        handed.body
    );
    let after = ana
        .list(&ListQuery::default())
        .await?
        .map_err(|r| format!("{r:?}"))?
        .sessions
        .len();
    assert_eq!(after, before, "nothing was created");

    // Only the assignee, the creator or an admin closes.
    let mine = ana
        .create(&NewSession {
            groupid: Some(group(app.group.id)),
            ..NewSession::default()
        })
        .await?
        .map_err(|r| format!("{r:?}"))?;
    let (_, cid_token) = app.add_expert_in("Cid", vec![app.group.id]).await?;
    let refused = tv(&app, &cid_token)
        .change(&mine.code, &SessionChange::close())
        .await?
        .err()
        .ok_or("a colleague who neither holds nor made the session")?;
    assert_eq!(
        (refused.status, refused.body.error.as_str()),
        (StatusCode::FORBIDDEN, "invalid_permission")
    );

    // The admin sees and closes everything.
    let admin = tv(&app, &app.admin_token);
    admin
        .get(&theirs.code)
        .await?
        .map_err(|r| format!("{r:?}"))?;
    admin
        .change(&mine.code, &SessionChange::close())
        .await?
        .map_err(|r| format!("{r:?}"))?;
    Ok(())
}

#[tokio::test]
async fn refusals_come_in_teamviewer_error_shape() -> TestResult {
    let app = spawn_app().await;

    for (token, expected) in [
        (
            "et_not-a-real-token",
            (StatusCode::UNAUTHORIZED, "invalid_token", 2),
        ),
        ("nonsense", (StatusCode::UNAUTHORIZED, "invalid_token", 2)),
        (
            app.deployment_key.as_str(),
            (StatusCode::FORBIDDEN, "invalid_permission", 15),
        ),
    ] {
        let refused = tv(&app, token)
            .list(&ListQuery::default())
            .await?
            .err()
            .ok_or("a bad credential")?;
        assert_eq!(refused.kind(), expected, "{token}");
    }
    let no_token = reqwest::get(app.url("/tv/api/v1/sessions")).await?;
    assert_eq!(no_token.status(), StatusCode::UNAUTHORIZED);
    let body: client::TvError = no_token.json().await?;
    assert_eq!((body.error.as_str(), body.error_code), ("invalid_token", 2));

    let desk = tv(&app, &app.expert_token);
    let unknown = desk
        .get("s000-000-001")
        .await?
        .err()
        .ok_or("no such session")?;
    assert_eq!(unknown.kind(), (StatusCode::NOT_FOUND, "not_found", 13));
    for bad in ["123-456-789", "s12-345", "sabc-def-ghi"] {
        let refused = desk.get(bad).await?.err().ok_or("a malformed code")?;
        assert_eq!(
            refused.kind(),
            (StatusCode::BAD_REQUEST, "invalid_request", 1),
            "{bad}"
        );
    }
    for (body, names) in [
        (json!({}), "groupid or groupname"),
        (json!({"groupid": app.group.id.to_string()}), "groupid"),
        (
            json!({"groupid": group(app.group.id), "groupname": "Front desk"}),
            "groupid or groupname",
        ),
        (
            json!({"groupid": group(app.group.id), "description": "x".repeat(4001)}),
            "description",
        ),
        (
            json!({"groupid": group(app.group.id), "end_customer": {"email": "not an email"}}),
            "end_customer.email",
        ),
        (
            json!({"groupid": group(app.group.id), "assigned_userid": app.expert.id.to_string()}),
            "assigned_userid",
        ),
        (
            json!({"groupid": group(app.group.id), "contact_id": "c123"}),
            "contact_id",
        ),
    ] {
        let refused = desk.raw(Method::POST, "/sessions", &body).await?;
        assert_eq!(
            (refused.status, refused.body.error.as_str()),
            (StatusCode::BAD_REQUEST, "invalid_request"),
            "{body}"
        );
        assert!(
            refused.body.error_description.contains(names),
            "{body}: {:?}",
            refused.body
        );
    }
    let created = desk
        .create(&NewSession {
            groupid: Some(group(app.group.id)),
            ..NewSession::default()
        })
        .await?
        .map_err(|r| format!("{r:?}"))?;
    for body in [
        json!({}),
        json!({"state": "open"}),
        json!({"groupid": group(app.group.id)}),
    ] {
        let refused = desk
            .raw(Method::PUT, &format!("/sessions/{}", created.code), &body)
            .await?;
        assert_eq!(
            (refused.status, refused.body.error.as_str()),
            (StatusCode::BAD_REQUEST, "invalid_request"),
            "{body}"
        );
    }
    let list = desk
        .list(&ListQuery {
            state: Some("waiting"),
            ..ListQuery::default()
        })
        .await?
        .err()
        .ok_or("an unknown state")?;
    assert_eq!(list.body.error, "invalid_request");
    let offset = desk
        .list(&ListQuery {
            offset: Some("garbage"),
            ..ListQuery::default()
        })
        .await?
        .err()
        .ok_or("a made-up offset")?;
    assert_eq!(offset.body.error, "invalid_request");
    let read = desk
        .get(&created.code)
        .await?
        .map_err(|r| format!("{r:?}"))?;
    assert_eq!(read.state, "Open", "refused changes changed nothing");
    assert_eq!(read.description, None);
    Ok(())
}
