//! The webhooks admin page: endpoints with their state, registering one (its
//! secret shown once), disabling, enabling and deleting, and each endpoint's
//! delivery log.

use std::sync::Arc;

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use serde::Deserialize;
use uuid::Uuid;

use super::language::current;
use super::page::{Layout, PageError, Signed, SignedForm, field_refused, page, see_other};
use super::views::timestamp;
use crate::audit::acting;
use crate::ids::parse_id;
use crate::state::AppState;
use crate::store::StoreError;
use crate::webhooks::{CreateWebhookRequest, EventType, NewWebhook, RefusedWebhook};

/// Deliveries the log page shows.
const LOG_PAGE: u32 = 100;

/// An endpoint as the page lists it.
#[derive(Debug)]
struct WebhookRow {
    id: Uuid,
    url: String,
    events: String,
    enabled: bool,
    status: String,
    created_at: String,
}

#[derive(Template)]
#[template(path = "admin_webhooks.html")]
struct WebhooksPage {
    layout: Layout,
    webhooks: Vec<WebhookRow>,
    event_types: Vec<&'static str>,
}

pub async fn webhooks_page(
    State(state): State<Arc<AppState>>,
    signed: Signed,
) -> Result<Response, PageError> {
    signed.require_admin()?;
    let webhooks = state
        .store
        .list_webhooks()
        .await?
        .into_iter()
        .map(|w| WebhookRow {
            id: w.id,
            url: w.url,
            events: w.events.join(", "),
            enabled: w.enabled,
            status: match (w.enabled, w.disabled_reason, w.failing_since) {
                (false, reason, _) => {
                    reason.unwrap_or_else(|| current().t("webhook-status-disabled"))
                }
                (true, _, Some(since)) => {
                    current().t_with("webhook-status-failing", "at", &timestamp(since))
                }
                (true, _, None) => current().t("webhook-status-enabled"),
            },
            created_at: timestamp(w.created_at),
        })
        .collect();
    page(&WebhooksPage {
        layout: signed.layout(&state, "webhooks").await?,
        webhooks,
        event_types: EventType::ALL.iter().map(|t| t.as_str()).collect(),
    })
}

/// The registration form: the URL and a checkbox per event type.
#[derive(Debug, Deserialize)]
pub struct NewWebhookForm {
    url: String,
    #[serde(rename = "case.created")]
    case_created: Option<String>,
    #[serde(rename = "case.assigned")]
    case_assigned: Option<String>,
    #[serde(rename = "case.state_changed")]
    case_state_changed: Option<String>,
    #[serde(rename = "case.closed")]
    case_closed: Option<String>,
    #[serde(rename = "case.expired")]
    case_expired: Option<String>,
    #[serde(rename = "message.created")]
    message_created: Option<String>,
}

impl NewWebhookForm {
    /// The request the API would get: the types ticked.
    fn request(&self) -> CreateWebhookRequest {
        let ticked = [
            (EventType::CaseCreated, &self.case_created),
            (EventType::CaseAssigned, &self.case_assigned),
            (EventType::CaseStateChanged, &self.case_state_changed),
            (EventType::CaseClosed, &self.case_closed),
            (EventType::CaseExpired, &self.case_expired),
            (EventType::MessageCreated, &self.message_created),
        ];
        CreateWebhookRequest {
            url: self.url.clone(),
            events: ticked
                .into_iter()
                .filter(|(_, box_)| box_.is_some())
                .map(|(t, _)| t.as_str().to_string())
                .collect(),
        }
    }
}

#[derive(Template)]
#[template(path = "webhook_created.html")]
struct WebhookCreatedPage {
    layout: Layout,
    url: String,
    secret: String,
}

/// Registers an endpoint and shows its secret this once (answered directly,
/// so the secret never sits in a URL or the browser's history).
pub async fn add_webhook(
    State(state): State<Arc<AppState>>,
    SignedForm { signed, form }: SignedForm<NewWebhookForm>,
) -> Result<Response, PageError> {
    let by = signed.require_admin()?;
    let new = NewWebhook::from_request(&form.request()).map_err(|refused| {
        let label = match refused {
            RefusedWebhook::Url(_) => "webhooks-url",
            RefusedWebhook::Events(_) => "webhooks-events",
        };
        field_refused(refused.to_string(), label)
    })?;
    let secret = new.secret.clone();
    let created = acting(by, state.store.create_webhook(new, state.clock.now())).await?;
    page(&WebhookCreatedPage {
        layout: signed.layout(&state, "webhooks").await?,
        url: created.url,
        secret,
    })
}

/// What an action on an endpoint does.
#[derive(Debug, Deserialize)]
pub struct ChangeForm {
    change: String,
}

/// Disables, enables or deletes an endpoint.
pub async fn change_webhook(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    SignedForm { signed, form }: SignedForm<ChangeForm>,
) -> Result<Response, PageError> {
    let by = signed.require_admin()?;
    let id = parse_id(&id, "webhook id")?;
    let now = state.clock.now();
    match form.change.as_str() {
        "disable" => drop(acting(by, state.store.set_webhook_enabled(id, false, now)).await?),
        "enable" => drop(acting(by, state.store.set_webhook_enabled(id, true, now)).await?),
        "delete" => acting(by, state.store.delete_webhook(id, now)).await?,
        other => return Err(PageError::bad_request(format!("unknown change {other:?}"))),
    }
    Ok(see_other("/admin/webhooks"))
}

/// One delivery as the log lists it.
#[derive(Debug)]
struct DeliveryRow {
    event_id: String,
    event_type: String,
    case_id: Uuid,
    created_at: String,
    attempts: u32,
    outcome: String,
}

#[derive(Template)]
#[template(path = "webhook_deliveries.html")]
struct DeliveriesPage {
    layout: Layout,
    url: String,
    deliveries: Vec<DeliveryRow>,
}

/// An endpoint's latest deliveries, newest first.
pub async fn deliveries_page(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    signed: Signed,
) -> Result<Response, PageError> {
    signed.require_admin()?;
    let id = parse_id(&id, "webhook id")?;
    let webhook = state
        .store
        .list_webhooks()
        .await?
        .into_iter()
        .find(|w| w.id == id)
        .ok_or(StoreError::NotFound)?;
    let deliveries = state
        .store
        .webhook_deliveries(id, LOG_PAGE)
        .await?
        .into_iter()
        .map(|d| {
            let answer = d
                .last_status
                .map(|s| format!(" (HTTP {s})"))
                .unwrap_or_default();
            let outcome = match (d.delivered_at, d.next_attempt_at, d.last_error) {
                (Some(at), _, _) => format!("delivered {}{answer}", timestamp(at)),
                (None, next, Some(error)) => format!(
                    "failed{answer}: {error}; next attempt {}",
                    next.map(timestamp).unwrap_or_default()
                ),
                (None, _, None) => "waiting".into(),
            };
            DeliveryRow {
                event_id: d.event_id,
                event_type: d.event_type,
                case_id: d.case_id,
                created_at: timestamp(d.created_at),
                attempts: d.attempts,
                outcome,
            }
        })
        .collect();
    page(&DeliveriesPage {
        layout: signed.layout(&state, "webhooks").await?,
        url: webhook.url,
        deliveries,
    })
}
