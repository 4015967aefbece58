//! Email to experts (issue 13, point 2): the three moments the console also
//! alerts to, each expert choosing which reach them by email too.
//!
//! Every instance looks for due moments ([`notices::run`]) and records each
//! as a row keyed by (case, expert, moment) in a write transaction; the key is
//! unique, so the one instance whose insert commits is the one that sends.
//! It holds the row for a lease while it talks to the SMTP server; a row left
//! unsent (SMTP down, instance gone) is claimed again once its lease runs out,
//! with a growing pause, for a bounded number of attempts. Requests never wait
//! for any of it.

pub mod notices;
pub mod smtp;

use lettre::Address;
use lettre::message::Mailbox;
use uuid::Uuid;

pub use lifeline_protocol::EmailPreferences;
use lifeline_protocol::Expert;

/// Where an email to `expert` goes; `None`, logged, when their sign-in
/// address is not one an email can be sent to.
pub fn mailbox(expert: &Expert) -> Option<Mailbox> {
    match expert.email.parse::<Address>() {
        Ok(address) => Some(Mailbox::new(Some(expert.display_name.clone()), address)),
        Err(e) => {
            tracing::warn!(expert = %expert.id, error = %e, "an expert's address cannot be mailed");
            None
        }
    }
}

/// A moment an expert can be emailed about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Moment {
    /// A case waits in one of the expert's groups with nobody available.
    Queued,
    /// A case was assigned to the expert.
    Assigned,
    /// A customer waited in one of the expert's groups past its alert time.
    Overdue,
}

impl Moment {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Moment::Queued => "queued",
            Moment::Assigned => "assigned",
            Moment::Overdue => "overdue",
        }
    }

    /// Whether `preferences` choose this moment.
    pub fn chosen_in(self, preferences: &EmailPreferences) -> bool {
        match self {
            Moment::Queued => preferences.queued,
            Moment::Assigned => preferences.assigned,
            Moment::Overdue => preferences.overdue,
        }
    }

    /// The stored name back; `None` for one this server does not know.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "queued" => Some(Moment::Queued),
            "assigned" => Some(Moment::Assigned),
            "overdue" => Some(Moment::Overdue),
            _ => None,
        }
    }
}

/// One email decided on: at most one per key, whatever the instances.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct NoticeKey {
    /// The case it is about.
    pub case_id: Uuid,
    /// Who it goes to.
    pub expert_id: Uuid,
    /// Why.
    pub moment: Moment,
}
