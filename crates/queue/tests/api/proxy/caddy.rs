//! A real Caddy configured from the repository's own `deploy/caddy/Caddyfile`:
//! only its site address, its upstream and a `tls` line with the test's
//! certificate are swapped in, under global options that keep Caddy to the
//! test's temporary directory and port (no admin endpoint, no port-80
//! redirects, no certificate authority contacted).

use std::fmt::Write as _;
use std::process::Command;

use super::{Certificate, Fallible, ProxyProcess, swap_once, utf8};

/// The configuration operators are told to use, read when Caddy starts.
const SITE_FILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../deploy/caddy/Caddyfile");

/// The shipped file's site address line and upstream.
const EXAMPLE_SITE: &str = "help.example.com {";
const EXAMPLE_UPSTREAM: &str = "reverse_proxy 127.0.0.1:8080 {";

/// Starts Caddy serving TLS with `certificate` on `127.0.0.1:port` in front
/// of `instance` (`host:port`).
pub fn start_on(port: u16, instance: &str, certificate: &Certificate) -> Fallible<ProxyProcess> {
    let dir = tempfile::tempdir()?;
    let shipped = std::fs::read_to_string(SITE_FILE).map_err(|e| format!("{SITE_FILE}: {e}"))?;
    let site = swap_once(
        &shipped,
        EXAMPLE_SITE,
        &format!(
            "https://127.0.0.1:{port} {{\n\ttls {} {}",
            utf8(&certificate.cert())?,
            utf8(&certificate.key())?
        ),
        SITE_FILE,
    )?;
    let site = swap_once(
        &site,
        EXAMPLE_UPSTREAM,
        &format!("reverse_proxy {instance} {{"),
        SITE_FILE,
    )?;
    let mut conf = String::new();
    writeln!(conf, "{{")?;
    writeln!(conf, "\tadmin off")?;
    writeln!(conf, "\tauto_https disable_redirects")?;
    writeln!(conf, "\thttps_port {port}")?;
    writeln!(
        conf,
        "\tstorage file_system {}",
        utf8(&dir.path().join("data"))?
    )?;
    writeln!(conf, "}}")?;
    conf.push_str(&site);
    let file = dir.path().join("Caddyfile");
    std::fs::write(&file, conf)?;
    let mut command = Command::new("caddy");
    command
        .args(["run", "--adapter", "caddyfile", "--config"])
        .arg(&file)
        // Whatever Caddy keeps for itself stays in the temporary directory.
        .env("HOME", dir.path())
        .env("XDG_DATA_HOME", dir.path().join("data"))
        .env("XDG_CONFIG_HOME", dir.path().join("config"));
    ProxyProcess::spawn(command, dir, port, true)
}
