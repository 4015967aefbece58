//! The app trusts the operating system's certificate store, for HTTP and the
//! WebSocket alike: a company's internal CA works once IT has put it there.
//!
//! The store is read by rustls-native-certs, which on Unix takes
//! `SSL_CERT_FILE` instead of the system store when it is set. A test cannot
//! set an environment variable under the running harness, so the outer test
//! makes a CA, fronts the real server with HTTPS under a certificate of that
//! CA, and runs the inner (ignored) test in a child process of this binary
//! with `SSL_CERT_FILE` naming the CA: once with it (trusted), once with
//! another CA (refused).

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use lifeline_client::{QueueClient, SessionEvent, join_session};
use lifeline_protocol::{Channel, CreateCaseRequest, IdempotencyKey};
use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair, KeyUsagePurpose,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;

use crate::helpers::{Fallible, TestResult, TestServer, quick_backoff};

/// The inner test's name, as the harness filters it.
const INNER: &str = "tls::the_client_speaks_https_and_wss_to_the_url_it_is_given";
/// Where the inner test finds the server and its deployment key.
const URL_ENV: &str = "LIFELINE_TEST_TLS_URL";
const KEY_ENV: &str = "LIFELINE_TEST_TLS_DEPLOYMENT_KEY";

/// A certificate authority made for one test.
fn test_ca(name: &str) -> Fallible<CertifiedIssuer<'static, KeyPair>> {
    let mut params = CertificateParams::new(Vec::<String>::new())?;
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.distinguished_name.push(DnType::CommonName, name);
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    Ok(CertifiedIssuer::self_signed(params, KeyPair::generate()?)?)
}

/// Serves TLS on 127.0.0.1 under a `localhost` certificate signed by `ca`,
/// passing the plain bytes on to the real server at `backend`.
async fn https_front(
    ca: &CertifiedIssuer<'static, KeyPair>,
    backend: SocketAddr,
) -> Fallible<SocketAddr> {
    let key = KeyPair::generate()?;
    let cert = CertificateParams::new(vec!["localhost".to_owned()])?.signed_by(&key, ca)?;
    let chain: Vec<CertificateDer<'static>> = vec![cert.der().clone()];
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()?
    .with_no_client_auth()
    .with_single_cert(chain, key)?;
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                // A client that refuses the certificate ends its handshake here.
                let Ok(mut tls) = acceptor.accept(client).await else {
                    return;
                };
                if let Ok(mut plain) = TcpStream::connect(backend).await {
                    let _ = tokio::io::copy_bidirectional(&mut tls, &mut plain).await;
                }
            });
        }
    });
    Ok(addr)
}

/// Runs the inner test in a child process with `SSL_CERT_FILE` = `ca_file`;
/// whether it passed, and what it printed.
async fn inner_test_with_store(
    ca_file: &Path,
    url: &str,
    deployment_key: &str,
) -> Fallible<(bool, String)> {
    let output = tokio::process::Command::new(std::env::current_exe()?)
        .args([INNER, "--exact", "--ignored", "--nocapture"])
        .env("SSL_CERT_FILE", ca_file)
        .env_remove("SSL_CERT_DIR")
        .env(URL_ENV, url)
        .env(KEY_ENV, deployment_key)
        .output()
        .await?;
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let ran = printed.contains("1 passed") || printed.contains("1 failed");
    if !ran {
        return Err(format!("the inner test did not run:\n{printed}").into());
    }
    Ok((output.status.success(), printed))
}

#[tokio::test]
async fn a_server_certified_by_a_ca_in_the_os_store_is_trusted_over_https_and_wss() -> TestResult {
    let server = TestServer::spawn().await?;
    let company_ca = test_ca("Acme internal CA")?;
    let front = https_front(&company_ca, server.addr).await?;
    let url = format!("https://localhost:{}", front.port());

    let store = tempfile::tempdir()?;
    let trusted = store.path().join("company-ca.pem");
    std::fs::write(&trusted, company_ca.pem())?;
    let (passed, printed) = inner_test_with_store(&trusted, &url, &server.deployment_key).await?;
    assert!(passed, "with the company CA in the store:\n{printed}");
    assert_eq!(
        server.open_cases().await?.len(),
        1,
        "the case went through HTTPS"
    );

    let other = store.path().join("other-ca.pem");
    std::fs::write(&other, test_ca("Someone else's CA")?.pem())?;
    let (passed, printed) = inner_test_with_store(&other, &url, &server.deployment_key).await?;
    assert!(!passed, "without the company CA the server is not trusted");
    assert!(
        printed.contains("certificate") || printed.contains("UnknownIssuer"),
        "the failure is about the certificate:\n{printed}"
    );
    Ok(())
}

/// Run only by the test above, in a child process whose `SSL_CERT_FILE`
/// names the trust store; it fails when run on its own without the server.
#[tokio::test]
#[ignore = "run by a_server_certified_by_a_ca_in_the_os_store_is_trusted_over_https_and_wss"]
async fn the_client_speaks_https_and_wss_to_the_url_it_is_given() -> TestResult {
    let url = std::env::var(URL_ENV).map_err(|_| format!("{URL_ENV} is not set"))?;
    let key = std::env::var(KEY_ENV).map_err(|_| format!("{KEY_ENV} is not set"))?;
    let client = QueueClient::new(&url)?;
    let request = CreateCaseRequest {
        channel: Channel::Sos,
        customer: None,
        description: None,
        device: None,
    };
    let created = client
        .create_case(&key, &IdempotencyKey::generate(), &request)
        .await?;
    let (_session, mut events) =
        join_session(&client, created.token, created.case.id, quick_backoff());
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        match tokio::time::timeout_at(deadline, events.recv()).await {
            Ok(Some(SessionEvent::Connected)) => return Ok(()),
            Ok(Some(SessionEvent::Ended { reason })) => {
                return Err(format!("the session ended: {reason}").into());
            }
            Ok(Some(_)) => {}
            Ok(None) => return Err("the session's events stopped".into()),
            Err(_) => return Err("the WebSocket did not connect over TLS".into()),
        }
    }
}
