//! The customer's flows in the window: start-up, asking for help, following
//! the case, the live session and its chat. Each step is a call into
//! `lifeline-client`; this module only keeps the window's [`View`] in step
//! and tells the window.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use lifeline_client::shortcut::{ShortcutDirs, ShortcutKind, ShortcutTarget, ensure_shortcut};
use lifeline_client::{
    Backoff, BusyClaim, BusyFlag, CaseWatch, Installation, Notice, OpenedCase, Problem,
    ProblemCode, Session, SessionEvent, SosProgress, WatchEvent,
};
use lifeline_protocol::{Case, Channel, ChatText};
use tauri::{AppHandle, Emitter, Manager};
use tauri_plugin_autostart::ManagerExt as _;
use tauri_plugin_notification::NotificationExt as _;

use crate::args::Args;
use crate::view::{BrandingView, CaseView, MessageView, Offline, SessionView, View};

/// The event carrying the whole [`View`] to the window.
pub const VIEW_EVENT: &str = "view";

/// Managed state: the installation (or why there is none), the window's
/// view, and the running watcher and session.
#[derive(Debug)]
pub struct Shell {
    installation: Option<Installation>,
    view: Mutex<View>,
    watch: Mutex<Option<CaseWatch>>,
    /// The live session, while the customer is in it.
    session: Mutex<Option<Session>>,
    /// A help request or join is under way; a second one is refused.
    busy: BusyFlag,
    /// The start-up work that waits for the first paint has begun.
    settled: AtomicBool,
}

impl Shell {
    /// Finds the deployment and sets up the client and state; a problem with
    /// any of them becomes the window's broken-deployment state.
    pub fn start(app: &AppHandle, args: &Args) -> Self {
        // The user's locales in their order (LANGUAGE, LC_ALL, LC_MESSAGES,
        // LANG on Linux); the first is the device's, recorded on the case.
        let os_locales: Vec<String> = sys_locale::get_locales().collect();
        let os_locale = os_locales.first().cloned();
        let os_languages = || os_locales.iter().map(String::as_str);
        let bundled = app
            .path()
            .resource_dir()
            .ok()
            .map(|dir| dir.join("deployment.toml"));
        let mut view = View::default();
        let installation = match Installation::prepare(
            args.deployment.as_deref(),
            bundled.as_deref(),
            os_locale.as_deref(),
            env!("CARGO_PKG_VERSION"),
        ) {
            Ok(installation) => {
                let behaviour = installation.deployment.behaviour();
                view.language =
                    lifeline_client::choose_language(&behaviour.language, os_languages())
                        .tag
                        .to_owned();
                view.branding = BrandingView::of(&installation.deployment);
                view.server_host = Some(installation.deployment.server_host());
                tracing::info!(deployment = ?installation.deployment, "deployment loaded");
                Some(installation)
            }
            Err(problem) => {
                tracing::error!(code = %problem.code, message = %problem.message, "no usable deployment");
                view.language = lifeline_client::choose_language(
                    &lifeline_protocol::Language::Auto,
                    os_languages(),
                )
                .tag
                .to_owned();
                view.broken = Some(problem);
                None
            }
        };
        Self {
            installation,
            view: Mutex::new(view),
            watch: Mutex::new(None),
            session: Mutex::new(None),
            busy: BusyFlag::default(),
            settled: AtomicBool::new(false),
        }
    }

    /// The deployment, client and state, or the problem that stops everything.
    pub fn installation(&self) -> Result<&Installation, Problem> {
        self.installation.as_ref().ok_or_else(|| {
            self.view()
                .broken
                .clone()
                .unwrap_or_else(|| Problem::new(ProblemCode::DeploymentNotFound, "no deployment"))
        })
    }

    /// The window title: the company's name.
    pub fn window_title(&self) -> String {
        let view = self.view();
        lifeline_i18n::messages(&view.language).text(
            "window-title",
            &[("company", (&view.branding.company_name).into())],
        )
    }

    /// The current view.
    pub fn view(&self) -> MutexGuard<'_, View> {
        // The view is plain data: a panic elsewhere leaves it usable.
        self.view.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The language the app speaks.
    pub fn language(&self) -> String {
        self.view().language.clone()
    }

    /// Claims the right to start a help request or join; `None` while one is
    /// under way. The claim ends when dropped, also when its task is cancelled.
    pub fn claim_busy(&self) -> Option<BusyClaim> {
        self.busy.claim()
    }

    fn set_watch(&self, watch: Option<CaseWatch>) {
        *self.watch.lock().unwrap_or_else(|e| e.into_inner()) = watch;
    }

    fn session(&self) -> MutexGuard<'_, Option<Session>> {
        self.session.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Changes the view and sends the whole of it to the window.
pub fn update_view(app: &AppHandle, change: impl FnOnce(&mut View)) {
    let shell = app.state::<Shell>();
    let view = {
        let mut view = shell.view();
        change(&mut view);
        view.revision += 1;
        view.clone()
    };
    if let Err(error) = app.emit(VIEW_EVENT, view) {
        tracing::warn!(%error, "cannot send the view to the window");
    }
}

/// Shows, unminimizes and focuses the window.
pub fn show_window(app: &AppHandle) {
    if let Some(window) = app.get_webview_window(crate::MAIN_WINDOW) {
        let _ = window.show();
        let _ = window.unminimize();
        let _ = window.set_focus();
    }
}

/// The start-up flow, begun before the window is built so the case request
/// is on the wire while WebKit starts: a new SOS request when started with
/// `--sos`, the open (or half-sent) case otherwise, or nothing until the
/// customer asks. The state file is read off the main thread. What can wait
/// for the code to be on screen waits ([`settle`]).
pub fn begin(app: &AppHandle, args: &Args) {
    // Whatever happens to the request (an unreachable server, no request at
    // all, a broken deployment), the tray and the shortcut come soon after
    // the window.
    let settle_app = app.clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(SETTLE_AT_LATEST).await;
        settle(&settle_app);
    });
    let shell = app.state::<Shell>();
    if shell.installation().is_err() {
        return;
    }
    if args.sos {
        ask_for_help(app, Channel::Sos);
    } else {
        let app = app.clone();
        tauri::async_runtime::spawn_blocking(move || {
            let shell = app.state::<Shell>();
            let Ok(installation) = shell.installation() else {
                return;
            };
            let remembered = installation.store.load().unwrap_or_else(|error| {
                tracing::warn!(%error, "cannot read the app state");
                Default::default()
            });
            if remembered.open_case.is_some() || remembered.pending_request.is_some() {
                // Resuming sends no new request: request_help finds the open
                // case, or re-sends the request an earlier run wrote down.
                ask_for_help(&app, Channel::App);
            }
        });
    }
}

/// How long after start-up [`settle`] runs when no code was painted first.
const SETTLE_AT_LATEST: Duration = Duration::from_secs(2);

/// The start-up work that can wait until the code is on screen (or
/// [`SETTLE_AT_LATEST`]), once: the tray icon (on the main thread, as GTK
/// wants), then off it the server's version check, the autostart setting,
/// the first-run SOS shortcut and the company logo. Done before the paint,
/// they delayed it: each reads or writes files or the network, and the tray
/// talks to the desktop over D-Bus.
pub fn settle(app: &AppHandle) {
    let shell = app.state::<Shell>();
    if shell.settled.swap(true, Ordering::SeqCst) {
        return;
    }
    crate::timing::mark("settle");
    let tray_app = app.clone();
    let on_main = app.run_on_main_thread(move || {
        if let Err(error) = crate::tray::create(&tray_app) {
            tracing::warn!(%error, "no tray icon");
        }
    });
    if let Err(error) = on_main {
        tracing::warn!(%error, "no tray icon: the event loop is gone");
    }
    if shell.installation().is_err() {
        return;
    }
    let app = app.clone();
    tauri::async_runtime::spawn_blocking(move || {
        let shell = app.state::<Shell>();
        let Ok(installation) = shell.installation() else {
            return;
        };
        check_server(&app);
        apply_autostart(&app, installation.deployment.behaviour().autostart);
        install_shortcut(&app, installation);
        if let Some(logo) = installation.deployment.logo() {
            let logo = logo.data_url();
            update_view(&app, |view| view.branding.logo = Some(logo));
        }
    });
}

/// Checks in the background that the server works with this app version;
/// when it is too old or too new, the window says so plainly. Requests still
/// go ahead: the server has the last word on what it accepts.
fn check_server(app: &AppHandle) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let shell = app.state::<Shell>();
        let Ok(installation) = shell.installation() else {
            return;
        };
        match installation.check_server(env!("CARGO_PKG_VERSION")).await {
            Ok(()) => tracing::info!("the server works with this app version"),
            Err(problem)
                if matches!(
                    problem.code,
                    ProblemCode::ServerTooOld | ProblemCode::ServerTooNew
                ) =>
            {
                tracing::error!(code = %problem.code, message = %problem.message, "server and app versions do not match");
                update_view(&app, |view| view.incompatible = Some(problem));
            }
            Err(problem) => {
                tracing::warn!(code = %problem.code, message = %problem.message, "cannot check the server's version");
            }
        }
    });
}

fn apply_autostart(app: &AppHandle, wanted: bool) {
    let autolaunch = app.autolaunch();
    let result = match (wanted, autolaunch.is_enabled()) {
        (true, Ok(false)) => autolaunch.enable(),
        (false, Ok(true)) => autolaunch.disable(),
        (_, Ok(_)) => Ok(()),
        (_, Err(error)) => Err(error),
    };
    if let Err(error) = result {
        tracing::warn!(%error, wanted, "cannot change autostart");
    }
}

fn install_shortcut(app: &AppHandle, installation: &Installation) {
    let Ok(exe) = std::env::current_exe() else {
        tracing::warn!("cannot tell where the app is; no shortcut");
        return;
    };
    let Some(dirs) = ShortcutDirs::for_this_user() else {
        tracing::warn!("no home folder; no shortcut");
        return;
    };
    let icon_name = if cfg!(windows) { "sos.ico" } else { "sos.png" };
    let default_icon = app
        .path()
        .resource_dir()
        .ok()
        .map(|dir| dir.join(icon_name))
        .filter(|icon| icon.is_file());
    let target = ShortcutTarget {
        app: launch_target(exe),
        default_icon,
        language: app.state::<Shell>().language(),
    };
    match ensure_shortcut(
        &installation.deployment,
        &installation.store,
        &target,
        &dirs,
        ShortcutKind::for_this_os(),
    ) {
        Ok(outcome) => tracing::info!(?outcome, "SOS shortcut checked"),
        Err(error) => tracing::warn!(%error, "cannot install the SOS shortcut"),
    }
}

/// What a shortcut launches: the executable, or on macOS its `.app` bundle.
fn launch_target(exe: PathBuf) -> PathBuf {
    if cfg!(target_os = "macos")
        && let Some(bundle) = exe
            .ancestors()
            .find(|p| p.extension().is_some_and(|e| e == "app"))
    {
        return bundle.to_path_buf();
    }
    exe
}

/// Asks for help in the background (resuming the open case if there is one)
/// and follows the case it gets. A request already under way is not doubled.
pub fn ask_for_help(app: &AppHandle, channel: Channel) {
    let shell = app.state::<Shell>();
    if shell.installation().is_err() {
        return;
    }
    let Some(busy) = shell.claim_busy() else {
        return;
    };
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        // Held until the request ends, however it ends.
        let _busy = busy;
        let shell = app.state::<Shell>();
        let Ok(installation) = shell.installation() else {
            return;
        };
        update_view(&app, |view| {
            // A finished case gives way to the new request; an open one stays
            // shown while it is checked.
            if view.case.as_ref().is_some_and(|c| c.status.is_final()) {
                view.case = None;
            }
            view.requesting = view.case.is_none();
            view.problem = None;
        });
        let mut backoff = Backoff::standard();
        let progress_app = app.clone();
        let answer = installation
            .request_help(channel, &mut backoff, move |progress| {
                if let SosProgress::Retrying {
                    retry_in, reason, ..
                } = progress
                {
                    update_view(&progress_app, |view| {
                        view.offline = Some(Offline::new(retry_in, reason));
                    });
                }
            })
            .await;
        match answer {
            Ok(opened) => {
                crate::timing::mark("case answered");
                follow(&app, opened)
            }
            Err(error) => {
                tracing::warn!(%error, "asking for help failed");
                update_view(&app, |view| {
                    view.requesting = false;
                    view.offline = None;
                    view.problem = Some(Problem::from(error));
                });
            }
        }
    });
}

/// Shows an opened case and follows it live until it ends or another replaces it.
pub fn follow(app: &AppHandle, opened: OpenedCase) {
    let shell = app.state::<Shell>();
    let Ok(installation) = shell.installation() else {
        return;
    };
    leave_session(app);
    update_view(app, |view| {
        view.requesting = false;
        view.offline = None;
        view.problem = None;
        view.case = Some(CaseView::of(&opened.case));
        view.session = SessionView::default();
    });
    let (watch, mut events) = lifeline_client::watch(
        installation.client.clone(),
        opened.stored.token.clone(),
        opened.stored.id,
        Backoff::standard(),
    );
    shell.set_watch(Some(watch));
    let case_id = opened.stored.id;
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        while let Some(event) = events.recv().await {
            match event {
                WatchEvent::Case(case) if case.id == case_id => show_case(&app, &case),
                WatchEvent::Case(_) | WatchEvent::Message(_) => {}
                WatchEvent::Offline { retry_in, reason } => update_view(&app, |view| {
                    view.offline = Some(Offline::new(retry_in, reason));
                }),
                WatchEvent::Online => update_view(&app, |view| view.offline = None),
                WatchEvent::Refused { code, detail } => update_view(&app, |view| {
                    view.problem = Some(Problem::new(ProblemCode::refused(code), detail));
                }),
            }
        }
    });
}

/// Shows a new description of the case, notifying what is news.
pub fn show_case(app: &AppHandle, case: &Case) {
    let shell = app.state::<Shell>();
    let shown = CaseView::of(case);
    let before = shell.view().case.as_ref().map(|c| c.status.clone());
    if let Some(notice) = shown.status.notice_since(before.as_ref()) {
        notify(app, &shell.language(), &notice);
    }
    if let Ok(installation) = shell.installation()
        && let Err(error) = installation.forget_finished_case(case)
    {
        tracing::warn!(%error, "cannot forget the finished case");
    }
    update_view(app, |view| view.case = Some(shown));
}

/// Stops following the case (it was cancelled here).
pub fn stop_following(app: &AppHandle) {
    app.state::<Shell>().set_watch(None);
    leave_session(app);
}

/// Joins the live session of the open case (accepting the expert's request,
/// or starting it). Already in it: nothing happens.
pub fn join_session(app: &AppHandle, case_id: uuid::Uuid, token: String) -> Result<(), Problem> {
    let shell = app.state::<Shell>();
    let installation = shell.installation()?;
    let mut session = shell.session();
    if session.as_ref().is_some_and(|s| !s.is_finished()) {
        return Ok(());
    }
    let (joined, mut events) = lifeline_client::join_session_sharing(
        &installation.client,
        token,
        case_id,
        Backoff::standard(),
        lifeline_client::ScreenAccess::this_system(),
    );
    *session = Some(joined);
    drop(session);
    update_view(app, |view| {
        view.session.joined = true;
        view.session.reconnecting = false;
    });
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        while let Some(event) = events.recv().await {
            match event {
                SessionEvent::Connected => {
                    update_view(&app, |view| view.session.reconnecting = false)
                }
                SessionEvent::Case(case) if case.id == case_id => show_case(&app, &case),
                SessionEvent::Case(_) => {}
                SessionEvent::Screen(share) => crate::screen::show(&app, &share),
                SessionEvent::Message(message) => update_view(&app, |view| {
                    view.session.messages.push(MessageView::of(&message));
                }),
                SessionEvent::Refused { code, message } => update_view(&app, |view| {
                    view.problem = Some(Problem::new(ProblemCode::Api(code), message));
                }),
                SessionEvent::Reconnecting { .. } => {
                    update_view(&app, |view| view.session.reconnecting = true);
                }
                SessionEvent::Ended { reason } => {
                    tracing::info!(%reason, "the session ended");
                    update_view(&app, |view| {
                        view.session.joined = false;
                        view.session.reconnecting = false;
                    });
                }
            }
        }
    });
    Ok(())
}

/// Leaves the live session, if the customer is in it.
pub fn leave_session(app: &AppHandle) {
    let session = app.state::<Shell>().session().take();
    if let Some(session) = session {
        tauri::async_runtime::spawn(session.leave());
    }
    update_view(app, |view| {
        view.session.joined = false;
        view.session.reconnecting = false;
    });
}

/// Sends a chat message in the session.
pub async fn send_chat(app: &AppHandle, text: &ChatText) -> Result<(), Problem> {
    let sending = {
        let shell = app.state::<Shell>();
        let session = shell.session();
        let Some(session) = session.as_ref() else {
            return Err(Problem::new(ProblemCode::NoSession, "not in a session"));
        };
        session.sender()
    };
    sending
        .send(text.as_str())
        .await
        .map(drop)
        .map_err(|error| Problem::new(ProblemCode::NoSession, error))
}

/// The open session's sender, for the screen's answers.
pub fn session_sender(app: &AppHandle) -> Result<lifeline_client::SessionSender, Problem> {
    let shell = app.state::<Shell>();
    let session = shell.session();
    session
        .as_ref()
        .map(Session::sender)
        .ok_or_else(|| Problem::new(ProblemCode::NoSession, "not in a session"))
}

/// Shows the notification `{key}-title` / `{key}-body` about expert `name`.
pub fn notify_text(app: &AppHandle, language: &str, key: &str, name: &str) {
    let messages = lifeline_i18n::messages(language);
    let values = [("name", name.into())];
    let title = messages.text(&format!("{key}-title"), &values);
    let body = messages.text(&format!("{key}-body"), &values);
    if let Err(error) = app.notification().builder().title(title).body(body).show() {
        tracing::info!(%error, "cannot show a notification");
    }
}

fn notify(app: &AppHandle, language: &str, notice: &Notice) {
    let (key, name) = match notice {
        Notice::ExpertAssigned { expert } => ("notify-assigned", Some(expert.as_str())),
        Notice::ExpertWantsToConnect { expert } => ("notify-connect", expert.as_deref()),
        Notice::Closed => ("notify-closed", None),
        Notice::Expired => ("notify-expired", None),
    };
    notify_text(app, language, key, name.unwrap_or("—"));
}
