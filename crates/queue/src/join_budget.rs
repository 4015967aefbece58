//! The global budget of failed joins: all addresses together may enter only
//! so many codes that match no joinable case per period. A per-address limit
//! stops one client; this one also stops many (a botnet, or everyone behind
//! one proxy) from guessing codes faster than the budget. Once it is spent,
//! every join answers 429 with `Retry-After` until it refills.
//!
//! A join spends one attempt before its lookup and gets it back when the code
//! was right, so concurrent wrong guesses cannot overshoot the budget. Time is
//! passed in (the server's clock), so tests move it instead of waiting.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use time::OffsetDateTime;

use crate::config::RateLimit;
use crate::store::StoreError;

/// Where the budget is counted: in this process (one server), or in the
/// database every instance shares, so several instances together allow no
/// more wrong codes than one.
#[async_trait]
pub trait JoinBudgetCounts: Send + Sync + std::fmt::Debug {
    /// Spends one attempt at `now` from a bucket that gets one back every
    /// `interval` and holds `period` worth: `Ok(Err(seconds to wait))` when
    /// none is left.
    async fn spend(
        &self,
        interval: Duration,
        period: Duration,
        now: OffsetDateTime,
    ) -> Result<Result<(), u64>, StoreError>;

    /// Gives back one attempt of `interval`.
    async fn refund(&self, interval: Duration) -> Result<(), StoreError>;
}

/// The budget counted in this process's memory.
#[derive(Debug, Default)]
pub struct MemoryJoinBudget {
    /// When the budget is whole again if nothing more is spent (a GCRA).
    whole_at: Mutex<Option<OffsetDateTime>>,
}

#[async_trait]
impl JoinBudgetCounts for MemoryJoinBudget {
    async fn spend(
        &self,
        interval: Duration,
        period: Duration,
        now: OffsetDateTime,
    ) -> Result<Result<(), u64>, StoreError> {
        let mut whole_at = self.whole_at.lock().unwrap_or_else(|p| p.into_inner());
        let after = whole_at.map_or(now, |at| at.max(now)) + interval;
        let over = after - (now + period);
        if over.is_positive() {
            let wait = over.unsigned_abs();
            return Ok(Err(
                (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1)
            ));
        }
        *whole_at = Some(after);
        Ok(Ok(()))
    }

    async fn refund(&self, interval: Duration) -> Result<(), StoreError> {
        let mut whole_at = self.whole_at.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(at) = whole_at.as_mut() {
            *at -= interval;
        }
        Ok(())
    }
}

/// Failed joins allowed per period, for all callers together.
#[derive(Debug)]
pub struct FailedJoinBudget {
    /// One attempt comes back every `interval`…
    interval: Duration,
    /// …and at most `period` worth of them are held (the whole budget).
    period: Duration,
    counts: Arc<dyn JoinBudgetCounts>,
}

impl FailedJoinBudget {
    /// Counted by `counts`; `None` when the budget is off.
    pub fn new(budget: RateLimit, counts: Arc<dyn JoinBudgetCounts>) -> Option<Self> {
        match budget {
            RateLimit::Off => None,
            RateLimit::Every { count, period } => Some(Self {
                interval: (period / count.get()).max(Duration::from_nanos(1)),
                period,
                counts,
            }),
        }
    }

    /// Spends one attempt at `now`; `Ok(Err(seconds to wait))` when none is left.
    pub async fn spend(&self, now: OffsetDateTime) -> Result<Result<(), u64>, StoreError> {
        self.counts.spend(self.interval, self.period, now).await
    }

    /// Gives back an attempt spent on a join that found its case.
    pub async fn refund(&self) -> Result<(), StoreError> {
        self.counts.refund(self.interval).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::num::NonZeroU32;

    fn budget(count: u32, period: Duration) -> FailedJoinBudget {
        FailedJoinBudget::new(
            RateLimit::Every {
                count: NonZeroU32::new(count).expect("nonzero"),
                period,
            },
            Arc::new(MemoryJoinBudget::default()),
        )
        .expect("a budget")
    }

    async fn spend(budget: &FailedJoinBudget, at: OffsetDateTime) -> Result<(), u64> {
        budget.spend(at).await.expect("counted")
    }

    #[tokio::test]
    async fn the_budget_is_spent_then_refills_one_attempt_per_interval() {
        let minute = Duration::from_secs(60);
        let budget = budget(3, minute);
        let start = OffsetDateTime::now_utc();
        for _ in 0..3 {
            assert_eq!(spend(&budget, start).await, Ok(()));
        }
        assert_eq!(
            spend(&budget, start).await,
            Err(20),
            "one attempt comes back in 20 s"
        );
        assert_eq!(
            spend(&budget, start + Duration::from_secs(19)).await,
            Err(1),
            "not before"
        );
        assert_eq!(
            spend(&budget, start + Duration::from_secs(20)).await,
            Ok(())
        );
        assert!(
            spend(&budget, start + Duration::from_secs(20))
                .await
                .is_err()
        );
        let later = start + Duration::from_secs(600);
        for _ in 0..3 {
            assert_eq!(
                spend(&budget, later).await,
                Ok(()),
                "whole again, and no more"
            );
        }
        assert!(spend(&budget, later).await.is_err());
    }

    #[tokio::test]
    async fn a_refunded_attempt_can_be_spent_again() {
        let budget = budget(2, Duration::from_secs(60));
        let now = OffsetDateTime::now_utc();
        assert_eq!(spend(&budget, now).await, Ok(()));
        budget.refund().await.expect("counted");
        assert_eq!(spend(&budget, now).await, Ok(()));
        assert_eq!(spend(&budget, now).await, Ok(()));
        assert!(
            spend(&budget, now).await.is_err(),
            "two wrong codes spent it"
        );
    }

    #[test]
    fn off_is_no_budget() {
        assert!(
            FailedJoinBudget::new(RateLimit::Off, Arc::new(MemoryJoinBudget::default())).is_none()
        );
    }
}
