-- Lifeline queue server, PostgreSQL schema v1: the same tables as SQLite's
-- schema v3. Ids are UUID v7; times are Unix milliseconds (UTC) as BIGINT, as
-- on SQLite, so one row type serves both backends. Text compares and sorts by
-- bytes (COLLATE "C"), as on SQLite, whatever the database's locale; names and
-- addresses are unique and looked up case-insensitively through lower().

CREATE TABLE groups (
    id                UUID PRIMARY KEY,
    name              TEXT COLLATE "C" NOT NULL,
    assignment_policy TEXT NOT NULL DEFAULT 'off',
    -- Open unassigned cases in the group, kept by every write that moves a case
    -- in or out of the line: the newest case's queue position without a count.
    waiting           BIGINT NOT NULL DEFAULT 0,
    -- The expert the group's last round-robin pick went to.
    last_round_robin  UUID,
    created_at        BIGINT NOT NULL
);

CREATE UNIQUE INDEX groups_name ON groups (lower(name));

CREATE TABLE experts (
    id               UUID PRIMARY KEY,
    email            TEXT COLLATE "C" NOT NULL,
    display_name     TEXT COLLATE "C" NOT NULL,
    password_hash    TEXT,
    is_admin         BOOLEAN NOT NULL DEFAULT FALSE,
    active           BOOLEAN NOT NULL DEFAULT TRUE,
    available        BOOLEAN NOT NULL DEFAULT FALSE,
    -- When automatic assignment last gave this expert a case (least-busy tie-break).
    last_assigned_at BIGINT,
    created_at       BIGINT NOT NULL
);

CREATE UNIQUE INDEX experts_email ON experts (lower(email));

CREATE TABLE group_members (
    group_id  UUID NOT NULL REFERENCES groups (id),
    expert_id UUID NOT NULL REFERENCES experts (id),
    PRIMARY KEY (group_id, expert_id)
);

CREATE INDEX group_members_by_expert ON group_members (expert_id);

CREATE TABLE expert_tokens (
    id         UUID PRIMARY KEY,
    expert_id  UUID NOT NULL REFERENCES experts (id),
    token_hash BYTEA NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);

-- A signed-in console browser. The cookie holds the token; only its hash is kept.
CREATE TABLE console_sessions (
    token_hash BYTEA PRIMARY KEY,
    expert_id  UUID NOT NULL REFERENCES experts (id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);

CREATE INDEX console_sessions_by_expert ON console_sessions (expert_id);

CREATE TABLE deployments (
    id         UUID PRIMARY KEY,
    name       TEXT COLLATE "C" NOT NULL,
    group_id   UUID NOT NULL REFERENCES groups (id),
    server_url TEXT NOT NULL,
    key_hash   BYTEA NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);

CREATE TABLE cases (
    id                 UUID PRIMARY KEY,
    code               TEXT COLLATE "C" NOT NULL,
    state              TEXT NOT NULL,
    channel            TEXT NOT NULL,
    group_id           UUID NOT NULL REFERENCES groups (id),
    assignee_id        UUID REFERENCES experts (id),
    customer_name      TEXT,
    customer_email     TEXT,
    description        TEXT,
    device             TEXT NOT NULL,           -- JSON object, as sent
    expert_connected   BOOLEAN NOT NULL DEFAULT FALSE,
    customer_connected BOOLEAN NOT NULL DEFAULT FALSE,
    ever_joined        BOOLEAN NOT NULL DEFAULT FALSE, -- presence: back to `pending`, not `new`
    token_hash         BYTEA UNIQUE,            -- NULL for a manual case nobody claimed yet
    deployment_id      UUID REFERENCES deployments (id),
    idempotency_key    TEXT COLLATE "C",
    request_hash       BYTEA,
    created_by         UUID REFERENCES experts (id),
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL,
    expires_at         BIGINT NOT NULL,
    closed_at          BIGINT,
    closed_by          TEXT,
    last_event_seq     BIGINT NOT NULL DEFAULT 0
);

-- A code is unique among cases that are not final.
CREATE UNIQUE INDEX cases_open_code ON cases (code)
    WHERE state IN ('new', 'pending', 'in_progress');
-- Exactly one case per (deployment, idempotency key).
CREATE UNIQUE INDEX cases_idempotency ON cases (deployment_id, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
-- The waiting line of a group, in arrival order (ids are UUID v7, made while
-- the writer lock is held, so they increase in commit order): queue positions.
CREATE INDEX cases_waiting ON cases (group_id, id, expires_at)
    WHERE state IN ('new', 'pending', 'in_progress') AND assignee_id IS NULL;
CREATE INDEX cases_open ON cases (id)
    WHERE state IN ('new', 'pending', 'in_progress');
CREATE INDEX cases_deadline ON cases (expires_at)
    WHERE state IN ('new', 'pending', 'in_progress');
-- Open cases by assignee: least-busy counts them.
CREATE INDEX cases_open_by_assignee ON cases (assignee_id, expires_at)
    WHERE state IN ('new', 'pending', 'in_progress') AND assignee_id IS NOT NULL;

-- Every change of a case: the SSE stream (resumable by seq) and the history.
CREATE TABLE case_events (
    case_id  UUID NOT NULL REFERENCES cases (id),
    seq      BIGINT NOT NULL,
    kind     TEXT NOT NULL,      -- case | message
    action   TEXT,               -- history action, NULL for events that are not history
    actor    TEXT,
    detail   TEXT,
    data     TEXT NOT NULL,      -- the JSON sent to subscribers, byte for byte
    is_final BOOLEAN NOT NULL,   -- the case is final after this event: streams end
    at       BIGINT NOT NULL,
    PRIMARY KEY (case_id, seq)
);

-- Chat messages are case events of kind 'message'; their sender-given id makes
-- a message re-sent after a reconnect land once.
CREATE UNIQUE INDEX case_events_message_id ON case_events (case_id, ((data::jsonb) ->> 'id'))
    WHERE kind = 'message';
