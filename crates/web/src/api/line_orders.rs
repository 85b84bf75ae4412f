//! Orders for lines over the API (ORD-1): the operator's tariffs and options, the check of an
//! order before it is placed, placing it, and following it line by line.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use kabinet_app::App;
use kabinet_app::lines::catalogue::{self, Shelf};
use kabinet_app::lines::orders::{self, OrderRequest};
use kabinet_app::lines::views::{LineOrder, LineOrderItem, Offer, OrderCheck};
use kabinet_app::{AppError, FieldErrors};
use kabinet_core::assets::line_orders::{ItemStatus, OrderKind, OrderNotice, OrderStatus};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::lines::{BulkFilter, selection_of};
use super::{ErrorBody, Paged, id_of};
use crate::error::WebResult;
use crate::extract::{Ctx, JsonBody, QueryParams as Query};

/// A tariff or an option of the operator's.
#[derive(Serialize, ToSchema)]
pub struct OfferDto {
    pub id: i64,
    /// The operator's code.
    pub code: String,
    pub name: String,
    /// Monthly fee in the currency's minor units.
    pub monthly_fee: i64,
    pub currency: String,
    pub description: Option<String>,
    /// For an option: the tariffs it is sold with (empty: every tariff).
    pub only_on_tariffs: Vec<i64>,
}

impl From<Offer> for OfferDto {
    fn from(o: Offer) -> Self {
        OfferDto {
            id: o.id,
            code: o.code,
            name: o.name,
            monthly_fee: o.monthly_fee_minor,
            currency: o.currency.code().to_owned(),
            description: o.description,
            only_on_tariffs: o.only_on_tariffs,
        }
    }
}

#[utoipa::path(get, path = "/api/v1/line-tariffs", tag = "line orders",
    responses((status = 200, body = Vec<OfferDto>)), security(("bearer" = []), ("session" = [])))]
/// The tariffs lines may be moved to.
pub async fn tariffs(State(app): State<App>, ctx: Ctx) -> WebResult<Json<Vec<OfferDto>>> {
    let list = catalogue::offers(&app, ctx.user()?, Shelf::Tariffs, false).await?;
    Ok(Json(list.into_iter().map(Into::into).collect()))
}

#[utoipa::path(get, path = "/api/v1/line-options", tag = "line orders",
    responses((status = 200, body = Vec<OfferDto>)), security(("bearer" = []), ("session" = [])))]
/// The options lines may have switched on.
pub async fn options(State(app): State<App>, ctx: Ctx) -> WebResult<Json<Vec<OfferDto>>> {
    let list = catalogue::offers(&app, ctx.user()?, Shelf::Options, false).await?;
    Ok(Json(list.into_iter().map(Into::into).collect()))
}

/// An order: one change for the lines listed, or for every line the filter finds.
#[derive(Deserialize, ToSchema)]
pub struct OrderBody {
    /// tariff, option_on or option_off.
    pub kind: String,
    /// The tariff's id (for `tariff`) or the option's.
    pub offer_id: i64,
    /// The day it takes effect (for `option_off`, the day the option goes); today when left
    /// out. Not in the past, at most a year ahead.
    #[serde(default)]
    pub effective_on: Option<NaiveDate>,
    /// How each employee is told when their line is done: none (default), sms or email.
    #[serde(default)]
    pub notice: Option<String>,
    /// The lines; leave out to order for every line `filter` finds.
    #[serde(default)]
    pub line_ids: Option<Vec<i64>>,
    /// The register's filter (its query parameters' names), when `line_ids` is left out.
    #[serde(default)]
    pub filter: Option<BulkFilter>,
    /// 8 to 64 letters, digits, `-` or `_` (or the `Idempotency-Key` header): the same key
    /// again answers with the order it placed instead of placing another.
    #[serde(default)]
    pub request_key: Option<String>,
}

impl OrderBody {
    fn request(self) -> Result<OrderRequest, AppError> {
        let mut errors = FieldErrors::new();
        let kind = errors.choice::<OrderKind>("kind", &self.kind);
        let notice = match self.notice.as_deref() {
            None | Some("") => Some(OrderNotice::None),
            Some(n) => errors.choice::<OrderNotice>("notice", n),
        };
        let selection = selection_of(self.line_ids, self.filter);
        errors.into_result()?;
        let (Some(kind), Some(notice)) = (kind, notice) else {
            return Err(FieldErrors::single("kind", "invalid-choice"));
        };
        Ok(OrderRequest {
            kind,
            offer_id: self.offer_id,
            effective_on: self.effective_on,
            notice,
            selection: selection?,
            request_key: self.request_key,
        })
    }
}

/// Why some lines cannot take the change: the reason and how many.
#[derive(Serialize, ToSchema)]
pub struct ReasonCount {
    /// not_active, already_on_tariff, option_already_on, option_not_on or option_not_on_tariff.
    pub reason: String,
    pub lines: u64,
}

/// A line that cannot take the change.
#[derive(Serialize, ToSchema)]
pub struct UnavailableDto {
    pub line_id: i64,
    pub phone: String,
    pub reason: String,
}

/// The check of an order before it is placed.
#[derive(Serialize, ToSchema)]
pub struct OrderCheckDto {
    /// Lines chosen.
    pub chosen: u64,
    /// Lines that can take the change.
    pub available: u64,
    pub unavailable: Vec<ReasonCount>,
    /// The first 50 lines that cannot, with why.
    pub examples: Vec<UnavailableDto>,
}

impl From<OrderCheck> for OrderCheckDto {
    fn from(c: OrderCheck) -> Self {
        OrderCheckDto {
            chosen: c.chosen,
            available: c.available,
            unavailable: c
                .unavailable
                .into_iter()
                .map(|(r, n)| ReasonCount {
                    reason: r.as_str().to_owned(),
                    lines: n,
                })
                .collect(),
            examples: c
                .examples
                .into_iter()
                .map(|e| UnavailableDto {
                    line_id: e.line_id,
                    phone: e.phone,
                    reason: e.reason.as_str().to_owned(),
                })
                .collect(),
        }
    }
}

#[utoipa::path(post, path = "/api/v1/line-orders/check", tag = "line orders", request_body = OrderBody,
    responses((status = 200, body = OrderCheckDto), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// Which of the chosen lines can take the change, and why the others cannot. Changes nothing.
pub async fn check(
    State(app): State<App>,
    ctx: Ctx,
    JsonBody(body): JsonBody<OrderBody>,
) -> WebResult<Json<OrderCheckDto>> {
    let c = orders::check(&app, ctx.user()?, &body.request()?).await?;
    Ok(Json(c.into()))
}

/// An order and its progress.
#[derive(Serialize, ToSchema)]
pub struct OrderDto {
    pub id: i64,
    /// tariff, option_on or option_off.
    pub kind: String,
    pub offer: Option<OfferDto>,
    pub effective_on: NaiveDate,
    /// none, sms or email.
    pub notice: String,
    pub created_by: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// in_progress, completed or completed_with_errors.
    pub status: String,
    pub items_total: i64,
    pub items_done: i64,
    pub items_refused: i64,
    /// Share of the lines finished, 0–100.
    pub percent: i64,
    pub finished_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl From<LineOrder> for OrderDto {
    fn from(o: LineOrder) -> Self {
        OrderDto {
            percent: o.percent(),
            id: o.id,
            kind: o.kind.as_str().to_owned(),
            offer: o.offer.map(Into::into),
            effective_on: o.effective_on,
            notice: o.notice.as_str().to_owned(),
            created_by: o.created_by,
            created_at: o.created_at,
            status: o.status.as_str().to_owned(),
            items_total: o.items_total,
            items_done: o.items_done,
            items_refused: o.items_refused,
            finished_at: o.finished_at,
        }
    }
}

#[utoipa::path(post, path = "/api/v1/line-orders", tag = "line orders", request_body = OrderBody,
    responses((status = 201, body = OrderDto), (status = 404, body = ErrorBody),
        (status = 409, description = "The request key placed a different order before", body = ErrorBody),
        (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// Places an order: accepted at once, carried out line by line; the lines that cannot take
/// the change are refused at once with the reason.
pub async fn place(
    State(app): State<App>,
    ctx: Ctx,
    headers: axum::http::HeaderMap,
    JsonBody(body): JsonBody<OrderBody>,
) -> WebResult<Response> {
    let mut request = body.request()?;
    if request.request_key.is_none()
        && let Some(key) = headers.get("idempotency-key")
    {
        let key = key
            .to_str()
            .map_err(|_| FieldErrors::single(orders::REQUEST_KEY, "invalid-choice"))?;
        request.request_key = Some(key.to_owned());
    }
    let o = orders::place(&app, &ctx.actor()?, ctx.user()?, &request).await?;
    Ok((StatusCode::CREATED, Json(OrderDto::from(o))).into_response())
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrdersQuery {
    /// in_progress, completed or completed_with_errors.
    status: Option<String>,
    page: Option<super::paging::PageNumber>,
    per_page: Option<super::paging::PerPage>,
}

fn status_of<T: std::str::FromStr>(field: &str, v: Option<&str>) -> Result<Option<T>, AppError> {
    match v.filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => s
            .parse::<T>()
            .map(Some)
            .map_err(|_| FieldErrors::single(field, "invalid-choice")),
    }
}

#[utoipa::path(get, path = "/api/v1/line-orders", tag = "line orders", params(OrdersQuery),
    responses((status = 200, body = Paged<OrderDto>), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// The caller's orders, newest first (a line manager's own).
pub async fn list(State(app): State<App>, ctx: Ctx, Query(q): Query<OrdersQuery>) -> WebResult<Json<Paged<OrderDto>>> {
    let status = status_of::<OrderStatus>("status", q.status.as_deref())?;
    let page = super::paging::PageNumber::or_first(q.page);
    let per_page = super::paging::PerPage::or(q.per_page, 20, 100);
    let found = orders::list(&app, ctx.user()?, None, status, page, per_page).await?;
    Ok(Paged::of(found, OrderDto::from))
}

#[utoipa::path(get, path = "/api/v1/line-orders/{id}", tag = "line orders", params(("id" = i64, Path)),
    responses((status = 200, body = OrderDto), (status = 404, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// One order with its progress.
pub async fn get(State(app): State<App>, ctx: Ctx, Path(id): Path<String>) -> WebResult<Json<OrderDto>> {
    Ok(Json(orders::get(&app, ctx.user()?, id_of(&id)?).await?.into()))
}

/// One line's part of an order.
#[derive(Serialize, ToSchema)]
pub struct OrderItemDto {
    pub id: i64,
    pub line_id: i64,
    pub phone: String,
    pub employee_name: Option<String>,
    /// waiting, in_progress, done or refused.
    pub status: String,
    /// Refused by the rules before the order went out: not_active, already_on_tariff,
    /// option_already_on, option_not_on, option_not_on_tariff, or no_answer (the operator never
    /// answered).
    pub unavailable: Option<String>,
    /// Refused by the operator, in its words.
    pub operator_reason: Option<String>,
    pub attempts: i32,
    pub finished_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl From<LineOrderItem> for OrderItemDto {
    fn from(i: LineOrderItem) -> Self {
        OrderItemDto {
            id: i.id,
            line_id: i.line_id,
            phone: i.phone,
            employee_name: i.employee_name,
            status: i.status.as_str().to_owned(),
            unavailable: i.unavailable.map(|u| u.as_str().to_owned()),
            operator_reason: i.operator_reason,
            attempts: i.attempts,
            finished_at: i.finished_at,
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ItemsQuery {
    /// waiting, in_progress, done or refused.
    status: Option<String>,
    page: Option<super::paging::PageNumber>,
    per_page: Option<super::paging::PerPage>,
}

#[utoipa::path(get, path = "/api/v1/line-orders/{id}/items", tag = "line orders", params(("id" = i64, Path), ItemsQuery),
    responses((status = 200, body = Paged<OrderItemDto>), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// An order's lines, each with its status and, when refused, why.
pub async fn items(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<ItemsQuery>,
) -> WebResult<Json<Paged<OrderItemDto>>> {
    let status = status_of::<ItemStatus>("status", q.status.as_deref())?;
    let page = super::paging::PageNumber::or_first(q.page);
    let per_page = super::paging::PerPage::or(q.per_page, 50, 500);
    let found = orders::items(&app, ctx.user()?, id_of(&id)?, status, page, per_page).await?;
    Ok(Paged::of(found, OrderItemDto::from))
}
