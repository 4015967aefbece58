//! The expert's email settings (`/settings/email`): which of the three
//! moments the console alerts to also reach them by email. Each expert sets
//! their own; it is not an admin change, so it is not audited.

use std::sync::Arc;

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use super::page::{Layout, PageError, Signed, SignedForm, page, see_other};
use crate::email::EmailPreferences;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "email_settings.html")]
struct EmailSettingsPage {
    layout: Layout,
    preferences: EmailPreferences,
    address: String,
    /// Whether this server sends email at all (`smtp_url`).
    configured: bool,
    saved: bool,
}

#[derive(Debug, Deserialize)]
pub struct SavedQuery {
    #[serde(default)]
    saved: Option<String>,
}

pub async fn email_settings_page(
    State(state): State<Arc<AppState>>,
    signed: Signed,
    axum::extract::Query(query): axum::extract::Query<SavedQuery>,
) -> Result<Response, PageError> {
    let preferences = state
        .store
        .email_preferences(Some(signed.expert.id))
        .await?
        .into_iter()
        .map(|(_, preferences)| preferences)
        .next()
        .unwrap_or_default();
    let address = state
        .store
        .expert(signed.expert.id)
        .await?
        .map(|e| e.email)
        .unwrap_or_default();
    page(&EmailSettingsPage {
        layout: signed.layout(&state, "email").await?,
        preferences,
        address,
        configured: state.mailer.is_some(),
        saved: query.saved.is_some(),
    })
}

/// The form: a box ticked sends its name; one left empty sends nothing.
#[derive(Debug, Deserialize)]
pub struct EmailSettingsForm {
    #[serde(default)]
    queued: Option<String>,
    #[serde(default)]
    assigned: Option<String>,
    #[serde(default)]
    overdue: Option<String>,
}

pub async fn save_email_settings(
    State(state): State<Arc<AppState>>,
    SignedForm { signed, form }: SignedForm<EmailSettingsForm>,
) -> Result<Response, PageError> {
    let preferences = EmailPreferences {
        queued: form.queued.is_some(),
        assigned: form.assigned.is_some(),
        overdue: form.overdue.is_some(),
    };
    state
        .store
        .set_email_preferences(signed.expert.id, preferences, state.clock.now())
        .await?;
    Ok(see_other("/settings/email?saved=1"))
}
