//! Ownership transfer of a device (AST-5). The buyer asks for it — the new owner's name,
//! national id (its check digit verified) and phone, and a formal statement that its own
//! ownership ends; staff approve it, and the device moves to the customer with that national
//! id (made, with a cabinet login whose password goes to the new owner by SMS, if there is
//! none), its history kept; or reject it with a reason the buyer reads. Every step is audited.

use chrono::{DateTime, Utc};
use kabinet_core::ErrorCode;
use kabinet_core::access::Permission;
use kabinet_core::assets::lifecycle::ProductReason;
use kabinet_core::assets::transfer::TransferStatus;
use kabinet_core::text;
use kabinet_store::entities::asset::{self, Entity as Asset};
use kabinet_store::entities::asset_assignment::{self, Entity as AssetAssignment};
use kabinet_store::entities::customer::{self, Entity as Customer};
use kabinet_store::entities::ownership_transfer::{self as transfer, Entity as TransferRow};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::json;

use super::devices;
use crate::access::{Actor, Identity, users};
use crate::i18n::Lang;
use crate::listing::Page;
use crate::notify::{Channel, OutgoingMessage};
use crate::{App, AppError, AppResult, FieldErrors, customers};

/// A transfer request as pages and the API show it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Transfer {
    pub id: i64,
    /// The device's (asset's) id.
    pub asset_id: i64,
    pub identifier: String,
    pub from_customer_id: i64,
    pub from_customer: String,
    pub new_owner_name: String,
    pub new_owner_national_id: String,
    pub new_owner_phone: String,
    pub status: TransferStatus,
    pub reason: String,
    pub to_customer_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
}

/// The request as the buyer types it.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct NewTransfer {
    pub new_owner_name: String,
    pub new_owner_national_id: String,
    pub new_owner_phone: String,
    /// The buyer's statement that its ownership ends with the transfer.
    pub ownership_ends: bool,
}

/// Asks for the device to pass to a new owner: the buyer's own device, no request of it open.
pub async fn request(
    app: &App,
    actor: &Actor,
    who: &Identity,
    asset_id: i64,
    input: &NewTransfer,
) -> AppResult<Transfer> {
    who.require(&[Permission::DevicesConfirm])?;
    let d = devices::get_visible(app, who, asset_id).await?;
    // Staff see every device; only its own customer's logins give it away.
    if who.customer_id != Some(d.customer_id) {
        return Err(AppError::NotFound);
    }
    let mut errors = FieldErrors::new();
    let name = errors.one_line("new_owner_name", &input.new_owner_name, text::limits::NAME, true);
    let national_id = kabinet_core::legal_ids::national_id(&input.new_owner_national_id)
        .map_err(|e| errors.add("new_owner_national_id", e.code()))
        .ok();
    let phone = kabinet_core::phone::Phone::parse(&input.new_owner_phone)
        .map(|p| p.as_str().to_owned())
        .map_err(|e| errors.add("new_owner_phone", &format!("phone-{}", e.code().replace('_', "-"))))
        .ok();
    if !input.ownership_ends {
        errors.add("ownership_ends", "transfer-ownership-ends-required");
    }
    errors.into_result()?;
    let (Some(name), Some(national_id), Some(phone)) = (name, national_id, phone) else {
        return Err(FieldErrors::single("new_owner_name", "text-empty"));
    };
    let txn = app.db.write().await?;
    let open = TransferRow::find()
        .filter(transfer::Column::AssetId.eq(asset_id))
        .filter(transfer::Column::Status.eq(TransferStatus::Pending))
        .count(&txn)
        .await?;
    if open > 0 {
        return Err(AppError::Conflict(ErrorCode::TransferPending));
    }
    let saved = transfer::ActiveModel {
        asset_id: Set(asset_id),
        from_customer_id: Set(d.customer_id),
        requested_by_user_id: Set(Some(who.user_id)),
        new_owner_name: Set(name),
        new_owner_national_id: Set(national_id),
        new_owner_phone: Set(phone),
        status: Set(TransferStatus::Pending),
        reason: Set(String::new()),
        created_at: Set(kabinet_store::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    crate::audit::record(
        &txn,
        actor,
        "device.transfer.request",
        "asset",
        Some(asset_id),
        json!({"transfer_id": saved.id, "new_owner_national_id": saved.new_owner_national_id}),
    )
    .await?;
    txn.commit().await?;
    Ok(views_of(app, vec![saved]).await?.remove(0))
}

/// The device's transfer requests, newest first, for whoever may see the device.
pub async fn of_device(app: &App, who: &Identity, asset_id: i64) -> AppResult<Vec<Transfer>> {
    let d = devices::get_visible(app, who, asset_id).await?;
    let rows = TransferRow::find()
        .filter(transfer::Column::AssetId.eq(asset_id))
        .order_by_desc(transfer::Column::Id)
        .limit(20)
        .all(&app.db.conn)
        .await?;
    // A buyer reads its own requests, not those of the device's earlier owners.
    let rows = if who.is_staff() {
        rows
    } else {
        rows.into_iter()
            .filter(|t| t.from_customer_id == d.customer_id)
            .collect()
    };
    views_of(app, rows).await
}

/// The staff queue: requests in `status` (default: pending), oldest first.
pub async fn queue(
    app: &App,
    who: &Identity,
    status: Option<TransferStatus>,
    page: u64,
    per_page: u64,
) -> AppResult<Page<Transfer>> {
    who.require(&[Permission::DevicesManage])?;
    let mut q = TransferRow::find().filter(transfer::Column::Status.eq(status.unwrap_or(TransferStatus::Pending)));
    if who.is_partner() {
        q = q.filter(transfer::Column::FromCustomerId.in_subquery(customers::of_partner(who)));
    }
    let total = q.clone().count(&app.db.conn).await?;
    let rows = q
        .order_by_asc(transfer::Column::Id)
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

/// A request staff may decide: pending, of a customer they see.
async fn pending_row(app: &App, who: &Identity, id: i64) -> AppResult<transfer::Model> {
    who.require(&[Permission::DevicesManage])?;
    let t = TransferRow::find_by_id(id)
        .one(&app.db.conn)
        .await?
        .ok_or(AppError::NotFound)?;
    customers::get_visible(app, who, t.from_customer_id).await?;
    if !t.status.is_open() {
        return Err(AppError::Conflict(ErrorCode::TransferDecided));
    }
    Ok(t)
}

/// Moves `t` from pending to `to` in `txn`; a decision another staff member made first wins.
async fn decide<C: kabinet_store::ConnectionTrait>(
    txn: &C,
    actor: &Actor,
    t: &transfer::Model,
    to: TransferStatus,
    reason: &str,
    to_customer: Option<i64>,
) -> AppResult<()> {
    let done = TransferRow::update_many()
        .col_expr(transfer::Column::Status, Expr::value(to))
        .col_expr(transfer::Column::Reason, Expr::value(reason.to_owned()))
        .col_expr(transfer::Column::ToCustomerId, Expr::value(to_customer))
        .col_expr(transfer::Column::DecidedByUserId, Expr::value(actor.user_id))
        .col_expr(transfer::Column::DecidedAt, Expr::value(kabinet_store::now()))
        .filter(transfer::Column::Id.eq(t.id))
        .filter(transfer::Column::Status.eq(TransferStatus::Pending))
        .exec(txn)
        .await?;
    if done.rows_affected == 0 {
        return Err(AppError::Conflict(ErrorCode::TransferDecided));
    }
    Ok(())
}

/// Rejects a request with a reason the buyer reads.
pub async fn reject(app: &App, actor: &Actor, who: &Identity, id: i64, reason: &str) -> AppResult<Transfer> {
    let t = pending_row(app, who, id).await?;
    let mut errors = FieldErrors::new();
    let reason = errors.one_line("reason", reason, 500, true);
    errors.into_result()?;
    let reason = reason.unwrap_or_default();
    let txn = app.db.write().await?;
    decide(&txn, actor, &t, TransferStatus::Rejected, &reason, None).await?;
    crate::audit::record(
        &txn,
        actor,
        "device.transfer.reject",
        "asset",
        Some(t.asset_id),
        json!({"transfer_id": t.id, "reason": reason}),
    )
    .await?;
    txn.commit().await?;
    get(app, t.id).await
}

/// Approves a request: the device goes to the customer with the new owner's national id —
/// made now, with a cabinet login whose password goes to the new owner by SMS, when there is
/// none — in one transaction with the decision, the device's history and the audit record.
pub async fn approve(app: &App, actor: &Actor, who: &Identity, id: i64) -> AppResult<Transfer> {
    let t = pending_row(app, who, id).await?;
    let from = Customer::find_by_id(t.from_customer_id)
        .one(&app.db.conn)
        .await?
        .ok_or(AppError::NotFound)?;
    let existing = Customer::find()
        .filter(customer::Column::NationalId.eq(t.new_owner_national_id.as_str()))
        .order_by_asc(customer::Column::Id)
        .one(&app.db.conn)
        .await?;
    if existing.as_ref().is_some_and(|c| c.id == from.id) {
        return Err(AppError::Conflict(ErrorCode::TransferToSameOwner));
    }
    // What a new owner needs, checked and hashed before the transaction.
    let new_owner = match &existing {
        Some(_) => None,
        None => Some(new_owner(app, who, &t, &from).await?),
    };
    let txn = app.db.write().await?;
    let (to_customer, login) = match (&existing, new_owner) {
        (Some(c), _) => (c.id, None),
        (None, Some((checked, login))) => {
            let made = customers::insert(&txn, actor, checked).await?;
            let lang = Lang::parse(&from.language).unwrap_or_default();
            let created = users::insert_prepared(&txn, actor, login, Some(made.id), None, true, Vec::new()).await?;
            let password = created.generated_password.clone().unwrap_or_default();
            let text = |secret: String| {
                lang.t_args(
                    "msg-transfer-login",
                    &[("login", created.user.login.clone()), ("password", secret)],
                )
            };
            crate::notify::enqueue(
                &txn,
                OutgoingMessage {
                    channel: Channel::Sms,
                    recipient: t.new_owner_phone.clone(),
                    subject: None,
                    body: text(password),
                    masked_body: Some(text(crate::notify::outbox::MASK.to_owned())),
                    user_id: Some(created.user.id),
                    idempotency_key: Some(format!("transfer-login:{}", t.id)),
                    attachments: Vec::new(),
                },
            )
            .await?;
            (made.id, Some(created.user.login))
        }
        (None, None) => return Err(AppError::NotFound),
    };
    decide(&txn, actor, &t, TransferStatus::Approved, "", Some(to_customer)).await?;
    let a = Asset::find_by_id(t.asset_id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    Asset::update_many()
        .col_expr(asset::Column::CustomerId, Expr::value(to_customer))
        .col_expr(asset::Column::UpdatedAt, Expr::value(kabinet_store::now()))
        .filter(asset::Column::Id.eq(a.id))
        .exec(&txn)
        .await?;
    // The earlier owner's line managers no longer look after it.
    AssetAssignment::delete_many()
        .filter(asset_assignment::Column::AssetId.eq(a.id))
        .exec(&txn)
        .await?;
    super::lifecycle::record(
        &txn,
        a.id,
        Some(a.status),
        a.status,
        actor.user_id,
        &ProductReason::Transferred.stored(),
    )
    .await?;
    crate::audit::record(
        &txn,
        actor,
        "device.transfer.approve",
        "asset",
        Some(a.id),
        json!({"transfer_id": t.id, "from_customer_id": from.id, "to_customer_id": to_customer, "login": login}),
    )
    .await?;
    crate::crm_sync::asset_changed(app, &txn, a.id, "asset.transferred").await?;
    txn.commit().await?;
    app.worker_wake.notify_one();
    get(app, t.id).await
}

/// The new owner's customer (an individual in the earlier owner's country, language and time
/// zone) and cabinet login (its national id, a generated password to change at first sign-in).
async fn new_owner(
    app: &App,
    who: &Identity,
    t: &transfer::Model,
    from: &customer::Model,
) -> AppResult<(customers::CheckedCustomer, users::PreparedUser)> {
    let checked = customers::check(
        app,
        who,
        &customers::NewCustomer {
            kind: kabinet_core::crm::PartyKind::Individual.as_str().to_owned(),
            name: t.new_owner_name.clone(),
            contract_number: format!("TR-{:06}", t.id),
            phone: Some(t.new_owner_phone.clone()),
            national_id: Some(t.new_owner_national_id.clone()),
            city: from.city.clone(),
            language: from.language.clone(),
            time_zone: Some(from.time_zone.clone()),
            country: Some(from.country.as_str().to_owned()),
            partner_id: from.partner_id,
            ..Default::default()
        },
    )
    .await?;
    let login = users::prepare_customer_user(&users::NewUser {
        login: format!("owner-{}", t.new_owner_national_id),
        display_name: t.new_owner_name.clone(),
        email: None,
        phone: Some(t.new_owner_phone.clone()),
        password: None,
        role: kabinet_core::access::CustomerRole::Coordinator.as_str().to_owned(),
        language: Some(from.language.clone()),
        partner_id: None,
        must_change_password: true,
        password_hash: None,
    })
    .await?;
    Ok((checked, login))
}

async fn get(app: &App, id: i64) -> AppResult<Transfer> {
    let row = TransferRow::find_by_id(id)
        .one(&app.db.conn)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(views_of(app, vec![row]).await?.remove(0))
}

async fn views_of(app: &App, rows: Vec<transfer::Model>) -> AppResult<Vec<Transfer>> {
    let names = customers::names(app, rows.iter().map(|t| t.from_customer_id)).await?;
    let identifiers = devices::identifiers(&app.db.conn, rows.iter().map(|t| t.asset_id)).await?;
    Ok(rows
        .into_iter()
        .map(|t| Transfer {
            id: t.id,
            asset_id: t.asset_id,
            identifier: identifiers.get(&t.asset_id).cloned().unwrap_or_default(),
            from_customer_id: t.from_customer_id,
            from_customer: names.get(&t.from_customer_id).cloned().unwrap_or_default(),
            new_owner_name: t.new_owner_name,
            new_owner_national_id: t.new_owner_national_id,
            new_owner_phone: t.new_owner_phone,
            status: t.status,
            reason: t.reason,
            to_customer_id: t.to_customer_id,
            created_at: t.created_at,
            decided_at: t.decided_at,
        })
        .collect())
}
