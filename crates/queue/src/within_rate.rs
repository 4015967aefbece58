//! Charging a request to its rate limits at the right moment: a valid
//! deployment key's create or join to its address's budget for that purpose
//! and to the key's own budget; a wrong credential to its address's
//! bad-credential budget, so guessing keys never costs a valid key anything.

use axum::http::StatusCode;

use crate::api_error::ApiError;
use crate::client_addr::ClientAddr;
use crate::rate_limit::Purpose;
use crate::state::AppState;
use crate::store::DeploymentAuth;

/// Passes `authenticated` through; a 401 (no credential, or a wrong one) is
/// first charged to `client`'s bad-credential budget, and becomes 429 once
/// that is used up.
pub async fn charge_if_refused<T>(
    state: &AppState,
    client: ClientAddr,
    authenticated: Result<T, ApiError>,
) -> Result<T, ApiError> {
    match authenticated {
        Err(refused) if refused.status() == StatusCode::UNAUTHORIZED => {
            state
                .rate_limits
                .charge_address(Purpose::BadCredential, client)
                .await?;
            Err(refused)
        }
        other => other,
    }
}

/// Charges a verified deployment key's request for `purpose` to `client`'s
/// budget and to the key's: 429 with `Retry-After` when either is used up.
pub async fn charge_deployment(
    state: &AppState,
    client: ClientAddr,
    purpose: Purpose,
    deployment: &DeploymentAuth,
) -> Result<(), ApiError> {
    state.rate_limits.charge_address(purpose, client).await?;
    state.rate_limits.charge_deployment(deployment.id).await
}
