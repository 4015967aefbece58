//! What every console page shares: the signed-in expert, CSRF-checked forms,
//! the page frame, and failures shown as pages.

use std::sync::Arc;

use askama::Template;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::de::DeserializeOwned;

use super::language::{Tr, choose, current};
use crate::api_error::ApiError;
use crate::audit::AuditBy;
use crate::caller::{expert_from_session, session_cookie};
use crate::client_addr::ClientAddr;
use crate::credentials::same_secret;
use crate::state::AppState;
use crate::store::{ExpertAuth, StoreError};

/// What the page frame shows: who is signed in, the CSRF token for its
/// forms, and the words of the request's language (see `super::language`).
#[derive(Debug, Clone, Default)]
pub struct Layout {
    pub signed_in: bool,
    pub expert_name: String,
    pub admin: bool,
    pub available: bool,
    pub csrf: String,
    /// Which navigation entry is current.
    pub section: &'static str,
    pub tr: Tr,
}

/// The words templates place: `{{ layout.t("queue-heading") }}`.
impl Layout {
    pub fn t(&self, id: &str) -> String {
        self.tr.t(id)
    }

    pub fn t_with(&self, id: &str, name: &str, value: &str) -> String {
        self.tr.t_with(id, name, value)
    }

    /// The page's `<title>`: `page` in the console's frame.
    pub fn title(&self, page: &str) -> String {
        self.tr.t_with("console-title", "page", page)
    }

    pub fn lang(&self) -> &'static str {
        self.tr.lang()
    }

    pub fn dir(&self) -> &'static str {
        self.tr.dir()
    }

    pub fn script_json(&self) -> String {
        self.tr.script_json()
    }
}

/// A signed-in expert on a console page.
#[derive(Debug)]
pub struct Signed {
    pub expert: ExpertAuth,
    /// Where the request came from.
    pub client: ClientAddr,
    /// The session's CSRF token.
    pub csrf: String,
}

impl Signed {
    /// The page frame for `section`.
    pub async fn layout(
        &self,
        state: &AppState,
        section: &'static str,
    ) -> Result<Layout, PageError> {
        let available = state
            .store
            .expert(self.expert.id)
            .await?
            .is_some_and(|e| e.available);
        Ok(Layout {
            signed_in: true,
            expert_name: self.expert.display_name.clone(),
            admin: self.expert.admin,
            available,
            csrf: self.csrf.clone(),
            section,
            tr: current(),
        })
    }

    /// Admin pages refuse plain experts. For an admin, answers who the
    /// audit log names for the changes they make (see `crate::audit::acting`).
    pub fn require_admin(&self) -> Result<AuditBy, PageError> {
        if self.expert.admin {
            Ok(AuditBy::expert(&self.expert, self.client))
        } else {
            Err(PageError::from(ApiError::forbidden(
                current().t("page-error-admins-only"),
            )))
        }
    }
}

impl FromRequestParts<Arc<AppState>> for Signed {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, Response> {
        let client = ClientAddr::from_request_parts(parts, state)
            .await
            .map_err(|e| PageError::from(e).into_response())?;
        let not_signed_in = || {
            // Scripts' requests get a status they can act on; pages go to sign-in.
            if parts.uri.path().starts_with("/console/") {
                StatusCode::UNAUTHORIZED.into_response()
            } else {
                Redirect::to("/sign-in").into_response()
            }
        };
        let Some(token) = session_cookie(state, &parts.headers) else {
            return Err(not_signed_in());
        };
        match expert_from_session(state, token).await {
            Ok(expert) => {
                // The expert's own choice of language beats the browser's.
                let chosen = state
                    .store
                    .expert_language(expert.id)
                    .await
                    .map_err(|e| PageError::from(e).into_response())?;
                if let Some(tag) = chosen {
                    choose(&tag);
                }
                Ok(Signed {
                    expert,
                    client,
                    csrf: state.secret.csrf_token(token),
                })
            }
            Err(e) if e.status() == StatusCode::UNAUTHORIZED => Err(not_signed_in()),
            Err(e) => Err(PageError::from(e).into_response()),
        }
    }
}

/// A console form post: the signed-in expert and the form's fields, accepted
/// only with the session's CSRF token in the `csrf` field.
#[derive(Debug)]
pub struct SignedForm<T> {
    pub signed: Signed,
    pub form: T,
}

impl<T: DeserializeOwned> FromRequest<Arc<AppState>> for SignedForm<T> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &Arc<AppState>) -> Result<Self, Response> {
        let (mut parts, body) = request.into_parts();
        let signed = Signed::from_request_parts(&mut parts, state).await?;
        let request = Request::from_parts(parts, body);
        let bytes = Bytes::from_request(request, state).await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                PageError::from(ApiError::payload_too_large(super::FORM_BODY_LIMIT))
            } else {
                PageError::bad_request(e.body_text())
            }
            .into_response()
        })?;
        let sent = form_urlencoded::parse(&bytes)
            .find(|(name, _)| name == "csrf")
            .map(|(_, value)| value.into_owned())
            .unwrap_or_default();
        if !same_secret(&sent, &signed.csrf) {
            return Err(
                PageError::from(ApiError::forbidden(current().t("page-error-csrf")))
                    .into_response(),
            );
        }
        let form = serde_urlencoded::from_bytes(&bytes).map_err(|e| {
            PageError::bad_request(format!("the form is not valid: {e}")).into_response()
        })?;
        Ok(Self { signed, form })
    }
}

/// Renders a template as a page.
pub fn page(template: &impl Template) -> Result<Response, PageError> {
    let html = template
        .render()
        .map_err(|e| PageError::from(ApiError::internal(format!("template failed: {e}"))))?;
    Ok(Html(html).into_response())
}

/// A failure shown as a page: the API's status, and what went wrong in the
/// expert's language wherever the console can say it. The English message
/// is kept for the log and for failures only a hand-made request meets (an
/// unknown form field, a malformed id); the API's own answers stay English,
/// for the integrations that read them.
#[derive(Debug)]
pub struct PageError {
    error: ApiError,
    said: Option<String>,
}

impl PageError {
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::from(ApiError::bad_request(message))
    }

    /// A form value that breaks a rule (422): `message` in English for the
    /// log, `said` for the expert.
    pub fn invalid(message: impl Into<String>, said: String) -> Self {
        Self::said(ApiError::invalid(message), said)
    }

    /// `error`, told the expert as `said`.
    pub fn said(error: ApiError, said: String) -> Self {
        Self {
            error,
            said: Some(said),
        }
    }
}

impl From<ApiError> for PageError {
    fn from(error: ApiError) -> Self {
        // What a person needs to know is the same for every failure of these
        // kinds; the English message names the resource or the limit.
        let said = match error.status() {
            StatusCode::NOT_FOUND => Some(current().t("page-error-gone")),
            StatusCode::TOO_MANY_REQUESTS => Some(current().t_count(
                "page-error-wait",
                "seconds",
                i64::try_from(error.retry_after_secs().unwrap_or(1)).unwrap_or(i64::MAX),
            )),
            _ => None,
        };
        Self { error, said }
    }
}

impl From<StoreError> for PageError {
    fn from(error: StoreError) -> Self {
        let tr = current();
        let said = match &error {
            StoreError::NotFound => Some(tr.t("page-error-gone")),
            StoreError::CaseFinal(state) => Some(tr.t_with(
                "page-error-case-final",
                "state",
                &super::views::state_label(*state),
            )),
            StoreError::Taken("email") => Some(tr.t("page-error-email-taken")),
            StoreError::Taken("group name") => Some(tr.t("page-error-group-name-taken")),
            StoreError::Full | StoreError::Commit(_) | StoreError::Unavailable => {
                Some(tr.t("page-error-not-saved"))
            }
            _ => None,
        };
        Self {
            error: ApiError::from(error),
            said,
        }
    }
}

impl From<crate::admin::PasswordError> for PageError {
    fn from(error: crate::admin::PasswordError) -> Self {
        let said = password_rule(&current());
        Self::invalid(error.to_string(), said)
    }
}

impl From<crate::password_gate::HashError> for PageError {
    fn from(error: crate::password_gate::HashError) -> Self {
        match error {
            crate::password_gate::HashError::Password(e) => Self::from(e),
            crate::password_gate::HashError::Unavailable(e) => Self::from(e),
        }
    }
}

/// A form field whose value is refused: `message` in English for the log;
/// the expert is asked to check the field, named by its label `label_id`.
pub fn field_refused(message: impl Into<String>, label_id: &str) -> PageError {
    let tr = current();
    PageError::invalid(
        message,
        tr.t_with("page-error-field", "field", &tr.t(label_id)),
    )
}

/// The password rule, in the expert's language.
fn password_rule(tr: &Tr) -> String {
    tr.t_args(
        "page-error-password-length",
        &[
            (
                "min",
                lifeline_i18n::Arg::Number(crate::admin::PASSWORD_MIN_CHARS as i64),
            ),
            (
                "max",
                lifeline_i18n::Arg::Number(crate::admin::PASSWORD_MAX_CHARS as i64),
            ),
        ],
    )
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    layout: Layout,
    title: &'a str,
    message: &'a str,
    back: &'a str,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let status = self.error.status();
        let tr = current();
        let title = tr.t(match status {
            StatusCode::NOT_FOUND => "page-error-not-found",
            StatusCode::FORBIDDEN => "page-error-forbidden",
            StatusCode::CONFLICT => "page-error-conflict",
            StatusCode::TOO_MANY_REQUESTS => "page-error-slow-down",
            s if s.is_server_error() => "page-error-internal",
            _ => "page-error-refused",
        });
        if self.said.is_some() {
            // The page tells the expert; the wire-level detail is for whoever reads the log.
            tracing::debug!(%status, detail = self.error.message(), "console page refused");
        }
        let page = ErrorPage {
            layout: Layout::default(),
            title: &title,
            message: self.said.as_deref().unwrap_or(self.error.message()),
            back: "/",
        };
        let mut response = match page.render() {
            Ok(html) => (status, Html(html)).into_response(),
            Err(_) => (status, self.error.message().to_string()).into_response(),
        };
        if let Some(secs) = self.error.retry_after_secs() {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

/// Where a form post goes next (Post/Redirect/Get).
pub fn see_other(path: &str) -> Response {
    Redirect::to(path).into_response()
}
