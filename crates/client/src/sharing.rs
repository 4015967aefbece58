//! The customer's side of the remote screen, run inside the live session:
//! the consent state as the server pushes it, the customer's answers, the
//! capture (on a blocking thread, only while shared and watched, at most
//! [`MAX_UNACKED_UPDATES`] updates unacknowledged) and the expert's input
//! (applied only while control is granted). Everything stops at once when the
//! socket drops or the case ends: [`Sharing::reset`].

use std::sync::Arc;
use std::time::Duration;

use lifeline_protocol::screen::{
    ControlState, InputEvent, MAX_UNACKED_UPDATES, REQUEST_LAPSES_AFTER_SECS, ScreenMode,
    ScreenState, ShareStatus, ViewState,
};
use lifeline_protocol::{ClientFrame, ServerFrame};
use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::screen::{Injector, ScreenSource, Unavailable, Update};

/// How often the capturer is asked for what changed while an update may go out.
pub(crate) const CAPTURE_INTERVAL: Duration = Duration::from_millis(66);

/// The customer's side of the screen, as the window shows it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ScreenShare {
    /// Screen viewing, as the server last said (a lapsed request reads `Off`).
    pub view: ViewState,
    /// Remote control, as the server last said (a lapsed request reads `Off`).
    pub control: ControlState,
    /// The expert who asked, or who watches.
    pub expert: Option<String>,
    /// This system can share its screen.
    pub available: bool,
    /// An expert asked to see a screen this system cannot share; the request
    /// was declined and the window says why.
    pub unavailable_asked: bool,
}

/// Why a screen action failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScreenError {
    /// No request of that kind is pending (it was never made, was answered,
    /// or lapsed after 60 s).
    #[error("no {0} request is pending (it may have lapsed)")]
    NoRequest(&'static str),
    /// This system cannot capture its screen or inject input.
    #[error("screen sharing is not available on this system: {0}")]
    Unavailable(String),
    /// Pausing, resuming or stopping a screen that is not shared.
    #[error("the screen is not shared")]
    NotShared,
    /// The session has ended.
    #[error("the session has ended")]
    SessionClosed,
}

impl ScreenError {
    /// A stable code for the window.
    pub fn code(&self) -> crate::ProblemCode {
        use crate::ProblemCode;
        match self {
            ScreenError::NoRequest(_) => ProblemCode::ScreenLapsed,
            ScreenError::Unavailable(_) => ProblemCode::ScreenUnavailable,
            ScreenError::NotShared => ProblemCode::ScreenNotShared,
            ScreenError::SessionClosed => ProblemCode::NoSession,
        }
    }
}

type OpenSource = dyn Fn() -> Result<ScreenSource, Unavailable> + Send + Sync;
type OpenInjector = dyn Fn() -> Result<Injector, Unavailable> + Send + Sync;

/// How a session reaches this computer's screen and input. The screen is
/// opened when an expert asks (to know at once whether it can be shared at
/// all) and read only once the customer says yes; input is opened only once
/// control is granted.
#[derive(Clone)]
pub struct ScreenAccess {
    open_source: Arc<OpenSource>,
    open_injector: Arc<OpenInjector>,
}

impl std::fmt::Debug for ScreenAccess {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScreenAccess").finish_non_exhaustive()
    }
}

impl ScreenAccess {
    /// This system's screen and input ([`ScreenSource::open`], [`Injector::open`]).
    pub fn this_system() -> Self {
        Self::new(ScreenSource::open, Injector::open)
    }

    /// A screen and input made in memory ([`SyntheticProbe`]): the screen
    /// changes on every capture; the probe counts captures and keeps what was played.
    pub fn synthetic(size: crate::screen::Size) -> (Self, crate::screen::SyntheticProbe) {
        let probe = crate::screen::SyntheticProbe::default();
        let (screen, input) = (probe.clone(), probe.clone());
        let access = Self::new(
            move || ScreenSource::from_capturer(Box::new(screen.screen(size))),
            move || Ok(Injector::from_sink(Box::new(input.input(size)))),
        );
        (access, probe)
    }

    /// Access through `open_source` and `open_injector` (another display, a
    /// synthetic screen).
    pub fn new(
        open_source: impl Fn() -> Result<ScreenSource, Unavailable> + Send + Sync + 'static,
        open_injector: impl Fn() -> Result<Injector, Unavailable> + Send + Sync + 'static,
    ) -> Self {
        Self {
            open_source: Arc::new(open_source),
            open_injector: Arc::new(open_injector),
        }
    }
}

/// What the customer does with the screen (from the window, through the session).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ScreenCommand {
    /// Share / Not now (view), Allow / Not now (control).
    Answer { mode: ScreenMode, allow: bool },
    /// Pause, resume (`Sharing`) or stop.
    Status(ShareStatus),
    /// Take control back.
    RevokeControl,
}

/// What the session sends on the sharing side's behalf.
#[derive(Debug)]
pub(crate) enum Outgoing {
    Frame(ClientFrame),
    Binary(Vec<u8>),
}

/// What the blocking threads report, for [`Sharing::on_captured`].
pub(crate) enum Captured {
    /// The screen opened (or cannot be), after an expert asked.
    Opened(Result<ScreenSource, Unavailable>),
    /// The next update: `None` when nothing changed.
    Update(Result<Option<Update>, String>),
}

/// The capture thread: asked for one update at a time (`true`: the whole
/// screen); ends when dropped.
struct CaptureThread {
    orders: std::sync::mpsc::Sender<bool>,
}

/// The customer's screen inside one session.
pub(crate) struct Sharing {
    access: ScreenAccess,
    /// The server's last word.
    state: ScreenState,
    /// When the pending view / control request lapses here.
    view_lapses: Option<Instant>,
    control_lapses: Option<Instant>,
    /// Why this system cannot share, once opening the screen failed.
    unavailable: Option<Unavailable>,
    unavailable_asked: bool,
    /// The screen, opened when an expert asked and not read until Share.
    ready: Option<ScreenSource>,
    /// Opening the screen is under way.
    opening: bool,
    /// The customer said Share while the screen was still opening.
    share_when_open: bool,
    /// The screen's size while shared.
    size: Option<(u16, u16)>,
    capture: Option<CaptureThread>,
    /// Paused by the customer (the capture thread stays).
    paused: bool,
    /// Sequence numbers sent and not yet acknowledged.
    unacked: Vec<u32>,
    /// An update was asked of the capture thread and has not come back.
    capturing: bool,
    /// The next update is the whole screen.
    want_full: bool,
    /// Input events for the injector's thread, while control is granted.
    input: Option<std::sync::mpsc::Sender<InputEvent>>,
    captured_tx: mpsc::UnboundedSender<Captured>,
    captured: mpsc::UnboundedReceiver<Captured>,
    /// What the window last got.
    shown: ScreenShare,
}

impl Sharing {
    pub(crate) fn new(access: ScreenAccess) -> Self {
        let (captured_tx, captured) = mpsc::unbounded_channel();
        let shown = ScreenShare {
            available: true,
            ..ScreenShare::default()
        };
        Self {
            access,
            state: ScreenState::default(),
            view_lapses: None,
            control_lapses: None,
            unavailable: None,
            unavailable_asked: false,
            ready: None,
            opening: false,
            share_when_open: false,
            size: None,
            capture: None,
            paused: false,
            unacked: Vec::new(),
            capturing: false,
            want_full: true,
            input: None,
            captured_tx,
            captured,
            shown,
        }
    }

    /// The window's view of it now.
    pub(crate) fn share(&self) -> ScreenShare {
        let lapsed = |at: Option<Instant>| at.is_some_and(|at| at <= Instant::now());
        let view = match self.state.view {
            ViewState::Requested if lapsed(self.view_lapses) || self.unavailable.is_some() => {
                ViewState::Off
            }
            view => view,
        };
        let control = match self.state.control {
            ControlState::Requested if lapsed(self.control_lapses) => ControlState::Off,
            control => control,
        };
        ScreenShare {
            view,
            control,
            expert: self.state.expert.clone(),
            available: self.unavailable.is_none(),
            unavailable_asked: self.unavailable_asked,
        }
    }

    /// The window's view when it changed since it was last taken.
    pub(crate) fn changed(&mut self) -> Option<ScreenShare> {
        let now = self.share();
        (now != self.shown).then(|| {
            self.shown = now.clone();
            now
        })
    }

    /// Handles a server frame about the screen (the other kinds are not passed here).
    pub(crate) fn receive(&mut self, frame: ServerFrame, out: &mut Vec<Outgoing>) {
        match frame {
            ServerFrame::Screen(state) => self.on_state(state, out),
            ServerFrame::ScreenAck { seq } => {
                self.unacked.retain(|sent| *sent > seq);
                self.pump();
            }
            ServerFrame::ScreenRefresh => {
                // A viewer joined or fell behind and lost its queue: acks for
                // what it lost will never come.
                self.unacked.clear();
                self.want_full = true;
                self.pump();
            }
            ServerFrame::Input { event } => self.on_input(event),
            ServerFrame::Case(_) | ServerFrame::Message(_) | ServerFrame::Error { .. } => {}
        }
    }

    fn on_state(&mut self, state: ScreenState, out: &mut Vec<Outgoing>) {
        let lapses = Instant::now() + Duration::from_secs(REQUEST_LAPSES_AFTER_SECS);
        let newly_asked =
            state.view == ViewState::Requested && self.state.view != ViewState::Requested;
        if state.control == ControlState::Requested && self.state.control != ControlState::Requested
        {
            self.control_lapses = Some(lapses);
        }
        let watched_before = self.state.viewers > 0;
        self.state = state;
        if newly_asked {
            self.view_lapses = Some(lapses);
            if self.unavailable.is_some() {
                self.decline_unavailable(out);
            } else {
                self.open_source();
            }
        }
        match self.state.view {
            ViewState::Off => {
                self.stop_capture();
                self.ready = None;
                self.share_when_open = false;
            }
            ViewState::Requested => self.stop_capture(),
            ViewState::Sharing | ViewState::Paused => {}
        }
        if self.state.control == ControlState::Granted {
            self.start_input();
        } else {
            self.input = None;
        }
        if self.state.viewers > 0 && !watched_before {
            // A viewer came: it needs the whole screen first.
            self.want_full = true;
            self.unacked.clear();
        }
        self.pump();
    }

    /// Nothing to share here: the request is declined at once, and the
    /// window says why.
    fn decline_unavailable(&mut self, out: &mut Vec<Outgoing>) {
        if let Some(reason) = &self.unavailable {
            tracing::info!(%reason, "an expert asked to see the screen; declined");
        }
        self.unavailable_asked = true;
        out.push(Outgoing::Frame(ClientFrame::ScreenAnswer {
            mode: ScreenMode::View,
            allow: false,
        }));
    }

    fn on_input(&mut self, event: InputEvent) {
        match (&self.input, self.state.control) {
            (Some(input), ControlState::Granted) => {
                let _ = input.send(event);
            }
            _ => tracing::warn!("input arrived while control is not granted; ignored"),
        }
    }

    /// Carries out the customer's command.
    pub(crate) fn command(
        &mut self,
        command: ScreenCommand,
        out: &mut Vec<Outgoing>,
    ) -> Result<(), ScreenError> {
        let share = self.share();
        match command {
            ScreenCommand::Answer {
                mode: ScreenMode::View,
                allow,
            } => {
                if let Some(reason) = &self.unavailable {
                    return Err(ScreenError::Unavailable(reason.to_string()));
                }
                if share.view != ViewState::Requested {
                    return Err(ScreenError::NoRequest("view"));
                }
                if !allow {
                    self.ready = None;
                    out.push(Outgoing::Frame(ClientFrame::ScreenAnswer {
                        mode: ScreenMode::View,
                        allow: false,
                    }));
                } else if let Some(source) = self.ready.take() {
                    self.start_sharing(source, out);
                } else {
                    // Still opening: shared as soon as it is open.
                    self.share_when_open = true;
                    self.open_source();
                }
            }
            ScreenCommand::Answer {
                mode: ScreenMode::Control,
                allow,
            } => {
                if share.control != ControlState::Requested {
                    return Err(ScreenError::NoRequest("control"));
                }
                out.push(Outgoing::Frame(ClientFrame::ScreenAnswer {
                    mode: ScreenMode::Control,
                    allow,
                }));
            }
            ScreenCommand::Status(status) => {
                if !matches!(share.view, ViewState::Sharing | ViewState::Paused) {
                    return Err(ScreenError::NotShared);
                }
                match status {
                    ShareStatus::Paused => self.paused = true,
                    ShareStatus::Sharing => {
                        self.paused = false;
                        self.want_full = true;
                        self.unacked.clear();
                    }
                    ShareStatus::Stopped => {
                        self.stop_capture();
                        self.input = None;
                    }
                }
                let (width, height) = self.size.unwrap_or((0, 0));
                out.push(Outgoing::Frame(ClientFrame::ScreenStatus {
                    status,
                    width,
                    height,
                }));
                self.pump();
            }
            ScreenCommand::RevokeControl => {
                // Input stops here at once, before the server hears of it.
                self.input = None;
                out.push(Outgoing::Frame(ClientFrame::ScreenRevokeControl));
            }
        }
        Ok(())
    }

    fn open_source(&mut self) {
        if self.opening || self.ready.is_some() || self.capture.is_some() {
            return;
        }
        self.opening = true;
        let open = Arc::clone(&self.access.open_source);
        let captured = self.captured_tx.clone();
        tokio::task::spawn_blocking(move || {
            let _ = captured.send(Captured::Opened(open()));
        });
    }

    fn start_sharing(&mut self, source: ScreenSource, out: &mut Vec<Outgoing>) {
        let size = source.size();
        self.size = Some((size.width, size.height));
        self.paused = false;
        self.want_full = true;
        self.unacked.clear();
        self.start_capture(source);
        out.push(Outgoing::Frame(ClientFrame::ScreenAnswer {
            mode: ScreenMode::View,
            allow: true,
        }));
        out.push(Outgoing::Frame(ClientFrame::ScreenStatus {
            status: ShareStatus::Sharing,
            width: size.width,
            height: size.height,
        }));
    }

    fn start_input(&mut self) {
        if self.input.is_some() {
            return;
        }
        let (events, inbox) = std::sync::mpsc::channel::<InputEvent>();
        let open = Arc::clone(&self.access.open_injector);
        tokio::task::spawn_blocking(move || {
            let mut injector = match open() {
                Ok(injector) => injector,
                Err(reason) => {
                    tracing::warn!(%reason, "cannot drive the mouse and keyboard");
                    return;
                }
            };
            // Ends when the session drops the sender (control revoked or
            // ended); dropping the injector releases what is held down.
            while let Ok(event) = inbox.recv() {
                if let Err(error) = injector.inject(&event) {
                    tracing::warn!(%error, "an input event was not played");
                }
            }
        });
        self.input = Some(events);
    }

    /// The next thing the blocking threads reported; pending forever when idle.
    pub(crate) async fn next_captured(&mut self) -> Captured {
        match self.captured.recv().await {
            Some(captured) => captured,
            // `self` holds a sender: the channel never closes.
            None => std::future::pending().await,
        }
    }

    /// Handles what the blocking threads reported.
    pub(crate) fn on_captured(&mut self, event: Captured, out: &mut Vec<Outgoing>) {
        match event {
            Captured::Opened(opened) => {
                self.opening = false;
                let asked = self.share().view == ViewState::Requested;
                match opened {
                    Ok(source) if asked && self.share_when_open => {
                        self.share_when_open = false;
                        self.start_sharing(source, out);
                    }
                    Ok(source) if asked => self.ready = Some(source),
                    // Answered or lapsed meanwhile: the screen closes unread.
                    Ok(_) => {}
                    Err(reason) => {
                        tracing::warn!(%reason, "cannot open the screen");
                        self.unavailable = Some(reason);
                        self.share_when_open = false;
                        if asked {
                            self.decline_unavailable(out);
                        }
                    }
                }
            }
            Captured::Update(update) => {
                self.capturing = false;
                if self.capture.is_none() {
                    return; // stopped meanwhile: nothing goes out
                }
                match update {
                    Ok(Some(update)) => {
                        self.unacked.push(update.seq);
                        out.extend(update.messages.into_iter().map(Outgoing::Binary));
                    }
                    Ok(None) => {}
                    Err(error) => {
                        tracing::warn!(%error, "capturing failed; sharing stops");
                        self.stop_capture();
                        let (width, height) = self.size.unwrap_or((0, 0));
                        out.push(Outgoing::Frame(ClientFrame::ScreenStatus {
                            status: ShareStatus::Stopped,
                            width,
                            height,
                        }));
                    }
                }
            }
        }
    }

    fn start_capture(&mut self, mut source: ScreenSource) {
        let (orders, inbox) = std::sync::mpsc::channel::<bool>();
        let captured = self.captured_tx.clone();
        tokio::task::spawn_blocking(move || {
            // Ends when the session drops the sender (stopped, socket
            // dropped, case over); the screen closes with it.
            while let Ok(full) = inbox.recv() {
                let update = source.next_update(full).map_err(|e| e.to_string());
                if captured.send(Captured::Update(update)).is_err() {
                    return;
                }
            }
        });
        self.capture = Some(CaptureThread { orders });
        self.capturing = false;
    }

    fn stop_capture(&mut self) {
        self.capture = None;
        self.capturing = false;
        self.unacked.clear();
        self.paused = false;
    }

    /// Asks the capture thread for the next update when one may go out:
    /// shared, not paused, watched, fewer than the unacknowledged limit.
    pub(crate) fn pump(&mut self) {
        let Some(capture) = &self.capture else {
            return;
        };
        let may_send = self.state.view == ViewState::Sharing
            && !self.paused
            && self.state.viewers > 0
            && !self.capturing
            && self.unacked.len() < MAX_UNACKED_UPDATES as usize;
        if may_send && capture.orders.send(self.want_full).is_ok() {
            self.capturing = true;
            self.want_full = false;
        }
    }

    /// The socket dropped or the session ended: capture and input stop at
    /// once, and the consent is gone (the expert must ask again).
    pub(crate) fn reset(&mut self) {
        self.stop_capture();
        self.input = None;
        self.ready = None;
        self.share_when_open = false;
        self.size = None;
        self.state = ScreenState::default();
        self.view_lapses = None;
        self.control_lapses = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::screen::{Size, SyntheticProbe};

    const SIZE: Size = Size {
        width: 64,
        height: 48,
    };

    struct Fixture {
        sharing: Sharing,
        probe: SyntheticProbe,
    }

    fn fixture() -> Fixture {
        let (access, probe) = ScreenAccess::synthetic(SIZE);
        Fixture {
            sharing: Sharing::new(access),
            probe,
        }
    }

    fn state(view: ViewState, control: ControlState, viewers: u16) -> ServerFrame {
        ServerFrame::Screen(ScreenState {
            view,
            control,
            width: SIZE.width,
            height: SIZE.height,
            expert: Some("Ana".into()),
            expires_at: None,
            viewers,
        })
    }

    /// Runs what the blocking threads report until `done` holds (5 s at most).
    async fn settle(
        sharing: &mut Sharing,
        out: &mut Vec<Outgoing>,
        done: impl Fn(&[Outgoing]) -> bool,
    ) {
        let deadline = Instant::now() + Duration::from_secs(5);
        while !done(out) {
            let captured = tokio::time::timeout_at(deadline, sharing.next_captured())
                .await
                .expect("the capture thread reports in time");
            sharing.on_captured(captured, out);
        }
    }

    fn updates(out: &[Outgoing]) -> usize {
        out.iter()
            .filter(|o| matches!(o, Outgoing::Binary(m) if m[2] & 1 == 1))
            .count()
    }

    #[tokio::test(start_paused = true)]
    async fn an_unanswered_request_lapses_after_60_seconds() {
        let mut fixture = fixture();
        let sharing = &mut fixture.sharing;
        let mut out = Vec::new();
        sharing.receive(state(ViewState::Requested, ControlState::Off, 0), &mut out);
        assert_eq!(sharing.share().view, ViewState::Requested);
        tokio::time::advance(Duration::from_secs(59)).await;
        assert_eq!(sharing.share().view, ViewState::Requested);
        tokio::time::advance(Duration::from_secs(2)).await;
        assert_eq!(sharing.share().view, ViewState::Off, "lapsed");
        let answer = sharing.command(
            ScreenCommand::Answer {
                mode: ScreenMode::View,
                allow: true,
            },
            &mut out,
        );
        assert_eq!(answer, Err(ScreenError::NoRequest("view")));
        assert_eq!(fixture.probe.captures(), 0);
    }

    #[tokio::test]
    async fn nothing_is_read_before_share_and_at_most_two_updates_wait_for_acks() {
        let mut fixture = fixture();
        let sharing = &mut fixture.sharing;
        let mut out = Vec::new();
        sharing.receive(state(ViewState::Requested, ControlState::Off, 1), &mut out);
        sharing
            .command(
                ScreenCommand::Answer {
                    mode: ScreenMode::View,
                    allow: true,
                },
                &mut out,
            )
            .expect("a pending request");
        settle(sharing, &mut out, |out| !out.is_empty()).await;
        assert_eq!(fixture.probe.captures(), 0, "nothing read yet");
        assert!(matches!(
            &out[..],
            [
                Outgoing::Frame(ClientFrame::ScreenAnswer { allow: true, .. }),
                Outgoing::Frame(ClientFrame::ScreenStatus {
                    status: ShareStatus::Sharing,
                    width: 64,
                    height: 48
                })
            ]
        ));
        out.clear();

        // Watched: updates flow until two wait for an ack.
        sharing.receive(state(ViewState::Sharing, ControlState::Off, 1), &mut out);
        settle(sharing, &mut out, |out| updates(out) == 1).await;
        sharing.pump();
        settle(sharing, &mut out, |out| updates(out) == 2).await;
        for _ in 0..5 {
            sharing.pump();
        }
        assert_eq!(
            fixture.probe.captures(),
            2,
            "no third capture without an ack"
        );
        sharing.receive(ServerFrame::ScreenAck { seq: 1 }, &mut out);
        settle(sharing, &mut out, |out| updates(out) == 3).await;
        assert_eq!(fixture.probe.captures(), 3);

        // Paused: nothing more is read.
        sharing
            .command(ScreenCommand::Status(ShareStatus::Paused), &mut out)
            .expect("shared");
        sharing.receive(ServerFrame::ScreenAck { seq: 3 }, &mut out);
        sharing.pump();
        assert_eq!(fixture.probe.captures(), 3);

        // The socket drops: everything stops.
        sharing.reset();
        sharing.pump();
        assert_eq!(sharing.share().view, ViewState::Off);
        assert_eq!(fixture.probe.captures(), 3);
    }

    #[tokio::test]
    async fn input_is_played_only_while_control_is_granted() {
        let mut fixture = fixture();
        let sharing = &mut fixture.sharing;
        let mut out = Vec::new();
        let click = |x| InputEvent::PointerMove { x, y: 1 };
        sharing.receive(
            state(ViewState::Sharing, ControlState::Requested, 1),
            &mut out,
        );
        sharing.receive(ServerFrame::Input { event: click(1) }, &mut out);
        sharing.receive(
            state(ViewState::Sharing, ControlState::Granted, 1),
            &mut out,
        );
        sharing.receive(ServerFrame::Input { event: click(2) }, &mut out);
        sharing
            .command(ScreenCommand::RevokeControl, &mut out)
            .expect("revoking always works");
        sharing.receive(ServerFrame::Input { event: click(3) }, &mut out);
        assert!(matches!(
            &out[..],
            [Outgoing::Frame(ClientFrame::ScreenRevokeControl)]
        ));
        let deadline = Instant::now() + Duration::from_secs(5);
        while fixture.probe.played().is_empty() {
            assert!(Instant::now() < deadline, "the granted event is played");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert_eq!(fixture.probe.played(), [click(2)]);
    }
}
