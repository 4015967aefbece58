//! Signing in and out of the console.

use std::sync::{Arc, LazyLock};

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use serde::Deserialize;
use time::Duration;

use lifeline_protocol::Email;

use super::language::current;
use super::page::{Layout, PageError, SignedForm, page, see_other};
use crate::admin::{PASSWORD_MAX_CHARS, PASSWORD_MIN_CHARS, check_password_length};
use crate::api_error::ApiError;
use crate::audit::{AuditAction, AuditBy, acting};
use crate::caller::{SECURE_SESSION_COOKIE, session_cookie, session_cookie_name};
use crate::client_addr::ClientAddr;
use crate::credentials::{hash_token, new_console_session_token};
use crate::public_url::{proxy_origin_hint, same_origin};
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
    /// Marks both fields `aria-invalid`: what was typed is what failed.
    invalid: bool,
    /// The field that has focus when the page opens (`email` or `password`),
    /// so after a refusal the keyboard is back where the fix is typed.
    focus: &'static str,
}

/// Why a sign-in was refused, for the page that says so.
enum Refusal {
    /// The address is not one: fix it.
    BadEmail,
    /// Wrong email or password: fix either, most likely the password.
    Wrong,
    /// Too many failures: nothing typed is wrong, wait.
    Slowed,
}

pub async fn sign_in_page() -> Result<Response, PageError> {
    page(&SignInPage {
        layout: Layout::default(),
        email: "",
        error: None,
        invalid: false,
        focus: "email",
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
    state
        .rate_limits
        .charge_address(Purpose::SignIn, client)
        .await?;
    check_same_origin(&state, &headers)?;
    let refuse =
        |status: StatusCode, why: Refusal, message: String| -> Result<Response, PageError> {
            let mut response = page(&SignInPage {
                layout: Layout::default(),
                email: &form.email,
                error: Some(message),
                invalid: !matches!(why, Refusal::Slowed),
                focus: match why {
                    Refusal::BadEmail => "email",
                    Refusal::Wrong | Refusal::Slowed => "password",
                },
            })?;
            *response.status_mut() = status;
            Ok(response)
        };
    // Checked before anything is hashed or remembered.
    let Ok(email) = Email::parse(form.email.trim()) else {
        return refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            Refusal::BadEmail,
            current().t("sign-in-bad-email"),
        );
    };
    if check_password_length(&form.password).is_err() {
        return refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            Refusal::Wrong,
            current().t_args(
                "sign-in-wrong-length",
                &[
                    ("min", count(PASSWORD_MIN_CHARS)),
                    ("max", count(PASSWORD_MAX_CHARS)),
                ],
            ),
        );
    }
    let attempt = match state
        .sign_ins
        .begin(email.as_str(), client.ip(), state.clock.now())
        .await?
    {
        Verdict::Allowed(attempt) => attempt,
        Verdict::Wait(wait) => {
            let secs = wait.whole_seconds().max(1);
            let mut response = refuse(
                StatusCode::TOO_MANY_REQUESTS,
                Refusal::Slowed,
                current().t_with("sign-in-slowed", "duration", &wait_words(secs)),
            )?;
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
            return Ok(response);
        }
    };
    // From here an early return (store or gate failure) drops the attempt,
    // which releases it: only a judged password counts.
    let record = state.store.sign_in_record(email.as_str()).await?;
    let (hash, expert) = match &record {
        Some(r) if r.active && r.password_hash.is_some() => {
            (r.password_hash.clone().unwrap_or_default(), Some(r.id))
        }
        _ => (DUMMY_HASH.clone(), None),
    };
    let matches = state.passwords.verify(form.password.clone(), hash).await?;
    let Some(expert) = expert.filter(|_| matches) else {
        attempt.failed(state.clock.now()).await?;
        let by = AuditBy::unknown(email.as_str(), client);
        let failed = state
            .store
            .record_audit(AuditAction::SignInFailed, None, state.clock.now());
        acting(by, failed).await?;
        return refuse(
            StatusCode::UNAUTHORIZED,
            Refusal::Wrong,
            current().t("sign-in-wrong"),
        );
    };
    let now = state.clock.now();
    attempt.succeeded(now).await?;
    let token = new_console_session_token();
    // The sign-in's audit entry names the expert; this gives it the address.
    let by = AuditBy::unknown(email.as_str(), client);
    let session =
        state
            .store
            .create_console_session(hash_token(&token), expert, now, now + SESSION_LIFETIME);
    acting(by, session).await?;
    let mut response = see_other("/");
    let cookie = session_cookie_header(&state, &headers, &token, SESSION_LIFETIME.whole_seconds());
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
    if let Some(token) = session_cookie(&state, &headers) {
        state.store.end_console_session(hash_token(token)).await?;
    }
    let mut response = see_other("/sign-in");
    let cleared = session_cookie_header(&state, &headers, "", 0);
    response.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_str(&cleared).map_err(ApiError::internal)?,
    );
    Ok(response)
}

/// `Set-Cookie` for the session: `__Host-` and `Secure` over https (no
/// `Domain`, `Path=/`, as that prefix demands), the plain name otherwise.
fn session_cookie_header(
    state: &AppState,
    headers: &HeaderMap,
    token: &str,
    max_age_secs: i64,
) -> String {
    let name = session_cookie_name(state, headers);
    let secure = if name == SECURE_SESSION_COOKIE {
        "; Secure"
    } else {
        ""
    };
    format!("{name}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age_secs}{secure}")
}

/// A browser posting the sign-in form from another site (login CSRF) sends
/// that site as its `Origin`; refuse it. Requests without `Origin` (older
/// browsers, scripts) are let through: the form holds no privilege yet.
fn check_same_origin(state: &AppState, headers: &HeaderMap) -> Result<(), PageError> {
    if same_origin(state.public_url.as_ref(), headers) == Some(false) {
        // Most likely a proxy rewriting Host, not an attack: tell the operator.
        if let Some(hint) = proxy_origin_hint(state.public_url.as_ref(), headers) {
            tracing::warn!("sign-in refused: {hint}");
        }
        Err(ApiError::forbidden("sign-in from another site is refused").into())
    } else {
        Ok(())
    }
}

fn count(n: usize) -> lifeline_i18n::Arg<'static> {
    lifeline_i18n::Arg::Number(i64::try_from(n).unwrap_or(i64::MAX))
}

fn wait_words(secs: i64) -> String {
    let tr = current();
    if secs < 60 {
        tr.t_count("duration-seconds", "seconds", secs)
    } else {
        tr.t_count("duration-minutes", "minutes", (secs + 59) / 60)
    }
}
