//! Who is in each case's session: open session sockets counted per side.
//! A side is "connected" while it has at least one socket; only the changes
//! 0 → 1 and 1 → 0 are written (state, history, event).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use time::OffsetDateTime;
use tokio::sync::Mutex as AsyncMutex;
use uuid::Uuid;

use lifeline_protocol::{Case, MessageFrom};

use crate::store::{Actor, Store, StoreError};

#[derive(Debug, Default)]
struct Sockets {
    expert: usize,
    customer: usize,
}

impl Sockets {
    fn of(&mut self, side: MessageFrom) -> &mut usize {
        match side {
            MessageFrom::Expert => &mut self.expert,
            MessageFrom::Customer => &mut self.customer,
        }
    }
}

/// The open sockets of every case with a session.
#[derive(Debug, Default)]
pub struct Presence {
    // One async lock per case: a join and a leave of the same case are
    // written in the order they happened; other cases do not wait.
    cases: Mutex<HashMap<Uuid, Arc<AsyncMutex<Sockets>>>>,
}

impl Presence {
    /// A socket of `side` opened. Writes "joined" when it is the side's first;
    /// fails (and counts nothing) when the case is final.
    pub async fn enter(
        &self,
        store: &dyn Store,
        case: Uuid,
        side: MessageFrom,
        by: Actor,
        now: OffsetDateTime,
    ) -> Result<Option<Case>, StoreError> {
        let entry = self.entry(case);
        let mut sockets = entry.lock().await;
        let written = if *sockets.of(side) == 0 {
            Some(store.set_presence(case, side, true, by, now).await?)
        } else {
            None
        };
        *sockets.of(side) += 1;
        Ok(written)
    }

    /// A socket of `side` closed. Writes "left" when it was the side's last.
    pub async fn leave(
        &self,
        store: &dyn Store,
        case: Uuid,
        side: MessageFrom,
        by: Actor,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let entry = self.entry(case);
        let mut sockets = entry.lock().await;
        let count = sockets.of(side);
        *count = count.saturating_sub(1);
        let result = if *count == 0 {
            store
                .set_presence(case, side, false, by, now)
                .await
                .map(drop)
        } else {
            Ok(())
        };
        if sockets.expert == 0 && sockets.customer == 0 {
            let mut cases = self.lock();
            // Only the map and this task hold the entry: nobody is about to enter.
            if Arc::strong_count(&entry) == 2 {
                cases.remove(&case);
            }
        }
        result
    }

    /// How many cases have a session socket open.
    pub fn cases_in_session(&self) -> usize {
        self.lock().len()
    }

    fn entry(&self, case: Uuid) -> Arc<AsyncMutex<Sockets>> {
        Arc::clone(self.lock().entry(case).or_default())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Uuid, Arc<AsyncMutex<Sockets>>>> {
        self.cases
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
