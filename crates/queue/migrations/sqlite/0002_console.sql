-- Lifeline queue server, SQLite schema v2: console sign-in and automatic assignment.

-- A signed-in console browser. The cookie holds the token; only its hash is kept.
CREATE TABLE console_sessions (
    token_hash BLOB PRIMARY KEY NOT NULL,
    expert_id  BLOB NOT NULL REFERENCES experts (id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE INDEX console_sessions_by_expert ON console_sessions (expert_id);

-- When automatic assignment last gave this expert a case (least-busy tie-break).
ALTER TABLE experts ADD COLUMN last_assigned_at INTEGER;

-- The expert the group's last round-robin pick went to.
ALTER TABLE groups ADD COLUMN last_round_robin BLOB;

-- Open cases by assignee: least-busy counts them.
CREATE INDEX cases_open_by_assignee ON cases (assignee_id, expires_at)
    WHERE state IN ('new', 'pending', 'in_progress') AND assignee_id IS NOT NULL;
