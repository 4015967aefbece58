-- Lifeline queue server, PostgreSQL schema v3: session presence across
-- several server instances, and leases of the sweeps that must run once.

-- Every running server instance, with the last time it said it was alive
-- (milliseconds since the epoch, by its clock). One that stays silent too long
-- is dead: its sockets stop counting and its rows go.
CREATE TABLE instances (
    id      UUID PRIMARY KEY,
    seen_at BIGINT NOT NULL
);

-- Open session sockets, counted per case side and per instance holding them.
-- A side is connected while some instance has a socket of it.
CREATE TABLE session_presence (
    case_id     UUID NOT NULL REFERENCES cases (id),
    side        TEXT NOT NULL CHECK (side IN ('expert', 'customer')),
    instance_id UUID NOT NULL REFERENCES instances (id),
    sockets     INTEGER NOT NULL CHECK (sockets > 0),
    PRIMARY KEY (case_id, side, instance_id)
);
CREATE INDEX session_presence_by_instance ON session_presence (instance_id);

-- Who runs a once-only sweep (`sweeps`: expiry and dead instances), until when.
CREATE TABLE leases (
    name   TEXT PRIMARY KEY,
    holder UUID NOT NULL REFERENCES instances (id),
    until  BIGINT NOT NULL
);
