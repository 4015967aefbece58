//! Ids named in paths and forms: a malformed one is 400, naming what it is.

use std::sync::Arc;

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use axum::response::{IntoResponse as _, Response};
use uuid::Uuid;

use crate::api_error::ApiError;
use crate::state::AppState;

/// Parses an id; a malformed one is 400 `{what}: not a UUID`.
pub fn parse_id(text: &str, what: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(text).map_err(|_| ApiError::bad_request(format!("{what}: not a UUID")))
}

/// The case id of an `/api/v1/cases/{id}…` path.
#[derive(Debug, Clone, Copy)]
pub struct CaseId(pub Uuid);

impl FromRequestParts<Arc<AppState>> for CaseId {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, Response> {
        // A path that does not decode answers as axum answers it.
        let Path(text) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|rejection| rejection.into_response())?;
        parse_id(&text, "case id")
            .map(Self)
            .map_err(|e| e.into_response())
    }
}
