use std::collections::VecDeque;
use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use lifeline_protocol::{Case, ChatMessage, EVENT_CASE, EVENT_MESSAGE};
use reqwest::StatusCode;
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderValue};
use uuid::Uuid;

use crate::error::ClientError;
use crate::queue::QueueClient;
use crate::sse::{EventTooLarge, SseEvent, SseParser};

/// Header a reconnecting client sends to resume after the last event it saw.
const LAST_EVENT_ID: &str = "Last-Event-ID";
const EVENT_STREAM: &str = "text/event-stream";

/// One event of a case's stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseEvent {
    /// The event id; ids increase per case. Pass the last one seen to
    /// [`QueueClient::events`] to resume after it.
    pub id: u64,
    /// What happened.
    pub kind: CaseEventKind,
}

/// What a [`CaseEvent`] carries.
#[derive(Debug, Clone, PartialEq, Eq)]
#[expect(
    clippy::large_enum_variant,
    reason = "events are few and mostly cases: the space a message wastes does not matter, a box would clutter every match"
)]
pub enum CaseEventKind {
    /// The case as it is now (the first event, then one per change).
    Case(Case),
    /// A chat message of the case's session.
    Message(ChatMessage),
}

impl CaseEvent {
    /// Decodes one SSE event; `None` for event names this client does not know,
    /// so a newer server can add kinds without breaking older apps.
    fn from_sse(event: &SseEvent) -> Option<Result<Self, ClientError>> {
        let kind = match event.name.as_str() {
            EVENT_CASE => serde_json::from_str(&event.data).map(CaseEventKind::Case),
            EVENT_MESSAGE => serde_json::from_str(&event.data).map(CaseEventKind::Message),
            _ => return None,
        };
        let decoded = match (event.last_event_id.parse::<u64>(), kind) {
            (Ok(id), Ok(kind)) => Ok(CaseEvent { id, kind }),
            (Err(_), _) => Err(bad_event(format!(
                "`{}` event without a numeric id (id {:?})",
                event.name, event.last_event_id
            ))),
            (_, Err(error)) => Err(bad_event(format!(
                "`{}` event does not decode: {error}",
                event.name
            ))),
        };
        Some(decoded)
    }
}

fn bad_event(detail: String) -> ClientError {
    ClientError::UnexpectedResponse {
        status: StatusCode::OK.as_u16(),
        detail,
    }
}

type ByteStream = Pin<Box<dyn Stream<Item = Result<Bytes, reqwest::Error>> + Send>>;

/// The live event stream of one case, from [`QueueClient::events`].
///
/// Yields [`CaseEvent`]s as the server sends them. An event that does not
/// decode is yielded as an error and the stream goes on; a failed connection is
/// yielded as [`ClientError::Unreachable`] and ends the stream. The stream also
/// ends when the server closes it, which it does after the case's final event.
/// Either way, [`EventStream::last_event_id`] tells where to resume.
pub struct EventStream {
    body: ByteStream,
    parser: SseParser,
    parsed: VecDeque<SseEvent>,
    last_event_id: Option<u64>,
    finished: bool,
}

impl fmt::Debug for EventStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventStream")
            .field("last_event_id", &self.last_event_id)
            .field("finished", &self.finished)
            .finish_non_exhaustive()
    }
}

impl EventStream {
    fn new(body: ByteStream, last_event_id: Option<u64>) -> Self {
        Self {
            body,
            parser: SseParser::default(),
            parsed: VecDeque::new(),
            last_event_id,
            finished: false,
        }
    }

    /// The next event, or `None` once the stream has ended.
    pub async fn next_event(&mut self) -> Option<Result<CaseEvent, ClientError>> {
        self.next().await
    }

    /// The id of the last event received (of any kind, skipped ones included),
    /// or the id the stream was opened with: what to pass as `last_event_id`
    /// when reconnecting.
    pub fn last_event_id(&self) -> Option<u64> {
        self.last_event_id
    }
}

impl Stream for EventStream {
    type Item = Result<CaseEvent, ClientError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            while let Some(event) = this.parsed.pop_front() {
                if let Ok(id) = event.last_event_id.parse::<u64>() {
                    this.last_event_id = Some(id);
                }
                if let Some(decoded) = CaseEvent::from_sse(&event) {
                    return Poll::Ready(Some(decoded));
                }
            }
            if this.finished {
                return Poll::Ready(None);
            }
            match this.body.as_mut().poll_next(cx) {
                Poll::Ready(Some(Ok(chunk))) => {
                    if let Err(EventTooLarge) = this.parser.feed(&chunk, &mut this.parsed) {
                        this.finished = true;
                        return Poll::Ready(Some(Err(bad_event(format!(
                            "an event is larger than {} bytes",
                            crate::sse::MAX_EVENT_BYTES
                        )))));
                    }
                }
                Poll::Ready(Some(Err(error))) => {
                    this.finished = true;
                    return Poll::Ready(Some(Err(ClientError::Unreachable(error))));
                }
                // A last event without its blank line stays unseen, per the spec.
                Poll::Ready(None) => this.finished = true,
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

impl QueueClient {
    /// Opens the event stream of a case (`GET /api/v1/cases/{id}/events`), with
    /// a case token or an expert token.
    ///
    /// The first event is the case as it is now, unless `last_event_id` is given:
    /// then the server resumes after that event. The stream has no overall
    /// timeout; a connection that goes silent for longer than three keep-alive
    /// intervals ends it with [`ClientError::Unreachable`].
    pub async fn events(
        &self,
        token: &str,
        case_id: Uuid,
        last_event_id: Option<u64>,
    ) -> Result<EventStream, ClientError> {
        let mut request = self
            .stream_request(
                reqwest::Method::GET,
                &format!("api/v1/cases/{case_id}/events"),
                token,
            )?
            .header(ACCEPT, HeaderValue::from_static(EVENT_STREAM));
        if let Some(id) = last_event_id {
            request = request.header(LAST_EVENT_ID, id);
        }
        let response = request.send().await.map_err(ClientError::Unreachable)?;
        let status = response.status();
        if !status.is_success() {
            return Err(crate::queue::error_from_answer(response).await);
        }
        let content_type = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if !content_type.starts_with(EVENT_STREAM) {
            return Err(ClientError::UnexpectedResponse {
                status: status.as_u16(),
                detail: format!("expected {EVENT_STREAM}, got {content_type:?}"),
            });
        }
        Ok(EventStream::new(
            Box::pin(response.bytes_stream()),
            last_event_id,
        ))
    }
}

#[cfg(test)]
mod tests {
    use futures_util::stream;

    use super::*;

    const CASE_JSON: &str = r#"{"id":"0193f0a2-0000-7000-8000-000000000001","code":"123456789","state":"new","channel":"sos","group":{"id":"0193f0a2-0000-7000-8000-000000000002","name":"Front desk"},"assignee":null,"customer":{"name":"Luis","email":null},"description":"Printer says offline","device":{"hostname":"pc-1","os":"linux","os_version":"6.8","app_version":"0.1.0","locale":"es-ES"},"expert_connected":false,"customer_connected":false,"queue_position":1,"created_at":"2025-01-01T10:00:00Z","updated_at":"2025-01-01T10:00:00Z","expires_at":"2025-01-02T10:00:00Z","closed_at":null,"closed_by":null}"#;
    const MESSAGE_JSON: &str = r#"{"id":"0193f0a2-0000-7000-8000-000000000003","from":"expert","author":"Ana","text":"Hi!","sent_at":"2025-01-01T10:01:00Z"}"#;

    fn stream_of(
        chunks: Vec<Result<Bytes, reqwest::Error>>,
        last_event_id: Option<u64>,
    ) -> EventStream {
        EventStream::new(Box::pin(stream::iter(chunks)), last_event_id)
    }

    fn chunks_of(text: &str) -> Vec<Result<Bytes, reqwest::Error>> {
        // Uneven chunks, as a network would deliver them.
        text.as_bytes()
            .chunks(7)
            .map(|c| Ok(Bytes::copy_from_slice(c)))
            .collect()
    }

    async fn collect(events: &mut EventStream) -> Vec<Result<CaseEvent, ClientError>> {
        let mut all = Vec::new();
        while let Some(event) = events.next_event().await {
            all.push(event);
        }
        all
    }

    #[test]
    fn streams_and_clients_can_move_to_other_tasks() {
        fn assert_send<T: Send + 'static>() {}
        fn assert_shared<T: Send + Sync + 'static>() {}
        assert_send::<EventStream>();
        assert_shared::<QueueClient>();
        assert_shared::<ClientError>();
    }

    #[tokio::test]
    async fn case_and_message_events_decode_and_others_are_skipped() -> Result<(), ClientError> {
        let text = format!(
            ": keep-alive\n\nid: 42\nevent: case\ndata: {CASE_JSON}\n\n\
             id: 43\nevent: typing\ndata: {{}}\n\n\
             id: 44\nevent: message\ndata: {MESSAGE_JSON}\n\n"
        );
        let mut events = stream_of(chunks_of(&text), None);

        let first = events.next_event().await.expect("a first event")?;
        let second = events.next_event().await.expect("a second event")?;

        assert_eq!(first.id, 42);
        match first.kind {
            CaseEventKind::Case(case) => assert_eq!(case.code.as_str(), "123456789"),
            other => panic!("expected a case, got {other:?}"),
        }
        assert_eq!(second.id, 44, "the unknown `typing` event is skipped");
        match second.kind {
            CaseEventKind::Message(message) => assert_eq!(message.text, "Hi!"),
            other => panic!("expected a message, got {other:?}"),
        }
        assert!(
            events.next_event().await.is_none(),
            "the stream ends with the body"
        );
        assert_eq!(events.last_event_id(), Some(44));
        Ok(())
    }

    #[tokio::test]
    async fn a_skipped_event_still_moves_the_resume_point() {
        let mut events = stream_of(chunks_of("id: 9\nevent: typing\ndata: {}\n\n"), Some(3));

        assert!(events.next_event().await.is_none());
        assert_eq!(
            events.last_event_id(),
            Some(9),
            "resume after the skipped event, not before it"
        );
    }

    #[tokio::test]
    async fn a_stream_with_no_events_resumes_where_it_was_opened() {
        let mut events = stream_of(chunks_of(": keep-alive\n\n"), Some(12));
        assert!(events.next_event().await.is_none());
        assert_eq!(events.last_event_id(), Some(12));
    }

    #[tokio::test]
    async fn a_bad_event_is_an_error_and_the_stream_goes_on() {
        let text = format!(
            "id: 1\nevent: case\ndata: {{\"not\":\"a case\"}}\n\n\
             event: case\ndata: {CASE_JSON}\n\n\
             id: 2\nevent: case\ndata: {CASE_JSON}\n\n"
        );

        let all = collect(&mut stream_of(chunks_of(&text), None)).await;

        assert_eq!(all.len(), 3);
        assert!(
            matches!(all[0], Err(ClientError::UnexpectedResponse { .. })),
            "{:?}",
            all[0]
        );
        let carried = all[1]
            .as_ref()
            .expect("an event without id: carries the last id");
        assert_eq!(carried.id, 1);
        assert_eq!(all[2].as_ref().map(|e| e.id).ok(), Some(2));
    }

    #[tokio::test]
    async fn an_event_without_any_id_is_an_error() {
        let text = format!("event: case\ndata: {CASE_JSON}\n\n");
        let all = collect(&mut stream_of(chunks_of(&text), None)).await;
        assert!(
            matches!(
                all.as_slice(),
                [Err(ClientError::UnexpectedResponse { .. })]
            ),
            "{all:?}"
        );
    }

    #[tokio::test]
    async fn a_failed_connection_is_reported_once_and_ends_the_stream() {
        // Any reqwest error will do; an unbuildable request makes one without a network.
        let failure = reqwest::Client::new()
            .get("not a url")
            .build()
            .expect_err("not a URL");
        let mut chunks = chunks_of(&format!("id: 5\nevent: case\ndata: {CASE_JSON}\n\n"));
        chunks.push(Err(failure));
        chunks.extend(chunks_of(&format!(
            "id: 6\nevent: case\ndata: {CASE_JSON}\n\n"
        )));
        let mut events = stream_of(chunks, None);

        let all = collect(&mut events).await;

        assert_eq!(all.len(), 2, "{all:?}");
        assert!(
            matches!(all[1], Err(ClientError::Unreachable(_))),
            "{:?}",
            all[1]
        );
        assert!(
            all[1].as_ref().is_err_and(ClientError::is_retryable),
            "a dropped stream is worth reopening"
        );
        assert_eq!(
            events.last_event_id(),
            Some(5),
            "resume after the last event received"
        );
    }

    #[tokio::test]
    async fn an_event_cut_off_by_the_end_of_the_stream_is_not_seen() {
        let text = format!(
            "id: 1\nevent: case\ndata: {CASE_JSON}\n\nid: 2\nevent: case\ndata: {CASE_JSON}\n"
        );
        let all = collect(&mut stream_of(chunks_of(&text), None)).await;
        assert_eq!(all.len(), 1, "only the complete event: {all:?}");
    }
}
