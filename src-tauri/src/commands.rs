//! The window's commands: each takes the state, calls `lifeline-client`, and
//! maps the error to `{code, message}`.

use std::io::Write as _;

use lifeline_client::{Problem, ProblemCode};
use lifeline_protocol::{Channel, ChatText, Description, SessionCode, UpdateCaseRequest};
use tauri::{AppHandle, State};

use crate::flows::{self, Shell};
use crate::view::{CaseView, View};

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
fn get_view(shell: State<'_, Shell>) -> View {
    crate::timing::mark("view asked");
    shell.view().clone()
}

/// "Request help": asks for help (channel `app`) unless a case is open.
#[tauri::command]
fn request_help(app: AppHandle) {
    flows::ask_for_help(&app, Channel::App);
}

/// Adds or changes the description of the open case.
#[tauri::command]
async fn set_description(
    app: AppHandle,
    shell: State<'_, Shell>,
    text: String,
) -> Result<CaseView, Problem> {
    let installation = shell.installation()?;
    let description = Description::parse(text)
        .map_err(|error| Problem::new(ProblemCode::InvalidDescription, error))?;
    let open = installation.open_case()?;
    let request = UpdateCaseRequest {
        description: Some(description),
        customer: None,
    };
    let case = installation
        .client
        .update_case(&open.token, open.id, &request)
        .await?;
    flows::show_case(&app, &case);
    Ok(CaseView::of(&case))
}

/// Cancels the open case (the window asked for confirmation first).
#[tauri::command]
async fn cancel_request(app: AppHandle, shell: State<'_, Shell>) -> Result<(), Problem> {
    let installation = shell.installation()?;
    let open = installation.open_case()?;
    let closed = installation.cancel_case(&open).await?;
    flows::stop_following(&app);
    match closed {
        Some(case) => flows::show_case(&app, &case),
        None => flows::update_view(&app, |view| view.case = None),
    }
    Ok(())
}

/// The window has painted the session code: the start-up work that waited
/// for it begins ([`flows::settle`]). With `LIFELINE_REPORT_READY` set
/// (`cargo xtask bench app` sets it), first prints one line on stdout, where
/// the benchmark's click-to-code clock stops, then the start-up milestones.
#[tauri::command]
fn code_painted(app: AppHandle, page: std::collections::BTreeMap<String, f64>) {
    crate::timing::mark("code painted");
    crate::timing::page_marks(page);
    if std::env::var_os("LIFELINE_REPORT_READY").is_some() {
        let mut stdout = std::io::stdout().lock();
        let _ = writeln!(stdout, "lifeline: code painted");
        let _ = writeln!(stdout, "{}", crate::timing::line());
        let _ = stdout.flush();
    }
    flows::settle(&app);
}

/// Joins the manual case whose code an expert gave the customer.
#[tauri::command]
async fn join_case(app: AppHandle, shell: State<'_, Shell>, code: String) -> Result<(), Problem> {
    let installation = shell.installation()?;
    let code =
        SessionCode::parse(&code).map_err(|error| Problem::new(ProblemCode::InvalidCode, error))?;
    let Some(busy) = shell.claim_busy() else {
        return Err(Problem::new(
            ProblemCode::Busy,
            "a help request is under way",
        ));
    };
    // Released as soon as the join is answered, or if this command is dropped.
    let joined = installation.join_case(code).await;
    drop(busy);
    let opened = joined?;
    flows::stop_following(&app);
    flows::follow(&app, opened);
    Ok(())
}

/// Joins the live session: the expert asked to connect, or the customer starts it.
/// Async so it runs on the async runtime, where the session's task is spawned.
#[tauri::command]
async fn join_session(app: AppHandle, shell: State<'_, Shell>) -> Result<(), Problem> {
    let open = shell.installation()?.open_case()?;
    flows::join_session(&app, open.id, open.token)
}

/// Leaves the live session ("Not now" after joining, or "Leave").
#[tauri::command]
fn leave_session(app: AppHandle) {
    flows::leave_session(&app);
}

/// Sends a chat message to the expert.
#[tauri::command]
async fn send_message(app: AppHandle, text: String) -> Result<(), Problem> {
    let text = ChatText::parse(text)
        .map_err(|error| Problem::new(ProblemCode::InvalidMessage, format!("message: {error}")))?;
    flows::send_chat(&app, &text).await
}
