//! The per-address limit on case creation, code entry and sign-in, as the
//! answer a handler gives when an address is over it.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::response::{IntoResponse as _, Response};

use crate::api_error::ApiError;
use crate::state::AppState;

/// 429 with `Retry-After` when `peer` is over its limit.
pub fn check_rate(state: &AppState, peer: SocketAddr) -> Result<(), ApiError> {
    match &state.rate_limiter {
        Some(limiter) => limiter.check(peer.ip()).map_err(ApiError::rate_limited),
        None => Ok(()),
    }
}

/// A request from an address within its limit.
#[derive(Debug, Clone, Copy)]
pub struct WithinRate;

impl FromRequestParts<Arc<AppState>> for WithinRate {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, Response> {
        let ConnectInfo(peer) = ConnectInfo::<SocketAddr>::from_request_parts(parts, state)
            .await
            .map_err(|rejection| rejection.into_response())?;
        check_rate(state, peer).map_err(|e| e.into_response())?;
        Ok(Self)
    }
}
