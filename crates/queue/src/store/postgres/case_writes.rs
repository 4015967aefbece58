//! Changing cases ([`CaseWrites`], in the writer's transaction).

use time::OffsetDateTime;
use uuid::Uuid;

use lifeline_protocol::{
    AssignmentPolicy, CaseState, ClosedBy, Device, HistoryAction, SessionCode,
};

use super::case_reads::{CASE_BY_ID_FOR_UPDATE, case_row};
use super::listen::{EVENTS_CHANNEL, announcement};
use super::writer::PgTx;
use crate::clock::{from_millis, to_millis};
use crate::credentials::TokenHash;
use crate::fanout::EventHint;
use crate::store::StoreError;
use crate::store::rows::CaseRow;
use crate::store::storage::{
    Candidate, CaseWrites, DueCase, EventRow, Milestone, NewCaseRow, WaitingCase,
};

fn device_json(device: &Device) -> Result<String, StoreError> {
    serde_json::to_string(device).map_err(|e| StoreError::Corrupt(e.to_string()))
}

impl CaseWrites for PgTx {
    fn case_for_update(&mut self, id: Uuid) -> Result<Option<CaseRow>, StoreError> {
        self.one(&CASE_BY_ID_FOR_UPDATE, &[&id], case_row)
    }

    fn case_by_idempotency_key(
        &mut self,
        deployment: Uuid,
        key: &str,
    ) -> Result<Option<(Uuid, Vec<u8>)>, StoreError> {
        self.one(
            "SELECT id, request_hash FROM cases WHERE deployment_id = $1 AND idempotency_key = $2",
            &[&deployment, &key],
            |r| Ok((r.try_get(0)?, r.try_get(1)?)),
        )
    }

    fn event_data(&mut self, case_id: Uuid, seq: i64) -> Result<Option<String>, StoreError> {
        self.one(
            "SELECT data FROM case_events WHERE case_id = $1 AND seq = $2",
            &[&case_id, &seq],
            |r| Ok(r.try_get(0)?),
        )
    }

    fn case_id_floor(&mut self) -> Result<Option<Uuid>, StoreError> {
        if let Some(floor) = self.case_id_floor {
            return Ok(floor);
        }
        // The primary key's last entry (PostgreSQL has no max() of uuid).
        let floor = self.one("SELECT id FROM cases ORDER BY id DESC LIMIT 1", &[], |r| {
            Ok(r.try_get(0)?)
        })?;
        self.case_id_floor = Some(floor);
        Ok(floor)
    }

    fn insert_case(
        &mut self,
        row: &NewCaseRow<'_>,
        code: &SessionCode,
    ) -> Result<bool, StoreError> {
        // A code taken by an open case inserts nothing (the rules try
        // another); any other conflict is an error.
        let inserted = self.run(
            "INSERT INTO cases (id, code, state, channel, group_id, customer_name, customer_email, \
             description, device, token_hash, deployment_id, idempotency_key, request_hash, created_by, \
             created_at, updated_at, expires_at, last_event_seq) \
             VALUES ($1, $2, 'new', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14, $15, 1) \
             ON CONFLICT (code) WHERE state IN ('new', 'pending', 'in_progress') DO NOTHING",
            &[
                &row.id,
                &code.as_str(),
                &row.channel.as_str(),
                &row.group.id,
                &row.customer.name.as_ref().map(|n| n.as_str()),
                &row.customer.email.as_ref().map(|e| e.as_str()),
                &row.description.map(|d| d.as_str()),
                &device_json(row.device)?,
                &row.token_hash.map(|h| h.as_slice()),
                &row.deployment_id,
                &row.idempotency_key,
                &row.request_hash.map(|h| h.as_slice()),
                &row.created_by,
                &to_millis(row.now),
                &to_millis(row.expires_at),
            ],
        )?;
        if inserted > 0
            && let Some(floor) = &mut self.case_id_floor
        {
            *floor = (*floor).max(Some(row.id));
        }
        Ok(inserted > 0)
    }

    fn add_waiting(&mut self, group: Uuid, delta: i64) -> Result<i64, StoreError> {
        self.one(
            "UPDATE groups SET waiting = waiting + $1 WHERE id = $2 RETURNING waiting",
            &[&delta, &group],
            |r| Ok(r.try_get(0)?),
        )?
        .ok_or(StoreError::NotFound)
    }

    fn next_event_seq(&mut self, case_id: Uuid) -> Result<i64, StoreError> {
        self.one(
            "UPDATE cases SET last_event_seq = last_event_seq + 1 WHERE id = $1 RETURNING last_event_seq",
            &[&case_id],
            |r| Ok(r.try_get(0)?),
        )?
        .ok_or(StoreError::NotFound)
    }

    fn insert_event(&mut self, event: &EventRow<'_>) -> Result<(), StoreError> {
        // Announced in the same statement: sent to the other servers only
        // once the transaction commits, and never for one rolled back.
        let hint = EventHint {
            case_id: event.case_id,
            seq: event.seq,
            kind: event.kind,
        };
        let announced = announcement(self.instance, &hint);
        self.run(
            "WITH stored AS (INSERT INTO case_events \
             (case_id, seq, kind, action, actor, detail, data, is_final, at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING seq) \
             SELECT pg_notify($10, $11) FROM stored",
            &[
                &event.case_id,
                &event.seq,
                &event.kind.as_str(),
                &event.action.map(HistoryAction::as_str),
                &event.actor,
                &event.detail,
                &event.data,
                &event.is_final,
                &to_millis(event.at),
                &EVENTS_CHANNEL,
                &announced,
            ],
        )?;
        Ok(())
    }

    fn message_stored(&mut self, case_id: Uuid, message: Uuid) -> Result<bool, StoreError> {
        Ok(self
            .one(
                "SELECT EXISTS (SELECT 1 FROM case_events WHERE case_id = $1 AND kind = 'message' \
                 AND ((data::jsonb) ->> 'id') = $2)",
                &[&case_id, &message.to_string()],
                |r| Ok(r.try_get(0)?),
            )?
            .unwrap_or(false))
    }

    fn set_claimed(
        &mut self,
        id: Uuid,
        token_hash: &TokenHash,
        device: &Device,
        expires_at: OffsetDateTime,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let changed = self.run(
            "UPDATE cases SET token_hash = $1, device = $2, expires_at = $3, updated_at = $4 \
             WHERE id = $5 AND token_hash IS NULL",
            &[
                &token_hash.as_slice(),
                &device_json(device)?,
                &to_millis(expires_at),
                &to_millis(now),
                &id,
            ],
        )?;
        Ok(changed == 1)
    }

    fn set_details(
        &mut self,
        id: Uuid,
        description: Option<&str>,
        customer_name: Option<&str>,
        customer_email: Option<&str>,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        self.run(
            "UPDATE cases SET description = $1, customer_name = $2, customer_email = $3, \
             updated_at = $4 WHERE id = $5",
            &[
                &description,
                &customer_name,
                &customer_email,
                &to_millis(now),
                &id,
            ],
        )?;
        Ok(())
    }

    fn set_assignee(
        &mut self,
        id: Uuid,
        expert: Option<Uuid>,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        self.run(
            "UPDATE cases SET assignee_id = $1, updated_at = $2 WHERE id = $3",
            &[&expert, &to_millis(now), &id],
        )?;
        Ok(())
    }

    fn set_presence(
        &mut self,
        id: Uuid,
        expert_connected: bool,
        customer_connected: bool,
        ever_joined: bool,
        state: CaseState,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        self.run(
            "UPDATE cases SET expert_connected = $1, customer_connected = $2, ever_joined = $3, \
             state = $4, updated_at = $5 WHERE id = $6",
            &[
                &expert_connected,
                &customer_connected,
                &ever_joined,
                &state.as_str(),
                &to_millis(now),
                &id,
            ],
        )?;
        Ok(())
    }

    fn reach_milestone(
        &mut self,
        id: Uuid,
        milestone: Milestone,
        at: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        // The row is locked by the write's `case_for_update`, so of two
        // instances reaching the milestone together only the first sets it.
        let sql = match milestone {
            Milestone::Assigned => {
                "UPDATE cases SET first_assigned_at = $1 WHERE id = $2 AND first_assigned_at IS NULL"
            }
            Milestone::Connected => {
                "UPDATE cases SET first_connected_at = $1 WHERE id = $2 AND first_connected_at IS NULL"
            }
        };
        Ok(self.run(sql, &[&to_millis(at), &id])? == 1)
    }

    fn set_final(
        &mut self,
        id: Uuid,
        state: CaseState,
        by: ClosedBy,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        self.run(
            "UPDATE cases SET state = $1, closed_at = $2, closed_by = $3, updated_at = $2, \
             expert_connected = FALSE, customer_connected = FALSE WHERE id = $4",
            &[&state.as_str(), &to_millis(at), &by.as_str(), &id],
        )?;
        Ok(())
    }

    fn connected_cases(
        &mut self,
        after: Option<Uuid>,
        limit: u32,
    ) -> Result<Vec<(Uuid, bool, bool)>, StoreError> {
        self.all(
            "SELECT id, expert_connected, customer_connected FROM cases \
             WHERE ($1::uuid IS NULL OR id > $1) AND (expert_connected OR customer_connected) \
             ORDER BY id LIMIT $2",
            &[&after, &i64::from(limit)],
            |r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)),
        )
    }

    fn due_for_expiry(
        &mut self,
        now: OffsetDateTime,
        limit: u32,
    ) -> Result<Vec<DueCase>, StoreError> {
        // SKIP LOCKED: a case another transaction is changing is left for the next sweep.
        self.all(
            "SELECT id, group_id, assignee_id, expires_at FROM cases \
             WHERE state IN ('new', 'pending', 'in_progress') AND expires_at <= $1 \
             ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED",
            &[&to_millis(now), &i64::from(limit)],
            |r| {
                Ok(DueCase {
                    id: r.try_get(0)?,
                    group_id: r.try_get(1)?,
                    assignee_id: r.try_get(2)?,
                    expires_at: from_millis(r.try_get(3)?),
                })
            },
        )
    }

    fn assignment_policy_for_update(
        &mut self,
        group: Uuid,
    ) -> Result<Option<(AssignmentPolicy, Option<Uuid>)>, StoreError> {
        self.one(
            "SELECT assignment_policy, last_round_robin FROM groups WHERE id = $1 FOR UPDATE",
            &[&group],
            |r| {
                let policy: &str = r.try_get(0)?;
                let policy = AssignmentPolicy::parse(policy)
                    .ok_or_else(|| StoreError::Corrupt(format!("assignment_policy: {policy:?}")))?;
                Ok((policy, r.try_get(1)?))
            },
        )
    }

    fn assignment_candidates(
        &mut self,
        group: Uuid,
        now: OffsetDateTime,
    ) -> Result<Vec<Candidate>, StoreError> {
        self.all(
            "SELECT e.id, e.last_assigned_at, \
                 (SELECT COUNT(*) FROM cases c WHERE c.assignee_id = e.id \
                  AND c.state IN ('new', 'pending', 'in_progress') AND c.expires_at > $1) \
             FROM group_members m JOIN experts e ON e.id = m.expert_id \
             WHERE m.group_id = $2 AND e.active AND e.available",
            &[&to_millis(now), &group],
            |r| {
                let open: i64 = r.try_get(2)?;
                Ok(Candidate {
                    id: r.try_get(0)?,
                    last_assigned_at: r.try_get::<_, Option<i64>>(1)?.map(from_millis),
                    open_assigned: u32::try_from(open)
                        .map_err(|_| StoreError::Corrupt(format!("open cases: {open}")))?,
                })
            },
        )
    }

    fn waiting_cases(
        &mut self,
        group: Uuid,
        now: OffsetDateTime,
    ) -> Result<Vec<WaitingCase>, StoreError> {
        self.all(
            "SELECT id, expires_at FROM cases WHERE group_id = $1 AND assignee_id IS NULL \
             AND state IN ('new', 'pending', 'in_progress') AND expires_at > $2 ORDER BY id",
            &[&group, &to_millis(now)],
            |r| {
                Ok(WaitingCase {
                    id: r.try_get(0)?,
                    expires_at: from_millis(r.try_get(1)?),
                })
            },
        )
    }

    fn set_last_assigned(&mut self, expert: Uuid, at: OffsetDateTime) -> Result<(), StoreError> {
        self.run(
            "UPDATE experts SET last_assigned_at = $1 WHERE id = $2",
            &[&to_millis(at), &expert],
        )?;
        Ok(())
    }

    fn set_last_round_robin(&mut self, group: Uuid, expert: Uuid) -> Result<(), StoreError> {
        self.run(
            "UPDATE groups SET last_round_robin = $1 WHERE id = $2",
            &[&expert, &group],
        )?;
        Ok(())
    }
}
