//! Cabinet login activity for a chosen period as a chart with the count of active days: the
//! cabinet's own page (CAB-3) and the "statistics" tab of the customer card (CRM-3) show the
//! same block, `login_activity.html`.

use askama::Template;
use askama_web::WebTemplate;
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use kabinet_app::App;
use kabinet_app::access::history;
use kabinet_core::activity::Period;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::charts::BarChart;
use crate::error::WebResult;
use crate::extract::{Ctx, QueryParams as Query};
use crate::pages::Chrome;

/// The period typed into the form or asked of the API; both ends as `YYYY-MM-DD`.
#[derive(Deserialize, Default, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeriodQuery {
    /// First day (default: 29 days before the last).
    pub from: Option<String>,
    /// Last day (default: today).
    pub to: Option<String>,
}

/// The field an unusable period is reported on.
const PERIOD_FIELD: &str = "from";

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

fn parse_date(s: &Option<String>) -> Option<Result<chrono::NaiveDate, ()>> {
    let s = s.as_deref().map(str::trim).filter(|s| !s.is_empty())?;
    Some(kabinet_core::dates::parse_day(s).ok_or(()))
}

/// The period asked for: both ends optional (the last 30 days up to `to`, or up to today), or
/// the code of what is wrong with it.
fn asked_period(q: &PeriodQuery, today: chrono::NaiveDate) -> Result<Period, &'static str> {
    match (parse_date(&q.from), parse_date(&q.to)) {
        (Some(Err(())), _) | (_, Some(Err(()))) => Err("activity-bad-date"),
        (from, to) => {
            let to = to.and_then(Result::ok).unwrap_or(today);
            let from = from
                .and_then(Result::ok)
                .unwrap_or_else(|| Period::last_days(to, DEFAULT_DAYS).from());
            Period::new(from, to).map_err(|e| e.code())
        }
    }
}

/// The period asked for, or the default one with the reason the asked one was refused.
fn chosen_period(q: &PeriodQuery, today: chrono::NaiveDate) -> (Period, Option<&'static str>) {
    match asked_period(q, today) {
        Ok(p) => (p, None),
        Err(code) => (Period::last_days(today, DEFAULT_DAYS), Some(code)),
    }
}

fn today(app: &App) -> chrono::NaiveDate {
    kabinet_core::time::local_date(
        &kabinet_core::time::zone_or_utc(&app.config.display_time_zone),
        chrono::Utc::now(),
    )
}

/// Sign-ins on one day.
#[derive(Serialize, ToSchema)]
pub struct ActivityDayDto {
    /// YYYY-MM-DD in the product's time zone.
    pub date: String,
    pub logins: u32,
}

/// Cabinet sign-ins of a customer's logins per day of a period.
#[derive(Serialize, ToSchema)]
pub struct ActivityDto {
    pub from: String,
    pub to: String,
    /// Days with at least one sign-in.
    pub active_days: usize,
    pub logins: u32,
    pub days: Vec<ActivityDayDto>,
}

/// The API's answer for `customer_id`, whose visibility the caller has already checked; a
/// period that cannot be shown is a validation error naming the field.
pub async fn api_answer(app: &App, customer_id: i64, q: &PeriodQuery) -> WebResult<Json<ActivityDto>> {
    let period = asked_period(q, today(app)).map_err(|code| kabinet_app::FieldErrors::single(PERIOD_FIELD, code))?;
    let found = history::of_customer(app, customer_id, &period, &app.config.display_time_zone).await?;
    Ok(Json(ActivityDto {
        from: period.from().to_string(),
        to: period.to().to_string(),
        active_days: found.active_days,
        logins: found.logins,
        days: found
            .days
            .iter()
            .map(|d| ActivityDayDto {
                date: d.date.to_string(),
                logins: d.logins,
            })
            .collect(),
    }))
}

/// The block for `customer_id`, whose visibility the caller has already checked.
pub async fn view(app: &App, c: &Chrome, customer_id: i64, q: &PeriodQuery, action: &str) -> WebResult<ActivityView> {
    let (period, error) = chosen_period(q, today(app));
    let found = history::of_customer(app, customer_id, &period, &app.config.display_time_zone).await?;
    let points: Vec<(String, u32)> = found.days.iter().map(|d| (d.date.to_string(), d.logins)).collect();
    Ok(ActivityView {
        from: period.from().to_string(),
        to: period.to().to_string(),
        active_days: found.active_days,
        logins: found.logins,
        chart: BarChart::new(&points),
        error: error.map(|code| c.t(&format!("err-{code}"))),
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
    use kabinet_core::time::date;

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
        assert_eq!(chosen_period(&q("07/04/2022", ""), today).1, Some("activity-bad-date"));
        // The Russian way and the Solar Hijri calendar are read too.
        let (p, _) = chosen_period(&q("07.04.2022", "1401/02/01"), today);
        assert_eq!((p.from(), p.to()), (date(2022, 4, 7), date(2022, 4, 21)));
        assert_eq!(
            chosen_period(&q("2022-04-21", "2022-04-07"), today).1,
            Some("activity-period-reversed")
        );
        assert_eq!(
            chosen_period(&q("2020-01-01", "2022-04-07"), today).1,
            Some("activity-period-too-long")
        );
        let (p, _) = chosen_period(&q("", "2026-01-31"), today);
        assert_eq!(p.from(), date(2026, 1, 2));
    }
}
