//! nginx serving a static file on loopback: the reference every rate of
//! `bench server` is divided by, measured with the same wrk settings in the
//! same run, because absolute rates on a shared machine move from run to run.

use std::fs::File;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use tempfile::TempDir;

/// The file's size: about what a case read answers (a case's JSON).
const STATIC_FILE_BYTES: usize = 1_024;
const START_TIMEOUT: Duration = Duration::from_secs(10);
const STOP_TIMEOUT: Duration = Duration::from_secs(5);

/// nginx from a temporary prefix with a configuration written there; stopped
/// and removed when dropped. The package's own service is not used.
#[derive(Debug)]
pub struct StaticNginx {
    child: Child,
    addr: SocketAddr,
    prefix: TempDir,
}

impl StaticNginx {
    /// Starts nginx (as many workers as CPUs, access log off, keep-alive
    /// without a request limit, like the server) on a free loopback port.
    pub fn start() -> Result<Self> {
        let prefix = tempfile::Builder::new()
            .prefix("lifeline-bench-nginx-")
            .tempdir()
            .context("failed to create nginx's temp dir")?;
        // Started as root, nginx's workers run as `nobody` and must still
        // read the file and the temp dirs the master makes under the prefix.
        std::fs::set_permissions(
            prefix.path(),
            std::os::unix::fs::PermissionsExt::from_mode(0o755),
        )
        .context("failed to open nginx's temp dir to its workers")?;
        let root = prefix.path().join("www");
        std::fs::create_dir(&root).context("failed to create nginx's document root")?;
        std::fs::write(root.join("static.json"), static_body())
            .context("failed to write the static file")?;
        let listener = std::net::TcpListener::bind("127.0.0.1:0")
            .context("failed to find a free port for nginx")?;
        let addr = listener.local_addr().context("nginx's port")?;
        drop(listener);
        let conf = prefix.path().join("nginx.conf");
        std::fs::write(&conf, config(&prefix.path().to_string_lossy(), addr))
            .context("failed to write nginx.conf")?;
        let log = File::create(prefix.path().join("stderr.log"))
            .context("failed to create nginx's log")?;
        let child = Command::new(binary())
            .arg("-p")
            .arg(prefix.path())
            .arg("-c")
            .arg(&conf)
            .arg("-e")
            .arg("stderr")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .context("failed to start nginx (Debian package `nginx`)")?;
        let mut nginx = Self {
            child,
            addr,
            prefix,
        };
        nginx.wait_until_listening()?;
        Ok(nginx)
    }

    /// The static file's URL.
    pub fn url(&self) -> String {
        format!("http://{}/static.json", self.addr)
    }

    fn wait_until_listening(&mut self) -> Result<()> {
        let deadline = Instant::now() + START_TIMEOUT;
        // Bounded by the deadline; one try every 50 ms.
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().context("nginx's status")? {
                bail!(
                    "nginx exited at start ({status}): {}",
                    std::fs::read_to_string(self.prefix.path().join("stderr.log"))
                        .unwrap_or_default()
                );
            }
            if std::net::TcpStream::connect(self.addr).is_ok() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        bail!(
            "nginx did not listen on {} within {START_TIMEOUT:?}",
            self.addr
        )
    }
}

impl Drop for StaticNginx {
    fn drop(&mut self) {
        // SIGTERM, so the master stops its workers too (a SIGKILL would leave
        // them running, holding the port); SIGKILL only if it does not exit.
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + STOP_TIMEOUT;
        while Instant::now() < deadline {
            if matches!(self.child.try_wait(), Ok(Some(_)) | Err(_)) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `NGINX` when set, else Debian's `/usr/sbin/nginx` (not on a normal
/// user's `PATH`) when present, else `nginx` on `PATH`.
fn binary() -> PathBuf {
    if let Some(path) = std::env::var_os("NGINX") {
        return path.into();
    }
    let debian = PathBuf::from("/usr/sbin/nginx");
    if debian.is_file() {
        debian
    } else {
        PathBuf::from("nginx")
    }
}

/// A JSON document of [`STATIC_FILE_BYTES`].
fn static_body() -> String {
    let mut body = String::from("{\"padding\":\"");
    let close = "\"}\n";
    while body.len() + close.len() < STATIC_FILE_BYTES {
        body.push('x');
    }
    body.push_str(close);
    body
}

fn config(prefix: &str, addr: SocketAddr) -> String {
    format!(
        "daemon off;
worker_processes auto;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    keepalive_requests 1000000;
    keepalive_timeout 65s;
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    types {{ application/json json; }}
    server {{
        listen {addr};
        root {prefix}/www;
    }}
}}
"
    )
}

#[cfg(test)]
mod tests {
    use hyper::Request;

    use super::super::load::{Body, Connection};
    use super::super::wrk::{Scripts, Workload, Wrk};
    use super::*;

    #[tokio::test]
    async fn nginx_serves_the_static_file_to_wrk() -> Result<()> {
        let nginx = StaticNginx::start()?;
        let mut connection = Connection::open(nginx.addr).await?;
        let (status, body) = connection
            .call(Request::get("/static.json").body(Body::default())?)
            .await?;
        assert_eq!(status, hyper::StatusCode::OK);
        assert_eq!(body, static_body().as_bytes());
        let wrk = Wrk {
            url: nginx.url(),
            connections: 4,
            duration: Duration::from_secs(1),
            workload: Workload::Get,
        };
        let run = wrk.run(&Scripts::write()?).await?;
        assert_eq!(run.problems(), "");
        assert!(run.requests > 0 && run.requests_per_s > 0.0);
        let addr = nginx.addr;
        drop(nginx);
        // Stopped with its workers: nothing listens on its port any more.
        assert!(std::net::TcpStream::connect(addr).is_err());
        Ok(())
    }

    #[test]
    fn the_static_file_is_json_of_the_size_of_a_case() -> Result<()> {
        let body = static_body();
        assert_eq!(body.len(), STATIC_FILE_BYTES);
        serde_json::from_str::<serde_json::Value>(&body)?;
        Ok(())
    }
}
