//! A real nginx in front of a [`Cluster`], configured from the repository's
//! own `deploy/nginx/lifeline.conf`: only its upstream servers, its `listen`
//! line and its TLS lines are swapped for the test's, so what is tested is
//! the file operators copy.
//!
//! nginx runs in the foreground from a temporary prefix (its configuration,
//! temp files, pid and log), on a free loopback port; no system nginx, no
//! fixed port, nothing under /etc.

use std::fmt::Write as _;
use std::io::{Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

use super::{Cluster, Fallible};

/// The configuration operators are told to use, read when nginx starts (so
/// a change to it is tested without a rebuild).
const SITE_FILE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../deploy/nginx/lifeline.conf"
);

/// How long nginx may take to answer through to an instance.
const START_LIMIT: Duration = Duration::from_secs(10);

/// A running nginx; stopped when dropped.
pub struct Nginx {
    child: Child,
    /// Where clients reach the cluster: `http://127.0.0.1:<port>`.
    pub url: String,
    prefix: TempDir,
}

impl Cluster {
    /// Starts nginx in front of every running instance.
    pub fn behind_nginx(&self) -> Fallible<Nginx> {
        let instances: Vec<&str> = self
            .instances
            .iter()
            .flatten()
            .map(|instance| instance.base_url.trim_start_matches("http://"))
            .collect();
        // A free port can be taken by someone else before nginx binds it:
        // then try another.
        let mut last_error = String::new();
        for _ in 0..3 {
            match Nginx::start(&instances) {
                Ok(nginx) => return Ok(nginx),
                Err(e) => last_error = e.to_string(),
            }
        }
        Err(format!("nginx did not start: {last_error}").into())
    }
}

impl Nginx {
    fn start(instances: &[&str]) -> Fallible<Self> {
        let prefix = tempfile::tempdir()?;
        // Run as root (CI), nginx's workers drop to `nobody`, and must still
        // reach the temp dirs the master makes for them under the prefix.
        std::fs::set_permissions(
            prefix.path(),
            std::os::unix::fs::PermissionsExt::from_mode(0o755),
        )?;
        let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let repo_file =
            std::fs::read_to_string(SITE_FILE).map_err(|e| format!("{SITE_FILE}: {e}"))?;
        let site = site_config(&repo_file, instances, port)?;
        let conf = prefix.path().join("nginx.conf");
        std::fs::write(&conf, main_config(prefix.path(), &site)?)?;
        let log = std::fs::File::create(prefix.path().join("error.log"))?;
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
            .map_err(|e| {
                format!(
                    "cannot run nginx ({e}): install it (cargo xtask test does), \
                     or name it in NGINX"
                )
            })?;
        let mut nginx = Self {
            child,
            url: format!("http://127.0.0.1:{port}"),
            prefix,
        };
        nginx.wait_until_serving(port)?;
        Ok(nginx)
    }

    /// Polls `/healthz` through nginx until an instance answers 200.
    fn wait_until_serving(&mut self, port: u16) -> Fallible<()> {
        let deadline = Instant::now() + START_LIMIT;
        loop {
            if let Some(status) = self.child.try_wait()? {
                return Err(format!("nginx exited ({status}): {}", self.log()).into());
            }
            if healthz_status(port).is_ok_and(|status| status == 200) {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "nginx did not answer /healthz with 200 within {START_LIMIT:?}: {}",
                    self.log()
                )
                .into());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// What nginx has logged.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.prefix.path().join("error.log")).unwrap_or_default()
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        // SIGTERM, so the master takes its workers with it (SIGKILL would
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

/// The nginx binary: `NGINX` when set, else `nginx` on `PATH`, else
/// Debian's `/usr/sbin/nginx` (not on a normal user's `PATH`).
fn binary() -> PathBuf {
    if let Some(path) = std::env::var_os("NGINX") {
        return path.into();
    }
    std::env::var_os("PATH")
        .and_then(|path| {
            std::env::split_paths(&path)
                .map(|dir| dir.join("nginx"))
                .find(|candidate| candidate.is_file())
        })
        .unwrap_or_else(|| PathBuf::from("/usr/sbin/nginx"))
}

/// The status of `GET /healthz` on `127.0.0.1:port`, over a plain socket
/// (this runs before the test's async client is in play).
fn healthz_status(port: u16) -> Fallible<u16> {
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

/// nginx's main configuration around `site`: foreground, one worker, every
/// path under `prefix`.
fn main_config(prefix: &Path, site: &str) -> Fallible<String> {
    let prefix = prefix.to_str().ok_or("a UTF-8 temp dir")?;
    let mut conf = String::new();
    writeln!(conf, "daemon off;")?;
    writeln!(conf, "worker_processes 1;")?;
    // Heeded only when started as root; `nobody`'s group is `nogroup` on Debian.
    writeln!(conf, "user nobody nogroup;")?;
    writeln!(conf, "pid {prefix}/nginx.pid;")?;
    writeln!(conf, "error_log stderr warn;")?;
    writeln!(conf, "events {{ worker_connections 512; }}")?;
    writeln!(conf, "http {{")?;
    writeln!(conf, "access_log off;")?;
    for temp in ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"] {
        writeln!(conf, "{temp}_temp_path {prefix}/{temp}_temp;")?;
    }
    conf.push_str(site);
    writeln!(conf, "}}")?;
    Ok(conf)
}

/// `repo_file` with each upstream's servers replaced by `instances`
/// (`host:port`), its `listen` line by `127.0.0.1:port`, and its `ssl_`
/// lines left out (the test speaks plain HTTP). Fails when the file no
/// longer has the shape this relies on, rather than testing something else.
fn site_config(repo_file: &str, instances: &[&str], port: u16) -> Fallible<String> {
    let mut site = String::new();
    let (mut upstreams, mut listens) = (0, 0);
    let mut in_upstream = false;
    let mut servers_written = false;
    for line in repo_file.lines() {
        let code = line.trim_start();
        let indent = &line[..line.len() - code.len()];
        if code.starts_with("upstream ") {
            in_upstream = true;
            servers_written = false;
            upstreams += 1;
        } else if in_upstream && code.starts_with('}') {
            if !servers_written {
                return Err("an upstream block of lifeline.conf lists no server".into());
            }
            in_upstream = false;
        } else if in_upstream && code.starts_with("server ") {
            if !servers_written {
                for instance in instances {
                    writeln!(site, "{indent}server {instance};")?;
                }
                servers_written = true;
            }
            continue;
        } else if code.starts_with("listen ") {
            listens += 1;
            writeln!(site, "{indent}listen 127.0.0.1:{port};")?;
            continue;
        } else if code.starts_with("ssl_") {
            continue;
        }
        writeln!(site, "{line}")?;
    }
    if upstreams != 2 || listens != 1 {
        return Err(format!(
            "lifeline.conf has {upstreams} upstream blocks and {listens} listen lines; \
             the test expects 2 and 1"
        )
        .into());
    }
    Ok(site)
}

/// The shipped file as operators use it, TLS included (the cluster tests
/// leave the `ssl_` lines out): nginx accepts it with a certificate of our
/// own in place of the example's paths. Needs nginx and openssl, not
/// PostgreSQL, so it runs with the ordinary suite.
#[test]
fn the_shipped_configuration_with_tls_passes_nginx_check() -> Fallible<()> {
    let prefix = tempfile::tempdir()?;
    std::fs::set_permissions(
        prefix.path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )?;
    let (cert, key) = (
        prefix.path().join("cert.pem"),
        prefix.path().join("key.pem"),
    );
    let made = Command::new("openssl")
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
        ])
        .args(["-subj", "/CN=help.example.com", "-keyout"])
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()?;
    if !made.status.success() {
        return Err(format!("openssl: {}", String::from_utf8_lossy(&made.stderr)).into());
    }
    let shipped = std::fs::read_to_string(SITE_FILE)?;
    let mut site = shipped.clone();
    for (example, ours) in [
        ("/etc/ssl/certs/help.example.com.pem", &cert),
        ("/etc/ssl/private/help.example.com.key", &key),
    ] {
        if !shipped.contains(example) {
            return Err(format!("lifeline.conf no longer names {example}").into());
        }
        site = site.replace(example, ours.to_str().ok_or("a UTF-8 path")?);
    }
    let conf = prefix.path().join("nginx.conf");
    std::fs::write(&conf, main_config(prefix.path(), &site)?)?;
    let checked = Command::new(binary())
        .arg("-t")
        .arg("-p")
        .arg(prefix.path())
        .arg("-c")
        .arg(&conf)
        .arg("-e")
        .arg("stderr")
        .output()?;
    assert!(
        checked.status.success(),
        "nginx -t refused lifeline.conf: {}",
        String::from_utf8_lossy(&checked.stderr)
    );
    Ok(())
}
