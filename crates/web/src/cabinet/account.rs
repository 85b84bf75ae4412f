//! What every signed-in user does to their own login: profile, contact phone, password,
//! sessions and login history. The back office reuses these pages under `/crm`.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kabinet_app::App;
use kabinet_app::access::views::{LoginAttempt, Session, User};
use kabinet_app::access::{history, sessions, users};

use crate::error::WebResult;
use crate::extract::{Ctx, FormData, QueryParams as Query};
use crate::form::{FormState, field_errors, refused, with_status};
use crate::guard::FaceOf;
use crate::pages::Chrome;

use crate::http::OkQuery;

fn prefix(ctx: &Ctx) -> &'static str {
    if ctx.0.face == FaceOf::Crm { "/crm" } else { "" }
}

#[derive(Template, WebTemplate)]
#[template(path = "profile.html")]
pub struct ProfilePage {
    c: Chrome,
    me: User,
    f: FormState,
    can_edit_phone: bool,
    prefix: &'static str,
    /// The ways one may choose to be told (WhatsApp only when it is configured).
    contact_channels: Vec<(String, String)>,
    /// A new mobile number waiting for the code sent to it.
    confirming_phone: Option<String>,
    /// The customer's contract and address, for a customer's login.
    contract: Option<ContractFacts>,
}

/// What the settings show of the contract a customer's login belongs to.
pub struct ContractFacts {
    number: String,
    name: String,
    address: String,
}

async fn contract_facts(app: &App, ctx: &Ctx) -> WebResult<Option<ContractFacts>> {
    let who = ctx.user()?;
    let Some(customer_id) = who.customer_id.filter(|_| ctx.0.face != FaceOf::Crm) else {
        return Ok(None);
    };
    let customer = kabinet_app::customers::get_visible(app, who, customer_id).await?;
    let address = [customer.city.as_deref(), customer.address.as_deref()]
        .into_iter()
        .flatten()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(", ");
    Ok(Some(ContractFacts {
        number: customer.contract_number,
        name: customer.name,
        address,
    }))
}

#[derive(serde::Deserialize)]
pub struct ProfileQuery {
    ok: Option<String>,
    /// The new mobile number a code was just sent to.
    confirm_phone: Option<String>,
}

fn contact_channels(app: &App, c: &Chrome) -> Vec<(String, String)> {
    use kabinet_core::notify::ContactChannel;
    std::iter::once((String::new(), c.t("contact-channel-default")))
        .chain(
            ContactChannel::ALL
                .iter()
                .filter(|ch| **ch != ContactChannel::Whatsapp || app.channels.offers_whatsapp())
                .map(|ch| (ch.as_str().to_owned(), c.tk("channel-", ch))),
        )
        .collect()
}

fn may_edit_phones(ctx: &Ctx) -> bool {
    ctx.0.identity.as_ref().is_some_and(|who| {
        kabinet_core::access::allows(Some(who.role), kabinet_core::access::Permission::CabinetEditContacts)
    })
}

/// The profile page with the form state `f`, the code form open for `confirming_phone`.
async fn profile_page(
    app: &App,
    ctx: &Ctx,
    me: User,
    f: FormState,
    confirming_phone: Option<String>,
    flash: Option<&str>,
) -> WebResult<ProfilePage> {
    let path = format!("{}/profile", prefix(ctx));
    let c = Chrome::new(&ctx.0, &path, &app.config.display_time_zone).with_flash(flash);
    Ok(ProfilePage {
        contact_channels: contact_channels(app, &c),
        contract: contract_facts(app, ctx).await?,
        c,
        me,
        f,
        can_edit_phone: may_edit_phones(ctx),
        prefix: prefix(ctx),
        confirming_phone,
    })
}

pub async fn profile(State(app): State<App>, ctx: Ctx, Query(q): Query<ProfileQuery>) -> WebResult<Response> {
    let me = users::get(&app, ctx.user()?.user_id).await?;
    let confirming_phone = q
        .confirm_phone
        .filter(|p| may_edit_phones(&ctx) && kabinet_core::phone::Phone::parse(p).is_ok_and(|n| n.as_str() == p));
    let f = FormState::empty()
        .with_value(
            "phone",
            confirming_phone.clone().or(me.phone.clone()).unwrap_or_default(),
        )
        .with_value("landline_phone", me.landline_phone.clone().unwrap_or_default())
        .with_value("time_zone", me.time_zone.clone().unwrap_or_default())
        .with_value("calendar", me.calendar.map(|c| c.as_str()).unwrap_or_default())
        .with_value(
            "contact_channel",
            me.contact_channel.map(|c| c.as_str()).unwrap_or_default(),
        );
    Ok(profile_page(&app, &ctx, me, f, confirming_phone, q.ok.as_deref())
        .await?
        .into_response())
}

/// A reading or contact setting of one's own, each with its own form on the profile page.
enum Setting {
    TimeZone,
    Calendar,
    ContactChannel,
}

/// Saves one setting from its form; refused, the profile again with the error beside it.
async fn save_setting(app: &App, ctx: &Ctx, form: &FormData, setting: Setting) -> WebResult<Response> {
    let (who, actor) = (ctx.user()?, ctx.actor()?);
    let (field, flash) = match setting {
        Setting::TimeZone => ("time_zone", "time-zone-saved"),
        Setting::Calendar => ("calendar", "calendar-saved"),
        Setting::ContactChannel => ("contact_channel", "contact-channel-saved"),
    };
    let typed = form.required(field)?;
    let saved = match setting {
        Setting::TimeZone => users::set_own_time_zone(app, who, &actor, typed).await,
        Setting::Calendar => users::set_own_calendar(app, who, &actor, typed).await,
        Setting::ContactChannel => users::set_own_contact_channel(app, who, &actor, typed).await,
    };
    match saved {
        Ok(_) => Ok(Redirect::to(&format!("{}/profile?ok={flash}", prefix(ctx))).into_response()),
        Err(e) => profile_refused(app, ctx, form, e).await,
    }
}

/// `POST /profile/time-zone` and `/crm/profile/time-zone`: the zone the reader's times are
/// shown in.
pub async fn time_zone_submit(State(app): State<App>, ctx: Ctx, form: FormData) -> WebResult<Response> {
    save_setting(&app, &ctx, &form, Setting::TimeZone).await
}

/// `POST /profile/calendar` and `/crm/profile/calendar`: the calendar the reader's dates are
/// written in; blank returns to the language's.
pub async fn calendar_submit(State(app): State<App>, ctx: Ctx, form: FormData) -> WebResult<Response> {
    save_setting(&app, &ctx, &form, Setting::Calendar).await
}

/// `POST /profile/contact-channel` and `/crm/profile/contact-channel`: how the reader prefers
/// to be told about their account (SMS, WhatsApp, e-mail).
pub async fn contact_channel_submit(State(app): State<App>, ctx: Ctx, form: FormData) -> WebResult<Response> {
    save_setting(&app, &ctx, &form, Setting::ContactChannel).await
}

/// The profile page again with a setting's form refused beside its field.
async fn profile_refused(app: &App, ctx: &Ctx, form: &FormData, e: kabinet_app::AppError) -> WebResult<Response> {
    let errors = field_errors(e)?;
    let me = users::get(app, ctx.user()?.user_id).await?;
    // A refused code keeps its form open for the number it was sent to.
    let confirming_phone = form
        .required("code")
        .is_ok()
        .then(|| form.required("phone").unwrap_or_default().to_owned());
    let f = FormState::from_data(form).with_errors(ctx.0.lang, &errors);
    Ok(with_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        profile_page(app, ctx, me, f, confirming_phone, None).await?,
    ))
}

/// `POST /profile/phone`: a new mobile number gets a code by SMS (the page then asks for it);
/// a cleared one is saved at once.
pub async fn phone_submit(State(app): State<App>, ctx: Ctx, form: FormData) -> WebResult<Response> {
    let who = ctx.user()?;
    let phone = form.required("phone")?;
    match users::ask_own_phone_change(&app, who, &ctx.actor()?, phone).await {
        Ok(users::PhoneChange::Saved(_)) => Ok(Redirect::to("/profile?ok=phone-saved").into_response()),
        Ok(users::PhoneChange::CodeSent { phone }) => {
            let encoded: String = form_urlencoded::byte_serialize(phone.as_bytes()).collect();
            Ok(Redirect::to(&format!("/profile?confirm_phone={encoded}#phone-confirm-form")).into_response())
        }
        Err(e) => profile_refused(&app, &ctx, &form, e).await,
    }
}

/// `POST /profile/phone/confirm`: the code sent to the new mobile number; right, the number
/// is saved.
pub async fn phone_confirm(State(app): State<App>, ctx: Ctx, form: FormData) -> WebResult<Response> {
    let who = ctx.user()?;
    let (phone, code) = (form.required("phone")?, form.required("code")?);
    match users::confirm_own_phone(&app, who, &ctx.actor()?, phone, code).await {
        Ok(_) => Ok(Redirect::to("/profile?ok=phone-saved").into_response()),
        Err(e) => profile_refused(&app, &ctx, &form, e).await,
    }
}

/// `POST /profile/landline`: the landline number from the contract.
pub async fn landline_submit(State(app): State<App>, ctx: Ctx, form: FormData) -> WebResult<Response> {
    let who = ctx.user()?;
    let phone = form.required("landline_phone")?;
    match users::update_own_landline(&app, who, &ctx.actor()?, phone).await {
        Ok(_) => Ok(Redirect::to("/profile?ok=landline-saved").into_response()),
        Err(e) => profile_refused(&app, &ctx, &form, e).await,
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "password.html")]
pub struct PasswordPage {
    c: Chrome,
    f: FormState,
    forced: bool,
    action: String,
    /// The consent to processing asked at the first sign-in (PRV-2), when the person has not
    /// agreed to the text in force.
    consent: Option<crate::privacy::AskedConsent>,
}

/// The processing consent asked on the first sign-in's password page: only when the change
/// is forced (the first sign-in) and the person has not agreed to the text in force.
async fn consent_to_ask(app: &App, ctx: &Ctx) -> WebResult<Option<crate::privacy::AskedConsent>> {
    let who = ctx.user()?;
    if !who.must_change_password {
        return Ok(None);
    }
    crate::privacy::to_ask(app, who).await
}

pub async fn password_form(State(app): State<App>, ctx: Ctx) -> WebResult<Response> {
    let who = ctx.user()?;
    let action = format!("{}/password", prefix(&ctx));
    Ok(PasswordPage {
        c: Chrome::new(&ctx.0, &action, &app.config.display_time_zone),
        f: FormState::empty(),
        forced: who.must_change_password,
        consent: consent_to_ask(&app, &ctx).await?,
        action,
    }
    .into_response())
}

pub async fn password_submit(State(app): State<App>, ctx: Ctx, form: FormData) -> WebResult<Response> {
    use kabinet_core::privacy::{ConsentChannel, ConsentKind};
    let who = ctx.user()?;
    let typed: PasswordForm = form.typed()?;
    let consent = consent_to_ask(&app, &ctx).await?;
    let action = format!("{}/password", prefix(&ctx));
    let page = |f: FormState, consent| {
        with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            PasswordPage {
                c: Chrome::new(&ctx.0, &action, &app.config.display_time_zone),
                f,
                forced: who.must_change_password,
                action: action.clone(),
                consent,
            },
        )
    };
    // The consent asked is needed before anything changes: the password stays as it was.
    if consent.is_some() && typed.consent_processing.is_empty() {
        let e = kabinet_app::FieldErrors::single("consent_processing", "consent-required");
        return Ok(page(refused(&form, ctx.0.lang, e)?, consent));
    }
    let result = users::change_own_password(
        &app,
        who,
        &ctx.actor()?,
        &typed.current_password,
        &typed.new_password,
        &typed.confirm_password,
    )
    .await;
    let home = if ctx.0.face == FaceOf::Crm { "/crm" } else { "/" };
    match result {
        Ok(()) => {
            if consent.is_some() {
                kabinet_app::privacy::consents::give(
                    &app,
                    &ctx.actor()?,
                    who,
                    &[ConsentKind::Processing],
                    ConsentChannel::FirstLogin,
                )
                .await?;
            }
            Ok(Redirect::to(&format!("{home}?ok=password-changed")).into_response())
        }
        Err(e) => Ok(page(refused(&form, ctx.0.lang, e)?, consent)),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "sessions.html")]
pub struct SessionsPage {
    c: Chrome,
    sessions: Vec<Session>,
    current: String,
    prefix: &'static str,
}

pub async fn sessions(State(app): State<App>, ctx: Ctx, Query(q): Query<OkQuery>) -> WebResult<Response> {
    let who = ctx.user()?;
    let list = sessions::list(&app, who.user_id).await?;
    let path = format!("{}/sessions", prefix(&ctx));
    Ok(SessionsPage {
        c: Chrome::new(&ctx.0, &path, &app.config.display_time_zone).with_flash(q.ok.as_deref()),
        sessions: list,
        current: who.session_id.clone().unwrap_or_default(),
        prefix: prefix(&ctx),
    }
    .into_response())
}

pub async fn logout_others(State(app): State<App>, ctx: Ctx) -> WebResult<Response> {
    sessions::end_own_others(&app, ctx.user()?, &ctx.actor()?).await?;
    Ok(Redirect::to(&format!("{}/sessions?ok=others-logged-out", prefix(&ctx))).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "login_history.html")]
pub struct HistoryPage {
    pub c: Chrome,
    pub subject: Option<User>,
    pub attempts: Vec<LoginAttempt>,
    pub active_days: usize,
    pub total: u64,
    pub page: u64,
    pub pages: u64,
    /// The period's fields, with what is wrong with them.
    pub dates: FormState,
    pub base: String,
}

pub async fn history_page(
    app: &App,
    ctx: &Ctx,
    user_id: i64,
    subject: Option<User>,
    q: &OkQuery,
    path: &str,
) -> WebResult<Response> {
    let days = crate::day_range::DayRange::read(q.from.as_deref(), q.to.as_deref());
    let (from, to) = days.instants(&app.config.display_time_zone);
    let page = crate::paging::PageNumber::or_first(q.page);
    // A day that does not exist is said next to its field, and nothing is listed for it.
    let h = if days.is_valid() {
        history::for_user(app, user_id, from, to, page, 50).await?
    } else {
        history::History::empty(page, 50)
    };
    let pages = h.page.pages();
    let from_s = q.from.clone().unwrap_or_default();
    let to_s = q.to.clone().unwrap_or_default();
    let enc = |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let base = format!("{path}?from={}&to={}&", enc(&from_s), enc(&to_s));
    let dates = FormState::empty()
        .with_value("from", from_s)
        .with_value("to", to_s)
        .with_errors(ctx.0.lang, &days.errors);
    Ok(HistoryPage {
        c: Chrome::new(&ctx.0, path, &app.config.display_time_zone),
        subject,
        attempts: h.page.items,
        active_days: h.active_days,
        total: h.page.total,
        page: h.page.page,
        pages,
        dates,
        base,
    }
    .into_response())
}

pub async fn login_history(State(app): State<App>, ctx: Ctx, Query(q): Query<OkQuery>) -> WebResult<Response> {
    let who = ctx.user()?.clone();
    history_page(&app, &ctx, who.user_id, None, &q, "/login-history").await
}

/// Changing one's own password: the current one, the new one twice.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
struct PasswordForm {
    current_password: String,
    new_password: String,
    confirm_password: String,
    /// "on" when the consent to processing asked on the first sign-in is ticked.
    consent_processing: String,
}
