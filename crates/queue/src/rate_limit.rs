//! Rate limits, each its own budget so that one kind of traffic cannot use up
//! another's: case creation, code entry and sign-in per client address, every
//! deployment key's own budget, and a budget per address for wrong
//! credentials (keys cannot be guessed, and guessing costs no one else).
//!
//! The limits are here; the counts are a [`BudgetCounts`]: [`MemoryBudgets`]
//! for one server (SQLite), the database's for several (PostgreSQL:
//! `store::postgres::SharedCounts`).

use std::hash::Hash;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;

use governor::clock::{Clock as _, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use uuid::Uuid;

use crate::api_error::ApiError;
use crate::client_addr::ClientAddr;
use crate::config::{Config, RateLimit};
use crate::store::StoreError;

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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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

impl Purpose {
    /// The name its counts are kept under in a shared database.
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::Create => "create",
            Purpose::Join => "join",
            Purpose::SignIn => "sign_in",
            Purpose::BadCredential => "bad_credential",
        }
    }
}

/// One budget: a client address's for one purpose, or a deployment key's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Budget {
    /// A client address (its [`ClientAddr::rate_key`]) spending on `Purpose`.
    Address(Purpose, IpAddr),
    /// A deployment key (create and join together).
    Deployment(Uuid),
}

/// The limit of every budget, as configured.
#[derive(Debug, Clone, Copy)]
pub struct BudgetLimits {
    create: RateLimit,
    join: RateLimit,
    sign_in: RateLimit,
    bad_credential: RateLimit,
    per_deployment: RateLimit,
}

impl BudgetLimits {
    /// The limits `config` sets.
    pub fn new(config: &Config) -> Self {
        Self {
            create: config.rate_limit_create,
            join: config.rate_limit_join,
            sign_in: config.rate_limit_sign_in,
            bad_credential: config.rate_limit_per_ip,
            per_deployment: config.rate_limit_per_key,
        }
    }

    /// The limit `budget` spends under.
    pub fn of(&self, budget: &Budget) -> RateLimit {
        match budget {
            Budget::Address(Purpose::Create, _) => self.create,
            Budget::Address(Purpose::Join, _) => self.join,
            Budget::Address(Purpose::SignIn, _) => self.sign_in,
            Budget::Address(Purpose::BadCredential, _) => self.bad_credential,
            Budget::Deployment(_) => self.per_deployment,
        }
    }
}

/// Where the budgets are counted: in this process (one server), or in the
/// database every instance shares (several servers act as one).
///
/// Every implementation counts the same way, a token bucket per budget: a
/// burst of `count`, then one more every `period / count`.
#[async_trait]
pub trait BudgetCounts: Send + Sync + std::fmt::Debug {
    /// Spends one of `budget` now; `Ok(Err(seconds to wait))` when it is
    /// used up. A budget whose limit is off is never counted.
    async fn spend(&self, budget: Budget) -> Result<Result<(), u64>, StoreError>;

    /// Forgets budgets that are whole again, so the counts stay bounded.
    async fn forget_idle(&self) -> Result<(), StoreError>;
}

/// The budgets counted in this process's memory.
#[derive(Debug)]
pub struct MemoryBudgets {
    create: Option<KeyedLimit<IpAddr>>,
    join: Option<KeyedLimit<IpAddr>>,
    sign_in: Option<KeyedLimit<IpAddr>>,
    bad_credential: Option<KeyedLimit<IpAddr>>,
    per_deployment: Option<KeyedLimit<Uuid>>,
}

impl MemoryBudgets {
    /// Empty budgets under `limits`.
    pub fn new(limits: &BudgetLimits) -> Self {
        Self {
            create: KeyedLimit::new(limits.create),
            join: KeyedLimit::new(limits.join),
            sign_in: KeyedLimit::new(limits.sign_in),
            bad_credential: KeyedLimit::new(limits.bad_credential),
            per_deployment: KeyedLimit::new(limits.per_deployment),
        }
    }
}

#[async_trait]
impl BudgetCounts for MemoryBudgets {
    async fn spend(&self, budget: Budget) -> Result<Result<(), u64>, StoreError> {
        let address_limit = |purpose| match purpose {
            Purpose::Create => &self.create,
            Purpose::Join => &self.join,
            Purpose::SignIn => &self.sign_in,
            Purpose::BadCredential => &self.bad_credential,
        };
        Ok(match budget {
            Budget::Address(purpose, address) => address_limit(purpose)
                .as_ref()
                .map_or(Ok(()), |limit| limit.check(&address)),
            Budget::Deployment(id) => self
                .per_deployment
                .as_ref()
                .map_or(Ok(()), |limit| limit.check(&id)),
        })
    }

    async fn forget_idle(&self) -> Result<(), StoreError> {
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
        Ok(())
    }
}

/// Every rate limit of the server, over the counts of its backend.
#[derive(Debug)]
pub struct RateLimits {
    counts: Arc<dyn BudgetCounts>,
}

impl RateLimits {
    /// Limits counted by `counts`.
    pub fn new(counts: Arc<dyn BudgetCounts>) -> Self {
        Self { counts }
    }

    /// Spends one of `client`'s `purpose` budget: 429 with `Retry-After` when
    /// it is used up.
    pub async fn charge_address(
        &self,
        purpose: Purpose,
        client: ClientAddr,
    ) -> Result<(), ApiError> {
        let budget = Budget::Address(purpose, client.rate_key());
        self.spend(budget).await?.map_err(ApiError::rate_limited)
    }

    /// Spends one of a deployment key's budget (create and join together).
    pub async fn charge_deployment(&self, deployment: Uuid) -> Result<(), ApiError> {
        self.spend(Budget::Deployment(deployment))
            .await?
            .map_err(ApiError::deployment_rate_limited)
    }

    /// `Ok(Err(seconds to wait))` when `budget` is used up.
    async fn spend(&self, budget: Budget) -> Result<Result<(), u64>, ApiError> {
        let spent = self.counts.spend(budget).await?;
        Ok(spent.map_err(|secs| secs.max(1)))
    }

    /// Forgets whole budgets, so the counts stay bounded.
    pub async fn forget_idle(&self) {
        if let Err(e) = self.counts.forget_idle().await {
            tracing::warn!(error = %e, "cannot forget idle rate-limit budgets; retrying later");
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
