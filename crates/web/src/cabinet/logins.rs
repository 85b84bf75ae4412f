//! The customer's own cabinet logins, managed by its coordinator (ACC-2): add a login for a
//! colleague, reset its password, disable it when the colleague leaves. The same use cases as
//! the back office's, scoped by the caller to its own customer.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kabinet_app::access::users::{self, NewUser};
use kabinet_app::access::views::User;
use kabinet_app::{App, AppError};
use kabinet_core::ErrorCode;
use kabinet_core::access::CustomerRole;

use crate::error::{WebError, WebResult};
use crate::extract::{Ctx, FormData};
use crate::form::{FormState, refused, with_status};
use crate::pages::Chrome;
use crate::user_form::UserForm;

#[derive(Template, WebTemplate)]
#[template(path = "customer_user_new.html")]
pub struct NewLoginPage {
    c: Chrome,
    f: FormState,
    roles: Vec<(String, String)>,
}

fn role_options(c: &Chrome) -> Vec<(String, String)> {
    CustomerRole::ALL
        .iter()
        .map(|r| (r.as_str().to_owned(), c.t(&format!("role-{}", r.as_str()))))
        .collect()
}

fn own_customer_id(ctx: &Ctx) -> Result<i64, WebError> {
    ctx.user()?.customer_id.ok_or(WebError::App(AppError::Forbidden))
}

fn new_login_page(app: &App, ctx: &Ctx, f: FormState) -> NewLoginPage {
    let c = Chrome::new(&ctx.0, "/", &app.config.display_time_zone);
    NewLoginPage {
        roles: role_options(&c),
        c,
        f,
    }
}

pub async fn new_form(State(app): State<App>, ctx: Ctx) -> WebResult<Response> {
    own_customer_id(&ctx)?;
    let f = FormState::empty().with_value("role", CustomerRole::Viewer.as_str());
    Ok(new_login_page(&app, &ctx, f).into_response())
}

pub async fn create(State(app): State<App>, ctx: Ctx, form: FormData) -> WebResult<Response> {
    let customer_id = own_customer_id(&ctx)?;
    // The password is always generated and the language is the page's: a customer hands
    // the new login over, it does not choose for it.
    let result = match form.typed::<UserForm>()?.checked() {
        Ok(new) => {
            let new = NewUser {
                password: None,
                language: Some(ctx.0.lang.code().to_owned()),
                partner_id: None,
                ..new
            };
            users::create_for_customer(&app, ctx.user()?, &ctx.actor()?, customer_id, new).await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(created) => {
            let to = format!("/customer-users/{}?ok=user-created", created.user.id);
            let secret = created.generated_password.as_deref();
            crate::handover::redirect(&app, &ctx, &to, &created.user.login, secret).await
        }
        Err(e) => {
            let f = refused(&form, ctx.0.lang, e)?;
            Ok(with_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                new_login_page(&app, &ctx, f),
            ))
        }
    }
}

/// Another login of the caller's own customer; the caller's own login and other customers'
/// are refused by the use case.
async fn manageable(app: &App, ctx: &Ctx, id: &str) -> WebResult<User> {
    let id = crate::http::path_id(id)?;
    Ok(users::get_manageable(app, ctx.user()?, id).await?)
}

pub async fn reset_password(State(app): State<App>, ctx: Ctx, Path(id): Path<String>) -> WebResult<Response> {
    let target = manageable(&app, &ctx, &id).await?;
    let password = users::reset_password(&app, ctx.user()?, &ctx.actor()?, target.id).await?;
    let to = format!("/customer-users/{}?ok=password-reset", target.id);
    crate::handover::redirect(&app, &ctx, &to, &target.login, Some(&password)).await
}

pub async fn toggle_active(State(app): State<App>, ctx: Ctx, Path(id): Path<String>) -> WebResult<Response> {
    let target = manageable(&app, &ctx, &id).await?;
    let activate = target.status != kabinet_core::access::UserStatus::Active;
    users::set_active(&app, ctx.user()?, &ctx.actor()?, target.id, activate).await?;
    Ok(Redirect::to(&format!(
        "/customer-users/{}?ok={}",
        target.id,
        if activate { "user-enabled" } else { "user-disabled" }
    ))
    .into_response())
}

/// Puts the ticked assets, and only those, in a line manager's care.
pub async fn set_assets(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> WebResult<Response> {
    let target = manageable(&app, &ctx, &id).await?;
    let mut ids = Vec::new();
    for raw in form.all("asset") {
        ids.push(
            raw.parse::<i64>()
                .map_err(|_| WebError::BadRequest(ErrorCode::BadRequest))?,
        );
    }
    // The page lists licences; lines are given from the line register.
    let licences = Some(&kabinet_core::assets::AssetKind::LICENCES[..]);
    kabinet_app::assets::assignments::set_for(&app, &ctx.actor()?, ctx.user()?, target.id, &ids, licences).await?;
    Ok(Redirect::to(&format!("/customer-users/{}?ok=assets-saved", target.id)).into_response())
}
