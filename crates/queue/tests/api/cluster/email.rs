//! Expert emails from several instances: every instance looks for due
//! moments, and each moment is still emailed once (the unique notice row
//! whose insert commits decides who sends).

use std::collections::HashSet;

use reqwest::StatusCode;
use reqwest::header::COOKIE;

use super::{Cluster, Fallible};
use crate::email::sink::{Certificate, Mode, SmtpSink};

#[tokio::test]
#[ignore = "needs PostgreSQL: cargo xtask test runs the cluster tests"]
async fn three_instances_email_each_moment_once() -> Fallible<()> {
    let certificate = Certificate::for_localhost()?;
    let sink = SmtpSink::start(Mode::StartTls, &certificate, Some(("relay", "pw")), 0)?;
    let smtp_url = format!("smtp://relay:pw@localhost:{}", sink.port);
    let ca_file = certificate.pem_path().display().to_string();
    let cluster = Cluster::start(
        3,
        &[
            ("LIFELINE_SMTP_URL", &smtp_url),
            ("LIFELINE_SMTP_FROM", "lifeline@example.com"),
            ("LIFELINE_SMTP_CA_FILE", &ca_file),
            ("LIFELINE_PUBLIC_URL", "https://help.example.com"),
        ],
    )?;

    // Ana chooses on instance 0's console; the form needs the page's token.
    let cookie = cluster.console_cookie(0).await?;
    let settings = format!("{}/settings/email", cluster.url(0));
    let page = crate::console::browser()
        .get(&settings)
        .header(COOKIE, &cookie)
        .send()
        .await?
        .text()
        .await?;
    let csrf = page
        .split(r#"name="csrf" value=""#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .ok_or("a CSRF token on the page")?;
    let saved = crate::console::browser()
        .post(&settings)
        .header(COOKIE, &cookie)
        .form(&[("csrf", csrf), ("queued", "on"), ("assigned", "on")])
        .send()
        .await?;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);

    let token = &cluster.company.expert_token;
    let ana = cluster
        .client(0)?
        .list_experts(token)
        .await?
        .into_iter()
        .find(|e| e.email == "ana@example.com")
        .ok_or("Ana")?
        .id;
    let mut cases = Vec::new();
    for round in 0..2 {
        let (case, _) = cluster.create_case(round % 3).await?;
        sink.wait_for(round * 2 + 1).await?;
        cluster
            .client((round + 1) % 3)?
            .assign(token, case, Some(ana))
            .await?;
        sink.wait_for(round * 2 + 2).await?;
        cases.push(case);
    }
    // By now every instance looked at the first case many times over.
    let mails = sink.received()?;
    assert_eq!(mails.len(), 4, "{mails:#?}");
    let distinct: HashSet<(String, bool)> = mails
        .iter()
        .map(|m| (m.subject(), m.data.contains(&cases[0].to_string())))
        .collect();
    assert_eq!(distinct.len(), 4, "each moment once: {mails:#?}");
    let unsent =
        cluster.database_text("SELECT count(*)::text FROM email_notices WHERE sent_at IS NULL")?;
    assert_eq!(unsent.as_deref(), Some("0"));
    cluster.assert_no_panics()?;
    Ok(())
}
