-- Lifeline queue server, SQLite schema: signed webhooks. Endpoints admins
-- registered, and the outbox: one row per (endpoint, event), written in the
-- same transaction as the change the event tells of, delivered in `seq`
-- order per endpoint by whichever instance claims it.

CREATE TABLE webhooks (
    id              BLOB PRIMARY KEY NOT NULL,  -- UUID v7
    url             TEXT NOT NULL,              -- http(s) URL the events are POSTed to
    events          TEXT NOT NULL,              -- subscribed types, comma-separated with a comma at each end: ,case.created,case.closed,
    secret          TEXT NOT NULL,              -- whsec_… signing secret (the receiver holds it too)
    enabled         INTEGER NOT NULL,
    disabled_reason TEXT,                       -- why it is disabled (an admin, or failing for a day)
    failing_since   INTEGER,                    -- first failed attempt since the last success, ms since the epoch
    last_seq        INTEGER NOT NULL,           -- the last outbox number given to an event for it
    created_at      INTEGER NOT NULL            -- ms since the epoch
) STRICT;

CREATE TABLE webhook_deliveries (
    webhook_id      BLOB NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    seq             INTEGER NOT NULL,           -- this endpoint's commit order
    event_id        TEXT NOT NULL,              -- webhook-id: the same on every attempt
    event_type      TEXT NOT NULL,
    case_id         BLOB NOT NULL,
    body            TEXT NOT NULL,              -- the JSON sent, exactly as signed
    created_at      INTEGER NOT NULL,
    attempts        INTEGER NOT NULL,
    next_attempt_at INTEGER NOT NULL,
    claimed_by      BLOB,                       -- the instance delivering it now
    claimed_until   INTEGER,                    -- when that claim lapses
    delivered_at    INTEGER,
    last_attempt_at INTEGER,
    last_status     INTEGER,                    -- the receiver's HTTP status, if it answered
    last_error      TEXT,
    PRIMARY KEY (webhook_id, seq)
) STRICT;
CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (webhook_id, seq)
    WHERE delivered_at IS NULL;
