//! Personal-data verification of a licence (152-FZ, CRM-5), step by step: the customer
//! confirms its legal entity's details in the cabinet; the licence then waits in the staff
//! queue "INN verification" until staff confirm it; then the customer's responsible employee
//! confirms their own contacts. Only then may guest phone numbers be exported.

use kabinet_core::ErrorCode;
use kabinet_core::access::Permission;
use kabinet_core::assets::Verification;
use kabinet_core::email::Email;
use kabinet_core::phone::Phone;
use kabinet_store::entities::asset::{self, Entity as Asset};
use kabinet_store::entities::customer::{self, Entity as Customer};
use kabinet_store::entities::user::{self, Entity as User};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::json;

use super::licences::visible_row;
use crate::access::{Actor, Identity};
use crate::{App, AppError, AppResult, FieldErrors, IntoViews, audit};

/// The step a licence is at.
pub fn step_of(a: &asset::Model) -> Verification {
    a.verification
}

/// Moves a licence from `from` to `to` inside one transaction, only if it is still at
/// `from` (two clicks at once take the step once), with its audit record.
async fn take_step(
    app: &App,
    actor: &Actor,
    a: &asset::Model,
    to: Verification,
    extra: impl FnOnce(sea_orm::UpdateMany<Asset>) -> sea_orm::UpdateMany<Asset>,
    details: serde_json::Value,
) -> AppResult<()> {
    let from = step_of(a);
    if a.status == kabinet_core::assets::AssetStatus::Deleted {
        return Err(AppError::Conflict(ErrorCode::LicenceDeleted));
    }
    if !from.can_take(to) {
        // Name the step that is missing, or say it is done already.
        return Err(match from.missing() {
            Some(key) if to.rank() > from.rank() => AppError::Refused(key),
            _ => AppError::Conflict(ErrorCode::VerificationStepDone),
        });
    }
    let txn = app.db.write().await?;
    let update = Asset::update_many()
        .col_expr(asset::Column::Verification, Expr::value(to.as_str()))
        .col_expr(asset::Column::UpdatedAt, Expr::value(kabinet_store::now()))
        .filter(asset::Column::Id.eq(a.id))
        .filter(asset::Column::Verification.eq(from.as_str()));
    let done = extra(update).exec(&txn).await?;
    if done.rows_affected == 0 {
        return Err(AppError::Conflict(ErrorCode::VerificationStepDone));
    }
    audit::record(
        &txn,
        actor,
        &format!("verification.{}", to.as_str()),
        "asset",
        Some(a.id),
        details,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Step 1, in the cabinet: the customer confirms the legal entity's details are right. Needs
/// a counterparty on the customer.
pub async fn customer_confirms(app: &App, actor: &Actor, who: &Identity, id: i64) -> AppResult<()> {
    who.require(&[Permission::CabinetGuestData])?;
    let a = visible_row(app, who, id).await?;
    let customer = Customer::find_by_id(a.customer_id)
        .one(&app.db.conn)
        .await?
        .ok_or(AppError::NotFound)?;
    let Some(counterparty) = customer.counterparty_id else {
        return Err(AppError::Refused(ErrorCode::VerificationNeedsCounterparty));
    };
    take_step(
        app,
        actor,
        &a,
        Verification::CustomerConfirmed,
        |u| u,
        json!({"counterparty_id": counterparty, "by": who.user_id}),
    )
    .await
}

/// Step 2, in the back office: staff confirm the legal entity.
pub async fn staff_verify(app: &App, actor: &Actor, who: &Identity, id: i64) -> AppResult<()> {
    who.require(&[Permission::VerificationManage])?;
    let a = visible_row(app, who, id).await?;
    let now = kabinet_store::now();
    take_step(
        app,
        actor,
        &a,
        Verification::Verified,
        |u| {
            u.col_expr(asset::Column::VerifiedBy, Expr::value(who.user_id))
                .col_expr(asset::Column::VerifiedAt, Expr::value(now))
        },
        json!({"by": who.user_id}),
    )
    .await
}

/// Step 3, in the cabinet: the employee responsible for exports confirms their own name,
/// phone and e-mail, which are saved on their login.
pub async fn contact_confirms(
    app: &App,
    actor: &Actor,
    who: &Identity,
    id: i64,
    name: &str,
    phone: &str,
    email: &str,
) -> AppResult<()> {
    who.require(&[Permission::CabinetGuestData])?;
    let a = visible_row(app, who, id).await?;
    let mut errors = FieldErrors::new();
    let name = kabinet_core::text::one_line(name, kabinet_core::text::limits::NAME, true)
        .map_err(|p| errors.add("display_name", &format!("text-{}", p.code().replace('_', "-"))))
        .ok()
        .flatten();
    let phone = Phone::parse(phone)
        .map_err(|e| errors.add("phone", &format!("phone-{}", e.code().replace('_', "-"))))
        .ok();
    let email = Email::parse(email)
        .map_err(|e| errors.add("email", &format!("email-{}", e.code().replace('_', "-"))))
        .ok();
    errors.into_result()?;
    let me = User::find_by_id(who.user_id)
        .one(&app.db.conn)
        .await?
        .ok_or(AppError::NotFound)?;
    let (phone, email) = (phone.expect("checked"), email.expect("checked"));
    let mut row: user::ActiveModel = me.into();
    row.display_name = Set(name.clone().unwrap_or_default());
    row.phone = Set(Some(phone.as_str().to_owned()));
    row.email = Set(Some(email.as_str().to_owned()));
    row.updated_at = Set(kabinet_store::now());
    // The contacts are saved first, in their own transaction: a clash with another login's
    // phone or e-mail is a field error before any step is taken.
    let txn = app.db.write().await?;
    row.update(&txn).await.map_err(|e| {
        if kabinet_store::is_unique_violation(&e) {
            let msg = e.to_string();
            if msg.contains("email") {
                FieldErrors::single("email", "email-taken")
            } else {
                FieldErrors::single("phone", "phone-taken")
            }
        } else {
            e.into()
        }
    })?;
    txn.commit().await?;
    let now = kabinet_store::now();
    take_step(
        app,
        actor,
        &a,
        Verification::ContactConfirmed,
        |u| {
            u.col_expr(asset::Column::ContactConfirmedBy, Expr::value(who.user_id))
                .col_expr(asset::Column::ContactConfirmedAt, Expr::value(now))
        },
        json!({"by": who.user_id, "name": name, "phone": phone.as_str(), "email": email.as_str()}),
    )
    .await
}

/// The staff queue "INN verification": licences whose customers confirmed their details and
/// wait for staff, oldest first (a partner sees its own customers').
/// A licence waiting in the queue, with its customer and the customer's legal party.
#[derive(Debug)]
pub struct Waiting {
    pub licence: super::views::Asset,
    pub customer: crate::crm::views::Customer,
    pub counterparty: Option<crate::crm::views::Counterparty>,
}

/// [`queue`] with each licence's customer and legal party, loaded in two more queries
/// whatever the length of the queue.
pub async fn queue_with_parties(app: &App, who: &Identity, limit: u64) -> AppResult<Vec<Waiting>> {
    who.require(&[Permission::VerificationManage])?;
    let licences = queue(app, who, limit).await?;
    let mut customer_ids: Vec<i64> = licences.iter().map(|a| a.customer_id).collect();
    customer_ids.sort_unstable();
    customer_ids.dedup();
    let customers: std::collections::HashMap<i64, customer::Model> = if customer_ids.is_empty() {
        Default::default()
    } else {
        Customer::find()
            .filter(customer::Column::Id.is_in(customer_ids))
            .all(&app.db.conn)
            .await?
            .into_iter()
            .map(|c| (c.id, c))
            .collect()
    };
    let party_ids: Vec<i64> = customers.values().filter_map(|c| c.counterparty_id).collect();
    let parties = crate::crm::counterparties::by_ids(app, &party_ids).await?;
    Ok(licences
        .into_iter()
        .filter_map(|licence| {
            let customer: crate::crm::views::Customer = customers.get(&licence.customer_id)?.clone().into();
            let counterparty = customer.counterparty_id.and_then(|id| parties.get(&id).cloned());
            Some(Waiting {
                licence,
                customer,
                counterparty,
            })
        })
        .collect())
}

pub async fn queue(app: &App, who: &Identity, limit: u64) -> AppResult<Vec<super::views::Asset>> {
    Ok(waiting(who)
        .order_by_asc(asset::Column::UpdatedAt)
        .limit(limit)
        .all(&app.db.conn)
        .await?
        .into_views())
}

/// How many licences wait for a staff member's verification, counted up to `cap` + 1.
pub async fn waiting_count(app: &App, who: &Identity, cap: u64) -> AppResult<u64> {
    who.require(&[Permission::VerificationManage])?;
    crate::listing::capped_count(&app.db.conn, waiting(who), asset::Column::Id, cap).await
}

/// Licences their customer confirmed and staff has not yet verified, of the partner's own
/// customers for a partner.
fn waiting(who: &Identity) -> sea_orm::Select<Asset> {
    let q = Asset::find()
        .filter(asset::Column::Verification.eq(Verification::CustomerConfirmed))
        .filter(asset::Column::Status.ne(kabinet_core::assets::AssetStatus::Deleted));
    if who.is_partner() {
        q.filter(asset::Column::PartnerId.eq(who.partner_id.unwrap_or(-1)))
    } else {
        q
    }
}
