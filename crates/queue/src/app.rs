//! Building the server (open the store, bind the socket) apart from running it,
//! so tests bind `127.0.0.1:0` and know the address before serving.

use std::future::Future;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse as _, Response};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio_util::sync::CancellationToken;
use tower::{ServiceBuilder, ServiceExt as _};
use tower_http::trace::TraceLayer;
use tracing::Span;

use crate::api_error::ApiError;
use crate::client_addr::{ClientAddr, resolve_client};
use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use crate::credentials::{SECRET_FILE, ServerSecret, hash_token};
use crate::database_url::DatabaseUrl;
use crate::email::smtp::Mailer;
use crate::hub::Hub;
use crate::join_budget::{FailedJoinBudget, JoinBudgetCounts, MemoryJoinBudget};
use crate::live::Live;
use crate::metrics::{Metrics, StateChanges};
use crate::password_gate::PasswordGate;
use crate::rate_limit::{BudgetCounts, BudgetLimits, MemoryBudgets, RateLimits};
use crate::request_limits::{RequestLimits, limit_request};
use crate::rules::{CaseTokenHash, QueueStore};
use crate::screen::Screens;
use crate::sign_in_guard::{FailureCounts, MemoryFailures, SignInGuard};
use crate::state::AppState;
use crate::store::postgres::PostgresStore;
use crate::store::sqlite::SqliteStore;
use crate::store::storage::Storage;
use crate::store::{Store, StoreError};
use crate::{console, email, fanout, http};

/// How often the sweeps run (by the instance holding their lease): `expired`
/// written for cases past their deadline (reads are exact regardless; this
/// bounds how late the `expired` event is), and dead instances removed.
const SWEEP_INTERVAL: Duration = Duration::from_secs(1);

/// How long shutdown waits for an email being handed to the SMTP server.
const EMAIL_SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// How often this instance says it is alive: well inside the silence after
/// which the others take it for dead (`rules::instances::DEAD_AFTER`).
const HEARTBEAT_INTERVAL: Duration = Duration::from_secs(1);

/// How long a stopping instance tries to remove itself from the database.
const RETIRE_LIMIT: Duration = Duration::from_secs(2);

// A dead instance is out of the count at most DEAD_AFTER after its last
// heartbeat plus a sweep tick (a lease it held lapses sooner): inside a
// session's silence limit. And a live one says it is alive several times
// before the others would take it for dead.
const _: () = {
    use crate::live::SILENT_FOR;
    use crate::rules::instances::{DEAD_AFTER, LEASE_FOR};
    assert!(DEAD_AFTER.as_millis() + SWEEP_INTERVAL.as_millis() < SILENT_FOR.as_millis());
    assert!(LEASE_FOR.as_millis() < DEAD_AFTER.as_millis());
    assert!(3 * HEARTBEAT_INTERVAL.as_millis() <= DEAD_AFTER.as_millis());
};

/// How long an accept error (out of file descriptors, say) pauses accepting.
const ACCEPT_ERROR_PAUSE: Duration = Duration::from_millis(100);

/// A built server, bound and ready to serve.
#[derive(Debug)]
pub struct App {
    listener: TcpListener,
    state: Arc<AppState>,
    header_read_timeout: Duration,
}

/// Opens the storage named by `config` (running migrations) and the server
/// secret, checked against the database it was made for; committed events go
/// to `hub` (with those other servers on the same database commit), states
/// entered to `state_changes`.
pub async fn open_store(
    config: &Config,
    hub: Arc<Hub>,
    state_changes: StateChanges,
) -> anyhow::Result<(Arc<dyn Store>, ServerSecret)> {
    let (store, secret, _counts) = open_backend(config, hub, state_changes).await?;
    Ok((store, secret))
}

/// [`open_store`], with the counts of the rate limits, failed sign-ins and
/// failed joins this backend keeps: in memory for SQLite (one server), in the database for
/// PostgreSQL (several instances count together).
async fn open_backend(
    config: &Config,
    hub: Arc<Hub>,
    state_changes: StateChanges,
) -> anyhow::Result<(Arc<dyn Store>, ServerSecret, LimitCounts)> {
    create_private_dir(&config.data_dir)
        .with_context(|| format!("failed to create data_dir {}", config.data_dir.display()))?;
    crate::upgrade::before_opening(config).await?;
    let limits = BudgetLimits::new(config);
    match &config.database_url {
        DatabaseUrl::Sqlite(path) => {
            let sqlite = SqliteStore::open(path)
                .with_context(|| format!("failed to open the database {}", config.database_url))?;
            let counts = LimitCounts {
                budgets: Arc::new(MemoryBudgets::new(&limits)),
                failures: Arc::new(MemoryFailures::default()),
                failed_joins: Arc::new(MemoryJoinBudget::default()),
            };
            let (store, secret) = with_rules(sqlite, config, hub, state_changes).await?;
            Ok((store, secret, counts))
        }
        DatabaseUrl::Postgres(url) => {
            let postgres = PostgresStore::open(url, config.database_pool_size)
                .await
                .with_context(|| format!("failed to open the database {}", config.database_url))?;
            let shared = postgres.shared_counts(limits);
            let counts = LimitCounts {
                budgets: Arc::new(shared.clone()),
                failures: Arc::new(shared.clone()),
                failed_joins: Arc::new(shared),
            };
            let (store, secret) = with_rules(postgres, config, hub, state_changes).await?;
            Ok((store, secret, counts))
        }
    }
}

/// Where rate limits, failed sign-ins and failed joins are counted.
struct LimitCounts {
    budgets: Arc<dyn BudgetCounts>,
    failures: Arc<dyn FailureCounts>,
    failed_joins: Arc<dyn JoinBudgetCounts>,
}

/// The queue's rules over an opened backend, with the server secret the
/// database was made for: a lost `secret.key` is never silently replaced
/// (every deployment key and case token would stop working), and a key from
/// elsewhere is refused.
async fn with_rules<S: Storage>(
    storage: S,
    config: &Config,
    hub: Arc<Hub>,
    state_changes: StateChanges,
) -> anyhow::Result<(Arc<dyn Store>, ServerSecret)> {
    let key_file = config.data_dir.join(SECRET_FILE);
    let (secret, source) = match &config.secret_key {
        Some(secret) => (
            secret.clone(),
            "secret_key (LIFELINE_SECRET_KEY)".to_string(),
        ),
        None => {
            let secret = match ServerSecret::load(&config.data_dir)? {
                Some(secret) => secret,
                None if storage.is_blank().await? => ServerSecret::create(&config.data_dir)?,
                None => anyhow::bail!(
                    "{} is missing, but the database {} was made with a server secret and \
                     holds data that depends on it. Restore secret.key from the backup taken \
                     with this database; a new key would make every deployment key and case \
                     token stop working, so none is made",
                    key_file.display(),
                    config.database_url
                ),
            };
            (secret, key_file.display().to_string())
        }
    };
    // The store gets the hash of a case's token, never the secret.
    let case_token_hash: CaseTokenHash = {
        let secret = secret.clone();
        Arc::new(move |case_id| hash_token(&secret.case_token(case_id)))
    };
    let notices = storage.follow_others();
    let store: Arc<dyn Store> = Arc::new(QueueStore::new(
        storage,
        Arc::clone(&hub),
        state_changes,
        config.case_ttl,
        config.manual_code_ttl,
        case_token_hash,
    ));
    match store.adopt_secret(secret.fingerprint()).await {
        Ok(()) => {
            if let Some(mut notices) = notices {
                fanout::until_listening(&mut notices).await;
                tokio::spawn(fanout::relay(notices, Arc::downgrade(&store), hub));
            }
            Ok((store, secret))
        }
        Err(StoreError::SecretMismatch) => anyhow::bail!(
            "{source} is not the server secret the database {} was made with. Restore the \
             secret.key backed up with this database, or point database_url at the database \
             this key belongs to",
            config.database_url
        ),
        Err(e) => Err(e).context("failed to check the server secret against the database"),
    }
}

/// Creates `dir` (and its parents) readable by the server's user only
/// (0700 whatever the umask); an existing directory is left as it is.
pub(crate) fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)?;
    #[cfg(unix)]
    std::fs::set_permissions(dir, std::os::unix::fs::PermissionsExt::from_mode(0o700))?;
    Ok(())
}

/// Builds the server on the real clock.
pub async fn build(config: Config) -> anyhow::Result<App> {
    build_with_clock(config, Arc::new(SystemClock)).await
}

/// Builds the server on a given clock (tests pass a manual one).
pub async fn build_with_clock(config: Config, clock: Arc<dyn Clock>) -> anyhow::Result<App> {
    let hub = Arc::new(Hub::default());
    let metrics = Metrics::default();
    let (store, secret, counts) =
        open_backend(&config, Arc::clone(&hub), metrics.state_changes()).await?;
    // Nobody is connected to a server that is starting, whatever a crash left
    // written; other live instances keep theirs.
    let reset = store
        .reset_presence(clock.now())
        .await
        .context("failed to reset the presence a previous run left")?;
    if reset > 0 {
        tracing::info!(cases = reset, "reset presence left by the previous run");
    }
    let mailer = match &config.smtp {
        Some(settings) => {
            let mailer = Mailer::new(settings).context("failed to set up smtp_url")?;
            if config.public_url.is_none() {
                tracing::warn!(
                    "smtp_url is set but public_url is not: expert emails name the case \
                     without a link to it"
                );
            }
            tracing::info!(smtp = %settings.url, "expert emails go out through this server");
            Some(Arc::new(mailer))
        }
        None => None,
    };
    if config.public_url.is_none() && !config.trusted_proxies.is_empty() {
        tracing::warn!(
            "trusted_proxies is set but public_url is not: behind a proxy that rewrites Host \
             (nginx's default), console sign-in is refused as coming from another site. Set \
             public_url (LIFELINE_PUBLIC_URL) to the address browsers use, such as \
             https://help.example.com"
        );
    }
    let listener = TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("failed to listen on {}", config.listen))?;
    let state = Arc::new(AppState {
        store,
        hub,
        clock,
        secret,
        rate_limits: RateLimits::new(counts.budgets),
        trusted_proxies: Arc::new(config.trusted_proxies.clone()),
        request_limits: Arc::new(RequestLimits::new(&config)),
        join_budget: FailedJoinBudget::new(config.failed_join_budget, counts.failed_joins),
        metrics,
        sign_ins: SignInGuard::new(counts.failures),
        passwords: PasswordGate::default(),
        public_url: config.public_url,
        live: Live::default(),
        access_recheck: config.live_access_recheck,
        screens: Screens::default(),
        shutdown: CancellationToken::new(),
        mailer,
    });
    Ok(App {
        listener,
        state,
        header_read_timeout: config.header_read_timeout,
    })
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
    ///
    /// The accept loop is ours rather than `axum::serve`'s because that sets
    /// no timer on its connections, so a client could take forever to send
    /// its headers.
    pub async fn serve(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let state = self.state;
        let sweeper = tokio::spawn(sweep(Arc::clone(&state)));
        let heart = tokio::spawn(heartbeat(Arc::clone(&state)));
        let lines = tokio::spawn(follow_lines(Arc::clone(&state)));
        let emails = state
            .mailer
            .clone()
            .map(|mailer| tokio::spawn(email::notices::run(Arc::clone(&state), mailer)));
        let webhooks = tokio::spawn(crate::webhooks::worker::deliver(
            Arc::clone(&state.store),
            Arc::clone(&state.clock),
            Arc::new(crate::webhooks::tell::Admins {
                store: Arc::clone(&state.store),
                mailer: state.mailer.clone(),
                public_url: state.public_url.clone(),
            }),
            state.shutdown.clone(),
        ));
        let router = router(Arc::clone(&state));
        // Each connection holds a receiver; all dropped means all finished.
        let (finished, connection_open) = tokio::sync::watch::channel(());
        tokio::pin!(shutdown);
        loop {
            let accepted = tokio::select! {
                () = &mut shutdown => break,
                accepted = self.listener.accept() => accepted,
            };
            match accepted {
                Ok((stream, peer)) => {
                    // Small frames go out at once: with Nagle's algorithm a
                    // session socket's frame written while the one before is
                    // unacknowledged (a chat message's echo, then the answer)
                    // waits for the peer's delayed ACK, up to 40 ms.
                    if let Err(e) = stream.set_nodelay(true) {
                        tracing::debug!(error = %e, %peer, "cannot set TCP_NODELAY");
                    }
                    tokio::spawn(serve_connection(
                        stream,
                        peer,
                        router.clone(),
                        self.header_read_timeout,
                        state.shutdown.clone(),
                        connection_open.clone(),
                    ));
                }
                Err(e) => {
                    tracing::warn!(error = %e, "cannot accept a connection");
                    tokio::time::sleep(ACCEPT_ERROR_PAUSE).await;
                }
            }
        }
        tracing::info!("shutting down");
        drop(self.listener);
        state.shutdown.cancel();
        drop(connection_open);
        finished.closed().await;
        let _ = sweeper.await;
        let _ = heart.await;
        let _ = lines.await;
        if let Some(emails) = emails {
            // An email being handed over gets a moment to finish; one cut off
            // stays held until its lease runs out, then is sent again.
            let abort = emails.abort_handle();
            if tokio::time::timeout(EMAIL_SHUTDOWN_GRACE, emails)
                .await
                .is_err()
            {
                abort.abort();
            }
        }
        let _ = webhooks.await;
        // Bounded: a database that is down must not hold the exit; the
        // others (or the next start) find this instance dead anyway.
        let retired =
            tokio::time::timeout(RETIRE_LIMIT, state.store.retire(state.clock.now())).await;
        match retired {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "cannot remove this instance; the others will")
            }
            Err(_) => tracing::warn!("removing this instance timed out; the others will"),
        }
        Ok(())
    }
}

/// Serves one connection (HTTP/1.1, with upgrades for the session socket)
/// until it closes, or gracefully once `shutdown` is cancelled.
async fn serve_connection(
    stream: TcpStream,
    peer: SocketAddr,
    router: Router,
    header_read_timeout: Duration,
    shutdown: CancellationToken,
    _open: tokio::sync::watch::Receiver<()>,
) {
    let service = hyper::service::service_fn(move |request: hyper::Request<_>| {
        let mut request = request.map(Body::new);
        request.extensions_mut().insert(ConnectInfo(peer));
        router.clone().oneshot(request)
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(header_read_timeout);
    let connection = builder
        .serve_connection(TokioIo::new(stream), service)
        .with_upgrades();
    tokio::pin!(connection);
    let result = tokio::select! {
        result = connection.as_mut() => result,
        () = shutdown.cancelled() => {
            connection.as_mut().graceful_shutdown();
            connection.await
        }
    };
    if let Err(e) = result {
        tracing::debug!(error = %e, %peer, "connection ended with an error");
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
        // Each `layer` call wraps every route in a box of its own, cloned and
        // dropped per request: the middleware goes in two stacks, not four
        // boxes (a stack lists its layers outermost first).
        .route_layer(
            ServiceBuilder::new()
                // Around the limits, so refusals and timeouts are counted too.
                .layer(middleware::from_fn_with_state(
                    Arc::clone(&state),
                    record_request,
                ))
                .layer(middleware::from_fn_with_state(
                    Arc::clone(&state.request_limits),
                    limit_request,
                )),
        )
        .layer(
            ServiceBuilder::new()
                // Outermost, so the span and everything inside see the client.
                .layer(middleware::from_fn_with_state(
                    Arc::clone(&state.trusted_proxies),
                    resolve_client,
                ))
                .layer(TraceLayer::new_for_http().make_span_with(request_span)),
        )
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
    let client = request
        .extensions()
        .get::<ClientAddr>()
        .map(ToString::to_string);
    tracing::info_span!(
        "request",
        otel.name = %format!("{} {route}", request.method()),
        http.request.method = %request.method(),
        http.route = route,
        client.address = client,
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

/// Says this instance is alive, every [`HEARTBEAT_INTERVAL`]; on its own
/// task, so a long sweep never makes the others take it for dead.
async fn heartbeat(state: Arc<AppState>) {
    let mut ticks = tokio::time::interval(HEARTBEAT_INTERVAL);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = state.shutdown.cancelled() => return,
            _ = ticks.tick() => {}
        }
        if let Err(e) = state.store.heartbeat(state.clock.now()).await {
            tracing::warn!(error = %e, "cannot record this instance alive; retrying next tick");
        }
    }
}

/// How long the line follower waits for a change made here before it looks
/// for changes other instances made.
const LINES_LOOK_EVERY: Duration = Duration::from_millis(250);

/// Keeps this instance's order of each group's waiting line close to the
/// database (`rules::line`): right after each write here that changed one,
/// and every [`LINES_LOOK_EVERY`] for the others' changes. Reads never wait
/// for it (they catch up by themselves); writes correct less when it keeps up.
async fn follow_lines(state: Arc<AppState>) {
    loop {
        tokio::select! {
            _ = state.shutdown.cancelled() => return,
            followed = state.store.follow_lines(LINES_LOOK_EVERY) => {
                if let Err(e) = followed {
                    tracing::warn!(error = %e, "cannot follow the waiting lines; retrying");
                    tokio::time::sleep(LINES_LOOK_EVERY).await;
                }
            }
        }
    }
}

/// Runs the once-only sweeps when this instance holds their lease: removes
/// dead instances (their session sockets stop counting) and expires cases
/// past their deadline, publishing the `left` and `expired` events; and
/// forgets whole rate-limit budgets and stale failed sign-ins.
async fn sweep(state: Arc<AppState>) {
    let mut ticks = tokio::time::interval(SWEEP_INTERVAL);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = state.shutdown.cancelled() => return,
            _ = ticks.tick() => {}
        }
        match state.store.sweep(state.clock.now()).await {
            Ok(None) => {}
            Ok(Some(swept)) => {
                if swept.dead_instances > 0 {
                    tracing::info!(
                        instances = swept.dead_instances,
                        "removed dead instances; their session sockets no longer count"
                    );
                }
                if swept.expired > 0 {
                    tracing::info!(cases = swept.expired, "expired cases past their deadline");
                }
            }
            Err(e) => tracing::warn!(error = %e, "sweep failed; retrying next tick"),
        }
        state.rate_limits.forget_idle().await;
        state.sign_ins.forget_stale(state.clock.now()).await;
    }
}
