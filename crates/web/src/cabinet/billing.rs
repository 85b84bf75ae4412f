//! Money in the cabinet: an account's page with its ledger, and dismissing dashboard notices.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use kabinet_app::App;
use kabinet_app::billing::{accounts, ledger, subscriptions};
use kabinet_app::listing::Page;
use kabinet_store::entities::{ledger_entry, notice, plan, subscription};
use serde::Deserialize;

use crate::backoffice::path_id;
use crate::error::WebResult;
use crate::extract::{Ctx, QueryParams as Query};
use crate::pages::Chrome;

/// The text of a dashboard notice in the reader's language.
pub fn notice_text(c: &Chrome, n: &notice::Model) -> String {
    let params: serde_json::Value = serde_json::from_str(&n.params).unwrap_or_default();
    let balance = params["balance"].as_i64().unwrap_or(0);
    let currency = params["currency"].as_str().unwrap_or("RUB");
    let account = params["account"].as_str().unwrap_or("").to_owned();
    c.lang.t_args(
        &format!("notice-{}", n.kind),
        &[("amount", c.money(&balance, currency)), ("account", account)],
    )
}

#[derive(Template, WebTemplate)]
#[template(path = "account.html")]
pub struct AccountPage {
    c: Chrome,
    s: accounts::Summary,
    entries: Page<ledger_entry::Model>,
    subscriptions: Vec<(subscription::Model, plan::Model)>,
    base: String,
    /// The ledger is shared with the back office, where staff may reverse entries.
    can_post: bool,
}

#[derive(Deserialize)]
pub struct PageQuery {
    page: Option<u64>,
}

pub async fn account(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
) -> WebResult<Response> {
    let who = ctx.user()?;
    let id = path_id(&id)?;
    let a = accounts::get_visible(&app, who, id).await?;
    let entries = ledger::entries(&app, who, id, q.page.unwrap_or(1).clamp(1, 1_000_000), 50).await?;
    let subscriptions = subscriptions::of_account(&app, who, id).await?;
    Ok(AccountPage {
        c: Chrome::new(&ctx.0, "/", &app.config.display_time_zone),
        s: accounts::summary(&app, a).await?,
        entries,
        subscriptions,
        base: format!("/accounts/{id}?"),
        can_post: false,
    }
    .into_response())
}

pub async fn dismiss_notice(State(app): State<App>, ctx: Ctx, Path(id): Path<String>) -> WebResult<Response> {
    ledger::dismiss_notice(&app, ctx.user()?, path_id(&id)?).await?;
    Ok(Redirect::to("/").into_response())
}
