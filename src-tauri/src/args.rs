//! The command line: how the shortcut, the autostart entry and IT start the app.

use std::path::PathBuf;

/// The flag the autostart entry passes, so the app starts hidden in the tray.
pub const AUTOSTART_FLAG: &str = "--autostart";

/// How the app was started.
#[derive(Debug, Clone, Default, clap::Parser)]
#[command(
    name = "lifeline",
    version,
    about = "Get help from your IT support in one click"
)]
pub struct Args {
    /// The deployment file to use instead of the system-wide or bundled one.
    #[arg(long, value_name = "PATH", env = lifeline_client::DEPLOYMENT_ENV)]
    pub deployment: Option<PathBuf>,
    /// Ask for help at once (the desktop shortcut passes this).
    #[arg(long)]
    pub sos: bool,
    /// Started at login: stay hidden in the tray.
    #[arg(long)]
    pub autostart: bool,
}
