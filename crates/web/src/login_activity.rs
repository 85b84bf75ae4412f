//! Cabinet login activity for a chosen period as a chart with the count of active days: the
//! cabinet's own page (CAB-3) and the "statistics" tab of the customer card (CRM-3) show the
//! same block, `login_activity.html`.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use kabinet_app::App;
use kabinet_app::access::history;
use kabinet_core::activity::Period;
use serde::Deserialize;

use crate::charts::BarChart;
use crate::error::WebResult;
use crate::extract::{Ctx, QueryParams as Query};
use crate::pages::Chrome;

/// The period typed into the form; both ends as `YYYY-MM-DD`.
#[derive(Deserialize, Default)]
pub struct PeriodQuery {
    pub from: Option<String>,
    pub to: Option<String>,
}

/// What the period form shows when nothing was chosen: the last 30 days.
const DEFAULT_DAYS: i32 = 30;

/// The block as rendered: the period, the figures, the chart and, when the typed period was
/// refused, why (the default period is shown instead).
pub struct ActivityView {
    pub from: String,
    pub to: String,
    pub active_days: usize,
    pub logins: u32,
    pub chart: BarChart,
    pub error: Option<String>,
    /// Where the period form is sent.
    pub action: String,
}

fn parse_date(s: &Option<String>) -> Option<Result<jiff::civil::Date, ()>> {
    let s = s.as_deref().map(str::trim).filter(|s| !s.is_empty())?;
    Some(s.parse::<jiff::civil::Date>().map_err(|_| ()))
}

/// The period asked for, or the default one with the reason the asked one was refused.
fn chosen_period(q: &PeriodQuery, today: jiff::civil::Date) -> (Period, Option<&'static str>) {
    let default = Period::last_days(today, DEFAULT_DAYS);
    match (parse_date(&q.from), parse_date(&q.to)) {
        (None, None) => (default, None),
        (Some(Err(())), _) | (_, Some(Err(()))) => (default, Some("period-bad-date")),
        (from, to) => {
            let to = to.and_then(Result::ok).unwrap_or(today);
            let from = from
                .and_then(Result::ok)
                .unwrap_or_else(|| Period::last_days(to, DEFAULT_DAYS).from());
            match Period::new(from, to) {
                Ok(p) => (p, None),
                Err(e) => (default, Some(e.code())),
            }
        }
    }
}

/// The block for `customer_id`, whose visibility the caller has already checked.
pub async fn view(app: &App, c: &Chrome, customer_id: i64, q: &PeriodQuery, action: &str) -> WebResult<ActivityView> {
    let tz = jiff::tz::TimeZone::get(&app.config.display_time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
    let today = jiff::Timestamp::now().to_zoned(tz).date();
    let (period, error) = chosen_period(q, today);
    let found = history::of_customer(app, customer_id, &period, &app.config.display_time_zone).await?;
    let points: Vec<(String, u32)> = found.days.iter().map(|d| (d.date.to_string(), d.logins)).collect();
    Ok(ActivityView {
        from: period.from().to_string(),
        to: period.to().to_string(),
        active_days: found.active_days,
        logins: found.logins,
        chart: BarChart::new(&points),
        error: error.map(|code| c.t(code)),
        action: action.to_owned(),
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "activity.html")]
pub struct ActivityPage {
    c: Chrome,
    activity: ActivityView,
}

/// The cabinet's page: sign-ins of every login of the caller's customer.
pub async fn cabinet_page(State(app): State<App>, ctx: Ctx, Query(q): Query<PeriodQuery>) -> WebResult<Response> {
    let who = ctx.user()?;
    let customer_id = who.customer_id.ok_or(kabinet_app::AppError::NotFound)?;
    let c = Chrome::new(&ctx.0, "/activity", &app.config.display_time_zone);
    let activity = view(&app, &c, customer_id, &q, "/activity").await?;
    Ok(ActivityPage { c, activity }.into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn q(from: &str, to: &str) -> PeriodQuery {
        PeriodQuery {
            from: Some(from.into()),
            to: Some(to.into()),
        }
    }

    #[test]
    fn the_default_is_the_last_thirty_days() {
        let (p, err) = chosen_period(&PeriodQuery::default(), date(2026, 11, 24));
        assert_eq!((p.from(), p.to(), err), (date(2026, 10, 26), date(2026, 11, 24), None));
    }

    #[test]
    fn a_typed_period_is_used_and_a_bad_one_explained() {
        let today = date(2026, 11, 24);
        let (p, err) = chosen_period(&q("2022-04-07", "2022-04-21"), today);
        assert_eq!((p.from(), p.to(), err), (date(2022, 4, 7), date(2022, 4, 21), None));
        assert_eq!(chosen_period(&q("07.04.2022", ""), today).1, Some("period-bad-date"));
        assert_eq!(
            chosen_period(&q("2022-04-21", "2022-04-07"), today).1,
            Some("period-reversed")
        );
        assert_eq!(
            chosen_period(&q("2020-01-01", "2022-04-07"), today).1,
            Some("period-too-long")
        );
        let (p, _) = chosen_period(&q("", "2026-01-31"), today);
        assert_eq!(p.from(), date(2026, 1, 2));
    }
}
