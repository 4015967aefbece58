use clap::Parser as _;
use lifeline_queue::cli::{Cli, Command, run_admin, run_init, run_migrate_db};
use tracing_subscriber::EnvFilter;

/// jemalloc rather than glibc's malloc: case reads 10–30 % faster, and no
/// slower behind 100,000 waiting cases, where they lost up to a quarter
/// with glibc (`cargo xtask bench server` and `bench depth`,
/// docs/performance.md, which also says what it costs).
#[cfg(unix)]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let cli = Cli::parse();
    match run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    if let Command::MigrateDb(args) = &cli.command {
        return run_migrate_db(args).await;
    }
    let loaded = cli.config()?;
    match cli.command {
        Command::Init => run_init(&loaded).await,
        Command::Serve => {
            let config = loaded.config;
            // Each SSE subscriber holds a socket; the default soft limit (often 1024) is too low.
            if let Err(e) = rlimit::increase_nofile_limit(u64::MAX) {
                tracing::warn!(error = %e, "cannot raise the open-files limit");
            }
            let app = lifeline_queue::build(config).await?;
            tracing::info!(address = %app.local_addr(), "lifeline-queue listening");
            app.serve(shutdown_signal()).await
        }
        Command::Migrate => lifeline_queue::upgrade::migrate(&loaded.config).await,
        command => run_admin(command, &loaded).await,
    }
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}
