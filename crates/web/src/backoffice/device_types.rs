//! "Device types" in the back office (AST-3, AST-4): the types the provider sells with
//! after-sales service — name, installation checklist, service period — and the price of
//! renewing each for one, two or three years in every currency. Prices are typed in the
//! reader's unit (toman for a Persian reader of rial).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kabinet_app::assets::device_types::{self, DeviceType, TypeInput, price_field};
use kabinet_app::{App, AppError, FieldErrors};
use kabinet_core::access::{Permission, allows};
use kabinet_core::assets::renewal::Term;
use kabinet_core::money::{Currency, DisplayUnit};
use serde::Deserialize;

use crate::error::WebResult;
use crate::extract::{Ctx, FormData, QueryParams as Query};
use crate::form::{FormState, refused, with_status};
use crate::http::{OkQuery, path_id};
use crate::pages::Chrome;

#[derive(Template, WebTemplate)]
#[template(path = "crm_device_types.html")]
pub struct ListPage {
    c: Chrome,
    types: Vec<DeviceType>,
    can_manage: bool,
}

impl ListPage {
    /// A type's price of `years` in `currency` as the reader reads it, or a dash.
    fn price(&self, t: &DeviceType, years: u8, currency: &Currency) -> String {
        t.price(years, *currency)
            .map(|m| self.c.money(&m.minor, &m.currency))
            .unwrap_or_else(|| "—".into())
    }
}

pub async fn list(State(app): State<App>, ctx: Ctx, Query(q): Query<OkQuery>) -> WebResult<Response> {
    let who = ctx.user()?;
    Ok(ListPage {
        c: Chrome::new(&ctx.0, "/crm/devices", &app.config.display_time_zone).with_flash(q.ok.as_deref()),
        types: device_types::list(&app, who).await?,
        can_manage: allows(Some(who.role), Permission::PlansManage),
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "crm_device_type.html")]
pub struct FormPage {
    c: Chrome,
    f: FormState,
    /// None for a new type.
    id: Option<i64>,
    /// The price fields: (field, label), currency by currency.
    price_fields: Vec<(String, String)>,
}

fn price_fields(c: &Chrome) -> Vec<(String, String)> {
    Currency::ALL
        .iter()
        .flat_map(|cur| {
            Term::ALL.into_iter().map(move |t| {
                let label = format!("{}, {}", c.tk("renewal-years-", &t.years()), c.unit_name(*cur));
                (price_field(*cur, t), label)
            })
        })
        .collect()
}

fn form_page(app: &App, ctx: &Ctx, id: Option<i64>, f: FormState) -> FormPage {
    let c = Chrome::new(&ctx.0, "/crm/devices", &app.config.display_time_zone);
    FormPage {
        price_fields: price_fields(&c),
        c,
        f,
        id,
    }
}

/// The form's values of a saved type, prices written as the reader types them.
fn filled(ctx: &Ctx, t: &DeviceType) -> FormState {
    let mut f = FormState::empty()
        .with_value("code", &t.code)
        .with_value("name", &t.name)
        .with_value("checklist", t.checklist.join("\n"))
        .with_value("service_months", t.service_months.to_string());
    for (term, money) in &t.prices {
        f = f.with_value(
            &price_field(money.currency, *term),
            crate::cabinet::billing::typed_text(ctx.0.lang, money.minor, money.currency),
        );
    }
    f
}

pub async fn new_form(State(app): State<App>, ctx: Ctx) -> WebResult<Response> {
    let f = FormState::empty().with_value("service_months", "12");
    Ok(form_page(&app, &ctx, None, f).into_response())
}

pub async fn edit_form(State(app): State<App>, ctx: Ctx, Path(id): Path<String>) -> WebResult<Response> {
    let id = path_id(&id)?;
    let t = device_types::get(&app, ctx.user()?, id).await?;
    Ok(form_page(&app, &ctx, Some(id), filled(&ctx, &t)).into_response())
}

/// The form as typed; prices are read in the reader's unit of each currency.
#[derive(Deserialize, Default)]
#[serde(default)]
struct TypeForm {
    code: String,
    name: String,
    checklist: String,
    service_months: String,
    #[serde(rename = "price_RUB_1")]
    rub_1: String,
    #[serde(rename = "price_RUB_2")]
    rub_2: String,
    #[serde(rename = "price_RUB_3")]
    rub_3: String,
    #[serde(rename = "price_IRR_1")]
    irr_1: String,
    #[serde(rename = "price_IRR_2")]
    irr_2: String,
    #[serde(rename = "price_IRR_3")]
    irr_3: String,
}

impl TypeForm {
    /// The input with every price read; a blank price is a term not sold. Every amount's
    /// problem is reported with the other fields' in one round by the use case.
    fn input(self, lang_code: &str) -> (TypeInput, FieldErrors) {
        let mut errors = FieldErrors::new();
        let typed = [
            (Currency::Rub, &self.rub_1, &self.rub_2, &self.rub_3),
            (Currency::Irr, &self.irr_1, &self.irr_2, &self.irr_3),
        ];
        let mut prices = Vec::new();
        for (currency, one, two, three) in typed {
            let unit = DisplayUnit::for_reader(currency, lang_code);
            for (term, text) in Term::ALL.into_iter().zip([one, two, three]) {
                let amount = if text.trim().is_empty() {
                    None
                } else {
                    match errors.amount(&price_field(currency, term), text, unit) {
                        Some(a) => Some(a),
                        // Reported below; kept out of the prices meanwhile.
                        None => continue,
                    }
                };
                prices.push((currency, term, amount));
            }
        }
        let input = TypeInput {
            code: self.code,
            name: self.name,
            checklist: self.checklist,
            service_months: self.service_months,
            prices,
        };
        (input, errors)
    }
}

/// Runs the use case after the prices were read: their problems and the other fields' come
/// back together.
async fn save(
    app: &App,
    actor: &kabinet_app::access::Actor,
    who: &kabinet_app::access::Identity,
    id: Option<i64>,
    (input, price_errors): (TypeInput, FieldErrors),
) -> Result<DeviceType, AppError> {
    let saved = match id {
        None => device_types::create(app, actor, who, &input).await,
        Some(id) => device_types::update(app, actor, who, id, &input).await,
    };
    match (saved, price_errors.is_empty()) {
        (Ok(t), true) => Ok(t),
        (Ok(_), false) => Err(AppError::Validation(price_errors)),
        (Err(AppError::Validation(mut fields)), _) => {
            fields.0.extend(price_errors.0);
            Err(AppError::Validation(fields))
        }
        (Err(e), _) => Err(e),
    }
}

pub async fn create(State(app): State<App>, ctx: Ctx, form: FormData) -> WebResult<Response> {
    answer(&app, &ctx, None, &form).await
}

pub async fn update(State(app): State<App>, ctx: Ctx, Path(id): Path<String>, form: FormData) -> WebResult<Response> {
    let id = path_id(&id)?;
    answer(&app, &ctx, Some(id), &form).await
}

async fn answer(app: &App, ctx: &Ctx, id: Option<i64>, form: &FormData) -> WebResult<Response> {
    let typed = form.typed::<TypeForm>()?.input(ctx.0.lang.code());
    match save(app, &ctx.actor()?, ctx.user()?, id, typed).await {
        Ok(_) => Ok(Redirect::to("/crm/device-types?ok=device-type-saved").into_response()),
        Err(e) => {
            let f = refused(form, ctx.0.lang, e)?;
            Ok(with_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                form_page(app, ctx, id, f),
            ))
        }
    }
}
