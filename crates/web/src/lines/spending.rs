//! Spending statistics of lines (CAB-3) on both faces: the cabinet's "Spending"
//! (`/lines/spending`) and the same page under a customer in the back office
//! (`/crm/customers/{id}/spending`) — a period's money per month and category as a stacked
//! chart with the table beside it, the categories' shares, the ten lines that spent most, and
//! the XLSX workbook of it all. The query string says what: `account`, `group`, `label` or
//! `line`, and the months `from` and `to` (`2026-06`).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, NaiveDate};
use kabinet_app::App;
use kabinet_app::lines::spending::{self, Scope, Spending, SpendingQuery};
use kabinet_app::lines::views::{GroupRef, LabelRef};
use kabinet_app::{AppError, FieldErrors};
use kabinet_core::assets::line_usage::{UsageCategory, parse_month};
use kabinet_core::dates::CalendarSystem;

use crate::charts::StackedChart;
use crate::error::WebResult;
use crate::extract::Ctx;
use crate::form::{FormState, with_status};
use crate::http::path_id;
use crate::pages::{Chrome, ListQuery};

/// The query string's fields.
const FIELDS: [&str; 6] = ["account", "group", "label", "line", "from", "to"];

/// Reads the question from its fields (`field` gives each by its name in [`FIELDS`], as typed,
/// whether from the page's query string or the API's); every bad field is reported at once.
pub(crate) fn query_of(
    field: impl Fn(&'static str) -> Option<String>,
    customer_id: Option<i64>,
) -> Result<SpendingQuery, FieldErrors> {
    let field = |name: &'static str| field(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
    let mut errors = FieldErrors::new();
    let mut id = |name: &'static str| {
        let typed = field(name)?;
        let parsed = typed.trim().parse::<i64>().ok().filter(|v| *v > 0);
        if parsed.is_none() {
            errors.add(name, "invalid-choice");
        }
        parsed
    };
    let account_id = id("account");
    let scope = match (id("line"), id("label"), id("group")) {
        (Some(l), _, _) => Scope::Line(l),
        (None, Some(l), _) => Scope::Label(l),
        (None, None, Some(g)) => Scope::Group(g),
        (None, None, None) => Scope::Account,
    };
    let mut month = |name: &'static str| {
        let typed = field(name)?;
        let parsed = parse_month(&typed);
        if parsed.is_none() {
            errors.add(name, "spending-month-bad");
        }
        parsed
    };
    let from = month("from");
    let to = month("to");
    if errors.is_empty() {
        Ok(SpendingQuery {
            customer_id,
            account_id,
            scope,
            from,
            to,
        })
    } else {
        Err(errors)
    }
}

/// A month as a chart's axis writes it: "11.2026". Lines are billed by Gregorian months; a
/// reader of another calendar (Solar Hijri) gets the month's name instead, since "11.2026"
/// would read as that calendar's eleventh month.
fn short_month(c: &Chrome, m: NaiveDate) -> String {
    if c.calendar == CalendarSystem::Gregorian {
        c.lang.digits(&format!("{:02}.{}", m.month(), m.year()))
    } else {
        c.lang.month_year(kabinet_core::documents::Month::of(m))
    }
}

/// A month as the table names it: "ноябрь 2026"; for a reader of another calendar, with the
/// month's first and last days in that calendar ("نوامبر ۲۰۲۶ (۱۴۰۵/۰۸/۱۰ – ۱۴۰۵/۰۹/۰۹)").
fn month_label(c: &Chrome, m: NaiveDate) -> String {
    let name = c.lang.month_year(kabinet_core::documents::Month::of(m));
    if c.calendar == CalendarSystem::Gregorian {
        return name;
    }
    let first = m.with_day(1).unwrap_or(m);
    let last = first
        .checked_add_months(chrono::Months::new(1))
        .and_then(|next| next.pred_opt())
        .unwrap_or(first);
    format!("{name} ({} – {})", c.date(&first), c.date(&last))
}

/// The colours of the categories, in [`UsageCategory::ALL`]'s order, as the legend shows them.
pub struct CategoryRow {
    pub series: usize,
    pub name: String,
    pub amount: String,
    pub percent: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "line_spending.html")]
pub struct SpendingPage {
    c: Chrome,
    f: FormState,
    /// Where the page's own links start: `/lines` or `/crm/customers/{id}`.
    base: String,
    /// The query string of the export link.
    export: String,
    s: Option<Spending>,
    chart: Option<StackedChart>,
    categories: Vec<CategoryRow>,
    category_names: Vec<String>,
    accounts: Vec<(String, String)>,
    groups: Vec<(String, String)>,
    labels: Vec<(String, String)>,
    /// The line the page is of, kept in the filters' form.
    line: Option<String>,
    /// Each month: its name and its amounts (categories, then the total), written.
    rows: Vec<(String, Vec<String>)>,
    totals: Vec<String>,
    line_prefix: &'static str,
    /// The customer has no lines yet: the page says so instead of a chart.
    no_lines: bool,
}

/// `GET /lines/spending`, and `GET /crm/customers/{id}/spending` for staff.
pub async fn page(
    State(app): State<App>,
    ctx: Ctx,
    customer: Option<Path<String>>,
    RawQuery(raw): RawQuery,
) -> WebResult<Response> {
    let customer_id = customer.map(|Path(id)| path_id(&id)).transpose()?;
    show(&app, &ctx, customer_id, &raw.unwrap_or_default()).await
}

async fn show(app: &App, ctx: &Ctx, customer_id: Option<i64>, raw: &str) -> WebResult<Response> {
    let who = ctx.user()?;
    let q = ListQuery::parse(raw);
    let mut f = q.form(&FIELDS);
    let c = Chrome::new(&ctx.0, "/lines", &app.config.display_time_zone);
    let base = match customer_id {
        Some(id) => format!("/crm/customers/{id}"),
        None => "/lines".to_owned(),
    };
    let (groups, labels) = kabinet_app::lines::groups::choices(app, who, customer_id).await?;
    let mut no_lines = false;
    let result = match query_of(|name| q.get(name), customer_id) {
        Ok(query) => match spending::statistics(app, who, &query).await {
            Ok(s) => Ok(s),
            Err(AppError::Validation(errors)) => Err(errors),
            // The whole company asked for (the customer is one the caller sees: its groups
            // were read above) and none found: it has no lines yet — said, not a 404.
            Err(AppError::NotFound) if query.scope == Scope::Account && query.account_id.is_none() => {
                no_lines = true;
                Err(FieldErrors::new())
            }
            Err(e) => return Err(e.into()),
        },
        Err(errors) => Err(errors),
    };
    let (status, s) = match result {
        Ok(s) => {
            f = f
                .with_value("from", s.from.format("%Y-%m").to_string())
                .with_value("to", s.to.format("%Y-%m").to_string())
                .with_value("account", s.account.id.to_string());
            (StatusCode::OK, Some(s))
        }
        Err(_) if no_lines => (StatusCode::OK, None),
        Err(errors) => {
            f = f.with_errors(ctx.0.lang, &errors);
            (StatusCode::UNPROCESSABLE_ENTITY, None)
        }
    };
    let mut page = build(&c, f, base, s, &groups, &labels, q.get("line"), customer_id.is_some());
    page.no_lines = no_lines;
    Ok(with_status(status, page))
}

#[allow(clippy::too_many_arguments)]
fn build(
    c: &Chrome,
    f: FormState,
    base: String,
    s: Option<Spending>,
    groups: &[GroupRef],
    labels: &[LabelRef],
    line: Option<String>,
    staff: bool,
) -> SpendingPage {
    let category_names: Vec<String> = UsageCategory::ALL
        .iter()
        .map(|cat| c.t(&format!("usage-category-{cat}")))
        .collect();
    let mut export = String::new();
    let mut chart = None;
    let mut categories = Vec::new();
    let mut rows = Vec::new();
    let mut totals = Vec::new();
    let mut accounts = Vec::new();
    if let Some(s) = &s {
        let cur = s.account.currency;
        let money = |v: i64| c.money(&v, &cur);
        let columns: Vec<(String, Vec<i64>)> = s
            .months
            .iter()
            .map(|m| (short_month(c, m.month), m.amounts.0.to_vec()))
            .collect();
        chart = Some(StackedChart::new(
            &columns,
            |month, series, value| format!("{month} · {}: {}", category_names[series], money(value)),
            money,
            c.lang.is_rtl(),
        ));
        let total = s.totals.total();
        categories = UsageCategory::ALL
            .iter()
            .enumerate()
            .map(|(i, cat)| {
                let v = s.totals.get(*cat);
                CategoryRow {
                    series: i,
                    name: category_names[i].clone(),
                    amount: money(v),
                    percent: if total > 0 {
                        c.lang.digits(&format!("{} %", (v * 100 + total / 2) / total))
                    } else {
                        "—".into()
                    },
                }
            })
            .collect();
        rows = s
            .months
            .iter()
            .map(|m| {
                let mut cells: Vec<String> = m.amounts.0.iter().map(|v| money(*v)).collect();
                cells.push(money(m.amounts.total()));
                (month_label(c, m.month), cells)
            })
            .collect();
        totals = s.totals.0.iter().map(|v| money(*v)).collect();
        totals.push(money(total));
        accounts = s
            .accounts
            .iter()
            .map(|a| (a.id.to_string(), a.number.clone()))
            .collect();
        let mut pairs = vec![
            ("account", s.account.id.to_string()),
            ("from", s.from.format("%Y-%m").to_string()),
            ("to", s.to.format("%Y-%m").to_string()),
        ];
        match s.scope {
            Scope::Group(g) => pairs.push(("group", g.to_string())),
            Scope::Label(l) => pairs.push(("label", l.to_string())),
            Scope::Line(l) => pairs.push(("line", l.to_string())),
            Scope::Account => {}
        }
        export = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
    }
    let choices = |items: Vec<(String, String)>| {
        std::iter::once((String::new(), c.t("all")))
            .chain(items)
            .collect::<Vec<_>>()
    };
    SpendingPage {
        c: c.clone(),
        f,
        base,
        export,
        chart,
        categories,
        category_names,
        accounts,
        groups: choices(groups.iter().map(|g| (g.id.to_string(), g.name.clone())).collect()),
        labels: choices(labels.iter().map(|l| (l.id.to_string(), l.name.clone())).collect()),
        line: line.filter(|l| !l.trim().is_empty()),
        rows,
        totals,
        s,
        line_prefix: if staff { "/crm" } else { "" },
        no_lines: false,
    }
}

/// `GET /lines/spending.xlsx`, and `GET /crm/customers/{id}/spending.xlsx` for staff.
pub async fn workbook(
    State(app): State<App>,
    ctx: Ctx,
    customer: Option<Path<String>>,
    RawQuery(raw): RawQuery,
) -> WebResult<Response> {
    let customer_id = customer.map(|Path(id)| path_id(&id)).transpose()?;
    let q = ListQuery::parse(&raw.unwrap_or_default());
    let query = query_of(|name| q.get(name), customer_id).map_err(AppError::Validation)?;
    let (name, bytes) = spending::workbook(&app, ctx.user()?, &query, ctx.0.lang).await?;
    let len = bytes.len() as u64;
    let mut res = bytes.into_response();
    crate::documents::attachment_headers(
        res.headers_mut(),
        &name,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        len,
    );
    Ok(res)
}
