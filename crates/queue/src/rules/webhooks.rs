//! Webhooks' rules: registering, disabling, enabling and deleting endpoints
//! (each audited in its own transaction); queueing an event in the outbox in
//! the transaction of the change it tells of; claiming due deliveries for an
//! instance; and what an attempt's outcome implies (the next try, after
//! [`retry_delay`]; an endpoint failing for [`DISABLE_AFTER`] disabled).

use serde::Serialize;
use time::OffsetDateTime;
use uuid::Uuid;

use lifeline_protocol::{Case, CaseState, ChatMessage};

use super::Tx;
use super::people::audit;
use crate::audit::{AuditAction, AuditBy};
use crate::store::StoreError;
use crate::webhooks::{
    Attempt, CLAIM_LEASE, ClaimedDelivery, DISABLE_AFTER, DisabledEndpoint, EventBody, EventType,
    NewWebhook, OutboxEvent, Webhook, new_event_id, retry_delay,
};

/// The name the server's own audit entries carry (an endpoint it disabled).
const SERVER: &str = "server";

/// `data` of the case events.
#[derive(Serialize)]
struct CaseData<'a> {
    case: &'a Case,
}

/// `data` of `case.state_changed`.
#[derive(Serialize)]
struct StateChangedData<'a> {
    case: &'a Case,
    previous_state: CaseState,
}

/// `data` of `message.created`.
#[derive(Serialize)]
struct MessageData<'a> {
    case: &'a Case,
    message: &'a ChatMessage,
}

impl Tx<'_> {
    /// Queues `event_type` about `case` (body `{type, timestamp, data}`) for
    /// every endpoint subscribed to it, in this transaction.
    fn queue_webhook<D: Serialize>(
        &mut self,
        event_type: EventType,
        case_id: Uuid,
        data: &D,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        // Most servers have no endpoint: then no body to build (the same
        // statements either way).
        if !self.store.webhooks_subscribed(event_type)? {
            return Ok(());
        }
        let body = serde_json::to_string(&EventBody {
            event_type: event_type.as_str(),
            timestamp: now,
            data,
        })
        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let id = new_event_id();
        self.store.enqueue_webhook_event(&OutboxEvent {
            id: &id,
            event_type,
            case_id,
            body: &body,
            at: now,
        })?;
        Ok(())
    }

    /// Queues a case event whose data is the case alone.
    pub(super) fn case_webhook(
        &mut self,
        event_type: EventType,
        case: &Case,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        self.queue_webhook(event_type, case.id, &CaseData { case }, now)
    }

    /// Queues `case.state_changed` from `previous_state`.
    pub(super) fn state_changed_webhook(
        &mut self,
        case: &Case,
        previous_state: CaseState,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let data = StateChangedData {
            case,
            previous_state,
        };
        self.queue_webhook(EventType::CaseStateChanged, case.id, &data, now)
    }

    /// Queues `message.created`.
    pub(super) fn message_webhook(
        &mut self,
        case: &Case,
        message: &ChatMessage,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let data = MessageData { case, message };
        self.queue_webhook(EventType::MessageCreated, case.id, &data, now)
    }
}

/// Registers an endpoint, enabled.
pub(super) fn create_webhook(
    tx: &mut Tx<'_>,
    new: &NewWebhook,
    by: &AuditBy,
    now: OffsetDateTime,
) -> Result<Webhook, StoreError> {
    tx.store.insert_webhook(new, now)?;
    let detail = format!("events {}", new.stored_events().trim_matches(','));
    audit(
        tx,
        AuditAction::WebhookCreated,
        by,
        Some((new.id, &new.url)),
        Some(&detail),
        now,
    )?;
    tx.store.webhook(new.id)?.ok_or(StoreError::NotFound)
}

/// Enables or disables an endpoint as an admin asked.
pub(super) fn set_enabled(
    tx: &mut Tx<'_>,
    id: Uuid,
    enabled: bool,
    by: &AuditBy,
    now: OffsetDateTime,
) -> Result<Webhook, StoreError> {
    let reason = (!enabled).then(|| format!("disabled by {}", by.name));
    if !tx
        .store
        .set_webhook_enabled(id, enabled, reason.as_deref())?
    {
        return Err(StoreError::NotFound);
    }
    let webhook = tx.store.webhook(id)?.ok_or(StoreError::NotFound)?;
    let detail = if enabled { "enabled" } else { "disabled" };
    audit(
        tx,
        AuditAction::WebhookChanged,
        by,
        Some((id, &webhook.url)),
        Some(detail),
        now,
    )?;
    Ok(webhook)
}

/// Deletes an endpoint and its deliveries, sent or not.
pub(super) fn delete_webhook(
    tx: &mut Tx<'_>,
    id: Uuid,
    by: &AuditBy,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let webhook = tx.store.webhook(id)?.ok_or(StoreError::NotFound)?;
    tx.store.delete_webhook(id)?;
    audit(
        tx,
        AuditAction::WebhookDeleted,
        by,
        Some((id, &webhook.url)),
        None,
        now,
    )
}

/// Claims for `instance` the next due delivery of up to `limit` endpoints
/// it is not already delivering to (`busy`).
pub(super) fn claim_due(
    tx: &mut Tx<'_>,
    instance: Uuid,
    busy: &[Uuid],
    limit: u32,
    now: OffsetDateTime,
) -> Result<Vec<ClaimedDelivery>, StoreError> {
    let due = tx.store.due_webhook_deliveries(now, busy, limit)?;
    for delivery in &due {
        tx.store.claim_webhook_delivery(
            delivery.webhook_id,
            delivery.seq,
            instance,
            now + CLAIM_LEASE,
        )?;
    }
    Ok(due)
}

/// Records how an attempt of `delivery` ended. A failure schedules the next
/// one after [`retry_delay`]; an endpoint failing for [`DISABLE_AFTER`] is
/// disabled (audited as the server's doing) and returned, so its admins can
/// be told. A claim that lapsed meanwhile writes nothing: the instance that
/// took it over records its own attempt.
pub(super) fn finish_attempt(
    tx: &mut Tx<'_>,
    delivery: &ClaimedDelivery,
    instance: Uuid,
    attempt: &Attempt,
) -> Result<Option<DisabledEndpoint>, StoreError> {
    let attempts = delivery.attempts.saturating_add(1);
    let next = attempt.at + retry_delay(attempts);
    let recorded = tx.store.record_webhook_attempt(
        delivery.webhook_id,
        delivery.seq,
        instance,
        attempt,
        next,
    )?;
    if !recorded {
        return Ok(None);
    }
    if attempt.error.is_none() {
        tx.store.webhook_working(delivery.webhook_id)?;
        return Ok(None);
    }
    let since = tx.store.webhook_failing(delivery.webhook_id, attempt.at)?;
    if attempt.at - since < DISABLE_AFTER {
        return Ok(None);
    }
    let reason = format!(
        "disabled by the server: every delivery failed for a day (since {})",
        since
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default()
    );
    tx.store
        .set_webhook_enabled(delivery.webhook_id, false, Some(&reason))?;
    let by = AuditBy {
        expert: None,
        name: SERVER.to_string(),
        client: None,
    };
    audit(
        tx,
        AuditAction::WebhookChanged,
        &by,
        Some((delivery.webhook_id, &delivery.url)),
        Some(&reason),
        attempt.at,
    )?;
    Ok(Some(DisabledEndpoint {
        id: delivery.webhook_id,
        url: delivery.url.clone(),
    }))
}
