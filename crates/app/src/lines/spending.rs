//! Spending statistics of lines (CAB-3): an account's money per month and category for a
//! period — the whole account, one group, one label or one line — with the ten lines that
//! spent most, and the same as an XLSX workbook with every line's totals.
//!
//! An account, a group and a label read the totals the usage import keeps per month
//! (`usage_totals`), so a chart costs a few rows however many lines there are; a line reads
//! its own months. A line manager sees only its own lines, summed from their months.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use kabinet_core::access::Permission;
use kabinet_core::assets::line_usage::{self as rules, CategoryAmounts, UsageCategory};
use kabinet_core::money::Currency;
use kabinet_store::entities::account::{self, Entity as Account};
use kabinet_store::entities::line::{self, Entity as LineRow};
use kabinet_store::entities::line_group::Entity as GroupRow;
use kabinet_store::entities::line_label::Entity as LabelRow;
use kabinet_store::entities::line_usage::{self, Entity as LineUsage};
use kabinet_store::entities::line_usage_label::{self, Entity as UsageLabel};
use kabinet_store::entities::usage_import::{self, Entity as UsageImport};
use kabinet_store::entities::usage_top_line::{self, Entity as TopRow};
use kabinet_store::entities::usage_total::{self, Entity as UsageTotal};
use sea_orm::sea_query::ExprTrait;
use sea_orm::sea_query::{Alias, Expr, Func, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait, Select,
};

use super::usage::{SCOPE_ACCOUNT, SCOPE_GROUP, SCOPE_LABEL};
use crate::access::Identity;
use crate::i18n::Lang;
use crate::{App, AppError, AppResult, FieldErrors};

/// What the statistics are of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scope {
    #[default]
    Account,
    Group(i64),
    Label(i64),
    Line(i64),
}

impl Scope {
    /// The scope and id the kept totals of this scope are filed under (a line: its account's).
    fn kept_as(self) -> (&'static str, i64) {
        match self {
            Scope::Group(g) => (SCOPE_GROUP, g),
            Scope::Label(l) => (SCOPE_LABEL, l),
            Scope::Account | Scope::Line(_) => (SCOPE_ACCOUNT, 0),
        }
    }
}

/// What a reader asks for; everything optional.
#[derive(Debug, Clone, Default)]
pub struct SpendingQuery {
    /// Staff: the customer; a cabinet login: its own.
    pub customer_id: Option<i64>,
    /// The account; the first with lines when none.
    pub account_id: Option<i64>,
    pub scope: Scope,
    /// The first and last months shown; the last six months when none.
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// An account one may choose.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AccountChoice {
    pub id: i64,
    pub number: String,
    pub currency: Currency,
}

/// A month of the chart.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MonthSpending {
    /// Its first day.
    pub month: NaiveDate,
    pub amounts: CategoryAmounts,
}

/// A line among those that spent most.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TopLine {
    pub line_id: i64,
    pub phone: String,
    pub employee_name: Option<String>,
    pub total_minor: i64,
}

/// The statistics of a period.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Spending {
    pub customer_id: i64,
    pub account: AccountChoice,
    pub accounts: Vec<AccountChoice>,
    #[serde(skip)]
    pub scope: Scope,
    /// The group's or label's name, the line's number.
    pub scope_name: Option<String>,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Every month of the period, oldest first (zero where nothing was billed).
    pub months: Vec<MonthSpending>,
    pub totals: CategoryAmounts,
    /// The ten lines that spent most in the period (none for a single line).
    pub top_lines: Vec<TopLine>,
    /// Only the reader's own lines are counted (a line manager).
    pub narrowed: bool,
}

/// How many lines "spent most" lists.
pub const TOP_LINES: u64 = 10;

/// The statistics `who` asked for.
pub async fn statistics(app: &App, who: &Identity, q: &SpendingQuery) -> AppResult<Spending> {
    let p = resolve(app, who, q).await?;
    counted(app, &p).await
}

/// The statistics of a question already checked.
async fn counted(app: &App, p: &Resolved) -> AppResult<Spending> {
    let months = rules::months(p.from, p.to);
    let narrowed = p.mine.is_some();
    let mut by_month: BTreeMap<NaiveDate, CategoryAmounts> = months.iter().map(|m| (*m, Default::default())).collect();
    let mut top: Vec<(i64, i64)> = Vec::new();
    match (&p.mine, p.scope) {
        (_, Scope::Line(line_id)) => {
            for u in line_months(app, &[line_id], p.scope, p.from, p.to).await? {
                add_row(&mut by_month, &u);
            }
        }
        (None, scope) => {
            let (name, id) = scope.kept_as();
            for t in UsageTotal::find()
                .filter(usage_total::Column::AccountId.eq(p.account.id))
                .filter(usage_total::Column::Scope.eq(name))
                .filter(usage_total::Column::ScopeId.eq(id))
                .filter(usage_total::Column::Month.between(p.from, p.to))
                .all(&app.db.conn)
                .await?
            {
                by_month.insert(
                    t.month,
                    CategoryAmounts([t.calls_minor, t.sms_minor, t.data_minor, t.fee_minor, t.other_minor]),
                );
            }
            top = top_lines_counted(app, p.account.id, scope, p.from, p.to).await?;
        }
        (Some(mine), scope) => {
            let mut lines: Vec<i64> = mine.iter().copied().collect();
            lines.sort_unstable();
            let mut per_line: HashMap<i64, i64> = HashMap::new();
            for u in line_months(app, &lines, scope, p.from, p.to).await? {
                if u.account_id != p.account.id || matches!(scope, Scope::Group(g) if u.group_id != Some(g)) {
                    continue;
                }
                add_row(&mut by_month, &u);
                *per_line.entry(u.line_id).or_default() += u.total_minor;
            }
            top = per_line.into_iter().collect();
            top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            top.truncate(TOP_LINES as usize);
        }
    }
    let mut totals = CategoryAmounts::default();
    for a in by_month.values() {
        totals.add_all(a);
    }
    let top_lines = describe_top(app, top).await?;
    Ok(Spending {
        customer_id: p.customer_id,
        account: p.account.clone(),
        accounts: p.accounts.clone(),
        scope: p.scope,
        scope_name: p.scope_name.clone(),
        from: p.from,
        to: p.to,
        months: by_month
            .into_iter()
            .map(|(month, amounts)| MonthSpending { month, amounts })
            .collect(),
        totals,
        top_lines,
        narrowed,
    })
}

/// A question checked against what `who` may see.
struct Resolved {
    customer_id: i64,
    account: AccountChoice,
    accounts: Vec<AccountChoice>,
    scope: Scope,
    scope_name: Option<String>,
    from: NaiveDate,
    to: NaiveDate,
    /// A line manager's lines.
    mine: Option<HashSet<i64>>,
}

async fn resolve(app: &App, who: &Identity, q: &SpendingQuery) -> AppResult<Resolved> {
    who.require(&[Permission::CabinetView, Permission::CustomersRead])?;
    let customer_id = super::customer_of(app, who, q.customer_id).await?;
    let this_month = rules::month_start(crate::billing::run::today_for(None, &app.config.display_time_zone))
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("no first day of this month")))?;
    let to = q.to.and_then(rules::month_start).unwrap_or(this_month);
    let from = q
        .from
        .and_then(rules::month_start)
        .unwrap_or_else(|| rules::add_months(to, -5));
    if from > to {
        return Err(FieldErrors::single(FROM_FIELD, "spending-period-reversed"));
    }
    if rules::add_months(from, rules::MAX_PERIOD_MONTHS as i32) <= to {
        return Err(FieldErrors::single(FROM_FIELD, "spending-period-too-long"));
    }
    let mine = if crate::assets::assignments::narrows(who) {
        Some(crate::assets::assignments::assigned_to(app, who.user_id).await?)
    } else {
        None
    };
    let accounts: Vec<AccountChoice> = Account::find()
        .filter(account::Column::CustomerId.eq(customer_id))
        .filter(Expr::exists(
            Query::select()
                .expr(Expr::val(1))
                .from(line::Entity)
                .and_where(sea_orm::sea_query::ExprTrait::equals(
                    Expr::col((line::Entity, line::Column::AccountId)),
                    (account::Entity, account::Column::Id),
                ))
                .to_owned(),
        ))
        .order_by_asc(account::Column::Id)
        .all(&app.db.conn)
        .await?
        .into_iter()
        .map(|a| AccountChoice {
            id: a.id,
            number: a.number,
            currency: a.currency,
        })
        .collect();
    let (scope, scope_name, line_account) = match q.scope {
        Scope::Account => (Scope::Account, None, None),
        Scope::Group(id) => {
            let g = GroupRow::find_by_id(id)
                .one(&app.db.conn)
                .await?
                .filter(|g| g.customer_id == customer_id)
                .ok_or(AppError::NotFound)?;
            (Scope::Group(id), Some(g.name), None)
        }
        Scope::Label(id) => {
            let l = LabelRow::find_by_id(id)
                .one(&app.db.conn)
                .await?
                .filter(|l| l.customer_id == customer_id)
                .ok_or(AppError::NotFound)?;
            (Scope::Label(id), Some(l.name), None)
        }
        Scope::Line(id) => {
            let (l, owner) = super::visible_row(app, &app.db.conn, who, id).await?;
            if owner != customer_id {
                return Err(AppError::NotFound);
            }
            (Scope::Line(id), Some(l.phone), Some(l.account_id))
        }
    };
    let wanted = line_account.or(q.account_id);
    let account = match wanted {
        Some(id) => accounts
            .iter()
            .find(|a| a.id == id)
            .cloned()
            .ok_or(AppError::NotFound)?,
        None => accounts.first().cloned().ok_or(AppError::NotFound)?,
    };
    Ok(Resolved {
        customer_id,
        account,
        accounts,
        scope,
        scope_name,
        from,
        to,
        mine,
    })
}

/// The field a bad period is reported on.
const FROM_FIELD: &str = "from";

fn add_row(by_month: &mut BTreeMap<NaiveDate, CategoryAmounts>, u: &line_usage::Model) {
    let m = by_month.entry(u.month).or_default();
    for c in UsageCategory::ALL {
        m.add(*c, u.amount(*c).unwrap_or(0));
    }
}

/// The months of `lines` in the period (for a label, the months they carried it in).
async fn line_months(
    app: &App,
    lines: &[i64],
    scope: Scope,
    from: NaiveDate,
    to: NaiveDate,
) -> AppResult<Vec<line_usage::Model>> {
    let mut found = Vec::new();
    for batch in lines.chunks(500) {
        let mut select = LineUsage::find()
            .filter(line_usage::Column::LineId.is_in(batch.iter().copied()))
            .filter(line_usage::Column::Month.between(from, to));
        if let Scope::Label(_) = scope {
            select = of_scope(select, scope);
        }
        found.extend(select.all(&app.db.conn).await?);
    }
    Ok(found)
}

/// The line-months of `scope`; a label's are the months whose lines carried it when they were
/// imported, as the label's totals were kept.
fn of_scope(select: Select<LineUsage>, scope: Scope) -> Select<LineUsage> {
    match scope {
        Scope::Account => select,
        Scope::Group(g) => select.filter(line_usage::Column::GroupId.eq(g)),
        Scope::Label(l) => {
            // Joined, not asked of each line-month: the label's own months are read from its
            // index, not the whole account's.
            let mut select = select.filter(line_usage_label::Column::LabelId.eq(l));
            QueryTrait::query(&mut select).inner_join(
                UsageLabel,
                Condition::all()
                    .add(
                        Expr::col((UsageLabel, line_usage_label::Column::LineId))
                            .equals((LineUsage, line_usage::Column::LineId)),
                    )
                    .add(
                        Expr::col((UsageLabel, line_usage_label::Column::Month))
                            .equals((LineUsage, line_usage::Column::Month)),
                    ),
            );
            select
        }
        Scope::Line(id) => select.filter(line_usage::Column::LineId.eq(id)),
    }
}

/// The sum of a column as a whole number on both databases (PostgreSQL sums bigints as numeric).
fn summed(column: line_usage::Column) -> Expr {
    Expr::expr(Func::cast_as(Func::sum(Expr::col(column)), Alias::new("BIGINT")))
}

/// [`top_lines`] as counted after the newest usage file, counted (and kept) when there is a
/// newer file than the one it was counted after: summing a period of 100,000 lines is read
/// once per file, not once per page.
async fn top_lines_counted(
    app: &App,
    account_id: i64,
    scope: Scope,
    from: NaiveDate,
    to: NaiveDate,
) -> AppResult<Vec<(i64, i64)>> {
    let (name, scope_id) = scope.kept_as();
    let newest: Option<i64> = UsageImport::find()
        .select_only()
        .column_as(Expr::expr(Func::max(Expr::col(usage_import::Column::Id))), "newest")
        .into_tuple()
        .one(&app.db.conn)
        .await?
        .flatten();
    let Some(newest) = newest else {
        return Ok(Vec::new());
    };
    let key = (account_id, name.to_owned(), scope_id, from, to);
    if let Some(kept) = TopRow::find_by_id(key.clone()).one(&app.db.conn).await?
        && kept.import_id == newest
        && let Ok(lines) = serde_json::from_str::<Vec<(i64, i64)>>(&kept.lines)
    {
        return Ok(lines);
    }
    let lines = top_lines(app, account_id, scope, from, to).await?;
    let row = usage_top_line::ActiveModel {
        account_id: Set(account_id),
        scope: Set(name.to_owned()),
        scope_id: Set(scope_id),
        from_month: Set(from),
        to_month: Set(to),
        import_id: Set(newest),
        lines: Set(serde_json::to_string(&lines).unwrap_or_default()),
    };
    let txn = app.db.write().await?;
    TopRow::delete_by_id(key).exec(&txn).await?;
    match TopRow::insert(row).exec_without_returning(&txn).await {
        Ok(_) => txn.commit().await?,
        // Counted at the same moment by another reader: its row stands.
        Err(e) if kabinet_store::is_unique_violation(&e) => {}
        Err(e) => return Err(e.into()),
    }
    Ok(lines)
}

/// The lines of the account that spent most in the period, with what they spent (a label:
/// counting the months they carried it in).
async fn top_lines(
    app: &App,
    account_id: i64,
    scope: Scope,
    from: NaiveDate,
    to: NaiveDate,
) -> AppResult<Vec<(i64, i64)>> {
    let sum = summed(line_usage::Column::TotalMinor);
    let select = LineUsage::find()
        .select_only()
        .column(line_usage::Column::LineId)
        .column_as(sum.clone(), "spent")
        .filter(line_usage::Column::AccountId.eq(account_id))
        .filter(line_usage::Column::Month.between(from, to));
    Ok(of_scope(select, scope)
        .group_by(line_usage::Column::LineId)
        .order_by_desc(sum)
        .order_by_asc(line_usage::Column::LineId)
        .limit(TOP_LINES)
        .into_tuple::<(i64, i64)>()
        .all(&app.db.conn)
        .await?)
}

async fn describe_top(app: &App, top: Vec<(i64, i64)>) -> AppResult<Vec<TopLine>> {
    if top.is_empty() {
        return Ok(Vec::new());
    }
    let lines: HashMap<i64, line::Model> = LineRow::find()
        .filter(line::Column::AssetId.is_in(top.iter().map(|t| t.0)))
        .all(&app.db.conn)
        .await?
        .into_iter()
        .map(|l| (l.asset_id, l))
        .collect();
    Ok(top
        .into_iter()
        .filter_map(|(id, total)| {
            let l = lines.get(&id)?;
            Some(TopLine {
                line_id: id,
                phone: l.phone.clone(),
                employee_name: l.employee_name.clone(),
                total_minor: total,
            })
        })
        .collect())
}

/// One line's totals in the period, for the export.
struct LineTotals {
    line_id: i64,
    amounts: CategoryAmounts,
}

/// The statistics as an XLSX workbook: the months, then every line of the scope with its
/// totals for the period (a line manager: its own lines). Returns the file's name and bytes.
pub async fn workbook(app: &App, who: &Identity, q: &SpendingQuery, lang: Lang) -> AppResult<(String, Vec<u8>)> {
    let p = resolve(app, who, q).await?;
    let s = counted(app, &p).await?;
    let rows = per_line(app, &p).await?;
    let lines: HashMap<i64, line::Model> = {
        let ids: Vec<i64> = rows.iter().map(|r| r.line_id).collect();
        let mut found = HashMap::new();
        for batch in ids.chunks(500) {
            for l in LineRow::find()
                .filter(line::Column::AssetId.is_in(batch.iter().copied()))
                .all(&app.db.conn)
                .await?
            {
                found.insert(l.asset_id, l);
            }
        }
        found
    };
    let bytes = write_workbook(&s, &rows, &lines, lang)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("spending workbook: {e}")))?;
    let name = format!(
        "spending-{}-{}-{}.xlsx",
        s.account.number,
        s.from.format("%Y-%m"),
        s.to.format("%Y-%m")
    );
    Ok((name, bytes))
}

/// Every line's totals in the period for the scope.
async fn per_line(app: &App, p: &Resolved) -> AppResult<Vec<LineTotals>> {
    use UsageCategory as C;
    let select = LineUsage::find()
        .filter(line_usage::Column::AccountId.eq(p.account.id))
        .filter(line_usage::Column::Month.between(p.from, p.to));
    let sums = of_scope(select, p.scope)
        .select_only()
        .column(line_usage::Column::LineId)
        .column_as(summed(line_usage::Column::CallsMinor), "calls")
        .column_as(summed(line_usage::Column::SmsMinor), "sms")
        .column_as(summed(line_usage::Column::DataMinor), "data")
        .column_as(summed(line_usage::Column::FeeMinor), "fee")
        .column_as(summed(line_usage::Column::OtherMinor), "other")
        .group_by(line_usage::Column::LineId)
        .order_by_asc(line_usage::Column::LineId)
        .into_tuple::<(i64, Option<i64>, Option<i64>, Option<i64>, Option<i64>, Option<i64>)>()
        .all(&app.db.conn)
        .await?;
    Ok(sums
        .into_iter()
        .filter(|(id, ..)| p.mine.as_ref().is_none_or(|m| m.contains(id)))
        .map(|(line_id, calls, sms, data, fee, other)| {
            let mut amounts = CategoryAmounts::default();
            for (c, v) in [
                (C::Calls, calls),
                (C::Sms, sms),
                (C::Data, data),
                (C::Fee, fee),
                (C::Other, other),
            ] {
                amounts.add(c, v.unwrap_or(0));
            }
            LineTotals { line_id, amounts }
        })
        .collect())
}

fn write_workbook(
    s: &Spending,
    rows: &[LineTotals],
    lines: &HashMap<i64, line::Model>,
    lang: Lang,
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use kabinet_core::export::neutralise_formula;
    use rust_xlsxwriter::{Format, Workbook};
    let currency = s.account.currency;
    let minor = currency.minor_per_major() as f64;
    let money = Format::new().set_num_format(if currency.minor_per_major() > 1 {
        "#,##0.00"
    } else {
        "#,##0"
    });
    let bold = Format::new().set_bold();
    let mut book = Workbook::new();
    let categories: Vec<String> = UsageCategory::ALL
        .iter()
        .map(|c| lang.t(&format!("usage-category-{c}")))
        .collect();

    let sheet = book.add_worksheet().set_name(lang.t("spending-sheet-months"))?;
    sheet.write_string_with_format(0, 0, lang.t("spending-month"), &bold)?;
    for (i, title) in categories.iter().chain([&lang.t("spending-total")]).enumerate() {
        sheet.write_string_with_format(0, i as u16 + 1, title, &bold)?;
        sheet.set_column_width(i as u16 + 1, 14)?;
    }
    sheet.set_column_width(0, 18)?;
    for (r, m) in s.months.iter().enumerate() {
        let r = r as u32 + 1;
        sheet.write_string(r, 0, lang.month_year(kabinet_core::documents::Month::of(m.month)))?;
        for (i, v) in m.amounts.0.iter().chain([&m.amounts.total()]).enumerate() {
            sheet.write_number_with_format(r, i as u16 + 1, *v as f64 / minor, &money)?;
        }
    }

    let sheet = book.add_worksheet().set_name(lang.t("spending-sheet-lines"))?;
    let titles = [lang.t("line-phone"), lang.t("line-employee")];
    for (i, title) in titles
        .iter()
        .chain(&categories)
        .chain([&lang.t("spending-total")])
        .enumerate()
    {
        sheet.write_string_with_format(0, i as u16, title, &bold)?;
        sheet.set_column_width(i as u16, if i < 2 { 24 } else { 14 })?;
    }
    for (r, t) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        let l = lines.get(&t.line_id);
        sheet.write_string(r, 0, l.map_or("", |l| l.phone.as_str()))?;
        let name = l.and_then(|l| l.employee_name.as_deref()).unwrap_or("");
        sheet.write_string(r, 1, neutralise_formula(name).as_ref())?;
        for (i, v) in t.amounts.0.iter().chain([&t.amounts.total()]).enumerate() {
            sheet.write_number_with_format(r, i as u16 + 2, *v as f64 / minor, &money)?;
        }
    }
    book.save_to_buffer()
}
