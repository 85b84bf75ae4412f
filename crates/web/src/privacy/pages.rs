//! The pages of personal-data consent.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kabinet_app::privacy::consents::{self, ConsentRecord, PersonConsent};
use kabinet_app::privacy::erasure::{self, ErasurePreview};
use kabinet_app::privacy::subject_export;
use kabinet_app::privacy::texts::{self, ConsentText, NewText};
use kabinet_app::{App, AppError};
use kabinet_core::access::Permission;
use kabinet_core::privacy::{ConsentChannel, ConsentKind, Standing};

use crate::error::WebResult;
use crate::extract::{Ctx, FormData, QueryParams as Query};
use crate::form::{FormState, field_errors, with_status};
use crate::http::OkQuery;
use crate::pages::Chrome;

/// One kind of consent on the person's page: where they stand and the text in force.
pub struct OwnConsent {
    pub consent: PersonConsent,
    pub text: Option<ConsentText>,
    /// The text as safe HTML.
    pub html: String,
}

impl OwnConsent {
    pub fn kind(&self) -> &'static str {
        self.consent.kind.as_str()
    }
    pub fn is_given(&self) -> bool {
        matches!(self.consent.standing, Standing::Given { .. })
    }
    pub fn is_withdrawn(&self) -> bool {
        self.consent.standing == Standing::Withdrawn
    }
    /// Withdrawing this one needs staff to act (the page says what follows).
    pub fn withdrawal_needs_staff(&self) -> bool {
        kabinet_core::privacy::withdrawal_needs_staff(self.consent.kind)
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "privacy.html")]
pub struct OwnPage {
    c: Chrome,
    consents: Vec<OwnConsent>,
    /// The person's recent exports of their own data.
    exports: Vec<kabinet_app::exports::views::ExportJob>,
    f: FormState,
}

async fn own_page(app: &App, ctx: &Ctx, f: FormState, flash: Option<&str>) -> WebResult<OwnPage> {
    let who = ctx.user()?;
    let c = Chrome::new(&ctx.0, "/privacy", &app.config.display_time_zone).with_flash(flash);
    let mut out = Vec::new();
    for consent in consents::own(app, who).await? {
        let text = texts::current(app, consent.kind).await?;
        let html = text
            .as_ref()
            .map(|t| crate::support::markdown::to_html(&t.body))
            .unwrap_or_default();
        out.push(OwnConsent { consent, text, html });
    }
    let exports = subject_export::recent(app, who).await?;
    Ok(OwnPage {
        c,
        consents: out,
        exports,
        f,
    })
}

/// `GET /privacy`.
pub async fn own(State(app): State<App>, ctx: Ctx, Query(q): Query<OkQuery>) -> WebResult<Response> {
    Ok(own_page(&app, &ctx, FormState::empty(), q.ok.as_deref())
        .await?
        .into_response())
}

/// The person's choice: give or withdraw one kind.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
struct ChoiceForm {
    kind: String,
    action: String,
}

/// `POST /privacy`: gives or withdraws one kind; a refusal is said on the page.
pub async fn own_submit(State(app): State<App>, ctx: Ctx, form: FormData) -> WebResult<Response> {
    let typed: ChoiceForm = form.typed()?;
    let who = ctx.user()?;
    let actor = ctx.actor()?;
    let kind: ConsentKind = typed
        .kind
        .parse()
        .map_err(|_| AppError::Refused(kabinet_core::ErrorCode::BadRequest))?;
    let result = match typed.action.as_str() {
        "give" => consents::give(&app, &actor, who, &[kind], ConsentChannel::Cabinet)
            .await
            .map(|()| "consent-given"),
        "withdraw" => consents::withdraw_own(&app, &actor, who, kind, ConsentChannel::Cabinet)
            .await
            .map(|()| "consent-withdrawn"),
        _ => return Err(AppError::Refused(kabinet_core::ErrorCode::BadRequest).into()),
    };
    match result {
        Ok(flash) => Ok(Redirect::to(&format!("/privacy?ok={flash}")).into_response()),
        Err(AppError::Conflict(code)) => {
            let f = FormState::empty().with_general(ctx.0.lang.t(code.message_key()));
            let page = own_page(&app, &ctx, f, None).await?;
            Ok(with_status(StatusCode::CONFLICT, page))
        }
        Err(e) => Err(e.into()),
    }
}

/// One kind's texts in the back office.
pub struct KindTexts {
    pub kind: ConsentKind,
    /// Newest first; the first is in force.
    pub versions: Vec<ConsentText>,
}

#[derive(Template, WebTemplate)]
#[template(path = "crm_privacy.html")]
pub struct CrmTextsPage {
    c: Chrome,
    kinds: Vec<KindTexts>,
    kind_options: Vec<(String, String)>,
    f: FormState,
    can_publish: bool,
}

async fn crm_page(app: &App, ctx: &Ctx, f: FormState, flash: Option<&str>) -> WebResult<CrmTextsPage> {
    let who = ctx.user()?;
    let c = Chrome::new(&ctx.0, "/crm/privacy", &app.config.display_time_zone).with_flash(flash);
    let mut kinds = Vec::new();
    for kind in ConsentKind::ALL {
        kinds.push(KindTexts {
            kind: *kind,
            versions: texts::versions(app, who, *kind).await?,
        });
    }
    Ok(CrmTextsPage {
        can_publish: c.may(Permission::ContentManage),
        kind_options: ConsentKind::ALL
            .iter()
            .map(|k| (k.as_str().to_owned(), c.tk("consent-kind-", k.as_str())))
            .collect(),
        kinds,
        f,
        c,
    })
}

/// `GET /crm/privacy`: each kind's versions; the form starts from the processing text in force.
pub async fn crm_texts(State(app): State<App>, ctx: Ctx, Query(q): Query<OkQuery>) -> WebResult<Response> {
    let mut page = crm_page(&app, &ctx, FormState::empty(), q.ok.as_deref()).await?;
    let mut f = FormState::empty().with_value("kind", ConsentKind::Processing.as_str());
    if let Some(latest) = page.kinds.first().and_then(|k| k.versions.first()) {
        f = f
            .with_value("title", latest.title.clone())
            .with_value("body", latest.body.clone());
    }
    page.f = f;
    Ok(page.into_response())
}

/// `POST /crm/privacy`: publishes the next version of a kind's text.
pub async fn publish(State(app): State<App>, ctx: Ctx, form: FormData) -> WebResult<Response> {
    let typed: NewText = form.typed()?;
    match texts::publish(&app, &ctx.actor()?, ctx.user()?, &typed).await {
        Ok(_) => Ok(Redirect::to("/crm/privacy?ok=consent-text-published").into_response()),
        Err(e @ AppError::Validation(_)) => {
            let f = FormState::from_data(&form).with_errors(ctx.0.lang, &field_errors(e)?);
            let page = crm_page(&app, &ctx, f, None).await?;
            Ok(with_status(StatusCode::UNPROCESSABLE_ENTITY, page))
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /privacy/export`: starts making the person's own data and shows its progress.
pub async fn export_own(State(app): State<App>, ctx: Ctx) -> WebResult<Response> {
    let job = subject_export::start(&app, &ctx.actor()?, ctx.user()?).await?;
    Ok(Redirect::to(&format!("/exports/{}", job.token)).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "crm_erasure.html")]
pub struct ErasurePage {
    c: Chrome,
    p: ErasurePreview,
    f: FormState,
}

impl ErasurePage {
    fn effect(&self, g: &erasure::RecordGroup) -> String {
        self.c.tk("erasure-effect-", g.effect.as_str())
    }
}

async fn erasure_page(app: &App, ctx: &Ctx, user_id: i64, f: FormState, flash: Option<&str>) -> WebResult<ErasurePage> {
    let p = erasure::preview(app, ctx.user()?, user_id).await?;
    let c = Chrome::new(&ctx.0, "/crm/customers", &app.config.display_time_zone).with_flash(flash);
    Ok(ErasurePage { c, p, f })
}

/// `GET /crm/users/{id}/erasure`: what erasing the person would change, and the form to do it.
pub async fn erasure(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<OkQuery>,
) -> WebResult<Response> {
    Ok(
        erasure_page(&app, &ctx, user_id(&id)?, FormState::empty(), q.ok.as_deref())
            .await?
            .into_response(),
    )
}

/// The login typed again to confirm.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
struct ErasureForm {
    confirm: String,
}

/// `POST /crm/users/{id}/erasure`: erases for good.
pub async fn erase(State(app): State<App>, ctx: Ctx, Path(id): Path<String>, form: FormData) -> WebResult<Response> {
    let id = user_id(&id)?;
    let typed: ErasureForm = form.typed()?;
    match erasure::erase(&app, &ctx.actor()?, ctx.user()?, id, &typed.confirm).await {
        Ok(_) => Ok(Redirect::to(&format!("/crm/users/{id}/erasure?ok=personal-data-erased")).into_response()),
        Err(e @ AppError::Validation(_)) => {
            let f = FormState::from_data(&form).with_errors(ctx.0.lang, &field_errors(e)?);
            let page = erasure_page(&app, &ctx, id, f, None).await?;
            Ok(with_status(StatusCode::UNPROCESSABLE_ENTITY, page))
        }
        Err(AppError::Conflict(code)) => {
            let f = FormState::empty().with_general(ctx.0.lang.t(code.message_key()));
            let page = erasure_page(&app, &ctx, id, f, None).await?;
            Ok(with_status(StatusCode::CONFLICT, page))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "crm_consents.html")]
pub struct PersonPage {
    c: Chrome,
    user: kabinet_app::access::views::User,
    consents: Vec<PersonConsent>,
    records: Vec<ConsentRecord>,
    kind_options: Vec<(String, String)>,
    f: FormState,
    can_record: bool,
    can_erase: bool,
}

impl PersonPage {
    fn standing(&self, c: &PersonConsent) -> String {
        standing_words(&self.c, c)
    }
}

/// "Given (version 2)", "Withdrawn", "Not given".
fn standing_words(c: &Chrome, consent: &PersonConsent) -> String {
    match consent.standing {
        Standing::Given { version } => format!("{} ({} {version})", c.t("consent-given-state"), c.t("rules-version")),
        Standing::Withdrawn => c.t("consent-withdrawn-state"),
        Standing::Never => c.t("consent-never-state"),
    }
}

impl OwnPage {
    fn standing(&self, c: &OwnConsent) -> String {
        standing_words(&self.c, &c.consent)
    }
}

async fn person_page(app: &App, ctx: &Ctx, user_id: i64, f: FormState, flash: Option<&str>) -> WebResult<PersonPage> {
    let who = ctx.user()?;
    let (consents, records) = consents::history(app, who, user_id).await?;
    let user = kabinet_app::access::users::get(app, user_id).await?;
    let c = Chrome::new(&ctx.0, "/crm/customers", &app.config.display_time_zone).with_flash(flash);
    Ok(PersonPage {
        can_record: c.may(Permission::CustomerUsersManage),
        can_erase: c.may(Permission::PersonalDataErase),
        kind_options: consents
            .iter()
            .filter(|k| k.standing.may_withdraw())
            .map(|k| (k.kind.as_str().to_owned(), c.tk("consent-kind-", k.kind.as_str())))
            .collect(),
        user,
        consents,
        records,
        f,
        c,
    })
}

fn user_id(raw: &str) -> Result<i64, AppError> {
    raw.parse().map_err(|_| AppError::NotFound)
}

/// `GET /crm/users/{id}/consents`.
pub async fn person(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<OkQuery>,
) -> WebResult<Response> {
    Ok(
        person_page(&app, &ctx, user_id(&id)?, FormState::empty(), q.ok.as_deref())
            .await?
            .into_response(),
    )
}

/// A withdrawal received in writing.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
struct WithdrawalForm {
    kind: String,
    note: String,
}

/// `POST /crm/users/{id}/consents`: staff record a written withdrawal.
pub async fn record_withdrawal(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> WebResult<Response> {
    let id = user_id(&id)?;
    let typed: WithdrawalForm = form.typed()?;
    match consents::withdraw_for(&app, &ctx.actor()?, ctx.user()?, id, &typed.kind, &typed.note).await {
        Ok(()) => Ok(Redirect::to(&format!("/crm/users/{id}/consents?ok=consent-withdrawn")).into_response()),
        Err(e @ AppError::Validation(_)) => {
            let f = FormState::from_data(&form).with_errors(ctx.0.lang, &field_errors(e)?);
            let page = person_page(&app, &ctx, id, f, None).await?;
            Ok(with_status(StatusCode::UNPROCESSABLE_ENTITY, page))
        }
        Err(AppError::Conflict(code)) => {
            let f = FormState::from_data(&form).with_general(ctx.0.lang.t(code.message_key()));
            let page = person_page(&app, &ctx, id, f, None).await?;
            Ok(with_status(StatusCode::CONFLICT, page))
        }
        Err(e) => Err(e.into()),
    }
}
