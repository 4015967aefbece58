//! Where the customer's case stands, in the few shapes the window puts into
//! words, and which changes deserve an OS notification.
//!
//! The server sends the whole [`Case`]; the customer needs one sentence about
//! it and a hint of what happens next. Deciding which sentence is plain logic,
//! so it lives here, tested without a window.

use lifeline_protocol::{Case, CaseState, ClosedBy};
use serde::Serialize;

/// The customer's view of their case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CustomerStatus {
    /// Nobody is assigned yet; `position` is the place in the group's queue.
    Waiting {
        /// 1-based place in the queue, when the server knows it.
        position: Option<u32>,
    },
    /// An expert has the case and will connect.
    Assigned {
        /// The expert's display name.
        expert: String,
    },
    /// The expert is in the session and waits for the customer to join.
    ExpertWantsToConnect {
        /// The expert's display name, if the case is assigned.
        expert: Option<String>,
    },
    /// Both are in the session (or the customer is and waits for the expert).
    InSession {
        /// The expert's display name, if the case is assigned.
        expert: Option<String>,
    },
    /// The case is closed; nothing more will happen.
    Closed {
        /// Whether the customer closed it themselves (cancelled).
        by_customer: bool,
    },
    /// The case ran out of time before anyone closed it.
    Expired,
}

impl CustomerStatus {
    /// The status a case shows its customer.
    pub fn of(case: &Case) -> Self {
        let expert = case.assignee.as_ref().map(|a| a.display_name.clone());
        match case.state {
            CaseState::Closed => CustomerStatus::Closed {
                by_customer: case.closed_by == Some(ClosedBy::Customer),
            },
            CaseState::Expired => CustomerStatus::Expired,
            CaseState::InProgress => CustomerStatus::InSession { expert },
            CaseState::New | CaseState::Pending => {
                if case.expert_connected && !case.customer_connected {
                    CustomerStatus::ExpertWantsToConnect { expert }
                } else if case.customer_connected {
                    CustomerStatus::InSession { expert }
                } else if let Some(expert) = expert {
                    CustomerStatus::Assigned { expert }
                } else {
                    CustomerStatus::Waiting {
                        position: case.queue_position,
                    }
                }
            }
        }
    }

    /// Whether the case is over (closed or expired).
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            CustomerStatus::Closed { .. } | CustomerStatus::Expired
        )
    }

    /// What, if anything, the customer should be told by an OS notification
    /// when the status goes from `before` (`None`: first seen) to `self`.
    ///
    /// Only news is notified: the status the app starts with is shown, not
    /// announced, and the customer's own cancel is not news to them.
    pub fn notice_since(&self, before: Option<&CustomerStatus>) -> Option<Notice> {
        let before = before?;
        if before == self {
            return None;
        }
        match self {
            CustomerStatus::Assigned { expert } => {
                let same_expert =
                    matches!(before, CustomerStatus::Assigned { expert: e } if e == expert);
                (!same_expert).then(|| Notice::ExpertAssigned {
                    expert: expert.clone(),
                })
            }
            CustomerStatus::ExpertWantsToConnect { expert } => Some(Notice::ExpertWantsToConnect {
                expert: expert.clone(),
            }),
            CustomerStatus::Closed { by_customer: false } => Some(Notice::Closed),
            CustomerStatus::Expired => Some(Notice::Expired),
            CustomerStatus::Waiting { .. }
            | CustomerStatus::InSession { .. }
            | CustomerStatus::Closed { by_customer: true } => None,
        }
    }
}

/// A change worth an OS notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// An expert took the case.
    ExpertAssigned {
        /// The expert's display name.
        expert: String,
    },
    /// The expert opened the session and waits for the customer.
    ExpertWantsToConnect {
        /// The expert's display name, if known.
        expert: Option<String>,
    },
    /// The expert closed the case.
    Closed,
    /// The case expired.
    Expired,
}

#[cfg(test)]
mod tests {
    use lifeline_protocol::{
        Case, CaseState, Channel, ClosedBy, Customer, Device, ExpertRef, GroupRef, SessionCode,
    };
    use time::OffsetDateTime;
    use uuid::Uuid;

    use super::*;

    fn case(state: CaseState) -> Case {
        let now = OffsetDateTime::UNIX_EPOCH;
        Case {
            id: Uuid::nil(),
            code: SessionCode::from_number(123_456_789).expect("nine digits"),
            state,
            channel: Channel::Sos,
            group: GroupRef {
                id: Uuid::nil(),
                name: "Front desk".into(),
            },
            assignee: None,
            customer: Customer::default(),
            description: None,
            device: Device::default(),
            expert_connected: false,
            customer_connected: false,
            queue_position: Some(3),
            created_at: now,
            updated_at: now,
            expires_at: now,
            closed_at: None,
            closed_by: None,
            history: None,
        }
    }

    fn assigned_to(name: &str) -> Case {
        let mut case = case(CaseState::New);
        case.assignee = Some(ExpertRef {
            id: Uuid::nil(),
            display_name: name.into(),
        });
        case.queue_position = None;
        case
    }

    #[test]
    fn an_unassigned_new_case_is_waiting_at_its_queue_position() {
        assert_eq!(
            CustomerStatus::of(&case(CaseState::New)),
            CustomerStatus::Waiting { position: Some(3) }
        );
    }

    #[test]
    fn an_assigned_case_names_the_expert() {
        assert_eq!(
            CustomerStatus::of(&assigned_to("Ana")),
            CustomerStatus::Assigned {
                expert: "Ana".into()
            }
        );
    }

    #[test]
    fn an_expert_alone_in_the_session_wants_to_connect() {
        let mut case = assigned_to("Ana");
        case.state = CaseState::Pending;
        case.expert_connected = true;
        assert_eq!(
            CustomerStatus::of(&case),
            CustomerStatus::ExpertWantsToConnect {
                expert: Some("Ana".into())
            }
        );
    }

    #[test]
    fn both_in_the_session_is_in_session() {
        let mut case = assigned_to("Ana");
        case.state = CaseState::InProgress;
        case.expert_connected = true;
        case.customer_connected = true;
        assert_eq!(
            CustomerStatus::of(&case),
            CustomerStatus::InSession {
                expert: Some("Ana".into())
            }
        );
    }

    #[test]
    fn final_states_say_who_closed_and_are_final() {
        let mut closed = case(CaseState::Closed);
        closed.closed_by = Some(ClosedBy::Customer);
        let status = CustomerStatus::of(&closed);
        assert_eq!(status, CustomerStatus::Closed { by_customer: true });
        assert!(status.is_final());
        assert!(CustomerStatus::of(&case(CaseState::Expired)).is_final());
        assert!(!CustomerStatus::of(&case(CaseState::New)).is_final());
    }

    #[test]
    fn the_first_status_seen_is_not_notified() {
        let status = CustomerStatus::of(&assigned_to("Ana"));
        assert_eq!(status.notice_since(None), None);
    }

    #[test]
    fn an_expert_taking_the_case_is_notified_once() {
        let waiting = CustomerStatus::of(&case(CaseState::New));
        let assigned = CustomerStatus::of(&assigned_to("Ana"));
        assert_eq!(
            assigned.notice_since(Some(&waiting)),
            Some(Notice::ExpertAssigned {
                expert: "Ana".into()
            })
        );
        assert_eq!(assigned.notice_since(Some(&assigned)), None);
    }

    #[test]
    fn the_customers_own_cancel_is_not_news_but_an_expert_closing_is() {
        let waiting = CustomerStatus::of(&case(CaseState::New));
        let cancelled = CustomerStatus::Closed { by_customer: true };
        let closed = CustomerStatus::Closed { by_customer: false };
        assert_eq!(cancelled.notice_since(Some(&waiting)), None);
        assert_eq!(closed.notice_since(Some(&waiting)), Some(Notice::Closed));
        assert_eq!(
            CustomerStatus::Expired.notice_since(Some(&waiting)),
            Some(Notice::Expired)
        );
    }
}
