//! The queue's rules, written once over the storage traits
//! ([`crate::store::storage`]) and knowing no database: what a create, an
//! assignment, a close, a presence change, a chat message and the expiry
//! sweep do, what they refuse, what they record and whom they tell.
//!
//! [`QueueStore`] is the one [`Store`] handlers call. Its writes run a rule
//! inside the backend's write transaction ([`Tx`]) and answer after the
//! commit, publishing the events the rule recorded, in commit order; its
//! reads ask the backend and apply expiry at read time.
//!
//! - `cases`: creating (idempotency, codes, case tokens), editing,
//!   assigning, closing; refusing changes to final cases; recording events
//!   and keeping each group's waiting counter.
//! - `join`: join by code (who may claim which manual case, the code's
//!   lapse, the claim).
//! - `assignment`: automatic assignment (the plan, and running it).
//! - `session`: presence to state, chat.
//! - `expiry`: the sweep.
//! - `line`: queue positions, from each group's waiting line kept in order
//!   in memory and caught up with the database's log of line changes.
//! - `instances`: instances' heartbeats, dead ones swept, the sweeps' lease.
//! - `people`: experts, groups, credentials, deployments.

pub(crate) mod assignment;
pub(crate) mod cases;
mod expiry;
pub(crate) mod instances;
mod join;
pub(crate) mod line;
mod people;
mod session;
mod webhooks;

pub(crate) use cases::may_be_assigned;

use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use time::OffsetDateTime;
use tokio::sync::oneshot;
use uuid::Uuid;

use lifeline_protocol::{
    AssignmentPolicy, Case, CaseState, ChatMessage, Deployment, Device, Expert, Group,
    HistoryAction, HistoryEntry, MessageFrom, SessionCode, UpdateCaseRequest,
};

use crate::audit::{AuditAction, AuditBy, AuditEntry, AuditQuery};
use crate::clock::{from_millis, to_millis};
use crate::credentials::TokenHash;
use crate::email::{EmailPreferences, NoticeKey};
use crate::hub::{CaseEvent, Hub};
use crate::metrics::{SlaMeasure, StateChanges};
use crate::store::rows::CaseRow;
use crate::store::storage::{
    JobDone, KeyRotation, NotCommitted, PeopleReads, Storage, WriteJob, WriteTx,
};
use crate::store::{
    Actor, CaseQuery, CreateOutcome, DeploymentAuth, ExpertAuth, ExpertChange, NewCustomerCase,
    NewExpert, NewManualCase, SignInRecord, SlaCase, Store, StoreError, Swept, TokenInfo,
};
use crate::webhooks::{
    Attempt, ClaimedDelivery, DisabledEndpoint, NewWebhook, Webhook, WebhookDelivery,
};

/// How long logged line changes are kept: a server whose line of a group is
/// further behind rebuilds it from a snapshot.
const LINE_CHANGES_KEPT: Duration = Duration::from_secs(10 * 60);

/// Cases expired per write by the sweep.
const EXPIRE_BATCH: u32 = 500;

/// A heartbeat written later than this after it was made, or a sweep run
/// later than this, was held up (the database was away).
const HEARD_LATE: Duration = Duration::from_secs(1);

/// How long this instance must have been heard on time before it takes
/// another's silence for death: well past [`instances::DEAD_AFTER`], so after
/// an outage of the database the others have had time to reconnect and be
/// heard too.
const JUDGE_AFTER: Duration = Duration::from_secs(8);

/// Since when this instance's heartbeats have all been written on time.
/// Only an instance heard on time for [`JUDGE_AFTER`] may take another's
/// silence for death: after an outage of the database every instance was
/// silent, and none of them is dead for that. A starting instance may judge
/// at once (its start waited for the others seen lately).
#[derive(Debug, Clone, Default)]
struct HeardSince(Arc<std::sync::Mutex<Heard>>);

#[derive(Debug, Clone, Copy, Default)]
enum Heard {
    /// No heartbeat written yet.
    #[default]
    Starting,
    /// Every heartbeat written on time since then.
    Since(OffsetDateTime),
    /// The last heartbeat could not be written.
    Lost,
}

impl HeardSince {
    fn lock(&self) -> std::sync::MutexGuard<'_, Heard> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A heartbeat made at `at` was written `took` later.
    fn heartbeat_written(&self, at: OffsetDateTime, took: Duration) {
        let mut heard = self.lock();
        *heard = match *heard {
            Heard::Starting => Heard::Since(at - JUDGE_AFTER),
            Heard::Since(since) if took <= HEARD_LATE => Heard::Since(since),
            Heard::Since(_) | Heard::Lost => Heard::Since(at + took),
        };
    }

    /// A heartbeat could not be written.
    fn heartbeat_failed(&self) {
        *self.lock() = Heard::Lost;
    }

    /// Whether, at `now`, this instance has been heard on time long enough.
    fn may_judge(&self, now: OffsetDateTime) -> bool {
        matches!(*self.lock(), Heard::Since(since) if since + JUDGE_AFTER <= now)
    }
}

/// How often a starting instance looks whether the others seen lately are alive.
const START_POLL: Duration = Duration::from_millis(200);

/// How long the health check waits for its probe write to commit.
const WRITE_PROBE_LIMIT: Duration = Duration::from_secs(5);

/// The hash of a case's token, from its id. The store is handed this, never
/// the server secret it is derived from.
pub type CaseTokenHash = Arc<dyn Fn(Uuid) -> TokenHash + Send + Sync>;

/// The [`Store`]: the queue's rules over a storage backend `S`.
pub struct QueueStore<S> {
    storage: S,
    /// This server instance among those sharing the database (new each run).
    instance: Uuid,
    /// Since when this instance's heartbeats have all been written on time
    /// (`None` after one failed): see [`HeardSince`].
    heard_since: HeardSince,
    hub: Arc<Hub>,
    state_changes: StateChanges,
    case_ttl: Duration,
    manual_code_ttl: Duration,
    case_token_hash: CaseTokenHash,
    /// Every group's waiting line, for queue positions.
    lines: Arc<line::Lines>,
}

impl<S: std::fmt::Debug> std::fmt::Debug for QueueStore<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QueueStore")
            .field("storage", &self.storage)
            .field("instance", &self.instance)
            .field("case_ttl", &self.case_ttl)
            .field("manual_code_ttl", &self.manual_code_ttl)
            .finish_non_exhaustive()
    }
}

/// A write in progress: the backend's transaction, the events the rules
/// recorded, published once it commits, and the states cases entered and
/// the SLA times they reached, counted then.
pub(crate) struct Tx<'a> {
    store: &'a mut dyn WriteTx,
    events: Vec<CaseEvent>,
    entered: Vec<CaseState>,
    timed: Vec<SlaTime>,
    lines: &'a line::Lines,
    /// Groups whose waiting line this write changed (the follower catches
    /// up with them once it commits).
    lines_changed: Vec<Uuid>,
}

/// A case of `group` reached `measure`'s milestone `seconds` after its creation.
struct SlaTime {
    measure: SlaMeasure,
    group: String,
    seconds: f64,
}

impl Tx<'_> {
    /// A case entered `state` in this write (counted if it commits).
    fn entered(&mut self, state: CaseState) {
        self.entered.push(state);
    }

    /// The case `row` reached `measure`'s milestone at `now` in this write
    /// (timed if it commits). The caller makes sure it is the first time.
    fn timed(&mut self, measure: SlaMeasure, row: &CaseRow, now: OffsetDateTime) {
        // Times are stored to the millisecond: time what was stored.
        let took = from_millis(to_millis(now)) - from_millis(row.created_at);
        self.timed.push(SlaTime {
            measure,
            group: row.group_name.clone(),
            seconds: took.as_seconds_f64().max(0.0),
        });
    }
}

impl<S: Storage> QueueStore<S> {
    /// The rules over `storage`; committed events go to `hub` and states
    /// entered to `state_changes`, cases expire
    /// `case_ttl` after creation, the code of a manual case nobody claimed
    /// lapses `manual_code_ttl` after its creation, and case tokens hash by
    /// `case_token_hash`. Each one is a new server instance (UUID v7).
    pub fn new(
        storage: S,
        hub: Arc<Hub>,
        state_changes: StateChanges,
        case_ttl: Duration,
        manual_code_ttl: Duration,
        case_token_hash: CaseTokenHash,
    ) -> Self {
        Self {
            storage,
            instance: Uuid::now_v7(),
            heard_since: HeardSince::default(),
            hub,
            state_changes,
            case_ttl,
            manual_code_ttl,
            case_token_hash,
            lines: Arc::default(),
        }
    }

    /// Runs `work` in a write transaction; answers after the commit, and
    /// only then publishes the events it recorded.
    async fn write<T, F>(&self, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Tx<'_>) -> Result<T, StoreError> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let hub = Arc::clone(&self.hub);
        let state_changes = self.state_changes.clone();
        let lines = Arc::clone(&self.lines);
        let job: WriteJob = Box::new(move |store: &mut dyn WriteTx| {
            let mut tx = Tx {
                store,
                events: Vec::new(),
                entered: Vec::new(),
                timed: Vec::new(),
                lines: &lines,
                lines_changed: Vec::new(),
            };
            let result = work(&mut tx);
            let (events, entered, timed) = (tx.events, tx.entered, tx.timed);
            let lines_changed = tx.lines_changed;
            JobDone {
                succeeded: result.is_ok(),
                then: Box::new(move |commit: Result<(), NotCommitted>| {
                    let outcome = match (commit, result) {
                        (Ok(()), Ok(value)) => {
                            if !lines_changed.is_empty() {
                                lines.changed(lines_changed);
                            }
                            for event in events {
                                hub.publish(event);
                            }
                            for state in entered {
                                state_changes.entered(state, 1);
                            }
                            for time in timed {
                                state_changes.timed(time.measure, &time.group, time.seconds);
                            }
                            Ok(value)
                        }
                        (Err(reason), Ok(_)) => Err(reason.into()),
                        (_, Err(e)) => Err(e),
                    };
                    // The caller may have gone away (request cancelled); the write stands.
                    let _ = reply.send(outcome);
                }),
            }
        });
        self.storage.transact(job).await?;
        answer.await.map_err(|_| StoreError::Unavailable)?
    }

    /// Removes every other instance last seen before `seen_before` (every
    /// other one when `None`), a batch per write.
    async fn remove_instances(
        &self,
        seen_before: Option<OffsetDateTime>,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let me = self.instance;
        while self
            .write(move |tx| instances::remove_instances(tx, me, seen_before, now))
            .await?
            == instances::DEAD_BATCH as usize
        {}
        Ok(())
    }
}

impl<S: Storage> QueueStore<S> {
    /// The wire form of a case read at `now`; only a waiting case gets a
    /// queue position (from its group's line, caught up with the row).
    async fn case_at(&self, row: CaseRow, now: OffsetDateTime) -> Result<Case, StoreError> {
        let position = if row.is_waiting(now)? {
            let ahead = self.lines.ahead(&self.storage, &row, now).await?;
            u32::try_from(ahead + 1).ok()
        } else {
            None
        };
        row.into_case(now, position)
    }

    async fn maybe_case_at(
        &self,
        row: Option<CaseRow>,
        now: OffsetDateTime,
    ) -> Result<Option<Case>, StoreError> {
        match row {
            Some(row) => Ok(Some(self.case_at(row, now).await?)),
            None => Ok(None),
        }
    }
}

#[async_trait]
impl<S: Storage> Store for QueueStore<S> {
    async fn ping(&self) -> Result<(), StoreError> {
        self.storage.ping().await
    }

    async fn check_writable(&self, now: OffsetDateTime) -> Result<(), StoreError> {
        self.storage.check_space().await?;
        // A writer that is stuck (not dead) would leave the probe waiting forever.
        tokio::time::timeout(
            WRITE_PROBE_LIMIT,
            self.write(move |tx| tx.store.record_health_probe(now)),
        )
        .await
        .map_err(|_| StoreError::Unavailable)?
    }

    async fn adopt_secret(&self, fingerprint: [u8; 32]) -> Result<(), StoreError> {
        self.write(move |tx| people::adopt_secret(tx, &fingerprint))
            .await
    }

    async fn reset_presence(&self, now: OffsetDateTime) -> Result<usize, StoreError> {
        // Built before any write of this run needs a position.
        let groups: Vec<Uuid> = self
            .storage
            .list_groups()
            .await?
            .into_iter()
            .map(|g| g.id)
            .collect();
        self.lines.build(&self.storage, groups).await?;
        let me = self.instance;
        self.write(move |tx| tx.store.record_instance_seen(me, now))
            .await?;
        if self.storage.exclusive() {
            self.remove_instances(None, now).await?;
        } else {
            self.remove_instances(Some(now - instances::DEAD_AFTER), now)
                .await?;
            // The others seen lately are alive if they say so again (every
            // second); one that does not within the dead limit died lately
            // (a crashed server restarting as this one, often).
            let deadline = tokio::time::Instant::now() + instances::DEAD_AFTER;
            while tokio::time::Instant::now() < deadline
                && !self
                    .write(move |tx| tx.store.instances_other_than(me, Some(now), 1))
                    .await?
                    .is_empty()
            {
                tokio::time::sleep(START_POLL).await;
            }
            self.remove_instances(Some(now), now).await?;
        }
        let (mut after, mut total) = (None, 0);
        loop {
            let (last, changed) = self
                .write(move |tx| session::reset_presence(tx, after, now))
                .await?;
            total += changed;
            match last {
                Some(id) => after = Some(id),
                None => return Ok(total),
            }
        }
    }

    async fn retire(&self, now: OffsetDateTime) -> Result<(), StoreError> {
        let me = self.instance;
        self.write(move |tx| instances::remove_instance(tx, me, now))
            .await
    }

    async fn heartbeat(&self, now: OffsetDateTime) -> Result<(), StoreError> {
        let (me, heard, issued) = (self.instance, self.heard_since.clone(), Instant::now());
        let written = self
            .write(move |tx| {
                tx.store.record_instance_seen(me, now)?;
                // Told in the writer, so a sweep after it in the writer knows.
                heard.heartbeat_written(now, issued.elapsed());
                Ok(())
            })
            .await;
        if written.is_err() {
            self.heard_since.heartbeat_failed();
        }
        written
    }

    #[tracing::instrument(skip_all, err(level = "debug"))]
    async fn sweep(&self, now: OffsetDateTime) -> Result<Option<Swept>, StoreError> {
        let (me, issued) = (self.instance, Instant::now());
        let dead_since = now - instances::DEAD_AFTER;
        let (mut swept, mut held) = (Swept::default(), false);
        // Each write takes (or renews) the lease first: one that lost it stops.
        loop {
            let heard = self.heard_since.clone();
            let removed = self
                .write(move |tx| {
                    if !instances::take_lease(tx, instances::SWEEP_LEASE, me, now)? {
                        return Ok(None);
                    }
                    // Judged in the writer, when the write runs: a sweep held
                    // up (the database was away) judges nobody.
                    if issued.elapsed() > HEARD_LATE || !heard.may_judge(now) {
                        return Ok(Some(0));
                    }
                    instances::remove_instances(tx, me, Some(dead_since), now).map(Some)
                })
                .await?;
            let Some(removed) = removed else {
                return Ok(held.then_some(swept));
            };
            held = true;
            swept.dead_instances += removed;
            if removed < instances::DEAD_BATCH as usize {
                break;
            }
        }
        loop {
            let expired = self
                .write(move |tx| {
                    if !instances::take_lease(tx, instances::SWEEP_LEASE, me, now)? {
                        return Ok(None);
                    }
                    tx.store.forget_line_changes(now - LINE_CHANGES_KEPT)?;
                    expiry::expire_due(tx, now, EXPIRE_BATCH).map(Some)
                })
                .await?;
            let Some(expired) = expired else {
                return Ok(Some(swept));
            };
            swept.expired += expired;
            if expired < EXPIRE_BATCH as usize {
                return Ok(Some(swept));
            }
        }
    }

    async fn deployment_by_key(
        &self,
        key_hash: &TokenHash,
        now: OffsetDateTime,
    ) -> Result<Option<DeploymentAuth>, StoreError> {
        self.storage.deployment_by_key(key_hash, now).await
    }

    async fn expert_by_token(
        &self,
        token_hash: &TokenHash,
    ) -> Result<Option<ExpertAuth>, StoreError> {
        self.storage.expert_by_token(token_hash).await
    }

    async fn sign_in_record(&self, email: &str) -> Result<Option<SignInRecord>, StoreError> {
        self.storage.sign_in_record(email).await
    }

    async fn create_console_session(
        &self,
        token_hash: TokenHash,
        expert: Uuid,
        now: OffsetDateTime,
        expires_at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let by = AuditBy::current();
        self.write(move |tx| {
            people::start_console_session(tx, &token_hash, expert, &by, now, expires_at)
        })
        .await
    }

    async fn expert_by_session(
        &self,
        token_hash: &TokenHash,
        now: OffsetDateTime,
    ) -> Result<Option<ExpertAuth>, StoreError> {
        self.storage.expert_by_session(token_hash, now).await
    }

    async fn end_console_session(&self, token_hash: TokenHash) -> Result<(), StoreError> {
        self.write(move |tx| tx.store.delete_console_session(&token_hash))
            .await
    }

    #[tracing::instrument(skip_all, err(level = "debug"))]
    async fn create_customer_case(
        &self,
        new: NewCustomerCase,
        now: OffsetDateTime,
    ) -> Result<CreateOutcome, StoreError> {
        let (ttl, token_hash) = (self.case_ttl, Arc::clone(&self.case_token_hash));
        self.write(move |tx| cases::create_customer_case(tx, &new, &*token_hash, ttl, now))
            .await
    }

    #[tracing::instrument(skip_all, err(level = "debug"))]
    async fn create_manual_case(
        &self,
        new: NewManualCase,
        by: Actor,
        now: OffsetDateTime,
    ) -> Result<Case, StoreError> {
        let ttl = join::unclaimed_ttl(self.case_ttl, self.manual_code_ttl);
        self.write(move |tx| cases::create_manual_case(tx, &new, &by, ttl, now))
            .await
    }

    #[tracing::instrument(skip_all, err(level = "debug"))]
    async fn claim_manual_case(
        &self,
        code: SessionCode,
        group: Uuid,
        device: Device,
        now: OffsetDateTime,
    ) -> Result<Option<Case>, StoreError> {
        // Looked up on a read connection; only a joinable case goes to the writer.
        let Some(holder) = self.storage.code_holder(&code).await? else {
            return Ok(None);
        };
        if !join::may_join(&holder, group, self.manual_code_ttl, now)? {
            return Ok(None);
        }
        let (case_ttl, token_hash) = (self.case_ttl, Arc::clone(&self.case_token_hash));
        self.write(move |tx| join::claim(tx, holder.id, &device, &*token_hash, case_ttl, now))
            .await
    }

    async fn case(&self, id: Uuid, now: OffsetDateTime) -> Result<Option<Case>, StoreError> {
        let row = self.storage.case_row(id).await?;
        self.maybe_case_at(row, now).await
    }

    async fn case_by_token(
        &self,
        token_hash: &TokenHash,
        now: OffsetDateTime,
    ) -> Result<Option<Case>, StoreError> {
        let row = self.storage.case_row_by_token(token_hash).await?;
        self.maybe_case_at(row, now).await
    }

    async fn follow_lines(&self, wait: Duration) -> Result<(), StoreError> {
        self.lines.follow(&self.storage, wait).await
    }

    async fn case_creator(&self, id: Uuid) -> Result<Option<Uuid>, StoreError> {
        self.storage.case_creator(id).await
    }

    async fn history(&self, id: Uuid) -> Result<Vec<HistoryEntry>, StoreError> {
        self.storage.history(id).await
    }

    #[tracing::instrument(skip_all, fields(case.id = %id), err(level = "debug"))]
    async fn update_case(
        &self,
        id: Uuid,
        update: UpdateCaseRequest,
        by: Actor,
        now: OffsetDateTime,
    ) -> Result<Case, StoreError> {
        self.write(move |tx| cases::update_case(tx, id, &update, &by, now))
            .await
    }

    #[tracing::instrument(skip_all, fields(case.id = %id), err(level = "debug"))]
    async fn close_case(
        &self,
        id: Uuid,
        by: Actor,
        now: OffsetDateTime,
    ) -> Result<Case, StoreError> {
        self.write(move |tx| cases::close_case(tx, id, &by, now))
            .await
    }

    #[tracing::instrument(skip_all, fields(case.id = %id), err(level = "debug"))]
    async fn assign_case(
        &self,
        id: Uuid,
        expert: Option<Uuid>,
        by: Actor,
        now: OffsetDateTime,
    ) -> Result<Case, StoreError> {
        self.write(move |tx| tx.assign(id, expert, by.label(), now))
            .await
    }

    #[tracing::instrument(skip_all, fields(case.id = %id), err(level = "debug"))]
    async fn open_session_socket(
        &self,
        id: Uuid,
        side: MessageFrom,
        by: Actor,
        now: OffsetDateTime,
    ) -> Result<Case, StoreError> {
        let me = self.instance;
        self.write(move |tx| session::socket_opened(tx, id, side, me, &by, now))
            .await
    }

    #[tracing::instrument(skip_all, fields(case.id = %id), err(level = "debug"))]
    async fn close_session_socket(
        &self,
        id: Uuid,
        side: MessageFrom,
        by: Actor,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let me = self.instance;
        self.write(move |tx| session::socket_closed(tx, id, side, me, &by, now))
            .await
    }

    #[tracing::instrument(skip_all, fields(case.id = %id), err(level = "debug"))]
    async fn record_history(
        &self,
        id: Uuid,
        action: HistoryAction,
        by: Actor,
        detail: Option<String>,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        self.write(move |tx| session::record_history(tx, id, action, &by, detail.as_deref(), now))
            .await
    }

    #[tracing::instrument(skip_all, fields(case.id = %id), err(level = "debug"))]
    async fn add_message(
        &self,
        id: Uuid,
        message: ChatMessage,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        self.write(move |tx| session::add_message(tx, id, &message, now))
            .await
    }

    async fn messages(&self, id: Uuid) -> Result<Vec<ChatMessage>, StoreError> {
        self.storage.messages(id).await
    }

    async fn list_cases(
        &self,
        query: CaseQuery,
        now: OffsetDateTime,
    ) -> Result<Vec<Case>, StoreError> {
        let rows = self.storage.case_rows(query, now).await?;
        let mut cases = Vec::with_capacity(rows.len());
        for row in rows {
            cases.push(self.case_at(row, now).await?);
        }
        Ok(cases)
    }

    async fn events_after(
        &self,
        id: Uuid,
        seq: i64,
        limit: u32,
    ) -> Result<Vec<CaseEvent>, StoreError> {
        self.storage.events_after(id, seq, limit).await
    }

    async fn case_with_seq(
        &self,
        id: Uuid,
        now: OffsetDateTime,
    ) -> Result<Option<(Case, i64)>, StoreError> {
        match self.storage.case_row(id).await? {
            Some(row) => {
                let seq = row.last_event_seq;
                Ok(Some((self.case_at(row, now).await?, seq)))
            }
            None => Ok(None),
        }
    }

    async fn count_open_by_state(
        &self,
        now: OffsetDateTime,
    ) -> Result<Vec<(CaseState, i64)>, StoreError> {
        self.storage.count_open_by_state(now).await
    }

    async fn sla_cases(
        &self,
        from: OffsetDateTime,
        to: OffsetDateTime,
        limit: u32,
    ) -> Result<Vec<SlaCase>, StoreError> {
        self.storage.sla_cases(from, to, limit).await
    }

    async fn create_group(&self, name: &str, now: OffsetDateTime) -> Result<Group, StoreError> {
        let (name, by) = (name.to_string(), AuditBy::current());
        self.write(move |tx| people::create_group(tx, name, &by, now))
            .await
    }

    async fn list_groups(&self) -> Result<Vec<Group>, StoreError> {
        self.storage.list_groups().await
    }

    async fn group_by_name(&self, name: &str) -> Result<Option<Group>, StoreError> {
        self.storage.group_by_name(name).await
    }

    async fn set_assignment_policy(
        &self,
        group: Uuid,
        policy: AssignmentPolicy,
        now: OffsetDateTime,
    ) -> Result<Group, StoreError> {
        let by = AuditBy::current();
        self.write(move |tx| people::set_assignment_policy(tx, group, policy, &by, now))
            .await
    }

    async fn set_alert_time(
        &self,
        group: Uuid,
        seconds: u32,
        now: OffsetDateTime,
    ) -> Result<Group, StoreError> {
        let by = AuditBy::current();
        self.write(move |tx| people::set_alert_time(tx, group, seconds, &by, now))
            .await
    }

    async fn create_expert(
        &self,
        new: NewExpert,
        now: OffsetDateTime,
    ) -> Result<Expert, StoreError> {
        let by = AuditBy::current();
        self.write(move |tx| people::create_expert(tx, &new, &by, now))
            .await
    }

    async fn list_experts(&self) -> Result<Vec<Expert>, StoreError> {
        self.storage.list_experts().await
    }

    async fn expert_id_by_email(&self, email: &str) -> Result<Option<Uuid>, StoreError> {
        self.storage.expert_id_by_email(email).await
    }

    async fn expert(&self, id: Uuid) -> Result<Option<Expert>, StoreError> {
        PeopleReads::expert(&self.storage, id).await
    }

    async fn expert_language(&self, expert: Uuid) -> Result<Option<String>, StoreError> {
        self.storage.expert_language(expert).await
    }

    async fn set_expert_language(
        &self,
        expert: Uuid,
        language: Option<String>,
    ) -> Result<(), StoreError> {
        self.write(move |tx| {
            if tx.store.set_expert_language(expert, language.as_deref())? {
                Ok(())
            } else {
                Err(StoreError::NotFound)
            }
        })
        .await
    }

    async fn set_availability(
        &self,
        expert: Uuid,
        available: bool,
        now: OffsetDateTime,
    ) -> Result<Expert, StoreError> {
        self.write(move |tx| people::set_availability(tx, expert, available, now))
            .await
    }

    async fn change_expert(
        &self,
        expert: Uuid,
        change: ExpertChange,
        now: OffsetDateTime,
    ) -> Result<Expert, StoreError> {
        let by = AuditBy::current();
        self.write(move |tx| people::change_expert(tx, expert, change, &by, now))
            .await
    }

    async fn list_expert_tokens(&self) -> Result<Vec<TokenInfo>, StoreError> {
        self.storage.list_expert_tokens().await
    }

    async fn revoke_expert_token(&self, id: Uuid, now: OffsetDateTime) -> Result<(), StoreError> {
        // A token's expert never changes: read outside the write.
        let owner = self
            .storage
            .list_expert_tokens()
            .await?
            .into_iter()
            .find(|token| token.id == id)
            .map(|token| token.expert_name);
        let by = AuditBy::current();
        self.write(move |tx| people::revoke_expert_token(tx, id, owner.as_deref(), &by, now))
            .await
    }

    async fn add_expert_token(
        &self,
        expert: Uuid,
        token_hash: TokenHash,
        now: OffsetDateTime,
    ) -> Result<Uuid, StoreError> {
        let by = AuditBy::current();
        self.write(move |tx| people::add_expert_token(tx, expert, &token_hash, &by, now))
            .await
    }

    async fn create_deployment(
        &self,
        id: Uuid,
        name: &str,
        group: Uuid,
        server_url: &str,
        key_hash: TokenHash,
        now: OffsetDateTime,
    ) -> Result<Deployment, StoreError> {
        let (name, server_url) = (name.to_string(), server_url.to_string());
        let by = AuditBy::current();
        self.write(move |tx| {
            let new = people::NewDeployment {
                id,
                name: &name,
                group,
                server_url: &server_url,
                key_hash: &key_hash,
            };
            people::create_deployment(tx, &new, &by, now)
        })
        .await
    }

    async fn list_deployments(&self) -> Result<Vec<Deployment>, StoreError> {
        self.storage.list_deployments().await
    }

    async fn deployment(&self, id: Uuid) -> Result<Option<Deployment>, StoreError> {
        PeopleReads::deployment(&self.storage, id).await
    }

    async fn revoke_deployment(
        &self,
        id: Uuid,
        now: OffsetDateTime,
    ) -> Result<Deployment, StoreError> {
        let by = AuditBy::current();
        self.write(move |tx| people::revoke_deployment(tx, id, &by, now))
            .await
    }

    async fn rotate_deployment_key(
        &self,
        id: Uuid,
        from: u32,
        key_hash: TokenHash,
        grace: Duration,
        now: OffsetDateTime,
    ) -> Result<Deployment, StoreError> {
        let previous_until = if grace.is_zero() {
            None
        } else {
            Some(now + grace)
        };
        let by = AuditBy::current();
        self.write(move |tx| {
            let rotation = KeyRotation {
                id,
                from,
                key_hash: &key_hash,
                previous_until,
            };
            people::rotate_deployment_key(tx, &rotation, &by, now)
        })
        .await
    }

    async fn set_deployment_server_url(
        &self,
        id: Uuid,
        url: &str,
        now: OffsetDateTime,
    ) -> Result<Deployment, StoreError> {
        let url = url.to_string();
        let by = AuditBy::current();
        self.write(move |tx| people::set_deployment_server_url(tx, id, &url, &by, now))
            .await
    }

    async fn record_audit(
        &self,
        action: AuditAction,
        detail: Option<String>,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let by = AuditBy::current();
        self.write(move |tx| people::audit(tx, action, &by, None, detail.as_deref(), now))
            .await
    }

    async fn audit_entries(&self, query: AuditQuery) -> Result<Vec<AuditEntry>, StoreError> {
        self.storage.audit_entries(query).await
    }

    async fn email_preferences(
        &self,
        expert: Option<Uuid>,
    ) -> Result<Vec<(Uuid, EmailPreferences)>, StoreError> {
        self.storage.email_preferences(expert).await
    }

    async fn set_email_preferences(
        &self,
        expert: Uuid,
        preferences: EmailPreferences,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        self.write(move |tx| tx.store.set_email_preferences(expert, &preferences, now))
            .await
    }

    async fn record_email_notices(
        &self,
        keys: Vec<NoticeKey>,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
    ) -> Result<Vec<NoticeKey>, StoreError> {
        self.write(move |tx| {
            let mut recorded = Vec::new();
            for key in keys {
                if tx.store.insert_email_notice(&key, now, lease_until)? {
                    recorded.push(key);
                }
            }
            Ok(recorded)
        })
        .await
    }

    async fn claim_due_email_notices(
        &self,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
        max_attempts: u32,
        limit: u32,
    ) -> Result<Vec<(NoticeKey, u32)>, StoreError> {
        self.write(move |tx| {
            tx.store
                .claim_due_email_notices(now, lease_until, max_attempts, limit)
        })
        .await
    }

    async fn finish_email_notice(
        &self,
        key: NoticeKey,
        sent_at: Option<OffsetDateTime>,
        retry_at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        self.write(move |tx| tx.store.finish_email_notice(&key, sent_at, retry_at))
            .await
    }

    async fn create_webhook(
        &self,
        new: NewWebhook,
        now: OffsetDateTime,
    ) -> Result<Webhook, StoreError> {
        let by = AuditBy::current();
        self.write(move |tx| webhooks::create_webhook(tx, &new, &by, now))
            .await
    }

    async fn list_webhooks(&self) -> Result<Vec<Webhook>, StoreError> {
        self.storage.list_webhooks().await
    }

    async fn set_webhook_enabled(
        &self,
        id: Uuid,
        enabled: bool,
        now: OffsetDateTime,
    ) -> Result<Webhook, StoreError> {
        let by = AuditBy::current();
        self.write(move |tx| webhooks::set_enabled(tx, id, enabled, &by, now))
            .await
    }

    async fn delete_webhook(&self, id: Uuid, now: OffsetDateTime) -> Result<(), StoreError> {
        let by = AuditBy::current();
        self.write(move |tx| webhooks::delete_webhook(tx, id, &by, now))
            .await
    }

    async fn webhook_deliveries(
        &self,
        id: Uuid,
        limit: u32,
    ) -> Result<Vec<WebhookDelivery>, StoreError> {
        self.storage.webhook_deliveries(id, limit).await
    }

    async fn claim_webhook_deliveries(
        &self,
        busy: Vec<Uuid>,
        limit: u32,
        now: OffsetDateTime,
    ) -> Result<Vec<ClaimedDelivery>, StoreError> {
        // A read first: an idle instance finds nothing due without writing.
        if limit == 0 || !self.storage.webhook_deliveries_due(now).await? {
            return Ok(Vec::new());
        }
        let me = self.instance;
        self.write(move |tx| webhooks::claim_due(tx, me, &busy, limit, now))
            .await
    }

    async fn finish_webhook_attempt(
        &self,
        delivery: ClaimedDelivery,
        attempt: Attempt,
    ) -> Result<Option<DisabledEndpoint>, StoreError> {
        let me = self.instance;
        self.write(move |tx| webhooks::finish_attempt(tx, &delivery, me, &attempt))
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::sqlite::SqliteStore;

    #[tokio::test]
    async fn the_write_check_fails_once_the_writer_is_gone()
    -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let store = QueueStore::new(
            SqliteStore::open(&dir.path().join("x.db"))?,
            Arc::new(Hub::default()),
            StateChanges::default(),
            Duration::from_secs(60),
            Duration::from_secs(60),
            Arc::new(|_| [0; 32]),
        );
        store.check_writable(OffsetDateTime::now_utc()).await?;
        // A write that panics takes the writer thread down with it.
        store
            .storage
            .transact(Box::new(|_| panic!("the writer dies (on purpose)")))
            .await?;
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            match store.check_writable(OffsetDateTime::now_utc()).await {
                Err(StoreError::Unavailable) => break,
                other => assert!(
                    tokio::time::Instant::now() < deadline,
                    "the check still answers {other:?} with no writer"
                ),
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        // Reads still answer: only the write check can tell.
        store.ping().await?;
        Ok(())
    }

    #[tokio::test]
    async fn the_sweeps_run_only_on_the_holder_of_their_lease()
    -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let store = QueueStore::new(
            SqliteStore::open(&dir.path().join("x.db"))?,
            Arc::new(Hub::default()),
            StateChanges::default(),
            Duration::from_secs(60),
            Duration::from_secs(60),
            Arc::new(|_| [0; 32]),
        );
        let now = OffsetDateTime::now_utc();
        assert!(store.sweep(now).await?.is_some(), "a free lease is taken");
        assert!(
            store.sweep(now).await?.is_some(),
            "and renewed by its holder"
        );

        // Another instance takes it once this one's has lapsed.
        let other = Uuid::now_v7();
        let later = now + instances::LEASE_FOR;
        let taken = store
            .write(move |tx| instances::take_lease(tx, instances::SWEEP_LEASE, other, later))
            .await?;
        assert!(taken, "this instance's lease lapsed");
        assert_eq!(
            store.sweep(later).await?,
            None,
            "the other instance's lease holds"
        );
        let lapsed = later + instances::LEASE_FOR;
        assert!(
            store.sweep(lapsed).await?.is_some(),
            "a lapsed lease is taken over"
        );
        Ok(())
    }

    fn manual_case(group: Uuid) -> NewManualCase {
        NewManualCase {
            group_id: group,
            customer: lifeline_protocol::Customer::default(),
            description: None,
            valid_until: None,
        }
    }

    async fn position(
        store: &QueueStore<SqliteStore>,
        id: Uuid,
        now: OffsetDateTime,
    ) -> Result<Option<u32>, StoreError> {
        Ok(store
            .case(id, now)
            .await?
            .ok_or(StoreError::NotFound)?
            .queue_position)
    }

    /// Positions a write computes while the line in memory is behind (no
    /// follower runs here: only reads catch up), and reads after the log
    /// of changes the line needed was forgotten.
    #[tokio::test]
    async fn positions_stay_exact_with_the_line_behind_and_its_changes_forgotten()
    -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let open = || -> Result<QueueStore<SqliteStore>, StoreError> {
            Ok(QueueStore::new(
                SqliteStore::open(&dir.path().join("x.db"))?,
                Arc::new(Hub::default()),
                StateChanges::default(),
                Duration::from_secs(3600),
                Duration::from_secs(3600),
                Arc::new(|_| [0; 32]),
            ))
        };
        let store = open()?;
        let now = OffsetDateTime::now_utc();
        let group = store.create_group("Front desk", now).await?.id;
        let mut ids = Vec::new();
        for _ in 0..5 {
            let case = store
                .create_manual_case(manual_case(group), Actor::System, now)
                .await?;
            ids.push(case.id);
        }
        // A write before any read: the line is not built, the write counts.
        let edit = UpdateCaseRequest::default();
        let edited = store
            .update_case(ids[4], edit.clone(), Actor::System, now)
            .await?;
        assert_eq!(edited.queue_position, Some(5));
        assert_eq!(
            position(&store, ids[4], now).await?,
            Some(5),
            "read builds it"
        );

        // The line now lags: a close ahead, and two cases it has not seen.
        store.close_case(ids[1], Actor::System, now).await?;
        for _ in 0..2 {
            let case = store
                .create_manual_case(manual_case(group), Actor::System, now)
                .await?;
            ids.push(case.id);
        }
        let edited = store
            .update_case(ids[4], edit.clone(), Actor::System, now)
            .await?;
        assert_eq!(
            edited.queue_position,
            Some(4),
            "a logged change corrects it"
        );
        let edited = store
            .update_case(ids[6], edit.clone(), Actor::System, now)
            .await?;
        assert_eq!(
            edited.queue_position,
            Some(6),
            "and the cases created since"
        );

        // Changes the line never applied are forgotten: reads rebuild it.
        store.close_case(ids[0], Actor::System, now).await?;
        let later = now + Duration::from_secs(1);
        store
            .write(move |tx| tx.store.forget_line_changes(later))
            .await?;
        for (i, expected) in [(2, 1), (3, 2), (4, 3), (5, 4), (6, 5)] {
            assert_eq!(
                position(&store, ids[i], later).await?,
                Some(expected),
                "case {i} after a rebuild"
            );
        }
        assert_eq!(position(&store, ids[0], later).await?, None);

        // Another run of the server builds the line at start.
        drop(store);
        let store = open()?;
        store.reset_presence(later).await?;
        let edited = store
            .update_case(ids[6], edit, Actor::System, later)
            .await?;
        assert_eq!(edited.queue_position, Some(5));
        Ok(())
    }
}
