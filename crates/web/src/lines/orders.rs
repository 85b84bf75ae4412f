//! Orders for lines in the cabinet (ORD-1): the order form (what, for which lines, from when,
//! who is told) with its check of every chosen line, the order's page whose progress moves
//! while the worker carries it out, and "Orders and requests" — orders beside support tickets.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use kabinet_app::App;
use kabinet_app::lines::catalogue::{self, Shelf};
use kabinet_app::lines::orders::{self, Entries, OrderRequest};
use kabinet_app::lines::register::Selection;
use kabinet_app::lines::views::{LineOrder, LineOrderItem, Offer, OrderCheck, OrderOrRequest};
use kabinet_app::{AppError, FieldErrors};
use kabinet_core::assets::line_orders::{ItemStatus, OrderKind, OrderNotice, OrderStatus};

use super::prefix;
use super::register::{FILTER_KEYS, filter_of};
use crate::error::WebResult;
use crate::extract::{Ctx, FormData};
use crate::form::{FormState, with_status};
use crate::http::path_id;
use crate::pages::{Chrome, ListQuery};

/// The chosen lines as the form carries them along: the ticked ones, or the register's filter.
#[derive(Debug, Clone, Default)]
pub struct Chosen {
    /// `ticked` or `matching`.
    scope: String,
    lines: Vec<String>,
    /// The filter's fields, named `f_…` as the register's bulk form names them.
    filter: Vec<(String, String)>,
    /// Made when the form is first shown and sent with it each time: the same form placed
    /// twice places one order.
    request_key: String,
}

impl Chosen {
    /// From the register's bulk form (or the links of a group or a line).
    fn read<'a>(all: impl Fn(&str) -> Vec<&'a str>) -> Chosen {
        let one = |k: &str| all(k).first().map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        Chosen {
            scope: one("scope").unwrap_or_else(|| "ticked".into()),
            lines: all("line").into_iter().map(str::to_owned).collect(),
            filter: FILTER_KEYS
                .iter()
                .filter_map(|k| one(&format!("f_{k}")).map(|v| (format!("f_{k}"), v)))
                .collect(),
            request_key: one(orders::REQUEST_KEY).unwrap_or_else(orders::new_request_key),
        }
    }

    fn selection(&self) -> Result<Selection, AppError> {
        if self.scope == "matching" {
            let get = |k: &str| {
                self.filter
                    .iter()
                    .find(|(n, _)| n.strip_prefix("f_") == Some(k))
                    .map(|(_, v)| v.clone())
            };
            return Ok(Selection::Matching(filter_of(get).map_err(AppError::Validation)?));
        }
        let mut ids = Vec::with_capacity(self.lines.len());
        for v in &self.lines {
            ids.push(v.trim().parse::<i64>().map_err(|_| AppError::NotFound)?);
        }
        Ok(Selection::Lines(ids))
    }

    /// The hidden fields that carry the choice to the next step.
    fn hidden(&self) -> Vec<(String, String)> {
        let mut out = vec![
            ("scope".to_owned(), self.scope.clone()),
            (orders::REQUEST_KEY.to_owned(), self.request_key.clone()),
        ];
        out.extend(self.lines.iter().map(|l| ("line".to_owned(), l.clone())));
        out.extend(self.filter.iter().cloned());
        out
    }

    fn is_filter(&self) -> bool {
        self.scope == "matching"
    }
}

/// The "what" of an order as the form's one choice names it: `tariff:3`, `option_on:5`.
fn what_of(typed: &str) -> Option<(OrderKind, i64)> {
    let (kind, id) = typed.split_once(':')?;
    Some((kind.parse().ok()?, id.parse().ok()?))
}

#[derive(Template, WebTemplate)]
#[template(path = "line_order_new.html")]
pub struct OrderFormPage {
    c: Chrome,
    f: FormState,
    hidden: Vec<(String, String)>,
    /// How many lines were ticked, or that the filter chooses them.
    ticked: usize,
    by_filter: bool,
    /// (value, text) of each tariff, option to switch on, option to switch off.
    tariffs: Vec<(String, String)>,
    options_on: Vec<(String, String)>,
    options_off: Vec<(String, String)>,
    notices: Vec<(String, String)>,
    check: Option<OrderCheck>,
}

fn offer_text(c: &Chrome, o: &Offer) -> String {
    format!(
        "{} — {}",
        o.name,
        c.t1("order-per-month", "fee", c.money(&o.monthly_fee_minor, &o.currency))
    )
}

async fn form_page(
    app: &App,
    ctx: &Ctx,
    chosen: &Chosen,
    f: FormState,
    check: Option<OrderCheck>,
) -> WebResult<OrderFormPage> {
    let who = ctx.user()?;
    let c = Chrome::new(&ctx.0, "/lines", &app.config.display_time_zone);
    let tariffs = catalogue::offers(app, who, Shelf::Tariffs, false).await?;
    let options = catalogue::offers(app, who, Shelf::Options, false).await?;
    let f = if f.value("effective_on").is_empty() {
        let zone = kabinet_core::time::zone_or_utc(&app.config.display_time_zone);
        f.with_value(
            "effective_on",
            chrono::Utc::now().with_timezone(&zone).date_naive().to_string(),
        )
    } else {
        f
    };
    Ok(OrderFormPage {
        f,
        hidden: chosen.hidden(),
        ticked: chosen.lines.len(),
        by_filter: chosen.is_filter(),
        tariffs: tariffs
            .iter()
            .map(|t| (format!("tariff:{}", t.id), offer_text(&c, t)))
            .collect(),
        options_on: options
            .iter()
            .map(|o| (format!("option_on:{}", o.id), offer_text(&c, o)))
            .collect(),
        options_off: options
            .iter()
            .map(|o| (format!("option_off:{}", o.id), o.name.clone()))
            .collect(),
        notices: OrderNotice::ALL
            .iter()
            .map(|n| (n.as_str().to_owned(), c.tk("order-notice-", n)))
            .collect(),
        check,
        c,
    })
}

/// The order form for the lines the register sent (ticked, or its filter).
pub async fn new_form(State(app): State<App>, ctx: Ctx, RawQuery(raw): RawQuery) -> WebResult<Response> {
    let q = ListQuery::parse(&raw.unwrap_or_default());
    let chosen = Chosen::read(|k| q.all(k).collect());
    let mut f = FormState::empty().with_value("notice", "none");
    if let Some(what) = q.get("what") {
        f = f.with_value("what", what);
    }
    Ok(form_page(&app, &ctx, &chosen, f, None).await?.into_response())
}

/// The form's order, every field's problem at once.
fn request_of(form: &FormData, chosen: &Chosen) -> Result<OrderRequest, AppError> {
    let mut errors = FieldErrors::new();
    let what = what_of(form.all("what").next().unwrap_or_default());
    if what.is_none() {
        errors.add("what", "invalid-choice");
    }
    let typed_day = form.all("effective_on").next().unwrap_or_default().trim();
    let effective_on = if typed_day.is_empty() {
        None
    } else {
        errors.date("effective_on", typed_day)
    };
    let notice = errors.choice::<OrderNotice>("notice", form.all("notice").next().unwrap_or("none"));
    let selection = chosen.selection();
    errors.into_result()?;
    let (Some((kind, offer_id)), Some(notice)) = (what, notice) else {
        return Err(FieldErrors::single("what", "invalid-choice"));
    };
    Ok(OrderRequest {
        kind,
        offer_id,
        effective_on,
        notice,
        selection: selection?,
        request_key: Some(chosen.request_key.clone()),
    })
}

/// Shows the form again with the check's result, or with what to fix.
pub async fn check(State(app): State<App>, ctx: Ctx, form: FormData) -> WebResult<Response> {
    let chosen = Chosen::read(|k| form.all(k).collect());
    let typed = FormState::from_data(&form);
    let result = match request_of(&form, &chosen) {
        Ok(r) => orders::check(&app, ctx.user()?, &r).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(check) => Ok(form_page(&app, &ctx, &chosen, typed, Some(check))
            .await?
            .into_response()),
        Err(e) => refused_form(&app, &ctx, &chosen, &form, e).await,
    }
}

async fn refused_form(app: &App, ctx: &Ctx, chosen: &Chosen, form: &FormData, e: AppError) -> WebResult<Response> {
    let lang = ctx.0.lang;
    let f = match e {
        AppError::Validation(errors) => {
            // A problem with the chosen lines is the form's, said above it.
            let about_lines = errors
                .0
                .iter()
                .find(|(field, _)| field == "lines")
                .map(|(_, code)| code.clone());
            let f = FormState::from_data(form).with_errors(lang, &errors);
            match about_lines {
                Some(code) => f.with_general(lang.t(&format!("err-{code}"))),
                None => f.with_general(lang.t("err-form-has-errors")),
            }
        }
        AppError::Refused(code) => FormState::from_data(form).with_general(lang.t(code.message_key())),
        other => return Err(other.into()),
    };
    let page = form_page(app, ctx, chosen, f, None).await?;
    Ok(with_status(StatusCode::UNPROCESSABLE_ENTITY, page))
}

/// Places the order and goes to its page.
pub async fn place(State(app): State<App>, ctx: Ctx, form: FormData) -> WebResult<Response> {
    let chosen = Chosen::read(|k| form.all(k).collect());
    let result = match request_of(&form, &chosen) {
        Ok(r) => orders::place(&app, &ctx.actor()?, ctx.user()?, &r).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(order) => Ok(Redirect::to(&format!("{}/lines/orders/{}", prefix(&ctx), order.id)).into_response()),
        Err(e) => refused_form(&app, &ctx, &chosen, &form, e).await,
    }
}

/// Items on one page of an order.
const ITEMS_PER_PAGE: u64 = 50;

#[derive(Template, WebTemplate)]
#[template(path = "line_order.html")]
pub struct OrderPage {
    c: Chrome,
    prefix: &'static str,
    o: LineOrder,
    items: Vec<LineOrderItem>,
    status_filter: String,
    statuses: Vec<(String, String)>,
    page: u64,
    pages: u64,
    base: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "line_order.html", block = "progress")]
pub struct OrderProgress {
    c: Chrome,
    prefix: &'static str,
    o: LineOrder,
}

/// An order with its progress and its lines; while it runs, the progress block asks for
/// itself again every second.
pub async fn page(
    State(app): State<App>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> WebResult<Response> {
    let who = ctx.user()?;
    let id = path_id(&id)?;
    let o = orders::get(&app, who, id).await?;
    let c = Chrome::new(&ctx.0, "/lines", &app.config.display_time_zone);
    let p = prefix(&ctx);
    if headers.contains_key("hx-request") {
        // Finished while watched: the whole page again, so each line's result shows too.
        let finished = o.status != OrderStatus::InProgress;
        let mut res = OrderProgress { c, prefix: p, o }.into_response();
        if finished {
            res.headers_mut()
                .insert("HX-Refresh", axum::http::HeaderValue::from_static("true"));
        }
        return Ok(res);
    }
    let q = ListQuery::parse(&raw.unwrap_or_default());
    let status = q.get("status").and_then(|s| s.parse::<ItemStatus>().ok());
    let page = q
        .get("page")
        .and_then(|v| v.parse().ok())
        .unwrap_or(1u64)
        .clamp(1, 100_000);
    let found = orders::items(&app, who, id, status, page, ITEMS_PER_PAGE).await?;
    let status_filter = status.map(|s| s.as_str().to_owned()).unwrap_or_default();
    let base = format!(
        "{p}/lines/orders/{id}?{}",
        if status_filter.is_empty() {
            String::new()
        } else {
            format!("status={status_filter}&")
        }
    );
    Ok(OrderPage {
        prefix: p,
        statuses: std::iter::once((String::new(), c.t("all")))
            .chain(
                ItemStatus::ALL
                    .iter()
                    .map(|s| (s.as_str().to_owned(), c.tk("order-item-", s))),
            )
            .collect(),
        status_filter,
        page: found.page,
        pages: found.pages(),
        items: found.items,
        base,
        o,
        c,
    }
    .into_response())
}

/// The status filter's choices: all, or one of the orders' statuses.
fn status_choices(c: &Chrome) -> Vec<(String, String)> {
    std::iter::once((String::new(), c.t("all")))
        .chain(
            OrderStatus::ALL
                .iter()
                .map(|s| (s.as_str().to_owned(), c.tk("order-status-", s))),
        )
        .collect()
}

/// Entries on one page of "Orders and requests".
const ENTRIES_PER_PAGE: u64 = 30;

#[derive(Template, WebTemplate)]
#[template(path = "line_orders.html")]
pub struct OrdersPage {
    c: Chrome,
    f: FormState,
    entries: Vec<OrderOrRequest>,
    shows: Vec<(String, String)>,
    statuses: Vec<(String, String)>,
    page: u64,
    pages: u64,
    base: String,
    may_order: bool,
}

/// "Orders and requests": orders for lines and support tickets, newest first.
pub async fn list(State(app): State<App>, ctx: Ctx, RawQuery(raw): RawQuery) -> WebResult<Response> {
    let who = ctx.user()?;
    let q = ListQuery::parse(&raw.unwrap_or_default());
    let mut f = q.form(&["show", "status"]);
    let mut errors = FieldErrors::new();
    let entries = match q.get("show").as_deref() {
        None | Some("all") => Entries::All,
        Some("orders") => Entries::Orders,
        Some("requests") => Entries::Requests,
        Some(_) => {
            errors.add("show", "invalid-choice");
            Entries::All
        }
    };
    let status = q.get("status").and_then(|s| errors.choice::<OrderStatus>("status", &s));
    let page = q.get("page").and_then(|v| v.parse().ok()).unwrap_or(1u64).clamp(1, 40);
    let found = if errors.is_empty() {
        orders::orders_and_requests(&app, who, entries, status, page, ENTRIES_PER_PAGE).await?
    } else {
        f = f.with_errors(ctx.0.lang, &errors);
        kabinet_app::listing::Page::empty(page, ENTRIES_PER_PAGE)
    };
    let c = Chrome::new(&ctx.0, "/lines", &app.config.display_time_zone);
    let kept = q.without_paging();
    let base = format!("/lines/orders?{kept}{}", if kept.is_empty() { "" } else { "&" });
    Ok(OrdersPage {
        f,
        shows: [
            ("all", "orders-show-all"),
            ("orders", "orders-show-orders"),
            ("requests", "orders-show-requests"),
        ]
        .iter()
        .map(|(v, k)| ((*v).to_owned(), c.t(k)))
        .collect(),
        statuses: status_choices(&c),
        page: found.page,
        pages: found.pages().min(40),
        entries: found.items,
        base,
        may_order: c.may(kabinet_core::access::Permission::CabinetLineSettings),
        c,
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "crm_line_orders.html")]
pub struct CustomerOrdersPage {
    c: Chrome,
    f: FormState,
    customer: kabinet_app::crm::views::Customer,
    orders: Vec<LineOrder>,
    statuses: Vec<(String, String)>,
    page: u64,
    pages: u64,
    base: String,
}

/// `GET /crm/customers/{id}/line-orders`: a customer's orders for its lines, newest first, with
/// their progress, for staff.
pub async fn of_customer(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> WebResult<Response> {
    let id = path_id(&id)?;
    let who = ctx.user()?;
    let customer = kabinet_app::customers::get_visible(&app, who, id).await?;
    let q = ListQuery::parse(&raw.unwrap_or_default());
    let mut f = q.form(&["status"]);
    let mut errors = FieldErrors::new();
    let status = q.get("status").and_then(|s| errors.choice::<OrderStatus>("status", &s));
    let page = q.get("page").and_then(|v| v.parse().ok()).unwrap_or(1u64).clamp(1, 40);
    let found = if errors.is_empty() {
        orders::list(&app, who, Some(id), status, page, ENTRIES_PER_PAGE).await?
    } else {
        f = f.with_errors(ctx.0.lang, &errors);
        kabinet_app::listing::Page::empty(page, ENTRIES_PER_PAGE)
    };
    let c = Chrome::new(&ctx.0, "/crm/customers", &app.config.display_time_zone);
    let kept = q.without_paging();
    Ok(CustomerOrdersPage {
        f,
        statuses: status_choices(&c),
        page: found.page,
        pages: found.pages().min(40),
        orders: found.items,
        base: format!(
            "/crm/customers/{id}/line-orders?{kept}{}",
            if kept.is_empty() { "" } else { "&" }
        ),
        customer,
        c,
    }
    .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_what_of_an_order_is_read_from_its_name_only() {
        assert_eq!(what_of("tariff:3"), Some((OrderKind::Tariff, 3)));
        assert_eq!(what_of("option_off:5"), Some((OrderKind::OptionOff, 5)));
        for bad in ["", "tariff", "tariff:x", "upgrade:1", "option_on:-", ":3"] {
            assert_eq!(what_of(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_chosen_lines_travel_as_hidden_fields() {
        let pairs = [
            ("scope", "matching"),
            ("f_group", "7"),
            ("f_q", "иванов"),
            ("line", "1"),
        ];
        let chosen = Chosen::read(|k| pairs.iter().filter(|(n, _)| *n == k).map(|(_, v)| *v).collect());
        assert!(chosen.is_filter());
        match chosen.selection().unwrap() {
            Selection::Matching(f) => {
                assert_eq!(f.group_id, Some(7));
                assert_eq!(f.text.as_deref(), Some("иванов"));
            }
            other => panic!("{other:?}"),
        }
        let ticked = [("line", "4"), ("line", "9")];
        let chosen = Chosen::read(|k| ticked.iter().filter(|(n, _)| *n == k).map(|(_, v)| *v).collect());
        assert_eq!(chosen.selection().unwrap(), Selection::Lines(vec![4, 9]));
        let hostile = [("line", "4 OR 1=1")];
        let chosen = Chosen::read(|k| hostile.iter().filter(|(n, _)| *n == k).map(|(_, v)| *v).collect());
        assert!(chosen.selection().is_err());
    }
}
