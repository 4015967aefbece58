//! Facts about the server itself ([`ServerWrites`], in the writer's
//! transaction): the server secret's fingerprint and the health probe.

use rusqlite::params;
use time::OffsetDateTime;

use super::writer::SqliteTx;
use super::{one, run};
use crate::clock::to_millis;
use crate::store::StoreError;
use crate::store::storage::ServerWrites;

const SECRET_FINGERPRINT: &str = "secret_fingerprint";
const HEALTH_PROBE: &str = "health_probe";

impl ServerWrites for SqliteTx {
    fn secret_fingerprint(&mut self) -> Result<Option<Vec<u8>>, StoreError> {
        one(
            &self.conn,
            "SELECT value FROM server_facts WHERE name = ?",
            [SECRET_FINGERPRINT],
            |r| r.get(0),
        )
    }

    fn set_secret_fingerprint(&mut self, fingerprint: &[u8]) -> Result<(), StoreError> {
        run(
            &self.conn,
            "INSERT INTO server_facts (name, value) VALUES (?, ?)",
            params![SECRET_FINGERPRINT, fingerprint],
        )?;
        Ok(())
    }

    fn record_health_probe(&mut self, at: OffsetDateTime) -> Result<(), StoreError> {
        run(
            &self.conn,
            "INSERT INTO server_facts (name, value) VALUES (?1, ?2) \
             ON CONFLICT (name) DO UPDATE SET value = ?2",
            params![HEALTH_PROBE, to_millis(at).to_be_bytes().as_slice()],
        )?;
        Ok(())
    }
}
