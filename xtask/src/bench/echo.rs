//! A bare axum JSON echo server: the baseline the queue server's rates are
//! compared with (same machine, same load generator, same run).

use std::net::SocketAddr;
use std::thread::JoinHandle;
use std::time::Duration;

use anyhow::{Context, Result};
use axum::routing::post;
use axum::{Json, Router};
use tokio::sync::oneshot;

/// The echo server, on its own runtime and threads like a separate process
/// would be. Stops when dropped.
#[derive(Debug)]
pub struct EchoServer {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl EchoServer {
    /// Starts it on a free loopback port with `worker_threads` threads.
    pub fn start(worker_threads: usize) -> Result<Self> {
        let listener =
            std::net::TcpListener::bind("127.0.0.1:0").context("failed to bind the echo server")?;
        listener
            .set_nonblocking(true)
            .context("failed to make the echo listener non-blocking")?;
        let addr = listener
            .local_addr()
            .context("failed to read the echo server address")?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(worker_threads)
            .thread_name("echo-server")
            .enable_all()
            .build()
            .context("failed to start the echo server runtime")?;
        let (stop, stopped) = oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("echo-server".to_owned())
            .spawn(move || {
                runtime.block_on(async move {
                    let app = Router::new().route("/echo", post(echo));
                    let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
                        return;
                    };
                    tokio::select! {
                        _ = axum::serve(listener, app) => {}
                        _ = stopped => {}
                    }
                });
                // Open connections are dropped with the runtime.
                runtime.shutdown_timeout(Duration::from_secs(1));
            })
            .context("failed to start the echo server thread")?;
        Ok(Self {
            addr,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
}

impl Drop for EchoServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

async fn echo(Json(body): Json<serde_json::Value>) -> Json<serde_json::Value> {
    Json(body)
}
