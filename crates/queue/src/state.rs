//! What every handler shares: the state the server is built with.

use std::sync::Arc;

use tokio_util::sync::CancellationToken;

use crate::clock::Clock;
use crate::credentials::ServerSecret;
use crate::hub::Hub;
use crate::live::Live;
use crate::metrics::Metrics;
use crate::presence::Presence;
use crate::rate_limit::IpRateLimiter;
use crate::screen::Screens;
use crate::sign_in_guard::SignInGuard;
use crate::store::Store;

/// What every handler shares.
#[derive(Debug)]
pub struct AppState {
    /// Storage.
    pub store: Arc<dyn Store>,
    /// Live event fan-out.
    pub hub: Arc<Hub>,
    /// The time.
    pub clock: Arc<dyn Clock>,
    /// Derives case tokens and deployment keys.
    pub secret: ServerSecret,
    /// Per-address limit on create and join; `None` when off.
    pub rate_limiter: Option<IpRateLimiter>,
    /// Prometheus metrics.
    pub metrics: Metrics,
    /// Failed console sign-ins, for slowing down and locking out.
    pub sign_ins: SignInGuard,
    /// Open session sockets per case and side.
    pub presence: Presence,
    /// Caps on open sockets and streams, and the chat budgets.
    pub live: Live,
    /// How often a live stream re-checks that its expert may still see the case.
    pub access_recheck: std::time::Duration,
    /// The remote screen of each case: consent and relay, in memory only.
    pub screens: Screens,
    /// Cancelled at shutdown: long-lived streams end.
    pub shutdown: CancellationToken,
}
