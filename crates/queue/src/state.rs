//! What every handler shares: the state the server is built with.

use std::sync::Arc;

use tokio_util::sync::CancellationToken;

use crate::client_addr::TrustedProxies;
use crate::clock::Clock;
use crate::credentials::ServerSecret;
use crate::email::smtp::Mailer;
use crate::hub::Hub;
use crate::join_budget::FailedJoinBudget;
use crate::live::Live;
use crate::metrics::Metrics;
use crate::password_gate::PasswordGate;
use crate::public_url::PublicUrl;
use crate::rate_limit::RateLimits;
use crate::request_limits::RequestLimits;
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
    /// Rate limits per purpose and address, and per deployment key.
    pub rate_limits: RateLimits,
    /// Proxies whose forwarding headers name the client.
    pub trusted_proxies: Arc<TrustedProxies>,
    /// Requests at once, body pauses, time to answer.
    pub request_limits: Arc<RequestLimits>,
    /// Wrong codes allowed from everyone together; `None` when off.
    pub join_budget: Option<FailedJoinBudget>,
    /// Prometheus metrics.
    pub metrics: Metrics,
    /// Failed console sign-ins, for slowing down and locking out.
    pub sign_ins: SignInGuard,
    /// Password hashing and checking, a few at a time.
    pub passwords: PasswordGate,
    /// Where browsers reach the console, when configured.
    pub public_url: Option<PublicUrl>,
    /// Caps on open sockets and streams, and the chat budgets.
    pub live: Live,
    /// How often a live stream re-checks that its expert may still see the case.
    pub access_recheck: std::time::Duration,
    /// The remote screen of each case: consent and relay, in memory only.
    pub screens: Screens,
    /// Cancelled at shutdown: long-lived streams end.
    pub shutdown: CancellationToken,
    /// Sends expert emails; `None` when `smtp_url` is not set.
    pub mailer: Option<Arc<Mailer>>,
}
