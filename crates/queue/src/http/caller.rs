//! Who is calling, and what they may reach.

use std::sync::Arc;

use axum::http::HeaderMap;
use uuid::Uuid;

use lifeline_protocol::Case;

use super::error::ApiError;
use super::extract::bearer;
use crate::app::AppState;
use crate::credentials::TokenKind;
use crate::store::{Actor, DeploymentAuth, ExpertAuth};

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

/// Resolves the caller of `/api/v1/cases/{id}…` and the case as it stands.
/// A case token for another case, an expert outside the case's groups, or a
/// deployment key all get 404: they may not learn that the case exists.
pub async fn case_caller(
    state: &Arc<AppState>,
    headers: &HeaderMap,
    id: Uuid,
) -> Result<(CaseCaller, Case), ApiError> {
    let credential = bearer(headers)?;
    let now = state.clock.now();
    match credential.kind {
        TokenKind::Case => {
            let case = state
                .store
                .case_by_token(&credential.hash, now)
                .await?
                .ok_or_else(|| ApiError::unauthorized("unknown case token"))?;
            if case.id != id {
                return Err(ApiError::not_found("case"));
            }
            Ok((CaseCaller::Customer, case))
        }
        TokenKind::Expert => {
            let expert = expert_from_token(state, &credential.hash).await?;
            let case = state
                .store
                .case(id, now)
                .await?
                .ok_or_else(|| ApiError::not_found("case"))?;
            if !expert.sees_group(case.group.id) {
                return Err(ApiError::not_found("case"));
            }
            Ok((CaseCaller::Expert(expert), case))
        }
        TokenKind::Deployment => {
            deployment_from_key(state, &credential.hash).await?;
            Err(ApiError::not_found("case"))
        }
    }
}

async fn expert_from_token(state: &AppState, hash: &[u8; 32]) -> Result<ExpertAuth, ApiError> {
    state
        .store
        .expert_by_token(hash)
        .await?
        .ok_or_else(|| ApiError::unauthorized("unknown or revoked expert token"))
}

async fn deployment_from_key(
    state: &AppState,
    hash: &[u8; 32],
) -> Result<DeploymentAuth, ApiError> {
    state
        .store
        .deployment_by_key(hash)
        .await?
        .ok_or_else(|| ApiError::unauthorized("unknown or revoked deployment key"))
}

/// An expert calling an expert endpoint (`et_` token; console sessions come later).
pub async fn expert_caller(state: &AppState, headers: &HeaderMap) -> Result<ExpertAuth, ApiError> {
    let credential = bearer(headers)?;
    match credential.kind {
        TokenKind::Expert => expert_from_token(state, &credential.hash).await,
        _ => Err(ApiError::forbidden("this endpoint is for experts")),
    }
}

/// An admin calling an admin endpoint.
pub async fn admin_caller(state: &AppState, headers: &HeaderMap) -> Result<ExpertAuth, ApiError> {
    let expert = expert_caller(state, headers).await?;
    if !expert.admin {
        return Err(ApiError::forbidden("this endpoint is for admins"));
    }
    Ok(expert)
}

/// A deployment key calling a customer endpoint.
pub async fn deployment_caller(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<DeploymentAuth, ApiError> {
    let credential = bearer(headers)?;
    match credential.kind {
        TokenKind::Deployment => deployment_from_key(state, &credential.hash).await,
        _ => Err(ApiError::forbidden("this endpoint takes a deployment key")),
    }
}
