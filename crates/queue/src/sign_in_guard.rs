//! Failed sign-ins: slow down, then lock out, per address typed in *and*
//! client address.
//!
//! Keyed by the pair, so guesses from one place never keep the owner of the
//! address out when they sign in from another. Kept in memory, for valid
//! email shapes only, whether or not an expert has the address (so the answer
//! does not reveal which addresses exist), in a map of fixed capacity: the
//! oldest entry makes room, so attacker-chosen emails cannot grow memory. With
//! several server instances each keeps its own counts; the per-IP rate limit
//! still holds.
//!
//! An attempt is reserved before the password is checked and counts as a
//! failure until it succeeds, so guesses sent at once cannot all pass as free.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

use time::{Duration, OffsetDateTime};

use crate::client_addr::rate_key;

/// Failures allowed before each next attempt must wait.
const FREE_FAILURES: u32 = 3;
/// The wait after the first failure past the free ones; it doubles with each more.
const FIRST_WAIT: Duration = Duration::seconds(5);
/// Failures after which the pair is locked out.
const LOCKOUT_FAILURES: u32 = 10;
/// How long a lockout lasts.
const LOCKOUT: Duration = Duration::minutes(15);
/// A count untouched this long is forgotten.
const FORGET_AFTER: Duration = Duration::hours(1);
/// Most pairs remembered at once (a few hundred bytes each at most).
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
struct Key {
    email: String,
    client: IpAddr,
}

impl Key {
    fn new(email: &str, client: IpAddr) -> Self {
        Self {
            email: email.trim().to_lowercase(),
            client: rate_key(client),
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Failures {
    /// Failures recorded.
    count: u32,
    /// Attempts reserved and not yet reported: counted as failures meanwhile.
    pending: u32,
    last: OffsetDateTime,
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

/// The failure counts.
#[derive(Debug, Default)]
pub struct SignInGuard {
    failures: Mutex<HashMap<Key, Failures>>,
}

impl SignInGuard {
    /// Reserves an attempt for `email` from `client` at `now`, or says how
    /// long to wait. A reserved attempt counts as a failure until reported.
    pub fn begin(&self, email: &str, client: IpAddr, now: OffsetDateTime) -> Verdict<'_> {
        let key = Key::new(email, client);
        let mut failures = self.lock();
        if let Some(f) = failures.get_mut(&key) {
            let next = f.next_allowed();
            if next > now {
                return Verdict::Wait(next - now);
            }
            f.pending += 1;
            f.last = now;
        } else {
            make_room(&mut failures, now);
            failures.insert(
                key.clone(),
                Failures {
                    count: 0,
                    pending: 1,
                    last: now,
                },
            );
        }
        Verdict::Allowed(Attempt {
            guard: self,
            key: Some(key),
        })
    }

    /// How many pairs are remembered now.
    pub fn tracked(&self) -> usize {
        self.lock().len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Key, Failures>> {
        self.failures
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Forgets stale entries and, when still full, the least recently used
/// eighth: a flood of new pairs pays for a sort only every few hundred.
fn make_room(failures: &mut HashMap<Key, Failures>, now: OffsetDateTime) {
    if failures.len() < CAPACITY {
        return;
    }
    failures.retain(|_, f| now - f.last < FORGET_AFTER);
    if failures.len() < CAPACITY {
        return;
    }
    let mut by_age: Vec<(OffsetDateTime, Key)> = failures
        .iter()
        .map(|(key, f)| (f.last, key.clone()))
        .collect();
    let evict = CAPACITY / 8;
    by_age.select_nth_unstable_by_key(evict, |(last, _)| *last);
    for (_, key) in &by_age[..evict] {
        failures.remove(key);
    }
}

/// A reserved attempt. Dropped without a report (the request failed before
/// the password was judged), it is released and counts for nothing.
#[derive(Debug)]
pub struct Attempt<'a> {
    guard: &'a SignInGuard,
    /// `None` once reported.
    key: Option<Key>,
}

impl PartialEq for Attempt<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}

impl Eq for Attempt<'_> {}

impl Attempt<'_> {
    /// A wrong password (or unknown address): the reservation becomes a failure.
    pub fn failed(mut self, now: OffsetDateTime) {
        let Some(key) = self.key.take() else { return };
        let mut failures = self.guard.lock();
        if !failures.contains_key(&key) {
            // Evicted while the password was checked: it comes back as the newest.
            make_room(&mut failures, now);
        }
        let entry = failures.entry(key).or_insert(Failures {
            count: 0,
            pending: 1,
            last: now,
        });
        entry.pending = entry.pending.saturating_sub(1);
        entry.count += 1;
        entry.last = now;
    }

    /// The right password: the pair starts afresh.
    pub fn succeeded(mut self) {
        if let Some(key) = self.key.take() {
            self.guard.lock().remove(&key);
        }
    }
}

impl Drop for Attempt<'_> {
    fn drop(&mut self) {
        let Some(key) = self.key.take() else { return };
        let mut failures = self.guard.lock();
        if let Some(f) = failures.get_mut(&key) {
            f.pending = f.pending.saturating_sub(1);
            if f.count == 0 && f.pending == 0 {
                failures.remove(&key);
            }
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

    fn fail(guard: &SignInGuard, email: &str, client: IpAddr, now: OffsetDateTime) {
        match guard.begin(email, client, now) {
            Verdict::Allowed(attempt) => attempt.failed(now),
            Verdict::Wait(wait) => panic!("{email} from {client} must wait {wait}"),
        }
    }

    fn allowed(verdict: &Verdict<'_>) -> bool {
        matches!(verdict, Verdict::Allowed(_))
    }

    #[test]
    fn three_failures_are_free_then_each_attempt_waits_longer() {
        let guard = SignInGuard::default();
        let mut now = START;
        for _ in 0..FREE_FAILURES {
            fail(&guard, "ana@example.com", HOME, now);
        }
        fail(&guard, "Ana@Example.com ", HOME, now);
        assert_eq!(
            guard.begin("ana@example.com", HOME, now),
            Verdict::Wait(FIRST_WAIT),
            "the address is counted case-insensitively"
        );
        now += FIRST_WAIT;
        fail(&guard, "ana@example.com", HOME, now);
        assert_eq!(
            guard.begin("ana@example.com", HOME, now),
            Verdict::Wait(FIRST_WAIT * 2)
        );
        assert!(
            allowed(&guard.begin("luis@example.com", HOME, now)),
            "other addresses are not affected"
        );
    }

    /// Fails until the pair is locked out, each attempt after the wait;
    /// returns the time of the last failure.
    fn lock_out(guard: &SignInGuard, email: &str, client: IpAddr) -> OffsetDateTime {
        let mut now = START;
        for n in 0..LOCKOUT_FAILURES {
            if n > 0 {
                now += Duration::minutes(5);
            }
            fail(guard, email, client, now);
        }
        now
    }

    #[test]
    fn ten_failures_lock_the_pair_for_fifteen_minutes() {
        let guard = SignInGuard::default();
        let now = lock_out(&guard, "ana@example.com", HOME);
        assert_eq!(
            guard.begin("ana@example.com", HOME, now),
            Verdict::Wait(LOCKOUT)
        );
        assert!(allowed(&guard.begin(
            "ana@example.com",
            HOME,
            now + LOCKOUT
        )));
    }

    #[test]
    fn guesses_from_one_address_do_not_keep_the_owner_out_from_another() {
        let guard = SignInGuard::default();
        let now = lock_out(&guard, "admin@example.com", ATTACKER);
        assert!(matches!(
            guard.begin("admin@example.com", ATTACKER, now),
            Verdict::Wait(_)
        ));
        match guard.begin("admin@example.com", HOME, now) {
            Verdict::Allowed(attempt) => attempt.succeeded(),
            Verdict::Wait(wait) => panic!("the owner must not wait {wait}"),
        }
        assert!(
            matches!(
                guard.begin("admin@example.com", ATTACKER, now),
                Verdict::Wait(_)
            ),
            "the owner's success does not free the attacker"
        );
    }

    #[test]
    fn an_ipv6_host_cannot_hop_addresses_within_its_64() {
        let guard = SignInGuard::default();
        for host in 0..=FREE_FAILURES {
            let client = IpAddr::V6(format!("2001:db8:1:2::{host}").parse().expect("v6"));
            fail(&guard, "ana@example.com", client, START);
        }
        let next = IpAddr::V6("2001:db8:1:2::ffff".parse().expect("v6"));
        assert!(matches!(
            guard.begin("ana@example.com", next, START),
            Verdict::Wait(_)
        ));
        let elsewhere = IpAddr::V6("2001:db8:1:3::1".parse().expect("v6"));
        assert!(allowed(&guard.begin("ana@example.com", elsewhere, START)));
    }

    #[test]
    fn reserved_attempts_count_until_reported() {
        let guard = SignInGuard::default();
        // Guesses in flight at once: the ones past the free attempts wait.
        let in_flight: Vec<_> = (0..10)
            .map(|_| guard.begin("ana@example.com", HOME, START))
            .collect();
        let passed = in_flight.iter().filter(|v| allowed(v)).count();
        assert_eq!(passed, FREE_FAILURES as usize + 1);
        drop(in_flight);
        assert_eq!(
            guard.tracked(),
            0,
            "attempts dropped without a verdict are released"
        );
        assert!(allowed(&guard.begin("ana@example.com", HOME, START)));
    }

    #[test]
    fn success_clears_the_count() {
        let guard = SignInGuard::default();
        for _ in 0..FREE_FAILURES {
            fail(&guard, "ana@example.com", HOME, START);
        }
        match guard.begin("ana@example.com", HOME, START) {
            Verdict::Allowed(attempt) => attempt.succeeded(),
            Verdict::Wait(wait) => panic!("must not wait {wait}"),
        }
        assert_eq!(guard.tracked(), 0);
    }

    #[test]
    fn ten_thousand_bogus_emails_stay_within_the_capacity() {
        let guard = SignInGuard::default();
        fail(&guard, "ana@example.com", HOME, START);
        fail(&guard, "ana@example.com", HOME, START);
        for n in 0..10_000 {
            let now = START + Duration::milliseconds(n + 1);
            fail(&guard, &format!("bogus{n}@example.com"), ATTACKER, now);
            assert!(guard.tracked() <= CAPACITY, "after {n}");
        }
        assert!(guard.tracked() > CAPACITY - CAPACITY / 8);
        let now = START + Duration::seconds(20);
        for _ in 0..FREE_FAILURES {
            fail(&guard, "bogus9999@example.com", ATTACKER, now);
        }
        assert!(
            matches!(
                guard.begin("bogus9999@example.com", ATTACKER, now),
                Verdict::Wait(_)
            ),
            "the newest entries are kept"
        );
        // The oldest entry (Ana's two failures) made room: her attempts are free again.
        for _ in 0..=FREE_FAILURES {
            fail(&guard, "ana@example.com", HOME, now);
        }
    }
}
