-- Lifeline queue server, PostgreSQL schema: how long a customer may wait in a
-- group's queue before the console alerts the group's experts (seconds).
ALTER TABLE groups ADD COLUMN alert_after_seconds INTEGER NOT NULL DEFAULT 300
    CHECK (alert_after_seconds BETWEEN 1 AND 86400);
