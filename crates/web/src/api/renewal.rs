//! The end of a device's service over the API (AST-4): the device types with their renewal
//! prices (staff), what a buyer may choose and at which prices, and the choice — a renewal
//! answered with the bank's page to pay it, support paid per case, or cancellation.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use kabinet_app::App;
use kabinet_app::assets::renewal::{self, Offer, Order};
use kabinet_core::assets::renewal::Choice;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::devices::DeviceDto;
use super::{ErrorBody, id_of};
use crate::error::WebResult;
use crate::extract::{Ctx, JsonBody};

/// A term sold and its price, in minor units of the buyer's account's currency.
#[derive(Serialize, ToSchema)]
pub struct PriceDto {
    /// 1, 2 or 3.
    pub years: u8,
    pub amount: i64,
    pub currency: String,
}

/// A renewal the buyer ordered.
#[derive(Serialize, ToSchema)]
pub struct RenewalOrderDto {
    pub id: i64,
    pub device_id: i64,
    pub years: i16,
    pub amount: i64,
    pub currency: String,
    /// pending, renewed, canceled or not_renewable (paid, the device could no longer be
    /// renewed: the money stays on the account).
    pub status: String,
    pub renewed_until: Option<NaiveDate>,
    pub payment_id: Option<i64>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

impl From<Order> for RenewalOrderDto {
    fn from(o: Order) -> Self {
        RenewalOrderDto {
            id: o.id,
            device_id: o.asset_id,
            years: o.years,
            amount: o.amount.minor,
            currency: o.amount.currency.to_string(),
            status: o.status.as_str().to_owned(),
            renewed_until: o.renewed_until,
            payment_id: o.payment_id,
            created_at: o.created_at,
        }
    }
}

/// A device and what its buyer may do about the end of its service.
#[derive(Serialize, ToSchema)]
pub struct RenewalOfferDto {
    pub device: DeviceDto,
    /// Open now: renew, pay_per_case, cancel (none while the service runs far ahead).
    pub choices: Vec<String>,
    pub prices: Vec<PriceDto>,
    /// The latest renewal orders, newest first.
    pub orders: Vec<RenewalOrderDto>,
}

impl From<Offer> for RenewalOfferDto {
    fn from(o: Offer) -> Self {
        RenewalOfferDto {
            device: o.device.into(),
            choices: o.choices.iter().map(|c| c.as_str().to_owned()).collect(),
            prices: o
                .prices
                .iter()
                .map(|p| PriceDto {
                    years: p.years,
                    amount: p.amount.minor,
                    currency: p.amount.currency.to_string(),
                })
                .collect(),
            orders: o.orders.into_iter().map(Into::into).collect(),
        }
    }
}

#[utoipa::path(get, path = "/api/v1/devices/{id}/renewal", tag = "assets", params(("id" = i64, Path)),
    responses((status = 200, body = RenewalOfferDto), (status = 404, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// The choices open to one of the caller's devices, the prices of a renewal and its orders.
pub async fn offer(State(app): State<App>, ctx: Ctx, Path(id): Path<String>) -> WebResult<Json<RenewalOfferDto>> {
    Ok(Json(renewal::offer(&app, ctx.user()?, id_of(&id)?).await?.into()))
}

/// The buyer's choice.
#[derive(Deserialize, ToSchema)]
pub struct ChoiceRequest {
    /// renew, pay_per_case or cancel.
    pub choice: String,
    /// For a renewal: 1, 2 or 3 years.
    pub years: Option<u8>,
}

/// What a choice led to: for a renewal, the order and the bank page to pay it at (the device
/// is renewed once the payment is confirmed); otherwise the device as it is now.
#[derive(Serialize, ToSchema)]
pub struct ChoiceResult {
    pub order: Option<RenewalOrderDto>,
    pub confirmation_url: Option<String>,
    pub device: Option<DeviceDto>,
}

#[utoipa::path(post, path = "/api/v1/devices/{id}/renewal", tag = "assets", params(("id" = i64, Path)), request_body = ChoiceRequest,
    responses((status = 201, body = ChoiceResult, description = "A renewal ordered: pay it at confirmation_url"),
        (status = 200, body = ChoiceResult, description = "Pay per case or cancellation done"),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody), (status = 503, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
/// The buyer's answer to the end of a device's service.
pub async fn choose(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonBody(req): JsonBody<ChoiceRequest>,
) -> WebResult<Response> {
    let (id, actor, who) = (id_of(&id)?, ctx.actor()?, ctx.user()?);
    let choice: Choice = req
        .choice
        .parse()
        .map_err(|_| kabinet_app::FieldErrors::single("choice", "invalid-choice"))?;
    Ok(match choice {
        Choice::Renew => {
            let years = req.years.map(|y| y.to_string()).unwrap_or_default();
            let (order, url) = renewal::renew(&app, &actor, who, id, &years).await?;
            let body = ChoiceResult {
                order: Some(order.into()),
                confirmation_url: Some(url),
                device: None,
            };
            (StatusCode::CREATED, Json(body)).into_response()
        }
        Choice::PayPerCase | Choice::Cancel => {
            let device = if choice == Choice::Cancel {
                renewal::cancel(&app, &actor, who, id).await?
            } else {
                renewal::choose_pay_per_case(&app, &actor, who, id).await?
            };
            let body = ChoiceResult {
                order: None,
                confirmation_url: None,
                device: Some(device.into()),
            };
            (StatusCode::OK, Json(body)).into_response()
        }
    })
}

/// A type of device sold with after-sales service and its renewal prices.
#[derive(Serialize, ToSchema)]
pub struct DeviceTypeDto {
    pub id: i64,
    pub code: String,
    pub name: String,
    /// What a technician ticks at installation.
    pub checklist: Vec<String>,
    /// Service after installation, in months.
    pub service_months: i32,
    /// Renewal prices, every currency and term.
    pub prices: Vec<PriceDto>,
}

#[utoipa::path(get, path = "/api/v1/crm/device-types", tag = "assets",
    responses((status = 200, body = Vec<DeviceTypeDto>), (status = 403, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// The device types with their checklists, service periods and renewal prices.
pub async fn device_types(State(app): State<App>, ctx: Ctx) -> WebResult<Json<Vec<DeviceTypeDto>>> {
    let types = kabinet_app::assets::device_types::list(&app, ctx.user()?).await?;
    Ok(Json(
        types
            .into_iter()
            .map(|t| DeviceTypeDto {
                id: t.id,
                code: t.code,
                name: t.name,
                checklist: t.checklist,
                service_months: t.service_months,
                prices: t
                    .prices
                    .iter()
                    .map(|(term, m)| PriceDto {
                        years: term.years(),
                        amount: m.minor,
                        currency: m.currency.to_string(),
                    })
                    .collect(),
            })
            .collect(),
    ))
}
