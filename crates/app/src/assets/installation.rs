//! Installation confirmation of a device (AST-3), the prerequisite of its service: a technician
//! opens it with the device type's checklist and the installation day; the buyer ticks that
//! every item is done and signs with a one-time code sent by SMS to the buyer's phone. Signing
//! fixes the record (its canonical content hashed with SHA-256; the database refuses any later
//! change), starts the service — active until the installation day plus the type's service
//! period — and makes the certificate: a PDF with the hash and a QR code of the public page
//! that says whether the record is intact.

use chrono::{DateTime, NaiveDate, Utc};
use kabinet_core::ErrorCode;
use kabinet_core::access::Permission;
use kabinet_core::assets::AssetStatus;
use kabinet_core::assets::installation::{self as rules, SignedContent};
use kabinet_store::entities::asset::{self, Entity as Asset};
use kabinet_store::entities::customer::Entity as Customer;
use kabinet_store::entities::device::{self, Entity as DeviceRow};
use kabinet_store::entities::device_type::Entity as DeviceType;
use kabinet_store::entities::installation_confirmation::{self as confirmation, Entity as ConfirmationRow};
use kabinet_store::entities::user::Entity as User;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

use super::devices::{self, Device};
use crate::access::{Actor, Identity, one_time_codes, throttle};
use crate::i18n::Lang;
use crate::{App, AppError, AppResult, FieldErrors};

/// A confirmation as pages and the API show it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Confirmation {
    pub id: i64,
    /// The device's asset id.
    pub asset_id: i64,
    pub items: Vec<String>,
    pub installed_on: NaiveDate,
    pub opened_at: DateTime<Utc>,
    pub signed_at: Option<DateTime<Utc>>,
    pub signer_phone: Option<String>,
    /// The SHA-256 of the signed content, in hex.
    pub content_hash: Option<String>,
}

impl Confirmation {
    pub fn is_signed(&self) -> bool {
        self.signed_at.is_some()
    }

    /// The public page that checks this record, as the certificate's QR code links to it.
    pub fn verify_link(&self, base_url: &str) -> Option<String> {
        self.content_hash
            .as_ref()
            .map(|h| format!("{}/verify/{}?h={h}", base_url.trim_end_matches('/'), self.id))
    }
}

impl From<confirmation::Model> for Confirmation {
    fn from(m: confirmation::Model) -> Self {
        Confirmation {
            id: m.id,
            asset_id: m.asset_id,
            items: serde_json::from_str(&m.items).unwrap_or_default(),
            installed_on: m.installed_on,
            opened_at: m.opened_at,
            signed_at: m.signed_at,
            signer_phone: m.signer_phone,
            content_hash: m.content_hash,
        }
    }
}

fn purpose(confirmation_id: i64) -> String {
    format!("installation:{confirmation_id}")
}

/// The device's confirmation, if one was opened, for whoever may see the device.
pub async fn of_device(app: &App, who: &Identity, asset_id: i64) -> AppResult<Option<Confirmation>> {
    devices::get_visible(app, who, asset_id).await?;
    find(app, asset_id).await
}

/// The confirmation of device `asset_id`, for callers that checked the device is visible.
async fn find(app: &App, asset_id: i64) -> AppResult<Option<Confirmation>> {
    Ok(ConfirmationRow::find()
        .filter(confirmation::Column::AssetId.eq(asset_id))
        .one(&app.db.conn)
        .await?
        .map(Into::into))
}

/// What a device's page shows of its installation: the confirmation if one was opened, and the
/// checklist — the confirmation's own, else the one its type would open with.
pub async fn state(app: &App, who: &Identity, asset_id: i64) -> AppResult<(Option<Confirmation>, Vec<String>)> {
    let d = devices::get_visible(app, who, asset_id).await?;
    let c = find(app, asset_id).await?;
    let items = match &c {
        Some(c) => c.items.clone(),
        None => checklist(app, &d).await?.0,
    };
    Ok((c, items))
}

/// The checklist of a device's type.
async fn checklist(app: &App, d: &Device) -> AppResult<(Vec<String>, i32)> {
    let t = DeviceType::find_by_id(d.device_type_id)
        .one(&app.db.conn)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((serde_json::from_str(&t.checklist).unwrap_or_default(), t.service_months))
}

/// Opens (or, while unsigned, opens again) the confirmation of a device with its type's
/// checklist and the installation day typed (`installed_on`); staff who manage devices only.
pub async fn open(
    app: &App,
    actor: &Actor,
    who: &Identity,
    asset_id: i64,
    installed_on: &str,
) -> AppResult<Confirmation> {
    who.require(&[Permission::DevicesManage])?;
    let d = devices::get_visible(app, who, asset_id).await?;
    let mut errors = FieldErrors::new();
    let day = errors.date("installed_on", installed_on);
    let today = crate::billing::run::today_for(None, &app.config.display_time_zone);
    if day.is_some_and(|day| day > today) {
        errors.add("installed_on", "installation-in-future");
    }
    errors.into_result()?;
    let day = day.ok_or_else(|| FieldErrors::single("installed_on", "date-format"))?;
    if d.status == AssetStatus::Deleted {
        return Err(AppError::Conflict(ErrorCode::AssetTransitionRefused));
    }
    let (items, _) = checklist(app, &d).await?;
    let items_json = serde_json::to_string(&items).map_err(|e| AppError::Internal(e.into()))?;
    let now = kabinet_store::now();
    let txn = app.db.write().await?;
    let existing = ConfirmationRow::find()
        .filter(confirmation::Column::AssetId.eq(asset_id))
        .one(&txn)
        .await?;
    let saved = match existing {
        Some(c) if c.signed_at.is_some() => return Err(AppError::Conflict(ErrorCode::InstallationAlreadySigned)),
        Some(c) => {
            let mut m: confirmation::ActiveModel = c.into();
            m.items = Set(items_json);
            m.installed_on = Set(day);
            m.opened_by_user_id = Set(actor.user_id);
            m.opened_at = Set(now);
            m.update(&txn).await?
        }
        None => {
            confirmation::ActiveModel {
                asset_id: Set(asset_id),
                items: Set(items_json),
                installed_on: Set(day),
                opened_by_user_id: Set(actor.user_id),
                opened_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?
        }
    };
    crate::audit::record(
        &txn,
        actor,
        "installation.open",
        "asset",
        Some(asset_id),
        json!({"confirmation_id": saved.id, "installed_on": day, "items": items}),
    )
    .await?;
    txn.commit().await?;
    Ok(saved.into())
}

/// The unsigned confirmation of a device the caller (its buyer) may sign.
async fn waiting(app: &App, who: &Identity, asset_id: i64) -> AppResult<(Device, confirmation::Model)> {
    who.require(&[Permission::DevicesConfirm])?;
    let d = devices::get_visible(app, who, asset_id).await?;
    // Staff see the device too; only its own customer's logins sign.
    if who.customer_id != Some(d.customer_id) {
        return Err(AppError::Forbidden);
    }
    let c = ConfirmationRow::find()
        .filter(confirmation::Column::AssetId.eq(asset_id))
        .one(&app.db.conn)
        .await?
        .ok_or(AppError::NotFound)?;
    if c.signed_at.is_some() {
        return Err(AppError::Conflict(ErrorCode::InstallationAlreadySigned));
    }
    Ok((d, c))
}

/// The phone a buyer's code goes to: the buyer's own (the customer's), else the login's.
async fn signer_phone(app: &App, who: &Identity, customer_id: i64) -> AppResult<String> {
    let customer_phone = Customer::find_by_id(customer_id)
        .one(&app.db.conn)
        .await?
        .and_then(|c| c.phone);
    let phone = match customer_phone {
        Some(p) => Some(p),
        None => User::find_by_id(who.user_id)
            .one(&app.db.conn)
            .await?
            .and_then(|u| u.phone),
    };
    phone.ok_or(AppError::Refused(ErrorCode::InstallationNoPhone))
}

/// Sends the buyer a one-time code to sign the device's confirmation with (five an hour).
pub async fn send_code(app: &App, who: &Identity, asset_id: i64) -> AppResult<()> {
    let (d, c) = waiting(app, who, asset_id).await?;
    throttle::hit(
        &app.db.conn,
        &format!("installation-code:{}", who.user_id),
        5,
        chrono::Duration::hours(1),
    )
    .await?;
    let phone = signer_phone(app, who, d.customer_id).await?;
    let lang = who.language;
    let txn = app.db.write().await?;
    one_time_codes::send_by_sms(
        &txn,
        who.user_id,
        &purpose(c.id),
        &phone,
        lang,
        "msg-installation-code",
        &[("device", d.identifier.clone())],
    )
    .await?;
    txn.commit().await?;
    app.worker_wake.notify_one();
    Ok(())
}

/// Signs the device's confirmation: every item ticked done (`all_done`) and the code sent to
/// the buyer's phone. The record is fixed and hashed, the device's service starts.
pub async fn sign(
    app: &App,
    actor: &Actor,
    who: &Identity,
    asset_id: i64,
    all_done: bool,
    code: &str,
    ip: &str,
) -> AppResult<Confirmation> {
    let (d, c) = waiting(app, who, asset_id).await?;
    let mut errors = FieldErrors::new();
    if !all_done {
        errors.add("all_done", "installation-all-done-required");
    }
    if one_time_codes::check_format(code).is_err() {
        errors.add("code", "code-format");
    }
    errors.into_result()?;
    one_time_codes::redeem(app, who.user_id, &purpose(c.id), code).await?;
    let phone = signer_phone(app, who, d.customer_id).await?;
    let buyer = Customer::find_by_id(d.customer_id)
        .one(&app.db.conn)
        .await?
        .ok_or(AppError::NotFound)?;
    let (_, service_months) = checklist(app, &d).await?;
    let now = kabinet_store::now();
    let content = SignedContent {
        confirmation_id: c.id,
        identifier_kind: d.identifier_kind.as_str().to_owned(),
        identifier: d.identifier.clone(),
        device_type: d.device_type.clone(),
        brand: d.brand.clone(),
        model: d.model.clone(),
        items: serde_json::from_str(&c.items).unwrap_or_default(),
        installed_on: c.installed_on,
        buyer_name: buyer.name.clone(),
        buyer_national_id: buyer.national_id.clone(),
        signer_phone: phone.clone(),
        signed_at: SignedContent::time(now),
        signer_ip: ip.to_owned(),
    };
    let text = content.canonical();
    let hash = rules::hash_of(&text);
    let txn = app.db.write().await?;
    // Only an unsigned row is signed: a second request that got this far loses here.
    let done = ConfirmationRow::update_many()
        .col_expr(confirmation::Column::SignedAt, Expr::value(now))
        .col_expr(confirmation::Column::SignerUserId, Expr::value(who.user_id))
        .col_expr(confirmation::Column::SignerPhone, Expr::value(phone))
        .col_expr(confirmation::Column::SignerIp, Expr::value(ip.to_owned()))
        .col_expr(confirmation::Column::Content, Expr::value(text))
        .col_expr(confirmation::Column::ContentHash, Expr::value(hash.clone()))
        .filter(confirmation::Column::Id.eq(c.id))
        .filter(confirmation::Column::SignedAt.is_null())
        .exec(&txn)
        .await?;
    if done.rows_affected == 0 {
        return Err(AppError::Conflict(ErrorCode::InstallationAlreadySigned));
    }
    start_service(&txn, actor, &d, c.installed_on, service_months).await?;
    crate::audit::record(
        &txn,
        actor,
        "installation.sign",
        "asset",
        Some(d.id),
        json!({"confirmation_id": c.id, "content_hash": hash}),
    )
    .await?;
    crate::crm_sync::asset_changed(app, &txn, d.id, "asset.activated").await?;
    txn.commit().await?;
    let signed = ConfirmationRow::find_by_id(c.id)
        .one(&app.db.conn)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(signed.into())
}

/// The service a signature starts: the device's installation day recorded, its service end
/// the installation day plus the type's service period, and the device in service (resumed if
/// suspended, renewed if it had run out or been cancelled).
async fn start_service<C: kabinet_store::ConnectionTrait>(
    txn: &C,
    actor: &Actor,
    d: &Device,
    installed_on: NaiveDate,
    service_months: i32,
) -> AppResult<()> {
    let ends_on = installed_on
        .checked_add_months(chrono::Months::new(service_months.max(0) as u32))
        .unwrap_or(installed_on);
    DeviceRow::update_many()
        .col_expr(device::Column::InstalledOn, Expr::value(installed_on))
        .filter(device::Column::AssetId.eq(d.id))
        .exec(txn)
        .await?;
    Asset::update_many()
        .col_expr(asset::Column::EndsOn, Expr::value(ends_on))
        .col_expr(asset::Column::StartedOn, Expr::value(installed_on))
        .filter(asset::Column::Id.eq(d.id))
        .exec(txn)
        .await?;
    let a = Asset::find_by_id(d.id).one(txn).await?.ok_or(AppError::NotFound)?;
    let to = match a.status {
        AssetStatus::Active | AssetStatus::Renewed => return Ok(()),
        AssetStatus::Suspended => AssetStatus::Active,
        AssetStatus::Expired | AssetStatus::Cancelled => AssetStatus::Renewed,
        AssetStatus::Deleted => return Err(AppError::Conflict(ErrorCode::AssetTransitionRefused)),
    };
    let reason = kabinet_core::assets::lifecycle::ProductReason::InstallationConfirmed.stored();
    super::lifecycle::move_status(txn, &a, to, actor.user_id, &reason).await
}

/// The certificate of a signed confirmation as a PDF, in `lang`, for whoever may see the
/// device; its QR code links to the public check of the record.
pub async fn certificate(app: &App, who: &Identity, asset_id: i64, lang: Lang) -> AppResult<(String, Vec<u8>)> {
    let d = devices::get_visible(app, who, asset_id).await?;
    let c = find(app, asset_id)
        .await?
        .filter(Confirmation::is_signed)
        .ok_or(AppError::NotFound)?;
    let buyer = Customer::find_by_id(d.customer_id)
        .one(&app.db.conn)
        .await?
        .ok_or(AppError::NotFound)?;
    let link = c.verify_link(&app.config.public_base_url).unwrap_or_default();
    let zone = &app.config.display_time_zone;
    let fact = |key: &str, value: String| kabinet_docs::Fact::new(lang.t(key), value);
    let mut facts = vec![
        fact("device-type", d.device_type.clone()),
        fact("device-brand-model", format!("{} {}", d.brand, d.model)),
        fact(
            "device-identifier",
            format!(
                "{} ({})",
                d.identifier,
                lang.t(&format!("device-identifier-{}", d.identifier_kind))
            ),
        ),
        fact("device-installed-on", lang.date(c.installed_on)),
        fact("installation-buyer", buyer.name.clone()),
    ];
    if let Some(id) = &buyer.national_id {
        facts.push(fact("field-national-id", lang.digits(id)));
    }
    if let Some(at) = c.signed_at {
        facts.push(fact("installation-signed-at", lang.date_time(&at, zone)));
    }
    if let Some(phone) = &c.signer_phone {
        facts.push(fact("installation-signer-phone", phone.clone()));
    }
    let doc = kabinet_docs::Document {
        lang: lang.code().to_owned(),
        rtl: lang.is_rtl(),
        title: lang.t_args(
            "installation-certificate-title",
            &[("number", lang.digits(&c.id.to_string()))],
        ),
        subtitle: Some(lang.t("installation-certificate-subtitle")),
        facts,
        table: kabinet_docs::Table {
            columns: vec![
                kabinet_docs::Column::number(lang.t("doc-col-no")),
                kabinet_docs::Column::text(lang.t("installation-item"), 6),
                kabinet_docs::Column::text(lang.t("installation-item-done"), 1),
            ],
            rows: c
                .items
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    kabinet_docs::Row::new(vec![
                        lang.digits(&(i + 1).to_string()),
                        item.clone(),
                        lang.t("installation-item-done-yes"),
                    ])
                })
                .collect(),
            ..Default::default()
        },
        notes: vec![
            lang.t("installation-certificate-statement"),
            format!("SHA-256: {}", c.content_hash.clone().unwrap_or_default()),
            lang.t_args("installation-certificate-check", &[("link", link.clone())]),
        ],
        qr_link: Some(link),
        footer: lang.t("installation-certificate-footer"),
        ..Default::default()
    };
    let bytes = crate::documents::issue::render(doc, kabinet_core::documents::DocumentFormat::Pdf).await?;
    Ok((format!("installation-{}-{}.pdf", c.id, d.identifier), bytes))
}

/// What the public check of a record says: whether it is intact and, only then, what it is
/// about — the device and its dates, no personal data. A record that is not intact (a wrong or
/// missing hash) shows nothing, so that trying ids reveals no one's devices.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct VerifiedRecord {
    pub id: i64,
    pub intact: bool,
    pub facts: Option<RecordFacts>,
}

/// What an intact record is about.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RecordFacts {
    pub device_type: String,
    pub brand: String,
    pub model: String,
    pub identifier: String,
    pub installed_on: NaiveDate,
    pub signed_at: Option<DateTime<Utc>>,
}

/// Checks record `id` against the hash a certificate presents. `None`: there is no signed
/// record of that id.
pub async fn verify(app: &App, id: i64, presented: &str) -> AppResult<Option<VerifiedRecord>> {
    let Some(c) = ConfirmationRow::find_by_id(id).one(&app.db.conn).await? else {
        return Ok(None);
    };
    let (Some(text), Some(hash)) = (c.content.as_deref(), c.content_hash.as_deref()) else {
        return Ok(None);
    };
    let intact = rules::is_intact(text, hash, presented);
    let facts = intact.then(|| {
        let content: serde_json::Value = serde_json::from_str(text).unwrap_or_default();
        let field = |k: &str| content[k].as_str().unwrap_or_default().to_owned();
        RecordFacts {
            device_type: field("device_type"),
            brand: field("brand"),
            model: field("model"),
            identifier: field("identifier"),
            installed_on: c.installed_on,
            signed_at: c.signed_at,
        }
    });
    Ok(Some(VerifiedRecord {
        id: c.id,
        intact,
        facts,
    }))
}
