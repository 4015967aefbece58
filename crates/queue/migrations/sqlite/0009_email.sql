-- Lifeline queue server, SQLite migration 0009: expert emails. Which moments each
-- expert wants an email for, and one row per email decided on: its key
-- (case, expert, moment) is unique, so however many servers notice the same
-- moment, the one whose insert commits sends it. A server holds a row while
-- it sends (lease_until); an unsent row whose lease ran out is tried again.

CREATE TABLE email_preferences (
    expert_id   BLOB PRIMARY KEY NOT NULL REFERENCES experts (id) ON DELETE CASCADE,
    on_queued   INTEGER NOT NULL DEFAULT 0,  -- a case waits in one of my groups with nobody available
    on_assigned INTEGER NOT NULL DEFAULT 0,  -- a case is assigned to me
    on_overdue  INTEGER NOT NULL DEFAULT 0,  -- a customer waited past the group's alert time
    updated_at  INTEGER NOT NULL             -- milliseconds since the epoch
) STRICT;

CREATE TABLE email_notices (
    case_id     BLOB NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    expert_id   BLOB NOT NULL REFERENCES experts (id) ON DELETE CASCADE,
    moment      TEXT NOT NULL,               -- queued, assigned or overdue
    created_at  INTEGER NOT NULL,
    lease_until INTEGER NOT NULL,            -- held by a sender until then; then due (again)
    attempts    INTEGER NOT NULL DEFAULT 0,
    sent_at     INTEGER,                     -- NULL until the SMTP server took it (or it was no longer wanted)
    PRIMARY KEY (case_id, expert_id, moment)
) STRICT;
CREATE INDEX email_notices_unsent ON email_notices (lease_until) WHERE sent_at IS NULL;
