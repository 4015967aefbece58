//! One error type for every handler: our error body, the right status, and
//! for 5xx a generic message with the detail only in the log.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use lifeline_protocol::{ErrorBody, ErrorCode};

use crate::live::{CapReached, SILENT_FOR};
use crate::store::StoreError;

/// An error answer.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: ErrorCode,
    message: String,
    retry_after_secs: Option<u64>,
}

impl ApiError {
    fn new(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            retry_after_secs: None,
        }
    }

    /// 400: the request cannot be read (malformed JSON, bad header, bad id).
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, ErrorCode::Validation, message)
    }

    /// 422: the request reads but breaks a rule.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::Validation,
            message,
        )
    }

    /// 401: no credential, or a wrong, revoked or malformed one.
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, ErrorCode::Unauthorized, message)
    }

    /// 403: a valid credential that may not do this.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, ErrorCode::Forbidden, message)
    }

    /// 404: nothing there, or nothing this credential may see.
    pub fn not_found(what: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            ErrorCode::NotFound,
            format!("{what} not found"),
        )
    }

    /// 409: the state forbids it.
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, ErrorCode::Conflict, message)
    }

    /// 422: an idempotency key reused with another body.
    pub fn idempotency_mismatch() -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::IdempotencyMismatch,
            "this Idempotency-Key was used with a different request body",
        )
    }

    /// 413: the body is over the endpoint's limit.
    pub fn payload_too_large(limit: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::PayloadTooLarge,
            format!("request body over {} KiB", limit / 1024),
        )
    }

    /// 429 with `Retry-After`.
    pub fn rate_limited(retry_after_secs: u64) -> Self {
        let mut error = Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            ErrorCode::RateLimited,
            format!("too many requests from this address; retry in {retry_after_secs} s"),
        );
        error.retry_after_secs = Some(retry_after_secs);
        error
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The message for the user (generic for 5xx).
    pub fn message(&self) -> &str {
        &self.message
    }

    /// 500; `detail` goes to the log only.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        tracing::error!(error = %detail, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            ErrorCode::Internal,
            "internal error",
        )
    }

    /// 503 while shutting down; same body shape.
    fn unavailable() -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::Internal,
            "the server is shutting down",
        )
    }
}

/// 429: too many live connections of one kind; a dead peer's place is
/// freed within the silence limit, so a retry after it may succeed.
impl From<CapReached> for ApiError {
    fn from(reached: CapReached) -> Self {
        let mut error = Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            ErrorCode::RateLimited,
            reached.to_string(),
        );
        error.retry_after_secs = Some(SILENT_FOR.as_secs() + 1);
        error
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound => Self::not_found("resource"),
            conflict @ (StoreError::CaseFinal(_) | StoreError::NoFreeCode) => {
                Self::conflict(conflict.to_string())
            }
            StoreError::Taken(what) => Self::conflict(format!("{what} is already taken")),
            StoreError::Invalid(message) => Self::invalid(message),
            StoreError::Unavailable => Self::unavailable(),
            other @ (StoreError::Database(_)
            | StoreError::Corrupt(_)
            | StoreError::Commit(_)
            | StoreError::SchemaTooNew { .. }
            | StoreError::ThreadStart { .. }) => Self::internal(other),
        }
    }
}

/// For logs and spans: the status and the message.
impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.status, self.message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody::new(self.code, self.message);
        let mut response = (self.status, axum::Json(body)).into_response();
        if let Some(secs) = self.retry_after_secs {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}
