//! Guarded property over the API (AST-7, API-2): monitoring consoles report events, the
//! customer reads its objects and their events and types key numbers, staff register objects
//! and read an object's events.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use kabinet_app::monitoring::consoles;
use kabinet_app::monitoring::events::{self, EventFilter};
use kabinet_app::monitoring::objects::{self, NewObject};
use kabinet_app::monitoring::views::{IngestReport, ProtectedObject, SecurityEvent};
use kabinet_app::{App, AppError};
use kabinet_core::assets::monitoring::ReportedEvent;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{ErrorBody, Paged, id_of};
use crate::error::WebResult;
use crate::extract::{Ctx, JsonBody, QueryParams as Query};

/// A protected object.
#[derive(Serialize, ToSchema)]
pub struct ObjectDto {
    /// The asset's id.
    pub id: i64,
    pub customer_id: i64,
    pub name: String,
    pub address: String,
    /// flat, house, office, shop or garage.
    pub object_kind: String,
    /// active, suspended, cancelled, …
    pub status: String,
    /// The object's number on the console; for a customer's login, only once it typed it.
    pub key_number: Option<String>,
    pub contract_number: String,
    pub monitoring: bool,
    pub panic_button: bool,
    pub sms_alerts: bool,
    pub key_entered_at: Option<DateTime<Utc>>,
}

impl From<ProtectedObject> for ObjectDto {
    fn from(o: ProtectedObject) -> Self {
        ObjectDto {
            id: o.id,
            customer_id: o.customer_id,
            name: o.name,
            address: o.address,
            object_kind: o.object_kind.as_str().to_owned(),
            status: o.status.as_str().to_owned(),
            key_number: o.key_number,
            contract_number: o.contract_number,
            monitoring: o.monitoring,
            panic_button: o.panic_button,
            sms_alerts: o.sms_alerts,
            key_entered_at: o.key_entered_at,
        }
    }
}

/// An event of a protected object.
#[derive(Serialize, ToSchema)]
pub struct EventDto {
    pub id: i64,
    pub object_id: i64,
    pub object_name: String,
    /// armed, disarmed, alarm, alarm_cancelled, power_loss, connection_lost or
    /// connection_restored.
    pub kind: String,
    pub occurred_at: DateTime<Utc>,
}

impl From<SecurityEvent> for EventDto {
    fn from(e: SecurityEvent) -> Self {
        EventDto {
            id: e.id,
            object_id: e.object_id,
            object_name: e.object_name,
            kind: e.kind.as_str().to_owned(),
            occurred_at: e.occurred_at,
        }
    }
}

/// One event as a console reports it.
#[derive(Deserialize, ToSchema)]
pub struct ReportedEventDto {
    /// The console's own id of the event, unique per console (1–64 characters): an event sent
    /// again is skipped.
    pub event_id: String,
    /// The object's number on the console.
    pub key_number: String,
    /// armed, disarmed, alarm, alarm_cancelled, power_loss, connection_lost or
    /// connection_restored.
    pub kind: String,
    pub occurred_at: DateTime<Utc>,
}

#[derive(Deserialize, ToSchema)]
pub struct EventsRequest {
    /// 1 to 1,000 events.
    pub events: Vec<ReportedEventDto>,
}

/// What became of a batch.
#[derive(Serialize, ToSchema)]
pub struct IngestReportDto {
    /// Stored now.
    pub accepted: usize,
    /// Sent before and skipped.
    pub duplicates: usize,
    /// SMS alerts queued for the events stored (one per event kind, object and minute).
    pub alerts_queued: usize,
    /// Ids of events whose key number names no object (not stored; send them again once the
    /// object is registered).
    pub unknown_objects: Vec<String>,
}

impl From<IngestReport> for IngestReportDto {
    fn from(r: IngestReport) -> Self {
        IngestReportDto {
            accepted: r.accepted,
            duplicates: r.duplicates,
            alerts_queued: r.alerts_queued,
            unknown_objects: r.unknown_objects,
        }
    }
}

/// The console's token from `Authorization: Console kbe_…`.
fn console_token(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Console ")
}

#[utoipa::path(post, path = "/api/v1/security/events", tag = "monitoring", request_body = EventsRequest,
    responses((status = 200, body = IngestReportDto), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("console" = [])))]
/// A monitoring console reports events: a batch with a bad event is refused whole, naming each
/// problem; events sent before are skipped, so a batch may be sent again safely.
pub async fn report(
    State(app): State<App>,
    ctx: Ctx,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> WebResult<Response> {
    // The token first: nothing about the request's shape is told to a caller without one.
    let token = console_token(&headers).ok_or(AppError::Unauthorized)?;
    let console = consoles::by_token(&app, token, &ctx.0.client.ip).await?;
    let JsonBody(req) = JsonBody::<EventsRequest>::parse(&body)?;
    let reported: Vec<ReportedEvent> = req
        .events
        .into_iter()
        .map(|e| ReportedEvent {
            event_id: e.event_id,
            key_number: e.key_number,
            kind: e.kind,
            occurred_at: e.occurred_at,
        })
        .collect();
    let report = events::ingest(&app, &console, &reported).await?;
    Ok(Json(IngestReportDto::from(report)).into_response())
}

#[utoipa::path(get, path = "/api/v1/security/objects", tag = "monitoring",
    responses((status = 200, body = Vec<ObjectDto>)), security(("bearer" = []), ("session" = [])))]
/// The caller's own customer's protected objects.
pub async fn own(State(app): State<App>, ctx: Ctx) -> WebResult<Json<Vec<ObjectDto>>> {
    Ok(Json(
        objects::own(&app, ctx.user()?)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct KeyRequest {
    pub key_number: String,
}

#[utoipa::path(post, path = "/api/v1/security/objects/key", tag = "monitoring", request_body = KeyRequest,
    responses((status = 200, body = ObjectDto), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
/// The customer types an object's key number; the object's events are readable from then on.
pub async fn enter_key(
    State(app): State<App>,
    ctx: Ctx,
    JsonBody(req): JsonBody<KeyRequest>,
) -> WebResult<Json<ObjectDto>> {
    Ok(Json(
        objects::enter_key(&app, &ctx.actor()?, ctx.user()?, &req.key_number)
            .await?
            .into(),
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventsQuery {
    /// The first day (YYYY-MM-DD, in the reader's zone); 30 days before `to` when left out.
    from: Option<String>,
    /// The last day, included; today when left out.
    to: Option<String>,
    /// One of the caller's objects; all of them when left out.
    object: Option<i64>,
    page: Option<super::paging::PageNumber>,
    per_page: Option<super::paging::PerPage>,
}

/// One page of the log of `object` (or of all the caller may read) for the period of `q`:
/// both ends read as the pages read them (`DayRange`), every problem reported, thirty days to
/// today in the reader's zone by default.
async fn log_page(app: &App, ctx: &Ctx, q: &EventsQuery, object: Option<i64>) -> WebResult<Json<Paged<EventDto>>> {
    let who = ctx.user()?;
    let zone = who
        .time_zone
        .clone()
        .unwrap_or_else(|| app.config.display_time_zone.clone());
    let days = crate::day_range::DayRange::read(q.from.as_deref(), q.to.as_deref());
    days.errors.into_result()?;
    let today = kabinet_app::billing::run::today_for(None, &zone);
    let (default_from, default_to) = events::default_period(days.to.unwrap_or(today));
    let filter = EventFilter {
        object_id: object,
        from: days.from.unwrap_or(default_from),
        to: days.to.unwrap_or(default_to),
    };
    let page = events::log(
        app,
        who,
        &filter,
        &zone,
        super::paging::PageNumber::or_first(q.page),
        super::paging::PerPage::or(q.per_page, 50, 500),
    )
    .await?;
    Ok(Paged::of(page, Into::into))
}

#[utoipa::path(get, path = "/api/v1/security/events", tag = "monitoring", params(EventsQuery),
    responses((status = 200, body = Paged<EventDto>), (status = 400, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// The events of the caller's objects whose key number was typed, newest first.
pub async fn own_events(
    State(app): State<App>,
    ctx: Ctx,
    Query(q): Query<EventsQuery>,
) -> WebResult<Json<Paged<EventDto>>> {
    log_page(&app, &ctx, &q, q.object).await
}

#[utoipa::path(get, path = "/api/v1/crm/security-objects/{id}/events", tag = "monitoring", params(("id" = i64, Path), EventsQuery),
    responses((status = 200, body = Paged<EventDto>), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// One object's events, newest first (`object` in the query is ignored).
pub async fn object_events(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<EventsQuery>,
) -> WebResult<Json<Paged<EventDto>>> {
    log_page(&app, &ctx, &q, Some(id_of(&id)?)).await
}

#[utoipa::path(get, path = "/api/v1/crm/customers/{id}/security-objects", tag = "monitoring", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<ObjectDto>), (status = 404, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// A customer's protected objects.
pub async fn of_customer(State(app): State<App>, ctx: Ctx, Path(id): Path<String>) -> WebResult<Json<Vec<ObjectDto>>> {
    Ok(Json(
        objects::of_customer(&app, ctx.user()?, id_of(&id)?)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

/// A protected object to register.
#[derive(Deserialize, ToSchema)]
pub struct ObjectRequest {
    pub customer_id: i64,
    pub name: String,
    pub address: String,
    /// flat, house, office, shop or garage.
    pub object_kind: String,
    pub key_number: String,
    /// Left out: the customer's own contract.
    #[serde(default)]
    pub contract_number: String,
    #[serde(default = "yes")]
    pub monitoring: bool,
    #[serde(default)]
    pub panic_button: bool,
    #[serde(default)]
    pub sms_alerts: bool,
}

fn yes() -> bool {
    true
}

#[utoipa::path(get, path = "/api/v1/crm/security-objects/{id}", tag = "monitoring", params(("id" = i64, Path)),
    responses((status = 200, body = ObjectDto), (status = 404, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// One protected object.
pub async fn get(State(app): State<App>, ctx: Ctx, Path(id): Path<String>) -> WebResult<Json<ObjectDto>> {
    Ok(Json(objects::get_visible(&app, ctx.user()?, id_of(&id)?).await?.into()))
}

#[utoipa::path(post, path = "/api/v1/crm/security-objects", tag = "monitoring", request_body = ObjectRequest,
    responses((status = 201, body = ObjectDto), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// Registers a protected object for its customer; every field's problem in one answer.
pub async fn create(State(app): State<App>, ctx: Ctx, JsonBody(req): JsonBody<ObjectRequest>) -> WebResult<Response> {
    let input = NewObject {
        customer_id: req.customer_id,
        name: req.name,
        address: req.address,
        object_kind: req.object_kind,
        key_number: req.key_number,
        contract_number: req.contract_number,
        monitoring: req.monitoring,
        panic_button: req.panic_button,
        sms_alerts: req.sms_alerts,
    };
    let o = objects::create(&app, &ctx.actor()?, ctx.user()?, &input).await?;
    Ok((StatusCode::CREATED, Json(ObjectDto::from(o))).into_response())
}
