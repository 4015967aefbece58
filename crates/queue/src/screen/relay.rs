//! The screen relay: per case, the consent state, the sockets taking part,
//! and a bounded outbox per socket. Binary updates are checked by their
//! header only and handed to each viewer's queue; a viewer that falls behind
//! loses its queue, waits for the next full update and the customer is asked
//! for one, so no viewer grows the server's memory.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use time::OffsetDateTime;
use tokio::sync::{mpsc, watch};
use uuid::Uuid;

use lifeline_protocol::screen::{InputEvent, ScreenHeader, ScreenState};
use lifeline_protocol::{ErrorCode, MessageFrom, ScreenMode, ServerFrame, ShareStatus, ViewState};

use super::consent::{Asker, Changed, Consent, Refusal, Transition};

/// The per-case limits of the relay.
#[derive(Debug, Clone)]
pub struct ScreenLimits {
    /// Expert sockets watching one case at once.
    pub viewers: usize,
    /// Updates (messages flagged `last`) per second from the customer.
    pub updates_per_sec: u32,
    /// Binary bytes per second from the customer.
    pub bytes_per_sec: usize,
    /// Bytes waiting in one viewer's queue before it is dropped.
    pub viewer_queue_bytes: usize,
    /// Messages waiting in one viewer's queue before it is dropped.
    pub viewer_queue_messages: usize,
    /// Text frames (input events) waiting for the customer's socket.
    pub customer_queue_frames: usize,
}

impl Default for ScreenLimits {
    fn default() -> Self {
        Self {
            viewers: 4,
            updates_per_sec: 60,
            bytes_per_sec: 16 * 1024 * 1024,
            // Two full 1080p updates at JPEG quality ~50 fit with room to spare.
            viewer_queue_bytes: 2 * 1024 * 1024,
            viewer_queue_messages: 64,
            customer_queue_frames: 256,
        }
    }
}

/// What one socket has waiting, as counted by the relay.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Backlog {
    /// Binary messages queued.
    pub messages: usize,
    /// Their bytes.
    pub bytes: usize,
    /// How often this socket's queue overflowed and was dropped.
    pub overflows: u64,
}

/// Something to send down one socket.
#[derive(Debug)]
pub enum Outgoing {
    /// A screen update message, as the customer sent it.
    Binary(Bytes),
    /// A text frame (boxed: updates are the many, frames the few).
    Frame(Box<ServerFrame>),
}

/// Every case's relay room.
#[derive(Debug)]
pub struct Screens {
    rooms: Mutex<HashMap<Uuid, Arc<Room>>>,
    limits: ScreenLimits,
    next_socket: AtomicU64,
}

impl Default for Screens {
    fn default() -> Self {
        Self::new(ScreenLimits::default())
    }
}

impl Screens {
    /// Rooms with these limits.
    pub fn new(limits: ScreenLimits) -> Self {
        Self {
            rooms: Mutex::new(HashMap::new()),
            limits,
            next_socket: AtomicU64::new(1),
        }
    }

    /// A socket of case `case` joins its room; `expert` is `None` for the customer.
    pub fn join(&self, case: Uuid, expert: Option<Asker>) -> Link {
        let socket = self.next_socket.fetch_add(1, Ordering::Relaxed);
        let (doorbell, rung) = mpsc::channel(1);
        let mut rooms = lock(&self.rooms);
        let room = Arc::clone(rooms.entry(case).or_insert_with(|| {
            Arc::new(Room {
                inner: Mutex::new(RoomInner::default()),
                state: watch::Sender::new(ScreenState::default()),
                limits: self.limits.clone(),
            })
        }));
        lock(&room.inner).members.insert(
            socket,
            Member {
                expert,
                outbox: Outbox::default(),
                doorbell,
            },
        );
        Link {
            case,
            socket,
            room,
            rung,
        }
    }

    /// What each socket of `case` has waiting (tests and diagnostics).
    pub fn backlog(&self, case: Uuid) -> Vec<Backlog> {
        let Some(room) = lock(&self.rooms).get(&case).cloned() else {
            return Vec::new();
        };
        lock(&room.inner)
            .members
            .values()
            .map(|m| m.outbox.backlog())
            .collect()
    }

    /// A socket left: ends what it held up, and forgets an empty room.
    /// Returns the history lines to record.
    pub fn leave(&self, link: &Link) -> Vec<Transition> {
        let mut rooms = lock(&self.rooms);
        let (ended, empty) = {
            let mut inner = lock(&link.room.inner);
            let Some(member) = inner.members.remove(&link.socket) else {
                return Vec::new();
            };
            let ended = match &member.expert {
                None if inner.sharer == Some(link.socket) || !inner.has_customer() => {
                    inner.consent.end("the customer's app left the session")
                }
                Some(expert)
                    if inner.consent.is_expert(expert.id) && !inner.has_expert(expert.id) =>
                {
                    inner.consent.end("the expert left the session")
                }
                _ => Vec::new(),
            };
            if inner.sharer == Some(link.socket) {
                inner.sharer = None;
            }
            link.room.after_change(&mut inner);
            (ended, inner.members.is_empty())
        };
        if empty {
            rooms.remove(&link.case);
        }
        ended
    }
}

/// One socket's place in its case's room.
#[derive(Debug)]
pub struct Link {
    case: Uuid,
    socket: u64,
    room: Arc<Room>,
    rung: mpsc::Receiver<()>,
}

/// The screen state of a room as it changes, for one socket.
#[derive(Debug)]
pub struct StateFeed(watch::Receiver<ScreenState>);

impl StateFeed {
    /// The state to show on joining, unless all is off.
    pub fn initial(&mut self) -> Option<ScreenState> {
        let state = self.0.borrow_and_update().clone();
        (state != ScreenState::default()).then_some(state)
    }

    /// Waits for the state to change; `None` if the room is gone.
    pub async fn changed(&mut self) -> Option<ScreenState> {
        self.0.changed().await.ok()?;
        Some(self.0.borrow_and_update().clone())
    }
}

impl Link {
    /// The room's screen state, for sending to this socket.
    pub fn states(&self) -> StateFeed {
        StateFeed(self.room.state.subscribe())
    }

    /// Waits for the next thing to send down this socket. Cancel-safe: an
    /// item is taken from the queue only when this returns it.
    pub async fn next(&mut self) -> Outgoing {
        loop {
            if let Some(item) = self.room.pop(self.socket) {
                return item;
            }
            if self.rung.recv().await.is_none() {
                // Cannot happen while this link holds the room; wait forever rather than spin.
                std::future::pending::<()>().await;
            }
        }
    }

    /// Shows every socket of the room the state as it now stands. Called
    /// after the history lines of a change are recorded, so a side that
    /// reacts to the new state never gets ahead of the history.
    pub fn publish(&self) {
        self.room.publish();
    }

    /// Handles a screen text frame from this socket; `Ok` holds the history
    /// lines to record.
    pub fn receive(&self, frame: ScreenFrame, now: OffsetDateTime) -> Changed {
        self.room.receive(self.socket, frame, now)
    }

    /// Handles a binary message from this socket.
    pub fn relay(&self, message: Bytes) -> Result<(), Refusal> {
        self.room.relay(self.socket, message)
    }

    /// Lets requests past their deadline lapse.
    pub fn lapse(&self, now: OffsetDateTime) -> Vec<Transition> {
        let mut inner = lock(&self.room.inner);
        let lapsed = inner.consent.lapse(now);
        self.room.after_change(&mut inner);
        lapsed
    }

    /// Ends everything (the case became final).
    pub fn end(&self, why: &'static str) -> Vec<Transition> {
        let mut inner = lock(&self.room.inner);
        let ended = inner.consent.end(why);
        self.room.after_change(&mut inner);
        ended
    }
}

/// The screen frames a side may send, taken from its `ClientFrame`.
#[derive(Debug)]
pub enum ScreenFrame {
    /// `screen_request`.
    Request(ScreenMode),
    /// `screen_answer`.
    Answer(ScreenMode, bool),
    /// `screen_status`.
    Status(ShareStatus, u16, u16),
    /// `screen_revoke_control`.
    RevokeControl,
    /// `screen_stop` (expert).
    Stop,
    /// `screen_ack`.
    Ack(u32),
    /// `screen_refresh`.
    Refresh,
    /// `input`.
    Input(InputEvent),
}

impl ScreenFrame {
    /// Which side may send it.
    fn sender(&self) -> MessageFrom {
        match self {
            ScreenFrame::Request(_)
            | ScreenFrame::Stop
            | ScreenFrame::Ack(_)
            | ScreenFrame::Refresh
            | ScreenFrame::Input(_) => MessageFrom::Expert,
            ScreenFrame::Answer(..) | ScreenFrame::Status(..) | ScreenFrame::RevokeControl => {
                MessageFrom::Customer
            }
        }
    }
}

#[derive(Debug)]
struct Room {
    inner: Mutex<RoomInner>,
    state: watch::Sender<ScreenState>,
    limits: ScreenLimits,
}

#[derive(Debug, Default)]
struct RoomInner {
    consent: Consent,
    members: HashMap<u64, Member>,
    /// The customer socket that shares (it answered Share).
    sharer: Option<u64>,
    /// The last message relayed did not end its update.
    update_open: bool,
    /// The highest `seq` acknowledged to the customer since sharing began.
    acked: Option<u32>,
    budget: Budget,
}

#[derive(Debug)]
struct Member {
    /// `None` for the customer.
    expert: Option<Asker>,
    outbox: Outbox,
    doorbell: mpsc::Sender<()>,
}

impl Member {
    fn ring(&self) {
        // A full doorbell already means "look at the outbox".
        let _ = self.doorbell.try_send(());
    }
}

#[derive(Debug, Default)]
struct Outbox {
    /// Binary messages, for a viewer.
    binary: VecDeque<Bytes>,
    bytes: usize,
    /// Text frames (input events for the customer).
    frames: VecDeque<ServerFrame>,
    /// A viewer: receives updates. Starts waiting for a full one.
    viewing: bool,
    waiting_for_full: bool,
    overflows: u64,
    /// For the customer: the newest acknowledged seq not yet sent.
    ack: Option<u32>,
    /// For the customer: a full update is wanted.
    refresh: bool,
}

impl Outbox {
    fn backlog(&self) -> Backlog {
        Backlog {
            messages: self.binary.len(),
            bytes: self.bytes,
            overflows: self.overflows,
        }
    }

    fn pop(&mut self) -> Option<Outgoing> {
        if self.refresh {
            self.refresh = false;
            return Some(Outgoing::Frame(Box::new(ServerFrame::ScreenRefresh)));
        }
        if let Some(seq) = self.ack.take() {
            return Some(Outgoing::Frame(Box::new(ServerFrame::ScreenAck { seq })));
        }
        if let Some(frame) = self.frames.pop_front() {
            return Some(Outgoing::Frame(Box::new(frame)));
        }
        let message = self.binary.pop_front()?;
        self.bytes -= message.len();
        Some(Outgoing::Binary(message))
    }

    fn clear_binary(&mut self) {
        self.binary.clear();
        self.bytes = 0;
    }
}

/// Updates and bytes the customer sent in the current one-second window.
#[derive(Debug, Default)]
struct Budget {
    /// When the window began; `None` before the first update.
    window: Option<Instant>,
    updates: u32,
    bytes: usize,
}

impl Budget {
    fn take(&mut self, limits: &ScreenLimits, bytes: usize, ends_update: bool) -> bool {
        if self
            .window
            .is_none_or(|began| began.elapsed() >= Duration::from_secs(1))
        {
            *self = Self {
                window: Some(Instant::now()),
                ..Self::default()
            };
        }
        let updates = self.updates + u32::from(ends_update);
        if updates > limits.updates_per_sec || self.bytes + bytes > limits.bytes_per_sec {
            return false;
        }
        self.updates = updates;
        self.bytes += bytes;
        true
    }
}

impl RoomInner {
    fn has_customer(&self) -> bool {
        self.members.values().any(|m| m.expert.is_none())
    }

    fn has_expert(&self, expert: Uuid) -> bool {
        self.members
            .values()
            .any(|m| m.expert.as_ref().is_some_and(|e| e.id == expert))
    }

    fn viewers(&self) -> u16 {
        let count = self.members.values().filter(|m| m.outbox.viewing).count();
        u16::try_from(count).unwrap_or(u16::MAX)
    }

    /// Asks the sharing customer for a full update.
    fn want_full_update(&mut self) {
        if let Some(sharer) = self.sharer.and_then(|s| self.members.get_mut(&s)) {
            sharer.outbox.refresh = true;
            sharer.ring();
        }
    }
}

impl Room {
    fn pop(&self, socket: u64) -> Option<Outgoing> {
        lock(&self.inner).members.get_mut(&socket)?.outbox.pop()
    }

    /// After a consent change: viewers stop when view is off.
    fn after_change(&self, inner: &mut RoomInner) {
        if inner.consent.view() == ViewState::Off {
            for member in inner.members.values_mut() {
                member.outbox.viewing = false;
                member.outbox.clear_binary();
            }
            inner.sharer = None;
            inner.acked = None;
            inner.update_open = false;
        }
    }

    /// Every socket of the room sees the state as it now stands, if it changed.
    fn publish(&self) {
        let state = {
            let inner = lock(&self.inner);
            inner.consent.state(inner.viewers())
        };
        self.state.send_if_modified(|current| {
            let changed = *current != state;
            if changed {
                *current = state;
            }
            changed
        });
    }

    fn receive(&self, socket: u64, frame: ScreenFrame, now: OffsetDateTime) -> Changed {
        let mut inner = lock(&self.inner);
        let member = inner
            .members
            .get(&socket)
            .ok_or_else(|| refusal(ErrorCode::Conflict, "this socket has left"))?;
        let side = match member.expert {
            Some(_) => MessageFrom::Expert,
            None => MessageFrom::Customer,
        };
        if frame.sender() != side {
            return Err(refusal(
                ErrorCode::Forbidden,
                match side {
                    MessageFrom::Customer => "only an expert sends this screen frame",
                    MessageFrom::Expert => "only the customer sends this screen frame",
                },
            ));
        }
        let expert = member.expert.clone();
        let changed = match (frame, expert) {
            (ScreenFrame::Request(mode), Some(expert)) => {
                self.request(&mut inner, socket, &expert, mode, now)?
            }
            (ScreenFrame::Answer(mode, allow), None) => {
                let changed = inner.consent.answer(mode, allow)?;
                if mode == ScreenMode::View && allow {
                    inner.sharer = Some(socket);
                    inner.want_full_update();
                }
                changed
            }
            (ScreenFrame::Status(status, width, height), None) => {
                if inner.sharer.is_some_and(|s| s != socket) {
                    return Err(refusal(
                        ErrorCode::Conflict,
                        "another of the customer's sockets shares the screen",
                    ));
                }
                let resized = status == ShareStatus::Sharing
                    && inner.consent.sharing_size() != Some((width, height));
                let changed = inner.consent.status(status, width, height)?;
                if status != ShareStatus::Stopped {
                    inner.sharer = Some(socket);
                }
                if resized || !changed.is_empty() {
                    // A new size or a resume: every viewer starts again from a full update.
                    for member in inner.members.values_mut() {
                        if member.outbox.viewing {
                            member.outbox.clear_binary();
                            member.outbox.waiting_for_full = true;
                        }
                    }
                    inner.update_open = false;
                    inner.want_full_update();
                }
                changed
            }
            (ScreenFrame::RevokeControl, None) => inner.consent.revoke_control()?,
            (ScreenFrame::Stop, Some(expert)) => inner.consent.expert_stops(&expert)?,
            (ScreenFrame::Ack(seq), Some(_)) => {
                self.viewer(&inner, socket)?;
                if inner.acked.is_none_or(|acked| seq > acked) {
                    inner.acked = Some(seq);
                    let sharer = inner.sharer;
                    if let Some(sharer) = sharer.and_then(|s| inner.members.get_mut(&s)) {
                        sharer.outbox.ack = Some(seq);
                        sharer.ring();
                    }
                }
                return Ok(Vec::new());
            }
            (ScreenFrame::Refresh, Some(_)) => {
                self.viewer(&inner, socket)?;
                inner.want_full_update();
                return Ok(Vec::new());
            }
            (ScreenFrame::Input(event), Some(expert)) => {
                let (width, height) = inner.consent.input_allowed(expert.id)?;
                event
                    .check(width, height)
                    .map_err(|e| refusal(ErrorCode::Validation, e.to_string()))?;
                let limit = self.limits.customer_queue_frames;
                let sharer = inner.sharer;
                let sharer = sharer
                    .and_then(|s| inner.members.get_mut(&s))
                    .ok_or_else(|| refusal(ErrorCode::Conflict, "the customer is not sharing"))?;
                if sharer.outbox.frames.len() >= limit {
                    return Err(refusal(
                        ErrorCode::RateLimited,
                        "input arrives faster than the customer's computer takes it; slow down",
                    ));
                }
                sharer.outbox.frames.push_back(ServerFrame::Input { event });
                sharer.ring();
                return Ok(Vec::new());
            }
            // Sides were checked above.
            (_, _) => return Err(refusal(ErrorCode::Forbidden, "not for this side")),
        };
        self.after_change(&mut inner);
        Ok(changed)
    }

    /// An expert asks; a view request from the consented expert's socket
    /// makes that socket a viewer (at once when the customer shares already).
    fn request(
        &self,
        inner: &mut RoomInner,
        socket: u64,
        expert: &Asker,
        mode: ScreenMode,
        now: OffsetDateTime,
    ) -> Changed {
        let changed = inner.consent.request(expert, mode, now)?;
        if mode == ScreenMode::View {
            let viewers = usize::from(inner.viewers());
            let member = inner
                .members
                .get_mut(&socket)
                .ok_or_else(|| refusal(ErrorCode::Conflict, "this socket has left"))?;
            if !member.outbox.viewing {
                if viewers >= self.limits.viewers {
                    return Err(refusal(
                        ErrorCode::RateLimited,
                        format!("at most {} viewers per case", self.limits.viewers),
                    ));
                }
                member.outbox.viewing = true;
                member.outbox.waiting_for_full = true;
                if matches!(inner.consent.view(), ViewState::Sharing | ViewState::Paused) {
                    inner.want_full_update();
                }
            }
        }
        Ok(changed)
    }

    fn viewer(&self, inner: &RoomInner, socket: u64) -> Result<(), Refusal> {
        match inner.members.get(&socket) {
            Some(m) if m.outbox.viewing => Ok(()),
            _ => Err(refusal(
                ErrorCode::Conflict,
                "this socket does not view the screen; send screen_request first",
            )),
        }
    }

    fn relay(&self, socket: u64, message: Bytes) -> Result<(), Refusal> {
        let header = ScreenHeader::parse(&message)
            .map_err(|e| refusal(ErrorCode::Validation, format!("screen update: {e}")))?;
        let mut inner = lock(&self.inner);
        let is_customer = inner
            .members
            .get(&socket)
            .is_some_and(|m| m.expert.is_none());
        if !is_customer {
            return Err(refusal(
                ErrorCode::Forbidden,
                "only the customer sends screen updates",
            ));
        }
        let Some((width, height)) = inner.consent.sharing_size() else {
            return Err(refusal(
                ErrorCode::Conflict,
                match inner.consent.view() {
                    ViewState::Paused => "sharing is paused; send screen_status sharing first",
                    ViewState::Sharing => "send screen_status sharing with the screen size first",
                    ViewState::Off | ViewState::Requested => {
                        "the screen is not shared: no expert's request was answered with Share"
                    }
                },
            ));
        };
        if inner.sharer != Some(socket) {
            return Err(refusal(
                ErrorCode::Conflict,
                "another of the customer's sockets shares the screen",
            ));
        }
        if (header.width, header.height) != (width, height) {
            return Err(refusal(
                ErrorCode::Validation,
                format!(
                    "screen update of {}×{} but the screen is {width}×{height}; send screen_status with the new size first",
                    header.width, header.height
                ),
            ));
        }
        if !inner.budget.take(&self.limits, message.len(), header.last) {
            return Err(refusal(
                ErrorCode::RateLimited,
                format!(
                    "screen updates over {} per second or {} bytes per second; slow down",
                    self.limits.updates_per_sec, self.limits.bytes_per_sec
                ),
            ));
        }
        let starts_update = !inner.update_open;
        inner.update_open = !header.last;
        let starts_full = starts_update && header.full;
        let mut fell_behind = false;
        for member in inner.members.values_mut() {
            let outbox = &mut member.outbox;
            if !outbox.viewing {
                continue;
            }
            if outbox.waiting_for_full {
                if !starts_full {
                    continue;
                }
                outbox.waiting_for_full = false;
            }
            let over = outbox.bytes + message.len() > self.limits.viewer_queue_bytes
                || outbox.binary.len() >= self.limits.viewer_queue_messages;
            if over {
                // Drop what it has not taken; resume at the next full update.
                outbox.clear_binary();
                outbox.overflows += 1;
                fell_behind = true;
                if !starts_full {
                    outbox.waiting_for_full = true;
                    continue;
                }
            }
            outbox.bytes += message.len();
            outbox.binary.push_back(message.clone());
            member.ring();
        }
        if fell_behind {
            tracing::debug!("a screen viewer fell behind; its queue was dropped");
            inner.want_full_update();
        }
        Ok(())
    }
}

fn refusal(code: ErrorCode, message: impl Into<String>) -> Refusal {
    Refusal {
        code,
        message: message.into(),
    }
}

/// Locks a mutex; the data stays consistent even if a holder panicked
/// (every change under these locks is a few assignments).
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
