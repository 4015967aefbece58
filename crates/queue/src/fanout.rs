//! Live events across servers sharing one database. A backend that several
//! servers use (PostgreSQL) tells each of them, in a small [`Notice`], what
//! the others committed; this module reads the event it names from the
//! database and publishes it to the local [`Hub`], as if it had been
//! committed here. Notices carry no payload: the database stays the one
//! source, so a notice that never arrives loses nothing once subscribers
//! catch up from it ([`Notice::Resumed`]).

use std::sync::{Arc, Weak};
use std::time::Duration;

use tokio::sync::mpsc;
use uuid::Uuid;

use crate::hub::{EventKind, Hub};
use crate::store::Store;

/// What a backend tells about events other servers committed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// Another server committed this event.
    Committed(EventHint),
    /// The backend (re)started listening: notices sent while it was not may
    /// be lost, so every subscriber catches up from the database.
    Resumed,
}

/// Which event another server committed: enough to read it back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventHint {
    /// The case.
    pub case_id: Uuid,
    /// The event's number within the case.
    pub seq: i64,
    /// What it carries (chat is of no interest to queue pages).
    pub kind: EventKind,
}

impl EventHint {
    /// The hint as sent between servers: `<case id> <seq> <kind>`.
    pub fn encode(&self) -> String {
        format!("{} {} {}", self.case_id, self.seq, self.kind.as_str())
    }

    /// Reads a hint written by [`EventHint::encode`].
    pub fn decode(text: &str) -> Option<Self> {
        let mut parts = text.split(' ');
        let hint = Self {
            case_id: parts.next()?.parse().ok()?,
            seq: parts.next()?.parse().ok()?,
            kind: EventKind::parse(parts.next()?)?,
        };
        parts.next().is_none().then_some(hint)
    }
}

/// How long a starting server waits for its backend to listen.
const FIRST_LISTEN_LIMIT: Duration = Duration::from_secs(10);

/// Waits until the backend listens for the first time, so a starting server
/// has nobody to catch up then; gives up after [`FIRST_LISTEN_LIMIT`] (the
/// first [`Notice::Resumed`] then reaches the relay, which catches up).
pub async fn until_listening(notices: &mut mpsc::Receiver<Notice>) {
    match tokio::time::timeout(FIRST_LISTEN_LIMIT, notices.recv()).await {
        Ok(Some(Notice::Resumed)) => {}
        Ok(other) => {
            tracing::warn!(notice = ?other, "expected the backend to start listening first");
        }
        Err(_) => tracing::warn!(
            "not yet following other servers' events; serving anyway, they catch up once it does"
        ),
    }
}

/// Publishes to `hub` the events `notices` name, read from `store`, until
/// the backend stops sending or the store is gone. Events nobody here
/// follows are not read.
pub async fn relay(mut notices: mpsc::Receiver<Notice>, store: Weak<dyn Store>, hub: Arc<Hub>) {
    while let Some(notice) = notices.recv().await {
        let hint = match notice {
            Notice::Resumed => {
                hub.resync();
                continue;
            }
            Notice::Committed(hint) => hint,
        };
        if !hub.wants(hint.case_id, hint.kind) {
            continue;
        }
        let Some(store) = store.upgrade() else {
            return;
        };
        match store.events_after(hint.case_id, hint.seq - 1, 1).await {
            Ok(events) => {
                for event in events.into_iter().filter(|event| event.seq == hint.seq) {
                    hub.publish(event);
                }
            }
            Err(e) => {
                // Its subscribers read it themselves once they catch up.
                tracing::warn!(error = %e, case.id = %hint.case_id, "cannot read an event another server committed");
                hub.resync();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_read_back_what_they_wrote_and_refuse_anything_else() {
        let hint = EventHint {
            case_id: Uuid::now_v7(),
            seq: 42,
            kind: EventKind::Presence,
        };
        assert_eq!(EventHint::decode(&hint.encode()), Some(hint));
        for bad in [
            "",
            "not-a-uuid 1 case",
            &format!("{} x case", hint.case_id),
            &format!("{} 1 screen", hint.case_id),
            &format!("{} 1 case extra", hint.case_id),
        ] {
            assert_eq!(EventHint::decode(bad), None, "{bad:?}");
        }
    }
}
