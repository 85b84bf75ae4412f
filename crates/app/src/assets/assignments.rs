//! Which of a customer's assets each of its line managers looks after (ACC-2: a line manager
//! sees "only the lines and assets assigned to them"). Every other role of the customer sees
//! all of the customer's assets; assignments narrow the line manager's view and nothing else.

use kabinet_core::ErrorCode;
use std::collections::HashSet;

use kabinet_core::access::{CustomerRole, Permission, Role};
use kabinet_core::assets::AssetKind;
use kabinet_store::entities::asset::{self, Entity as Asset};
use kabinet_store::entities::asset_assignment::{self, Entity as Assignment};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QuerySelect, Set};
use serde_json::json;

use crate::access::{Actor, Identity, users};
use crate::{App, AppError, AppResult, FieldErrors, audit};

/// The most assets one person can be given in one go (a form of checkboxes, an API list).
pub const MAX_ASSIGNED: usize = 1_000;

fn is_line_manager(role: Role) -> bool {
    role == Role::Customer(CustomerRole::LineManager)
}

/// Whether `who` sees only the assets assigned to it (a line manager).
pub fn narrows(who: &Identity) -> bool {
    is_line_manager(who.role)
}

/// The ids of the assets assigned to `user_id`.
pub async fn assigned_to(app: &App, user_id: i64) -> AppResult<HashSet<i64>> {
    Ok(Assignment::find()
        .select_only()
        .column(asset_assignment::Column::AssetId)
        .filter(asset_assignment::Column::UserId.eq(user_id))
        .into_tuple::<i64>()
        .all(&app.db.conn)
        .await?
        .into_iter()
        .collect())
}

/// The ids of the assets assigned to `user_id`, as a subquery.
pub(crate) fn in_care_of(user_id: i64) -> sea_orm::sea_query::SelectStatement {
    sea_orm::sea_query::Query::select()
        .column(asset_assignment::Column::AssetId)
        .from(Assignment)
        .and_where(asset_assignment::Column::UserId.eq(user_id))
        .to_owned()
}

/// `items` as `who` may see them: all of them, except for a line manager, who sees only those
/// assigned to it.
pub async fn narrow<T>(app: &App, who: &Identity, items: Vec<T>, asset_id: impl Fn(&T) -> i64) -> AppResult<Vec<T>> {
    if !is_line_manager(who.role) {
        return Ok(items);
    }
    let mine = assigned_to(app, who.user_id).await?;
    Ok(items.into_iter().filter(|t| mine.contains(&asset_id(t))).collect())
}

/// Refuses (as "not found") an asset a line manager was not given.
pub async fn check_visible(app: &App, who: &Identity, asset_id: i64) -> AppResult<()> {
    if is_line_manager(who.role) && !assigned_to(app, who.user_id).await?.contains(&asset_id) {
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// Gives `user_id` (a line manager of a customer `who` manages) exactly `asset_ids` of the
/// customer's assets of `kinds` (all kinds when `None`), leaving its assets of other kinds as
/// they are — the login's page manages licences, the line register lines; audited with what
/// was added and removed.
pub async fn set_for(
    app: &App,
    actor: &Actor,
    who: &Identity,
    user_id: i64,
    asset_ids: &[i64],
    kinds: Option<&[AssetKind]>,
) -> AppResult<HashSet<i64>> {
    who.require(&[Permission::CabinetManageUsers, Permission::CustomerUsersManage])?;
    let target = users::get_manageable(app, who, user_id).await?;
    let customer_id = target.customer_id.ok_or(AppError::NotFound)?;
    if target.customer_role != Some(CustomerRole::LineManager) {
        return Err(AppError::Refused(ErrorCode::AssignmentsForLineManagers));
    }
    let wanted: HashSet<i64> = asset_ids.iter().copied().collect();
    if wanted.len() > MAX_ASSIGNED {
        return Err(FieldErrors::single("asset_ids", "too-many-assets"));
    }
    let mut own = Asset::find()
        .select_only()
        .column(asset::Column::Id)
        .filter(asset::Column::CustomerId.eq(customer_id));
    if let Some(kinds) = kinds {
        own = own.filter(asset::Column::Kind.is_in(kinds.iter().copied()));
    }
    let own: HashSet<i64> = own.into_tuple::<i64>().all(&app.db.conn).await?.into_iter().collect();
    if !wanted.is_subset(&own) {
        return Err(FieldErrors::single("asset_ids", "invalid-choice"));
    }
    let before: HashSet<i64> = assigned_to(app, user_id).await?.intersection(&own).copied().collect();
    let added: Vec<i64> = wanted.difference(&before).copied().collect();
    let removed: Vec<i64> = before.difference(&wanted).copied().collect();
    if added.is_empty() && removed.is_empty() {
        return Ok(wanted);
    }
    let txn = app.db.write().await?;
    if !removed.is_empty() {
        Assignment::delete_many()
            .filter(asset_assignment::Column::UserId.eq(user_id))
            .filter(asset_assignment::Column::AssetId.is_in(removed.clone()))
            .exec(&txn)
            .await?;
    }
    let now = kabinet_store::now();
    for asset_id in &added {
        asset_assignment::ActiveModel {
            user_id: Set(user_id),
            asset_id: Set(*asset_id),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    audit::record(
        &txn,
        actor,
        "user.assets",
        "user",
        Some(user_id),
        json!({"added": added, "removed": removed}),
    )
    .await?;
    txn.commit().await?;
    Ok(wanted)
}

/// Checks that `user_id` is a line manager of `customer_id`: the only logins lines are given to.
pub(crate) async fn check_line_manager(app: &App, customer_id: i64, user_id: i64) -> AppResult<()> {
    let target = users::get(app, user_id)
        .await
        .map_err(|_| FieldErrors::single("manager", "invalid-choice"))?;
    if target.customer_id != Some(customer_id) || target.customer_role != Some(CustomerRole::LineManager) {
        return Err(FieldErrors::single("manager", "invalid-choice"));
    }
    Ok(())
}

/// Puts `asset_ids` in `user_id`'s care (`give`) or takes them out of it, inside the caller's
/// transaction; returns how many changed. The caller has checked both the assets and the login.
pub(crate) async fn give_or_take<C: sea_orm::ConnectionTrait>(
    txn: &C,
    user_id: i64,
    asset_ids: &[i64],
    give: bool,
) -> AppResult<u64> {
    let mut changed = 0;
    for chunk in asset_ids.chunks(1_000) {
        if give {
            let had: HashSet<i64> = Assignment::find()
                .select_only()
                .column(asset_assignment::Column::AssetId)
                .filter(asset_assignment::Column::UserId.eq(user_id))
                .filter(asset_assignment::Column::AssetId.is_in(chunk.iter().copied()))
                .into_tuple::<i64>()
                .all(txn)
                .await?
                .into_iter()
                .collect();
            let now = kabinet_store::now();
            let new: Vec<asset_assignment::ActiveModel> = chunk
                .iter()
                .filter(|id| !had.contains(id))
                .map(|asset_id| asset_assignment::ActiveModel {
                    user_id: Set(user_id),
                    asset_id: Set(*asset_id),
                    created_at: Set(now),
                    ..Default::default()
                })
                .collect();
            changed += new.len() as u64;
            if !new.is_empty() {
                Assignment::insert_many(new).exec_without_returning(txn).await?;
            }
        } else {
            changed += Assignment::delete_many()
                .filter(asset_assignment::Column::UserId.eq(user_id))
                .filter(asset_assignment::Column::AssetId.is_in(chunk.iter().copied()))
                .exec(txn)
                .await?
                .rows_affected;
        }
    }
    Ok(changed)
}
