//! Following the events other servers on the database commit: `LISTEN` on
//! a connection of its own, reopened after a pause that doubles (to a cap)
//! while the database cannot be reached. Each time it listens again it says
//! so ([`Notice::Resumed`]), since what was announced meanwhile is lost.

use std::time::Duration;

use futures_util::StreamExt as _;
use tokio::sync::mpsc;
use tokio_postgres::{AsyncMessage, NoTls};
use uuid::Uuid;

use crate::fanout::{EventHint, Notice};

/// The channel committed events are announced on.
pub(super) const EVENTS_CHANNEL: &str = "lifeline_events";

/// Notices held for the relay before the listener waits for it.
const NOTICE_BUFFER: usize = 1024;

/// The first pause before listening again, and the longest.
const FIRST_PAUSE: Duration = Duration::from_millis(100);
const LONGEST_PAUSE: Duration = Duration::from_secs(2);

/// What a writer announces for `hint`: the writing server, then the hint.
pub(super) fn announcement(instance: Uuid, hint: &EventHint) -> String {
    format!("{instance} {}", hint.encode())
}

/// Starts listening (as server `instance`, whose own announcements are
/// skipped); the notices end when the receiver is dropped.
pub(super) fn start(config: tokio_postgres::Config, instance: Uuid) -> mpsc::Receiver<Notice> {
    let (notices, receiver) = mpsc::channel(NOTICE_BUFFER);
    tokio::spawn(keep_listening(config, instance, notices));
    receiver
}

async fn keep_listening(
    config: tokio_postgres::Config,
    instance: Uuid,
    notices: mpsc::Sender<Notice>,
) {
    let mut pause = FIRST_PAUSE;
    loop {
        match listen(&config, instance, &notices).await {
            Ended::NobodyFollows => return,
            Ended::Lost { had_listened } => {
                if had_listened {
                    pause = FIRST_PAUSE;
                }
            }
        }
        tokio::select! {
            () = notices.closed() => return,
            () = tokio::time::sleep(pause) => {}
        }
        pause = (pause * 2).min(LONGEST_PAUSE);
    }
}

/// Why one connection's listening ended.
enum Ended {
    /// The relay is gone: stop.
    NobodyFollows,
    /// The connection failed or was never made: listen again after a pause.
    Lost { had_listened: bool },
}

/// Listens on one connection until it is lost or nobody follows.
async fn listen(
    config: &tokio_postgres::Config,
    instance: Uuid,
    notices: &mpsc::Sender<Notice>,
) -> Ended {
    let (client, mut connection) = match config.connect(NoTls).await {
        Ok(connected) => connected,
        Err(e) => {
            tracing::warn!(error = %e, "cannot connect to PostgreSQL to follow other servers' events");
            return Ended::Lost {
                had_listened: false,
            };
        }
    };
    // The connection yields notifications only while it is polled, and must
    // be polled for the LISTEN itself to complete.
    let mut messages = futures_util::stream::poll_fn(move |cx| connection.poll_message(cx));
    let statement = format!("LISTEN {EVENTS_CHANNEL}");
    let listening = client.batch_execute(&statement);
    tokio::pin!(listening);
    loop {
        tokio::select! {
            listened = &mut listening => match listened {
                Ok(()) => break,
                Err(e) => {
                    tracing::warn!(error = %e, "cannot listen for other servers' events");
                    return Ended::Lost { had_listened: false };
                }
            },
            message = messages.next() => {
                if !matches!(message, Some(Ok(_))) {
                    tracing::warn!("lost the connection to PostgreSQL before listening");
                    return Ended::Lost { had_listened: false };
                }
            }
        }
    }
    tracing::info!("following other servers' events");
    if notices.send(Notice::Resumed).await.is_err() {
        return Ended::NobodyFollows;
    }
    loop {
        let message = tokio::select! {
            () = notices.closed() => return Ended::NobodyFollows,
            message = messages.next() => message,
        };
        let notification = match message {
            Some(Ok(AsyncMessage::Notification(notification))) => notification,
            Some(Ok(_)) => continue,
            Some(Err(e)) => {
                tracing::warn!(error = %e, "lost the connection following other servers' events");
                return Ended::Lost { had_listened: true };
            }
            None => {
                tracing::warn!("the connection following other servers' events closed");
                return Ended::Lost { had_listened: true };
            }
        };
        let notice = match notification.payload().split_once(' ') {
            Some((origin, _)) if origin == instance.to_string() => continue,
            Some((_, hint)) => EventHint::decode(hint).map(Notice::Committed),
            None => None,
        };
        let notice = notice.unwrap_or_else(|| {
            // Not one of ours (an operator's NOTIFY?): followers catch up instead.
            tracing::warn!(
                payload = notification.payload(),
                "an event announcement that does not parse"
            );
            Notice::Resumed
        });
        if notices.send(notice).await.is_err() {
            return Ended::NobodyFollows;
        }
    }
}
