-- Lifeline queue server, PostgreSQL schema: deployment keys can be rotated.
-- key_generation says which key is current (the key is derived from the
-- server secret, the deployment id and this number); the key it replaced
-- keeps working until previous_key_valid_until (ms since the epoch).
ALTER TABLE deployments ADD COLUMN key_generation BIGINT NOT NULL DEFAULT 0
    CHECK (key_generation >= 0);
ALTER TABLE deployments ADD COLUMN previous_key_hash BYTEA;
ALTER TABLE deployments ADD COLUMN previous_key_valid_until BIGINT;
CREATE INDEX deployments_by_previous_key ON deployments (previous_key_hash)
    WHERE previous_key_hash IS NOT NULL;
