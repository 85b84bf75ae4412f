//! The back office's queue "Customer service requests": open requests oldest first, filtered
//! by state and kind, and a request's page where staff take it, mark it done (an SMS-alerts
//! request switches the object's alerts on) or refuse it with a reason the customer reads.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kabinet_app::requests::handling::{self, QueueFilter};
use kabinet_app::requests::{ServiceRequest, queue as requests_queue};
use kabinet_app::{App, AppError};
use kabinet_core::requests::{RequestKind, RequestStatus};

use crate::error::WebResult;
use crate::extract::{Ctx, FormData, QueryParams as Query};
use crate::form::{FormState, field_errors, with_status};
use crate::http::{OkQuery, path_id};
use crate::pages::Chrome;

#[derive(Template, WebTemplate)]
#[template(path = "crm_requests.html")]
pub struct QueuePage {
    c: Chrome,
    items: Vec<ServiceRequest>,
    total: u64,
    page: u64,
    pages: u64,
    /// The state shown: "open" or one of the states.
    status: String,
    kind: String,
    kinds: Vec<(String, String)>,
}

impl QueuePage {
    fn base(&self) -> String {
        format!("/crm/requests?status={}&kind={}&", self.status, self.kind)
    }
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct QueueQuery {
    status: Option<String>,
    kind: Option<String>,
    page: Option<crate::paging::PageNumber>,
    ok: Option<String>,
}

/// `GET /crm/requests`: the open requests by default; an unknown state or kind is no filter.
pub async fn queue(State(app): State<App>, ctx: Ctx, Query(q): Query<QueueQuery>) -> WebResult<Response> {
    let c = Chrome::new(&ctx.0, "/crm/requests", &app.config.display_time_zone).with_flash(q.ok.as_deref());
    let status: Option<RequestStatus> = q.status.as_deref().and_then(|s| s.parse().ok());
    let kind: Option<RequestKind> = q.kind.as_deref().and_then(|s| s.parse().ok());
    let page = crate::paging::PageNumber::or_first(q.page);
    let found = requests_queue(
        &app,
        ctx.user()?,
        &QueueFilter {
            status,
            kind,
            customer_id: None,
        },
        page,
        50,
    )
    .await?;
    let mut kinds = vec![(String::new(), c.t("request-kind-any"))];
    kinds.extend(RequestKind::ALL.iter().map(|k| {
        (
            k.as_str().to_owned(),
            c.tk("request-kind-", &k.as_str().replace('_', "-")),
        )
    }));
    Ok(QueuePage {
        c,
        total: found.total,
        pages: found.pages(),
        page: found.page,
        items: found.items,
        status: status.map_or_else(|| "open".to_owned(), |s| s.as_str().to_owned()),
        kind: kind.map(|k| k.as_str().to_owned()).unwrap_or_default(),
        kinds,
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "crm_request.html")]
pub struct RequestPage {
    c: Chrome,
    r: ServiceRequest,
    refuse: FormState,
}

async fn request_page(app: &App, ctx: &Ctx, id: i64, flash: Option<&str>, refuse: FormState) -> WebResult<RequestPage> {
    Ok(RequestPage {
        c: Chrome::new(&ctx.0, "/crm/requests", &app.config.display_time_zone).with_flash(flash),
        r: handling::get_visible(app, ctx.user()?, id).await?,
        refuse,
    })
}

pub async fn page(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<OkQuery>,
) -> WebResult<Response> {
    Ok(
        request_page(&app, &ctx, path_id(&id)?, q.ok.as_deref(), FormState::empty())
            .await?
            .into_response(),
    )
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
struct MoveForm {
    to: String,
    reason: String,
}

/// `POST /crm/requests/{id}/status`: takes, finishes or refuses the request. A request someone
/// else decided first is shown again with that said.
pub async fn move_to(State(app): State<App>, ctx: Ctx, Path(id): Path<String>, form: FormData) -> WebResult<Response> {
    let id = path_id(&id)?;
    let typed: MoveForm = form.typed()?;
    let to: RequestStatus = typed
        .to
        .parse()
        .map_err(|_| kabinet_app::FieldErrors::single("to", "invalid-choice"))?;
    match handling::move_to(&app, &ctx.actor()?, ctx.user()?, id, to, &typed.reason).await {
        Ok(r) => Ok(Redirect::to(&format!(
            "/crm/requests/{}?ok=request-{}",
            r.id,
            r.status.as_str().replace('_', "-")
        ))
        .into_response()),
        Err(e @ AppError::Validation(_)) => {
            let f = FormState::from_data(&form).with_errors(ctx.0.lang, &field_errors(e)?);
            let page = request_page(&app, &ctx, id, None, f).await?;
            Ok(with_status(StatusCode::UNPROCESSABLE_ENTITY, page))
        }
        Err(AppError::Conflict(code)) => {
            let f = FormState::empty().with_general(ctx.0.lang.t(code.message_key()));
            let page = request_page(&app, &ctx, id, None, f).await?;
            Ok(with_status(StatusCode::CONFLICT, page))
        }
        Err(e) => Err(e.into()),
    }
}
