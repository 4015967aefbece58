-- Lifeline queue server, PostgreSQL schema: signed webhooks, the same tables
-- as SQLite's. Endpoints admins registered, and the outbox: one row per
-- (endpoint, event), written in the same transaction as the change the event
-- tells of, delivered in `seq` order per endpoint by whichever instance
-- claims it.

CREATE TABLE webhooks (
    id              UUID PRIMARY KEY,           -- UUID v7
    url             TEXT COLLATE "C" NOT NULL,  -- http(s) URL the events are POSTed to
    events          TEXT COLLATE "C" NOT NULL,  -- subscribed types, comma-separated with a comma at each end: ,case.created,case.closed,
    secret          TEXT COLLATE "C" NOT NULL,  -- whsec_… signing secret (the receiver holds it too)
    enabled         BOOLEAN NOT NULL,
    disabled_reason TEXT COLLATE "C",           -- why it is disabled (an admin, or failing for a day)
    failing_since   BIGINT,                     -- first failed attempt since the last success, ms since the epoch
    last_seq        BIGINT NOT NULL,            -- the last outbox number given to an event for it
    created_at      BIGINT NOT NULL             -- ms since the epoch
);

CREATE TABLE webhook_deliveries (
    webhook_id      UUID NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    seq             BIGINT NOT NULL,            -- this endpoint's commit order
    event_id        TEXT COLLATE "C" NOT NULL,  -- webhook-id: the same on every attempt
    event_type      TEXT COLLATE "C" NOT NULL,
    case_id         UUID NOT NULL,
    body            TEXT NOT NULL,              -- the JSON sent, exactly as signed
    created_at      BIGINT NOT NULL,
    attempts        INTEGER NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    claimed_by      UUID,                       -- the instance delivering it now
    claimed_until   BIGINT,                     -- when that claim lapses
    delivered_at    BIGINT,
    last_attempt_at BIGINT,
    last_status     INTEGER,                    -- the receiver's HTTP status, if it answered
    last_error      TEXT COLLATE "C",
    PRIMARY KEY (webhook_id, seq)
);
CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (webhook_id, seq)
    WHERE delivered_at IS NULL;
