//! Usage of lines (CAB-3) brought in from the operator's usage file: one row per line, month
//! and category (calls, SMS, data, fees, other) with what the operator billed. The import is
//! all or nothing: every row is checked first — its fields, its line (by number), the same row
//! twice, a category of a month already charged — and the report names each bad row; a good
//! file is written in one transaction: each line's month, the account/group/label totals the
//! charts read, one charge per account and month in the ledger, the spending-limit notices of
//! the coordinators (80 % and 100 % of a line's limit, each once a month), and the audit
//! record. The same file twice is refused by its digest.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use kabinet_core::access::{CustomerRole, Permission, UserStatus};
use kabinet_core::assets::AssetStatus;
use kabinet_core::assets::line_usage::{
    self as rules, CategoryAmounts, UsageCategory, UsageColumn, parse_month, parse_quantity, parse_usage_amount,
};
use kabinet_core::assets::lines::limit_threshold_reached;
use kabinet_core::billing::EntryKind;
use kabinet_core::import_file::Header;
use kabinet_core::money::{Currency, DisplayUnit, Money};
use kabinet_core::phone::Phone;
use kabinet_store::ConnectionTrait;
use kabinet_store::entities::account::{self, Entity as Account};
use kabinet_store::entities::asset::Entity as Asset;
use kabinet_store::entities::customer::Entity as Customer;
use kabinet_store::entities::line::{self, Entity as LineRow};
use kabinet_store::entities::line_label_link::{self, Entity as LabelLink};
use kabinet_store::entities::line_usage::{self, Entity as LineUsage};
use kabinet_store::entities::line_usage_label::{self, Entity as UsageLabel};
use kabinet_store::entities::usage_import::{self, Entity as UsageImport};
use kabinet_store::entities::usage_total::{self, Entity as UsageTotal};
use kabinet_store::entities::user::{self, Entity as User};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::access::{Actor, Identity};
use crate::billing::ledger::{self, Posting};
use crate::i18n::Lang;
use crate::import_file::{ImportReport, RowProblem};
use crate::notify::outbox::{self, Channel, OutgoingMessage};
use crate::{App, AppError, AppResult, audit};

/// How many values one lookup binds: well inside both databases' limits.
const BATCH: usize = 500;

/// The scopes of [`usage_total`] rows.
pub(crate) const SCOPE_ACCOUNT: &str = "account";
pub(crate) const SCOPE_GROUP: &str = "group";
pub(crate) const SCOPE_LABEL: &str = "label";

/// A row of the file that passed its own checks.
struct Row {
    row: usize,
    phone: String,
    month: NaiveDate,
    category: UsageCategory,
    quantity: Option<i64>,
    amount_typed: String,
}

/// A checked row with its line and its amount in the account's minor units.
struct Charge {
    line_id: i64,
    month: NaiveDate,
    category: UsageCategory,
    quantity: Option<i64>,
    amount: i64,
}

/// What the import needs of a line.
#[derive(Clone)]
struct LineFacts {
    line_id: i64,
    phone: String,
    employee: Option<String>,
    account_id: i64,
    customer_id: i64,
    currency: Currency,
    group_id: Option<i64>,
    limit: Option<i64>,
}

/// Imports the usage file `bytes` (named `file_name`) for staff who manage billing.
pub async fn import(
    app: &App,
    actor: &Actor,
    who: &Identity,
    file_name: &str,
    bytes: &[u8],
) -> AppResult<ImportReport> {
    who.require(&[Permission::BillingManage])?;
    actor.require(&[Permission::BillingManage])?;
    if who.customer_id.is_some() || who.is_partner() {
        return Err(AppError::Forbidden);
    }
    import_file(app, actor, file_name, bytes).await
}

/// The import itself, for the product acting on every customer (`kabinet usage import`).
pub async fn import_file(app: &App, actor: &Actor, file_name: &str, bytes: &[u8]) -> AppResult<ImportReport> {
    let digest = hex::encode(Sha256::digest(bytes));
    let refused = |code: &str| Ok(ImportReport::refused(0, vec![ImportReport::problem(1, "", code)]));
    if UsageImport::find()
        .filter(usage_import::Column::Digest.eq(&digest))
        .one(&app.db.conn)
        .await?
        .is_some()
    {
        return refused("usage-file-imported-before");
    }
    let table = match crate::import_file::read_with_header::<UsageColumn>(bytes, rules::MAX_ROWS) {
        Ok(t) => t,
        Err(refused) => return Ok(refused),
    };
    let this_month = rules::month_start(crate::billing::run::today_for(None, &app.config.display_time_zone))
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("no first day of this month")))?;
    let mut problems = table.problems;
    let mut checked = Vec::new();
    let data_rows = table.rows.len();
    for (row, cells) in table.rows {
        match check_row(row, &table.header, &cells, this_month) {
            Ok(r) => checked.push(r),
            Err(found) => problems.extend(found),
        }
    }
    let lines = lines_by_phone(app, checked.iter().map(|r| r.phone.as_str())).await?;
    let mut charges = Vec::with_capacity(checked.len());
    let mut seen = HashSet::new();
    for r in &checked {
        let Some(facts) = lines.get(&r.phone) else {
            problems.push(ImportReport::problem(
                r.row,
                UsageColumn::Phone.as_str(),
                "usage-line-unknown",
            ));
            continue;
        };
        let unit = DisplayUnit::for_reader(facts.currency, "ru");
        let amount = match parse_usage_amount(&r.amount_typed, unit) {
            Ok(a) => a,
            Err(e) => {
                problems.push(ImportReport::problem(r.row, UsageColumn::Amount.as_str(), e.code()));
                continue;
            }
        };
        if !seen.insert((facts.line_id, r.month, r.category)) {
            problems.push(ImportReport::problem(
                r.row,
                UsageColumn::Category.as_str(),
                "usage-row-twice",
            ));
            continue;
        }
        charges.push((
            r.row,
            Charge {
                line_id: facts.line_id,
                month: r.month,
                category: r.category,
                quantity: r.quantity,
                amount,
            },
        ));
    }
    let existing = existing_months(app, &charges).await?;
    for (row, c) in &charges {
        if existing
            .get(&(c.line_id, c.month))
            .is_some_and(|u| u.amount(c.category).is_some())
        {
            problems.push(ImportReport::problem(
                *row,
                UsageColumn::Category.as_str(),
                "usage-already-charged",
            ));
        }
    }
    if !problems.is_empty() {
        return Ok(ImportReport::refused(data_rows, problems));
    }
    let by_id: HashMap<i64, LineFacts> = lines.into_values().map(|f| (f.line_id, f)).collect();
    let charges: Vec<Charge> = charges.into_iter().map(|(_, c)| c).collect();
    write(app, actor, file_name, &digest, &charges, &by_id, existing, this_month).await?;
    tracing::info!(file = file_name, rows = charges.len(), "usage imported");
    Ok(ImportReport {
        rows: data_rows,
        imported: charges.len(),
        problems: Vec::new(),
        problem_count: 0,
    })
}

/// One row's own checks; every problem of the row at once.
fn check_row(
    row: usize,
    header: &Header<UsageColumn>,
    cells: &[String],
    this_month: NaiveDate,
) -> Result<Row, Vec<RowProblem>> {
    let mut problems = Vec::new();
    let mut bad = |column: UsageColumn, code: &str| problems.push(ImportReport::problem(row, column.as_str(), code));
    let typed = |c| header.cell(cells, c);
    let phone = Phone::parse(typed(UsageColumn::Phone)).map(|p| p.as_str().to_owned());
    if phone.is_err() {
        bad(UsageColumn::Phone, "usage-phone-bad");
    }
    let month = parse_month(typed(UsageColumn::Month));
    match month {
        None => bad(UsageColumn::Month, "usage-month-bad"),
        Some(m) if m > this_month => bad(UsageColumn::Month, "usage-month-future"),
        Some(_) => {}
    }
    let category = UsageCategory::from_file(typed(UsageColumn::Category));
    if category.is_none() {
        bad(UsageColumn::Category, "usage-category-unknown");
    }
    let quantity = parse_quantity(typed(UsageColumn::Quantity));
    if let Err(code) = quantity {
        bad(UsageColumn::Quantity, code);
    }
    let amount_typed = typed(UsageColumn::Amount).to_owned();
    if amount_typed.is_empty() {
        bad(UsageColumn::Amount, "amount-empty");
    }
    match (phone, month, category, quantity) {
        (Ok(phone), Some(month), Some(category), Ok(quantity)) if problems.is_empty() => Ok(Row {
            row,
            phone,
            month,
            category,
            quantity,
            amount_typed,
        }),
        _ => Err(problems),
    }
}

/// The lines (not deleted) with the numbers of the file, by number, with their accounts'
/// currencies.
async fn lines_by_phone<'a>(app: &App, phones: impl Iterator<Item = &'a str>) -> AppResult<HashMap<String, LineFacts>> {
    let phones: Vec<&str> = phones.collect::<HashSet<_>>().into_iter().collect();
    let mut found = HashMap::new();
    let mut currencies: HashMap<i64, (Currency, i64)> = HashMap::new();
    for batch in phones.chunks(BATCH) {
        let rows = LineRow::find()
            .filter(line::Column::Phone.is_in(batch.iter().copied()))
            .find_also_related(Asset)
            .all(&app.db.conn)
            .await?;
        let accounts: Vec<i64> = rows
            .iter()
            .map(|(l, _)| l.account_id)
            .filter(|id| !currencies.contains_key(id))
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        if !accounts.is_empty() {
            for a in Account::find()
                .filter(account::Column::Id.is_in(accounts))
                .all(&app.db.conn)
                .await?
            {
                currencies.insert(a.id, (a.currency, a.customer_id.unwrap_or_default()));
            }
        }
        for (l, a) in rows {
            let Some(a) = a.filter(|a| a.status != AssetStatus::Deleted) else {
                continue;
            };
            let Some(&(currency, _)) = currencies.get(&l.account_id) else {
                continue;
            };
            found.insert(
                l.phone.clone(),
                LineFacts {
                    line_id: l.asset_id,
                    phone: l.phone,
                    employee: l.employee_name,
                    account_id: l.account_id,
                    customer_id: a.customer_id,
                    currency,
                    group_id: l.group_id,
                    limit: l.spending_limit_minor,
                },
            );
        }
    }
    Ok(found)
}

/// The months already recorded for the lines and months of `charges`.
async fn existing_months(
    app: &App,
    charges: &[(usize, Charge)],
) -> AppResult<HashMap<(i64, NaiveDate), line_usage::Model>> {
    let months: Vec<NaiveDate> = charges
        .iter()
        .map(|(_, c)| c.month)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let lines: Vec<i64> = charges
        .iter()
        .map(|(_, c)| c.line_id)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let mut found = HashMap::new();
    for batch in lines.chunks(BATCH) {
        for u in LineUsage::find()
            .filter(line_usage::Column::LineId.is_in(batch.iter().copied()))
            .filter(line_usage::Column::Month.is_in(months.iter().copied()))
            .all(&app.db.conn)
            .await?
        {
            found.insert((u.line_id, u.month), u);
        }
    }
    Ok(found)
}

/// Writes a checked file in one transaction.
#[allow(clippy::too_many_arguments)]
async fn write(
    app: &App,
    actor: &Actor,
    file_name: &str,
    digest: &str,
    charges: &[Charge],
    lines: &HashMap<i64, LineFacts>,
    existing: HashMap<(i64, NaiveDate), line_usage::Model>,
    this_month: NaiveDate,
) -> AppResult<()> {
    // A month already recorded keeps the labels it was first recorded with; a new month takes
    // the labels its line carries now.
    let labels_now = labels_of(app, lines.keys().copied()).await?;
    let labels_kept = labels_recorded(app, existing.keys()).await?;
    let txn = app.db.write().await?;
    let now = kabinet_store::now();
    let accounts: HashSet<i64> = lines.values().map(|f| f.account_id).collect();
    let import = usage_import::ActiveModel {
        file_name: Set(kabinet_core::text::truncate(file_name, 255)),
        digest: Set(digest.to_owned()),
        rows: Set(charges.len() as i32),
        lines: Set(lines.len() as i32),
        accounts: Set(accounts.len() as i32),
        created_by: Set(kabinet_core::text::truncate(&actor.label, 200)),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| {
        if kabinet_store::is_unique_violation(&e) {
            // The same file, imported at the same moment by someone else.
            AppError::Conflict(kabinet_core::ErrorCode::AlreadyPosted)
        } else {
            e.into()
        }
    })?;

    // Each line's month, merged with what earlier files brought.
    let mut months: BTreeMap<(i64, NaiveDate), line_usage::Model> = BTreeMap::new();
    // The totals the charts read: (account, scope, scope id, month).
    let mut totals: HashMap<(i64, &'static str, i64, NaiveDate), CategoryAmounts> = HashMap::new();
    for c in charges {
        let facts = &lines[&c.line_id];
        let m = months.entry((c.line_id, c.month)).or_insert_with(|| {
            existing
                .get(&(c.line_id, c.month))
                .cloned()
                .unwrap_or(line_usage::Model {
                    line_id: c.line_id,
                    month: c.month,
                    account_id: facts.account_id,
                    group_id: facts.group_id,
                    calls_minor: None,
                    sms_minor: None,
                    data_minor: None,
                    fee_minor: None,
                    other_minor: None,
                    total_minor: 0,
                    call_minutes: None,
                    sms_count: None,
                    data_mb: None,
                    limit_told_percent: 0,
                    import_id: import.id,
                })
        });
        *m.amount_mut(c.category) = Some(c.amount);
        if let Some(q) = m.quantity_mut(c.category) {
            *q = c.quantity.or(*q);
        }
        m.total_minor += c.amount;
        let mut scopes = vec![(SCOPE_ACCOUNT, 0)];
        scopes.extend(m.group_id.map(|g| (SCOPE_GROUP, g)));
        let labels = if existing.contains_key(&(c.line_id, c.month)) {
            labels_kept.get(&(c.line_id, c.month))
        } else {
            labels_now.get(&c.line_id)
        };
        scopes.extend(labels.into_iter().flatten().map(|l| (SCOPE_LABEL, *l)));
        for (scope, id) in scopes {
            totals
                .entry((m.account_id, scope, id, c.month))
                .or_default()
                .add(c.category, c.amount);
        }
    }

    // The spending limits: each threshold once per line and month, told while it matters.
    let tell_from = rules::add_months(this_month, -1);
    let mut to_tell: BTreeMap<i64, Vec<LimitReached>> = BTreeMap::new();
    for m in months.values_mut() {
        let facts = &lines[&m.line_id];
        let Some(limit) = facts.limit else { continue };
        let Some(percent) = limit_threshold_reached(m.total_minor, limit) else {
            continue;
        };
        if percent as i32 > m.limit_told_percent {
            m.limit_told_percent = percent as i32;
            if m.month >= tell_from {
                to_tell.entry(facts.customer_id).or_default().push(LimitReached {
                    phone: facts.phone.clone(),
                    employee: facts.employee.clone(),
                    month: m.month,
                    percent,
                    spent: m.total_minor,
                    limit,
                    currency: facts.currency,
                });
            }
        }
    }

    let mut new_rows = Vec::new();
    let mut new_labels = Vec::new();
    for (key, m) in months {
        if existing.contains_key(&key) {
            let mut active = m.into_active_model();
            for c in [
                line_usage::Column::CallsMinor,
                line_usage::Column::SmsMinor,
                line_usage::Column::DataMinor,
                line_usage::Column::FeeMinor,
                line_usage::Column::OtherMinor,
                line_usage::Column::TotalMinor,
                line_usage::Column::CallMinutes,
                line_usage::Column::SmsCount,
                line_usage::Column::DataMb,
                line_usage::Column::LimitToldPercent,
            ] {
                active.reset(c);
            }
            active.update(&txn).await?;
        } else {
            new_labels.extend(labels_now.get(&m.line_id).into_iter().flatten().map(|label_id| {
                line_usage_label::ActiveModel {
                    line_id: Set(m.line_id),
                    month: Set(m.month),
                    label_id: Set(*label_id),
                }
            }));
            new_rows.push(m.into_active_model());
        }
    }
    insert_in_batches(&txn, new_rows).await?;
    insert_in_batches(&txn, new_labels).await?;
    write_totals(&txn, totals.clone()).await?;

    // One charge per account and month.
    let mut per_account: BTreeMap<(i64, NaiveDate), (i64, HashSet<i64>)> = BTreeMap::new();
    for c in charges {
        let e = per_account
            .entry((lines[&c.line_id].account_id, c.month))
            .or_insert_with(|| (0, HashSet::new()));
        e.0 += c.amount;
        e.1.insert(c.line_id);
    }
    // Entries are written in the product's language, as the billing run writes its charges.
    let lang = Lang::default();
    let mut charged = Vec::new();
    for ((account_id, month), (sum, lines_charged)) in &per_account {
        if *sum == 0 {
            continue;
        }
        let currency = lines_charged
            .iter()
            .next()
            .map(|l| lines[l].currency)
            .unwrap_or(Currency::Rub);
        let posted = ledger::append(
            &txn,
            actor,
            Posting {
                account_id: *account_id,
                kind: EntryKind::Charge,
                amount: Money::new(-sum, currency),
                occurred_at: now,
                description: lang.t_args(
                    "usage-charge-description",
                    &[
                        ("month", lang.month_year(kabinet_core::documents::Month::of(*month))),
                        ("count", lines_charged.len().to_string()),
                    ],
                ),
                idempotency_key: format!("usage-{}-{account_id}-{month}", import.id),
                payment_id: None,
                subscription_id: None,
                period_start: Some(*month),
                reverses_entry_id: None,
                enforce_debt_cap: false,
            },
        )
        .await?;
        charged.push(
            json!({"account_id": account_id, "month": month.to_string(), "amount": sum,
                            "entry_id": posted.entry().id}),
        );
    }
    let told = tell_limits(&txn, import.id, to_tell).await?;
    audit::record(
        &txn,
        actor,
        "line.usage_imported",
        "usage_import",
        Some(import.id),
        json!({"file": file_name, "rows": charges.len(), "lines": lines.len(), "charged": charged,
               "limit_notices": told}),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The labels of `lines`, by line.
async fn labels_of(app: &App, lines: impl Iterator<Item = i64>) -> AppResult<HashMap<i64, Vec<i64>>> {
    let lines: Vec<i64> = lines.collect();
    let mut found: HashMap<i64, Vec<i64>> = HashMap::new();
    for batch in lines.chunks(BATCH) {
        for l in LabelLink::find()
            .filter(line_label_link::Column::LineId.is_in(batch.iter().copied()))
            .all(&app.db.conn)
            .await?
        {
            found.entry(l.line_id).or_default().push(l.label_id);
        }
    }
    Ok(found)
}

/// The labels recorded with each of the `months` (line, month) already imported.
async fn labels_recorded<'a>(
    app: &App,
    months: impl Iterator<Item = &'a (i64, NaiveDate)>,
) -> AppResult<HashMap<(i64, NaiveDate), Vec<i64>>> {
    let wanted: HashSet<(i64, NaiveDate)> = months.copied().collect();
    let lines: Vec<i64> = wanted.iter().map(|k| k.0).collect::<HashSet<_>>().into_iter().collect();
    let mut found: HashMap<(i64, NaiveDate), Vec<i64>> = HashMap::new();
    for batch in lines.chunks(BATCH) {
        for l in UsageLabel::find()
            .filter(line_usage_label::Column::LineId.is_in(batch.iter().copied()))
            .all(&app.db.conn)
            .await?
        {
            if wanted.contains(&(l.line_id, l.month)) {
                found.entry((l.line_id, l.month)).or_default().push(l.label_id);
            }
        }
    }
    Ok(found)
}

/// Adds `totals` to the stored ones (or stores them).
pub(crate) async fn write_totals<C: ConnectionTrait>(
    txn: &C,
    totals: HashMap<(i64, &'static str, i64, NaiveDate), CategoryAmounts>,
) -> AppResult<()> {
    let accounts: HashSet<i64> = totals.keys().map(|k| k.0).collect();
    let months: HashSet<NaiveDate> = totals.keys().map(|k| k.3).collect();
    let mut stored: HashMap<(i64, String, i64, NaiveDate), usage_total::Model> = HashMap::new();
    for t in UsageTotal::find()
        .filter(usage_total::Column::AccountId.is_in(accounts))
        .filter(usage_total::Column::Month.is_in(months))
        .all(txn)
        .await?
    {
        stored.insert((t.account_id, t.scope.clone(), t.scope_id, t.month), t);
    }
    let mut new_rows = Vec::new();
    for ((account_id, scope, scope_id, month), add) in totals {
        let amounts = |base: [i64; 5]| {
            let mut sum = CategoryAmounts(base);
            sum.add_all(&add);
            sum
        };
        match stored.remove(&(account_id, scope.to_owned(), scope_id, month)) {
            Some(t) => {
                let sum = amounts([t.calls_minor, t.sms_minor, t.data_minor, t.fee_minor, t.other_minor]);
                let mut active = usage_total::ActiveModel::from(t);
                set_amounts(&mut active, sum);
                active.update(txn).await?;
            }
            None => {
                let mut active = usage_total::ActiveModel {
                    account_id: Set(account_id),
                    scope: Set(scope.to_owned()),
                    scope_id: Set(scope_id),
                    month: Set(month),
                    ..Default::default()
                };
                set_amounts(&mut active, amounts([0; 5]));
                new_rows.push(active);
            }
        }
    }
    insert_in_batches(txn, new_rows).await?;
    Ok(())
}

/// Inserts `rows` a few hundred per statement.
async fn insert_in_batches<C, A>(txn: &C, rows: Vec<A>) -> AppResult<()>
where
    C: ConnectionTrait,
    A: ActiveModelTrait + Send,
{
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        A::Entity::insert_many(rows.by_ref().take(BATCH))
            .exec_without_returning(txn)
            .await?;
    }
    Ok(())
}

fn set_amounts(active: &mut usage_total::ActiveModel, sum: CategoryAmounts) {
    use UsageCategory as C;
    active.calls_minor = Set(sum.get(C::Calls));
    active.sms_minor = Set(sum.get(C::Sms));
    active.data_minor = Set(sum.get(C::Data));
    active.fee_minor = Set(sum.get(C::Fee));
    active.other_minor = Set(sum.get(C::Other));
    active.total_minor = Set(sum.total());
}

/// A line whose month's spending reached a share of its limit.
struct LimitReached {
    phone: String,
    employee: Option<String>,
    month: NaiveDate,
    percent: u32,
    spent: i64,
    limit: i64,
    currency: Currency,
}

/// The most lines one notice lists; the rest are counted.
const NOTICE_LINES: usize = 30;

/// Tells each customer's coordinators (by e-mail; the customer's e-mail when none has one)
/// which of its lines reached 80 % or 100 % of their limits; returns how many lines were told of.
async fn tell_limits<C: ConnectionTrait>(
    txn: &C,
    import_id: i64,
    reached: BTreeMap<i64, Vec<LimitReached>>,
) -> AppResult<usize> {
    let mut told = 0;
    let mut messages = Vec::new();
    for (customer_id, mut lines) in reached {
        told += lines.len();
        lines.sort_by(|a, b| b.percent.cmp(&a.percent).then(a.phone.cmp(&b.phone)));
        let mut recipients: Vec<(String, Lang)> = User::find()
            .filter(user::Column::CustomerId.eq(customer_id))
            .filter(user::Column::CustomerRole.eq(CustomerRole::Coordinator))
            .filter(user::Column::Status.eq(UserStatus::Active))
            .filter(user::Column::Email.is_not_null())
            .order_by_asc(user::Column::Id)
            .all(txn)
            .await?
            .into_iter()
            .filter_map(|u| Some((u.email?, Lang::parse(&u.language).unwrap_or(Lang::Ru))))
            .collect();
        if recipients.is_empty()
            && let Some(email) = Customer::find_by_id(customer_id).one(txn).await?.and_then(|c| c.email)
        {
            recipients.push((email, Lang::Ru));
        }
        for (email, lang) in recipients {
            let full = lines.iter().filter(|l| l.percent >= 100).count();
            let args = [("count", lines.len().to_string()), ("spent", full.to_string())];
            let mut body = lang.t_args("msg-spending-limits", &args);
            body.push('\n');
            for l in lines.iter().take(NOTICE_LINES) {
                body.push('\n');
                body.push_str(&lang.t_args(
                    "msg-spending-limit-line",
                    &[
                        ("phone", l.phone.clone()),
                        ("name", l.employee.clone().unwrap_or_default()),
                        ("month", lang.month_year(kabinet_core::documents::Month::of(l.month))),
                        ("percent", l.percent.to_string()),
                        ("amount", lang.money(l.spent, l.currency)),
                        ("fee", lang.money(l.limit, l.currency)),
                    ],
                ));
            }
            if lines.len() > NOTICE_LINES {
                body.push_str("\n\n");
                body.push_str(&lang.t_args(
                    "msg-spending-limits-more",
                    &[("count", (lines.len() - NOTICE_LINES).to_string())],
                ));
            }
            messages.push(OutgoingMessage {
                channel: Channel::Email,
                idempotency_key: Some(format!("kabinet-spending-limits-{import_id}-{customer_id}-{email}")),
                recipient: email,
                subject: Some(lang.t_args("msg-spending-limits-subject", &args)),
                body,
                masked_body: None,
                user_id: None,
                attachments: Vec::new(),
            });
        }
    }
    outbox::enqueue_many(txn, messages).await?;
    Ok(told)
}

/// The imports, newest first.
pub async fn imports(app: &App, who: &Identity, limit: u64) -> AppResult<Vec<super::views::UsageImport>> {
    who.require(&[Permission::BillingManage])?;
    if who.customer_id.is_some() || who.is_partner() {
        return Err(AppError::Forbidden);
    }
    use sea_orm::QuerySelect;
    Ok(UsageImport::find()
        .order_by_desc(usage_import::Column::Id)
        .limit(limit)
        .all(&app.db.conn)
        .await?
        .into_iter()
        .map(|i| super::views::UsageImport {
            id: i.id,
            file_name: i.file_name,
            rows: i.rows,
            lines: i.lines,
            accounts: i.accounts,
            created_by: i.created_by,
            created_at: i.created_at,
        })
        .collect())
}

/// The file a person fills in: the header and an example row.
pub fn template_csv(russian: bool) -> Vec<u8> {
    let amount = if russian { "1 250,50" } else { "1250.50" };
    let example = ["+79001234567", "2026-11", "calls", "340", amount];
    crate::import_file::template_csv::<UsageColumn>(russian, &example)
}
