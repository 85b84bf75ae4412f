//! Reading requests — the customer its own, staff the queue "Customer service requests" — and
//! moving them: taken in progress, done, or refused with a reason for the customer. A done
//! SMS-alerts request switches the object's alerts on (or moves them to the new number) in
//! the same transaction; a decision another staff member made first wins.

use kabinet_core::ErrorCode;
use kabinet_core::access::Permission;
use kabinet_core::requests::{RequestKind, RequestStatus};
use kabinet_store::entities::security_object::{self, Entity as ObjectRow};
use kabinet_store::entities::service_request::{self, Entity as RequestRow};
use kabinet_store::entities::sms_alert_subscription::{self as subscription, Entity as SubscriptionRow};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::json;

use super::views::{ServiceRequest, get, views_of};
use crate::access::{Actor, Identity};
use crate::listing::Page;
use crate::{App, AppError, AppResult, FieldErrors, audit, customers};

/// What the staff queue narrows to.
#[derive(Debug, Clone, Default)]
pub struct QueueFilter {
    /// `None`: the open ones (new and in progress).
    pub status: Option<RequestStatus>,
    pub kind: Option<RequestKind>,
    pub customer_id: Option<i64>,
}

/// The staff queue, oldest first (those waiting longest on top); a partner sees its own
/// customers' requests.
pub async fn queue(
    app: &App,
    who: &Identity,
    f: &QueueFilter,
    page: u64,
    per_page: u64,
) -> AppResult<Page<ServiceRequest>> {
    who.require(&[Permission::RequestsWork])?;
    let mut q = RequestRow::find();
    q = match f.status {
        Some(s) => q.filter(service_request::Column::Status.eq(s)),
        None => q.filter(service_request::Column::Status.is_in([RequestStatus::New, RequestStatus::InProgress])),
    };
    if let Some(k) = f.kind {
        q = q.filter(service_request::Column::Kind.eq(k));
    }
    if let Some(c) = f.customer_id {
        q = q.filter(service_request::Column::CustomerId.eq(c));
    }
    if who.is_partner() {
        q = q.filter(service_request::Column::CustomerId.in_subquery(customers::of_partner(who)));
    }
    let q = q
        .order_by_asc(service_request::Column::CreatedAt)
        .order_by_asc(service_request::Column::Id);
    page_of(app, q, page, per_page).await
}

/// One page of `q` (already ordered) as views, with the count of all it finds.
async fn page_of(
    app: &App,
    q: sea_orm::Select<RequestRow>,
    page: u64,
    per_page: u64,
) -> AppResult<Page<ServiceRequest>> {
    let total = q.clone().count(&app.db.conn).await?;
    let rows = q
        .offset(page.saturating_sub(1) * per_page)
        .limit(per_page)
        .all(&app.db.conn)
        .await?;
    Ok(Page {
        items: views_of(app, rows).await?,
        total,
        page,
        per_page,
    })
}

/// The caller's own customer's requests, newest first.
pub async fn own(app: &App, who: &Identity, page: u64, per_page: u64) -> AppResult<Page<ServiceRequest>> {
    who.require(&[Permission::CabinetView])?;
    let customer_id = who.customer_id.ok_or(AppError::Forbidden)?;
    let q = RequestRow::find()
        .filter(service_request::Column::CustomerId.eq(customer_id))
        .order_by_desc(service_request::Column::Id);
    page_of(app, q, page, per_page).await
}

/// The caller's own customer's open requests, for the dashboard.
pub async fn open_own(app: &App, who: &Identity) -> AppResult<Vec<ServiceRequest>> {
    who.require(&[Permission::CabinetView])?;
    let customer_id = who.customer_id.ok_or(AppError::Forbidden)?;
    let rows = RequestRow::find()
        .filter(service_request::Column::CustomerId.eq(customer_id))
        .filter(service_request::Column::Status.is_in([RequestStatus::New, RequestStatus::InProgress]))
        .order_by_desc(service_request::Column::Id)
        .limit(5)
        .all(&app.db.conn)
        .await?;
    views_of(app, rows).await
}

/// One request: for its own customer's logins, and for staff who work requests and see the
/// customer. Anyone else is told it does not exist.
pub async fn get_visible(app: &App, who: &Identity, id: i64) -> AppResult<ServiceRequest> {
    let row = RequestRow::find_by_id(id)
        .one(&app.db.conn)
        .await?
        .ok_or(AppError::NotFound)?;
    match who.customer_id {
        Some(c) if c == row.customer_id => {}
        Some(_) => return Err(AppError::NotFound),
        None => {
            who.require(&[Permission::RequestsWork])?;
            customers::get_visible(app, who, row.customer_id).await?;
        }
    }
    views_of(app, vec![row]).await?.pop().ok_or(AppError::NotFound)
}

/// Moves a request to `to` (in progress, done, refused with `reason`). A move the rules do not
/// allow — a closed request, one taken twice — is refused and changes nothing.
pub async fn move_to(
    app: &App,
    actor: &Actor,
    who: &Identity,
    id: i64,
    to: RequestStatus,
    reason: &str,
) -> AppResult<ServiceRequest> {
    who.require(&[Permission::RequestsWork])?;
    // Customers' logins hold no `RequestsWork`: they are refused above.
    let current = get_visible(app, who, id).await?;
    let reason = if to.needs_reason() {
        let mut errors = FieldErrors::new();
        let r = errors.one_line("reason", reason, 1_000, true);
        errors.into_result()?;
        r
    } else {
        None
    };
    if !current.status.may_become(to) {
        return Err(AppError::Conflict(ErrorCode::RequestClosed));
    }
    let now = kabinet_store::now();
    let txn = app.db.write().await?;
    let moved = RequestRow::update_many()
        .col_expr(service_request::Column::Status, Expr::value(to))
        .col_expr(service_request::Column::RefusalReason, Expr::value(reason.clone()))
        .col_expr(service_request::Column::HandledByUserId, Expr::value(actor.user_id))
        .col_expr(service_request::Column::UpdatedAt, Expr::value(now))
        .col_expr(
            service_request::Column::ClosedAt,
            Expr::value((!to.is_open()).then_some(now)),
        )
        .filter(service_request::Column::Id.eq(id))
        .filter(service_request::Column::Status.eq(current.status))
        .exec(&txn)
        .await?;
    if moved.rows_affected == 0 {
        return Err(AppError::Conflict(ErrorCode::RequestClosed));
    }
    if to == RequestStatus::Done {
        carry_out(&txn, &current, now).await?;
    }
    audit::record(
        &txn,
        actor,
        &format!("service_request.{}", to.as_str()),
        "service_request",
        Some(id),
        json!({"kind": current.kind, "customer_id": current.customer_id, "from": current.status, "reason": reason}),
    )
    .await?;
    txn.commit().await?;
    get(app, id).await
}

/// What a done request changes by itself: SMS alerts on (from the desired date) or moved to
/// the new number. The money and paperwork kinds are done by staff in their own sections.
async fn carry_out<C: sea_orm::ConnectionTrait>(
    txn: &C,
    r: &ServiceRequest,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<()> {
    let (Some(object_id), Some(phone)) = (r.object_id, r.phone.clone()) else {
        return Ok(());
    };
    match r.kind {
        RequestKind::SmsAlerts => {
            let starts_on = r.start_date.unwrap_or_else(|| now.date_naive());
            SubscriptionRow::insert(subscription::ActiveModel {
                object_id: Set(object_id),
                phone: Set(phone),
                starts_on: Set(starts_on),
                request_id: Set(r.id),
                updated_at: Set(now),
            })
            .on_conflict(
                sea_orm::sea_query::OnConflict::column(subscription::Column::ObjectId)
                    .update_columns([
                        subscription::Column::Phone,
                        subscription::Column::StartsOn,
                        subscription::Column::RequestId,
                        subscription::Column::UpdatedAt,
                    ])
                    .to_owned(),
            )
            .exec_without_returning(txn)
            .await?;
            ObjectRow::update_many()
                .col_expr(security_object::Column::SmsAlerts, Expr::value(true))
                .filter(security_object::Column::AssetId.eq(object_id))
                .exec(txn)
                .await?;
        }
        RequestKind::SmsAlertsNumber => {
            let changed = SubscriptionRow::update_many()
                .col_expr(subscription::Column::Phone, Expr::value(phone))
                .col_expr(subscription::Column::RequestId, Expr::value(r.id))
                .col_expr(subscription::Column::UpdatedAt, Expr::value(now))
                .filter(subscription::Column::ObjectId.eq(object_id))
                .exec(txn)
                .await?;
            // A new number for alerts that were never switched on: nothing to move.
            if changed.rows_affected == 0 {
                return Err(AppError::Conflict(ErrorCode::RequestNoAlerts));
            }
        }
        _ => {}
    }
    Ok(())
}
