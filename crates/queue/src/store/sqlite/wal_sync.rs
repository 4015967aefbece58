//! Answering commits once they are on disk, without making the writer wait.
//!
//! The writer commits with `synchronous=NORMAL`: a commit writes its WAL
//! frames (into the OS page cache) but does not fsync them. Its callers are
//! answered only after an fsync of the WAL file that *started after* the
//! commit returned. Such an fsync makes every frame written before it
//! durable, and SQLite recovers a WAL as a prefix (up to the last commit
//! frame whose checksum chain holds), so a commit found durable makes every
//! earlier one durable too. Meanwhile the writer runs the next batch: the
//! fsync's milliseconds overlap the next batch's work instead of adding to
//! it, and up to [`SYNC_THREADS`] fsyncs are in flight at once (measured on
//! this project's VM: one thread completes ~370 fdatasyncs/s, two ~2,300/s).
//! Answers leave in commit order whatever order the fsyncs end in, so events
//! are still published in commit order.
//!
//! What this does not change: no caller is ever told a write committed before
//! it is on disk, exactly as with `synchronous=FULL`. What it does change:
//! another connection may *read* a commit during the few milliseconds before
//! its fsync ends. A power cut in that window loses the commit (its caller
//! was never answered, and a retried create with the same idempotency key
//! creates it again) after someone may have seen it in a list.

use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};

use crate::store::StoreError;
use crate::store::storage::{Completion, NotCommitted};

/// fsyncs of the WAL in flight at once.
pub(super) const SYNC_THREADS: usize = 2;

/// Makes everything written to the WAL so far durable (`fdatasync`).
pub(super) type SyncWal = Box<dyn Fn() -> std::io::Result<()> + Send + Sync>;

/// The writer's end: hands over each transaction's callers with its outcome.
/// Dropping it lets the sync threads finish what was handed over and stop.
pub(super) struct WalSync {
    shared: Arc<Shared>,
}

struct Shared {
    state: Mutex<State>,
    /// Signalled when a commit is handed over, and when the writer stops.
    committed: Condvar,
    /// Held while answering, so that answers leave in commit order even when
    /// two sync threads answer one after the other.
    answering: Mutex<()>,
    sync_wal: SyncWal,
}

#[derive(Default)]
struct State {
    /// Commits handed over so far; commit `n` is the n-th.
    written: u64,
    /// The last commit that an fsync started after.
    sync_started: u64,
    /// Every commit up to this one is on disk.
    durable: u64,
    /// Transactions not answered yet, in commit order.
    waiting: VecDeque<Waiting>,
    /// The writer has stopped: no more commits will come.
    closed: bool,
}

/// A transaction's callers, answered once commit `after` is on disk.
struct Waiting {
    after: u64,
    outcome: Result<(), NotCommitted>,
    completions: Vec<Completion>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A completion that panicked leaves the bookkeeping whole: go on.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl WalSync {
    /// Starts the sync threads, which make the WAL durable with `sync_wal`.
    pub(super) fn start(sync_wal: SyncWal) -> Result<Self, StoreError> {
        let shared = Arc::new(Shared {
            state: Mutex::new(State::default()),
            committed: Condvar::new(),
            answering: Mutex::new(()),
            sync_wal,
        });
        for index in 0..SYNC_THREADS {
            let shared = Arc::clone(&shared);
            std::thread::Builder::new()
                .name(format!("sqlite-sync-{index}"))
                .spawn(move || shared.run_syncs())
                .map_err(|source| StoreError::ThreadStart {
                    thread: "WAL sync",
                    source,
                })?;
        }
        Ok(Self { shared })
    }

    /// Hands over the callers of a transaction that ended with `outcome`.
    /// A commit's callers are answered once an fsync that starts now ends;
    /// those of a transaction that did not commit as soon as every earlier
    /// transaction's are (nothing of theirs needs to reach the disk).
    pub(super) fn hand_over(
        &self,
        outcome: Result<(), NotCommitted>,
        completions: Vec<Completion>,
    ) {
        let committed = outcome.is_ok();
        {
            let mut state = lock(&self.shared.state);
            if committed {
                state.written += 1;
            }
            let after = state.written;
            state.waiting.push_back(Waiting {
                after,
                outcome,
                completions,
            });
        }
        if committed {
            self.shared.committed.notify_one();
        } else {
            // No fsync will come for it if every earlier commit is durable.
            self.shared.answer_durable();
        }
    }
}

impl Drop for WalSync {
    fn drop(&mut self) {
        lock(&self.shared.state).closed = true;
        self.shared.committed.notify_all();
    }
}

impl Shared {
    /// One sync thread: waits for commits no fsync has started after, syncs,
    /// answers what is durable; stops once the writer has and all is synced.
    fn run_syncs(&self) {
        loop {
            let target = {
                let mut state = lock(&self.state);
                while state.written == state.sync_started && !state.closed {
                    state = self
                        .committed
                        .wait(state)
                        .unwrap_or_else(PoisonError::into_inner);
                }
                if state.written == state.sync_started {
                    return;
                }
                state.sync_started = state.written;
                state.written
            };
            if let Err(error) = (self.sync_wal)() {
                // After a failed fsync the kernel may have dropped the dirty
                // pages and a later fsync may succeed without them, so
                // nothing written since the last good one can be vouched
                // for, nor taken back: it is visible to readers already. End
                // the process, as PostgreSQL does; on restart SQLite recovers
                // what is on disk, and no caller was told it committed.
                tracing::error!(%error, "fsync of the WAL failed; stopping the server");
                eprintln!("lifeline-queue: fsync of the WAL failed ({error}); stopping");
                std::process::abort();
            }
            {
                let mut state = lock(&self.state);
                state.durable = state.durable.max(target);
            }
            self.answer_durable();
        }
    }

    /// Answers, in commit order, every waiting transaction that is durable.
    fn answer_durable(&self) {
        let _turn = lock(&self.answering);
        let ready: Vec<Waiting> = {
            let mut state = lock(&self.state);
            let durable = state.durable;
            let count = state
                .waiting
                .iter()
                .take_while(|waiting| waiting.after <= durable)
                .count();
            state.waiting.drain(..count).collect()
        };
        for waiting in ready {
            for complete in waiting.completions {
                complete(waiting.outcome.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;
    use std::time::Duration;

    use super::*;

    const WAIT: Duration = Duration::from_secs(10);
    const SETTLE: Duration = Duration::from_millis(100);

    /// A WAL whose fsyncs each wait until the test ends them: the receiver
    /// tells when the n-th fsync starts, and the n-th sender ends it. (A sync
    /// that fails would abort the test process: these end with `Ok` even
    /// when the test never ends them, only late.)
    fn gated_wal(fsyncs: usize) -> (SyncWal, mpsc::Receiver<usize>, Vec<mpsc::Sender<()>>) {
        let (started_tx, started) = mpsc::channel();
        let (ends, waits): (Vec<_>, Vec<_>) = (0..fsyncs).map(|_| mpsc::channel::<()>()).unzip();
        let waits = Mutex::new(waits.into_iter().enumerate().collect::<VecDeque<_>>());
        let sync: SyncWal = Box::new(move || {
            let next = lock(&waits).pop_front();
            if let Some((n, wait)) = next {
                let _ = started_tx.send(n);
                let _ = wait.recv_timeout(WAIT);
            }
            Ok(())
        });
        (sync, started, ends)
    }

    /// A completion that reports its name and outcome on `told`.
    fn caller(name: &'static str, told: &mpsc::Sender<(&'static str, bool)>) -> Completion {
        let told = told.clone();
        Box::new(move |outcome: Result<(), NotCommitted>| {
            let _ = told.send((name, outcome.is_ok()));
        })
    }

    fn nothing_told(told: &mpsc::Receiver<(&'static str, bool)>) -> bool {
        told.recv_timeout(SETTLE).is_err()
    }

    #[test]
    fn a_commit_is_answered_only_by_an_fsync_that_started_after_it()
    -> Result<(), Box<dyn std::error::Error>> {
        let (sync, started, ends) = gated_wal(2);
        let wal = WalSync::start(sync)?;
        let (told_tx, told) = mpsc::channel();

        wal.hand_over(Ok(()), vec![caller("first", &told_tx)]);
        assert_eq!(started.recv_timeout(WAIT)?, 0);
        // Committed while the first fsync is in flight: that one cannot cover it.
        wal.hand_over(Ok(()), vec![caller("second", &told_tx)]);
        assert_eq!(started.recv_timeout(WAIT)?, 1);
        assert!(
            nothing_told(&told),
            "nobody is answered before an fsync ends"
        );

        ends[0].send(())?;
        assert_eq!(told.recv_timeout(WAIT)?, ("first", true));
        assert!(
            nothing_told(&told),
            "the second commit waits for the fsync that started after it"
        );
        ends[1].send(())?;
        assert_eq!(told.recv_timeout(WAIT)?, ("second", true));
        Ok(())
    }

    #[test]
    fn answers_leave_in_commit_order_whatever_order_the_fsyncs_end_in()
    -> Result<(), Box<dyn std::error::Error>> {
        let (sync, started, ends) = gated_wal(2);
        let wal = WalSync::start(sync)?;
        let (told_tx, told) = mpsc::channel();

        wal.hand_over(Ok(()), vec![caller("a", &told_tx), caller("b", &told_tx)]);
        assert_eq!(started.recv_timeout(WAIT)?, 0);
        wal.hand_over(Err(NotCommitted::Full), vec![caller("refused", &told_tx)]);
        wal.hand_over(Ok(()), vec![caller("c", &told_tx)]);
        assert_eq!(started.recv_timeout(WAIT)?, 1);

        // The later fsync ends first: it covers every commit before it.
        ends[1].send(())?;
        let order: Vec<_> = (0..4)
            .map(|_| told.recv_timeout(WAIT))
            .collect::<Result<_, _>>()?;
        assert_eq!(
            order,
            [("a", true), ("b", true), ("refused", false), ("c", true)],
            "answered in commit order, the refused transaction in its place"
        );
        ends[0].send(())?;
        assert!(nothing_told(&told), "nobody is answered twice");
        Ok(())
    }

    #[test]
    fn a_failed_transaction_with_nothing_before_it_is_answered_at_once()
    -> Result<(), Box<dyn std::error::Error>> {
        let (sync, _started, _ends) = gated_wal(0);
        let wal = WalSync::start(sync)?;
        let (told_tx, told) = mpsc::channel();
        wal.hand_over(
            Err(NotCommitted::Failed("disk I/O error".into())),
            vec![caller("refused", &told_tx)],
        );
        assert_eq!(told.recv_timeout(WAIT)?, ("refused", false));
        Ok(())
    }

    #[test]
    fn commits_handed_over_before_the_writer_stops_are_still_answered()
    -> Result<(), Box<dyn std::error::Error>> {
        let (sync, started, ends) = gated_wal(1);
        let wal = WalSync::start(sync)?;
        let (told_tx, told) = mpsc::channel();
        wal.hand_over(Ok(()), vec![caller("last", &told_tx)]);
        drop(wal);
        assert_eq!(started.recv_timeout(WAIT)?, 0);
        assert!(nothing_told(&told), "not before its fsync ends");
        ends[0].send(())?;
        assert_eq!(told.recv_timeout(WAIT)?, ("last", true));
        Ok(())
    }
}
