//! Failed sign-ins: slow down, then lock out, per address typed in *and*
//! client address.
//!
//! Keyed by the pair, so guesses from one place never keep the owner of the
//! address out when they sign in from another. Counted for valid email
//! shapes only, whether or not an expert has the address (so the answer does
//! not reveal which addresses exist).
//!
//! The rule ([`Step::apply`]) is here; where the counts live is a
//! [`FailureCounts`]: this process's memory for one server, in a map of
//! fixed capacity (the oldest entry makes room, so attacker-chosen emails
//! cannot grow memory), or the database every instance shares, so guesses
//! spread over several instances count together.
//!
//! An attempt is reserved before the password is checked and counts as a
//! failure until it succeeds, so guesses sent at once cannot all pass as free.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use time::{Duration, OffsetDateTime};

use crate::client_addr::rate_key;
use crate::store::StoreError;

/// Failures allowed before each next attempt must wait.
const FREE_FAILURES: u32 = 3;
/// The wait after the first failure past the free ones; it doubles with each more.
const FIRST_WAIT: Duration = Duration::seconds(5);
/// Failures after which the pair is locked out.
const LOCKOUT_FAILURES: u32 = 10;
/// How long a lockout lasts.
const LOCKOUT: Duration = Duration::minutes(15);
/// A count untouched this long is forgotten.
pub const FORGET_AFTER: Duration = Duration::hours(1);
/// Most pairs remembered at once in memory (a few hundred bytes each at most).
pub const CAPACITY: usize = 4096;

/// Whether a sign-in may be tried now.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict<'a> {
    /// Check the password, then report on the attempt.
    Allowed(Attempt<'a>),
    /// Too many failures: try again after this long. The password is not checked.
    Wait(Duration),
}

/// Who is signing in: the address typed in and where the request came from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SignInKey {
    /// The address typed in, trimmed and lower-cased.
    pub email: String,
    /// The client address, as its rate limits count it (an IPv6 /64).
    pub client: IpAddr,
}

impl SignInKey {
    fn new(email: &str, client: IpAddr) -> Self {
        Self {
            email: email.trim().to_lowercase(),
            client: rate_key(client),
        }
    }
}

/// The failures of one pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Failures {
    /// Failures recorded.
    pub count: u32,
    /// Attempts reserved and not yet reported: counted as failures meanwhile.
    pub pending: u32,
    /// The last attempt or failure.
    pub last: OffsetDateTime,
}

impl Failures {
    /// When the next attempt is allowed.
    fn next_allowed(&self) -> OffsetDateTime {
        let count = self.count + self.pending;
        if count >= LOCKOUT_FAILURES {
            self.last + LOCKOUT
        } else if count > FREE_FAILURES {
            // 5 s, 10 s, 20 s … doubling with each failure past the free ones.
            self.last + FIRST_WAIT * (1 << (count - FREE_FAILURES - 1))
        } else {
            self.last
        }
    }
}

/// What happens to a pair's failures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// An attempt is reserved, unless the pair must wait.
    Begin,
    /// A reserved attempt failed (a wrong password or an unknown address).
    Failed,
    /// A reserved attempt succeeded: the pair starts afresh.
    Succeeded,
    /// A reserved attempt ended without a verdict: it counts for nothing.
    Release,
}

impl Step {
    /// The pair's failures after this step at `now` (`None`: nothing to
    /// remember), and for a refused [`Step::Begin`] how long to wait.
    pub fn apply(
        self,
        failures: Option<Failures>,
        now: OffsetDateTime,
    ) -> (Option<Failures>, Option<Duration>) {
        match (self, failures) {
            (Step::Begin, Some(f)) => {
                let next = f.next_allowed();
                if next > now {
                    (Some(f), Some(next - now))
                } else {
                    let reserved = Failures {
                        pending: f.pending + 1,
                        last: now,
                        ..f
                    };
                    (Some(reserved), None)
                }
            }
            (Step::Begin, None) => (
                Some(Failures {
                    count: 0,
                    pending: 1,
                    last: now,
                }),
                None,
            ),
            (Step::Failed, f) => {
                // Forgotten while the password was checked: it comes back.
                let f = f.unwrap_or(Failures {
                    count: 0,
                    pending: 1,
                    last: now,
                });
                let failed = Failures {
                    count: f.count + 1,
                    pending: f.pending.saturating_sub(1),
                    last: now,
                };
                (Some(failed), None)
            }
            (Step::Succeeded, _) | (Step::Release, None) => (None, None),
            (Step::Release, Some(f)) => {
                let pending = f.pending.saturating_sub(1);
                if f.count == 0 && pending == 0 {
                    (None, None)
                } else {
                    (Some(Failures { pending, ..f }), None)
                }
            }
        }
    }
}

/// Where the failures are kept. Each implementation applies a step to a
/// pair atomically: no other step on that pair comes in between, from this
/// server or another.
#[async_trait]
pub trait FailureCounts: Send + Sync + std::fmt::Debug {
    /// Applies `step` to `key`'s failures at `now`; returns how long to wait
    /// when a [`Step::Begin`] is refused.
    async fn apply(
        &self,
        key: &SignInKey,
        step: Step,
        now: OffsetDateTime,
    ) -> Result<Option<Duration>, StoreError>;

    /// Applies [`Step::Release`] without being awaited (from a drop): at
    /// once, or on a task of its own.
    fn release(&self, key: SignInKey, now: OffsetDateTime);

    /// How many pairs are remembered now.
    async fn tracked(&self) -> Result<usize, StoreError>;

    /// Forgets pairs untouched for [`FORGET_AFTER`] before `now`.
    async fn forget_stale(&self, now: OffsetDateTime) -> Result<(), StoreError>;
}

/// The failures kept in this process's memory, at most [`CAPACITY`] pairs.
#[derive(Debug, Default)]
pub struct MemoryFailures {
    failures: Mutex<HashMap<SignInKey, Failures>>,
}

impl MemoryFailures {
    fn apply_now(&self, key: &SignInKey, step: Step, now: OffsetDateTime) -> Option<Duration> {
        let mut failures = self
            .failures
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let (after, wait) = step.apply(failures.get(key).copied(), now);
        match after {
            Some(f) => {
                if !failures.contains_key(key) {
                    make_room(&mut failures, now);
                }
                failures.insert(key.clone(), f);
            }
            None => {
                failures.remove(key);
            }
        }
        wait
    }

    fn len(&self) -> usize {
        self.failures
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .len()
    }
}

#[async_trait]
impl FailureCounts for MemoryFailures {
    async fn apply(
        &self,
        key: &SignInKey,
        step: Step,
        now: OffsetDateTime,
    ) -> Result<Option<Duration>, StoreError> {
        Ok(self.apply_now(key, step, now))
    }

    fn release(&self, key: SignInKey, now: OffsetDateTime) {
        self.apply_now(&key, Step::Release, now);
    }

    async fn tracked(&self) -> Result<usize, StoreError> {
        Ok(self.len())
    }

    async fn forget_stale(&self, _now: OffsetDateTime) -> Result<(), StoreError> {
        // The capacity bounds the map; stale entries go when it fills.
        Ok(())
    }
}

/// Forgets stale entries and, when still full, the least recently used
/// eighth: a flood of new pairs pays for a sort only every few hundred.
fn make_room(failures: &mut HashMap<SignInKey, Failures>, now: OffsetDateTime) {
    if failures.len() < CAPACITY {
        return;
    }
    failures.retain(|_, f| now - f.last < FORGET_AFTER);
    if failures.len() < CAPACITY {
        return;
    }
    let mut by_age: Vec<(OffsetDateTime, SignInKey)> = failures
        .iter()
        .map(|(key, f)| (f.last, key.clone()))
        .collect();
    let evict = CAPACITY / 8;
    by_age.select_nth_unstable_by_key(evict, |(last, _)| *last);
    for (_, key) in &by_age[..evict] {
        failures.remove(key);
    }
}

/// The failure counts.
#[derive(Debug, Clone)]
pub struct SignInGuard {
    counts: Arc<dyn FailureCounts>,
}

impl Default for SignInGuard {
    /// Counts in this process's memory.
    fn default() -> Self {
        Self::new(Arc::new(MemoryFailures::default()))
    }
}

impl SignInGuard {
    /// A guard over `counts`.
    pub fn new(counts: Arc<dyn FailureCounts>) -> Self {
        Self { counts }
    }

    /// Reserves an attempt for `email` from `client` at `now`, or says how
    /// long to wait. A reserved attempt counts as a failure until reported.
    pub async fn begin(
        &self,
        email: &str,
        client: IpAddr,
        now: OffsetDateTime,
    ) -> Result<Verdict<'_>, StoreError> {
        let key = SignInKey::new(email, client);
        Ok(match self.counts.apply(&key, Step::Begin, now).await? {
            Some(wait) => Verdict::Wait(wait),
            None => Verdict::Allowed(Attempt {
                guard: self,
                key: Some(key),
            }),
        })
    }

    /// How many pairs are remembered now.
    pub async fn tracked(&self) -> Result<usize, StoreError> {
        self.counts.tracked().await
    }

    /// Forgets pairs untouched for an hour.
    pub async fn forget_stale(&self, now: OffsetDateTime) {
        if let Err(e) = self.counts.forget_stale(now).await {
            tracing::warn!(error = %e, "cannot forget stale sign-in failures; retrying later");
        }
    }
}

/// A reserved attempt. Dropped without a report (the request failed before
/// the password was judged), it is released and counts for nothing.
#[derive(Debug)]
pub struct Attempt<'a> {
    guard: &'a SignInGuard,
    /// `None` once reported.
    key: Option<SignInKey>,
}

impl PartialEq for Attempt<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}

impl Eq for Attempt<'_> {}

impl Attempt<'_> {
    /// A wrong password (or unknown address): the reservation becomes a failure.
    pub async fn failed(mut self, now: OffsetDateTime) -> Result<(), StoreError> {
        let Some(key) = self.key.take() else {
            return Ok(());
        };
        self.guard.counts.apply(&key, Step::Failed, now).await?;
        Ok(())
    }

    /// The right password: the pair starts afresh.
    pub async fn succeeded(mut self, now: OffsetDateTime) -> Result<(), StoreError> {
        let Some(key) = self.key.take() else {
            return Ok(());
        };
        self.guard.counts.apply(&key, Step::Succeeded, now).await?;
        Ok(())
    }
}

impl Drop for Attempt<'_> {
    fn drop(&mut self) {
        if let Some(key) = self.key.take() {
            self.guard.counts.release(key, OffsetDateTime::now_utc());
        }
    }
}

#[cfg(test)]
mod tests {
    use std::net::Ipv4Addr;

    use time::macros::datetime;

    use super::*;

    const START: OffsetDateTime = datetime!(2026-11-27 12:00 UTC);
    const HOME: IpAddr = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1));
    const ATTACKER: IpAddr = IpAddr::V4(Ipv4Addr::new(198, 51, 100, 7));

    async fn fail(guard: &SignInGuard, email: &str, client: IpAddr, now: OffsetDateTime) {
        match begin(guard, email, client, now).await {
            Verdict::Allowed(attempt) => attempt.failed(now).await.expect("counted"),
            Verdict::Wait(wait) => panic!("{email} from {client} must wait {wait}"),
        }
    }

    async fn begin<'a>(
        guard: &'a SignInGuard,
        email: &str,
        client: IpAddr,
        now: OffsetDateTime,
    ) -> Verdict<'a> {
        guard.begin(email, client, now).await.expect("counted")
    }

    async fn tracked(guard: &SignInGuard) -> usize {
        guard.tracked().await.expect("counted")
    }

    fn allowed(verdict: &Verdict<'_>) -> bool {
        matches!(verdict, Verdict::Allowed(_))
    }

    #[tokio::test]
    async fn three_failures_are_free_then_each_attempt_waits_longer() {
        let guard = SignInGuard::default();
        let mut now = START;
        for _ in 0..FREE_FAILURES {
            fail(&guard, "ana@example.com", HOME, now).await;
        }
        fail(&guard, "Ana@Example.com ", HOME, now).await;
        assert_eq!(
            begin(&guard, "ana@example.com", HOME, now).await,
            Verdict::Wait(FIRST_WAIT),
            "the address is counted case-insensitively"
        );
        now += FIRST_WAIT;
        fail(&guard, "ana@example.com", HOME, now).await;
        assert_eq!(
            begin(&guard, "ana@example.com", HOME, now).await,
            Verdict::Wait(FIRST_WAIT * 2)
        );
        assert!(
            allowed(&begin(&guard, "luis@example.com", HOME, now).await),
            "other addresses are not affected"
        );
    }

    /// Fails until the pair is locked out, each attempt after the wait;
    /// returns the time of the last failure.
    async fn lock_out(guard: &SignInGuard, email: &str, client: IpAddr) -> OffsetDateTime {
        let mut now = START;
        for n in 0..LOCKOUT_FAILURES {
            if n > 0 {
                now += Duration::minutes(5);
            }
            fail(guard, email, client, now).await;
        }
        now
    }

    #[tokio::test]
    async fn ten_failures_lock_the_pair_for_fifteen_minutes() {
        let guard = SignInGuard::default();
        let now = lock_out(&guard, "ana@example.com", HOME).await;
        assert_eq!(
            begin(&guard, "ana@example.com", HOME, now).await,
            Verdict::Wait(LOCKOUT)
        );
        assert!(allowed(
            &begin(&guard, "ana@example.com", HOME, now + LOCKOUT).await
        ));
    }

    #[tokio::test]
    async fn guesses_from_one_address_do_not_keep_the_owner_out_from_another() {
        let guard = SignInGuard::default();
        let now = lock_out(&guard, "admin@example.com", ATTACKER).await;
        assert!(matches!(
            begin(&guard, "admin@example.com", ATTACKER, now).await,
            Verdict::Wait(_)
        ));
        match begin(&guard, "admin@example.com", HOME, now).await {
            Verdict::Allowed(attempt) => attempt.succeeded(START).await.expect("counted"),
            Verdict::Wait(wait) => panic!("the owner must not wait {wait}"),
        }
        assert!(
            matches!(
                begin(&guard, "admin@example.com", ATTACKER, now).await,
                Verdict::Wait(_)
            ),
            "the owner's success does not free the attacker"
        );
    }

    #[tokio::test]
    async fn an_ipv6_host_cannot_hop_addresses_within_its_64() {
        let guard = SignInGuard::default();
        for host in 0..=FREE_FAILURES {
            let client = IpAddr::V6(format!("2001:db8:1:2::{host}").parse().expect("v6"));
            fail(&guard, "ana@example.com", client, START).await;
        }
        let next = IpAddr::V6("2001:db8:1:2::ffff".parse().expect("v6"));
        assert!(matches!(
            begin(&guard, "ana@example.com", next, START).await,
            Verdict::Wait(_)
        ));
        let elsewhere = IpAddr::V6("2001:db8:1:3::1".parse().expect("v6"));
        assert!(allowed(
            &begin(&guard, "ana@example.com", elsewhere, START).await
        ));
    }

    #[tokio::test]
    async fn reserved_attempts_count_until_reported() {
        let guard = SignInGuard::default();
        // Guesses in flight at once: the ones past the free attempts wait.
        let mut in_flight = Vec::new();
        for _ in 0..10 {
            in_flight.push(begin(&guard, "ana@example.com", HOME, START).await);
        }
        let passed = in_flight.iter().filter(|v| allowed(v)).count();
        assert_eq!(passed, FREE_FAILURES as usize + 1);
        drop(in_flight);
        assert_eq!(
            tracked(&guard).await,
            0,
            "attempts dropped without a verdict are released"
        );
        assert!(allowed(
            &begin(&guard, "ana@example.com", HOME, START).await
        ));
    }

    #[tokio::test]
    async fn success_clears_the_count() {
        let guard = SignInGuard::default();
        for _ in 0..FREE_FAILURES {
            fail(&guard, "ana@example.com", HOME, START).await;
        }
        match begin(&guard, "ana@example.com", HOME, START).await {
            Verdict::Allowed(attempt) => attempt.succeeded(START).await.expect("counted"),
            Verdict::Wait(wait) => panic!("must not wait {wait}"),
        }
        assert_eq!(tracked(&guard).await, 0);
    }

    #[tokio::test]
    async fn ten_thousand_bogus_emails_stay_within_the_capacity() {
        let guard = SignInGuard::default();
        fail(&guard, "ana@example.com", HOME, START).await;
        fail(&guard, "ana@example.com", HOME, START).await;
        for n in 0..10_000 {
            let now = START + Duration::milliseconds(n + 1);
            fail(&guard, &format!("bogus{n}@example.com"), ATTACKER, now).await;
            assert!(tracked(&guard).await <= CAPACITY, "after {n}");
        }
        assert!(tracked(&guard).await > CAPACITY - CAPACITY / 8);
        let now = START + Duration::seconds(20);
        for _ in 0..FREE_FAILURES {
            fail(&guard, "bogus9999@example.com", ATTACKER, now).await;
        }
        assert!(
            matches!(
                begin(&guard, "bogus9999@example.com", ATTACKER, now).await,
                Verdict::Wait(_)
            ),
            "the newest entries are kept"
        );
        // The oldest entry (Ana's two failures) made room: her attempts are free again.
        for _ in 0..=FREE_FAILURES {
            fail(&guard, "ana@example.com", HOME, now).await;
        }
    }
}
