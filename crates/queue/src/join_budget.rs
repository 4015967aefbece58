//! The global budget of failed joins: all addresses together may enter only
//! so many codes that match no joinable case per period. A per-address limit
//! stops one client; this one also stops many (a botnet, or everyone behind
//! one proxy) from guessing codes faster than the budget. Once it is spent,
//! every join answers 429 with `Retry-After` until it refills.
//!
//! A join spends one attempt before its lookup and gets it back when the code
//! was right, so concurrent wrong guesses cannot overshoot the budget. Time is
//! passed in (the server's clock), so tests move it instead of waiting.

use std::sync::Mutex;
use std::time::Duration;

use time::OffsetDateTime;

use crate::config::RateLimit;

/// Failed joins allowed per period, for all callers together.
#[derive(Debug)]
pub struct FailedJoinBudget {
    /// One attempt comes back every `interval`…
    interval: Duration,
    /// …and at most `period` worth of them are held (the whole budget).
    period: Duration,
    /// When the budget is whole again if nothing more is spent (a GCRA).
    whole_at: Mutex<Option<OffsetDateTime>>,
}

impl FailedJoinBudget {
    /// `None` when the budget is off.
    pub fn new(budget: RateLimit) -> Option<Self> {
        match budget {
            RateLimit::Off => None,
            RateLimit::Every { count, period } => Some(Self {
                interval: (period / count.get()).max(Duration::from_nanos(1)),
                period,
                whole_at: Mutex::new(None),
            }),
        }
    }

    /// Spends one attempt at `now`; `Err(seconds to wait)` when none is left.
    pub fn spend(&self, now: OffsetDateTime) -> Result<(), u64> {
        let mut whole_at = self.whole_at.lock().unwrap_or_else(|p| p.into_inner());
        let after = whole_at.map_or(now, |at| at.max(now)) + self.interval;
        let over = after - (now + self.period);
        if over.is_positive() {
            let wait = over.unsigned_abs();
            return Err((wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1));
        }
        *whole_at = Some(after);
        Ok(())
    }

    /// Gives back an attempt spent on a join that found its case.
    pub fn refund(&self) {
        let mut whole_at = self.whole_at.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(at) = whole_at.as_mut() {
            *at -= self.interval;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::num::NonZeroU32;

    fn budget(count: u32, period: Duration) -> FailedJoinBudget {
        FailedJoinBudget::new(RateLimit::Every {
            count: NonZeroU32::new(count).expect("nonzero"),
            period,
        })
        .expect("a budget")
    }

    #[test]
    fn the_budget_is_spent_then_refills_one_attempt_per_interval() {
        let minute = Duration::from_secs(60);
        let budget = budget(3, minute);
        let start = OffsetDateTime::now_utc();
        for _ in 0..3 {
            assert_eq!(budget.spend(start), Ok(()));
        }
        assert_eq!(
            budget.spend(start),
            Err(20),
            "one attempt comes back in 20 s"
        );
        assert_eq!(
            budget.spend(start + Duration::from_secs(19)),
            Err(1),
            "not before"
        );
        assert_eq!(budget.spend(start + Duration::from_secs(20)), Ok(()));
        assert!(budget.spend(start + Duration::from_secs(20)).is_err());
        let later = start + Duration::from_secs(600);
        for _ in 0..3 {
            assert_eq!(budget.spend(later), Ok(()), "whole again, and no more");
        }
        assert!(budget.spend(later).is_err());
    }

    #[test]
    fn a_refunded_attempt_can_be_spent_again() {
        let budget = budget(2, Duration::from_secs(60));
        let now = OffsetDateTime::now_utc();
        assert_eq!(budget.spend(now), Ok(()));
        budget.refund();
        assert_eq!(budget.spend(now), Ok(()));
        assert_eq!(budget.spend(now), Ok(()));
        assert!(budget.spend(now).is_err(), "two wrong codes spent it");
    }

    #[test]
    fn off_is_no_budget() {
        assert!(FailedJoinBudget::new(RateLimit::Off).is_none());
    }
}
