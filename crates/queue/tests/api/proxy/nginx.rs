//! A real nginx configured from the repository's own
//! `deploy/nginx/lifeline.conf`: only its upstream servers, its `listen`
//! line and its certificate paths are swapped for the test's (and, to play
//! nginx's defaults, its `Host` line left out), so what is tested is the file
//! operators copy.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::{Certificate, Fallible, ProxyProcess, free_port, swap_once, utf8};

/// The configuration operators are told to use, read when nginx starts (so
/// a change to it is tested without a rebuild).
const SITE_FILE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../deploy/nginx/lifeline.conf"
);

/// The shipped file's certificate paths.
const EXAMPLE_CERT: &str = "/etc/ssl/certs/help.example.com.pem";
const EXAMPLE_KEY: &str = "/etc/ssl/private/help.example.com.key";

/// The shipped file's line that passes the browser's `Host` on.
const HOST_LINE: &str = "proxy_set_header Host $http_host;";

/// How the test's nginx differs from the shipped file.
#[derive(Clone, Copy, Default)]
pub struct Variant<'a> {
    /// Serve TLS with this certificate; plain HTTP when `None`.
    pub tls: Option<&'a Certificate>,
    /// Leave out the shipped `Host` line, so nginx sends its default
    /// (`$proxy_host`: the upstream's name), as a site written from nginx's
    /// documentation does.
    pub default_host: bool,
}

/// Starts nginx in front of `instances` (`host:port`) on a free port,
/// trying another port when the first is taken before nginx binds it.
pub fn start(instances: &[&str], variant: Variant<'_>) -> Fallible<ProxyProcess> {
    let mut last_error = String::new();
    for _ in 0..3 {
        match start_on(free_port()?, instances, variant) {
            Ok(nginx) => return Ok(nginx),
            Err(e) => last_error = e.to_string(),
        }
    }
    Err(format!("nginx did not start: {last_error}").into())
}

/// Starts nginx in front of `instances` on `127.0.0.1:port`.
pub fn start_on(port: u16, instances: &[&str], variant: Variant<'_>) -> Fallible<ProxyProcess> {
    let prefix = tempfile::tempdir()?;
    // Run as root (CI), nginx's workers drop to `nobody`, and must still
    // reach the temp dirs the master makes for them under the prefix.
    std::fs::set_permissions(
        prefix.path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )?;
    let repo_file = std::fs::read_to_string(SITE_FILE).map_err(|e| format!("{SITE_FILE}: {e}"))?;
    let site = site_config(&repo_file, instances, port, variant)?;
    let conf = prefix.path().join("nginx.conf");
    std::fs::write(&conf, main_config(prefix.path(), &site)?)?;
    let mut command = Command::new(binary());
    command
        .arg("-p")
        .arg(prefix.path())
        .arg("-c")
        .arg(&conf)
        .arg("-e")
        .arg("stderr");
    ProxyProcess::spawn(command, prefix, port, variant.tls.is_some())
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

/// nginx's main configuration around `site`: foreground, one worker, every
/// path under `prefix`.
fn main_config(prefix: &Path, site: &str) -> Fallible<String> {
    let prefix = utf8(prefix)?;
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
/// (`host:port`), its `listen` line by `127.0.0.1:port` (with `ssl` when the
/// variant serves TLS, whose certificate then replaces the example's; else
/// the `ssl_` lines are left out). Fails when the file no longer has the
/// shape this relies on, rather than testing something else.
fn site_config(
    repo_file: &str,
    instances: &[&str],
    port: u16,
    variant: Variant<'_>,
) -> Fallible<String> {
    let mut repo_file = repo_file.to_owned();
    if let Some(certificate) = variant.tls {
        repo_file = swap_once(
            &repo_file,
            EXAMPLE_CERT,
            utf8(&certificate.cert())?,
            SITE_FILE,
        )?;
        repo_file = swap_once(
            &repo_file,
            EXAMPLE_KEY,
            utf8(&certificate.key())?,
            SITE_FILE,
        )?;
    }
    if variant.default_host {
        repo_file = swap_once(&repo_file, HOST_LINE, "", SITE_FILE)?;
    }
    let listen = if variant.tls.is_some() {
        format!("listen 127.0.0.1:{port} ssl;")
    } else {
        format!("listen 127.0.0.1:{port};")
    };
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
            writeln!(site, "{indent}{listen}")?;
            continue;
        } else if code.starts_with("ssl_") && variant.tls.is_none() {
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

/// The shipped file as operators use it, TLS and all, passes `nginx -t`
/// with a certificate of our own in place of the example's paths.
#[test]
fn the_shipped_configuration_with_tls_passes_nginx_check() -> Fallible<()> {
    let prefix = tempfile::tempdir()?;
    std::fs::set_permissions(
        prefix.path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )?;
    let certificate = Certificate::for_loopback()?;
    let shipped = std::fs::read_to_string(SITE_FILE)?;
    let site = swap_once(
        &shipped,
        EXAMPLE_CERT,
        utf8(&certificate.cert())?,
        SITE_FILE,
    )?;
    let site = swap_once(&site, EXAMPLE_KEY, utf8(&certificate.key())?, SITE_FILE)?;
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
