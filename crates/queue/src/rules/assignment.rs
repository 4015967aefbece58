//! Automatic assignment: which available expert gets which waiting case
//! ([`plan`], a plain function), and running it inside a write transaction
//! ([`Tx::auto_assign`]). The group's policy is loaded for update first, so
//! two plans of a group never interleave (on SQLite the single writer already
//! serializes them): no case is assigned twice and no expert is skipped or
//! doubled by concurrent creates.

use time::OffsetDateTime;
use uuid::Uuid;

use lifeline_protocol::AssignmentPolicy;

use super::Tx;
use crate::store::StoreError;
use crate::store::storage::{Candidate, WaitingCase};

/// One decision of a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Assignment {
    /// The case.
    pub case_id: Uuid,
    /// Who gets it.
    pub expert_id: Uuid,
}

/// Hands the group's waiting cases, oldest first, to its available experts
/// under `policy`. `last_round_robin` is the expert the group's previous
/// round-robin pick went to. Returns nothing when the policy is off or nobody
/// is available: the cases keep waiting.
pub fn plan(
    policy: AssignmentPolicy,
    waiting: &[WaitingCase],
    candidates: &[Candidate],
    last_round_robin: Option<Uuid>,
    now: OffsetDateTime,
) -> Vec<Assignment> {
    if policy == AssignmentPolicy::Off || candidates.is_empty() {
        return Vec::new();
    }
    let mut waiting: Vec<&WaitingCase> = waiting.iter().filter(|c| c.expires_at > now).collect();
    waiting.sort_by_key(|c| c.id);
    let mut candidates = candidates.to_vec();
    candidates.sort_by_key(|c| c.id);
    let mut last = last_round_robin;
    let mut plan = Vec::with_capacity(waiting.len());
    for case in waiting {
        let index = match policy {
            AssignmentPolicy::Off => unreachable!("handled above"),
            AssignmentPolicy::RoundRobin => next_after(&candidates, last),
            AssignmentPolicy::LeastBusy => least_busy(&candidates),
        };
        let chosen = &mut candidates[index];
        chosen.open_assigned += 1;
        chosen.last_assigned_at = Some(now);
        last = Some(chosen.id);
        plan.push(Assignment {
            case_id: case.id,
            expert_id: chosen.id,
        });
    }
    plan
}

/// The first candidate after `last` in id order, wrapping around; the first
/// one when `last` is unknown or no longer a candidate's predecessor.
fn next_after(candidates: &[Candidate], last: Option<Uuid>) -> usize {
    match last {
        Some(last) => candidates.iter().position(|c| c.id > last).unwrap_or(0),
        None => 0,
    }
}

/// Fewest open assigned cases; ties go to whoever has waited longest for an
/// automatic assignment (never assigned first), then by id.
fn least_busy(candidates: &[Candidate]) -> usize {
    candidates
        .iter()
        .enumerate()
        .min_by_key(|(_, c)| (c.open_assigned, c.last_assigned_at, c.id))
        .map(|(index, _)| index)
        .expect("candidates is not empty")
}

impl Tx<'_> {
    /// Runs the group's automatic assignment over its waiting cases, in this
    /// transaction.
    pub(super) fn auto_assign(
        &mut self,
        group: Uuid,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let Some((policy, last_round_robin)) = self.store.assignment_policy_for_update(group)?
        else {
            return Ok(());
        };
        if policy == AssignmentPolicy::Off {
            return Ok(());
        }
        let candidates = self.store.assignment_candidates(group, now)?;
        if candidates.is_empty() {
            return Ok(());
        }
        let waiting = self.store.waiting_cases(group, now)?;
        let plan = plan(policy, &waiting, &candidates, last_round_robin, now);
        for decision in &plan {
            self.assign(decision.case_id, Some(decision.expert_id), "system", now)?;
            self.store.set_last_assigned(decision.expert_id, now)?;
        }
        if let Some(last) = plan.last() {
            self.store.set_last_round_robin(group, last.expert_id)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use time::Duration;
    use time::macros::datetime;

    use super::*;

    const NOW: OffsetDateTime = datetime!(2026-11-27 12:00 UTC);

    fn ids(n: usize) -> Vec<Uuid> {
        let mut ids: Vec<Uuid> = (0..n).map(|_| Uuid::now_v7()).collect();
        ids.sort();
        ids
    }

    fn waiting(n: usize) -> Vec<WaitingCase> {
        ids(n)
            .into_iter()
            .map(|id| WaitingCase {
                id,
                expires_at: NOW + Duration::hours(24),
            })
            .collect()
    }

    fn idle(experts: &[Uuid]) -> Vec<Candidate> {
        experts
            .iter()
            .map(|&id| Candidate {
                id,
                open_assigned: 0,
                last_assigned_at: None,
            })
            .collect()
    }

    fn per_expert(plan: &[Assignment]) -> HashMap<Uuid, usize> {
        let mut counts = HashMap::new();
        for a in plan {
            *counts.entry(a.expert_id).or_default() += 1;
        }
        counts
    }

    #[test]
    fn off_or_nobody_available_leaves_every_case_waiting() {
        let experts = ids(2);
        assert!(
            plan(
                AssignmentPolicy::Off,
                &waiting(3),
                &idle(&experts),
                None,
                NOW
            )
            .is_empty()
        );
        assert!(plan(AssignmentPolicy::RoundRobin, &waiting(3), &[], None, NOW).is_empty());
        assert!(plan(AssignmentPolicy::LeastBusy, &waiting(3), &[], None, NOW).is_empty());
    }

    #[test]
    fn round_robin_goes_around_in_order_and_continues_after_the_last_pick() {
        let experts = ids(3);
        let cases = waiting(4);
        let first = plan(
            AssignmentPolicy::RoundRobin,
            &cases,
            &idle(&experts),
            Some(experts[0]),
            NOW,
        );
        let order: Vec<Uuid> = first.iter().map(|a| a.expert_id).collect();
        assert_eq!(order, [experts[1], experts[2], experts[0], experts[1]]);
        let cases_in_order: Vec<Uuid> = first.iter().map(|a| a.case_id).collect();
        assert_eq!(
            cases_in_order,
            cases.iter().map(|c| c.id).collect::<Vec<_>>(),
            "oldest case first"
        );
    }

    #[test]
    fn round_robin_after_an_expert_who_went_away_takes_the_next_one() {
        let experts = ids(3);
        let available = idle(&[experts[0], experts[2]]);
        let picked = plan(
            AssignmentPolicy::RoundRobin,
            &waiting(1),
            &available,
            Some(experts[1]),
            NOW,
        );
        assert_eq!(picked[0].expert_id, experts[2]);
    }

    #[test]
    fn least_busy_fills_up_the_emptiest_expert_first() {
        let experts = ids(2);
        let candidates = vec![
            Candidate {
                id: experts[0],
                open_assigned: 3,
                last_assigned_at: None,
            },
            Candidate {
                id: experts[1],
                open_assigned: 0,
                last_assigned_at: Some(NOW),
            },
        ];
        let picked = plan(
            AssignmentPolicy::LeastBusy,
            &waiting(5),
            &candidates,
            None,
            NOW,
        );
        let counts = per_expert(&picked);
        assert_eq!(counts[&experts[1]], 4, "3 to catch up, then they alternate");
        assert_eq!(counts[&experts[0]], 1);
    }

    #[test]
    fn least_busy_breaks_ties_by_who_waited_longest() {
        let experts = ids(2);
        let candidates = vec![
            Candidate {
                id: experts[0],
                open_assigned: 1,
                last_assigned_at: Some(NOW - Duration::minutes(1)),
            },
            Candidate {
                id: experts[1],
                open_assigned: 1,
                last_assigned_at: Some(NOW - Duration::minutes(5)),
            },
        ];
        let picked = plan(
            AssignmentPolicy::LeastBusy,
            &waiting(1),
            &candidates,
            None,
            NOW,
        );
        assert_eq!(picked[0].expert_id, experts[1]);
    }

    #[test]
    fn an_expired_case_is_not_handed_out() {
        let experts = ids(1);
        let mut cases = waiting(2);
        cases[0].expires_at = NOW;
        let picked = plan(
            AssignmentPolicy::RoundRobin,
            &cases,
            &idle(&experts),
            None,
            NOW,
        );
        assert_eq!(picked.len(), 1);
        assert_eq!(picked[0].case_id, cases[1].id);
    }

    #[test]
    fn many_cases_spread_evenly_under_both_policies() {
        let experts = ids(3);
        for policy in [AssignmentPolicy::RoundRobin, AssignmentPolicy::LeastBusy] {
            let picked = plan(policy, &waiting(30), &idle(&experts), None, NOW);
            let counts = per_expert(&picked);
            assert_eq!(picked.len(), 30);
            assert!(
                experts.iter().all(|e| counts[e] == 10),
                "{policy:?}: {counts:?}"
            );
        }
    }
}
