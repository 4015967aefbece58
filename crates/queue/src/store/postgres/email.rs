//! Expert email preferences and the emails decided on ([`EmailWrites`] in the
//! writer's transaction, [`EmailReads`] on the read pool).

use time::OffsetDateTime;
use uuid::Uuid;

use super::writer::PgTx;
use super::{PostgresStore, all};
use crate::clock::to_millis;
use crate::email::{EmailPreferences, Moment, NoticeKey};
use crate::store::StoreError;
use crate::store::storage::{EmailReads, EmailWrites};

impl EmailWrites for PgTx {
    fn set_email_preferences(
        &mut self,
        expert: Uuid,
        preferences: &EmailPreferences,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        self.run(
            "INSERT INTO email_preferences (expert_id, on_queued, on_assigned, on_overdue, \
             updated_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (expert_id) DO UPDATE SET \
             on_queued = $2, on_assigned = $3, on_overdue = $4, updated_at = $5",
            &[
                &expert,
                &preferences.queued,
                &preferences.assigned,
                &preferences.overdue,
                &to_millis(now),
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
        let inserted = self.run(
            "INSERT INTO email_notices (case_id, expert_id, moment, created_at, lease_until, \
             attempts) VALUES ($1, $2, $3, $4, $5, 1) ON CONFLICT DO NOTHING",
            &[
                &key.case_id,
                &key.expert_id,
                &key.moment.as_str(),
                &to_millis(now),
                &to_millis(lease_until),
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
        // Writers of all instances take turns (the transaction's advisory
        // lock), so a row claimed here is claimed by nobody else.
        let claimed = self.all(
            "UPDATE email_notices SET lease_until = $1, attempts = attempts + 1 \
             WHERE (case_id, expert_id, moment) IN (SELECT case_id, expert_id, moment \
             FROM email_notices WHERE sent_at IS NULL AND lease_until <= $2 AND attempts < $3 \
             ORDER BY lease_until LIMIT $4) RETURNING case_id, expert_id, moment, attempts",
            &[
                &to_millis(lease_until),
                &to_millis(now),
                &i32::try_from(max_attempts).unwrap_or(i32::MAX),
                &i64::from(limit),
            ],
            |r| {
                Ok((
                    r.try_get::<_, Uuid>(0)?,
                    r.try_get::<_, Uuid>(1)?,
                    r.try_get::<_, String>(2)?,
                    r.try_get::<_, i32>(3)?,
                ))
            },
        )?;
        // A moment a newer server wrote is left to it.
        Ok(claimed
            .into_iter()
            .filter_map(|(case_id, expert_id, moment, attempts)| {
                let key = NoticeKey {
                    case_id,
                    expert_id,
                    moment: Moment::parse(&moment)?,
                };
                Some((key, u32::try_from(attempts).unwrap_or(0)))
            })
            .collect())
    }

    fn finish_email_notice(
        &mut self,
        key: &NoticeKey,
        sent_at: Option<OffsetDateTime>,
        retry_at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        self.run(
            "UPDATE email_notices SET sent_at = $1, lease_until = $2 \
             WHERE case_id = $3 AND expert_id = $4 AND moment = $5",
            &[
                &sent_at.map(to_millis),
                &to_millis(retry_at),
                &key.case_id,
                &key.expert_id,
                &key.moment.as_str(),
            ],
        )?;
        Ok(())
    }
}

impl EmailReads for PostgresStore {
    async fn email_preferences(
        &self,
        expert: Option<Uuid>,
    ) -> Result<Vec<(Uuid, EmailPreferences)>, StoreError> {
        let client = self.client().await?;
        all(
            &client,
            "SELECT expert_id, on_queued, on_assigned, on_overdue FROM email_preferences \
             WHERE $1::uuid IS NULL OR expert_id = $1",
            &[&expert],
            |r| {
                Ok((
                    r.try_get(0)?,
                    EmailPreferences {
                        queued: r.try_get(1)?,
                        assigned: r.try_get(2)?,
                        overdue: r.try_get(3)?,
                    },
                ))
            },
        )
        .await
    }
}
