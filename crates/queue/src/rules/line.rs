//! Queue positions without counting the line. A case's position is 1 + the
//! open, unassigned, unexpired cases of its group with a smaller id (ids are
//! UUID v7 made in the writer: they grow in commit order). Counting those
//! on every read made a read, a presence write and a snapshot cost O(queue
//! depth); here each server keeps every group's waiting line in memory, in
//! order, and a position is a rank in it: O(log n) plus a sum over blocks.
//!
//! How it stays right with several servers on one database: the database
//! keeps, per group, a `line_version` bumped by every change of the line
//! other than a new case joining at its back, and logs each such change
//! under its version (`line_changes`). Every case row is read with its
//! group's version. A line that is behind that version (or that does not
//! yet know the case's id: a case created since) catches up from the
//! database before it answers: the logged changes in version order, and the
//! waiting cases created since the newest id it knows. So a read is exact
//! for the row it read, whichever server changed the line, and costs one
//! extra row lookup (the version) when the line is current. A line that
//! missed changes the sweep has forgotten rebuilds from a snapshot.
//!
//! Inside a write the line is not changed (the write may not commit): the
//! position is the line's rank corrected by the changes the transaction
//! sees that the line has not applied yet, read in the transaction. A
//! follower task (`QueueStore::follow_lines`) applies committed changes soon
//! after each write, so that correction stays a handful of rows.
//!
//! Cases past their deadline that the sweep has not written yet stay in the
//! line and are left out of each count by their deadline (the sweep writes
//! them within a second).

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};

use time::OffsetDateTime;
use tokio::sync::Notify;
use uuid::Uuid;

use crate::clock::to_millis;
use crate::store::StoreError;
use crate::store::rows::CaseRow;
use crate::store::storage::{LineChange, LineReads, LineSnapshot};

/// Ids per block of the ordered line: a block splits past twice this and
/// merges with a neighbour below half of it.
const BLOCK: usize = 512;

/// Logged changes read in one catch-up; a line further behind rebuilds from
/// a snapshot, which is cheaper than replaying them.
const CATCH_UP_LIMIT: u32 = 4096;

/// Ids in order, in blocks: insert and remove cost a binary search and a
/// move within one block, a rank a binary search and a sum of block lengths
/// (about n / 256 additions: 400 for a line of 100,000).
#[derive(Debug, Default)]
struct OrderedIds {
    blocks: Vec<Vec<Uuid>>,
}

impl OrderedIds {
    /// The block `id` is in or belongs in.
    fn block_of(&self, id: &Uuid) -> usize {
        self.blocks
            .partition_point(|block| block.last().is_some_and(|last| last < id))
            .min(self.blocks.len().saturating_sub(1))
    }

    fn insert(&mut self, id: Uuid) {
        if self.blocks.is_empty() {
            self.blocks.push(vec![id]);
            return;
        }
        let b = self.block_of(&id);
        let block = &mut self.blocks[b];
        if let Err(at) = block.binary_search(&id) {
            block.insert(at, id);
            if block.len() > 2 * BLOCK {
                let tail = block.split_off(BLOCK);
                self.blocks.insert(b + 1, tail);
            }
        }
    }

    fn remove(&mut self, id: &Uuid) {
        if self.blocks.is_empty() {
            return;
        }
        let b = self.block_of(id);
        let block = &mut self.blocks[b];
        let Ok(at) = block.binary_search(id) else {
            return;
        };
        block.remove(at);
        if block.is_empty() {
            self.blocks.remove(b);
        } else if block.len() < BLOCK / 2 && b + 1 < self.blocks.len() {
            // Keeps blocks from dwindling (a line drained from the front
            // and the middle), so a rank adds up few of them.
            if self.blocks[b].len() + self.blocks[b + 1].len() <= 2 * BLOCK {
                let next = self.blocks.remove(b + 1);
                self.blocks[b].extend(next);
            }
        }
    }

    /// How many ids are below `id`.
    fn rank(&self, id: &Uuid) -> usize {
        let b = self
            .blocks
            .partition_point(|block| block.last().is_some_and(|last| last < id));
        let before: usize = self.blocks[..b].iter().map(Vec::len).sum();
        before
            + self
                .blocks
                .get(b)
                .map_or(0, |block| block.partition_point(|x| x < id))
    }
}

/// One group's waiting line as this server knows it.
#[derive(Debug, Default)]
pub(crate) struct Line {
    /// The last logged change applied.
    version: i64,
    /// Every case up to this id is accounted for (as of `version`); a case
    /// above it may be missing.
    newest: Option<Uuid>,
    ids: OrderedIds,
    /// (deadline, id) of every case in the line, earliest first.
    deadlines: BTreeSet<(i64, Uuid)>,
    /// Each case's deadline.
    expires: HashMap<Uuid, i64>,
}

/// What became of a logged change given to [`Line::apply`].
#[derive(Debug, PartialEq, Eq)]
enum Applied {
    Done,
    /// Applied before.
    Already,
    /// Changes before it are missing.
    Gap,
}

impl Line {
    fn join(&mut self, id: Uuid, expires_at: i64) {
        match self.expires.insert(id, expires_at) {
            Some(old) => {
                self.deadlines.remove(&(old, id));
            }
            None => self.ids.insert(id),
        }
        self.deadlines.insert((expires_at, id));
    }

    fn leave(&mut self, id: Uuid) {
        if let Some(old) = self.expires.remove(&id) {
            self.deadlines.remove(&(old, id));
            self.ids.remove(&id);
        }
    }

    fn apply(&mut self, change: &LineChange) -> Applied {
        if change.version <= self.version {
            return Applied::Already;
        }
        if change.version != self.version + 1 {
            return Applied::Gap;
        }
        if change.waiting {
            self.join(change.case_id, change.expires_at);
        } else {
            self.leave(change.case_id);
        }
        self.version = change.version;
        Applied::Done
    }

    /// Cases in the line before `id` and unexpired at `now_ms`.
    fn ahead(&self, id: Uuid, now_ms: i64) -> usize {
        // Expired ones are at the front of `deadlines`, and few: the sweep
        // writes them within a second.
        let expired = self
            .deadlines
            .iter()
            .take_while(|(deadline, _)| *deadline <= now_ms)
            .filter(|(_, other)| *other < id)
            .count();
        self.ids.rank(&id) - expired
    }

    /// Whether `id` is in the line and unexpired at `now_ms`.
    fn waits(&self, id: Uuid, now_ms: i64) -> bool {
        self.expires.get(&id).is_some_and(|e| *e > now_ms)
    }

    /// Whether this line can answer for case `id` read at `version`.
    fn knows(&self, id: Uuid, version: i64) -> bool {
        self.version >= version && self.newest >= Some(id)
    }

    /// The line from a snapshot taken with `after = None`.
    fn from_snapshot(version: i64, waiting: Vec<(Uuid, i64)>, newest: Option<Uuid>) -> Self {
        let mut line = Line {
            version,
            newest: waiting.last().map(|(id, _)| *id).max(newest),
            ..Line::default()
        };
        for (id, expires_at) in waiting {
            line.join(id, expires_at);
        }
        line
    }
}

/// One group's line and the turn to bring it up to date.
#[derive(Debug, Default)]
struct GroupLine {
    /// `None` until built.
    line: Mutex<Option<Line>>,
    /// Held by whoever brings the line up to date, so catch-ups apply in order.
    turn: tokio::sync::Mutex<()>,
}

impl GroupLine {
    fn lock(&self) -> MutexGuard<'_, Option<Line>> {
        self.line
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The cases ahead of `id`, if the line knows it at `version`.
    fn known_ahead(&self, id: Uuid, version: i64, now_ms: i64) -> Option<usize> {
        self.lock()
            .as_ref()
            .filter(|line| line.knows(id, version))
            .map(|line| line.ahead(id, now_ms))
    }
}

/// What a write needs to know of the line before it reads in its transaction.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Peek {
    /// The line's version, `None` when it is not built.
    pub version: Option<i64>,
    /// Every case up to this id is in it.
    pub newest: Option<Uuid>,
}

/// Every group's line on this server.
#[derive(Debug, Default)]
pub(crate) struct Lines {
    groups: Mutex<HashMap<Uuid, Arc<GroupLine>>>,
    /// Groups whose line changed here since the follower last looked.
    changed: Mutex<HashSet<Uuid>>,
    wake: Notify,
    /// When the follower last looked at every group (for other servers' changes).
    looked_at_all: Mutex<Option<std::time::Instant>>,
}

impl Lines {
    fn group(&self, group: Uuid) -> Arc<GroupLine> {
        let mut groups = self
            .groups
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        Arc::clone(groups.entry(group).or_default())
    }

    fn known_groups(&self) -> Vec<Uuid> {
        self.groups
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .keys()
            .copied()
            .collect()
    }

    /// Tells the follower these groups' lines changed (a write committed).
    pub(crate) fn changed(&self, groups: impl IntoIterator<Item = Uuid>) {
        let mut changed = self
            .changed
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let before = changed.len();
        changed.extend(groups);
        if changed.len() > before {
            self.wake.notify_one();
        }
    }

    /// Cases ahead of the waiting case `row` at `now`, as of the row's read
    /// (catching up first if this line is behind it).
    pub(crate) async fn ahead<S: LineReads>(
        &self,
        storage: &S,
        row: &CaseRow,
        now: OffsetDateTime,
    ) -> Result<usize, StoreError> {
        let now_ms = to_millis(now);
        let group = self.group(row.group_id);
        if let Some(ahead) = group.known_ahead(row.id, row.line_version, now_ms) {
            return Ok(ahead);
        }
        let _turn = group.turn.lock().await;
        // Another caller may have caught up while this one waited its turn.
        if let Some(ahead) = group.known_ahead(row.id, row.line_version, now_ms) {
            return Ok(ahead);
        }
        catch_up(storage, row.group_id, &group, Some(row.id)).await?;
        if let Some(ahead) = group.known_ahead(row.id, row.line_version, now_ms) {
            return Ok(ahead);
        }
        // Still behind the row: the changes it missed were forgotten.
        let newest = group.lock().as_ref().and_then(|l| l.newest);
        rebuild(storage, row.group_id, &group, Some(row.id), newest).await?;
        let line = group.lock();
        let line = line.as_ref().ok_or(StoreError::Unavailable)?;
        Ok(line.ahead(row.id, now_ms))
    }

    /// Brings the lines of the groups changed here (or, when none did, of
    /// every group known) up to date, after waiting up to `wait` for a change.
    pub(crate) async fn follow<S: LineReads>(
        &self,
        storage: &S,
        wait: std::time::Duration,
    ) -> Result<(), StoreError> {
        // A timeout is no failure: it is time to look at every group.
        let _ = tokio::time::timeout(wait, self.wake.notified()).await;
        let changed_here = std::mem::take(
            &mut *self
                .changed
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner()),
        );
        let all_due = {
            let mut looked = self
                .looked_at_all
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            let due = looked.is_none_or(|at| at.elapsed() >= wait);
            if due {
                *looked = Some(std::time::Instant::now());
            }
            due
        };
        // Other servers' changes are looked for every `wait`, even while
        // this one keeps writing.
        let groups: Vec<Uuid> = if all_due {
            self.known_groups()
        } else {
            changed_here.into_iter().collect()
        };
        for id in groups {
            let group = self.group(id);
            let _turn = group.turn.lock().await;
            catch_up(storage, id, &group, None).await?;
        }
        Ok(())
    }

    /// Builds the lines of `groups` (at start, so writes find them built).
    pub(crate) async fn build<S: LineReads>(
        &self,
        storage: &S,
        groups: impl IntoIterator<Item = Uuid>,
    ) -> Result<(), StoreError> {
        for id in groups {
            let group = self.group(id);
            let _turn = group.turn.lock().await;
            catch_up(storage, id, &group, None).await?;
        }
        Ok(())
    }

    /// The line of `group` before a write reads what it has not applied.
    pub(crate) fn peek(&self, group: Uuid) -> Peek {
        let group = self.group(group);
        let line = group.lock();
        Peek {
            version: line.as_ref().map(|l| l.version),
            newest: line.as_ref().and_then(|l| l.newest),
        }
    }

    /// Cases ahead of waiting case `id` of `group` at `now`, inside a write:
    /// the line's count corrected by what the transaction sees that the
    /// line has not applied. `changes` are the group's logged changes after
    /// `peek.version` and `joined` its waiting cases between `peek.newest`
    /// and `id`, both read in the transaction after `peek`.
    pub(crate) fn ahead_within(
        &self,
        group: Uuid,
        id: Uuid,
        peek: Peek,
        changes: &[LineChange],
        joined: &[(Uuid, i64)],
        now: OffsetDateTime,
    ) -> usize {
        let now_ms = to_millis(now);
        let unexpired_joined = |newest: Option<Uuid>| {
            joined
                .iter()
                .filter(|(other, expires_at)| {
                    Some(*other) > newest && *other < id && *expires_at > now_ms
                })
                .count()
        };
        let group = self.group(group);
        let line = group.lock();
        let line = match line.as_ref() {
            // Not built when peeked: `joined` is the whole line before `id`.
            Some(line) if peek.version.is_some() => line,
            _ => return unexpired_joined(None),
        };
        // The line may have moved on since the peek, with committed changes
        // only: what it has applied now is left out of the correction.
        let mut last: HashMap<Uuid, (bool, i64)> = HashMap::new();
        for change in changes.iter().filter(|c| {
            c.version > line.version && Some(c.case_id) <= line.newest && c.case_id < id
        }) {
            last.insert(change.case_id, (change.waiting, change.expires_at));
        }
        let mut ahead = line.ahead(id, now_ms) + unexpired_joined(line.newest);
        for (case, (waiting, expires_at)) in last {
            let waits_now = waiting && expires_at > now_ms;
            match (waits_now, line.waits(case, now_ms)) {
                (true, false) => ahead += 1,
                (false, true) => ahead -= 1,
                _ => {}
            }
        }
        ahead
    }
}

/// Brings `group`'s line up to date (the caller holds its turn): builds it
/// from a snapshot when it is not built or missed forgotten changes, else
/// applies the logged changes after its version and adds the cases created
/// since its newest id (not needed when `need`, a case read before this
/// call, is already known).
async fn catch_up<S: LineReads>(
    storage: &S,
    id: Uuid,
    group: &GroupLine,
    need: Option<Uuid>,
) -> Result<(), StoreError> {
    let known = group.lock().as_ref().map(|l| (l.version, l.newest));
    let Some((version, newest)) = known else {
        return rebuild(storage, id, group, need, None).await;
    };
    let snapshot = match need {
        Some(case) if newest >= Some(case) => None,
        _ => Some(storage.line_snapshot(id, newest).await?),
    };
    // Read after the snapshot: holds every change up to its version.
    let changes = storage.line_changes(id, version, CATCH_UP_LIMIT).await?;
    if changes.len() >= CATCH_UP_LIMIT as usize {
        return rebuild(storage, id, group, need, newest).await;
    }
    let gap = {
        let mut guard = group.lock();
        let line = guard.as_mut().ok_or(StoreError::Unavailable)?;
        apply_caught_up(line, &changes, snapshot, need)
    };
    if gap {
        return rebuild(storage, id, group, need, newest).await;
    }
    Ok(())
}

/// Applies to `line` the changes read after `snapshot` (of the cases above
/// its newest id), in order: the changes up to the snapshot's version, the
/// snapshot, the changes after it. `true` when changes are missing.
fn apply_caught_up(
    line: &mut Line,
    changes: &[LineChange],
    snapshot: Option<LineSnapshot>,
    need: Option<Uuid>,
) -> bool {
    let upto = snapshot.as_ref().map_or(i64::MAX, |s| s.version);
    let mut gap = false;
    for change in changes.iter().filter(|c| c.version <= upto) {
        gap |= line.apply(change) == Applied::Gap;
    }
    if let Some(snapshot) = snapshot {
        // The snapshot's version must have been reached, or changes were
        // forgotten before this line applied them.
        gap |= line.version != snapshot.version;
        if !gap {
            for &(case, expires_at) in &snapshot.waiting {
                line.join(case, expires_at);
            }
            line.newest = line
                .newest
                .max(snapshot.waiting.last().map(|(case, _)| *case))
                .max(need);
        }
    }
    for change in changes.iter().filter(|c| c.version > upto) {
        gap |= line.apply(change) == Applied::Gap;
    }
    gap
}

/// Builds `group`'s line anew from a snapshot and the changes logged after it.
async fn rebuild<S: LineReads>(
    storage: &S,
    id: Uuid,
    group: &GroupLine,
    need: Option<Uuid>,
    newest: Option<Uuid>,
) -> Result<(), StoreError> {
    let snapshot = storage.line_snapshot(id, None).await?;
    // Every case up to the newest id known before is still accounted for.
    let mut line = Line::from_snapshot(snapshot.version, snapshot.waiting, need.max(newest));
    loop {
        let changes = storage
            .line_changes(id, line.version, CATCH_UP_LIMIT)
            .await?;
        for change in &changes {
            if line.apply(change) == Applied::Gap {
                // Forgotten between the snapshot and now: start again.
                return Box::pin(rebuild(storage, id, group, need, newest)).await;
            }
        }
        if changes.len() < CATCH_UP_LIMIT as usize {
            break;
        }
    }
    *group.lock() = Some(line);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(n: usize) -> Vec<Uuid> {
        let mut ids: Vec<Uuid> = (0..n).map(|_| Uuid::now_v7()).collect();
        ids.sort();
        ids
    }

    #[test]
    fn the_rank_of_an_id_counts_the_ids_below_it_through_splits_and_merges() {
        let all = ids(5 * BLOCK + 7);
        let mut ordered = OrderedIds::default();
        // Out of order, as rejoining cases come back.
        for id in all.iter().rev() {
            ordered.insert(*id);
        }
        for (i, id) in all.iter().enumerate().step_by(97) {
            assert_eq!(ordered.rank(id), i);
        }
        let mut kept = Vec::new();
        for (i, id) in all.iter().enumerate() {
            if i % 3 == 0 || i < 2 * BLOCK {
                ordered.remove(id);
            } else {
                kept.push(*id);
            }
        }
        for (i, id) in kept.iter().enumerate() {
            assert_eq!(ordered.rank(id), i, "rank after removals");
        }
        assert!(
            ordered.blocks.iter().all(|b| !b.is_empty()),
            "no empty block"
        );
        assert_eq!(ordered.rank(&Uuid::max()), kept.len());
    }

    #[test]
    fn expired_cases_ahead_are_left_out_and_changes_apply_in_order_only() {
        let [a, b, c] = ids(3).try_into().expect("three");
        let mut line = Line::from_snapshot(0, vec![(a, 100), (b, 500), (c, 500)], None);
        assert_eq!(line.ahead(c, 50), 2);
        assert_eq!(line.ahead(c, 100), 1, "a expired at 100");
        let left = |version, case_id| LineChange {
            version,
            case_id,
            waiting: false,
            expires_at: 0,
        };
        assert_eq!(line.apply(&left(2, b)), Applied::Gap);
        assert_eq!(line.apply(&left(1, b)), Applied::Done);
        assert_eq!(line.apply(&left(1, b)), Applied::Already);
        assert_eq!(line.ahead(c, 50), 1);
        line.apply(&LineChange {
            version: 2,
            case_id: b,
            waiting: true,
            expires_at: 500,
        });
        assert_eq!(line.ahead(c, 50), 2, "b rejoined at its place");
        assert!(line.knows(c, 2) && !line.knows(c, 3));
    }
}
