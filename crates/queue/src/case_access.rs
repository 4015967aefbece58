//! Which cases an expert may see, and which they may close: the same rules
//! for the API and the console.

use uuid::Uuid;

use lifeline_protocol::Case;

use crate::api_error::ApiError;
use crate::state::AppState;
use crate::store::ExpertAuth;

/// A case as an expert may see it: 404 outside their groups, so they do not
/// learn that it exists.
pub async fn visible_case(
    state: &AppState,
    expert: &ExpertAuth,
    id: Uuid,
) -> Result<Case, ApiError> {
    state
        .store
        .case(id, state.clock.now())
        .await?
        .filter(|case| expert.sees_group(case.group.id))
        .ok_or_else(|| ApiError::not_found("case"))
}

/// Experts may close a case they are assigned to or created; admins any.
pub async fn check_expert_may_close(
    state: &AppState,
    expert: &ExpertAuth,
    case: &Case,
) -> Result<(), ApiError> {
    let is_assignee = case.assignee.as_ref().is_some_and(|a| a.id == expert.id);
    if expert.admin || is_assignee || state.store.case_creator(case.id).await? == Some(expert.id) {
        return Ok(());
    }
    Err(ApiError::forbidden(
        "only the assignee, the creator or an admin may close this case",
    ))
}
