//! Payments: bank transfers and cash registered by staff (BIL-4, BIL-5). Gateway payments
//! arrive through the same table once the gateway confirms them.

use chrono::{NaiveDate, TimeZone, Utc};
use kabinet_core::ErrorCode;
use kabinet_core::access::Permission;
use kabinet_core::billing::EntryKind;
use kabinet_core::billing::PaymentMethod;
use kabinet_core::money::MAX_AMOUNT;
use kabinet_core::search::SearchQuery;
use kabinet_core::text;
use kabinet_store::entities::account::{self, Entity as Account};
use kabinet_store::entities::payment::{self, Entity as Payment};
use kabinet_store::search::Indexed;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::json;

use super::ledger::{self, Posting};
use crate::access::{Actor, Identity};
use crate::billing::views;
use crate::{App, AppError, AppResult, FieldErrors, IntoViews, audit};

/// How money came in.
pub const MANUAL_METHODS: [PaymentMethod; 2] = [PaymentMethod::BankTransfer, PaymentMethod::Cash];

/// A payment staff register from a bank statement or a cash desk.
#[derive(Debug, Clone)]
pub struct ManualPayment {
    pub account_id: i64,
    /// Positive minor units of the account's currency.
    pub amount: i64,
    pub method: String,
    pub document_number: String,
    pub document_date: NaiveDate,
    pub description: String,
    /// From the form, so a double submit registers once.
    pub idempotency_key: String,
}

/// A registered payment, and whether this call registered it or found it registered by an
/// earlier call with the same key (a retry after a lost answer, a double submit).
#[derive(Debug, Clone)]
pub struct Registered {
    pub payment: views::Payment,
    pub replayed: bool,
}

/// Registers a payment once per idempotency key: a call with a key used before returns the
/// payment it registered (so a client that lost the answer learns the result), unless the key
/// came with another account or amount, which is refused.
pub async fn register_manual(app: &App, actor: &Actor, who: &Identity, p: ManualPayment) -> AppResult<Registered> {
    who.require(&[Permission::PaymentsPost])?;
    let key = format!("manual:{}", p.idempotency_key);
    let account_id = p.account_id;
    let amount = p.amount;
    match register_new(app, actor, who, p).await {
        Err(AppError::Conflict(ErrorCode::PaymentAlreadyRegistered)) => {
            let earlier = payment::Entity::find()
                .filter(payment::Column::IdempotenceKey.eq(key))
                .one(&app.db.conn)
                .await?
                .ok_or(AppError::Conflict(ErrorCode::PaymentAlreadyRegistered))?;
            if earlier.account_id != account_id || earlier.amount != amount {
                return Err(AppError::Conflict(ErrorCode::IdempotencyKeyReused));
            }
            Ok(Registered {
                payment: earlier.into(),
                replayed: true,
            })
        }
        other => other.map(|payment| Registered {
            payment: payment.into(),
            replayed: false,
        }),
    }
}

async fn register_new(app: &App, actor: &Actor, who: &Identity, p: ManualPayment) -> AppResult<payment::Model> {
    let account = super::accounts::visible_row(app, who, p.account_id).await?;
    let mut errors = FieldErrors::new();
    if p.amount <= 0 || p.amount > MAX_AMOUNT {
        errors.add("amount", "amount-not-positive");
    }
    let method = errors
        .choice::<PaymentMethod>("method", &p.method)
        .filter(|m| MANUAL_METHODS.contains(m));
    if method.is_none() && errors.get("method").is_none() {
        errors.add("method", "invalid-choice");
    }
    let document_number = text::one_line(&p.document_number, 64, method == Some(PaymentMethod::BankTransfer))
        .map_err(|e| errors.add("document_number", &format!("text-{}", e.code().replace('_', "-"))))
        .ok()
        .flatten();
    let description = text::one_line(&p.description, 500, false)
        .map_err(|e| errors.add("description", &format!("text-{}", e.code().replace('_', "-"))))
        .ok()
        .flatten();
    let today = Utc::now().date_naive();
    if p.document_date > today + chrono::Days::new(1) {
        errors.add("document_date", "date-in-future");
    }
    if !ledger::valid_key(&p.idempotency_key) {
        errors.add("idempotency_key", "bad-request");
    }
    errors.into_result()?;
    let Some(method) = method else {
        return Err(FieldErrors::single("method", "invalid-choice"));
    };
    let paid_at = Utc.from_utc_datetime(&p.document_date.and_hms_opt(12, 0, 0).unwrap_or_default());
    let txn = app.db.write().await?;
    let created = payment::ActiveModel {
        status: Set(kabinet_core::billing::PaymentStatus::Succeeded),
        document_number: Set(document_number.clone()),
        document_date: Set(Some(p.document_date)),
        description: Set(description.clone().unwrap_or_default()),
        paid_at: Set(Some(paid_at)),
        ..new_row(
            &account,
            method,
            p.amount,
            format!("manual:{}", p.idempotency_key),
            actor,
        )
    };
    let created = insert(&txn, created).await?;
    audit::record(
        &txn,
        actor,
        "payment.register",
        "payment",
        Some(created.id),
        json!({"account_id": account.id, "amount": created.amount, "currency": created.currency,
               "method": created.method, "document_number": created.document_number,
               "document_date": created.document_date}),
    )
    .await?;
    ledger::post(
        &txn,
        actor,
        Posting {
            account_id: account.id,
            kind: EntryKind::Payment,
            amount: kabinet_core::money::Money::new(created.amount, created.currency),
            occurred_at: paid_at,
            description: match (&document_number, &description) {
                (Some(n), Some(d)) => format!("№ {n}. {d}"),
                (Some(n), None) => format!("№ {n}"),
                (None, Some(d)) => d.clone(),
                (None, None) => String::new(),
            },
            idempotency_key: format!("payment:{}", created.id),
            payment_id: Some(created.id),
            subscription_id: None,
            period_start: None,
            reverses_entry_id: None,
            enforce_debt_cap: false,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(created)
}

/// Inserts a payment row; its idempotence key used before means the payment exists already
/// (a double submit).
pub(crate) async fn insert<C: sea_orm::ConnectionTrait>(
    txn: &C,
    row: payment::ActiveModel,
) -> AppResult<payment::Model> {
    row.insert(txn).await.map_err(|e| {
        if kabinet_store::is_unique_violation(&e) {
            AppError::Conflict(ErrorCode::PaymentAlreadyRegistered)
        } else {
            e.into()
        }
    })
}

/// A payment row on `account` with what every kind of payment sets the same way; the caller
/// sets the status and what else differs.
pub(crate) fn new_row(
    account: &account::Model,
    method: PaymentMethod,
    amount: i64,
    key: String,
    actor: &Actor,
) -> payment::ActiveModel {
    payment::ActiveModel {
        account_id: Set(account.id),
        customer_id: Set(account.customer_id),
        method: Set(method),
        status: Set(kabinet_core::billing::PaymentStatus::Pending),
        amount: Set(amount),
        refunded: Set(0),
        currency: Set(account.currency),
        document_number: Set(None),
        document_date: Set(None),
        gateway_payment_id: Set(None),
        idempotence_key: Set(key),
        confirmation_url: Set(None),
        description: Set(String::new()),
        created_by: Set(actor.user_id),
        created_at: Set(kabinet_store::now()),
        paid_at: Set(None),
        canceled_at: Set(None),
        ..Default::default()
    }
}

/// The latest payments on `accounts` (the dashboard shows a few), each with its account's number.
pub async fn recent_on(app: &App, accounts: &[views::Account], limit: u64) -> AppResult<Vec<(views::Payment, String)>> {
    let ids: Vec<i64> = accounts.iter().map(|a| a.id).collect();
    let rows = Payment::find()
        .filter(payment::Column::AccountId.is_in(ids))
        .filter(payment::Column::Status.eq(kabinet_core::billing::PaymentStatus::Succeeded))
        .order_by_desc(payment::Column::PaidAt)
        .limit(limit)
        .all(&app.db.conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|p| {
            let number = accounts
                .iter()
                .find(|a| a.id == p.account_id)
                .map(|a| a.number.clone())
                .unwrap_or_default();
            (p.into(), number)
        })
        .collect())
}

/// Payments of one account, newest first.
pub async fn of_account(app: &App, who: &Identity, account_id: i64, limit: u64) -> AppResult<Vec<views::Payment>> {
    super::accounts::get_visible(app, who, account_id).await?;
    Ok(Payment::find()
        .filter(payment::Column::AccountId.eq(account_id))
        .order_by_desc(payment::Column::Id)
        .limit(limit)
        .all(&app.db.conn)
        .await?
        .into_views())
}

/// Columns the payments list sorts by (BIL-4).
pub const SORTS: [&str; 6] = ["paid_at", "account", "method", "document_number", "status", "amount"];

/// Pages are counted up to this many rows; past it the list says "more than".
pub const COUNT_CAP: u64 = 10_000;

/// The payments list's filters (BIL-4). Everything optional; the caller's scope always applies.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PaymentFilter {
    /// Staff: only this customer's accounts.
    pub customer_id: Option<i64>,
    /// Only these accounts (empty: every account in scope).
    #[serde(default)]
    pub account_ids: Vec<i64>,
    /// First and last day, inclusive, in the display time zone.
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub method: Option<PaymentMethod>,
    /// Minor units, inclusive.
    pub min_amount: Option<i64>,
    pub max_amount: Option<i64>,
    pub account_kind: Option<kabinet_core::billing::AccountKind>,
    /// Any part of the purpose, the payment document's number or the payer's name, contract
    /// or INN (CRM-3's rules).
    #[serde(default)]
    pub search: Option<String>,
}

/// One row of the list: the payment with its account's number and kind.
#[derive(Debug, Clone)]
pub struct PaymentRow {
    pub payment: views::Payment,
    pub account_number: String,
    pub account_kind: Option<kabinet_core::billing::AccountKind>,
}

/// Who may be the payer of a search: the customers it finds through their substring index
/// (words too short for the index look at the purpose and number only).
async fn payers(app: &App, words: &SearchQuery) -> AppResult<Vec<i64>> {
    if !words.is_indexable() {
        return Ok(Vec::new());
    }
    Ok(kabinet_store::search::matching_ids(&app.db.conn, Indexed::Customers, words, PAYER_MATCHES).await?)
}

/// How many customers one payments search may take as payers.
const PAYER_MATCHES: u64 = 500;

/// What a list may show: the accounts and, for a search, the payers it names.
struct Scope {
    accounts: Option<Vec<i64>>,
    search: Option<(SearchQuery, Vec<i64>)>,
}

async fn scope(app: &App, who: &Identity, f: &PaymentFilter) -> AppResult<Scope> {
    let search = match f.search.as_deref().and_then(SearchQuery::parse) {
        Some(words) => {
            let payers = payers(app, &words).await?;
            Some((words, payers))
        }
        None => None,
    };
    Ok(Scope {
        accounts: accounts_in_scope(app, who, f).await?,
        search,
    })
}

/// The accounts a list may show: `None` for every account (staff without a customer filter),
/// otherwise the ids — a customer's own, a partner's own and its customers', or the customer a
/// staff member chose — narrowed to the accounts the filter names. Resolving the scope to ids
/// first lets the payments query use the (account, date) index instead of a join per row.
async fn accounts_in_scope(app: &App, who: &Identity, f: &PaymentFilter) -> AppResult<Option<Vec<i64>>> {
    use sea_orm::{Condition, QuerySelect};
    let mut q = Account::find().select_only().column(account::Column::Id);
    if who.is_partner() {
        let partner = who.partner_id.unwrap_or(-1);
        let customers = sea_orm::sea_query::Query::select()
            .column(kabinet_store::entities::customer::Column::Id)
            .from(kabinet_store::entities::customer::Entity)
            .and_where(kabinet_store::entities::customer::Column::PartnerId.eq(partner))
            .to_owned();
        q = q.filter(
            Condition::any()
                .add(account::Column::PartnerId.eq(partner))
                .add(account::Column::CustomerId.in_subquery(customers)),
        );
    } else if !who.is_staff() {
        q = q.filter(account::Column::CustomerId.eq(who.customer_id.unwrap_or(-1)));
    } else if f.customer_id.is_none() && f.account_ids.is_empty() {
        return Ok(None);
    }
    if let Some(c) = f.customer_id {
        q = q.filter(account::Column::CustomerId.eq(c));
    }
    if !f.account_ids.is_empty() {
        q = q.filter(account::Column::Id.is_in(f.account_ids.clone()));
    }
    Ok(Some(q.into_tuple::<i64>().all(&app.db.conn).await?))
}

/// The filtered query within `scope`. Accounts are joined only when the filter or the sort
/// needs their columns.
fn filtered(
    scope: &Scope,
    f: &PaymentFilter,
    sort: &crate::listing::Sort,
    time_zone: &str,
) -> sea_orm::Select<Payment> {
    use sea_orm::{JoinType, QuerySelect, RelationTrait};
    let mut q = Payment::find().filter(payment::Column::Status.eq(kabinet_core::billing::PaymentStatus::Succeeded));
    if f.account_kind.is_some() || sort.key == "account" {
        q = q.join(JoinType::InnerJoin, payment::Relation::Account.def());
    }
    if let Some(ids) = &scope.accounts {
        q = q.filter(payment::Column::AccountId.is_in(ids.clone()));
    }
    if let Some((words, payers)) = &scope.search {
        let mut any =
            sea_orm::Condition::any().add(kabinet_store::search::condition(payment::Column::SearchText, words));
        if !payers.is_empty() {
            any = any.add(payment::Column::CustomerId.is_in(payers.clone()));
        }
        q = q.filter(any);
    }
    if let Some(d) = f.from {
        q = q.filter(payment::Column::PaidAt.gte(super::local_midnight(d, time_zone)));
    }
    if let Some(d) = f.to.and_then(|d| d.succ_opt()) {
        q = q.filter(payment::Column::PaidAt.lt(super::local_midnight(d, time_zone)));
    }
    if let Some(m) = f.method {
        q = q.filter(payment::Column::Method.eq(m));
    }
    if let Some(a) = f.min_amount {
        q = q.filter(payment::Column::Amount.gte(a));
    }
    if let Some(a) = f.max_amount {
        q = q.filter(payment::Column::Amount.lte(a));
    }
    if let Some(k) = f.account_kind {
        q = q.filter(account::Column::Kind.eq(k));
    }
    q
}

fn sorted(q: sea_orm::Select<Payment>, sort: &crate::listing::Sort) -> sea_orm::Select<Payment> {
    let order = sort.order();
    let q = match sort.key {
        "account" => q.order_by(account::Column::Number, order.clone()),
        "method" => q.order_by(payment::Column::Method, order.clone()),
        "document_number" => q.order_by(payment::Column::DocumentNumber, order.clone()),
        "status" => q.order_by(payment::Column::Status, order.clone()),
        "amount" => q.order_by(payment::Column::Amount, order.clone()),
        _ => q.order_by(payment::Column::PaidAt, order.clone()),
    };
    // Ties keep one order, so pages neither repeat nor skip rows.
    q.order_by(payment::Column::Id, order)
}

/// A page of the payments list and the number of matching rows (counted up to [`COUNT_CAP`]).
pub async fn list(
    app: &App,
    who: &Identity,
    f: &PaymentFilter,
    sort: &crate::listing::Sort,
    page: u64,
    per_page: u64,
) -> AppResult<crate::listing::Page<PaymentRow>> {
    let scope = scope(app, who, f).await?;
    let base = filtered(&scope, f, sort, &app.config.display_time_zone);
    let total = crate::listing::capped_count(&app.db.conn, base.clone(), payment::Column::Id, COUNT_CAP).await?;
    let rows = sorted(base, sort)
        .offset(page.saturating_sub(1) * per_page)
        .limit(per_page)
        .all(&app.db.conn)
        .await?;
    // The page's accounts, in one more query.
    let ids: Vec<i64> = rows.iter().map(|p| p.account_id).collect();
    let accounts = Account::find()
        .filter(account::Column::Id.is_in(ids))
        .all(&app.db.conn)
        .await?;
    let items = rows
        .into_iter()
        .map(|p| {
            let a = accounts.iter().find(|a| a.id == p.account_id).cloned();
            row((p, a))
        })
        .collect();
    Ok(crate::listing::Page {
        items,
        total,
        page: page.max(1),
        per_page,
    })
}

fn row((payment, account): (payment::Model, Option<account::Model>)) -> PaymentRow {
    let (account_number, account_kind) = account.map_or((String::new(), None), |a| (a.number, Some(a.kind)));
    PaymentRow {
        payment: payment.into(),
        account_number,
        account_kind,
    }
}

/// What an export needs of a payment: only these columns are read, as a tuple, so a million
/// rows decode quickly.
#[derive(Debug, Clone)]
pub struct ExportRow {
    pub paid_at: Option<chrono::DateTime<chrono::Utc>>,
    pub account_number: String,
    pub account_kind: String,
    pub method: String,
    pub document_number: Option<String>,
    pub description: String,
    pub amount: i64,
    pub currency: String,
}

type ExportTuple = (
    Option<chrono::DateTime<chrono::Utc>>,
    String,
    String,
    String,
    Option<String>,
    String,
    i64,
    String,
);

/// Every matching row in list order, read as a stream (constant memory whatever the size).
pub async fn stream<'a>(
    app: &'a App,
    who: &Identity,
    f: &PaymentFilter,
    sort: &crate::listing::Sort,
) -> AppResult<impl futures_core::Stream<Item = AppResult<ExportRow>> + 'a> {
    use futures_util::StreamExt;
    use sea_orm::{JoinType, QuerySelect, RelationTrait};
    let scope = scope(app, who, f).await?;
    // The export reads every account number, so it always joins.
    let mut q = filtered(&scope, f, sort, &app.config.display_time_zone);
    if f.account_kind.is_none() && sort.key != "account" {
        q = q.join(JoinType::InnerJoin, payment::Relation::Account.def());
    }
    let s = sorted(q, sort)
        .select_only()
        .column(payment::Column::PaidAt)
        .column(account::Column::Number)
        .column(account::Column::Kind)
        .column(payment::Column::Method)
        .column(payment::Column::DocumentNumber)
        .column(payment::Column::Description)
        .column(payment::Column::Amount)
        .column(payment::Column::Currency)
        .into_tuple::<ExportTuple>()
        .stream(&app.db.conn)
        .await?;
    Ok(s.map(|r| {
        r.map(
            |(paid_at, account_number, account_kind, method, document_number, description, amount, currency)| {
                ExportRow {
                    paid_at,
                    account_number,
                    account_kind,
                    method,
                    document_number,
                    description,
                    amount,
                    currency,
                }
            },
        )
        .map_err(AppError::from)
    }))
}

/// How many rows match, exactly (for an export's progress).
pub async fn count(app: &App, who: &Identity, f: &PaymentFilter) -> AppResult<u64> {
    use sea_orm::PaginatorTrait;
    let scope = scope(app, who, f).await?;
    let unsorted = crate::listing::Sort {
        key: "paid_at",
        descending: true,
    };
    Ok(filtered(&scope, f, &unsorted, &app.config.display_time_zone)
        .count(&app.db.conn)
        .await?)
}
