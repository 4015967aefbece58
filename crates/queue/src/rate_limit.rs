//! Rate limits, each its own budget so that one kind of traffic cannot use up
//! another's: case creation, code entry and sign-in per client address, every
//! deployment key's own budget, and a budget per address for wrong
//! credentials (keys cannot be guessed, and guessing costs no one else).

use std::hash::Hash;
use std::net::IpAddr;
use std::time::Duration;

use governor::clock::{Clock as _, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use uuid::Uuid;

use crate::api_error::ApiError;
use crate::client_addr::ClientAddr;
use crate::config::{Config, RateLimit};

/// A keyed token bucket.
#[derive(Debug)]
pub struct KeyedLimit<K: Hash + Eq + Clone> {
    limiter: DefaultKeyedRateLimiter<K>,
}

impl<K: Hash + Eq + Clone> KeyedLimit<K> {
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

    /// `Err(seconds to wait)` when `key` is over its limit.
    pub fn check(&self, key: &K) -> Result<(), u64> {
        self.limiter.check_key(key).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
        })
    }

    /// Forgets keys whose buckets are full again, so memory stays bounded.
    pub fn forget_idle(&self) {
        self.limiter.retain_recent();
        self.limiter.shrink_to_fit();
    }
}

/// What a client address spends its budget on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// A customer's case, with a valid deployment key.
    Create,
    /// Entering a manual case's code, with a valid deployment key.
    Join,
    /// A console sign-in attempt.
    SignIn,
    /// A request to create or join with a missing or wrong credential.
    BadCredential,
}

/// Every rate limit of the server; `None` fields are off.
#[derive(Debug)]
pub struct RateLimits {
    create: Option<KeyedLimit<IpAddr>>,
    join: Option<KeyedLimit<IpAddr>>,
    sign_in: Option<KeyedLimit<IpAddr>>,
    bad_credential: Option<KeyedLimit<IpAddr>>,
    per_deployment: Option<KeyedLimit<Uuid>>,
}

impl RateLimits {
    /// The limits `config` sets.
    pub fn new(config: &Config) -> Self {
        Self {
            create: KeyedLimit::new(config.rate_limit_create),
            join: KeyedLimit::new(config.rate_limit_join),
            sign_in: KeyedLimit::new(config.rate_limit_sign_in),
            bad_credential: KeyedLimit::new(config.rate_limit_per_ip),
            per_deployment: KeyedLimit::new(config.rate_limit_per_key),
        }
    }

    /// Spends one of `client`'s `purpose` budget: 429 with `Retry-After` when
    /// it is used up.
    pub fn charge_address(&self, purpose: Purpose, client: ClientAddr) -> Result<(), ApiError> {
        let limit = match purpose {
            Purpose::Create => &self.create,
            Purpose::Join => &self.join,
            Purpose::SignIn => &self.sign_in,
            Purpose::BadCredential => &self.bad_credential,
        };
        match limit {
            Some(limit) => limit
                .check(&client.rate_key())
                .map_err(ApiError::rate_limited),
            None => Ok(()),
        }
    }

    /// Spends one of a deployment key's budget (create and join together).
    pub fn charge_deployment(&self, deployment: Uuid) -> Result<(), ApiError> {
        match &self.per_deployment {
            Some(limit) => limit
                .check(&deployment)
                .map_err(ApiError::deployment_rate_limited),
            None => Ok(()),
        }
    }

    /// Forgets full buckets, so memory stays bounded.
    pub fn forget_idle(&self) {
        for limit in [
            &self.create,
            &self.join,
            &self.sign_in,
            &self.bad_credential,
        ]
        .into_iter()
        .flatten()
        {
            limit.forget_idle();
        }
        if let Some(limit) = &self.per_deployment {
            limit.forget_idle();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::num::NonZeroU32;

    #[test]
    fn a_key_gets_its_burst_then_waits_and_others_are_unaffected() {
        let limiter = KeyedLimit::new(RateLimit::Every {
            count: NonZeroU32::new(3).expect("nonzero"),
            period: Duration::from_secs(60),
        })
        .expect("a limit");
        let (a, b): (IpAddr, IpAddr) = ([127, 0, 0, 1].into(), [127, 0, 0, 2].into());
        for _ in 0..3 {
            assert_eq!(limiter.check(&a), Ok(()));
        }
        let wait = limiter.check(&a).expect_err("the fourth is over the limit");
        assert!(
            (1..=20).contains(&wait),
            "one cell refills in 20 s, got {wait}"
        );
        assert_eq!(
            limiter.check(&b),
            Ok(()),
            "another address has its own bucket"
        );
    }
}
