//! The customer's groups of lines and labels: each with how many lines it holds, forms to
//! create, rename and delete them.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kabinet_app::App;
use kabinet_app::lines::groups::{self, GroupInput};
use kabinet_app::lines::views::{LineGroup, LineLabel};
use kabinet_core::access::Permission;
use kabinet_core::assets::lines::{GROUP_COLOURS, GroupIcon};
use serde::Deserialize;

use crate::error::WebResult;
use crate::extract::{Ctx, FormData, QueryParams as Query};
use crate::form::{FormState, refused, with_status};
use crate::http::{OkQuery, path_id};
use crate::pages::Chrome;

#[derive(Template, WebTemplate)]
#[template(path = "line_groups.html")]
pub struct GroupsPage {
    c: Chrome,
    groups: Vec<LineGroup>,
    labels: Vec<LineLabel>,
    group_form: FormState,
    label_form: FormState,
    icons: Vec<(String, String)>,
    colours: Vec<&'static str>,
    may_manage: bool,
}

async fn groups_page(
    app: &App,
    ctx: &Ctx,
    flash: Option<&str>,
    group_form: Option<FormState>,
    label_form: Option<FormState>,
) -> WebResult<GroupsPage> {
    let who = ctx.user()?;
    let c = Chrome::new(&ctx.0, "/lines", &app.config.display_time_zone).with_flash(flash);
    Ok(GroupsPage {
        groups: groups::groups(app, who, None).await?,
        labels: groups::labels(app, who, None).await?,
        group_form: group_form.unwrap_or_else(|| {
            FormState::empty()
                .with_value("icon", GroupIcon::People.as_str())
                .with_value("colour", GROUP_COLOURS[0])
        }),
        label_form: label_form.unwrap_or_default(),
        icons: GroupIcon::ALL
            .iter()
            .map(|i| (i.as_str().to_owned(), c.tk("line-group-icon-", i)))
            .collect(),
        colours: GROUP_COLOURS.to_vec(),
        may_manage: c.may(Permission::CabinetLinesManage),
        c,
    })
}

pub async fn page(State(app): State<App>, ctx: Ctx, Query(q): Query<OkQuery>) -> WebResult<Response> {
    Ok(groups_page(&app, &ctx, q.ok.as_deref(), None, None)
        .await?
        .into_response())
}

fn done(flash: &str) -> Response {
    Redirect::to(&format!("/lines/groups?ok={flash}")).into_response()
}

pub async fn create_group(State(app): State<App>, ctx: Ctx, form: FormData) -> WebResult<Response> {
    let input = form.typed::<GroupInput>()?;
    match groups::create_group(&app, &ctx.actor()?, ctx.user()?, &input).await {
        Ok(_) => Ok(done("line-group-saved")),
        Err(e) => {
            let f = refused(&form, ctx.0.lang, e)?;
            Ok(with_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                groups_page(&app, &ctx, None, Some(f), None).await?,
            ))
        }
    }
}

pub async fn update_group(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> WebResult<Response> {
    let id = path_id(&id)?;
    let input = form.typed::<GroupInput>()?;
    match groups::update_group(&app, &ctx.actor()?, ctx.user()?, id, &input).await {
        Ok(()) => Ok(done("line-group-saved")),
        Err(e) => {
            let f = refused(&form, ctx.0.lang, e)?;
            Ok(with_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                groups_page(&app, &ctx, None, Some(f), None).await?,
            ))
        }
    }
}

pub async fn delete_group(State(app): State<App>, ctx: Ctx, Path(id): Path<String>) -> WebResult<Response> {
    let id = path_id(&id)?;
    groups::delete_group(&app, &ctx.actor()?, ctx.user()?, id).await?;
    Ok(done("line-group-deleted"))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct LabelForm {
    name: String,
}

pub async fn create_label(State(app): State<App>, ctx: Ctx, form: FormData) -> WebResult<Response> {
    let typed = form.typed::<LabelForm>()?;
    match groups::create_label(&app, &ctx.actor()?, ctx.user()?, &typed.name).await {
        Ok(_) => Ok(done("line-label-saved")),
        Err(e) => {
            let f = refused(&form, ctx.0.lang, e)?;
            Ok(with_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                groups_page(&app, &ctx, None, None, Some(f)).await?,
            ))
        }
    }
}

pub async fn delete_label(State(app): State<App>, ctx: Ctx, Path(id): Path<String>) -> WebResult<Response> {
    let id = path_id(&id)?;
    groups::delete_label(&app, &ctx.actor()?, ctx.user()?, id).await?;
    Ok(done("line-label-deleted"))
}
