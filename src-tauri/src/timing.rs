//! Start-up milestones, for finding where a launch's time goes: with
//! `LIFELINE_REPORT_READY` set (`cargo xtask bench app` sets it), the app
//! prints them on stdout once the code is painted, after the ready line.

use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// The line's prefix, which the benchmark looks for.
pub const TIMINGS_PREFIX: &str = "lifeline: timings";

static START: OnceLock<Instant> = OnceLock::new();
static MARKS: Mutex<Vec<(&'static str, Duration)>> = Mutex::new(Vec::new());
static PAGE_MARKS: Mutex<Vec<(String, f64)>> = Mutex::new(Vec::new());

/// Starts the clock; called first thing in `main`.
pub fn start() {
    START.get_or_init(Instant::now);
}

/// Notes that `milestone` was reached now (only its first time counts).
pub fn mark(milestone: &'static str) {
    let Some(start) = START.get() else { return };
    let elapsed = start.elapsed();
    let mut marks = MARKS.lock().unwrap_or_else(|e| e.into_inner());
    if !marks.iter().any(|(name, _)| *name == milestone) {
        marks.push((milestone, elapsed));
    }
}

/// The page's own milestones, in milliseconds since its navigation started
/// (a clock of the web view's, not `main`'s).
pub fn page_marks(marks: std::collections::BTreeMap<String, f64>) {
    let mut sorted: Vec<(String, f64)> = marks.into_iter().collect();
    sorted.sort_by(|a, b| a.1.total_cmp(&b.1));
    *PAGE_MARKS.lock().unwrap_or_else(|e| e.into_inner()) = sorted;
}

/// `lifeline: timings (ms since main): setup 140, …; page (ms since
/// navigation): script 90, …`: every milestone so far, in the order reached.
pub fn line() -> String {
    let marks = MARKS.lock().unwrap_or_else(|e| e.into_inner());
    let mut sorted = marks.clone();
    sorted.sort_by_key(|(_, at)| *at);
    let parts: Vec<String> = sorted
        .iter()
        .map(|(name, at)| format!("{name} {}", at.as_millis()))
        .collect();
    let page = PAGE_MARKS.lock().unwrap_or_else(|e| e.into_inner());
    let mut line = format!("{TIMINGS_PREFIX} (ms since main): {}", parts.join(", "));
    if !page.is_empty() {
        let parts: Vec<String> = page
            .iter()
            .map(|(name, at)| format!("{name} {at:.0}"))
            .collect();
        line.push_str(&format!(
            "; page (ms since navigation): {}",
            parts.join(", ")
        ));
    }
    line
}
