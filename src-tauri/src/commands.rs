//! The window's commands: each takes the state, calls `lifeline-client`, and
//! maps the error to `{code, message}`.

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
        join_case
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
