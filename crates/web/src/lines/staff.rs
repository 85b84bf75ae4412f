//! What staff do with a customer's lines in the back office: give it a line (a number on a
//! SIM, billed to one of its accounts) and put SIM cards into an account's reserve pool.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kabinet_app::App;
use kabinet_app::lines::employees::{self, NewLine};
use kabinet_app::lines::sims;
use serde::Deserialize;

use super::register::{StaffForms, list_page};
use crate::error::WebResult;
use crate::extract::{Ctx, FormData};
use crate::form::{refused, with_status};
use crate::http::path_id;

pub async fn create_line(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> WebResult<Response> {
    let customer_id = path_id(&id)?;
    let input = form.typed::<NewLine>()?;
    match employees::create(&app, &ctx.actor()?, ctx.user()?, customer_id, &input).await {
        Ok(l) => Ok(Redirect::to(&format!("/crm/lines/{}?ok=line-created", l.id)).into_response()),
        Err(e) => {
            let forms = StaffForms {
                line: Some(refused(&form, ctx.0.lang, e)?),
                reserve: None,
            };
            let page = list_page(&app, &ctx, Some(customer_id), "", forms).await?;
            Ok(with_status(StatusCode::UNPROCESSABLE_ENTITY, page))
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ReserveForm {
    account_id: String,
    iccs: String,
}

pub async fn add_reserve(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> WebResult<Response> {
    let customer_id = path_id(&id)?;
    let typed = form.typed::<ReserveForm>()?;
    let result = match typed.account_id.trim().parse::<i64>() {
        Ok(account_id) => sims::add_reserve(&app, &ctx.actor()?, ctx.user()?, customer_id, account_id, &typed.iccs)
            .await
            .map(drop),
        Err(_) => Err(kabinet_app::FieldErrors::single("account_id", "invalid-choice")),
    };
    match result {
        Ok(()) => {
            Ok(Redirect::to(&format!("/crm/customers/{customer_id}/lines?ok=line-reserve-added")).into_response())
        }
        Err(e) => {
            let forms = StaffForms {
                line: None,
                reserve: Some(refused(&form, ctx.0.lang, e)?),
            };
            let page = list_page(&app, &ctx, Some(customer_id), "", forms).await?;
            Ok(with_status(StatusCode::UNPROCESSABLE_ENTITY, page))
        }
    }
}
