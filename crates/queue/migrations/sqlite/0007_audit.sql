-- Lifeline queue server, SQLite schema v6: the audit log. Who did what to
-- experts, groups, tokens and deployments, and every sign-in (failed ones
-- too), from which client address. Written in the same transaction as the
-- change it records; never changed afterwards.

CREATE TABLE audit_log (
    id          BLOB PRIMARY KEY NOT NULL,  -- UUID v7: entries sort by when they were made
    at          INTEGER NOT NULL,           -- milliseconds since the epoch
    action      TEXT NOT NULL,              -- e.g. sign_in, expert.created, deployment.revoked
    actor_id    BLOB,                       -- the expert who acted; NULL for the command line or an unknown address
    actor_name  TEXT NOT NULL,              -- their name then, the command line, or the address typed in
    client      TEXT,                       -- the client address; NULL for the command line
    target_id   BLOB,                       -- what was acted on (expert, group, token, deployment)
    target_name TEXT,
    detail      TEXT
) STRICT;
CREATE INDEX audit_log_by_action ON audit_log (action, id);
CREATE INDEX audit_log_by_actor ON audit_log (actor_id, id);
CREATE INDEX audit_log_by_target ON audit_log (target_id, id);
