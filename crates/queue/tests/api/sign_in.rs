//! The console's sign-in under attack, against the real server: bad input is
//! refused before any hashing, form bodies are small, guesses sent at once
//! get no extra free attempts, and the origin checks of the sign-in form, the
//! session cookie and the session WebSocket hold behind a proxy too.

use futures_util::future::join_all;
use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION, ORIGIN, SET_COOKIE};
use tokio_tungstenite::tungstenite;
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;
use uuid::Uuid;

use crate::console::{
    PASSWORD, browser, browser_from, give_password, post_sign_in, post_sign_in_with, sign_in_as,
    with_password,
};
use crate::helpers::{Options, TestApp, TestResult, spawn_app, spawn_app_with};

const PUBLIC_URL: &str = "https://help.example.com";

async fn spawn_behind_proxy() -> TestApp {
    spawn_app_with(Options {
        env: vec![("LIFELINE_PUBLIC_URL", PUBLIC_URL)],
        ..Options::default()
    })
    .await
}

/// Posts the sign-in form with an `Origin` header.
async fn post_sign_in_from(
    app: &TestApp,
    origin: &str,
    password: &str,
) -> reqwest::Result<reqwest::Response> {
    browser()
        .post(app.url("/sign-in"))
        .header(ORIGIN, origin)
        .form(&[("email", "ana@example.com"), ("password", password)])
        .send()
        .await
}

fn set_cookie(response: &reqwest::Response) -> Result<String, Box<dyn std::error::Error>> {
    Ok(response
        .headers()
        .get(SET_COOKIE)
        .ok_or("a Set-Cookie header")?
        .to_str()?
        .to_string())
}

#[tokio::test]
async fn a_malformed_email_or_password_is_refused_before_anything_is_hashed_or_remembered()
-> TestResult {
    let app = spawn_app().await;
    with_password(&app).await?;
    let long_email = format!("{}@example.com", "a".repeat(300));
    let long_password = "p".repeat(1025);
    for (email, password) in [
        ("not an email", PASSWORD),
        ("ana-at-example.com", PASSWORD),
        (long_email.as_str(), PASSWORD),
        ("ana@example.com", "short"),
        ("ana@example.com", long_password.as_str()),
    ] {
        let response = post_sign_in(&app, email, password).await?;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{email:.40} / {password:.20}"
        );
        assert!(response.headers().get(SET_COOKIE).is_none());
    }
    assert_eq!(
        app.state.sign_ins.tracked().await?,
        0,
        "refused forms leave nothing behind"
    );
    let signed_in = post_sign_in(&app, "ana@example.com", PASSWORD).await?;
    assert_eq!(
        signed_in.status(),
        StatusCode::SEE_OTHER,
        "and count for nothing"
    );
    Ok(())
}

#[tokio::test]
async fn a_console_form_over_16_kib_is_refused_with_413() -> TestResult {
    let app = spawn_app().await;
    give_password(&app, "admin@example.com").await?;
    let big = "x".repeat(100 * 1024);
    let sign_in = browser()
        .post(app.url("/sign-in"))
        .form(&[("email", big.as_str()), ("password", PASSWORD)])
        .send()
        .await?;
    assert_eq!(sign_in.status(), StatusCode::PAYLOAD_TOO_LARGE);

    let (cookie, csrf) = sign_in_as(&app, "admin@example.com").await?;
    for (path, field) in [
        ("/admin/experts", "display_name"),
        ("/admin/groups", "name"),
        ("/cases/new", "description"),
        ("/availability", "available"),
    ] {
        let response = browser()
            .post(app.url(path))
            .header(COOKIE, &cookie)
            .form(&[("csrf", csrf.as_str()), (field, big.as_str())])
            .send()
            .await?;
        assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE, "{path}");
    }
    let groups = app.store.list_groups().await?;
    assert_eq!(groups.len(), 1, "nothing was added");
    Ok(())
}

#[tokio::test]
async fn wrong_guesses_sent_at_once_get_no_more_than_the_free_attempts() -> TestResult {
    // A still clock: no wait can run out while the guesses are in flight.
    let app = spawn_app_with(Options {
        manual_clock: true,
        ..Options::default()
    })
    .await;
    with_password(&app).await?;
    let guesses = (0..10).map(|_| post_sign_in(&app, "ana@example.com", "wrong password!"));
    let mut checked = 0;
    let mut slowed = 0;
    for response in join_all(guesses).await {
        match response?.status() {
            StatusCode::UNAUTHORIZED => checked += 1,
            StatusCode::TOO_MANY_REQUESTS => slowed += 1,
            other => return Err(format!("unexpected {other}").into()),
        }
    }
    assert_eq!(
        (checked, slowed),
        (4, 6),
        "three free failures and the one that starts the wait; the rest wait"
    );
    let elsewhere = browser_from([127, 0, 0, 2].into());
    let owner = post_sign_in_with(&elsewhere, &app, "ana@example.com", PASSWORD).await?;
    assert_eq!(owner.status(), StatusCode::SEE_OTHER);
    Ok(())
}

#[tokio::test]
async fn a_sign_in_posted_from_another_site_is_refused_and_from_the_console_accepted() -> TestResult
{
    let app = spawn_app().await;
    with_password(&app).await?;
    let foreign = post_sign_in_from(&app, "https://evil.example", PASSWORD).await?;
    assert_eq!(foreign.status(), StatusCode::FORBIDDEN);
    assert!(foreign.headers().get(SET_COOKIE).is_none());
    let own = post_sign_in_from(&app, &app.base_url, PASSWORD).await?;
    assert_eq!(own.status(), StatusCode::SEE_OTHER);
    let cookie = set_cookie(&own)?;
    assert!(
        cookie.starts_with("lifeline_session=") && !cookie.contains("Secure"),
        "plain http keeps the plain cookie: {cookie}"
    );
    Ok(())
}

#[tokio::test]
async fn behind_a_proxy_the_public_url_is_the_only_origin_for_sign_in() -> TestResult {
    let app = spawn_behind_proxy().await;
    with_password(&app).await?;
    // The proxy rewrote Host to the server's own address; the browser sent the public origin.
    let through_proxy = post_sign_in_from(&app, PUBLIC_URL, PASSWORD).await?;
    assert_eq!(through_proxy.status(), StatusCode::SEE_OTHER);
    let host_only = post_sign_in_from(&app, &app.base_url, PASSWORD).await?;
    assert_eq!(
        host_only.status(),
        StatusCode::FORBIDDEN,
        "an origin matching only the rewritten Host is not the console's"
    );
    Ok(())
}

#[tokio::test]
async fn over_https_the_session_cookie_is_host_prefixed_and_only_that_one_is_read() -> TestResult {
    let app = spawn_behind_proxy().await;
    with_password(&app).await?;
    let response = post_sign_in_from(&app, PUBLIC_URL, PASSWORD).await?;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let set = set_cookie(&response)?;
    assert!(set.starts_with("__Host-lifeline_session=cs_"), "{set}");
    for attribute in ["; Secure", "; Path=/", "; HttpOnly", "; SameSite=Strict"] {
        assert!(set.contains(attribute), "{attribute}: {set}");
    }
    assert!(!set.to_ascii_lowercase().contains("domain"), "{set}");
    let cookie = set.split(';').next().ok_or("a cookie")?.to_string();
    let token = cookie
        .split_once('=')
        .map(|(_, token)| token)
        .ok_or("a value")?;

    let queue = browser()
        .get(app.url("/"))
        .header(COOKIE, &cookie)
        .send()
        .await?;
    assert_eq!(queue.status(), StatusCode::OK);
    let unprefixed = browser()
        .get(app.url("/"))
        .header(COOKIE, format!("lifeline_session={token}"))
        .send()
        .await?;
    assert_eq!(
        unprefixed.status(),
        StatusCode::SEE_OTHER,
        "over https the plain name, which any sibling site could plant, is not read"
    );
    assert_eq!(unprefixed.headers()[LOCATION], "/sign-in");

    let (cookie, csrf) = sign_in_as(&app, "ana@example.com").await?;
    let out = browser()
        .post(app.url("/sign-out"))
        .header(COOKIE, &cookie)
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await?;
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    let cleared = set_cookie(&out)?;
    assert!(
        cleared.starts_with("__Host-lifeline_session=;")
            && cleared.contains("Max-Age=0")
            && cleared.contains("; Secure"),
        "{cleared}"
    );
    Ok(())
}

#[tokio::test]
async fn a_tls_proxy_header_alone_also_makes_the_cookie_host_prefixed() -> TestResult {
    let app = spawn_app().await;
    with_password(&app).await?;
    let response = browser()
        .post(app.url("/sign-in"))
        .header("x-forwarded-proto", "https")
        .form(&[("email", "ana@example.com"), ("password", PASSWORD)])
        .send()
        .await?;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let set = set_cookie(&response)?;
    assert!(
        set.starts_with("__Host-lifeline_session=") && set.contains("; Secure"),
        "{set}"
    );
    Ok(())
}

/// Opens the case's session socket with the console cookie, from `origin`
/// (none when `None`); the Host is the server's own address. `Err(status)`
/// when the handshake is refused.
async fn open_socket(
    app: &TestApp,
    case: Uuid,
    cookie: &str,
    origin: Option<&str>,
) -> Result<Result<(), u16>, Box<dyn std::error::Error>> {
    let mut request = format!(
        "{}/api/v1/cases/{case}/session",
        app.base_url.replace("http://", "ws://")
    )
    .into_client_request()?;
    request.headers_mut().insert("cookie", cookie.parse()?);
    if let Some(origin) = origin {
        request.headers_mut().insert("origin", origin.parse()?);
    }
    match tokio_tungstenite::connect_async(request).await {
        Ok((mut socket, _)) => {
            socket.close(None).await?;
            Ok(Ok(()))
        }
        Err(tungstenite::Error::Http(response)) => Ok(Err(response.status().as_u16())),
        Err(other) => Err(other.into()),
    }
}

#[tokio::test]
async fn a_console_socket_from_a_foreign_origin_is_refused_and_from_the_console_accepted()
-> TestResult {
    let app = spawn_app().await;
    with_password(&app).await?;
    let case = app.create_case().await;
    let (cookie, _) = sign_in_as(&app, "ana@example.com").await?;
    let id = case.case.id;
    assert_eq!(
        open_socket(&app, id, &cookie, Some("https://evil.example")).await?,
        Err(403)
    );
    assert_eq!(
        open_socket(&app, id, &cookie, None).await?,
        Err(403),
        "a cookie socket must say where it comes from"
    );
    assert_eq!(
        open_socket(&app, id, &cookie, Some(&app.base_url)).await?,
        Ok(())
    );
    Ok(())
}

#[tokio::test]
async fn behind_a_proxy_a_console_socket_must_come_from_the_public_url() -> TestResult {
    let app = spawn_behind_proxy().await;
    with_password(&app).await?;
    let case = app.create_case().await;
    let (cookie, _) = sign_in_as(&app, "ana@example.com").await?;
    let id = case.case.id;
    // The Host the server sees (the proxy's rewrite) is its own address.
    assert_eq!(
        open_socket(&app, id, &cookie, Some(PUBLIC_URL)).await?,
        Ok(())
    );
    assert_eq!(
        open_socket(&app, id, &cookie, Some(&app.base_url)).await?,
        Err(403),
        "an origin matching only the rewritten Host is refused"
    );
    assert_eq!(
        open_socket(&app, id, &cookie, Some("https://evil.example")).await?,
        Err(403)
    );
    Ok(())
}
