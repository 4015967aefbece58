//! How long to wait before trying the server again: exponential backoff with
//! full jitter, so a crowd of apps coming back after an outage spreads out
//! instead of arriving together.

use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::error::ClientError;

/// Exponential backoff with full jitter: the n-th wait (counting from 0) is
/// uniformly random in `0..=min(cap, base × 2ⁿ)`, and never shorter than the
/// server's `Retry-After`.
///
/// Pure arithmetic over an injected random source: it never sleeps itself, so
/// it is tested without waiting.
#[derive(Debug, Clone)]
pub struct Backoff {
    base: Duration,
    cap: Duration,
    attempt: u32,
    rng: StdRng,
}

impl Backoff {
    /// The first ceiling: quick enough that a blip goes unnoticed.
    pub const DEFAULT_BASE: Duration = Duration::from_millis(250);
    /// The largest ceiling: a returning server is noticed within 10 s.
    pub const DEFAULT_CAP: Duration = Duration::from_secs(10);

    /// The app's policy: base 250 ms, cap 10 s, seeded from the OS.
    pub fn standard() -> Self {
        Self::new(Self::DEFAULT_BASE, Self::DEFAULT_CAP)
    }

    /// A policy with its own base and cap, seeded from the OS.
    pub fn new(base: Duration, cap: Duration) -> Self {
        Self::with_rng(base, cap, StdRng::from_os_rng())
    }

    /// A policy drawing from a given random source (tests pass a seeded one).
    pub fn with_rng(base: Duration, cap: Duration, rng: StdRng) -> Self {
        Self {
            base,
            cap: cap.max(base),
            attempt: 0,
            rng,
        }
    }

    /// How long to wait before the next try, given what the server asked for
    /// (`Retry-After`), and counts the try.
    pub fn next_delay(&mut self, retry_after: Option<Duration>) -> Duration {
        let ceiling = self.ceiling();
        self.attempt = self.attempt.saturating_add(1);
        let ceiling_nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
        let jittered = Duration::from_nanos(self.rng.random_range(0..=ceiling_nanos));
        // The server knows its load: waiting less than it asked only earns another 429.
        retry_after.map_or(jittered, |asked| jittered.max(asked))
    }

    /// The upper bound of the next wait, before jitter: `min(cap, base × 2ⁿ)`.
    pub fn ceiling(&self) -> Duration {
        let factor = 1u32.checked_shl(self.attempt.min(31)).unwrap_or(u32::MAX);
        self.base.saturating_mul(factor).min(self.cap)
    }

    /// How many waits were handed out since the last success.
    pub fn attempts(&self) -> u32 {
        self.attempt
    }

    /// Starts over after a success, so the next outage begins with short waits.
    pub fn reset(&mut self) {
        self.attempt = 0;
    }
}

/// Why a request is being retried, in the few words the UI needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryReason {
    /// The server could not be reached (network down, server stopped).
    Unreachable,
    /// The server asked us to slow down (429).
    RateLimited,
    /// The server or a proxy in front of it failed (5xx).
    ServerError,
}

impl RetryReason {
    /// The reason behind a retryable error.
    pub fn of(error: &ClientError) -> Self {
        match error {
            ClientError::Api { status: 429, .. }
            | ClientError::UnexpectedResponse { status: 429, .. } => RetryReason::RateLimited,
            ClientError::Api { .. } | ClientError::UnexpectedResponse { .. } => {
                RetryReason::ServerError
            }
            _ => RetryReason::Unreachable,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seeded(base_ms: u64, cap_ms: u64, seed: u64) -> Backoff {
        Backoff::with_rng(
            Duration::from_millis(base_ms),
            Duration::from_millis(cap_ms),
            StdRng::seed_from_u64(seed),
        )
    }

    #[test]
    fn the_ceiling_doubles_from_the_base_up_to_the_cap() {
        let mut backoff = seeded(250, 10_000, 1);
        let ceilings: Vec<u64> = (0..10)
            .map(|_| {
                let ceiling = backoff.ceiling().as_millis() as u64;
                backoff.next_delay(None);
                ceiling
            })
            .collect();
        assert_eq!(
            ceilings,
            [
                250, 500, 1000, 2000, 4000, 8000, 10_000, 10_000, 10_000, 10_000
            ]
        );
    }

    #[test]
    fn every_delay_is_within_its_ceiling_and_they_are_spread_out() {
        for seed in 0..50 {
            let mut backoff = seeded(250, 10_000, seed);
            for _ in 0..40 {
                let ceiling = backoff.ceiling();
                let delay = backoff.next_delay(None);
                assert!(delay <= ceiling, "{delay:?} exceeds {ceiling:?}");
            }
        }
        let firsts: std::collections::HashSet<Duration> = (0..50)
            .map(|seed| seeded(250, 10_000, seed).next_delay(None))
            .collect();
        assert!(
            firsts.len() > 40,
            "full jitter spreads clients out: {firsts:?}"
        );
    }

    #[test]
    fn retry_after_is_a_floor_even_beyond_the_cap() {
        let mut backoff = seeded(250, 10_000, 7);
        assert!(backoff.next_delay(Some(Duration::from_secs(5))) >= Duration::from_secs(5));
        assert_eq!(
            backoff.next_delay(Some(Duration::from_secs(60))),
            Duration::from_secs(60),
            "the server's wish wins over the cap"
        );
    }

    #[test]
    fn the_same_seed_gives_the_same_delays_and_reset_starts_over() {
        let mut first = seeded(250, 10_000, 42);
        let mut second = seeded(250, 10_000, 42);
        for _ in 0..5 {
            assert_eq!(first.next_delay(None), second.next_delay(None));
        }
        assert_eq!(first.attempts(), 5);
        first.reset();
        assert_eq!(first.ceiling(), Duration::from_millis(250));
    }

    #[test]
    fn a_huge_attempt_count_does_not_overflow() {
        let mut backoff = seeded(250, 10_000, 3);
        for _ in 0..200 {
            backoff.next_delay(None);
        }
        assert_eq!(backoff.ceiling(), Duration::from_secs(10));
    }
}
