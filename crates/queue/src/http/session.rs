//! The live session: `GET /api/v1/cases/{id}/session` upgrades to a WebSocket.
//! While it is open its side counts as connected; chat travels over it.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::http::HeaderMap;
use axum::response::Response;
use tokio::sync::broadcast;
use uuid::Uuid;

use lifeline_protocol::screen::MAX_MESSAGE_BYTES;
use lifeline_protocol::{ChatMessage, ChatText, ClientFrame, ErrorCode, MessageFrom, ServerFrame};

use crate::api_error::ApiError;
use crate::caller::{CaseAccess, CaseCaller, ExpertCredential, uses_console_cookie};
use crate::hub::{CaseEvent, EventKind, Subscription};
use crate::live::{REPLAY_PAGE, SILENT_FOR, SocketSlot};
use crate::public_url::{proxy_origin_hint, same_origin};
use crate::screen::{Asker, Link, Outgoing, ScreenFrame, Transition};
use crate::state::AppState;
use crate::store::Actor;

/// Socket buffers: chat frames are small (2000 characters at most), and the
/// 128 KiB defaults made each open socket cost ~47 KiB of RSS (measured with
/// 10,000 sockets in `cargo xtask bench server`).
const READ_BUFFER: usize = 4 * 1024;
/// The largest frame or message a side may send: a binary screen update.
/// Text frames are checked by their own limits once read.
const MAX_INBOUND: usize = MAX_MESSAGE_BYTES;

/// How often the server pings each socket.
const PING_EVERY: Duration = Duration::from_secs(2);

/// Joins the case's session: customer with its case token, expert with an
/// `et_` token or the console cookie. A final case refuses with 409.
///
/// Text frames are JSON. In: `ClientFrame` — `{"type":"message","text":"…","id":"<uuid>"}`;
/// `id` is an extension of API.md: the sender's id for the message, so one
/// re-sent after a reconnect is stored once. Out: `ServerFrame` — the case
/// first, every stored message, then each change and message as it happens;
/// `{"type":"error","code","message"}` (an extension) answers a refused frame
/// (over 2000 characters, more than 10 messages at once then 1/s, not JSON)
/// and the socket stays open. The server pings every 2 s; a side silent for
/// 7 s is disconnected. Cookie sessions must come from the console's origin.
///
/// The remote screen rides on the same socket. Expert → server:
/// `screen_request {mode: view|control}`, `screen_stop`, `screen_ack {seq}` (update drawn),
/// `screen_refresh`, `input {event: InputEvent}` (only while control is granted
/// to this expert, coordinates inside the shared screen). Customer → server:
/// `screen_answer {mode, allow}`, `screen_status {status: sharing|paused|stopped,
/// width, height}`, `screen_revoke_control`, and binary screen updates (only
/// while sharing, ≤ 65536 bytes each: a 14-byte header — u8 version 1, u8 kind 1,
/// u8 flags (bit 0 last message of the update, bit 1 full update), u8 0, u32 seq,
/// u16 width, u16 height, u16 count — then `count` rectangles: u16 x, y, w, h,
/// u8 codec (1 JPEG, 2 solid RGB, 3 cursor), u32 length, payload; big-endian).
/// Server → both: `screen` (the whole consent state after every change);
/// to experts that asked to view: the binary updates, as sent; to the customer:
/// `screen_ack {seq}`, `screen_refresh` (a viewer joined or fell behind: forget
/// unacknowledged updates, send a full one) and `input`. A request lapses after
/// 60 s; sharing and control end when the customer's socket closes or the case
/// ends. Limits per case: 4 viewers, 60 updates/s, 16 MiB/s, screens up to
/// 7680×4320; a refused frame gets an `error` frame. Frames are never stored;
/// the consent changes go into the case's history.
///
/// Caps: a case holds at most 2 customer sockets and 4 expert sockets; one
/// more is refused with 429 before the upgrade. Chat's budget (10 at once,
/// then 1/s) is per case side, shared by its sockets. A side that takes
/// nothing sent to it for 7 s is dropped. An expert's socket closes when the
/// expert is deactivated or leaves the case's group (checked every
/// `live_access_recheck`, 30 s by default).
#[utoipa::path(
    get, path = "/api/v1/cases/{id}/session", tag = "cases",
    params(("id" = Uuid, Path, description = "Case id")),
    responses(
        (status = 101, description = "WebSocket: JSON text frames `ClientFrame` in, `ServerFrame` out; binary screen updates from the sharing customer to the viewing experts"),
        (status = 401, body = lifeline_protocol::ErrorBody), (status = 404, body = lifeline_protocol::ErrorBody),
        (status = 409, description = "The case is closed or expired", body = lifeline_protocol::ErrorBody),
        (status = 429, description = "This side of the case already holds its cap of open sockets", body = lifeline_protocol::ErrorBody),
    ),
    security(("bearer" = []), ("console_cookie" = []))
)]
pub async fn case_session(
    State(state): State<Arc<AppState>>,
    CaseAccess { id, caller, case }: CaseAccess,
    headers: HeaderMap,
    upgrade: Result<WebSocketUpgrade, axum::extract::ws::rejection::WebSocketUpgradeRejection>,
) -> Result<Response, ApiError> {
    if uses_console_cookie(&state, &headers)
        && same_origin(state.public_url.as_ref(), &headers) != Some(true)
    {
        // A cookie rides along on cross-site WebSocket handshakes too.
        if let Some(hint) = proxy_origin_hint(state.public_url.as_ref(), &headers) {
            tracing::warn!("session socket refused: {hint}");
        }
        return Err(ApiError::forbidden(
            "a console session socket must come from the console's own origin",
        ));
    }
    // A request that is no handshake is malformed whatever the case's state.
    let upgrade =
        upgrade.map_err(|e| ApiError::bad_request(format!("expected a WebSocket upgrade: {e}")))?;
    if case.state.is_final() {
        return Err(ApiError::conflict(format!(
            "the case is {}",
            case.state.as_str()
        )));
    }
    let upgrade = upgrade
        .read_buffer_size(READ_BUFFER)
        // Written at once: frames are few and small, and nothing sits in a buffer.
        .write_buffer_size(0)
        .max_message_size(MAX_INBOUND)
        .max_frame_size(MAX_INBOUND);
    let (from, author, expert) = match &caller {
        CaseCaller::Customer => (
            MessageFrom::Customer,
            case.customer
                .name
                .as_ref()
                .map_or_else(|| "Customer".to_string(), |n| n.as_str().to_string()),
            None,
        ),
        CaseCaller::Expert(expert) => (
            MessageFrom::Expert,
            expert.display_name.clone(),
            Some(ExpertCredential::of(&state, &headers)?),
        ),
    };
    let side = Side {
        from,
        author,
        actor: caller.actor(),
        slot: state.live.open_socket(id, from)?,
        group: case.group.id,
        expert,
    };
    Ok(upgrade.on_upgrade(move |socket| run(state, id, side, socket)))
}

/// Which side a socket is, how it is named, and its place among the side's sockets.
struct Side {
    from: MessageFrom,
    author: String,
    actor: Actor,
    slot: SocketSlot,
    /// The case's group and the expert's credential, to re-check the expert's access.
    group: Uuid,
    expert: Option<ExpertCredential>,
}

/// One socket, from join to leave.
async fn run(state: Arc<AppState>, id: Uuid, side: Side, mut socket: WebSocket) {
    // Subscribe first, so nothing between the join and the replay is missed.
    let mut subscription = state.hub.subscribe(id);
    let entered = state
        .store
        .open_session_socket(id, side.from, side.actor.clone(), state.clock.now())
        .await;
    if let Err(e) = entered {
        let error = ApiError::from(e);
        let _ = send(
            &mut socket,
            &error_frame(ErrorCode::Conflict, error.message()),
        )
        .await;
        let _ = send_message(&mut socket, Message::Close(None)).await;
        return;
    }
    let asker = match &side.actor {
        Actor::Expert { id, name } => Some(Asker {
            id: *id,
            name: name.clone(),
        }),
        Actor::Customer | Actor::System => None,
    };
    let mut link = state.screens.join(id, asker);
    let conversation = converse(&state, id, &side, &mut socket, &mut subscription, &mut link).await;
    if let Err(e) = conversation {
        tracing::debug!(case.id = %id, reason = %e, "session socket ended");
    }
    // Control ends at once when the customer's socket goes; then the rest.
    let ended = state.screens.leave(&link);
    record(&state, id, &link, ended).await;
    let _ = send_message(&mut socket, Message::Close(None)).await;
    if let Err(e) = state
        .store
        .close_session_socket(id, side.from, side.actor, state.clock.now())
        .await
    {
        tracing::warn!(case.id = %id, error = %e, "cannot record a session side leaving");
    }
}

/// Replays the case and its chat, then relays both ways until the socket
/// closes, falls silent, the case ends or the server stops.
async fn converse(
    state: &AppState,
    id: Uuid,
    side: &Side,
    socket: &mut WebSocket,
    subscription: &mut Subscription,
    link: &mut Link,
) -> Result<(), String> {
    send_case(state, id, socket).await?;
    // Messages already sent by the replay are skipped when they come live.
    let mut last_message_seq = replay_chat(state, id, socket, 0).await?;
    let mut screen_states = link.states();
    if let Some(screen) = screen_states.initial() {
        send(socket, &ServerFrame::Screen(screen)).await?;
    }

    let mut ping = tokio::time::interval(PING_EVERY);
    let mut check = tokio::time::interval(Duration::from_secs(1));
    let mut heard = Instant::now();
    let mut recheck = tokio::time::interval_at(
        tokio::time::Instant::now() + state.access_recheck,
        state.access_recheck,
    );
    loop {
        tokio::select! {
            () = state.shutdown.cancelled() => return Ok(()),
            _ = ping.tick() => send_message(socket, Message::Ping(Default::default())).await?,
            _ = recheck.tick(), if side.expert.is_some() => {
                if let Some(expert) = &side.expert {
                    match expert.still_sees(state, side.group).await {
                        Ok(true) => {}
                        Ok(false) => {
                            let ended = "the expert may no longer follow this case";
                            send(socket, &error_frame(ErrorCode::Forbidden, ended)).await?;
                            return Err(ended.into());
                        }
                        Err(e) => tracing::warn!(case.id = %id, error = e.message(), "cannot re-check an expert's access"),
                    }
                }
            }
            _ = check.tick() => {
                if heard.elapsed() > SILENT_FOR {
                    return Err("no answer to pings".into());
                }
                let lapsed = link.lapse(state.clock.now());
                record(state, id, link, lapsed).await;
            }
            outgoing = link.next() => match outgoing {
                Outgoing::Binary(update) => send_message(socket, Message::Binary(update)).await?,
                Outgoing::Frame(frame) => send(socket, &frame).await?,
            },
            Some(screen) = screen_states.changed() => {
                send(socket, &ServerFrame::Screen(screen)).await?;
            }
            received = socket.recv() => {
                let frame = match received {
                    None => return Ok(()),
                    Some(Err(e)) => return Err(e.to_string()),
                    Some(Ok(frame)) => frame,
                };
                heard = Instant::now();
                match frame {
                    Message::Text(text) => {
                        if let Err((code, message)) = receive(state, id, side, &text, link).await {
                            send(socket, &error_frame(code, &message)).await?;
                        }
                    }
                    Message::Close(_) => return Ok(()),
                    Message::Binary(update) => {
                        if let Err(refused) = link.relay(update) {
                            send(socket, &error_frame(refused.code, &refused.message)).await?;
                        }
                    }
                    Message::Ping(_) | Message::Pong(_) => {}
                }
            }
            event = subscription.recv() => match event {
                Ok(event) => {
                    if event.kind == EventKind::Message {
                        if event.seq <= last_message_seq {
                            continue;
                        }
                        last_message_seq = event.seq;
                    }
                    // Only the presence is stored for a join or leave: the side gets the case as it stands.
                    let is_final = if event.kind == EventKind::Presence {
                        send_case(state, id, socket).await?
                    } else {
                        send_text(socket, event_frame(&event)).await?;
                        event.is_final
                    };
                    if is_final {
                        let ended = link.end("the case ended");
                        record(state, id, link, ended).await;
                        return Ok(());
                    }
                }
                Err(broadcast::error::RecvError::Lagged(_)) => {
                    // Fell behind: catch up on the chat, then the case as it stands.
                    last_message_seq = replay_chat(state, id, socket, last_message_seq).await?;
                    if send_case(state, id, socket).await? {
                        let ended = link.end("the case ended");
                        record(state, id, link, ended).await;
                        return Ok(());
                    }
                }
                Err(broadcast::error::RecvError::Closed) => return Ok(()),
            },
        }
    }
}

/// Handles one text frame from the side: a chat message to store and relay,
/// or a screen frame for the case's screen relay.
async fn receive(
    state: &AppState,
    id: Uuid,
    side: &Side,
    text: &str,
    link: &Link,
) -> Result<(), (ErrorCode, String)> {
    let frame: ClientFrame = serde_json::from_str(text).map_err(|e| {
        (
            ErrorCode::Validation,
            format!("not a session frame ({e}); expected {{\"type\":\"message\",\"text\":\"…\"}}"),
        )
    })?;
    let screen = match frame {
        ClientFrame::Message {
            text,
            id: message_id,
        } => return chat(state, id, side, &text, message_id).await,
        ClientFrame::ScreenRequest { mode } => ScreenFrame::Request(mode),
        ClientFrame::ScreenAnswer { mode, allow } => ScreenFrame::Answer(mode, allow),
        ClientFrame::ScreenStatus {
            status,
            width,
            height,
        } => ScreenFrame::Status(status, width, height),
        ClientFrame::ScreenRevokeControl => ScreenFrame::RevokeControl,
        ClientFrame::ScreenStop => ScreenFrame::Stop,
        ClientFrame::ScreenAck { seq } => ScreenFrame::Ack(seq),
        ClientFrame::ScreenRefresh => ScreenFrame::Refresh,
        ClientFrame::Input { event } => ScreenFrame::Input(event),
    };
    let changed = link
        .receive(screen, state.clock.now())
        .map_err(|refused| (refused.code, refused.message))?;
    record(state, id, link, changed).await;
    Ok(())
}

/// Writes the screen's consent changes into the case's history. A final
/// case refuses them: its `closed` / `expired` line says why sharing ended.
async fn record(state: &AppState, id: Uuid, link: &Link, changes: Vec<Transition>) {
    for change in changes {
        let written = state
            .store
            .record_history(
                id,
                change.action,
                change.actor,
                change.detail.map(str::to_string),
                state.clock.now(),
            )
            .await;
        if let Err(e) = written {
            tracing::debug!(case.id = %id, action = change.action.as_str(), error = %e, "screen change not recorded");
        }
    }
    link.publish();
}

/// A chat message to store and relay.
async fn chat(
    state: &AppState,
    id: Uuid,
    side: &Side,
    text: &str,
    message_id: Option<Uuid>,
) -> Result<(), (ErrorCode, String)> {
    let text = ChatText::parse(text).map_err(|e| (ErrorCode::Validation, format!("text: {e}")))?;
    if !side.slot.take_message() {
        return Err((
            ErrorCode::RateLimited,
            "too many messages; wait a moment and send again".into(),
        ));
    }
    let now = state.clock.now();
    let message = ChatMessage {
        id: message_id.unwrap_or_else(Uuid::now_v7),
        from: side.from,
        author: side.author.clone(),
        text: text.into(),
        sent_at: now,
    };
    state
        .store
        .add_message(id, message, now)
        .await
        .map(drop)
        .map_err(|e| {
            let error = ApiError::from(e);
            let code = match error.status().as_u16() {
                409 => ErrorCode::Conflict,
                404 => ErrorCode::NotFound,
                _ => ErrorCode::Internal,
            };
            (code, error.message().to_string())
        })
}

/// Sends the case as it stands; answers whether it is final.
async fn send_case(state: &AppState, id: Uuid, socket: &mut WebSocket) -> Result<bool, String> {
    let case = state
        .store
        .case(id, state.clock.now())
        .await
        .map_err(|e| e.to_string())?
        .ok_or("the case is gone")?;
    let is_final = case.state.is_final();
    send(socket, &ServerFrame::Case(case)).await?;
    Ok(is_final)
}

/// Sends the chat stored after `after`, a page at a time; answers the last
/// event read, so live messages up to it are not sent twice.
async fn replay_chat(
    state: &AppState,
    id: Uuid,
    socket: &mut WebSocket,
    mut after: i64,
) -> Result<i64, String> {
    loop {
        let page = state
            .store
            .events_after(id, after, REPLAY_PAGE)
            .await
            .map_err(|e| e.to_string())?;
        for event in &page {
            if event.kind == EventKind::Message {
                send_text(socket, event_frame(event)).await?;
            }
            after = event.seq;
        }
        if page.len() < REPLAY_PAGE as usize {
            return Ok(after);
        }
    }
}

/// A stored event as a session frame: its JSON object with `type` first.
fn event_frame(event: &CaseEvent) -> String {
    // The stored data is a JSON object we serialized; splice the tag in
    // rather than parse and re-serialize it for every socket.
    let body = event.data.strip_prefix('{').unwrap_or("}");
    let separator = if body.trim_start().starts_with('}') {
        ""
    } else {
        ","
    };
    format!("{{\"type\":\"{}\"{separator}{body}", event.kind.as_str())
}

fn error_frame(code: ErrorCode, message: &str) -> ServerFrame {
    ServerFrame::Error {
        code,
        message: message.to_string(),
    }
}

async fn send(socket: &mut WebSocket, frame: &ServerFrame) -> Result<(), String> {
    let text = serde_json::to_string(frame).map_err(|e| e.to_string())?;
    send_text(socket, text).await
}

async fn send_text(socket: &mut WebSocket, text: String) -> Result<(), String> {
    send_message(socket, Message::Text(text.into())).await
}

/// Every send is bounded: a peer that stops reading fills its TCP window and
/// would hold this task forever; after [`SILENT_FOR`] it is dropped instead.
async fn send_message(socket: &mut WebSocket, message: Message) -> Result<(), String> {
    match tokio::time::timeout(SILENT_FOR, socket.send(message)).await {
        Ok(sent) => sent.map_err(|e| e.to_string()),
        Err(_) => Err(format!(
            "the peer took nothing for {} s",
            SILENT_FOR.as_secs()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_events_become_tagged_frames() {
        let event = |data: &str| CaseEvent {
            case_id: Uuid::nil(),
            group_id: Uuid::nil(),
            seq: 1,
            kind: EventKind::Message,
            is_final: false,
            data: data.into(),
        };
        assert_eq!(
            event_frame(&event(r#"{"id":"x","text":"hi"}"#)),
            r#"{"type":"message","id":"x","text":"hi"}"#
        );
        assert_eq!(event_frame(&event("{}")), r#"{"type":"message"}"#);
    }
}
