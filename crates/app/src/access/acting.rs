//! Entering a customer's cabinet from the back office (CRM-3, "point data"): staff who may see
//! a customer open its cabinet as its main login, to see what the customer sees. The session
//! is the customer login's, names the staff member, lasts an hour at most, and entering and
//! leaving are audited in the same transaction as the session itself.

use chrono::Duration;
use kabinet_core::ErrorCode;
use kabinet_core::access::Permission;
use kabinet_core::text;
use kabinet_store::entities::session;
use kabinet_store::entities::user::{self, Entity as User};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, TransactionTrait,
};
use serde_json::json;

use super::{ActingStaff, Actor, ClientInfo, Identity, passwords};
use crate::{App, AppError, AppResult, audit, customers};

/// How long a cabinet entered from the back office stays open, whatever the activity.
pub const ACTING_HOURS: i64 = 1;

/// The login staff enter a customer's cabinet as: its first active coordinator, or else its
/// first active login.
async fn main_login(app: &App, customer_id: i64) -> AppResult<Option<user::Model>> {
    let active = User::find()
        .filter(user::Column::CustomerId.eq(customer_id))
        .filter(user::Column::Status.eq(kabinet_core::access::UserStatus::Active))
        .order_by_asc(user::Column::Id)
        .all(&app.db.conn)
        .await?;
    let coordinator = active
        .iter()
        .position(|u| u.customer_role == Some(kabinet_core::access::CustomerRole::Coordinator));
    Ok(match coordinator {
        Some(i) => active.into_iter().nth(i),
        None => active.into_iter().next(),
    })
}

/// Opens customer `customer_id`'s cabinet for `who`; returns the session's cookie value.
pub async fn enter(
    app: &App,
    who: &Identity,
    actor: &Actor,
    customer_id: i64,
    client: &ClientInfo,
) -> AppResult<String> {
    who.require(&[Permission::CabinetEnter])?;
    if !who.is_staff() {
        return Err(AppError::Forbidden);
    }
    let customer = customers::get_visible(app, who, customer_id).await?;
    let Some(login) = main_login(app, customer.id).await? else {
        return Err(AppError::Conflict(ErrorCode::CustomerHasNoLogin));
    };
    let token = passwords::random_secret(32);
    let now = kabinet_store::now();
    let txn = app.db.conn.begin().await?;
    session::ActiveModel {
        id: Set(passwords::sha256_hex(&token)),
        user_id: Set(login.id),
        created_at: Set(now),
        last_seen_at: Set(now),
        expires_at: Set(now + Duration::hours(ACTING_HOURS)),
        ip: Set(text::truncate(&client.ip, 64)),
        user_agent: Set(text::truncate(&client.user_agent, text::limits::USER_AGENT)),
        acting_user_id: Set(Some(who.user_id)),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        "cabinet.enter",
        "customer",
        Some(customer.id),
        json!({"as": login.login, "hours": ACTING_HOURS}),
    )
    .await?;
    txn.commit().await?;
    Ok(token)
}

/// Ends a cabinet entered from the back office; returns the customer, to go back to its card.
pub async fn leave(app: &App, who: &Identity, actor: &Actor, token: &str) -> AppResult<Option<i64>> {
    if who.acting_staff.is_none() {
        return Ok(None);
    }
    let id = passwords::sha256_hex(token);
    let txn = app.db.conn.begin().await?;
    session::Entity::delete_by_id(id.clone()).exec(&txn).await?;
    audit::record(&txn, actor, "cabinet.leave", "customer", who.customer_id, json!({})).await?;
    txn.commit().await?;
    app.sessions.forget(&id);
    Ok(who.customer_id)
}

/// The staff member `user_id` if still active and staff.
pub(super) async fn staff_member(app: &App, user_id: i64) -> AppResult<Option<ActingStaff>> {
    let staff = User::find_by_id(user_id).one(&app.db.conn).await?;
    Ok(staff
        .filter(|u| u.status == kabinet_core::access::UserStatus::Active && u.staff_role.is_some())
        .map(|u| ActingStaff {
            user_id: u.id,
            login: u.login,
            display_name: u.display_name,
        }))
}
