//! The operator's tariffs and options in the back office (ORD-1): what customers may order for
//! their lines, with the monthly fee; staff who give lines out add offers and take them off
//! sale (lines that have one keep it).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kabinet_app::App;
use kabinet_app::lines::catalogue::{self, NewOffer, Shelf};
use kabinet_app::lines::views::Offer;
use kabinet_core::access::Permission;

use crate::error::{WebError, WebResult};
use crate::extract::{Ctx, FormData};
use crate::form::{FormState, refused, with_status};
use crate::http::path_id;
use crate::pages::{Chrome, ListQuery};

#[derive(Template, WebTemplate)]
#[template(path = "crm_line_offers.html")]
pub struct OffersPage {
    c: Chrome,
    tariffs: Vec<Offer>,
    options: Vec<Offer>,
    may_administer: bool,
    tariff_form: FormState,
    option_form: FormState,
    tariff_choices: Vec<(String, String)>,
}

impl OffersPage {
    /// The names of the tariffs an option is sold with ("every tariff" when none).
    fn sold_with(&self, o: &Offer) -> String {
        if o.only_on_tariffs.is_empty() {
            return self.c.t("offer-every-tariff");
        }
        self.tariffs
            .iter()
            .filter(|t| o.only_on_tariffs.contains(&t.id))
            .map(|t| t.name.clone())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn shelf_of(typed: &str) -> Result<Shelf, WebError> {
    match typed {
        "tariffs" => Ok(Shelf::Tariffs),
        "options" => Ok(Shelf::Options),
        _ => Err(kabinet_app::AppError::NotFound.into()),
    }
}

async fn offers_page(
    app: &App,
    ctx: &Ctx,
    flash: Option<&str>,
    tariff_form: Option<FormState>,
    option_form: Option<FormState>,
) -> WebResult<OffersPage> {
    let who = ctx.user()?;
    let c = Chrome::new(&ctx.0, "/crm/line-offers", &app.config.display_time_zone).with_flash(flash);
    let tariffs = catalogue::offers(app, who, Shelf::Tariffs, true).await?;
    let options = catalogue::offers(app, who, Shelf::Options, true).await?;
    let fresh = || FormState::empty().with_value("currency", "RUB");
    Ok(OffersPage {
        tariff_choices: tariffs.iter().map(|t| (t.id.to_string(), t.name.clone())).collect(),
        may_administer: c.may(Permission::LinesAdminister),
        tariff_form: tariff_form.unwrap_or_else(fresh),
        option_form: option_form.unwrap_or_else(fresh),
        tariffs,
        options,
        c,
    })
}

pub async fn page(State(app): State<App>, ctx: Ctx, RawQuery(raw): RawQuery) -> WebResult<Response> {
    let q = ListQuery::parse(&raw.unwrap_or_default());
    Ok(offers_page(&app, &ctx, q.get("ok").as_deref(), None, None)
        .await?
        .into_response())
}

pub async fn add(State(app): State<App>, ctx: Ctx, Path(shelf): Path<String>, form: FormData) -> WebResult<Response> {
    let shelf = shelf_of(&shelf)?;
    let field = |name: &str| form.all(name).next().unwrap_or_default().to_owned();
    let mut tariffs = Vec::new();
    for t in form.all("only_on_tariffs") {
        match t.trim().parse::<i64>() {
            Ok(id) => tariffs.push(id),
            Err(_) => return Err(kabinet_app::FieldErrors::single("only_on_tariffs", "invalid-choice").into()),
        }
    }
    let new = NewOffer {
        code: field("code"),
        name: field("name"),
        monthly_fee: field("monthly_fee"),
        currency: field("currency"),
        description: field("description"),
        only_on_tariffs: tariffs,
    };
    match catalogue::add(&app, &ctx.actor()?, ctx.user()?, shelf, new, ctx.0.lang.code()).await {
        Ok(_) => Ok(Redirect::to("/crm/line-offers?ok=offer-added").into_response()),
        Err(e) => {
            let f = refused(&form, ctx.0.lang, e)?;
            let (t, o) = match shelf {
                Shelf::Tariffs => (Some(f), None),
                Shelf::Options => (None, Some(f)),
            };
            let page = offers_page(&app, &ctx, None, t, o).await?;
            Ok(with_status(StatusCode::UNPROCESSABLE_ENTITY, page))
        }
    }
}

pub async fn sale(
    State(app): State<App>,
    ctx: Ctx,
    Path((shelf, id)): Path<(String, String)>,
    form: FormData,
) -> WebResult<Response> {
    let shelf = shelf_of(&shelf)?;
    let on_sale = match form.required("on_sale")? {
        "true" => true,
        "false" => false,
        _ => return Err(kabinet_app::FieldErrors::single("on_sale", "invalid-choice").into()),
    };
    catalogue::set_on_sale(&app, &ctx.actor()?, ctx.user()?, shelf, path_id(&id)?, on_sale).await?;
    Ok(Redirect::to("/crm/line-offers?ok=offer-saved").into_response())
}
