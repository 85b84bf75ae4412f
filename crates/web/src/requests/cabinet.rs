//! The cabinet's requests: the list of the customer's requests with their states, and one
//! form per kind — the object and phone of SMS alerts, the contract and sum of a transfer,
//! the period of a recalculation — with the customer's data prefilled where it has it.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kabinet_app::requests::{self, NewRequest, ServiceRequest};
use kabinet_app::{App, AppError};
use kabinet_core::access::Permission;
use kabinet_core::requests::{RequestField, RequestKind};

use crate::error::WebResult;
use crate::extract::{Ctx, FormData, QueryParams as Query};
use crate::form::{FormState, field_errors, with_status};
use crate::pages::Chrome;

#[derive(Template, WebTemplate)]
#[template(path = "requests.html")]
pub struct RequestsPage {
    c: Chrome,
    items: Vec<ServiceRequest>,
    page: u64,
    pages: u64,
    /// The kinds the reader may ask for here (the SMS ones only with protected objects).
    kinds: Vec<RequestKind>,
    /// The kinds whose paper blank the reader may download (every reader may print them).
    blanks: Vec<RequestKind>,
}

/// The kinds offered in the cabinet: every kind with a blank; SMS alerts only to a customer
/// with protected objects. A new contact phone is filed by changing it in the profile.
async fn offered_kinds(app: &App, ctx: &Ctx) -> WebResult<Vec<RequestKind>> {
    let has_objects = !kabinet_app::monitoring::objects::own(app, ctx.user()?)
        .await?
        .is_empty();
    Ok(RequestKind::ALL
        .iter()
        .copied()
        .filter(|k| k.has_blank())
        .filter(|k| has_objects || !k.needs(RequestField::Object))
        .collect())
}

pub async fn list(State(app): State<App>, ctx: Ctx, Query(q): Query<crate::http::OkQuery>) -> WebResult<Response> {
    let c = Chrome::new(&ctx.0, "/requests", &app.config.display_time_zone).with_flash(q.ok.as_deref());
    let page = crate::paging::PageNumber::or_first(q.page);
    let found = requests::handling::own(&app, ctx.user()?, page, 20).await?;
    let blanks = offered_kinds(&app, &ctx).await?;
    let kinds = if c.may(Permission::CabinetRequests) {
        blanks.clone()
    } else {
        Vec::new()
    };
    Ok(RequestsPage {
        c,
        pages: found.pages(),
        page: found.page,
        items: found.items,
        kinds,
        blanks,
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "request_new.html")]
pub struct RequestFormPage {
    c: Chrome,
    kind: RequestKind,
    f: FormState,
    /// The customer's objects (id, name), for the SMS kinds.
    objects: Vec<(String, String)>,
}

impl RequestFormPage {
    fn needs(&self, field: &str) -> bool {
        let f = match field {
            "object_id" => RequestField::Object,
            "phone" => RequestField::Phone,
            "start_date" => RequestField::StartDate,
            "amount" => RequestField::Amount,
            "target_contract" => RequestField::TargetContract,
            "new_name" => RequestField::NewName,
            "period_from" => RequestField::PeriodFrom,
            _ => RequestField::PeriodTo,
        };
        self.kind.needs(f)
    }

    fn comment_required(&self) -> bool {
        self.kind.needs_comment()
    }
}

async fn form_page(app: &App, ctx: &Ctx, kind: RequestKind, f: FormState) -> WebResult<RequestFormPage> {
    let c = chrome(app, ctx);
    let objects = if kind.needs(RequestField::Object) {
        kabinet_app::monitoring::objects::own(app, ctx.user()?)
            .await?
            .into_iter()
            .map(|o| (o.id.to_string(), format!("{} — {}", o.name, o.address)))
            .collect()
    } else {
        Vec::new()
    };
    Ok(RequestFormPage { c, kind, f, objects })
}

fn chrome(app: &App, ctx: &Ctx) -> Chrome {
    Chrome::new(&ctx.0, "/requests", &app.config.display_time_zone)
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct FormQuery {
    kind: Option<String>,
    object: Option<String>,
}

/// `GET /requests/new?kind=…&object=…`: the kind's form, the phone, today's date and the
/// chosen object filled in.
pub async fn form(State(app): State<App>, ctx: Ctx, Query(q): Query<FormQuery>) -> WebResult<Response> {
    let kind: RequestKind = q
        .kind
        .as_deref()
        .and_then(|k| k.parse().ok())
        .filter(|k: &RequestKind| k.has_blank())
        .ok_or(AppError::NotFound)?;
    let who = ctx.user()?;
    let me = kabinet_app::access::users::get(&app, who.user_id).await?;
    let today = kabinet_app::billing::run::today_for(None, &chrome(&app, &ctx).time_zone);
    let f = FormState::empty()
        .with_value("kind", kind.as_str())
        .with_value("request_key", kabinet_app::lines::orders::new_request_key())
        .with_value("phone", me.phone.unwrap_or_default())
        .with_value("start_date", today.to_string())
        .with_value("object_id", q.object.unwrap_or_default());
    Ok(form_page(&app, &ctx, kind, f).await?.into_response())
}

/// The form as typed.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
struct RequestForm {
    kind: String,
    object_id: String,
    phone: String,
    start_date: String,
    amount: String,
    target_contract: String,
    new_name: String,
    period_from: String,
    period_to: String,
    comment: String,
    request_key: String,
}

/// `POST /requests`: files the request; its problems at their fields, the form kept as typed.
pub async fn file(State(app): State<App>, ctx: Ctx, form: FormData) -> WebResult<Response> {
    let typed: RequestForm = form.typed()?;
    let kind: Option<RequestKind> = typed.kind.parse().ok();
    let typed = NewRequest {
        kind: typed.kind,
        // Anything but an id is no object.
        object_id: typed.object_id.trim().parse().ok(),
        phone: typed.phone,
        start_date: typed.start_date,
        amount: typed.amount,
        amount_minor: None,
        target_contract: typed.target_contract,
        new_name: typed.new_name,
        period_from: typed.period_from,
        period_to: typed.period_to,
        comment: typed.comment,
        request_key: Some(typed.request_key).filter(|k| !k.is_empty()),
    };
    match requests::file(&app, &ctx.actor()?, ctx.user()?, &typed).await {
        Ok(r) => Ok(Redirect::to(&format!("/requests?ok=request-filed#request-{}", r.id)).into_response()),
        Err(e @ AppError::Validation(_)) => {
            let Some(kind) = kind else {
                return Err(e.into());
            };
            let f = FormState::from_data(&form).with_errors(ctx.0.lang, &field_errors(e)?);
            let page = form_page(&app, &ctx, kind, f).await?;
            Ok(with_status(StatusCode::UNPROCESSABLE_ENTITY, page))
        }
        Err(e) => Err(e.into()),
    }
}
