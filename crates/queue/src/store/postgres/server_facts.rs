//! Facts about the server itself ([`ServerWrites`], in the writer's
//! transaction): the server secret's fingerprint and the health probe.

use time::OffsetDateTime;

use super::writer::PgTx;
use crate::clock::to_millis;
use crate::store::StoreError;
use crate::store::storage::{HEALTH_PROBE_FACT, SECRET_FINGERPRINT_FACT, ServerWrites};

impl ServerWrites for PgTx {
    fn secret_fingerprint(&mut self) -> Result<Option<Vec<u8>>, StoreError> {
        self.one(
            "SELECT value FROM server_facts WHERE name = $1",
            &[&SECRET_FINGERPRINT_FACT],
            |r| Ok(r.try_get(0)?),
        )
    }

    fn set_secret_fingerprint(&mut self, fingerprint: &[u8]) -> Result<(), StoreError> {
        self.run(
            "INSERT INTO server_facts (name, value) VALUES ($1, $2)",
            &[&SECRET_FINGERPRINT_FACT, &fingerprint],
        )?;
        Ok(())
    }

    fn record_health_probe(&mut self, at: OffsetDateTime) -> Result<(), StoreError> {
        self.run(
            "INSERT INTO server_facts (name, value) VALUES ($1, $2) \
             ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value",
            &[&HEALTH_PROBE_FACT, &to_millis(at).to_be_bytes().as_slice()],
        )?;
        Ok(())
    }
}
