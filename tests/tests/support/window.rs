//! The real desktop window: the built `lifeline` app driven through
//! `tauri-driver` and `WebKitWebDriver` under the test's Xvfb display and
//! D-Bus session bus.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;

use super::{ProcessGroup, find_program, free_port, missing_tools, path_text, wait_for_listener};

/// The tools a real-window test needs, found on this machine.
pub struct Tools {
    pub tauri_driver: PathBuf,
}

impl Tools {
    /// `Some` when everything is there; an error naming what to install when
    /// not; `None` (skip) only outside CI with `LIFELINE_SKIP_E2E=1`.
    pub fn find_or_skip() -> Result<Option<Self>, String> {
        let mut missing = Vec::new();
        if std::env::var_os("DISPLAY").is_none_or(|d| d.is_empty()) {
            missing.push(
                "no DISPLAY: run under `xvfb-run -a -s \"-screen 0 1280x800x24\" dbus-run-session -- cargo test …` (Debian: apt-get install xvfb xauth dbus)",
            );
        }
        if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none_or(|d| d.is_empty()) {
            missing.push(
                "no D-Bus session bus (single-instance needs one): run under `dbus-run-session -- …` (Debian: apt-get install dbus)",
            );
        }
        if find_program("WebKitWebDriver").is_none() {
            missing.push("WebKitWebDriver not found (Debian: apt-get install webkit2gtk-driver)");
        }
        let tauri_driver = find_program("tauri-driver").or_else(|| {
            let cargo_bin = std::env::var_os("CARGO_HOME")
                .map(PathBuf::from)
                .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))?
                .join("bin")
                .join("tauri-driver");
            cargo_bin.is_file().then_some(cargo_bin)
        });
        if tauri_driver.is_none() {
            missing.push(
                "tauri-driver not found (cargo install tauri-driver --version '=2.1.0' --locked)",
            );
        }
        let missing: Vec<String> = missing.into_iter().map(String::from).collect();
        if !missing_tools("the real-window test", &missing)? {
            return Ok(None);
        }
        Ok(tauri_driver.map(|tauri_driver| Tools { tauri_driver }))
    }
}

/// The `lifeline` binary next to this test's target dir, built (or brought up
/// to date) with `cargo build -p lifeline`. `LIFELINE_APP` names another.
pub fn app_binary() -> Result<PathBuf, Box<dyn std::error::Error>> {
    if let Some(app) = std::env::var_os("LIFELINE_APP") {
        return Ok(PathBuf::from(app));
    }
    // target/debug/deps/desktop_window-… → target/debug/lifeline
    let exe = std::env::current_exe()?;
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .ok_or("the test binary is not in target/<profile>/deps")?;
    let app = profile_dir.join("lifeline");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .ok_or("the e2e crate is in the workspace")?;
    let status = Command::new(cargo)
        .args(["build", "--package", "lifeline", "--bin", "lifeline"])
        .current_dir(workspace)
        .status()?;
    if !status.success() {
        return Err(format!("cargo build -p lifeline failed ({status})").into());
    }
    if !app.is_file() {
        return Err(format!("{} was not built", app.display()).into());
    }
    Ok(app)
}

/// The app's environment: a fresh HOME, no XDG overrides leaking in from the
/// machine, and the display and bus of the test.
pub fn app_env(home: &Path) -> HashMap<String, String> {
    let mut env: HashMap<String, String> = std::env::vars()
        .filter(|(key, _)| {
            matches!(
                key.as_str(),
                "PATH" | "DISPLAY" | "XAUTHORITY" | "DBUS_SESSION_BUS_ADDRESS" | "RUST_LOG"
            )
        })
        .collect();
    env.insert("HOME".into(), path_text(home));
    env.insert("LANG".into(), "C.UTF-8".into());
    // Software rendering, no compositing: steadier under Xvfb.
    env.insert("WEBKIT_DISABLE_COMPOSITING_MODE".into(), "1".into());
    env
}

/// `tauri-driver` in its own process group, stopped with the group (it does
/// not stop `WebKitWebDriver` or the app itself) when dropped, even on panic.
pub struct TauriDriver {
    _process: ProcessGroup,
    port: u16,
}

impl TauriDriver {
    pub fn spawn(
        program: &Path,
        env: &HashMap<String, String>,
    ) -> Result<Self, Box<dyn std::error::Error>> {
        let port = free_port()?;
        let native_port = free_port()?;
        let process = ProcessGroup::spawn(
            Command::new(program)
                .args([
                    "--port",
                    &port.to_string(),
                    "--native-port",
                    &native_port.to_string(),
                ])
                .env_clear()
                .envs(env)
                .stdout(Stdio::null())
                .stderr(Stdio::inherit()),
        )
        .map_err(|e| format!("cannot start {}: {e}", program.display()))?;
        let driver = Self {
            _process: process,
            port,
        };
        // tauri-driver listens at once but proxies "new session" to the
        // WebKitWebDriver it spawned; asked before that one listens, it drops
        // the connection (seen in CI on a cold machine). Wait for both.
        wait_for_listener(port, "tauri-driver")?;
        wait_for_listener(native_port, "WebKitWebDriver (started by tauri-driver)")?;
        Ok(driver)
    }

    /// Starts the app through WebDriver; 30 s at most (a crashing app makes
    /// "new session" hang forever).
    pub async fn session(
        &self,
        app: &Path,
        args: &[&str],
    ) -> Result<Client, Box<dyn std::error::Error>> {
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "tauri:options".into(),
            serde_json::json!({ "application": path_text(app), "args": args }),
        );
        let mut builder = ClientBuilder::new(HttpConnector::new());
        builder.capabilities(capabilities);
        let url = format!("http://127.0.0.1:{}", self.port);
        let connect = builder.connect(&url);
        match tokio::time::timeout(Duration::from_secs(30), connect).await {
            Ok(client) => Ok(client?),
            Err(_) => Err(
                "WebDriver could not start the app within 30 s (did it crash? see its log above)"
                    .into(),
            ),
        }
    }
}

/// Polls the text of element `#id` until `done` accepts it.
pub async fn wait_for_text(
    window: &Client,
    id: &str,
    limit: Duration,
    done: impl Fn(&str) -> bool,
) -> Result<String, Box<dyn std::error::Error>> {
    let deadline = Instant::now() + limit;
    let mut last = String::new();
    loop {
        // Each command is bounded too: a WebDriver that died answers nothing.
        let read = async {
            let element = window.find(Locator::Id(id)).await?;
            element.text().await
        };
        if let Ok(Ok(text)) = tokio::time::timeout(Duration::from_secs(5), read).await {
            if done(text.trim()) {
                return Ok(text.trim().to_owned());
            }
            last = text;
        }
        if Instant::now() > deadline {
            let state = async {
                let element = window.find(Locator::Id("state")).await?;
                element.text().await
            };
            let state = match tokio::time::timeout(Duration::from_secs(5), state).await {
                Ok(Ok(text)) => text,
                _ => String::new(),
            };
            return Err(format!(
                "#{id} did not show what was expected within {limit:?}; it shows {last:?} (state: {state:?})"
            )
            .into());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The app's window on the X display: the largest one shown. Under Xvfb with
/// no window manager the app's is the only one.
fn app_window(
    connection: &impl x11rb::connection::Connection,
    screen: usize,
) -> Result<(u32, x11rb::protocol::xproto::GetGeometryReply), Box<dyn std::error::Error>> {
    use x11rb::protocol::xproto::{ConnectionExt as _, MapState};

    let root = connection.setup().roots[screen].root;
    let mut largest = None;
    for window in connection.query_tree(root)?.reply()?.children {
        if connection.get_window_attributes(window)?.reply()?.map_state != MapState::VIEWABLE {
            continue;
        }
        let geometry = connection.get_geometry(window)?.reply()?;
        let area = u32::from(geometry.width) * u32::from(geometry.height);
        if largest.as_ref().is_none_or(|(most, _, _)| area > *most) {
            largest = Some((area, window, geometry));
        }
    }
    let (_, window, geometry) = largest.ok_or("no window is shown on the display")?;
    Ok((window, geometry))
}

/// Gives the app's window the keyboard focus, as a desktop does for the window
/// in front. Under Xvfb no window manager does it, and WebKit treats a page in
/// a window without focus as not focused: `:focus` styles stay off however
/// the focus moves inside the page.
pub fn focus_app_window() -> Result<(), Box<dyn std::error::Error>> {
    use x11rb::CURRENT_TIME;
    use x11rb::protocol::xproto::{ConnectionExt as _, InputFocus};

    let (connection, screen) = x11rb::connect(None)?;
    let (window, _) = app_window(&connection, screen)?;
    connection
        .set_input_focus(InputFocus::PARENT, window, CURRENT_TIME)?
        .check()?;
    Ok(())
}

/// Saves the app's window, as the X display shows it, to `path` as a PNG.
///
/// Read from the display server rather than through WebDriver: WebKit's
/// snapshot waits for a frame that a still page under Xvfb may never draw
/// (`window_languages` hung there).
pub fn save_window_picture(path: &Path) -> Result<(), Box<dyn std::error::Error>> {
    use x11rb::protocol::xproto::{ConnectionExt as _, ImageFormat};

    let (connection, screen) = x11rb::connect(None)?;
    let (window, geometry) = app_window(&connection, screen)?;
    let (width, height) = (geometry.width, geometry.height);
    let image = connection
        .get_image(ImageFormat::Z_PIXMAP, window, 0, 0, width, height, !0)?
        .reply()?;
    // A 24-bit Xvfb screen keeps each pixel in 32 bits, B G R x in memory
    // (B G R A for a window with an alpha channel).
    let pixels = usize::from(width) * usize::from(height);
    if !matches!(image.depth, 24 | 32) || image.data.len() != pixels * 4 {
        return Err(format!(
            "the window's pixels are not 8-bit colour in 32 bits (depth {}, {} bytes for {pixels} pixels)",
            image.depth,
            image.data.len()
        )
        .into());
    }
    let rgb: Vec<u8> = image
        .data
        .chunks_exact(4)
        .flat_map(|bgrx| [bgrx[2], bgrx[1], bgrx[0]])
        .collect();
    let mut encoder = png::Encoder::new(
        std::io::BufWriter::new(std::fs::File::create(path)?),
        u32::from(width),
        u32::from(height),
    );
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(&rgb)?;
    writer.finish()?;
    Ok(())
}
