//! Ownership transfers of devices on the web (AST-5): the buyer's request on its device's page,
//! and the staff queue "Ownership transfers" where each request is approved or rejected with a
//! reason.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kabinet_app::App;
use kabinet_app::assets::transfers::{self, NewTransfer, Transfer};
use kabinet_core::assets::transfer::TransferStatus;
use serde::Deserialize;

use crate::error::WebResult;
use crate::extract::{Ctx, FormData, QueryParams as Query};
use crate::form::{FormState, refused, with_status};
use crate::http::path_id;
use crate::pages::Chrome;

/// The buyer's request form as typed.
#[derive(Deserialize, Default)]
#[serde(default)]
struct RequestForm {
    new_owner_name: String,
    new_owner_national_id: String,
    new_owner_phone: String,
    ownership_ends: String,
}

/// `POST /devices/{id}/transfer`: the buyer asks for the device to pass to a new owner.
pub async fn request(State(app): State<App>, ctx: Ctx, Path(id): Path<String>, form: FormData) -> WebResult<Response> {
    let id = path_id(&id)?;
    let typed = form.typed::<RequestForm>()?;
    let input = NewTransfer {
        new_owner_name: typed.new_owner_name,
        new_owner_national_id: typed.new_owner_national_id,
        new_owner_phone: typed.new_owner_phone,
        ownership_ends: crate::form::ticked(&typed.ownership_ends),
    };
    match transfers::request(&app, &ctx.actor()?, ctx.user()?, id, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/devices/{id}?ok=transfer-requested#transfer")).into_response()),
        Err(e) => {
            let forms = crate::cabinet::devices::DeviceForms {
                transfer: refused(&form, ctx.0.lang, e)?,
                ..Default::default()
            };
            crate::cabinet::devices::refused_page(&app, &ctx, id, forms, StatusCode::UNPROCESSABLE_ENTITY).await
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "crm_transfers.html")]
pub struct QueuePage {
    c: Chrome,
    status: &'static str,
    items: Vec<Transfer>,
    total: u64,
    page: u64,
    pages: u64,
    /// The request whose rejection was refused, with the form as typed.
    again: Option<(i64, FormState)>,
}

#[derive(Deserialize, Default)]
pub struct QueueQuery {
    status: Option<String>,
    page: Option<crate::paging::PageNumber>,
    ok: Option<String>,
}

async fn queue_page(
    app: &App,
    ctx: &Ctx,
    status: TransferStatus,
    page: u64,
    flash: Option<&str>,
    again: Option<(i64, FormState)>,
) -> WebResult<QueuePage> {
    let found = transfers::queue(app, ctx.user()?, Some(status), page, 50).await?;
    Ok(QueuePage {
        c: Chrome::new(&ctx.0, "/crm/transfers", &app.config.display_time_zone).with_flash(flash),
        status: status.as_str(),
        pages: found.pages(),
        total: found.total,
        page: found.page,
        items: found.items,
        again,
    })
}

impl QueuePage {
    /// The queue's address without its page, for the pager.
    fn base(&self) -> String {
        format!("/crm/transfers?status={}&", self.status)
    }

    /// The rejection form of request `id`: as typed when it was refused, else empty.
    fn reject_form(&self, id: &i64) -> FormState {
        match &self.again {
            Some((again, f)) if again == id => f.clone(),
            _ => FormState::empty(),
        }
    }
}

/// `GET /crm/transfers?status=…`: the queue, pending first.
pub async fn queue(State(app): State<App>, ctx: Ctx, Query(q): Query<QueueQuery>) -> WebResult<Response> {
    // A status that is not one of the three shows the pending ones.
    let status = q
        .status
        .as_deref()
        .and_then(|s| s.parse().ok())
        .unwrap_or(TransferStatus::Pending);
    let page = crate::paging::PageNumber::or_first(q.page);
    Ok(queue_page(&app, &ctx, status, page, q.ok.as_deref(), None)
        .await?
        .into_response())
}

/// `POST /crm/transfers/{id}/approve`.
pub async fn approve(State(app): State<App>, ctx: Ctx, Path(id): Path<String>) -> WebResult<Response> {
    transfers::approve(&app, &ctx.actor()?, ctx.user()?, path_id(&id)?).await?;
    Ok(Redirect::to("/crm/transfers?ok=transfer-approved").into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RejectForm {
    reason: String,
}

/// `POST /crm/transfers/{id}/reject`: with the reason the buyer reads.
pub async fn reject(State(app): State<App>, ctx: Ctx, Path(id): Path<String>, form: FormData) -> WebResult<Response> {
    let id = path_id(&id)?;
    let typed = form.typed::<RejectForm>()?;
    match transfers::reject(&app, &ctx.actor()?, ctx.user()?, id, &typed.reason).await {
        Ok(_) => Ok(Redirect::to("/crm/transfers?ok=transfer-rejected").into_response()),
        Err(e) => {
            let again = refused(&form, ctx.0.lang, e)?;
            let page = queue_page(&app, &ctx, TransferStatus::Pending, 1, None, Some((id, again))).await?;
            Ok(with_status(StatusCode::UNPROCESSABLE_ENTITY, page))
        }
    }
}
