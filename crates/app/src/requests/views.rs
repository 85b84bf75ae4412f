//! A service request as pages and the API show it.

use chrono::{DateTime, NaiveDate, Utc};
use kabinet_core::money::Currency;
use kabinet_core::requests::{RequestKind, RequestStatus};

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ServiceRequest {
    pub id: i64,
    pub customer_id: i64,
    pub customer_name: String,
    pub contract_number: String,
    pub kind: RequestKind,
    pub status: RequestStatus,
    pub object_id: Option<i64>,
    pub object_name: Option<String>,
    pub phone: Option<String>,
    pub start_date: Option<NaiveDate>,
    /// In the customer's account currency's minor units.
    pub amount_minor: Option<i64>,
    pub currency: Currency,
    pub target_contract: Option<String>,
    pub new_name: Option<String>,
    pub period_from: Option<NaiveDate>,
    pub period_to: Option<NaiveDate>,
    pub comment: String,
    pub refusal_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
}

impl ServiceRequest {
    /// Whether the request still waits for staff.
    pub fn is_open(&self) -> bool {
        self.status.is_open()
    }

    /// The message key of the request's kind.
    pub fn kind_key(&self) -> String {
        format!("request-kind-{}", self.kind.as_str().replace('_', "-"))
    }

    /// The message key of the request's status.
    pub fn status_key(&self) -> String {
        format!("request-status-{}", self.status.as_str().replace('_', "-"))
    }
}

/// The currency of the customer's accounts (its first), in which its requests' amounts are.
pub(crate) async fn currency_of(app: &crate::App, customer_id: i64) -> crate::AppResult<Currency> {
    use kabinet_store::entities::account;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    Ok(account::Entity::find()
        .filter(account::Column::CustomerId.eq(customer_id))
        .order_by_asc(account::Column::Id)
        .one(&app.db.conn)
        .await?
        .map_or(Currency::Rub, |a| a.currency))
}

/// One request by id, unchecked (the callers checked who may read it).
pub(crate) async fn get(app: &crate::App, id: i64) -> crate::AppResult<ServiceRequest> {
    use kabinet_store::entities::service_request::Entity as RequestRow;
    use sea_orm::EntityTrait;
    let row = RequestRow::find_by_id(id)
        .one(&app.db.conn)
        .await?
        .ok_or(crate::AppError::NotFound)?;
    views_of(app, vec![row]).await?.pop().ok_or(crate::AppError::NotFound)
}

/// The views of `rows`, with their customers' names and contracts and their objects' names
/// read in two queries.
pub(crate) async fn views_of(
    app: &crate::App,
    rows: Vec<kabinet_store::entities::service_request::Model>,
) -> crate::AppResult<Vec<ServiceRequest>> {
    use kabinet_store::entities::{account, customer, security_object};
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
    use std::collections::HashMap;
    let mut customer_ids: Vec<i64> = rows.iter().map(|r| r.customer_id).collect();
    customer_ids.sort_unstable();
    customer_ids.dedup();
    let customers: HashMap<i64, (String, String)> = customer::Entity::find()
        .select_only()
        .columns([
            customer::Column::Id,
            customer::Column::Name,
            customer::Column::ContractNumber,
        ])
        .filter(customer::Column::Id.is_in(customer_ids.clone()))
        .into_tuple::<(i64, String, String)>()
        .all(&app.db.conn)
        .await?
        .into_iter()
        .map(|(id, name, contract)| (id, (name, contract)))
        .collect();
    let mut currencies: HashMap<i64, Currency> = HashMap::new();
    for (customer_id, currency) in account::Entity::find()
        .select_only()
        .columns([account::Column::CustomerId, account::Column::Currency])
        .filter(account::Column::CustomerId.is_in(customer_ids))
        .into_tuple::<(Option<i64>, Currency)>()
        .all(&app.db.conn)
        .await?
    {
        if let Some(c) = customer_id {
            currencies.entry(c).or_insert(currency);
        }
    }
    let object_ids: Vec<i64> = rows.iter().filter_map(|r| r.object_id).collect();
    let objects: HashMap<i64, String> = if object_ids.is_empty() {
        HashMap::new()
    } else {
        security_object::Entity::find()
            .select_only()
            .columns([security_object::Column::AssetId, security_object::Column::Name])
            .filter(security_object::Column::AssetId.is_in(object_ids))
            .into_tuple::<(i64, String)>()
            .all(&app.db.conn)
            .await?
            .into_iter()
            .collect()
    };
    Ok(rows
        .into_iter()
        .map(|r| {
            let (customer_name, contract_number) = customers.get(&r.customer_id).cloned().unwrap_or_default();
            ServiceRequest {
                id: r.id,
                customer_id: r.customer_id,
                customer_name,
                contract_number,
                kind: r.kind,
                status: r.status,
                object_id: r.object_id,
                object_name: r.object_id.and_then(|o| objects.get(&o).cloned()),
                phone: r.phone,
                start_date: r.start_date,
                amount_minor: r.amount_minor,
                currency: currencies.get(&r.customer_id).copied().unwrap_or(Currency::Rub),
                target_contract: r.target_contract,
                new_name: r.new_name,
                period_from: r.period_from,
                period_to: r.period_to,
                comment: r.comment,
                refusal_reason: r.refusal_reason,
                created_at: r.created_at,
                updated_at: r.updated_at,
                closed_at: r.closed_at,
            }
        })
        .collect())
}
