//! Per-address limit on case creation and code entry: a stolen deployment key
//! must not flood the queue, and codes must not be guessable by brute force.

use std::net::IpAddr;
use std::time::Duration;

use governor::clock::{Clock as _, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::config::RateLimit;

/// A keyed token bucket per client address.
#[derive(Debug)]
pub struct IpRateLimiter {
    limiter: DefaultKeyedRateLimiter<IpAddr>,
}

impl IpRateLimiter {
    /// `None` when the limit is off.
    pub fn new(limit: RateLimit) -> Option<Self> {
        match limit {
            RateLimit::Off => None,
            RateLimit::Every { count, period } => {
                // `count` per `period`, as a burst of `count` refilled evenly.
                let per_cell = period / count.get();
                let quota = Quota::with_period(per_cell.max(Duration::from_nanos(1)))
                    .expect("a positive period")
                    .allow_burst(count);
                Some(Self {
                    limiter: RateLimiter::keyed(quota),
                })
            }
        }
    }

    /// `Err(seconds to wait)` when `ip` is over its limit.
    pub fn check(&self, ip: IpAddr) -> Result<(), u64> {
        self.limiter.check_key(&ip).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
        })
    }

    /// Forgets addresses whose buckets are full again, so memory stays bounded.
    pub fn forget_idle(&self) {
        self.limiter.retain_recent();
        self.limiter.shrink_to_fit();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::num::NonZeroU32;

    #[test]
    fn an_address_gets_its_burst_then_waits_and_others_are_unaffected() {
        let limiter = IpRateLimiter::new(RateLimit::Every {
            count: NonZeroU32::new(3).expect("nonzero"),
            period: Duration::from_secs(60),
        })
        .expect("a limit");
        let (a, b): (IpAddr, IpAddr) = ([127, 0, 0, 1].into(), [127, 0, 0, 2].into());
        for _ in 0..3 {
            assert_eq!(limiter.check(a), Ok(()));
        }
        let wait = limiter.check(a).expect_err("the fourth is over the limit");
        assert!(
            (1..=20).contains(&wait),
            "one cell refills in 20 s, got {wait}"
        );
        assert_eq!(
            limiter.check(b),
            Ok(()),
            "another address has its own bucket"
        );
    }
}
