-- Lifeline queue server, SQLite schema: queue positions without counting.
-- Every change of a group's waiting line other than a new case joining at its
-- back (ids grow in commit order) bumps the group's line_version and is
-- logged under it, so each server's in-memory order of the line
-- (rules/line.rs) catches up with what any server changed.
ALTER TABLE groups ADD COLUMN line_version INTEGER NOT NULL DEFAULT 0;
CREATE TABLE line_changes (
    group_id   BLOB NOT NULL,
    version    INTEGER NOT NULL,
    case_id    BLOB NOT NULL,
    -- 1: the case (re)joined the line or its deadline moved; 0: it left.
    waiting    INTEGER NOT NULL CHECK (waiting IN (0, 1)),
    expires_at INTEGER NOT NULL,
    at         INTEGER NOT NULL,
    PRIMARY KEY (group_id, version)
) STRICT, WITHOUT ROWID;
-- Old changes are forgotten by the sweep; a server that missed them rebuilds.
CREATE INDEX line_changes_by_time ON line_changes (at);
