//! The status form every asset's page has (suspend, resume, cancel): read, applied through the
//! lifecycle, and either done or refused with the form to show again.

use kabinet_app::App;
use kabinet_app::assets::lifecycle;

use super::crm_forms::StatusForm;
use crate::error::WebResult;
use crate::extract::{Ctx, FormData};
use crate::form::{FormState, refused};

/// Applies the status form posted for asset `id`: `Ok(None)` when done, `Ok(Some(form))` with
/// the form to show again at its fields; errors that are not about the form go up as pages.
pub async fn apply(app: &App, ctx: &Ctx, id: i64, form: &FormData) -> WebResult<Option<FormState>> {
    let input = form.typed::<StatusForm>()?;
    let result = match input.status() {
        Ok(to) => lifecycle::change_status(app, &ctx.actor()?, ctx.user()?, id, to, &input.reason).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(None),
        Err(e) => Ok(Some(refused(form, ctx.0.lang, e)?)),
    }
}
