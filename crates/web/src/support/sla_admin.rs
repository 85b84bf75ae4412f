//! Calendars and SLA plans in the back office (`/crm/sla`, SUP-3): every member of staff reads
//! them; administrators change what a plan promises per class, the windows and time zone of a
//! business calendar, and the days of a holiday calendar. A preview shows the deadlines a
//! request registered now would get.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kabinet_app::support::calendars;
use kabinet_app::support::plans::{self, PlanWithTerms};
use kabinet_app::support::views::{BusinessCalendar, HolidayCalendar, HolidayDay};
use kabinet_app::{App, AppError};
use kabinet_core::ErrorCode;
use kabinet_core::access::{Permission, allows};
use kabinet_core::support::RequestClass;

use super::sla_forms::{CalendarForm, HolidayForm, PlanForm, TermsForm};
use crate::error::{WebError, WebResult};
use crate::extract::{Ctx, FormData};
use crate::form::{FormState, with_status};
use crate::http::path_id;
use crate::pages::Chrome;

/// A plan's terms for one class, with the deadlines a request registered now would get.
pub struct TermsRow {
    pub class: &'static str,
    pub calendar_id: i64,
    pub reaction_minutes: String,
    pub resolution_minutes: String,
    /// The deadlines a request registered now would get (`None`: by agreement).
    pub reaction_due: Option<chrono::DateTime<chrono::Utc>>,
    pub resolution_due: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Template, WebTemplate)]
#[template(path = "crm_sla.html")]
pub struct SlaPage {
    c: Chrome,
    can_edit: bool,
    plans: Vec<(PlanWithTerms, Vec<TermsRow>)>,
    calendars: Vec<BusinessCalendar>,
    holidays: Vec<(HolidayCalendar, Vec<HolidayDay>)>,
    calendar_options: Vec<(String, String)>,
    holiday_options: Vec<(String, String)>,
    /// The form that failed, if any: its id and state.
    failed: Option<(String, FormState)>,
    /// Holiday calendars in use whose days end within the warning horizon.
    running_out: Vec<String>,
}

impl SlaPage {
    /// The state of the form `id`: what was typed and what was wrong, if it is the one that
    /// failed.
    pub fn form(&self, id: &str, fallback: FormState) -> FormState {
        match &self.failed {
            Some((failed, f)) if failed == id => f.clone(),
            _ => fallback,
        }
    }
}

fn minutes(m: Option<i32>) -> String {
    m.map(|m| m.to_string()).unwrap_or_default()
}

async fn render(app: &App, ctx: &Ctx, flash: Option<&str>, failed: Option<(String, FormState)>) -> WebResult<Response> {
    let who = ctx.user()?;
    let c = Chrome::new(&ctx.0, "/crm/sla", &app.config.display_time_zone).with_flash(flash);
    let now = chrono::Utc::now();
    let mut plans_shown = Vec::new();
    for p in plans::list(app).await? {
        let mut rows = Vec::new();
        for t in &p.terms {
            let class: RequestClass = t.request_class.parse().unwrap_or(RequestClass::Typical);
            let (reaction_due, resolution_due) = plans::deadlines_if_opened(app, &p.plan.code, class, now).await?;
            rows.push(TermsRow {
                class: class.as_str(),
                calendar_id: t.business_calendar_id,
                reaction_minutes: minutes(t.reaction_minutes),
                resolution_minutes: minutes(t.resolution_minutes),
                reaction_due,
                resolution_due,
            });
        }
        plans_shown.push((p, rows));
    }
    let calendars = calendars::list(app).await?;
    let holidays = calendars::holiday_calendars(app).await?;
    let running_out = calendars::running_out(app, chrono::Utc::now().date_naive()).await?;
    let failed_status = failed.is_some();
    let page = SlaPage {
        can_edit: allows(Some(who.role), Permission::SlaManage),
        plans: plans_shown,
        calendar_options: calendars
            .iter()
            .map(|k| (k.id.to_string(), c.seeded("business-calendar", &k.code, &k.name)))
            .collect(),
        calendars,
        holiday_options: std::iter::once((String::new(), c.t("sla-no-holidays")))
            .chain(
                holidays
                    .iter()
                    .map(|(h, _)| (h.id.to_string(), c.seeded("holiday-calendar", &h.code, &h.name))),
            )
            .collect(),
        holidays,
        failed,
        running_out,
        c,
    };
    Ok(if failed_status {
        with_status(StatusCode::UNPROCESSABLE_ENTITY, page)
    } else {
        page.into_response()
    })
}

/// `GET /crm/sla`.
pub async fn page(State(app): State<App>, ctx: Ctx, RawQuery(raw): RawQuery) -> WebResult<Response> {
    let ok = form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
        .find(|(k, _)| k == "ok")
        .map(|(_, v)| v.into_owned());
    render(&app, &ctx, ok.as_deref(), None).await
}

/// Back to the page, or the page again with the failed form's problems.
async fn after<T>(
    app: &App,
    ctx: &Ctx,
    form_id: String,
    form: &FormData,
    result: Result<T, AppError>,
) -> WebResult<Response> {
    match result {
        Ok(_) => Ok(Redirect::to("/crm/sla?ok=sla-saved").into_response()),
        Err(e @ (AppError::Validation(_) | AppError::Refused(_))) => {
            let f = super::pages::again(ctx, form, e, false)?;
            render(app, ctx, None, Some((form_id, f))).await
        }
        Err(e) => Err(WebError::App(e)),
    }
}

/// `POST /crm/sla/plans/{id}/terms`.
pub async fn update_terms(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> WebResult<Response> {
    let plan_id = path_id(&id)?;
    let typed: TermsForm = form.typed()?;
    let class: RequestClass = typed
        .class()
        .parse()
        .map_err(|_| WebError::BadRequest(ErrorCode::BadRequest))?;
    let form_id = format!("terms-{plan_id}-{}", class.as_str());
    let result = match typed.checked() {
        Ok(terms) => {
            plans::update_terms(
                &app,
                &ctx.actor()?,
                plan_id,
                class,
                terms.calendar_id,
                terms.reaction_minutes,
                terms.resolution_minutes,
            )
            .await
        }
        Err(e) => Err(e),
    };
    after(&app, &ctx, form_id, &form, result).await
}

/// `POST /crm/sla/plans`: a new plan, starting with the default plan's terms.
pub async fn create_plan(State(app): State<App>, ctx: Ctx, form: FormData) -> WebResult<Response> {
    let plan: PlanForm = form.typed()?;
    let result = plans::create(&app, &ctx.actor()?, &plan.code, &plan.name, &plan.description).await;
    after(&app, &ctx, "new-plan".into(), &form, result).await
}

/// `POST /crm/sla/calendars`: a new business calendar.
pub async fn create_calendar(State(app): State<App>, ctx: Ctx, form: FormData) -> WebResult<Response> {
    let result = match form.typed::<CalendarForm>()?.checked_new() {
        Ok(new) => calendars::create(&app, &ctx.actor()?, &new.code, new.edit, new.holiday_calendar_id).await,
        Err(e) => Err(e),
    };
    after(&app, &ctx, "new-calendar".into(), &form, result).await
}

/// `POST /crm/sla/calendars/{id}`.
pub async fn update_calendar(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> WebResult<Response> {
    let id = path_id(&id)?;
    let edit = form.typed::<CalendarForm>()?.edit();
    let result = calendars::update(&app, &ctx.actor()?, id, edit).await;
    after(&app, &ctx, format!("calendar-{id}"), &form, result).await
}

/// `POST /crm/sla/holidays/{id}/days`.
pub async fn set_day(State(app): State<App>, ctx: Ctx, Path(id): Path<String>, form: FormData) -> WebResult<Response> {
    let id = path_id(&id)?;
    let day: HolidayForm = form.typed()?;
    let result = calendars::set_day(&app, &ctx.actor()?, id, &day.day, &day.kind, &day.note).await;
    after(&app, &ctx, format!("holiday-{id}"), &form, result).await
}

/// `POST /crm/sla/holidays/{id}/days/{day}/delete`.
pub async fn remove_day(
    State(app): State<App>,
    ctx: Ctx,
    Path((id, day)): Path<(String, String)>,
) -> WebResult<Response> {
    calendars::remove_day(&app, &ctx.actor()?, path_id(&id)?, path_id(&day)?).await?;
    Ok(Redirect::to("/crm/sla?ok=sla-saved").into_response())
}

/// `POST /crm/sla/holidays/{id}/import`: a published production calendar file (iCalendar, CSV
/// or XML) into a holiday calendar.
pub async fn import_days(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    upload: crate::extract::UploadForm,
) -> WebResult<Response> {
    let id = path_id(&id)?;
    let form_id = format!("import-{id}");
    let result = async {
        let file = upload
            .files
            .first()
            .ok_or_else(|| kabinet_app::FieldErrors::single("file", "text-empty"))?;
        let days = calendars::read_calendar_file(&file.file_name, &file.bytes)?;
        calendars::import_days(
            &app,
            &ctx.actor().map_err(|_| AppError::Unauthorized)?,
            id,
            &file.file_name,
            &days,
        )
        .await
    }
    .await;
    match result {
        Ok(_) => Ok(Redirect::to("/crm/sla?ok=sla-calendar-imported").into_response()),
        Err(e) => after(&app, &ctx, form_id, &upload.fields, Err::<(), _>(e)).await,
    }
}
