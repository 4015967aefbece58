//! One server behind nginx and behind Caddy, both terminating TLS with the
//! shipped configuration: an expert signs in to the console, a customer
//! asks for help, both open the case's session socket, and event streams
//! pass unbuffered; the server sees the browser's address and https, and
//! `/metrics` stays inside. nginx is also run with its default `Host`
//! (rewritten to the upstream's name), where `public_url` is what makes
//! sign-in work, and its absence is named in the server's log.

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use lifeline_client::QueueClient;
use lifeline_protocol::{Description, IdempotencyKey, UpdateCaseRequest};
use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, COOKIE, ORIGIN, SET_COOKIE};
use serde_json::{Value, json};
use tempfile::TempDir;

use super::{Certificate, Fallible, ProxyProcess, caddy, free_port, nginx};
use crate::events::next_case;
use crate::helpers::sos_request;
use crate::process::{COMPANY_PASSWORD, Company, ServerProcess, set_up_company};
use crate::screen::Side;

/// Where the tests' browser connects from: not the proxy's 127.0.0.1, so the
/// address the server records shows whether the proxy forwarded it.
const BROWSER_ADDRESS: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 7);

/// Which proxy, configured how.
#[derive(Clone, Copy)]
enum Proxy {
    /// The shipped nginx file; with `default_host`, without its `Host` line.
    Nginx { default_host: bool },
    /// The shipped Caddyfile.
    Caddy,
}

/// One server (SQLite or PostgreSQL, as the suite runs) behind one proxy.
struct Behind {
    proxy: ProxyProcess,
    server: ServerProcess,
    company: Company,
    certificate: Certificate,
    _data_dir: TempDir,
}

impl Behind {
    /// The company's server, trusting the proxy's 127.0.0.1, with
    /// `public_url` set to the proxy's address when `public_url`, behind
    /// `proxy` on a free port (another one when that is taken before the
    /// proxy binds it: `public_url` names the port, so the server restarts).
    fn start(proxy: Proxy, public_url: bool) -> Fallible<Self> {
        let data_dir = tempfile::tempdir()?;
        let company = set_up_company(data_dir.path())?;
        let certificate = Certificate::for_loopback()?;
        let mut last_error = String::new();
        for _ in 0..3 {
            let port = free_port()?;
            let url = format!("https://127.0.0.1:{port}");
            let mut env = vec![("LIFELINE_TRUSTED_PROXIES", "127.0.0.1/32")];
            if public_url {
                env.push(("LIFELINE_PUBLIC_URL", &url));
            }
            let server = ServerProcess::start(data_dir.path(), &env)?;
            let instance = server.base_url.trim_start_matches("http://");
            let started = match proxy {
                Proxy::Nginx { default_host } => nginx::start_on(
                    port,
                    &[instance],
                    nginx::Variant {
                        tls: Some(&certificate),
                        default_host,
                    },
                ),
                Proxy::Caddy => caddy::start_on(port, instance, &certificate),
            };
            match started {
                Ok(proxy) => {
                    return Ok(Self {
                        proxy,
                        server,
                        company,
                        certificate,
                        _data_dir: data_dir,
                    });
                }
                Err(e) => last_error = e.to_string(),
            }
        }
        Err(format!("the proxy did not start: {last_error}").into())
    }

    /// A browser on [`BROWSER_ADDRESS`] trusting the proxy's certificate.
    fn browser(&self) -> Fallible<reqwest::Client> {
        self.certificate.client_from(IpAddr::V4(BROWSER_ADDRESS))
    }

    /// Posts Ana's sign-in form through the proxy, as a browser on the
    /// proxy's address does.
    async fn sign_in(&self) -> Fallible<reqwest::Response> {
        Ok(self
            .browser()?
            .post(format!("{}/sign-in", self.proxy.url))
            .header(ORIGIN, &self.proxy.url)
            .form(&[("email", "ana@example.com"), ("password", COMPANY_PASSWORD)])
            .send()
            .await?)
    }
}

/// Everything the console and the app do, through `behind`'s proxy.
async fn drive(behind: &Behind) -> Fallible<()> {
    let url = &behind.proxy.url;
    let browser = behind.browser()?;

    // Sign-in: the origin check passes, and the cookie is the https one.
    let signed_in = behind.sign_in().await?;
    assert_eq!(
        signed_in.status(),
        StatusCode::SEE_OTHER,
        "signed in: {}",
        behind.proxy.log()
    );
    let set_cookie = signed_in
        .headers()
        .get(SET_COOKIE)
        .ok_or("a session cookie")?
        .to_str()?;
    assert!(
        set_cookie.starts_with("__Host-lifeline_session=") && set_cookie.contains("; Secure"),
        "over https the cookie is __Host- and Secure: {set_cookie}"
    );
    let cookie = set_cookie.split(';').next().ok_or("a cookie")?.to_string();
    let queue = browser
        .get(format!("{url}/"))
        .header(COOKIE, &cookie)
        .send()
        .await?;
    assert_eq!(queue.status(), StatusCode::OK, "the queue page");

    assert_proposes_the_public_address(behind, &cookie).await?;

    // The server recorded the browser's address, not the proxy's.
    let audit: Value = browser
        .get(format!("{url}/api/v1/audit?action=sign_in.succeeded"))
        .bearer_auth(&behind.company.expert_token)
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    assert_eq!(
        audit["entries"][0]["client"],
        BROWSER_ADDRESS.to_string(),
        "the forwarded address: {audit}"
    );

    // The console's event stream is open before the customer asks for help.
    let mut console_events = browser
        .get(format!("{url}/console/events"))
        .header(COOKIE, &cookie)
        .send()
        .await?;
    assert_eq!(console_events.status(), StatusCode::OK);
    assert_eq!(
        console_events
            .headers()
            .get(CONTENT_TYPE)
            .map(|v| v.as_bytes()),
        Some(&b"text/event-stream"[..])
    );

    // An SOS through the proxy.
    let client = QueueClient::with_http(url, behind.browser()?)?;
    let created = client
        .create_case(
            &behind.company.deployment_key,
            &IdempotencyKey::generate(),
            &sos_request(Some("the printer is on fire")),
        )
        .await?;
    let id = created.case.id;

    // The console hears of it while the stream stays open: nothing buffered.
    let mut heard = String::new();
    tokio::time::timeout(Duration::from_secs(5), async {
        while !heard.contains(&id.to_string()) {
            match console_events.chunk().await? {
                Some(chunk) => heard.push_str(&String::from_utf8_lossy(&chunk)),
                None => return Err("the console's stream ended".into()),
            }
        }
        Ok::<_, Box<dyn std::error::Error>>(())
    })
    .await
    .map_err(|_| format!("the console's stream did not tell of the new case: {heard:?}"))??;

    // The case's own stream, and a change arriving on it.
    let mut stream = client.events(&created.token, id, None).await?;
    let (_, first) = next_case(&mut stream).await?;
    assert_eq!(first.id, id);
    client
        .update_case(
            &created.token,
            id,
            &UpdateCaseRequest {
                description: Some(Description::parse("and now it beeps")?),
                customer: None,
            },
        )
        .await?;
    let (_, changed) = next_case(&mut stream).await?;
    assert_eq!(
        changed.description.map(|d| d.as_str().to_owned()),
        Some("and now it beeps".into())
    );

    // Both sides of the session socket, over wss://, and a frame between them.
    let tls = || behind.certificate.websocket_connector();
    let mut customer = Side::connect_with(url, &created.token, id, Some(tls()?)).await?;
    let mut expert =
        Side::connect_with(url, &behind.company.expert_token, id, Some(tls()?)).await?;
    expert
        .send(json!({"type":"screen_request","mode":"view"}))
        .await?;
    customer.expect_screen(|s| s["view"] == "requested").await?;

    // Metrics are for the inside only.
    let metrics = browser.get(format!("{url}/metrics")).send().await?;
    assert_eq!(
        metrics.status(),
        StatusCode::NOT_FOUND,
        "/metrics through the proxy"
    );
    let inside = reqwest::get(format!("{}/metrics", behind.server.base_url)).await?;
    assert_eq!(
        inside.status(),
        StatusCode::OK,
        "/metrics on the server itself"
    );

    let panics = behind.server.panics();
    assert!(panics.is_empty(), "{panics:?}");
    Ok(())
}

#[tokio::test]
async fn behind_nginx_with_its_default_host_and_tls_everything_works_with_public_url()
-> Fallible<()> {
    let behind = Behind::start(Proxy::Nginx { default_host: true }, true)?;
    drive(&behind).await
}

#[tokio::test]
async fn behind_caddy_with_tls_everything_works() -> Fallible<()> {
    let behind = Behind::start(Proxy::Caddy, true)?;
    drive(&behind).await
}

/// A new deployment's server URL, as the console proposes it, is the
/// address the browser used (`https://`, the proxy's port), not the one the
/// server listens on: the deployment file the app reads points at the proxy.
async fn assert_proposes_the_public_address(behind: &Behind, cookie: &str) -> Fallible<()> {
    let page = behind
        .browser()?
        .get(format!("{}/admin/deployments", behind.proxy.url))
        .header(COOKIE, cookie)
        .send()
        .await?
        .error_for_status()?
        .text()
        .await?;
    let proposed = format!(
        "name=\"server_url\" type=\"url\" required value=\"{}\"",
        behind.proxy.url
    );
    assert!(
        page.contains(&proposed),
        "the deployments page proposes {}: {page}",
        behind.proxy.url
    );
    Ok(())
}

/// Signs in through `proxy` with no `public_url`: the proxy passes the
/// browser's `Host` and says the scheme is https.
async fn signs_in_without_public_url(proxy: Proxy) -> Fallible<()> {
    let behind = Behind::start(proxy, false)?;
    let signed_in = behind.sign_in().await?;
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    let set_cookie = signed_in
        .headers()
        .get(SET_COOKIE)
        .ok_or("a session cookie")?
        .to_str()?;
    assert!(
        set_cookie.starts_with("__Host-lifeline_session="),
        "X-Forwarded-Proto told the server it is served over https: {set_cookie}"
    );
    let cookie = set_cookie.split(';').next().ok_or("a cookie")?;
    assert_proposes_the_public_address(&behind, cookie).await
}

#[tokio::test]
async fn behind_caddy_sign_in_works_before_public_url_is_set() -> Fallible<()> {
    signs_in_without_public_url(Proxy::Caddy).await
}

#[tokio::test]
async fn behind_nginx_as_shipped_sign_in_works_before_public_url_is_set() -> Fallible<()> {
    signs_in_without_public_url(Proxy::Nginx {
        default_host: false,
    })
    .await
}

#[tokio::test]
async fn behind_nginx_with_its_default_host_and_no_public_url_the_log_says_to_set_it()
-> Fallible<()> {
    let behind = Behind::start(Proxy::Nginx { default_host: true }, false)?;
    let mentions_public_url = |line: &str| line.contains("WARN") && line.contains("public_url");
    assert!(
        !behind.server.log_lines(mentions_public_url).is_empty(),
        "a startup warning: trusted_proxies without public_url"
    );
    let refused = behind.sign_in().await?;
    assert_eq!(
        refused.status(),
        StatusCode::FORBIDDEN,
        "the Host nginx sent is not the browser's origin"
    );
    assert!(refused.headers().get(SET_COOKIE).is_none());
    let wanted = format!("public_url = \"{}\"", behind.proxy.url);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while behind
        .server
        .log_lines(|line| line.contains("sign-in refused") && line.contains(&wanted))
        .is_empty()
    {
        if tokio::time::Instant::now() > deadline {
            return Err(format!(
                "no warning naming {wanted}: {:?}",
                behind.server.log_lines(|line| line.contains("WARN"))
            )
            .into());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok(())
}
