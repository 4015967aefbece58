//! Failed sign-ins: slow down, then lock out, per address typed in.
//!
//! Kept in memory, keyed by the lower-cased email whether or not an expert
//! has it (so the answer does not reveal which addresses exist). With several
//! server instances each keeps its own count; the per-IP rate limit still holds.

use std::collections::HashMap;
use std::sync::Mutex;

use time::{Duration, OffsetDateTime};

/// Failures allowed before each next attempt must wait.
const FREE_FAILURES: u32 = 3;
/// The wait after the first failure past the free ones; it doubles with each more.
const FIRST_WAIT: Duration = Duration::seconds(5);
/// Failures after which the address is locked out.
const LOCKOUT_FAILURES: u32 = 10;
/// How long a lockout lasts.
const LOCKOUT: Duration = Duration::minutes(15);
/// A count untouched this long is forgotten.
const FORGET_AFTER: Duration = Duration::hours(1);

/// Whether a sign-in may be tried now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Check the password.
    Allowed,
    /// Too many failures: try again after this long. The password is not checked.
    Wait(Duration),
}

#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    last: OffsetDateTime,
}

impl Failures {
    /// When the next attempt is allowed.
    fn next_allowed(&self) -> OffsetDateTime {
        if self.count >= LOCKOUT_FAILURES {
            self.last + LOCKOUT
        } else if self.count > FREE_FAILURES {
            // 5 s, 10 s, 20 s … doubling with each failure past the free ones.
            self.last + FIRST_WAIT * (1 << (self.count - FREE_FAILURES - 1))
        } else {
            self.last
        }
    }
}

/// The failure counts.
#[derive(Debug, Default)]
pub struct SignInGuard {
    failures: Mutex<HashMap<String, Failures>>,
}

impl SignInGuard {
    /// Whether `email` may try to sign in at `now`.
    pub fn check(&self, email: &str, now: OffsetDateTime) -> Verdict {
        let failures = self.lock();
        match failures.get(&key(email)) {
            Some(f) if f.next_allowed() > now => Verdict::Wait(f.next_allowed() - now),
            _ => Verdict::Allowed,
        }
    }

    /// Records a wrong password (or unknown address).
    pub fn failed(&self, email: &str, now: OffsetDateTime) {
        let mut failures = self.lock();
        failures.retain(|_, f| now - f.last < FORGET_AFTER);
        let entry = failures.entry(key(email)).or_insert(Failures {
            count: 0,
            last: now,
        });
        entry.count += 1;
        entry.last = now;
    }

    /// A successful sign-in clears the count.
    pub fn succeeded(&self, email: &str) {
        self.lock().remove(&key(email));
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Failures>> {
        self.failures
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

fn key(email: &str) -> String {
    email.trim().to_lowercase()
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    const START: OffsetDateTime = datetime!(2026-11-27 12:00 UTC);

    #[test]
    fn three_failures_are_free_then_each_attempt_waits_longer() {
        let guard = SignInGuard::default();
        let mut now = START;
        for _ in 0..FREE_FAILURES {
            assert_eq!(guard.check("ana@example.com", now), Verdict::Allowed);
            guard.failed("ana@example.com", now);
        }
        assert_eq!(guard.check("ana@example.com", now), Verdict::Allowed);
        guard.failed("Ana@Example.com ", now);
        assert_eq!(
            guard.check("ana@example.com", now),
            Verdict::Wait(FIRST_WAIT),
            "the address is counted case-insensitively"
        );
        now += FIRST_WAIT;
        assert_eq!(guard.check("ana@example.com", now), Verdict::Allowed);
        guard.failed("ana@example.com", now);
        assert_eq!(
            guard.check("ana@example.com", now),
            Verdict::Wait(FIRST_WAIT * 2)
        );
        assert_eq!(
            guard.check("luis@example.com", now),
            Verdict::Allowed,
            "other addresses are not affected"
        );
    }

    #[test]
    fn ten_failures_lock_the_address_for_fifteen_minutes() {
        let guard = SignInGuard::default();
        let mut now = START;
        for _ in 0..LOCKOUT_FAILURES {
            guard.failed("ana@example.com", now);
            now += Duration::minutes(2);
        }
        now -= Duration::minutes(2);
        assert_eq!(guard.check("ana@example.com", now), Verdict::Wait(LOCKOUT));
        assert_eq!(
            guard.check("ana@example.com", now + LOCKOUT),
            Verdict::Allowed
        );
    }

    #[test]
    fn success_clears_the_count() {
        let guard = SignInGuard::default();
        for _ in 0..5 {
            guard.failed("ana@example.com", START);
        }
        guard.succeeded("ana@example.com");
        assert_eq!(guard.check("ana@example.com", START), Verdict::Allowed);
    }
}
