-- Lifeline queue server, SQLite schema v5: session presence counted per
-- server instance, and leases of the sweeps that must run once. On SQLite one
-- server holds the file, so there is one live instance (the tables are the
-- PostgreSQL backend's, so the rules are the same on both).

-- Every server instance that ran, with the last time it said it was alive
-- (milliseconds since the epoch).
CREATE TABLE instances (
    id      BLOB PRIMARY KEY NOT NULL,
    seen_at INTEGER NOT NULL
) STRICT;

-- Open session sockets, counted per case side and per instance holding them.
CREATE TABLE session_presence (
    case_id     BLOB NOT NULL REFERENCES cases (id),
    side        TEXT NOT NULL CHECK (side IN ('expert', 'customer')),
    instance_id BLOB NOT NULL REFERENCES instances (id),
    sockets     INTEGER NOT NULL CHECK (sockets > 0),
    PRIMARY KEY (case_id, side, instance_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX session_presence_by_instance ON session_presence (instance_id);

-- Who runs a once-only sweep, until when.
CREATE TABLE leases (
    name   TEXT PRIMARY KEY NOT NULL,
    holder BLOB NOT NULL REFERENCES instances (id),
    until  INTEGER NOT NULL
) STRICT;
