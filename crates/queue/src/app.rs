//! Building the server (open the store, bind the socket) apart from running it,
//! so tests bind `127.0.0.1:0` and know the address before serving.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use crate::console::sign_in::SignInGuard;
use crate::credentials::ServerSecret;
use crate::hub::Hub;
use crate::metrics::Metrics;
use crate::presence::Presence;
use crate::rate_limit::IpRateLimiter;
use crate::screen::Screens;
use crate::store::Store;
use crate::store::sqlite::SqliteStore;

/// How often the sweep writes `expired` for cases past their deadline. Reads
/// are exact regardless; this only bounds how late the `expired` event is.
const SWEEP_INTERVAL: Duration = Duration::from_secs(1);

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
    /// The remote screen of each case: consent and relay, in memory only.
    pub screens: Screens,
    /// Cancelled at shutdown: long-lived streams end.
    pub shutdown: CancellationToken,
}

/// A built server, bound and ready to serve.
#[derive(Debug)]
pub struct App {
    listener: TcpListener,
    state: Arc<AppState>,
}

/// Opens the storage named by `config` (running migrations) and the server secret.
pub async fn open_store(
    config: &Config,
    hub: Arc<Hub>,
) -> anyhow::Result<(Arc<dyn Store>, ServerSecret)> {
    std::fs::create_dir_all(&config.data_dir)
        .with_context(|| format!("failed to create data_dir {}", config.data_dir.display()))?;
    let secret = match &config.secret_key {
        Some(secret) => secret.clone(),
        None => ServerSecret::load_or_create(&config.data_dir)?,
    };
    let store: Arc<dyn Store> = if config.database_url.starts_with("sqlite:") {
        Arc::new(
            SqliteStore::open(&config.database_url, hub, config.case_ttl)
                .await
                .with_context(|| format!("failed to open the database {}", config.database_url))?,
        )
    } else {
        anyhow::bail!(
            "database_url: PostgreSQL is not supported by this build yet; use sqlite://PATH"
        )
    };
    Ok((store, secret))
}

/// Builds the server on the real clock.
pub async fn build(config: Config) -> anyhow::Result<App> {
    build_with_clock(config, Arc::new(SystemClock)).await
}

/// Builds the server on a given clock (tests pass a manual one).
pub async fn build_with_clock(config: Config, clock: Arc<dyn Clock>) -> anyhow::Result<App> {
    let hub = Arc::new(Hub::default());
    let (store, secret) = open_store(&config, Arc::clone(&hub)).await?;
    let listener = TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("failed to listen on {}", config.listen))?;
    let state = Arc::new(AppState {
        store,
        hub,
        clock,
        secret,
        rate_limiter: IpRateLimiter::new(config.rate_limit_per_ip),
        metrics: Metrics::default(),
        sign_ins: SignInGuard::default(),
        presence: Presence::default(),
        screens: Screens::default(),
        shutdown: CancellationToken::new(),
    });
    Ok(App { listener, state })
}

impl App {
    /// The bound address (the real port when asked for port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("a bound listener has an address")
    }

    /// The storage, for administration and tests.
    pub fn store(&self) -> Arc<dyn Store> {
        Arc::clone(&self.state.store)
    }

    /// The shared state.
    pub fn state(&self) -> Arc<AppState> {
        Arc::clone(&self.state)
    }

    /// Serves until `shutdown` completes, then stops taking connections, ends
    /// event streams and waits for requests in flight.
    pub async fn serve(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let state = self.state;
        let sweeper = tokio::spawn(sweep(Arc::clone(&state)));
        let router = crate::http::router(Arc::clone(&state));
        let token = state.shutdown.clone();
        let result = axum::serve(
            self.listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async move {
            shutdown.await;
            tracing::info!("shutting down");
            token.cancel();
        })
        .await
        .context("server failed");
        state.shutdown.cancel();
        let _ = sweeper.await;
        result
    }
}

/// Expires cases past their deadline, publishing the `expired` events.
async fn sweep(state: Arc<AppState>) {
    let mut ticks = tokio::time::interval(SWEEP_INTERVAL);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = state.shutdown.cancelled() => return,
            _ = ticks.tick() => {}
        }
        match state.store.expire_due(state.clock.now()).await {
            Ok(0) => {}
            Ok(n) => {
                tracing::info!(cases = n, "expired cases past their deadline");
                state
                    .metrics
                    .state_entered(lifeline_protocol::CaseState::Expired, n as u64);
            }
            Err(e) => tracing::warn!(error = %e, "expiry sweep failed; retrying next tick"),
        }
        if let Some(limiter) = &state.rate_limiter {
            limiter.forget_idle();
        }
    }
}
