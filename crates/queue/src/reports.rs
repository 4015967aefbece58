//! SLA reports: over the cases created in a period, per group and per
//! expert, how many there were, how many expired, and the median and 90th
//! percentile of the time to assign, to first connection and to close. Pure
//! figuring over [`SlaCase`]s; the store reads them, the console shows them.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use time::{Date, Duration, OffsetDateTime, Time};
use uuid::Uuid;

use lifeline_protocol::CaseState;

use crate::store::SlaCase;

/// Most cases one report is figured from: a longer period is refused
/// rather than read into memory whole.
pub const MAX_REPORT_CASES: u32 = 100_000;

/// Longest period a report covers.
pub const MAX_REPORT_DAYS: i64 = 366;

/// Why a period cannot be reported on.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PeriodError {
    /// A date is not written `YYYY-MM-DD`.
    #[error("{field}: {value:?} is not a date written YYYY-MM-DD")]
    NotADate {
        /// Which field.
        field: &'static str,
        /// What was sent.
        value: String,
    },
    /// The period ends before it starts.
    #[error("to: the period ends ({to}) before it starts ({from})")]
    Backwards {
        /// First day.
        from: Date,
        /// Last day.
        to: Date,
    },
    /// The period is longer than [`MAX_REPORT_DAYS`].
    #[error("the period is longer than {MAX_REPORT_DAYS} days; choose a shorter one")]
    TooLong,
}

/// Whole days in UTC, first and last included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    /// The first day.
    pub from: Date,
    /// The last day.
    pub to: Date,
}

impl Period {
    /// The period the dates name (`YYYY-MM-DD`, UTC); a missing end is
    /// `today`, a missing start the week ending then.
    pub fn parse(from: Option<&str>, to: Option<&str>, today: Date) -> Result<Self, PeriodError> {
        let date = |field: &'static str, value: &str| {
            Date::parse(value.trim(), DATE_FORMAT).map_err(|_| PeriodError::NotADate {
                field,
                value: value.to_string(),
            })
        };
        let to = match to.filter(|t| !t.trim().is_empty()) {
            Some(value) => date("to", value)?,
            None => today,
        };
        let from = match from.filter(|f| !f.trim().is_empty()) {
            Some(value) => date("from", value)?,
            None => to.saturating_sub(Duration::days(6)),
        };
        if to < from {
            return Err(PeriodError::Backwards { from, to });
        }
        if (to - from).whole_days() >= MAX_REPORT_DAYS {
            return Err(PeriodError::TooLong);
        }
        Ok(Self { from, to })
    }

    /// The first instant of the period.
    pub fn start(self) -> OffsetDateTime {
        self.from.with_time(Time::MIDNIGHT).assume_utc()
    }

    /// The first instant after the period.
    pub fn end(self) -> OffsetDateTime {
        self.to.with_time(Time::MIDNIGHT).assume_utc() + Duration::DAY
    }

    /// The first day, written `YYYY-MM-DD`.
    pub fn from_text(self) -> String {
        day_text(self.from)
    }

    /// The last day, written `YYYY-MM-DD`.
    pub fn to_text(self) -> String {
        day_text(self.to)
    }
}

const DATE_FORMAT: &[time::format_description::FormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]");

fn day_text(day: Date) -> String {
    day.format(DATE_FORMAT).unwrap_or_default()
}

/// The median and 90th percentile of some times, and how many there were.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Spread {
    /// How many cases reached the milestone.
    pub count: usize,
    /// Their median time (nearest rank); `None` when none did.
    pub median: Option<Duration>,
    /// Their 90th percentile time (nearest rank); `None` when none did.
    pub p90: Option<Duration>,
}

impl Spread {
    fn of(mut times: Vec<Duration>) -> Self {
        times.sort_unstable();
        Self {
            count: times.len(),
            median: nearest_rank(&times, 50),
            p90: nearest_rank(&times, 90),
        }
    }
}

/// The `percent`th percentile of sorted `times` by the nearest-rank method:
/// the smallest time that at least `percent`% of them do not exceed.
fn nearest_rank(times: &[Duration], percent: usize) -> Option<Duration> {
    let rank = (times.len() * percent).div_ceil(100).max(1);
    times.get(rank - 1).copied()
}

/// The figures of one group or expert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figures {
    /// Whose: the group's or expert's name.
    pub name: String,
    /// Cases created in the period.
    pub cases: usize,
    /// Of those, how many expired (nobody closed them in time).
    pub expired: usize,
    /// Creation to first assignment.
    pub to_assign: Spread,
    /// Creation to the first time both sides were connected.
    pub to_first_connection: Spread,
    /// Creation to close.
    pub to_close: Spread,
}

/// A report over a period: figures per group and per expert, by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The period.
    pub period: Period,
    /// Per group, every group with a case in the period.
    pub groups: Vec<Figures>,
    /// Per expert the cases are assigned to (unassigned cases count only for their group).
    pub experts: Vec<Figures>,
}

#[derive(Default)]
struct Tally {
    name: String,
    cases: usize,
    expired: usize,
    to_assign: Vec<Duration>,
    to_first_connection: Vec<Duration>,
    to_close: Vec<Duration>,
}

impl Tally {
    fn add(&mut self, case: &SlaCase, now: OffsetDateTime) {
        self.cases += 1;
        let since =
            |at: Option<OffsetDateTime>| at.map(|at| (at - case.created_at).max(Duration::ZERO));
        // An open case past its deadline has expired even before the sweep wrote it.
        let expired =
            case.state == CaseState::Expired || (!case.state.is_final() && case.expires_at <= now);
        if expired {
            self.expired += 1;
        }
        self.to_assign.extend(since(case.first_assigned_at));
        self.to_first_connection
            .extend(since(case.first_connected_at));
        if case.state == CaseState::Closed {
            self.to_close.extend(since(case.closed_at));
        }
    }

    fn figures(self) -> Figures {
        Figures {
            name: self.name,
            cases: self.cases,
            expired: self.expired,
            to_assign: Spread::of(self.to_assign),
            to_first_connection: Spread::of(self.to_first_connection),
            to_close: Spread::of(self.to_close),
        }
    }
}

impl Report {
    /// The report on `cases` (those created in `period`), as they stand at `now`.
    pub fn new(period: Period, cases: &[SlaCase], now: OffsetDateTime) -> Self {
        let mut groups: BTreeMap<Uuid, Tally> = BTreeMap::new();
        let mut experts: BTreeMap<Uuid, Tally> = BTreeMap::new();
        for case in cases {
            let group = groups.entry(case.group_id).or_default();
            group.name.clone_from(&case.group_name);
            group.add(case, now);
            if let Some((id, name)) = &case.assignee {
                let expert = experts.entry(*id).or_default();
                expert.name.clone_from(name);
                expert.add(case, now);
            }
        }
        let by_name = |tallies: BTreeMap<Uuid, Tally>| {
            let mut figures: Vec<Figures> = tallies.into_values().map(Tally::figures).collect();
            figures.sort_by(|a, b| a.name.cmp(&b.name));
            figures
        };
        Self {
            period,
            groups: by_name(groups),
            experts: by_name(experts),
        }
    }

    /// The report as CSV (RFC 4180, CRLF line ends), one row per group then
    /// per expert, times in whole seconds (empty when no case reached the
    /// milestone). Names are escaped against formula injection.
    pub fn to_csv(&self) -> String {
        let mut csv = String::from(
            "scope,name,cases,expired,assigned,assign_median_s,assign_p90_s,\
             connected,first_connection_median_s,first_connection_p90_s,\
             closed,close_median_s,close_p90_s\r\n",
        );
        let rows = self
            .groups
            .iter()
            .map(|f| ("group", f))
            .chain(self.experts.iter().map(|f| ("expert", f)));
        for (scope, f) in rows {
            let _ = write!(
                csv,
                "{scope},{},{},{}",
                csv_cell(&f.name),
                f.cases,
                f.expired
            );
            for spread in [&f.to_assign, &f.to_first_connection, &f.to_close] {
                let _ = write!(
                    csv,
                    ",{},{},{}",
                    spread.count,
                    seconds(spread.median),
                    seconds(spread.p90)
                );
            }
            csv.push_str("\r\n");
        }
        csv
    }
}

fn seconds(time: Option<Duration>) -> String {
    time.map(|t| t.whole_seconds().to_string())
        .unwrap_or_default()
}

/// A text cell for CSV: a value a spreadsheet would read as a formula
/// (starting with `=`, `+`, `-`, `@`, tab or carriage return) is prefixed
/// with `'` so it stays text; a cell with a comma, quote or line break is
/// quoted, its quotes doubled.
pub fn csv_cell(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_string()
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_take_the_nearest_rank() {
        let times: Vec<Duration> = (1..=10).map(Duration::seconds).collect();
        let spread = Spread::of(times.into_iter().rev().collect());
        assert_eq!(spread.count, 10);
        assert_eq!(spread.median, Some(Duration::seconds(5)));
        assert_eq!(spread.p90, Some(Duration::seconds(9)));
        let one = Spread::of(vec![Duration::seconds(7)]);
        assert_eq!(
            (one.median, one.p90),
            (Some(Duration::seconds(7)), Some(Duration::seconds(7)))
        );
        assert_eq!(Spread::of(Vec::new()), Spread::default());
    }

    #[test]
    fn cells_a_spreadsheet_would_run_stay_text() {
        assert_eq!(csv_cell("Front desk"), "Front desk");
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_cell("+1"), "'+1");
        assert_eq!(csv_cell("-2"), "'-2");
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("two\nlines"), "\"two\nlines\"");
    }

    #[test]
    fn periods_are_whole_utc_days_and_bad_ones_are_named() {
        let today = time::macros::date!(2026 - 12 - 01);
        let week = Period::parse(None, None, today).expect("default period");
        assert_eq!(week.from, time::macros::date!(2026 - 11 - 25));
        assert_eq!(week.end() - week.start(), Duration::days(7));
        assert_eq!(
            Period::parse(Some("yesterday"), None, today),
            Err(PeriodError::NotADate {
                field: "from",
                value: "yesterday".into()
            })
        );
        assert!(matches!(
            Period::parse(Some("2026-12-02"), Some("2026-12-01"), today),
            Err(PeriodError::Backwards { .. })
        ));
        assert_eq!(
            Period::parse(Some("2024-01-01"), Some("2026-12-01"), today),
            Err(PeriodError::TooLong)
        );
    }
}
