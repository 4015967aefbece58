//! Signing in and out of the console.

use std::sync::{Arc, LazyLock};

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use serde::Deserialize;
use time::Duration;

use super::page::{Layout, PageError, SignedForm, page, see_other};
use crate::admin::verify_password;
use crate::api_error::ApiError;
use crate::caller::{SESSION_COOKIE, session_cookie};
use crate::client_addr::ClientAddr;
use crate::credentials::{hash_token, new_console_session_token};
use crate::rate_limit::Purpose;
use crate::sign_in_guard::Verdict;
use crate::state::AppState;

/// How long a console session lasts: a working day and a bit.
const SESSION_LIFETIME: Duration = Duration::hours(12);

/// Verified when the address is unknown, so an unknown address costs the
/// same time as a wrong password and the answer does not tell them apart.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    crate::admin::hash_password("no password matches this one")
        .expect("a long enough password hashes")
});

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage<'a> {
    layout: Layout,
    email: &'a str,
    error: Option<String>,
}

pub async fn sign_in_page() -> Result<Response, PageError> {
    page(&SignInPage {
        layout: Layout::default(),
        email: "",
        error: None,
    })
}

#[derive(Debug, Deserialize)]
pub struct SignInForm {
    email: String,
    password: String,
}

pub async fn sign_in(
    State(state): State<Arc<AppState>>,
    client: ClientAddr,
    headers: HeaderMap,
    Form(form): Form<SignInForm>,
) -> Result<Response, PageError> {
    state.rate_limits.charge_address(Purpose::SignIn, client)?;
    check_same_origin(&headers)?;
    let now = state.clock.now();
    let refuse = |status: StatusCode, message: String| -> Result<Response, PageError> {
        let mut response = page(&SignInPage {
            layout: Layout::default(),
            email: &form.email,
            error: Some(message),
        })?;
        *response.status_mut() = status;
        Ok(response)
    };
    if let Verdict::Wait(wait) = state.sign_ins.check(&form.email, now) {
        let secs = wait.whole_seconds().max(1);
        return refuse(
            StatusCode::TOO_MANY_REQUESTS,
            format!(
                "Too many failed sign-ins for this address. Try again in {}.",
                wait_words(secs)
            ),
        );
    }
    let record = state.store.sign_in_record(form.email.trim()).await?;
    let (hash, expert) = match &record {
        Some(r) if r.active && r.password_hash.is_some() => {
            (r.password_hash.clone().unwrap_or_default(), Some(r.id))
        }
        _ => (DUMMY_HASH.clone(), None),
    };
    let password = form.password.clone();
    // argon2 takes tens of milliseconds of CPU: off the async workers.
    let matches = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .map_err(|e| ApiError::internal(format!("password check panicked: {e}")))?;
    let Some(expert) = expert.filter(|_| matches) else {
        state.sign_ins.failed(&form.email, now);
        return refuse(
            StatusCode::UNAUTHORIZED,
            "Wrong email or password.".to_string(),
        );
    };
    state.sign_ins.succeeded(&form.email);
    let token = new_console_session_token();
    state
        .store
        .create_console_session(hash_token(&token), expert, now, now + SESSION_LIFETIME)
        .await?;
    let mut response = see_other("/");
    let cookie = format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{}",
        SESSION_LIFETIME.whole_seconds(),
        if behind_tls(&headers) { "; Secure" } else { "" }
    );
    response.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_str(&cookie).map_err(ApiError::internal)?,
    );
    Ok(response)
}

/// A form with nothing but its CSRF token.
#[derive(Debug, Deserialize)]
pub struct NoFields {}

pub async fn sign_out(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    _form: SignedForm<NoFields>,
) -> Result<Response, PageError> {
    if let Some(token) = session_cookie(&headers) {
        state.store.end_console_session(hash_token(token)).await?;
    }
    let mut response = see_other("/sign-in");
    response.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static("lifeline_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"),
    );
    Ok(response)
}

/// A browser posting the sign-in form from another site (login CSRF) sends
/// that site as its `Origin`; refuse it. Requests without `Origin` (older
/// browsers, scripts) are let through: the form holds no privilege yet.
fn check_same_origin(headers: &HeaderMap) -> Result<(), PageError> {
    let (Some(origin), Some(host)) = (
        headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()),
        headers.get(header::HOST).and_then(|v| v.to_str().ok()),
    ) else {
        return Ok(());
    };
    let origin_host = origin.split_once("://").map_or(origin, |(_, rest)| rest);
    if origin_host.eq_ignore_ascii_case(host) {
        Ok(())
    } else {
        Err(ApiError::forbidden("sign-in from another site is refused").into())
    }
}

/// Served through a TLS-terminating proxy: the cookie must then be `Secure`.
fn behind_tls(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|proto| proto.eq_ignore_ascii_case("https"))
}

fn wait_words(secs: i64) -> String {
    if secs < 60 {
        format!("{secs} s")
    } else {
        format!("{} min", (secs + 59) / 60)
    }
}
