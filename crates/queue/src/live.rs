//! Caps on live connections, so one credential cannot hold the server's
//! memory or the database's writer with sockets and streams: session sockets
//! per case side, event streams per credential, and one chat budget per case
//! side shared by all of that side's sockets.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use uuid::Uuid;

use lifeline_protocol::MessageFrom;
use lifeline_protocol::limits::{MESSAGE_BURST, MESSAGE_REFILL_MS};

use crate::credentials::TokenHash;

/// Session sockets the customer side of one case may hold open: the app's
/// socket, and one more while a reconnect overlaps the old one.
pub const CUSTOMER_SOCKETS: usize = 2;
/// Session sockets the expert side of one case may hold open: a few experts
/// (or console tabs) at once.
pub const EXPERT_SOCKETS: usize = 4;
/// Event streams one case token may hold open.
pub const CUSTOMER_STREAMS: usize = 4;
/// Event streams one expert token or console session may hold open: an
/// integration or a console follows several cases at once.
pub const EXPERT_STREAMS: usize = 16;

/// A live peer is dropped when it has not answered, or not taken what was
/// sent to it, for this long. With session pings every 2 s and checks every
/// second, a side that vanished is out within 9 s, inside the 10 s API.md promises.
pub const SILENT_FOR: Duration = Duration::from_secs(7);

/// Stored events read at once when replaying a case's history.
pub const REPLAY_PAGE: u32 = 100;

/// The open sockets and streams, counted.
#[derive(Debug, Clone, Default)]
pub struct Live {
    counts: Arc<Mutex<Counts>>,
}

#[derive(Debug, Default)]
struct Counts {
    sides: HashMap<SideKey, SideEntry>,
    /// Sides with no socket left whose budget is still refilling, by when it
    /// is full: kept so a reconnect does not start with a fresh budget.
    refilling: VecDeque<(SideKey, Instant)>,
    streams: HashMap<TokenHash, usize>,
}

type SideKey = (Uuid, MessageFrom);

#[derive(Debug)]
struct SideEntry {
    sockets: usize,
    budget: MessageBudget,
}

/// Too many connections of one kind are open.
#[derive(Debug, thiserror::Error)]
#[error("{open} {what} already open (at most {cap}); close one first")]
pub struct CapReached {
    /// How many are open.
    pub open: usize,
    /// What is capped.
    pub what: &'static str,
    /// The cap.
    pub cap: usize,
}

impl Live {
    /// Takes one of the session sockets of a case's side; refused at the cap.
    pub fn open_socket(&self, case: Uuid, side: MessageFrom) -> Result<SocketSlot, CapReached> {
        let now = Instant::now();
        let mut counts = self.lock();
        counts.forget_refilled(now);
        let cap = match side {
            MessageFrom::Customer => CUSTOMER_SOCKETS,
            MessageFrom::Expert => EXPERT_SOCKETS,
        };
        let entry = counts
            .sides
            .entry((case, side))
            .or_insert_with(|| SideEntry {
                sockets: 0,
                budget: MessageBudget::full(now),
            });
        if entry.sockets >= cap {
            return Err(CapReached {
                open: entry.sockets,
                what: match side {
                    MessageFrom::Customer => "customer session sockets for this case",
                    MessageFrom::Expert => "expert session sockets for this case",
                },
                cap,
            });
        }
        entry.sockets += 1;
        Ok(SocketSlot {
            live: self.clone(),
            key: (case, side),
        })
    }

    /// Takes one of a credential's event streams; `customer` for a case token.
    pub fn open_stream(
        &self,
        credential: TokenHash,
        customer: bool,
    ) -> Result<StreamSlot, CapReached> {
        let cap = if customer {
            CUSTOMER_STREAMS
        } else {
            EXPERT_STREAMS
        };
        let mut counts = self.lock();
        let open = counts.streams.entry(credential).or_default();
        if *open >= cap {
            return Err(CapReached {
                open: *open,
                what: "event streams for this credential",
                cap,
            });
        }
        *open += 1;
        Ok(StreamSlot {
            live: self.clone(),
            credential,
        })
    }

    fn lock(&self) -> MutexGuard<'_, Counts> {
        self.counts
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Counts {
    fn forget_refilled(&mut self, now: Instant) {
        while let Some(&(key, full_at)) = self.refilling.front() {
            if full_at > now {
                break;
            }
            self.refilling.pop_front();
            if self.sides.get(&key).is_some_and(|e| e.sockets == 0) {
                self.sides.remove(&key);
            }
        }
    }
}

/// One open session socket; closing it (dropping) frees its place.
#[derive(Debug)]
pub struct SocketSlot {
    live: Live,
    key: SideKey,
}

impl SocketSlot {
    /// Takes one chat message from the side's budget: a burst, then a
    /// steady rate, however many sockets the side opens.
    pub fn take_message(&self) -> bool {
        let mut counts = self.live.lock();
        counts
            .sides
            .get_mut(&self.key)
            .is_some_and(|entry| entry.budget.take(Instant::now()))
    }
}

impl Drop for SocketSlot {
    fn drop(&mut self) {
        let now = Instant::now();
        let mut counts = self.live.lock();
        let Some(entry) = counts.sides.get_mut(&self.key) else {
            return;
        };
        entry.sockets = entry.sockets.saturating_sub(1);
        if entry.sockets > 0 {
            return;
        }
        match entry.budget.full_at(now) {
            Some(full_at) => counts.refilling.push_back((self.key, full_at)),
            None => {
                counts.sides.remove(&self.key);
            }
        }
    }
}

/// One open event stream; ending it (dropping) frees its place.
#[derive(Debug)]
pub struct StreamSlot {
    live: Live,
    credential: TokenHash,
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        let mut counts = self.live.lock();
        if let Some(open) = counts.streams.get_mut(&self.credential) {
            *open = open.saturating_sub(1);
            if *open == 0 {
                counts.streams.remove(&self.credential);
            }
        }
    }
}

/// A token bucket of chat messages: a burst, then one per refill period.
#[derive(Debug)]
struct MessageBudget {
    tokens: f64,
    refilled: Instant,
}

impl MessageBudget {
    fn full(now: Instant) -> Self {
        Self {
            tokens: f64::from(MESSAGE_BURST),
            refilled: now,
        }
    }

    fn per_token() -> f64 {
        Duration::from_millis(MESSAGE_REFILL_MS).as_secs_f64()
    }

    fn refill(&mut self, now: Instant) {
        let earned = now.duration_since(self.refilled).as_secs_f64() / Self::per_token();
        self.tokens = (self.tokens + earned).min(f64::from(MESSAGE_BURST));
        self.refilled = now;
    }

    fn take(&mut self, now: Instant) -> bool {
        self.refill(now);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }

    /// When the bucket is full again; `None` when it is full now.
    fn full_at(&mut self, now: Instant) -> Option<Instant> {
        self.refill(now);
        let missing = f64::from(MESSAGE_BURST) - self.tokens;
        (missing > 0.0).then(|| now + Duration::from_secs_f64(missing * Self::per_token()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_budget_allows_a_burst_then_refuses() {
        let now = Instant::now();
        let mut budget = MessageBudget::full(now);
        for _ in 0..MESSAGE_BURST {
            assert!(budget.take(now));
        }
        assert!(!budget.take(now), "the burst is spent");
        assert!(budget.full_at(now).is_some_and(|at| at > now));
    }

    #[test]
    fn sockets_of_a_side_share_one_budget_that_outlives_a_reconnect() {
        let live = Live::default();
        let case = Uuid::now_v7();
        let first = live
            .open_socket(case, MessageFrom::Customer)
            .expect("first");
        let second = live
            .open_socket(case, MessageFrom::Customer)
            .expect("second");
        assert!(live.open_socket(case, MessageFrom::Customer).is_err());
        for _ in 0..MESSAGE_BURST {
            assert!(first.take_message());
        }
        assert!(
            !second.take_message(),
            "the second socket has no budget of its own"
        );
        drop((first, second));
        let again = live
            .open_socket(case, MessageFrom::Customer)
            .expect("again");
        assert!(
            !again.take_message(),
            "reconnecting does not refill the budget"
        );
        drop(again);
        let expert = live.open_socket(case, MessageFrom::Expert).expect("expert");
        assert!(expert.take_message(), "the other side has its own budget");
    }

    #[test]
    fn streams_are_capped_per_credential_and_freed_when_they_end() {
        let live = Live::default();
        let slots: Vec<_> = (0..CUSTOMER_STREAMS)
            .map(|_| live.open_stream([1; 32], true).expect("under the cap"))
            .collect();
        assert!(live.open_stream([1; 32], true).is_err());
        assert!(
            live.open_stream([2; 32], true).is_ok(),
            "another credential"
        );
        drop(slots);
        assert!(live.open_stream([1; 32], true).is_ok());
        assert!(live.lock().streams.is_empty());
    }
}
