//! Telling the admins that an endpoint was disabled after a day of failures:
//! in the server's log always, and by email to every active admin when the
//! server sends mail (`smtp_url`). The audit log and the console's webhooks
//! page carry the same fact for whoever looks there.
//!
//! Only the instance whose write disabled the endpoint tells (writes take
//! turns, so that is one instance). The emails are not kept in the database:
//! a failed send is retried a few times, and an instance that stops meanwhile
//! takes the rest with it; the endpoint stays disabled and audited either way.

use std::collections::HashSet;
use std::sync::Arc;

use uuid::Uuid;

use lifeline_i18n::Arg;
use lifeline_protocol::ExpertRole;

use super::DisabledEndpoint;
use crate::email::mailbox;
use crate::email::notices::retry_pause;
use crate::email::smtp::Mailer;
use crate::public_url::PublicUrl;
use crate::store::Store;

/// Tries at most this many times, with the expert emails' pauses between
/// tries (30 s, doubling): about a quarter of an hour in all.
const ATTEMPTS: u32 = 6;

/// Who is told, and through what.
#[derive(Debug)]
pub struct Admins {
    pub store: Arc<dyn Store>,
    /// `None` when the server sends no mail.
    pub mailer: Option<Arc<Mailer>>,
    /// For a link to the console's webhooks page.
    pub public_url: Option<PublicUrl>,
}

impl Admins {
    /// Logs the disabling and, with a mailer, emails the admins in the
    /// background.
    pub fn tell(self: &Arc<Self>, disabled: DisabledEndpoint) {
        tracing::warn!(
            webhook = %disabled.id,
            url = %disabled.url,
            "disabled a webhook endpoint: every delivery to it failed for a day; enable it again \
             in the console or with POST /api/v1/webhooks/{{id}}/enable"
        );
        if self.mailer.is_some() {
            tokio::spawn(Arc::clone(self).email(disabled));
        }
    }

    async fn email(self: Arc<Self>, disabled: DisabledEndpoint) {
        let Some(mailer) = &self.mailer else { return };
        let mut sent: HashSet<Uuid> = HashSet::new();
        for attempt in 1..=ATTEMPTS {
            match self.email_once(mailer, &disabled, &mut sent).await {
                Ok(()) => return,
                Err(error) => tracing::warn!(
                    %error,
                    webhook = %disabled.id,
                    attempt,
                    given_up = attempt == ATTEMPTS,
                    "cannot email the admins that a webhook endpoint was disabled"
                ),
            }
            if attempt < ATTEMPTS
                && let Ok(pause) = retry_pause(attempt - 1).try_into()
            {
                tokio::time::sleep(pause).await;
            }
        }
    }

    /// Emails every active admin not yet in `sent`, each in the language
    /// they chose for the console; the first failure ends the round (the
    /// next round tries the rest).
    async fn email_once(
        &self,
        mailer: &Mailer,
        disabled: &DisabledEndpoint,
        sent: &mut HashSet<Uuid>,
    ) -> Result<(), String> {
        let experts = self.store.list_experts().await.map_err(|e| e.to_string())?;
        let admins = experts
            .into_iter()
            .filter(|e| e.active && e.role == ExpertRole::Admin && !sent.contains(&e.id))
            .collect::<Vec<_>>();
        for admin in admins {
            if let Some(to) = mailbox(&admin) {
                let language = self
                    .store
                    .expert_language(admin.id)
                    .await
                    .map_err(|e| e.to_string())?;
                let (subject, body) =
                    self.compose(disabled, language.as_deref().unwrap_or_default());
                mailer
                    .send(to, &subject, body)
                    .await
                    .map_err(|e| e.to_string())?;
            }
            sent.insert(admin.id);
        }
        Ok(())
    }

    /// The email's subject and body in the language tagged `language`
    /// (English for one the server does not speak).
    fn compose(&self, disabled: &DisabledEndpoint, language: &str) -> (String, String) {
        let words = lifeline_i18n::messages(language);
        let url = ("url", Arg::from(&disabled.url));
        let subject = words.text("email-webhook-subject", &[url]);
        let page = match &self.public_url {
            Some(url) => url.link("/admin/webhooks"),
            None => words.text("email-webhook-page", &[]),
        };
        let id = disabled.id.to_string();
        let body = format!(
            "{}\n\n{}\n\n{}\n",
            words.text("email-webhook-body", &[url]),
            words.text(
                "email-webhook-enable",
                &[("page", (&page).into()), ("id", (&id).into())]
            ),
            words.text("email-webhook-why", &[]),
        );
        (subject, body)
    }
}
