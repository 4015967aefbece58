//! The expert console in headless Chromium through ChromeDriver (Debian's
//! `chromium` and `chromium-driver`).

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;

use super::{
    EXPERT_EMAIL, Fallible, ProcessGroup, Server, TestResult, find_program, free_port,
    missing_tools, wait_for_listener,
};

/// Fills and sends the sign-in form; waits for the queue or the error.
pub async fn fill_sign_in(client: &Client, server: &Server, password: &str) -> TestResult {
    client.goto(&format!("{}/sign-in", server.base_url)).await?;
    client
        .find(Locator::Id("email"))
        .await?
        .send_keys(EXPERT_EMAIL)
        .await?;
    client
        .find(Locator::Id("password"))
        .await?
        .send_keys(password)
        .await?;
    let form_page = client.find(Locator::Css("body")).await?;
    client.find(Locator::Id("sign-in")).await?.click().await?;
    wait_until_stale(&form_page).await?;
    client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("#sign-in-error, #queue-rows"))
        .await?;
    Ok(())
}

/// Waits until `element`'s page has been replaced by the next one (the
/// answer to a form post), so nothing is read from the page being left.
async fn wait_until_stale(element: &fantoccini::elements::Element) -> TestResult {
    let deadline = Instant::now() + Duration::from_secs(10);
    while element.text().await.is_ok() {
        if Instant::now() > deadline {
            return Err("the form's answer did not load within 10 s".into());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok(())
}

/// Signs the expert in; fails unless the queue opens.
pub async fn sign_in(client: &Client, server: &Server, password: &str) -> TestResult {
    fill_sign_in(client, server, password).await?;
    if client.find(Locator::Id("queue-rows")).await.is_err() {
        return Err("signing in with the right password did not open the queue".into());
    }
    Ok(())
}

/// Headless Chromium under ChromeDriver, stopped when dropped.
pub struct Browser {
    pub client: Client,
    screenshots: Option<PathBuf>,
    _driver: ProcessGroup,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// `None` only when tools are missing outside CI with `LIFELINE_SKIP_E2E=1`.
    pub async fn start_or_skip() -> Fallible<Option<Self>> {
        Self::start_with_or_skip(&[]).await
    }

    /// The same, with more Chromium switches (`--force-dark-mode`).
    pub async fn start_with_or_skip(extra_args: &[&str]) -> Fallible<Option<Self>> {
        let chromium = ["chromium", "chromium-browser", "google-chrome"]
            .into_iter()
            .find_map(find_program);
        let chromedriver = find_program("chromedriver");
        let mut missing = Vec::new();
        if chromium.is_none() {
            missing.push("Chromium not found (Debian: apt-get install chromium)".to_string());
        }
        if chromedriver.is_none() {
            missing.push(
                "chromedriver not found (Debian: apt-get install chromium-driver)".to_string(),
            );
        }
        if !missing_tools("the console browser test", &missing)? {
            return Ok(None);
        }
        let (Some(chromium), Some(chromedriver)) = (chromium, chromedriver) else {
            unreachable!("missing tools were reported above");
        };
        let port = free_port()?;
        let driver = ProcessGroup::spawn(
            Command::new(&chromedriver)
                .arg(format!("--port={port}"))
                .stdout(Stdio::null())
                .stderr(Stdio::null()),
        )
        .map_err(|e| format!("cannot start {}: {e}", chromedriver.display()))?;
        wait_for_listener(port, "chromedriver")?;
        let profile = tempfile::tempdir()?;
        let mut args = vec![
            "--headless".to_string(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-dev-shm-usage".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--no-first-run".into(),
            "--window-size=1280,860".into(),
            format!("--user-data-dir={}", profile.path().display()),
        ];
        args.extend(extra_args.iter().map(|a| a.to_string()));
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": chromium,
                "args": args,
                // As if the expert had allowed the console's notifications
                // (a permission prompt cannot be answered headless).
                "prefs": { "profile.default_content_setting_values.notifications": 1 },
            }),
        );
        let mut builder = ClientBuilder::new(HttpConnector::new());
        builder.capabilities(capabilities);
        let url = format!("http://127.0.0.1:{port}");
        let connect = builder.connect(&url);
        let client = tokio::time::timeout(Duration::from_secs(30), connect)
            .await
            .map_err(|_| "Chromium did not start within 30 s")??;
        Ok(Some(Self {
            client,
            screenshots: std::env::var_os("LIFELINE_SCREENSHOTS").map(PathBuf::from),
            _driver: driver,
            _profile: profile,
        }))
    }

    pub async fn text_of(&self, id: &str) -> Fallible<String> {
        let element = self.client.find(Locator::Id(id)).await?;
        Ok(element.text().await?.trim().to_string())
    }

    /// Clicks `#id`.
    pub async fn click(&self, id: &str) -> TestResult {
        self.client.find(Locator::Id(id)).await?.click().await?;
        Ok(())
    }

    /// Polls `#id` until its text is `expected`, 5 s at most.
    pub async fn wait_for_text(&self, id: &str, expected: &str) -> TestResult {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let text = self.text_of(id).await.unwrap_or_default();
            if text == expected {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(format!("#{id} shows {text:?}, not {expected:?}").into());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Clicks the element `xpath` finds in a live table. The console may
    /// re-render the table between finding and clicking (a change or the
    /// 30 s tick), so a stale element is found again, a few times at most.
    pub async fn click_live(&self, xpath: &str) -> TestResult {
        let mut attempts = 0;
        loop {
            let clicked = match self.client.find(Locator::XPath(xpath)).await {
                Ok(element) => element.click().await,
                Err(e) => Err(e),
            };
            match clicked {
                Err(e) if e.is_stale_element_reference() && attempts < 5 => attempts += 1,
                other => return other.map_err(|e| format!("clicking {xpath}: {e}").into()),
            }
        }
    }

    /// Clicks `#id`, which submits a form, and waits for the next page.
    pub async fn click_and_wait_for_load(&self, id: &str) -> TestResult {
        self.click_and_wait_for_load_css(&format!("#{id}")).await
    }

    pub async fn click_and_wait_for_load_css(&self, css: &str) -> TestResult {
        let old = self.client.find(Locator::Css("body")).await?;
        self.client.find(Locator::Css(css)).await?.click().await?;
        wait_until_stale(&old)
            .await
            .map_err(|e| format!("clicking {css}: {e}").into())
    }

    /// Opens the case page and clicks Connect; waits until the page shows
    /// the expert in the session.
    pub async fn connect_to_case(&self, server: &Server, case_id: uuid::Uuid) -> TestResult {
        self.client
            .goto(&format!("{}/cases/{case_id}", server.base_url))
            .await?;
        self.click("connect").await?;
        self.wait_for_text("presence-expert", "yes").await
    }

    /// Types a chat message on the case page and sends it.
    pub async fn send_chat(&self, text: &str) -> TestResult {
        self.client
            .find(Locator::Id("chat-text"))
            .await?
            .send_keys(text)
            .await?;
        self.click("chat-send").await?;
        Ok(())
    }

    /// Waits (5 s at most) until the case page's chat shows `text`.
    pub async fn wait_for_chat(&self, text: &str) -> TestResult {
        self.client
            .wait()
            .at_most(Duration::from_secs(5))
            .for_element(Locator::XPath(&format!(
                "//ol[@id='chat']/li[contains(., '{text}')]"
            )))
            .await
            .map_err(|e| format!("{text:?} did not show in the console's chat: {e}"))?;
        Ok(())
    }

    pub async fn screenshot(&self, name: &str) -> TestResult {
        if let Some(dir) = &self.screenshots {
            std::fs::create_dir_all(dir)?;
            std::fs::write(dir.join(name), self.client.screenshot().await?)?;
        }
        Ok(())
    }

    pub async fn close(self) -> TestResult {
        self.client.close().await?;
        Ok(())
    }
}
