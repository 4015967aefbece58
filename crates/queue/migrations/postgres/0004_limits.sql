-- Lifeline queue server, PostgreSQL schema: rate limits, the failed-join
-- budget and the sign-in slow-down counted where every instance sees them, so several servers on
-- one database limit a client as one server would.
--
-- UNLOGGED: the counts are worth no WAL. A crash of PostgreSQL empties them,
-- which forgives a few requests; it loses no case, event or message.

-- One token bucket (GCRA) per budget: `tat_us` is when the bucket is whole
-- again (microseconds since the Unix epoch, on the database's clock, shared
-- by every instance; the failed-join budget's on the server's); `allowed` is the verdict of the last spend, read back
-- by the statement that made it. A row whose `tat_us` has passed is a whole
-- bucket and is deleted.
CREATE UNLOGGED TABLE rate_budgets (
    budget  TEXT    NOT NULL,  -- create, join, sign_in, bad_credential, deployment, failed_join
    subject TEXT    NOT NULL,  -- the client address (an IPv6 /64), the deployment id, or '' (failed_join)
    tat_us  BIGINT  NOT NULL,
    allowed BOOLEAN NOT NULL,
    PRIMARY KEY (budget, subject)
);
CREATE INDEX rate_budgets_whole_at ON rate_budgets (tat_us);

-- Failed console sign-ins per address typed in and client address.
CREATE UNLOGGED TABLE sign_in_failures (
    email    TEXT    NOT NULL,
    client   TEXT    NOT NULL,
    failures INTEGER NOT NULL,
    pending  INTEGER NOT NULL,  -- attempts reserved, not yet judged
    last_us  BIGINT  NOT NULL,  -- the last attempt, microseconds since the Unix epoch
    PRIMARY KEY (email, client)
);
CREATE INDEX sign_in_failures_last ON sign_in_failures (last_us);
