//! The customer's dashboard and its users.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use kabinet_app::access::views::User;
use kabinet_app::billing::views::Notice;
use kabinet_app::dashboard::Dashboard;
use kabinet_app::{App, AppError};

use crate::error::{WebError, WebResult};
use crate::extract::{Ctx, QueryParams as Query};
use crate::http::OkQuery;
use crate::pages::Chrome;

#[derive(Template, WebTemplate)]
#[template(path = "dashboard.html")]
pub struct DashboardPage {
    c: Chrome,
    d: std::sync::Arc<Dashboard>,
    /// The open notices with their text in the reader's language.
    notices: Vec<(Notice, String)>,
    /// Offer autopay (once, until the customer sets it up or says "later").
    offer_autopay: bool,
}

fn own_customer_id(ctx: &Ctx) -> Result<i64, WebError> {
    ctx.user()?.customer_id.ok_or(WebError::App(AppError::Forbidden))
}

pub async fn dashboard(State(app): State<App>, ctx: Ctx, Query(q): Query<OkQuery>) -> WebResult<Response> {
    let who = ctx.user()?;
    let d = kabinet_app::dashboard::of(&app, who).await?;
    let c = Chrome::new(&ctx.0, "/", &app.config.display_time_zone).with_flash(q.ok.as_deref());
    let notices = d
        .notices
        .iter()
        .map(|n| (n.clone(), super::billing::notice_text(&c, n)))
        .collect();
    let offer_autopay =
        kabinet_core::access::may_change(who.role, false, &[kabinet_core::access::Permission::CabinetPay])
            && kabinet_app::billing::autopay::should_offer(&app, &d.customer);
    Ok(DashboardPage {
        offer_autopay,
        c,
        d,
        notices,
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "customer_user.html")]
pub struct CustomerUserPage {
    c: Chrome,
    u: User,
    /// A password just generated for this login, shown once to hand over.
    new_password: Option<String>,
    /// Whether the reader may reset or disable this login (its customer's coordinator, and
    /// not its own login).
    can_manage: bool,
    /// For a line manager the reader manages: each of the customer's assets (id, name, kind)
    /// and whether it is in this person's care.
    assets: Vec<(i64, String, String, bool)>,
    /// For a line manager of a customer with lines: how many are in its care (given and taken
    /// back from the line register).
    lines_in_care: Option<String>,
}

pub(crate) async fn customer_user_page(
    app: &App,
    ctx: &Ctx,
    u: User,
    new_password: Option<String>,
    flash: Option<&str>,
) -> WebResult<CustomerUserPage> {
    let c = Chrome::new(&ctx.0, "/", &app.config.display_time_zone).with_flash(flash);
    let own_login = ctx.0.identity.as_ref().map(|i| i.user_id) == Some(u.id);
    let can_manage = c.may(kabinet_core::access::Permission::CabinetManageUsers) && !own_login;
    let mut assets = Vec::new();
    let mut lines_in_care = None;
    if can_manage && u.customer_role == Some(kabinet_core::access::CustomerRole::LineManager) {
        if ctx.user()?.holdings.is_some_and(|h| h.lines) {
            let found = kabinet_app::lines::register::list(
                app,
                ctx.user()?,
                None,
                &kabinet_app::lines::register::LineFilter {
                    manager_id: Some(u.id),
                    ..Default::default()
                },
                &kabinet_app::listing::Sort {
                    key: "phone",
                    descending: false,
                },
                1,
                1,
            )
            .await?;
            lines_in_care = Some(if found.total > kabinet_app::lines::register::COUNT_CAP {
                format!("> {}", c.n(kabinet_app::lines::register::COUNT_CAP))
            } else {
                c.n(found.total)
            });
        }
        let in_care = kabinet_app::assets::assignments::assigned_to(app, u.id).await?;
        for (a, site) in kabinet_app::assets::licences::of_own_customer(app, ctx.user()?).await? {
            if a.status == kabinet_core::assets::AssetStatus::Deleted {
                continue;
            }
            let name = site.map(|s| s.name).unwrap_or_else(|| a.key_id.clone());
            assets.push((a.id, name, a.kind.to_string(), in_care.contains(&a.id)));
        }
    }
    Ok(CustomerUserPage {
        can_manage,
        c,
        u,
        new_password,
        assets,
        lines_in_care,
    })
}

/// One login of the caller's own customer; any other id is "not found".
pub async fn customer_user(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<OkQuery>,
) -> WebResult<Response> {
    let id: i64 = id.parse().map_err(|_| WebError::App(AppError::NotFound))?;
    let customer_id = own_customer_id(&ctx)?;
    let u = kabinet_app::access::users::get(&app, id).await?;
    if u.customer_id != Some(customer_id) {
        return Err(WebError::App(AppError::NotFound));
    }
    let generated = crate::handover::shown_once(&app, &ctx, q.handover.as_deref()).await?;
    let secret = generated.is_some();
    let page = customer_user_page(&app, &ctx, u, generated.map(|(_, p)| p), q.ok.as_deref())
        .await?
        .into_response();
    Ok(if secret { crate::http::no_store(page) } else { page })
}
