//! Devices over the API (AST-3): the staff register (find by identifier, filter, register one)
//! and a buyer's own devices.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use kabinet_app::App;
use kabinet_app::assets::devices::{self, Device, DeviceFilter, NewDevice};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{ErrorBody, Paged, id_of};
use crate::error::WebResult;
use crate::extract::{Ctx, JsonBody, QueryParams as Query};

/// A device sold with after-sales service.
#[derive(Serialize, ToSchema)]
pub struct DeviceDto {
    /// The asset's id.
    pub id: i64,
    pub customer_id: i64,
    pub customer_name: String,
    pub device_type_id: i64,
    pub device_type: String,
    pub brand: String,
    pub model: String,
    /// serial, dongle or user_id.
    pub identifier_kind: String,
    pub identifier: String,
    pub operator_name: Option<String>,
    pub installed_on: Option<NaiveDate>,
    pub warranty_ends_on: Option<NaiveDate>,
    pub service_ends_on: Option<NaiveDate>,
    /// active, expired, renewed, suspended, cancelled or deleted.
    pub status: String,
    /// contract or pay_per_case.
    pub service_mode: String,
}

impl From<Device> for DeviceDto {
    fn from(d: Device) -> Self {
        DeviceDto {
            id: d.id,
            customer_id: d.customer_id,
            customer_name: d.customer_name,
            device_type_id: d.device_type_id,
            device_type: d.device_type,
            brand: d.brand,
            model: d.model,
            identifier_kind: d.identifier_kind.as_str().to_owned(),
            identifier: d.identifier,
            operator_name: d.operator_name,
            installed_on: d.installed_on,
            warranty_ends_on: d.warranty_ends_on,
            service_ends_on: d.service_ends_on,
            status: d.status.as_str().to_owned(),
            service_mode: d.service_mode.as_str().to_owned(),
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DevicesQuery {
    /// An identifier, whole or its beginning.
    q: Option<String>,
    /// A status (active, expired, …).
    status: Option<String>,
    device_type_id: Option<i64>,
    brand: Option<String>,
    /// Service ends within this many days (at most ten years).
    #[param(maximum = 3660)]
    ends_within_days: Option<u32>,
    page: Option<super::paging::PageNumber>,
    per_page: Option<super::paging::PerPage>,
}

#[utoipa::path(get, path = "/api/v1/crm/devices", tag = "assets", params(DevicesQuery),
    responses((status = 200, body = Paged<DeviceDto>), (status = 400, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// The device register (a partner: its own customers' devices), newest first.
pub async fn list(
    State(app): State<App>,
    ctx: Ctx,
    Query(q): Query<DevicesQuery>,
) -> WebResult<Json<Paged<DeviceDto>>> {
    let status = match q.status.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(
            s.parse()
                .map_err(|_| kabinet_app::FieldErrors::single("status", "invalid-choice"))?,
        ),
    };
    if q.ends_within_days.is_some_and(|d| d > 3660) {
        return Err(kabinet_app::FieldErrors::single("ends_within_days", "invalid-number").into());
    }
    let filter = DeviceFilter {
        identifier: q.q,
        status,
        device_type_id: q.device_type_id,
        brand: q.brand,
        ends_within_days: q.ends_within_days,
        customer_id: None,
    };
    let page = devices::register(
        &app,
        ctx.user()?,
        &filter,
        super::paging::PageNumber::or_first(q.page),
        super::paging::PerPage::or(q.per_page, 50, 500),
    )
    .await?;
    Ok(Paged::of(page, Into::into))
}

/// A device to register: dates as YYYY-MM-DD (or as the reader types them).
#[derive(Deserialize, ToSchema)]
pub struct DeviceRequest {
    pub customer_id: i64,
    pub device_type_id: i64,
    pub brand: String,
    pub model: String,
    /// serial, dongle or user_id.
    pub identifier_kind: String,
    pub identifier: String,
    #[serde(default)]
    pub operator_name: String,
    #[serde(default)]
    pub installed_on: String,
    #[serde(default)]
    pub warranty_ends_on: String,
    #[serde(default)]
    pub service_ends_on: String,
}

#[utoipa::path(post, path = "/api/v1/crm/devices", tag = "assets", request_body = DeviceRequest,
    responses((status = 201, body = DeviceDto), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// Registers a device for its buyer; every field's problem is reported in one answer.
pub async fn create(State(app): State<App>, ctx: Ctx, JsonBody(req): JsonBody<DeviceRequest>) -> WebResult<Response> {
    let input = NewDevice {
        customer_id: req.customer_id,
        device_type_id: req.device_type_id.to_string(),
        brand: req.brand,
        model: req.model,
        identifier_kind: req.identifier_kind,
        identifier: req.identifier,
        operator_name: req.operator_name,
        installed_on: req.installed_on,
        warranty_ends_on: req.warranty_ends_on,
        service_ends_on: req.service_ends_on,
    };
    let d = devices::create(&app, &ctx.actor()?, ctx.user()?, &input).await?;
    Ok((StatusCode::CREATED, Json(DeviceDto::from(d))).into_response())
}

#[utoipa::path(get, path = "/api/v1/crm/devices/{id}", tag = "assets", params(("id" = i64, Path)),
    responses((status = 200, body = DeviceDto), (status = 404, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// One device.
pub async fn get(State(app): State<App>, ctx: Ctx, Path(id): Path<String>) -> WebResult<Json<DeviceDto>> {
    Ok(Json(devices::get_visible(&app, ctx.user()?, id_of(&id)?).await?.into()))
}

#[utoipa::path(get, path = "/api/v1/devices", tag = "assets",
    responses((status = 200, body = Vec<DeviceDto>)), security(("bearer" = []), ("session" = [])))]
/// The caller's own customer's devices.
pub async fn own(State(app): State<App>, ctx: Ctx) -> WebResult<Json<Vec<DeviceDto>>> {
    Ok(Json(
        devices::of_own_customer(&app, ctx.user()?)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

/// One problem of an import file.
#[derive(Serialize, ToSchema)]
pub struct ImportProblemDto {
    /// The row as a spreadsheet numbers it (1 is the header).
    pub row: usize,
    /// The column as the header names it; empty for the whole file.
    pub column: String,
    /// The problem's code, e.g. device-identifier-taken.
    pub code: String,
    /// The problem in the caller's language.
    pub message: String,
}

/// What an import did: every device registered, or none and the problems.
#[derive(Serialize, ToSchema)]
pub struct ImportReportDto {
    /// Data rows read.
    pub rows: usize,
    pub imported: usize,
    /// The first 1,000 problems, by row.
    pub problems: Vec<ImportProblemDto>,
    pub problem_count: usize,
}

#[utoipa::path(post, path = "/api/v1/crm/devices/import", tag = "assets",
    request_body(content = String, content_type = "text/csv",
        description = "A CSV file (UTF-8; comma, semicolon or tab) or an XLSX workbook (application/vnd.openxmlformats-officedocument.spreadsheetml.sheet): a header row of column names (customer, device_type, brand, model, identifier_kind, identifier, operator_name, installed_on, warranty_ends_on, service_ends_on, status), then one device per row."),
    responses((status = 200, description = "Every row registered", body = ImportReportDto),
        (status = 422, description = "Nothing registered: the problems of the file", body = ImportReportDto),
        (status = 409, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
/// Registers the devices of a file, all or nothing; the report names each bad row and why.
pub async fn import(State(app): State<App>, ctx: Ctx, body: axum::body::Bytes) -> WebResult<Response> {
    let report = kabinet_app::assets::device_import::import(&app, &ctx.actor()?, ctx.user()?, "api", &body).await?;
    let status = crate::import_files::report_status(&report);
    Ok((status, Json(report_dto(report, ctx.0.lang))).into_response())
}

/// An import's report with each problem in `lang`.
pub(crate) fn report_dto(
    report: kabinet_app::import_file::ImportReport,
    lang: kabinet_app::i18n::Lang,
) -> ImportReportDto {
    ImportReportDto {
        rows: report.rows,
        imported: report.imported,
        problem_count: report.problem_count,
        problems: report
            .problems
            .into_iter()
            .map(|p| ImportProblemDto {
                message: lang.t(&format!("err-{}", p.code)),
                row: p.row,
                column: p.column,
                code: p.code,
            })
            .collect(),
    }
}

/// A device's installation confirmation.
#[derive(Serialize, ToSchema)]
pub struct InstallationDto {
    pub id: i64,
    /// The device's (asset's) id.
    pub device_id: i64,
    /// The checklist the buyer confirms.
    pub items: Vec<String>,
    pub installed_on: NaiveDate,
    pub opened_at: chrono::DateTime<chrono::Utc>,
    /// Empty until signed.
    pub signed_at: Option<chrono::DateTime<chrono::Utc>>,
    pub signer_phone: Option<String>,
    /// SHA-256 of the signed content (hex); empty until signed.
    pub content_hash: Option<String>,
    /// The public page that checks the signed record.
    pub verify_url: Option<String>,
}

fn installation_dto(app: &App, c: kabinet_app::assets::installation::Confirmation) -> InstallationDto {
    InstallationDto {
        verify_url: c.verify_link(&app.config.public_base_url),
        id: c.id,
        device_id: c.asset_id,
        items: c.items,
        installed_on: c.installed_on,
        opened_at: c.opened_at,
        signed_at: c.signed_at,
        signer_phone: c.signer_phone,
        content_hash: c.content_hash,
    }
}

async fn installation_of(app: &App, ctx: &Ctx, id: &str) -> WebResult<Json<InstallationDto>> {
    let found = kabinet_app::assets::installation::of_device(app, ctx.user()?, id_of(id)?)
        .await?
        .ok_or(kabinet_app::AppError::NotFound)?;
    Ok(Json(installation_dto(app, found)))
}

#[utoipa::path(get, path = "/api/v1/devices/{id}/installation", tag = "assets", params(("id" = i64, Path)),
    responses((status = 200, body = InstallationDto), (status = 404, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// The installation confirmation of one of the caller's devices (404 until one is opened).
pub async fn own_installation(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> WebResult<Json<InstallationDto>> {
    installation_of(&app, &ctx, &id).await
}

#[utoipa::path(post, path = "/api/v1/devices/{id}/installation/code", tag = "assets", params(("id" = i64, Path)),
    responses((status = 204, description = "A code was sent by SMS to the buyer's phone"), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
/// Sends the buyer a one-time code (6 digits, 10 minutes, 5 tries) to sign the confirmation.
pub async fn installation_code(State(app): State<App>, ctx: Ctx, Path(id): Path<String>) -> WebResult<StatusCode> {
    kabinet_app::assets::installation::send_code(&app, ctx.user()?, id_of(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The buyer's signature: every item done, and the code from the SMS.
#[derive(Deserialize, ToSchema)]
pub struct SignRequest {
    pub all_done: bool,
    pub code: String,
}

#[utoipa::path(post, path = "/api/v1/devices/{id}/installation/sign", tag = "assets", params(("id" = i64, Path)), request_body = SignRequest,
    responses((status = 200, body = InstallationDto), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
/// Signs the confirmation: the record is fixed and hashed, the device's service starts.
pub async fn installation_sign(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonBody(req): JsonBody<SignRequest>,
) -> WebResult<Json<InstallationDto>> {
    let signed = kabinet_app::assets::installation::sign(
        &app,
        &ctx.actor()?,
        ctx.user()?,
        id_of(&id)?,
        req.all_done,
        &req.code,
        &ctx.0.client.ip,
    )
    .await?;
    Ok(Json(installation_dto(&app, signed)))
}

#[utoipa::path(get, path = "/api/v1/crm/devices/{id}/installation", tag = "assets", params(("id" = i64, Path)),
    responses((status = 200, body = InstallationDto), (status = 404, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// A device's installation confirmation, for staff (404 until one is opened).
pub async fn crm_installation(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> WebResult<Json<InstallationDto>> {
    installation_of(&app, &ctx, &id).await
}

/// The installation day a technician records (YYYY-MM-DD, not after today).
#[derive(Deserialize, ToSchema)]
pub struct OpenInstallationRequest {
    pub installed_on: String,
}

#[utoipa::path(post, path = "/api/v1/crm/devices/{id}/installation", tag = "assets", params(("id" = i64, Path)), request_body = OpenInstallationRequest,
    responses((status = 200, body = InstallationDto), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
/// Opens the device's confirmation with its type's checklist (or moves the day while unsigned).
pub async fn crm_open_installation(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonBody(req): JsonBody<OpenInstallationRequest>,
) -> WebResult<Json<InstallationDto>> {
    let opened =
        kabinet_app::assets::installation::open(&app, &ctx.actor()?, ctx.user()?, id_of(&id)?, &req.installed_on)
            .await?;
    Ok(Json(installation_dto(&app, opened)))
}

/// An ownership transfer request.
#[derive(Serialize, ToSchema)]
pub struct TransferDto {
    pub id: i64,
    pub device_id: i64,
    pub identifier: String,
    pub from_customer_id: i64,
    pub new_owner_name: String,
    pub new_owner_national_id: String,
    pub new_owner_phone: String,
    /// pending, approved or rejected.
    pub status: String,
    /// Why it was rejected.
    pub reason: String,
    /// The customer the device went to, once approved.
    pub to_customer_id: Option<i64>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub decided_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl From<kabinet_app::assets::transfers::Transfer> for TransferDto {
    fn from(t: kabinet_app::assets::transfers::Transfer) -> Self {
        TransferDto {
            id: t.id,
            device_id: t.asset_id,
            identifier: t.identifier,
            from_customer_id: t.from_customer_id,
            new_owner_name: t.new_owner_name,
            new_owner_national_id: t.new_owner_national_id,
            new_owner_phone: t.new_owner_phone,
            status: t.status.as_str().to_owned(),
            reason: t.reason,
            to_customer_id: t.to_customer_id,
            created_at: t.created_at,
            decided_at: t.decided_at,
        }
    }
}

/// The buyer's request to pass a device to a new owner.
#[derive(Deserialize, ToSchema)]
pub struct TransferRequest {
    pub new_owner_name: String,
    /// The Iranian national id (10 digits, the last a check digit).
    pub new_owner_national_id: String,
    pub new_owner_phone: String,
    /// The buyer's statement that its ownership ends with the transfer; must be true.
    pub ownership_ends: bool,
}

#[utoipa::path(post, path = "/api/v1/devices/{id}/transfer", tag = "assets", params(("id" = i64, Path)), request_body = TransferRequest,
    responses((status = 201, body = TransferDto), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
/// Asks for one of the caller's devices to pass to a new owner; staff decide.
pub async fn request_transfer(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonBody(req): JsonBody<TransferRequest>,
) -> WebResult<Response> {
    let input = kabinet_app::assets::transfers::NewTransfer {
        new_owner_name: req.new_owner_name,
        new_owner_national_id: req.new_owner_national_id,
        new_owner_phone: req.new_owner_phone,
        ownership_ends: req.ownership_ends,
    };
    let t = kabinet_app::assets::transfers::request(&app, &ctx.actor()?, ctx.user()?, id_of(&id)?, &input).await?;
    Ok((StatusCode::CREATED, Json(TransferDto::from(t))).into_response())
}

#[utoipa::path(get, path = "/api/v1/devices/{id}/transfers", tag = "assets", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<TransferDto>), (status = 404, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// The caller's transfer requests of one of its devices, newest first.
pub async fn own_transfers(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> WebResult<Json<Vec<TransferDto>>> {
    let found = kabinet_app::assets::transfers::of_device(&app, ctx.user()?, id_of(&id)?).await?;
    Ok(Json(found.into_iter().map(Into::into).collect()))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TransfersQuery {
    /// pending (the default), approved or rejected.
    status: Option<String>,
    page: Option<super::paging::PageNumber>,
    per_page: Option<super::paging::PerPage>,
}

#[utoipa::path(get, path = "/api/v1/crm/transfers", tag = "assets", params(TransfersQuery),
    responses((status = 200, body = Paged<TransferDto>), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// The staff queue of ownership transfers, oldest first.
pub async fn transfers_queue(
    State(app): State<App>,
    ctx: Ctx,
    Query(q): Query<TransfersQuery>,
) -> WebResult<Json<Paged<TransferDto>>> {
    let status = match q.status.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(
            s.parse()
                .map_err(|_| kabinet_app::FieldErrors::single("status", "invalid-choice"))?,
        ),
    };
    let page = kabinet_app::assets::transfers::queue(
        &app,
        ctx.user()?,
        status,
        super::paging::PageNumber::or_first(q.page),
        super::paging::PerPage::or(q.per_page, 50, 500),
    )
    .await?;
    Ok(Paged::of(page, Into::into))
}

#[utoipa::path(post, path = "/api/v1/crm/transfers/{id}/approve", tag = "assets", params(("id" = i64, Path)),
    responses((status = 200, body = TransferDto), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// Approves a request: the device moves to the new owner (made with a cabinet login if new).
pub async fn approve_transfer(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> WebResult<Json<TransferDto>> {
    let t = kabinet_app::assets::transfers::approve(&app, &ctx.actor()?, ctx.user()?, id_of(&id)?).await?;
    Ok(Json(t.into()))
}

/// Why a transfer is rejected; the buyer reads it.
#[derive(Deserialize, ToSchema)]
pub struct RejectTransferRequest {
    pub reason: String,
}

#[utoipa::path(post, path = "/api/v1/crm/transfers/{id}/reject", tag = "assets", params(("id" = i64, Path)), request_body = RejectTransferRequest,
    responses((status = 200, body = TransferDto), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// Rejects a request with a reason.
pub async fn reject_transfer(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonBody(req): JsonBody<RejectTransferRequest>,
) -> WebResult<Json<TransferDto>> {
    let t = kabinet_app::assets::transfers::reject(&app, &ctx.actor()?, ctx.user()?, id_of(&id)?, &req.reason).await?;
    Ok(Json(t.into()))
}
