//! Reserve SIM cards and SIM replacement. Each account holds a pool of blank SIM cards the
//! provider handed over; when an employee loses a phone, the coordinator types the ICC printed
//! on a reserve card and the line moves onto it — the old SIM is retired, the reserve card
//! leaves the pool, the line's history says so. Or the line moves onto the employee's own SIM
//! card, named by the number it carries and proven by its PUK1, which the operator checks.

use kabinet_core::ErrorCode;
use kabinet_core::access::Permission;
use kabinet_core::assets::lines::{Icc, LineStatus, Puk};
use kabinet_core::phone::Phone;
use kabinet_store::entities::line::{self, Entity as LineRow};
use kabinet_store::entities::reserve_sim::{self, Entity as ReserveRow};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;

use super::views::{Line, ReserveSim};
use crate::access::{Actor, Identity};
use crate::view::IntoViews;
use crate::{App, AppError, AppResult, FieldErrors, audit};

/// Most ICCs added to a pool in one go.
pub const MAX_ADDED: usize = 1_000;

/// The reserve SIMs still in the pools of the customer's accounts (`customer_id` for staff).
pub async fn reserve(app: &App, who: &Identity, customer_id: Option<i64>) -> AppResult<Vec<ReserveSim>> {
    who.require(&[Permission::CabinetView, Permission::CustomersRead])?;
    let customer_id = super::customer_of(app, who, customer_id).await?;
    let accounts = super::account_ids(&app.db.conn, customer_id).await?;
    Ok(ReserveRow::find()
        .filter(reserve_sim::Column::AccountId.is_in(accounts))
        .filter(reserve_sim::Column::UsedByLineId.is_null())
        .order_by_asc(reserve_sim::Column::Icc)
        .all(&app.db.conn)
        .await?
        .into_views())
}

/// Adds SIM cards to an account's pool: ICCs one per line (or separated by commas or spaces).
/// Every ICC is checked first; one bad or taken ICC refuses the whole list, naming it.
pub async fn add_reserve(
    app: &App,
    actor: &Actor,
    who: &Identity,
    customer_id: i64,
    account_id: i64,
    typed: &str,
) -> AppResult<Vec<ReserveSim>> {
    who.require(&[Permission::LinesAdminister])?;
    let customer = crate::customers::get_visible(app, who, customer_id).await?;
    if !super::account_ids(&app.db.conn, customer.id)
        .await?
        .contains(&account_id)
    {
        return Err(FieldErrors::single("account_id", "invalid-choice"));
    }
    let mut iccs = Vec::new();
    for piece in typed
        .split(|c: char| c.is_whitespace() || c == ',' || c == ';')
        .filter(|p| !p.is_empty())
    {
        match Icc::parse(piece) {
            Ok(icc) if !iccs.contains(&icc) => iccs.push(icc),
            Ok(_) => {}
            Err(e) => return Err(FieldErrors::single("iccs", e.code())),
        }
    }
    if iccs.is_empty() {
        return Err(FieldErrors::single("iccs", "text-empty"));
    }
    if iccs.len() > MAX_ADDED {
        return Err(FieldErrors::single("iccs", "text-too-long"));
    }
    let strings: Vec<String> = iccs.iter().map(|i| i.as_str().to_owned()).collect();
    let txn = app.db.write().await?;
    let taken = ReserveRow::find()
        .filter(reserve_sim::Column::Icc.is_in(strings.clone()))
        .one(&txn)
        .await?
        .map(|r| r.icc)
        .or(LineRow::find()
            .filter(line::Column::Icc.is_in(strings.clone()))
            .one(&txn)
            .await?
            .and_then(|l| l.icc));
    if taken.is_some() {
        return Err(FieldErrors::single("iccs", "line-icc-taken"));
    }
    let now = kabinet_store::now();
    ReserveRow::insert_many(strings.iter().map(|icc| reserve_sim::ActiveModel {
        account_id: Set(account_id),
        icc: Set(icc.clone()),
        added_at: Set(now),
        used_by_line_id: Set(None),
        used_at: Set(None),
        ..Default::default()
    }))
    .exec(&txn)
    .await
    .map_err(|e| {
        if kabinet_store::is_unique_violation(&e) {
            FieldErrors::single("iccs", "line-icc-taken")
        } else {
            e.into()
        }
    })?;
    audit::record(
        &txn,
        actor,
        "line.reserve_add",
        "account",
        Some(account_id),
        json!({"iccs": strings}),
    )
    .await?;
    txn.commit().await?;
    reserve(app, who, Some(customer.id)).await
}

/// Moves the line onto the reserve SIM `typed` (an ICC in the pool of one of the customer's
/// accounts); the old SIM is retired. An ICC with a wrong check digit, not in the pool or
/// used already is refused at the field.
pub async fn replace(app: &App, actor: &Actor, who: &Identity, id: i64, typed: &str) -> AppResult<Line> {
    who.require(&[Permission::CabinetLinesManage, Permission::LinesAdminister])?;
    let icc = Icc::parse(typed).map_err(|e| FieldErrors::single("icc", e.code()))?;
    let txn = app.db.write().await?;
    let (row, customer_id) = super::visible_row(app, &txn, who, id).await?;
    let accounts = super::account_ids(&txn, customer_id).await?;
    let spare = ReserveRow::find()
        .filter(reserve_sim::Column::Icc.eq(icc.as_str()))
        .filter(reserve_sim::Column::AccountId.is_in(accounts))
        .filter(reserve_sim::Column::UsedByLineId.is_null())
        .one(&txn)
        .await?
        .ok_or_else(|| FieldErrors::single("icc", "line-icc-not-in-reserve"))?;
    let now = kabinet_store::now();
    let old = row.icc.clone();
    // Taken only if still free: of two replacements racing for one card, one wins.
    let took = ReserveRow::update_many()
        .col_expr(reserve_sim::Column::UsedByLineId, sea_orm::sea_query::Expr::value(id))
        .col_expr(reserve_sim::Column::UsedAt, sea_orm::sea_query::Expr::value(now))
        .filter(reserve_sim::Column::Id.eq(spare.id))
        .filter(reserve_sim::Column::UsedByLineId.is_null())
        .exec(&txn)
        .await?
        .rows_affected;
    if took != 1 {
        return Err(FieldErrors::single("icc", "line-icc-not-in-reserve"));
    }
    put_on_card(&txn, row, icc.as_str(), now, "icc").await?;
    audit::record(
        &txn,
        actor,
        "line.sim_replaced",
        "asset",
        Some(id),
        json!({"icc": {"before": old, "after": icc.as_str()}}),
    )
    .await?;
    txn.commit().await?;
    Ok(super::register::get(app, who, id).await?.line)
}

/// The employee's own SIM card a line is to move onto, as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct PersonalSim {
    /// The number the card carries now.
    pub personal_phone: String,
    pub puk: String,
}

/// The field the PUK arrives in.
const PUK: &str = "puk";

/// Wrong PUKs a line may be tried with a day: a card blocks itself after ten.
const PUK_TRIES_PER_DAY: i64 = 5;

/// Moves line `id` onto the employee's own SIM card: the operator checks the card's number
/// and PUK1 and names the card's ICC; the old SIM is retired. The PUK is passed on and never
/// kept or logged. A wrong PUK is refused at its field; the operator not answering changes
/// nothing.
pub async fn join_personal(app: &App, actor: &Actor, who: &Identity, id: i64, typed: &PersonalSim) -> AppResult<Line> {
    who.require(&[Permission::CabinetLinesManage, Permission::LinesAdminister])?;
    let mut errors = FieldErrors::new();
    let personal = Phone::parse(&typed.personal_phone)
        .map(|p| p.as_str().to_owned())
        .map_err(|e| errors.add("personal_phone", &format!("phone-{}", e.code().replace('_', "-"))))
        .ok();
    let puk = Puk::parse(&typed.puk).map_err(|code| errors.add(PUK, code)).ok();
    errors.into_result()?;
    let (Some(personal), Some(puk)) = (personal, puk) else {
        return Err(FieldErrors::single(PUK, "text-empty"));
    };
    let (row, _) = super::visible_row(app, &app.db.conn, who, id).await?;
    if row.line_status == LineStatus::Confirming {
        return Err(AppError::Conflict(ErrorCode::LineTransitionRefused));
    }
    if personal == row.phone {
        return Err(FieldErrors::single("personal_phone", "line-personal-same"));
    }
    let Some(operator) = app.provisioning.clone() else {
        return Err(AppError::Refused(ErrorCode::LineOrdersNotConfigured));
    };
    crate::access::throttle::hit(
        &app.db.conn,
        &format!("line-puk:{id}"),
        PUK_TRIES_PER_DAY,
        chrono::Duration::days(1),
    )
    .await?;
    let request = super::provisioning::PersonalSimRequest {
        // Each attempt its own: a retry with the right PUK must not be answered as the wrong one was.
        key: format!(
            "personal-sim-{id}-{}",
            crate::access::passwords::random_alphanumeric(16)
        ),
        kind: "personal_sim",
        phone: row.phone.clone(),
        icc: row.icc.clone(),
        personal_phone: personal.clone(),
        puk1: puk.as_str().to_owned(),
    };
    let icc = match operator.move_to_personal_sim(&request).await {
        Ok(icc) => icc,
        Err(super::provisioning::ProvisioningError::Refused(reason)) => {
            tracing::info!(line = id, %reason, "the operator refused an own SIM card");
            return Err(FieldErrors::single(PUK, "line-puk-refused"));
        }
        Err(super::provisioning::ProvisioningError::Unanswered(why)) => {
            tracing::warn!(line = id, %why, "the operator did not answer for an own SIM card");
            return Err(AppError::Refused(ErrorCode::OperatorUnavailable));
        }
    };
    let txn = app.db.write().await?;
    let (row, _) = super::visible_row(app, &txn, who, id).await?;
    let old = row.icc.clone();
    let taken = LineRow::find()
        .filter(line::Column::Icc.eq(&icc))
        .filter(line::Column::AssetId.ne(id))
        .one(&txn)
        .await?
        .is_some()
        || ReserveRow::find()
            .filter(reserve_sim::Column::Icc.eq(&icc))
            .one(&txn)
            .await?
            .is_some();
    if taken {
        return Err(FieldErrors::single("personal_phone", "line-icc-taken"));
    }
    put_on_card(&txn, row, &icc, kabinet_store::now(), "personal_phone").await?;
    audit::record(
        &txn,
        actor,
        "line.personal_sim",
        "asset",
        Some(id),
        json!({"icc": {"before": old, "after": icc}, "personal_phone": personal}),
    )
    .await?;
    txn.commit().await?;
    Ok(super::register::get(app, who, id).await?.line)
}

/// Puts line `row` on the SIM card `icc`; a card another line took meanwhile is refused at
/// `field`.
async fn put_on_card<C: sea_orm::ConnectionTrait>(
    txn: &C,
    row: line::Model,
    icc: &str,
    now: chrono::DateTime<chrono::Utc>,
    field: &str,
) -> AppResult<()> {
    let mut active: line::ActiveModel = row.into();
    active.icc = Set(Some(icc.to_owned()));
    active.updated_at = Set(now);
    active.update(txn).await.map_err(|e| {
        if kabinet_store::is_unique_violation(&e) {
            FieldErrors::single(field, "line-icc-taken")
        } else {
            AppError::from(e)
        }
    })?;
    Ok(())
}
