//! The simple page of a small company's lines: balances, lines with this month's spending, and
//! the three actions used most — made for a phone.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use kabinet_app::App;
use kabinet_app::lines::simple::{self, SimpleView};
use kabinet_core::access::Permission;

use crate::error::WebResult;
use crate::extract::Ctx;
use crate::pages::Chrome;

#[derive(Template, WebTemplate)]
#[template(path = "line_simple.html")]
pub struct SimplePage {
    c: Chrome,
    v: SimpleView,
    max_lines: u64,
    may_pay: bool,
    may_add: bool,
    may_order: bool,
}

/// `GET /lines/simple`.
pub async fn page(State(app): State<App>, ctx: Ctx) -> WebResult<Response> {
    let v = simple::view(&app, ctx.user()?).await?;
    let c = Chrome::new(&ctx.0, "/lines", &app.config.display_time_zone);
    Ok(SimplePage {
        may_pay: c.may(Permission::CabinetPay) && !v.accounts.is_empty(),
        may_add: c.may(Permission::CabinetLinesManage),
        may_order: c.may(Permission::CabinetLineSettings),
        max_lines: simple::MAX_LINES,
        v,
        c,
    }
    .into_response())
}
