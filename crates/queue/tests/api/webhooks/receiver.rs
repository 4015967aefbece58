//! A webhook receiver for the tests: a real HTTP server on 127.0.0.1:0 that
//! records every request and checks its signature as the Standard Webhooks
//! specification says (written from the specification, not from the
//! server's code), answering as the test tells it to.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::{Hmac, Mac as _};
use serde_json::Value;
use sha2::Sha256;

use crate::cluster::{Fallible, poll_until};

/// How the receiver answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// With this status.
    Status(u16),
    /// Not at all for a minute (longer than the server waits).
    Hang,
}

/// One request the receiver got.
#[derive(Debug, Clone)]
pub struct Received {
    /// `webhook-id`.
    pub id: String,
    /// `webhook-timestamp`, seconds since the epoch.
    pub timestamp: i64,
    /// Whether `webhook-signature` verified with the endpoint's secret.
    pub signed: bool,
    /// The body.
    pub body: Value,
    /// What the receiver answered.
    pub answered: Answer,
}

#[derive(Default)]
struct Shared {
    secret: Mutex<Option<String>>,
    answer: Mutex<Option<Answer>>,
    got: Mutex<Vec<Received>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A running receiver; stops when dropped.
pub struct Receiver {
    /// Where it listens: register this URL.
    pub url: String,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Receiver {
    /// Starts one answering `answer`.
    pub async fn start(answer: Answer) -> Fallible<Self> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}/hooks/lifeline", listener.local_addr()?);
        let shared = Arc::new(Shared::default());
        *lock(&shared.answer) = Some(answer);
        let app = Router::new()
            .route("/hooks/lifeline", post(receive))
            .with_state(Arc::clone(&shared));
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(Self { url, shared, task })
    }

    /// The secret the server showed at registration, to verify signatures with.
    pub fn set_secret(&self, secret: &str) {
        *lock(&self.shared.secret) = Some(secret.to_string());
    }

    /// Answers every later request so.
    pub fn answer(&self, answer: Answer) {
        *lock(&self.shared.answer) = Some(answer);
    }

    /// Every request so far, in arrival order.
    pub fn received(&self) -> Vec<Received> {
        lock(&self.shared.got).clone()
    }

    /// Waits until `count` requests arrived (20 s at most); answers them all.
    pub async fn wait_for(&self, count: usize) -> Fallible<Vec<Received>> {
        poll_until(
            Duration::from_secs(20),
            &format!("{count} webhook requests"),
            || async {
                let got = self.received();
                Ok((got.len() >= count).then_some(got))
            },
        )
        .await
    }
}

async fn receive(State(shared): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let (id, timestamp, signature) = (
        header("webhook-id"),
        header("webhook-timestamp"),
        header("webhook-signature"),
    );
    let secret = lock(&shared.secret).clone().unwrap_or_default();
    let answered = lock(&shared.answer).unwrap_or(Answer::Status(200));
    lock(&shared.got).push(Received {
        signed: verify(&secret, &id, &timestamp, &body, &signature),
        id,
        timestamp: timestamp.parse().unwrap_or(0),
        body: serde_json::from_slice(&body).unwrap_or(Value::Null),
        answered,
    });
    match answered {
        Answer::Status(status) => {
            StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
        }
        Answer::Hang => {
            tokio::time::sleep(Duration::from_secs(60)).await;
            StatusCode::OK
        }
    }
}

/// The specification's check: the signed content is `id.timestamp.body`, the
/// key is the base64 after `whsec_`, and the header holds space-separated
/// `v1,<base64 HMAC-SHA256>` signatures, any of which may match.
fn verify(secret: &str, id: &str, timestamp: &str, body: &[u8], header: &str) -> bool {
    let Some(key) = secret
        .strip_prefix("whsec_")
        .and_then(|k| BASE64.decode(k).ok())
    else {
        return false;
    };
    let mut content = format!("{id}.{timestamp}.").into_bytes();
    content.extend_from_slice(body);
    header
        .split(' ')
        .filter_map(|s| s.strip_prefix("v1,"))
        .filter_map(|s| BASE64.decode(s).ok())
        .any(|expected| {
            let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&key) else {
                return false;
            };
            mac.update(&content);
            mac.verify_slice(&expected).is_ok()
        })
}
