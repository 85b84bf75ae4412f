//! Post/Redirect/Get for forms that make a secret: the form's handler stashes the secret
//! (`kabinet_app::access::handover`) and redirects; the page it lands on shows the secret once.
//! Reloading that page, or coming back to it, sends nothing again and shows nothing again.

use axum::response::{IntoResponse, Redirect, Response};
use kabinet_app::App;
use kabinet_app::access::handover;

use crate::error::WebResult;
use crate::extract::Ctx;

/// A redirect to `to` (a path with its `?ok=…`), carrying the token of `secret` made for
/// `subject` when there is one.
pub async fn redirect(app: &App, ctx: &Ctx, to: &str, subject: &str, secret: Option<&str>) -> WebResult<Response> {
    let token = match secret {
        Some(secret) => handover::stash(app, ctx.user()?, subject, secret).await?,
        None => None,
    };
    let to = match token {
        Some(t) => format!("{to}{}handover={t}", if to.contains('?') { '&' } else { '?' }),
        None => to.to_owned(),
    };
    Ok(Redirect::to(&to).into_response())
}

/// The secret a redirected page shows, as (whose, secret), the first time only.
pub async fn shown_once(app: &App, ctx: &Ctx, token: Option<&str>) -> WebResult<Option<(String, String)>> {
    let Some(token) = token else {
        return Ok(None);
    };
    Ok(handover::take(app, ctx.user()?, token)
        .await?
        .map(|h| (h.subject, h.secret)))
}
