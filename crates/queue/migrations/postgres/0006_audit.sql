-- Lifeline queue server, PostgreSQL schema v5: the audit log, the same table
-- as SQLite's schema v6. Who did what to experts, groups, tokens and
-- deployments, and every sign-in (failed ones too), from which client
-- address. Written in the same transaction as the change it records; never
-- changed afterwards.

CREATE TABLE audit_log (
    id          UUID PRIMARY KEY,              -- UUID v7: entries sort by when they were made
    at          BIGINT NOT NULL,               -- milliseconds since the epoch
    action      TEXT COLLATE "C" NOT NULL,     -- e.g. sign_in, expert.created, deployment.revoked
    actor_id    UUID,                          -- the expert who acted; NULL for the command line or an unknown address
    actor_name  TEXT COLLATE "C" NOT NULL,     -- their name then, the command line, or the address typed in
    client      TEXT COLLATE "C",              -- the client address; NULL for the command line
    target_id   UUID,                          -- what was acted on (expert, group, token, deployment)
    target_name TEXT COLLATE "C",
    detail      TEXT COLLATE "C"
);
CREATE INDEX audit_log_by_action ON audit_log (action, id);
CREATE INDEX audit_log_by_actor ON audit_log (actor_id, id);
CREATE INDEX audit_log_by_target ON audit_log (target_id, id);
