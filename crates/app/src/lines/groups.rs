//! A customer's groups of lines (one per line: a department, a site; with an icon and a
//! colour) and labels (many per line: a position, a duty), and the bulk actions on a selection
//! of lines: into a group, out of groups, a label on or off, blocked or unblocked.

use std::collections::{HashMap, HashSet};

use kabinet_core::access::Permission;
use kabinet_core::assets::lines::{self as rules, GroupIcon, LineStatus};
use kabinet_store::entities::line::{self, Entity as LineRow};
use kabinet_store::entities::line_group::{self, Entity as GroupRow};
use kabinet_store::entities::line_label::{self, Entity as LabelRow};
use kabinet_store::entities::line_label_link::{self, Entity as LinkRow};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde_json::json;

use super::register::{Selection, selected};
use super::views::{GroupRef, LabelRef, LineGroup, LineLabel};
use crate::access::{Actor, Identity};
use crate::{App, AppError, AppResult, FieldErrors, audit};

/// The customer's groups and labels by name, without counting their lines: what the register
/// offers to filter by and to act with on every page (counting a group of a 100,000-line
/// account would cost more than the page).
pub async fn choices(app: &App, who: &Identity, customer_id: Option<i64>) -> AppResult<(Vec<GroupRef>, Vec<LabelRef>)> {
    who.require(&[Permission::CabinetView, Permission::CustomersRead])?;
    let customer_id = super::customer_of(app, who, customer_id).await?;
    let groups = GroupRow::find()
        .filter(line_group::Column::CustomerId.eq(customer_id))
        .order_by_asc(line_group::Column::Name)
        .all(&app.db.conn)
        .await?
        .into_iter()
        .map(|g| GroupRef {
            id: g.id,
            name: g.name,
            icon: g.icon,
            colour: g.colour,
        })
        .collect();
    let labels = LabelRow::find()
        .filter(line_label::Column::CustomerId.eq(customer_id))
        .order_by_asc(line_label::Column::Name)
        .all(&app.db.conn)
        .await?
        .into_iter()
        .map(|l| LabelRef { id: l.id, name: l.name })
        .collect();
    Ok((groups, labels))
}

/// The customer's groups, by name, with how many lines each holds.
pub async fn groups(app: &App, who: &Identity, customer_id: Option<i64>) -> AppResult<Vec<LineGroup>> {
    who.require(&[Permission::CabinetView, Permission::CustomersRead])?;
    let customer_id = super::customer_of(app, who, customer_id).await?;
    let rows = GroupRow::find()
        .filter(line_group::Column::CustomerId.eq(customer_id))
        .order_by_asc(line_group::Column::Name)
        .all(&app.db.conn)
        .await?;
    let mut counted = LineRow::find()
        .select_only()
        .column(line::Column::GroupId)
        .column_as(Expr::cust("COUNT(*)"), "n")
        .filter(line::Column::GroupId.is_in(rows.iter().map(|g| g.id)));
    // A line manager counts the lines in its care only.
    if crate::assets::assignments::narrows(who) {
        counted =
            counted.filter(line::Column::AssetId.in_subquery(crate::assets::assignments::in_care_of(who.user_id)));
    }
    let counts: HashMap<i64, i64> = counted
        .group_by(line::Column::GroupId)
        .into_tuple::<(i64, i64)>()
        .all(&app.db.conn)
        .await?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .map(|g| {
            let n = counts.get(&g.id).copied().unwrap_or(0).max(0) as u64;
            LineGroup::of(g, n)
        })
        .collect())
}

/// The customer's labels, by name, with how many lines carry each.
pub async fn labels(app: &App, who: &Identity, customer_id: Option<i64>) -> AppResult<Vec<LineLabel>> {
    who.require(&[Permission::CabinetView, Permission::CustomersRead])?;
    let customer_id = super::customer_of(app, who, customer_id).await?;
    let rows = LabelRow::find()
        .filter(line_label::Column::CustomerId.eq(customer_id))
        .order_by_asc(line_label::Column::Name)
        .all(&app.db.conn)
        .await?;
    let mut counted = LinkRow::find()
        .select_only()
        .column(line_label_link::Column::LabelId)
        .column_as(Expr::cust("COUNT(*)"), "n")
        .filter(line_label_link::Column::LabelId.is_in(rows.iter().map(|l| l.id)));
    if crate::assets::assignments::narrows(who) {
        counted = counted
            .filter(line_label_link::Column::LineId.in_subquery(crate::assets::assignments::in_care_of(who.user_id)));
    }
    let counts: HashMap<i64, i64> = counted
        .group_by(line_label_link::Column::LabelId)
        .into_tuple::<(i64, i64)>()
        .all(&app.db.conn)
        .await?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .map(|l| {
            let n = counts.get(&l.id).copied().unwrap_or(0).max(0) as u64;
            LineLabel::of(l, n)
        })
        .collect())
}

/// A group as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct GroupInput {
    pub name: String,
    pub icon: String,
    pub colour: String,
}

fn checked_group(input: &GroupInput) -> AppResult<(String, GroupIcon, String)> {
    let mut errors = FieldErrors::new();
    let name = errors.one_line("name", &input.name, rules::GROUP_NAME_MAX, true);
    let icon = if input.icon.trim().is_empty() {
        Some(GroupIcon::People)
    } else {
        errors.choice("icon", &input.icon)
    };
    let colour = if input.colour.trim().is_empty() {
        Some(rules::GROUP_COLOURS[0].to_owned())
    } else {
        let c = rules::colour(&input.colour);
        if c.is_none() {
            errors.add("colour", "line-group-colour");
        }
        c
    };
    errors.into_result()?;
    match (name, icon, colour) {
        (Some(n), Some(i), Some(c)) => Ok((n, i, c)),
        _ => Err(FieldErrors::single("name", "text-empty")),
    }
}

fn name_taken(e: sea_orm::DbErr) -> AppError {
    if kabinet_store::is_unique_violation(&e) {
        FieldErrors::single("name", "line-name-taken")
    } else {
        e.into()
    }
}

/// Creates a group of the caller's customer.
pub async fn create_group(app: &App, actor: &Actor, who: &Identity, input: &GroupInput) -> AppResult<LineGroup> {
    who.require(&[Permission::CabinetLinesManage])?;
    let customer_id = super::customer_of(app, who, None).await?;
    let (name, icon, colour) = checked_group(input)?;
    let txn = app.db.write().await?;
    let g = line_group::ActiveModel {
        customer_id: Set(customer_id),
        name: Set(name),
        icon: Set(icon),
        colour: Set(colour),
        created_at: Set(kabinet_store::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(name_taken)?;
    audit::record(
        &txn,
        actor,
        "line_group.create",
        "customer",
        Some(customer_id),
        json!({"group_id": g.id, "name": &g.name}),
    )
    .await?;
    txn.commit().await?;
    Ok(LineGroup::of(g, 0))
}

async fn own_group<C: ConnectionTrait>(db: &C, customer_id: i64, id: i64) -> AppResult<line_group::Model> {
    GroupRow::find_by_id(id)
        .filter(line_group::Column::CustomerId.eq(customer_id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// Renames a group or changes its icon or colour.
pub async fn update_group(app: &App, actor: &Actor, who: &Identity, id: i64, input: &GroupInput) -> AppResult<()> {
    who.require(&[Permission::CabinetLinesManage])?;
    let customer_id = super::customer_of(app, who, None).await?;
    let (name, icon, colour) = checked_group(input)?;
    let txn = app.db.write().await?;
    let g = own_group(&txn, customer_id, id).await?;
    let changes = audit::diff(&[
        ("name", json!(g.name), json!(name)),
        ("icon", json!(g.icon), json!(icon)),
        ("colour", json!(g.colour), json!(colour)),
    ]);
    let mut active: line_group::ActiveModel = g.into();
    active.name = Set(name);
    active.icon = Set(icon);
    active.colour = Set(colour);
    active.update(&txn).await.map_err(name_taken)?;
    audit::record(
        &txn,
        actor,
        "line_group.update",
        "customer",
        Some(customer_id),
        json!({"group_id": id, "changes": changes}),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Deletes a group; its lines stay, in no group.
pub async fn delete_group(app: &App, actor: &Actor, who: &Identity, id: i64) -> AppResult<()> {
    who.require(&[Permission::CabinetLinesManage])?;
    let customer_id = super::customer_of(app, who, None).await?;
    let txn = app.db.write().await?;
    let g = own_group(&txn, customer_id, id).await?;
    let moved = LineRow::update_many()
        .col_expr(line::Column::GroupId, Expr::value(Option::<i64>::None))
        .filter(line::Column::GroupId.eq(id))
        .exec(&txn)
        .await?
        .rows_affected;
    GroupRow::delete_by_id(id).exec(&txn).await?;
    audit::record(
        &txn,
        actor,
        "line_group.delete",
        "customer",
        Some(customer_id),
        json!({"group_id": id, "name": g.name, "lines": moved}),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Creates a label of the caller's customer.
pub async fn create_label(app: &App, actor: &Actor, who: &Identity, name: &str) -> AppResult<LineLabel> {
    who.require(&[Permission::CabinetLinesManage])?;
    let customer_id = super::customer_of(app, who, None).await?;
    let mut errors = FieldErrors::new();
    let name = errors.one_line("name", name, rules::LABEL_NAME_MAX, true);
    errors.into_result()?;
    let name = name.ok_or_else(|| FieldErrors::single("name", "text-empty"))?;
    let txn = app.db.write().await?;
    let l = line_label::ActiveModel {
        customer_id: Set(customer_id),
        name: Set(name),
        created_at: Set(kabinet_store::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(name_taken)?;
    audit::record(
        &txn,
        actor,
        "line_label.create",
        "customer",
        Some(customer_id),
        json!({"label_id": l.id, "name": &l.name}),
    )
    .await?;
    txn.commit().await?;
    Ok(LineLabel::of(l, 0))
}

/// Deletes a label and takes it off every line.
pub async fn delete_label(app: &App, actor: &Actor, who: &Identity, id: i64) -> AppResult<()> {
    who.require(&[Permission::CabinetLinesManage])?;
    let customer_id = super::customer_of(app, who, None).await?;
    let txn = app.db.write().await?;
    let l = LabelRow::find_by_id(id)
        .filter(line_label::Column::CustomerId.eq(customer_id))
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let removed = LinkRow::delete_many()
        .filter(line_label_link::Column::LabelId.eq(id))
        .exec(&txn)
        .await?
        .rows_affected;
    LabelRow::delete_by_id(id).exec(&txn).await?;
    audit::record(
        &txn,
        actor,
        "line_label.delete",
        "customer",
        Some(customer_id),
        json!({"label_id": id, "name": l.name, "lines": removed}),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Gives one line exactly the labels `label_ids` (all the customer's).
pub async fn set_labels(app: &App, actor: &Actor, who: &Identity, id: i64, label_ids: &[i64]) -> AppResult<()> {
    who.require(&[Permission::CabinetLineSettings])?;
    let txn = app.db.write().await?;
    let (_, customer_id) = super::visible_row(app, &txn, who, id).await?;
    let own: HashSet<i64> = LabelRow::find()
        .select_only()
        .column(line_label::Column::Id)
        .filter(line_label::Column::CustomerId.eq(customer_id))
        .into_tuple::<i64>()
        .all(&txn)
        .await?
        .into_iter()
        .collect();
    let wanted: HashSet<i64> = label_ids.iter().copied().collect();
    if !wanted.is_subset(&own) {
        return Err(FieldErrors::single("labels", "invalid-choice"));
    }
    let before: HashSet<i64> = LinkRow::find()
        .select_only()
        .column(line_label_link::Column::LabelId)
        .filter(line_label_link::Column::LineId.eq(id))
        .into_tuple::<i64>()
        .all(&txn)
        .await?
        .into_iter()
        .collect();
    let added: Vec<i64> = wanted.difference(&before).copied().collect();
    let removed: Vec<i64> = before.difference(&wanted).copied().collect();
    if added.is_empty() && removed.is_empty() {
        return Ok(());
    }
    if !removed.is_empty() {
        LinkRow::delete_many()
            .filter(line_label_link::Column::LineId.eq(id))
            .filter(line_label_link::Column::LabelId.is_in(removed.clone()))
            .exec(&txn)
            .await?;
    }
    link(&txn, &[id], &added).await?;
    audit::record(
        &txn,
        actor,
        "line.labels",
        "asset",
        Some(id),
        json!({"added": added, "removed": removed}),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Puts labels on lines, leaving those already there.
async fn link<C: ConnectionTrait>(txn: &C, line_ids: &[i64], label_ids: &[i64]) -> AppResult<()> {
    let rows: Vec<line_label_link::ActiveModel> = line_ids
        .iter()
        .flat_map(|l| {
            label_ids.iter().map(|t| line_label_link::ActiveModel {
                line_id: Set(*l),
                label_id: Set(*t),
            })
        })
        .collect();
    // A few thousand rows per statement keeps under SQLite's limit of bound values.
    for chunk in rows.chunks(5_000) {
        LinkRow::insert_many(chunk.to_vec())
            .on_conflict(
                OnConflict::columns([line_label_link::Column::LineId, line_label_link::Column::LabelId])
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(txn)
            .await?;
    }
    Ok(())
}

/// What a bulk action does to every selected line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BulkAction {
    /// Into this group (`None`: out of any group).
    Group(Option<i64>),
    AddLabel(i64),
    RemoveLabel(i64),
    Status(LineStatus),
    /// Into the care of this line manager (a login of the customer's).
    GiveTo(i64),
    /// Out of this line manager's care.
    TakeFrom(i64),
}

/// What a bulk action did: lines changed, and lines left as they were because their status
/// does not allow it (a blocked line cannot be suspended).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct BulkOutcome {
    pub changed: u64,
    pub skipped: u64,
}

/// Carries out `action` on the selected lines of the caller's customer in one transaction,
/// with one audit record naming the action and how many lines it took.
pub async fn bulk(
    app: &App,
    actor: &Actor,
    who: &Identity,
    selection: &Selection,
    action: &BulkAction,
) -> AppResult<BulkOutcome> {
    who.require(&[Permission::CabinetLinesManage])?;
    let customer_id = super::customer_of(app, who, None).await?;
    if let BulkAction::GiveTo(user) | BulkAction::TakeFrom(user) = action {
        // Who sees which lines is access management: the coordinator's alone.
        who.require(&[Permission::CabinetManageUsers])?;
        crate::assets::assignments::check_line_manager(app, customer_id, *user).await?;
    }
    let txn = app.db.write().await?;
    let ids = selected(&txn, who, customer_id, selection).await?;
    let chunks = || ids.chunks(5_000);
    let mut outcome = BulkOutcome { changed: 0, skipped: 0 };
    match action {
        BulkAction::Group(group) => {
            if let Some(g) = group {
                own_group(&txn, customer_id, *g).await?;
            }
            for chunk in chunks() {
                outcome.changed += LineRow::update_many()
                    .col_expr(line::Column::GroupId, Expr::value(*group))
                    .col_expr(line::Column::UpdatedAt, Expr::value(kabinet_store::now()))
                    .filter(line::Column::AssetId.is_in(chunk.iter().copied()))
                    .exec(&txn)
                    .await?
                    .rows_affected;
            }
        }
        BulkAction::AddLabel(label) | BulkAction::RemoveLabel(label) => {
            LabelRow::find_by_id(*label)
                .filter(line_label::Column::CustomerId.eq(customer_id))
                .one(&txn)
                .await?
                .ok_or_else(|| FieldErrors::single("label", "invalid-choice"))?;
            if matches!(action, BulkAction::AddLabel(_)) {
                let before = LinkRow::find()
                    .filter(line_label_link::Column::LabelId.eq(*label))
                    .count(&txn)
                    .await?;
                link(&txn, &ids, &[*label]).await?;
                let after = LinkRow::find()
                    .filter(line_label_link::Column::LabelId.eq(*label))
                    .count(&txn)
                    .await?;
                outcome.changed = after - before;
            } else {
                for chunk in chunks() {
                    outcome.changed += LinkRow::delete_many()
                        .filter(line_label_link::Column::LabelId.eq(*label))
                        .filter(line_label_link::Column::LineId.is_in(chunk.iter().copied()))
                        .exec(&txn)
                        .await?
                        .rows_affected;
                }
            }
            outcome.skipped = ids.len() as u64 - outcome.changed;
        }
        BulkAction::Status(to) => {
            if *to == LineStatus::Confirming {
                return Err(FieldErrors::single("status", "invalid-choice"));
            }
            // Only the lines whose status may become `to` move; the others are counted.
            let from: Vec<&str> = LineStatus::ALL
                .iter()
                .filter(|s| s.can_become(*to))
                .map(|s| s.as_str())
                .collect();
            for chunk in chunks() {
                outcome.changed += LineRow::update_many()
                    .col_expr(line::Column::LineStatus, Expr::value(to.as_str()))
                    .col_expr(line::Column::UpdatedAt, Expr::value(kabinet_store::now()))
                    .filter(line::Column::AssetId.is_in(chunk.iter().copied()))
                    .filter(line::Column::LineStatus.is_in(from.clone()))
                    .exec(&txn)
                    .await?
                    .rows_affected;
            }
            outcome.skipped = ids.len() as u64 - outcome.changed;
        }
        BulkAction::GiveTo(user) | BulkAction::TakeFrom(user) => {
            let give = matches!(action, BulkAction::GiveTo(_));
            outcome.changed = crate::assets::assignments::give_or_take(&txn, *user, &ids, give).await?;
            outcome.skipped = ids.len() as u64 - outcome.changed;
        }
    }
    let what = match action {
        BulkAction::Group(g) => json!({"group_id": g}),
        BulkAction::AddLabel(l) => json!({"add_label_id": l}),
        BulkAction::RemoveLabel(l) => json!({"remove_label_id": l}),
        BulkAction::Status(s) => json!({"status": s}),
        BulkAction::GiveTo(u) => json!({"give_to_user_id": u}),
        BulkAction::TakeFrom(u) => json!({"take_from_user_id": u}),
    };
    audit::record(
        &txn,
        actor,
        "line.bulk",
        "customer",
        Some(customer_id),
        json!({"action": what, "selected": ids.len(), "changed": outcome.changed, "skipped": outcome.skipped,
               "first_lines": ids.iter().take(20).collect::<Vec<_>>()}),
    )
    .await?;
    txn.commit().await?;
    Ok(outcome)
}
