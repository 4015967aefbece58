//! Who is calling, and what they may reach: credentials read from the request
//! (bearer token or console cookie) and resolved against the store, as
//! extractors that open each handler.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse as _, Response};
use uuid::Uuid;

use lifeline_protocol::Case;

use crate::api_error::ApiError;
use crate::audit::AuditBy;
use crate::case_access::visible_case;
use crate::client_addr::ClientAddr;
use crate::credentials::{TokenHash, TokenKind, hash_token};
use crate::ids::CaseId;
use crate::public_url::served_over_https;
use crate::rate_limit::Purpose;
use crate::state::AppState;
use crate::store::{Actor, DeploymentAuth, ExpertAuth};
use crate::within_rate::{charge_deployment, charge_if_refused};

/// Someone allowed to see one case.
#[derive(Debug)]
pub enum CaseCaller {
    /// The customer holding the case's token.
    Customer,
    /// An expert of the case's group, or an admin.
    Expert(ExpertAuth),
}

impl CaseCaller {
    /// The history's actor.
    pub fn actor(&self) -> Actor {
        match self {
            CaseCaller::Customer => Actor::Customer,
            CaseCaller::Expert(expert) => expert_actor(expert),
        }
    }
}

/// The history's actor for an expert.
pub fn expert_actor(expert: &ExpertAuth) -> Actor {
    Actor::Expert {
        id: expert.id,
        name: expert.display_name.clone(),
    }
}

/// A bearer credential: its kind (from the prefix) and its hash.
#[derive(Debug, Clone, Copy)]
pub struct Bearer {
    /// What the prefix says it is.
    pub kind: TokenKind,
    /// Its SHA-256, for lookup.
    pub hash: TokenHash,
}

/// Reads `Authorization: Bearer …`; missing or malformed is 401.
pub fn bearer(headers: &HeaderMap) -> Result<Bearer, ApiError> {
    let value = headers
        .get(header::AUTHORIZATION)
        .ok_or_else(|| ApiError::unauthorized("missing Authorization: Bearer token"))?;
    let token = value
        .to_str()
        .ok()
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .ok_or_else(|| ApiError::unauthorized("expected Authorization: Bearer <token>"))?;
    let kind = TokenKind::of(token).ok_or_else(|| ApiError::unauthorized("malformed token"))?;
    Ok(Bearer {
        kind,
        hash: hash_token(token),
    })
}

/// Name of the console's session cookie over plain http.
pub const SESSION_COOKIE: &str = "lifeline_session";

/// Its name over https. Browsers keep a `__Host-` cookie only when it is
/// `Secure`, for `Path=/` and without `Domain`, so neither a sibling site nor
/// a plain-http page can plant one.
pub const SECURE_SESSION_COOKIE: &str = "__Host-lifeline_session";

/// The session cookie's name for this request: one rule for setting,
/// clearing and reading it, so only the right one is ever accepted.
pub fn session_cookie_name(state: &AppState, headers: &HeaderMap) -> &'static str {
    if served_over_https(state.public_url.as_ref(), headers) {
        SECURE_SESSION_COOKIE
    } else {
        SESSION_COOKIE
    }
}

/// The console session token from the `Cookie` header(s), if any.
pub fn session_cookie<'h>(state: &AppState, headers: &'h HeaderMap) -> Option<&'h str> {
    let wanted = session_cookie_name(state, headers);
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == wanted)
        .map(|(_, value)| value)
        .filter(|value| !value.is_empty())
}

/// The console session cookie, when no bearer credential is given (a bearer
/// token always wins: integrations never depend on a browser's cookies).
pub fn console_session<'h>(state: &AppState, headers: &'h HeaderMap) -> Option<&'h str> {
    if headers.contains_key(header::AUTHORIZATION) {
        return None;
    }
    session_cookie(state, headers)
}

/// The credential an expert signed a request with, kept by live streams and
/// sockets to ask again later whether the expert may still follow the case.
#[derive(Debug, Clone, Copy)]
pub enum ExpertCredential {
    /// The console session cookie, hashed.
    Session(TokenHash),
    /// An `et_` token, hashed.
    Token(TokenHash),
}

impl ExpertCredential {
    /// The hashed credential itself.
    pub fn hash(&self) -> TokenHash {
        match self {
            Self::Session(hash) | Self::Token(hash) => *hash,
        }
    }

    /// The credential of a request: its console session, else its bearer
    /// token (an expert's `et_` token, or a customer's case token, which
    /// event streams are counted under too).
    pub fn of(state: &AppState, headers: &HeaderMap) -> Result<Self, ApiError> {
        match console_session(state, headers) {
            Some(session) => Ok(Self::Session(hash_token(session))),
            None => bearer(headers).map(|b| Self::Token(b.hash)),
        }
    }

    /// The active expert the credential names now; `None` once the expert
    /// is deactivated, the token revoked or the session ended.
    pub async fn expert(&self, state: &AppState) -> Result<Option<ExpertAuth>, ApiError> {
        Ok(match self {
            Self::Session(hash) => {
                state
                    .store
                    .expert_by_session(hash, state.clock.now())
                    .await?
            }
            Self::Token(hash) => state.store.expert_by_token(hash).await?,
        })
    }

    /// Whether the credential still names an active expert who sees `group`
    /// (a deactivated expert, a revoked token, an ended session or a removal
    /// from the group all answer no).
    pub async fn still_sees(&self, state: &AppState, group: Uuid) -> Result<bool, ApiError> {
        let expert = self.expert(state).await?;
        Ok(expert.is_some_and(|expert| expert.sees_group(group)))
    }
}

/// Whether the request is authenticated by the console cookie.
pub fn uses_console_cookie(state: &AppState, headers: &HeaderMap) -> bool {
    console_session(state, headers).is_some()
}

/// The expert signed in with a console session.
pub async fn expert_from_session(state: &AppState, token: &str) -> Result<ExpertAuth, ApiError> {
    state
        .store
        .expert_by_session(&hash_token(token), state.clock.now())
        .await?
        .ok_or_else(|| ApiError::unauthorized("the console session has ended; sign in again"))
}

async fn expert_from_token(state: &AppState, hash: &TokenHash) -> Result<ExpertAuth, ApiError> {
    state
        .store
        .expert_by_token(hash)
        .await?
        .ok_or_else(|| ApiError::unauthorized("unknown or revoked expert token"))
}

async fn deployment_from_key(
    state: &AppState,
    hash: &TokenHash,
) -> Result<DeploymentAuth, ApiError> {
    state
        .store
        .deployment_by_key(hash, state.clock.now())
        .await?
        .ok_or_else(|| ApiError::unauthorized("unknown or revoked deployment key"))
}

/// An expert calling an expert endpoint (`et_` token or console session).
async fn expert_caller(state: &AppState, headers: &HeaderMap) -> Result<ExpertAuth, ApiError> {
    if let Some(session) = console_session(state, headers) {
        return expert_from_session(state, session).await;
    }
    let credential = bearer(headers)?;
    match credential.kind {
        TokenKind::Expert => expert_from_token(state, &credential.hash).await,
        _ => Err(ApiError::forbidden("this endpoint is for experts")),
    }
}

/// A deployment key calling a customer endpoint.
async fn deployment_caller(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<DeploymentAuth, ApiError> {
    let credential = bearer(headers)?;
    match credential.kind {
        TokenKind::Deployment => deployment_from_key(state, &credential.hash).await,
        _ => Err(ApiError::forbidden("this endpoint takes a deployment key")),
    }
}

/// Resolves the caller of `/api/v1/cases/{id}…` and the case as it stands.
/// A case token for another case, an expert outside the case's groups, or a
/// deployment key all get 404: they may not learn that the case exists.
async fn case_caller(
    state: &AppState,
    headers: &HeaderMap,
    id: Uuid,
) -> Result<(CaseCaller, Case), ApiError> {
    if let Some(session) = console_session(state, headers) {
        let expert = expert_from_session(state, session).await?;
        let case = visible_case(state, &expert, id).await?;
        return Ok((CaseCaller::Expert(expert), case));
    }
    let credential = bearer(headers)?;
    match credential.kind {
        TokenKind::Case => {
            let case = state
                .store
                .case_by_token(&credential.hash, state.clock.now())
                .await?
                .ok_or_else(|| ApiError::unauthorized("unknown case token"))?;
            if case.id != id {
                return Err(ApiError::not_found("case"));
            }
            Ok((CaseCaller::Customer, case))
        }
        TokenKind::Expert => {
            let expert = expert_from_token(state, &credential.hash).await?;
            let case = visible_case(state, &expert, id).await?;
            Ok((CaseCaller::Expert(expert), case))
        }
        TokenKind::Deployment => {
            deployment_from_key(state, &credential.hash).await?;
            Err(ApiError::not_found("case"))
        }
    }
}

/// An expert: an `et_` token, or the console cookie when no token is sent.
#[derive(Debug)]
pub struct ExpertCaller(pub ExpertAuth);

impl FromRequestParts<Arc<AppState>> for ExpertCaller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, ApiError> {
        expert_caller(state, &parts.headers).await.map(Self)
    }
}

/// An expert who is an admin, as the audit log names them (with the
/// client address); other experts get 403.
#[derive(Debug)]
pub struct AdminCaller(pub AuditBy);

impl FromRequestParts<Arc<AppState>> for AdminCaller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, ApiError> {
        let expert = expert_caller(state, &parts.headers).await?;
        if !expert.admin {
            return Err(ApiError::forbidden("this endpoint is for admins"));
        }
        let client = ClientAddr::from_request_parts(parts, state).await?;
        Ok(Self(AuditBy::expert(&expert, client)))
    }
}

/// A deployment key (`dk_`, the app on a customer's machine) entering a
/// manual case's code, within its address's join budget and the key's own.
#[derive(Debug)]
pub struct JoiningDeployment(pub DeploymentAuth);

impl FromRequestParts<Arc<AppState>> for JoiningDeployment {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, ApiError> {
        let client = ClientAddr::from_request_parts(parts, state).await?;
        let deployment = charge_if_refused(
            state,
            client,
            deployment_caller(state, &parts.headers).await,
        )
        .await?;
        charge_deployment(state, client, Purpose::Join, &deployment).await?;
        Ok(Self(deployment))
    }
}

/// Who creates a case: an expert with an `et_` token (a manual case), or a
/// deployment key (a customer's request), the latter within its address's
/// create budget and the key's own. The console cookie does not create cases
/// through the API.
#[derive(Debug)]
pub enum CaseCreator {
    /// An expert's manual case.
    Expert(ExpertAuth),
    /// A customer's request through the app.
    Deployment(DeploymentAuth),
}

impl FromRequestParts<Arc<AppState>> for CaseCreator {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, ApiError> {
        let client = ClientAddr::from_request_parts(parts, state).await?;
        let creator = async {
            let credential = bearer(&parts.headers)?;
            if credential.kind == TokenKind::Expert {
                return expert_from_token(state, &credential.hash)
                    .await
                    .map(Self::Expert);
            }
            deployment_caller(state, &parts.headers)
                .await
                .map(Self::Deployment)
        };
        let creator = charge_if_refused(state, client, creator.await).await?;
        if let Self::Deployment(deployment) = &creator {
            charge_deployment(state, client, Purpose::Create, deployment).await?;
        }
        Ok(creator)
    }
}

/// The caller of `/api/v1/cases/{id}…` and the case as it stands: the case's
/// customer, or an expert who sees it. Anyone else gets 404 (or 401 for a
/// credential that is no good at all).
#[derive(Debug)]
pub struct CaseAccess {
    /// The case's id, from the path.
    pub id: Uuid,
    /// Who is calling.
    pub caller: CaseCaller,
    /// The case, read as the call began.
    pub case: Case,
}

impl FromRequestParts<Arc<AppState>> for CaseAccess {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, Response> {
        let CaseId(id) = CaseId::from_request_parts(parts, state).await?;
        let (caller, case) = case_caller(state, &parts.headers, id)
            .await
            .map_err(|e| e.into_response())?;
        Ok(Self { id, caller, case })
    }
}
