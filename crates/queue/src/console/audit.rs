//! The audit log page (admins only), with the API's filters and paging.

use std::sync::Arc;

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;

use super::page::{Layout, PageError, Signed, page};
use super::views::{SelectOption, timestamp};
use crate::audit::AuditAction;
use crate::http::{AuditParams, audit_page};
use crate::state::AppState;

/// An entry as the page shows it.
#[derive(Debug)]
struct EntryRow {
    at: String,
    action: String,
    actor: String,
    client: String,
    target: String,
    detail: String,
}

#[derive(Template)]
#[template(path = "admin_audit.html")]
struct AuditLogPage {
    layout: Layout,
    actions: Vec<SelectOption>,
    entries: Vec<EntryRow>,
    next_page: Option<String>,
}

pub async fn audit_page_view(
    State(state): State<Arc<AppState>>,
    signed: Signed,
    params: Result<Query<AuditParams>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, PageError> {
    signed.require_admin()?;
    let Query(params) = params.map_err(|e| PageError::bad_request(e.body_text()))?;
    let page_of = audit_page(&state, params.query()?).await?;
    let current = params.action.as_deref().unwrap_or_default();
    let actions = AuditAction::ALL
        .iter()
        .map(|a| SelectOption {
            value: a.as_str(),
            label: a.as_str().to_owned(),
            selected: a.as_str() == current,
        })
        .collect();
    let entries = page_of
        .entries
        .into_iter()
        .map(|e| EntryRow {
            at: timestamp(e.at),
            action: e.action,
            actor: e.actor_name,
            client: e.client.unwrap_or_default(),
            target: e.target_name.unwrap_or_default(),
            detail: e.detail.unwrap_or_default(),
        })
        .collect();
    let next_page = page_of.next_cursor.map(|cursor| {
        let mut query = form_urlencoded::Serializer::new(String::new());
        // The same filters, one page further.
        let filters = [
            ("action", &params.action),
            ("actor", &params.actor),
            ("target", &params.target),
            ("since", &params.since),
            ("until", &params.until),
        ];
        for (name, value) in filters {
            if let Some(value) = value {
                query.append_pair(name, value);
            }
        }
        if let Some(limit) = params.limit {
            query.append_pair("limit", &limit.to_string());
        }
        query.append_pair("cursor", &cursor);
        format!("/admin/audit?{}", query.finish())
    });
    page(&AuditLogPage {
        layout: signed.layout(&state, "audit").await?,
        actions,
        entries,
        next_page,
    })
}
