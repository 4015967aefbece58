-- Lifeline queue server, SQLite schema v1.
-- Ids are UUID v7 as 16-byte BLOBs; times are Unix milliseconds (UTC).

CREATE TABLE groups (
    id                BLOB PRIMARY KEY NOT NULL,
    name              TEXT NOT NULL UNIQUE COLLATE NOCASE,
    assignment_policy TEXT NOT NULL DEFAULT 'off',
    -- Open unassigned cases in the group, kept by every write that moves a case
    -- in or out of the line: the newest case's queue position without a count.
    waiting           INTEGER NOT NULL DEFAULT 0,
    created_at        INTEGER NOT NULL
) STRICT;

CREATE TABLE experts (
    id            BLOB PRIMARY KEY NOT NULL,
    email         TEXT NOT NULL UNIQUE COLLATE NOCASE,
    display_name  TEXT NOT NULL,
    password_hash TEXT,
    is_admin      INTEGER NOT NULL DEFAULT 0,
    active        INTEGER NOT NULL DEFAULT 1,
    available     INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL
) STRICT;

CREATE TABLE group_members (
    group_id  BLOB NOT NULL REFERENCES groups (id),
    expert_id BLOB NOT NULL REFERENCES experts (id),
    PRIMARY KEY (group_id, expert_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX group_members_by_expert ON group_members (expert_id);

CREATE TABLE expert_tokens (
    id         BLOB PRIMARY KEY NOT NULL,
    expert_id  BLOB NOT NULL REFERENCES experts (id),
    token_hash BLOB NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
) STRICT;

CREATE TABLE deployments (
    id         BLOB PRIMARY KEY NOT NULL,
    name       TEXT NOT NULL,
    group_id   BLOB NOT NULL REFERENCES groups (id),
    server_url TEXT NOT NULL,
    key_hash   BLOB NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
) STRICT;

CREATE TABLE cases (
    id                 BLOB PRIMARY KEY NOT NULL,
    code               TEXT NOT NULL,
    state              TEXT NOT NULL,
    channel            TEXT NOT NULL,
    group_id           BLOB NOT NULL REFERENCES groups (id),
    assignee_id        BLOB REFERENCES experts (id),
    customer_name      TEXT,
    customer_email     TEXT,
    description        TEXT,
    device             TEXT NOT NULL,           -- JSON object
    expert_connected   INTEGER NOT NULL DEFAULT 0,
    customer_connected INTEGER NOT NULL DEFAULT 0,
    ever_joined        INTEGER NOT NULL DEFAULT 0, -- presence: back to `pending`, not `new`
    token_hash         BLOB UNIQUE,             -- NULL for a manual case nobody claimed yet
    deployment_id      BLOB REFERENCES deployments (id),
    idempotency_key    TEXT,
    request_hash       BLOB,
    created_by         BLOB REFERENCES experts (id),
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL,
    expires_at         INTEGER NOT NULL,
    closed_at          INTEGER,
    closed_by          TEXT,
    last_event_seq     INTEGER NOT NULL DEFAULT 0
) STRICT;

-- A code is unique among cases that are not final.
CREATE UNIQUE INDEX cases_open_code ON cases (code)
    WHERE state IN ('new', 'pending', 'in_progress');
-- Exactly one case per (deployment, idempotency key).
CREATE UNIQUE INDEX cases_idempotency ON cases (deployment_id, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
-- The waiting line of a group, in arrival order (ids are UUID v7, made by the
-- single writer, so they increase in commit order): queue positions.
CREATE INDEX cases_waiting ON cases (group_id, id, expires_at)
    WHERE state IN ('new', 'pending', 'in_progress') AND assignee_id IS NULL;
CREATE INDEX cases_open ON cases (id)
    WHERE state IN ('new', 'pending', 'in_progress');
CREATE INDEX cases_deadline ON cases (expires_at)
    WHERE state IN ('new', 'pending', 'in_progress');

-- Every change of a case: the SSE stream (resumable by seq) and the history.
CREATE TABLE case_events (
    case_id BLOB NOT NULL REFERENCES cases (id),
    seq     INTEGER NOT NULL,
    kind    TEXT NOT NULL,       -- case | message
    action  TEXT,                -- history action, NULL for events that are not history
    actor   TEXT,
    detail  TEXT,
    data    TEXT NOT NULL,       -- the JSON sent to subscribers
    final   INTEGER NOT NULL,    -- the case is final after this event: streams end
    at      INTEGER NOT NULL,
    PRIMARY KEY (case_id, seq)
) STRICT, WITHOUT ROWID;
