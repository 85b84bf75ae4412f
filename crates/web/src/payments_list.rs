//! The payments list (BIL-4), the same page in the cabinet (`/payments`) and the back office
//! (`/crm/payments`): filters, sorting on every column, paging, and exports with progress.

use askama::Template;
use askama_web::WebTemplate;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use kabinet_app::billing::payments::{self, COUNT_CAP, PaymentFilter, PaymentRow, SORTS};
use kabinet_app::billing::views::Account;
use kabinet_app::billing::{accounts, typed_amount};
use kabinet_app::exports::views::ExportJob;
use kabinet_app::listing::Sort;
use kabinet_app::{App, FieldErrors, exports};
use kabinet_core::money::{Currency, DisplayUnit};

use crate::error::{WebError, WebResult};
use crate::extract::{Ctx, FormData};
use crate::form::FormState;
use crate::guard::FaceOf;
use crate::pages::{Chrome, ListQuery, SortLinks};

/// The list's parameters as they came in the query string, and what they mean.
pub struct ListParams {
    pub filter: PaymentFilter,
    pub sort: Sort,
    pub page: u64,
    /// The typed values, to show in the filter form.
    pub form: FormState,
    /// Problems with typed values (the list is then empty).
    pub errors: FieldErrors,
    /// The query without `page`, `sort` and `dir`, to build links from.
    pub query: String,
}

/// Reads the list's parameters. Repeated `account` keys choose several accounts; bad values
/// become field errors shown next to the filter, never a failed page.
pub fn parse(raw: &str, unit: DisplayUnit) -> ListParams {
    let q = ListQuery::parse(raw);
    let get = |k: &str| q.get(k);
    let mut filter = PaymentFilter::default();
    let days = crate::day_range::DayRange::read(get("from").as_deref(), get("to").as_deref());
    (filter.from, filter.to) = (days.from, days.to);
    let mut errors = days.errors;
    filter.method = errors.choice_opt("method", get("method").as_deref());
    filter.account_kind = errors.choice_opt("kind", get("kind").as_deref());
    for (key, slot) in [("min", &mut filter.min_amount), ("max", &mut filter.max_amount)] {
        if let Some(v) = get(key) {
            match typed_amount(key, &v, unit) {
                Ok(n) => *slot = Some(n),
                Err(kabinet_app::AppError::Validation(f)) => errors.0.extend(f.0),
                Err(_) => {}
            }
        }
    }
    filter.search = get("q")
        .map(|v| kabinet_core::text::truncate(v.trim(), 100))
        .filter(|v| !v.is_empty());
    filter.customer_id = get("customer").and_then(|v| v.parse().ok());
    filter.account_ids = q.all("account").filter_map(|v| v.parse().ok()).collect();
    ListParams {
        filter,
        sort: q.sort(&SORTS, None),
        page: q.page(1_000_000),
        form: q.form(&["q", "from", "to", "method", "min", "max", "kind", "customer"]),
        errors,
        query: q.without_paging(),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "payments.html")]
pub struct PaymentsPage {
    c: Chrome,
    rows: Vec<PaymentRow>,
    total: u64,
    more: bool,
    page: u64,
    pages: u64,
    base: String,
    s: SortLinks,
    f: FormState,
    query: String,
    prefix: &'static str,
    accounts: Vec<(Account, bool)>,
    methods: Vec<(String, String)>,
    kinds: Vec<(String, String)>,
    exports: Vec<ExportJob>,
    min_label: String,
    max_label: String,
}

fn prefix(ctx: &Ctx) -> &'static str {
    if ctx.0.face == FaceOf::Crm { "/crm" } else { "" }
}

/// The unit typed amounts are read in: the currency of the customer's first account in the
/// cabinet, roubles in the back office.
async fn unit_for(app: &App, ctx: &Ctx) -> WebResult<(DisplayUnit, Vec<Account>)> {
    let who = ctx.user()?;
    let own = match who.customer_id {
        Some(c) => accounts::of_customer(app, c).await?,
        None => Vec::new(),
    };
    let currency = own.first().map_or(Currency::Rub, |a| a.currency);
    Ok((ctx.0.lang.input_unit(currency), own))
}

pub async fn list(
    State(app): State<App>,
    ctx: Ctx,
    axum::extract::RawQuery(raw): axum::extract::RawQuery,
) -> WebResult<Response> {
    let who = ctx.user()?;
    let (unit, own) = unit_for(&app, &ctx).await?;
    let p = parse(raw.as_deref().unwrap_or(""), unit);
    let prefix = prefix(&ctx);
    let c = Chrome::new(&ctx.0, &format!("{prefix}/payments"), &app.config.display_time_zone);
    let (rows, total) = if p.errors.is_empty() {
        let found = payments::list(&app, who, &p.filter, &p.sort, p.page, 50).await?;
        (found.items, found.total)
    } else {
        (Vec::new(), 0)
    };
    let base = format!(
        "{prefix}/payments?{}{}",
        p.query,
        if p.query.is_empty() { "" } else { "&" }
    );
    let s = SortLinks::new(&base, &p.sort);
    let pages = total.min(COUNT_CAP).div_ceil(50).max(1);
    let accounts = own
        .into_iter()
        .map(|a| {
            let chosen = p.filter.account_ids.contains(&a.id);
            (a, chosen)
        })
        .collect();
    let methods = ["bank_transfer", "cash", "gateway", "autopay"]
        .iter()
        .map(|m| (m.to_string(), c.tk("method-", m)))
        .collect();
    let kinds = ["customer", "partner"]
        .iter()
        .map(|k| (k.to_string(), c.tk("account-kind-", k)))
        .collect();
    let unit_name = c.tk("unit-name-", unit.name());
    let f = p.form.with_errors(ctx.0.lang, &p.errors);
    Ok(PaymentsPage {
        base: format!("{base}{}", s.query()),
        s,
        c,
        rows,
        more: total > COUNT_CAP,
        total: total.min(COUNT_CAP),
        page: p.page,
        pages,
        f,
        query: p.query,
        prefix,
        accounts,
        methods,
        kinds,
        exports: exports::recent(&app, who).await?,
        min_label: format!("{} ({unit_name})", ctx.0.lang.t("field-amount-from")),
        max_label: format!("{} ({unit_name})", ctx.0.lang.t("field-amount-to")),
    }
    .into_response())
}

/// Starts an export of the list as filtered (the form carries the list's query string).
pub async fn export(State(app): State<App>, ctx: Ctx, form: FormData) -> WebResult<Response> {
    let who = ctx.user()?;
    let (unit, _) = unit_for(&app, &ctx).await?;
    let typed: ExportForm = form.typed()?;
    let p = parse(&typed.query, unit);
    if !p.errors.is_empty() {
        return Err(WebError::App(kabinet_app::AppError::Validation(p.errors)));
    }
    let job = exports::start_payments(&app, who, p.filter, p.sort, &typed.format).await?;
    Ok(Redirect::to(&format!("{}/exports/{}", prefix(&ctx), job.token)).into_response())
}

/// "Export": the list's own query string (its filters and sort) and the file format.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
struct ExportForm {
    query: String,
    format: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "export.html")]
pub struct ExportPage {
    c: Chrome,
    job: ExportJob,
    percent: i64,
    prefix: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "export.html", block = "progress")]
pub struct ExportProgress {
    c: Chrome,
    job: ExportJob,
    percent: i64,
    prefix: &'static str,
}

/// The export's page; htmx asks for the progress block alone every second until it is done.
pub async fn export_status(
    State(app): State<App>,
    ctx: Ctx,
    headers: axum::http::HeaderMap,
    Path(token): Path<String>,
) -> WebResult<Response> {
    let job = exports::get_own(&app, ctx.user()?, &token).await?;
    let percent = exports::percent(&job);
    let prefix = prefix(&ctx);
    let c = Chrome::new(&ctx.0, &format!("{prefix}/payments"), &app.config.display_time_zone);
    if headers.contains_key("hx-request") {
        return Ok(ExportProgress {
            c,
            job,
            percent,
            prefix,
        }
        .into_response());
    }
    Ok(ExportPage {
        c,
        job,
        percent,
        prefix,
    }
    .into_response())
}

/// The finished file, streamed from disk.
pub async fn download(State(app): State<App>, ctx: Ctx, Path(token): Path<String>) -> WebResult<Response> {
    let (job, path) = exports::file(&app, ctx.user()?, &token).await?;
    let file = tokio::fs::File::open(&path)
        .await
        .map_err(|e| WebError::App(kabinet_app::AppError::Internal(e.into())))?;
    let content_type = job.format.content_type();
    let name = job.file_name.unwrap_or_else(|| format!("export.{}", job.format));
    let mut res = Body::from_stream(tokio_util::io::ReaderStream::new(file)).into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(job.bytes.max(0) as u64));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}
