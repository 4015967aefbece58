//! The server behind a real reverse proxy terminating TLS, configured from the
//! repository's own examples (`deploy/nginx/lifeline.conf`,
//! `deploy/caddy/Caddyfile`): what an operator sets up the first time must
//! work the first time. The proxies run in the foreground from a temporary
//! directory on a free loopback port, with a certificate openssl makes for
//! `127.0.0.1`; nothing under /etc, no system service.
//!
//! `through` drives the console and the app through each of them; `nginx`
//! and `caddy` start them (the cluster tests put `nginx` in front of several
//! instances).

mod caddy;
pub(crate) mod nginx;
mod through;

use std::io::{Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

pub type Fallible<T> = Result<T, Box<dyn std::error::Error>>;

/// How long a proxy may take to start answering.
const START_LIMIT: Duration = Duration::from_secs(10);

/// A self-signed certificate for `127.0.0.1` (and `localhost`), made by
/// openssl in a temporary directory.
pub struct Certificate {
    dir: TempDir,
}

impl Certificate {
    /// Makes a fresh key and certificate, valid for a day.
    pub fn for_loopback() -> Fallible<Self> {
        let dir = tempfile::tempdir()?;
        // Readable by nginx's workers when it runs as root and drops to `nobody`.
        std::fs::set_permissions(
            dir.path(),
            std::os::unix::fs::PermissionsExt::from_mode(0o755),
        )?;
        let certificate = Self { dir };
        let made = Command::new("openssl")
            .args([
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            ])
            .args(["-subj", "/CN=127.0.0.1"])
            .args(["-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"])
            // A server's own certificate, not an authority's: rustls refuses
            // a CA certificate presented by a server.
            .args(["-addext", "basicConstraints=critical,CA:FALSE"])
            .arg("-keyout")
            .arg(certificate.key())
            .arg("-out")
            .arg(certificate.cert())
            .output()
            .map_err(|e| format!("cannot run openssl ({e}): install it (cargo xtask test does)"))?;
        if !made.status.success() {
            return Err(format!("openssl: {}", String::from_utf8_lossy(&made.stderr)).into());
        }
        Ok(certificate)
    }

    /// The certificate (PEM).
    pub fn cert(&self) -> PathBuf {
        self.dir.path().join("cert.pem")
    }

    /// Its private key (PEM).
    pub fn key(&self) -> PathBuf {
        self.dir.path().join("key.pem")
    }

    /// A client on the local `address` that trusts this certificate and
    /// follows no redirects, as the tests' browser.
    pub fn client_from(&self, address: std::net::IpAddr) -> Fallible<reqwest::Client> {
        let pem = std::fs::read(self.cert())?;
        Ok(reqwest::Client::builder()
            .use_rustls_tls()
            .local_address(address)
            .add_root_certificate(reqwest::Certificate::from_pem(&pem)?)
            .redirect(reqwest::redirect::Policy::none())
            .build()?)
    }

    /// A TLS setup for WebSocket clients that trusts this certificate.
    pub fn websocket_connector(&self) -> Fallible<tokio_tungstenite::Connector> {
        use rustls::pki_types::CertificateDer;
        use rustls::pki_types::pem::PemObject as _;
        let mut roots = rustls::RootCertStore::empty();
        for cert in CertificateDer::pem_file_iter(self.cert())? {
            roots.add(cert?)?;
        }
        let config = rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()?
        .with_root_certificates(roots)
        .with_no_client_auth();
        Ok(tokio_tungstenite::Connector::Rustls(std::sync::Arc::new(
            config,
        )))
    }
}

/// `path` as text, for a configuration file.
fn utf8(path: &Path) -> Fallible<&str> {
    Ok(path.to_str().ok_or("a UTF-8 temp path")?)
}

/// A free port on 127.0.0.1 (free when asked: another process may take it
/// before the proxy binds it, so callers retry).
pub fn free_port() -> Fallible<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// A reverse proxy running in the foreground from a temporary directory
/// (configuration, temp files, log); stopped when dropped.
pub struct ProxyProcess {
    child: Child,
    /// Where clients reach it: `http(s)://127.0.0.1:<port>`.
    pub url: String,
    dir: TempDir,
}

impl ProxyProcess {
    /// Runs `command` (its stderr going to `dir`'s log) and waits until it
    /// answers on `port`: a plain proxy must pass `/healthz` through with
    /// 200; a TLS one, refusing plain HTTP with 400, shows it is listening
    /// (the server behind it already is).
    fn spawn(mut command: Command, dir: TempDir, port: u16, tls: bool) -> Fallible<Self> {
        let name = command.get_program().to_string_lossy().into_owned();
        let log = std::fs::File::create(dir.path().join("error.log"))?;
        let child = command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .map_err(|e| format!("cannot run {name} ({e}): install it (cargo xtask test does)"))?;
        let scheme = if tls { "https" } else { "http" };
        let mut proxy = Self {
            child,
            url: format!("{scheme}://127.0.0.1:{port}"),
            dir,
        };
        let ready = if tls { 400 } else { 200 };
        let deadline = Instant::now() + START_LIMIT;
        loop {
            if let Some(status) = proxy.child.try_wait()? {
                return Err(format!("{name} exited ({status}): {}", proxy.log()).into());
            }
            if plain_healthz_status(port).is_ok_and(|status| status == ready) {
                return Ok(proxy);
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "{name} did not answer a plain GET /healthz with {ready} within \
                     {START_LIMIT:?}: {}",
                    proxy.log()
                )
                .into());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// What the proxy has logged.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("error.log")).unwrap_or_default()
    }
}

impl Drop for ProxyProcess {
    fn drop(&mut self) {
        // SIGTERM, so nginx's master takes its workers with it (SIGKILL would
        // leave them holding the port).
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The status of a plain-HTTP `GET /healthz` on `127.0.0.1:port`, over a
/// bare socket (this runs before the test's async client is in play).
fn plain_healthz_status(port: u16) -> Fallible<u16> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(2)))?;
    stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer)?;
    let status = answer
        .split_whitespace()
        .nth(1)
        .ok_or("an empty answer")?
        .parse()?;
    Ok(status)
}

/// `text` with `example` replaced by `ours` exactly once: fails when the
/// shipped file no longer has the line a test relies on, rather than testing
/// something else.
fn swap_once(text: &str, example: &str, ours: &str, file: &str) -> Fallible<String> {
    match text.matches(example).count() {
        1 => Ok(text.replacen(example, ours, 1)),
        n => Err(format!("{file} has {example:?} {n} times; the test expects it once").into()),
    }
}
