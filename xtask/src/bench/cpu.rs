//! Where the CPU went during a benchmark phase, from `/proc`, and the
//! conditions of a run (load average, date): on a shared two-core machine a
//! rate means little without them.

use std::process::Command;
use std::time::Duration;

/// Linux reports process CPU time in clock ticks of 1/100 s (USER_HZ is 100
/// on every architecture Linux runs this project on).
const TICKS_PER_SECOND: f64 = 100.0;

/// User + system time of a process, in ticks, from `/proc/<pid>/stat`;
/// `None` when it is gone.
pub fn process_ticks(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    parse_process_ticks(&stat)
}

fn parse_process_ticks(stat: &str) -> Option<u64> {
    // The command name (field 2) may hold spaces and parentheses: the fields
    // that follow start after its last `)`. utime and stime are fields 14, 15.
    let after_name = &stat[stat.rfind(')')? + 1..];
    let mut fields = after_name.split_whitespace().skip(11);
    let user: u64 = fields.next()?.parse().ok()?;
    let system: u64 = fields.next()?.parse().ok()?;
    Some(user + system)
}

/// User + system time of this process's children that have been waited
/// for (`cutime` + `cstime`), in ticks: read around one child's run, the
/// difference is that child's CPU time.
pub fn children_ticks() -> Option<u64> {
    parse_children_ticks(&std::fs::read_to_string("/proc/self/stat").ok()?)
}

fn parse_children_ticks(stat: &str) -> Option<u64> {
    // cutime and cstime are fields 16 and 17 (see `parse_process_ticks`).
    let after_name = &stat[stat.rfind(')')? + 1..];
    let mut fields = after_name.split_whitespace().skip(13);
    let user: u64 = fields.next()?.parse().ok()?;
    let system: u64 = fields.next()?.parse().ok()?;
    Some(user + system)
}

/// `ticks` of CPU time over `elapsed`, in cores.
pub fn cores(ticks: u64, elapsed: Duration) -> f64 {
    ticks as f64 / TICKS_PER_SECOND / elapsed.as_secs_f64().max(0.001)
}

/// Busy time of all the machine's CPUs together, in ticks, from `/proc/stat`.
pub fn machine_busy_ticks() -> Option<u64> {
    parse_machine_busy_ticks(&std::fs::read_to_string("/proc/stat").ok()?)
}

fn parse_machine_busy_ticks(stat: &str) -> Option<u64> {
    let line = stat.lines().find(|line| line.starts_with("cpu "))?;
    // user nice system idle iowait irq softirq steal (guest time is already
    // inside user and nice).
    let values: Vec<u64> = line
        .split_whitespace()
        .skip(1)
        .take(8)
        .map(|value| value.parse().ok())
        .collect::<Option<_>>()?;
    // Idle and iowait (the 4th and 5th) are not busy.
    let [user, nice, system, _, _, irq, softirq, steal] = values.try_into().ok()?;
    Some(user + nice + system + irq + softirq + steal)
}

/// The 1, 5 and 15 minute load averages, as `/proc/loadavg` has them.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|text| {
            text.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_else(|| "?".to_owned())
}

/// The date and time in UTC, from `date` (the xtask has no calendar code).
pub fn utc_now() -> String {
    Command::new("date")
        .args(["-u", "+%Y-%m-%d %H:%M UTC"])
        .output()
        .ok()
        .filter(|output| output.status.success())
        .map(|output| String::from_utf8_lossy(&output.stdout).trim().to_owned())
        .unwrap_or_else(|| "date unknown".to_owned())
}

/// The checked-out commit, with `+changes` when the work tree differs from it.
pub fn commit() -> String {
    let git = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .output()
            .ok()
            .filter(|output| output.status.success())
            .map(|output| String::from_utf8_lossy(&output.stdout).trim().to_owned())
    };
    let Some(head) = git(&["rev-parse", "--short", "HEAD"]) else {
        return "unknown".to_owned();
    };
    match git(&["status", "--porcelain", "--untracked-files=no"]) {
        Some(changes) if !changes.is_empty() => format!("{head}+changes"),
        _ => head,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn process_ticks_are_user_plus_system_after_the_command_name() {
        // Fields 14 and 15 are 700 and 55; the name holds a space and a `)`.
        let stat = "4242 (a b) c) S 1 4242 4242 0 -1 4194560 100 0 0 0 700 55 0 0 20 0 8 0";
        assert_eq!(parse_process_ticks(stat), Some(755));
        assert_eq!(parse_process_ticks("4242 (x) S 1"), None);
    }

    #[test]
    fn children_ticks_are_cutime_plus_cstime() {
        // Fields 16 and 17 are 30 and 4.
        let stat = "4242 (xtask) S 1 4242 4242 0 -1 4194560 100 0 0 0 700 55 30 4 20 0 8 0";
        assert_eq!(parse_children_ticks(stat), Some(34));
    }

    #[test]
    fn machine_ticks_count_idle_and_iowait_as_not_busy() {
        let stat = "cpu  100 5 20 800 50 3 2 1 0 0\ncpu0 50 2 10 400 25 1 1 0 0 0\n";
        assert_eq!(parse_machine_busy_ticks(stat), Some(131));
        assert_eq!(parse_machine_busy_ticks("intr 1 2 3\n"), None);
    }
}
