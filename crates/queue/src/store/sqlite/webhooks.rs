//! Webhook endpoints and their outbox ([`WebhookWrites`] in the writer's
//! transaction, [`WebhookReads`] on the read pool).

use rusqlite::{Row, params};
use time::OffsetDateTime;
use uuid::Uuid;

use super::writer::SqliteTx;
use super::{SqliteStore, all, one, run};
use crate::clock::{from_millis, to_millis};
use crate::store::StoreError;
use crate::store::storage::{WebhookReads, WebhookWrites};
use crate::webhooks::{
    Attempt, ClaimedDelivery, EventType, NewWebhook, OutboxEvent, Webhook, WebhookDelivery,
    events_from_stored,
};

const WEBHOOK_COLUMNS: &str =
    "id, url, events, enabled, disabled_reason, failing_since, created_at FROM webhooks";

fn webhook_from_row(r: &Row<'_>) -> rusqlite::Result<Webhook> {
    Ok(Webhook {
        id: r.get(0)?,
        url: r.get(1)?,
        events: events_from_stored(&r.get::<_, String>(2)?),
        enabled: r.get(3)?,
        disabled_reason: r.get(4)?,
        failing_since: r.get::<_, Option<i64>>(5)?.map(from_millis),
        created_at: from_millis(r.get(6)?),
    })
}

impl WebhookWrites for SqliteTx {
    fn insert_webhook(
        &mut self,
        webhook: &NewWebhook,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        run(
            &self.conn,
            "INSERT INTO webhooks (id, url, events, secret, enabled, last_seq, created_at) \
             VALUES (?, ?, ?, ?, 1, 0, ?)",
            params![
                webhook.id,
                webhook.url,
                webhook.stored_events(),
                webhook.secret,
                to_millis(now)
            ],
        )?;
        Ok(())
    }

    fn webhook(&mut self, id: Uuid) -> Result<Option<Webhook>, StoreError> {
        one(
            &self.conn,
            &format!("SELECT {WEBHOOK_COLUMNS} WHERE id = ?"),
            [id],
            webhook_from_row,
        )
    }

    fn set_webhook_enabled(
        &mut self,
        id: Uuid,
        enabled: bool,
        reason: Option<&str>,
    ) -> Result<bool, StoreError> {
        let changed = run(
            &self.conn,
            "UPDATE webhooks SET enabled = ?2, disabled_reason = ?3, \
             failing_since = CASE WHEN ?2 THEN NULL ELSE failing_since END WHERE id = ?1",
            params![id, enabled, reason],
        )?;
        Ok(changed > 0)
    }

    fn delete_webhook(&mut self, id: Uuid) -> Result<bool, StoreError> {
        run(
            &self.conn,
            "DELETE FROM webhook_deliveries WHERE webhook_id = ?",
            [id],
        )?;
        Ok(run(&self.conn, "DELETE FROM webhooks WHERE id = ?", [id])? > 0)
    }

    fn webhooks_subscribed(&mut self, event_type: EventType) -> Result<bool, StoreError> {
        Ok(one(
            &self.conn,
            "SELECT EXISTS (SELECT 1 FROM webhooks WHERE enabled AND instr(events, ?) > 0)",
            [format!(",{},", event_type.as_str())],
            |r| r.get(0),
        )?
        .unwrap_or(false))
    }

    fn enqueue_webhook_event(&mut self, event: &OutboxEvent<'_>) -> Result<u64, StoreError> {
        let wanted = format!(",{},", event.event_type.as_str());
        let queued = run(
            &self.conn,
            "INSERT INTO webhook_deliveries (webhook_id, seq, event_id, event_type, case_id, \
             body, created_at, attempts, next_attempt_at) \
             SELECT id, last_seq + 1, ?1, ?2, ?3, ?4, ?5, 0, ?5 FROM webhooks \
             WHERE enabled AND instr(events, ?6) > 0",
            params![
                event.id,
                event.event_type.as_str(),
                event.case_id,
                event.body,
                to_millis(event.at),
                wanted
            ],
        )?;
        if queued > 0 {
            run(
                &self.conn,
                "UPDATE webhooks SET last_seq = last_seq + 1 WHERE enabled AND instr(events, ?) > 0",
                [&wanted],
            )?;
        }
        Ok(queued as u64)
    }

    fn due_webhook_deliveries(
        &mut self,
        now: OffsetDateTime,
        busy: &[Uuid],
        limit: u32,
    ) -> Result<Vec<ClaimedDelivery>, StoreError> {
        // Only each endpoint's first undelivered delivery: an endpoint's
        // events go out in order, one at a time.
        let due = all(
            &self.conn,
            "SELECT d.webhook_id, d.seq, w.url, w.secret, d.event_id, d.body, d.attempts \
             FROM webhooks w JOIN webhook_deliveries d ON d.webhook_id = w.id \
             WHERE w.enabled AND d.seq = (SELECT min(p.seq) FROM webhook_deliveries p \
                 WHERE p.webhook_id = w.id AND p.delivered_at IS NULL) \
             AND d.next_attempt_at <= ?1 AND (d.claimed_until IS NULL OR d.claimed_until <= ?1) \
             ORDER BY d.next_attempt_at LIMIT ?2",
            params![to_millis(now), limit + busy.len() as u32],
            claimed_from_row,
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
        run(
            &self.conn,
            "UPDATE webhook_deliveries SET claimed_by = ?3, claimed_until = ?4 \
             WHERE webhook_id = ?1 AND seq = ?2",
            params![webhook, seq, instance, to_millis(until)],
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
        let at = to_millis(attempt.at);
        let changed = run(
            &self.conn,
            "UPDATE webhook_deliveries SET attempts = attempts + 1, last_attempt_at = ?4, \
             last_status = ?5, last_error = ?6, \
             delivered_at = CASE WHEN ?6 IS NULL THEN ?4 ELSE NULL END, \
             next_attempt_at = ?7, claimed_by = NULL, claimed_until = NULL \
             WHERE webhook_id = ?1 AND seq = ?2 AND claimed_by = ?3 AND delivered_at IS NULL",
            params![
                webhook,
                seq,
                instance,
                at,
                attempt.status,
                attempt.error,
                to_millis(next_attempt_at)
            ],
        )?;
        Ok(changed > 0)
    }

    fn webhook_failing(
        &mut self,
        id: Uuid,
        at: OffsetDateTime,
    ) -> Result<OffsetDateTime, StoreError> {
        one(
            &self.conn,
            "UPDATE webhooks SET failing_since = coalesce(failing_since, ?2) WHERE id = ?1 \
             RETURNING failing_since",
            params![id, to_millis(at)],
            |r| r.get::<_, i64>(0),
        )?
        .map(from_millis)
        .ok_or(StoreError::NotFound)
    }

    fn webhook_working(&mut self, id: Uuid) -> Result<(), StoreError> {
        run(
            &self.conn,
            "UPDATE webhooks SET failing_since = NULL WHERE id = ?",
            [id],
        )?;
        Ok(())
    }
}

fn claimed_from_row(r: &Row<'_>) -> rusqlite::Result<ClaimedDelivery> {
    Ok(ClaimedDelivery {
        webhook_id: r.get(0)?,
        seq: r.get(1)?,
        url: r.get(2)?,
        secret: r.get(3)?,
        event_id: r.get(4)?,
        body: r.get(5)?,
        attempts: r.get(6)?,
    })
}

fn delivery_from_row(r: &Row<'_>) -> rusqlite::Result<WebhookDelivery> {
    let delivered_at = r.get::<_, Option<i64>>(5)?.map(from_millis);
    Ok(WebhookDelivery {
        event_id: r.get(0)?,
        event_type: r.get(1)?,
        case_id: r.get(2)?,
        created_at: from_millis(r.get(3)?),
        attempts: r.get(4)?,
        delivered_at,
        next_attempt_at: match delivered_at {
            Some(_) => None,
            None => Some(from_millis(r.get(6)?)),
        },
        last_attempt_at: r.get::<_, Option<i64>>(7)?.map(from_millis),
        last_status: r.get(8)?,
        last_error: r.get(9)?,
    })
}

impl WebhookReads for SqliteStore {
    async fn list_webhooks(&self) -> Result<Vec<Webhook>, StoreError> {
        self.reads.with(|conn| {
            all(
                conn,
                &format!("SELECT {WEBHOOK_COLUMNS} ORDER BY id"),
                [],
                webhook_from_row,
            )
        })
    }

    async fn webhook_deliveries(
        &self,
        id: Uuid,
        limit: u32,
    ) -> Result<Vec<WebhookDelivery>, StoreError> {
        self.reads.with(|conn| {
            all(
                conn,
                "SELECT event_id, event_type, case_id, created_at, attempts, delivered_at, \
                 next_attempt_at, last_attempt_at, last_status, last_error \
                 FROM webhook_deliveries WHERE webhook_id = ? ORDER BY seq DESC LIMIT ?",
                params![id, limit],
                delivery_from_row,
            )
        })
    }

    async fn webhook_deliveries_due(&self, now: OffsetDateTime) -> Result<bool, StoreError> {
        self.reads.with(|conn| {
            Ok(conn.query_row(
                "SELECT EXISTS (SELECT 1 FROM webhooks w JOIN webhook_deliveries d \
                 ON d.webhook_id = w.id WHERE w.enabled \
                 AND d.seq = (SELECT min(p.seq) FROM webhook_deliveries p \
                     WHERE p.webhook_id = w.id AND p.delivered_at IS NULL) \
                 AND d.next_attempt_at <= ?1 \
                 AND (d.claimed_until IS NULL OR d.claimed_until <= ?1))",
                [to_millis(now)],
                |r| r.get(0),
            )?)
        })
    }
}
