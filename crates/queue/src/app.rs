//! Building the server (open the store, bind the socket) apart from running it,
//! so tests bind `127.0.0.1:0` and know the address before serving.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse as _, Response};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tower_http::trace::TraceLayer;
use tracing::Span;

use crate::api_error::ApiError;
use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use crate::credentials::{ServerSecret, hash_token};
use crate::database_url::DatabaseUrl;
use crate::hub::Hub;
use crate::metrics::Metrics;
use crate::presence::Presence;
use crate::rate_limit::IpRateLimiter;
use crate::rules::{CaseTokenHash, QueueStore};
use crate::screen::Screens;
use crate::sign_in_guard::SignInGuard;
use crate::state::AppState;
use crate::store::Store;
use crate::store::postgres::PostgresStore;
use crate::store::sqlite::SqliteStore;
use crate::{console, http};

/// How often the sweep writes `expired` for cases past their deadline. Reads
/// are exact regardless; this only bounds how late the `expired` event is.
const SWEEP_INTERVAL: Duration = Duration::from_secs(1);

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
    // The store gets the hash of a case's token, never the secret.
    let case_token_hash: CaseTokenHash = {
        let secret = secret.clone();
        Arc::new(move |case_id| hash_token(&secret.case_token(case_id)))
    };
    let store: Arc<dyn Store> = match &config.database_url {
        DatabaseUrl::Sqlite(path) => {
            let sqlite = SqliteStore::open(path)
                .with_context(|| format!("failed to open the database {}", config.database_url))?;
            Arc::new(QueueStore::new(
                sqlite,
                hub,
                config.case_ttl,
                case_token_hash,
            ))
        }
        DatabaseUrl::Postgres(url) => {
            let postgres = PostgresStore::open(url)
                .await
                .with_context(|| format!("failed to open the database {}", config.database_url))?;
            Arc::new(QueueStore::new(
                postgres,
                hub,
                config.case_ttl,
                case_token_hash,
            ))
        }
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
        let router = router(Arc::clone(&state));
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

/// Every route of the server, built here once: the API and the console side
/// by side (neither knows the other), then what wraps every request.
fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .merge(http::router(Arc::clone(&state)))
        .merge(console::router())
        .fallback(|| async { ApiError::not_found("route") })
        .method_not_allowed_fallback(|| async { ApiError::not_found("route") })
        .route_layer(middleware::from_fn_with_state(
            Arc::clone(&state),
            record_request,
        ))
        .layer(TraceLayer::new_for_http().make_span_with(request_span))
        .with_state(state)
}

/// The route a request matched (its template, not its ids), or `unmatched`.
fn route_of(request: &Request) -> &str {
    request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", MatchedPath::as_str)
}

/// One span per request, named by the route it matched, so traces group by
/// endpoint rather than by every case id.
fn request_span(request: &Request) -> Span {
    let route = route_of(request);
    tracing::info_span!(
        "request",
        otel.name = %format!("{} {route}", request.method()),
        http.request.method = %request.method(),
        http.route = route,
    )
}

/// Times each request into the latency histogram, labelled by matched route.
async fn record_request(
    State(state): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let method = request.method().as_str().to_owned();
    let route = route_of(&request).to_owned();
    let response = next.run(request).await.into_response();
    state.metrics.request(
        &method,
        &route,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
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
