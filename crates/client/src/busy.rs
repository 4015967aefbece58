//! One help request or join at a time: a second click while one is under way
//! is refused, not doubled.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Whether a request is under way. Cheap to clone; clones share the flag.
#[derive(Debug, Clone, Default)]
pub struct BusyFlag(Arc<AtomicBool>);

impl BusyFlag {
    /// Claims the flag for one request; `None` while another holds it.
    pub fn claim(&self) -> Option<BusyClaim> {
        let was_busy = self.0.swap(true, Ordering::SeqCst);
        (!was_busy).then(|| BusyClaim(Arc::clone(&self.0)))
    }

    /// Whether a request holds the flag.
    pub fn is_busy(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// The flag held by one request. Dropping it releases the flag: when the
/// request ends, fails, panics, or its task is cancelled mid-way.
#[derive(Debug)]
#[must_use = "the flag is released as soon as the claim is dropped"]
pub struct BusyClaim(Arc<AtomicBool>);

impl Drop for BusyClaim {
    fn drop(&mut self) {
        self.0.store(false, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_claim_is_refused_until_the_first_ends() {
        let busy = BusyFlag::default();
        let first = busy.claim();
        assert!(first.is_some(), "a free flag can be claimed");
        assert!(busy.claim().is_none(), "one request at a time");
        drop(first);
        assert!(busy.claim().is_some(), "free again once the request ended");
    }

    #[tokio::test]
    async fn a_cancelled_request_releases_the_flag() -> Result<(), Box<dyn std::error::Error>> {
        let busy = BusyFlag::default();
        let claim = busy.claim().ok_or("a free flag can be claimed")?;
        let (started, is_started) = tokio::sync::oneshot::channel();
        let request = tokio::spawn(async move {
            let _claim = claim;
            let _ = started.send(());
            // A request that never answers, like a server that hangs.
            std::future::pending::<()>().await;
        });
        is_started.await?;
        assert!(busy.is_busy(), "the running request holds the flag");

        request.abort();
        let ended = request.await;

        assert!(
            ended.is_err_and(|e| e.is_cancelled()),
            "the request was cancelled"
        );
        assert!(!busy.is_busy(), "a cancelled request leaves the flag free");
        assert!(busy.claim().is_some(), "the next request may start");
        Ok(())
    }

    #[tokio::test]
    async fn a_request_that_panics_releases_the_flag() {
        let busy = BusyFlag::default();
        let claim = busy.claim();
        let request = tokio::spawn(async move {
            let _claim = claim;
            panic!("a bug in the request");
        });
        assert!(request.await.is_err_and(|e| e.is_panic()));
        assert!(!busy.is_busy(), "a panicking request leaves the flag free");
    }
}
