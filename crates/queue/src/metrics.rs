//! Prometheus metrics (`GET /metrics`).

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

use lifeline_protocol::{CaseState, Channel};

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ChannelLabel {
    channel: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StateLabel {
    state: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ReasonLabel {
    reason: &'static str,
}

/// Why a join by code failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JoinFailure {
    /// The code matches no case this caller may join.
    NoCase,
    /// Refused unlooked-at: the failed-join budget is spent.
    OverBudget,
}

impl JoinFailure {
    fn as_str(self) -> &'static str {
        match self {
            JoinFailure::NoCase => "no_case",
            JoinFailure::OverBudget => "over_budget",
        }
    }
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: u16,
}

type HistogramFamily = Family<RequestLabels, Histogram, fn() -> Histogram>;

fn request_histogram() -> Histogram {
    // 0.25 ms … ~4 s
    Histogram::new(exponential_buckets(0.000_25, 2.0, 15))
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct GroupLabel {
    group: String,
}

type SlaFamily = Family<GroupLabel, Histogram, fn() -> Histogram>;

fn sla_histogram() -> Histogram {
    // Seconds a customer waits: 5 s … 1 day.
    Histogram::new([
        5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 900.0, 1800.0, 3600.0, 7200.0, 14_400.0,
        28_800.0, 86_400.0,
    ])
}

/// What an SLA histogram times, from a case's creation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlaMeasure {
    /// To its first assignment.
    Assign,
    /// To the first time its session had both sides.
    FirstConnection,
    /// To its close (expired cases are not closed: they are not timed).
    Close,
}

/// What the store counts as its writes commit: cases entering each state,
/// and the SLA times of cases reaching a milestone. The store holds a handle,
/// so every way there is counted, whoever drove it, and a write that does not
/// commit counts nothing; a milestone is recorded once per case in the
/// database, so with several instances each case is timed by one of them.
#[derive(Debug, Clone)]
pub struct StateChanges {
    entered: Family<StateLabel, Counter>,
    to_assign: SlaFamily,
    to_first_connection: SlaFamily,
    to_close: SlaFamily,
}

impl Default for StateChanges {
    fn default() -> Self {
        Self {
            entered: Family::default(),
            to_assign: SlaFamily::new_with_constructor(sla_histogram),
            to_first_connection: SlaFamily::new_with_constructor(sla_histogram),
            to_close: SlaFamily::new_with_constructor(sla_histogram),
        }
    }
}

impl StateChanges {
    /// `count` cases entered `state`.
    pub fn entered(&self, state: CaseState, count: u64) {
        self.entered
            .get_or_create(&StateLabel {
                state: state.as_str(),
            })
            .inc_by(count);
    }

    /// A case of `group` reached `measure`'s milestone `seconds` after its creation.
    pub fn timed(&self, measure: SlaMeasure, group: &str, seconds: f64) {
        let family = match measure {
            SlaMeasure::Assign => &self.to_assign,
            SlaMeasure::FirstConnection => &self.to_first_connection,
            SlaMeasure::Close => &self.to_close,
        };
        family
            .get_or_create(&GroupLabel {
                group: group.to_string(),
            })
            .observe(seconds);
    }
}

/// The server's metrics and their registry.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    cases_created: Family<ChannelLabel, Counter>,
    state_changes: StateChanges,
    open_cases: Family<StateLabel, Gauge>,
    live_subscribers: Gauge,
    request_duration: HistogramFamily,
    failed_joins: Family<ReasonLabel, Counter>,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("lifeline");
        let cases_created = Family::<ChannelLabel, Counter>::default();
        let state_changes = StateChanges::default();
        let open_cases = Family::<StateLabel, Gauge>::default();
        let live_subscribers = Gauge::default();
        let request_duration = HistogramFamily::new_with_constructor(request_histogram);
        let failed_joins = Family::<ReasonLabel, Counter>::default();
        registry.register(
            "cases_created",
            "Cases created, by channel",
            cases_created.clone(),
        );
        registry.register(
            "case_state_changes",
            "Cases entering a state",
            state_changes.entered.clone(),
        );
        registry.register(
            "case_time_to_assign_seconds",
            "Time from a case's creation to its first assignment, by group",
            state_changes.to_assign.clone(),
        );
        registry.register(
            "case_time_to_first_connection_seconds",
            "Time from a case's creation to the first time expert and customer were both connected, by group",
            state_changes.to_first_connection.clone(),
        );
        registry.register(
            "case_time_to_close_seconds",
            "Time from a case's creation to its close (expired cases not included), by group",
            state_changes.to_close.clone(),
        );
        registry.register("open_cases", "Open cases, by state", open_cases.clone());
        registry.register(
            "live_subscribers",
            "Open event-stream subscriptions",
            live_subscribers.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "HTTP request latency, by matched route",
            request_duration.clone(),
        );
        registry.register(
            "failed_joins",
            "Joins by code that found no case to join, or were refused because too many had",
            failed_joins.clone(),
        );
        Self {
            registry,
            cases_created,
            state_changes,
            open_cases,
            live_subscribers,
            request_duration,
            failed_joins,
        }
    }
}

impl Metrics {
    /// A case was created through `channel`.
    pub fn case_created(&self, channel: Channel) {
        self.cases_created
            .get_or_create(&ChannelLabel {
                channel: channel.as_str(),
            })
            .inc();
    }

    /// The handle the store counts state changes with.
    pub fn state_changes(&self) -> StateChanges {
        self.state_changes.clone()
    }

    /// A join by code failed.
    pub fn join_failed(&self, why: JoinFailure) {
        self.failed_joins
            .get_or_create(&ReasonLabel {
                reason: why.as_str(),
            })
            .inc();
    }

    /// Records one HTTP request.
    pub fn request(&self, method: &str, route: &str, status: u16, seconds: f64) {
        self.request_duration
            .get_or_create(&RequestLabels {
                method: method.to_string(),
                route: route.to_string(),
                status,
            })
            .observe(seconds);
    }

    /// Renders the text exposition, after setting the gauges read at scrape time.
    pub fn render(
        &self,
        open_by_state: &[(CaseState, i64)],
        subscribers: usize,
    ) -> Result<String, std::fmt::Error> {
        for (state, count) in open_by_state {
            self.open_cases
                .get_or_create(&StateLabel {
                    state: state.as_str(),
                })
                .set(*count);
        }
        self.live_subscribers
            .set(i64::try_from(subscribers).unwrap_or(i64::MAX));
        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, &self.registry)?;
        Ok(text)
    }
}
