//! SLA figures over a scripted day of cases with known times (the manual
//! clock): the histograms on `/metrics`, and the console's Reports page and
//! its CSV, per group and per expert, expired cases included.

use std::time::Duration;

use lifeline_protocol::{CaseState, Expert, IdempotencyKey};
use lifeline_queue::admin;
use reqwest::StatusCode;
use reqwest::header::{CONTENT_DISPOSITION, CONTENT_TYPE, COOKIE};

use crate::console::{browser, give_password, sign_in, sign_in_as, with_password};
use crate::helpers::{Options, TestApp, TestResult, sos_request, spawn_app_with};
use crate::session::{join, wait_for_state};

/// How long a case lives in the scripted day (`LIFELINE_CASE_TTL=8h`).
const TTL_SECS: u64 = 8 * 3600;

/// The value of one series in a Prometheus text exposition, if present.
pub(crate) fn series_value(metrics: &str, series: &str) -> Option<f64> {
    metrics.lines().find_map(|line| {
        let value = line.strip_prefix(series)?.strip_prefix(' ')?;
        value.trim().parse().ok()
    })
}

async fn metrics(app: &TestApp) -> Result<String, Box<dyn std::error::Error>> {
    Ok(app
        .http
        .get(app.url("/metrics"))
        .send()
        .await?
        .text()
        .await?)
}

/// What the scripted day leaves: the apps and who took part.
struct Day {
    app: TestApp,
    ben: Expert,
}

fn wait(app: &TestApp, secs: u64) {
    app.advance(Duration::from_secs(secs));
}

/// The day (times from the first case's creation, in seconds):
/// - A (Front desk), 0: assigned to Ana at 60, both sides in at 120, closed at 300.
/// - B (Front desk), 300: assigned to Ana at 420, unassigned and given to the
///   admin at 450 (not timed again), both in at 480, the customer out and in
///   again at 540 (not timed again), closed at 1200.
/// - C (Front desk), 1200: nobody takes it; it expires 8 h later.
/// - D (=Billing, a name a spreadsheet would run), 1200: assigned to Ben at
///   1230, closed at 4800 with nobody ever connected.
async fn scripted_day() -> Result<Day, Box<dyn std::error::Error>> {
    let app = spawn_app_with(Options {
        env: vec![("LIFELINE_CASE_TTL", "8h")],
        manual_clock: true,
        ..Options::default()
    })
    .await;
    let now = app.state.clock.now();
    let billing = app.store.create_group("=Billing", now).await?;
    let (ben, _) = app.add_expert_in("Ben", vec![billing.id]).await?;
    let billing_key = admin::create_deployment(
        app.store.as_ref(),
        &app.state.secret,
        "Billing desk",
        billing.id,
        "http://127.0.0.1",
        now,
    )
    .await?
    .key;
    let admin = app
        .store
        .expert_id_by_email("admin@example.com")
        .await?
        .ok_or("the admin exists")?;
    let (admin_token, ana) = (app.admin_token.clone(), app.expert.id);

    let a = app.create_case().await;
    wait(&app, 60);
    app.client
        .assign(&admin_token, a.case.id, Some(ana))
        .await?;
    wait(&app, 60);
    let (_ana_in_a, _e1) = join(&app, &app.expert_token, a.case.id);
    let (_customer_a, _e2) = join(&app, &a.token, a.case.id);
    wait_for_state(&app, &a.token, a.case.id, CaseState::InProgress).await?;
    wait(&app, 180);
    app.client.close_case(&admin_token, a.case.id).await?;

    let b = app.create_case().await;
    wait(&app, 120);
    app.client
        .assign(&admin_token, b.case.id, Some(ana))
        .await?;
    wait(&app, 30);
    app.client.assign(&admin_token, b.case.id, None).await?;
    app.client
        .assign(&admin_token, b.case.id, Some(admin))
        .await?;
    wait(&app, 30);
    let (_admin_in_b, _e3) = join(&app, &admin_token, b.case.id);
    let (customer_b, _e4) = join(&app, &b.token, b.case.id);
    wait_for_state(&app, &b.token, b.case.id, CaseState::InProgress).await?;
    customer_b.leave().await;
    wait_for_state(&app, &b.token, b.case.id, CaseState::Pending).await?;
    wait(&app, 60);
    let (_customer_b_again, _e5) = join(&app, &b.token, b.case.id);
    wait_for_state(&app, &b.token, b.case.id, CaseState::InProgress).await?;
    wait(&app, 660);
    app.client.close_case(&admin_token, b.case.id).await?;

    let c = app.create_case().await;
    let d = app
        .client
        .create_case(
            &billing_key,
            &IdempotencyKey::generate(),
            &sos_request(None),
        )
        .await?;
    wait(&app, 30);
    app.client
        .assign(&admin_token, d.case.id, Some(ben.id))
        .await?;
    wait(&app, 3570);
    app.client.close_case(&admin_token, d.case.id).await?;

    wait(&app, 1200 + TTL_SECS - 4800);
    let expired = app.client.get_case(&c.token, c.case.id).await?;
    assert_eq!(expired.state, CaseState::Expired);
    Ok(Day { app, ben })
}

#[tokio::test]
async fn the_histograms_time_each_case_once_per_milestone_by_group() -> TestResult {
    let day = scripted_day().await?;
    let metrics = metrics(&day.app).await?;
    let expect = [
        // Front desk: assigned after 60 and 120 s, connected after 120 and
        // 180 s, closed after 300 and 900 s; the expired case is not timed.
        (
            "lifeline_case_time_to_assign_seconds_count{group=\"Front desk\"}",
            2.0,
        ),
        (
            "lifeline_case_time_to_assign_seconds_sum{group=\"Front desk\"}",
            180.0,
        ),
        (
            "lifeline_case_time_to_assign_seconds_bucket{le=\"60.0\",group=\"Front desk\"}",
            1.0,
        ),
        (
            "lifeline_case_time_to_assign_seconds_bucket{le=\"120.0\",group=\"Front desk\"}",
            2.0,
        ),
        (
            "lifeline_case_time_to_first_connection_seconds_count{group=\"Front desk\"}",
            2.0,
        ),
        (
            "lifeline_case_time_to_first_connection_seconds_sum{group=\"Front desk\"}",
            300.0,
        ),
        (
            "lifeline_case_time_to_close_seconds_count{group=\"Front desk\"}",
            2.0,
        ),
        (
            "lifeline_case_time_to_close_seconds_sum{group=\"Front desk\"}",
            1200.0,
        ),
        (
            "lifeline_case_time_to_close_seconds_bucket{le=\"300.0\",group=\"Front desk\"}",
            1.0,
        ),
        (
            "lifeline_case_time_to_assign_seconds_sum{group=\"=Billing\"}",
            30.0,
        ),
        (
            "lifeline_case_time_to_close_seconds_sum{group=\"=Billing\"}",
            3600.0,
        ),
        (
            "lifeline_case_time_to_close_seconds_count{group=\"=Billing\"}",
            1.0,
        ),
    ];
    for (series, value) in expect {
        assert_eq!(
            series_value(&metrics, series),
            Some(value),
            "{series} in:\n{metrics}"
        );
    }
    assert!(
        !metrics
            .contains("lifeline_case_time_to_first_connection_seconds_count{group=\"=Billing\"}"),
        "nobody connected in =Billing:\n{metrics}"
    );
    Ok(())
}

#[tokio::test]
async fn the_report_gives_cases_medians_p90s_and_expired_per_group_and_expert_as_csv() -> TestResult
{
    let day = scripted_day().await?;
    let app = &day.app;
    give_password(app, "admin@example.com").await?;
    let (cookie, _) = sign_in_as(app, "admin@example.com").await?;
    let start = app.state.clock.now() - time::Duration::days(1);
    let (from, to) = (start.date(), (start + time::Duration::days(2)).date());
    let query = format!("from={from}&to={to}");

    let csv = browser()
        .get(app.url(&format!("/reports.csv?{query}")))
        .header(COOKIE, &cookie)
        .send()
        .await?;
    assert_eq!(csv.status(), StatusCode::OK);
    assert_eq!(csv.headers()[CONTENT_TYPE], "text/csv; charset=utf-8");
    assert_eq!(
        csv.headers()[CONTENT_DISPOSITION],
        format!("attachment; filename=\"lifeline-sla-{from}-to-{to}.csv\"").as_str()
    );
    let csv = csv.text().await?;
    let rows: Vec<&str> = csv.split_terminator("\r\n").collect();
    assert_eq!(
        rows,
        [
            "scope,name,cases,expired,assigned,assign_median_s,assign_p90_s,connected,\
             first_connection_median_s,first_connection_p90_s,closed,close_median_s,close_p90_s",
            // The group's name would be a formula in a spreadsheet: it stays text.
            "group,'=Billing,1,0,1,30,30,0,,,1,3600,3600",
            "group,Front desk,3,1,2,60,120,2,120,180,2,300,900",
            // Per expert: the cases assigned to them now (B went from Ana to the admin).
            "expert,Admin,1,0,1,120,120,1,180,180,1,900,900",
            "expert,Ana,1,0,1,60,60,1,120,120,1,300,300",
            "expert,Ben,1,0,1,30,30,0,,,1,3600,3600",
        ],
        "{csv}"
    );

    let page = browser()
        .get(app.url(&format!("/reports?{query}")))
        .header(COOKIE, &cookie)
        .send()
        .await?;
    assert_eq!(page.status(), StatusCode::OK);
    let page = page.text().await?;
    for shown in [
        "<th scope=\"row\">Front desk</th><td>3</td><td>1</td>",
        "<th scope=\"row\">=Billing</th><td>1</td><td>0</td>",
        &format!(
            "<th scope=\"row\">{}</th><td>1</td><td>0</td>",
            day.ben.display_name
        ),
        &format!("href=\"/reports.csv?{}\"", query.replace('&', "&amp;")),
    ] {
        assert!(page.contains(shown), "the page lacks {shown}:\n{page}");
    }

    // A day with none of the cases in it reports none.
    let before = (start - time::Duration::days(3)).date();
    let empty = browser()
        .get(app.url(&format!("/reports.csv?from={before}&to={before}")))
        .header(COOKIE, &cookie)
        .send()
        .await?
        .text()
        .await?;
    assert_eq!(empty.split_terminator("\r\n").count(), 1, "{empty}");
    Ok(())
}

#[tokio::test]
async fn reports_are_for_admins_and_bad_periods_are_named() -> TestResult {
    let app = spawn_app_with(Options::default()).await;
    with_password(&app).await?;
    let (expert_cookie, _) = sign_in(&app).await?;
    for path in ["/reports", "/reports.csv"] {
        let refused = browser()
            .get(app.url(path))
            .header(COOKIE, &expert_cookie)
            .send()
            .await?;
        assert_eq!(refused.status(), StatusCode::FORBIDDEN, "{path}");
        let signed_out = browser().get(app.url(path)).send().await?;
        assert_eq!(signed_out.status(), StatusCode::SEE_OTHER, "{path}");
    }

    give_password(&app, "admin@example.com").await?;
    let (cookie, _) = sign_in_as(&app, "admin@example.com").await?;
    for (query, names) in [
        (
            "from=yesterday",
            "“yesterday” is not a date: please write it YYYY-MM-DD.",
        ),
        (
            "from=2026-12-02&to=2026-12-01",
            "The period ends before it starts",
        ),
        (
            "from=2020-01-01&to=2026-12-01",
            "A period is at most 366 days long",
        ),
    ] {
        let refused = browser()
            .get(app.url(&format!("/reports.csv?{query}")))
            .header(COOKIE, &cookie)
            .send()
            .await?;
        assert_eq!(refused.status(), StatusCode::BAD_REQUEST, "{query}");
        let text = refused.text().await?;
        assert!(text.contains(names), "{query}: {text}");
    }
    // With no period given: the week up to today.
    let week = browser()
        .get(app.url("/reports"))
        .header(COOKIE, &cookie)
        .send()
        .await?;
    assert_eq!(week.status(), StatusCode::OK);
    let today = app.state.clock.now().date();
    assert!(week.text().await?.contains(&format!("value=\"{today}\"")));
    Ok(())
}
