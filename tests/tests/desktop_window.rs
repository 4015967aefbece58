//! The real desktop window, end to end: the built `lifeline` app under Xvfb,
//! driven through `tauri-driver` and `WebKitWebDriver`, against a real queue
//! server started in-process, with a fresh HOME.
//!
//! Run the whole test command under
//! `xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- cargo test …`
//! (`cargo xtask test` does). Missing tools fail the test with what to
//! install; outside CI, `LIFELINE_SKIP_E2E=1` skips it instead.

mod support;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use lifeline_protocol::CaseState;

use support::{
    ProcessGroup, Server, TestResult, find_program, free_port, missing_tools, path_text,
    wait_for_listener,
};

const SHORTCUT_NAME: &str = "Acme SOS";
const EXPERT_NAME: &str = "Ana García";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_window_shows_the_code_follows_the_expert_and_cancels_with_one_case() -> TestResult {
    let Some(tools) = Tools::find_or_skip()? else {
        return Ok(());
    };
    let server = Server::start(EXPERT_NAME, None).await?;
    let app = app_binary()?;
    let home = tempfile::tempdir()?;
    let deployment_file = home.path().join("deployment.toml");
    std::fs::write(
        &deployment_file,
        format!(
            "server_url = \"{}\"\ndeployment_key = \"{}\"\n\n[branding]\ncompany_name = \"Acme IT\"\naccent_color = \"#0b5cad\"\n\n[behaviour]\nshortcut_name = \"{SHORTCUT_NAME}\"\n",
            server.base_url, server.deployment_key
        ),
    )?;
    let env = app_env(home.path());

    // Launch, as the SOS shortcut does.
    let driver = TauriDriver::spawn(&tools.tauri_driver, &env)?;
    let window = driver
        .session(
            &app,
            &["--sos", "--deployment", &path_text(&deployment_file)],
        )
        .await?;
    let shown = wait_for_text(&window, "code", Duration::from_secs(20), |t| !t.is_empty()).await?;

    let cases = server.cases().await?;
    assert_eq!(cases.len(), 1, "one SOS launch makes one case");
    let (case_id, code) = &cases[0];
    assert_eq!(
        shown.replace(' ', ""),
        *code,
        "the window shows the server's code"
    );
    assert_eq!(
        shown.len(),
        11,
        "the code is grouped as 123 456 789: {shown:?}"
    );
    let shortcut = home
        .path()
        .join("Desktop")
        .join(format!("{SHORTCUT_NAME}.desktop"));
    assert!(
        shortcut.is_file(),
        "the first run puts the SOS shortcut on the desktop: {}",
        shortcut.display()
    );
    assert!(
        std::fs::read_to_string(&shortcut)?.contains("--sos"),
        "the shortcut asks for help"
    );

    // An expert takes the case: the window names them within 2 s.
    server.assign(*case_id).await?;
    let started = Instant::now();
    wait_for_text(&window, "assignee", Duration::from_secs(2), |t| {
        t == EXPERT_NAME
    })
    .await?;
    eprintln!("the expert's name showed after {:?}", started.elapsed());

    // A second launch hands over to the running app and exits; no second case.
    let started = Instant::now();
    let mut second = Command::new(&app)
        .args(["--sos", "--deployment", &path_text(&deployment_file)])
        .env_clear()
        .envs(&env)
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()?;
    let status = wait_for_exit(&mut second, Duration::from_secs(10))?;
    assert!(
        status.success(),
        "the second launch exits cleanly after handing over ({status})"
    );
    eprintln!("the second launch exited after {:?}", started.elapsed());
    let cases = server.cases().await?;
    assert_eq!(cases.len(), 1, "a second launch never makes a second case");
    let still = wait_for_text(&window, "code", Duration::from_secs(2), |t| !t.is_empty()).await?;
    assert_eq!(still, shown, "the first window still shows the case");

    // The customer cancels, confirming.
    window.find(Locator::Id("cancel")).await?.click().await?;
    window
        .wait()
        .at_most(Duration::from_secs(2))
        .for_element(Locator::Css("#confirm-cancel:not([hidden])"))
        .await?;
    window
        .find(Locator::Id("confirm-cancel"))
        .await?
        .click()
        .await?;
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let case = server.case(*case_id).await?;
        if case.state == CaseState::Closed {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the server reads the cancelled case as closed (it reads {:?})",
            case.state
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    wait_for_text(&window, "state", Duration::from_secs(2), |t| !t.is_empty()).await?;

    let _ = window.close().await;
    drop(driver);
    Ok(())
}

/// The tools a real-window test needs, found on this machine.
struct Tools {
    tauri_driver: PathBuf,
}

impl Tools {
    /// `Some` when everything is there; an error naming what to install when
    /// not; `None` (skip) only outside CI with `LIFELINE_SKIP_E2E=1`.
    fn find_or_skip() -> Result<Option<Self>, String> {
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
fn app_binary() -> Result<PathBuf, Box<dyn std::error::Error>> {
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
fn app_env(home: &Path) -> HashMap<String, String> {
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
struct TauriDriver {
    _process: ProcessGroup,
    port: u16,
}

impl TauriDriver {
    fn spawn(
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
    async fn session(
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

fn wait_for_exit(
    child: &mut Child,
    limit: Duration,
) -> Result<std::process::ExitStatus, Box<dyn std::error::Error>> {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(status);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("the second launch was still running after {limit:?}: single-instance did not hand over").into());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Polls the text of element `#id` until `done` accepts it.
async fn wait_for_text(
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
