//! Server instances, their session sockets and the sweeps' leases
//! ([`InstanceWrites`], in the writer's transaction). On SQLite one server
//! serves a file: the instances on record are this run and past ones.

use rusqlite::params;
use time::OffsetDateTime;
use uuid::Uuid;

use lifeline_protocol::MessageFrom;

use super::writer::SqliteTx;
use super::{all, one, run};
use crate::clock::{from_millis, to_millis};
use crate::store::StoreError;
use crate::store::storage::{InstanceWrites, side_from_name, side_name};

impl InstanceWrites for SqliteTx {
    fn record_instance_seen(
        &mut self,
        instance: Uuid,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        run(
            &self.conn,
            "INSERT INTO instances (id, seen_at) VALUES (?1, ?2) \
             ON CONFLICT (id) DO UPDATE SET seen_at = ?2",
            params![instance, to_millis(at)],
        )?;
        Ok(())
    }

    fn instances_other_than(
        &mut self,
        except: Uuid,
        seen_before: Option<OffsetDateTime>,
        limit: u32,
    ) -> Result<Vec<Uuid>, StoreError> {
        all(
            &self.conn,
            "SELECT id FROM instances WHERE id <> ?1 AND (?2 IS NULL OR seen_at < ?2) \
             ORDER BY seen_at LIMIT ?3",
            params![except, seen_before.map(to_millis), limit],
            |r| r.get(0),
        )
    }

    fn delete_instance(&mut self, instance: Uuid) -> Result<Vec<(Uuid, MessageFrom)>, StoreError> {
        let sides: Vec<(Uuid, String)> = all(
            &self.conn,
            "DELETE FROM session_presence WHERE instance_id = ? RETURNING case_id, side",
            [instance],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        run(
            &self.conn,
            "DELETE FROM leases WHERE holder = ?",
            [instance],
        )?;
        run(&self.conn, "DELETE FROM instances WHERE id = ?", [instance])?;
        sides
            .into_iter()
            .map(|(case, side)| Ok((case, side_from_name(&side)?)))
            .collect()
    }

    fn add_socket(
        &mut self,
        case: Uuid,
        side: MessageFrom,
        instance: Uuid,
    ) -> Result<(), StoreError> {
        run(
            &self.conn,
            "INSERT INTO session_presence (case_id, side, instance_id, sockets) \
             VALUES (?, ?, ?, 1) ON CONFLICT (case_id, side, instance_id) \
             DO UPDATE SET sockets = sockets + 1",
            params![case, side_name(side), instance],
        )?;
        Ok(())
    }

    fn remove_socket(
        &mut self,
        case: Uuid,
        side: MessageFrom,
        instance: Uuid,
    ) -> Result<(), StoreError> {
        let key = params![case, side_name(side), instance];
        run(
            &self.conn,
            "DELETE FROM session_presence \
             WHERE case_id = ? AND side = ? AND instance_id = ? AND sockets <= 1",
            key,
        )?;
        run(
            &self.conn,
            "UPDATE session_presence SET sockets = sockets - 1 \
             WHERE case_id = ? AND side = ? AND instance_id = ?",
            key,
        )?;
        Ok(())
    }

    fn sockets(&mut self, case: Uuid, side: MessageFrom) -> Result<i64, StoreError> {
        let count = one(
            &self.conn,
            "SELECT COALESCE(SUM(sockets), 0) FROM session_presence WHERE case_id = ? AND side = ?",
            params![case, side_name(side)],
            |r| r.get(0),
        )?;
        Ok(count.unwrap_or(0))
    }

    fn lease_for_update(
        &mut self,
        name: &str,
    ) -> Result<Option<(Uuid, OffsetDateTime)>, StoreError> {
        // The single writer already holds the database: nothing else to lock.
        one(
            &self.conn,
            "SELECT holder, until FROM leases WHERE name = ?",
            [name],
            |r| Ok((r.get(0)?, from_millis(r.get(1)?))),
        )
    }

    fn set_lease(
        &mut self,
        name: &str,
        holder: Uuid,
        until: OffsetDateTime,
    ) -> Result<(), StoreError> {
        run(
            &self.conn,
            "INSERT INTO leases (name, holder, until) VALUES (?1, ?2, ?3) \
             ON CONFLICT (name) DO UPDATE SET holder = ?2, until = ?3",
            params![name, holder, to_millis(until)],
        )?;
        Ok(())
    }
}
