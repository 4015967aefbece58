//! One click on SOS: resume the open case, or create exactly one new one.
//!
//! Exactly once, whatever happens in between, rests on two things: the
//! idempotency key and the body are written to the state *before* the first
//! try, and every try — in this run or the next one after a crash — sends that
//! same key and body, which the server answers with the same case.

use std::future::Future;
use std::time::Duration;

use lifeline_protocol::{Case, Channel, CreateCaseRequest, Device, ErrorCode, IdempotencyKey};
use uuid::Uuid;

use crate::backoff::{Backoff, RetryReason};
use crate::deployment::Deployment;
use crate::error::ClientError;
use crate::queue::QueueClient;
use crate::state::{OpenCase, PendingRequest, StateError, StateStore};

/// What the SOS flow is doing, for the window to show while it waits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SosProgress {
    /// Checking with the server that the case remembered from before is still open.
    Resuming {
        /// The remembered case.
        case_id: Uuid,
    },
    /// Sending the help request.
    Sending {
        /// 1 for the first try, then one more per retry.
        attempt: u32,
        /// Whether the request was already written down by an earlier run
        /// (the app was closed or killed before it got the answer).
        from_earlier_run: bool,
    },
    /// The server could not answer; the flow waits and tries again.
    Retrying {
        /// How many tries have failed so far.
        attempt: u32,
        /// How long until the next try.
        retry_in: Duration,
        /// Why, in a form the UI can turn into words.
        reason: RetryReason,
        /// The error itself, for the log.
        detail: String,
    },
}

/// The case the customer now has open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenedCase {
    /// What the state now remembers about it.
    pub stored: OpenCase,
    /// The case as the server last described it.
    pub case: Case,
    /// `true` when an earlier open case was resumed rather than a new one created.
    pub resumed: bool,
}

/// Why asking for help failed for good (temporary failures are retried, not returned).
#[derive(Debug, thiserror::Error)]
pub enum SosError {
    /// The state could not be read or written; without it, exactly-once cannot
    /// be promised, so nothing is sent.
    #[error(transparent)]
    State(#[from] StateError),
    /// The server answered, and retrying will not change its answer (a revoked
    /// deployment key, a refused request).
    #[error("the server refused the help request: {0}")]
    Refused(#[source] ClientError),
}

impl SosError {
    /// A stable code for the UI (`state`, or the API error code such as
    /// `unauthorized`); never match on messages.
    pub fn code(&self) -> &'static str {
        match self {
            SosError::State(_) => "state",
            SosError::Refused(error) => error.code().map_or("refused", ErrorCode::as_str),
        }
    }
}

/// Asks for help, once.
///
/// 1. An open case in the state (for this server) is checked with the server
///    and returned if it is not final. A final, unknown (404) or no longer
///    accessible (401) case is forgotten.
/// 2. Otherwise the pending request from an earlier run is reused, or a new
///    idempotency key and body are written to the state first.
/// 3. The request is sent until the server answers: temporary failures are
///    reported through `on_progress` and retried after `backoff`'s delay
///    (honouring `Retry-After`). The answer is stored and the pending request
///    cleared.
///
/// The state file is read and written synchronously: it is a few hundred
/// bytes on a local disk, and each write must be on disk before the request
/// goes out.
pub async fn request_help(
    client: &QueueClient,
    deployment: &Deployment,
    state: &StateStore,
    channel: Channel,
    device: Device,
    backoff: &mut Backoff,
    mut on_progress: impl FnMut(SosProgress),
) -> Result<OpenedCase, SosError> {
    let remembered = state.load()?;

    if let Some(open) = remembered.open_case
        && let Some(resumed) =
            resume(client, deployment, state, open, backoff, &mut on_progress).await?
    {
        return Ok(resumed);
    }

    let (pending, from_earlier_run) = match remembered.pending_request {
        Some(pending) if pending.server_url == deployment.server_url() => {
            tracing::info!("re-sending the help request an earlier run did not get an answer to");
            (pending, true)
        }
        _ => {
            let pending = PendingRequest {
                key: IdempotencyKey::generate(),
                request: CreateCaseRequest {
                    channel,
                    customer: None,
                    description: None,
                    device: Some(device),
                },
                server_url: deployment.server_url().to_owned(),
            };
            // Written down before anything is sent: if the app dies after the
            // server made the case, the next run asks again with this key.
            state.update(|s| s.pending_request = Some(pending.clone()))?;
            (pending, false)
        }
    };

    let answer = until_answered(backoff, &mut on_progress, Some(from_earlier_run), || {
        client.create_case(deployment.deployment_key(), &pending.key, &pending.request)
    })
    .await;

    match answer {
        Ok(created) => {
            let stored = OpenCase {
                id: created.case.id,
                code: created.case.code,
                token: created.token,
                server_url: deployment.server_url().to_owned(),
            };
            state.update(|s| {
                s.open_case = Some(stored.clone());
                if s.pending_request.as_ref().map(|p| &p.key) == Some(&pending.key) {
                    s.pending_request = None;
                }
            })?;
            tracing::info!(case.id = %stored.id, "help request answered");
            Ok(OpenedCase {
                stored,
                case: created.case,
                resumed: false,
            })
        }
        Err(error) => {
            // This request will never make a case as it stands; keeping it
            // would only replay the refusal on every click.
            tracing::warn!(%error, "the server refused the help request");
            state.update(|s| {
                if s.pending_request.as_ref().map(|p| &p.key) == Some(&pending.key) {
                    s.pending_request = None;
                }
            })?;
            Err(SosError::Refused(error))
        }
    }
}

/// Checks a remembered case: `Some` if it is still open, `None` once forgotten.
async fn resume(
    client: &QueueClient,
    deployment: &Deployment,
    state: &StateStore,
    open: OpenCase,
    backoff: &mut Backoff,
    on_progress: &mut impl FnMut(SosProgress),
) -> Result<Option<OpenedCase>, SosError> {
    if open.server_url != deployment.server_url() {
        tracing::info!(case.id = %open.id, "forgetting a case of another server");
        state.forget_case(open.id)?;
        return Ok(None);
    }
    on_progress(SosProgress::Resuming { case_id: open.id });
    let answer = until_answered(backoff, on_progress, None, || {
        client.get_case(&open.token, open.id)
    })
    .await;
    match answer {
        Ok(case) if !case.state.is_final() => Ok(Some(OpenedCase {
            stored: open,
            case,
            resumed: true,
        })),
        Ok(case) => {
            tracing::info!(case.id = %open.id, state = case.state.as_str(), "the remembered case is over");
            state.forget_case(open.id)?;
            Ok(None)
        }
        Err(error)
            if matches!(
                error.code(),
                Some(ErrorCode::NotFound | ErrorCode::Unauthorized)
            ) =>
        {
            tracing::info!(case.id = %open.id, %error, "the server no longer knows the remembered case");
            state.forget_case(open.id)?;
            Ok(None)
        }
        Err(error) => Err(SosError::Refused(error)),
    }
}

/// Calls `call` until the server answers with something other than a
/// temporary failure, waiting between tries as `backoff` says. With
/// `sending = Some(from_earlier_run)`, each try is reported as
/// [`SosProgress::Sending`].
async fn until_answered<T, F, Fut>(
    backoff: &mut Backoff,
    on_progress: &mut impl FnMut(SosProgress),
    sending: Option<bool>,
    mut call: F,
) -> Result<T, ClientError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, ClientError>>,
{
    backoff.reset();
    loop {
        if let Some(from_earlier_run) = sending {
            on_progress(SosProgress::Sending {
                attempt: backoff.attempts() + 1,
                from_earlier_run,
            });
        }
        match call().await {
            Err(error) if error.is_retryable() => {
                let retry_in = backoff.next_delay(error.retry_after());
                tracing::info!(%error, ?retry_in, "the queue server did not answer; retrying");
                on_progress(SosProgress::Retrying {
                    attempt: backoff.attempts(),
                    retry_in,
                    reason: RetryReason::of(&error),
                    detail: error.to_string(),
                });
                tokio::time::sleep(retry_in).await;
            }
            answer => return answer,
        }
    }
}
