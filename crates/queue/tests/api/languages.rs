//! The console's language: the expert's own choice, then the browser's
//! `Accept-Language`, then English; Arabic right to left with the session
//! code left to right; the customer's language named on the case page.
//! Runs on SQLite and, with `TEST_DATABASE_URL`, on PostgreSQL.

use lifeline_protocol::{Device, DeviceField, IdempotencyKey};
use reqwest::StatusCode;
use reqwest::header::{ACCEPT_LANGUAGE, CONTENT_LANGUAGE, COOKIE, LOCATION};

use crate::console::{
    PASSWORD, browser, give_password, post_sign_in, sign_in, sign_in_as, with_password,
};
use crate::helpers::{TestApp, TestResult, sos_request, spawn_app};

/// A console page as a browser asking for `languages` gets it.
async fn page(
    app: &TestApp,
    path: &str,
    cookie: Option<&str>,
    languages: &str,
) -> Result<(StatusCode, String), Box<dyn std::error::Error>> {
    let mut request = browser()
        .get(app.url(path))
        .header(ACCEPT_LANGUAGE, languages);
    if let Some(cookie) = cookie {
        request = request.header(COOKIE, cookie);
    }
    let response = request.send().await?;
    Ok((response.status(), response.text().await?))
}

/// Posts the language form; answers the status and the body.
async fn choose_language(
    app: &TestApp,
    cookie: &str,
    csrf: &str,
    language: &str,
) -> Result<(StatusCode, Option<String>, String), Box<dyn std::error::Error>> {
    let response = browser()
        .post(app.url("/settings/language"))
        .header(COOKIE, cookie)
        .header(ACCEPT_LANGUAGE, "en")
        .form(&[("csrf", csrf), ("language", language)])
        .send()
        .await?;
    let status = response.status();
    let location = response
        .headers()
        .get(LOCATION)
        .and_then(|l| l.to_str().ok())
        .map(str::to_owned);
    Ok((status, location, response.text().await?))
}

/// The `<html …>` start tag of a page.
fn html_tag(page: &str) -> &str {
    page.split("<html")
        .nth(1)
        .and_then(|rest| rest.split('>').next())
        .unwrap_or_default()
}

#[tokio::test]
async fn a_browser_asking_for_german_gets_the_sign_in_page_in_german() -> TestResult {
    let app = spawn_app().await;
    let response = browser()
        .get(app.url("/sign-in"))
        .header(ACCEPT_LANGUAGE, "de-DE,de;q=0.9")
        .send()
        .await?;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[CONTENT_LANGUAGE], "de");
    let german = response.text().await?;
    assert_eq!(
        html_tag(&german),
        r#" lang="de" dir="ltr""#,
        "the page says it is German"
    );
    assert!(
        german.contains("<title>Anmelden · Lifeline-Konsole</title>")
            && german.contains("<h1>Bei der Service-Warteschlange anmelden</h1>")
            && german.contains(r#"<label for="password">Passwort</label>"#)
            && german.contains(r#"<button type="submit" id="sign-in">Anmelden</button>"#),
        "title, heading, labels and button are German: {german}"
    );
    assert!(
        !german.contains("Sign in to the service queue"),
        "no English left"
    );

    // A refusal is said in the same language.
    let refused = browser()
        .post(app.url("/sign-in"))
        .header(ACCEPT_LANGUAGE, "de-DE,de;q=0.9")
        .form(&[
            ("email", "nobody@example.com"),
            ("password", "wrong but long enough"),
        ])
        .send()
        .await?;
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    let body = refused.text().await?;
    assert!(
        body.contains(">E-Mail oder Passwort ist falsch.</p>"),
        "the refusal is German: {body}"
    );

    // No header, or only languages the console does not speak: English.
    for asked in ["", "sv-SE, zh;q=0.8"] {
        let (_, english) = page(&app, "/sign-in", None, asked).await?;
        assert_eq!(html_tag(&english), r#" lang="en" dir="ltr""#, "{asked:?}");
        assert!(
            english.contains("<title>Sign in · Lifeline console</title>"),
            "{asked:?}"
        );
    }
    Ok(())
}

#[tokio::test]
async fn a_browser_asking_for_arabic_gets_a_right_to_left_sign_in_page() -> TestResult {
    let app = spawn_app().await;
    let (_, sign_in_page) = page(&app, "/sign-in", None, "ar-EG,ar;q=0.9,en;q=0.5").await?;
    assert_eq!(html_tag(&sign_in_page), r#" lang="ar" dir="rtl""#);
    assert!(
        sign_in_page.contains("سجّل الدخول إلى قائمة انتظار الخدمة"),
        "{sign_in_page}"
    );
    assert!(
        sign_in_page.contains(r#"<input id="email" name="email" type="email" autocomplete="username" required value="" dir="ltr""#),
        "an address is typed left to right: {sign_in_page}"
    );
    Ok(())
}

#[tokio::test]
async fn arabic_pages_run_right_to_left_with_the_session_code_left_to_right() -> TestResult {
    let app = spawn_app().await;
    with_password(&app).await?;

    // A customer whose desktop speaks Egyptian Arabic asks for help.
    let mut request = sos_request(Some("Printer says offline"));
    request.device = Some(Device {
        locale: Some(DeviceField::parse("ar-EG")?),
        ..Device::default()
    });
    let case = app
        .client
        .create_case(&app.deployment_key, &IdempotencyKey::generate(), &request)
        .await?;
    let code = case.case.code.to_string();
    let (cookie, _) = sign_in(&app).await?;

    let (_, queue) = page(&app, "/", Some(&cookie), "ar").await?;
    assert_eq!(html_tag(&queue), r#" lang="ar" dir="rtl""#);
    let link = format!(
        r#"<a class="code" href="/cases/{}" dir="ltr">{code}</a>"#,
        case.case.id
    );
    assert!(
        queue.contains(&link),
        "the queue's code reads left to right: {queue}"
    );
    assert!(
        queue.contains("قائمة انتظار الخدمة"),
        "the heading is Arabic"
    );
    assert!(
        queue.contains(r#"id="console-messages">{"language":"ar","dir":"rtl","isolate":true"#),
        "the script gets Arabic words: {queue}"
    );

    let (status, case_page) = page(
        &app,
        &format!("/cases/{}", case.case.id),
        Some(&cookie),
        "ar",
    )
    .await?;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(html_tag(&case_page), r#" lang="ar" dir="rtl""#);
    assert!(
        case_page.contains(&format!(r#"<span class="code" dir="ltr">{code}</span>"#)),
        "the case's code reads left to right: {case_page}"
    );
    let locale = case_page
        .split(r#"<dd id="case-locale">"#)
        .nth(1)
        .and_then(|rest| rest.split("</dd>").next())
        .ok_or("the case page shows the customer's locale")?;
    let plain: String = locale
        .chars()
        .filter(|c| !matches!(c, '\u{2068}' | '\u{2069}'))
        .collect();
    assert_eq!(
        plain, "العربية (ar-EG)",
        "the customer's language by its own name"
    );

    // An English page names it the same way, in its own name.
    let (_, english_case) = page(
        &app,
        &format!("/cases/{}", case.case.id),
        Some(&cookie),
        "en-US",
    )
    .await?;
    assert!(
        english_case.contains(r#"<dd id="case-locale">العربية (ar-EG)</dd>"#),
        "{english_case}"
    );
    Ok(())
}

#[tokio::test]
async fn an_expert_who_chose_japanese_gets_japanese_whatever_the_browser_asks() -> TestResult {
    let app = spawn_app().await;
    with_password(&app).await?;
    let (cookie, csrf) = sign_in(&app).await?;

    let (status, location, _) = choose_language(&app, &cookie, &csrf, "ja").await?;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location.as_deref(), Some("/settings/email?language=1"));
    assert_eq!(
        app.store.expert_language(app.expert.id).await?.as_deref(),
        Some("ja"),
        "the choice is stored with the expert"
    );

    for asked in ["de-DE,de;q=0.9", "ar", "en-US"] {
        let (_, queue) = page(&app, "/", Some(&cookie), asked).await?;
        assert_eq!(html_tag(&queue), r#" lang="ja" dir="ltr""#, "asked {asked}");
        assert!(
            queue.contains("<h1>サービスキュー</h1>"),
            "asked {asked}: {queue}"
        );
    }
    let (_, settings) = page(&app, "/settings/email?language=1", Some(&cookie), "de").await?;
    assert!(settings.contains("言語を保存しました。"), "{settings}");
    assert!(
        settings.contains(r#"<option value="ja" lang="ja" dir="ltr" selected>日本語</option>"#),
        "the picker shows the choice: {settings}"
    );

    // It persists: a new session, another browser, still Japanese.
    let signed_again = post_sign_in(&app, "ana@example.com", PASSWORD).await?;
    let cookie_again = signed_again
        .headers()
        .get(reqwest::header::SET_COOKIE)
        .ok_or("a session cookie")?
        .to_str()?
        .split(';')
        .next()
        .ok_or("a cookie")?
        .to_owned();
    let (_, queue) = page(&app, "/", Some(&cookie_again), "fr-FR").await?;
    assert_eq!(html_tag(&queue), r#" lang="ja" dir="ltr""#);

    // Following the browser again is a choice too.
    let (status, _, _) = choose_language(&app, &cookie, &csrf, "").await?;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(app.store.expert_language(app.expert.id).await?, None);
    let (_, queue) = page(&app, "/", Some(&cookie), "fr-FR").await?;
    assert_eq!(html_tag(&queue), r#" lang="fr" dir="ltr""#);
    Ok(())
}

#[tokio::test]
async fn a_language_the_console_does_not_speak_is_refused_and_nothing_changes() -> TestResult {
    let app = spawn_app().await;
    with_password(&app).await?;
    let (cookie, csrf) = sign_in(&app).await?;
    let (status, _, _) = choose_language(&app, &cookie, &csrf, "it").await?;
    assert_eq!(status, StatusCode::SEE_OTHER);

    for bad in ["klingon", "de-DE", "<b>en</b>"] {
        let (status, location, body) = choose_language(&app, &cookie, &csrf, bad).await?;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert_eq!(location, None, "{bad}");
        // The page is in the expert's language (Italian) and names the value.
        let shown = bad.replace('<', "&#60;").replace('>', "&#62;");
        assert!(
            body.contains(&format!(
                "La console non parla «{shown}»; scelga una delle lingue elencate."
            )),
            "{bad}: {body}"
        );
        assert!(body.contains(r#"role="alert""#), "{bad}: said at once");
        assert_eq!(
            app.store.expert_language(app.expert.id).await?.as_deref(),
            Some("it"),
            "{bad} changed nothing"
        );
    }
    Ok(())
}

#[tokio::test]
async fn the_admin_pages_speak_the_browser_s_language_too() -> TestResult {
    let app = spawn_app().await;
    give_password(&app, "admin@example.com").await?;
    let (cookie, _) = sign_in_as(&app, "admin@example.com").await?;
    let pages = [
        (
            "/admin/experts",
            "<h1>Experts</h1>",
            "<td>administrateur</td>",
        ),
        ("/admin/groups", "<h1>Groupes</h1>", "À tour de rôle"),
        ("/admin/deployments", "<h1>Déploiements</h1>", ">actif<"),
        ("/admin/tokens", "<h1>Jetons d’API</h1>", "Créer le jeton"),
        (
            "/admin/webhooks",
            "<h1>Webhooks</h1>",
            "Nouveau point de terminaison",
        ),
        (
            "/admin/audit",
            "<h1>Journal d’audit</h1>",
            "<option value=\"\">Toutes</option>",
        ),
        ("/reports", "<h1>Rapports</h1>", "Par groupe"),
    ];
    for (path, heading, word) in pages {
        let (status, html) = page(&app, path, Some(&cookie), "fr-CA,fr;q=0.9").await?;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert_eq!(html_tag(&html), r#" lang="fr" dir="ltr""#, "{path}");
        assert!(html.contains(heading), "{path} has {heading}: {html}");
        assert!(html.contains(word), "{path} says {word}: {html}");
    }
    Ok(())
}

/// Posts a console form as a browser asking for German; answers the status
/// and the page.
async fn post_form_in_german(
    app: &TestApp,
    path: &str,
    cookie: &str,
    fields: &[(&str, &str)],
) -> Result<(StatusCode, String), Box<dyn std::error::Error>> {
    let response = browser()
        .post(app.url(path))
        .header(COOKIE, cookie)
        .header(ACCEPT_LANGUAGE, "de-DE,de;q=0.9")
        .form(fields)
        .send()
        .await?;
    Ok((response.status(), response.text().await?))
}

#[tokio::test]
async fn a_refused_form_is_explained_in_the_expert_s_language() -> TestResult {
    let app = spawn_app().await;
    give_password(&app, "admin@example.com").await?;
    let (cookie, csrf) = sign_in_as(&app, "admin@example.com").await?;
    let experts_before = app.store.list_experts().await?.len();

    // Each refusal: the status, and the German words for it (not the API's
    // English detail, which names the field by its wire name).
    let refusals = [
        (
            "/admin/experts",
            vec![
                ("email", "not an address"),
                ("display_name", "Bea"),
                ("password", PASSWORD),
            ],
            StatusCode::UNPROCESSABLE_ENTITY,
            "Bitte prüfe „E-Mail“: Dieser Wert wird nicht angenommen.",
            "email:",
        ),
        (
            "/admin/experts",
            vec![
                ("email", "admin@example.com"),
                ("display_name", "Bea"),
                ("password", PASSWORD),
            ],
            StatusCode::CONFLICT,
            "Es gibt bereits einen Experten mit dieser E-Mail-Adresse.",
            "already taken",
        ),
        (
            "/admin/experts",
            vec![
                ("email", "bea@example.com"),
                ("display_name", "Bea"),
                ("password", "short"),
            ],
            StatusCode::UNPROCESSABLE_ENTITY,
            "Ein Passwort hat 12 bis",
            "password:",
        ),
        (
            "/admin/groups",
            vec![("name", "   ")],
            StatusCode::UNPROCESSABLE_ENTITY,
            "Ein Name hat 1 bis 100 Zeichen.",
            "name:",
        ),
        (
            "/admin/groups",
            vec![("name", "Front desk")],
            StatusCode::CONFLICT,
            "Es gibt bereits eine Gruppe mit diesem Namen.",
            "already taken",
        ),
        // A webhook refusal points at the field at fault: the URL, then
        // the events when the URL is good but none is ticked.
        (
            "/admin/webhooks",
            vec![
                ("url", "ftp://tickets.example.com/in"),
                ("case.created", "on"),
            ],
            StatusCode::UNPROCESSABLE_ENTITY,
            "Bitte prüfe „URL (http:// oder https://)“",
            "url:",
        ),
        (
            "/admin/webhooks",
            vec![("url", "https://tickets.example.com/in")],
            StatusCode::UNPROCESSABLE_ENTITY,
            "Bitte prüfe „Ereignisse“",
            "events:",
        ),
    ];
    for (path, mut fields, status, german, english) in refusals {
        fields.push(("csrf", csrf.as_str()));
        let (got, html) = post_form_in_german(&app, path, &cookie, &fields).await?;
        assert_eq!(got, status, "{path} {fields:?}: {html}");
        assert!(
            html.contains(german),
            "{path} {fields:?} says {german:?}: {html}"
        );
        assert!(
            !html.contains(english),
            "{path} {fields:?}: no English detail: {html}"
        );
        assert_eq!(html_tag(&html), r#" lang="de" dir="ltr""#);
    }
    assert_eq!(
        app.store.list_experts().await?.len(),
        experts_before,
        "no expert was added by a refused form"
    );

    // A case closed in the meantime: assigning it is refused, in German.
    let case = app
        .client
        .create_case(
            &app.deployment_key,
            &IdempotencyKey::generate(),
            &sos_request(None),
        )
        .await?;
    let case_path = format!("/cases/{}", case.case.id);
    let (status, _) = post_form_in_german(
        &app,
        &format!("{case_path}/close"),
        &cookie,
        &[("csrf", &csrf)],
    )
    .await?;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, html) = post_form_in_german(
        &app,
        &format!("{case_path}/assign"),
        &cookie,
        &[("csrf", &csrf), ("expert_id", &app.expert.id.to_string())],
    )
    .await?;
    assert_eq!(status, StatusCode::CONFLICT, "{html}");
    assert!(
        html.contains("Dieser Fall ist geschlossen und kann nicht mehr geändert werden."),
        "{html}"
    );

    // Something that is not there, and a report period that does not read.
    let (status, html) = page(
        &app,
        &format!("/cases/{}", uuid::Uuid::now_v7()),
        Some(&cookie),
        "de",
    )
    .await?;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(
        html.contains("Das gibt es nicht mehr, oder du darfst es nicht sehen."),
        "{html}"
    );
    let (status, html) = page(&app, "/reports?from=yesterday", Some(&cookie), "de").await?;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        html.contains("„yesterday“ ist kein Datum: Bitte schreibe es JJJJ-MM-TT."),
        "{html}"
    );
    Ok(())
}
