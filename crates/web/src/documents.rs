//! Closing documents (BIL-6) in the cabinet (`/documents`) and the back office
//! (`/crm/customers/{id}/documents`): the order form, orders with their progress, the document
//! history with filters, sorting and paging, the files, and payment receipts as PDF.

use askama::Template;
use askama_web::WebTemplate;
use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Datelike;
use kabinet_app::access::Identity;
use kabinet_app::billing::accounts;
use kabinet_app::billing::views::Account;
use kabinet_app::crm::views::Customer;
use kabinet_app::documents::history::{self, DocumentFilter, SORTS, Skipped};
use kabinet_app::documents::orders::{self, NewOrder};
use kabinet_app::documents::views::{Document, Order};
use kabinet_app::listing::Sort;
use kabinet_app::{App, AppError, FieldErrors, customers};
use kabinet_core::access::{Permission, allows};
use kabinet_core::documents::{DocumentKind, Month};
use kabinet_core::money::Currency;

use crate::error::{WebError, WebResult};
use crate::extract::{Ctx, FormData};
use crate::form::{FormState, field_errors, filled, ticked, with_status};
use crate::guard::FaceOf;
use crate::http::path_id;
use crate::pages::{Chrome, ListQuery, SortLinks};

const PER_PAGE: u64 = 25;

fn prefix(ctx: &Ctx) -> &'static str {
    if ctx.0.face == FaceOf::Crm { "/crm" } else { "" }
}

/// The history's filter, sort and page as they came in the query string.
struct HistoryParams {
    filter: DocumentFilter,
    sort: Sort,
    page: u64,
    form: FormState,
    /// The query without `page`, `sort` and `dir`, to build links from.
    query: String,
}

fn parse_history(raw: &str) -> HistoryParams {
    let q = ListQuery::parse(raw);
    HistoryParams {
        filter: DocumentFilter {
            kind: q.get("kind").filter(|k| k.parse::<DocumentKind>().is_ok()),
            account_id: q.get("account").and_then(|v| v.parse().ok()),
            year: q.get("year").and_then(|v| v.parse().ok()),
            ..Default::default()
        },
        // The newest first unless asked otherwise.
        sort: q.sort(&SORTS, Some("desc")),
        page: q.page(100_000),
        form: q.form(&["kind", "account", "year"]),
        query: q.without_paging(),
    }
}

/// A kind for the order form: value, label, ticked, PDF only.
pub struct KindChoice {
    value: &'static str,
    label: String,
    checked: bool,
    pdf_only: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "documents.html")]
pub struct DocumentsPage {
    c: Chrome,
    prefix: &'static str,
    /// The page's own path: `/documents` or `/crm/customers/{id}/documents`.
    path: String,
    customer: Customer,
    can_order: bool,
    f: FormState,
    accounts: Vec<(Account, bool)>,
    kinds: Vec<KindChoice>,
    orders: Vec<(Order, i64)>,
    docs: Vec<(Document, String)>,
    total: u64,
    page: u64,
    pages: u64,
    base: String,
    s: SortLinks,
    filter: FormState,
    kind_options: Vec<(String, String)>,
    account_options: Vec<(String, String)>,
    year_options: Vec<(String, String)>,
    amount_label: String,
}

/// The values the order form starts with: every account, invoice and act for last month,
/// PDF, the reader's own e-mail to send to.
async fn default_form(app: &App, who: &Identity, customer: &Customer) -> WebResult<FormState> {
    let today = kabinet_app::billing::run::today_for(None, &app.config.display_time_zone);
    let last = Month::of(today).previous().to_string();
    let email = if who.is_staff() {
        customer.email.clone()
    } else {
        kabinet_app::access::users::get(app, who.user_id).await?.email
    };
    Ok(FormState::empty()
        .with_value("period_from", last.clone())
        .with_value("period_to", last)
        .with_value("format", "pdf")
        .with_value("notify_channel", "none")
        .with_value("email_to", email.unwrap_or_default()))
}

#[allow(clippy::too_many_arguments)]
async fn page(
    app: &App,
    ctx: &Ctx,
    customer: Customer,
    raw_query: &str,
    can_order: bool,
    form: Option<(FormData, FormState)>,
) -> WebResult<DocumentsPage> {
    let who = ctx.user()?;
    let prefix = prefix(ctx);
    let path = if ctx.0.face == FaceOf::Crm {
        format!("/crm/customers/{}/documents", customer.id)
    } else {
        "/documents".to_owned()
    };
    let nav_path = if ctx.0.face == FaceOf::Crm {
        "/crm/customers"
    } else {
        "/documents"
    };
    let c = Chrome::new(&ctx.0, nav_path, &app.config.display_time_zone);
    let own = accounts::of_customer(app, customer.id).await?;
    let (f, chosen_accounts, chosen_kinds): (FormState, Vec<String>, Vec<String>) = match form {
        Some((data, f)) => (f, all_of(&data, "account"), all_of(&data, "kind")),
        None => (
            default_form(app, who, &customer).await?,
            own.iter().map(|a| a.id.to_string()).collect(),
            vec!["invoice".into(), "act".into()],
        ),
    };
    let kinds = DocumentKind::ALL
        .iter()
        .map(|k| KindChoice {
            value: k.as_str(),
            label: c.tk("doc-kind-", k.as_str()),
            checked: chosen_kinds.iter().any(|v| v == k.as_str()),
            pdf_only: k.pdf_only(),
        })
        .collect();
    let p = parse_history(raw_query);
    let filter = DocumentFilter {
        customer_id: Some(customer.id),
        ..p.filter.clone()
    };
    let found = history::list(app, who, &filter, &p.sort, p.page, PER_PAGE).await?;
    let base = format!("{path}?{}{}", p.query, if p.query.is_empty() { "" } else { "&" });
    let s = SortLinks::new(&base, &p.sort);
    let this_year = kabinet_app::billing::run::today_for(None, &app.config.display_time_zone).year();
    let currency = own.first().map_or(Currency::Rub, |a| a.currency);
    let unit_name = c.unit_name(currency);
    Ok(DocumentsPage {
        prefix,
        can_order,
        f,
        accounts: own
            .iter()
            .map(|a| (a.clone(), chosen_accounts.contains(&a.id.to_string())))
            .collect(),
        kinds,
        orders: history::recent_orders(app, customer.id, 5)
            .await?
            .into_iter()
            .map(|o| {
                let percent = history::percent(&o);
                (o, percent)
            })
            .collect(),
        total: found.total,
        page: p.page,
        pages: found.pages(),
        docs: found.items,
        base: format!("{base}{}", s.query()),
        s,
        filter: p.form,
        kind_options: DocumentKind::ALL
            .iter()
            .map(|k| (k.as_str().to_owned(), c.tk("doc-kind-", k.as_str())))
            .collect(),
        account_options: own
            .iter()
            .map(|a| (a.id.to_string(), format!("{} · {}", a.number, a.title)))
            .collect(),
        year_options: (this_year - 4..=this_year)
            .rev()
            .map(|y| (y.to_string(), y.to_string()))
            .collect(),
        amount_label: format!("{} ({unit_name})", c.t("field-prepayment-amount")),
        path,
        customer,
        c,
    })
}

fn all_of(form: &FormData, name: &str) -> Vec<String> {
    form.all(name).map(str::to_owned).collect()
}

/// `/documents`: the signed-in customer's documents.
pub async fn cabinet_page(State(app): State<App>, ctx: Ctx, RawQuery(raw): RawQuery) -> WebResult<Response> {
    let who = ctx.user()?;
    let customer = customers::get_visible(&app, who, who.customer_id.ok_or(AppError::Forbidden)?).await?;
    let can_order = allows(Some(who.role), Permission::CabinetDocuments);
    let p = page(&app, &ctx, customer, raw.as_deref().unwrap_or(""), can_order, None).await?;
    Ok(p.into_response())
}

/// `/crm/customers/{id}/documents`: a customer's documents for staff.
pub async fn crm_page(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> WebResult<Response> {
    let who = ctx.user()?;
    let customer = customers::get_visible(&app, who, path_id(&id)?).await?;
    let can_order = allows(Some(who.role), Permission::DocumentsIssue);
    let p = page(&app, &ctx, customer, raw.as_deref().unwrap_or(""), can_order, None).await?;
    Ok(p.into_response())
}

/// The order form: which documents, for which accounts and months, in which format, and
/// where to say they are ready.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
struct OrderForm {
    period_from: String,
    period_to: String,
    format: String,
    prepayment_amount: String,
    pack_zip: String,
    zip_password: String,
    send_email: String,
    email_to: String,
    notify_channel: String,
    notify_to: String,
}

/// The order as typed into the form, every field's problem at once. The prepayment amount is
/// read in the unit of the first chosen account's currency; blank notice addresses default to
/// the reader's own.
async fn order_from_form(
    app: &App,
    ctx: &Ctx,
    customer: &Customer,
    form: &FormData,
    typed: OrderForm,
) -> Result<NewOrder, AppError> {
    let who = ctx.user().map_err(|_| AppError::Unauthorized)?;
    let mut errors = FieldErrors::new();
    let account_ids: Vec<i64> = form
        .all("account")
        .filter_map(|v| errors.choice::<i64>("account", v))
        .collect();
    let own = accounts::of_customer(app, customer.id).await?;
    let currency = own
        .iter()
        .find(|a| account_ids.contains(&a.id))
        .map_or(Currency::Rub, |a| a.currency);
    let prepayment_amount = match typed.prepayment_amount.trim() {
        "" => None,
        amount => errors.amount("prepayment_amount", amount, ctx.0.lang.input_unit(currency)),
    };
    errors.into_result()?;
    let mut notify_to = filled(&typed.notify_to);
    if notify_to.is_none() && !who.is_staff() {
        let me = kabinet_app::access::users::get(app, who.user_id).await?;
        notify_to = match typed.notify_channel.as_str() {
            "email" => me.email,
            "sms" => me.phone,
            _ => None,
        };
    }
    Ok(NewOrder {
        customer_id: customer.id,
        account_ids,
        kinds: all_of(form, "kind"),
        period_from: typed.period_from,
        period_to: typed.period_to,
        format: typed.format,
        prepayment_amount,
        pack_zip: ticked(&typed.pack_zip),
        zip_password: filled(&typed.zip_password),
        email_to: ticked(&typed.send_email).then(|| typed.email_to.trim().to_owned()),
        notify_channel: typed.notify_channel,
        notify_to,
    })
}

async fn place(app: &App, ctx: &Ctx, customer: Customer, form: FormData, can_order: bool) -> WebResult<Response> {
    let typed: OrderForm = form.typed()?;
    let order = match order_from_form(app, ctx, &customer, &form, typed).await {
        Ok(o) => orders::place(app, &ctx.actor()?, ctx.user()?, o).await,
        Err(e) => Err(e),
    };
    match order {
        Ok(o) => Ok(Redirect::to(&format!(
            "{}/documents/orders/{}?ok=documents-ordered",
            prefix(ctx),
            o.id
        ))
        .into_response()),
        Err(AppError::Validation(errors)) => show_again(app, ctx, customer, form, errors, can_order).await,
        Err(AppError::Refused(code)) => {
            let lang = ctx.0.lang;
            let f = FormState::from_data(&form).with_general(lang.t(code.message_key()));
            let p = page(app, ctx, customer, "", can_order, Some((form, f))).await?;
            Ok(with_status(StatusCode::UNPROCESSABLE_ENTITY, p))
        }
        Err(e) => Err(WebError::App(e)),
    }
}

async fn show_again(
    app: &App,
    ctx: &Ctx,
    customer: Customer,
    form: FormData,
    errors: FieldErrors,
    can_order: bool,
) -> WebResult<Response> {
    let lang = ctx.0.lang;
    let errors = field_errors(AppError::Validation(errors))?;
    let f = FormState::from_data(&form)
        .with_errors(lang, &errors)
        .with_general(lang.t("err-form-has-errors"));
    let p = page(app, ctx, customer, "", can_order, Some((form, f))).await?;
    Ok(with_status(StatusCode::UNPROCESSABLE_ENTITY, p))
}

/// `POST /documents/orders`: the customer orders its own documents.
pub async fn cabinet_order(State(app): State<App>, ctx: Ctx, form: FormData) -> WebResult<Response> {
    let who = ctx.user()?;
    let customer = customers::get_visible(&app, who, who.customer_id.ok_or(AppError::Forbidden)?).await?;
    place(&app, &ctx, customer, form, true).await
}

/// `POST /crm/customers/{id}/documents`: staff issue documents to a customer.
pub async fn crm_order(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> WebResult<Response> {
    let customer = customers::get_visible(&app, ctx.user()?, path_id(&id)?).await?;
    place(&app, &ctx, customer, form, true).await
}

#[derive(Template, WebTemplate)]
#[template(path = "document_order.html")]
pub struct OrderPage {
    c: Chrome,
    prefix: &'static str,
    back: String,
    o: Order,
    percent: i64,
    docs: Vec<(Document, String)>,
    skipped: Vec<Skipped>,
}

#[derive(Template, WebTemplate)]
#[template(path = "document_order.html", block = "progress")]
pub struct OrderProgress {
    c: Chrome,
    prefix: &'static str,
    o: Order,
    percent: i64,
    docs: Vec<(Document, String)>,
    skipped: Vec<Skipped>,
}

/// An order's page; while it is being made, htmx asks for the progress block every second.
pub async fn order_status(
    State(app): State<App>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<String>,
    crate::extract::QueryParams(q): crate::extract::QueryParams<crate::http::OkQuery>,
) -> WebResult<Response> {
    let who = ctx.user()?;
    let o = history::order(&app, who, path_id(&id)?).await?;
    let prefix = prefix(&ctx);
    let (nav_path, back) = if ctx.0.face == FaceOf::Crm {
        ("/crm/customers", format!("/crm/customers/{}/documents", o.customer_id))
    } else {
        ("/documents", "/documents".to_owned())
    };
    let c = Chrome::new(&ctx.0, nav_path, &app.config.display_time_zone).with_flash(q.ok.as_deref());
    let filter = DocumentFilter {
        order_id: Some(o.id),
        ..Default::default()
    };
    let docs = if o.status == kabinet_core::export::JobStatus::Done {
        let sort = Sort::parse(Some("number"), None, &SORTS);
        history::list(&app, who, &filter, &sort, 1, orders::MAX_DOCUMENTS as u64)
            .await?
            .items
    } else {
        Vec::new()
    };
    let percent = history::percent(&o);
    let skipped = history::skipped(&o);
    if headers.contains_key("hx-request") {
        return Ok(OrderProgress {
            c,
            prefix,
            o,
            percent,
            docs,
            skipped,
        }
        .into_response());
    }
    Ok(OrderPage {
        c,
        prefix,
        back,
        o,
        percent,
        docs,
        skipped,
    }
    .into_response())
}

/// Streams a stored file with headers that make browsers save it, never run it.
async fn send_file(path: &std::path::Path, name: &str, content_type: &'static str) -> WebResult<Response> {
    let file = tokio::fs::File::open(path).await.map_err(|e| {
        // A row without its file is a broken store, not the reader's mistake.
        WebError::App(AppError::Internal(e.into()))
    })?;
    let len = file.metadata().await.map(|m| m.len()).unwrap_or(0);
    let mut res = Body::from_stream(tokio_util::io::ReaderStream::new(file)).into_response();
    attachment_headers(res.headers_mut(), name, content_type, len);
    Ok(res)
}

/// Headers that make a browser save a file under `name`, never show or run it: documents,
/// receipts and the files attached to tickets.
pub(crate) fn attachment_headers(h: &mut HeaderMap, name: &str, content_type: &str, len: u64) {
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(content_type).unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    // The plain name for old browsers (anything but letters, digits, dots, dashes and
    // underscores replaced), the exact one percent-encoded as RFC 6266 says.
    let plain: String = name
        .chars()
        .map(|ch| {
            if ch.is_ascii_alphanumeric() || ".-_".contains(ch) {
                ch
            } else {
                '_'
            }
        })
        .collect();
    let exact: String = form_urlencoded::byte_serialize(name.as_bytes()).collect();
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"{plain}\"; filename*=UTF-8''{}",
        exact.replace('+', "%20")
    )) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'; sandbox"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
}

/// A document's file.
pub async fn file(State(app): State<App>, ctx: Ctx, Path(id): Path<String>) -> WebResult<Response> {
    let (d, path) = history::file(&app, ctx.user()?, path_id(&id)?).await?;
    send_file(&path, &d.file_name, d.format.content_type()).await
}

/// An order's zip.
pub async fn archive(State(app): State<App>, ctx: Ctx, Path(id): Path<String>) -> WebResult<Response> {
    let (name, path) = history::archive(&app, ctx.user()?, path_id(&id)?).await?;
    send_file(&path, &name, "application/zip").await
}

/// A payment's receipt as PDF, made now in the reader's language.
pub async fn receipt_pdf(State(app): State<App>, ctx: Ctx, Path(id): Path<String>) -> WebResult<Response> {
    let (name, bytes) = kabinet_app::documents::receipts::pdf(&app, ctx.user()?, path_id(&id)?, ctx.0.lang).await?;
    let len = bytes.len() as u64;
    let mut res = Body::from(bytes).into_response();
    attachment_headers(res.headers_mut(), &name, "application/pdf", len);
    Ok(res)
}
