//! The staff home page.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use kabinet_app::App;

use crate::cabinet::account::OkQuery;
use crate::error::WebResult;
use crate::extract::{Ctx, QueryParams as Query};
use crate::pages::Chrome;

#[derive(Template, WebTemplate)]
#[template(path = "crm_home.html")]
pub struct HomePage {
    c: Chrome,
    outbox: Vec<(String, i64)>,
}

pub async fn home(State(app): State<App>, ctx: Ctx, Query(q): Query<OkQuery>) -> WebResult<Response> {
    let outbox = kabinet_store::outbox::count_by_status(&app.db.conn).await?;
    Ok(HomePage {
        c: Chrome::new(&ctx.0, "/crm", &app.config.display_time_zone).with_flash(q.ok.as_deref()),
        outbox,
    }
    .into_response())
}
