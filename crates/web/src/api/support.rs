//! The support desk over the API (SUP, API-1): the caller's tickets (`/api/v1/tickets`), the
//! staff queues and ticket work (`/api/v1/crm/tickets`), customers' support terms, the SLA
//! plans and the deadline preview. Files travel as base64 in JSON.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use chrono::{DateTime, Utc};
use kabinet_app::listing::Sort;
use kabinet_app::support::calendars::{self, CalendarEdit};
use kabinet_app::support::conversation::{self, CaseEffort, NewMessage};
use kabinet_app::support::plans::{self, Preview};
use kabinet_app::support::tickets::{self, CUSTOMER_SORTS, NewTicket, Queue, TicketFilter, Upload};
use kabinet_app::support::views::{Attachment, BusinessCalendar, Message, PlanTerm, Ticket};
use kabinet_app::{App, AppError, FieldErrors};
use kabinet_core::support::RequestClass;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{ErrorBody, Paged, id_of};
use crate::error::WebResult;
use crate::extract::{Ctx, JsonBody, QueryParams as Query};

/// A ticket as listed.
#[derive(Serialize, ToSchema)]
pub struct TicketDto {
    pub id: i64,
    /// "2026-000042".
    pub number: String,
    pub customer_id: i64,
    pub asset_id: Option<i64>,
    pub requester_name: String,
    pub topic: String,
    /// typical or non_standard.
    pub class: String,
    pub title: String,
    /// low, medium, high or urgent.
    pub priority: String,
    /// open, in_review, answered or closed.
    pub status: String,
    pub assignee_user_id: Option<i64>,
    pub opened_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    /// The reaction deadline; null: by agreement.
    pub reaction_due: Option<DateTime<Utc>>,
    pub first_response_at: Option<DateTime<Utc>>,
    /// The completion deadline; null: by agreement and none agreed yet.
    pub resolution_due: Option<DateTime<Utc>>,
    /// The completion clock waits for the customer since.
    pub paused_at: Option<DateTime<Utc>>,
    pub reaction_breached_at: Option<DateTime<Utc>>,
    pub resolution_breached_at: Option<DateTime<Utc>>,
    /// on_track, breaching_soon or breached: the worse of the running clocks now.
    pub sla_state: String,
}

/// The worse state of the running clocks (whose earliest warning and deadline the ticket
/// keeps), or "breached" once a clock ran out.
fn sla_state(t: &Ticket, now: DateTime<Utc>) -> String {
    use kabinet_core::support::{ClockState, Deadline};
    let running = t.due_at.map(|due| Deadline {
        due,
        warn_at: t.attention_at.unwrap_or(due),
    });
    let state = match running.map(|d| d.state(now)) {
        _ if t.breached_at.is_some() => ClockState::Breached,
        Some(s) => s,
        None => ClockState::OnTrack,
    };
    state.as_str().to_owned()
}

impl From<Ticket> for TicketDto {
    fn from(t: Ticket) -> Self {
        TicketDto {
            sla_state: sla_state(&t, kabinet_app::time::now()),
            id: t.id,
            number: t.number,
            customer_id: t.customer_id,
            asset_id: t.asset_id,
            requester_name: t.requester_name,
            topic: t.topic,
            class: t.request_class.to_string(),
            title: t.title,
            priority: t.priority.to_string(),
            status: t.status.to_string(),
            assignee_user_id: t.assignee_user_id,
            opened_at: t.opened_at,
            updated_at: t.updated_at,
            closed_at: t.closed_at,
            reaction_due: t.reaction_due,
            first_response_at: t.first_response_at,
            resolution_due: t.resolution_due,
            paused_at: t.paused_at,
            reaction_breached_at: t.reaction_breached_at,
            resolution_breached_at: t.resolution_breached_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct AttachmentDto {
    pub id: i64,
    pub message_id: Option<i64>,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
}

impl From<Attachment> for AttachmentDto {
    fn from(a: Attachment) -> Self {
        AttachmentDto {
            id: a.id,
            message_id: a.message_id,
            file_name: a.file_name,
            content_type: a.content_type,
            size_bytes: a.size_bytes,
            sha256: a.sha256,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct MessageDto {
    pub id: i64,
    pub author_name: String,
    /// customer or staff.
    pub side: String,
    /// An internal note (only staff ever see these).
    pub internal: bool,
    /// Markdown.
    pub body: String,
    pub created_at: DateTime<Utc>,
}

impl From<Message> for MessageDto {
    fn from(m: Message) -> Self {
        MessageDto {
            id: m.id,
            author_name: m.author_name,
            side: m.side,
            internal: m.internal,
            body: m.body,
            created_at: m.created_at,
        }
    }
}

/// A ticket with its description, correspondence and files.
#[derive(Serialize, ToSchema)]
pub struct TicketDetailDto {
    pub ticket: TicketDto,
    /// Markdown.
    pub description: String,
    pub messages: Vec<MessageDto>,
    pub attachments: Vec<AttachmentDto>,
}

/// A file in a request: its name and its bytes in base64.
#[derive(Deserialize, ToSchema)]
pub struct FileUpload {
    pub file_name: String,
    pub content_base64: String,
}

fn uploads(files: Vec<FileUpload>) -> Result<Vec<Upload>, AppError> {
    files
        .into_iter()
        .map(|f| {
            base64::engine::general_purpose::STANDARD
                .decode(f.content_base64.trim())
                .map(|bytes| Upload {
                    file_name: f.file_name,
                    bytes,
                })
                .map_err(|_| FieldErrors::single("attachments", "attachment-not-base64"))
        })
        .collect()
}

#[derive(Deserialize, ToSchema)]
pub struct NewTicketRequest {
    /// A topic code (see the cabinet's form); it suggests the class.
    pub topic: String,
    pub title: String,
    /// Markdown.
    pub description: String,
    /// low, medium, high or urgent.
    pub priority: String,
    #[serde(default)]
    pub asset_id: Option<i64>,
    /// email (default) or sms.
    #[serde(default)]
    pub notify_channel: Option<String>,
    #[serde(default)]
    pub notify_phone: Option<String>,
    #[serde(default)]
    pub attachments: Vec<FileUpload>,
}

impl NewTicketRequest {
    fn into_new(self) -> Result<NewTicket, AppError> {
        Ok(NewTicket {
            attachments: uploads(self.attachments)?,
            topic: self.topic,
            title: self.title,
            description: self.description,
            priority: self.priority,
            asset_id: self.asset_id,
            notify_channel: self.notify_channel.unwrap_or_default(),
            notify_phone: self.notify_phone.unwrap_or_default(),
        })
    }
}

#[derive(Deserialize, ToSchema)]
pub struct MessageRequest {
    /// Markdown.
    pub body: String,
    /// Staff only: an internal note.
    #[serde(default)]
    pub internal: bool,
    /// Staff only: wait for the customer (status "answered", the completion clock paused).
    #[serde(default)]
    pub wait_for_customer: bool,
    #[serde(default)]
    pub attachments: Vec<FileUpload>,
}

impl MessageRequest {
    fn into_new(self) -> Result<NewMessage, AppError> {
        Ok(NewMessage {
            attachments: uploads(self.attachments)?,
            body: self.body,
            internal: self.internal,
            wait_for_customer: self.wait_for_customer,
        })
    }
}

#[derive(Deserialize, ToSchema)]
pub struct StatusRequest {
    /// open, in_review, answered or closed.
    pub status: String,
    /// Closing a pay-per-case ticket (staff): 1–5.
    #[serde(default)]
    pub difficulty: Option<i64>,
    /// Closing a pay-per-case ticket (staff): minutes of work.
    #[serde(default)]
    pub volume_minutes: Option<i64>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TicketQuery {
    /// Staff: mine (default), unassigned, breaching_soon, breached or all.
    pub queue: Option<String>,
    pub status: Option<String>,
    pub priority: Option<String>,
    pub class: Option<String>,
    /// Number or title contains.
    pub q: Option<String>,
    /// Customer: opened, updated, priority, status; staff also due and breached.
    pub sort: Option<String>,
    /// asc or desc.
    pub dir: Option<String>,
    pub page: Option<super::paging::PageNumber>,
    /// 1–100, default 20.
    pub per_page: Option<super::paging::PerPage>,
}

impl TicketQuery {
    fn filter(&self) -> TicketFilter {
        TicketFilter {
            status: self.status.as_deref().and_then(|s| s.parse().ok()),
            priority: self.priority.as_deref().and_then(|s| s.parse().ok()),
            class: self.class.as_deref().and_then(|s| s.parse().ok()),
            search: self.q.clone(),
        }
    }

    fn per_page(&self) -> u64 {
        super::paging::PerPage::or(self.per_page, 20, 100)
    }
}

async fn detail(app: &App, ctx: &Ctx, t: Ticket) -> WebResult<Json<TicketDetailDto>> {
    let who = ctx.user()?;
    let messages = tickets::messages(app, who, &t).await?;
    let attachments = tickets::attachments(app, who, &t).await?;
    Ok(Json(TicketDetailDto {
        description: t.description.clone(),
        ticket: t.into(),
        messages: messages.into_iter().map(Into::into).collect(),
        attachments: attachments.into_iter().map(Into::into).collect(),
    }))
}

#[utoipa::path(get, path = "/api/v1/tickets", tag = "support", params(TicketQuery),
    responses((status = 200, body = Paged<TicketDto>)), security(("bearer" = []), ("session" = [])))]
/// The caller's customer's tickets, newest first unless sorted otherwise.
pub async fn own_list(
    State(app): State<App>,
    ctx: Ctx,
    Query(q): Query<TicketQuery>,
) -> WebResult<Json<Paged<TicketDto>>> {
    let who = ctx.user()?;
    let sort = Sort::parse(q.sort.as_deref(), q.dir.as_deref().or(Some("desc")), &CUSTOMER_SORTS);
    let customer = who.customer_id.ok_or(AppError::Forbidden)?;
    let page = tickets::of_customer(
        &app,
        who,
        customer,
        &q.filter(),
        &sort,
        super::paging::PageNumber::or_first(q.page),
        q.per_page(),
    )
    .await?;
    Ok(Paged::of(page, TicketDto::from))
}

#[utoipa::path(post, path = "/api/v1/tickets", tag = "support", request_body = NewTicketRequest,
    responses((status = 201, body = TicketDto), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// Opens a ticket for the caller's customer. Refused (`ticket-services-expired`) when every
/// service has ended and support is not paid per case.
pub async fn own_open(
    State(app): State<App>,
    ctx: Ctx,
    JsonBody(body): JsonBody<NewTicketRequest>,
) -> WebResult<Response> {
    let who = ctx.user()?;
    let customer = who.customer_id.ok_or(AppError::Forbidden)?;
    let t = tickets::open(&app, &ctx.actor()?, who, customer, body.into_new()?).await?;
    Ok((StatusCode::CREATED, Json(TicketDto::from(t))).into_response())
}

#[utoipa::path(get, path = "/api/v1/tickets/{id}", tag = "support", params(("id" = i64, Path)),
    responses((status = 200, body = TicketDetailDto), (status = 404, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// One of the caller's tickets with its correspondence (internal notes never included).
pub async fn own_get(State(app): State<App>, ctx: Ctx, Path(id): Path<String>) -> WebResult<Json<TicketDetailDto>> {
    let t = tickets::get_visible(&app, ctx.user()?, id_of(&id)?).await?;
    detail(&app, &ctx, t).await
}

#[utoipa::path(post, path = "/api/v1/tickets/{id}/messages", tag = "support", params(("id" = i64, Path)), request_body = MessageRequest,
    responses((status = 201, body = MessageDto), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// Replies to one of the caller's tickets.
pub async fn own_reply(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<MessageRequest>,
) -> WebResult<Response> {
    reply(&app, &ctx, &id, body).await
}

async fn reply(app: &App, ctx: &Ctx, id: &str, body: MessageRequest) -> WebResult<Response> {
    let m = conversation::post(app, &ctx.actor()?, ctx.user()?, id_of(id)?, body.into_new()?).await?;
    Ok((StatusCode::CREATED, Json(MessageDto::from(m))).into_response())
}

async fn status(app: &App, ctx: &Ctx, id: &str, body: StatusRequest) -> WebResult<Json<TicketDto>> {
    let effort = CaseEffort {
        difficulty: body.difficulty,
        volume_minutes: body.volume_minutes,
    };
    let t = conversation::set_status(app, &ctx.actor()?, ctx.user()?, id_of(id)?, &body.status, effort).await?;
    Ok(Json(t.into()))
}

#[utoipa::path(post, path = "/api/v1/tickets/{id}/status", tag = "support", params(("id" = i64, Path)), request_body = StatusRequest,
    responses((status = 200, body = TicketDto), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// Closes one of the caller's tickets, or re-opens it within the re-open window.
pub async fn own_status(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<StatusRequest>,
) -> WebResult<Json<TicketDto>> {
    status(&app, &ctx, &id, body).await
}

#[utoipa::path(get, path = "/api/v1/tickets/{id}/attachments/{file}", tag = "support", params(("id" = i64, Path), ("file" = i64, Path)),
    responses((status = 200, description = "The file, as an attachment"), (status = 404, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// A file of one of the caller's tickets.
pub async fn own_file(
    State(app): State<App>,
    ctx: Ctx,
    Path((id, file)): Path<(String, String)>,
) -> WebResult<Response> {
    let f = tickets::attachment(&app, ctx.user()?, id_of(&id)?, id_of(&file)?).await?;
    Ok(crate::support::send_attachment(f))
}

#[utoipa::path(get, path = "/api/v1/crm/tickets", tag = "support", params(TicketQuery),
    responses((status = 200, body = Paged<TicketDto>), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// A staff queue (a partner sees its own customers' tickets only).
pub async fn queue(
    State(app): State<App>,
    ctx: Ctx,
    Query(q): Query<TicketQuery>,
) -> WebResult<Json<Paged<TicketDto>>> {
    let queue = match q.queue.as_deref() {
        None => Queue::Mine,
        Some(name) => Queue::parse(name).ok_or_else(|| FieldErrors::single("queue", "invalid-choice"))?,
    };
    let sort = Sort::parse(q.sort.as_deref(), q.dir.as_deref(), &queue.sorts());
    let page = tickets::queue(
        &app,
        ctx.user()?,
        queue,
        kabinet_app::time::now(),
        &q.filter(),
        &sort,
        super::paging::PageNumber::or_first(q.page),
        q.per_page(),
    )
    .await?;
    Ok(Paged::of(page, TicketDto::from))
}

#[utoipa::path(get, path = "/api/v1/crm/tickets/{id}", tag = "support", params(("id" = i64, Path)),
    responses((status = 200, body = TicketDetailDto), (status = 404, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// A ticket with its correspondence, internal notes included.
pub async fn crm_get(State(app): State<App>, ctx: Ctx, Path(id): Path<String>) -> WebResult<Json<TicketDetailDto>> {
    let t = tickets::get_visible(&app, ctx.user()?, id_of(&id)?).await?;
    detail(&app, &ctx, t).await
}

#[utoipa::path(post, path = "/api/v1/crm/tickets/{id}/messages", tag = "support", params(("id" = i64, Path)), request_body = MessageRequest,
    responses((status = 201, body = MessageDto), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// A staff reply or internal note. The first reply stops the reaction clock.
pub async fn crm_reply(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<MessageRequest>,
) -> WebResult<Response> {
    reply(&app, &ctx, &id, body).await
}

#[utoipa::path(post, path = "/api/v1/crm/tickets/{id}/status", tag = "support", params(("id" = i64, Path)), request_body = StatusRequest,
    responses((status = 200, body = TicketDto), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// Changes a ticket's status; closing a pay-per-case ticket needs difficulty and volume and
/// charges the customer (the debt cap applies).
pub async fn crm_status(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<StatusRequest>,
) -> WebResult<Json<TicketDto>> {
    status(&app, &ctx, &id, body).await
}

#[derive(Deserialize, ToSchema)]
pub struct AssigneeRequest {
    /// A staff user's id, or null for nobody.
    pub assignee_user_id: Option<i64>,
}

#[utoipa::path(put, path = "/api/v1/crm/tickets/{id}/assignee", tag = "support", params(("id" = i64, Path)), request_body = AssigneeRequest,
    responses((status = 200, body = TicketDto), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// Assigns a ticket.
pub async fn crm_assign(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<AssigneeRequest>,
) -> WebResult<Json<TicketDto>> {
    let t = conversation::assign(&app, &ctx.actor()?, ctx.user()?, id_of(&id)?, body.assignee_user_id).await?;
    Ok(Json(t.into()))
}

#[derive(Deserialize, ToSchema)]
pub struct ClassRequest {
    /// typical or non_standard.
    pub class: String,
}

#[utoipa::path(put, path = "/api/v1/crm/tickets/{id}/class", tag = "support", params(("id" = i64, Path)), request_body = ClassRequest,
    responses((status = 200, body = TicketDto), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// Sets the class; the deadlines are computed again.
pub async fn crm_class(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<ClassRequest>,
) -> WebResult<Json<TicketDto>> {
    let t = conversation::set_class(&app, &ctx.actor()?, ctx.user()?, id_of(&id)?, &body.class).await?;
    Ok(Json(t.into()))
}

#[derive(Deserialize, ToSchema)]
pub struct AgreedDueRequest {
    /// The agreed completion deadline, RFC 3339.
    pub due: DateTime<Utc>,
}

#[utoipa::path(put, path = "/api/v1/crm/tickets/{id}/agreed-due", tag = "support", params(("id" = i64, Path)), request_body = AgreedDueRequest,
    responses((status = 200, body = TicketDto), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// Sets the completion deadline agreed with the customer.
pub async fn crm_agreed_due(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<AgreedDueRequest>,
) -> WebResult<Json<TicketDto>> {
    let t = conversation::agree_due(&app, &ctx.actor()?, ctx.user()?, id_of(&id)?, body.due).await?;
    Ok(Json(t.into()))
}

#[utoipa::path(get, path = "/api/v1/crm/tickets/{id}/attachments/{file}", tag = "support", params(("id" = i64, Path), ("file" = i64, Path)),
    responses((status = 200, description = "The file, as an attachment"), (status = 404, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// A file of a ticket, internal notes' files included.
pub async fn crm_file(
    State(app): State<App>,
    ctx: Ctx,
    Path((id, file)): Path<(String, String)>,
) -> WebResult<Response> {
    let f = tickets::attachment(&app, ctx.user()?, id_of(&id)?, id_of(&file)?).await?;
    Ok(crate::support::send_attachment(f))
}

#[utoipa::path(post, path = "/api/v1/crm/customers/{id}/tickets", tag = "support", params(("id" = i64, Path)), request_body = NewTicketRequest,
    responses((status = 201, body = TicketDto), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// Opens a ticket on a customer's behalf (a call, a letter).
pub async fn crm_open(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<NewTicketRequest>,
) -> WebResult<Response> {
    let t = tickets::open(&app, &ctx.actor()?, ctx.user()?, id_of(&id)?, body.into_new()?).await?;
    Ok((StatusCode::CREATED, Json(TicketDto::from(t))).into_response())
}

#[derive(Deserialize, ToSchema)]
pub struct SupportTermsRequest {
    /// The plan's code; null: the default plan.
    pub sla_plan: Option<String>,
    pub pay_per_case: bool,
}

#[derive(Serialize, ToSchema)]
pub struct SupportTermsDto {
    pub customer_id: i64,
    pub sla_plan_id: Option<i64>,
    pub pay_per_case: bool,
}

#[utoipa::path(put, path = "/api/v1/crm/customers/{id}/support-terms", tag = "support", params(("id" = i64, Path)), request_body = SupportTermsRequest,
    responses((status = 200, body = SupportTermsDto), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// A customer's SLA plan and pay-per-case support.
pub async fn crm_support_terms(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<SupportTermsRequest>,
) -> WebResult<Json<SupportTermsDto>> {
    let plan = match body.sla_plan.as_deref() {
        Some(code) => Some(
            plans::by_code(&app, code)
                .await
                .map_err(|_| FieldErrors::single("sla_plan", "invalid-choice"))?
                .id,
        ),
        None => None,
    };
    let c = plans::set_customer_terms(&app, &ctx.actor()?, ctx.user()?, id_of(&id)?, plan, body.pay_per_case).await?;
    Ok(Json(SupportTermsDto {
        customer_id: c.id,
        sla_plan_id: c.sla_plan_id,
        pay_per_case: c.pay_per_case,
    }))
}

#[derive(Serialize, ToSchema)]
pub struct PlanTermsDto {
    /// typical or non_standard.
    pub class: String,
    pub calendar_id: i64,
    /// Working minutes; null: by agreement.
    pub reaction_minutes: Option<i32>,
    pub resolution_minutes: Option<i32>,
}

#[derive(Serialize, ToSchema)]
pub struct PlanDto {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub description: String,
    pub terms: Vec<PlanTermsDto>,
}

impl From<PlanTerm> for PlanTermsDto {
    fn from(t: PlanTerm) -> Self {
        PlanTermsDto {
            class: t.request_class,
            calendar_id: t.business_calendar_id,
            reaction_minutes: t.reaction_minutes,
            resolution_minutes: t.resolution_minutes,
        }
    }
}

impl From<plans::PlanWithTerms> for PlanDto {
    fn from(p: plans::PlanWithTerms) -> Self {
        PlanDto {
            id: p.plan.id,
            code: p.plan.code,
            name: p.plan.name,
            description: p.plan.description,
            terms: p.terms.into_iter().map(Into::into).collect(),
        }
    }
}

#[utoipa::path(get, path = "/api/v1/sla/plans", tag = "support",
    responses((status = 200, body = Vec<PlanDto>)), security(("bearer" = []), ("session" = [])))]
/// The SLA plans with their terms.
pub async fn sla_plans(State(app): State<App>) -> WebResult<Json<Vec<PlanDto>>> {
    Ok(Json(plans::list(&app).await?.into_iter().map(Into::into).collect()))
}

#[derive(Deserialize, ToSchema)]
pub struct PreviewRequest {
    /// The plan's code, e.g. priority or by_fact.
    pub plan: String,
    /// typical or non_standard.
    pub class: String,
    /// When the request is registered, RFC 3339.
    pub opened_at: String,
}

#[derive(Serialize, ToSchema)]
pub struct PreviewDto {
    /// RFC 3339 in the calendar's time zone; null: by agreement.
    pub reaction_due: Option<String>,
    pub resolution_due: Option<String>,
}

impl From<Preview> for PreviewDto {
    fn from(p: Preview) -> Self {
        PreviewDto {
            reaction_due: p.reaction_due,
            resolution_due: p.resolution_due,
        }
    }
}

#[utoipa::path(post, path = "/api/v1/sla/preview", tag = "support", request_body = PreviewRequest,
    responses((status = 200, body = PreviewDto), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// The reaction and completion deadlines a request would get, on the plan's calendars — the
/// same as `kabinet sla deadlines`.
pub async fn sla_preview(
    State(app): State<App>,
    JsonBody(body): JsonBody<PreviewRequest>,
) -> WebResult<Json<PreviewDto>> {
    let mut errors = FieldErrors::new();
    let class: Option<RequestClass> = errors.choice("class", &body.class);
    let opened_at = chrono::DateTime::parse_from_rfc3339(body.opened_at.trim())
        .ok()
        .map(|t| t.with_timezone(&chrono::Utc));
    if opened_at.is_none() {
        errors.add("opened_at", "date-invalid");
    }
    errors.into_result()?;
    let (Some(class), Some(opened_at)) = (class, opened_at) else {
        return Err(AppError::Internal(anyhow::anyhow!("checked preview fields missing")).into());
    };
    let preview = plans::preview(&app, body.plan.trim(), class, opened_at)
        .await
        .map_err(|e| match e {
            AppError::NotFound => FieldErrors::single("plan", "invalid-choice"),
            other => other,
        })?;
    Ok(Json(preview.into()))
}

#[derive(Deserialize, ToSchema)]
pub struct NewPlanRequest {
    /// 2–40 lowercase Latin letters, digits, `-` and `_`.
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
}

#[utoipa::path(post, path = "/api/v1/sla/plans", tag = "support", request_body = NewPlanRequest,
    responses((status = 201, body = PlanDto), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// Adds a plan; it starts with the default plan's terms.
pub async fn sla_plan_create(
    State(app): State<App>,
    ctx: Ctx,
    JsonBody(body): JsonBody<NewPlanRequest>,
) -> WebResult<Response> {
    let plan = plans::create(&app, &ctx.actor()?, &body.code, &body.name, &body.description).await?;
    let shown = plans::list(&app)
        .await?
        .into_iter()
        .find(|p| p.plan.id == plan.id)
        .map(PlanDto::from)
        .ok_or(AppError::NotFound)?;
    Ok((StatusCode::CREATED, Json(shown)).into_response())
}

#[derive(Deserialize, ToSchema)]
pub struct TermsRequest {
    /// typical or non_standard.
    pub class: String,
    pub calendar_id: i64,
    /// Working minutes; null: by agreement.
    pub reaction_minutes: Option<i64>,
    pub resolution_minutes: Option<i64>,
}

#[utoipa::path(put, path = "/api/v1/sla/plans/{id}/terms", tag = "support", params(("id" = i64, Path)), request_body = TermsRequest,
    responses((status = 200, body = PlanTermsDto), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// Changes what a plan promises for one class (tickets already open keep their deadlines).
pub async fn sla_plan_terms(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<TermsRequest>,
) -> WebResult<Json<PlanTermsDto>> {
    let class: RequestClass = body
        .class
        .parse()
        .map_err(|_| FieldErrors::single("class", "invalid-choice"))?;
    let t = plans::update_terms(
        &app,
        &ctx.actor()?,
        id_of(&id)?,
        class,
        body.calendar_id,
        body.reaction_minutes,
        body.resolution_minutes,
    )
    .await?;
    Ok(Json(t.into()))
}

#[derive(Serialize, ToSchema)]
pub struct HolidayDto {
    pub id: i64,
    pub day: chrono::NaiveDate,
    /// holiday or worked.
    pub kind: String,
    pub note: String,
}

#[derive(Serialize, ToSchema)]
pub struct HolidayCalendarDto {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub days: Vec<HolidayDto>,
}

#[derive(Serialize, ToSchema)]
pub struct CalendarDto {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub time_zone: String,
    /// "10:00-18:00, …"; empty: no work on working days.
    pub working_windows: String,
    pub rest_windows: String,
    pub holiday_calendar_id: Option<i64>,
}

impl From<BusinessCalendar> for CalendarDto {
    fn from(c: BusinessCalendar) -> Self {
        CalendarDto {
            id: c.id,
            code: c.code,
            name: c.name,
            time_zone: c.time_zone,
            working_windows: c.working_windows,
            rest_windows: c.rest_windows,
            holiday_calendar_id: c.holiday_calendar_id,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct CalendarsDto {
    pub calendars: Vec<CalendarDto>,
    pub holiday_calendars: Vec<HolidayCalendarDto>,
}

#[utoipa::path(get, path = "/api/v1/sla/calendars", tag = "support",
    responses((status = 200, body = CalendarsDto)), security(("bearer" = []), ("session" = [])))]
/// The business calendars and the holiday calendars they follow.
pub async fn sla_calendars(State(app): State<App>) -> WebResult<Json<CalendarsDto>> {
    Ok(Json(CalendarsDto {
        calendars: calendars::list(&app).await?.into_iter().map(Into::into).collect(),
        holiday_calendars: calendars::holiday_calendars(&app)
            .await?
            .into_iter()
            .map(|(h, days)| HolidayCalendarDto {
                id: h.id,
                code: h.code,
                name: h.name,
                days: days
                    .into_iter()
                    .map(|d| HolidayDto {
                        id: d.id,
                        day: d.day,
                        kind: d.kind,
                        note: d.note,
                    })
                    .collect(),
            })
            .collect(),
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct CalendarRequest {
    /// For a new calendar only.
    #[serde(default)]
    pub code: String,
    pub name: String,
    /// An IANA zone, e.g. Europe/Moscow.
    pub time_zone: String,
    pub working_windows: String,
    pub rest_windows: String,
    /// For a new calendar only: whose public holidays it follows.
    #[serde(default)]
    pub holiday_calendar_id: Option<i64>,
}

impl CalendarRequest {
    fn edit(&self) -> CalendarEdit {
        CalendarEdit {
            name: self.name.clone(),
            time_zone: self.time_zone.clone(),
            working_windows: self.working_windows.clone(),
            rest_windows: self.rest_windows.clone(),
        }
    }
}

#[utoipa::path(post, path = "/api/v1/sla/calendars", tag = "support", request_body = CalendarRequest,
    responses((status = 201, body = CalendarDto), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// Adds a business calendar.
pub async fn sla_calendar_create(
    State(app): State<App>,
    ctx: Ctx,
    JsonBody(body): JsonBody<CalendarRequest>,
) -> WebResult<Response> {
    let c = calendars::create(&app, &ctx.actor()?, &body.code, body.edit(), body.holiday_calendar_id).await?;
    Ok((StatusCode::CREATED, Json(CalendarDto::from(c))).into_response())
}

#[utoipa::path(put, path = "/api/v1/sla/calendars/{id}", tag = "support", params(("id" = i64, Path)), request_body = CalendarRequest,
    responses((status = 200, body = CalendarDto), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// Changes a business calendar's name, time zone and windows.
pub async fn sla_calendar_update(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<CalendarRequest>,
) -> WebResult<Json<CalendarDto>> {
    let c = calendars::update(&app, &ctx.actor()?, id_of(&id)?, body.edit()).await?;
    Ok(Json(c.into()))
}

#[derive(Deserialize, ToSchema)]
pub struct HolidayRequest {
    /// YYYY-MM-DD.
    pub day: String,
    /// holiday (a weekday off) or worked (a weekend day worked instead).
    pub kind: String,
    #[serde(default)]
    pub note: String,
}

#[utoipa::path(put, path = "/api/v1/sla/holidays/{id}/days", tag = "support", params(("id" = i64, Path)), request_body = HolidayRequest,
    responses((status = 200, body = HolidayDto), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// Sets a day of a holiday calendar (adds it, or changes the one there).
pub async fn sla_holiday_set(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<HolidayRequest>,
) -> WebResult<Json<HolidayDto>> {
    let d = calendars::set_day(&app, &ctx.actor()?, id_of(&id)?, &body.day, &body.kind, &body.note).await?;
    Ok(Json(HolidayDto {
        id: d.id,
        day: d.day,
        kind: d.kind,
        note: d.note,
    }))
}

#[utoipa::path(delete, path = "/api/v1/sla/holidays/{id}/days/{day}", tag = "support", params(("id" = i64, Path), ("day" = i64, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)), security(("bearer" = []), ("session" = [])))]
/// Removes a day from a holiday calendar: it is an ordinary day again.
pub async fn sla_holiday_remove(
    State(app): State<App>,
    ctx: Ctx,
    Path((id, day)): Path<(String, String)>,
) -> WebResult<StatusCode> {
    calendars::remove_day(&app, &ctx.actor()?, id_of(&id)?, id_of(&day)?).await?;
    Ok(StatusCode::NO_CONTENT)
}
