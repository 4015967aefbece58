-- Lifeline queue server, PostgreSQL schema: queue positions without counting.
-- Every change of a group's waiting line other than a new case joining at its
-- back (ids grow in commit order) bumps the group's line_version and is
-- logged under it, so each server's in-memory order of the line
-- (rules/line.rs) catches up with what any server changed.
ALTER TABLE groups ADD COLUMN line_version BIGINT NOT NULL DEFAULT 0;
CREATE TABLE line_changes (
    group_id   UUID NOT NULL,
    version    BIGINT NOT NULL,
    case_id    UUID NOT NULL,
    -- TRUE: the case (re)joined the line or its deadline moved; FALSE: it left.
    waiting    BOOLEAN NOT NULL,
    expires_at BIGINT NOT NULL,
    at         BIGINT NOT NULL,
    PRIMARY KEY (group_id, version)
);
-- Old changes are forgotten by the sweep; a server that missed them rebuilds.
CREATE INDEX line_changes_by_time ON line_changes (at);
