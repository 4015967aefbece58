//! The SSE event stream of one case: the current case first (or, with
//! `Last-Event-ID`, everything after it), then each change live; ends after
//! the final state.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::{Stream, StreamExt as _};
use tokio::sync::{broadcast, mpsc};
use tokio_stream::wrappers::ReceiverStream;
use tracing::instrument;
use uuid::Uuid;

use lifeline_protocol::{Case, ErrorBody};

use crate::api_error::ApiError;
use crate::caller::{CaseAccess, CaseCaller, ExpertCredential};
use crate::hub::{CaseEvent, EventKind, Subscription};
use crate::live::{REPLAY_PAGE, SILENT_FOR};
use crate::state::AppState;

/// Comments keep proxies and clients from timing the stream out (API.md: at least every 15 s).
const KEEP_ALIVE: Duration = Duration::from_secs(10);

fn to_sse(event: &CaseEvent) -> Event {
    Event::default()
        .id(event.seq.to_string())
        .event(event.kind.as_str())
        .data(&*event.data)
}

/// Follows a case. A case token holds at most 4 open streams, an expert's
/// token or console session 16; one more gets 429. A client that takes
/// nothing for 7 s is dropped. An expert's stream ends when the expert is
/// deactivated or leaves the case's group (checked every
/// `live_access_recheck`, 30 s by default); a stream resumed after a final
/// case's last event sends the final case once more and ends.
#[utoipa::path(
    get, path = "/api/v1/cases/{id}/events", tag = "cases",
    params(
        ("id" = Uuid, Path, description = "Case id"),
        ("Last-Event-ID" = Option<i64>, Header, description = "Resume after this event id"),
    ),
    responses(
        (status = 200, description = "`text/event-stream` of `case` and `message` events", content_type = "text/event-stream"),
        (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 429, description = "This credential already holds its cap of open event streams (4 for a case token, 16 for an expert)", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
#[instrument(skip_all, fields(case.id = %id), err(level = "debug"))]
pub async fn case_events(
    State(state): State<Arc<AppState>>,
    CaseAccess { id, caller, case }: CaseAccess,
    headers: HeaderMap,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let last_event_id = match headers.get("last-event-id") {
        Some(value) => Some(
            value
                .to_str()
                .ok()
                .and_then(|v| v.trim().parse::<i64>().ok())
                .ok_or_else(|| ApiError::bad_request("Last-Event-ID: expected an event id"))?,
        ),
        None => None,
    };
    // The credential the stream is counted under (a case token for a customer).
    let credential = ExpertCredential::of(&state, &headers)?;
    let expert = match caller {
        CaseCaller::Customer => None,
        CaseCaller::Expert(_) => Some(credential),
    };
    // Held by the response body: the place is free once the connection lets go of it.
    let slot = state
        .live
        .open_stream(credential.hash(), expert.is_none())?;
    // Subscribe before reading, so no change falls between the read and the live feed.
    let subscription = state.hub.subscribe(id);
    let start = match last_event_id {
        Some(after) => Start::After {
            seq: after,
            case_was_final: case.state.is_final(),
        },
        None => {
            let (case, seq) = state
                .store
                .case_with_seq(id, state.clock.now())
                .await?
                .ok_or_else(|| ApiError::not_found("case"))?;
            Start::Snapshot(snapshot(&case, seq).map_err(ApiError::internal)?)
        }
    };
    let (sender, receiver) = mpsc::channel(16);
    let follow = Follow {
        id,
        group: case.group.id,
        expert,
    };
    tokio::spawn(forward(state, follow, subscription, start, sender));
    let stream = ReceiverStream::new(receiver).map(move |event| {
        let _held = &slot;
        event
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(KEEP_ALIVE)))
}

/// Where a stream starts.
enum Start {
    /// The case as it stands.
    Snapshot(CaseEvent),
    /// The stored events after `seq` (`Last-Event-ID`); a case already final
    /// then ends the stream once they are sent, even when there are none.
    After { seq: i64, case_was_final: bool },
}

/// The case a stream follows, and the expert following it (to re-check).
struct Follow {
    id: Uuid,
    group: Uuid,
    expert: Option<ExpertCredential>,
}

/// Feeds one stream until the case is final, the client leaves or stops
/// reading, the expert may no longer see the case, or the server stops.
async fn forward(
    state: Arc<AppState>,
    follow: Follow,
    mut subscription: Subscription,
    start: Start,
    sender: mpsc::Sender<Result<Event, Infallible>>,
) {
    let id = follow.id;
    let (mut last_sent, mut catching_up, end_when_caught_up) = match start {
        Start::Snapshot(event) => {
            if !send_event(&state, &sender, &event).await {
                return;
            }
            (event.seq, false, false)
        }
        Start::After {
            seq,
            case_was_final,
        } => (seq, true, case_was_final),
    };
    let mut recheck = tokio::time::interval_at(
        tokio::time::Instant::now() + state.access_recheck,
        state.access_recheck,
    );
    loop {
        // Stored events a page at a time: a long history is never held whole.
        while catching_up {
            let page = match state.store.events_after(id, last_sent, REPLAY_PAGE).await {
                Ok(page) => page,
                Err(e) => {
                    tracing::warn!(error = %e, case.id = %id, "cannot catch up an event stream; closing it");
                    return;
                }
            };
            catching_up = page.len() == REPLAY_PAGE as usize;
            // A presence change followed by a case snapshot in the same page
            // is already told by that snapshot: no read for it.
            let newest_case = page.iter().rposition(|e| e.kind == EventKind::Case);
            for (i, event) in page.iter().enumerate() {
                let told_later =
                    event.kind == EventKind::Presence && newest_case.is_some_and(|at| at > i);
                if !told_later && !send_event(&state, &sender, event).await {
                    return;
                }
                last_sent = event.seq;
            }
        }
        if end_when_caught_up {
            // Resumed after the final case's last event (or the case expired
            // before the sweep stored it): the final case once more, with the
            // newest id, so the client knows why the stream ends.
            match state.store.case_with_seq(id, state.clock.now()).await {
                Ok(Some((case, seq))) => match snapshot(&case, seq.max(last_sent)) {
                    Ok(last) => {
                        deliver(&sender, &last).await;
                    }
                    Err(e) => tracing::warn!(error = %e, case.id = %id, "cannot serialize a case"),
                },
                Ok(None) => {}
                Err(e) => {
                    tracing::warn!(error = %e, case.id = %id, "cannot read a final case for its event stream")
                }
            }
            return;
        }
        tokio::select! {
            () = sender.closed() => return,
            () = state.shutdown.cancelled() => return,
            _ = recheck.tick(), if follow.expert.is_some() => {
                if let Some(expert) = &follow.expert {
                    match expert.still_sees(&state, follow.group).await {
                        Ok(true) => {}
                        Ok(false) => {
                            tracing::debug!(case.id = %id, "the expert may no longer follow the case; ending the stream");
                            return;
                        }
                        Err(e) => tracing::warn!(case.id = %id, error = e.message(), "cannot re-check an expert's access"),
                    }
                }
            }
            received = subscription.recv() => match received {
                Ok(event) if event.seq <= last_sent => {}
                Ok(event) => {
                    if !send_event(&state, &sender, &event).await {
                        return;
                    }
                    last_sent = event.seq;
                }
                // Fell behind the live feed: catch up from the stored events.
                Err(broadcast::error::RecvError::Lagged(_)) => catching_up = true,
                Err(broadcast::error::RecvError::Closed) => return,
            },
        }
    }
}

/// Sends one event; a presence change goes out as the case as it stands (a
/// `case` event with the change's id), read now, since only the presence is
/// stored. `false` when the stream ends: the client left or stopped reading,
/// or the case is final.
async fn send_event(
    state: &AppState,
    sender: &mpsc::Sender<Result<Event, Infallible>>,
    event: &CaseEvent,
) -> bool {
    if event.kind != EventKind::Presence {
        return deliver(sender, event).await && !event.is_final;
    }
    let read = state.store.case(event.case_id, state.clock.now()).await;
    let snapshot = match read.map(|case| case.map(|case| snapshot(&case, event.seq))) {
        Ok(Some(Ok(snapshot))) => snapshot,
        Ok(None) => return false,
        Ok(Some(Err(e))) => {
            tracing::warn!(error = %e, case.id = %event.case_id, "cannot serialize a case; closing its event stream");
            return false;
        }
        Err(e) => {
            tracing::warn!(error = %e, case.id = %event.case_id, "cannot read a case for its event stream; closing it");
            return false;
        }
    };
    deliver(sender, &snapshot).await && !snapshot.is_final
}

/// The case as a `case` event with id `seq`.
fn snapshot(case: &Case, seq: i64) -> Result<CaseEvent, serde_json::Error> {
    Ok(CaseEvent {
        case_id: case.id,
        group_id: case.group.id,
        seq,
        kind: EventKind::Case,
        is_final: case.state.is_final(),
        data: serde_json::to_string(case)?.into(),
    })
}

/// Hands one event to the stream; `false` when the client left or has not
/// taken anything for [`SILENT_FOR`] (a peer that stopped reading is dropped
/// rather than holding this task forever).
async fn deliver(sender: &mpsc::Sender<Result<Event, Infallible>>, event: &CaseEvent) -> bool {
    sender
        .send_timeout(Ok(to_sse(event)), SILENT_FOR)
        .await
        .is_ok()
}
