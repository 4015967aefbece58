//! What a database backend provides, and nothing more: committed reads, and
//! write transactions in which the queue's rules (`crate::rules`) run.
//!
//! A backend implements [`Storage`] (reads, and running a write job in a
//! transaction) and, for the transaction it hands each job, [`CaseWrites`]
//! and [`PeopleWrites`]: single statements (load for update, insert, append
//! an event, move the waiting counter, read the candidates for assignment…).
//! It decides nothing: which state a change leads to, what is refused, what
//! is recorded and what is assigned to whom is decided by the rules.
//!
//! The write side is synchronous and transaction-closure based: a job is a
//! closure the backend runs inside its transaction and, once the transaction's
//! fate is known, tells how it ended. SQLite runs every job on its one writer
//! thread with no await point and no allocation per statement; a PostgreSQL
//! backend runs each job on a blocking thread holding a pooled connection
//! (`BEGIN … COMMIT` around it, `SELECT … FOR UPDATE` in the loads), one hop
//! per write, which its network round trips dwarf. Reads are async, so a
//! network database awaits them and SQLite answers them in place.

use std::future::Future;

use time::OffsetDateTime;
use uuid::Uuid;

use lifeline_protocol::{
    AssignmentPolicy, CaseState, ChatMessage, ClosedBy, Customer, Deployment, Description, Device,
    Expert, Group, GroupRef, HistoryAction, HistoryEntry, MessageFrom, SessionCode,
};

use super::rows::CaseRow;
use super::{
    CaseQuery, DeploymentAuth, ExpertAuth, NewExpert, SignInRecord, StoreError, TokenInfo,
};
use crate::audit::{AuditEntry, AuditQuery, NewAuditEntry};
use crate::email::{EmailPreferences, NoticeKey};
use tokio::sync::mpsc;

use crate::credentials::TokenHash;
use crate::fanout::Notice;
use crate::hub::{CaseEvent, EventKind};
use crate::webhooks::{
    Attempt, ClaimedDelivery, EventType, NewWebhook, OutboxEvent, Webhook, WebhookDelivery,
};

/// Told once the transaction holding a job ended: `Ok` after its commit,
/// `Err` with the reason when it did not commit (nothing was written).
pub type Completion = Box<dyn FnOnce(Result<(), NotCommitted>) + Send>;

/// Why a transaction did not commit; nothing of it was written.
#[derive(Debug, Clone)]
pub enum NotCommitted {
    /// The disk under the database is full.
    Full,
    /// Anything else, in the database's words.
    Failed(String),
}

impl From<NotCommitted> for StoreError {
    fn from(reason: NotCommitted) -> Self {
        match reason {
            NotCommitted::Full => StoreError::Full,
            NotCommitted::Failed(message) => StoreError::Commit(message),
        }
    }
}

/// One write: runs inside the backend's write transaction.
pub type WriteJob = Box<dyn FnOnce(&mut dyn WriteTx) -> JobDone + Send>;

/// What a job answers to the backend that ran it.
pub struct JobDone {
    /// Whether the job's work stands; a failed job's statements are undone
    /// alone (other jobs of the same transaction stay).
    pub succeeded: bool,
    /// Called with the transaction's fate.
    pub then: Completion,
}

/// A database backend: reads, and write transactions.
pub trait Storage:
    CaseReads
    + PeopleReads
    + AuditReads
    + EmailReads
    + WebhookReads
    + LineReads
    + Send
    + Sync
    + std::fmt::Debug
    + 'static
{
    /// Hands `job` to a write transaction. Returns once it is queued;
    /// [`StoreError::Unavailable`] when the backend is shutting down.
    fn transact(&self, job: WriteJob) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Checks that the database answers.
    fn ping(&self) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Checks that the database has room to write: [`StoreError::Full`] when
    /// the disk under it is (nearly) full. A backend whose disk is managed
    /// elsewhere (a database server) answers `Ok`.
    fn check_space(&self) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Whether the database is as new: no server secret fingerprint recorded,
    /// and no group, expert, deployment or case.
    fn is_blank(&self) -> impl Future<Output = Result<bool, StoreError>> + Send;
    /// Whether this server is the only one using the database (SQLite: one
    /// server per file; several instances need PostgreSQL): then every other
    /// instance on record is a past run of this server, dead however recently
    /// it was seen.
    fn exclusive(&self) -> bool;
    /// Starts following the events other servers on the same database
    /// commit (see `crate::fanout`); `None` for a backend only one server
    /// uses.
    fn follow_others(&self) -> Option<mpsc::Receiver<Notice>> {
        None
    }
}

/// The transaction a write job runs in.
pub trait WriteTx:
    CaseWrites
    + PeopleWrites
    + ServerWrites
    + InstanceWrites
    + AuditWrites
    + EmailWrites
    + WebhookWrites
    + LineWrites
{
}

impl<T> WriteTx for T where
    T: CaseWrites
        + PeopleWrites
        + ServerWrites
        + InstanceWrites
        + AuditWrites
        + EmailWrites
        + WebhookWrites
        + LineWrites
{
}

/// Expert email preferences and the emails decided on, inside a write
/// transaction (see `crate::email`).
pub trait EmailWrites {
    /// Stores which moments `expert` wants an email for.
    fn set_email_preferences(
        &mut self,
        expert: Uuid,
        preferences: &EmailPreferences,
        now: OffsetDateTime,
    ) -> Result<(), StoreError>;
    /// Records the email `key` held by this sender until `lease_until`,
    /// unless it was recorded before (by anyone): `true` when this call
    /// recorded it, and so must send it.
    fn insert_email_notice(
        &mut self,
        key: &NoticeKey,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
    ) -> Result<bool, StoreError>;
    /// Claims up to `limit` unsent emails whose lease ran out and that were
    /// tried fewer than `max_attempts` times: held until `lease_until`, one
    /// more attempt counted; each with its attempts so far, this one included.
    fn claim_due_email_notices(
        &mut self,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
        max_attempts: u32,
        limit: u32,
    ) -> Result<Vec<(NoticeKey, u32)>, StoreError>;
    /// An email is settled at `sent_at` (sent, or no longer wanted), or
    /// failed and is due again at `retry_at`.
    fn finish_email_notice(
        &mut self,
        key: &NoticeKey,
        sent_at: Option<OffsetDateTime>,
        retry_at: OffsetDateTime,
    ) -> Result<(), StoreError>;
}

/// Reading expert email preferences.
pub trait EmailReads {
    /// Every expert's stored preferences, or only `expert`'s.
    fn email_preferences(
        &self,
        expert: Option<Uuid>,
    ) -> impl Future<Output = Result<Vec<(Uuid, EmailPreferences)>, StoreError>> + Send;
}

/// Statements on webhook endpoints and their outbox inside a write transaction.
pub trait WebhookWrites {
    /// Inserts an enabled endpoint.
    fn insert_webhook(
        &mut self,
        webhook: &NewWebhook,
        now: OffsetDateTime,
    ) -> Result<(), StoreError>;
    /// An endpoint by id.
    fn webhook(&mut self, id: Uuid) -> Result<Option<Webhook>, StoreError>;
    /// Enables an endpoint (clearing its reason and failure time) or disables
    /// it for `reason`; `false` when there is no such endpoint.
    fn set_webhook_enabled(
        &mut self,
        id: Uuid,
        enabled: bool,
        reason: Option<&str>,
    ) -> Result<bool, StoreError>;
    /// Deletes an endpoint with its deliveries; `false` when there is none.
    fn delete_webhook(&mut self, id: Uuid) -> Result<bool, StoreError>;
    /// Whether any enabled endpoint is subscribed to `event_type`: when none
    /// is, the rules skip building the event's body (a create's hot path).
    fn webhooks_subscribed(&mut self, event_type: EventType) -> Result<bool, StoreError>;
    /// Queues `event` for every enabled endpoint subscribed to its type, each
    /// under that endpoint's next outbox number; returns how many.
    fn enqueue_webhook_event(&mut self, event: &OutboxEvent<'_>) -> Result<u64, StoreError>;
    /// The next undelivered delivery of up to `limit` enabled endpoints other
    /// than `busy`, when it is due at `now` and nobody's claim on it holds.
    fn due_webhook_deliveries(
        &mut self,
        now: OffsetDateTime,
        busy: &[Uuid],
        limit: u32,
    ) -> Result<Vec<ClaimedDelivery>, StoreError>;
    /// Claims a delivery for `instance` until `until`.
    fn claim_webhook_delivery(
        &mut self,
        webhook: Uuid,
        seq: i64,
        instance: Uuid,
        until: OffsetDateTime,
    ) -> Result<(), StoreError>;
    /// Records an attempt of a delivery `instance` claims, releasing the
    /// claim: delivered when `attempt` has no error, else due again at
    /// `next_attempt_at`. `false` when the claim was no longer `instance`'s
    /// (it lapsed and another instance took it): nothing is written.
    fn record_webhook_attempt(
        &mut self,
        webhook: Uuid,
        seq: i64,
        instance: Uuid,
        attempt: &Attempt,
        next_attempt_at: OffsetDateTime,
    ) -> Result<bool, StoreError>;
    /// Marks an endpoint failing since `at` unless it was already; returns
    /// since when it has been failing.
    fn webhook_failing(
        &mut self,
        id: Uuid,
        at: OffsetDateTime,
    ) -> Result<OffsetDateTime, StoreError>;
    /// Clears an endpoint's failure time: a delivery went through.
    fn webhook_working(&mut self, id: Uuid) -> Result<(), StoreError>;
}

/// A change of a group's waiting line other than a new case joining at its
/// back: a case left it, or (re)joined it or had its deadline moved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineChange {
    /// The group's line version this change made (they count up from 1, one
    /// per change, in commit order).
    pub version: i64,
    /// The case.
    pub case_id: Uuid,
    /// Whether the case waits in the line after the change.
    pub waiting: bool,
    /// Its deadline, in milliseconds since the epoch.
    pub expires_at: i64,
}

/// The id a line query reads the waiting cases after: ids are UUID v7, all
/// above the nil id (`Uuid`'s default), so "after nothing" is after nil.
pub(crate) fn after_id(after: Option<Uuid>) -> Uuid {
    after.unwrap_or_default()
}

/// A group's line as one statement saw it: its version then, and its
/// waiting cases after a given id (id, deadline in milliseconds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineSnapshot {
    /// The group's line version (0 for a group that never had a change).
    pub version: i64,
    /// Its open, unassigned cases (expired ones the sweep has not written
    /// yet included), by id.
    pub waiting: Vec<(Uuid, i64)>,
}

/// Reading the log of line changes and the waiting cases, committed data only.
pub trait LineReads {
    /// The group's line version with its waiting cases whose id is above
    /// `after` (all of them when `None`), in one snapshot.
    fn line_snapshot(
        &self,
        group: Uuid,
        after: Option<Uuid>,
    ) -> impl Future<Output = Result<LineSnapshot, StoreError>> + Send;
    /// At most `limit` of the group's logged changes after version `after`,
    /// in version order.
    fn line_changes(
        &self,
        group: Uuid,
        after: i64,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<LineChange>, StoreError>> + Send;
}

/// The log of line changes inside a write transaction.
pub trait LineWrites {
    /// Logs a change of a group's line under its next version; returns it.
    fn record_line_change(
        &mut self,
        group: Uuid,
        case: Uuid,
        waiting: bool,
        expires_at: i64,
        at: OffsetDateTime,
    ) -> Result<i64, StoreError>;
    /// The group's logged changes after version `after`, in version order.
    fn line_changes_since(
        &mut self,
        group: Uuid,
        after: i64,
    ) -> Result<Vec<LineChange>, StoreError>;
    /// The group's waiting cases with an id above `after` (any, when
    /// `None`) and below `before`: (id, deadline in milliseconds).
    fn waiting_between(
        &mut self,
        group: Uuid,
        after: Option<Uuid>,
        before: Uuid,
    ) -> Result<Vec<(Uuid, i64)>, StoreError>;
    /// Deletes the changes logged before `before`; returns how many.
    fn forget_line_changes(&mut self, before: OffsetDateTime) -> Result<u64, StoreError>;
}

/// Reading webhook endpoints and their deliveries, committed data only.
pub trait WebhookReads {
    /// Every endpoint, oldest first.
    fn list_webhooks(&self) -> impl Future<Output = Result<Vec<Webhook>, StoreError>> + Send;
    /// The latest `limit` deliveries of an endpoint, newest first.
    fn webhook_deliveries(
        &self,
        id: Uuid,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<WebhookDelivery>, StoreError>> + Send;
    /// Whether an enabled endpoint has a delivery due at `now` that nobody's
    /// claim holds (a read, so idle instances do not write to find out).
    fn webhook_deliveries_due(
        &self,
        now: OffsetDateTime,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
}

/// Appending to the audit log inside a write transaction.
pub trait AuditWrites {
    /// Appends an entry.
    fn insert_audit(&mut self, entry: &NewAuditEntry<'_>) -> Result<(), StoreError>;
}

/// Reading the audit log, committed entries only.
pub trait AuditReads {
    /// A page of entries under the query's filters, newest first.
    fn audit_entries(
        &self,
        query: AuditQuery,
    ) -> impl Future<Output = Result<Vec<AuditEntry>, StoreError>> + Send;
}

/// The name the server secret's fingerprint is stored under.
pub(crate) const SECRET_FINGERPRINT_FACT: &str = "secret_fingerprint";
/// The name the time of the last health probe is stored under.
pub(crate) const HEALTH_PROBE_FACT: &str = "health_probe";

/// Statements on facts about the server itself inside a write transaction.
pub trait ServerWrites {
    /// The fingerprint of the server secret the database was made with, if recorded.
    fn secret_fingerprint(&mut self) -> Result<Option<Vec<u8>>, StoreError>;
    /// Records the fingerprint of the server secret.
    fn set_secret_fingerprint(&mut self, fingerprint: &[u8]) -> Result<(), StoreError>;
    /// Writes the time of a health probe: a write that must commit.
    fn record_health_probe(&mut self, at: OffsetDateTime) -> Result<(), StoreError>;
}

/// Reads of cases, committed data only.
pub trait CaseReads {
    /// A case as stored, with its group's line version.
    fn case_row(
        &self,
        id: Uuid,
    ) -> impl Future<Output = Result<Option<CaseRow>, StoreError>> + Send;
    /// The case whose token hashes to `token_hash`, with its group's line version.
    fn case_row_by_token(
        &self,
        token_hash: &TokenHash,
    ) -> impl Future<Output = Result<Option<CaseRow>, StoreError>> + Send;
    /// Who created a case, if an expert did.
    fn case_creator(
        &self,
        id: Uuid,
    ) -> impl Future<Output = Result<Option<Uuid>, StoreError>> + Send;
    /// History lines of a case, oldest first.
    fn history(
        &self,
        id: Uuid,
    ) -> impl Future<Output = Result<Vec<HistoryEntry>, StoreError>> + Send;
    /// Chat messages of a case, oldest first.
    fn messages(
        &self,
        id: Uuid,
    ) -> impl Future<Output = Result<Vec<ChatMessage>, StoreError>> + Send;
    /// A page of cases under the query's filters, with their groups' line versions.
    fn case_rows(
        &self,
        query: CaseQuery,
        now: OffsetDateTime,
    ) -> impl Future<Output = Result<Vec<CaseRow>, StoreError>> + Send;
    /// A page of a case's stored events: at most `limit` after `seq`, oldest first.
    fn events_after(
        &self,
        id: Uuid,
        seq: i64,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<CaseEvent>, StoreError>> + Send;
    /// The case whose stored state is open and that holds `code` (codes are
    /// unique among such cases), for join by code.
    fn code_holder(
        &self,
        code: &SessionCode,
    ) -> impl Future<Output = Result<Option<CodeHolder>, StoreError>> + Send;
    /// Cases open at `now`, counted by stored state.
    fn count_open_by_state(
        &self,
        now: OffsetDateTime,
    ) -> impl Future<Output = Result<Vec<(CaseState, i64)>, StoreError>> + Send;
    /// The cases created in `[from, to)`, at most `limit` of them, oldest first.
    fn sla_cases(
        &self,
        from: OffsetDateTime,
        to: OffsetDateTime,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<SlaCase>, StoreError>> + Send;
}

/// What join by code needs to know of the case holding a code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeHolder {
    /// The case.
    pub id: Uuid,
    /// Its group.
    pub group_id: Uuid,
    /// Whether an expert made it (channel `manual`).
    pub manual: bool,
    /// Whether a customer has claimed it already.
    pub claimed: bool,
    /// Its stored state (expiry is applied by the rules).
    pub state: String,
    /// Creation time, in milliseconds since the epoch.
    pub created_at: i64,
    /// Deadline, in milliseconds since the epoch.
    pub expires_at: i64,
}

/// Reads of credentials, experts, groups and deployments.
pub trait PeopleReads {
    /// The deployment of an unrevoked key: its current key, or the key its
    /// last rotation replaced while that one's grace lasts at `now`.
    fn deployment_by_key(
        &self,
        key_hash: &TokenHash,
        now: OffsetDateTime,
    ) -> impl Future<Output = Result<Option<DeploymentAuth>, StoreError>> + Send;
    /// The console language `expert` chose (a language tag), if any.
    fn expert_language(
        &self,
        expert: Uuid,
    ) -> impl Future<Output = Result<Option<String>, StoreError>> + Send;
    /// The active expert of an unrevoked API token.
    fn expert_by_token(
        &self,
        token_hash: &TokenHash,
    ) -> impl Future<Output = Result<Option<ExpertAuth>, StoreError>> + Send;
    /// The sign-in record of an address.
    fn sign_in_record(
        &self,
        email: &str,
    ) -> impl Future<Output = Result<Option<SignInRecord>, StoreError>> + Send;
    /// The active expert of a console session unexpired at `now`.
    fn expert_by_session(
        &self,
        token_hash: &TokenHash,
        now: OffsetDateTime,
    ) -> impl Future<Output = Result<Option<ExpertAuth>, StoreError>> + Send;
    /// Every group, by name.
    fn list_groups(&self) -> impl Future<Output = Result<Vec<Group>, StoreError>> + Send;
    /// A group by name.
    fn group_by_name(
        &self,
        name: &str,
    ) -> impl Future<Output = Result<Option<Group>, StoreError>> + Send;
    /// Every expert, by name.
    fn list_experts(&self) -> impl Future<Output = Result<Vec<Expert>, StoreError>> + Send;
    /// An expert's id by sign-in address.
    fn expert_id_by_email(
        &self,
        email: &str,
    ) -> impl Future<Output = Result<Option<Uuid>, StoreError>> + Send;
    /// An expert by id.
    fn expert(&self, id: Uuid) -> impl Future<Output = Result<Option<Expert>, StoreError>> + Send;
    /// Every API token, newest first.
    fn list_expert_tokens(&self)
    -> impl Future<Output = Result<Vec<TokenInfo>, StoreError>> + Send;
    /// Every deployment, newest first.
    fn list_deployments(&self) -> impl Future<Output = Result<Vec<Deployment>, StoreError>> + Send;
    /// A deployment by id.
    fn deployment(
        &self,
        id: Uuid,
    ) -> impl Future<Output = Result<Option<Deployment>, StoreError>> + Send;
}

/// A case row to insert, in state `new` with event 1 recorded by the caller.
#[derive(Debug)]
pub struct NewCaseRow<'a> {
    /// UUID v7, made in the writer so ids grow in commit order.
    pub id: Uuid,
    /// How it was created.
    pub channel: lifeline_protocol::Channel,
    /// Its group.
    pub group: &'a GroupRef,
    /// Customer details.
    pub customer: &'a Customer,
    /// Description.
    pub description: Option<&'a Description>,
    /// Device.
    pub device: &'a Device,
    /// Hash of the case token, when the case has one.
    pub token_hash: Option<&'a TokenHash>,
    /// The deployment a customer create came through.
    pub deployment_id: Option<Uuid>,
    /// The customer create's idempotency key.
    pub idempotency_key: Option<&'a str>,
    /// SHA-256 of the customer create's canonical body.
    pub request_hash: Option<&'a [u8; 32]>,
    /// The expert who created a manual case.
    pub created_by: Option<Uuid>,
    /// Creation time.
    pub now: OffsetDateTime,
    /// Deadline.
    pub expires_at: OffsetDateTime,
}

/// One event of a case to append: a snapshot (with its history line) or a chat message.
#[derive(Debug)]
pub struct EventRow<'a> {
    /// The case.
    pub case_id: Uuid,
    /// Its number, from [`CaseWrites::next_event_seq`] (1 for the creation).
    pub seq: i64,
    /// Snapshot or message.
    pub kind: EventKind,
    /// The history line's action; `None` for a message.
    pub action: Option<HistoryAction>,
    /// Who did it, in the history's words (a message's author).
    pub actor: &'a str,
    /// The history line's detail.
    pub detail: Option<&'a str>,
    /// The JSON payload.
    pub data: &'a str,
    /// Whether the case is final after it.
    pub is_final: bool,
    /// When.
    pub at: OffsetDateTime,
}

/// An active, available member of the group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// The expert.
    pub id: Uuid,
    /// Open cases assigned to them now.
    pub open_assigned: u32,
    /// When a case was last given to them automatically.
    pub last_assigned_at: Option<OffsetDateTime>,
}

/// An open, unassigned case of the group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaitingCase {
    /// The case (UUID v7: ids sort by arrival).
    pub id: Uuid,
    /// Its deadline; an expired case is not handed out.
    pub expires_at: OffsetDateTime,
}

/// An open case past its deadline, for the sweep.
#[derive(Debug, Clone, Copy)]
pub struct DueCase {
    /// The case.
    pub id: Uuid,
    /// Its group.
    pub group_id: Uuid,
    /// Its assignee; an unassigned case leaves the waiting line.
    pub assignee_id: Option<Uuid>,
    /// Its deadline: when it expired.
    pub expires_at: OffsetDateTime,
}

/// A moment in a case's life the SLA figures time from its creation; each
/// is recorded once per case, by the write that reaches it first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Milestone {
    /// An expert was first assigned.
    Assigned,
    /// The session first had both sides connected.
    Connected,
}

/// A case as the SLA reports read it: its group, its expert and its times.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlaCase {
    /// Its group's id.
    pub group_id: Uuid,
    /// Its group's name.
    pub group_name: String,
    /// Its assignee now (or last, for a final case), with their display name.
    pub assignee: Option<(Uuid, String)>,
    /// Its stored state (an open case past its deadline reads as expired).
    pub state: CaseState,
    /// When it was created.
    pub created_at: OffsetDateTime,
    /// When an expert was first assigned.
    pub first_assigned_at: Option<OffsetDateTime>,
    /// When its session first had both sides.
    pub first_connected_at: Option<OffsetDateTime>,
    /// When it became final.
    pub closed_at: Option<OffsetDateTime>,
    /// Its deadline.
    pub expires_at: OffsetDateTime,
}

/// Statements on cases inside a write transaction.
pub trait CaseWrites {
    /// A case as stored, with its group's line version, locked for this
    /// transaction's changes.
    fn case_for_update(&mut self, id: Uuid) -> Result<Option<CaseRow>, StoreError>;
    /// The case an earlier create of this deployment made with this key, and its request hash.
    fn case_by_idempotency_key(
        &mut self,
        deployment: Uuid,
        key: &str,
    ) -> Result<Option<(Uuid, Vec<u8>)>, StoreError>;
    /// The payload of event `seq` of a case.
    fn event_data(&mut self, case_id: Uuid, seq: i64) -> Result<Option<String>, StoreError>;
    /// An id at least as large as every case id committed, when other
    /// writers may commit cases (several servers on one database); `None`
    /// when this process's writer is the only one, so the ids it makes grow
    /// in commit order by themselves.
    fn case_id_floor(&mut self) -> Result<Option<Uuid>, StoreError>;
    /// Inserts a case under `code`; `false` when the code is taken by an open case.
    fn insert_case(&mut self, row: &NewCaseRow<'_>, code: &SessionCode)
    -> Result<bool, StoreError>;
    /// Moves a group's count of waiting cases by `delta`; returns the new count.
    fn add_waiting(&mut self, group: Uuid, delta: i64) -> Result<i64, StoreError>;
    /// Bumps a case's event counter; returns the new event's number.
    fn next_event_seq(&mut self, case_id: Uuid) -> Result<i64, StoreError>;
    /// Appends an event.
    fn insert_event(&mut self, event: &EventRow<'_>) -> Result<(), StoreError>;
    /// Whether a chat message with this id is stored for the case.
    fn message_stored(&mut self, case_id: Uuid, message: Uuid) -> Result<bool, StoreError>;
    /// Gives a manual case nobody claimed yet its customer (token hash and
    /// device) and its new deadline; `false` when it was claimed already.
    fn set_claimed(
        &mut self,
        id: Uuid,
        token_hash: &TokenHash,
        device: &Device,
        expires_at: OffsetDateTime,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError>;
    /// Sets description and customer details.
    fn set_details(
        &mut self,
        id: Uuid,
        description: Option<&str>,
        customer_name: Option<&str>,
        customer_email: Option<&str>,
        now: OffsetDateTime,
    ) -> Result<(), StoreError>;
    /// Sets or clears the assignee.
    fn set_assignee(
        &mut self,
        id: Uuid,
        expert: Option<Uuid>,
        now: OffsetDateTime,
    ) -> Result<(), StoreError>;
    /// Sets the session's presence flags and the state they lead to.
    fn set_presence(
        &mut self,
        id: Uuid,
        expert_connected: bool,
        customer_connected: bool,
        ever_joined: bool,
        state: CaseState,
        now: OffsetDateTime,
    ) -> Result<(), StoreError>;
    /// Records that the case reached `milestone` at `at`, unless it had
    /// before; `true` when this write is the first to reach it.
    fn reach_milestone(
        &mut self,
        id: Uuid,
        milestone: Milestone,
        at: OffsetDateTime,
    ) -> Result<bool, StoreError>;
    /// Writes a final state, closed at `at` by `by`, with nobody connected.
    fn set_final(
        &mut self,
        id: Uuid,
        state: CaseState,
        by: ClosedBy,
        at: OffsetDateTime,
    ) -> Result<(), StoreError>;
    /// Up to `limit` cases after `after` (by id) that have a side marked
    /// connected, with which sides: (case, expert, customer).
    fn connected_cases(
        &mut self,
        after: Option<Uuid>,
        limit: u32,
    ) -> Result<Vec<(Uuid, bool, bool)>, StoreError>;
    /// Up to `limit` open cases whose deadline is not after `now`, earliest first.
    fn due_for_expiry(
        &mut self,
        now: OffsetDateTime,
        limit: u32,
    ) -> Result<Vec<DueCase>, StoreError>;
    /// A group's assignment policy and its last round-robin pick, locked for
    /// this transaction (so assignment plans of a group never interleave).
    fn assignment_policy_for_update(
        &mut self,
        group: Uuid,
    ) -> Result<Option<(AssignmentPolicy, Option<Uuid>)>, StoreError>;
    /// The group's active, available members with their open assigned cases at `now`.
    fn assignment_candidates(
        &mut self,
        group: Uuid,
        now: OffsetDateTime,
    ) -> Result<Vec<Candidate>, StoreError>;
    /// The group's open, unassigned cases unexpired at `now`, oldest first.
    fn waiting_cases(
        &mut self,
        group: Uuid,
        now: OffsetDateTime,
    ) -> Result<Vec<WaitingCase>, StoreError>;
    /// Records when an expert was last given a case automatically.
    fn set_last_assigned(&mut self, expert: Uuid, at: OffsetDateTime) -> Result<(), StoreError>;
    /// Records the group's last round-robin pick.
    fn set_last_round_robin(&mut self, group: Uuid, expert: Uuid) -> Result<(), StoreError>;
}

/// Statements on experts, groups, credentials and deployments inside a write transaction.
pub trait PeopleWrites {
    /// A group by id.
    fn group(&mut self, id: Uuid) -> Result<Option<Group>, StoreError>;
    /// Inserts a group ([`StoreError::Taken`] when the name is).
    fn insert_group(&mut self, id: Uuid, name: &str, now: OffsetDateTime)
    -> Result<(), StoreError>;
    /// Sets a group's policy; `false` when there is no such group.
    fn set_assignment_policy(
        &mut self,
        group: Uuid,
        policy: AssignmentPolicy,
    ) -> Result<bool, StoreError>;
    /// Sets a group's alert time; `false` when there is no such group.
    fn set_alert_time(&mut self, group: Uuid, seconds: u32) -> Result<bool, StoreError>;
    /// An expert by id.
    fn expert(&mut self, id: Uuid) -> Result<Option<Expert>, StoreError>;
    /// Sets the console language `expert` chose (`None`: the browser's);
    /// `false` when there is no such expert.
    fn set_expert_language(
        &mut self,
        expert: Uuid,
        language: Option<&str>,
    ) -> Result<bool, StoreError>;
    /// Inserts an expert ([`StoreError::Taken`] when the address is).
    fn insert_expert(
        &mut self,
        id: Uuid,
        new: &NewExpert,
        now: OffsetDateTime,
    ) -> Result<(), StoreError>;
    /// Adds an expert to a group (nothing when already in).
    fn add_member(&mut self, group: Uuid, expert: Uuid) -> Result<(), StoreError>;
    /// Removes an expert from a group.
    fn remove_member(&mut self, group: Uuid, expert: Uuid) -> Result<(), StoreError>;
    /// The groups of an expert, by id.
    fn expert_groups(&mut self, expert: Uuid) -> Result<Vec<Uuid>, StoreError>;
    /// Marks an expert available or away.
    fn set_available(&mut self, expert: Uuid, available: bool) -> Result<(), StoreError>;
    /// Activates or deactivates an expert.
    fn set_active(&mut self, expert: Uuid, active: bool) -> Result<(), StoreError>;
    /// Makes an expert admin or not.
    fn set_admin(&mut self, expert: Uuid, admin: bool) -> Result<(), StoreError>;
    /// Sets an expert's password hash (PHC string).
    fn set_password_hash(&mut self, expert: Uuid, hash: &str) -> Result<(), StoreError>;
    /// Stores a console session's hash.
    fn insert_console_session(
        &mut self,
        token_hash: &TokenHash,
        expert: Uuid,
        now: OffsetDateTime,
        expires_at: OffsetDateTime,
    ) -> Result<(), StoreError>;
    /// Deletes a console session.
    fn delete_console_session(&mut self, token_hash: &TokenHash) -> Result<(), StoreError>;
    /// Deletes an expert's console sessions, all of them or only those expired at `expired_at`.
    fn delete_console_sessions(
        &mut self,
        expert: Uuid,
        expired_at: Option<OffsetDateTime>,
    ) -> Result<(), StoreError>;
    /// Stores an API token's hash.
    fn insert_expert_token(
        &mut self,
        id: Uuid,
        expert: Uuid,
        token_hash: &TokenHash,
        now: OffsetDateTime,
    ) -> Result<(), StoreError>;
    /// Revokes an API token (keeping the first revocation time); `false` when there is none.
    fn revoke_expert_token(&mut self, id: Uuid, now: OffsetDateTime) -> Result<bool, StoreError>;
    /// Revokes every unrevoked API token of an expert.
    fn revoke_expert_tokens(&mut self, expert: Uuid, now: OffsetDateTime)
    -> Result<(), StoreError>;
    /// Inserts a deployment.
    fn insert_deployment(&mut self, deployment: &NewDeploymentRow<'_>) -> Result<(), StoreError>;
    /// Revokes a deployment's key (keeping the first revocation time).
    fn revoke_deployment(&mut self, id: Uuid, now: OffsetDateTime) -> Result<(), StoreError>;
    /// A deployment by id.
    fn deployment(&mut self, id: Uuid) -> Result<Option<Deployment>, StoreError>;
    /// Replaces an unrevoked deployment's key of generation `from` with the
    /// next generation's (whose hash is `key_hash`); the replaced key keeps
    /// working until `previous_until`, or stops at once when `None`.
    /// `false` when there is no such unrevoked deployment at that generation.
    fn rotate_deployment_key(&mut self, rotation: &KeyRotation<'_>) -> Result<bool, StoreError>;
    /// Sets the server URL of a deployment; `false` when there is none.
    fn set_deployment_server_url(&mut self, id: Uuid, url: &str) -> Result<bool, StoreError>;
}

/// A deployment key's rotation, as stored.
#[derive(Debug)]
pub struct KeyRotation<'a> {
    /// The deployment.
    pub id: Uuid,
    /// The generation being replaced.
    pub from: u32,
    /// Hash of the key of generation `from + 1`.
    pub key_hash: &'a TokenHash,
    /// Until when the replaced key works; `None`: it stops at once.
    pub previous_until: Option<OffsetDateTime>,
}

/// A deployment to insert.
#[derive(Debug)]
pub struct NewDeploymentRow<'a> {
    /// Its id (its key is derived from it).
    pub id: Uuid,
    /// Its name.
    pub name: &'a str,
    /// The group its cases land in.
    pub group: Uuid,
    /// The server URL its file names.
    pub server_url: &'a str,
    /// Hash of its key.
    pub key_hash: &'a TokenHash,
    /// Creation time.
    pub now: OffsetDateTime,
}

/// How a session side is stored: `expert` or `customer`.
pub(crate) fn side_name(side: MessageFrom) -> &'static str {
    match side {
        MessageFrom::Expert => "expert",
        MessageFrom::Customer => "customer",
    }
}

/// A stored side name back; [`StoreError::Corrupt`] for anything else.
pub(crate) fn side_from_name(name: &str) -> Result<MessageFrom, StoreError> {
    match name {
        "expert" => Ok(MessageFrom::Expert),
        "customer" => Ok(MessageFrom::Customer),
        other => Err(StoreError::Corrupt(format!(
            "unknown session side {other:?}"
        ))),
    }
}

/// Statements on the server instances sharing the database, the session
/// sockets each holds, and the leases of sweeps that must run once, inside a
/// write transaction.
pub trait InstanceWrites {
    /// Records that `instance` is alive at `at` (adding it when new).
    fn record_instance_seen(
        &mut self,
        instance: Uuid,
        at: OffsetDateTime,
    ) -> Result<(), StoreError>;
    /// Up to `limit` instances other than `except` last seen before
    /// `seen_before` (every other instance when `None`).
    fn instances_other_than(
        &mut self,
        except: Uuid,
        seen_before: Option<OffsetDateTime>,
        limit: u32,
    ) -> Result<Vec<Uuid>, StoreError>;
    /// Deletes an instance with its socket counts and the leases it holds;
    /// returns the case sides it had sockets of.
    fn delete_instance(&mut self, instance: Uuid) -> Result<Vec<(Uuid, MessageFrom)>, StoreError>;
    /// Counts one more socket of a case side on `instance`.
    fn add_socket(
        &mut self,
        case: Uuid,
        side: MessageFrom,
        instance: Uuid,
    ) -> Result<(), StoreError>;
    /// Counts one socket less of a case side on `instance` (nothing when it
    /// counts none).
    fn remove_socket(
        &mut self,
        case: Uuid,
        side: MessageFrom,
        instance: Uuid,
    ) -> Result<(), StoreError>;
    /// The sockets of a case side counted on every instance.
    fn sockets(&mut self, case: Uuid, side: MessageFrom) -> Result<i64, StoreError>;
    /// The holder of a lease and until when, locked for this transaction.
    fn lease_for_update(
        &mut self,
        name: &str,
    ) -> Result<Option<(Uuid, OffsetDateTime)>, StoreError>;
    /// Gives a lease to `holder` until `until`.
    fn set_lease(
        &mut self,
        name: &str,
        holder: Uuid,
        until: OffsetDateTime,
    ) -> Result<(), StoreError>;
}
