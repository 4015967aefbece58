//! A private X display (Xvfb) for tests and the benchmark: real X11, with
//! DAMAGE, XFIXES and XTEST, and no dependence on the caller's own display.

use std::io::{BufRead as _, BufReader};
use std::process::{Child, ChildStdout, Command, Stdio};

/// An `Xvfb` server of its own, stopped when dropped.
#[derive(Debug)]
pub struct VirtualDisplay {
    child: Child,
    name: String,
    /// Kept open: Xvfb writing to a closed pipe would be killed by SIGPIPE.
    _stdout: BufReader<ChildStdout>,
}

impl VirtualDisplay {
    /// Starts `Xvfb` with one `width` × `height` screen at 24-bit colour and
    /// returns once it accepts connections. `-noreset`: the screen keeps what
    /// was drawn when the last client disconnects.
    ///
    /// # Errors
    /// When `Xvfb` is not installed, or exits before naming its display.
    pub fn start(width: u16, height: u16) -> std::io::Result<Self> {
        // -displayfd: Xvfb picks a free display number and writes it once it
        // is ready, so there is neither a race for numbers nor a wait.
        let mut child = Command::new("Xvfb")
            .args([
                "-displayfd",
                "1",
                "-noreset",
                "-nolisten",
                "tcp",
                "-screen",
                "0",
            ])
            .arg(format!("{width}x{height}x24"))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|error| {
                std::io::Error::new(error.kind(), format!("cannot start Xvfb: {error}"))
            })?;
        let mut line = String::new();
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout is piped"));
        stdout.read_line(&mut line)?;
        let number = line.trim();
        if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
            let _ = child.kill();
            let status = child.wait()?;
            return Err(std::io::Error::other(format!(
                "Xvfb did not name its display ({status})"
            )));
        }
        Ok(VirtualDisplay {
            name: format!(":{number}"),
            child,
            _stdout: stdout,
        })
    }

    /// The display's name, such as `":3"`.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl Drop for VirtualDisplay {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
