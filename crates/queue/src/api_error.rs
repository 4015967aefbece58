//! One error type for every handler: our error body, the right status, and
//! for 5xx a generic message with the detail only in the log.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use lifeline_protocol::{ErrorBody, ErrorCode};

use crate::live::{CapReached, SILENT_FOR};
use crate::store::StoreError;

/// When a client should retry a write that was not saved.
const NOT_SAVED_RETRY_SECS: u64 = 30;
/// When a client should retry while the database cannot be reached: a
/// restart or a failover is over in seconds, and the server reconnects itself.
const UNAVAILABLE_RETRY_SECS: u64 = 2;

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

    /// 429 with `Retry-After`: the deployment key's own budget is used up.
    pub fn deployment_rate_limited(retry_after_secs: u64) -> Self {
        let mut error = Self::rate_limited(retry_after_secs);
        error.message =
            format!("too many requests with this deployment key; retry in {retry_after_secs} s");
        error
    }

    /// 408: the request body stopped arriving.
    pub fn body_too_slow() -> Self {
        Self::new(
            StatusCode::REQUEST_TIMEOUT,
            ErrorCode::Validation,
            "the request body arrived too slowly",
        )
    }

    /// 503: the answer took longer than the server allows any request.
    pub fn answer_too_slow() -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::Internal,
            "the server took too long to answer; try again",
        )
    }

    /// 429 with `Retry-After`: too many wrong codes from everyone together.
    pub fn join_budget_spent(retry_after_secs: u64) -> Self {
        let mut error = Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            ErrorCode::RateLimited,
            format!("too many wrong session codes were entered; retry in {retry_after_secs} s"),
        );
        error.retry_after_secs = Some(retry_after_secs);
        error
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// Seconds to wait before trying again, for a refusal that knows.
    pub fn retry_after_secs(&self) -> Option<u64> {
        self.retry_after_secs
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

    /// 503 with `Retry-After`: the server has no room for this now.
    pub fn overloaded(message: impl Into<String>, retry_after_secs: u64) -> Self {
        let mut error = Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::Internal,
            message,
        );
        error.retry_after_secs = Some(retry_after_secs);
        error
    }

    /// 503 while shutting down; same body shape.
    /// 503 with `Retry-After`: the database cannot be reached just now (it
    /// restarts, has no connection slot left) or this server is stopping.
    fn unavailable() -> Self {
        let mut error = Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::Internal,
            "the server cannot reach its database just now, or is stopping; retry shortly",
        );
        error.retry_after_secs = Some(UNAVAILABLE_RETRY_SECS);
        error
    }

    /// 503 with `Retry-After` for a write that did not commit (nothing was
    /// saved): the disk is full or the database refused it for now.
    fn not_saved(detail: &StoreError) -> Self {
        tracing::error!(error = %detail, "a write did not commit");
        let message = match detail {
            StoreError::Full => "the server's storage is full; nothing was saved, retry later",
            _ => "the server could not save this; nothing was saved, retry later",
        };
        let mut error = Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::Internal,
            message,
        );
        error.retry_after_secs = Some(NOT_SAVED_RETRY_SECS);
        error
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
            not_saved @ (StoreError::Full | StoreError::Commit(_)) => Self::not_saved(&not_saved),
            other @ (StoreError::Database(_)
            | StoreError::Corrupt(_)
            | StoreError::SecretMismatch
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
