//! The SSE event stream of one case: the current case first (or, with
//! `Last-Event-ID`, everything after it), then each change live; ends after
//! the final state.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;
use tokio::sync::{broadcast, mpsc};
use tokio_stream::wrappers::ReceiverStream;
use tracing::instrument;
use uuid::Uuid;

use lifeline_protocol::ErrorBody;

use crate::api_error::ApiError;
use crate::caller::CaseAccess;
use crate::hub::{CaseEvent, EventKind, Subscription};
use crate::state::AppState;

/// Comments keep proxies and clients from timing the stream out (API.md: at least every 15 s).
const KEEP_ALIVE: Duration = Duration::from_secs(10);

fn to_sse(event: &CaseEvent) -> Event {
    Event::default()
        .id(event.seq.to_string())
        .event(event.kind.as_str())
        .data(&*event.data)
}

/// Follows a case.
#[utoipa::path(
    get, path = "/api/v1/cases/{id}/events", tag = "cases",
    params(
        ("id" = Uuid, Path, description = "Case id"),
        ("Last-Event-ID" = Option<i64>, Header, description = "Resume after this event id"),
    ),
    responses(
        (status = 200, description = "`text/event-stream` of `case` and `message` events", content_type = "text/event-stream"),
        (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
    ),
    security(("bearer" = []))
)]
#[instrument(skip_all, fields(case.id = %id), err(level = "debug"))]
pub async fn case_events(
    State(state): State<Arc<AppState>>,
    CaseAccess { id, .. }: CaseAccess,
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
    // Subscribe before reading, so no change falls between the read and the live feed.
    let subscription = state.hub.subscribe(id);
    let first = match last_event_id {
        Some(after) => state.store.events_after(id, after).await?,
        None => {
            let (case, seq) = state
                .store
                .case_with_seq(id, state.clock.now())
                .await?
                .ok_or_else(|| ApiError::not_found("case"))?;
            let data = serde_json::to_string(&case).map_err(ApiError::internal)?;
            vec![CaseEvent {
                case_id: id,
                group_id: case.group.id,
                seq,
                kind: EventKind::Case,
                is_final: case.state.is_final(),
                data: data.into(),
            }]
        }
    };
    let (sender, receiver) = mpsc::channel(16);
    tokio::spawn(forward(state, id, subscription, first, sender));
    Ok(Sse::new(ReceiverStream::new(receiver)).keep_alive(KeepAlive::new().interval(KEEP_ALIVE)))
}

/// Feeds one stream until the case is final, the client leaves or the server stops.
async fn forward(
    state: Arc<AppState>,
    id: Uuid,
    mut subscription: Subscription,
    first: Vec<CaseEvent>,
    sender: mpsc::Sender<Result<Event, Infallible>>,
) {
    let mut last_sent = 0;
    let mut pending = first;
    loop {
        for event in pending.drain(..) {
            if event.seq <= last_sent {
                continue;
            }
            if sender.send(Ok(to_sse(&event))).await.is_err() {
                return;
            }
            last_sent = event.seq;
            if event.is_final {
                return;
            }
        }
        tokio::select! {
            _ = sender.closed() => return,
            _ = state.shutdown.cancelled() => return,
            received = subscription.recv() => match received {
                Ok(event) => pending.push(event),
                // Fell behind the live feed: catch up from the stored events.
                Err(broadcast::error::RecvError::Lagged(_)) => match state.store.events_after(id, last_sent).await {
                    Ok(events) => pending = events,
                    Err(e) => {
                        tracing::warn!(error = %e, case.id = %id, "cannot catch up an event stream; closing it");
                        return;
                    }
                },
                Err(broadcast::error::RecvError::Closed) => return,
            },
        }
    }
}
