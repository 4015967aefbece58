//! How much of the server one request may hold, and for how long: a global
//! cap on requests handled at once (503 past it), a pause limit between the
//! pieces of a request body (408), and a limit on the time until the answer
//! starts (503). Event streams and sessions answer at once and then run on,
//! so the time limit does not cut them. The header read timeout is set on
//! each connection (`app.rs`): it lies below the routing.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::body::{Body, HttpBody as _};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse as _, Response};
use futures_util::StreamExt as _;
use tokio::sync::Semaphore;

use crate::api_error::ApiError;
use crate::config::Config;

/// The limits, as the middleware applies them.
#[derive(Debug)]
pub struct RequestLimits {
    in_flight: Arc<Semaphore>,
    body_pause: Duration,
    answer_within: Duration,
}

impl RequestLimits {
    /// The limits `config` sets.
    pub fn new(config: &Config) -> Self {
        Self {
            in_flight: Arc::new(Semaphore::new(config.max_concurrent_requests.get())),
            body_pause: config.request_body_timeout,
            answer_within: config.request_timeout,
        }
    }
}

/// The body stopped arriving: the error its reader sees.
#[derive(Debug, thiserror::Error)]
#[error("the request body arrived too slowly")]
struct BodyTooSlow;

/// Applies [`RequestLimits`] to one request.
pub async fn limit_request(
    State(limits): State<Arc<RequestLimits>>,
    request: Request,
    next: Next,
) -> Response {
    // Shed at once rather than queue: a queue would only move the overload.
    let Ok(_permit) = Arc::clone(&limits.in_flight).try_acquire_owned() else {
        return ApiError::overloaded("the server is busy; try again shortly", 1).into_response();
    };
    let body_stalled = Arc::new(AtomicBool::new(false));
    let request =
        request.map(|body| watch_pauses(body, limits.body_pause, Arc::clone(&body_stalled)));
    let answer = tokio::time::timeout(limits.answer_within, next.run(request)).await;
    // Whatever the handler made of the failed read, the cause is the body.
    if body_stalled.load(Ordering::Relaxed) {
        return ApiError::body_too_slow().into_response();
    }
    answer.unwrap_or_else(|_| ApiError::answer_too_slow().into_response())
}

/// `body`, failing when its next piece takes longer than `pause`, and
/// flagging that in `stalled`.
fn watch_pauses(body: Body, pause: Duration, stalled: Arc<AtomicBool>) -> Body {
    if body.is_end_stream() {
        return body;
    }
    let pieces = futures_util::stream::unfold(Some(body.into_data_stream()), move |stream| {
        let stalled = Arc::clone(&stalled);
        async move {
            let mut stream = stream?;
            match tokio::time::timeout(pause, stream.next()).await {
                Ok(Some(piece)) => Some((piece, Some(stream))),
                Ok(None) => None,
                Err(_) => {
                    stalled.store(true, Ordering::Relaxed);
                    Some((Err(axum::Error::new(BodyTooSlow)), None))
                }
            }
        }
    });
    Body::from_stream(pieces)
}
