//! The register of a customer's lines: filtered by account, group, label, status and any text
//! (number, employee, position, e-mail, ICC), sorted, paged; a selection of lines for a bulk
//! action ("these", or "all that match the filter"); one line with its forwarding and history.

use std::collections::HashMap;

use kabinet_core::assets::lines::{self as rules, LineStatus};
use kabinet_core::search::SearchQuery;
use kabinet_store::entities::account::{self, Entity as Account};
use kabinet_store::entities::asset_assignment::{self, Entity as Assignment};
use kabinet_store::entities::line::{self, Entity as LineRow};
use kabinet_store::entities::line_forwarding::{self, Entity as ForwardingRow};
use kabinet_store::entities::line_group::{self, Entity as GroupRow};
use kabinet_store::entities::line_label::{self, Entity as LabelRow};
use kabinet_store::entities::line_label_link::{self, Entity as LinkRow};
use kabinet_store::entities::line_option::Entity as OptionRow;
use kabinet_store::entities::line_option_link::{self, Entity as OptionLinkRow};
use kabinet_store::entities::line_tariff::{self, Entity as TariffRow};
use sea_orm::sea_query::{ColumnRef, Expr, Query};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Select};

use super::views::{ForwardingRule, GroupRef, LabelRef, Line, LineDetail};
use crate::access::Identity;
use crate::listing::{Page, Sort};
use crate::{App, AppError, AppResult, FieldErrors};

/// Most lines the register counts; past this it says "more than" (counting an account's
/// 100,000 lines on every page would cost more than the page).
pub const COUNT_CAP: u64 = 1_000;

/// Most lines a text search on SQLite hands to the register as a list of ids; past this the
/// index is asked inside the register's own query.
const FEW_MATCHES: u64 = 2_000;

/// Most lines one bulk action takes.
pub const MAX_SELECTED: usize = 100_000;

/// The orders the register offers: by number (the default), by employee, newest first.
pub const SORTS: [&str; 3] = ["phone", "employee", "added"];

/// What the register narrows to; each part optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineFilter {
    pub account_id: Option<i64>,
    pub group_id: Option<i64>,
    /// Lines in no group.
    pub no_group: bool,
    pub label_id: Option<i64>,
    pub tariff_id: Option<i64>,
    /// Lines in the care of this line manager.
    pub manager_id: Option<i64>,
    pub status: Option<LineStatus>,
    /// Any part of the number, the employee's name, position or e-mail, or the ICC.
    pub text: Option<String>,
}

/// The lines of the customer `who` works with (its own, or `customer_id` for staff).
async fn scoped<C: ConnectionTrait>(
    db: &C,
    who: &Identity,
    customer_id: i64,
    accounts: Vec<i64>,
    f: &LineFilter,
) -> AppResult<Select<LineRow>> {
    let backend = db.get_database_backend();
    let words = f.text.as_deref().and_then(SearchQuery::parse);
    // On SQLite, a text that few lines hold becomes the list of their ids, which the query
    // starts from; the other filters on lines' ids are then asked of each of those few lines
    // (`EXISTS`, one index probe a line) instead of as a list: SQLite would build the list of a
    // label's 25,000 lines on every page (4 ms of the page) or rather start from it.
    let few = match &words {
        Some(w) if backend == sea_orm::DbBackend::Sqlite && w.is_indexable() => {
            let ids = kabinet_store::search::lines_matching(db, w, FEW_MATCHES + 1).await?;
            (ids.len() as u64 <= FEW_MATCHES).then_some(ids)
        }
        _ => None,
    };
    // `sub` selects the ids of lines from `column` of its table.
    let among = |mut sub: sea_orm::sea_query::SelectStatement, column: ColumnRef| -> Condition {
        use sea_orm::sea_query::ExprTrait;
        let id = (LineRow, line::Column::AssetId);
        if few.is_some() {
            Condition::all().add(Expr::exists(sub.and_where(Expr::col(column).equals(id)).to_owned()))
        } else {
            Condition::all().add(Expr::col(id).in_subquery(sub))
        }
    };
    let mut q = LineRow::find();
    match f.account_id {
        // Another customer's account finds nothing rather than telling it exists.
        Some(a) if accounts.contains(&a) => q = q.filter(line::Column::AccountId.eq(a)),
        Some(_) => return Err(AppError::NotFound),
        None => q = q.filter(line::Column::AccountId.is_in(accounts)),
    }
    let in_care_of = crate::assets::assignments::in_care_of;
    let assigned = ColumnRef::from((Assignment, asset_assignment::Column::AssetId));
    if who.customer_id == Some(customer_id) && crate::assets::assignments::narrows(who) {
        q = q.filter(among(in_care_of(who.user_id), assigned.clone()));
    }
    if let Some(g) = f.group_id {
        q = q.filter(line::Column::GroupId.eq(g));
    } else if f.no_group {
        q = q.filter(line::Column::GroupId.is_null());
    }
    if let Some(l) = f.label_id {
        q = q.filter(among(
            Query::select()
                .column(line_label_link::Column::LineId)
                .from(LinkRow)
                .and_where(line_label_link::Column::LabelId.eq(l))
                .to_owned(),
            ColumnRef::from((LinkRow, line_label_link::Column::LineId)),
        ));
    }
    if let Some(m) = f.manager_id {
        q = q.filter(among(in_care_of(m), assigned));
    }
    if let Some(t) = f.tariff_id {
        q = q.filter(line::Column::TariffId.eq(t));
    }
    if let Some(s) = f.status {
        q = q.filter(line::Column::LineStatus.eq(s));
    }
    if let Some(words) = words {
        q = match few {
            Some(ids) => q.filter(line::Column::AssetId.is_in(ids)),
            None => q.filter(kabinet_store::search::lines_condition(backend, &words)),
        };
    }
    Ok(q)
}

/// One page of the customer's lines through `f`, in the order `sort` names.
pub async fn list(
    app: &App,
    who: &Identity,
    customer_id: Option<i64>,
    f: &LineFilter,
    sort: &Sort,
    page: u64,
    per_page: u64,
) -> AppResult<Page<Line>> {
    who.require(&[
        kabinet_core::access::Permission::CabinetView,
        kabinet_core::access::Permission::CustomersRead,
    ])?;
    let customer_id = super::customer_of(app, who, customer_id).await?;
    let accounts = super::account_ids(&app.db.conn, customer_id).await?;
    let q = scoped(&app.db.conn, who, customer_id, accounts, f).await?;
    let (column, tie) = match sort.key {
        "employee" => (line::Column::EmployeeName, line::Column::Phone),
        "added" => (line::Column::AssetId, line::Column::AssetId),
        _ => (line::Column::Phone, line::Column::Phone),
    };
    let rows = q
        .clone()
        .order_by(column, sort.order())
        .order_by(tie, sort.order())
        .offset(page.saturating_sub(1) * per_page)
        .limit(per_page)
        .all(&app.db.conn)
        .await?;
    let total = if page <= 1 && (rows.len() as u64) < per_page {
        rows.len() as u64
    } else {
        crate::listing::capped_count(&app.db.conn, q, line::Column::AssetId, COUNT_CAP).await?
    };
    Ok(Page {
        items: views_of(&app.db.conn, customer_id, rows).await?,
        total,
        page,
        per_page,
    })
}

/// Which lines a bulk action takes: those ticked, or every line the filter finds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    Lines(Vec<i64>),
    Matching(LineFilter),
}

/// The ids of the selected lines `who` may see, at most [`MAX_SELECTED`]; a ticked line that is
/// not the customer's (or not in a line manager's care) is refused rather than skipped.
pub(crate) async fn selected<C: ConnectionTrait>(
    db: &C,
    who: &Identity,
    customer_id: i64,
    selection: &Selection,
) -> AppResult<Vec<i64>> {
    let accounts = super::account_ids(db, customer_id).await?;
    let (f, ticked) = match selection {
        Selection::Lines(ids) if ids.is_empty() => return Err(FieldErrors::single("lines", "lines-none-selected")),
        Selection::Lines(ids) if ids.len() > MAX_SELECTED => {
            return Err(FieldErrors::single("lines", "lines-too-many-selected"));
        }
        Selection::Lines(ids) => (LineFilter::default(), Some(ids)),
        Selection::Matching(f) => (f.clone(), None),
    };
    let mut q = scoped(db, who, customer_id, accounts, &f)
        .await?
        .select_only()
        .column(line::Column::AssetId);
    if let Some(ids) = ticked {
        q = q.filter(line::Column::AssetId.is_in(ids.iter().copied()));
    }
    let found: Vec<i64> = q.limit(MAX_SELECTED as u64 + 1).into_tuple::<i64>().all(db).await?;
    if let Some(ids) = ticked {
        let mut wanted = ids.clone();
        wanted.sort_unstable();
        wanted.dedup();
        if wanted.len() != found.len() {
            return Err(AppError::NotFound);
        }
    }
    if found.len() > MAX_SELECTED {
        return Err(FieldErrors::single("lines", "lines-too-many-selected"));
    }
    if found.is_empty() {
        return Err(FieldErrors::single("lines", "lines-none-selected"));
    }
    Ok(found)
}

/// One line with its forwarding rules and the newest of its history.
pub async fn get(app: &App, who: &Identity, id: i64) -> AppResult<LineDetail> {
    who.require(&[
        kabinet_core::access::Permission::CabinetView,
        kabinet_core::access::Permission::CustomersRead,
    ])?;
    let (row, customer_id) = super::visible_row(app, &app.db.conn, who, id).await?;
    let rules_of_line = ForwardingRow::find()
        .filter(line_forwarding::Column::LineId.eq(id))
        .all(&app.db.conn)
        .await?;
    let forwarding = forwarding_of(rules_of_line);
    let options = OptionLinkRow::find()
        .find_also_related(OptionRow)
        .filter(line_option_link::Column::LineId.eq(id))
        .all(&app.db.conn)
        .await?
        .into_iter()
        .filter_map(|(_, o)| o.map(|o| o.name))
        .collect();
    let history = crate::audit::about_object(app, "asset", id, 100).await?;
    let line = views_of(&app.db.conn, customer_id, vec![row])
        .await?
        .pop()
        .ok_or(AppError::NotFound)?;
    Ok(LineDetail {
        photo: super::photos::version_of(&app.db.conn, id).await?,
        line,
        forwarding,
        options,
        history,
    })
}

/// The rules in the order a person reads them, each marked waiting while an unconditional
/// rule takes every call.
fn forwarding_of(mut rows: Vec<line_forwarding::Model>) -> Vec<ForwardingRule> {
    use rules::ForwardingCondition::*;
    let rank = |c: rules::ForwardingCondition| {
        [Unconditional, Busy, NoAnswer, Unreachable]
            .iter()
            .position(|x| *x == c)
    };
    rows.sort_by_key(|r| rank(r.condition));
    let unconditional = rows.iter().any(|r| r.condition == Unconditional);
    rows.into_iter()
        .map(|r| ForwardingRule {
            waiting: unconditional && r.condition != Unconditional,
            condition: r.condition,
            target: r.target,
            delay_seconds: r.delay_seconds.and_then(|d| u32::try_from(d).ok()),
        })
        .collect()
}

/// Views of `rows` (all the customer's), with their groups, labels and accounts' currencies
/// read in three more queries whatever the page's length.
pub(crate) async fn views_of<C: ConnectionTrait>(
    db: &C,
    customer_id: i64,
    rows: Vec<line::Model>,
) -> AppResult<Vec<Line>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let groups: HashMap<i64, GroupRef> = GroupRow::find()
        .filter(line_group::Column::CustomerId.eq(customer_id))
        .all(db)
        .await?
        .into_iter()
        .map(|g| {
            (
                g.id,
                GroupRef {
                    id: g.id,
                    name: g.name,
                    icon: g.icon,
                    colour: g.colour,
                },
            )
        })
        .collect();
    let ids: Vec<i64> = rows.iter().map(|r| r.asset_id).collect();
    let mut labels: HashMap<i64, Vec<LabelRef>> = HashMap::new();
    for (link, label) in LinkRow::find()
        .find_also_related(LabelRow)
        .filter(line_label_link::Column::LineId.is_in(ids))
        .order_by_asc(line_label::Column::Name)
        .all(db)
        .await?
    {
        if let Some(label) = label {
            labels.entry(link.line_id).or_default().push(LabelRef {
                id: label.id,
                name: label.name,
            });
        }
    }
    let mut tariff_ids: Vec<i64> = rows.iter().filter_map(|r| r.tariff_id).collect();
    tariff_ids.sort_unstable();
    tariff_ids.dedup();
    let tariffs: HashMap<i64, String> = if tariff_ids.is_empty() {
        HashMap::new()
    } else {
        TariffRow::find()
            .select_only()
            .column(line_tariff::Column::Id)
            .column(line_tariff::Column::Name)
            .filter(line_tariff::Column::Id.is_in(tariff_ids))
            .into_tuple::<(i64, String)>()
            .all(db)
            .await?
            .into_iter()
            .collect()
    };
    let currencies: HashMap<i64, kabinet_core::money::Currency> = Account::find()
        .filter(account::Column::CustomerId.eq(customer_id))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id, a.currency))
        .collect();
    rows.into_iter()
        .map(|r| {
            // Every line's account is the customer's (the line was checked against it when it
            // was given out); one that is not is an inconsistency to report, not to paper over.
            let currency = currencies.get(&r.account_id).copied().ok_or(AppError::NotFound)?;
            Ok(Line {
                id: r.asset_id,
                customer_id,
                account_id: r.account_id,
                currency,
                phone: r.phone,
                icc: r.icc,
                status: r.line_status,
                employee_name: r.employee_name,
                employee_position: r.employee_position,
                employee_email: r.employee_email,
                employee_comment: r.employee_comment,
                spending_limit_minor: r.spending_limit_minor,
                group: r.group_id.and_then(|g| groups.get(&g).cloned()),
                tariff: r.tariff_id.and_then(|t| {
                    tariffs.get(&t).map(|name| super::views::TariffRef {
                        id: t,
                        name: name.clone(),
                    })
                }),
                labels: labels.remove(&r.asset_id).unwrap_or_default(),
            })
        })
        .collect()
}
