//! Customers in the back office (the foundation part): the list, the card with the
//! customer's cabinet logins, and managing those logins.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kabinet_app::access::users::{self, NewUser};
use kabinet_app::access::views::User;
use kabinet_app::assets::views::{Asset, Site};
use kabinet_app::audit::views::AuditRecord;
use kabinet_app::billing::views::Account;
use kabinet_app::crm::views::{Comment, Counterparty, Customer};
use kabinet_app::support::views::Ticket;
use kabinet_app::{App, customers};
use kabinet_core::access::CustomerRole;
use serde::Deserialize;

use crate::error::WebResult;
use crate::extract::{Ctx, FormData, QueryParams as Query};
use crate::form::{FormState, refused, with_status};
use crate::http::OkQuery;
use crate::http::no_store;
use crate::http::path_id;
use crate::login_activity::{ActivityView, PeriodQuery};
use crate::pages::{Chrome, SortLinks};
use crate::user_form::UserForm;
use kabinet_app::listing::Sort;

#[derive(Template, WebTemplate)]
#[template(path = "crm_customers.html")]
pub struct CustomersPage {
    c: Chrome,
    /// Each customer with its balances and licence count.
    customers: Vec<(Customer, customers::CustomerFigures)>,
    f: FormState,
    total: u64,
    page: u64,
    pages: u64,
    base: String,
    s: SortLinks,
    groups: Vec<(String, String)>,
    partners: Vec<(String, String)>,
    statuses: Vec<(String, String)>,
    licence_kinds: Vec<(String, String)>,
    can_create: bool,
    /// The count stopped at the cap: the list says "more than".
    total_capped: bool,
}

#[derive(Deserialize)]
pub struct ListQuery {
    q: Option<String>,
    group: Option<String>,
    partner: Option<String>,
    status: Option<String>,
    city: Option<String>,
    licence: Option<String>,
    page: Option<crate::paging::PageNumber>,
    sort: Option<String>,
    dir: Option<String>,
}

fn nonblank(v: &Option<String>) -> Option<String> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned)
}

/// A licence kind from the filter, if it is one.
fn licence_kind(v: &Option<String>) -> Option<String> {
    nonblank(v).filter(|k| k.parse::<kabinet_core::assets::AssetKind>().is_ok())
}

pub async fn list(State(app): State<App>, ctx: Ctx, Query(q): Query<ListQuery>) -> WebResult<Response> {
    let who = ctx.user()?;
    let page = crate::paging::PageNumber::or_first(q.page);
    let sort = Sort::parse(q.sort.as_deref(), q.dir.as_deref(), &customers::SORTS);
    let filter = customers::CustomerFilter {
        q: nonblank(&q.q),
        support_group: nonblank(&q.group).filter(|g| customers::SUPPORT_GROUPS.contains(&g.as_str())),
        partner_id: nonblank(&q.partner).and_then(|p| p.parse().ok()),
        status: nonblank(&q.status).filter(|s| s.parse::<kabinet_core::crm::CustomerStatus>().is_ok()),
        city: nonblank(&q.city),
        licence_kind: licence_kind(&q.licence),
    };
    let found = customers::list_visible(&app, who, &filter, &sort, page, 50).await?;
    let ids: Vec<i64> = found.items.iter().map(|cu| cu.id).collect();
    let mut figures = customers::figures_of(&app, &ids).await?;
    let mut f = FormState::empty();
    let mut pairs = Vec::new();
    for (k, v) in [
        ("q", &q.q),
        ("group", &q.group),
        ("partner", &q.partner),
        ("status", &q.status),
        ("city", &q.city),
        ("licence", &q.licence),
    ] {
        if let Some(v) = nonblank(v) {
            pairs.push((k, v.clone()));
            f = f.with_value(k, v);
        }
    }
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish();
    let base = format!("/crm/customers?{query}{}", if query.is_empty() { "" } else { "&" });
    let pages = found.pages();
    let s = SortLinks::new(&base, &sort);
    let base = format!("{base}{}", s.query());
    let c = Chrome::new(&ctx.0, "/crm/customers", &app.config.display_time_zone);
    let all = c.t("all");
    let with_all = |items: Vec<(String, String)>| -> Vec<(String, String)> {
        std::iter::once((String::new(), all.clone())).chain(items).collect()
    };
    use kabinet_core::access::{Permission, allows};
    Ok(CustomersPage {
        groups: with_all(
            customers::SUPPORT_GROUPS
                .iter()
                .map(|g| (g.to_string(), g.to_string()))
                .collect(),
        ),
        partners: if who.is_partner() {
            Vec::new()
        } else {
            with_all(
                customers::partners(&app)
                    .await?
                    .into_iter()
                    .map(|p| (p.id.to_string(), p.name))
                    .collect(),
            )
        },
        statuses: with_all(
            customers::STATUSES
                .iter()
                .map(|st| (st.to_string(), c.tk("status-", st)))
                .collect(),
        ),
        licence_kinds: with_all(
            kabinet_core::assets::AssetKind::ALL
                .iter()
                .filter(|k| k.is_licence())
                .map(|k| (k.as_str().to_owned(), c.tk("asset-", k.as_str())))
                .collect(),
        ),
        can_create: allows(Some(who.role), Permission::CustomersManage),
        total_capped: found.total > customers::COUNT_CAP,
        c,
        customers: found
            .items
            .into_iter()
            .map(|cu| {
                let fig = figures.remove(&cu.id).unwrap_or_default();
                (cu, fig)
            })
            .collect(),
        f,
        total: found.total,
        page: found.page,
        pages,
        base,
        s,
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "crm_customer.html")]
pub struct CustomerCard {
    c: Chrome,
    customer: Customer,
    users: Vec<User>,
    f: FormState,
    roles: Vec<(String, String)>,
    generated: Option<(String, String)>,
    can_manage: bool,
    can_read_history: bool,
    accounts: Vec<Account>,
    can_read_billing: bool,
    can_open_account: bool,
    can_edit: bool,
    counterparty: Option<Counterparty>,
    comments: Vec<Comment>,
    comment_form: FormState,
    can_delete_comments: bool,
    partner_name: Option<String>,
    licences: Vec<(Asset, Option<Site>)>,
    can_manage_licences: bool,
    can_manage_devices: bool,
    can_control_routers: bool,
    /// The statistics tab's figures, when it is the tab shown.
    activity: Option<ActivityView>,
    audit: Vec<AuditRecord>,
    can_read_audit: bool,
    can_enter_cabinet: bool,
    /// The support tab, when it is the tab shown.
    support: Option<SupportSection>,
    /// The tab shown ([`CardTab::as_str`]) and every tab the reader may open: key, label,
    /// whether it is the one shown.
    tab: &'static str,
    tabs: Vec<(&'static str, String, bool)>,
}

/// The card's tabs, one shown at a time; the address names it (`?tab=users`), so a reload, a
/// link or the redirect after a form returns to the same place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CardTab {
    #[default]
    Data,
    Services,
    Billing,
    Support,
    Users,
    Comments,
    Statistics,
    Router,
    Audit,
}

impl CardTab {
    pub const ALL: [CardTab; 9] = [
        CardTab::Data,
        CardTab::Services,
        CardTab::Billing,
        CardTab::Support,
        CardTab::Users,
        CardTab::Comments,
        CardTab::Statistics,
        CardTab::Router,
        CardTab::Audit,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CardTab::Data => "data",
            CardTab::Services => "services",
            CardTab::Billing => "billing",
            CardTab::Support => "support",
            CardTab::Users => "users",
            CardTab::Comments => "comments",
            CardTab::Statistics => "statistics",
            CardTab::Router => "router",
            CardTab::Audit => "audit",
        }
    }

    fn label_key(self) -> &'static str {
        match self {
            CardTab::Data => "tab-point-data",
            CardTab::Services => "services",
            CardTab::Billing => "tab-billing",
            CardTab::Support => "support-terms",
            CardTab::Users => "customer-users",
            CardTab::Comments => "comments",
            CardTab::Statistics => "tab-statistics",
            CardTab::Router => "router",
            CardTab::Audit => "tab-audit",
        }
    }

    /// The tab a query string names; a period without a tab is the statistics tab's (its
    /// form sends only the period), anything else unknown is the first tab.
    pub fn of_query(tab: Option<&str>, has_period: bool) -> CardTab {
        match tab.and_then(|t| CardTab::ALL.into_iter().find(|c| c.as_str() == t)) {
            Some(tab) => tab,
            None if has_period => CardTab::Statistics,
            None => CardTab::Data,
        }
    }

    /// The card's address showing this tab, with a success message.
    pub fn href(self, customer_id: i64, ok: &str) -> String {
        format!("/crm/customers/{customer_id}?tab={}&ok={ok}", self.as_str())
    }
}

/// The card's support tab: the customer's plan, pay-per-case, and its latest tickets.
pub struct SupportSection {
    tickets: Vec<Ticket>,
    plan_options: Vec<(String, String)>,
    form: FormState,
    can_set_terms: bool,
    can_work_tickets: bool,
}

async fn support_section(
    app: &App,
    c: &Chrome,
    who: &kabinet_app::access::Identity,
    customer: &Customer,
) -> WebResult<SupportSection> {
    use kabinet_core::access::{Permission, allows};
    let plans = kabinet_app::support::plans::list(app).await?;
    let default = kabinet_app::support::plans::by_code(app, &app.config.support.default_plan)
        .await
        .map(|p| c.seeded("sla-plan", &p.code, &p.name))
        .unwrap_or_default();
    let can_work_tickets = allows(Some(who.role), Permission::TicketsWork);
    let tickets = if can_work_tickets {
        let sort =
            kabinet_app::listing::Sort::parse(None, Some("desc"), &kabinet_app::support::tickets::CUSTOMER_SORTS);
        kabinet_app::support::tickets::of_customer(app, who, customer.id, &Default::default(), &sort, 1, 10)
            .await?
            .items
    } else {
        Vec::new()
    };
    Ok(SupportSection {
        tickets,
        plan_options: std::iter::once((String::new(), format!("{} ({default})", c.t("support-default-plan"))))
            .chain(
                plans
                    .into_iter()
                    .map(|p| (p.plan.id.to_string(), c.seeded("sla-plan", &p.plan.code, &p.plan.name))),
            )
            .collect(),
        form: FormState::empty()
            .with_value(
                "sla_plan_id",
                customer.sla_plan_id.map(|i| i.to_string()).unwrap_or_default(),
            )
            .with_value("pay_per_case", if customer.pay_per_case { "on" } else { "" }),
        can_set_terms: allows(Some(who.role), Permission::BillingManage),
        can_work_tickets,
    })
}

/// How many of the newest audit records the card's "audit" tab shows.
const CARD_AUDIT_RECORDS: u64 = 30;

/// The card with a comment form that was refused shown again.
pub(super) async fn card_page_with_comment(
    app: &App,
    ctx: &Ctx,
    id: i64,
    comment_form: FormState,
) -> WebResult<CustomerCard> {
    let mut page = card_page(
        app,
        ctx,
        id,
        CardTab::Comments,
        FormState::empty().with_value("role", "viewer"),
        None,
        None,
    )
    .await?;
    page.comment_form = comment_form;
    Ok(page)
}

pub(super) async fn card_page(
    app: &App,
    ctx: &Ctx,
    id: i64,
    tab: CardTab,
    f: FormState,
    generated: Option<(String, String)>,
    flash: Option<&str>,
) -> WebResult<CustomerCard> {
    card_page_for_period(app, ctx, id, tab, f, generated, flash, &PeriodQuery::default()).await
}

/// The card showing `tab` (its statistics tab showing `period`); only the shown tab's data is
/// read.
#[allow(clippy::too_many_arguments)]
async fn card_page_for_period(
    app: &App,
    ctx: &Ctx,
    id: i64,
    tab: CardTab,
    f: FormState,
    generated: Option<(String, String)>,
    flash: Option<&str>,
    period: &PeriodQuery,
) -> WebResult<CustomerCard> {
    let who = ctx.user()?;
    let customer = customers::get_visible(app, who, id).await?;
    let users = customers::users_of(app, id).await?;
    let c = Chrome::new(&ctx.0, "/crm/customers", &app.config.display_time_zone).with_flash(flash);
    let roles = CustomerRole::ALL
        .iter()
        .map(|r| (r.as_str().to_owned(), c.t(&format!("role-{}", r.as_str()))))
        .collect();
    use kabinet_core::access::{Permission, allows};
    let counterparty = kabinet_app::crm::counterparties::of_customer(app, &customer).await?;
    let partner_name = customers::partner_name(app, &customer).await?;
    let licences = kabinet_app::assets::licences::of_customer(app, id).await?;
    let accounts = kabinet_app::billing::accounts::of_customer(app, id).await?;
    let can_read_audit = allows(Some(who.role), Permission::AuditRead);
    // Only a reader of the audit log has its tab.
    let tab = if tab == CardTab::Audit && !can_read_audit {
        CardTab::Data
    } else {
        tab
    };
    let audit = if can_read_audit && tab == CardTab::Audit {
        let objects = kabinet_app::audit::CustomerObjects {
            customer_id: id,
            user_ids: users.iter().map(|u| u.id).collect(),
            account_ids: accounts.iter().map(|a| a.id).collect(),
            asset_ids: licences.iter().map(|(l, _)| l.id).collect(),
        };
        kabinet_app::audit::about_customer(app, &objects, CARD_AUDIT_RECORDS).await?
    } else {
        Vec::new()
    };
    let activity = match tab {
        CardTab::Statistics => {
            Some(crate::login_activity::view(app, &c, id, period, &format!("/crm/customers/{id}")).await?)
        }
        _ => None,
    };
    let support = match tab {
        CardTab::Support => Some(support_section(app, &c, who, &customer).await?),
        _ => None,
    };
    let comments = match tab {
        CardTab::Comments => kabinet_app::crm::comments::of_customer(app, id, 100).await?,
        _ => Vec::new(),
    };
    let tabs = CardTab::ALL
        .into_iter()
        .filter(|t| *t != CardTab::Audit || can_read_audit)
        .map(|t| (t.as_str(), c.t(t.label_key()), t == tab))
        .collect();
    Ok(CustomerCard {
        tab: tab.as_str(),
        tabs,
        support,
        activity,
        audit,
        can_read_audit,
        can_enter_cabinet: allows(Some(who.role), Permission::CabinetEnter),
        can_control_routers: allows(Some(who.role), Permission::RoutersControl),
        counterparty,
        partner_name,
        comments,
        comment_form: FormState::empty().with_value("kind", "ordinary"),
        can_edit: allows(Some(who.role), Permission::CustomersManage),
        can_delete_comments: allows(Some(who.role), Permission::CommentsDelete),
        licences,
        can_manage_licences: allows(Some(who.role), Permission::LicencesManage),
        can_manage_devices: allows(Some(who.role), Permission::DevicesManage),
        c,
        customer,
        users,
        f,
        roles,
        generated,
        can_manage: allows(Some(who.role), Permission::CustomerUsersManage),
        can_read_history: allows(Some(who.role), Permission::LoginHistoryRead),
        accounts,
        can_read_billing: allows(Some(who.role), Permission::BillingRead),
        can_open_account: allows(Some(who.role), Permission::BillingManage),
    })
}

pub async fn card(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<OkQuery>,
) -> WebResult<Response> {
    let f = FormState::empty().with_value("role", "viewer");
    let generated = crate::handover::shown_once(&app, &ctx, q.handover.as_deref()).await?;
    let secret = generated.is_some();
    let tab = CardTab::of_query(q.tab.as_deref(), q.from.is_some() || q.to.is_some());
    let period = PeriodQuery { from: q.from, to: q.to };
    let page = card_page_for_period(&app, &ctx, path_id(&id)?, tab, f, generated, q.ok.as_deref(), &period)
        .await?
        .into_response();
    Ok(if secret { no_store(page) } else { page })
}

pub async fn create_user(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> WebResult<Response> {
    let id = path_id(&id)?;
    // A customer's login belongs to no partner, whatever the form says.
    let result = match form.typed::<UserForm>()?.checked() {
        Ok(new) => {
            let new = NewUser {
                partner_id: None,
                ..new
            };
            users::create_for_customer(&app, ctx.user()?, &ctx.actor()?, id, new).await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(created) => {
            let card = CardTab::Users.href(id, "user-created");
            let secret = created.generated_password.as_deref();
            crate::handover::redirect(&app, &ctx, &card, &created.user.login, secret).await
        }
        Err(e) => {
            let f = refused(&form, ctx.0.lang, e)?;
            Ok(with_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                card_page(&app, &ctx, id, CardTab::Users, f, None, None).await?,
            ))
        }
    }
}

pub async fn reset_user_password(State(app): State<App>, ctx: Ctx, Path(id): Path<String>) -> WebResult<Response> {
    let id = path_id(&id)?;
    let who = ctx.user()?;
    let target = users::get_manageable(&app, who, id).await?;
    let customer_id = target.customer_id.ok_or(kabinet_app::AppError::NotFound)?;
    let password = users::reset_password(&app, who, &ctx.actor()?, id).await?;
    let card = CardTab::Users.href(customer_id, "password-reset");
    crate::handover::redirect(&app, &ctx, &card, &target.login, Some(&password)).await
}

pub async fn toggle_user_active(State(app): State<App>, ctx: Ctx, Path(id): Path<String>) -> WebResult<Response> {
    let id = path_id(&id)?;
    let who = ctx.user()?;
    let target = users::get_manageable(&app, who, id).await?;
    let customer_id = target.customer_id.ok_or(kabinet_app::AppError::NotFound)?;
    let activate = target.status != kabinet_core::access::UserStatus::Active;
    users::set_active(&app, who, &ctx.actor()?, id, activate).await?;
    let ok = if activate { "user-enabled" } else { "user-disabled" };
    Ok(Redirect::to(&CardTab::Users.href(customer_id, ok)).into_response())
}

/// Opens the customer's cabinet as its main login for the staff member (audited); the cabinet
/// then says who is really there and how to leave.
pub async fn enter_cabinet(State(app): State<App>, ctx: Ctx, Path(id): Path<String>) -> WebResult<Response> {
    let token =
        kabinet_app::access::acting::enter(&app, ctx.user()?, &ctx.actor()?, path_id(&id)?, &ctx.0.client).await?;
    let mut res = Redirect::to("/").into_response();
    crate::cookies::set(&mut res, crate::cookies::acting(&app, &token));
    Ok(no_store(res))
}
