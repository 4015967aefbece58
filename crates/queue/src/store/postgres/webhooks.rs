//! Webhook endpoints and their outbox ([`WebhookWrites`] in the writer's
//! transaction, [`WebhookReads`] on the read pool).

use time::OffsetDateTime;
use tokio_postgres::Row;
use uuid::Uuid;

use super::writer::PgTx;
use super::{PostgresStore, all, one};
use crate::clock::{from_millis, to_millis};
use crate::store::StoreError;
use crate::store::storage::{WebhookReads, WebhookWrites};
use crate::webhooks::{
    Attempt, ClaimedDelivery, EventType, NewWebhook, OutboxEvent, Webhook, WebhookDelivery,
    events_from_stored,
};

const WEBHOOK_COLUMNS: &str =
    "id, url, events, enabled, disabled_reason, failing_since, created_at FROM webhooks";

/// An endpoint's first undelivered delivery: its events go out in order,
/// one at a time.
const HEAD_OF_LINE: &str = "d.seq = (SELECT min(p.seq) FROM webhook_deliveries p \
     WHERE p.webhook_id = w.id AND p.delivered_at IS NULL)";

fn webhook_from_row(r: &Row) -> Result<Webhook, StoreError> {
    Ok(Webhook {
        id: r.try_get(0)?,
        url: r.try_get(1)?,
        events: events_from_stored(r.try_get(2)?),
        enabled: r.try_get(3)?,
        disabled_reason: r.try_get(4)?,
        failing_since: r.try_get::<_, Option<i64>>(5)?.map(from_millis),
        created_at: from_millis(r.try_get(6)?),
    })
}

/// A stored count or status back in its type; a negative or huge one is corrupt.
fn narrow<T: TryFrom<i32>>(value: i32, what: &str) -> Result<T, StoreError> {
    T::try_from(value).map_err(|_| StoreError::Corrupt(format!("{what} {value} out of range")))
}

impl WebhookWrites for PgTx {
    fn insert_webhook(
        &mut self,
        webhook: &NewWebhook,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        self.run(
            "INSERT INTO webhooks (id, url, events, secret, enabled, last_seq, created_at) \
             VALUES ($1, $2, $3, $4, TRUE, 0, $5)",
            &[
                &webhook.id,
                &webhook.url,
                &webhook.stored_events(),
                &webhook.secret,
                &to_millis(now),
            ],
        )?;
        Ok(())
    }

    fn webhook(&mut self, id: Uuid) -> Result<Option<Webhook>, StoreError> {
        self.one(
            &format!("SELECT {WEBHOOK_COLUMNS} WHERE id = $1"),
            &[&id],
            webhook_from_row,
        )
    }

    fn set_webhook_enabled(
        &mut self,
        id: Uuid,
        enabled: bool,
        reason: Option<&str>,
    ) -> Result<bool, StoreError> {
        let changed = self.run(
            "UPDATE webhooks SET enabled = $2, disabled_reason = $3, \
             failing_since = CASE WHEN $2 THEN NULL ELSE failing_since END WHERE id = $1",
            &[&id, &enabled, &reason],
        )?;
        Ok(changed > 0)
    }

    fn delete_webhook(&mut self, id: Uuid) -> Result<bool, StoreError> {
        self.run(
            "DELETE FROM webhook_deliveries WHERE webhook_id = $1",
            &[&id],
        )?;
        Ok(self.run("DELETE FROM webhooks WHERE id = $1", &[&id])? > 0)
    }

    fn webhooks_subscribed(&mut self, event_type: EventType) -> Result<bool, StoreError> {
        let wanted = format!(",{},", event_type.as_str());
        Ok(self
            .one(
                "SELECT EXISTS (SELECT 1 FROM webhooks WHERE enabled AND strpos(events, $1) > 0)",
                &[&wanted],
                |r| Ok(r.try_get(0)?),
            )?
            .unwrap_or(false))
    }

    fn enqueue_webhook_event(&mut self, event: &OutboxEvent<'_>) -> Result<u64, StoreError> {
        let wanted = format!(",{},", event.event_type.as_str());
        let queued = self.run(
            "INSERT INTO webhook_deliveries (webhook_id, seq, event_id, event_type, case_id, \
             body, created_at, attempts, next_attempt_at) \
             SELECT id, last_seq + 1, $1, $2, $3, $4, $5, 0, $5 FROM webhooks \
             WHERE enabled AND strpos(events, $6) > 0",
            &[
                &event.id,
                &event.event_type.as_str(),
                &event.case_id,
                &event.body,
                &to_millis(event.at),
                &wanted,
            ],
        )?;
        if queued > 0 {
            self.run(
                "UPDATE webhooks SET last_seq = last_seq + 1 \
                 WHERE enabled AND strpos(events, $1) > 0",
                &[&wanted],
            )?;
        }
        Ok(queued)
    }

    fn due_webhook_deliveries(
        &mut self,
        now: OffsetDateTime,
        busy: &[Uuid],
        limit: u32,
    ) -> Result<Vec<ClaimedDelivery>, StoreError> {
        let due = self.all(
            &format!(
                "SELECT d.webhook_id, d.seq, w.url, w.secret, d.event_id, d.body, d.attempts \
                 FROM webhooks w JOIN webhook_deliveries d ON d.webhook_id = w.id \
                 WHERE w.enabled AND {HEAD_OF_LINE} \
                 AND d.next_attempt_at <= $1 \
                 AND (d.claimed_until IS NULL OR d.claimed_until <= $1) \
                 ORDER BY d.next_attempt_at LIMIT $2"
            ),
            &[&to_millis(now), &(i64::from(limit) + busy.len() as i64)],
            |r| {
                Ok(ClaimedDelivery {
                    webhook_id: r.try_get(0)?,
                    seq: r.try_get(1)?,
                    url: r.try_get(2)?,
                    secret: r.try_get(3)?,
                    event_id: r.try_get(4)?,
                    body: r.try_get(5)?,
                    attempts: narrow(r.try_get(6)?, "attempts")?,
                })
            },
        )?;
        Ok(due
            .into_iter()
            .filter(|d| !busy.contains(&d.webhook_id))
            .take(limit as usize)
            .collect())
    }

    fn claim_webhook_delivery(
        &mut self,
        webhook: Uuid,
        seq: i64,
        instance: Uuid,
        until: OffsetDateTime,
    ) -> Result<(), StoreError> {
        self.run(
            "UPDATE webhook_deliveries SET claimed_by = $3, claimed_until = $4 \
             WHERE webhook_id = $1 AND seq = $2",
            &[&webhook, &seq, &instance, &to_millis(until)],
        )?;
        Ok(())
    }

    fn record_webhook_attempt(
        &mut self,
        webhook: Uuid,
        seq: i64,
        instance: Uuid,
        attempt: &Attempt,
        next_attempt_at: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let status = attempt.status.map(i32::from);
        let changed = self.run(
            "UPDATE webhook_deliveries SET attempts = attempts + 1, last_attempt_at = $4, \
             last_status = $5, last_error = $6, \
             delivered_at = CASE WHEN $6::text IS NULL THEN $4::bigint ELSE NULL END, \
             next_attempt_at = $7, claimed_by = NULL, claimed_until = NULL \
             WHERE webhook_id = $1 AND seq = $2 AND claimed_by = $3 AND delivered_at IS NULL",
            &[
                &webhook,
                &seq,
                &instance,
                &to_millis(attempt.at),
                &status,
                &attempt.error,
                &to_millis(next_attempt_at),
            ],
        )?;
        Ok(changed > 0)
    }

    fn webhook_failing(
        &mut self,
        id: Uuid,
        at: OffsetDateTime,
    ) -> Result<OffsetDateTime, StoreError> {
        self.one(
            "UPDATE webhooks SET failing_since = coalesce(failing_since, $2) WHERE id = $1 \
             RETURNING failing_since",
            &[&id, &to_millis(at)],
            |r| Ok(from_millis(r.try_get(0)?)),
        )?
        .ok_or(StoreError::NotFound)
    }

    fn webhook_working(&mut self, id: Uuid) -> Result<(), StoreError> {
        self.run(
            "UPDATE webhooks SET failing_since = NULL WHERE id = $1",
            &[&id],
        )?;
        Ok(())
    }
}

fn delivery_from_row(r: &Row) -> Result<WebhookDelivery, StoreError> {
    let delivered_at = r.try_get::<_, Option<i64>>(5)?.map(from_millis);
    Ok(WebhookDelivery {
        event_id: r.try_get(0)?,
        event_type: r.try_get(1)?,
        case_id: r.try_get(2)?,
        created_at: from_millis(r.try_get(3)?),
        attempts: narrow(r.try_get(4)?, "attempts")?,
        delivered_at,
        next_attempt_at: match delivered_at {
            Some(_) => None,
            None => Some(from_millis(r.try_get(6)?)),
        },
        last_attempt_at: r.try_get::<_, Option<i64>>(7)?.map(from_millis),
        last_status: r
            .try_get::<_, Option<i32>>(8)?
            .map(|s| narrow(s, "status"))
            .transpose()?,
        last_error: r.try_get(9)?,
    })
}

impl WebhookReads for PostgresStore {
    async fn list_webhooks(&self) -> Result<Vec<Webhook>, StoreError> {
        let client = self.client().await?;
        all(
            &client,
            &format!("SELECT {WEBHOOK_COLUMNS} ORDER BY id"),
            &[],
            webhook_from_row,
        )
        .await
    }

    async fn webhook_deliveries(
        &self,
        id: Uuid,
        limit: u32,
    ) -> Result<Vec<WebhookDelivery>, StoreError> {
        let client = self.client().await?;
        all(
            &client,
            "SELECT event_id, event_type, case_id, created_at, attempts, delivered_at, \
             next_attempt_at, last_attempt_at, last_status, last_error \
             FROM webhook_deliveries WHERE webhook_id = $1 ORDER BY seq DESC LIMIT $2",
            &[&id, &i64::from(limit)],
            delivery_from_row,
        )
        .await
    }

    async fn webhook_deliveries_due(&self, now: OffsetDateTime) -> Result<bool, StoreError> {
        let client = self.client().await?;
        let due = one(
            &client,
            &format!(
                "SELECT EXISTS (SELECT 1 FROM webhooks w JOIN webhook_deliveries d \
                 ON d.webhook_id = w.id WHERE w.enabled AND {HEAD_OF_LINE} \
                 AND d.next_attempt_at <= $1 \
                 AND (d.claimed_until IS NULL OR d.claimed_until <= $1))"
            ),
            &[&to_millis(now)],
            |r| Ok(r.try_get::<_, bool>(0)?),
        )
        .await?;
        Ok(due.unwrap_or(false))
    }
}
