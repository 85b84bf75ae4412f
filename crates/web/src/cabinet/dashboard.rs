//! The customer's dashboard and its users.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use kabinet_app::billing::{accounts, ledger, payments};
use kabinet_app::{App, AppError, customers};
use kabinet_store::entities::{customer, notice, payment, user};

use super::account::OkQuery;
use crate::error::{WebError, WebResult};
use crate::extract::{Ctx, QueryParams as Query};
use crate::pages::Chrome;

#[derive(Template, WebTemplate)]
#[template(path = "dashboard.html")]
pub struct DashboardPage {
    c: Chrome,
    customer: customer::Model,
    users: Vec<user::Model>,
    accounts: Vec<accounts::Summary>,
    /// Recent payments with the number of the account they went to.
    payments: Vec<(payment::Model, String)>,
    notices: Vec<(notice::Model, String)>,
    /// Offer autopay (once, until the customer sets it up or says "later").
    offer_autopay: bool,
}

fn own_customer_id(ctx: &Ctx) -> Result<i64, WebError> {
    ctx.user()?.customer_id.ok_or(WebError::App(AppError::Forbidden))
}

pub async fn dashboard(State(app): State<App>, ctx: Ctx, Query(q): Query<OkQuery>) -> WebResult<Response> {
    let who = ctx.user()?;
    let (customer, users) = customers::with_users(&app, who, own_customer_id(&ctx)?).await?;
    let own = accounts::of_customer(&app, customer.id).await?;
    let payments = payments::recent_on(&app, &own, 5).await?;
    let mut summaries = Vec::new();
    for a in own {
        summaries.push(accounts::summary(&app, a).await?);
    }
    let c = Chrome::new(&ctx.0, "/", &app.config.display_time_zone).with_flash(q.ok.as_deref());
    let notices = ledger::open_notices(&app, customer.id)
        .await?
        .into_iter()
        .map(|n| {
            let text = super::billing::notice_text(&c, &n);
            (n, text)
        })
        .collect();
    let offer_autopay = kabinet_core::access::allows(Some(who.role), kabinet_core::access::Permission::CabinetPay)
        && kabinet_app::billing::autopay::should_offer(&app, &customer);
    Ok(DashboardPage {
        offer_autopay,
        c,
        customer,
        users,
        accounts: summaries,
        payments,
        notices,
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "customer_user.html")]
pub struct CustomerUserPage {
    c: Chrome,
    u: user::Model,
}

/// One login of the caller's own customer; any other id is "not found".
pub async fn customer_user(State(app): State<App>, ctx: Ctx, Path(id): Path<String>) -> WebResult<Response> {
    let id: i64 = id.parse().map_err(|_| WebError::App(AppError::NotFound))?;
    let customer_id = own_customer_id(&ctx)?;
    let u = kabinet_app::access::users::get(&app, id).await?;
    if u.customer_id != Some(customer_id) {
        return Err(WebError::App(AppError::NotFound));
    }
    Ok(CustomerUserPage {
        c: Chrome::new(&ctx.0, "/", &app.config.display_time_zone),
        u,
    }
    .into_response())
}
