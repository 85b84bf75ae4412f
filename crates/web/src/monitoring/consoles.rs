//! The back office's monitoring consoles (admin): the consoles allowed to report events, a
//! form that connects one — its token shown once, on the page the form leads to — and
//! revoking a token that leaked.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kabinet_app::monitoring::consoles;
use kabinet_app::monitoring::views::EventSource;
use kabinet_app::{App, AppError};

use crate::error::WebResult;
use crate::extract::{Ctx, FormData, QueryParams as Query};
use crate::form::{FormState, field_errors, with_status};
use crate::http::{OkQuery, no_store, path_id};
use crate::pages::Chrome;

#[derive(Template, WebTemplate)]
#[template(path = "crm_consoles.html")]
pub struct ConsolesPage {
    c: Chrome,
    consoles: Vec<EventSource>,
    f: FormState,
    /// A token just made: (the console's name, the token), shown this once.
    new_token: Option<(String, String)>,
}

async fn consoles_page(
    app: &App,
    ctx: &Ctx,
    flash: Option<&str>,
    f: FormState,
    new_token: Option<(String, String)>,
) -> WebResult<ConsolesPage> {
    Ok(ConsolesPage {
        c: Chrome::new(&ctx.0, "/crm/consoles", &app.config.display_time_zone).with_flash(flash),
        consoles: consoles::list(app, &ctx.actor()?).await?,
        f,
        new_token,
    })
}

pub async fn list(State(app): State<App>, ctx: Ctx, Query(q): Query<OkQuery>) -> WebResult<Response> {
    let new_token = crate::handover::shown_once(&app, &ctx, q.handover.as_deref()).await?;
    let page = consoles_page(&app, &ctx, q.ok.as_deref(), FormState::empty(), new_token).await?;
    Ok(no_store(page.into_response()))
}

pub async fn create(State(app): State<App>, ctx: Ctx, form: FormData) -> WebResult<Response> {
    let name = form.required("name")?;
    match consoles::create(&app, &ctx.actor()?, name).await {
        Ok(made) => {
            crate::handover::redirect(
                &app,
                &ctx,
                "/crm/consoles?ok=console-created",
                &made.console.name,
                Some(&made.token),
            )
            .await
        }
        Err(e @ AppError::Validation(_)) => {
            let f = FormState::from_data(&form).with_errors(ctx.0.lang, &field_errors(e)?);
            let page = consoles_page(&app, &ctx, None, f, None).await?;
            Ok(with_status(StatusCode::UNPROCESSABLE_ENTITY, page))
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn revoke(State(app): State<App>, ctx: Ctx, Path(id): Path<String>) -> WebResult<Response> {
    consoles::revoke(&app, &ctx.actor()?, path_id(&id)?).await?;
    Ok(Redirect::to("/crm/consoles?ok=console-revoked").into_response())
}
