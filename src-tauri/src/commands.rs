//! The window's commands: each takes the state, calls `lifeline-client`, and
//! maps the error to `{code, message}`.

use std::io::Write as _;

use lifeline_protocol::{Channel, Description, SessionCode, UpdateCaseRequest};
use tauri::{AppHandle, State};

use crate::core::{self, Core};
use crate::view::{CaseView, Problem, View};

/// Every command, for `invoke_handler`.
pub fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
    tauri::generate_handler![
        get_view,
        request_help,
        set_description,
        cancel_request,
        join_case,
        code_painted,
        join_session,
        leave_session,
        send_message,
        crate::screen::answer_screen,
        crate::screen::set_screen_sharing,
        crate::screen::revoke_control
    ]
}

/// The whole view, for a window that just loaded.
#[tauri::command]
fn get_view(core: State<'_, Core>) -> View {
    core.view().clone()
}

/// "Request help": asks for help (channel `app`) unless a case is open.
#[tauri::command]
fn request_help(app: AppHandle) {
    core::ask_for_help(&app, Channel::App);
}

/// Adds or changes the description of the open case.
#[tauri::command]
async fn set_description(
    app: AppHandle,
    core: State<'_, Core>,
    text: String,
) -> Result<CaseView, Problem> {
    let ready = core.ready()?;
    let description =
        Description::parse(text).map_err(|error| Problem::new("invalid_description", error))?;
    let open = open_case(ready)?;
    let request = UpdateCaseRequest {
        description: Some(description),
        customer: None,
    };
    let case = ready
        .client
        .update_case(&open.token, open.id, &request)
        .await
        .map_err(client_problem)?;
    core::show_case(&app, &case);
    Ok(CaseView::of(&case))
}

/// Cancels the open case (the window asked for confirmation first).
#[tauri::command]
async fn cancel_request(app: AppHandle, core: State<'_, Core>) -> Result<(), Problem> {
    let ready = core.ready()?;
    let open = open_case(ready)?;
    let closed = lifeline_client::cancel_case(&ready.client, &ready.store, &open)
        .await
        .map_err(|error| Problem::new(error.code(), &error))?;
    core::stop_following(&app);
    match closed {
        Some(case) => core::show_case(&app, &case),
        None => core::update_view(&app, |view| view.case = None),
    }
    Ok(())
}

/// The window has painted the session code. With `LIFELINE_REPORT_READY` set
/// (`cargo xtask bench app` sets it), prints one line on stdout: the
/// benchmark's click-to-code clock stops there.
#[tauri::command]
fn code_painted() {
    if std::env::var_os("LIFELINE_REPORT_READY").is_some() {
        let mut stdout = std::io::stdout().lock();
        let _ = writeln!(stdout, "lifeline: code painted");
        let _ = stdout.flush();
    }
}

/// Joins the manual case whose code an expert gave the customer.
#[tauri::command]
async fn join_case(app: AppHandle, core: State<'_, Core>, code: String) -> Result<(), Problem> {
    let ready = core.ready()?;
    let code = SessionCode::parse(&code).map_err(|error| Problem::new("invalid_code", error))?;
    if !core.begin_busy() {
        return Err(Problem::new("busy", "a help request is under way"));
    }
    let joined = lifeline_client::join_case(
        &ready.client,
        &ready.deployment,
        &ready.store,
        code,
        ready.device.clone(),
    )
    .await;
    core.end_busy();
    let opened = joined.map_err(|error| Problem::new(error.code(), &error))?;
    core::stop_following(&app);
    core::follow(&app, opened);
    Ok(())
}

/// Joins the live session: the expert asked to connect, or the customer starts it.
/// Async so it runs on the async runtime, where the session's task is spawned.
#[tauri::command]
async fn join_session(app: AppHandle, core: State<'_, Core>) -> Result<(), Problem> {
    let open = open_case(core.ready()?)?;
    core::join_session(&app, open.id, open.token)
}

/// Leaves the live session ("Not now" after joining, or "Leave").
#[tauri::command]
fn leave_session(app: AppHandle) {
    core::leave_session(&app);
}

/// Sends a chat message to the expert.
#[tauri::command]
async fn send_message(app: AppHandle, text: String) -> Result<(), Problem> {
    let text = text.trim();
    if text.is_empty() {
        return Err(Problem::new("invalid_message", "the message is empty"));
    }
    if text.chars().count() > lifeline_protocol::limits::MESSAGE_MAX_CHARS {
        return Err(Problem::new("invalid_message", "the message is too long"));
    }
    core::send_chat(&app, text).await
}

fn open_case(ready: &core::Ready) -> Result<lifeline_client::OpenCase, Problem> {
    ready
        .store
        .load()
        .map_err(|error| Problem::new("state", error))?
        .open_case
        .ok_or_else(|| Problem::new("no_case", "there is no open case"))
}

fn client_problem(error: lifeline_client::ClientError) -> Problem {
    let code = match error.code() {
        Some(code) => code.as_str(),
        None if error.is_retryable() => "unreachable",
        None => "refused",
    };
    Problem::new(code, error)
}
