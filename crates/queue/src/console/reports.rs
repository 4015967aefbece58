//! The SLA reports page (admins): per group and per expert over a period of
//! whole UTC days, on the page and as CSV.

use std::sync::Arc;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use time::UtcOffset;

use super::language::current;
use super::page::{Layout, PageError, Signed, page};
use super::views::ReportRow;
use crate::api_error::ApiError;
use crate::reports::{MAX_REPORT_CASES, MAX_REPORT_DAYS, Period, PeriodError, Report};
use crate::state::AppState;

/// The period asked for: `YYYY-MM-DD` days, both included.
#[derive(Debug, Deserialize)]
pub struct PeriodParams {
    from: Option<String>,
    to: Option<String>,
}

#[derive(Template)]
#[template(path = "reports.html")]
struct ReportsPage {
    layout: Layout,
    from: String,
    to: String,
    /// What the tables show, for the period.
    intro: String,
    tables: [ReportTable; 2],
}

/// One table of the page: per group or per expert.
#[derive(Debug)]
struct ReportTable {
    id: &'static str,
    title: String,
    rows: Vec<ReportRow>,
}

/// The report the parameters ask for, as the cases stand now.
async fn report(state: &AppState, params: &PeriodParams) -> Result<Report, PageError> {
    let now = state.clock.now();
    let period = Period::parse(
        params.from.as_deref(),
        params.to.as_deref(),
        now.to_offset(UtcOffset::UTC).date(),
    )
    .map_err(|e| {
        let tr = current();
        let said = match &e {
            PeriodError::NotADate { value, .. } => {
                tr.t_with("page-error-period-date", "value", value)
            }
            PeriodError::Backwards { .. } => tr.t("page-error-period-backwards"),
            PeriodError::TooLong => tr.t_count("page-error-period-days", "days", MAX_REPORT_DAYS),
        };
        PageError::said(ApiError::bad_request(e.to_string()), said)
    })?;
    let cases = state
        .store
        .sla_cases(period.start(), period.end(), MAX_REPORT_CASES + 1)
        .await?;
    if cases.len() > MAX_REPORT_CASES as usize {
        return Err(PageError::said(
            ApiError::bad_request(format!(
                "the period holds more than {MAX_REPORT_CASES} cases; choose a shorter one"
            )),
            current().t_count(
                "page-error-period-too-long",
                "max",
                i64::from(MAX_REPORT_CASES),
            ),
        ));
    }
    Ok(Report::new(period, &cases, now))
}

pub async fn reports_page(
    State(state): State<Arc<AppState>>,
    signed: Signed,
    Query(params): Query<PeriodParams>,
) -> Result<Response, PageError> {
    signed.require_admin()?;
    let report = report(&state, &params).await?;
    let tr = current();
    page(&ReportsPage {
        layout: signed.layout(&state, "reports").await?,
        intro: tr.t_args(
            "reports-intro",
            &[
                ("from", report.period.from_text().as_str().into()),
                ("to", report.period.to_text().as_str().into()),
            ],
        ),
        from: report.period.from_text(),
        to: report.period.to_text(),
        tables: [
            ReportTable {
                id: "groups",
                title: tr.t("reports-per-group"),
                rows: report.groups.iter().map(ReportRow::new).collect(),
            },
            ReportTable {
                id: "experts",
                title: tr.t("reports-per-expert"),
                rows: report.experts.iter().map(ReportRow::new).collect(),
            },
        ],
    })
}

pub async fn reports_csv(
    State(state): State<Arc<AppState>>,
    signed: Signed,
    Query(params): Query<PeriodParams>,
) -> Result<Response, PageError> {
    signed.require_admin()?;
    let report = report(&state, &params).await?;
    let file = format!(
        "attachment; filename=\"lifeline-sla-{}-to-{}.csv\"",
        report.period.from_text(),
        report.period.to_text()
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, file),
        ],
        report.to_csv(),
    )
        .into_response())
}
