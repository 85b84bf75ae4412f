//! A corporate customer's telecom lines (AST-6, source document 003): the register of lines
//! with its filters and bulk actions (`register`), employees joined to lines (`employees`), a
//! line's status, spending limit and call forwarding (`settings`), the customer's groups and
//! labels (`groups`), reserve SIM cards and SIM replacement (`sims`), and orders of tariffs
//! and options (`catalogue`, `orders`, carried out by `order_worker` through the operator's
//! `provisioning`), usage files from the operator (`usage`) and the spending statistics read
//! from them (`spending`).
//!
//! A line is an asset of kind `line` whose details live in `lines`. Customers' coordinators
//! and assistants run all of their lines; a line manager sees and sets up only the lines
//! assigned to it (`assets::assignments`); staff give lines and reserve SIMs out.

pub mod catalogue;
pub mod demo;
pub mod employee_import;
pub mod employees;
pub mod groups;
pub mod order_worker;
pub mod orders;
pub mod photos;
pub mod provisioning;
pub mod register;
pub mod settings;
pub mod simple;
pub mod sims;
pub mod spending;
pub mod usage;
pub mod views;

use kabinet_core::assets::AssetStatus;
use kabinet_store::entities::account::{self, Entity as Account};
use kabinet_store::entities::asset::Entity as Asset;
use kabinet_store::entities::line::{self, Entity as LineRow};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use crate::access::Identity;
use crate::{App, AppError, AppResult, customers};

/// The line `id` (its row and its asset's customer) if `who` may see it: the customer's own
/// logins (a line manager only its assigned lines) and staff who may see the customer.
pub(crate) async fn visible_row<C: ConnectionTrait>(
    app: &App,
    db: &C,
    who: &Identity,
    id: i64,
) -> AppResult<(line::Model, i64)> {
    let (l, a) = LineRow::find_by_id(id)
        .find_also_related(Asset)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let a = a.ok_or(AppError::NotFound)?;
    if a.status == AssetStatus::Deleted {
        return Err(AppError::NotFound);
    }
    customers::get_visible(app, who, a.customer_id).await?;
    crate::assets::assignments::check_visible(app, who, id).await?;
    Ok((l, a.customer_id))
}

/// The customer whose lines `who` works with: its own for a cabinet login, `customer_id` (if
/// visible) for staff.
pub(crate) async fn customer_of(app: &App, who: &Identity, customer_id: Option<i64>) -> AppResult<i64> {
    match (who.customer_id, customer_id) {
        (Some(own), None) => Ok(own),
        (Some(own), Some(asked)) if own == asked => Ok(own),
        (Some(_), Some(_)) => Err(AppError::NotFound),
        (None, Some(asked)) => Ok(customers::get_visible(app, who, asked).await?.id),
        (None, None) => Err(AppError::NotFound),
    }
}

/// The ids of the customer's accounts, lines are billed to one of them.
pub(crate) async fn account_ids<C: ConnectionTrait>(db: &C, customer_id: i64) -> AppResult<Vec<i64>> {
    Ok(Account::find()
        .select_only()
        .column(account::Column::Id)
        .filter(account::Column::CustomerId.eq(customer_id))
        .into_tuple::<i64>()
        .all(db)
        .await?)
}
