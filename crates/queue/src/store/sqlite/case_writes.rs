//! Changing cases ([`CaseWrites`], in the writer's transaction).

use rusqlite::params;
use time::OffsetDateTime;
use uuid::Uuid;

use lifeline_protocol::{
    AssignmentPolicy, CaseState, ClosedBy, Device, HistoryAction, SessionCode,
};

use super::case_reads::load_row;
use super::writer::SqliteTx;
use super::{all, is_unique_violation, one, run};
use crate::clock::{from_millis, to_millis};
use crate::credentials::TokenHash;
use crate::store::StoreError;
use crate::store::rows::CaseRow;
use crate::store::storage::{
    Candidate, CaseWrites, DueCase, EventRow, Milestone, NewCaseRow, WaitingCase,
};

fn device_json(device: &Device) -> Result<String, StoreError> {
    serde_json::to_string(device).map_err(|e| StoreError::Corrupt(e.to_string()))
}

impl CaseWrites for SqliteTx {
    fn case_for_update(&mut self, id: Uuid) -> Result<Option<CaseRow>, StoreError> {
        // The single writer already holds the database: nothing else to lock.
        load_row(&self.conn, id)
    }

    fn case_by_idempotency_key(
        &mut self,
        deployment: Uuid,
        key: &str,
    ) -> Result<Option<(Uuid, Vec<u8>)>, StoreError> {
        one(
            &self.conn,
            "SELECT id, request_hash FROM cases WHERE deployment_id = ? AND idempotency_key = ?",
            params![deployment, key],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
    }

    fn event_data(&mut self, case_id: Uuid, seq: i64) -> Result<Option<String>, StoreError> {
        one(
            &self.conn,
            "SELECT data FROM case_events WHERE case_id = ? AND seq = ?",
            params![case_id, seq],
            |r| r.get(0),
        )
    }

    fn case_id_floor(&mut self) -> Result<Option<Uuid>, StoreError> {
        // One server owns a SQLite database: its writer is the only one.
        Ok(None)
    }

    fn insert_case(
        &mut self,
        row: &NewCaseRow<'_>,
        code: &SessionCode,
    ) -> Result<bool, StoreError> {
        let inserted = self.conn.prepare_cached(
            "INSERT INTO cases (id, code, state, channel, group_id, customer_name, customer_email, \
             description, device, token_hash, deployment_id, idempotency_key, request_hash, created_by, \
             created_at, updated_at, expires_at, last_event_seq) \
             VALUES (?, ?, 'new', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
        )?.execute(params![
                row.id,
                code.as_str(),
                row.channel.as_str(),
                row.group.id,
                row.customer.name.as_ref().map(|n| n.as_str()),
                row.customer.email.as_ref().map(|e| e.as_str()),
                row.description.map(|d| d.as_str()),
                device_json(row.device)?,
                row.token_hash.map(|h| h.as_slice()),
                row.deployment_id,
                row.idempotency_key,
                row.request_hash.map(|h| h.as_slice()),
                row.created_by,
                to_millis(row.now),
                to_millis(row.now),
                to_millis(row.expires_at),
            ]);
        match inserted {
            Ok(_) => Ok(true),
            Err(e) if is_unique_violation(&e) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    fn add_waiting(&mut self, group: Uuid, delta: i64) -> Result<i64, StoreError> {
        one(
            &self.conn,
            "UPDATE groups SET waiting = waiting + ? WHERE id = ? RETURNING waiting",
            params![delta, group],
            |r| r.get(0),
        )?
        .ok_or(StoreError::NotFound)
    }

    fn next_event_seq(&mut self, case_id: Uuid) -> Result<i64, StoreError> {
        one(
            &self.conn,
            "UPDATE cases SET last_event_seq = last_event_seq + 1 WHERE id = ? RETURNING last_event_seq",
            [case_id],
            |r| r.get(0),
        )?
        .ok_or(StoreError::NotFound)
    }

    fn insert_event(&mut self, event: &EventRow<'_>) -> Result<(), StoreError> {
        run(
            &self.conn,
            "INSERT INTO case_events (case_id, seq, kind, action, actor, detail, data, final, at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            params![
                event.case_id,
                event.seq,
                event.kind.as_str(),
                event.action.map(HistoryAction::as_str),
                event.actor,
                event.detail,
                event.data,
                event.is_final,
                to_millis(event.at)
            ],
        )?;
        Ok(())
    }

    fn message_stored(&mut self, case_id: Uuid, message: Uuid) -> Result<bool, StoreError> {
        Ok(one(
            &self.conn,
            "SELECT EXISTS (SELECT 1 FROM case_events WHERE case_id = ? AND kind = 'message' \
             AND json_extract(data, '$.id') = ?)",
            params![case_id, message.to_string()],
            |r| r.get(0),
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
        let changed = run(
            &self.conn,
            "UPDATE cases SET token_hash = ?, device = ?, expires_at = ?, updated_at = ? \
                 WHERE id = ? AND token_hash IS NULL",
            params![
                token_hash.as_slice(),
                device_json(device)?,
                to_millis(expires_at),
                to_millis(now),
                id
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
        run(
            &self.conn,
            "UPDATE cases SET description = ?, customer_name = ?, customer_email = ?, updated_at = ? WHERE id = ?",
            params![
                description,
                customer_name,
                customer_email,
                to_millis(now),
                id
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
        run(
            &self.conn,
            "UPDATE cases SET assignee_id = ?, updated_at = ? WHERE id = ?",
            params![expert, to_millis(now), id],
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
        run(
            &self.conn,
            "UPDATE cases SET expert_connected = ?, customer_connected = ?, ever_joined = ?, \
             state = ?, updated_at = ? WHERE id = ?",
            params![
                expert_connected,
                customer_connected,
                ever_joined,
                state.as_str(),
                to_millis(now),
                id
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
        let sql = match milestone {
            Milestone::Assigned => {
                "UPDATE cases SET first_assigned_at = ? WHERE id = ? AND first_assigned_at IS NULL"
            }
            Milestone::Connected => {
                "UPDATE cases SET first_connected_at = ? WHERE id = ? AND first_connected_at IS NULL"
            }
        };
        Ok(run(&self.conn, sql, params![to_millis(at), id])? == 1)
    }

    fn set_final(
        &mut self,
        id: Uuid,
        state: CaseState,
        by: ClosedBy,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        run(
            &self.conn,
            "UPDATE cases SET state = ?, closed_at = ?, closed_by = ?, updated_at = ?, \
             expert_connected = 0, customer_connected = 0 WHERE id = ?",
            params![
                state.as_str(),
                to_millis(at),
                by.as_str(),
                to_millis(at),
                id
            ],
        )?;
        Ok(())
    }

    fn connected_cases(
        &mut self,
        after: Option<Uuid>,
        limit: u32,
    ) -> Result<Vec<(Uuid, bool, bool)>, StoreError> {
        all(
            &self.conn,
            "SELECT id, expert_connected, customer_connected FROM cases \
             WHERE (?1 IS NULL OR id > ?1) AND (expert_connected = 1 OR customer_connected = 1) \
             ORDER BY id LIMIT ?2",
            params![after, limit],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
    }

    fn due_for_expiry(
        &mut self,
        now: OffsetDateTime,
        limit: u32,
    ) -> Result<Vec<DueCase>, StoreError> {
        all(
            &self.conn,
            "SELECT id, group_id, assignee_id, expires_at FROM cases WHERE state IN ('new', 'pending', 'in_progress') \
                 AND expires_at <= ? ORDER BY expires_at LIMIT ?",
            params![to_millis(now), limit],
            |r| {
                Ok(DueCase {
                    id: r.get(0)?,
                    group_id: r.get(1)?,
                    assignee_id: r.get(2)?,
                    expires_at: from_millis(r.get(3)?),
                })
            },
        )
    }

    fn assignment_policy_for_update(
        &mut self,
        group: Uuid,
    ) -> Result<Option<(AssignmentPolicy, Option<Uuid>)>, StoreError> {
        let row = one(
            &self.conn,
            "SELECT assignment_policy, last_round_robin FROM groups WHERE id = ?",
            [group],
            |r| Ok((r.get::<_, String>(0)?, r.get::<_, Option<Uuid>>(1)?)),
        )?;
        row.map(|(policy, last)| {
            AssignmentPolicy::parse(&policy)
                .map(|policy| (policy, last))
                .ok_or_else(|| StoreError::Corrupt(format!("assignment_policy: {policy:?}")))
        })
        .transpose()
    }

    fn assignment_candidates(
        &mut self,
        group: Uuid,
        now: OffsetDateTime,
    ) -> Result<Vec<Candidate>, StoreError> {
        all(
            &self.conn,
            "SELECT e.id, e.last_assigned_at, \
                 (SELECT count(*) FROM cases c WHERE c.assignee_id = e.id \
                  AND c.state IN ('new', 'pending', 'in_progress') AND c.expires_at > ?1) \
                 FROM group_members m JOIN experts e ON e.id = m.expert_id \
                 WHERE m.group_id = ?2 AND e.active = 1 AND e.available = 1",
            params![to_millis(now), group],
            |r| {
                Ok(Candidate {
                    id: r.get(0)?,
                    last_assigned_at: r.get::<_, Option<i64>>(1)?.map(from_millis),
                    open_assigned: r.get(2)?,
                })
            },
        )
    }

    fn waiting_cases(
        &mut self,
        group: Uuid,
        now: OffsetDateTime,
    ) -> Result<Vec<WaitingCase>, StoreError> {
        all(
            &self.conn,
            "SELECT id, expires_at FROM cases WHERE group_id = ? AND assignee_id IS NULL \
                 AND state IN ('new', 'pending', 'in_progress') AND expires_at > ? ORDER BY id",
            params![group, to_millis(now)],
            |r| {
                Ok(WaitingCase {
                    id: r.get(0)?,
                    expires_at: from_millis(r.get(1)?),
                })
            },
        )
    }

    fn set_last_assigned(&mut self, expert: Uuid, at: OffsetDateTime) -> Result<(), StoreError> {
        run(
            &self.conn,
            "UPDATE experts SET last_assigned_at = ? WHERE id = ?",
            params![to_millis(at), expert],
        )?;
        Ok(())
    }

    fn set_last_round_robin(&mut self, group: Uuid, expert: Uuid) -> Result<(), StoreError> {
        run(
            &self.conn,
            "UPDATE groups SET last_round_robin = ? WHERE id = ?",
            params![expert, group],
        )?;
        Ok(())
    }
}
