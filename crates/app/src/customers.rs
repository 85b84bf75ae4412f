//! Customers and partners — the part the foundation needs so that users can belong to them.
//! Every read here is scoped to what the caller may see: staff see all customers, a partner
//! only its own, a customer user only its own customer.

use kabinet_core::text;
use kabinet_store::entities::customer::{self, Entity as Customer};
use kabinet_store::entities::partner::{self, Entity as Partner};
use kabinet_store::entities::user::{self, Entity as User};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};
use serde_json::json;

use crate::access::{Actor, Identity};
use crate::audit;
use crate::listing::{Page, Sort};
use crate::{App, AppError, AppResult, FieldErrors};

pub const KINDS: [&str; 3] = ["individual", "sole_proprietor", "legal_entity"];
/// Support groups: A — large image clients and chains, B — clients with growth potential,
/// C — single venues.
pub const SUPPORT_GROUPS: [&str; 3] = ["A", "B", "C"];

/// The customer `id` if `who` may see it; anything else is "not found", so ids of other
/// customers cannot be probed.
pub async fn get_visible(app: &App, who: &Identity, id: i64) -> AppResult<customer::Model> {
    let c = Customer::find_by_id(id)
        .one(&app.db.conn)
        .await?
        .ok_or(AppError::NotFound)?;
    if visible_to(who, &c) {
        Ok(c)
    } else {
        Err(AppError::NotFound)
    }
}

/// The customer `id` with its cabinet logins, if `who` may see it — in one query, since the
/// cabinet dashboard shows both on every visit.
pub async fn with_users(app: &App, who: &Identity, id: i64) -> AppResult<(customer::Model, Vec<user::Model>)> {
    let mut found = Customer::find_by_id(id)
        .find_with_related(User)
        .order_by_asc(user::Column::Login)
        .all(&app.db.conn)
        .await?;
    let (c, users) = found.pop().ok_or(AppError::NotFound)?;
    if !visible_to(who, &c) {
        return Err(AppError::NotFound);
    }
    Ok((c, users))
}

/// Staff see every customer, a partner only those it brought, a customer user only its own.
fn visible_to(who: &Identity, c: &customer::Model) -> bool {
    if who.is_partner() {
        c.partner_id.is_some() && c.partner_id == who.partner_id
    } else if who.is_staff() {
        true
    } else {
        who.customer_id == Some(c.id)
    }
}

/// Customers `who` may see, optionally filtered by a search over name and contract number.
/// Columns the customer list sorts by.
pub const SORTS: [&str; 4] = ["name", "contract", "city", "created"];

pub async fn list_visible(
    app: &App,
    who: &Identity,
    search: Option<&str>,
    sort: &Sort,
    page: u64,
    per_page: u64,
) -> AppResult<Page<customer::Model>> {
    let mut q = Customer::find();
    if who.is_partner() {
        q = q.filter(customer::Column::PartnerId.eq(who.partner_id.unwrap_or(-1)));
    } else if !who.is_staff() {
        q = q.filter(customer::Column::Id.eq(who.customer_id.unwrap_or(-1)));
    }
    if let Some(s) = search.map(str::trim).filter(|s| !s.is_empty()) {
        let s = text::truncate(s, 100);
        q = q.filter(
            Condition::any()
                .add(customer::Column::Name.contains(&s))
                .add(customer::Column::ContractNumber.contains(&s)),
        );
    }
    let column = match sort.key {
        "contract" => customer::Column::ContractNumber,
        "city" => customer::Column::City,
        "created" => customer::Column::CreatedAt,
        _ => customer::Column::Name,
    };
    // The id breaks ties so that pages never overlap.
    let paginator = q
        .order_by(column, sort.order())
        .order_by_asc(customer::Column::Id)
        .paginate(&app.db.conn, per_page);
    let total = paginator.num_items().await?;
    let items = paginator.fetch_page(page.saturating_sub(1)).await?;
    Ok(Page {
        items,
        total,
        page: page.max(1),
        per_page,
    })
}

/// The cabinet logins of a customer.
pub async fn users_of(app: &App, customer_id: i64) -> AppResult<Vec<user::Model>> {
    Ok(User::find()
        .filter(user::Column::CustomerId.eq(customer_id))
        .order_by_asc(user::Column::Login)
        .all(&app.db.conn)
        .await?)
}

#[derive(Debug, Clone, Default)]
pub struct NewCustomer {
    pub kind: String,
    pub name: String,
    pub contract_number: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub city: Option<String>,
    pub partner_id: Option<i64>,
    /// A, B or C.
    pub support_group: Option<String>,
    pub language: String,
}

pub async fn create(app: &App, actor: &Actor, new: NewCustomer) -> AppResult<customer::Model> {
    let mut errors = FieldErrors::new();
    if !KINDS.contains(&new.kind.as_str()) {
        errors.add("kind", "invalid-choice");
    }
    if new
        .support_group
        .as_deref()
        .is_some_and(|g| !SUPPORT_GROUPS.contains(&g))
    {
        errors.add("support_group", "invalid-choice");
    }
    let name = text::one_line(&new.name, text::limits::NAME, true)
        .map_err(|p| errors.add("name", &format!("text-{}", p.code().replace('_', "-"))))
        .ok()
        .flatten();
    let contract = text::one_line(&new.contract_number, 50, true)
        .map_err(|p| errors.add("contract_number", &format!("text-{}", p.code().replace('_', "-"))))
        .ok()
        .flatten();
    let phone = match new.phone.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(p) => kabinet_core::phone::Phone::parse(p)
            .map(|p| Some(p.as_str().to_owned()))
            .unwrap_or_else(|e| {
                errors.add("phone", &format!("phone-{}", e.code().replace('_', "-")));
                None
            }),
        None => None,
    };
    let email = match new.email.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(e) => kabinet_core::email::Email::parse(e)
            .map(|e| Some(e.as_str().to_owned()))
            .unwrap_or_else(|e| {
                errors.add("email", &format!("email-{}", e.code().replace('_', "-")));
                None
            }),
        None => None,
    };
    let city = new.city.as_deref().and_then(|c| {
        text::one_line(c, text::limits::SHORT, false)
            .map_err(|p| errors.add("city", &format!("text-{}", p.code().replace('_', "-"))))
            .ok()
            .flatten()
    });
    errors.into_result()?;
    let now = kabinet_store::now();
    let txn = app.db.write().await?;
    let created = customer::ActiveModel {
        kind: Set(new.kind.clone()),
        name: Set(name.unwrap_or_default()),
        contract_number: Set(contract.unwrap_or_default()),
        phone: Set(phone),
        email: Set(email),
        city: Set(city),
        partner_id: Set(new.partner_id),
        support_group: Set(new.support_group.clone()),
        language: Set(crate::i18n::Lang::parse(&new.language)
            .unwrap_or_default()
            .code()
            .to_owned()),
        time_zone: Set("Europe/Moscow".into()),
        status: Set("active".into()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| {
        if kabinet_store::is_unique_violation(&e) {
            FieldErrors::single("contract_number", "contract-taken")
        } else {
            e.into()
        }
    })?;
    audit::record(&txn, actor, "customer.create", "customer", Some(created.id), json!({"name": created.name, "contract_number": created.contract_number, "kind": created.kind, "support_group": created.support_group, "partner_id": created.partner_id})).await?;
    txn.commit().await?;
    Ok(created)
}

pub async fn create_partner(app: &App, actor: &Actor, name: &str) -> AppResult<partner::Model> {
    let name = text::one_line(name, text::limits::NAME, true)
        .map_err(|p| FieldErrors::single("name", &format!("text-{}", p.code().replace('_', "-"))))?
        .unwrap_or_default();
    let txn = app.db.write().await?;
    let p = partner::ActiveModel {
        name: Set(name.clone()),
        status: Set("active".into()),
        created_at: Set(kabinet_store::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        "partner.create",
        "partner",
        Some(p.id),
        json!({"name": name}),
    )
    .await?;
    txn.commit().await?;
    Ok(p)
}

pub async fn partners(app: &App) -> AppResult<Vec<partner::Model>> {
    Ok(Partner::find()
        .order_by_asc(partner::Column::Name)
        .all(&app.db.conn)
        .await?)
}
