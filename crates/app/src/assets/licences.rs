//! Hotspot and radar licences (AST-1): created with their point, billed monthly or yearly
//! through a subscription on the paying account — which must cover the first charge — or as
//! the one never-billed demo licence of a partner; modules switched on per contract; a hotspot
//! and a radar linked into one cabinet and split again; deleted for good.

use chrono::Utc;
use kabinet_core::ErrorCode;
use kabinet_core::access::Permission;
use kabinet_core::assets::{AssetKind, AssetStatus, CabinetType, LicencePeriod, RouterOwnership};
use kabinet_core::billing::BillingPeriod;
use kabinet_core::money::{Money, MoneyError};
use kabinet_core::text;
use kabinet_store::entities::account::{self, Entity as Account};
use kabinet_store::entities::asset::{self, Entity as Asset};
use kabinet_store::entities::customer;
use kabinet_store::entities::guest::{self, Entity as Guest};
use kabinet_store::entities::plan::{self, Entity as Plan};
use kabinet_store::entities::site::{self, Entity as Site};
use kabinet_store::entities::subscription::{self, Entity as Subscription};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde_json::json;

use super::LicenceKey;
use super::views;
use crate::access::{Actor, Identity};
use crate::billing::run;
use crate::{App, AppError, AppResult, FieldErrors, audit, customers};

/// A licence as asked for.
#[derive(Debug, Clone, Default)]
pub struct NewLicence {
    pub customer_id: i64,
    /// hotspot or radar.
    pub kind: String,
    /// The point's name as the customer sees it in the cabinet.
    pub point_name: String,
    pub point_address: Option<String>,
    /// lite or full.
    pub cabinet_type: String,
    /// month or year.
    pub period: String,
    /// provider, rented or customer.
    pub router_ownership: String,
    /// The partner's one never-billed demo licence.
    pub demo: bool,
    /// The plan a commercial licence is billed by (its kind and period must match).
    pub plan_id: Option<i64>,
    /// The paying account; default: a partner's own account, or the customer's first.
    pub account_id: Option<i64>,
    pub modules: Vec<String>,
    /// The creating form's one-time token (or an API client's idempotency key): the same
    /// token twice creates one licence, and the second answer is "already created".
    pub request_token: Option<String>,
}

/// A licence just made, with its key (shown once).
pub struct Created {
    pub licence: views::Asset,
    pub key: LicenceKey,
}

/// The licence `id` if `who` may see its customer.
pub async fn get_visible(app: &App, who: &Identity, id: i64) -> AppResult<views::Asset> {
    let a = visible_row(app, who, id).await?;
    // A device is not a licence: its pages are the device's.
    if !a.kind.is_licence() {
        return Err(AppError::NotFound);
    }
    Ok(a.into())
}

/// The row behind [`get_visible`], for the use cases that change it.
pub(crate) async fn visible_row(app: &App, who: &Identity, id: i64) -> AppResult<asset::Model> {
    let a = Asset::find_by_id(id)
        .one(&app.db.conn)
        .await?
        .ok_or(AppError::NotFound)?;
    customers::visible_row(app, who, a.customer_id).await?;
    super::assignments::check_visible(app, who, a.id).await?;
    Ok(a)
}

/// The licences of `who`'s own customer it may see (a line manager: those assigned to it),
/// with their points, newest first.
pub async fn of_own_customer(app: &App, who: &Identity) -> AppResult<Vec<(views::Asset, Option<views::Site>)>> {
    let customer_id = who.customer_id.ok_or(AppError::Forbidden)?;
    let all = of_customer(app, customer_id).await?;
    super::assignments::narrow(app, who, all, |(a, _)| a.id).await
}

/// A customer's licences with their points, newest first (deleted ones too: the list shows
/// "deleted").
pub async fn of_customer(app: &App, customer_id: i64) -> AppResult<Vec<(views::Asset, Option<views::Site>)>> {
    Ok(Asset::find()
        .filter(asset::Column::CustomerId.eq(customer_id))
        .filter(asset::Column::Kind.is_in(AssetKind::LICENCES))
        .order_by_desc(asset::Column::Id)
        .find_also_related(Site)
        .all(&app.db.conn)
        .await?
        .into_iter()
        .map(|(a, s)| (a.into(), s.map(Into::into)))
        .collect())
}

/// Whose account pays for a licence of a customer.
enum Payer {
    /// A partner's own account: a partner's customers are billed to the partner, who resells.
    Partner(i64),
    /// One of the customer's accounts: the one chosen, or the first active one.
    Customer { customer_id: i64, chosen: Option<i64> },
    /// The account a customer form is opening in the same transaction.
    Opening,
}

/// The account that pays for a licence of `customer` created by `who`: a partner's own
/// account when the customer belongs to a partner (unless staff chose one of the customer's
/// accounts), otherwise the one chosen or the customer's first.
fn payer_of(who: &Identity, customer_id: i64, customer_partner: Option<i64>, chosen: Option<i64>) -> Payer {
    match (who.is_partner(), customer_partner, chosen) {
        (true, _, _) => Payer::Partner(who.partner_id.unwrap_or(-1)),
        (false, Some(p), None) => Payer::Partner(p),
        _ => Payer::Customer { customer_id, chosen },
    }
}

async fn paying_account(app: &App, payer: &Payer) -> AppResult<Option<account::Model>> {
    let found = match payer {
        Payer::Opening => return Ok(None),
        Payer::Partner(p) => Account::find()
            .filter(account::Column::PartnerId.eq(*p))
            .filter(account::Column::Status.eq(kabinet_core::billing::AccountStatus::Active))
            .order_by_asc(account::Column::Id)
            .one(&app.db.conn)
            .await?
            .ok_or_else(|| FieldErrors::single("account_id", "partner-account-missing"))?,
        Payer::Customer { customer_id, chosen } => {
            let own = crate::billing::accounts::of_customer(app, *customer_id).await?;
            let found = match chosen {
                Some(id) => own.into_iter().find(|a| a.id == *id),
                None => own
                    .into_iter()
                    .find(|a| a.status == kabinet_core::billing::AccountStatus::Active),
            };
            let found = found.ok_or_else(|| FieldErrors::single("account_id", "invalid-choice"))?;
            Account::find_by_id(found.id)
                .one(&app.db.conn)
                .await?
                .ok_or_else(|| FieldErrors::single("account_id", "invalid-choice"))?
        }
    };
    Ok(Some(found))
}

/// A licence whose every field has been checked, ready to be written.
pub struct LicenceDraft {
    kind: AssetKind,
    cabinet: CabinetType,
    period: LicencePeriod,
    ownership: RouterOwnership,
    point_name: String,
    point_address: Option<String>,
    modules: Vec<String>,
    demo: bool,
    demo_partner: Option<i64>,
    partner_id: Option<i64>,
    /// The plan and, unless a customer form is opening it, the paying account.
    billing: Option<(plan::Model, Option<account::Model>)>,
    request_token: Option<String>,
}

/// Checks a licence for a customer that exists (`customer`) or that a form is opening
/// (`None`, with the partner it will belong to), collecting every problem at once.
pub async fn draft(
    app: &App,
    who: &Identity,
    customer: Option<&customer::Model>,
    customer_partner: Option<i64>,
    new: &NewLicence,
) -> AppResult<LicenceDraft> {
    let mut errors = FieldErrors::new();
    // A licence is a hotspot or a radar; devices are registered as devices.
    let kind: Option<AssetKind> = errors.choice("kind", &new.kind);
    if kind.is_some_and(|k| !k.is_licence()) {
        errors.add("kind", "invalid-choice");
    }
    let cabinet: Option<CabinetType> = errors.choice("cabinet_type", &new.cabinet_type);
    let period: Option<LicencePeriod> = errors.choice("period", &new.period);
    let ownership: Option<RouterOwnership> = errors.choice("router_ownership", &new.router_ownership);
    let point_name = errors.one_line("point_name", &new.point_name, text::limits::NAME, true);
    let point_address = errors.one_line(
        "point_address",
        new.point_address.as_deref().unwrap_or(""),
        text::limits::LINE,
        false,
    );
    let modules = check_modules(app, &mut errors, &new.modules);
    let request_token = new.request_token.as_deref().map(str::trim).filter(|t| !t.is_empty());
    if request_token.is_some_and(|t| !crate::billing::ledger::valid_key(t)) {
        errors.add("request_token", "bad-request");
    }
    let partner_id = if who.is_partner() {
        who.partner_id
    } else {
        customer_partner
    };
    // The demo licence belongs to a partner: the one creating it, or the customer's.
    let demo_partner = if new.demo {
        if partner_id.is_none() {
            errors.add("demo", "demo-needs-partner");
        }
        partner_id
    } else {
        None
    };
    let mut billing = None;
    if !new.demo {
        match new.plan_id {
            None => errors.add("plan_id", "plan-required"),
            Some(plan_id) => {
                let plan = Plan::find_by_id(plan_id).one(&app.db.conn).await?;
                let payer = match customer {
                    Some(c) => payer_of(who, c.id, partner_id, new.account_id),
                    None if partner_id.is_some() => payer_of(who, 0, partner_id, None),
                    None => Payer::Opening,
                };
                let account = paying_account(app, &payer).await;
                match (plan, account, kind, period) {
                    (Some(p), Ok(a), Some(k), Some(per))
                        if p.status == kabinet_core::billing::PlanStatus::Active
                            && p.asset_kind == k.as_str()
                            && p.period == BillingPeriod::from(per) =>
                    {
                        if a.as_ref().is_some_and(|a| a.currency != p.currency) {
                            errors.add("plan_id", "currency-mismatch");
                        } else {
                            billing = Some((p, a));
                        }
                    }
                    (_, Err(AppError::Validation(e)), _, _) => errors.0.extend(e.0),
                    (_, Err(e), _, _) => return Err(e),
                    _ => errors.add("plan_id", "plan-does-not-match"),
                }
            }
        }
    }
    errors.into_result()?;
    Ok(LicenceDraft {
        kind: kind.expect("checked"),
        cabinet: cabinet.expect("checked"),
        period: period.expect("checked"),
        ownership: ownership.expect("checked"),
        point_name: point_name.unwrap_or_default(),
        point_address,
        modules,
        demo: new.demo,
        demo_partner,
        partner_id,
        billing,
        request_token: request_token.map(str::to_owned),
    })
}

/// The licence a form with `token` already created, if `who` may see it.
pub async fn by_request_token(app: &App, who: &Identity, token: &str) -> AppResult<Option<views::Asset>> {
    match Asset::find()
        .filter(asset::Column::RequestToken.eq(token))
        .one(&app.db.conn)
        .await?
    {
        Some(a) => get_visible(app, who, a.id).await.map(Some),
        None => Ok(None),
    }
}

/// Creates a licence and its point. A commercial licence is charged its first period at once,
/// and only when the paying account's balance covers it; a demo licence is never billed, and
/// a partner has one at most.
pub async fn create(app: &App, actor: &Actor, who: &Identity, new: NewLicence) -> AppResult<Created> {
    who.require(&[Permission::LicencesManage])?;
    let customer = customers::visible_row(app, who, new.customer_id).await?;
    let draft = draft(app, who, Some(&customer), customer.partner_id, &new).await?;
    let txn = app.db.write().await?;
    let created = insert_in(&txn, actor, &customer, draft, None).await?;
    txn.commit().await?;
    Ok(created)
}

/// Writes a checked licence inside the caller's transaction: its point, its subscription and
/// first charge, the licence and its audit record. `opening_account` is the account a customer
/// form has just opened, which pays when the draft named no other.
pub async fn insert_in(
    txn: &DatabaseTransaction,
    actor: &Actor,
    customer: &customer::Model,
    draft: LicenceDraft,
    opening_account: Option<&account::Model>,
) -> AppResult<Created> {
    let now = kabinet_store::now();
    let key = LicenceKey::generate();
    let already_created = || AppError::Conflict(ErrorCode::LicenceAlreadyCreated);
    if let Some(t) = &draft.request_token
        && Asset::find()
            .filter(asset::Column::RequestToken.eq(t.as_str()))
            .one(txn)
            .await?
            .is_some()
    {
        return Err(already_created());
    }
    // The paying account, locked (PostgreSQL) so that two licences cannot both spend one balance.
    let billing = match draft.billing {
        Some((plan, chosen)) => {
            let id = chosen
                .as_ref()
                .or(opening_account)
                .map(|a| a.id)
                .ok_or_else(|| FieldErrors::single("account_id", "invalid-choice"))?;
            let a = Account::find_by_id(id)
                .lock_exclusive()
                .one(txn)
                .await?
                .ok_or(AppError::NotFound)?;
            // The plan is paid from the account: both in one currency, or the plan is wrong.
            let shortfall = Money::new(plan.price, plan.currency)
                .checked_sub(Money::new(a.balance, a.currency))
                .map_err(|e| match e {
                    MoneyError::CurrencyMismatch(..) => FieldErrors::single("plan_id", "currency-mismatch"),
                    MoneyError::Overflow => AppError::Internal(anyhow::anyhow!("licence {}: {e}", plan.id)),
                })?;
            if shortfall.minor > 0 {
                return Err(AppError::InsufficientFunds { shortfall });
            }
            Some((plan, a))
        }
        None => None,
    };
    let site = site::ActiveModel {
        customer_id: Set(customer.id),
        name: Set(draft.point_name.clone()),
        city: Set(customer.city.clone()),
        address: Set(draft.point_address.clone().or_else(|| customer.address.clone())),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    let today = run::today_for(None, &customer.time_zone);
    let subscription = match &billing {
        Some((plan, a)) => Some(
            subscription::ActiveModel {
                customer_id: Set(customer.id),
                account_id: Set(a.id),
                plan_id: Set(plan.id),
                title: Set(format!("{} · {}", site.name, draft.kind.as_str())),
                started_on: Set(today),
                next_charge_on: Set(today),
                status: Set(kabinet_core::billing::SubscriptionStatus::Active),
                ended_on: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(txn)
            .await?,
        ),
        None => None,
    };
    let licence = asset::ActiveModel {
        customer_id: Set(customer.id),
        site_id: Set(Some(site.id)),
        kind: Set(draft.kind),
        status: Set(AssetStatus::Active),
        cabinet_type: Set(Some(draft.cabinet)),
        billing_period: Set(Some(draft.period)),
        router_ownership: Set(Some(draft.ownership)),
        is_demo: Set(draft.demo),
        demo_partner_id: Set(draft.demo_partner),
        partner_id: Set(draft.partner_id),
        subscription_id: Set(subscription.as_ref().map(|s| s.id)),
        modules: Set(serde_json::to_string(&draft.modules).unwrap_or_else(|_| "[]".into())),
        linked_asset_id: Set(None),
        key_id: Set(key.key_id.clone()),
        key_hash: Set(key.hash()),
        request_token: Set(draft.request_token.clone()),
        verification: Set(kabinet_core::assets::Verification::None),
        started_on: Set(today),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await
    .map_err(|e| match kabinet_store::is_unique_violation(&e) {
        // Two submits of one form at once: the other one made it.
        true if draft.request_token.is_some() && !draft.demo => already_created(),
        true if draft.demo => FieldErrors::single("demo", "demo-exists"),
        _ => e.into(),
    })?;
    super::lifecycle::record(txn, licence.id, None, AssetStatus::Active, actor.user_id, "").await?;
    let mut first_charge = None;
    if let (Some(sub), Some((plan, a))) = (&subscription, &billing)
        && let Some(done) = run::charge_subscription(txn, actor, sub, plan, a, Some(today)).await?
    {
        first_charge = done.new.first().map(|e| e.id);
    }
    audit::record(
        txn,
        actor,
        "licence.create",
        "asset",
        Some(licence.id),
        json!({"customer_id": customer.id, "kind": licence.kind, "point": site.name, "cabinet_type": licence.cabinet_type,
               "period": licence.billing_period, "router_ownership": licence.router_ownership, "demo": licence.is_demo,
               "plan_id": billing.as_ref().map(|(p, _)| p.id), "account_id": billing.as_ref().map(|(_, a)| a.id),
               "first_charge_entry": first_charge, "modules": draft.modules, "key_id": licence.key_id}),
    )
    .await?;
    Ok(Created {
        licence: licence.into(),
        key,
    })
}

fn check_modules(app: &App, errors: &mut FieldErrors, modules: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for m in modules {
        if !app.config.assets.modules.contains(m) {
            errors.add("modules", "invalid-choice");
            break;
        }
        if !out.contains(m) {
            out.push(m.clone());
        }
    }
    out
}

/// The modules a licence has switched on.
pub fn modules_of(stored: impl AsRef<str>) -> Vec<String> {
    serde_json::from_str(stored.as_ref()).unwrap_or_default()
}

fn refuse_if_deleted(a: &asset::Model) -> AppResult<()> {
    if a.status == AssetStatus::Deleted {
        Err(AppError::Conflict(ErrorCode::LicenceDeleted))
    } else {
        Ok(())
    }
}

/// Switches on exactly `modules` (the contract's) for a licence.
pub async fn set_modules(
    app: &App,
    actor: &Actor,
    who: &Identity,
    id: i64,
    modules: &[String],
) -> AppResult<views::Asset> {
    who.require(&[Permission::LicencesManage])?;
    let a = visible_row(app, who, id).await?;
    refuse_if_deleted(&a)?;
    let mut errors = FieldErrors::new();
    let modules = check_modules(app, &mut errors, modules);
    errors.into_result()?;
    let before = modules_of(&a.modules);
    let mut row: asset::ActiveModel = a.into();
    row.modules = Set(serde_json::to_string(&modules).unwrap_or_else(|_| "[]".into()));
    row.updated_at = Set(kabinet_store::now());
    let txn = app.db.write().await?;
    let saved = row.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        "licence.modules",
        "asset",
        Some(id),
        json!({"before": before, "after": modules}),
    )
    .await?;
    txn.commit().await?;
    Ok(saved.into())
}

/// Links a hotspot and a radar of one customer into one cabinet.
pub async fn link(app: &App, actor: &Actor, who: &Identity, hotspot_id: i64, radar_id: i64) -> AppResult<()> {
    who.require(&[Permission::LicencesManage])?;
    let h = visible_row(app, who, hotspot_id).await?;
    let r = visible_row(app, who, radar_id).await?;
    refuse_if_deleted(&h)?;
    refuse_if_deleted(&r)?;
    if h.kind != kabinet_core::assets::AssetKind::Hotspot
        || r.kind != kabinet_core::assets::AssetKind::Radar
        || h.customer_id != r.customer_id
    {
        return Err(FieldErrors::single("radar_id", "link-needs-hotspot-and-radar"));
    }
    if h.linked_asset_id.is_some() || r.linked_asset_id.is_some() {
        return Err(AppError::Conflict(ErrorCode::LicenceLinkedAlready));
    }
    let txn = app.db.write().await?;
    for (a, other) in [(h.id, r.id), (r.id, h.id)] {
        // Only if still unlinked: two links at once cannot both win.
        let done = Asset::update_many()
            .col_expr(asset::Column::LinkedAssetId, sea_orm::sea_query::Expr::value(other))
            .col_expr(
                asset::Column::UpdatedAt,
                sea_orm::sea_query::Expr::value(kabinet_store::now()),
            )
            .filter(asset::Column::Id.eq(a))
            .filter(asset::Column::LinkedAssetId.is_null())
            .exec(&txn)
            .await?;
        if done.rows_affected == 0 {
            return Err(AppError::Conflict(ErrorCode::LicenceLinkedAlready));
        }
    }
    audit::record(
        &txn,
        actor,
        "licence.link",
        "asset",
        Some(h.id),
        json!({"hotspot": h.id, "radar": r.id}),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// What a split shows once: the radar's own cabinet login, its password and its key id.
pub struct Split {
    pub radar_id: i64,
    pub login: String,
    pub password: String,
    pub key_id: String,
}

/// Splits a linked hotspot and radar. The radar gets a cabinet login of its own, shown once.
pub async fn split(app: &App, actor: &Actor, who: &Identity, id: i64) -> AppResult<Split> {
    who.require(&[Permission::LicencesManage])?;
    let a = visible_row(app, who, id).await?;
    refuse_if_deleted(&a)?;
    let Some(other_id) = a.linked_asset_id else {
        return Err(AppError::Conflict(ErrorCode::LicenceNotLinked));
    };
    let other = visible_row(app, who, other_id).await?;
    let radar = if a.kind == kabinet_core::assets::AssetKind::Radar {
        a.clone()
    } else {
        other.clone()
    };
    // A radar split, linked and split again gets another login each time.
    let login = format!("radar-{}-{}", radar.key_id, crate::access::passwords::random_secret(2));
    let prepared = crate::access::users::prepare_customer_user(&crate::access::users::NewUser {
        login: login.clone(),
        display_name: format!("Radar {}", radar.key_id),
        role: "coordinator".into(),
        ..Default::default()
    })
    .await?;
    let txn = app.db.write().await?;
    for x in [a.id, other.id] {
        let done = Asset::update_many()
            .col_expr(
                asset::Column::LinkedAssetId,
                sea_orm::sea_query::Expr::value(Option::<i64>::None),
            )
            .col_expr(
                asset::Column::UpdatedAt,
                sea_orm::sea_query::Expr::value(kabinet_store::now()),
            )
            .filter(asset::Column::Id.eq(x))
            .filter(asset::Column::LinkedAssetId.is_not_null())
            .exec(&txn)
            .await?;
        if done.rows_affected == 0 {
            return Err(AppError::Conflict(ErrorCode::LicenceNotLinked));
        }
    }
    let created =
        crate::access::users::insert_prepared(&txn, actor, prepared, Some(radar.customer_id), None, false, vec![])
            .await?;
    audit::record(
        &txn,
        actor,
        "licence.split",
        "asset",
        Some(radar.id),
        json!({"hotspot": if a.kind == kabinet_core::assets::AssetKind::Radar { other.id } else { a.id }, "radar": radar.id,
               "radar_login": created.user.login, "key_id": radar.key_id}),
    )
    .await?;
    txn.commit().await?;
    Ok(Split {
        radar_id: radar.id,
        login: created.user.login,
        password: created.generated_password.unwrap_or_default(),
        key_id: radar.key_id,
    })
}

/// How many guest records deleting a licence would destroy.
pub async fn guest_count(app: &App, id: i64) -> AppResult<u64> {
    Ok(Guest::find()
        .filter(guest::Column::AssetId.eq(id))
        .count(&app.db.conn)
        .await?)
}

/// Deletes a licence for good: its guest data is erased, its billing ends, its key stops
/// working, and the list shows it as deleted. A linked licence is split first.
pub async fn delete(app: &App, actor: &Actor, who: &Identity, id: i64) -> AppResult<u64> {
    who.require(&[Permission::LicencesDelete])?;
    let a = visible_row(app, who, id).await?;
    refuse_if_deleted(&a).map_err(|_| AppError::Conflict(ErrorCode::LicenceDeletedAlready))?;
    if a.linked_asset_id.is_some() {
        return Err(AppError::Refused(ErrorCode::LicenceSplitFirst));
    }
    let now = kabinet_store::now();
    let today = Utc::now().date_naive();
    let txn = app.db.write().await?;
    let erased = Guest::delete_many()
        .filter(guest::Column::AssetId.eq(a.id))
        .exec(&txn)
        .await?
        .rows_affected;
    let done = Asset::update_many()
        .col_expr(
            asset::Column::Status,
            sea_orm::sea_query::Expr::value(AssetStatus::Deleted.as_str()),
        )
        .col_expr(asset::Column::DeletedAt, sea_orm::sea_query::Expr::value(now))
        .col_expr(
            asset::Column::DemoPartnerId,
            sea_orm::sea_query::Expr::value(Option::<i64>::None),
        )
        .col_expr(asset::Column::KeyHash, sea_orm::sea_query::Expr::value(""))
        .col_expr(asset::Column::UpdatedAt, sea_orm::sea_query::Expr::value(now))
        .filter(asset::Column::Id.eq(a.id))
        .filter(asset::Column::Status.ne(AssetStatus::Deleted.as_str()))
        .exec(&txn)
        .await?;
    if done.rows_affected == 0 {
        return Err(AppError::Conflict(ErrorCode::LicenceDeletedAlready));
    }
    super::lifecycle::record(&txn, a.id, Some(a.status), AssetStatus::Deleted, actor.user_id, "").await?;
    if let Some(sub) = a.subscription_id {
        Subscription::update_many()
            .col_expr(
                subscription::Column::Status,
                sea_orm::sea_query::Expr::value(kabinet_core::billing::SubscriptionStatus::Ended),
            )
            .col_expr(subscription::Column::EndedOn, sea_orm::sea_query::Expr::value(today))
            .col_expr(subscription::Column::UpdatedAt, sea_orm::sea_query::Expr::value(now))
            .filter(subscription::Column::Id.eq(sub))
            .exec(&txn)
            .await?;
    }
    audit::record(
        &txn,
        actor,
        "licence.delete",
        "asset",
        Some(a.id),
        json!({"customer_id": a.customer_id, "kind": a.kind, "key_id": a.key_id, "guests_erased": erased,
               "subscription_ended": a.subscription_id}),
    )
    .await?;
    txn.commit().await?;
    Ok(erased)
}

/// The active demo licence of a partner, if any (a partner has one at most).
pub async fn demo_of_partner(app: &App, partner_id: i64) -> AppResult<Option<views::Asset>> {
    Ok(Asset::find()
        .filter(asset::Column::DemoPartnerId.eq(partner_id))
        .limit(1)
        .one(&app.db.conn)
        .await?
        .map(Into::into))
}

/// The two pages of a point on the hotspot portal; both show guests' data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PortalPage {
    Identification,
    Authorisation,
}

impl std::str::FromStr for PortalPage {
    type Err = kabinet_core::UnknownValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "identification" => Ok(PortalPage::Identification),
            "authorisation" => Ok(PortalPage::Authorisation),
            _ => Err(kabinet_core::UnknownValue(s.to_owned())),
        }
    }
}

impl PortalPage {
    pub fn as_str(self) -> &'static str {
        match self {
            PortalPage::Identification => "identification",
            PortalPage::Authorisation => "authorisation",
        }
    }
}

/// The address of licence `id`'s `page` on the portal, for `who`; every opening is audited,
/// since the pages show guests' data.
pub async fn open_portal(app: &App, actor: &Actor, who: &Identity, id: i64, page: PortalPage) -> AppResult<String> {
    who.require(&[Permission::CustomersRead])?;
    let l = visible_row(app, who, id).await?;
    let portal = app
        .config
        .assets
        .portal()
        .ok_or(AppError::Refused(ErrorCode::PortalNotConfigured))?;
    let txn = app.db.write().await?;
    audit::record(
        &txn,
        actor,
        &format!("licence.open-{}", page.as_str()),
        "asset",
        Some(id),
        json!({"key_id": l.key_id}),
    )
    .await?;
    txn.commit().await?;
    Ok(format!("{portal}/{}/{}", l.key_id, page.as_str()))
}
