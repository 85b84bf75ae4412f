//! One line's page and its forms: the employee, status, spending limit, call forwarding,
//! labels and group, SIM replacement, the code of a joining number, and the line's history;
//! and the form that adds an employee.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kabinet_app::App;
use kabinet_app::billing::accounts;
use kabinet_app::i18n::Lang;
use kabinet_app::lines::employees::{self, Added, EmployeeInput, NewEmployee};
use kabinet_app::lines::groups::{self, BulkAction};
use kabinet_app::lines::register::{self, Selection};
use kabinet_app::lines::settings::{self, ForwardingInput};
use kabinet_app::lines::views::{ForwardingRule, LabelRef, Line, LineDetail, ReserveSim};
use kabinet_app::lines::{photos, sims};
use kabinet_app::{AppError, FieldErrors};
use kabinet_core::access::Permission;
use kabinet_core::assets::lines::{ForwardingCondition, LineStatus, NO_ANSWER_DELAYS};
use serde::Deserialize;

use super::prefix;
use crate::error::WebResult;
use crate::extract::{Ctx, FormData, QueryParams as Query, UploadForm};
use crate::form::{FormState, refused, with_status};
use crate::guard::FaceOf;
use crate::http::{OkQuery, path_id};
use crate::pages::Chrome;

/// One change in a line's history as its page shows it.
pub struct HistoryRow {
    pub at: chrono::DateTime<chrono::Utc>,
    pub action: String,
    pub actor: String,
    /// What changed, field by field, in the reader's words where there are some.
    pub details: String,
}

/// `changes` of an audit record as a short line: `field: before → after`, `field: value`.
fn details_of(lang: Lang, changes: &str) -> String {
    let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(changes) else {
        return String::new();
    };
    let word = |key: &str| {
        let k = format!("line-field-{}", key.replace('_', "-"));
        if lang.has(&k) { lang.t(&k) } else { key.to_owned() }
    };
    let value = |key: &str, v: &serde_json::Value| match v {
        serde_json::Value::Null => "—".to_owned(),
        serde_json::Value::String(s) if key == "status" => lang.t(&format!("line-status-{s}")),
        serde_json::Value::String(s) if key == "condition" => lang.t(&format!("forwarding-{}", s.replace('_', "-"))),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    map.iter()
        .map(|(k, v)| match (v.get("before"), v.get("after")) {
            (Some(b), Some(a)) => format!("{}: {} → {}", word(k), value(k, b), value(k, a)),
            _ => format!("{}: {}", word(k), value(k, v)),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

#[derive(Template, WebTemplate)]
#[template(path = "line.html")]
pub struct LinePage {
    c: Chrome,
    prefix: &'static str,
    l: Line,
    forwarding: Vec<ForwardingRule>,
    /// The options switched on, by name.
    options: Vec<String>,
    /// The orders that changed it, each with its result for this line.
    orders: Vec<(
        kabinet_app::lines::views::LineOrder,
        kabinet_app::lines::views::LineOrderItem,
    )>,
    history: Vec<HistoryRow>,
    /// The version of the employee's photo, if there is one.
    photo: Option<String>,
    labels: Vec<LabelRef>,
    reserve: Vec<ReserveSim>,
    forms: LineForms,
    /// The employee form (the customer's people who set lines up; staff who give lines).
    may_employee: bool,
    /// Status, limit and SIM.
    may_manage: bool,
    /// Forwarding and labels (the cabinet's).
    may_settings: bool,
    /// The group (the cabinet's coordinators).
    may_group: bool,
    conditions: Vec<(String, String)>,
    delays: Vec<(String, String)>,
    group_options: Vec<(String, String)>,
    unit_name: String,
}

impl LinePage {
    fn has_label(&self, id: &i64) -> bool {
        self.l.labels.iter().any(|l| l.id == *id)
    }

    /// The translation key of a forwarding condition's name.
    fn condition_key(&self, c: &ForwardingCondition) -> String {
        format!("forwarding-{}", c.as_str().replace('_', "-"))
    }

    /// The statuses this line may be moved to from the page.
    fn next_statuses(&self) -> Vec<LineStatus> {
        [LineStatus::Blocked, LineStatus::Suspended, LineStatus::Active]
            .into_iter()
            .filter(|s| self.l.status.can_become(*s) && self.l.status != LineStatus::Confirming)
            .collect()
    }
}

/// The forms of a line's page as typed, the one refused filled in.
#[derive(Default)]
pub(super) struct LineForms {
    pub employee: Option<FormState>,
    pub limit: Option<FormState>,
    pub forwarding: Option<FormState>,
    pub sim: Option<FormState>,
    pub personal_sim: Option<FormState>,
    pub code: Option<FormState>,
    pub photo: Option<FormState>,
    pub general: Option<FormState>,
}

async fn line_page(app: &App, ctx: &Ctx, id: i64, flash: Option<&str>, forms: LineForms) -> WebResult<LinePage> {
    let who = ctx.user()?;
    let LineDetail {
        line: l,
        forwarding,
        options,
        history,
        photo,
    } = register::get(app, who, id).await?;
    let orders = kabinet_app::lines::orders::of_line(app, who, id).await?;
    let crm = ctx.0.face == FaceOf::Crm;
    let nav = if crm { "/crm/customers" } else { "/lines" };
    let c = Chrome::new(&ctx.0, nav, &app.config.display_time_zone).with_flash(flash);
    let lang = ctx.0.lang;
    let customer = if crm { Some(l.customer_id) } else { None };
    let (groups_list, labels_list) = groups::choices(app, who, customer).await?;
    let employee = forms.employee.unwrap_or_else(|| {
        FormState::empty()
            .with_value("name", l.employee_name.clone().unwrap_or_default())
            .with_value("position", l.employee_position.clone().unwrap_or_default())
            .with_value("email", l.employee_email.clone().unwrap_or_default())
            .with_value("comment", l.employee_comment.clone().unwrap_or_default())
    });
    let limit_typed = l
        .spending_limit_minor
        .map(|m| c.typed(m, &l.currency))
        .unwrap_or_default();
    let may_manage = c.may(Permission::CabinetLinesManage) || (crm && c.may(Permission::LinesAdminister));
    Ok(LinePage {
        prefix: prefix(ctx),
        history: history
            .into_iter()
            .map(|r| HistoryRow {
                at: r.at,
                action: kabinet_app::audit::wording::action_key(&r.action)
                    .map(|k| lang.t(&k))
                    .unwrap_or_else(|| r.action.clone()),
                actor: r.actor,
                details: details_of(lang, &r.changes),
            })
            .collect(),
        forwarding,
        options,
        orders,
        photo,
        labels: labels_list,
        reserve: if may_manage {
            sims::reserve(app, who, customer).await?
        } else {
            Vec::new()
        },
        forms: LineForms {
            employee: Some(employee),
            limit: Some(
                forms
                    .limit
                    .unwrap_or_else(|| FormState::empty().with_value("limit", limit_typed.clone())),
            ),
            forwarding: Some(forms.forwarding.unwrap_or_else(|| {
                FormState::empty()
                    .with_value("condition", ForwardingCondition::Unconditional.as_str())
                    .with_value("delay_seconds", "20")
            })),
            sim: Some(forms.sim.unwrap_or_default()),
            personal_sim: Some(forms.personal_sim.unwrap_or_default()),
            code: Some(forms.code.unwrap_or_default()),
            photo: Some(forms.photo.unwrap_or_default()),
            general: forms.general,
        },
        may_employee: c.may(Permission::CabinetLineSettings) || (crm && c.may(Permission::LinesAdminister)),
        may_manage,
        may_settings: !crm && c.may(Permission::CabinetLineSettings),
        may_group: !crm && c.may(Permission::CabinetLinesManage),
        conditions: ForwardingCondition::ALL
            .iter()
            .map(|k| {
                (
                    k.as_str().to_owned(),
                    lang.t(&format!("forwarding-{}", k.as_str().replace('_', "-"))),
                )
            })
            .collect(),
        delays: NO_ANSWER_DELAYS
            .iter()
            .map(|d| (d.to_string(), c.t1("forwarding-delay-seconds", "seconds", c.n(d))))
            .collect(),
        group_options: std::iter::once((String::new(), c.t("lines-no-group")))
            .chain(groups_list.iter().map(|g| (g.id.to_string(), g.name.clone())))
            .collect(),
        unit_name: c.unit_name(l.currency),
        l,
        c,
    })
}

pub async fn page(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<OkQuery>,
) -> WebResult<Response> {
    let id = path_id(&id)?;
    Ok(line_page(&app, &ctx, id, q.ok.as_deref(), LineForms::default())
        .await?
        .into_response())
}

/// Back to the line's page with `flash`, or its page again with the refused form as typed.
async fn answer(
    app: &App,
    ctx: &Ctx,
    id: i64,
    form: &FormData,
    result: Result<(), AppError>,
    flash: &str,
    which: fn(&mut LineForms) -> &mut Option<FormState>,
) -> WebResult<Response> {
    match result {
        Ok(()) => Ok(Redirect::to(&format!("{}/lines/{id}?ok={flash}", prefix(ctx))).into_response()),
        Err(e @ AppError::Validation(_)) => {
            let mut forms = LineForms::default();
            *which(&mut forms) = Some(refused(form, ctx.0.lang, e)?);
            let page = line_page(app, ctx, id, None, forms).await?;
            Ok(with_status(StatusCode::UNPROCESSABLE_ENTITY, page))
        }
        Err(e @ AppError::Conflict(_)) => {
            // Not about a field: the refusal above the page, the page as it is now.
            let info = crate::error::WebError::App(e).info();
            let forms = LineForms {
                general: Some(FormState::empty().with_general(crate::error::message(ctx.0.lang, &info))),
                ..Default::default()
            };
            let page = line_page(app, ctx, id, None, forms).await?;
            Ok(with_status(StatusCode::CONFLICT, page))
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn employee(State(app): State<App>, ctx: Ctx, Path(id): Path<String>, form: FormData) -> WebResult<Response> {
    let id = path_id(&id)?;
    let input = form.typed::<EmployeeInput>()?;
    let result = employees::update(&app, &ctx.actor()?, ctx.user()?, id, &input)
        .await
        .map(drop);
    answer(&app, &ctx, id, &form, result, "line-saved", |f| &mut f.employee).await
}

/// `POST …/lines/{id}/photo`: the employee's photo from the file sent.
pub async fn set_photo(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    upload: UploadForm,
) -> WebResult<Response> {
    let id = path_id(&id)?;
    let bytes = upload.files.into_iter().next().map(|f| f.bytes).unwrap_or_default();
    match photos::set(&app, &ctx.actor()?, ctx.user()?, id, bytes).await {
        Ok(_) => Ok(Redirect::to(&format!("{}/lines/{id}?ok=line-photo-saved", prefix(&ctx))).into_response()),
        Err(AppError::Validation(errors)) => {
            let forms = LineForms {
                photo: Some(FormState::empty().with_errors(ctx.0.lang, &errors)),
                ..Default::default()
            };
            let page = line_page(&app, &ctx, id, None, forms).await?;
            Ok(with_status(StatusCode::UNPROCESSABLE_ENTITY, page))
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST …/lines/{id}/photo/delete`.
pub async fn remove_photo(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> WebResult<Response> {
    let id = path_id(&id)?;
    let result = photos::remove(&app, &ctx.actor()?, ctx.user()?, id).await;
    answer(&app, &ctx, id, &form, result, "line-photo-removed", |f| &mut f.photo).await
}

/// `GET …/lines/{id}/photo`: the employee's photo.
pub async fn photo(State(app): State<App>, ctx: Ctx, Path(id): Path<String>) -> WebResult<Response> {
    serve_photo(&app, &ctx, &id, photos::Size::Photo).await
}

/// `GET …/lines/{id}/photo/thumbnail`: its square thumbnail.
pub async fn thumbnail(State(app): State<App>, ctx: Ctx, Path(id): Path<String>) -> WebResult<Response> {
    serve_photo(&app, &ctx, &id, photos::Size::Thumbnail).await
}

async fn serve_photo(app: &App, ctx: &Ctx, id: &str, size: photos::Size) -> WebResult<Response> {
    let id = path_id(id)?;
    let (bytes, version) = photos::get(app, ctx.user()?, id, size).await?;
    Ok(crate::images::jpeg_response(bytes, &version.0))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct StatusForm {
    status: String,
}

pub async fn status(State(app): State<App>, ctx: Ctx, Path(id): Path<String>, form: FormData) -> WebResult<Response> {
    let id = path_id(&id)?;
    let typed = form.typed::<StatusForm>()?;
    let result = match typed.status.parse::<LineStatus>() {
        Ok(to) => settings::set_status(&app, &ctx.actor()?, ctx.user()?, id, to)
            .await
            .map(drop),
        Err(_) => Err(FieldErrors::single("status", "invalid-choice")),
    };
    answer(&app, &ctx, id, &form, result, "line-status-changed", |f| &mut f.general).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct LimitForm {
    limit: String,
}

pub async fn limit(State(app): State<App>, ctx: Ctx, Path(id): Path<String>, form: FormData) -> WebResult<Response> {
    let id = path_id(&id)?;
    let typed = form.typed::<LimitForm>()?;
    let who = ctx.user()?;
    let currency = register::get(&app, who, id).await?.line.currency;
    let unit = ctx.0.lang.input_unit(currency);
    let result = settings::set_limit(&app, &ctx.actor()?, who, id, &typed.limit, unit)
        .await
        .map(drop);
    answer(&app, &ctx, id, &form, result, "line-saved", |f| &mut f.limit).await
}

pub async fn forwarding(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> WebResult<Response> {
    let id = path_id(&id)?;
    let input = form.typed::<ForwardingInput>()?;
    let result = settings::set_forwarding(&app, &ctx.actor()?, ctx.user()?, id, &input).await;
    answer(&app, &ctx, id, &form, result, "line-saved", |f| &mut f.forwarding).await
}

pub async fn forwarding_off(
    State(app): State<App>,
    ctx: Ctx,
    Path((id, condition)): Path<(String, String)>,
    form: FormData,
) -> WebResult<Response> {
    let id = path_id(&id)?;
    let result = settings::clear_forwarding(&app, &ctx.actor()?, ctx.user()?, id, &condition).await;
    answer(&app, &ctx, id, &form, result, "line-saved", |f| &mut f.forwarding).await
}

pub async fn labels(State(app): State<App>, ctx: Ctx, Path(id): Path<String>, form: FormData) -> WebResult<Response> {
    let id = path_id(&id)?;
    let mut wanted = Vec::new();
    for v in form.all("label") {
        wanted.push(path_id(v)?);
    }
    let result = groups::set_labels(&app, &ctx.actor()?, ctx.user()?, id, &wanted).await;
    answer(&app, &ctx, id, &form, result, "line-saved", |f| &mut f.general).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct GroupForm {
    group: String,
}

pub async fn group(State(app): State<App>, ctx: Ctx, Path(id): Path<String>, form: FormData) -> WebResult<Response> {
    let id = path_id(&id)?;
    let typed = form.typed::<GroupForm>()?;
    let group = match typed.group.trim() {
        "" => None,
        g => Some(path_id(g)?),
    };
    let result = groups::bulk(
        &app,
        &ctx.actor()?,
        ctx.user()?,
        &Selection::Lines(vec![id]),
        &BulkAction::Group(group),
    )
    .await
    .map(drop);
    answer(&app, &ctx, id, &form, result, "line-saved", |f| &mut f.general).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SimForm {
    icc: String,
}

pub async fn sim(State(app): State<App>, ctx: Ctx, Path(id): Path<String>, form: FormData) -> WebResult<Response> {
    let id = path_id(&id)?;
    let typed = form.typed::<SimForm>()?;
    let result = sims::replace(&app, &ctx.actor()?, ctx.user()?, id, &typed.icc)
        .await
        .map(drop);
    answer(&app, &ctx, id, &form, result, "line-sim-replaced", |f| &mut f.sim).await
}

/// `POST …/lines/{id}/personal-sim`: the line onto the employee's own SIM card.
pub async fn personal_sim(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> WebResult<Response> {
    let id = path_id(&id)?;
    let typed = form.typed::<sims::PersonalSim>()?;
    let result = sims::join_personal(&app, &ctx.actor()?, ctx.user()?, id, &typed)
        .await
        .map(drop);
    // The page never writes the PUK back into its field, refused or not.
    answer(&app, &ctx, id, &form, result, "line-sim-replaced", |f| {
        &mut f.personal_sim
    })
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CodeForm {
    code: String,
}

pub async fn confirm(State(app): State<App>, ctx: Ctx, Path(id): Path<String>, form: FormData) -> WebResult<Response> {
    let id = path_id(&id)?;
    let typed = form.typed::<CodeForm>()?;
    let result = employees::confirm(&app, &ctx.actor()?, ctx.user()?, id, &typed.code)
        .await
        .map(drop);
    answer(&app, &ctx, id, &form, result, "line-joined", |f| &mut f.code).await
}

pub async fn resend_code(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> WebResult<Response> {
    let id = path_id(&id)?;
    let result = employees::resend_code(&app, ctx.user()?, id).await;
    answer(&app, &ctx, id, &form, result, "line-code-sent", |f| &mut f.code).await
}

#[derive(Template, WebTemplate)]
#[template(path = "line_new.html")]
pub struct NewPage {
    c: Chrome,
    f: FormState,
    accounts: Vec<(String, String)>,
}

async fn new_page(app: &App, ctx: &Ctx, f: FormState) -> WebResult<NewPage> {
    let who = ctx.user()?;
    let customer_id = who.customer_id.ok_or(AppError::Forbidden)?;
    let own = accounts::of_customer(app, customer_id).await?;
    let f = if f.value("account_id").is_empty() {
        f.with_value("account_id", own.first().map(|a| a.id.to_string()).unwrap_or_default())
    } else {
        f
    };
    Ok(NewPage {
        c: Chrome::new(&ctx.0, "/lines", &app.config.display_time_zone),
        f,
        accounts: own
            .iter()
            .map(|a| (a.id.to_string(), format!("{} · {}", a.number, a.title)))
            .collect(),
    })
}

pub async fn new_form(State(app): State<App>, ctx: Ctx) -> WebResult<Response> {
    Ok(new_page(&app, &ctx, FormState::empty()).await?.into_response())
}

pub async fn add(State(app): State<App>, ctx: Ctx, form: FormData) -> WebResult<Response> {
    let input = form.typed::<NewEmployee>()?;
    match employees::add(&app, &ctx.actor()?, ctx.user()?, &input).await {
        Ok(Added::OnCompanyLine(id)) => {
            Ok(Redirect::to(&format!("/lines/{id}?ok=line-employee-added")).into_response())
        }
        Ok(Added::WaitingForCode(id)) => Ok(Redirect::to(&format!("/lines/{id}?ok=line-code-sent")).into_response()),
        Err(e) => {
            let f = refused(&form, ctx.0.lang, e)?;
            Ok(with_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                new_page(&app, &ctx, f).await?,
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_details_read_as_words() {
        let lang = Lang::En;
        let d = details_of(lang, r#"{"status":{"before":"active","after":"blocked"}}"#);
        assert!(d.contains("→"), "{d}");
        assert!(!d.contains("\"active\""), "{d}");
        assert_eq!(details_of(lang, "not json"), "");
        assert!(
            details_of(lang, r#"{"icc":{"before":null,"after":"8970101234567890123"}}"#)
                .contains("— → 8970101234567890123")
        );
    }
}
