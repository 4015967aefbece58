//! A real SMTP server for the tests: `smtp_sink.py` (aiosmtpd) as a child
//! process, with a self-signed certificate for `localhost` when it speaks TLS.

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde::Deserialize;
use tempfile::TempDir;

use crate::cluster::{Fallible, poll_until};

/// Debian's interpreter, which `python3-aiosmtpd` installs for.
const PYTHON: &str = "/usr/bin/python3";
/// How long a test waits for an email.
pub const MAIL_WAIT: Duration = Duration::from_secs(30);

/// How the sink takes connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// STARTTLS offered and required.
    StartTls,
    /// TLS from the first byte.
    Tls,
}

/// One email the sink accepted.
#[derive(Debug, Clone, Deserialize)]
pub struct Received {
    pub mail_from: String,
    pub rcpt_tos: Vec<String>,
    /// The user that authenticated, if any.
    pub login: Option<String>,
    /// Whether the connection was TLS when the email came.
    pub tls: bool,
    /// The message as sent (headers and body).
    pub data: String,
    /// The `Subject` header, decoded.
    #[serde(rename = "subject")]
    decoded_subject: String,
    /// The body, decoded.
    pub text: String,
}

impl Received {
    /// The `Subject` header's value, decoded.
    pub fn subject(&self) -> String {
        self.decoded_subject.clone()
    }
}

/// The certificate the sink presents, and the file a server trusts it from.
pub struct Certificate {
    dir: TempDir,
}

impl Certificate {
    /// A fresh self-signed certificate for `localhost`.
    pub fn for_localhost() -> Fallible<Self> {
        let dir = tempfile::tempdir()?;
        let made = rcgen::generate_simple_self_signed(vec!["localhost".to_string()])?;
        std::fs::write(dir.path().join("cert.pem"), made.cert.pem())?;
        std::fs::write(dir.path().join("key.pem"), made.signing_key.serialize_pem())?;
        Ok(Self { dir })
    }

    /// The PEM certificate: what `smtp_ca_file` names.
    pub fn pem_path(&self) -> PathBuf {
        self.dir.path().join("cert.pem")
    }

    fn key_path(&self) -> PathBuf {
        self.dir.path().join("key.pem")
    }
}

/// A running sink; stopped when dropped.
pub struct SmtpSink {
    child: Child,
    pub port: u16,
    out: TempDir,
}

impl SmtpSink {
    /// Starts the sink in `mode` with `certificate`, requiring `login`
    /// (user, password) when given, on `port` (0: any free one).
    pub fn start(
        mode: Mode,
        certificate: &Certificate,
        login: Option<(&str, &str)>,
        port: u16,
    ) -> Fallible<Self> {
        let out = tempfile::tempdir()?;
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/api/email/smtp_sink.py");
        let mut command = Command::new(PYTHON);
        command
            .arg(script)
            .arg(out.path())
            .arg("--mode")
            .arg(match mode {
                Mode::StartTls => "starttls",
                Mode::Tls => "tls",
            })
            .arg("--cert")
            .arg(certificate.pem_path())
            .arg("--key")
            .arg(certificate.key_path())
            .arg("--port")
            .arg(port.to_string());
        if let Some((user, password)) = login {
            command.args(["--user", user, "--password", password]);
        }
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("cannot run {PYTHON} (install python3-aiosmtpd): {e}"))?;
        let stdout = child.stdout.take().ok_or("the sink's output")?;
        // It prints its port once it accepts connections (or exits).
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line)?;
        let port = match line.trim().strip_prefix("port ") {
            Some(port) => port.parse()?,
            None => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("the SMTP sink did not start: {line:?}").into());
            }
        };
        Ok(Self { child, port, out })
    }

    /// Every email accepted so far, in order.
    pub fn received(&self) -> Fallible<Vec<Received>> {
        let mut numbered = Vec::new();
        for entry in std::fs::read_dir(self.out.path())? {
            let path = entry?.path();
            let Some(n) = path
                .file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.strip_suffix(".json"))
                .and_then(|n| n.parse::<u32>().ok())
            else {
                continue;
            };
            numbered.push((n, serde_json::from_slice(&std::fs::read(&path)?)?));
        }
        numbered.sort_by_key(|(n, _)| *n);
        Ok(numbered.into_iter().map(|(_, r)| r).collect())
    }

    /// Waits until `count` emails were accepted; answers them all.
    pub async fn wait_for(&self, count: usize) -> Fallible<Vec<Received>> {
        poll_until(MAIL_WAIT, &format!("{count} emails"), || async {
            let received = self.received()?;
            Ok((received.len() >= count).then_some(received))
        })
        .await
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
