//! Personal API tokens in the browser: list, create (shown once), revoke. The back office
//! reuses these pages under `/crm`.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kabinet_app::App;
use kabinet_app::access::tokens;
use kabinet_app::access::views::ApiToken;

use crate::error::{WebError, WebResult};
use crate::extract::{Ctx, FormData, QueryParams as Query};
use crate::form::{FormState, refused, with_status};
use crate::guard::FaceOf;
use crate::http::OkQuery;
use crate::http::no_store;
use crate::pages::Chrome;

#[derive(Template, WebTemplate)]
#[template(path = "tokens.html")]
pub struct TokensPage {
    c: Chrome,
    tokens: Vec<ApiToken>,
    f: FormState,
    secret: Option<String>,
    prefix: &'static str,
}

fn prefix(ctx: &Ctx) -> &'static str {
    if ctx.0.face == FaceOf::Crm { "/crm" } else { "" }
}

async fn page(
    app: &App,
    ctx: &Ctx,
    f: FormState,
    secret: Option<String>,
    flash: Option<&str>,
) -> WebResult<TokensPage> {
    let who = ctx.user()?;
    let list = tokens::list(app, who.user_id).await?;
    let path = format!("{}/tokens", prefix(ctx));
    Ok(TokensPage {
        c: Chrome::new(&ctx.0, &path, &app.config.display_time_zone).with_flash(flash),
        tokens: list,
        f,
        secret,
        prefix: prefix(ctx),
    })
}

pub async fn list(State(app): State<App>, ctx: Ctx, Query(q): Query<OkQuery>) -> WebResult<Response> {
    let f = FormState::empty().with_value("expires_in_days", "90");
    Ok(page(&app, &ctx, f, None, q.ok.as_deref()).await?.into_response())
}

pub async fn create(State(app): State<App>, ctx: Ctx, form: FormData) -> WebResult<Response> {
    let typed: TokenForm = form.typed()?;
    let result = match typed.days() {
        Ok(days) => tokens::create(&app, ctx.user()?, &ctx.actor()?, &typed.name, days).await,
        // The name's problem too, so that one submit shows both.
        Err(mut errors) => {
            tokens::checked_name(&typed.name, &mut errors);
            Err(kabinet_app::AppError::Validation(errors))
        }
    };
    match result {
        Ok(made) => Ok(no_store(
            page(
                &app,
                &ctx,
                FormState::empty().with_value("expires_in_days", "90"),
                Some(made.secret),
                Some("token-created"),
            )
            .await?
            .into_response(),
        )),
        Err(e) => {
            let f = refused(&form, ctx.0.lang, e)?;
            Ok(with_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                page(&app, &ctx, f, None, None).await?,
            ))
        }
    }
}

pub async fn revoke(State(app): State<App>, ctx: Ctx, Path(id): Path<String>) -> WebResult<Response> {
    let id: i64 = id.parse().map_err(|_| WebError::App(kabinet_app::AppError::NotFound))?;
    tokens::revoke(&app, ctx.user()?, &ctx.actor()?, id).await?;
    Ok(Redirect::to(&format!("{}/tokens?ok=token-revoked", prefix(&ctx))).into_response())
}

/// A new API token: its name and how many days it lives (blank: until revoked).
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
struct TokenForm {
    name: String,
    expires_in_days: String,
}

impl TokenForm {
    /// The lifetime in days; a value that is not a number is out of the allowed range.
    fn days(&self) -> Result<Option<i64>, kabinet_app::FieldErrors> {
        match self.expires_in_days.trim() {
            "" => Ok(None),
            typed => typed.parse().map(Some).map_err(|_| {
                let mut errors = kabinet_app::FieldErrors::new();
                errors.add("expires_in_days", "token-expiry-range");
                errors
            }),
        }
    }
}
