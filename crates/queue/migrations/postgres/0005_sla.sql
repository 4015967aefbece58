-- Lifeline queue server, PostgreSQL schema: when a case was first assigned and
-- when its session first had both sides (Unix milliseconds, as every time).
-- Set once, by the write that reaches the milestone, so the SLA figures count
-- each case once whichever instance wrote it. NULL for cases from before.

ALTER TABLE cases ADD COLUMN first_assigned_at BIGINT;
ALTER TABLE cases ADD COLUMN first_connected_at BIGINT;

-- Reports read the cases created in a period.
CREATE INDEX cases_by_created ON cases (created_at);
