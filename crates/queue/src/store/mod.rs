//! What handlers call: the [`Store`] trait, its requests and answers, and
//! [`StoreError`]. One implementation, `rules::QueueStore`, runs the
//! queue's rules over a database backend (`storage`: `sqlite` or
//! `postgres`). Handlers only ever see [`Store`].
//!
//! Store methods take the current time as an argument: expiry is decided at
//! read time from it, so a case read after its deadline reads `expired` even
//! before the sweep has written it.

pub mod migrate_db;
pub mod postgres;
pub(crate) mod rows;
pub mod sqlite;
pub(crate) mod storage;

pub use storage::SlaCase;

use async_trait::async_trait;
use time::OffsetDateTime;
use uuid::Uuid;

use lifeline_protocol::{
    AssignmentPolicy, Case, CaseState, Channel, ChatMessage, Customer, Deployment, Description,
    Device, Email, Expert, Group, HistoryAction, HistoryEntry, IdempotencyKey, MessageFrom,
    SessionCode, UpdateCaseRequest,
};

use crate::audit::{AuditAction, AuditEntry, AuditQuery};
use crate::credentials::TokenHash;
use crate::email::{EmailPreferences, NoticeKey};
use crate::hub::CaseEvent;
use crate::webhooks::{
    Attempt, ClaimedDelivery, DisabledEndpoint, NewWebhook, Webhook, WebhookDelivery,
};

/// What can go wrong in storage, whichever the database.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No such row (or not visible to the caller).
    #[error("not found")]
    NotFound,
    /// The case is closed or expired: final states take no changes.
    #[error("the case is {}", .0.as_str())]
    CaseFinal(CaseState),
    /// Every random session code tried was taken by an open case.
    #[error("no free session code found; try again")]
    NoFreeCode,
    /// The request names something that does not exist or cannot be used.
    #[error("{0}")]
    Invalid(String),
    /// The transaction holding this write failed to commit; nothing was written.
    #[error("commit failed: {0}")]
    Commit(String),
    /// A unique name or address is taken.
    #[error("{0} is already taken")]
    Taken(&'static str),
    /// The database failed; the backend's own error is the source.
    #[error("database: {0}")]
    Database(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// The database holds something that does not parse.
    #[error("corrupt row: {0}")]
    Corrupt(String),
    /// The database was written by a newer server, whose schema this one does not know.
    #[error(
        "the database has schema version {found}, newer than this server knows ({known}); upgrade the server"
    )]
    SchemaTooNew {
        /// The database's schema version.
        found: i64,
        /// The newest this server knows.
        known: usize,
    },
    /// A thread the storage needs (writer, checkpoints) could not be started.
    #[error("cannot start the storage's {thread} thread: {source}")]
    ThreadStart {
        /// Which thread.
        thread: &'static str,
        /// Why.
        source: std::io::Error,
    },
    /// The writer is gone (shutting down, or stopped) or the database cannot be reached.
    #[error("storage is unavailable (shutting down, or the database cannot be reached)")]
    Unavailable,
    /// The disk under the database is full: nothing was written.
    #[error("the database's disk is full")]
    Full,
    /// The server secret is not the one the database was made with.
    #[error("the server secret does not match the one this database was made with")]
    SecretMismatch,
}

/// A valid, unrevoked deployment key's deployment.
#[derive(Debug, Clone)]
pub struct DeploymentAuth {
    /// The deployment.
    pub id: Uuid,
    /// The group its cases land in.
    pub group_id: Uuid,
    /// That group's name.
    pub group_name: String,
}

/// A signed-in expert (through an API token or a console session).
#[derive(Debug, Clone)]
pub struct ExpertAuth {
    /// The expert.
    pub id: Uuid,
    /// Name shown to customers and in history.
    pub display_name: String,
    /// Admins see and manage everything.
    pub admin: bool,
    /// The groups whose cases the expert sees.
    pub groups: Vec<Uuid>,
}

impl ExpertAuth {
    /// Whether this expert may see cases of `group`.
    pub fn sees_group(&self, group: Uuid) -> bool {
        self.admin || self.groups.contains(&group)
    }
}

/// Who did something to a case, for its history.
#[derive(Debug, Clone)]
pub enum Actor {
    /// The customer holding the case token.
    Customer,
    /// An expert.
    Expert { id: Uuid, name: String },
    /// The server itself (expiry).
    System,
}

impl Actor {
    /// The history's words for the actor.
    pub fn label(&self) -> &str {
        match self {
            Actor::Customer => "customer",
            Actor::Expert { name, .. } => name,
            Actor::System => "system",
        }
    }
}

/// A customer's create request, checked and ready to store.
#[derive(Debug, Clone)]
pub struct NewCustomerCase {
    /// The deployment whose key was used.
    pub deployment: DeploymentAuth,
    /// The client's key for this request.
    pub idempotency_key: IdempotencyKey,
    /// SHA-256 of the canonical request, to tell a replay from a different request.
    pub request_hash: [u8; 32],
    /// `sos` or `app`.
    pub channel: Channel,
    /// Customer details.
    pub customer: Customer,
    /// Description.
    pub description: Option<Description>,
    /// Device.
    pub device: Device,
}

/// What became of a create request.
#[derive(Debug, Clone)]
pub enum CreateOutcome {
    /// A new case, as its first snapshot.
    Created(Box<Case>),
    /// The same key and body came before: the case's first snapshot again,
    /// so the answer is the same byte for byte.
    Replayed(Box<Case>),
    /// The same key came before with another body.
    Mismatch,
}

/// A manual case an expert creates.
#[derive(Debug, Clone)]
pub struct NewManualCase {
    /// Its group.
    pub group_id: Uuid,
    /// Customer details, if known.
    pub customer: Customer,
    /// Description, if known.
    pub description: Option<Description>,
    /// A deadline earlier than the server's own for an unclaimed code, if
    /// the creator asks for one (the TeamViewer façade's `valid_until`).
    pub valid_until: Option<OffsetDateTime>,
}

/// Which cases a list asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateFilter {
    /// `new`, `pending` or `in_progress`.
    Open,
    /// Exactly this state.
    Only(CaseState),
    /// `closed` or `expired` (including open ones past their deadline).
    Final,
    /// Every state.
    All,
}

/// Whose cases a list asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssigneeFilter {
    /// Any or none.
    Anyone,
    /// Unassigned only.
    Unassigned,
    /// Assigned to this expert.
    Expert(Uuid),
}

/// A page request of the case list; oldest first (by id: UUID v7).
/// What one run of the once-only sweeps did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Swept {
    /// Dead instances removed (their sockets no longer count).
    pub dead_instances: usize,
    /// Cases expired.
    pub expired: usize,
}

#[derive(Debug, Clone)]
pub struct CaseQuery {
    /// States.
    pub state: StateFilter,
    /// Only this group.
    pub group: Option<Uuid>,
    /// Only these assignees.
    pub assignee: AssigneeFilter,
    /// Only these groups (the caller's); `None` for admins.
    pub visible_groups: Option<Vec<Uuid>>,
    /// Only cases that hold or held this code (codes are unique among open
    /// cases only: a final case's code may be given again).
    pub code: Option<SessionCode>,
    /// Start after this case id (ids are UUID v7: creation order).
    pub after: Option<Uuid>,
    /// Page size.
    pub limit: u32,
}

/// A new expert.
#[derive(Debug, Clone)]
pub struct NewExpert {
    /// Sign-in address.
    pub email: Email,
    /// Name shown to customers.
    pub display_name: String,
    /// PHC string of the password hash, if the expert signs in to the console.
    pub password_hash: Option<String>,
    /// Admin or not.
    pub admin: bool,
    /// Groups to join.
    pub groups: Vec<Uuid>,
}

/// What signing in needs to know of an expert.
#[derive(Debug, Clone)]
pub struct SignInRecord {
    /// The expert.
    pub id: Uuid,
    /// PHC string of the password hash; `None` for token-only experts.
    pub password_hash: Option<String>,
    /// Deactivated experts cannot sign in.
    pub active: bool,
}

/// An API token as admins see it: never the token itself.
#[derive(Debug, Clone)]
pub struct TokenInfo {
    /// The token's id.
    pub id: Uuid,
    /// Whose it is.
    pub expert_id: Uuid,
    /// Their name.
    pub expert_name: String,
    /// When it was made.
    pub created_at: OffsetDateTime,
    /// When it was revoked, if it was.
    pub revoked_at: Option<OffsetDateTime>,
}

/// An admin's change to an expert.
#[derive(Debug, Clone)]
pub enum ExpertChange {
    /// Activate, or deactivate: signs them out, revokes their API tokens,
    /// marks them away.
    Active(bool),
    /// Make admin or plain expert.
    Admin(bool),
    /// A new password (PHC string); signs them out everywhere.
    PasswordHash(String),
    /// Join or leave a group.
    Membership {
        /// The group.
        group: Uuid,
        /// Join (`true`) or leave.
        member: bool,
    },
}

/// Storage of everything the queue server keeps.
#[async_trait]
pub trait Store: Send + Sync + std::fmt::Debug + 'static {
    /// Checks that the database answers.
    async fn ping(&self) -> Result<(), StoreError>;
    /// Checks that a write commits now: the disk has room ([`StoreError::Full`]
    /// otherwise) and the writer answers ([`StoreError::Unavailable`] otherwise).
    async fn check_writable(&self, now: OffsetDateTime) -> Result<(), StoreError>;
    /// Records the fingerprint of the server secret when the database has
    /// none yet; [`StoreError::SecretMismatch`] when it holds another one.
    async fn adopt_secret(&self, fingerprint: [u8; 32]) -> Result<(), StoreError>;
    /// At start, before any session: records this server instance and
    /// removes dead instances with the sockets they counted: on a database
    /// only this server uses, every other instance (a past run); else those
    /// silent too long, and those seen lately that do not say they are alive
    /// again within that limit (waiting for that, a few seconds at most).
    /// Then every side still marked connected with no socket counted
    /// anywhere (a crash left it so) leaves, through the same rule as a real
    /// leave. Sides whose sockets live instances hold are left alone.
    /// Returns how many cases changed.
    async fn reset_presence(&self, now: OffsetDateTime) -> Result<usize, StoreError>;
    /// This server instance stops (its sockets are closed): removes it, so
    /// the next start need not wait to find it dead.
    async fn retire(&self, now: OffsetDateTime) -> Result<(), StoreError>;
    /// Records that this server instance is alive (every second; one silent
    /// for a few seconds is taken for dead by the others).
    async fn heartbeat(&self, now: OffsetDateTime) -> Result<(), StoreError>;
    /// Waits up to `wait` for a write here to change a group's waiting
    /// line, then brings this instance's order of the lines changed (of
    /// every group, when none was) up to date with the database, so the
    /// positions writes compute need few corrections.
    async fn follow_lines(&self, wait: std::time::Duration) -> Result<(), StoreError>;
    /// The sweeps that run once among all instances, if this one holds (or
    /// takes) their lease: dead instances removed, their sockets no longer
    /// counting (only once this instance's own heartbeats have been written
    /// for the dead limit: not right after an outage of the database), then
    /// cases past their deadline expired. `None` when another
    /// instance holds the lease.
    async fn sweep(&self, now: OffsetDateTime) -> Result<Option<Swept>, StoreError>;

    // --- credentials
    /// The deployment of an unrevoked key: its current key, or the one its
    /// last rotation replaced while that one's grace lasts at `now`.
    async fn deployment_by_key(
        &self,
        key_hash: &TokenHash,
        now: OffsetDateTime,
    ) -> Result<Option<DeploymentAuth>, StoreError>;
    /// The active expert of an unrevoked API token.
    async fn expert_by_token(
        &self,
        token_hash: &TokenHash,
    ) -> Result<Option<ExpertAuth>, StoreError>;

    // --- console sessions
    /// The sign-in record of an address (case-insensitive).
    async fn sign_in_record(&self, email: &str) -> Result<Option<SignInRecord>, StoreError>;
    /// Stores a new console session's hash.
    async fn create_console_session(
        &self,
        token_hash: TokenHash,
        expert: Uuid,
        now: OffsetDateTime,
        expires_at: OffsetDateTime,
    ) -> Result<(), StoreError>;
    /// The active expert of an unexpired console session.
    async fn expert_by_session(
        &self,
        token_hash: &TokenHash,
        now: OffsetDateTime,
    ) -> Result<Option<ExpertAuth>, StoreError>;
    /// Ends a console session (signing out).
    async fn end_console_session(&self, token_hash: TokenHash) -> Result<(), StoreError>;

    // --- cases
    /// Creates a customer case exactly once per (deployment, idempotency key).
    async fn create_customer_case(
        &self,
        new: NewCustomerCase,
        now: OffsetDateTime,
    ) -> Result<CreateOutcome, StoreError>;
    /// Creates a manual case.
    async fn create_manual_case(
        &self,
        new: NewManualCase,
        by: Actor,
        now: OffsetDateTime,
    ) -> Result<Case, StoreError>;
    /// Lets a customer of a deployment of `group` claim an open, unclaimed
    /// manual case of that group by its code, while the code has not lapsed.
    async fn claim_manual_case(
        &self,
        code: SessionCode,
        group: Uuid,
        device: Device,
        now: OffsetDateTime,
    ) -> Result<Option<Case>, StoreError>;
    /// A case as it stands at `now`.
    async fn case(&self, id: Uuid, now: OffsetDateTime) -> Result<Option<Case>, StoreError>;
    /// The case a case token opens, as it stands at `now`.
    async fn case_by_token(
        &self,
        token_hash: &TokenHash,
        now: OffsetDateTime,
    ) -> Result<Option<Case>, StoreError>;
    /// Who created a case, if an expert did.
    async fn case_creator(&self, id: Uuid) -> Result<Option<Uuid>, StoreError>;
    /// What happened to a case, oldest first.
    async fn history(&self, id: Uuid) -> Result<Vec<HistoryEntry>, StoreError>;
    /// Changes description or customer details of an open case.
    async fn update_case(
        &self,
        id: Uuid,
        update: UpdateCaseRequest,
        by: Actor,
        now: OffsetDateTime,
    ) -> Result<Case, StoreError>;
    /// Closes an open case.
    async fn close_case(
        &self,
        id: Uuid,
        by: Actor,
        now: OffsetDateTime,
    ) -> Result<Case, StoreError>;
    /// Assigns an open case to an active expert, or unassigns it.
    async fn assign_case(
        &self,
        id: Uuid,
        expert: Option<Uuid>,
        by: Actor,
        now: OffsetDateTime,
    ) -> Result<Case, StoreError>;
    /// A session socket of one side of the case opened on this instance. The
    /// side's first socket on any instance sets its presence, moves the state
    /// (new/pending/in_progress) and records joined. Opening one on a final
    /// case is a conflict, and nothing is counted.
    async fn open_session_socket(
        &self,
        id: Uuid,
        side: MessageFrom,
        by: Actor,
        now: OffsetDateTime,
    ) -> Result<Case, StoreError>;
    /// A session socket opened by [`Store::open_session_socket`] closed. The
    /// side's last socket on any instance clears its presence, moves the
    /// state and records left; on a final case nothing changes.
    async fn close_session_socket(
        &self,
        id: Uuid,
        side: MessageFrom,
        by: Actor,
        now: OffsetDateTime,
    ) -> Result<(), StoreError>;
    /// Records one line of an open case's history that changes nothing else
    /// (the remote screen's consent changes). A final case is a conflict.
    async fn record_history(
        &self,
        id: Uuid,
        action: HistoryAction,
        by: Actor,
        detail: Option<String>,
        now: OffsetDateTime,
    ) -> Result<(), StoreError>;
    /// Stores a chat message of an open case; `false` when a message with
    /// its id is already stored (a re-send after a reconnect).
    async fn add_message(
        &self,
        id: Uuid,
        message: ChatMessage,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError>;
    /// The case's chat, oldest first.
    async fn messages(&self, id: Uuid) -> Result<Vec<ChatMessage>, StoreError>;
    /// A page of cases, oldest first.
    async fn list_cases(
        &self,
        query: CaseQuery,
        now: OffsetDateTime,
    ) -> Result<Vec<Case>, StoreError>;
    /// A page of a case's stored events: at most `limit` after `seq`, oldest
    /// first. Readers page through a long history rather than hold it whole.
    async fn events_after(
        &self,
        id: Uuid,
        seq: i64,
        limit: u32,
    ) -> Result<Vec<CaseEvent>, StoreError>;
    /// A case at `now` with the id of its newest event, read together.
    async fn case_with_seq(
        &self,
        id: Uuid,
        now: OffsetDateTime,
    ) -> Result<Option<(Case, i64)>, StoreError>;
    /// Open cases counted by state, at `now`.
    async fn count_open_by_state(
        &self,
        now: OffsetDateTime,
    ) -> Result<Vec<(CaseState, i64)>, StoreError>;
    /// The cases created in `[from, to)`, at most `limit`, oldest first: what
    /// the SLA reports are figured from.
    async fn sla_cases(
        &self,
        from: OffsetDateTime,
        to: OffsetDateTime,
        limit: u32,
    ) -> Result<Vec<SlaCase>, StoreError>;

    // --- administration
    /// Creates a group.
    async fn create_group(&self, name: &str, now: OffsetDateTime) -> Result<Group, StoreError>;
    /// Every group, by name.
    async fn list_groups(&self) -> Result<Vec<Group>, StoreError>;
    /// A group by name (case-insensitive).
    async fn group_by_name(&self, name: &str) -> Result<Option<Group>, StoreError>;
    /// Sets a group's automatic assignment, and runs it for the cases waiting.
    async fn set_assignment_policy(
        &self,
        group: Uuid,
        policy: AssignmentPolicy,
        now: OffsetDateTime,
    ) -> Result<Group, StoreError>;
    /// Sets how long a customer may wait unassigned in the group's queue
    /// before its experts are alerted ([`StoreError::Invalid`] outside 1 s to a day).
    async fn set_alert_time(
        &self,
        group: Uuid,
        seconds: u32,
        now: OffsetDateTime,
    ) -> Result<Group, StoreError>;
    /// Creates an expert.
    async fn create_expert(
        &self,
        new: NewExpert,
        now: OffsetDateTime,
    ) -> Result<Expert, StoreError>;
    /// Every expert, by name.
    async fn list_experts(&self) -> Result<Vec<Expert>, StoreError>;
    /// An expert's id by sign-in address (case-insensitive).
    async fn expert_id_by_email(&self, email: &str) -> Result<Option<Uuid>, StoreError>;
    /// An expert by id.
    async fn expert(&self, id: Uuid) -> Result<Option<Expert>, StoreError>;
    /// The console language an expert chose (a language tag), if any.
    async fn expert_language(&self, expert: Uuid) -> Result<Option<String>, StoreError>;
    /// Stores the console language an expert chose (`None`: follow the
    /// browser); [`StoreError::NotFound`] when there is no such expert.
    async fn set_expert_language(
        &self,
        expert: Uuid,
        language: Option<String>,
    ) -> Result<(), StoreError>;
    /// Marks an expert available or away. Becoming available runs automatic
    /// assignment in the expert's groups.
    async fn set_availability(
        &self,
        expert: Uuid,
        available: bool,
        now: OffsetDateTime,
    ) -> Result<Expert, StoreError>;
    /// Changes an expert's standing.
    async fn change_expert(
        &self,
        expert: Uuid,
        change: ExpertChange,
        now: OffsetDateTime,
    ) -> Result<Expert, StoreError>;
    /// Every API token, newest first.
    async fn list_expert_tokens(&self) -> Result<Vec<TokenInfo>, StoreError>;
    /// Revokes an API token; it stops working at once.
    async fn revoke_expert_token(&self, id: Uuid, now: OffsetDateTime) -> Result<(), StoreError>;
    /// Stores a new API token's hash for an expert; returns the token's id.
    async fn add_expert_token(
        &self,
        expert: Uuid,
        token_hash: TokenHash,
        now: OffsetDateTime,
    ) -> Result<Uuid, StoreError>;
    /// Creates a deployment with its key's hash.
    async fn create_deployment(
        &self,
        id: Uuid,
        name: &str,
        group: Uuid,
        server_url: &str,
        key_hash: TokenHash,
        now: OffsetDateTime,
    ) -> Result<Deployment, StoreError>;
    /// Every deployment, newest first.
    async fn list_deployments(&self) -> Result<Vec<Deployment>, StoreError>;
    /// A deployment by id.
    async fn deployment(&self, id: Uuid) -> Result<Option<Deployment>, StoreError>;
    /// Revokes a deployment's key; it stops working at once.
    async fn revoke_deployment(
        &self,
        id: Uuid,
        now: OffsetDateTime,
    ) -> Result<Deployment, StoreError>;
    /// Replaces an unrevoked deployment's key of generation `from` with the
    /// next generation's (its hash `key_hash`); the replaced key keeps working
    /// for `grace` (none: it stops at once). [`StoreError::Invalid`] when the
    /// deployment is revoked or was rotated past `from` meanwhile.
    async fn rotate_deployment_key(
        &self,
        id: Uuid,
        from: u32,
        key_hash: TokenHash,
        grace: std::time::Duration,
        now: OffsetDateTime,
    ) -> Result<Deployment, StoreError>;
    /// Sets the server URL a deployment's file carries from now on.
    async fn set_deployment_server_url(
        &self,
        id: Uuid,
        url: &str,
        now: OffsetDateTime,
    ) -> Result<Deployment, StoreError>;

    // --- audit log
    // The administrative writes above (and signing in) record who did them
    // (`crate::audit::acting`) in their own transaction.
    /// Records an entry that goes with no change (a failed sign-in).
    async fn record_audit(
        &self,
        action: AuditAction,
        detail: Option<String>,
        now: OffsetDateTime,
    ) -> Result<(), StoreError>;
    /// A page of the audit log, newest first.
    async fn audit_entries(&self, query: AuditQuery) -> Result<Vec<AuditEntry>, StoreError>;

    // --- expert email (see `crate::email`)
    /// Which moments each expert (or only `expert`) chose an email for;
    /// experts who never chose are not listed.
    async fn email_preferences(
        &self,
        expert: Option<Uuid>,
    ) -> Result<Vec<(Uuid, EmailPreferences)>, StoreError>;
    /// Stores `expert`'s choice of moments.
    async fn set_email_preferences(
        &self,
        expert: Uuid,
        preferences: EmailPreferences,
        now: OffsetDateTime,
    ) -> Result<(), StoreError>;
    /// Records the emails of `keys` that nobody recorded before, held by the
    /// caller until `lease_until`; answers those, which the caller sends.
    async fn record_email_notices(
        &self,
        keys: Vec<NoticeKey>,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
    ) -> Result<Vec<NoticeKey>, StoreError>;
    /// Claims up to `limit` unsent emails whose lease ran out, tried fewer
    /// than `max_attempts` times, for the caller until `lease_until`; each
    /// with its attempts so far, this one included.
    async fn claim_due_email_notices(
        &self,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
        max_attempts: u32,
        limit: u32,
    ) -> Result<Vec<(NoticeKey, u32)>, StoreError>;
    /// An email is settled at `sent_at` (sent, or no longer wanted), or
    /// failed and is due again at `retry_at`.
    async fn finish_email_notice(
        &self,
        key: NoticeKey,
        sent_at: Option<OffsetDateTime>,
        retry_at: OffsetDateTime,
    ) -> Result<(), StoreError>;
    // --- webhooks (`crate::webhooks`); the admin changes are audited.
    /// Registers an endpoint, enabled.
    async fn create_webhook(
        &self,
        new: NewWebhook,
        now: OffsetDateTime,
    ) -> Result<Webhook, StoreError>;
    /// Every endpoint, oldest first.
    async fn list_webhooks(&self) -> Result<Vec<Webhook>, StoreError>;
    /// Enables or disables an endpoint.
    async fn set_webhook_enabled(
        &self,
        id: Uuid,
        enabled: bool,
        now: OffsetDateTime,
    ) -> Result<Webhook, StoreError>;
    /// Deletes an endpoint and its deliveries.
    async fn delete_webhook(&self, id: Uuid, now: OffsetDateTime) -> Result<(), StoreError>;
    /// The latest `limit` deliveries of an endpoint, newest first.
    async fn webhook_deliveries(
        &self,
        id: Uuid,
        limit: u32,
    ) -> Result<Vec<WebhookDelivery>, StoreError>;
    /// Claims for this instance the next due delivery of up to `limit`
    /// endpoints other than `busy` (those it is delivering to already).
    async fn claim_webhook_deliveries(
        &self,
        busy: Vec<Uuid>,
        limit: u32,
        now: OffsetDateTime,
    ) -> Result<Vec<ClaimedDelivery>, StoreError>;
    /// Records how this instance's attempt of `delivery` ended; answers the
    /// endpoint when that disabled it (failing for a day).
    async fn finish_webhook_attempt(
        &self,
        delivery: ClaimedDelivery,
        attempt: Attempt,
    ) -> Result<Option<DisabledEndpoint>, StoreError>;
}
