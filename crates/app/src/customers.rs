//! Customers and partners — the part the foundation needs so that users can belong to them.
//! Every read here is scoped to what the caller may see: staff see all customers, a partner
//! only its own, a customer user only its own customer.

use kabinet_core::access::Permission;
use kabinet_core::crm::{CustomerStatus, PartyKind};
use kabinet_core::search::SearchQuery;
use kabinet_core::tax::Country;
use kabinet_core::text;
use kabinet_store::ConnectionTrait;
use kabinet_store::entities::customer::{self, Entity as Customer};
use kabinet_store::entities::partner::{self, Entity as Partner};
use kabinet_store::entities::user::{self, Entity as User};
use kabinet_store::search;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::json;

use crate::access::views::User as UserView;
use crate::access::{Actor, Identity};
use crate::audit;
use crate::crm::views;
use crate::listing::{Page, Sort};
use crate::{App, AppError, AppResult, FieldErrors};

pub const KINDS: &[PartyKind] = PartyKind::ALL;
/// Support groups: A — large image clients and chains, B — clients with growth potential,
/// C — single venues.
pub const SUPPORT_GROUPS: [&str; 3] = ["A", "B", "C"];

/// The customer `id` if `who` may see it; anything else is "not found", so ids of other
/// customers cannot be probed.
pub async fn get_visible(app: &App, who: &Identity, id: i64) -> AppResult<views::Customer> {
    visible_row(app, who, id).await.map(Into::into)
}

/// The row behind [`get_visible`], for use cases that change it.
pub(crate) async fn visible_row(app: &App, who: &Identity, id: i64) -> AppResult<customer::Model> {
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
pub async fn with_users(app: &App, who: &Identity, id: i64) -> AppResult<(views::Customer, Vec<UserView>)> {
    let mut found = Customer::find_by_id(id)
        .find_with_related(User)
        .order_by_asc(user::Column::Login)
        .all(&app.db.conn)
        .await?;
    let (c, users) = found.pop().ok_or(AppError::NotFound)?;
    if !visible_to(who, &c) {
        return Err(AppError::NotFound);
    }
    Ok((c.into(), users.into_iter().map(Into::into).collect()))
}

/// The names of the customers `ids`, in one query, for lists that show them beside rows the
/// caller was already allowed to see.
pub async fn names(app: &App, ids: impl IntoIterator<Item = i64>) -> AppResult<std::collections::HashMap<i64, String>> {
    let mut ids: Vec<i64> = ids.into_iter().collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(Default::default());
    }
    Ok(Customer::find()
        .select_only()
        .columns([customer::Column::Id, customer::Column::Name])
        .filter(customer::Column::Id.is_in(ids))
        .into_tuple::<(i64, String)>()
        .all(&app.db.conn)
        .await?
        .into_iter()
        .collect())
}

/// The ids of the customers a partner's staff member sees (those the partner brought), as a
/// subquery for lists of their rows: `column.in_subquery(customers::of_partner(who))`. A login
/// of a partner without its partner id sees none.
pub(crate) fn of_partner(who: &Identity) -> sea_orm::sea_query::SelectStatement {
    sea_orm::sea_query::Query::select()
        .column(customer::Column::Id)
        .from(customer::Entity)
        .and_where(customer::Column::PartnerId.eq(who.partner_id.unwrap_or(-1)))
        .to_owned()
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

/// Columns the customer list sorts by: the balance is the lowest of the customer's accounts
/// (the debt first when ascending), the licences those not deleted.
pub const SORTS: [&str; 6] = ["name", "contract", "city", "created", "balance", "licences"];

/// What the customer list shows beside each customer: the balance of each of its accounts
/// and how many licences it has (not deleted).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CustomerFigures {
    pub balances: Vec<kabinet_core::money::Money>,
    pub licences: u64,
}

/// The figures of the customers `ids` (one page of the list), in two queries.
pub async fn figures_of(app: &App, ids: &[i64]) -> AppResult<std::collections::HashMap<i64, CustomerFigures>> {
    use kabinet_store::entities::{account, asset};
    let mut out: std::collections::HashMap<i64, CustomerFigures> =
        ids.iter().map(|id| (*id, CustomerFigures::default())).collect();
    let balances: Vec<(Option<i64>, i64, kabinet_core::money::Currency)> = account::Entity::find()
        .select_only()
        .column(account::Column::CustomerId)
        .column(account::Column::Balance)
        .column(account::Column::Currency)
        .filter(account::Column::CustomerId.is_in(ids.iter().copied()))
        .order_by_asc(account::Column::Id)
        .into_tuple()
        .all(&app.db.conn)
        .await?;
    for (customer, minor, currency) in balances {
        if let Some(f) = customer.and_then(|c| out.get_mut(&c)) {
            f.balances.push(kabinet_core::money::Money::new(minor, currency));
        }
    }
    let counts: Vec<(i64, i64)> = asset::Entity::find()
        .select_only()
        .column(asset::Column::CustomerId)
        .column_as(sea_orm::sea_query::Expr::cust("COUNT(*)"), "n")
        .filter(asset::Column::CustomerId.is_in(ids.iter().copied()))
        .filter(asset::Column::Status.ne(kabinet_core::assets::AssetStatus::Deleted))
        .group_by(asset::Column::CustomerId)
        .into_tuple()
        .all(&app.db.conn)
        .await?;
    for (customer, n) in counts {
        if let Some(f) = out.get_mut(&customer) {
            f.licences = u64::try_from(n).unwrap_or(0);
        }
    }
    Ok(out)
}

/// The expression a figure column sorts by, read per customer through the accounts' and the
/// licences' customer indexes.
fn figure_sort(key: &str) -> Option<sea_orm::sea_query::Expr> {
    use sea_orm::sea_query::Expr;
    match key {
        "balance" => Some(Expr::cust(
            "(SELECT COALESCE(MIN(a.balance), 0) FROM accounts a WHERE a.customer_id = customers.id)",
        )),
        "licences" => Some(Expr::cust(
            "(SELECT COUNT(*) FROM assets l WHERE l.customer_id = customers.id AND l.status <> 'deleted')",
        )),
        _ => None,
    }
}

/// The customer list's search and filters (CRM-3); every field narrows it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CustomerFilter {
    /// Name, contract number, INN, phone, e-mail or cabinet login.
    pub q: Option<String>,
    pub support_group: Option<String>,
    pub partner_id: Option<i64>,
    pub status: Option<String>,
    pub city: Option<String>,
    /// Customers with a live licence of this kind (hotspot or radar).
    pub licence_kind: Option<String>,
}

/// The list counts matching customers up to this many and then says "more than".
pub const COUNT_CAP: u64 = 500;

/// Customers having a licence of `kind` that is not deleted, checked per customer through the
/// `assets_customer_kind` index so that a page stops after its rows.
fn has_licence_of(kind: &str) -> sea_orm::sea_query::Expr {
    use kabinet_store::entities::asset;
    use sea_orm::sea_query::{Expr, ExprTrait, Query};
    Expr::exists(
        Query::select()
            .expr(Expr::val(1))
            .from(asset::Entity)
            .and_where(Expr::col((asset::Entity, asset::Column::CustomerId)).equals((Customer, customer::Column::Id)))
            .and_where(Expr::col((asset::Entity, asset::Column::Kind)).eq(kind))
            .and_where(Expr::col((asset::Entity, asset::Column::Status)).ne(kabinet_core::assets::AssetStatus::Deleted))
            .to_owned(),
    )
}

/// Customers matching a search (CRM-3): any case, "ё" as "е", any part of the name,
/// contract, phone, e-mail, city or contact person, of a cabinet login or its person's name,
/// or of the counterparty's INN or names.
///
/// Each table is asked through its substring index for the ids it matches, and the list is
/// narrowed to the customers they name — one list of ids, so the page is read by primary key
/// whatever matched. A search that matches very many customers ("кафе") is instead checked
/// row by row while the list is read in its own order, which stops after one page because
/// matches are everywhere; so are words too short for the index.
async fn search_condition(app: &App, q: &SearchQuery, typed: &str) -> AppResult<Condition> {
    let conn = &app.db.conn;
    let mut ids: Vec<i64> = Vec::new();
    if let Ok(phone) = kabinet_core::phone::Phone::parse(typed) {
        ids.extend(customer_ids(app, customer::Column::Phone.eq(phone.as_str())).await?);
    }
    if let Some(number) = q.whole_number() {
        // A whole INN, phone or contract number is looked up by its own index: a long run of
        // digits is made of the commonest trigrams, which the substring index reads slowly.
        let by_inn: Vec<i64> = kabinet_store::entities::counterparty::Entity::find()
            .select_only()
            .column(kabinet_store::entities::counterparty::Column::Id)
            .filter(kabinet_store::entities::counterparty::Column::Inn.starts_with(number))
            .limit(SEARCH_MATCHES)
            .into_tuple()
            .all(conn)
            .await?;
        if !by_inn.is_empty() {
            ids.extend(customer_ids(app, customer::Column::CounterpartyId.is_in(by_inn)).await?);
        }
        ids.extend(customer_ids(app, customer::Column::ContractNumber.starts_with(typed.trim())).await?);
        ids.sort_unstable();
        ids.dedup();
        return Ok(Condition::all().add(customer::Column::Id.is_in(if ids.is_empty() { vec![-1] } else { ids })));
    }
    let mut walk = true;
    if q.is_indexable() {
        let found = search::customers_matching(conn, q, INDEXED_MATCHES + 1, SEARCH_MATCHES).await?;
        walk = found.own.len() as u64 > INDEXED_MATCHES;
        if !walk {
            ids.extend(found.own);
        }
        ids.extend(found.through_others);
    }
    ids.sort_unstable();
    ids.dedup();
    Ok(if walk {
        let mut any = Condition::any().add(search::condition(customer::Column::SearchText, q));
        if !ids.is_empty() {
            any = any.add(customer::Column::Id.is_in(ids));
        }
        any
    } else if ids.is_empty() {
        // Nothing matched: a condition the primary key answers at once.
        Condition::all().add(customer::Column::Id.eq(-1))
    } else {
        Condition::all().add(customer::Column::Id.is_in(ids))
    })
}

/// The ids of up to [`SEARCH_MATCHES`] customers matching `condition`, through its index.
async fn customer_ids(app: &App, condition: sea_orm::sea_query::Expr) -> AppResult<Vec<i64>> {
    Ok(Customer::find()
        .select_only()
        .column(customer::Column::Id)
        .filter(condition)
        .limit(SEARCH_MATCHES)
        .into_tuple()
        .all(&app.db.conn)
        .await?)
}

/// How many customers one search may find through the index before it is checked row by row
/// instead.
const INDEXED_MATCHES: u64 = 1000;

/// How many counterparties or logins one search text may match.
const SEARCH_MATCHES: u64 = 200;

/// Whether `text` is exactly the contract number of a customer among `scoped`: a person who
/// types a whole contract number wants that customer, and the exact lookup by the unique index
/// spares a scan of every name for the text.
async fn is_exact_contract(app: &App, scoped: &sea_orm::Select<Customer>, text: &str) -> AppResult<bool> {
    let looks_like_identifier = text.chars().any(|c| c.is_ascii_digit()) && !text.contains(char::is_whitespace);
    if !looks_like_identifier {
        return Ok(false);
    }
    let found: Option<i64> = scoped
        .clone()
        .select_only()
        .column(customer::Column::Id)
        .filter(customer::Column::ContractNumber.eq(text))
        .into_tuple()
        .one(&app.db.conn)
        .await?;
    Ok(found.is_some())
}

/// Customers `who` may see through `f`, sorted and paged.
pub async fn list_visible(
    app: &App,
    who: &Identity,
    f: &CustomerFilter,
    sort: &Sort,
    page: u64,
    per_page: u64,
) -> AppResult<Page<views::Customer>> {
    let mut q = Customer::find();
    if who.is_partner() {
        q = q.filter(customer::Column::PartnerId.eq(who.partner_id.unwrap_or(-1)));
    } else if !who.is_staff() {
        q = q.filter(customer::Column::Id.eq(who.customer_id.unwrap_or(-1)));
    }
    if let Some(s) = f.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        q = if is_exact_contract(app, &q, s).await? {
            q.filter(customer::Column::ContractNumber.eq(s))
        } else if let Some(words) = SearchQuery::parse(s) {
            q.filter(search_condition(app, &words, s).await?)
        } else {
            q
        };
    }
    if let Some(g) = &f.support_group {
        q = q.filter(customer::Column::SupportGroup.eq(g.as_str()));
    }
    if let Some(p) = f.partner_id {
        q = q.filter(customer::Column::PartnerId.eq(p));
    }
    if let Some(st) = &f.status {
        q = q.filter(customer::Column::Status.eq(st.as_str()));
    }
    if let Some(c) = &f.city {
        q = q.filter(customer::Column::City.eq(c.as_str()));
    }
    if let Some(kind) = &f.licence_kind {
        q = q.filter(has_licence_of(kind));
    }
    let column = match sort.key {
        "contract" => customer::Column::ContractNumber,
        "city" => customer::Column::City,
        "created" => customer::Column::CreatedAt,
        _ => customer::Column::Name,
    };
    let total = crate::listing::capped_count(&app.db.conn, q.clone(), customer::Column::Id, COUNT_CAP).await?;
    let sorted = match figure_sort(sort.key) {
        Some(figure) => q.order_by(figure, sort.order()),
        None => q.order_by(column, sort.order()),
    };
    // The id breaks ties so that pages never overlap.
    let items = sorted
        .order_by_asc(customer::Column::Id)
        .offset(page.saturating_sub(1) * per_page)
        .limit(per_page)
        .all(&app.db.conn)
        .await?;
    Ok(Page {
        items: items.into_iter().map(Into::into).collect(),
        total,
        page: page.max(1),
        per_page,
    })
}

/// The cabinet logins of a customer.
pub async fn users_of(app: &App, customer_id: i64) -> AppResult<Vec<UserView>> {
    Ok(User::find()
        .filter(user::Column::CustomerId.eq(customer_id))
        .order_by_asc(user::Column::Login)
        .all(&app.db.conn)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// A customer as typed into the form or sent to the API (CRM-1). Empty optional fields are
/// `None`.
#[derive(Debug, Clone, Default)]
pub struct NewCustomer {
    pub kind: String,
    /// The internal name: "Trade name/Legal name", e.g. "Cafe on Lenina/LLC Leader".
    pub name: String,
    pub contract_number: String,
    pub contract_date: Option<chrono::NaiveDate>,
    pub contact_person: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// Must match the territory of the contract.
    pub city: Option<String>,
    /// The full address where the service is installed.
    pub address: Option<String>,
    /// The Iranian national id of a person, where used.
    pub national_id: Option<String>,
    pub partner_id: Option<i64>,
    /// A, B or C.
    pub support_group: Option<String>,
    /// From the configured list.
    pub activity: Option<String>,
    /// From the configured list.
    pub growth_potential: Option<String>,
    /// A chain of venues.
    pub chain: bool,
    /// The counterparty the contract is with, by its INN (and KPP when the INN has branches).
    pub counterparty_inn: Option<String>,
    pub counterparty_kpp: Option<String>,
    pub language: String,
    /// Default: the display time zone.
    pub time_zone: Option<String>,
    /// `RU` or `IR`, which chooses the invoices' tax; default: the provider's country.
    pub country: Option<String>,
    /// Default: active.
    pub status: Option<String>,
}

pub const STATUSES: &[CustomerStatus] = CustomerStatus::ALL;

/// The checked values of a customer, ready to store.
pub struct CheckedCustomer {
    pub(crate) kind: PartyKind,
    pub(crate) name: String,
    pub(crate) contract_number: String,
    pub(crate) contract_date: Option<chrono::NaiveDate>,
    pub(crate) contact_person: Option<String>,
    pub(crate) phone: Option<String>,
    pub(crate) email: Option<String>,
    pub(crate) city: Option<String>,
    pub(crate) address: Option<String>,
    pub(crate) national_id: Option<String>,
    pub(crate) partner_id: Option<i64>,
    pub(crate) support_group: Option<String>,
    pub(crate) activity: Option<String>,
    pub(crate) growth_potential: Option<String>,
    pub(crate) chain: bool,
    pub(crate) counterparty_id: Option<i64>,
    pub(crate) language: String,
    pub(crate) time_zone: String,
    pub(crate) country: Country,
    pub(crate) status: CustomerStatus,
}

fn text_field(
    errors: &mut FieldErrors,
    field: &str,
    value: Option<&str>,
    max: usize,
    required: bool,
) -> Option<String> {
    text::one_line(value.unwrap_or(""), max, required)
        .map_err(|p| errors.add(field, &format!("text-{}", p.code().replace('_', "-"))))
        .ok()
        .flatten()
}

pub(crate) fn blank(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// Checks every field of `new` for `who`, collecting every problem at once. A partner's
/// customer always belongs to that partner.
pub async fn check(app: &App, who: &Identity, new: &NewCustomer) -> AppResult<CheckedCustomer> {
    let mut errors = FieldErrors::new();
    let kind = errors.choice::<PartyKind>("kind", &new.kind);
    let support_group = blank(&new.support_group).map(str::to_owned);
    if support_group.as_deref().is_some_and(|g| !SUPPORT_GROUPS.contains(&g)) {
        errors.add("support_group", "invalid-choice");
    }
    let name = text_field(&mut errors, "name", Some(&new.name), text::limits::NAME, true);
    let contract = text_field(&mut errors, "contract_number", Some(&new.contract_number), 50, true);
    let contact_person = text_field(
        &mut errors,
        "contact_person",
        blank(&new.contact_person),
        text::limits::NAME,
        false,
    );
    let city = text_field(&mut errors, "city", blank(&new.city), text::limits::SHORT, false);
    let address = text_field(&mut errors, "address", blank(&new.address), text::limits::LINE, false);
    let phone = blank(&new.phone).and_then(|p| {
        kabinet_core::phone::Phone::parse(p)
            .map(|p| p.as_str().to_owned())
            .map_err(|e| errors.add("phone", &format!("phone-{}", e.code().replace('_', "-"))))
            .ok()
    });
    let email = blank(&new.email).and_then(|e| {
        kabinet_core::email::Email::parse(e)
            .map(|e| e.as_str().to_owned())
            .map_err(|e| errors.add("email", &format!("email-{}", e.code().replace('_', "-"))))
            .ok()
    });
    let national_id = blank(&new.national_id).and_then(|v| {
        kabinet_core::legal_ids::national_id(v)
            .map_err(|e| errors.add("national_id", e.code()))
            .ok()
    });
    let activity = blank(&new.activity).map(str::to_owned);
    if activity
        .as_ref()
        .is_some_and(|a| !app.config.crm.activities.contains(a))
    {
        errors.add("activity", "invalid-choice");
    }
    let growth_potential = blank(&new.growth_potential).map(str::to_owned);
    if growth_potential
        .as_ref()
        .is_some_and(|g| !app.config.crm.growth_potentials.contains(g))
    {
        errors.add("growth_potential", "invalid-choice");
    }
    if new
        .contract_date
        .is_some_and(|d| d > chrono::Utc::now().date_naive() + chrono::Days::new(1))
    {
        errors.add("contract_date", "date-in-future");
    }
    let language = match crate::i18n::Lang::parse(&new.language) {
        Some(l) => l.code().to_owned(),
        None if new.language.is_empty() => "ru".into(),
        None => {
            errors.add("language", "invalid-choice");
            "ru".into()
        }
    };
    let time_zone = match blank(&new.time_zone) {
        Some(tz) if kabinet_core::time::zone(tz).is_some() => tz.to_owned(),
        Some(_) => {
            errors.add("time_zone", "invalid-time-zone");
            String::new()
        }
        None => app.config.display_time_zone.clone(),
    };
    let country = match blank(&new.country) {
        None => Some(app.config.requisites.country),
        Some(c) => errors.choice::<Country>("country", c),
    };
    let status = match blank(&new.status) {
        None => Some(CustomerStatus::Active),
        Some(s) => errors.choice::<CustomerStatus>("status", s),
    };
    let partner_id = if who.is_partner() {
        who.partner_id
    } else {
        match new.partner_id {
            Some(id) if Partner::find_by_id(id).one(&app.db.conn).await?.is_none() => {
                errors.add("partner_id", "invalid-choice");
                None
            }
            other => other,
        }
    };
    let counterparty_id = match blank(&new.counterparty_inn) {
        Some(inn) => {
            let mut q = kabinet_store::entities::counterparty::Entity::find()
                .filter(kabinet_store::entities::counterparty::Column::Inn.eq(inn));
            if let Some(kpp) = blank(&new.counterparty_kpp) {
                q = q.filter(kabinet_store::entities::counterparty::Column::Kpp.eq(kpp));
            }
            if who.is_partner() {
                q = q.filter(kabinet_store::entities::counterparty::Column::PartnerId.eq(who.partner_id.unwrap_or(-1)));
            }
            let found = q.limit(2).all(&app.db.conn).await?;
            match found.as_slice() {
                [one] => Some(one.id),
                [] => {
                    errors.add("counterparty_inn", "counterparty-unknown");
                    None
                }
                _ => {
                    errors.add("counterparty_kpp", "counterparty-kpp-needed");
                    None
                }
            }
        }
        None => None,
    };
    errors.into_result()?;
    let (Some(kind), Some(status)) = (kind, status) else {
        return Err(FieldErrors::single("kind", "invalid-choice"));
    };
    Ok(CheckedCustomer {
        kind,
        name: name.unwrap_or_default(),
        contract_number: contract.unwrap_or_default(),
        contract_date: new.contract_date,
        contact_person,
        phone,
        email,
        city,
        address,
        national_id,
        partner_id,
        support_group,
        activity,
        growth_potential,
        chain: new.chain,
        counterparty_id,
        language,
        time_zone,
        country: country.unwrap_or(app.config.requisites.country),
        status,
    })
}

fn audit_fields(c: &customer::Model) -> serde_json::Value {
    json!({"name": c.name, "contract_number": c.contract_number, "contract_date": c.contract_date,
           "kind": c.kind, "contact_person": c.contact_person, "phone": c.phone, "email": c.email,
           "city": c.city, "address": c.address, "national_id": c.national_id,
           "support_group": c.support_group, "activity": c.activity,
           "growth_potential": c.growth_potential, "chain": c.chain, "partner_id": c.partner_id,
           "counterparty_id": c.counterparty_id, "language": c.language, "time_zone": c.time_zone,
           "country": c.country, "status": c.status})
}

/// Inserts a checked customer inside the caller's transaction, with its audit record.
pub async fn insert<C: ConnectionTrait>(txn: &C, actor: &Actor, c: CheckedCustomer) -> AppResult<customer::Model> {
    let now = kabinet_store::now();
    let created = customer::ActiveModel {
        kind: Set(c.kind),
        name: Set(c.name),
        contract_number: Set(c.contract_number),
        contract_date: Set(c.contract_date),
        contact_person: Set(c.contact_person),
        phone: Set(c.phone),
        email: Set(c.email),
        city: Set(c.city),
        address: Set(c.address),
        national_id: Set(c.national_id),
        partner_id: Set(c.partner_id),
        support_group: Set(c.support_group),
        activity: Set(c.activity),
        growth_potential: Set(c.growth_potential),
        chain: Set(c.chain),
        counterparty_id: Set(c.counterparty_id),
        language: Set(c.language),
        time_zone: Set(c.time_zone),
        country: Set(c.country),
        status: Set(c.status),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await
    .map_err(|e| {
        if kabinet_store::is_unique_violation(&e) {
            FieldErrors::single("contract_number", "contract-taken")
        } else {
            e.into()
        }
    })?;
    audit::record(
        txn,
        actor,
        "customer.create",
        "customer",
        Some(created.id),
        audit_fields(&created),
    )
    .await?;
    Ok(created)
}

/// Creates a customer (the demo and the tools; people use [`crate::crm::opening::open`]).
pub async fn create(app: &App, actor: &Actor, new: NewCustomer) -> AppResult<views::Customer> {
    actor.require(&[Permission::CustomersManage])?;
    let system = crate::access::Identity::system_admin();
    let checked = check(app, &system, &new).await?;
    let txn = app.db.write().await?;
    let created = insert(&txn, actor, checked).await?;
    txn.commit().await?;
    Ok(created.into())
}

/// Changes a customer's details; the audit record lists what changed.
pub async fn update(app: &App, actor: &Actor, who: &Identity, id: i64, new: NewCustomer) -> AppResult<views::Customer> {
    who.require(&[Permission::CustomersManage])?;
    let before = visible_row(app, who, id).await?;
    let mut new = new;
    if who.is_partner() {
        new.partner_id = before.partner_id;
    }
    let c = check(app, who, &new).await?;
    let mut row: customer::ActiveModel = before.clone().into();
    row.kind = Set(c.kind);
    row.name = Set(c.name);
    row.contract_number = Set(c.contract_number);
    row.contract_date = Set(c.contract_date);
    row.contact_person = Set(c.contact_person);
    row.phone = Set(c.phone);
    row.email = Set(c.email);
    row.city = Set(c.city);
    row.address = Set(c.address);
    row.national_id = Set(c.national_id);
    row.partner_id = Set(c.partner_id);
    row.support_group = Set(c.support_group);
    row.activity = Set(c.activity);
    row.growth_potential = Set(c.growth_potential);
    row.chain = Set(c.chain);
    row.counterparty_id = Set(c.counterparty_id);
    row.language = Set(c.language);
    row.time_zone = Set(c.time_zone);
    row.country = Set(c.country);
    row.status = Set(c.status);
    row.updated_at = Set(kabinet_store::now());
    let txn = app.db.write().await?;
    let saved = row.update(&txn).await.map_err(|e| {
        if kabinet_store::is_unique_violation(&e) {
            FieldErrors::single("contract_number", "contract-taken")
        } else {
            e.into()
        }
    })?;
    let (b, a) = (audit_fields(&before), audit_fields(&saved));
    let changes: Vec<(&str, serde_json::Value, serde_json::Value)> = a
        .as_object()
        .map(|m| m.keys().map(|k| (k.as_str(), b[k].clone(), a[k].clone())).collect())
        .unwrap_or_default();
    let diff = audit::diff(&changes);
    if diff.as_object().is_some_and(|m| !m.is_empty()) {
        audit::record(&txn, actor, "customer.update", "customer", Some(id), diff).await?;
    }
    txn.commit().await?;
    Ok(saved.into())
}

pub async fn create_partner(app: &App, actor: &Actor, name: &str) -> AppResult<views::Partner> {
    actor.require(&[Permission::StaffUsersManage])?;
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
    Ok(p.into())
}

/// The name of the partner (dealer) that serves `customer`, if any.
pub async fn partner_name(app: &App, customer: &views::Customer) -> AppResult<Option<String>> {
    match customer.partner_id {
        Some(id) => Ok(Partner::find_by_id(id).one(&app.db.conn).await?.map(|p| p.name)),
        None => Ok(None),
    }
}

pub async fn partners(app: &App) -> AppResult<Vec<views::Partner>> {
    Ok(Partner::find()
        .order_by_asc(partner::Column::Name)
        .all(&app.db.conn)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}
