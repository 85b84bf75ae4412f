//! The outgoing message queue: what was sent, what waits, what failed.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use kabinet_app::App;
use kabinet_app::notify::worker;
use kabinet_store::entities::outbox_message;

use crate::error::WebResult;
use crate::extract::Ctx;
use crate::pages::Chrome;

#[derive(Template, WebTemplate)]
#[template(path = "crm_outbox.html")]
pub struct OutboxPage {
    c: Chrome,
    messages: Vec<outbox_message::Model>,
}

pub async fn list(State(app): State<App>, ctx: Ctx) -> WebResult<Response> {
    let messages = worker::recent(&app, 200).await?;
    Ok(OutboxPage {
        c: Chrome::new(&ctx.0, "/crm/outbox", &app.config.display_time_zone),
        messages,
    }
    .into_response())
}
