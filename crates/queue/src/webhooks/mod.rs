//! Signed webhooks: admins register endpoints, and every change of a case an
//! endpoint subscribes to is POSTed to it, signed as the Standard Webhooks
//! specification says (`webhook-id`, `webhook-timestamp`, `webhook-signature`).
//!
//! Durable by an outbox: the rules write one delivery row per subscribed
//! endpoint in the same transaction as the change (`crate::rules::webhooks`),
//! so a change that committed always has its deliveries and one that did not
//! has none. [`worker`] delivers them: each endpoint's deliveries in commit
//! order, every endpoint on its own (a slow or dead one never holds up
//! another), retried with exponential backoff ([`retry_delay`]) with the same
//! event id every time; an endpoint failing for [`DISABLE_AFTER`] is disabled
//! and its admins told. Several instances share the outbox through claims:
//! an instance claims an endpoint's next delivery in a write transaction for
//! [`CLAIM_LEASE`], so each delivery is sent by one instance at a time.

pub mod tell;
pub mod worker;

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::{Hmac, Mac as _};
use rand::RngCore as _;
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use time::OffsetDateTime;
use uuid::Uuid;

/// Retries of one delivery start this long after its first failure, and
/// double from there…
const FIRST_RETRY: Duration = Duration::from_secs(2);
/// …up to this long between two attempts.
const LONGEST_RETRY: Duration = Duration::from_secs(60 * 60);
/// An endpoint whose deliveries have all failed for this long is disabled.
pub const DISABLE_AFTER: Duration = Duration::from_secs(24 * 60 * 60);
/// How long an instance's claim on a delivery holds: well past the request's
/// time limit, so a claim lapses only when its instance died mid-delivery.
pub const CLAIM_LEASE: Duration = Duration::from_secs(60);
/// The prefix of a signing secret, as the specification writes them.
const SECRET_PREFIX: &str = "whsec_";

/// What an endpoint can subscribe to (the OpenAPI document's `EventType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, utoipa::ToSchema)]
pub enum EventType {
    /// A case was created.
    #[schema(rename = "case.created")]
    CaseCreated,
    /// A case was given to an expert.
    #[schema(rename = "case.assigned")]
    CaseAssigned,
    /// An open case's state changed (new, pending, in progress); closing and
    /// expiring have their own events.
    #[schema(rename = "case.state_changed")]
    CaseStateChanged,
    /// A case was closed.
    #[schema(rename = "case.closed")]
    CaseClosed,
    /// A case expired.
    #[schema(rename = "case.expired")]
    CaseExpired,
    /// A chat message was sent in a case.
    #[schema(rename = "message.created")]
    MessageCreated,
}

impl EventType {
    /// Every type, in the order the console offers them.
    pub const ALL: [EventType; 6] = [
        Self::CaseCreated,
        Self::CaseAssigned,
        Self::CaseStateChanged,
        Self::CaseClosed,
        Self::CaseExpired,
        Self::MessageCreated,
    ];

    /// The wire name, the body's `type`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CaseCreated => "case.created",
            Self::CaseAssigned => "case.assigned",
            Self::CaseStateChanged => "case.state_changed",
            Self::CaseClosed => "case.closed",
            Self::CaseExpired => "case.expired",
            Self::MessageCreated => "message.created",
        }
    }

    /// The type of a wire name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == name)
    }
}

/// A registered endpoint, as the API lists it (never its secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Webhook {
    /// The endpoint (UUID v7).
    pub id: Uuid,
    /// Where events are POSTed.
    pub url: String,
    /// The event types it receives.
    pub events: Vec<String>,
    /// Whether events are sent to it. A disabled endpoint gets no new events;
    /// those already queued wait until it is enabled again.
    pub enabled: bool,
    /// Why it is disabled: by an admin, or failing for a day.
    pub disabled_reason: Option<String>,
    /// Since when its deliveries have been failing, if they are.
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub failing_since: Option<OffsetDateTime>,
    /// When it was registered.
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
}

/// `POST /api/v1/webhooks`.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateWebhookRequest {
    /// An `http` or `https` URL with a host, without user name, password or
    /// fragment.
    #[schema(
        pattern = "^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~/-]*)?(\\?[A-Za-z0-9._~=&%+-]*)?$",
        max_length = 2000
    )]
    pub url: String,
    /// At least one event type.
    #[schema(value_type = Vec<EventType>, min_items = 1)]
    pub events: Vec<String>,
}

/// The answer to a registration: the endpoint, and its signing secret,
/// shown this once.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CreatedWebhook {
    /// The endpoint.
    pub webhook: Webhook,
    /// The `whsec_…` secret the receiver verifies signatures with. It is not
    /// shown again.
    pub secret: String,
}

/// One event sent (or to send) to an endpoint, as the delivery log shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct WebhookDelivery {
    /// The event id (`webhook-id`), the same on every attempt.
    pub event_id: String,
    /// Its type.
    pub event_type: String,
    /// The case it is about.
    pub case_id: Uuid,
    /// When the change happened.
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    /// Attempts made.
    pub attempts: u32,
    /// When it was delivered (a 2xx answer), if it was.
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub delivered_at: Option<OffsetDateTime>,
    /// When the next attempt is due, while it is not delivered.
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub next_attempt_at: Option<OffsetDateTime>,
    /// When the last attempt was made.
    #[serde(with = "time::serde::rfc3339::option")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub last_attempt_at: Option<OffsetDateTime>,
    /// The HTTP status the receiver answered last, if it answered.
    pub last_status: Option<u16>,
    /// What went wrong last, if anything.
    pub last_error: Option<String>,
}

/// An endpoint to store.
#[derive(Debug, Clone)]
pub struct NewWebhook {
    /// Its id.
    pub id: Uuid,
    /// Its URL, checked by [`check_url`].
    pub url: String,
    /// Its event types, at least one.
    pub events: Vec<EventType>,
    /// Its signing secret.
    pub secret: String,
}

/// Why a registration was refused, by the field at fault, so the API can
/// name it ("url: …") and the console can point at its label.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RefusedWebhook {
    #[error("url: {0}")]
    Url(String),
    #[error("events: {0}")]
    Events(String),
}

impl NewWebhook {
    /// Checks a registration and gives the new endpoint a fresh secret.
    pub fn from_request(request: &CreateWebhookRequest) -> Result<Self, RefusedWebhook> {
        check_url(&request.url).map_err(RefusedWebhook::Url)?;
        if request.events.is_empty() {
            return Err(RefusedWebhook::Events(
                "name at least one event type".into(),
            ));
        }
        let mut events = Vec::new();
        for name in &request.events {
            let Some(event) = EventType::parse(name) else {
                let known: Vec<&str> = EventType::ALL.iter().map(|t| t.as_str()).collect();
                return Err(RefusedWebhook::Events(format!(
                    "unknown event type {name:?}; known: {}",
                    known.join(", ")
                )));
            };
            if !events.contains(&event) {
                events.push(event);
            }
        }
        Ok(Self {
            id: Uuid::now_v7(),
            url: request.url.trim().to_string(),
            events,
            secret: new_secret(),
        })
    }

    /// The event types as stored: `,case.created,case.closed,` (a comma at
    /// each end, so a type is found as `,type,`).
    pub fn stored_events(&self) -> String {
        stored_events(&self.events)
    }
}

/// Event types as the `webhooks.events` column holds them.
pub(crate) fn stored_events(events: &[EventType]) -> String {
    let names: Vec<&str> = events.iter().map(|t| t.as_str()).collect();
    format!(",{},", names.join(","))
}

/// The event types of a stored `webhooks.events` column.
pub(crate) fn events_from_stored(stored: &str) -> Vec<String> {
    stored
        .split(',')
        .filter(|name| !name.is_empty())
        .map(str::to_string)
        .collect()
}

/// The longest URL an endpoint may have.
const MAX_URL_LEN: usize = 2000;

/// What an endpoint URL may be: `http` or `https` with a host, no user name or
/// password (they would be stored and listed), no fragment. Registration is
/// for admins only, and private and loopback addresses are allowed (a
/// company's ticket system is usually inside its network); redirects are not
/// followed, so an endpoint cannot bounce a delivery elsewhere.
pub fn check_url(url: &str) -> Result<(), String> {
    let url = url.trim();
    if url.len() > MAX_URL_LEN {
        return Err(format!("at most {MAX_URL_LEN} characters"));
    }
    if !within_documented_shape(url) {
        return Err(
            "must look like https://host[:port][/path][?query], with letters, digits, \
             '.', '-', '_', '~' and '/' in the path, and also '=', '&', '%' and '+' in the query"
                .into(),
        );
    }
    let parsed = reqwest::Url::parse(url).map_err(|e| format!("not a URL ({e})"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(format!(
            "must be http:// or https://, not {}://",
            parsed.scheme()
        ));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err("names no host".into());
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(
            "must not carry a user name or password (the signature authenticates the sender)"
                .into(),
        );
    }
    if parsed.fragment().is_some() {
        return Err("must not have a #fragment".into());
    }
    Ok(())
}

/// The shape the OpenAPI document's `pattern` promises:
/// `^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~/-]*)?(\?[A-Za-z0-9._~=&%+-]*)?$`:
/// a query is allowed, since many receivers take their own token in one.
fn within_documented_shape(url: &str) -> bool {
    let (url, query) = url.split_once('?').unwrap_or((url, ""));
    let query_ok = query.chars().all(|c| {
        c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '~' | '=' | '&' | '%' | '+' | '-')
    });
    let Some(rest) = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
    else {
        return false;
    };
    let (authority, path) = rest.find('/').map_or((rest, ""), |at| rest.split_at(at));
    let (host, port) = authority
        .split_once(':')
        .map_or((authority, None), |(h, p)| (h, Some(p)));
    let host_ok = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
    let port_ok =
        port.is_none_or(|p| (1..=5).contains(&p.len()) && p.chars().all(|c| c.is_ascii_digit()));
    let path_ok = path
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '~' | '/' | '-'));
    host_ok && port_ok && path_ok && query_ok
}

/// A fresh signing secret: `whsec_` and 32 random bytes in base64.
fn new_secret() -> String {
    let mut key = [0u8; 32];
    rand::rng().fill_bytes(&mut key);
    format!("{SECRET_PREFIX}{}", BASE64.encode(key))
}

/// Why a secret cannot sign.
#[derive(Debug, thiserror::Error)]
#[error("a webhook secret is whsec_ followed by base64")]
pub struct BadSecret;

/// The `webhook-signature` header of a delivery: `v1,` and the base64
/// HMAC-SHA256 of `{id}.{timestamp}.{body}`, keyed by the base64-decoded part
/// of the `whsec_` secret.
pub fn signature(secret: &str, id: &str, timestamp: i64, body: &str) -> Result<String, BadSecret> {
    let key = BASE64
        .decode(secret.strip_prefix(SECRET_PREFIX).ok_or(BadSecret)?)
        .map_err(|_| BadSecret)?;
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).map_err(|_| BadSecret)?;
    mac.update(format!("{id}.{timestamp}.{body}").as_bytes());
    Ok(format!("v1,{}", BASE64.encode(mac.finalize().into_bytes())))
}

/// How long after its `attempts`-th failed attempt a delivery is tried again:
/// 2 s, doubling each time, at most an hour apart. An endpoint still failing
/// after [`DISABLE_AFTER`] has been tried some 35 times.
pub fn retry_delay(attempts: u32) -> Duration {
    let doublings = attempts.saturating_sub(1).min(20);
    FIRST_RETRY
        .saturating_mul(1 << doublings)
        .min(LONGEST_RETRY)
}

/// A new event id: `msg_` and a UUID v7, as the specification's examples write them.
pub fn new_event_id() -> String {
    format!("msg_{}", Uuid::now_v7().simple())
}

/// The JSON body of an event: `{type, timestamp, data}`.
#[derive(Debug, Serialize)]
pub struct EventBody<'a, D: Serialize> {
    /// The event type.
    #[serde(rename = "type")]
    pub event_type: &'static str,
    /// When the change happened, RFC 3339.
    #[serde(with = "time::serde::rfc3339")]
    pub timestamp: OffsetDateTime,
    /// `{case, …}`.
    pub data: &'a D,
}

/// An event for the outbox, built by the rules.
#[derive(Debug)]
pub struct OutboxEvent<'a> {
    /// `webhook-id`.
    pub id: &'a str,
    /// Its type.
    pub event_type: EventType,
    /// The case it is about.
    pub case_id: Uuid,
    /// The body, as it will be signed and sent.
    pub body: &'a str,
    /// When it happened.
    pub at: OffsetDateTime,
}

/// A delivery an instance claimed: what to send, where.
#[derive(Debug, Clone)]
pub struct ClaimedDelivery {
    /// The endpoint.
    pub webhook_id: Uuid,
    /// Its outbox number.
    pub seq: i64,
    /// The endpoint's URL.
    pub url: String,
    /// The endpoint's secret.
    pub secret: String,
    /// The event id.
    pub event_id: String,
    /// The body.
    pub body: String,
    /// Attempts made before this one.
    pub attempts: u32,
}

/// How one attempt ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    /// When it was made.
    pub at: OffsetDateTime,
    /// The receiver's HTTP status, if it answered.
    pub status: Option<u16>,
    /// Why it failed, or `None` when it was delivered.
    pub error: Option<String>,
}

/// An endpoint the server disabled after it failed for a day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisabledEndpoint {
    /// The endpoint.
    pub id: Uuid,
    /// Its URL.
    pub url: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_matches_the_specifications_example() {
        // The example of the Standard Webhooks specification (and its libraries' tests).
        let signed = signature(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            r#"{"test": 2432232314}"#,
        )
        .expect("a good secret");
        assert_eq!(signed, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    #[test]
    fn retries_double_up_to_an_hour_and_last_past_a_day() {
        assert_eq!(retry_delay(1), Duration::from_secs(2));
        assert_eq!(retry_delay(2), Duration::from_secs(4));
        assert_eq!(retry_delay(40), LONGEST_RETRY);
        let mut total = Duration::ZERO;
        let mut attempts = 0;
        while total < DISABLE_AFTER {
            attempts += 1;
            total += retry_delay(attempts);
        }
        assert!(
            (30..=40).contains(&attempts),
            "{attempts} attempts in a day"
        );
    }

    #[test]
    fn a_url_must_be_http_or_https_with_a_host_and_no_credentials() {
        assert!(check_url("https://tickets.example.com/hooks/lifeline").is_ok());
        assert!(check_url("http://127.0.0.1:8080/in").is_ok());
        assert!(check_url("https://hooks.example.com/in?token=a%2Bb&team=it-desk").is_ok());
        for bad in [
            "https://example.com/in?x=<script>",
            "https://example.com/in?a b",
            "ftp://example.com/",
            "file:///etc/passwd",
            "not a url",
            "https://user:pw@example.com/",
            "https://example.com/#x",
        ] {
            assert!(check_url(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn a_refused_registration_names_the_field_at_fault() {
        let request = |url: &str, events: &[&str]| CreateWebhookRequest {
            url: url.into(),
            events: events.iter().map(|e| e.to_string()).collect(),
        };
        let refused = NewWebhook::from_request(&request("ftp://example.com/", &["case.created"]))
            .expect_err("ftp refused");
        assert!(matches!(refused, RefusedWebhook::Url(_)), "{refused:?}");
        assert!(
            refused
                .to_string()
                .starts_with("url: must look like https://host"),
            "{refused}"
        );

        let refused = NewWebhook::from_request(&request("https://example.com/in", &[]))
            .expect_err("no events refused");
        assert_eq!(
            refused,
            RefusedWebhook::Events("name at least one event type".into())
        );
        assert_eq!(refused.to_string(), "events: name at least one event type");

        let refused = NewWebhook::from_request(&request("https://example.com/in", &["case.lost"]))
            .expect_err("an unknown type refused");
        assert!(
            refused
                .to_string()
                .starts_with("events: unknown event type \"case.lost\""),
            "{refused}"
        );
    }
}
