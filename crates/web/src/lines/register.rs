//! The register of lines: filters (account, group, label, status, any text), sortable columns,
//! pages, and a bulk action on the lines ticked or on every line the filter finds.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Redirect, Response};
use kabinet_app::App;
use kabinet_app::billing::accounts;
use kabinet_app::lines::groups::{self, BulkAction};
use kabinet_app::lines::register::{self, LineFilter, Selection};
use kabinet_app::lines::views::{GroupRef, Line, ReserveSim};
use kabinet_app::{AppError, FieldErrors};
use kabinet_core::access::Permission;
use kabinet_core::assets::lines::LineStatus;

use super::prefix;
use crate::error::WebResult;
use crate::extract::{Ctx, FormData};
use crate::form::FormState;
use crate::guard::FaceOf;
use crate::http::path_id;
use crate::pages::{Chrome, ListQuery, SortLinks};

/// Lines on one page of the register.
const PER_PAGE: u64 = 50;

/// The filter's fields, as the list's query string and the bulk form's hidden fields name them.
pub(super) const FILTER_KEYS: [&str; 7] = ["q", "account", "group", "label", "tariff", "manager", "status"];

/// The register's filter as typed: a value that is no choice is the field's problem.
pub(super) fn filter_of(get: impl Fn(&str) -> Option<String>) -> Result<LineFilter, FieldErrors> {
    let mut errors = FieldErrors::new();
    let account_id = get("account").and_then(|v| errors.choice::<i64>("account", &v));
    let label_id = get("label").and_then(|v| errors.choice::<i64>("label", &v));
    let tariff_id = get("tariff").and_then(|v| errors.choice::<i64>("tariff", &v));
    let manager_id = get("manager").and_then(|v| errors.choice::<i64>("manager", &v));
    let (group_id, no_group) = match get("group").as_deref() {
        Some("none") => (None, true),
        Some(v) => (errors.choice::<i64>("group", v), false),
        None => (None, false),
    };
    let status = get("status").and_then(|v| errors.choice::<LineStatus>("status", &v));
    errors.into_result().map_err(|e| match e {
        AppError::Validation(f) => f,
        _ => FieldErrors::new(),
    })?;
    Ok(LineFilter {
        account_id,
        group_id,
        no_group,
        label_id,
        tariff_id,
        manager_id,
        status,
        text: get("q"),
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "lines.html")]
pub struct LinesPage {
    c: Chrome,
    prefix: &'static str,
    /// The customer, on the back office's face.
    customer: Option<kabinet_app::crm::views::Customer>,
    f: FormState,
    items: Vec<Line>,
    total_label: String,
    page: u64,
    pages: u64,
    base: String,
    s: SortLinks,
    /// The filter as hidden fields of the bulk form.
    filter_pairs: Vec<(String, String)>,
    accounts: Vec<(String, String)>,
    groups: Vec<GroupRef>,
    group_options: Vec<(String, String)>,
    label_options: Vec<(String, String)>,
    tariff_options: Vec<(String, String)>,
    manager_options: Vec<(String, String)>,
    status_options: Vec<(String, String)>,
    bulk_actions: Vec<(String, String)>,
    may_manage: bool,
    /// Staff who give lines out: the forms to add a line and reserve SIMs.
    may_administer: bool,
    staff_form: FormState,
    reserve_form: FormState,
    reserve: Vec<ReserveSim>,
}

impl LinesPage {
    fn ticks(&self) -> bool {
        self.may_manage && !self.items.is_empty()
    }
}

/// Forms of the back office's register shown again after a refusal.
#[derive(Default)]
pub(super) struct StaffForms {
    pub line: Option<FormState>,
    pub reserve: Option<FormState>,
}

pub(super) async fn list_page(
    app: &App,
    ctx: &Ctx,
    customer_id: Option<i64>,
    raw: &str,
    staff: StaffForms,
) -> WebResult<LinesPage> {
    let who = ctx.user()?;
    let p = prefix(ctx);
    let q = ListQuery::parse(raw);
    let mut f = q.form(&FILTER_KEYS);
    let sort = q.sort(&register::SORTS, None);
    let page = q
        .get("page")
        .and_then(|v| v.parse().ok())
        .unwrap_or(1u64)
        .clamp(1, 100_000);
    let customer = match customer_id {
        Some(id) => Some(kabinet_app::customers::get_visible(app, who, id).await?),
        None => None,
    };
    let found = match filter_of(|k| q.get(k)) {
        Ok(filter) => match register::list(app, who, customer_id, &filter, &sort, page, PER_PAGE).await {
            Ok(found) => found,
            // An account of someone else's is "no such account" at the filter, not a 404 page.
            Err(AppError::NotFound) if filter.account_id.is_some() => {
                f = f.with_errors(ctx.0.lang, &single("account", "invalid-choice"));
                kabinet_app::listing::Page::empty(page, PER_PAGE)
            }
            Err(e) => return Err(e.into()),
        },
        Err(errors) => {
            f = f.with_errors(ctx.0.lang, &errors);
            kabinet_app::listing::Page::empty(page, PER_PAGE)
        }
    };
    let path = match customer_id {
        Some(id) => format!("/crm/customers/{id}/lines"),
        None => "/lines".to_owned(),
    };
    let nav = if customer_id.is_some() {
        "/crm/customers"
    } else {
        "/lines"
    };
    let c = Chrome::new(&ctx.0, nav, &app.config.display_time_zone).with_flash(q.get("ok").as_deref());
    let kept = q.without_paging();
    let kept: String = form_urlencoded::parse(kept.as_bytes())
        .filter(|(k, _)| k != "ok")
        .fold(form_urlencoded::Serializer::new(String::new()), |mut s, (k, v)| {
            s.append_pair(&k, &v);
            s
        })
        .finish();
    let base = format!("{path}?{kept}{}", if kept.is_empty() { "" } else { "&" });
    let s = SortLinks::new(&base, &sort);
    let (groups_list, labels_list) = groups::choices(app, who, customer_id).await?;
    let owner = customer_id.or(who.customer_id).ok_or(AppError::NotFound)?;
    let own_accounts = accounts::of_customer(app, owner).await?;
    let all = c.t("all");
    let with_all = |items: Vec<(String, String)>| -> Vec<(String, String)> {
        std::iter::once((String::new(), all.clone())).chain(items).collect()
    };
    let mut group_options = with_all(groups_list.iter().map(|g| (g.id.to_string(), g.name.clone())).collect());
    group_options.push(("none".into(), c.t("lines-no-group")));
    let mut bulk_actions: Vec<(String, String)> = Vec::new();
    for g in &groups_list {
        bulk_actions.push((format!("group:{}", g.id), c.t1("lines-bulk-to-group", "name", &g.name)));
    }
    bulk_actions.push(("group:none".into(), c.t("lines-bulk-no-group")));
    for l in &labels_list {
        bulk_actions.push((
            format!("label_add:{}", l.id),
            c.t1("lines-bulk-label-add", "name", &l.name),
        ));
        bulk_actions.push((
            format!("label_remove:{}", l.id),
            c.t1("lines-bulk-label-remove", "name", &l.name),
        ));
    }
    for s in [LineStatus::Blocked, LineStatus::Active, LineStatus::Suspended] {
        bulk_actions.push((format!("status:{s}"), c.tk("lines-bulk-status-", &s)));
    }
    // The customer's line managers: the register filters by them, and a coordinator gives
    // them lines or takes lines back.
    let managers: Vec<(i64, String)> = if ctx.0.face == FaceOf::Crm || kabinet_app::assets::assignments::narrows(who) {
        Vec::new()
    } else {
        kabinet_app::customers::users_of(app, owner)
            .await?
            .into_iter()
            .filter(|u| u.customer_role == Some(kabinet_core::access::CustomerRole::LineManager))
            .map(|u| (u.id, u.display_name))
            .collect()
    };
    if c.may(Permission::CabinetManageUsers) {
        for (id, name) in &managers {
            bulk_actions.push((format!("give:{id}"), c.t1("lines-bulk-give", "name", name)));
            bulk_actions.push((format!("take:{id}"), c.t1("lines-bulk-take", "name", name)));
        }
    }
    let total_label = if found.total > register::COUNT_CAP {
        format!("> {}", c.n(register::COUNT_CAP))
    } else {
        c.n(found.total)
    };
    let face_crm = ctx.0.face == FaceOf::Crm;
    let may_administer = face_crm && c.may(Permission::LinesAdminister);
    let reserve = if may_administer || !face_crm {
        kabinet_app::lines::sims::reserve(app, who, customer_id).await?
    } else {
        Vec::new()
    };
    let account_choices: Vec<(String, String)> = own_accounts
        .iter()
        .map(|a| (a.id.to_string(), format!("{} · {}", a.number, a.title)))
        .collect();
    Ok(LinesPage {
        prefix: p,
        customer,
        f,
        total_label,
        page: found.page,
        pages: found.pages(),
        items: found.items,
        base: format!("{base}{}", s.query()),
        s,
        filter_pairs: FILTER_KEYS
            .iter()
            .filter_map(|k| q.get(k).map(|v| (format!("f_{k}"), v)))
            .collect(),
        accounts: with_all(account_choices.clone()),
        group_options,
        label_options: with_all(labels_list.iter().map(|l| (l.id.to_string(), l.name.clone())).collect()),
        manager_options: with_all(managers.iter().map(|(id, n)| (id.to_string(), n.clone())).collect()),
        tariff_options: with_all(
            kabinet_app::lines::catalogue::offers(app, who, kabinet_app::lines::catalogue::Shelf::Tariffs, true)
                .await?
                .into_iter()
                .map(|t| (t.id.to_string(), t.name))
                .collect(),
        ),
        status_options: with_all(
            LineStatus::ALL
                .iter()
                .map(|s| (s.as_str().to_owned(), c.tk("line-status-", s)))
                .collect(),
        ),
        bulk_actions,
        groups: groups_list,
        may_manage: !face_crm && c.may(Permission::CabinetLinesManage),
        may_administer,
        staff_form: staff.line.unwrap_or_else(|| {
            FormState::empty().with_value(
                "account_id",
                account_choices.first().map(|a| a.0.clone()).unwrap_or_default(),
            )
        }),
        reserve_form: staff.reserve.unwrap_or_else(|| {
            FormState::empty().with_value(
                "account_id",
                account_choices.first().map(|a| a.0.clone()).unwrap_or_default(),
            )
        }),
        reserve,
        c,
    })
}

fn single(field: &str, code: &str) -> FieldErrors {
    let mut e = FieldErrors::new();
    e.add(field, code);
    e
}

pub async fn cabinet_list(State(app): State<App>, ctx: Ctx, RawQuery(raw): RawQuery) -> WebResult<Response> {
    let raw = raw.unwrap_or_default();
    Ok(list_page(&app, &ctx, None, &raw, StaffForms::default())
        .await?
        .into_response())
}

pub async fn crm_list(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> WebResult<Response> {
    let id = path_id(&id)?;
    let raw = raw.unwrap_or_default();
    Ok(list_page(&app, &ctx, Some(id), &raw, StaffForms::default())
        .await?
        .into_response())
}

/// A bulk action as the form names it: `group:<id>`, `group:none`, `label_add:<id>`,
/// `label_remove:<id>`, `status:<status>`.
fn action_of(typed: &str) -> Option<BulkAction> {
    let (kind, value) = typed.split_once(':')?;
    Some(match (kind, value) {
        ("group", "none") => BulkAction::Group(None),
        ("group", id) => BulkAction::Group(Some(id.parse().ok()?)),
        ("label_add", id) => BulkAction::AddLabel(id.parse().ok()?),
        ("label_remove", id) => BulkAction::RemoveLabel(id.parse().ok()?),
        ("status", s) => BulkAction::Status(s.parse().ok()?),
        ("give", id) => BulkAction::GiveTo(id.parse().ok()?),
        ("take", id) => BulkAction::TakeFrom(id.parse().ok()?),
        _ => return None,
    })
}

/// Carries out a bulk action and comes back to the register as it was filtered.
pub async fn bulk(State(app): State<App>, ctx: Ctx, form: FormData) -> WebResult<Response> {
    let get = |k: &str| {
        form.all(&format!("f_{k}"))
            .next()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    let kept: Vec<(&str, String)> = FILTER_KEYS.iter().filter_map(|k| get(k).map(|v| (*k, v))).collect();
    let back = |extra: &str| {
        let mut s = form_urlencoded::Serializer::new(String::new());
        s.extend_pairs(kept.iter().map(|(k, v)| (*k, v.as_str())));
        s.append_pair("ok", extra);
        format!("/lines?{}", s.finish())
    };
    let selection = match form.all("scope").next() {
        Some("matching") => Selection::Matching(filter_of(get).map_err(AppError::Validation)?),
        _ => {
            let mut ids = Vec::new();
            for v in form.all("line") {
                ids.push(path_id(v)?);
            }
            Selection::Lines(ids)
        }
    };
    let result = match form.all("action").next().and_then(action_of) {
        Some(action) => groups::bulk(&app, &ctx.actor()?, ctx.user()?, &selection, &action).await,
        None => Err(FieldErrors::single("action", "invalid-choice")),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&back("lines-bulk-done")).into_response()),
        Err(AppError::Validation(errors)) => {
            // Shown above the register as it was, with what to fix.
            let raw = form_urlencoded::Serializer::new(String::new())
                .extend_pairs(kept.iter().map(|(k, v)| (*k, v.as_str())))
                .finish();
            let mut page = list_page(&app, &ctx, None, &raw, StaffForms::default()).await?;
            let lang = ctx.0.lang;
            let first = errors
                .0
                .first()
                .map(|(_, code)| lang.t(&format!("err-{code}")))
                .unwrap_or_default();
            page.f = page.f.with_general(first);
            Ok(crate::form::with_status(
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                page,
            ))
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bulk_actions_are_read_from_their_names_only() {
        assert_eq!(action_of("group:7"), Some(BulkAction::Group(Some(7))));
        assert_eq!(action_of("group:none"), Some(BulkAction::Group(None)));
        assert_eq!(action_of("label_add:3"), Some(BulkAction::AddLabel(3)));
        assert_eq!(action_of("label_remove:3"), Some(BulkAction::RemoveLabel(3)));
        assert_eq!(
            action_of("status:blocked"),
            Some(BulkAction::Status(LineStatus::Blocked))
        );
        for bad in ["", "group", "group:x", "status:gone", "delete:1", "label_add:-"] {
            assert_eq!(action_of(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_filter_value_that_is_no_choice_is_its_fields_problem() {
        let typed = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| (*v).to_owned())
        };
        let f = filter_of(typed(&[("group", "none"), ("q", "иванов"), ("status", "blocked")])).unwrap();
        assert!(f.no_group && f.group_id.is_none());
        assert_eq!(f.status, Some(LineStatus::Blocked));
        assert_eq!(f.text.as_deref(), Some("иванов"));
        let e = filter_of(typed(&[("group", "x"), ("label", "1 OR 1=1"), ("status", "lost")])).unwrap_err();
        let fields: Vec<&str> = e.0.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(fields, ["label", "group", "status"]);
        assert!(filter_of(typed(&[("account", "2")])).unwrap().account_id == Some(2));
    }
}
