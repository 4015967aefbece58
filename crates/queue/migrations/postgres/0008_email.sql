-- Lifeline queue server, PostgreSQL schema: expert emails, the same tables as
-- SQLite's migration 0009. Which moments each expert wants an email for, and one
-- row per email decided on: its key (case, expert, moment) is unique, so
-- however many instances notice the same moment, the one whose insert
-- commits sends it. An instance holds a row while it sends (lease_until); an
-- unsent row whose lease ran out is tried again.

CREATE TABLE email_preferences (
    expert_id   UUID PRIMARY KEY REFERENCES experts (id) ON DELETE CASCADE,
    on_queued   BOOLEAN NOT NULL DEFAULT FALSE,  -- a case waits in one of my groups with nobody available
    on_assigned BOOLEAN NOT NULL DEFAULT FALSE,  -- a case is assigned to me
    on_overdue  BOOLEAN NOT NULL DEFAULT FALSE,  -- a customer waited past the group's alert time
    updated_at  BIGINT NOT NULL                  -- milliseconds since the epoch
);

CREATE TABLE email_notices (
    case_id     UUID NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    expert_id   UUID NOT NULL REFERENCES experts (id) ON DELETE CASCADE,
    moment      TEXT COLLATE "C" NOT NULL,       -- queued, assigned or overdue
    created_at  BIGINT NOT NULL,
    lease_until BIGINT NOT NULL,                 -- held by a sender until then; then due (again)
    attempts    INTEGER NOT NULL DEFAULT 0,
    sent_at     BIGINT,                          -- NULL until the SMTP server took it (or it was no longer wanted)
    PRIMARY KEY (case_id, expert_id, moment)
);
CREATE INDEX email_notices_unsent ON email_notices (lease_until) WHERE sent_at IS NULL;
