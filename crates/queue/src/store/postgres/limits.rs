//! Rate limits, failed sign-ins and the failed-join budget counted in the
//! database, so several instances on it limit a client as one server would
//! (`rate_limit`, `sign_in_guard` and `join_budget` hold the rules; this
//! stores).
//!
//! Counting runs on the read pool, never through the writer: a limit check is
//! one statement, so it never queues behind a batch of writes, and the
//! writer's advisory lock is not taken for it. Rate-limit buckets run on the
//! database's clock (`now()`), the one clock every instance shares; the
//! failed-join budget and sign-in failures on the server's, as in memory.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use time::OffsetDateTime;

use super::{PostgresStore, one};
use crate::config::RateLimit;
use crate::join_budget::JoinBudgetCounts;
use crate::rate_limit::{Budget, BudgetCounts, BudgetLimits};
use crate::sign_in_guard::{FORGET_AFTER, FailureCounts, Failures, SignInKey, Step};
use crate::store::StoreError;

/// How often one instance deletes whole buckets and stale failures.
const CLEAN_EVERY: Duration = Duration::from_secs(60);

/// Spends one of a bucket (GCRA) at `$5` (µs since the Unix epoch), or on
/// the database's clock when that is null: `$3` is the time one spend takes
/// to come back, `$4` the whole budget's (both µs). A refused spend leaves
/// the bucket as it was and answers how long until the next one fits.
const SPEND: &str = "\
    WITH t AS (SELECT COALESCE($5::bigint, (EXTRACT(EPOCH FROM now()) * 1000000)::bigint) AS now_us) \
    INSERT INTO rate_budgets AS b (budget, subject, tat_us, allowed) \
    SELECT $1, $2, t.now_us + $3, TRUE FROM t \
    ON CONFLICT (budget, subject) DO UPDATE SET \
      allowed = GREATEST(b.tat_us, (SELECT now_us FROM t)) + $3 - (SELECT now_us FROM t) <= $4, \
      tat_us = CASE \
        WHEN GREATEST(b.tat_us, (SELECT now_us FROM t)) + $3 - (SELECT now_us FROM t) <= $4 \
        THEN GREATEST(b.tat_us, (SELECT now_us FROM t)) + $3 \
        ELSE b.tat_us END \
    RETURNING allowed, b.tat_us + $3 - $4 - (SELECT now_us FROM t)";

/// The one bucket of wrong session codes from everyone together.
const FAILED_JOINS: (&str, &str) = ("failed_join", "");

/// Locks a pair's row for the rest of the transaction, making an empty one
/// when there is none, and reads it.
const LOCK_FAILURES: &str = "\
    INSERT INTO sign_in_failures (email, client, failures, pending, last_us) \
    VALUES ($1, $2, 0, 0, $3) \
    ON CONFLICT (email, client) DO UPDATE SET email = excluded.email \
    RETURNING failures, pending, last_us";

/// The counts of rate limits, failed sign-ins and failed joins in PostgreSQL.
#[derive(Debug, Clone)]
pub struct SharedCounts {
    reads: deadpool_postgres::Pool,
    limits: BudgetLimits,
    budgets_cleaned: Arc<Turn>,
    failures_cleaned: Arc<Turn>,
}

/// A clean-up this instance runs at most once per [`CLEAN_EVERY`].
#[derive(Debug, Default)]
struct Turn(Mutex<Option<Instant>>);

impl Turn {
    /// Whether the turn has come (and takes it).
    fn due(&self) -> bool {
        let mut last = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if last.is_some_and(|at| at.elapsed() < CLEAN_EVERY) {
            return false;
        }
        *last = Some(Instant::now());
        true
    }
}

impl PostgresStore {
    /// Counts of rate limits under `limits`, failed sign-ins and failed
    /// joins, shared by every instance on this database, on this store's
    /// read pool.
    pub fn shared_counts(&self, limits: BudgetLimits) -> SharedCounts {
        SharedCounts {
            reads: self.reads.clone(),
            limits,
            budgets_cleaned: Arc::default(),
            failures_cleaned: Arc::default(),
        }
    }
}

fn budget_key(budget: &Budget) -> (&'static str, String) {
    match budget {
        Budget::Address(purpose, address) => (purpose.as_str(), address.to_string()),
        Budget::Deployment(id) => ("deployment", id.to_string()),
    }
}

/// Whole microseconds of `duration`, saturating.
fn micros(duration: Duration) -> i64 {
    i64::try_from(duration.as_micros()).unwrap_or(i64::MAX)
}

impl SharedCounts {
    async fn client(&self) -> Result<deadpool_postgres::Object, StoreError> {
        super::pooled(&self.reads).await
    }

    /// Spends one of the bucket `key`, which gets one back every `interval`
    /// and holds `period` worth, at `now` (`None`: on the database's clock).
    async fn spend_one(
        &self,
        key: (&str, &str),
        interval: Duration,
        period: Duration,
        now: Option<OffsetDateTime>,
    ) -> Result<Result<(), u64>, StoreError> {
        let interval = micros(interval.max(Duration::from_micros(1)));
        let period = micros(period);
        let now = now.map(unix_micros);
        let client = self.client().await?;
        let (allowed, wait_us): (bool, i64) = one(
            &client,
            SPEND,
            &[&key.0, &key.1, &interval, &period, &now],
            |row| Ok((row.try_get(0)?, row.try_get(1)?)),
        )
        .await?
        .ok_or_else(|| StoreError::Corrupt("a spend returned no row".into()))?;
        if allowed {
            Ok(Ok(()))
        } else {
            let wait = u64::try_from(wait_us).unwrap_or(0);
            Ok(Err(wait.div_ceil(1_000_000).max(1)))
        }
    }
}

#[async_trait]
impl BudgetCounts for SharedCounts {
    async fn spend(&self, budget: Budget) -> Result<Result<(), u64>, StoreError> {
        let RateLimit::Every { count, period } = self.limits.of(&budget) else {
            return Ok(Ok(()));
        };
        let (name, subject) = budget_key(&budget);
        // On the database's clock: the one every instance shares.
        self.spend_one((name, &subject), period / count.get(), period, None)
            .await
    }

    async fn forget_idle(&self) -> Result<(), StoreError> {
        if !self.budgets_cleaned.due() {
            return Ok(());
        }
        let client = self.client().await?;
        let whole = client
            .execute(
                "DELETE FROM rate_budgets \
                 WHERE tat_us < (EXTRACT(EPOCH FROM now()) * 1000000)::bigint",
                &[],
            )
            .await?;
        tracing::debug!(whole, "forgot whole rate budgets");
        Ok(())
    }
}

fn unix_micros(at: OffsetDateTime) -> i64 {
    i64::try_from(at.unix_timestamp_nanos() / 1000).unwrap_or(i64::MAX)
}

fn from_unix_micros(us: i64) -> Result<OffsetDateTime, StoreError> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(us) * 1000)
        .map_err(|e| StoreError::Corrupt(format!("sign_in_failures.last_us: {e}")))
}

fn count(value: i32, column: &str) -> Result<u32, StoreError> {
    u32::try_from(value)
        .map_err(|_| StoreError::Corrupt(format!("sign_in_failures.{column}: {value}")))
}

fn stored(value: u32) -> i32 {
    i32::try_from(value).unwrap_or(i32::MAX)
}

#[async_trait]
impl JoinBudgetCounts for SharedCounts {
    async fn spend(
        &self,
        interval: Duration,
        period: Duration,
        now: OffsetDateTime,
    ) -> Result<Result<(), u64>, StoreError> {
        // On the server's clock, as in memory, so tests can move it.
        self.spend_one(FAILED_JOINS, interval, period, Some(now))
            .await
    }

    async fn refund(&self, interval: Duration) -> Result<(), StoreError> {
        let client = self.client().await?;
        let statement = client
            .prepare_cached(
                "UPDATE rate_budgets SET tat_us = tat_us - $3 WHERE budget = $1 AND subject = $2",
            )
            .await?;
        client
            .execute(
                &statement,
                &[&FAILED_JOINS.0, &FAILED_JOINS.1, &micros(interval)],
            )
            .await?;
        Ok(())
    }
}

#[async_trait]
impl FailureCounts for SharedCounts {
    async fn apply(
        &self,
        key: &SignInKey,
        step: Step,
        now: OffsetDateTime,
    ) -> Result<Option<time::Duration>, StoreError> {
        let client_addr = key.client.to_string();
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let lock = tx.prepare_cached(LOCK_FAILURES).await?;
        let row = tx
            .query_one(&lock, &[&key.email, &client_addr, &unix_micros(now)])
            .await?;
        let failures = Failures {
            count: count(row.try_get(0)?, "failures")?,
            pending: count(row.try_get(1)?, "pending")?,
            last: from_unix_micros(row.try_get(2)?)?,
        };
        // The empty row the lock made (or found) is no failure at all.
        let before = (failures.count > 0 || failures.pending > 0).then_some(failures);
        let (after, wait) = step.apply(before, now);
        match after {
            Some(f) => {
                let update = tx
                    .prepare_cached(
                        "UPDATE sign_in_failures SET failures = $3, pending = $4, last_us = $5 \
                         WHERE email = $1 AND client = $2",
                    )
                    .await?;
                tx.execute(
                    &update,
                    &[
                        &key.email,
                        &client_addr,
                        &stored(f.count),
                        &stored(f.pending),
                        &unix_micros(f.last),
                    ],
                )
                .await?;
            }
            None => {
                let delete = tx
                    .prepare_cached("DELETE FROM sign_in_failures WHERE email = $1 AND client = $2")
                    .await?;
                tx.execute(&delete, &[&key.email, &client_addr]).await?;
            }
        }
        tx.commit().await?;
        Ok(wait)
    }

    fn release(&self, key: SignInKey, now: OffsetDateTime) {
        let counts = self.clone();
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            tracing::warn!("no runtime to release a sign-in attempt on; it counts as a failure");
            return;
        };
        runtime.spawn(async move {
            if let Err(e) = counts.apply(&key, Step::Release, now).await {
                tracing::warn!(error = %e, "cannot release a sign-in attempt; it counts as a failure");
            }
        });
    }

    async fn tracked(&self) -> Result<usize, StoreError> {
        let client = self.client().await?;
        let pairs: i64 = one(
            &client,
            "SELECT count(*) FROM sign_in_failures",
            &[],
            |row| Ok(row.try_get(0)?),
        )
        .await?
        .unwrap_or(0);
        Ok(usize::try_from(pairs).unwrap_or(usize::MAX))
    }

    async fn forget_stale(&self, now: OffsetDateTime) -> Result<(), StoreError> {
        if !self.failures_cleaned.due() {
            return Ok(());
        }
        let client = self.client().await?;
        let stale = client
            .execute(
                "DELETE FROM sign_in_failures WHERE last_us < $1",
                &[&unix_micros(now - FORGET_AFTER)],
            )
            .await?;
        tracing::debug!(stale, "forgot stale sign-in failures");
        Ok(())
    }
}
