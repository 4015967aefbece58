//! Password hashing and checking (argon2id: ~19 MiB and tens of milliseconds
//! of CPU each) run off the async workers, a few at a time. A burst of
//! sign-ins waits briefly for a turn, then is told to come back, rather than
//! queueing without bound or eating every core and the memory.

use std::time::Duration;

use tokio::sync::Semaphore;

use crate::admin::{PasswordError, hash_password, verify_password};
use crate::api_error::ApiError;

/// Runs at once by default.
const DEFAULT_PERMITS: usize = 4;
/// How long a request waits for a turn before it is refused.
const DEFAULT_WAIT: Duration = Duration::from_secs(3);

/// At most a few argon2 runs at once.
#[derive(Debug)]
pub struct PasswordGate {
    permits: Semaphore,
    wait: Duration,
}

impl Default for PasswordGate {
    fn default() -> Self {
        Self::new(DEFAULT_PERMITS, DEFAULT_WAIT)
    }
}

/// Why a password could not be hashed.
#[derive(Debug, thiserror::Error)]
pub enum HashError {
    /// The password breaks a rule.
    #[error(transparent)]
    Password(#[from] PasswordError),
    /// No turn in time, or the work failed.
    #[error("{0}")]
    Unavailable(ApiError),
}

impl From<HashError> for ApiError {
    fn from(error: HashError) -> Self {
        match error {
            HashError::Password(e) => ApiError::invalid(e.to_string()),
            HashError::Unavailable(e) => e,
        }
    }
}

impl PasswordGate {
    /// `permits` runs at once; a request waits at most `wait` for one.
    pub fn new(permits: usize, wait: Duration) -> Self {
        Self {
            permits: Semaphore::new(permits),
            wait,
        }
    }

    /// Whether `password` matches the PHC hash `phc`.
    pub async fn verify(&self, password: String, phc: String) -> Result<bool, ApiError> {
        self.run(move || verify_password(&password, &phc)).await
    }

    /// Hashes a new password.
    pub async fn hash(&self, password: String) -> Result<String, HashError> {
        self.run(move || hash_password(&password))
            .await
            .map_err(HashError::Unavailable)?
            .map_err(HashError::Password)
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, ApiError> {
        let _permit = tokio::time::timeout(self.wait, self.permits.acquire())
            .await
            .map_err(|_| busy())?
            .map_err(|_| busy())?;
        tokio::task::spawn_blocking(work)
            .await
            .map_err(|e| ApiError::internal(format!("password work panicked: {e}")))
    }
}

/// 503 with `Retry-After`: every turn is taken.
fn busy() -> ApiError {
    ApiError::overloaded("too many sign-ins at once; try again in a few seconds", 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_request_with_no_turn_in_time_is_refused_not_queued() {
        let gate = std::sync::Arc::new(PasswordGate::new(1, Duration::from_millis(50)));
        let (started, started_rx) = std::sync::mpsc::channel();
        let (release, release_rx) = std::sync::mpsc::channel::<()>();
        let holder = {
            let gate = std::sync::Arc::clone(&gate);
            tokio::spawn(async move {
                gate.run(move || {
                    started.send(()).expect("the test waits");
                    release_rx.recv().ok();
                })
                .await
            })
        };
        tokio::task::spawn_blocking(move || started_rx.recv())
            .await
            .expect("join")
            .expect("the first run started");
        let refused = gate
            .verify("a password long enough".into(), "$argon2id$bad".into())
            .await
            .expect_err("no turn");
        assert_eq!(
            refused.status(),
            axum::http::StatusCode::SERVICE_UNAVAILABLE
        );
        release.send(()).expect("the holder waits");
        holder.await.expect("join").expect("the first run finished");
        assert!(
            !gate
                .verify("a password long enough".into(), "$argon2id$bad".into())
                .await
                .expect("a turn is free again"),
            "a malformed hash never matches"
        );
    }
}
