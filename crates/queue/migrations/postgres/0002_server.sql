-- Lifeline queue server, PostgreSQL schema v2: facts about the server itself.

-- One row per name: `secret_fingerprint` (an HMAC of a fixed label under the
-- server secret this database was made with, never the secret) and
-- `health_probe` (the time of the last write `/healthz` made).
CREATE TABLE server_facts (
    name  TEXT PRIMARY KEY,
    value BYTEA NOT NULL
);
