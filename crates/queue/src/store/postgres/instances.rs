//! Server instances, their session sockets and the sweeps' leases
//! ([`InstanceWrites`], in the writer's transaction).

use time::OffsetDateTime;
use uuid::Uuid;

use lifeline_protocol::MessageFrom;

use super::writer::PgTx;
use crate::clock::{from_millis, to_millis};
use crate::store::StoreError;
use crate::store::storage::{InstanceWrites, side_from_name, side_name};

impl InstanceWrites for PgTx {
    fn record_instance_seen(
        &mut self,
        instance: Uuid,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        self.run(
            "INSERT INTO instances (id, seen_at) VALUES ($1, $2) \
             ON CONFLICT (id) DO UPDATE SET seen_at = EXCLUDED.seen_at",
            &[&instance, &to_millis(at)],
        )?;
        Ok(())
    }

    fn instances_other_than(
        &mut self,
        except: Uuid,
        seen_before: Option<OffsetDateTime>,
        limit: u32,
    ) -> Result<Vec<Uuid>, StoreError> {
        self.all(
            "SELECT id FROM instances WHERE id <> $1 AND ($2::bigint IS NULL OR seen_at < $2) \
             ORDER BY seen_at LIMIT $3",
            &[&except, &seen_before.map(to_millis), &i64::from(limit)],
            |r| Ok(r.try_get(0)?),
        )
    }

    fn delete_instance(&mut self, instance: Uuid) -> Result<Vec<(Uuid, MessageFrom)>, StoreError> {
        let sides = self.all(
            "DELETE FROM session_presence WHERE instance_id = $1 RETURNING case_id, side",
            &[&instance],
            |r| {
                let side: &str = r.try_get(1)?;
                Ok((r.try_get(0)?, side_from_name(side)?))
            },
        )?;
        self.run("DELETE FROM leases WHERE holder = $1", &[&instance])?;
        self.run("DELETE FROM instances WHERE id = $1", &[&instance])?;
        Ok(sides)
    }

    fn add_socket(
        &mut self,
        case: Uuid,
        side: MessageFrom,
        instance: Uuid,
    ) -> Result<(), StoreError> {
        self.run(
            "INSERT INTO session_presence (case_id, side, instance_id, sockets) \
             VALUES ($1, $2, $3, 1) ON CONFLICT (case_id, side, instance_id) \
             DO UPDATE SET sockets = session_presence.sockets + 1",
            &[&case, &side_name(side), &instance],
        )?;
        Ok(())
    }

    fn remove_socket(
        &mut self,
        case: Uuid,
        side: MessageFrom,
        instance: Uuid,
    ) -> Result<(), StoreError> {
        let params: [&(dyn tokio_postgres::types::ToSql + Sync); 3] =
            [&case, &side_name(side), &instance];
        self.run(
            "DELETE FROM session_presence \
             WHERE case_id = $1 AND side = $2 AND instance_id = $3 AND sockets <= 1",
            &params,
        )?;
        self.run(
            "UPDATE session_presence SET sockets = sockets - 1 \
             WHERE case_id = $1 AND side = $2 AND instance_id = $3",
            &params,
        )?;
        Ok(())
    }

    fn sockets(&mut self, case: Uuid, side: MessageFrom) -> Result<i64, StoreError> {
        let count = self.one(
            "SELECT COALESCE(SUM(sockets), 0)::bigint FROM session_presence \
             WHERE case_id = $1 AND side = $2",
            &[&case, &side_name(side)],
            |r| Ok(r.try_get(0)?),
        )?;
        Ok(count.unwrap_or(0))
    }

    fn lease_for_update(
        &mut self,
        name: &str,
    ) -> Result<Option<(Uuid, OffsetDateTime)>, StoreError> {
        self.one(
            "SELECT holder, until FROM leases WHERE name = $1 FOR UPDATE",
            &[&name],
            |r| Ok((r.try_get(0)?, from_millis(r.try_get(1)?))),
        )
    }

    fn set_lease(
        &mut self,
        name: &str,
        holder: Uuid,
        until: OffsetDateTime,
    ) -> Result<(), StoreError> {
        self.run(
            "INSERT INTO leases (name, holder, until) VALUES ($1, $2, $3) \
             ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, until = EXCLUDED.until",
            &[&name, &holder, &to_millis(until)],
        )?;
        Ok(())
    }
}
