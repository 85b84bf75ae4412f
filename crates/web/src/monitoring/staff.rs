//! Guarded property in the back office: a customer's protected objects with the form that
//! registers one, and an object's page — its details and its event log for a period.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kabinet_app::crm::views::Customer;
use kabinet_app::monitoring::objects::{self, NewObject};
use kabinet_app::monitoring::views::ProtectedObject;
use kabinet_app::{App, AppError};
use kabinet_core::access::Permission;
use kabinet_core::assets::monitoring::ObjectKind;

use super::cabinet::{EventsQuery, events_page};
use crate::error::WebResult;
use crate::extract::{Ctx, FormData, QueryParams as Query};
use crate::form::{FormState, field_errors, with_status};
use crate::http::{OkQuery, path_id};
use crate::pages::Chrome;

#[derive(Template, WebTemplate)]
#[template(path = "crm_objects.html")]
pub struct ObjectsPage {
    c: Chrome,
    customer: Customer,
    objects: Vec<ProtectedObject>,
    f: FormState,
    kinds: Vec<(String, String)>,
    can_manage: bool,
}

async fn objects_page(app: &App, ctx: &Ctx, id: i64, f: FormState, flash: Option<&str>) -> WebResult<ObjectsPage> {
    let who = ctx.user()?;
    let c = Chrome::new(&ctx.0, "/crm/customers", &app.config.display_time_zone).with_flash(flash);
    let kinds = ObjectKind::ALL
        .iter()
        .map(|k| (k.as_str().to_owned(), c.tk("object-kind-", k)))
        .collect();
    Ok(ObjectsPage {
        can_manage: c.may(Permission::ObjectsManage),
        customer: kabinet_app::customers::get_visible(app, who, id).await?,
        objects: objects::of_customer(app, who, id).await?,
        f,
        kinds,
        c,
    })
}

pub async fn of_customer(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<OkQuery>,
) -> WebResult<Response> {
    let blank = FormState::empty()
        .with_value("object_kind", ObjectKind::Flat.as_str())
        .with_value("monitoring", "on");
    Ok(objects_page(&app, &ctx, path_id(&id)?, blank, q.ok.as_deref())
        .await?
        .into_response())
}

/// The registration form as typed.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
struct ObjectForm {
    name: String,
    address: String,
    object_kind: String,
    key_number: String,
    contract_number: String,
    monitoring: Option<String>,
    panic_button: Option<String>,
    sms_alerts: Option<String>,
}

pub async fn create(State(app): State<App>, ctx: Ctx, Path(id): Path<String>, form: FormData) -> WebResult<Response> {
    let id = path_id(&id)?;
    let typed: ObjectForm = form.typed()?;
    let input = NewObject {
        customer_id: id,
        name: typed.name,
        address: typed.address,
        object_kind: typed.object_kind,
        key_number: typed.key_number,
        contract_number: typed.contract_number,
        monitoring: typed.monitoring.is_some(),
        panic_button: typed.panic_button.is_some(),
        sms_alerts: typed.sms_alerts.is_some(),
    };
    match objects::create(&app, &ctx.actor()?, ctx.user()?, &input).await {
        Ok(o) => Ok(Redirect::to(&format!("/crm/security-objects/{}?ok=object-created", o.id)).into_response()),
        Err(e @ AppError::Validation(_)) => {
            let f = FormState::from_data(&form).with_errors(ctx.0.lang, &field_errors(e)?);
            let page = objects_page(&app, &ctx, id, f, None).await?;
            Ok(with_status(StatusCode::UNPROCESSABLE_ENTITY, page))
        }
        Err(e) => Err(e.into()),
    }
}

/// An object's page: its details above its event log.
pub async fn page(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<EventsQuery>,
) -> WebResult<Response> {
    let id = path_id(&id)?;
    let object = objects::get_visible(&app, ctx.user()?, id).await?;
    let path = format!("/crm/security-objects/{id}");
    let shown = [object];
    let mut page = events_page(&app, &ctx, &q, &path, &shown, Some(id), Vec::new(), false).await?;
    let [object] = shown;
    page.subject = Some(object);
    Ok(page.into_response())
}
