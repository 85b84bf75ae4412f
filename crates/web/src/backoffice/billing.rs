//! Money in the back office: a customer's accounts, an account's page with its ledger and the
//! forms that move money (payments, corrections, reversals), limits, subscriptions, and the
//! plan catalogue.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kabinet_app::access::passwords::random_secret;
use kabinet_app::billing::accounts;
use kabinet_app::billing::ledger;
use kabinet_app::billing::payments;
use kabinet_app::billing::plans;
use kabinet_app::billing::subscriptions;
use kabinet_app::billing::views::{LedgerEntry, Payment, Plan, Subscription};
use kabinet_app::listing::Page;
use kabinet_app::{App, AppError};
use kabinet_core::access::{Permission, allows};
use kabinet_core::billing::{BillingPeriod, EntryKind};
use kabinet_core::money::Currency;
use serde::Deserialize;

use super::billing_forms::{
    EntryForm, LimitsForm, NewAccountForm, PaymentForm, PlanForm, RefundForm, SubscriptionForm,
};
use crate::error::WebResult;
use crate::extract::{Ctx, FormData, QueryParams as Query};
use crate::form::{FormState, refused, with_status};
use crate::http::OkQuery;
use crate::http::path_id;
use crate::pages::Chrome;

/// The form a page shows, with the one whose submission failed filled in again.
#[derive(Default)]
pub struct Forms {
    payment: Option<FormState>,
    entry: Option<FormState>,
    limits: Option<FormState>,
    subscription: Option<FormState>,
    delivery: Option<FormState>,
    cashback: Option<FormState>,
    /// A refused refund: (payment id, form).
    refund: Option<(i64, FormState)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "crm_account.html")]
pub struct AccountPage {
    c: Chrome,
    s: accounts::Summary,
    entries: Page<LedgerEntry>,
    subscriptions: Vec<(Subscription, Plan)>,
    payments: Vec<Payment>,
    plans: Vec<(String, String)>,
    base: String,
    can_post: bool,
    can_manage: bool,
    pay: FormState,
    entry: FormState,
    limits: FormState,
    /// Who may be the account's personal manager: (id, name), "—" first.
    managers: Vec<(String, String)>,
    sub: FormState,
    methods: Vec<(String, String)>,
    refund_key: String,
    refund_failed: Option<(i64, FormState)>,
    entry_kinds: Vec<(String, String)>,
    directions: Vec<(String, String)>,
    /// Field labels with the unit amounts are typed in.
    amount_label: String,
    credit_label: String,
    threshold_label: String,
    /// How the account's documents reach the customer, as the form shows it.
    delivery: FormState,
    may_set_delivery: bool,
    delivery_action: String,
    /// The account's cashback, and the form that accrues it (staff who post money).
    cashback: kabinet_app::billing::cashback::Cashback,
    cashback_form: FormState,
    /// Spending is the customer's, on its own page.
    may_spend_cashback: bool,
}

#[derive(Deserialize)]
pub struct AccountQuery {
    page: Option<crate::paging::PageNumber>,
    ok: Option<String>,
}

fn fresh_key() -> String {
    random_secret(16)
}

async fn account_page(
    app: &App,
    ctx: &Ctx,
    id: i64,
    page: u64,
    forms: Forms,
    flash: Option<&str>,
) -> WebResult<AccountPage> {
    let who = ctx.user()?;
    let a = accounts::get_visible(app, who, id).await?;
    let s = accounts::summary(app, a).await?;
    let c = Chrome::new(&ctx.0, "/crm/customers", &app.config.display_time_zone).with_flash(flash);
    let entries = ledger::entries(app, who, id, page, 50).await?;
    let subscriptions = subscriptions::of_account(app, who, id).await?;
    let payments = payments::of_account(app, who, id, 20).await?;
    let plans = plans::all(app)
        .await?
        .into_iter()
        .filter(|p| p.status == kabinet_core::billing::PlanStatus::Active && p.currency == s.account.currency)
        .map(|p| {
            let label = format!(
                "{} · {} · {}",
                p.name,
                c.money(&p.price, &p.currency),
                c.tk("period-", &p.period)
            );
            (p.id.to_string(), label)
        })
        .collect();
    let today = chrono::Utc::now().date_naive().to_string();
    let limits = forms.limits.unwrap_or_else(|| {
        FormState::empty()
            .with_value(
                "manager_user_id",
                s.account.manager_user_id.map(|m| m.to_string()).unwrap_or_default(),
            )
            .with_value("credit_limit", c.typed(s.account.credit_limit, &s.account.currency))
            .with_value(
                "warning_threshold",
                s.account
                    .warning_threshold
                    .map(|w| c.typed(w, &s.account.currency))
                    .unwrap_or_default(),
            )
    });
    let pay = forms.payment.unwrap_or_else(|| {
        FormState::empty()
            .with_value("method", "bank_transfer")
            .with_value("document_date", today.clone())
    });
    let entry = forms.entry.unwrap_or_else(|| {
        FormState::empty()
            .with_value("kind", "adjustment")
            .with_value("direction", "credit")
    });
    let sub = forms
        .subscription
        .unwrap_or_else(|| FormState::empty().with_value("started_on", today));
    let methods = payments::MANUAL_METHODS
        .iter()
        .map(|m| (m.to_string(), c.tk("method-", m)))
        .collect();
    let entry_kinds = [EntryKind::Adjustment, EntryKind::Cashback, EntryKind::Charge]
        .iter()
        .map(|k| (k.as_str().to_owned(), c.tk("entry-", k.as_str())))
        .collect();
    let directions = ["credit", "debit"]
        .iter()
        .map(|d| (d.to_string(), c.tk("direction-", d)))
        .collect();
    let unit = c.unit_name(s.currency);
    let managers = if allows(Some(who.role), Permission::BillingManage) {
        std::iter::once((String::new(), "—".to_owned()))
            .chain(
                accounts::manager_choices(app, who)
                    .await?
                    .into_iter()
                    .map(|(id, name)| (id.to_string(), name)),
            )
            .collect()
    } else {
        Vec::new()
    };
    let cashback = kabinet_app::billing::cashback::of_account(app, who, id).await?;
    Ok(AccountPage {
        cashback,
        cashback_form: forms.cashback.unwrap_or_default(),
        may_spend_cashback: false,
        managers,
        delivery: forms
            .delivery
            .unwrap_or_else(|| crate::cabinet::billing::delivery_form(&s.account)),
        may_set_delivery: allows(Some(who.role), Permission::BillingManage),
        delivery_action: format!("/crm/accounts/{id}/delivery"),
        base: format!("/crm/accounts/{id}?"),
        can_post: allows(Some(who.role), Permission::PaymentsPost),
        can_manage: allows(Some(who.role), Permission::BillingManage),
        pay: pay.with_value("idempotency_key", fresh_key()),
        refund_key: fresh_key(),
        refund_failed: forms.refund,
        entry: entry.with_value("idempotency_key", fresh_key()),
        c,
        s,
        entries,
        subscriptions,
        payments,
        plans,
        limits,
        sub,
        methods,
        entry_kinds,
        directions,
        amount_label: format!("{} ({unit})", ctx.0.lang.t("field-amount")),
        credit_label: format!("{} ({unit})", ctx.0.lang.t("field-credit-limit")),
        threshold_label: format!("{} ({unit})", ctx.0.lang.t("field-warning-threshold")),
    })
}

pub async fn account(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<AccountQuery>,
) -> WebResult<Response> {
    let page = crate::paging::PageNumber::or_first(q.page);
    Ok(
        account_page(&app, &ctx, path_id(&id)?, page, Forms::default(), q.ok.as_deref())
            .await?
            .into_response(),
    )
}

/// The unit the caller types amounts in for account `id`.
async fn unit_for(app: &App, ctx: &Ctx, id: i64) -> WebResult<kabinet_core::money::DisplayUnit> {
    Ok(accounts::input_unit(app, ctx.user()?, id, ctx.0.lang).await?)
}

/// The answer to one of the account page's forms: back to the page with `flash`, or the page
/// again with the form refused into the slot `put` chooses.
async fn answer<T>(
    app: &App,
    ctx: &Ctx,
    id: i64,
    form: &FormData,
    result: Result<T, AppError>,
    flash: &str,
    put: impl FnOnce(&mut Forms, FormState),
) -> WebResult<Response> {
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/crm/accounts/{id}?ok={flash}")).into_response()),
        Err(e) => refused_page(app, ctx, id, form, e, put).await,
    }
}

/// Shows the account page again with `form` refused into the slot `put` chooses.
async fn refused_page(
    app: &App,
    ctx: &Ctx,
    id: i64,
    form: &FormData,
    e: AppError,
    put: impl FnOnce(&mut Forms, FormState),
) -> WebResult<Response> {
    let state = refused(form, ctx.0.lang, e)?;
    let mut forms = Forms::default();
    put(&mut forms, state);
    Ok(with_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        account_page(app, ctx, id, 1, forms, None).await?,
    ))
}

pub async fn register_payment(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> WebResult<Response> {
    let id = path_id(&id)?;
    let unit = unit_for(&app, &ctx, id).await?;
    let (actor, who) = (ctx.actor()?, ctx.user()?);
    let typed: PaymentForm = form.typed()?;
    let result = async { payments::register_manual(&app, &actor, who, typed.checked(id, unit)?).await }.await;
    answer(&app, &ctx, id, &form, result, "payment-registered", |f, s| {
        f.payment = Some(s)
    })
    .await
}

pub async fn post_entry(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> WebResult<Response> {
    let id = path_id(&id)?;
    let unit = unit_for(&app, &ctx, id).await?;
    let (actor, who) = (ctx.actor()?, ctx.user()?);
    let typed: EntryForm = form.typed()?;
    let result = async { ledger::post_manual(&app, &actor, who, typed.checked(id, unit)?).await }.await;
    answer(&app, &ctx, id, &form, result, "entry-posted", |f, s| f.entry = Some(s)).await
}

pub async fn set_limits(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> WebResult<Response> {
    let id = path_id(&id)?;
    let unit = unit_for(&app, &ctx, id).await?;
    let (actor, who) = (ctx.actor()?, ctx.user()?);
    let typed: LimitsForm = form.typed()?;
    let result = async { accounts::set_limits(&app, &actor, who, id, typed.checked(unit)?).await }.await;
    answer(&app, &ctx, id, &form, result, "limits-saved", |f, s| f.limits = Some(s)).await
}

/// Sets how the account's documents reach the customer, for the customer.
pub async fn set_delivery(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> WebResult<Response> {
    let id = path_id(&id)?;
    let (actor, who) = (ctx.actor()?, ctx.user()?);
    let choice = crate::cabinet::billing::delivery_choice(&form);
    let result = accounts::set_delivery(&app, &actor, who, id, &choice).await;
    answer(&app, &ctx, id, &form, result, "delivery-saved", |f, s| {
        f.delivery = Some(s)
    })
    .await
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct CashbackForm {
    cashback_amount: String,
    reason: String,
}

/// `POST /crm/accounts/{id}/cashback`: cashback accrued by staff.
pub async fn accrue_cashback(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> WebResult<Response> {
    let id = path_id(&id)?;
    let (actor, who) = (ctx.actor()?, ctx.user()?);
    let typed: CashbackForm = form.typed()?;
    let unit = ctx
        .0
        .lang
        .input_unit(accounts::get_visible(&app, who, id).await?.currency);
    let result =
        kabinet_app::billing::cashback::accrue(&app, &actor, who, id, &typed.cashback_amount, unit, &typed.reason)
            .await;
    answer(&app, &ctx, id, &form, result, "cashback-accrued", |f, s| {
        f.cashback = Some(s)
    })
    .await
}

pub async fn subscribe(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> WebResult<Response> {
    let id = path_id(&id)?;
    let (actor, who) = (ctx.actor()?, ctx.user()?);
    let typed: SubscriptionForm = form.typed()?;
    let result = async { subscriptions::create(&app, &actor, who, typed.checked(id)?).await }.await;
    answer(&app, &ctx, id, &form, result, "subscription-created", |f, s| {
        f.subscription = Some(s)
    })
    .await
}

pub async fn reverse(State(app): State<App>, ctx: Ctx, Path(id): Path<String>, form: FormData) -> WebResult<Response> {
    let entry = ledger::reverse(
        &app,
        &ctx.actor()?,
        ctx.user()?,
        path_id(&id)?,
        form.required("reason")?,
    )
    .await?;
    Ok(Redirect::to(&format!("/crm/accounts/{}?ok=entry-reversed", entry.account_id)).into_response())
}

pub async fn open_account(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> WebResult<Response> {
    let customer_id = path_id(&id)?;
    kabinet_app::customers::get_visible(&app, ctx.user()?, customer_id).await?;
    let typed: NewAccountForm = form.typed()?;
    let created = accounts::open(&app, &ctx.actor()?, typed.checked(customer_id)?).await?;
    Ok(Redirect::to(&format!("/crm/accounts/{}?ok=account-opened", created.id)).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "crm_plans.html")]
pub struct PlansPage {
    c: Chrome,
    plans: Vec<Plan>,
    f: FormState,
    can_manage: bool,
    kinds: Vec<(String, String)>,
    periods: Vec<(String, String)>,
    currencies: Vec<(String, String)>,
}

async fn plans_page(app: &App, ctx: &Ctx, f: FormState, flash: Option<&str>) -> WebResult<PlansPage> {
    let who = ctx.user()?;
    let c = Chrome::new(&ctx.0, "/crm/plans", &app.config.display_time_zone).with_flash(flash);
    let kinds = plans::ASSET_KINDS
        .iter()
        .map(|k| (k.to_string(), c.tk("asset-", k)))
        .collect();
    let periods = BillingPeriod::ALL
        .iter()
        .map(|p| (p.as_str().to_owned(), c.tk("period-", p.as_str())))
        .collect();
    let currencies = Currency::ALL
        .iter()
        .map(|k| (k.code().to_owned(), k.code().to_owned()))
        .collect();
    Ok(PlansPage {
        plans: plans::all(app).await?,
        can_manage: allows(Some(who.role), Permission::PlansManage),
        c,
        f,
        kinds,
        periods,
        currencies,
    })
}

pub async fn plans_list(State(app): State<App>, ctx: Ctx, Query(q): Query<OkQuery>) -> WebResult<Response> {
    let f = FormState::empty()
        .with_value("period", "month")
        .with_value("currency", "RUB");
    Ok(plans_page(&app, &ctx, f, q.ok.as_deref()).await?.into_response())
}

pub async fn plans_create(State(app): State<App>, ctx: Ctx, form: FormData) -> WebResult<Response> {
    let actor = ctx.actor()?;
    let typed: PlanForm = form.typed()?;
    let lang = ctx.0.lang;
    let result = async { plans::create(&app, &actor, typed.checked(|c| lang.input_unit(c))?).await }.await;
    match result {
        Ok(_) => Ok(Redirect::to("/crm/plans?ok=plan-created").into_response()),
        Err(e) => {
            let f = refused(&form, ctx.0.lang, e)?;
            Ok(with_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                plans_page(&app, &ctx, f, None).await?,
            ))
        }
    }
}

pub async fn refund(State(app): State<App>, ctx: Ctx, Path(id): Path<String>, form: FormData) -> WebResult<Response> {
    let payment_id = path_id(&id)?;
    let (actor, who) = (ctx.actor()?, ctx.user()?);
    let (p, account) = kabinet_app::billing::topup::get_visible(&app, who, payment_id).await?;
    let currency: Currency = p.currency;
    let typed: RefundForm = form.typed()?;
    let result = async {
        let r = typed.checked(ctx.0.lang.input_unit(currency))?;
        kabinet_app::billing::topup::refund(&app, &actor, who, payment_id, r.amount, &r.reason, &r.idempotency_key)
            .await
    }
    .await;
    match result {
        Ok(kabinet_app::billing::topup::Outcome::Pending(_)) => {
            Ok(Redirect::to(&format!("/crm/accounts/{}?ok=refund-pending", account.id)).into_response())
        }
        Ok(_) => Ok(Redirect::to(&format!("/crm/accounts/{}?ok=refund-done", account.id)).into_response()),
        Err(e) => {
            refused_page(&app, &ctx, account.id, &form, e, |f, s| {
                f.refund = Some((payment_id, s))
            })
            .await
        }
    }
}
