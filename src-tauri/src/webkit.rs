//! How the web view draws the window: without accelerated compositing.
//!
//! Measured with `cargo xtask bench app --compare-compositing` (README,
//! "The desktop app"): with compositing off the code was painted in about
//! 0.5 s instead of 1.3 s (medians) and the window's processes took a quarter
//! less memory (PSS 209 against 278 MiB). The window is a small static page
//! (a code, a status, a chat): a GPU compositor buys it nothing a customer
//! sees, and costs a GL context per window, the slow software GL of virtual
//! machines and remote desktops (where help is often asked for), and the
//! driver-specific blank windows WebKitGTK is known for.

use tauri::WebviewWindow;

/// Set to `webkit`, WebKit's own choice is left alone (to measure it, or
/// where the window draws badly without compositing).
const COMPOSITING_CHOICE: &str = "LIFELINE_COMPOSITING";

/// Turns accelerated compositing off for `window`'s web view, unless
/// [`COMPOSITING_CHOICE`] leaves it to WebKit. Called as soon as the window
/// is built: the web process that draws the page starts after this runs.
pub fn compositing_off(window: &WebviewWindow) {
    if std::env::var(COMPOSITING_CHOICE).is_ok_and(|choice| choice == "webkit") {
        return;
    }
    #[cfg(target_os = "linux")]
    if let Err(error) = window.with_webview(|webview| {
        use webkit2gtk::{HardwareAccelerationPolicy, SettingsExt as _, WebViewExt as _};
        if let Some(settings) = webview.inner().settings() {
            settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
        }
    }) {
        tracing::warn!(%error, "cannot turn the web view's compositing off");
    }
    #[cfg(not(target_os = "linux"))]
    let _ = window;
}
