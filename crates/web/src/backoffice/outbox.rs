//! The outgoing message queue: what was sent, what waits, what failed.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use kabinet_app::App;
use kabinet_app::notify::views::OutboxMessage;
use kabinet_app::notify::{DemoMessage, worker};

use crate::error::WebResult;
use crate::extract::Ctx;
use crate::pages::Chrome;

#[derive(Template, WebTemplate)]
#[template(path = "crm_outbox.html")]
pub struct OutboxPage {
    c: Chrome,
    messages: Vec<OutboxMessage>,
    /// Whether the demo's stand-in transports keep what they deliver (a link to read it).
    demo_inbox: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "crm_demo_inbox.html")]
pub struct DemoInboxPage {
    c: Chrome,
    messages: Vec<DemoMessage>,
}

/// What the demo's stand-in transports delivered, codes and passwords included, as a phone or
/// a mailbox would show them. There is no such page with real transports.
pub async fn demo_inbox(State(app): State<App>, ctx: Ctx) -> WebResult<Response> {
    let inbox = &app.channels.demo_inbox;
    if !inbox.is_open() {
        return Err(kabinet_app::AppError::NotFound.into());
    }
    Ok(DemoInboxPage {
        c: Chrome::new(&ctx.0, "/crm/outbox", &app.config.display_time_zone),
        messages: inbox.newest_first(),
    }
    .into_response())
}

pub async fn list(State(app): State<App>, ctx: Ctx) -> WebResult<Response> {
    let messages = worker::recent(&app, 200).await?;
    Ok(OutboxPage {
        c: Chrome::new(&ctx.0, "/crm/outbox", &app.config.display_time_zone),
        messages,
        demo_inbox: app.channels.demo_inbox.is_open(),
    }
    .into_response())
}
