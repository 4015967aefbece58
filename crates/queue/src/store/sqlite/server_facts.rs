//! Facts about the server itself ([`ServerWrites`], in the writer's
//! transaction): the server secret's fingerprint and the health probe.

use rusqlite::params;
use time::OffsetDateTime;

use super::writer::SqliteTx;
use super::{one, run};
use crate::clock::to_millis;
use crate::store::StoreError;
use crate::store::storage::{HEALTH_PROBE_FACT, SECRET_FINGERPRINT_FACT, ServerWrites};

impl ServerWrites for SqliteTx {
    fn secret_fingerprint(&mut self) -> Result<Option<Vec<u8>>, StoreError> {
        one(
            &self.conn,
            "SELECT value FROM server_facts WHERE name = ?",
            [SECRET_FINGERPRINT_FACT],
            |r| r.get(0),
        )
    }

    fn set_secret_fingerprint(&mut self, fingerprint: &[u8]) -> Result<(), StoreError> {
        run(
            &self.conn,
            "INSERT INTO server_facts (name, value) VALUES (?, ?)",
            params![SECRET_FINGERPRINT_FACT, fingerprint],
        )?;
        Ok(())
    }

    fn record_health_probe(&mut self, at: OffsetDateTime) -> Result<(), StoreError> {
        run(
            &self.conn,
            "INSERT INTO server_facts (name, value) VALUES (?1, ?2) \
             ON CONFLICT (name) DO UPDATE SET value = ?2",
            params![HEALTH_PROBE_FACT, to_millis(at).to_be_bytes().as_slice()],
        )?;
        Ok(())
    }
}
