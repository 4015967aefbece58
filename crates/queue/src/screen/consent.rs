//! The consent state of one case's screen: who asked, what the customer
//! allowed, and when a request lapses. Pure: time is passed in, every change
//! returns the history lines it makes, and nothing here does I/O.

use std::time::Duration;

use time::OffsetDateTime;
use uuid::Uuid;

use lifeline_protocol::screen::{MAX_HEIGHT, MAX_WIDTH, REQUEST_LAPSES_AFTER_SECS};
use lifeline_protocol::{
    ControlState, ErrorCode, HistoryAction, ScreenMode, ScreenState, ShareStatus, ViewState,
};

use crate::store::Actor;

/// How long a request waits for the customer's answer.
pub const REQUEST_LAPSES_AFTER: Duration = Duration::from_secs(REQUEST_LAPSES_AFTER_SECS);

/// The expert a request or a consent belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asker {
    /// The expert's id.
    pub id: Uuid,
    /// Their display name, as the customer sees it.
    pub name: String,
}

impl Asker {
    fn actor(&self) -> Actor {
        Actor::Expert {
            id: self.id,
            name: self.name.clone(),
        }
    }
}

/// A history line a change makes.
#[derive(Debug, Clone)]
pub struct Transition {
    /// What happened.
    pub action: HistoryAction,
    /// Who did it.
    pub actor: Actor,
    /// Why, when the server did it.
    pub detail: Option<&'static str>,
}

impl Transition {
    fn new(action: HistoryAction, actor: Actor) -> Self {
        Self {
            action,
            actor,
            detail: None,
        }
    }

    fn by_system(action: HistoryAction, why: &'static str) -> Self {
        Self {
            action,
            actor: Actor::System,
            detail: Some(why),
        }
    }
}

/// A frame the consent state does not allow; becomes an `error` frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The error code sent.
    pub code: ErrorCode,
    /// In words.
    pub message: String,
}

impl Refusal {
    fn conflict(message: impl Into<String>) -> Self {
        Self {
            code: ErrorCode::Conflict,
            message: message.into(),
        }
    }

    fn forbidden(message: impl Into<String>) -> Self {
        Self {
            code: ErrorCode::Forbidden,
            message: message.into(),
        }
    }

    fn validation(message: impl Into<String>) -> Self {
        Self {
            code: ErrorCode::Validation,
            message: message.into(),
        }
    }
}

/// What a change did: the history lines to record (empty when nothing changed).
pub type Changed = Result<Vec<Transition>, Refusal>;

/// The screen's consent state of one case.
#[derive(Debug, Clone, Default)]
pub struct Consent {
    view: ViewState,
    control: ControlState,
    width: u16,
    height: u16,
    expert: Option<Asker>,
    view_lapses: Option<OffsetDateTime>,
    control_lapses: Option<OffsetDateTime>,
}

impl Consent {
    /// The state as the `screen` frame shows it, with `viewers` watching.
    pub fn state(&self, viewers: u16) -> ScreenState {
        ScreenState {
            view: self.view,
            control: self.control,
            width: self.width,
            height: self.height,
            expert: self.expert.as_ref().map(|e| e.name.clone()),
            expires_at: self.control_lapses.or(self.view_lapses),
            viewers,
        }
    }

    /// Screen viewing.
    pub fn view(&self) -> ViewState {
        self.view
    }

    /// Whether `expert` is the one the customer consents to (or was asked by).
    pub fn is_expert(&self, expert: Uuid) -> bool {
        self.expert.as_ref().is_some_and(|e| e.id == expert)
    }

    /// The screen size pixels must have, while pixels may flow.
    pub fn sharing_size(&self) -> Option<(u16, u16)> {
        (self.view == ViewState::Sharing && self.width > 0).then_some((self.width, self.height))
    }

    /// An expert asks to view or to control.
    pub fn request(&mut self, by: &Asker, mode: ScreenMode, now: OffsetDateTime) -> Changed {
        if let Some(other) = self.expert.as_ref().filter(|e| e.id != by.id) {
            return Err(Refusal::conflict(format!(
                "{} is already {} the screen; the customer must stop first",
                other.name,
                if self.view == ViewState::Requested {
                    "asking for"
                } else {
                    "viewing"
                }
            )));
        }
        match mode {
            ScreenMode::View => {
                if self.view != ViewState::Off {
                    // Asked again by the same expert (another tab, a reconnect): nothing new.
                    return Ok(Vec::new());
                }
                self.view = ViewState::Requested;
                self.expert = Some(by.clone());
                self.view_lapses = Some(now + REQUEST_LAPSES_AFTER);
                Ok(vec![Transition::new(
                    HistoryAction::ScreenRequested,
                    by.actor(),
                )])
            }
            ScreenMode::Control => {
                if !matches!(self.view, ViewState::Sharing | ViewState::Paused) {
                    return Err(Refusal::conflict(
                        "control can be asked for only while the customer shares the screen",
                    ));
                }
                if self.control != ControlState::Off {
                    return Ok(Vec::new());
                }
                self.control = ControlState::Requested;
                self.control_lapses = Some(now + REQUEST_LAPSES_AFTER);
                Ok(vec![Transition::new(
                    HistoryAction::ControlRequested,
                    by.actor(),
                )])
            }
        }
    }

    /// The customer answers the pending request of `mode`.
    pub fn answer(&mut self, mode: ScreenMode, allow: bool) -> Changed {
        let customer = || Actor::Customer;
        match mode {
            ScreenMode::View => {
                if self.view != ViewState::Requested {
                    return Err(Refusal::conflict(
                        "no request to view the screen is pending",
                    ));
                }
                self.view_lapses = None;
                if allow {
                    self.view = ViewState::Sharing;
                    Ok(vec![Transition::new(
                        HistoryAction::ScreenShared,
                        customer(),
                    )])
                } else {
                    *self = Self::default();
                    Ok(vec![Transition::new(
                        HistoryAction::ScreenDeclined,
                        customer(),
                    )])
                }
            }
            ScreenMode::Control => {
                if self.control != ControlState::Requested {
                    return Err(Refusal::conflict("no request for control is pending"));
                }
                self.control_lapses = None;
                if allow {
                    self.control = ControlState::Granted;
                    Ok(vec![Transition::new(
                        HistoryAction::ControlGranted,
                        customer(),
                    )])
                } else {
                    self.control = ControlState::Off;
                    Ok(vec![Transition::new(
                        HistoryAction::ControlDeclined,
                        customer(),
                    )])
                }
            }
        }
    }

    /// The customer's capture started or resumed (with the size), paused, or stopped.
    pub fn status(&mut self, status: ShareStatus, width: u16, height: u16) -> Changed {
        match status {
            ShareStatus::Sharing => {
                if !(1..=MAX_WIDTH).contains(&width) || !(1..=MAX_HEIGHT).contains(&height) {
                    return Err(Refusal::validation(format!(
                        "width, height: a screen of 1×1 to {MAX_WIDTH}×{MAX_HEIGHT} pixels; got {width}×{height}"
                    )));
                }
                let resumed = match self.view {
                    ViewState::Sharing => false,
                    ViewState::Paused => true,
                    ViewState::Off | ViewState::Requested => {
                        return Err(Refusal::conflict(
                            "sharing needs an expert's request answered with Share first",
                        ));
                    }
                };
                self.view = ViewState::Sharing;
                self.width = width;
                self.height = height;
                Ok(if resumed {
                    vec![Transition::new(
                        HistoryAction::ScreenResumed,
                        Actor::Customer,
                    )]
                } else {
                    Vec::new()
                })
            }
            ShareStatus::Paused => match self.view {
                ViewState::Sharing => {
                    self.view = ViewState::Paused;
                    Ok(vec![Transition::new(
                        HistoryAction::ScreenPaused,
                        Actor::Customer,
                    )])
                }
                ViewState::Paused => Ok(Vec::new()),
                ViewState::Off | ViewState::Requested => {
                    Err(Refusal::conflict("the screen is not shared"))
                }
            },
            ShareStatus::Stopped => Ok(self.stop(Actor::Customer, None)),
        }
    }

    /// The customer takes control back (or turns down a pending request).
    pub fn revoke_control(&mut self) -> Changed {
        let action = match self.control {
            ControlState::Off => return Ok(Vec::new()),
            ControlState::Requested => HistoryAction::ControlDeclined,
            ControlState::Granted => HistoryAction::ControlRevoked,
        };
        self.control = ControlState::Off;
        self.control_lapses = None;
        Ok(vec![Transition::new(action, Actor::Customer)])
    }

    /// The expert who views stops viewing and controlling.
    pub fn expert_stops(&mut self, by: &Asker) -> Changed {
        if !self.is_expert(by.id) {
            return Err(Refusal::conflict("you are not viewing this screen"));
        }
        Ok(self.stop(by.actor(), None))
    }

    /// Whether `expert` may send input now; the screen size to check it against.
    pub fn input_allowed(&self, expert: Uuid) -> Result<(u16, u16), Refusal> {
        if !self.is_expert(expert) || self.control != ControlState::Granted {
            return Err(Refusal::forbidden(
                "input needs control, granted by the customer to you",
            ));
        }
        if self.view != ViewState::Sharing {
            return Err(Refusal::conflict(
                "the customer paused sharing; input waits",
            ));
        }
        Ok((self.width, self.height))
    }

    /// Requests unanswered past their deadline lapse.
    pub fn lapse(&mut self, now: OffsetDateTime) -> Vec<Transition> {
        const WHY: &str = "no answer within 60 s";
        let mut lapsed = Vec::new();
        if self.control_lapses.is_some_and(|at| at <= now) {
            self.control = ControlState::Off;
            self.control_lapses = None;
            lapsed.push(Transition::by_system(HistoryAction::ControlDeclined, WHY));
        }
        if self.view_lapses.is_some_and(|at| at <= now) {
            *self = Self::default();
            lapsed.push(Transition::by_system(HistoryAction::ScreenDeclined, WHY));
        }
        lapsed
    }

    /// Everything ends: stopped by `by`, or by the server saying `why`.
    pub fn stop(&mut self, by: Actor, why: Option<&'static str>) -> Vec<Transition> {
        let line = |action| Transition {
            action,
            actor: by.clone(),
            detail: why,
        };
        let mut ended = Vec::new();
        match self.control {
            ControlState::Off => {}
            ControlState::Requested => ended.push(line(HistoryAction::ControlDeclined)),
            ControlState::Granted => ended.push(line(HistoryAction::ControlRevoked)),
        }
        match self.view {
            ViewState::Off => {}
            ViewState::Requested => ended.push(line(HistoryAction::ScreenDeclined)),
            ViewState::Sharing | ViewState::Paused => {
                ended.push(line(HistoryAction::ScreenStopped))
            }
        }
        *self = Self::default();
        ended
    }

    /// The server ends everything (the customer left, the expert left, the case ended).
    pub fn end(&mut self, why: &'static str) -> Vec<Transition> {
        self.stop(Actor::System, Some(why))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ana() -> Asker {
        Asker {
            id: Uuid::from_u128(1),
            name: "Ana".into(),
        }
    }

    fn bob() -> Asker {
        Asker {
            id: Uuid::from_u128(2),
            name: "Bob".into(),
        }
    }

    fn actions(changed: &[Transition]) -> Vec<&'static str> {
        changed.iter().map(|t| t.action.as_str()).collect()
    }

    fn t0() -> OffsetDateTime {
        OffsetDateTime::UNIX_EPOCH + Duration::from_secs(1_000_000)
    }

    /// A consent where Ana views a 100×80 screen.
    fn sharing() -> Consent {
        let mut consent = Consent::default();
        consent
            .request(&ana(), ScreenMode::View, t0())
            .expect("asks");
        consent.answer(ScreenMode::View, true).expect("shares");
        consent
            .status(ShareStatus::Sharing, 100, 80)
            .expect("capture starts");
        consent
    }

    #[test]
    fn view_walks_requested_sharing_paused_sharing_off() {
        let mut consent = Consent::default();
        let asked = consent
            .request(&ana(), ScreenMode::View, t0())
            .expect("asks");
        assert_eq!(actions(&asked), ["screen_requested"]);
        let state = consent.state(1);
        assert_eq!(state.view, ViewState::Requested);
        assert_eq!(state.expert.as_deref(), Some("Ana"));
        assert_eq!(state.expires_at, Some(t0() + REQUEST_LAPSES_AFTER));
        assert_eq!(consent.sharing_size(), None, "no pixels before consent");

        assert_eq!(
            actions(&consent.answer(ScreenMode::View, true).expect("shares")),
            ["screen_shared"]
        );
        assert_eq!(consent.sharing_size(), None, "no pixels before the size");
        assert!(
            consent
                .status(ShareStatus::Sharing, 100, 80)
                .expect("sized")
                .is_empty()
        );
        assert_eq!(consent.sharing_size(), Some((100, 80)));
        assert_eq!(consent.state(1).expires_at, None);
        assert_eq!(
            actions(&consent.status(ShareStatus::Paused, 0, 0).expect("pauses")),
            ["screen_paused"]
        );
        assert_eq!(consent.sharing_size(), None, "no pixels while paused");
        assert_eq!(
            actions(
                &consent
                    .status(ShareStatus::Sharing, 100, 80)
                    .expect("resumes")
            ),
            ["screen_resumed"]
        );
        assert_eq!(
            actions(&consent.status(ShareStatus::Stopped, 0, 0).expect("stops")),
            ["screen_stopped"]
        );
        assert_eq!(consent.state(0), ScreenState::default());
        assert!(
            consent.status(ShareStatus::Sharing, 100, 80).is_err(),
            "after stop the expert must ask again"
        );
    }

    #[test]
    fn not_now_ends_the_request() {
        let mut consent = Consent::default();
        consent
            .request(&ana(), ScreenMode::View, t0())
            .expect("asks");
        assert_eq!(
            actions(&consent.answer(ScreenMode::View, false).expect("declines")),
            ["screen_declined"]
        );
        assert_eq!(consent.state(0), ScreenState::default());
    }

    #[test]
    fn sharing_before_a_request_or_an_answer_is_refused() {
        let mut consent = Consent::default();
        assert_eq!(
            consent
                .status(ShareStatus::Sharing, 10, 10)
                .map(|_| ())
                .map_err(|r| r.code),
            Err(ErrorCode::Conflict)
        );
        assert!(
            consent.answer(ScreenMode::View, true).is_err(),
            "nothing asked"
        );
        consent
            .request(&ana(), ScreenMode::View, t0())
            .expect("asks");
        assert!(
            consent.status(ShareStatus::Sharing, 10, 10).is_err(),
            "not answered"
        );
    }

    #[test]
    fn a_screen_too_big_is_refused() {
        let mut consent = Consent::default();
        consent
            .request(&ana(), ScreenMode::View, t0())
            .expect("asks");
        consent.answer(ScreenMode::View, true).expect("shares");
        let refusal = consent
            .status(ShareStatus::Sharing, MAX_WIDTH + 1, 10)
            .expect_err("too wide");
        assert_eq!(refusal.code, ErrorCode::Validation);
        assert!(consent.status(ShareStatus::Sharing, 0, 10).is_err());
    }

    #[test]
    fn another_expert_cannot_take_over() {
        let mut consent = sharing();
        let refusal = consent
            .request(&bob(), ScreenMode::View, t0())
            .expect_err("Ana views");
        assert_eq!(refusal.code, ErrorCode::Conflict);
        assert!(consent.request(&bob(), ScreenMode::Control, t0()).is_err());
        assert!(
            consent
                .request(&ana(), ScreenMode::View, t0())
                .expect("Ana again")
                .is_empty(),
            "asking again is no news"
        );
    }

    #[test]
    fn control_needs_sharing_its_own_consent_and_ends_with_view() {
        let mut consent = Consent::default();
        assert!(consent.request(&ana(), ScreenMode::Control, t0()).is_err());
        let mut consent_sharing = sharing();
        assert!(
            consent_sharing.input_allowed(ana().id).is_err(),
            "view only"
        );
        assert_eq!(
            actions(
                &consent_sharing
                    .request(&ana(), ScreenMode::Control, t0())
                    .expect("asks")
            ),
            ["control_requested"]
        );
        assert!(
            consent_sharing.input_allowed(ana().id).is_err(),
            "not granted yet"
        );
        assert_eq!(
            actions(
                &consent_sharing
                    .answer(ScreenMode::Control, true)
                    .expect("grants")
            ),
            ["control_granted"]
        );
        assert_eq!(consent_sharing.input_allowed(ana().id), Ok((100, 80)));
        assert!(consent_sharing.input_allowed(bob().id).is_err(), "only Ana");
        consent_sharing
            .status(ShareStatus::Paused, 0, 0)
            .expect("pauses");
        assert!(consent_sharing.input_allowed(ana().id).is_err(), "paused");
        consent_sharing
            .status(ShareStatus::Sharing, 100, 80)
            .expect("resumes");
        assert_eq!(
            actions(
                &consent_sharing
                    .status(ShareStatus::Stopped, 0, 0)
                    .expect("stops")
            ),
            ["control_revoked", "screen_stopped"]
        );
        assert!(consent_sharing.input_allowed(ana().id).is_err());
        consent = consent_sharing;
        assert_eq!(consent.state(0).control, ControlState::Off);
    }

    #[test]
    fn the_customer_revokes_control_and_keeps_sharing() {
        let mut consent = sharing();
        consent
            .request(&ana(), ScreenMode::Control, t0())
            .expect("asks");
        consent.answer(ScreenMode::Control, true).expect("grants");
        assert_eq!(
            actions(&consent.revoke_control().expect("revokes")),
            ["control_revoked"]
        );
        assert_eq!(consent.view(), ViewState::Sharing);
        assert!(consent.input_allowed(ana().id).is_err());
        assert!(consent.revoke_control().expect("again").is_empty());
    }

    #[test]
    fn requests_lapse_after_60_s() {
        let mut consent = Consent::default();
        consent
            .request(&ana(), ScreenMode::View, t0())
            .expect("asks");
        assert!(consent.lapse(t0() + Duration::from_secs(59)).is_empty());
        let lapsed = consent.lapse(t0() + REQUEST_LAPSES_AFTER);
        assert_eq!(actions(&lapsed), ["screen_declined"]);
        assert_eq!(lapsed[0].actor.label(), "system");
        assert_eq!(consent.state(0), ScreenState::default());

        let mut consent = sharing();
        consent
            .request(&ana(), ScreenMode::Control, t0())
            .expect("asks");
        let lapsed = consent.lapse(t0() + Duration::from_secs(61));
        assert_eq!(actions(&lapsed), ["control_declined"]);
        assert_eq!(consent.view(), ViewState::Sharing, "view stays");
    }

    #[test]
    fn the_viewing_expert_stops_and_no_other() {
        let mut consent = sharing();
        assert!(consent.expert_stops(&bob()).is_err());
        let stopped = consent.expert_stops(&ana()).expect("stops");
        assert_eq!(actions(&stopped), ["screen_stopped"]);
        assert_eq!(stopped[0].actor.label(), "Ana");
        assert_eq!(consent.state(0), ScreenState::default());
    }

    #[test]
    fn the_server_ends_everything() {
        let mut consent = sharing();
        consent
            .request(&ana(), ScreenMode::Control, t0())
            .expect("asks");
        consent.answer(ScreenMode::Control, true).expect("grants");
        let ended = consent.end("the customer left");
        assert_eq!(actions(&ended), ["control_revoked", "screen_stopped"]);
        assert!(ended.iter().all(|t| t.actor.label() == "system"));
        assert_eq!(consent.state(0), ScreenState::default());
        assert!(consent.end("again").is_empty());
    }
}
