//! The staff home page.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use kabinet_app::App;

use crate::error::WebResult;
use crate::extract::{Ctx, QueryParams as Query};
use crate::http::OkQuery;
use crate::pages::Chrome;

#[derive(Template, WebTemplate)]
#[template(path = "crm_home.html")]
pub struct HomePage {
    c: Chrome,
    /// The day's figures of the queues the reader works.
    figures: Vec<kabinet_app::desk::Figure>,
    outbox: Vec<(String, i64)>,
    /// Holiday calendars in use that run out soon, for those who can add their days.
    running_out: Vec<String>,
}

pub async fn home(State(app): State<App>, ctx: Ctx, Query(q): Query<OkQuery>) -> WebResult<Response> {
    let c = Chrome::new(&ctx.0, "/crm", &app.config.display_time_zone).with_flash(q.ok.as_deref());
    // The queue's counts only for those who may open the queue.
    let outbox = if c.may(kabinet_core::access::Permission::OutboxRead) {
        kabinet_app::notify::worker::counts(&app, ctx.user()?).await?
    } else {
        Vec::new()
    };
    let running_out =
        if kabinet_core::access::allows(Some(ctx.user()?.role), kabinet_core::access::Permission::SlaManage) {
            kabinet_app::support::calendars::running_out(&app, chrono::Utc::now().date_naive()).await?
        } else {
            Vec::new()
        };
    let now = chrono::Utc::now();
    let today = kabinet_app::billing::run::today_for(None, &app.config.display_time_zone);
    let figures = kabinet_app::desk::figures(&app, ctx.user()?, now, today).await?;
    Ok(HomePage {
        c,
        figures,
        outbox,
        running_out,
    }
    .into_response())
}
