use std::time::Duration;

use lifeline_protocol::{ErrorBody, ErrorCode};
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};

/// Longest piece of an undecodable body quoted in [`ClientError::UnexpectedResponse`].
const DETAIL_MAX_CHARS: usize = 200;

/// Everything that can go wrong talking to the queue server.
///
/// The app branches on the variant (and on [`ErrorCode`] for [`ClientError::Api`]),
/// never on messages.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The server answered with its error body (`{"error": {"code", "message"}}`).
    #[error("the server refused the request ({status} {}): {message}", code.as_str())]
    Api {
        /// The HTTP status.
        status: u16,
        /// The machine-readable error code.
        code: ErrorCode,
        /// The server's explanation, for logs and people; never match on it.
        message: String,
        /// How long the server asks us to wait before trying again (`Retry-After`).
        retry_after: Option<Duration>,
    },
    /// The server could not be reached or the connection failed: DNS, connect,
    /// TLS, timeouts, a connection dropped mid-answer. Worth retrying.
    #[error("cannot reach the server: {0}")]
    Unreachable(#[source] reqwest::Error),
    /// Something answered, but not in the shape of our API (a proxy's error page,
    /// a body that does not decode, a wrong content type).
    #[error("unexpected answer from the server ({status}): {detail}")]
    UnexpectedResponse {
        /// The HTTP status of the answer.
        status: u16,
        /// What was wrong with it.
        detail: String,
    },
    /// The server address is not an absolute `http` or `https` URL.
    #[error("invalid server URL {url:?}: {reason}")]
    InvalidUrl {
        /// The address as given.
        url: String,
        /// Why it was refused.
        reason: String,
    },
    /// The token holds characters that cannot travel in an HTTP header, so it
    /// cannot be a token the server issued.
    #[error("the token is not a valid header value")]
    InvalidToken,
    /// The HTTP client could not be set up (such as the TLS backend failing to start).
    #[error("cannot set up the HTTP client: {0}")]
    HttpSetup(#[source] reqwest::Error),
}

impl ClientError {
    /// Whether trying the same request again later may succeed: the server was
    /// unreachable, failed (5xx), or asked us to slow down (429).
    pub fn is_retryable(&self) -> bool {
        match self {
            ClientError::Unreachable(_) => true,
            ClientError::Api { status, .. } | ClientError::UnexpectedResponse { status, .. } => {
                *status == StatusCode::TOO_MANY_REQUESTS.as_u16() || (500..600).contains(status)
            }
            ClientError::InvalidUrl { .. }
            | ClientError::InvalidToken
            | ClientError::HttpSetup(_) => false,
        }
    }

    /// How long the server asked us to wait before retrying, if it said.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            ClientError::Api { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// The API error code, when the server answered with our error body.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            ClientError::Api { code, .. } => Some(*code),
            _ => None,
        }
    }

    /// Turns a non-success answer into an error: our error body becomes
    /// [`ClientError::Api`], anything else [`ClientError::UnexpectedResponse`].
    pub(crate) fn from_error_answer(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> Self {
        match serde_json::from_slice::<ErrorBody>(body) {
            Ok(ErrorBody { error }) => ClientError::Api {
                status: status.as_u16(),
                code: error.code,
                message: error.message,
                retry_after: retry_after(headers),
            },
            Err(_) => ClientError::UnexpectedResponse {
                status: status.as_u16(),
                detail: quote_body(body),
            },
        }
    }

    /// A success answer whose body is not what the endpoint promises.
    pub(crate) fn undecodable(status: StatusCode, error: &serde_json::Error) -> Self {
        ClientError::UnexpectedResponse {
            status: status.as_u16(),
            detail: format!("the body does not decode: {error}"),
        }
    }
}

/// `Retry-After` in delta-seconds, the only form our server sends; an HTTP date
/// is ignored rather than guessed at.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?;
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// The start of a body, for an error message that helps whoever reads the log.
fn quote_body(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    if text.is_empty() {
        return "empty body".to_owned();
    }
    let mut quoted: String = text.chars().take(DETAIL_MAX_CHARS).collect();
    if quoted.len() < text.len() {
        quoted.push('…');
    }
    format!("body: {quoted}")
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;

    fn headers_with_retry_after(value: &'static str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_static(value));
        headers
    }

    #[test]
    fn a_rate_limited_answer_carries_its_code_and_retry_after() {
        let body = br#"{"error":{"code":"rate_limited","message":"too many requests, slow down"}}"#;

        let error = ClientError::from_error_answer(
            StatusCode::TOO_MANY_REQUESTS,
            &headers_with_retry_after("7"),
            body,
        );

        assert_eq!(error.code(), Some(ErrorCode::RateLimited));
        assert_eq!(
            error.retry_after(),
            Some(Duration::from_secs(7)),
            "Retry-After is in seconds"
        );
        assert!(error.is_retryable(), "429 is worth retrying later");
        match error {
            ClientError::Api {
                status, message, ..
            } => {
                assert_eq!(status, 429);
                assert_eq!(message, "too many requests, slow down");
            }
            other => panic!("expected an API error, got {other:?}"),
        }
    }

    #[test]
    fn a_retry_after_date_or_garbage_is_ignored() {
        let body = br#"{"error":{"code":"rate_limited","message":"slow down"}}"#;
        for value in ["Wed, 21 Oct 2015 07:28:00 GMT", "-3", "soon"] {
            let error = ClientError::from_error_answer(
                StatusCode::TOO_MANY_REQUESTS,
                &headers_with_retry_after(value),
                body,
            );
            assert_eq!(error.retry_after(), None, "{value:?} is not delta-seconds");
        }
    }

    #[test]
    fn client_errors_are_not_retryable_and_server_errors_are() {
        let not_found = ClientError::from_error_answer(
            StatusCode::NOT_FOUND,
            &HeaderMap::new(),
            br#"{"error":{"code":"not_found","message":"no such case"}}"#,
        );
        assert_eq!(not_found.code(), Some(ErrorCode::NotFound));
        assert!(
            !not_found.is_retryable(),
            "a 404 will not change by retrying"
        );

        let internal = ClientError::from_error_answer(
            StatusCode::INTERNAL_SERVER_ERROR,
            &HeaderMap::new(),
            br#"{"error":{"code":"internal","message":"internal error"}}"#,
        );
        assert!(internal.is_retryable(), "a 500 may pass");
    }

    #[test]
    fn a_proxy_error_page_is_an_unexpected_response_and_retryable() {
        let error = ClientError::from_error_answer(
            StatusCode::BAD_GATEWAY,
            &HeaderMap::new(),
            b"<html><body>502 Bad Gateway</body></html>",
        );

        assert_eq!(error.code(), None);
        assert!(
            error.is_retryable(),
            "a gateway error is the server being away"
        );
        match error {
            ClientError::UnexpectedResponse { status, detail } => {
                assert_eq!(status, 502);
                assert!(
                    detail.contains("502 Bad Gateway"),
                    "the detail quotes the body: {detail}"
                );
            }
            other => panic!("expected an unexpected response, got {other:?}"),
        }
    }

    #[test]
    fn an_unknown_error_code_is_an_unexpected_response() {
        let error = ClientError::from_error_answer(
            StatusCode::BAD_REQUEST,
            &HeaderMap::new(),
            br#"{"error":{"code":"something_new","message":"?"}}"#,
        );
        assert!(
            matches!(error, ClientError::UnexpectedResponse { status: 400, .. }),
            "{error:?}"
        );
    }

    #[test]
    fn long_bodies_are_quoted_short() {
        let body = "x".repeat(10_000);
        let error = ClientError::from_error_answer(
            StatusCode::BAD_GATEWAY,
            &HeaderMap::new(),
            body.as_bytes(),
        );
        assert!(error.to_string().len() < 400, "the message stays readable");
    }
}
