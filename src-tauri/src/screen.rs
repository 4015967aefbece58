//! The remote screen in the window: the expert's requests to see the screen
//! and to use the mouse and keyboard, and while the screen is shared an
//! indicator the customer cannot miss (banner and frame in the window, the
//! window's title, the tray). The consent and the capture are
//! `lifeline-client`'s; this module shows them and passes the answers on.

use lifeline_client::ScreenShare;
use lifeline_protocol::screen::{ControlState, ScreenMode, ShareStatus, ViewState};
use serde::Serialize;
use tauri::{AppHandle, Manager as _};

use crate::flows::{self, Shell};
use lifeline_client::Problem;

/// The remote screen as the window shows it.
#[derive(Debug, Clone, Serialize)]
pub struct ScreenView {
    /// This system can share its screen.
    pub available: bool,
    /// `off`, `requested`, `sharing` or `paused`.
    pub view: &'static str,
    /// `off`, `requested` or `granted`.
    pub control: &'static str,
    /// Who asked, or who watches.
    pub expert: Option<String>,
    /// An expert asked to see a screen this system cannot share: the window
    /// says so plainly.
    pub unavailable_asked: bool,
}

impl Default for ScreenView {
    /// Nothing asked, nothing shared; available until shown otherwise.
    fn default() -> Self {
        Self::of(&ScreenShare {
            available: true,
            ..ScreenShare::default()
        })
    }
}

impl ScreenView {
    /// The view of the customer's side of the screen.
    pub fn of(share: &ScreenShare) -> Self {
        Self {
            available: share.available,
            view: match share.view {
                ViewState::Off => "off",
                ViewState::Requested => "requested",
                ViewState::Sharing => "sharing",
                ViewState::Paused => "paused",
            },
            control: match share.control {
                ControlState::Off => "off",
                ControlState::Requested => "requested",
                ControlState::Granted => "granted",
            },
            expert: share.expert.clone(),
            unavailable_asked: share.unavailable_asked,
        }
    }

    fn is_shared(&self) -> bool {
        matches!(self.view, "sharing" | "paused")
    }
}

/// Shows a new state of the screen: the prompt, the banner, the title and the
/// tray; a new request also brings the window up and notifies.
pub fn show(app: &AppHandle, share: &ScreenShare) {
    let next = ScreenView::of(share);
    let before = app.state::<Shell>().view().screen.clone();
    let language = app.state::<Shell>().language();
    let name = next.expert.clone().unwrap_or_else(|| "—".into());
    let asked = |now: &str, then: &str| now == "requested" && then != "requested";
    if asked(next.view, before.view) && next.available {
        flows::show_window(app);
        flows::notify_text(app, &language, "notify-screen", &name);
    }
    if asked(next.control, before.control) {
        flows::show_window(app);
        flows::notify_text(app, &language, "notify-control", &name);
    }
    if next.is_shared() != before.is_shared() {
        mark_shared(app, &language, next.is_shared());
        if next.is_shared() {
            flows::show_window(app);
        }
    }
    flows::update_view(app, |view| view.screen = next);
}

/// The window's title and the tray say whether the screen is shared.
fn mark_shared(app: &AppHandle, language: &str, shared: bool) {
    let title = app.state::<Shell>().window_title();
    let title = if shared {
        lifeline_i18n::messages(language)
            .text("window-title-sharing", &[("title", (&title).into())])
    } else {
        title
    };
    if let Some(window) = app.get_webview_window(crate::MAIN_WINDOW) {
        let _ = window.set_title(&title);
    }
    if let Err(error) = crate::tray::show_sharing(app, shared) {
        tracing::info!(%error, "cannot mark the tray as sharing");
    }
}

/// "Share" / "Not now" (`mode` `view`), "Allow" / "Not now" (`mode` `control`).
#[tauri::command]
pub async fn answer_screen(app: AppHandle, mode: ScreenMode, allow: bool) -> Result<(), Problem> {
    flows::session_sender(&app)?
        .answer_screen(mode, allow)
        .await
        .map_err(screen_problem)
}

/// Pause (`paused`), Resume (`sharing`) or Stop (`stopped`).
#[tauri::command]
pub async fn set_screen_sharing(app: AppHandle, status: ShareStatus) -> Result<(), Problem> {
    flows::session_sender(&app)?
        .set_sharing(status)
        .await
        .map_err(screen_problem)
}

/// "Take back control" (the button or Escape).
#[tauri::command]
pub async fn revoke_control(app: AppHandle) -> Result<(), Problem> {
    flows::session_sender(&app)?
        .revoke_control()
        .await
        .map_err(screen_problem)
}

fn screen_problem(error: lifeline_client::ScreenError) -> Problem {
    Problem::new(error.code(), error)
}
