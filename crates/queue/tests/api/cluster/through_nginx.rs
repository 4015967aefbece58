//! The cluster through a real nginx configured from `deploy/nginx/lifeline.conf`:
//! requests spread over the instances, event streams pass unbuffered, the
//! server counts the client's address (not nginx's), and both session
//! sockets of a case meet on one instance, so screen frames reach the expert.

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use lifeline_client::QueueClient;
use lifeline_protocol::{Description, IdempotencyKey, UpdateCaseRequest};
use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, COOKIE, ORIGIN, SET_COOKIE};
use serde_json::json;
use uuid::Uuid;

use super::{Cluster, Fallible};
use crate::console::browser;
use crate::events::next_case;
use crate::helpers::sos_request;
use crate::screen::{Side, solid_update};

/// `http_request_duration_seconds` counts one request per line like this.
const SESSION_UPGRADES: &str = "lifeline_http_request_duration_seconds_count{method=\"GET\",route=\"/api/v1/cases/{id}/session\",status=\"101\"}";
const SOS_CREATED: &str = "lifeline_cases_created_total{channel=\"sos\"}";

/// The value of the metric line starting with `series` on instance `index`
/// (asked directly, not through nginx); 0 when it has not been counted yet.
async fn metric(cluster: &Cluster, index: usize, series: &str) -> Fallible<u64> {
    let text = reqwest::get(format!("{}/metrics", cluster.url(index)))
        .await?
        .error_for_status()?
        .text()
        .await?;
    match text
        .lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' '))
    {
        Some(value) => Ok(value.trim().parse()?),
        None => Ok(0),
    }
}

#[tokio::test]
#[ignore = "needs PostgreSQL: cargo xtask test runs the cluster tests"]
async fn creates_and_reads_through_nginx_are_served_by_both_instances() -> Fallible<()> {
    let cluster = Cluster::start(2, &[])?;
    let nginx = cluster.behind_nginx()?;
    let client = QueueClient::new(&nginx.url)?;
    let mut created = Vec::new();
    for i in 0..8 {
        created.push(
            client
                .create_case(
                    &cluster.company.deployment_key,
                    &IdempotencyKey::generate(),
                    &sos_request(Some(&format!("request {i}"))),
                )
                .await?,
        );
    }
    for (i, case) in created.iter().enumerate() {
        let read = client.get_case(&case.token, case.case.id).await?;
        assert_eq!(
            read.description.map(|d| d.as_str().to_string()),
            Some(format!("request {i}"))
        );
    }
    // No stickiness: nginx spread the creates over both instances.
    for instance in 0..2 {
        let created = metric(&cluster, instance, SOS_CREATED).await?;
        assert!(
            created > 0,
            "instance {instance} created no case; nginx: {}",
            nginx.log()
        );
    }
    let listed = client
        .list_cases(&cluster.company.expert_token, &Default::default())
        .await?;
    assert_eq!(listed.cases.len(), 8, "every case, whoever created it");
    cluster.assert_no_panics()
}

#[tokio::test]
#[ignore = "needs PostgreSQL: cargo xtask test runs the cluster tests"]
async fn a_case_event_stream_through_nginx_gets_the_changes_made_on_either_instance() -> Fallible<()>
{
    let cluster = Cluster::start(2, &[])?;
    let nginx = cluster.behind_nginx()?;
    let client = QueueClient::new(&nginx.url)?;
    let created = client
        .create_case(
            &cluster.company.deployment_key,
            &IdempotencyKey::generate(),
            &sos_request(None),
        )
        .await?;
    let id = created.case.id;
    let mut stream = client.events(&created.token, id, None).await?;
    let (mut last_id, first) = next_case(&mut stream).await?;
    assert_eq!(first.id, id);
    // Whichever instance nginx gave the stream to, one of these changes is
    // made on the other one.
    for (instance, text) in [(0, "the printer says offline"), (1, "and now it beeps")] {
        cluster
            .client(instance)?
            .update_case(
                &created.token,
                id,
                &UpdateCaseRequest {
                    description: Some(Description::parse(text)?),
                    customer: None,
                },
            )
            .await?;
        let (event_id, changed) = next_case(&mut stream).await?;
        assert!(event_id > last_id, "event ids increase");
        last_id = event_id;
        assert_eq!(
            changed.description.map(|d| d.as_str().to_string()),
            Some(text.into()),
            "the change made on instance {instance}"
        );
    }
    cluster.assert_no_panics()
}

#[tokio::test]
#[ignore = "needs PostgreSQL: cargo xtask test runs the cluster tests"]
async fn limits_count_the_client_address_nginx_forwards() -> Fallible<()> {
    let cluster = Cluster::start(
        2,
        &[
            ("LIFELINE_TRUSTED_PROXIES", "127.0.0.1/32"),
            ("LIFELINE_RATE_LIMIT_CREATE", "2/min"),
        ],
    )?;
    let nginx = cluster.behind_nginx()?;
    // Two clients on other loopback addresses than nginx's 127.0.0.1.
    let from = |last: u8| {
        reqwest::Client::builder()
            .local_address(IpAddr::V4(Ipv4Addr::new(127, 0, 0, last)))
            .build()
    };
    let (greedy, other) = (from(7)?, from(8)?);
    let create = |client: &reqwest::Client, claimed: Option<String>| {
        let mut request = client
            .post(format!("{}/api/v1/cases", nginx.url))
            .bearer_auth(&cluster.company.deployment_key)
            .header("Idempotency-Key", IdempotencyKey::generate().as_str())
            .json(&sos_request(None));
        if let Some(claimed) = claimed {
            request = request.header("X-Forwarded-For", claimed);
        }
        request.send()
    };
    // The greedy client claims a new address each time: nginx appends the
    // real one, and that is the one counted.
    let mut refused = None;
    for i in 0..10 {
        let response = create(&greedy, Some(format!("198.51.100.{i}"))).await?;
        match response.status().as_u16() {
            201 => {}
            429 => {
                refused = Some(response);
                break;
            }
            status => return Err(format!("create answered {status}").into()),
        }
    }
    let refused = refused.ok_or("the greedy client was never limited")?;
    assert!(
        refused.headers().contains_key("retry-after"),
        "429 says when to retry"
    );
    // Another client behind the same nginx has a budget of its own, on
    // whichever instance its requests land.
    for _ in 0..2 {
        let status = create(&other, None).await?.status().as_u16();
        assert_eq!(status, 201, "another address is not limited by the first");
    }
    cluster.assert_no_panics()
}

#[tokio::test]
#[ignore = "needs PostgreSQL: cargo xtask test runs the cluster tests"]
async fn both_session_sockets_of_a_case_meet_on_one_instance_and_frames_flow() -> Fallible<()> {
    let cluster = Cluster::start(2, &[])?;
    let nginx = cluster.behind_nginx()?;
    let client = QueueClient::new(&nginx.url)?;
    let mut hosted = [0_u32; 2];
    let mut cases = 0;
    // Until each instance has hosted some case's session (the hash spreads
    // cases over both), 40 cases at most.
    while cases < 4 || hosted.contains(&0) {
        if cases == 40 {
            return Err(format!("40 cases hashed to one instance: {hosted:?}").into());
        }
        cases += 1;
        let created = client
            .create_case(
                &cluster.company.deployment_key,
                &IdempotencyKey::generate(),
                &sos_request(None),
            )
            .await?;
        let before = [
            metric(&cluster, 0, SESSION_UPGRADES).await?,
            metric(&cluster, 1, SESSION_UPGRADES).await?,
        ];
        let id = created.case.id;
        let (customer, expert) = share_screen(&nginx.url, &created.token, &cluster, id).await?;
        let after = [
            metric(&cluster, 0, SESSION_UPGRADES).await?,
            metric(&cluster, 1, SESSION_UPGRADES).await?,
        ];
        let opened = [after[0] - before[0], after[1] - before[1]];
        let host = match opened {
            [2, 0] => 0,
            [0, 2] => 1,
            other => {
                return Err(format!("case {id}: sockets opened per instance {other:?}").into());
            }
        };
        hosted[host] += 1;
        drop((customer, expert));
    }
    cluster.assert_no_panics()
}

#[tokio::test]
#[ignore = "needs PostgreSQL: cargo xtask test runs the cluster tests"]
async fn the_console_signs_in_and_follows_the_queue_through_nginx() -> Fallible<()> {
    // No public_url: the origin check relies on nginx passing the Host the
    // browser used.
    let cluster = Cluster::start(2, &[])?;
    let nginx = cluster.behind_nginx()?;
    let browser = browser();
    let signed_in = browser
        .post(format!("{}/sign-in", nginx.url))
        .header(ORIGIN, &nginx.url)
        .form(&[
            ("email", "ana@example.com"),
            ("password", "a long password"),
        ])
        .send()
        .await?;
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER, "signed in");
    let cookie = signed_in
        .headers()
        .get(SET_COOKIE)
        .ok_or("a session cookie")?
        .to_str()?
        .split(';')
        .next()
        .ok_or("a cookie")?
        .to_string();
    // The session is the database's: every instance knows it.
    for _ in 0..2 {
        let queue = browser
            .get(format!("{}/", nginx.url))
            .header(COOKIE, &cookie)
            .send()
            .await?;
        assert_eq!(queue.status(), StatusCode::OK, "the queue page");
    }
    let events = browser
        .get(format!("{}/console/events", nginx.url))
        .header(COOKIE, &cookie)
        .send()
        .await?;
    assert_eq!(events.status(), StatusCode::OK);
    assert_eq!(
        events.headers().get(CONTENT_TYPE).map(|v| v.as_bytes()),
        Some(&b"text/event-stream"[..]),
        "the console's event stream"
    );
    cluster.assert_no_panics()
}

/// Through `proxy`: the customer's and the expert's socket of case `id`, the
/// customer sharing their screen, and one update reaching the expert byte
/// for byte.
async fn share_screen(
    proxy: &str,
    token: &str,
    cluster: &Cluster,
    id: Uuid,
) -> Fallible<(Side, Side)> {
    let mut customer = Side::connect(proxy, token, id).await?;
    let mut expert = Side::connect(proxy, &cluster.company.expert_token, id).await?;
    expert
        .send(json!({"type":"screen_request","mode":"view"}))
        .await?;
    customer.expect_screen(|s| s["view"] == "requested").await?;
    customer
        .send(json!({"type":"screen_answer","mode":"view","allow":true}))
        .await?;
    customer
        .send(json!({"type":"screen_status","status":"sharing","width":64,"height":48}))
        .await?;
    expert.expect_screen(|s| s["view"] == "sharing").await?;
    customer
        .expect("a refresh for the new viewer", |f| {
            f["type"] == "screen_refresh"
        })
        .await?;
    let update = solid_update(1, 64, 48, true);
    customer.send_binary(update.clone()).await?;
    let received = tokio::time::timeout(Duration::from_secs(5), expert.expect_binary()).await??;
    assert!(received == update, "the update arrives byte for byte");
    Ok((customer, expert))
}

#[tokio::test]
#[ignore = "needs PostgreSQL: cargo xtask test runs the cluster tests"]
async fn nginx_keeps_serving_through_the_other_instance_when_one_is_killed() -> Fallible<()> {
    let mut cluster = Cluster::start(2, &[])?;
    let nginx = cluster.behind_nginx()?;
    let client = QueueClient::new(&nginx.url)?;
    let before = client
        .create_case(
            &cluster.company.deployment_key,
            &IdempotencyKey::generate(),
            &sos_request(Some("before the crash")),
        )
        .await?;
    cluster.kill(0)?;
    // nginx finds the dead instance refusing connections and passes each
    // request to the living one: no request fails.
    for i in 0..6 {
        let created = client
            .create_case(
                &cluster.company.deployment_key,
                &IdempotencyKey::generate(),
                &sos_request(Some(&format!("after the crash {i}"))),
            )
            .await?;
        client.get_case(&created.token, created.case.id).await?;
    }
    let read = client.get_case(&before.token, before.case.id).await?;
    assert_eq!(
        read.id, before.case.id,
        "the case acknowledged before is there"
    );
    cluster.assert_no_panics()
}
