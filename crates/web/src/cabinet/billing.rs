//! Money in the cabinet: an account's page with its ledger, and dismissing dashboard notices.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use kabinet_app::App;
use kabinet_app::billing::views::{Account, AutopayRule, LedgerEntry, Notice, Payment, Plan, Subscription};
use kabinet_app::billing::{accounts, ledger, subscriptions};
use kabinet_app::listing::Page;
use kabinet_core::ErrorCode;
use kabinet_core::billing::PaymentStatus;
use serde::Deserialize;

use super::payment_forms::{AutopayForm, TopupForm, account_of};
use crate::error::WebResult;
use crate::extract::{Ctx, QueryParams as Query};
use crate::http::path_id;
use crate::pages::Chrome;

/// The text of a dashboard notice in the reader's language.
pub fn notice_text(c: &Chrome, n: &Notice) -> String {
    let params: serde_json::Value = serde_json::from_str(&n.params).unwrap_or_default();
    let balance = params["balance"].as_i64().unwrap_or(0);
    // A notice written with a currency the product does not know shows the bare number.
    let amount = match params["currency"]
        .as_str()
        .map(str::parse::<kabinet_core::money::Currency>)
    {
        Some(Ok(currency)) => c.money(&balance, &currency),
        _ => balance.to_string(),
    };
    let account = params["account"].as_str().unwrap_or("").to_owned();
    c.lang.t_args(
        &format!("notice-{}", n.kind),
        &[("amount", amount), ("account", account)],
    )
}

#[derive(Template, WebTemplate)]
#[template(path = "account.html")]
pub struct AccountPage {
    c: Chrome,
    s: accounts::Summary,
    entries: Page<LedgerEntry>,
    subscriptions: Vec<(Subscription, Plan)>,
    base: String,
    /// The ledger is shared with the back office, where staff may reverse entries.
    can_post: bool,
    /// How the account's documents reach the customer, as the form shows it.
    delivery: crate::form::FormState,
    may_set_delivery: bool,
    delivery_action: String,
    /// The prepayment invoice form: shown to those who order documents, for this month, with
    /// the amount due (or the next charge) typed the reader's way.
    prepayment: Option<Prepayment>,
    cashback: kabinet_app::billing::cashback::Cashback,
    /// The spend form: the amount due (or all of the cashback) suggested, a fresh key.
    cashback_form: crate::form::FormState,
    may_spend_cashback: bool,
}

/// The prepayment invoice form of an account's page.
pub struct Prepayment {
    month: String,
    amount: String,
    unit: String,
}

/// The delivery form filled with the account's choice.
pub(crate) fn delivery_form(a: &Account) -> crate::form::FormState {
    crate::form::FormState::empty()
        .with_value("delivery", a.document_delivery.as_str())
        .with_value("edo_operator", a.edo_operator.clone().unwrap_or_default())
        .with_value("edo_participant_id", a.edo_participant_id.clone().unwrap_or_default())
}

async fn account_page(
    app: &App,
    ctx: &Ctx,
    id: i64,
    page: u64,
    delivery: Option<crate::form::FormState>,
    cashback_form: Option<crate::form::FormState>,
    flash: Option<&str>,
) -> WebResult<AccountPage> {
    let who = ctx.user()?;
    let a = accounts::get_visible(app, who, id).await?;
    let entries = ledger::entries(app, who, id, page, 50).await?;
    let subscriptions = subscriptions::of_account(app, who, id).await?;
    let c = Chrome::new(&ctx.0, "/", &app.config.display_time_zone).with_flash(flash);
    let s = accounts::summary(app, a).await?;
    let prepayment = c.may(kabinet_core::access::Permission::CabinetDocuments).then(|| {
        let suggested = if s.amount_due > 0 { s.amount_due } else { s.next_charge };
        Prepayment {
            month: kabinet_app::billing::run::today_for(None, &app.config.display_time_zone)
                .format("%Y-%m")
                .to_string(),
            amount: if suggested > 0 {
                typed_text(ctx.0.lang, suggested, s.account.currency)
            } else {
                String::new()
            },
            unit: c.unit_name(s.account.currency),
        }
    });
    let cashback = kabinet_app::billing::cashback::of_account(app, who, id).await?;
    let cashback_form = cashback_form.unwrap_or_else(|| {
        let suggested = kabinet_app::billing::cashback::suggested_spend(cashback.balance, s.amount_due);
        crate::form::FormState::empty().with_value(
            kabinet_app::billing::cashback::AMOUNT,
            typed_text(ctx.0.lang, suggested, s.account.currency),
        )
    });
    Ok(AccountPage {
        cashback_form: cashback_form.with_value(
            "idempotency_key",
            kabinet_app::access::passwords::random_alphanumeric(24),
        ),
        may_spend_cashback: c.may(kabinet_core::access::Permission::CabinetPay),
        cashback,
        prepayment,
        may_set_delivery: c.may(kabinet_core::access::Permission::CabinetEditContacts),
        delivery: delivery.unwrap_or_else(|| delivery_form(&s.account)),
        delivery_action: format!("/accounts/{id}/delivery"),
        c,
        s,
        entries,
        subscriptions,
        base: format!("/accounts/{id}?"),
        can_post: false,
    })
}

/// The delivery form's fields.
pub(crate) fn delivery_choice(form: &crate::extract::FormData) -> accounts::DeliveryChoice {
    let field = |name: &str| form.all(name).next().unwrap_or_default().to_owned();
    accounts::DeliveryChoice {
        delivery: field("delivery"),
        edo_operator: field("edo_operator"),
        edo_participant_id: field("edo_participant_id"),
    }
}

/// Sets how the account's documents reach the customer.
pub async fn set_delivery(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: crate::extract::FormData,
) -> WebResult<Response> {
    let id = path_id(&id)?;
    match accounts::set_delivery(&app, &ctx.actor()?, ctx.user()?, id, &delivery_choice(&form)).await {
        Ok(_) => Ok(Redirect::to(&format!("/accounts/{id}?ok=delivery-saved")).into_response()),
        Err(e) => {
            let f = crate::form::refused(&form, ctx.0.lang, e)?;
            let page = account_page(&app, &ctx, id, 1, Some(f), None, None).await?;
            Ok(crate::form::with_status(
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                page,
            ))
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SpendForm {
    cashback_amount: String,
    idempotency_key: String,
}

/// `POST /accounts/{id}/cashback`: cashback spent into the balance.
pub async fn spend_cashback(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: crate::extract::FormData,
) -> WebResult<Response> {
    let id = path_id(&id)?;
    let typed: SpendForm = form.typed()?;
    let who = ctx.user()?;
    // Read in the unit the page offered the amount in (its language's).
    let unit = ctx
        .0
        .lang
        .input_unit(accounts::get_visible(&app, who, id).await?.currency);
    let result = kabinet_app::billing::cashback::spend(
        &app,
        &ctx.actor()?,
        who,
        id,
        &typed.cashback_amount,
        unit,
        &typed.idempotency_key,
    )
    .await;
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/accounts/{id}?ok=cashback-spent")).into_response()),
        Err(e) => {
            let f = crate::form::refused(&form, ctx.0.lang, e)?;
            let page = account_page(&app, &ctx, id, 1, None, Some(f), None).await?;
            Ok(crate::form::with_status(
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                page,
            ))
        }
    }
}

#[derive(Deserialize)]
pub struct PageQuery {
    page: Option<crate::paging::PageNumber>,
    ok: Option<String>,
}

pub async fn account(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
) -> WebResult<Response> {
    let id = path_id(&id)?;
    let page = crate::paging::PageNumber::or_first(q.page);
    Ok(account_page(&app, &ctx, id, page, None, None, q.ok.as_deref())
        .await?
        .into_response())
}

pub async fn dismiss_notice(State(app): State<App>, ctx: Ctx, Path(id): Path<String>) -> WebResult<Response> {
    ledger::dismiss_notice(&app, ctx.user()?, path_id(&id)?).await?;
    Ok(Redirect::to("/").into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "topup.html")]
pub struct TopupPage {
    c: Chrome,
    f: crate::form::FormState,
    accounts: Vec<(String, String)>,
    available: bool,
    amount_label: String,
    /// The chosen account's autopay saved a card: the form offers paying with it in one tap.
    card_ready: bool,
}

#[derive(Deserialize)]
pub struct TopupQuery {
    account: Option<i64>,
}

/// The amount a reader types for `minor` units of `currency`, in the page's language:
/// `1500,50` in Russian, `1500.50` in English, whole toman in Persian.
pub fn typed_text(lang: kabinet_app::i18n::Lang, minor: i64, currency: kabinet_core::money::Currency) -> String {
    kabinet_core::money::editable_amount(
        minor,
        lang.input_unit(currency),
        kabinet_core::money::NumberStyle::for_language(lang.code()),
    )
}

async fn topup_page(app: &App, ctx: &Ctx, f: crate::form::FormState) -> WebResult<TopupPage> {
    let who = ctx.user()?;
    let customer_id = who.customer_id.ok_or(kabinet_app::AppError::Forbidden)?;
    let own = accounts::of_customer(app, customer_id).await?;
    let c = Chrome::new(&ctx.0, "/", &app.config.display_time_zone);
    let currency = own
        .iter()
        .find(|a| a.id.to_string() == f.value("account"))
        .or(own.first())
        .map_or(kabinet_core::money::Currency::Rub, |a| a.currency);
    let unit = c.tk(
        "unit-name-",
        match ctx.0.lang.input_unit(currency) {
            kabinet_core::money::DisplayUnit::Rouble => "rouble",
            kabinet_core::money::DisplayUnit::Rial => "rial",
            kabinet_core::money::DisplayUnit::Toman => "toman",
        },
    );
    let chosen = own
        .iter()
        .find(|a| a.id.to_string() == f.value("account"))
        .or(own.first())
        .map(|a| a.id);
    let card_ready = match chosen {
        Some(id) => kabinet_app::billing::cards::saved_for(&app.db.conn, id)
            .await?
            .is_some(),
        None => false,
    };
    // Every showing of the form carries a fresh one-time key; a refused form keeps its own.
    let f = if f.value("request_key").is_empty() {
        f.with_value("request_key", kabinet_app::lines::orders::new_request_key())
    } else {
        f
    };
    Ok(TopupPage {
        card_ready,
        amount_label: format!("{} ({unit})", c.t("field-amount")),
        accounts: own
            .iter()
            .map(|a| (a.id.to_string(), format!("{} · {}", a.number, a.title)))
            .collect(),
        available: app.gateway.is_some(),
        c,
        f,
    })
}

/// The top-up form posts to us and is answered with a redirect to the bank's page on another
/// origin; browsers apply the page's `form-action` to that redirect, so this page allows the
/// bank: any https origin (YooKassa's confirmation pages move between its domains), and the
/// gateway's own address when it is plain http (the demo bank).
pub(crate) fn with_bank_form_action(app: &App, page: impl IntoResponse) -> Response {
    let mut res = page.into_response();
    let mut sources = String::from("'self' https:");
    let base = &app.config.gateway.base_url;
    if let Some(rest) = base.strip_prefix("http://") {
        let host = rest.split('/').next().unwrap_or("");
        if !host.is_empty() && host.bytes().all(|b| b.is_ascii_alphanumeric() || b".:-[]".contains(&b)) {
            sources.push_str(&format!(" http://{host}"));
        }
    }
    let policy = format!(
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action {sources}; base-uri 'none'"
    );
    if let Ok(v) = axum::http::HeaderValue::from_str(&policy) {
        res.headers_mut().insert("content-security-policy", v);
    }
    res
}

/// The top-up form, the amount prefilled with what is due on the chosen account.
pub async fn topup_form(State(app): State<App>, ctx: Ctx, Query(q): Query<TopupQuery>) -> WebResult<Response> {
    let who = ctx.user()?;
    let customer_id = who.customer_id.ok_or(kabinet_app::AppError::Forbidden)?;
    let own = accounts::of_customer(&app, customer_id).await?;
    let chosen = own.iter().find(|a| Some(a.id) == q.account).or(own.first()).cloned();
    let mut f = crate::form::FormState::empty();
    if let Some(a) = chosen {
        f = f.with_value("account", a.id.to_string());
        let s = accounts::summary(&app, a).await?;
        // Nothing due: offer the next charge, so the form is never prefilled with zero.
        let suggested = if s.amount_due > 0 { s.amount_due } else { s.next_charge };
        if suggested > 0 {
            f = f.with_value("amount", typed_text(ctx.0.lang, suggested, s.currency));
        }
    }
    Ok(with_bank_form_action(&app, topup_page(&app, &ctx, f).await?))
}

/// The account a cabinet form names (one `who` may see) and the unit its amounts are typed in.
/// The account a payment form chose, and the unit its amounts are typed in.
async fn chosen_account(
    app: &App,
    ctx: &Ctx,
    typed: &str,
) -> Result<(i64, kabinet_core::money::DisplayUnit), kabinet_app::AppError> {
    let account_id = account_of(typed)?;
    let who = ctx.0.identity.as_ref().ok_or(kabinet_app::AppError::Unauthorized)?;
    Ok((
        account_id,
        accounts::input_unit(app, who, account_id, ctx.0.lang).await?,
    ))
}

/// Starts the payment and sends the customer to the bank's page.
pub async fn topup_submit(State(app): State<App>, ctx: Ctx, form: crate::extract::FormData) -> WebResult<Response> {
    let (who, actor) = (ctx.user()?, ctx.actor()?);
    let typed: TopupForm = form.typed()?;
    let result = async {
        let (account_id, unit) = chosen_account(&app, &ctx, &typed.account).await?;
        let amount = typed.amount(unit)?;
        if typed.pay_with == "saved_card" {
            let paid = kabinet_app::billing::cards::top_up_with_saved_card(
                &app,
                &actor,
                who,
                account_id,
                amount,
                &typed.request_key,
            )
            .await?;
            // Paid: the receipt says so; still pending at the bank: its page says that.
            let flash = if paid.status == PaymentStatus::Succeeded {
                "?ok=payment-succeeded"
            } else {
                ""
            };
            return Ok(format!("/payments/{}/receipt{flash}", paid.id));
        }
        kabinet_app::billing::topup::start(&app, &actor, who, account_id, amount)
            .await
            .map(|(_, url)| url)
    }
    .await;
    match result {
        Ok(url) => Ok(Redirect::to(&url).into_response()),
        Err(kabinet_app::AppError::Refused(
            code @ (ErrorCode::GatewayUnavailable
            | ErrorCode::GatewayRefused
            | ErrorCode::GatewayNotConfigured
            | ErrorCode::GatewayAmountMismatch),
        ))
        | Err(kabinet_app::AppError::Conflict(code @ ErrorCode::NoSavedCard)) => {
            let f = crate::form::FormState::from_data(&form).with_general(ctx.0.lang.t(code.message_key()));
            // The bank could not take it now (try again later), or there is no card to take.
            let status = if code == ErrorCode::NoSavedCard {
                axum::http::StatusCode::CONFLICT
            } else {
                axum::http::StatusCode::SERVICE_UNAVAILABLE
            };
            Ok(with_bank_form_action(
                &app,
                crate::form::with_status(status, topup_page(&app, &ctx, f).await?),
            ))
        }
        Err(e) => {
            let f = crate::form::refused(&form, ctx.0.lang, e)?;
            Ok(with_bank_form_action(
                &app,
                crate::form::with_status(
                    axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                    topup_page(&app, &ctx, f).await?,
                ),
            ))
        }
    }
}

/// Back from the bank's page: settle with the gateway and show the receipt.
pub async fn payment_return(State(app): State<App>, ctx: Ctx, Path(id): Path<String>) -> WebResult<Response> {
    let p = kabinet_app::billing::topup::after_return(&app, ctx.user()?, path_id(&id)?).await?;
    // A renewal's payment leads back to the device it renews.
    if let Some(device) = kabinet_app::assets::renewal::device_of_payment(&app, p.id).await? {
        let flash = match p.status {
            PaymentStatus::Succeeded => "renewal-paid",
            PaymentStatus::Pending => "renewal-pending",
            PaymentStatus::Canceled => "renewal-not-paid",
        };
        return Ok(Redirect::to(&format!("/devices/{device}?ok={flash}#renewal-{device}")).into_response());
    }
    // Only money received has a receipt; a payment not completed says so on its own page.
    Ok(match p.status {
        PaymentStatus::Succeeded => Redirect::to(&format!("/payments/{}/receipt?ok=payment-succeeded", p.id)),
        PaymentStatus::Canceled | PaymentStatus::Pending => Redirect::to(&format!("/payments/{}/receipt", p.id)),
    }
    .into_response())
}

/// A payment the bank has not completed (cancelled at its page, or not confirmed yet): what
/// happened, and a way to try again — never a receipt.
#[derive(Template, WebTemplate)]
#[template(path = "payment_not_completed.html")]
pub struct NotCompletedPage {
    c: Chrome,
    p: Payment,
    a: Account,
}

#[derive(Template, WebTemplate)]
#[template(path = "receipt.html")]
pub struct ReceiptPage {
    c: Chrome,
    p: Payment,
    a: Account,
    provider_name: String,
    provider_phone: String,
    customer_name: String,
}

/// The receipt (квитанция) of one payment, printable.
pub async fn receipt(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<crate::http::OkQuery>,
) -> WebResult<Response> {
    let who = ctx.user()?;
    let (p, a) = kabinet_app::billing::topup::get_visible(&app, who, path_id(&id)?).await?;
    let face_path = if ctx.0.face == crate::guard::FaceOf::Crm {
        "/crm/payments"
    } else {
        "/payments"
    };
    if p.status != PaymentStatus::Succeeded {
        let c = Chrome::new(&ctx.0, face_path, &app.config.display_time_zone);
        return Ok(NotCompletedPage { c, p, a }.into_response());
    }
    let customer_name = match a.customer_id {
        Some(cid) => kabinet_app::customers::get_visible(&app, who, cid)
            .await
            .map(|c| c.name)
            .unwrap_or_default(),
        None => String::new(),
    };
    Ok(ReceiptPage {
        c: Chrome::new(&ctx.0, face_path, &app.config.display_time_zone).with_flash(q.ok.as_deref()),
        provider_name: app.config.provider_name.clone(),
        provider_phone: app.config.provider_phone.clone(),
        customer_name,
        p,
        a,
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "autopay.html")]
pub struct AutopayPage {
    c: Chrome,
    f: crate::form::FormState,
    accounts: Vec<(String, String)>,
    /// Each rule with its account's number and what it does, in words.
    rules: Vec<(AutopayRule, String, String)>,
    modes: Vec<(String, String)>,
    available: bool,
}

async fn autopay_page(app: &App, ctx: &Ctx, f: crate::form::FormState, flash: Option<&str>) -> WebResult<AutopayPage> {
    let who = ctx.user()?;
    let customer_id = who.customer_id.ok_or(kabinet_app::AppError::Forbidden)?;
    let own = accounts::of_customer(app, customer_id).await?;
    let c = Chrome::new(&ctx.0, "/", &app.config.display_time_zone).with_flash(flash);
    let rules = kabinet_app::billing::autopay::of_customer(app, customer_id)
        .await?
        .into_iter()
        .map(|r| {
            let account = own.iter().find(|a| a.id == r.account_id);
            let number = account.map(|a| a.number.clone()).unwrap_or_default();
            let currency = account.map_or(kabinet_core::money::Currency::Rub, |a| a.currency);
            let what = match (r.threshold, r.topup_amount) {
                (Some(y), Some(x)) => c.lang.t_args(
                    "autopay-threshold-rule",
                    &[
                        ("amount", c.money(&x, &currency)),
                        ("threshold", c.money(&y, &currency)),
                    ],
                ),
                _ => c.tk("autopay-mode-", &r.mode),
            };
            (r, number, what)
        })
        .collect();
    Ok(AutopayPage {
        accounts: own
            .iter()
            .map(|a| (a.id.to_string(), format!("{} · {}", a.number, a.title)))
            .collect(),
        modes: kabinet_core::billing::AutopayMode::ALL
            .iter()
            .map(|m| (m.to_string(), c.tk("autopay-mode-", m)))
            .collect(),
        available: app.gateway.is_some(),
        rules,
        c,
        f,
    })
}

pub async fn autopay_form(
    State(app): State<App>,
    ctx: Ctx,
    Query(q): Query<crate::http::OkQuery>,
) -> WebResult<Response> {
    let who = ctx.user()?;
    let customer_id = who.customer_id.ok_or(kabinet_app::AppError::Forbidden)?;
    let mut f = crate::form::FormState::empty().with_value("mode", "threshold");
    if let Some(a) = accounts::of_customer(&app, customer_id).await?.into_iter().next() {
        let s = accounts::summary(&app, a).await?;
        f = f.with_value("account", s.account.id.to_string());
        let first = if s.amount_due > 0 {
            s.amount_due
        } else {
            s.next_charge.max(s.currency.minor_per_major())
        };
        f = f.with_value("first_payment", typed_text(ctx.0.lang, first, s.currency));
        f = f.with_value(
            "topup_amount",
            typed_text(ctx.0.lang, s.next_charge.max(s.currency.minor_per_major()), s.currency),
        );
        f = f.with_value("threshold", "0");
    }
    Ok(with_bank_form_action(
        &app,
        autopay_page(&app, &ctx, f, q.ok.as_deref()).await?,
    ))
}

/// Saves the rule and sends the customer to the bank for the first payment, which saves the card.
pub async fn autopay_submit(State(app): State<App>, ctx: Ctx, form: crate::extract::FormData) -> WebResult<Response> {
    let (who, actor) = (ctx.user()?, ctx.actor()?);
    let typed: AutopayForm = form.typed()?;
    let result = async {
        let (account_id, unit) = chosen_account(&app, &ctx, &typed.account).await?;
        let rule = typed.checked(account_id, unit)?;
        kabinet_app::billing::autopay::set_up(&app, &actor, who, rule).await
    }
    .await;
    match result {
        Ok(url) => Ok(Redirect::to(&url).into_response()),
        Err(e) => {
            let f = crate::form::refused(&form, ctx.0.lang, e)?;
            Ok(with_bank_form_action(
                &app,
                crate::form::with_status(
                    axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                    autopay_page(&app, &ctx, f, None).await?,
                ),
            ))
        }
    }
}

pub async fn autopay_later(State(app): State<App>, ctx: Ctx) -> WebResult<Response> {
    kabinet_app::billing::autopay::decline_offer(&app, ctx.user()?).await?;
    Ok(Redirect::to("/").into_response())
}

pub async fn autopay_cancel(State(app): State<App>, ctx: Ctx, Path(id): Path<String>) -> WebResult<Response> {
    kabinet_app::billing::autopay::cancel(&app, &ctx.actor()?, ctx.user()?, path_id(&id)?).await?;
    Ok(Redirect::to("/autopay?ok=autopay-canceled").into_response())
}
