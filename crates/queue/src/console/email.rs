//! The expert's settings page (`/settings/email`): which of the three
//! moments the console alerts to also reach them by email, and the language
//! of their console (`/settings/language`). Each expert sets their own; it
//! is not an admin change, so it is not audited.

use std::sync::Arc;

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use lifeline_i18n::{LANGUAGES, Language};

use super::language::current;
use super::page::{Layout, PageError, Signed, SignedForm, page, see_other};
use crate::api_error::ApiError;
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
    /// The languages the console speaks, for the picker.
    languages: &'static [Language],
    /// The expert's own choice of language; empty: the browser's.
    chosen: String,
    language_saved: bool,
}

#[derive(Debug, Deserialize)]
pub struct SavedQuery {
    #[serde(default)]
    saved: Option<String>,
    #[serde(default)]
    language: Option<String>,
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
    let chosen = state
        .store
        .expert_language(signed.expert.id)
        .await?
        .unwrap_or_default();
    page(&EmailSettingsPage {
        layout: signed.layout(&state, "email").await?,
        preferences,
        address,
        configured: state.mailer.is_some(),
        saved: query.saved.is_some(),
        languages: LANGUAGES,
        chosen,
        language_saved: query.language.is_some(),
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

/// The language form: a tag of a language the console speaks, or empty to
/// follow the browser.
#[derive(Debug, Deserialize)]
pub struct LanguageForm {
    #[serde(default)]
    language: String,
}

/// Stores the expert's choice of language; a value that is not one of the
/// console's languages is refused (422) and changes nothing.
pub async fn save_language(
    State(state): State<Arc<AppState>>,
    SignedForm { signed, form }: SignedForm<LanguageForm>,
) -> Result<Response, PageError> {
    let chosen = match form.language.trim() {
        "" => None,
        tag => match lifeline_i18n::language(tag) {
            Some(language) => Some(language.tag.to_owned()),
            None => {
                let shown: String = tag.chars().take(40).collect();
                return Err(PageError::from(ApiError::invalid(current().t_with(
                    "settings-language-invalid",
                    "language",
                    &shown,
                ))));
            }
        },
    };
    state
        .store
        .set_expert_language(signed.expert.id, chosen)
        .await?;
    Ok(see_other("/settings/email?language=1"))
}
