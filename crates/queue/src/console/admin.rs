//! Admin pages: experts, groups and membership, assignment policies,
//! deployments and API tokens. Every handler checks the admin role first.

use std::sync::Arc;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use uuid::Uuid;

use lifeline_protocol::{AssignmentPolicy, Email, ExpertRole, MAX_ALERT_AFTER_SECONDS};

use super::auth::NoFields;
use super::language::current;
use super::page::{Layout, PageError, Signed, SignedForm, field_refused, page, see_other};
use super::views::{SelectOption, select_options, timestamp};
use crate::admin;
use crate::api_error::ApiError;
use crate::audit::acting;
use crate::ids::parse_id;
use crate::public_url::request_origin;
use crate::state::AppState;
use crate::store::{ExpertChange, StoreError};

/// An expert as the experts page lists them.
#[derive(Debug)]
struct ExpertRow {
    id: Uuid,
    display_name: String,
    email: String,
    role: String,
    admin: bool,
    active: bool,
    status: String,
    groups: String,
}

#[derive(Debug)]
struct Choice {
    id: Uuid,
    name: String,
}

#[derive(Template)]
#[template(path = "admin_experts.html")]
struct ExpertsPage {
    layout: Layout,
    experts: Vec<ExpertRow>,
    groups: Vec<Choice>,
    password_label: String,
}

pub async fn experts_page(
    State(state): State<Arc<AppState>>,
    signed: Signed,
) -> Result<Response, PageError> {
    signed.require_admin()?;
    let experts = state
        .store
        .list_experts()
        .await?
        .into_iter()
        .map(|e| ExpertRow {
            id: e.id,
            role: current().t(match e.role {
                ExpertRole::Admin => "role-admin",
                ExpertRole::Expert => "role-expert",
            }),
            admin: e.role == ExpertRole::Admin,
            active: e.active,
            status: current().t(match (e.active, e.available) {
                (false, _) => "expert-status-deactivated",
                (true, true) => "expert-status-available",
                (true, false) => "expert-status-away",
            }),
            groups: e
                .groups
                .iter()
                .map(|g| g.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            display_name: e.display_name,
            email: e.email,
        })
        .collect();
    page(&ExpertsPage {
        layout: signed.layout(&state, "experts").await?,
        experts,
        groups: group_choices(&state).await?,
        password_label: current().t_count(
            "experts-password",
            "min",
            i64::try_from(admin::PASSWORD_MIN_CHARS).unwrap_or(i64::MAX),
        ),
    })
}

/// A deployment's or a token's standing.
fn credential_status(revoked_at: Option<time::OffsetDateTime>) -> String {
    let tr = current();
    revoked_at.map_or_else(
        || tr.t("status-active"),
        |at| tr.t_with("status-revoked", "at", &timestamp(at)),
    )
}

async fn group_choices(state: &AppState) -> Result<Vec<Choice>, PageError> {
    Ok(state
        .store
        .list_groups()
        .await?
        .into_iter()
        .map(|g| Choice {
            id: g.id,
            name: g.name,
        })
        .collect())
}

#[derive(Debug, Deserialize)]
pub struct NewExpertForm {
    email: String,
    display_name: String,
    password: String,
    #[serde(default)]
    group: String,
    #[serde(default)]
    admin: Option<String>,
}

pub async fn add_expert(
    State(state): State<Arc<AppState>>,
    SignedForm { signed, form }: SignedForm<NewExpertForm>,
) -> Result<Response, PageError> {
    let by = signed.require_admin()?;
    let email = Email::parse(form.email.trim())
        .map_err(|e| field_refused(format!("email: {e}"), "experts-email"))?;
    let name = form.display_name.trim();
    check_name_length(name)?;
    let groups = match form.group.as_str() {
        "" => Vec::new(),
        id => vec![parse_id(id, "group")?],
    };
    let password_hash = state.passwords.hash(form.password).await?;
    let created = admin::create_expert_with_hash(
        state.store.as_ref(),
        email,
        name,
        Some(password_hash),
        form.admin.is_some(),
        groups,
        state.clock.now(),
    );
    acting(by, created).await?;
    Ok(see_other("/admin/experts"))
}

#[derive(Debug, Deserialize)]
pub struct ExpertChangeForm {
    change: String,
    #[serde(default)]
    password: String,
}

pub async fn change_expert(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    SignedForm { signed, form }: SignedForm<ExpertChangeForm>,
) -> Result<Response, PageError> {
    let by = signed.require_admin()?;
    let id = parse_id(&id, "expert id")?;
    let change = match form.change.as_str() {
        "activate" => ExpertChange::Active(true),
        "deactivate" | "make_expert" if id == signed.expert.id => {
            return Err(PageError::said(
                ApiError::conflict(
                    "you cannot deactivate yourself or drop your own admin role; ask another admin",
                ),
                current().t("page-error-own-standing"),
            ));
        }
        "deactivate" => ExpertChange::Active(false),
        "make_admin" => ExpertChange::Admin(true),
        "make_expert" => ExpertChange::Admin(false),
        "password" => ExpertChange::PasswordHash(state.passwords.hash(form.password).await?),
        other => return Err(PageError::bad_request(format!("unknown change {other:?}"))),
    };
    acting(by, state.store.change_expert(id, change, state.clock.now())).await?;
    Ok(see_other("/admin/experts"))
}

/// A group with its members and who could join.
#[derive(Debug)]
struct GroupView {
    id: Uuid,
    name: String,
    policies: Vec<SelectOption>,
    alert_after_seconds: u32,
    members: Vec<Choice>,
    others: Vec<Choice>,
}

#[derive(Template)]
#[template(path = "admin_groups.html")]
struct GroupsPage {
    layout: Layout,
    groups: Vec<GroupView>,
}

const POLICY_OPTIONS: [(&str, &str); 3] = [
    ("off", "policy-off"),
    ("round_robin", "policy-round_robin"),
    ("least_busy", "policy-least_busy"),
];

pub async fn groups_page(
    State(state): State<Arc<AppState>>,
    signed: Signed,
) -> Result<Response, PageError> {
    signed.require_admin()?;
    let experts = state.store.list_experts().await?;
    let groups = state
        .store
        .list_groups()
        .await?
        .into_iter()
        .map(|g| {
            let (members, others): (Vec<_>, Vec<_>) = experts
                .iter()
                .filter(|e| e.active)
                .partition(|e| e.groups.iter().any(|m| m.id == g.id));
            let choice = |e: &&lifeline_protocol::Expert| Choice {
                id: e.id,
                name: e.display_name.clone(),
            };
            GroupView {
                id: g.id,
                name: g.name,
                policies: select_options(&POLICY_OPTIONS, g.assignment_policy.as_str()),
                alert_after_seconds: g.alert_after_seconds,
                members: members.iter().map(choice).collect(),
                others: others.iter().map(choice).collect(),
            }
        })
        .collect();
    page(&GroupsPage {
        layout: signed.layout(&state, "groups").await?,
        groups,
    })
}

#[derive(Debug, Deserialize)]
pub struct NewGroupForm {
    name: String,
}

pub async fn add_group(
    State(state): State<Arc<AppState>>,
    SignedForm { signed, form }: SignedForm<NewGroupForm>,
) -> Result<Response, PageError> {
    let by = signed.require_admin()?;
    let name = form.name.trim();
    check_name_length(name)?;
    acting(by, state.store.create_group(name, state.clock.now())).await?;
    Ok(see_other("/admin/groups"))
}

#[derive(Debug, Deserialize)]
pub struct GroupChangeForm {
    change: String,
    #[serde(default)]
    policy: String,
    #[serde(default)]
    expert_id: String,
    #[serde(default)]
    alert_after_seconds: String,
}

pub async fn change_group(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    SignedForm { signed, form }: SignedForm<GroupChangeForm>,
) -> Result<Response, PageError> {
    let by = signed.require_admin()?;
    let group = parse_id(&id, "group id")?;
    let now = state.clock.now();
    match form.change.as_str() {
        "policy" => {
            let policy = AssignmentPolicy::parse(&form.policy).ok_or_else(|| {
                ApiError::invalid("policy: expected off, round_robin or least_busy")
            })?;
            acting(by, state.store.set_assignment_policy(group, policy, now)).await?;
        }
        "alert" => {
            let seconds = form.alert_after_seconds.trim().parse().map_err(|_| {
                field_refused(
                    format!(
                        "alert_after_seconds: a whole number of seconds, 1 to {MAX_ALERT_AFTER_SECONDS}"
                    ),
                    "groups-alert",
                )
            })?;
            acting(by, state.store.set_alert_time(group, seconds, now)).await?;
        }
        change @ ("add_member" | "remove_member") => {
            let expert = parse_id(&form.expert_id, "expert_id")?;
            let member = change == "add_member";
            let change = ExpertChange::Membership { group, member };
            acting(by, state.store.change_expert(expert, change, now)).await?;
        }
        other => return Err(PageError::bad_request(format!("unknown change {other:?}"))),
    }
    Ok(see_other("/admin/groups"))
}

#[derive(Debug)]
struct DeploymentRow {
    id: Uuid,
    name: String,
    group: String,
    server_url: String,
    created_at: String,
    active: bool,
    status: String,
}

#[derive(Template)]
#[template(path = "admin_deployments.html")]
struct DeploymentsPage {
    layout: Layout,
    deployments: Vec<DeploymentRow>,
    groups: Vec<Choice>,
    default_server_url: String,
}

pub async fn deployments_page(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    signed: Signed,
) -> Result<Response, PageError> {
    signed.require_admin()?;
    let deployments = state
        .store
        .list_deployments()
        .await?
        .into_iter()
        .map(|d| DeploymentRow {
            id: d.id,
            name: d.name,
            group: d.group.name,
            server_url: d.server_url,
            created_at: timestamp(d.created_at),
            active: d.revoked_at.is_none(),
            status: credential_status(d.revoked_at),
        })
        .collect();
    // The address this console was reached at is the best first guess.
    let default_server_url =
        request_origin(state.public_url.as_ref(), &headers).unwrap_or_default();
    page(&DeploymentsPage {
        layout: signed.layout(&state, "deployments").await?,
        deployments,
        groups: group_choices(&state).await?,
        default_server_url,
    })
}

#[derive(Debug, Deserialize)]
pub struct NewDeploymentForm {
    name: String,
    group: String,
    server_url: String,
}

#[derive(Template)]
#[template(path = "deployment_created.html")]
struct DeploymentCreatedPage {
    layout: Layout,
    id: Uuid,
    name: String,
    key: String,
    file: String,
    rollout: Vec<admin::RolloutCommand>,
}

/// Creates a deployment and shows its key and file this once (answered
/// directly, so the key never sits in a URL or the browser's history).
pub async fn add_deployment(
    State(state): State<Arc<AppState>>,
    SignedForm { signed, form }: SignedForm<NewDeploymentForm>,
) -> Result<Response, PageError> {
    let by = signed.require_admin()?;
    let name = form.name.trim();
    check_name_length(name)?;
    let group = parse_id(&form.group, "group")?;
    let created = admin::create_deployment(
        state.store.as_ref(),
        &state.secret,
        name,
        group,
        form.server_url.trim(),
        state.clock.now(),
    );
    let created = acting(by, created).await?;
    page(&DeploymentCreatedPage {
        layout: signed.layout(&state, "deployments").await?,
        id: created.deployment.id,
        name: created.deployment.name.clone(),
        file: admin::deployment_file(&created.deployment, &created.key),
        key: created.key,
        // The name the download link saves the file under.
        rollout: admin::rollout_commands("deployment.toml"),
    })
}

pub async fn download_deployment_file(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    signed: Signed,
) -> Result<Response, PageError> {
    signed.require_admin()?;
    let id = parse_id(&id, "deployment id")?;
    let deployment = state
        .store
        .deployment(id)
        .await?
        .filter(|d| d.revoked_at.is_none())
        .ok_or(StoreError::NotFound)?;
    let file = admin::deployment_file(
        &deployment,
        &admin::current_deployment_key(&state.secret, &deployment),
    );
    Ok((
        [
            (header::CONTENT_TYPE, "application/toml; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"deployment.toml\"",
            ),
        ],
        file,
    )
        .into_response())
}

pub async fn revoke_deployment(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    SignedForm { signed, .. }: SignedForm<NoFields>,
) -> Result<Response, PageError> {
    let by = signed.require_admin()?;
    let id = parse_id(&id, "deployment id")?;
    acting(by, state.store.revoke_deployment(id, state.clock.now())).await?;
    Ok(see_other("/admin/deployments"))
}

#[derive(Debug)]
struct TokenRow {
    id: Uuid,
    expert: String,
    created_at: String,
    active: bool,
    status: String,
}

#[derive(Template)]
#[template(path = "admin_tokens.html")]
struct TokensPage {
    layout: Layout,
    tokens: Vec<TokenRow>,
    experts: Vec<lifeline_protocol::Expert>,
    new_token: Option<String>,
}

async fn tokens_page_with(
    state: &AppState,
    signed: &Signed,
    new_token: Option<String>,
) -> Result<Response, PageError> {
    let tokens = state
        .store
        .list_expert_tokens()
        .await?
        .into_iter()
        .map(|t| TokenRow {
            id: t.id,
            expert: t.expert_name,
            created_at: timestamp(t.created_at),
            active: t.revoked_at.is_none(),
            status: credential_status(t.revoked_at),
        })
        .collect();
    let experts = state
        .store
        .list_experts()
        .await?
        .into_iter()
        .filter(|e| e.active)
        .collect();
    page(&TokensPage {
        layout: signed.layout(state, "tokens").await?,
        tokens,
        experts,
        new_token,
    })
}

pub async fn tokens_page(
    State(state): State<Arc<AppState>>,
    signed: Signed,
) -> Result<Response, PageError> {
    signed.require_admin()?;
    tokens_page_with(&state, &signed, None).await
}

#[derive(Debug, Deserialize)]
pub struct NewTokenForm {
    expert_id: String,
}

/// Creates a token and shows it this once, in the answer itself.
pub async fn add_token(
    State(state): State<Arc<AppState>>,
    SignedForm { signed, form }: SignedForm<NewTokenForm>,
) -> Result<Response, PageError> {
    let by = signed.require_admin()?;
    let expert = parse_id(&form.expert_id, "expert_id")?;
    let created = acting(
        by,
        admin::create_expert_token(state.store.as_ref(), expert, state.clock.now()),
    )
    .await?;
    tokens_page_with(&state, &signed, Some(created.token)).await
}

pub async fn revoke_token(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    SignedForm { signed, .. }: SignedForm<NoFields>,
) -> Result<Response, PageError> {
    let by = signed.require_admin()?;
    let id = parse_id(&id, "token id")?;
    acting(by, state.store.revoke_expert_token(id, state.clock.now())).await?;
    Ok(see_other("/admin/tokens"))
}

/// A group's, expert's or deployment's name: 1 to 100 characters.
fn check_name_length(name: &str) -> Result<(), PageError> {
    if name.is_empty() || name.chars().count() > 100 {
        return Err(PageError::invalid(
            "name: 1 to 100 characters",
            current().t("page-error-name-length"),
        ));
    }
    Ok(())
}
