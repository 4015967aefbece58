//! The delivery loop every instance runs: claims due deliveries (see
//! [`crate::webhooks`]), sends each on its own task so a slow endpoint holds
//! up nothing but its own line, and records how each attempt ended.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use super::tell::Admins;
use super::{Attempt, ClaimedDelivery, signature};
use crate::clock::Clock;
use crate::store::Store;

/// How often the outbox is looked at for due deliveries (a read).
const POLL: Duration = Duration::from_millis(250);
/// How long a receiver has to answer an attempt.
const REQUEST_LIMIT: Duration = Duration::from_secs(10);
/// Attempts in flight at once on one instance (each to its own endpoint).
const MAX_IN_FLIGHT: usize = 64;
/// The longest failure reason the delivery log keeps.
const MAX_ERROR_CHARS: usize = 300;

/// The endpoints this instance is sending to now.
type Busy = Arc<Mutex<HashSet<Uuid>>>;

/// Delivers webhooks until `shutdown`. Attempts in flight then are dropped:
/// their claims lapse and the delivery is sent again (same event id) by
/// whichever instance claims it next.
pub async fn deliver(
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    admins: Arc<Admins>,
    shutdown: CancellationToken,
) {
    let client = match reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(REQUEST_LIMIT)
        .user_agent(concat!("Lifeline-Webhooks/", env!("CARGO_PKG_VERSION")))
        .build()
    {
        Ok(client) => client,
        Err(e) => {
            tracing::error!(error = %e, "cannot make the webhook HTTP client; no webhook will be sent");
            return;
        }
    };
    let busy: Busy = Arc::default();
    let mut attempts = JoinSet::new();
    let mut ticks = tokio::time::interval(POLL);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            () = shutdown.cancelled() => break,
            _ = ticks.tick() => {}
        }
        while attempts.try_join_next().is_some() {}
        let sending: Vec<Uuid> = lock(&busy).iter().copied().collect();
        let room = MAX_IN_FLIGHT.saturating_sub(attempts.len());
        let claimed = store
            .claim_webhook_deliveries(sending, u32::try_from(room).unwrap_or(0), clock.now())
            .await;
        match claimed {
            Ok(claimed) => {
                for delivery in claimed {
                    lock(&busy).insert(delivery.webhook_id);
                    attempts.spawn(attempt(
                        client.clone(),
                        Arc::clone(&store),
                        Arc::clone(&clock),
                        Arc::clone(&busy),
                        Arc::clone(&admins),
                        delivery,
                    ));
                }
            }
            Err(e) => tracing::warn!(error = %e, "cannot claim webhook deliveries; retrying"),
        }
    }
    attempts.shutdown().await;
}

fn lock(busy: &Busy) -> std::sync::MutexGuard<'_, HashSet<Uuid>> {
    busy.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Sends one delivery, records the outcome and frees its endpoint.
async fn attempt(
    client: reqwest::Client,
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    busy: Busy,
    admins: Arc<Admins>,
    delivery: ClaimedDelivery,
) {
    let at = clock.now();
    let outcome = send(&client, &delivery, at.unix_timestamp()).await;
    let attempt = Attempt {
        at,
        status: outcome.0,
        error: outcome.1,
    };
    let endpoint = delivery.webhook_id;
    match store.finish_webhook_attempt(delivery, attempt).await {
        Ok(Some(disabled)) => admins.tell(disabled),
        Ok(None) => {}
        Err(e) => tracing::warn!(
            error = %e,
            webhook = %endpoint,
            "cannot record a webhook attempt; it is sent again once its claim lapses"
        ),
    }
    lock(&busy).remove(&endpoint);
}

/// POSTs the delivery's body, signed: the receiver's status, and why it
/// failed (`None` for a 2xx answer).
async fn send(
    client: &reqwest::Client,
    delivery: &ClaimedDelivery,
    timestamp: i64,
) -> (Option<u16>, Option<String>) {
    let Ok(signed) = signature(
        &delivery.secret,
        &delivery.event_id,
        timestamp,
        &delivery.body,
    ) else {
        return (
            None,
            Some("the endpoint's stored secret is unusable".into()),
        );
    };
    let sent = client
        .post(&delivery.url)
        .header("content-type", "application/json")
        .header("webhook-id", &delivery.event_id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signed)
        .body(delivery.body.clone())
        .send()
        .await;
    match sent {
        Ok(answer) if answer.status().is_success() => (Some(answer.status().as_u16()), None),
        Ok(answer) => (
            Some(answer.status().as_u16()),
            Some(format!("the receiver answered {}", answer.status())),
        ),
        Err(e) if e.is_timeout() => (
            None,
            Some(format!("no answer within {} s", REQUEST_LIMIT.as_secs())),
        ),
        Err(e) => (None, Some(describe(&e.without_url()))),
    }
}

/// An error with its causes, cut to [`MAX_ERROR_CHARS`].
fn describe(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text.chars().take(MAX_ERROR_CHARS).collect()
}
