//! The document history: issued documents and orders, scoped to what the caller may see, and
//! their files.

use std::collections::HashMap;
use std::path::PathBuf;

use kabinet_store::entities::account::{self, Entity as Account};
use kabinet_store::entities::customer::{self, Entity as Customer};
use kabinet_store::entities::document::{self, Entity as DocumentRow};
use kabinet_store::entities::document_order::{self, Entity as DocumentOrder};
use sea_orm::{ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::{Deserialize, Serialize};

use crate::access::Identity;
use crate::documents::views;
use crate::listing::{Page, Sort};
use crate::{App, AppError, AppResult, IntoViews, customers};

/// Columns the history sorts by.
pub const SORTS: [&str; 5] = ["issued", "number", "kind", "period", "amount"];

/// What the history shows; every field narrows it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentFilter {
    pub customer_id: Option<i64>,
    pub account_id: Option<i64>,
    pub kind: Option<String>,
    pub year: Option<i32>,
    pub order_id: Option<i64>,
}

/// A condition on `customer_id` that keeps only customers `who` may see.
async fn customer_scope(app: &App, who: &Identity, column: impl ColumnTrait + Copy) -> AppResult<Condition> {
    if who.is_partner() {
        let own: Vec<i64> = Customer::find()
            .filter(customer::Column::PartnerId.eq(who.partner_id.unwrap_or(-1)))
            .select_only()
            .column(customer::Column::Id)
            .into_tuple()
            .all(&app.db.conn)
            .await?;
        Ok(Condition::all().add(column.is_in(own)))
    } else if who.is_staff() {
        Ok(Condition::all())
    } else {
        Ok(Condition::all().add(column.eq(who.customer_id.unwrap_or(-1))))
    }
}

/// One page of the documents `who` may see through `f`, each with its account's number.
pub async fn list(
    app: &App,
    who: &Identity,
    f: &DocumentFilter,
    sort: &Sort,
    page: u64,
    per_page: u64,
) -> AppResult<Page<(views::Document, String)>> {
    let mut q = DocumentRow::find().filter(customer_scope(app, who, document::Column::CustomerId).await?);
    if let Some(c) = f.customer_id {
        q = q.filter(document::Column::CustomerId.eq(c));
    }
    if let Some(a) = f.account_id {
        q = q.filter(document::Column::AccountId.eq(a));
    }
    if let Some(k) = f.kind.as_deref().filter(|k| !k.is_empty()) {
        q = q.filter(document::Column::Kind.eq(k));
    }
    if let Some(y) = f.year {
        q = q.filter(document::Column::Year.eq(y));
    }
    if let Some(o) = f.order_id {
        q = q.filter(document::Column::OrderId.eq(o));
    }
    let total = q.clone().count(&app.db.conn).await?;
    let order = sort.order();
    q = match sort.key {
        "number" => q
            .order_by(document::Column::Series, order.clone())
            .order_by(document::Column::Year, order.clone())
            .order_by(document::Column::Number, order.clone()),
        "kind" => q.order_by(document::Column::Kind, order.clone()),
        "period" => q.order_by(document::Column::PeriodFrom, order.clone()),
        "amount" => q.order_by(document::Column::Amount, order.clone()),
        _ => q.order_by(document::Column::IssuedOn, order.clone()),
    };
    let items = q
        .order_by(document::Column::Id, order)
        .offset((page - 1) * per_page)
        .limit(per_page)
        .all(&app.db.conn)
        .await?;
    let numbers: HashMap<i64, String> = Account::find()
        .filter(account::Column::Id.is_in(items.iter().map(|d| d.account_id)))
        .select_only()
        .column(account::Column::Id)
        .column(account::Column::Number)
        .into_tuple::<(i64, String)>()
        .all(&app.db.conn)
        .await?
        .into_iter()
        .collect();
    Ok(Page {
        items: items
            .into_iter()
            .map(|d| {
                let n = numbers.get(&d.account_id).cloned().unwrap_or_default();
                (d.into(), n)
            })
            .collect(),
        total,
        page,
        per_page,
    })
}

/// The document `id` if `who` may see it.
pub async fn get_visible(app: &App, who: &Identity, id: i64) -> AppResult<views::Document> {
    let d = DocumentRow::find_by_id(id)
        .one(&app.db.conn)
        .await?
        .ok_or(AppError::NotFound)?;
    customers::get_visible(app, who, d.customer_id).await?;
    Ok(d.into())
}

/// The document's file on disk, for its reader.
pub async fn file(app: &App, who: &Identity, id: i64) -> AppResult<(views::Document, PathBuf)> {
    let d = get_visible(app, who, id).await?;
    let path = super::dir(app).join(&d.stored_name);
    Ok((d, path))
}

/// The order `id` if `who` may see its customer.
pub async fn order(app: &App, who: &Identity, id: i64) -> AppResult<views::Order> {
    let o = DocumentOrder::find_by_id(id)
        .one(&app.db.conn)
        .await?
        .ok_or(AppError::NotFound)?;
    customers::get_visible(app, who, o.customer_id).await?;
    Ok(o.into())
}

/// The newest orders of a customer (the caller has checked the customer).
pub async fn recent_orders(app: &App, customer_id: i64, limit: u64) -> AppResult<Vec<views::Order>> {
    Ok(DocumentOrder::find()
        .filter(document_order::Column::CustomerId.eq(customer_id))
        .order_by_desc(document_order::Column::Id)
        .limit(limit)
        .all(&app.db.conn)
        .await?
        .into_views())
}

/// The zip of an order, for its reader: the download name and the path.
pub async fn archive(app: &App, who: &Identity, order_id: i64) -> AppResult<(String, PathBuf)> {
    let o = order(app, who, order_id).await?;
    let name = o.archive_name.ok_or(AppError::NotFound)?;
    Ok((format!("documents-{}.zip", o.id), super::dir(app).join(name)))
}

/// Percent done, 0–100.
pub fn percent(o: &views::Order) -> i64 {
    match o.status {
        kabinet_core::export::JobStatus::Done => 100,
        _ if o.total > 0 => (i64::from(o.done) * 100 / i64::from(o.total)).clamp(0, 99),
        _ => 0,
    }
}

/// What was not made and why, as stored.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Skipped {
    pub kind: String,
    pub account: String,
    pub period: String,
    pub reason: String,
}

pub fn skipped(o: &views::Order) -> Vec<Skipped> {
    serde_json::from_str(&o.skipped).unwrap_or_default()
}
