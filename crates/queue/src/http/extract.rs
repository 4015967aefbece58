//! Request parsing that answers in our error shape: JSON bodies and the
//! `Idempotency-Key` header.

use std::convert::Infallible;

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use serde::de::DeserializeOwned;

use lifeline_protocol::{IDEMPOTENCY_KEY_HEADER, IdempotencyKey};

use crate::api_error::ApiError;

/// A JSON request body, not yet parsed: content type checked, size limited by
/// the route's `DefaultBodyLimit`. Parse with [`JsonBody::parse`].
#[derive(Debug)]
pub struct JsonBody(Bytes);

impl<S: Send + Sync> FromRequest<S> for JsonBody {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let is_json = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/json"));
        if !is_json {
            return Err(ApiError::bad_request(
                "expected Content-Type: application/json",
            ));
        }
        let limit = request
            .extensions()
            .get::<BodyLimit>()
            .map_or(lifeline_protocol::limits::BODY_MAX_BYTES, |l| l.0);
        match Bytes::from_request(request, state).await {
            Ok(bytes) => Ok(Self(bytes)),
            Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Err(ApiError::payload_too_large(limit))
            }
            Err(rejection) => Err(ApiError::bad_request(format!(
                "cannot read the body: {}",
                rejection.body_text()
            ))),
        }
    }
}

/// The body limit in force on a route, so the 413 message can say it.
#[derive(Debug, Clone, Copy)]
pub struct BodyLimit(pub usize);

impl JsonBody {
    /// Parses the body; errors name the field: `description: at most 4000 characters`.
    pub fn parse<T: DeserializeOwned>(&self) -> Result<T, ApiError> {
        parse_json(&self.0)
    }
}

/// Parses a JSON object: syntax errors are 400, anything but an object and
/// type and rule errors 422 naming the field.
/// Two steps, because serde_json reports some type errors (a number where an
/// enum's string belongs) as syntax errors when deserializing straight from text.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| {
        ApiError::bad_request(format!(
            "malformed JSON: {}",
            without_position(&e.to_string())
        ))
    })?;
    // Every body is an object: serde would also read a struct from an array.
    if !value.is_object() {
        return Err(ApiError::invalid("the body must be a JSON object"));
    }
    serde_path_to_error::deserialize(value).map_err(|error| {
        let path = error.path().to_string();
        let message = error.inner().to_string();
        if path == "." {
            ApiError::invalid(message)
        } else {
            ApiError::invalid(format!("{path}: {message}"))
        }
    })
}

/// serde_json appends " at line L column C"; the field path says more.
fn without_position(message: &str) -> &str {
    message.rsplit_once(" at line ").map_or(message, |(m, _)| m)
}

/// The `Idempotency-Key` header, read but not yet demanded: only a
/// customer's create needs it, and only once the caller is known, so
/// [`IdempotencyKeyHeader::require`] gives its error where it is asked for.
#[derive(Debug)]
pub struct IdempotencyKeyHeader(Result<IdempotencyKey, ApiError>);

impl IdempotencyKeyHeader {
    /// The key; missing or malformed is 400.
    pub fn require(self) -> Result<IdempotencyKey, ApiError> {
        self.0
    }
}

impl<S: Send + Sync> FromRequestParts<S> for IdempotencyKeyHeader {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        let key = parts
            .headers
            .get(IDEMPOTENCY_KEY_HEADER)
            .ok_or_else(|| ApiError::bad_request("the Idempotency-Key header is required"))
            .and_then(|value| {
                value.to_str().map_err(|_| {
                    ApiError::bad_request("Idempotency-Key: visible ASCII characters only")
                })
            })
            .and_then(|text| {
                IdempotencyKey::parse(text)
                    .map_err(|e| ApiError::bad_request(format!("Idempotency-Key: {e}")))
            });
        Ok(Self(key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::response::IntoResponse;
    use lifeline_protocol::CreateCaseRequest;

    fn status_of(bytes: &str) -> StatusCode {
        match parse_json::<CreateCaseRequest>(bytes.as_bytes()) {
            Ok(_) => StatusCode::OK,
            Err(e) => e.into_response().status(),
        }
    }

    #[test]
    fn syntax_errors_are_400_and_rule_errors_422() {
        assert_eq!(status_of(r#"{"channel":"sos""#), StatusCode::BAD_REQUEST);
        assert_eq!(
            status_of(r#"{"channel":"sos"} trailing"#),
            StatusCode::BAD_REQUEST
        );
        assert_eq!(
            status_of(r#"{"channel":42}"#),
            StatusCode::UNPROCESSABLE_ENTITY
        );
        assert_eq!(
            status_of(r#"{"channel":"sos","extra":1}"#),
            StatusCode::UNPROCESSABLE_ENTITY
        );
        assert_eq!(status_of(r#"{"channel":"sos"}"#), StatusCode::OK);
    }

    #[test]
    fn a_body_that_is_not_an_object_is_refused() {
        assert_eq!(status_of(r#"["sos"]"#), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(status_of("[]"), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(status_of("null"), StatusCode::UNPROCESSABLE_ENTITY);
    }

    #[test]
    fn rule_errors_name_the_field() {
        let body = format!(
            r#"{{"channel":"sos","description":"{}"}}"#,
            "x".repeat(4001)
        );
        let Err(error) = parse_json::<CreateCaseRequest>(body.as_bytes()) else {
            panic!("4001 characters must be refused");
        };
        assert!(
            format!("{error:?}").contains("description: at most 4000 characters"),
            "{error:?}"
        );
    }
}
