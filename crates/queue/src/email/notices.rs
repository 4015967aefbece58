//! Which moments are due, and sending their emails: one task per instance,
//! woken by every change of the queue and every [`TICK`] (a customer passes
//! an alert time without any change; a failed email falls due again).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration as StdDuration;

use futures_util::StreamExt;
use lettre::message::Mailbox;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use lifeline_i18n::Arg;
use lifeline_protocol::{Case, DEFAULT_ALERT_AFTER_SECONDS, Expert};

use super::smtp::Mailer;
use super::{EmailPreferences, Moment, NoticeKey};
use crate::state::AppState;
use crate::store::{AssigneeFilter, CaseQuery, StateFilter, StoreError};

/// How often due moments are looked for without a change of the queue.
const TICK: StdDuration = StdDuration::from_secs(2);
/// How long a sender holds an email: well over the SMTP timeout, so another
/// instance takes it over only from one that stopped.
const LEASE: Duration = Duration::seconds(60);
/// The pause before the first retry of a failed email; it doubles each time.
const FIRST_RETRY: Duration = Duration::seconds(30);
/// The longest pause between two attempts.
const LONGEST_RETRY: Duration = Duration::hours(1);
/// Attempts per email before it is given up (about a day of retries).
pub const MAX_ATTEMPTS: u32 = 30;
/// Open cases looked at per pass: more than one company's open queue holds.
const MOST_CASES: u32 = 1000;
/// Emails handed to the SMTP server at once.
const SENDS_AT_ONCE: usize = 4;
/// Due emails taken over per pass.
const CLAIMS_PER_PASS: u32 = 50;

/// Looks for due moments and sends their emails until shutdown.
pub async fn run(state: Arc<AppState>, mailer: Arc<Mailer>) {
    let mut queue = state.hub.watch_queue();
    // Keys this instance already put to the database: each is asked once.
    let mut known: HashSet<NoticeKey> = HashSet::new();
    loop {
        if let Err(e) = pass(&state, &mailer, &mut known).await {
            tracing::warn!(error = %e, "cannot look for due expert emails; retrying");
        }
        tokio::select! {
            () = state.shutdown.cancelled() => return,
            _ = queue.recv() => {}
            () = tokio::time::sleep(TICK) => {}
        }
    }
}

async fn pass(
    state: &AppState,
    mailer: &Mailer,
    known: &mut HashSet<NoticeKey>,
) -> Result<(), StoreError> {
    let now = state.clock.now();
    let wanted: HashMap<Uuid, EmailPreferences> = state
        .store
        .email_preferences(None)
        .await?
        .into_iter()
        .filter(|(_, p)| p.queued || p.assigned || p.overdue)
        .collect();
    let mut to_send = Vec::new();
    if wanted.is_empty() {
        known.clear();
    } else {
        let experts: Vec<Expert> = state
            .store
            .list_experts()
            .await?
            .into_iter()
            .filter(|e| e.active)
            .collect();
        let alert_times: HashMap<Uuid, u32> = state
            .store
            .list_groups()
            .await?
            .into_iter()
            .map(|g| (g.id, g.alert_after_seconds))
            .collect();
        let cases = state
            .store
            .list_cases(
                CaseQuery {
                    state: StateFilter::Open,
                    group: None,
                    assignee: AssigneeFilter::Anyone,
                    visible_groups: None,
                    code: None,
                    after: None,
                    limit: MOST_CASES,
                },
                now,
            )
            .await?;
        let due = due_moments(&cases, &experts, &wanted, &alert_times, now);
        // Forget keys of cases no longer open: they cannot come back.
        let open: HashSet<Uuid> = cases.iter().map(|c| c.id).collect();
        known.retain(|key| open.contains(&key.case_id));
        let new: Vec<NoticeKey> = due.into_iter().filter(|k| !known.contains(k)).collect();
        if !new.is_empty() {
            // Recorded now: their first attempt. Known only once the database
            // answered, so a failed write is asked again next pass.
            let recorded = state
                .store
                .record_email_notices(new.clone(), now, now + LEASE)
                .await?;
            known.extend(new);
            to_send = recorded.into_iter().map(|key| (key, 1)).collect();
        }
    }
    to_send.extend(
        state
            .store
            .claim_due_email_notices(now, now + LEASE, MAX_ATTEMPTS, CLAIMS_PER_PASS)
            .await?,
    );
    futures_util::stream::iter(to_send)
        .for_each_concurrent(SENDS_AT_ONCE, |(key, attempt)| {
            send(state, mailer, key, attempt)
        })
        .await;
    Ok(())
}

/// The moments due now, for the experts who want them: a case waits
/// unassigned in a group none of whose active members is available
/// (queued); it waited past the group's alert time (overdue); it is assigned
/// to someone (assigned).
pub fn due_moments(
    cases: &[Case],
    experts: &[Expert],
    wanted: &HashMap<Uuid, EmailPreferences>,
    alert_times: &HashMap<Uuid, u32>,
    now: OffsetDateTime,
) -> Vec<NoticeKey> {
    let mut due = Vec::new();
    for case in cases.iter().filter(|c| c.closed_at.is_none()) {
        let wants =
            |expert: Uuid, moment: Moment| wanted.get(&expert).is_some_and(|p| moment.chosen_in(p));
        let mut push = |expert_id: Uuid, moment: Moment| {
            if wants(expert_id, moment) {
                due.push(NoticeKey {
                    case_id: case.id,
                    expert_id,
                    moment,
                });
            }
        };
        match &case.assignee {
            Some(assignee) => push(assignee.id, Moment::Assigned),
            None => {
                let members: Vec<&Expert> = experts
                    .iter()
                    .filter(|e| e.active && e.groups.iter().any(|g| g.id == case.group.id))
                    .collect();
                let alert_after = alert_times
                    .get(&case.group.id)
                    .copied()
                    .unwrap_or(DEFAULT_ALERT_AFTER_SECONDS);
                let overdue = now >= case.created_at + Duration::seconds(i64::from(alert_after));
                let nobody_available = !members.iter().any(|e| e.available);
                for member in members {
                    if nobody_available {
                        push(member.id, Moment::Queued);
                    }
                    if overdue {
                        push(member.id, Moment::Overdue);
                    }
                }
            }
        }
    }
    due
}

/// Sends one email this instance holds, and records how it went. A case
/// closed meanwhile, or an expert deactivated, settles it unsent. `attempt`
/// counts from 1.
async fn send(state: &AppState, mailer: &Mailer, key: NoticeKey, attempt: u32) {
    let now = state.clock.now();
    let outcome = match compose(state, key, now).await {
        Ok(Some((to, subject, body))) => mailer
            .send(to, &subject, body)
            .await
            .map_err(|e| e.to_string()),
        Ok(None) => Ok(()),
        Err(e) => Err(e.to_string()),
    };
    let (sent_at, retry_at) = match outcome {
        Ok(()) => (Some(now), now),
        Err(error) => {
            let last = attempt >= MAX_ATTEMPTS;
            tracing::warn!(
                %error,
                case = %key.case_id,
                expert = %key.expert_id,
                moment = key.moment.as_str(),
                attempt,
                given_up = last,
                "cannot send an expert email"
            );
            (None, now + retry_pause(attempt.saturating_sub(1)))
        }
    };
    if let Err(e) = state
        .store
        .finish_email_notice(key, sent_at, retry_at)
        .await
    {
        tracing::warn!(error = %e, "cannot record an expert email's outcome; it may be sent again");
    }
}

/// The pause after the `attempt`th failure: doubling from [`FIRST_RETRY`]
/// up to [`LONGEST_RETRY`]. Also the pause between tries of the admins'
/// email about a disabled webhook endpoint.
pub(crate) fn retry_pause(attempt: u32) -> Duration {
    let factor = 1_i32 << attempt.min(10);
    (FIRST_RETRY * factor).min(LONGEST_RETRY)
}

/// The email for `key`: recipient, subject and body, in the language the
/// expert chose for the console (English when none); `None` when it is no
/// longer wanted. Names the case by a link to its console page, never by its
/// session code or token.
async fn compose(
    state: &AppState,
    key: NoticeKey,
    now: OffsetDateTime,
) -> Result<Option<(Mailbox, String, String)>, StoreError> {
    let Some(case) = state.store.case(key.case_id, now).await? else {
        return Ok(None);
    };
    let Some(expert) = state.store.expert(key.expert_id).await? else {
        return Ok(None);
    };
    if case.closed_at.is_some() || !expert.active {
        return Ok(None);
    }
    let Some(to) = super::mailbox(&expert) else {
        return Ok(None);
    };
    let language = state.store.expert_language(expert.id).await?;
    let words = lifeline_i18n::messages(language.as_deref().unwrap_or_default());
    let customer = case.customer.name.as_ref().map_or_else(
        || words.text("email-customer-unnamed", &[]),
        |n| n.as_str().to_owned(),
    );
    let named = [
        ("customer", Arg::from(&customer)),
        ("group", Arg::from(&case.group.name)),
    ];
    let subject = match key.moment {
        Moment::Queued => words.text("email-queued-subject", &named),
        Moment::Assigned => words.text("email-assigned-subject", &named),
        Moment::Overdue => words.text("email-overdue-subject", &named),
    };
    let waited = (now - case.created_at).whole_minutes().max(0);
    let case_id = case.id.to_string();
    let link = match &state.public_url {
        Some(url) => url.link(&format!("/cases/{}", case.id)),
        None => words.text("email-no-link", &[("case", (&case_id).into())]),
    };
    let mut body = format!(
        "{subject}\n\n{}\n",
        words.text("email-waited", &[("minutes", waited.into())])
    );
    if let Some(description) = &case.description {
        body.push_str(&format!("\n\"{}\"\n", description.as_str()));
    }
    body.push_str(&format!(
        "\n{}\n\n{}\n",
        words.text("email-open", &[("link", (&link).into())]),
        words.text("email-why", &[])
    ));
    Ok(Some((to, subject, body)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_double_up_to_an_hour() {
        assert_eq!(retry_pause(0), Duration::seconds(30));
        assert_eq!(retry_pause(1), Duration::seconds(60));
        assert_eq!(retry_pause(20), Duration::hours(1));
    }
}
