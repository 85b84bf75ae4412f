//! The outgoing message queue: what was sent, what waits, what failed.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use kabinet_app::App;
use kabinet_app::notify::views::OutboxMessage;
use kabinet_app::notify::{DemoMessage, worker};
use kabinet_core::notify::{Channel, OutboxStatus};
use serde::Deserialize;

use crate::error::WebResult;
use crate::extract::{Ctx, QueryParams as Query};
use crate::form::FormState;
use crate::pages::Chrome;

/// The filters of the outbox page, as typed in its address.
#[derive(Deserialize, Default)]
pub struct OutboxQuery {
    status: Option<String>,
    channel: Option<String>,
    recipient: Option<String>,
    page: Option<crate::paging::PageNumber>,
    ok: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "crm_outbox.html")]
pub struct OutboxPage {
    c: Chrome,
    messages: Vec<OutboxMessage>,
    /// Whether the demo's stand-in transports keep what they deliver (a link to read it).
    demo_inbox: bool,
    f: FormState,
    statuses: Vec<(String, String)>,
    channels: Vec<(String, String)>,
    total: u64,
    total_capped: bool,
    page: u64,
    pages: u64,
    base: String,
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

pub async fn list(State(app): State<App>, ctx: Ctx, Query(q): Query<OutboxQuery>) -> WebResult<Response> {
    let blank_to_none = |v: &Option<String>| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned);
    let filter = worker::OutboxFilter {
        status: blank_to_none(&q.status).and_then(|s| s.parse().ok()),
        channel: blank_to_none(&q.channel).and_then(|s| s.parse().ok()),
        recipient: blank_to_none(&q.recipient).map(|r| kabinet_core::text::truncate(&r, 100)),
    };
    let page = crate::paging::PageNumber::or_first(q.page);
    let found = worker::list(&app, &filter, page, 50).await?;
    let mut f = FormState::empty();
    let mut pairs = Vec::new();
    for (name, value) in [
        ("status", filter.status.map(|s| s.to_string())),
        ("channel", filter.channel.map(|c| c.to_string())),
        ("recipient", filter.recipient.clone()),
    ] {
        if let Some(v) = value {
            f = f.with_value(name, v.clone());
            pairs.push((name, v));
        }
    }
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish();
    let c = Chrome::new(&ctx.0, "/crm/outbox", &app.config.display_time_zone).with_flash(q.ok.as_deref());
    let all = (String::new(), c.t("all"));
    Ok(OutboxPage {
        statuses: std::iter::once(all.clone())
            .chain(OutboxStatus::ALL.iter().map(|s| (s.to_string(), c.tk("outbox-", s))))
            .collect(),
        channels: std::iter::once(all)
            .chain(Channel::ALL.iter().map(|ch| (ch.to_string(), c.tk("channel-", ch))))
            .collect(),
        c,
        pages: found.pages(),
        total: found.total,
        total_capped: found.total > worker::LIST_CAP,
        page: found.page,
        messages: found.items,
        demo_inbox: app.channels.demo_inbox.is_open(),
        f,
        base: format!("/crm/outbox?{query}{}", if query.is_empty() { "" } else { "&" }),
    }
    .into_response())
}

/// `POST /crm/outbox/{id}/replay`: a dead message back to the queue.
pub async fn replay(
    State(app): State<App>,
    ctx: Ctx,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> WebResult<Response> {
    let id = crate::http::path_id(&id)?;
    worker::replay(&app, &ctx.actor()?, ctx.user()?, id).await?;
    Ok(axum::response::Redirect::to("/crm/outbox?status=dead&ok=outbox-replayed").into_response())
}
