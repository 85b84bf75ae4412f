//! The ticket pages both faces show — the new-ticket form, one ticket with its conversation —
//! and reading their forms and list queries; the cabinet's and the back office's handlers
//! call these with their own place and permissions.

use askama::Template;
use askama_web::WebTemplate;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kabinet_app::crm::views::Customer;
use kabinet_app::listing::Sort;
use kabinet_app::support::tickets::{self, TicketFilter};
use kabinet_app::support::views::{Attachment, Ticket};
use kabinet_app::{App, AppError};
use kabinet_core::access::{Permission, allows};
use kabinet_core::support::{Priority, RequestClass, TOPICS, TicketStatus, may_reopen};

use super::ticket_forms::NewTicketForm;
use super::{ClockView, MessageView, clocks_of, conversation as shown};
use crate::error::{WebError, WebResult};
use crate::extract::{Ctx, FormData, UploadForm};
use crate::form::{FormState, with_status};
use crate::pages::{Chrome, ListQuery};

/// A list's filter, sort and page as they came in the query string.
pub(super) struct ListParams {
    pub filter: TicketFilter,
    pub sort: Sort,
    pub page: u64,
    pub form: FormState,
    /// The query without `page`, `sort` and `dir`, to build links from.
    pub query: String,
}

pub(super) fn parse_list(raw: &str, sorts: &[&'static str], default_dir: &str) -> ListParams {
    let q = ListQuery::parse(raw);
    ListParams {
        filter: TicketFilter {
            status: q.get("status").and_then(|s| s.parse().ok()),
            priority: q.get("priority").and_then(|s| s.parse().ok()),
            class: q.get("class").and_then(|s| s.parse().ok()),
            search: q.get("q").map(|q| q.chars().take(100).collect()),
        },
        sort: q.sort(sorts, Some(default_dir)),
        page: q.page(100_000),
        form: q.form(&["status", "priority", "class", "q", "queue"]),
        query: q.without_paging(),
    }
}

/// (value, label) options of a closed list, "all" first.
pub(super) fn options<T: Copy>(
    c: &Chrome,
    all: &[T],
    prefix: &str,
    name: impl Fn(T) -> &'static str,
) -> Vec<(String, String)> {
    std::iter::once((String::new(), c.t("all")))
        .chain(all.iter().map(|v| (name(*v).to_owned(), c.tk(prefix, name(*v)))))
        .collect()
}

/// A topic for the form, grouped by the class it suggests.
pub struct TopicChoice {
    pub code: &'static str,
    pub label: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "ticket_new.html")]
pub struct NewPage {
    c: Chrome,
    f: FormState,
    /// Why no ticket can be opened now (a message), if so.
    refused: Option<String>,
    typical: Vec<TopicChoice>,
    non_standard: Vec<TopicChoice>,
    priority_options: Vec<(String, String)>,
    channel_options: Vec<(String, String)>,
    asset_options: Vec<(String, String)>,
    max_mb: usize,
    customer_name: String,
    action: String,
    back: String,
    /// The consent to processing, asked of a person who has not agreed to the text in force
    /// (PRV-2); never of staff writing for a customer.
    consent: Option<crate::privacy::AskedConsent>,
}

/// Where a new-ticket form is shown: the customer, the frame, where the form posts to and
/// where "cancel" goes.
pub(super) struct NewTicketPlace {
    pub customer: Customer,
    pub c: Chrome,
    pub action: String,
    pub back: String,
}

pub(super) async fn new_page(app: &App, ctx: &Ctx, place: NewTicketPlace, f: Option<FormState>) -> WebResult<NewPage> {
    let who = ctx.user()?;
    let NewTicketPlace {
        customer,
        c,
        action,
        back,
    } = place;
    let refused = match tickets::eligibility(app, &customer).await {
        Ok(()) => None,
        Err(e @ (AppError::Refused(_) | AppError::OverDebtCap { .. })) => {
            Some(crate::error::message(ctx.0.lang, &WebError::App(e).info()))
        }
        Err(e) => return Err(e.into()),
    };
    // The reader's own phone for SMS notices; staff writing for a customer, the customer's.
    let phone = if who.is_staff() {
        customer.phone.clone()
    } else {
        kabinet_app::access::users::get(app, who.user_id).await?.phone
    };
    let f = f.unwrap_or_else(|| {
        FormState::empty()
            .with_value("priority", "medium")
            .with_value("notify_channel", "email")
            .with_value("notify_phone", phone.unwrap_or_default())
    });
    let topics = |class: RequestClass| {
        TOPICS
            .iter()
            .filter(|t| t.class == class)
            .map(|t| TopicChoice {
                code: t.code,
                label: c.tk("topic-", t.code),
            })
            .collect()
    };
    let assets = kabinet_app::assets::licences::of_customer(app, customer.id).await?;
    // A line manager writes about the assets in its care.
    let assets = kabinet_app::assets::assignments::narrow(app, who, assets, |(a, _)| a.id).await?;
    Ok(NewPage {
        consent: crate::privacy::to_ask(app, who).await?,
        refused,
        typical: topics(RequestClass::Typical),
        non_standard: topics(RequestClass::NonStandard),
        priority_options: Priority::ALL
            .iter()
            .map(|p| (p.as_str().to_owned(), c.tk("priority-", p.as_str())))
            .collect(),
        channel_options: vec![("email".into(), c.t("notify-email")), ("sms".into(), c.t("notify-sms"))],
        asset_options: std::iter::once((String::new(), c.t("ticket-no-asset")))
            .chain(assets.iter().map(|(a, site)| {
                let place = site.as_ref().map(|s| s.name.clone()).unwrap_or_default();
                (
                    a.id.to_string(),
                    format!("{} {} {place}", c.tk("asset-", &a.kind), a.key_id),
                )
            }))
            .collect(),
        max_mb: app.config.support.attachment_max_bytes / (1024 * 1024),
        customer_name: customer.name,
        action,
        back,
        f,
        c,
    })
}

/// Opens the ticket typed into a new-ticket form: to the ticket's page (`{ticket_prefix}/{id}`),
/// or the form again with what was wrong.
pub(super) async fn submit_new(
    app: &App,
    ctx: &Ctx,
    place: NewTicketPlace,
    ticket_prefix: &str,
    form: UploadForm,
) -> WebResult<Response> {
    use kabinet_core::privacy::{ConsentChannel, ConsentKind};
    let data = FormData(form.fields.0.clone());
    let had_files = !form.files.is_empty();
    let consent = crate::privacy::to_ask(app, ctx.user()?).await?;
    let typed = data.typed::<NewTicketForm>()?;
    let result = if consent.is_some() && typed.consent_processing.is_empty() {
        // Nothing is opened without the consent asked.
        Err(kabinet_app::FieldErrors::single(
            "consent_processing",
            "consent-required",
        ))
    } else {
        match typed.checked(form.files) {
            Ok(new) => tickets::open(app, &ctx.actor()?, ctx.user()?, place.customer.id, new).await,
            Err(e) => Err(e),
        }
    };
    match result {
        Ok(t) => {
            if consent.is_some() {
                kabinet_app::privacy::consents::give(
                    app,
                    &ctx.actor()?,
                    ctx.user()?,
                    &[ConsentKind::Processing],
                    ConsentChannel::Ticket,
                )
                .await?;
            }
            Ok(Redirect::to(&format!("{ticket_prefix}/{}?ok=ticket-opened", t.id)).into_response())
        }
        Err(e) => {
            let f = again(ctx, &data, e, had_files)?;
            let p = new_page(app, ctx, place, Some(f)).await?;
            Ok(with_status(StatusCode::UNPROCESSABLE_ENTITY, p))
        }
    }
}

/// The form shown again with what went wrong. Files chosen must be chosen again (a browser
/// does not keep them in a form shown anew), and the message says so.
pub(super) fn again(ctx: &Ctx, data: &FormData, e: AppError, had_files: bool) -> WebResult<FormState> {
    let lang = ctx.0.lang;
    let mut f = match e {
        AppError::Validation(errors) => FormState::from_data(data)
            .with_errors(lang, &errors)
            .with_general(lang.t("err-form-has-errors")),
        AppError::Refused(code) | AppError::Conflict(code) => {
            FormState::from_data(data).with_general(lang.t(code.message_key()))
        }
        other => return Err(WebError::App(other)),
    };
    if had_files {
        f = f.with_general_info(lang.t("ticket-attach-again"));
    }
    Ok(f)
}

#[derive(Template, WebTemplate)]
#[template(path = "ticket.html")]
pub struct TicketPage {
    pub c: Chrome,
    pub t: Ticket,
    pub reaction: ClockView,
    pub resolution: ClockView,
    pub messages: Vec<MessageView>,
    pub files: Vec<Attachment>,
    pub description_html: String,
    /// `/tickets/{id}` or `/crm/tickets/{id}`.
    pub base: String,
    pub can_write: bool,
    pub can_reopen: bool,
    pub f: FormState,
    pub staff: Option<super::backoffice::StaffPanel>,
}

pub(super) async fn ticket_page(
    app: &App,
    ctx: &Ctx,
    c: Chrome,
    t: Ticket,
    f: Option<FormState>,
    staff: Option<super::backoffice::StaffPanel>,
) -> WebResult<TicketPage> {
    let who = ctx.user()?;
    let now = kabinet_app::time::now();
    let (reaction, resolution) = clocks_of(&c, &t, now);
    let (messages, files) = shown(
        tickets::messages(app, who, &t).await?,
        tickets::attachments(app, who, &t).await?,
    );
    let closed = t.status == TicketStatus::Closed;
    let permission = if who.is_staff() {
        Permission::TicketsWork
    } else {
        Permission::CabinetTickets
    };
    let can_write = allows(Some(who.role), permission);
    let can_reopen = closed
        && can_write
        && (who.is_staff()
            || t.closed_at
                .is_none_or(|at| may_reopen(at, now, app.config.support.reopen_days)));
    Ok(TicketPage {
        base: format!("{}/tickets/{}", if who.is_staff() { "/crm" } else { "" }, t.id),
        description_html: super::markdown::to_html(&t.description),
        f: f.unwrap_or_else(|| FormState::empty().with_value("wait_for_customer", "on")),
        reaction,
        resolution,
        messages,
        files,
        can_write,
        can_reopen,
        staff,
        t,
        c,
    })
}
