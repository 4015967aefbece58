//! Expert emails (issue 13, point 2) against a real SMTP server: each expert
//! chooses the moments in the console, each chosen moment is emailed once,
//! with a link to the case and never its code or token; STARTTLS with
//! authentication, TLS from the first byte, and an SMTP server that hangs or
//! is down blocks no request and gets the email once it is back.

pub mod sink;

use std::collections::HashSet;
use std::time::Duration;

use lifeline_protocol::SetAlertTimeRequest;
use reqwest::StatusCode;
use reqwest::header::LOCATION;
use uuid::Uuid;

use crate::cluster::{Fallible, poll_until};
use crate::console::{Session, sign_in, with_password};
use crate::helpers::{Options, TestApp, spawn_app_with};
use sink::{Certificate, MAIL_WAIT, Mode, Received, SmtpSink};

pub const PUBLIC_URL: &str = "https://help.example.com";
const FROM: &str = "Lifeline <lifeline@example.com>";

/// The server settings for an SMTP server at `smtp_url` trusting `certificate`.
/// Leaked: `Options` takes `'static` text, and a test's settings live as long
/// as the test anyway.
pub fn email_env(smtp_url: String, certificate: &Certificate) -> Vec<(&'static str, &'static str)> {
    vec![
        ("LIFELINE_SMTP_URL", smtp_url.leak()),
        ("LIFELINE_SMTP_FROM", FROM),
        (
            "LIFELINE_SMTP_CA_FILE",
            certificate.pem_path().display().to_string().leak(),
        ),
        ("LIFELINE_PUBLIC_URL", PUBLIC_URL),
    ]
}

/// Ana signed in to the console.
async fn ana_session(app: &TestApp) -> Fallible<Session<'_>> {
    with_password(app).await?;
    let (cookie, csrf) = sign_in(app).await?;
    Ok(Session { app, cookie, csrf })
}

/// Ana ticks `moments` on her email settings page (the others are cleared).
async fn choose(session: &Session<'_>, moments: &[&str]) -> Fallible<()> {
    let fields: Vec<(&str, &str)> = moments.iter().map(|m| (*m, "on")).collect();
    let response = session.post("/settings/email", &fields).await?;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let location = response.headers().get(LOCATION).ok_or("a redirect")?;
    assert_eq!(location.to_str()?, "/settings/email?saved=1");
    Ok(())
}

/// The case an email links to, by the link's case id.
fn linked_case(mail: &Received) -> Option<Uuid> {
    let start = mail.text.find(&format!("{PUBLIC_URL}/cases/"))? + PUBLIC_URL.len() + 7;
    mail.text.get(start..start + 36)?.parse().ok()
}

/// Fails unless every email went to Ana only, from the configured sender,
/// and no two are about the same case and moment.
fn assert_each_once_to_ana(mails: &[Received]) {
    let mut seen = HashSet::new();
    for mail in mails {
        assert_eq!(
            mail.rcpt_tos,
            vec!["ana@example.com".to_string()],
            "{mail:?}"
        );
        assert_eq!(mail.mail_from, "lifeline@example.com");
        assert!(
            mail.data.contains("From: Lifeline <lifeline@example.com>"),
            "{}",
            mail.data
        );
        let key = (linked_case(mail), mail.subject());
        assert!(seen.insert(key.clone()), "sent twice: {key:?}");
    }
}

#[tokio::test]
async fn each_chosen_moment_is_emailed_once_over_starttls_with_a_login() -> Fallible<()> {
    let certificate = Certificate::for_localhost()?;
    let sink = SmtpSink::start(
        Mode::StartTls,
        &certificate,
        Some(("lifeline", "s3cret pass:@")),
        0,
    )?;
    let app = spawn_app_with(Options {
        env: email_env(
            format!(
                "smtp://lifeline:s3cret%20pass%3A%40@localhost:{}",
                sink.port
            ),
            &certificate,
        ),
        manual_clock: true,
        ..Options::default()
    })
    .await;
    // Bo works in the same group and chooses nothing: he gets nothing.
    app.add_expert_in("Bo", vec![app.group.id]).await?;
    let session = ana_session(&app).await?;

    let page = session.get("/settings/email").await?.text().await?;
    assert!(!page.contains("checked"), "nothing chosen at first: {page}");
    assert!(page.contains("ana@example.com"), "{page}");
    choose(&session, &["queued", "assigned", "overdue"]).await?;
    let page = session.get("/settings/email?saved=1").await?.text().await?;
    for moment in ["queued", "assigned", "overdue"] {
        assert!(
            page.contains(&format!(r#"name="{moment}" value="on" checked"#)),
            "{moment} kept: {page}"
        );
    }
    app.client
        .set_alert_time(
            &app.admin_token,
            app.group.id,
            &SetAlertTimeRequest {
                alert_after_seconds: 60,
            },
        )
        .await?;

    // Nobody in the group is available: the case waits unseen.
    let created = app.create_case().await;
    let case = created.case.id;
    let mails = sink.wait_for(1).await?;
    let queued = &mails[0];
    assert!(
        queued.subject().contains("is waiting in Front desk"),
        "{queued:?}"
    );
    assert_eq!(linked_case(queued), Some(case), "{}", queued.text);
    assert_eq!(queued.login.as_deref(), Some("lifeline"));
    assert!(queued.tls, "STARTTLS before the email");
    for secret in [
        created.token.as_str(),
        created.case.code.as_str(),
        &created.case.code.to_string(),
    ] {
        assert!(!queued.data.contains(secret), "{secret} in {}", queued.data);
    }

    // Past the group's alert time.
    app.advance(Duration::from_secs(61));
    let mails = sink.wait_for(2).await?;
    assert!(
        mails[1]
            .subject()
            .contains("has waited too long in Front desk"),
        "{:?}",
        mails[1]
    );
    assert_eq!(linked_case(&mails[1]), Some(case));

    app.client
        .assign(&app.admin_token, case, Some(app.expert.id))
        .await?;
    let mails = sink.wait_for(3).await?;
    assert!(
        mails[2].subject().contains("is assigned to you"),
        "{:?}",
        mails[2]
    );
    assert_eq!(linked_case(&mails[2]), Some(case));

    // A second case, waited for to the end: by then the first case's
    // moments were looked at again and again, and must not have been resent.
    let second = app.create_case().await.case.id;
    sink.wait_for(4).await?;
    app.client
        .assign(&app.admin_token, second, Some(app.expert.id))
        .await?;
    let mails = sink.wait_for(5).await?;
    assert_eq!(linked_case(&mails[4]), Some(second));
    assert_eq!(mails.len(), 5, "{mails:#?}");
    assert_each_once_to_ana(&mails);
    Ok(())
}

/// A server that sends its email to a fresh sink over TLS from the first
/// byte; the sink's certificate goes with it, to be kept while they run.
async fn app_mailing_over_tls() -> Fallible<(Certificate, SmtpSink, TestApp)> {
    let certificate = Certificate::for_localhost()?;
    let sink = SmtpSink::start(Mode::Tls, &certificate, None, 0)?;
    let app = spawn_app_with(Options {
        env: email_env(format!("smtps://localhost:{}", sink.port), &certificate),
        ..Options::default()
    })
    .await;
    Ok((certificate, sink, app))
}

#[tokio::test]
async fn smtps_speaks_tls_from_the_first_byte_and_sends_only_what_was_chosen() -> Fallible<()> {
    let (_certificate, sink, app) = app_mailing_over_tls().await?;
    let session = ana_session(&app).await?;
    choose(&session, &["assigned"]).await?;

    for n in 1..=2 {
        let case = app.create_case().await.case.id;
        app.client
            .assign(&app.admin_token, case, Some(app.expert.id))
            .await?;
        let mails = sink.wait_for(n).await?;
        assert_eq!(linked_case(&mails[n - 1]), Some(case));
    }
    let mails = sink.received()?;
    assert_eq!(mails.len(), 2, "only the assignments: {mails:#?}");
    for mail in &mails {
        assert!(mail.tls && mail.login.is_none(), "{mail:?}");
        assert!(mail.subject().contains("is assigned to you"), "{mail:?}");
    }
    assert_each_once_to_ana(&mails);
    Ok(())
}

#[tokio::test]
async fn an_expert_is_emailed_in_the_language_chosen_for_the_console() -> Fallible<()> {
    let (_certificate, sink, app) = app_mailing_over_tls().await?;
    let session = ana_session(&app).await?;
    choose(&session, &["assigned"]).await?;
    let response = session
        .post("/settings/language", &[("language", "de")])
        .await?;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    let case = app.create_case().await.case.id;
    app.client
        .assign(&app.admin_token, case, Some(app.expert.id))
        .await?;
    let mails = sink.wait_for(1).await?;
    let mail = &mails[0];
    // Written out here, so the test does not take the catalogue's word for
    // what German is.
    assert_eq!(
        mail.subject(),
        "Dir wurde ein Fall in Front desk zugewiesen: Ein Kunde",
        "{mail:?}"
    );
    for line in [
        format!("Öffnen: {PUBLIC_URL}/cases/{case}"),
        "Du hast diese E-Mail in der Lifeline-Konsole gewählt (E-Mail-Einstellungen).".into(),
    ] {
        assert!(mail.text.contains(&line), "{line:?} in {}", mail.text);
    }
    assert!(
        mail.text.contains("Wartet seit ") && mail.text.contains(" Min."),
        "the wait, in German: {}",
        mail.text
    );
    Ok(())
}

#[tokio::test]
async fn a_hanging_or_down_smtp_server_blocks_no_request_and_gets_the_email_later() -> Fallible<()>
{
    let certificate = Certificate::for_localhost()?;
    // An SMTP server that takes the connection and never says a word.
    let hanging = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let port = hanging.local_addr()?.port();
    let app = spawn_app_with(Options {
        env: email_env(format!("smtp://localhost:{port}"), &certificate),
        manual_clock: true,
        ..Options::default()
    })
    .await;
    let session = ana_session(&app).await?;
    choose(&session, &["queued"]).await?;

    let first = app.create_case().await.case.id;
    let (held, _) = tokio::time::timeout(MAIL_WAIT, hanging.accept()).await??;
    // The email is stuck in the SMTP conversation; the server answers on.
    let second = app.create_case().await.case.id;
    let listed = app
        .client
        .list_cases(&app.expert_token, &Default::default())
        .await?;
    assert_eq!(listed.cases.len(), 2);

    // The server goes down, then comes back on the same port.
    drop(held);
    drop(hanging);
    let sink = SmtpSink::start(Mode::StartTls, &certificate, None, port)?;
    // The failed email is due again after a pause: let the clock run on.
    let mails = poll_until(MAIL_WAIT, "both emails after the retry", || async {
        app.advance(Duration::from_secs(31));
        let mails = sink.received()?;
        Ok((mails.len() >= 2).then_some(mails))
    })
    .await?;
    let cases: HashSet<Option<Uuid>> = mails.iter().map(linked_case).collect();
    assert_eq!(
        cases,
        HashSet::from([Some(first), Some(second)]),
        "{mails:#?}"
    );
    assert_each_once_to_ana(&mails);
    Ok(())
}

#[tokio::test]
async fn a_waiting_case_is_not_emailed_while_someone_in_the_group_is_available() -> Fallible<()> {
    let certificate = Certificate::for_localhost()?;
    let sink = SmtpSink::start(Mode::StartTls, &certificate, None, 0)?;
    let app = spawn_app_with(Options {
        env: email_env(format!("smtp://localhost:{}", sink.port), &certificate),
        ..Options::default()
    })
    .await;
    let (_, bo_token) = app.add_expert_in("Bo", vec![app.group.id]).await?;
    app.client.set_availability(&bo_token, true).await?;
    let session = ana_session(&app).await?;
    choose(&session, &["queued", "assigned"]).await?;

    let waiting = app.create_case().await.case.id;
    // A later case assigned to Ana: the pass that emails it saw the waiting
    // case too, and a pass sends all it found before the next one starts.
    let later = app.create_case().await.case.id;
    for (n, case) in [(1, later), (2, waiting)] {
        app.client
            .assign(&app.admin_token, case, Some(app.expert.id))
            .await?;
        let mails = sink.wait_for(n).await?;
        assert_eq!(linked_case(&mails[n - 1]), Some(case), "{mails:#?}");
    }
    let mails = sink.received()?;
    assert_eq!(mails.len(), 2, "no queued email, Bo was there: {mails:#?}");
    for mail in &mails {
        assert!(mail.subject().contains("is assigned to you"), "{mail:?}");
    }
    Ok(())
}

#[tokio::test]
async fn experts_read_and_set_their_choice_through_the_api_too() -> Fallible<()> {
    let app = crate::helpers::spawn_app().await;
    let url = app.url("/api/v1/experts/me/email-preferences");
    let read = |token: &str| app.http.get(&url).bearer_auth(token).send();

    let none = read(&app.expert_token).await?;
    assert_eq!(none.status(), StatusCode::OK);
    assert_eq!(
        none.json::<serde_json::Value>().await?,
        serde_json::json!({"queued": false, "assigned": false, "overdue": false})
    );
    let chosen = serde_json::json!({"queued": true, "assigned": false, "overdue": true});
    let set = app
        .http
        .put(&url)
        .bearer_auth(&app.expert_token)
        .json(&chosen)
        .send()
        .await?;
    assert_eq!(set.status(), StatusCode::OK);
    assert_eq!(set.json::<serde_json::Value>().await?, chosen);
    let again = read(&app.expert_token).await?;
    assert_eq!(again.json::<serde_json::Value>().await?, chosen);
    // Each expert has their own.
    let admin = read(&app.admin_token).await?;
    assert_eq!(
        admin.json::<serde_json::Value>().await?["queued"],
        serde_json::json!(false)
    );

    // The console shows the same choice.
    let session = ana_session(&app).await?;
    let page = session.get("/settings/email").await?.text().await?;
    assert!(
        page.contains(r#"name="queued" value="on" checked"#),
        "{page}"
    );
    assert!(
        !page.contains(r#"name="assigned" value="on" checked"#),
        "{page}"
    );
    assert!(
        page.contains("email-off"),
        "this server has no smtp_url: {page}"
    );

    for bad in [
        serde_json::json!({"queued": true}),
        serde_json::json!({"queued": true, "assigned": false, "overdue": "yes"}),
        serde_json::json!({"queued": true, "assigned": false, "overdue": true, "sms": true}),
    ] {
        let refused = app
            .http
            .put(&url)
            .bearer_auth(&app.expert_token)
            .json(&bad)
            .send()
            .await?;
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    }
    let kept = read(&app.expert_token).await?;
    assert_eq!(
        kept.json::<serde_json::Value>().await?,
        chosen,
        "bad input loses nothing"
    );
    let anonymous = app.http.get(&url).send().await?;
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    Ok(())
}

#[test]
fn a_bad_smtp_setting_stops_the_server_naming_it_never_the_password() -> Fallible<()> {
    let data_dir = tempfile::tempdir()?;
    let refusals = [
        (
            vec![("LIFELINE_SMTP_URL", "smtp://relay:hunter2@mail.example.com")],
            "smtp_from",
        ),
        (
            vec![
                (
                    "LIFELINE_SMTP_URL",
                    "smtp://relay:hunter2@mail.example.com?tls=none",
                ),
                ("LIFELINE_SMTP_FROM", "lifeline@example.com"),
            ],
            "LIFELINE_SMTP_URL",
        ),
        (
            vec![
                (
                    "LIFELINE_SMTP_URL",
                    "smtps://relay:hunter2@mail.example.com",
                ),
                ("LIFELINE_SMTP_FROM", "Lifeline <not an address>"),
            ],
            "LIFELINE_SMTP_FROM",
        ),
    ];
    for (env, named) in refusals {
        let log = crate::process::ServerProcess::refused_start(data_dir.path(), &env)?;
        assert!(log.contains(named), "{env:?}: {log}");
        assert!(!log.contains("hunter2"), "{log}");
    }
    Ok(())
}
