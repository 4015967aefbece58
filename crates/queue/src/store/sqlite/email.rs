//! Expert email preferences and the emails decided on ([`EmailWrites`] in the
//! writer's transaction, [`EmailReads`] on the read pool).

use rusqlite::params;
use time::OffsetDateTime;
use uuid::Uuid;

use super::writer::SqliteTx;
use super::{SqliteStore, all, run};
use crate::clock::to_millis;
use crate::email::{EmailPreferences, Moment, NoticeKey};
use crate::store::StoreError;
use crate::store::storage::{EmailReads, EmailWrites};

impl EmailWrites for SqliteTx {
    fn set_email_preferences(
        &mut self,
        expert: Uuid,
        preferences: &EmailPreferences,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        run(
            &self.conn,
            "INSERT INTO email_preferences (expert_id, on_queued, on_assigned, on_overdue, \
             updated_at) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (expert_id) DO UPDATE SET \
             on_queued = ?2, on_assigned = ?3, on_overdue = ?4, updated_at = ?5",
            params![
                expert,
                preferences.queued,
                preferences.assigned,
                preferences.overdue,
                to_millis(now),
            ],
        )?;
        Ok(())
    }

    fn insert_email_notice(
        &mut self,
        key: &NoticeKey,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let inserted = run(
            &self.conn,
            "INSERT INTO email_notices (case_id, expert_id, moment, created_at, lease_until, \
             attempts) VALUES (?, ?, ?, ?, ?, 1) ON CONFLICT DO NOTHING",
            params![
                key.case_id,
                key.expert_id,
                key.moment.as_str(),
                to_millis(now),
                to_millis(lease_until),
            ],
        )?;
        Ok(inserted == 1)
    }

    fn claim_due_email_notices(
        &mut self,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
        max_attempts: u32,
        limit: u32,
    ) -> Result<Vec<(NoticeKey, u32)>, StoreError> {
        let due = all(
            &self.conn,
            "SELECT case_id, expert_id, moment, attempts FROM email_notices \
             WHERE sent_at IS NULL AND lease_until <= ? AND attempts < ? \
             ORDER BY lease_until LIMIT ?",
            params![to_millis(now), max_attempts, limit],
            |r| {
                Ok((
                    r.get::<_, Uuid>(0)?,
                    r.get::<_, Uuid>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, u32>(3)?,
                ))
            },
        )?;
        let mut claimed = Vec::with_capacity(due.len());
        for (case_id, expert_id, moment, attempts) in due {
            run(
                &self.conn,
                "UPDATE email_notices SET lease_until = ?, attempts = attempts + 1 \
                 WHERE case_id = ? AND expert_id = ? AND moment = ?",
                params![to_millis(lease_until), case_id, expert_id, moment],
            )?;
            // A moment a newer server wrote is left to it.
            if let Some(moment) = Moment::parse(&moment) {
                let key = NoticeKey {
                    case_id,
                    expert_id,
                    moment,
                };
                claimed.push((key, attempts + 1));
            }
        }
        Ok(claimed)
    }

    fn finish_email_notice(
        &mut self,
        key: &NoticeKey,
        sent_at: Option<OffsetDateTime>,
        retry_at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        run(
            &self.conn,
            "UPDATE email_notices SET sent_at = ?, lease_until = ? \
             WHERE case_id = ? AND expert_id = ? AND moment = ?",
            params![
                sent_at.map(to_millis),
                to_millis(retry_at),
                key.case_id,
                key.expert_id,
                key.moment.as_str(),
            ],
        )?;
        Ok(())
    }
}

impl EmailReads for SqliteStore {
    async fn email_preferences(
        &self,
        expert: Option<Uuid>,
    ) -> Result<Vec<(Uuid, EmailPreferences)>, StoreError> {
        self.reads.with(|conn| {
            all(
                conn,
                "SELECT expert_id, on_queued, on_assigned, on_overdue FROM email_preferences \
                 WHERE ?1 IS NULL OR expert_id = ?1",
                params![expert],
                |r| {
                    Ok((
                        r.get(0)?,
                        EmailPreferences {
                            queued: r.get(1)?,
                            assigned: r.get(2)?,
                            overdue: r.get(3)?,
                        },
                    ))
                },
            )
        })
    }
}
