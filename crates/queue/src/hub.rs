//! In-process fan-out of case events to live subscribers (SSE streams). Events are serialized once and shared by every subscriber.
//! Console queue pages follow a second, coarser channel: which case of which
//! group changed, so they re-render the rows they show.
//!
//! Events committed by other servers on the same database reach the hub
//! through `crate::fanout`; when some of those may have been missed (the
//! database link was lost), [`Hub::resync`] tells every subscriber to catch
//! up from the database, as one that fell behind does.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::{broadcast, watch};
use uuid::Uuid;

/// How many events a slow subscriber may fall behind before it has to catch up
/// from the database.
const CASE_CHANNEL_CAPACITY: usize = 64;
/// The same for queue watchers; one that falls behind simply re-renders.
const QUEUE_CHANNEL_CAPACITY: usize = 256;

/// What an event carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    /// A case snapshot (SSE `case`).
    Case,
    /// A chat message (SSE `message`).
    Message,
    /// A side joined or left the session: a small record of the presence
    /// and the state it led to, not a case snapshot (sockets come and go
    /// often). Followers of the case get the case as it stands (SSE `case`);
    /// queue pages get the small record and patch the row in place.
    Presence,
}

impl EventKind {
    /// The SSE event name and the stored kind.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Case => "case",
            EventKind::Message => "message",
            EventKind::Presence => "presence",
        }
    }

    pub(crate) fn parse(text: &str) -> Option<Self> {
        match text {
            "case" => Some(EventKind::Case),
            "message" => Some(EventKind::Message),
            "presence" => Some(EventKind::Presence),
            _ => None,
        }
    }
}

/// One stored event of a case, as subscribers receive it.
#[derive(Debug, Clone)]
pub struct CaseEvent {
    /// The case.
    pub case_id: Uuid,
    /// Its group, so queue watchers can filter.
    pub group_id: Uuid,
    /// Per-case, increasing: the SSE event id.
    pub seq: i64,
    /// What it carries.
    pub kind: EventKind,
    /// Whether the case is final after this event (the stream then ends).
    pub is_final: bool,
    /// The JSON payload.
    pub data: Arc<str>,
}

/// A case of a group changed (created, assigned, closed, expired, …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueChange {
    /// The case.
    pub case_id: Uuid,
    /// Its group: watchers see only their groups' changes.
    pub group_id: Uuid,
    /// Only its presence changed: the small record (JSON), which is enough
    /// to patch a queue row without reading the queue again.
    pub presence: Option<Arc<str>>,
}

/// The live fan-out.
#[derive(Debug)]
pub struct Hub {
    cases: Mutex<HashMap<Uuid, broadcast::Sender<CaseEvent>>>,
    queue: broadcast::Sender<QueueChange>,
    /// Bumped by [`Hub::resync`]; every subscription watches it.
    resyncs: watch::Sender<u64>,
}

impl Default for Hub {
    fn default() -> Self {
        Self {
            cases: Mutex::default(),
            queue: broadcast::channel(QUEUE_CHANNEL_CAPACITY).0,
            resyncs: watch::channel(0).0,
        }
    }
}

impl Hub {
    /// Sends a committed event to whoever follows its case (and, for case
    /// snapshots and presence changes, to queue watchers).
    pub fn publish(&self, event: CaseEvent) {
        let presence = match event.kind {
            EventKind::Case => Some(None),
            EventKind::Presence => Some(Some(Arc::clone(&event.data))),
            EventKind::Message => None,
        };
        if let Some(presence) = presence {
            // Nobody watching the queue is fine.
            let _ = self.queue.send(QueueChange {
                case_id: event.case_id,
                group_id: event.group_id,
                presence,
            });
        }
        let sender = self.lock().get(&event.case_id).cloned();
        if let Some(sender) = sender {
            // No receiver left is fine: the last one is removing the entry.
            let _ = sender.send(event);
        }
    }

    /// Follows one case. Subscribe before reading the current state so nothing falls between.
    pub fn subscribe(self: &Arc<Self>, case_id: Uuid) -> Subscription {
        let receiver = self
            .lock()
            .entry(case_id)
            .or_insert_with(|| broadcast::channel(CASE_CHANNEL_CAPACITY).0)
            .subscribe();
        Subscription {
            hub: Arc::clone(self),
            case_id,
            receiver: Some(receiver),
            resyncs: self.resyncs.subscribe(),
        }
    }

    /// Follows every case change, for console queue pages.
    pub fn watch_queue(&self) -> QueueWatch {
        QueueWatch {
            receiver: self.queue.subscribe(),
            resyncs: self.resyncs.subscribe(),
        }
    }

    /// Whether anyone here would receive an event of `kind` for `case_id`:
    /// a follower of the case, or (for all but chat) a queue watcher. An
    /// event nobody receives need not be read.
    pub fn wants(&self, case_id: Uuid, kind: EventKind) -> bool {
        (kind != EventKind::Message && self.queue.receiver_count() > 0)
            || self.lock().contains_key(&case_id)
    }

    /// Tells every subscriber that events may have been missed: each one's
    /// next receive reports it fell behind, so it catches up from the
    /// database (a case stream from its last event id, a session socket
    /// its chat and the case, a queue page by re-rendering).
    pub fn resync(&self) {
        self.resyncs.send_modify(|generation| *generation += 1);
    }

    /// How many per-case subscriptions are open.
    pub fn subscriber_count(&self) -> usize {
        self.lock()
            .values()
            .map(broadcast::Sender::receiver_count)
            .sum()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Uuid, broadcast::Sender<CaseEvent>>> {
        self.cases
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// A live subscription to one case; dropping it unsubscribes.
#[derive(Debug)]
pub struct Subscription {
    hub: Arc<Hub>,
    case_id: Uuid,
    receiver: Option<broadcast::Receiver<CaseEvent>>,
    resyncs: watch::Receiver<u64>,
}

impl Subscription {
    /// The next event, or `Lagged` when events were missed (by falling
    /// behind, or by a [`Hub::resync`]): then catch up from the database.
    pub async fn recv(&mut self) -> Result<CaseEvent, broadcast::error::RecvError> {
        match self.receiver.as_mut() {
            Some(receiver) => next(receiver, &mut self.resyncs).await,
            None => Err(broadcast::error::RecvError::Closed),
        }
    }
}

/// A console queue page's feed of case changes.
#[derive(Debug)]
pub struct QueueWatch {
    receiver: broadcast::Receiver<QueueChange>,
    resyncs: watch::Receiver<u64>,
}

impl QueueWatch {
    /// The next change, or `Lagged` when changes were missed (by falling
    /// behind, or by a [`Hub::resync`]): then re-read the queue.
    pub async fn recv(&mut self) -> Result<QueueChange, broadcast::error::RecvError> {
        next(&mut self.receiver, &mut self.resyncs).await
    }
}

/// The next value of `receiver`, unless a resync comes first: then what is
/// still queued is dropped (the catch-up reads it from the database) and
/// the caller is told it fell behind.
async fn next<T: Clone>(
    receiver: &mut broadcast::Receiver<T>,
    resyncs: &mut watch::Receiver<u64>,
) -> Result<T, broadcast::error::RecvError> {
    tokio::select! {
        biased;
        // The hub holds the sender as long as any receiver lives.
        Ok(()) = resyncs.changed() => {
            *receiver = receiver.resubscribe();
            Err(broadcast::error::RecvError::Lagged(0))
        }
        received = receiver.recv() => received,
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        drop(self.receiver.take());
        let mut cases = self.hub.lock();
        if cases
            .get(&self.case_id)
            .is_some_and(|sender| sender.receiver_count() == 0)
        {
            cases.remove(&self.case_id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(case_id: Uuid, seq: i64) -> CaseEvent {
        CaseEvent {
            case_id,
            group_id: Uuid::nil(),
            seq,
            kind: EventKind::Case,
            is_final: false,
            data: "{}".into(),
        }
    }

    #[tokio::test]
    async fn subscribers_get_only_their_case_and_the_entry_goes_when_they_leave() {
        let hub = Arc::new(Hub::default());
        let (mine, other) = (Uuid::now_v7(), Uuid::now_v7());
        let mut subscription = hub.subscribe(mine);
        hub.publish(event(other, 1));
        hub.publish(event(mine, 7));
        let received = subscription.recv().await.expect("an event");
        assert_eq!((received.case_id, received.seq), (mine, 7));
        assert_eq!(hub.subscriber_count(), 1);
        drop(subscription);
        assert_eq!(hub.subscriber_count(), 0);
        assert!(
            hub.lock().is_empty(),
            "no channel is kept for a case nobody follows"
        );
    }

    #[tokio::test]
    async fn a_resync_makes_every_subscriber_catch_up_once() {
        let hub = Arc::new(Hub::default());
        let case = Uuid::now_v7();
        let mut subscription = hub.subscribe(case);
        let mut queue = hub.watch_queue();
        hub.publish(event(case, 1));
        hub.resync();
        assert!(matches!(
            subscription.recv().await,
            Err(broadcast::error::RecvError::Lagged(_))
        ));
        assert!(matches!(
            queue.recv().await,
            Err(broadcast::error::RecvError::Lagged(_))
        ));
        // What was queued before the resync is read back by the catch-up, not received again.
        hub.publish(event(case, 2));
        assert_eq!(subscription.recv().await.map(|e| e.seq).ok(), Some(2));
        assert_eq!(
            queue.recv().await.map(|change| change.case_id).ok(),
            Some(case)
        );
    }

    #[test]
    fn only_events_someone_here_receives_are_wanted() {
        let hub = Arc::new(Hub::default());
        let case = Uuid::now_v7();
        assert!(!hub.wants(case, EventKind::Case));
        let queue = hub.watch_queue();
        assert!(hub.wants(case, EventKind::Presence));
        assert!(
            !hub.wants(case, EventKind::Message),
            "queue pages show no chat"
        );
        drop(queue);
        let _following = hub.subscribe(case);
        assert!(hub.wants(case, EventKind::Message));
    }
}
