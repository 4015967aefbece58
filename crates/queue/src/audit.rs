//! The audit log: who signed in (or failed to), and who created, changed or
//! revoked experts, groups, API tokens and deployments, when and from which
//! client address. Entries are kept in the database, written by the rules in
//! the same transaction as the change they record (so a change that did not
//! commit leaves no entry, and one that did always has its entry).
//!
//! Who acted reaches the store through [`acting`]: a handler runs its store
//! call inside the scope of an [`AuditBy`] (the signed-in admin and the
//! client address), and the store's administrative writes read it there. A
//! write outside any scope was made by the command line (`lifeline-queue
//! admin …`, which opens the database itself).

use std::future::Future;

use serde::Serialize;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::client_addr::ClientAddr;
use crate::store::ExpertAuth;

/// The name an entry made outside any request carries as its actor.
pub const COMMAND_LINE: &str = "command line";

tokio::task_local! {
    static ACTING: AuditBy;
}

/// Who does an administrative change, and from where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditBy {
    /// The expert, when one is known.
    pub expert: Option<Uuid>,
    /// Their name (or, for a failed sign-in, the address typed in).
    pub name: String,
    /// The client address as `client_addr` resolved it; `None` for the command line.
    pub client: Option<String>,
}

impl AuditBy {
    /// A signed-in expert at `client`.
    pub fn expert(expert: &ExpertAuth, client: ClientAddr) -> Self {
        Self {
            expert: Some(expert.id),
            name: expert.display_name.clone(),
            client: Some(client.to_string()),
        }
    }

    /// Someone at `client` not (yet) known as an expert, named as they named themselves.
    pub fn unknown(name: &str, client: ClientAddr) -> Self {
        Self {
            expert: None,
            name: name.to_string(),
            client: Some(client.to_string()),
        }
    }

    /// The command line.
    pub fn command_line() -> Self {
        Self {
            expert: None,
            name: COMMAND_LINE.to_string(),
            client: None,
        }
    }

    /// Who is acting in the current scope of [`acting`]; the command line outside any.
    pub fn current() -> Self {
        ACTING
            .try_with(Clone::clone)
            .unwrap_or_else(|_| Self::command_line())
    }
}

/// Runs `work` (store calls) with `by` as the actor its audit entries name.
pub async fn acting<F: Future>(by: AuditBy, work: F) -> F::Output {
    ACTING.scope(by, work).await
}

/// What an entry records. Stored and filtered by [`AuditAction::as_str`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    /// A console sign-in.
    SignIn,
    /// A console sign-in refused for a wrong address or password.
    SignInFailed,
    /// An expert was added.
    ExpertCreated,
    /// An expert's standing changed (active, admin, password, groups).
    ExpertChanged,
    /// A group was added.
    GroupCreated,
    /// A group's settings changed.
    GroupChanged,
    /// An API token was made.
    TokenCreated,
    /// An API token was revoked.
    TokenRevoked,
    /// A deployment was made.
    DeploymentCreated,
    /// A deployment's key was revoked.
    DeploymentRevoked,
    /// A deployment's key was rotated or its server URL changed.
    DeploymentChanged,
    /// A webhook endpoint was registered.
    WebhookCreated,
    /// A webhook endpoint was disabled or enabled (by an admin, or disabled
    /// by the server after failing for a day).
    WebhookChanged,
    /// A webhook endpoint was deleted.
    WebhookDeleted,
}

impl AuditAction {
    /// Every action, in the order the console offers them.
    pub const ALL: [AuditAction; 14] = [
        Self::SignIn,
        Self::SignInFailed,
        Self::ExpertCreated,
        Self::ExpertChanged,
        Self::GroupCreated,
        Self::GroupChanged,
        Self::TokenCreated,
        Self::TokenRevoked,
        Self::DeploymentCreated,
        Self::DeploymentRevoked,
        Self::DeploymentChanged,
        Self::WebhookCreated,
        Self::WebhookChanged,
        Self::WebhookDeleted,
    ];

    /// The stored and API name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SignIn => "sign_in.succeeded",
            Self::SignInFailed => "sign_in.failed",
            Self::ExpertCreated => "expert.created",
            Self::ExpertChanged => "expert.changed",
            Self::GroupCreated => "group.created",
            Self::GroupChanged => "group.changed",
            Self::TokenCreated => "token.created",
            Self::TokenRevoked => "token.revoked",
            Self::DeploymentCreated => "deployment.created",
            Self::DeploymentRevoked => "deployment.revoked",
            Self::DeploymentChanged => "deployment.changed",
            Self::WebhookCreated => "webhook.created",
            Self::WebhookChanged => "webhook.changed",
            Self::WebhookDeleted => "webhook.deleted",
        }
    }

    /// The action of a stored or requested name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == name)
    }
}

/// One entry to write.
#[derive(Debug, Clone)]
pub struct NewAuditEntry<'a> {
    /// What happened.
    pub action: AuditAction,
    /// Who did it, from where.
    pub by: &'a AuditBy,
    /// What it was done to, if anything: id and name.
    pub target: Option<(Uuid, &'a str)>,
    /// More about it (what changed), never a secret.
    pub detail: Option<&'a str>,
    /// When.
    pub at: OffsetDateTime,
}

/// One entry of the log, as `GET /api/v1/audit` answers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct AuditEntry {
    /// The entry (UUID v7).
    pub id: Uuid,
    /// When, RFC 3339.
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub at: OffsetDateTime,
    /// What happened: `sign_in.succeeded`, `sign_in.failed`, `expert.created`,
    /// `expert.changed`, `group.created`, `group.changed`, `token.created`,
    /// `token.revoked`, `deployment.created`, `deployment.revoked`,
    /// `deployment.changed`, `webhook.created`, `webhook.changed`,
    /// `webhook.deleted`.
    pub action: String,
    /// The expert who did it; absent for the command line and for a failed
    /// sign-in of an unknown address.
    pub actor_id: Option<Uuid>,
    /// Their name then, `command line`, or the address a failed sign-in typed.
    pub actor_name: String,
    /// The client address the request came from (as resolved behind trusted
    /// proxies); absent for the command line.
    pub client: Option<String>,
    /// What it was done to (an expert, group, token, deployment or webhook id).
    pub target_id: Option<Uuid>,
    /// Its name then.
    pub target_name: Option<String>,
    /// What changed.
    pub detail: Option<String>,
}

/// Which entries a read asks for: newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditQuery {
    /// Only this action.
    pub action: Option<AuditAction>,
    /// Only entries by this expert.
    pub actor: Option<Uuid>,
    /// Only entries about this expert, group, token or deployment.
    pub target: Option<Uuid>,
    /// Only entries at or after this time.
    pub since: Option<OffsetDateTime>,
    /// Only entries before this time.
    pub until: Option<OffsetDateTime>,
    /// Only entries older than this one (the previous page's last).
    pub before: Option<Uuid>,
    /// Page size.
    pub limit: u32,
}
