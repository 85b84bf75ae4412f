//! Tickets (SUP-1, SUP-2, SUP-4): opening one — with the eligibility check, the number of the
//! year, the class its topic suggests and the deadlines of the customer's plan — and reading
//! them: a customer's list, the staff queues, one ticket with its correspondence and files.

use chrono::{DateTime, Datelike, Utc};
use kabinet_core::ErrorCode;
use kabinet_core::access::Permission;
use kabinet_core::assets::AssetStatus;
use kabinet_core::assets::lifecycle::ServiceMode;
use kabinet_core::notify::Channel;
use kabinet_core::phone::Phone;
use kabinet_core::support::{Priority, RequestClass, TicketStatus, topic_by_code};
use kabinet_store::entities::asset::{self, Entity as Asset};
use kabinet_store::entities::subscription::{self, Entity as Subscription};
use kabinet_store::entities::ticket::{self, Entity as Ticket};
use kabinet_store::entities::ticket_attachment::{self, Entity as Attachment};
use kabinet_store::entities::ticket_message::{self, Entity as Message};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::access::{Actor, Identity};
use crate::listing::{Page, Sort};
use crate::{App, AppError, AppResult, FieldErrors, IntoViews, audit, customers};

use super::events::{self, CustomerNotice};
use super::{clocks, plans, views};

/// Longest title and description, in characters.
pub const TITLE_MAX: usize = 200;
pub const DESCRIPTION_MAX: usize = 20_000;

/// File types a ticket accepts, by extension, with the type they are served as: pictures,
/// documents, spreadsheets, archives, logs. Anything else (executables, HTML, SVG with script)
/// is refused.
pub const ATTACHMENT_TYPES: &[(&str, &str)] = &[
    ("png", "image/png"),
    ("jpg", "image/jpeg"),
    ("jpeg", "image/jpeg"),
    ("gif", "image/gif"),
    ("webp", "image/webp"),
    ("pdf", "application/pdf"),
    ("txt", "text/plain"),
    ("log", "text/plain"),
    ("csv", "text/csv"),
    ("doc", "application/msword"),
    (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ("xls", "application/vnd.ms-excel"),
    (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    ("odt", "application/vnd.oasis.opendocument.text"),
    ("ods", "application/vnd.oasis.opendocument.spreadsheet"),
    ("zip", "application/zip"),
];

/// A file as uploaded.
#[derive(Debug, Clone)]
pub struct Upload {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// What a customer (or staff on its behalf) fills in.
#[derive(Debug, Clone, Default)]
pub struct NewTicket {
    pub topic: String,
    pub title: String,
    pub description: String,
    pub priority: String,
    pub asset_id: Option<i64>,
    /// email or sms.
    pub notify_channel: String,
    pub notify_phone: String,
    pub attachments: Vec<Upload>,
}

/// Whether a customer may open a ticket (SUP-4). Refused (`Err(Refused)`) when every service
/// has ended and support is not paid per case; refused with the amount to pay
/// (`Err(OverDebtCap)`) when support is paid per case and the account is past its debt cap
/// already, since the case could not be charged. Other errors are failures.
/// A device served case by case (AST-4) opens tickets the same way once the others ended.
pub async fn eligibility(app: &App, customer: &crate::crm::views::Customer) -> AppResult<()> {
    if customer.pay_per_case {
        return within_debt_cap(app, customer.id).await;
    }
    let in_service: Vec<&str> = AssetStatus::ALL
        .iter()
        .filter(|s| s.in_service())
        .map(|s| s.as_str())
        .collect();
    let assets = Asset::find()
        .filter(asset::Column::CustomerId.eq(customer.id))
        .filter(asset::Column::Status.is_in(in_service))
        .count(&app.db.conn)
        .await?;
    let subscriptions = Subscription::find()
        .filter(subscription::Column::CustomerId.eq(customer.id))
        .filter(subscription::Column::Status.eq(kabinet_core::billing::SubscriptionStatus::Active))
        .count(&app.db.conn)
        .await?;
    if assets + subscriptions > 0 {
        Ok(())
    } else if has_pay_per_case_asset(app, customer.id).await? {
        within_debt_cap(app, customer.id).await
    } else {
        Err(AppError::Refused(ErrorCode::TicketServicesExpired))
    }
}

/// Refuses a case that could not be charged: the customer's account is past its debt cap
/// already; the refusal carries the amount to pay.
async fn within_debt_cap(app: &App, customer_id: i64) -> AppResult<()> {
    // Without an account yet there is nothing past a cap; closing asks for one.
    let Some(account) = crate::billing::accounts::first_of_customer(app, customer_id).await? else {
        return Ok(());
    };
    if let Err(shortfall) = kabinet_core::billing::check_debt_cap(account.balance, account.credit_limit) {
        let shortfall = kabinet_core::money::Money::new(shortfall, account.currency);
        return Err(AppError::OverDebtCap { shortfall });
    }
    Ok(())
}

/// Whether one of the customer's assets is served case by case (its buyer chose that when its
/// service ended, AST-4): tickets are then open to it, and charged.
async fn has_pay_per_case_asset(app: &App, customer_id: i64) -> AppResult<bool> {
    Ok(Asset::find()
        .filter(asset::Column::CustomerId.eq(customer_id))
        .filter(asset::Column::ServiceMode.eq(ServiceMode::PayPerCase))
        .filter(asset::Column::Status.eq(AssetStatus::Expired))
        .count(&app.db.conn)
        .await?
        > 0)
}

/// Whether a ticket is charged when it is closed: the customer's support is paid per case, or
/// the asset it is about is served case by case.
pub(crate) async fn charged_per_case(
    app: &App,
    customer: &kabinet_store::entities::customer::Model,
    asset_id: Option<i64>,
) -> AppResult<bool> {
    if customer.pay_per_case {
        return Ok(true);
    }
    let Some(asset_id) = asset_id else {
        return Ok(false);
    };
    Ok(Asset::find_by_id(asset_id)
        .one(&app.db.conn)
        .await?
        .is_some_and(|a| a.customer_id == customer.id && a.service_mode == ServiceMode::PayPerCase))
}

/// Checks an attachment and returns its served type.
pub fn check_upload(app: &App, errors: &mut FieldErrors, u: &Upload) -> Option<&'static str> {
    let name = u.file_name.trim();
    let extension = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    let served = extension.and_then(|e| ATTACHMENT_TYPES.iter().find(|(x, _)| *x == e).map(|(_, t)| *t));
    if name.is_empty() || name.chars().count() > 200 || name.chars().any(|c| c.is_control() || c == '/' || c == '\\') {
        errors.add("attachments", "attachment-name-invalid");
        None
    } else if served.is_none() {
        errors.add("attachments", "attachment-type-refused");
        None
    } else if u.bytes.is_empty() {
        errors.add("attachments", "attachment-empty");
        None
    } else if u.bytes.len() > app.config.support.attachment_max_bytes {
        errors.add("attachments", "attachment-too-large");
        None
    } else {
        served
    }
}

/// Checks a set of uploads for one message.
pub fn check_uploads(app: &App, errors: &mut FieldErrors, uploads: &[Upload]) -> Vec<&'static str> {
    if uploads.len() > app.config.support.attachments_per_message {
        errors.add("attachments", "attachments-too-many");
        return Vec::new();
    }
    uploads.iter().filter_map(|u| check_upload(app, errors, u)).collect()
}

/// Stores checked uploads on a ticket.
pub async fn store_uploads<C: kabinet_store::ConnectionTrait>(
    txn: &C,
    t: &ticket::Model,
    message_id: Option<i64>,
    uploads: Vec<Upload>,
    types: &[&'static str],
) -> AppResult<Vec<ticket_attachment::Model>> {
    let mut saved = Vec::new();
    for (u, content_type) in uploads.into_iter().zip(types) {
        saved.push(
            ticket_attachment::ActiveModel {
                ticket_id: Set(t.id),
                customer_id: Set(t.customer_id),
                message_id: Set(message_id),
                file_name: Set(u.file_name.trim().to_owned()),
                content_type: Set((*content_type).to_owned()),
                size_bytes: Set(u.bytes.len() as i64),
                sha256: Set(hex::encode(Sha256::digest(&u.bytes))),
                content: Set(u.bytes),
                created_at: Set(kabinet_store::now()),
                ..Default::default()
            }
            .insert(txn)
            .await?,
        );
    }
    Ok(saved)
}

/// Opens a ticket for `customer_id`. A customer user opens it for its own customer; staff for
/// any customer they see.
pub async fn open(
    app: &App,
    actor: &Actor,
    who: &Identity,
    customer_id: i64,
    new: NewTicket,
) -> AppResult<views::Ticket> {
    who.require(&[Permission::CabinetTickets, Permission::TicketsWork])?;
    let customer = customers::visible_row(app, who, customer_id).await?;
    eligibility(app, &customer.clone().into()).await?;
    let mut errors = FieldErrors::new();
    let topic = topic_by_code(new.topic.trim());
    if topic.is_none() {
        errors.add("topic", "invalid-choice");
    }
    let title = errors.one_line("title", &new.title, TITLE_MAX, true);
    let description = errors.multi_line("description", &new.description, DESCRIPTION_MAX);
    let priority: Option<Priority> = errors.choice("priority", &new.priority);
    // A ticket's news goes by e-mail (the default) or SMS, never to a webhook.
    let channel = match new.notify_channel.trim() {
        "" => Some(Channel::Email),
        typed => errors
            .choice::<Channel>("notify_channel", typed)
            .filter(|c| matches!(c, Channel::Email | Channel::Sms)),
    };
    if channel.is_none() && errors.get("notify_channel").is_none() {
        errors.add("notify_channel", "invalid-choice");
    }
    let phone = match new.notify_phone.trim() {
        "" if channel == Some(Channel::Sms) => {
            errors.add("notify_phone", "ticket-phone-needed-for-sms");
            None
        }
        "" => None,
        typed => Phone::parse(typed)
            .map_err(|e| errors.add("notify_phone", &format!("phone-{}", e.code().replace('_', "-"))))
            .ok()
            .map(|p| p.as_str().to_owned()),
    };
    if let Some(id) = new.asset_id {
        let owned = Asset::find_by_id(id)
            .filter(asset::Column::CustomerId.eq(customer.id))
            .one(&app.db.conn)
            .await?;
        let in_care = crate::assets::assignments::check_visible(app, who, id).await.is_ok();
        match owned {
            Some(a) if in_care => {
                if a.service_mode == ServiceMode::PayPerCase && !customer.pay_per_case {
                    // A case about it is charged: refused past the cap, like a pay-per-case
                    // customer's.
                    within_debt_cap(app, customer.id).await?;
                }
            }
            _ => errors.add("asset_id", "invalid-choice"),
        }
    }
    let types = check_uploads(app, &mut errors, &new.attachments);
    errors.into_result()?;
    let (Some(topic), Some(title), Some(description), Some(priority), Some(channel)) =
        (topic, title, description, priority, channel)
    else {
        return Err(AppError::Internal(anyhow::anyhow!("checked ticket fields missing")));
    };

    let plan = plans::of_customer(app, &customer).await?;
    let (terms, calendar) = plans::terms(app, plan.id, topic.class).await?;
    let now = kabinet_store::now();
    let txn = app.db.write().await?;
    let year = now.year();
    let seq = kabinet_store::documents::next_number(&txn, "ticket", year).await?;
    let mut t = ticket::Model {
        id: 0,
        number: format!("{year}-{seq:06}"),
        customer_id: customer.id,
        asset_id: new.asset_id,
        requester_user_id: (!who.is_staff()).then_some(who.user_id),
        requester_name: who.display_name.clone(),
        topic: topic.code.to_owned(),
        request_class: topic.class,
        title,
        description,
        priority,
        status: TicketStatus::Open,
        assignee_user_id: None,
        sla_plan_id: plan.id,
        notify_channel: channel,
        notify_phone: phone,
        opened_at: now,
        updated_at: now,
        first_response_at: None,
        reaction_due: None,
        reaction_warn_at: None,
        reaction_breached_at: None,
        resolution_due: None,
        resolution_warn_at: None,
        resolution_breached_at: None,
        agreed_at: None,
        agreed_due: None,
        paused_at: None,
        paused_seconds: 0,
        attention_at: None,
        due_at: None,
        breached_at: None,
        closed_at: None,
        difficulty: None,
        volume_minutes: None,
        charge_entry_id: None,
        // Made from the fields when the row is saved.
        search_text: String::new(),
    };
    clocks::apply(&mut t, &terms, &calendar);
    let mut row: ticket::ActiveModel = t.into();
    row.id = sea_orm::ActiveValue::NotSet;
    let saved = row.insert(&txn).await?;
    let files = store_uploads(&txn, &saved, None, new.attachments, &types).await?;
    audit::record(
        &txn,
        actor,
        "ticket.open",
        "ticket",
        Some(saved.id),
        json!({"number": saved.number, "customer_id": saved.customer_id, "topic": saved.topic,
               "class": saved.request_class, "priority": saved.priority, "title": saved.title,
               "plan": plan.code, "reaction_due": saved.reaction_due, "resolution_due": saved.resolution_due,
               "attachments": files.iter().map(|f| json!({"name": f.file_name, "size": f.size_bytes, "sha256": f.sha256})).collect::<Vec<_>>()}),
    )
    .await?;
    events::tell_customer(app, &txn, &saved, CustomerNotice::Opened, saved.id).await?;
    events::publish(app, &txn, &saved, "ticket.opened", json!({})).await?;
    txn.commit().await?;
    app.worker_wake.notify_one();
    Ok(saved.into())
}

/// The ticket `id` if `who` may see it: its customer's users, staff who see the customer.
pub async fn get_visible(app: &App, who: &Identity, id: i64) -> AppResult<views::Ticket> {
    visible_row(app, who, id).await.map(Into::into)
}

/// The row behind [`get_visible`], for the use cases that change it.
pub(crate) async fn visible_row(app: &App, who: &Identity, id: i64) -> AppResult<ticket::Model> {
    let t = Ticket::find_by_id(id)
        .one(&app.db.conn)
        .await?
        .ok_or(AppError::NotFound)?;
    customers::get_visible(app, who, t.customer_id).await?;
    Ok(t)
}

/// A ticket's correspondence, oldest first; internal notes only for staff.
pub async fn messages(app: &App, who: &Identity, t: &views::Ticket) -> AppResult<Vec<views::Message>> {
    let mut q = Message::find()
        .filter(ticket_message::Column::TicketId.eq(t.id))
        .order_by_asc(ticket_message::Column::Id);
    if !who.is_staff() {
        q = q.filter(ticket_message::Column::Internal.eq(false));
    }
    Ok(q.all(&app.db.conn).await?.into_views())
}

/// A ticket's files without their contents, oldest first. Files of internal notes only for
/// staff.
pub async fn attachments(app: &App, who: &Identity, t: &views::Ticket) -> AppResult<Vec<views::Attachment>> {
    let visible_messages: Option<Vec<i64>> = if who.is_staff() {
        None
    } else {
        Some(messages(app, who, t).await?.into_iter().map(|m| m.id).collect())
    };
    let files = Attachment::find()
        .select_only()
        .columns([
            ticket_attachment::Column::Id,
            ticket_attachment::Column::TicketId,
            ticket_attachment::Column::CustomerId,
            ticket_attachment::Column::MessageId,
            ticket_attachment::Column::FileName,
            ticket_attachment::Column::ContentType,
            ticket_attachment::Column::SizeBytes,
            ticket_attachment::Column::Sha256,
            ticket_attachment::Column::CreatedAt,
        ])
        .column_as(Expr::val(Vec::<u8>::new()), "content")
        .filter(ticket_attachment::Column::TicketId.eq(t.id))
        .order_by_asc(ticket_attachment::Column::Id)
        .all(&app.db.conn)
        .await?;
    Ok(files
        .into_iter()
        .filter(|f| match (&visible_messages, f.message_id) {
            (Some(visible), Some(m)) => visible.contains(&m),
            _ => true,
        })
        .map(Into::into)
        .collect())
}

/// One file with its contents, if `who` may see its ticket (and, for a customer, its message).
pub async fn attachment(app: &App, who: &Identity, ticket_id: i64, id: i64) -> AppResult<views::Attachment> {
    let t = get_visible(app, who, ticket_id).await?;
    let listed = attachments(app, who, &t).await?;
    if !listed.iter().any(|f| f.id == id) {
        return Err(AppError::NotFound);
    }
    Attachment::find_by_id(id)
        .one(&app.db.conn)
        .await?
        .map(Into::into)
        .ok_or(AppError::NotFound)
}

/// Filters of a ticket list.
#[derive(Debug, Clone, Default)]
pub struct TicketFilter {
    pub status: Option<TicketStatus>,
    pub priority: Option<Priority>,
    pub class: Option<RequestClass>,
    /// Number or title contains.
    pub search: Option<String>,
}

pub const CUSTOMER_SORTS: [&str; 4] = ["opened", "updated", "priority", "status"];

fn filtered(mut q: sea_orm::Select<Ticket>, f: &TicketFilter) -> sea_orm::Select<Ticket> {
    if let Some(s) = f.status {
        q = q.filter(ticket::Column::Status.eq(s.as_str()));
    }
    if let Some(p) = f.priority {
        q = q.filter(ticket::Column::Priority.eq(p.as_str()));
    }
    if let Some(c) = f.class {
        q = q.filter(ticket::Column::RequestClass.eq(c.as_str()));
    }
    if let Some(words) = f.search.as_deref().and_then(kabinet_core::search::SearchQuery::parse) {
        // Number, title or requester, any case and any part (CRM-3's rules).
        q = q.filter(kabinet_store::search::condition(ticket::Column::SearchText, &words));
    }
    q
}

fn sorted(q: sea_orm::Select<Ticket>, sort: &Sort) -> sea_orm::Select<Ticket> {
    if sort.key == "priority" {
        // By urgency, not by the names' alphabet: urgent first when ascending.
        let rank = Expr::cust("CASE priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END");
        return q
            .order_by(rank, sort.order())
            .order_by(ticket::Column::Id, sort.order());
    }
    let column = match sort.key {
        "updated" => ticket::Column::UpdatedAt,
        "status" => ticket::Column::Status,
        "due" => ticket::Column::DueAt,
        "breached" => ticket::Column::BreachedAt,
        _ => ticket::Column::Id,
    };
    // Ties broken by id in the same direction, so an index on the column (which ends in the
    // row id) gives the order without sorting.
    q.order_by(column, sort.order())
        .order_by(ticket::Column::Id, sort.order())
}

/// Most rows counted for a list's pager; past this a list says "more than".
pub const COUNT_CAP: u64 = 1_000;

/// A customer's tickets (the caller's customer, or one staff see).
pub async fn of_customer(
    app: &App,
    who: &Identity,
    customer_id: i64,
    f: &TicketFilter,
    sort: &Sort,
    page: u64,
    per_page: u64,
) -> AppResult<Page<views::Ticket>> {
    customers::get_visible(app, who, customer_id).await?;
    let q = filtered(Ticket::find().filter(ticket::Column::CustomerId.eq(customer_id)), f);
    page_of(app, q, sort, page, per_page).await
}

async fn page_of(
    app: &App,
    q: sea_orm::Select<Ticket>,
    sort: &Sort,
    page: u64,
    per_page: u64,
) -> AppResult<Page<views::Ticket>> {
    let page = page.max(1);
    let total = crate::listing::capped_count(&app.db.conn, q.clone(), ticket::Column::Id, COUNT_CAP).await?;
    let items = sorted(q, sort)
        .offset((page - 1) * per_page)
        .limit(per_page)
        .all(&app.db.conn)
        .await?;
    Ok(Page {
        items: items.into_views(),
        total,
        page,
        per_page,
    })
}

/// The staff queues.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Queue {
    /// Not closed, assigned to the caller.
    Mine,
    /// Not closed, assigned to nobody.
    Unassigned,
    /// A running clock has less than 20 % of its working time left.
    BreachingSoon,
    /// A clock ran out (the worker's sweep, every minute, flags it) and the ticket is not
    /// closed.
    Breached,
    /// Every ticket the caller sees.
    All,
}

impl Queue {
    /// The sorts a queue offers, the one it is shown in unless the reader chooses another
    /// first: what runs out first, or, for the breached, what ran out first.
    pub fn sorts(self) -> [&'static str; 6] {
        let mut sorts = QUEUE_SORTS;
        if self == Queue::Breached {
            sorts.swap(0, 1);
        }
        sorts
    }

    pub const ALL: [Queue; 5] = [
        Queue::Mine,
        Queue::Unassigned,
        Queue::BreachingSoon,
        Queue::Breached,
        Queue::All,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Queue::Mine => "mine",
            Queue::Unassigned => "unassigned",
            Queue::BreachingSoon => "breaching_soon",
            Queue::Breached => "breached",
            Queue::All => "all",
        }
    }

    pub fn parse(s: &str) -> Option<Queue> {
        Queue::ALL.into_iter().find(|q| q.as_str() == s)
    }
}

pub const QUEUE_SORTS: [&str; 6] = ["due", "breached", "opened", "updated", "priority", "status"];

/// A staff queue at `now`. A partner sees only its own customers' tickets.
#[allow(clippy::too_many_arguments)]
pub async fn queue(
    app: &App,
    who: &Identity,
    queue: Queue,
    now: DateTime<Utc>,
    f: &TicketFilter,
    sort: &Sort,
    page: u64,
    per_page: u64,
) -> AppResult<Page<views::Ticket>> {
    let q = queue_select(who, queue, now)?;
    page_of(app, filtered(q, f), sort, page, per_page).await
}

/// How many tickets a staff queue holds at `now`, counted up to [`COUNT_CAP`] + 1.
pub async fn queue_size(app: &App, who: &Identity, queue: Queue, now: DateTime<Utc>) -> AppResult<u64> {
    let q = queue_select(who, queue, now)?;
    crate::listing::capped_count(&app.db.conn, q, ticket::Column::Id, COUNT_CAP).await
}

fn queue_select(who: &Identity, queue: Queue, now: DateTime<Utc>) -> AppResult<sea_orm::Select<Ticket>> {
    if !who.is_staff() {
        return Err(AppError::Forbidden);
    }
    let mut q = Ticket::find();
    q = match queue {
        // Not closed is "no closing time": the partial indexes of these queues say the same.
        Queue::Mine => q
            .filter(ticket::Column::AssigneeUserId.eq(who.user_id))
            .filter(ticket::Column::ClosedAt.is_null()),
        Queue::Unassigned => q
            .filter(ticket::Column::AssigneeUserId.is_null())
            .filter(ticket::Column::ClosedAt.is_null()),
        // The running clocks' earliest deadline is ahead and its warning behind; both columns
        // are empty once no clock runs, so closed and paused tickets drop out by themselves.
        Queue::BreachingSoon => q
            .filter(ticket::Column::DueAt.gt(now))
            .filter(ticket::Column::AttentionAt.lte(now)),
        Queue::Breached => q
            .filter(ticket::Column::BreachedAt.is_not_null())
            .filter(ticket::Column::ClosedAt.is_null()),
        Queue::All => q,
    };
    if who.is_partner() {
        q = q.filter(ticket::Column::CustomerId.in_subquery(customers::of_partner(who)));
    }
    Ok(q)
}
