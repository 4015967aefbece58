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
        let (subject, body) = self.compose(&disabled);
        let mut sent: HashSet<Uuid> = HashSet::new();
        for attempt in 1..=ATTEMPTS {
            match self.email_once(mailer, &subject, &body, &mut sent).await {
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

    /// Emails every active admin not yet in `sent`; the first failure ends
    /// the round (the next round tries the rest).
    async fn email_once(
        &self,
        mailer: &Mailer,
        subject: &str,
        body: &str,
        sent: &mut HashSet<Uuid>,
    ) -> Result<(), String> {
        let experts = self.store.list_experts().await.map_err(|e| e.to_string())?;
        let admins = experts
            .into_iter()
            .filter(|e| e.active && e.role == ExpertRole::Admin && !sent.contains(&e.id))
            .collect::<Vec<_>>();
        for admin in admins {
            if let Some(to) = mailbox(&admin) {
                mailer
                    .send(to, subject, body.to_owned())
                    .await
                    .map_err(|e| e.to_string())?;
            }
            sent.insert(admin.id);
        }
        Ok(())
    }

    fn compose(&self, disabled: &DisabledEndpoint) -> (String, String) {
        let subject = format!("Lifeline stopped sending webhooks to {}", disabled.url);
        let page = match &self.public_url {
            Some(url) => url.link("/admin/webhooks"),
            None => "the console's Webhooks page".to_owned(),
        };
        let body = format!(
            "Every delivery to the webhook endpoint {url} failed for a day, so Lifeline \
             disabled it and queues nothing more for it.\n\n\
             Once the receiver works again, enable the endpoint on {page} (or POST \
             /api/v1/webhooks/{id}/enable): what was queued for it before it was disabled \
             is sent then, with the original event ids; changes made while it is disabled \
             are not sent to it.\n\n\
             You get this email because you are an admin of this Lifeline server.\n",
            url = disabled.url,
            id = disabled.id,
        );
        (subject, body)
    }
}
