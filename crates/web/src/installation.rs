//! A device's installation confirmation on the web (AST-3): the panel on the device's page
//! (staff open it; the buyer ticks the checklist, asks for a code and signs), the certificate
//! PDF for both, and the public page its QR code opens, which says whether the record is
//! intact.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kabinet_app::App;
use kabinet_app::assets::installation::{self, Confirmation, VerifiedRecord};
use serde::Deserialize;

use crate::error::WebResult;
use crate::extract::{Ctx, FormData, QueryParams as Query};
use crate::form::{FormState, refused, with_status};
use crate::http::path_id;
use crate::pages::Chrome;

/// What a device's page shows of its installation.
pub struct InstallationPanel {
    pub inst: Option<Confirmation>,
    /// The checklist: the confirmation's, else the one its type would open with.
    pub items: Vec<String>,
    /// Where the certificate downloads from (the page's own face).
    pub cert: String,
    /// The public check of the signed record.
    pub verify: String,
    /// The panel's form as typed, with its errors.
    pub form: FormState,
}

impl InstallationPanel {
    pub fn state(&self) -> InstallationState {
        match &self.inst {
            None => InstallationState::None,
            Some(i) if i.is_signed() => InstallationState::Signed,
            Some(_) => InstallationState::Waiting,
        }
    }
}

/// Where a device's installation confirmation stands: none opened, waiting for the
/// customer's code, or signed (its text is the panel's `data-state`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InstallationState {
    None,
    Waiting,
    Signed,
}

impl std::fmt::Display for InstallationState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            InstallationState::None => "none",
            InstallationState::Waiting => "waiting",
            InstallationState::Signed => "signed",
        })
    }
}

/// The panel of device `id`, its certificate under `base` (`/devices/{id}` or
/// `/crm/devices/{id}`).
pub async fn panel(app: &App, ctx: &Ctx, id: i64, base: &str, form: FormState) -> WebResult<InstallationPanel> {
    let (inst, items) = installation::state(app, ctx.user()?, id).await?;
    let verify = inst.as_ref().and_then(|i| i.verify_link("")).unwrap_or_default();
    Ok(InstallationPanel {
        inst,
        items,
        cert: format!("{base}/installation.pdf"),
        verify,
        form,
    })
}

/// The staff form that opens a confirmation.
#[derive(Deserialize, Default)]
#[serde(default)]
struct OpenForm {
    installed_on: String,
}

/// The buyer's signing form.
#[derive(Deserialize, Default)]
#[serde(default)]
struct SignForm {
    all_done: String,
    code: String,
}

/// `POST /crm/devices/{id}/installation`: staff open the confirmation (or move its day while
/// it waits).
pub async fn open(State(app): State<App>, ctx: Ctx, Path(id): Path<String>, form: FormData) -> WebResult<Response> {
    let id = path_id(&id)?;
    let typed = form.typed::<OpenForm>()?;
    match installation::open(&app, &ctx.actor()?, ctx.user()?, id, &typed.installed_on).await {
        Ok(_) => Ok(Redirect::to(&format!("/crm/devices/{id}?ok=installation-opened#installation")).into_response()),
        Err(e) => {
            let again = refused(&form, ctx.0.lang, e)?;
            let page = crate::backoffice::devices::device_page(&app, &ctx, id, None, FormState::empty(), again).await?;
            Ok(with_status(StatusCode::UNPROCESSABLE_ENTITY, page))
        }
    }
}

/// `POST /devices/{id}/installation/code`: the buyer asks for the code to sign with.
pub async fn send_code(State(app): State<App>, ctx: Ctx, Path(id): Path<String>) -> WebResult<Response> {
    let id = path_id(&id)?;
    installation::send_code(&app, ctx.user()?, id).await?;
    Ok(Redirect::to(&format!("/devices/{id}?ok=installation-code-sent#installation")).into_response())
}

/// `POST /devices/{id}/installation/sign`: every item ticked done and the code.
pub async fn sign(State(app): State<App>, ctx: Ctx, Path(id): Path<String>, form: FormData) -> WebResult<Response> {
    let id = path_id(&id)?;
    let typed = form.typed::<SignForm>()?;
    let signed = installation::sign(
        &app,
        &ctx.actor()?,
        ctx.user()?,
        id,
        crate::form::ticked(&typed.all_done),
        &typed.code,
        &ctx.0.client.ip,
    )
    .await;
    match signed {
        Ok(_) => Ok(Redirect::to(&format!("/devices/{id}?ok=installation-signed#installation")).into_response()),
        Err(e) => {
            let forms = crate::cabinet::devices::DeviceForms {
                installation: refused(&form, ctx.0.lang, e)?,
                ..Default::default()
            };
            crate::cabinet::devices::refused_page(&app, &ctx, id, forms, StatusCode::UNPROCESSABLE_ENTITY).await
        }
    }
}

/// `GET /devices/{id}/installation.pdf` and `GET /crm/devices/{id}/installation.pdf`: the
/// certificate of a signed confirmation, in the reader's language.
pub async fn certificate(State(app): State<App>, ctx: Ctx, Path(id): Path<String>) -> WebResult<Response> {
    let (name, bytes) = installation::certificate(&app, ctx.user()?, path_id(&id)?, ctx.0.lang).await?;
    let mut res = bytes.clone().into_response();
    crate::documents::attachment_headers(res.headers_mut(), &name, "application/pdf", bytes.len() as u64);
    Ok(res)
}

#[derive(Deserialize, Default)]
pub struct VerifyQuery {
    h: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "verify.html")]
pub struct VerifyPage {
    c: Chrome,
    record: Option<VerifiedRecord>,
}

/// `GET /verify/{id}?h=…`: anyone holding a certificate checks it; no personal data is shown.
pub async fn verify(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<VerifyQuery>,
) -> WebResult<Response> {
    // An id that is not a number names no record; the page says so rather than failing.
    let record = match id.trim().parse::<i64>() {
        Ok(id) => installation::verify(&app, id, q.h.as_deref().unwrap_or_default()).await?,
        Err(_) => None,
    };
    let status = if record.is_some() {
        StatusCode::OK
    } else {
        StatusCode::NOT_FOUND
    };
    let page = VerifyPage {
        c: Chrome::new(&ctx.0, "/verify", &app.config.display_time_zone),
        record,
    };
    Ok(with_status(status, page))
}
