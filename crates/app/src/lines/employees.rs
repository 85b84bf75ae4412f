//! Employees on lines. Staff give a customer a line (a number and the SIM it is on, billed to
//! one of its accounts). The customer's coordinator adds an employee by name and number: on a
//! line of the company's the employee is simply written onto it; a number that is not the
//! company's (the employee's own) joins only after the code sent to it by SMS is entered — until
//! then the line waits, `confirming` (the source document's "monitoring").

use kabinet_core::ErrorCode;
use kabinet_core::access::Permission;
use kabinet_core::assets::lifecycle::ServiceMode;
use kabinet_core::assets::lines::{Icc, LineStatus};
use kabinet_core::assets::{AssetKind, AssetStatus, Verification};
use kabinet_core::phone::Phone;
use kabinet_core::text;
use kabinet_store::entities::asset;
use kabinet_store::entities::line::{self, Entity as LineRow};
use kabinet_store::entities::reserve_sim::{self, Entity as ReserveRow};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

use super::views::Line;
use crate::access::{Actor, Identity, one_time_codes, throttle};
use crate::{App, AppError, AppResult, FieldErrors, audit};

/// The employee who carries a line, as typed; every field checked in one round.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct EmployeeInput {
    pub name: String,
    pub position: String,
    pub email: String,
    pub comment: String,
}

/// The longest comment on an employee, in characters.
pub const COMMENT_MAX: usize = 2_000;

/// An employee's details once every field is right.
pub(crate) struct Employee {
    pub(super) name: Option<String>,
    pub(super) position: Option<String>,
    pub(super) email: Option<String>,
    pub(super) comment: Option<String>,
}

pub(super) fn employee(errors: &mut FieldErrors, input: &EmployeeInput, name_required: bool) -> Employee {
    let email = match input.email.trim() {
        "" => None,
        typed => kabinet_core::email::Email::parse(typed)
            .map(|e| e.as_str().to_owned())
            .map_err(|e| errors.add("email", &format!("email-{}", e.code().replace('_', "-"))))
            .ok(),
    };
    let comment = if input.comment.trim().is_empty() {
        None
    } else {
        errors.multi_line("comment", &input.comment, COMMENT_MAX)
    };
    Employee {
        name: errors.one_line("name", &input.name, text::limits::NAME, name_required),
        position: errors.one_line("position", &input.position, text::limits::NAME, false),
        email,
        comment,
    }
}

pub(super) fn phone(errors: &mut FieldErrors, field: &str, typed: &str) -> Option<String> {
    Phone::parse(typed)
        .map(|p| p.as_str().to_owned())
        .map_err(|e| errors.add(field, &format!("phone-{}", e.code().replace('_', "-"))))
        .ok()
}

/// What setting `e` on the line `before` changes, as the audit records it (a comment only as
/// there or not: it may hold anything).
pub(super) fn changes(before: &line::Model, e: &Employee) -> serde_json::Value {
    audit::diff(&[
        ("name", json!(before.employee_name), json!(e.name)),
        ("position", json!(before.employee_position), json!(e.position)),
        ("email", json!(before.employee_email), json!(e.email)),
        (
            "comment",
            json!(before.employee_comment.is_some()),
            json!(e.comment.is_some()),
        ),
    ])
}

/// Puts the employee `e` on the line being changed.
pub(super) fn write_onto(active: &mut line::ActiveModel, e: Employee, now: chrono::DateTime<chrono::Utc>) {
    active.employee_name = Set(e.name);
    active.employee_position = Set(e.position);
    active.employee_email = Set(e.email);
    active.employee_comment = Set(e.comment);
    active.updated_at = Set(now);
}

/// The ICC typed into the `icc` field, if it is one (its problem added otherwise).
fn checked_icc(errors: &mut FieldErrors, typed: &str) -> Option<String> {
    const FIELD: &str = "icc";
    match Icc::parse(typed) {
        Ok(icc) => Some(icc.as_str().to_owned()),
        Err(e) => {
            errors.add(FIELD, e.code());
            None
        }
    }
}

/// A line as staff give it out: the number, the SIM's ICC, the account it is billed to and,
/// if known, its employee.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct NewLine {
    pub account_id: String,
    pub phone: String,
    pub icc: String,
    #[serde(flatten)]
    pub employee: EmployeeInput,
}

/// The account `typed` if it is one of the customer's; a field error on `account_id` if not.
async fn account_of<C: sea_orm::ConnectionTrait>(
    db: &C,
    errors: &mut FieldErrors,
    customer_id: i64,
    typed: &str,
) -> AppResult<Option<i64>> {
    let own = super::account_ids(db, customer_id).await?;
    Ok(match typed.trim().parse::<i64>() {
        Ok(id) if own.contains(&id) => Some(id),
        // A customer with a single account needs no choice.
        _ if typed.trim().is_empty() && own.len() == 1 => Some(own[0]),
        _ => {
            errors.add("account_id", "invalid-choice");
            None
        }
    })
}

/// Refuses a number already on a line (any customer's) or an ICC already on a line or in any
/// reserve pool, as errors of their fields.
async fn check_free<C: sea_orm::ConnectionTrait>(
    db: &C,
    errors: &mut FieldErrors,
    phone: Option<&str>,
    icc: Option<&str>,
) -> AppResult<()> {
    if let Some(p) = phone
        && LineRow::find()
            .filter(line::Column::Phone.eq(p))
            .one(db)
            .await?
            .is_some()
    {
        errors.add("phone", "line-phone-taken");
    }
    if let Some(i) = icc
        && (LineRow::find().filter(line::Column::Icc.eq(i)).one(db).await?.is_some()
            || ReserveRow::find()
                .filter(reserve_sim::Column::Icc.eq(i))
                .one(db)
                .await?
                .is_some())
    {
        errors.add("icc", "line-icc-taken");
    }
    Ok(())
}

/// Writes the asset and the line in `txn`; the caller audits.
#[allow(clippy::too_many_arguments)]
pub(super) async fn insert_line<C: sea_orm::ConnectionTrait>(
    txn: &C,
    customer_id: i64,
    account_id: i64,
    phone: String,
    icc: Option<String>,
    status: LineStatus,
    e: Employee,
    actor_user_id: Option<i64>,
) -> AppResult<i64> {
    let now = kabinet_store::now();
    let a = asset::ActiveModel {
        customer_id: Set(customer_id),
        site_id: Set(None),
        kind: Set(AssetKind::Line),
        status: Set(AssetStatus::Active),
        service_mode: Set(ServiceMode::Contract),
        is_demo: Set(false),
        modules: Set("[]".into()),
        key_id: Set(line_key_id()),
        key_hash: Set(String::new()),
        verification: Set(Verification::None),
        started_on: Set(now.date_naive()),
        ends_on: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    line::ActiveModel {
        asset_id: Set(a.id),
        account_id: Set(account_id),
        phone: Set(phone),
        icc: Set(icc),
        line_status: Set(status),
        employee_name: Set(e.name),
        employee_position: Set(e.position),
        employee_email: Set(e.email),
        employee_comment: Set(e.comment),
        spending_limit_minor: Set(None),
        group_id: Set(None),
        tariff_id: Set(None),
        search_text: Set(String::new()),
        updated_at: Set(now),
    }
    .insert(txn)
    .await
    .map_err(|e| {
        if kabinet_store::is_unique_violation(&e) {
            FieldErrors::single("phone", "line-phone-taken")
        } else {
            e.into()
        }
    })?;
    crate::assets::lifecycle::record(txn, a.id, None, AssetStatus::Active, actor_user_id, "").await?;
    Ok(a.id)
}

/// A line's public id: lines need no key, but the column is unique (see devices).
fn line_key_id() -> String {
    format!("l-{}", crate::access::passwords::random_secret(7))
}

/// Gives the customer a line of the provider's: number, SIM and account required, the
/// employee optional. Staff only.
pub async fn create(app: &App, actor: &Actor, who: &Identity, customer_id: i64, input: &NewLine) -> AppResult<Line> {
    who.require(&[Permission::LinesAdminister])?;
    let customer = crate::customers::get_visible(app, who, customer_id).await?;
    let mut errors = FieldErrors::new();
    let account_id = account_of(&app.db.conn, &mut errors, customer.id, &input.account_id).await?;
    let number = phone(&mut errors, "phone", &input.phone);
    let icc = checked_icc(&mut errors, &input.icc);
    let e = employee(&mut errors, &input.employee, false);
    errors.into_result()?;
    let (Some(account_id), Some(number)) = (account_id, number) else {
        return Err(FieldErrors::single("phone", "text-empty"));
    };
    let txn = app.db.write().await?;
    let mut taken = FieldErrors::new();
    check_free(&txn, &mut taken, Some(&number), icc.as_deref()).await?;
    taken.into_result()?;
    let id = insert_line(
        &txn,
        customer.id,
        account_id,
        number.clone(),
        icc.clone(),
        LineStatus::Active,
        e,
        actor.user_id,
    )
    .await?;
    audit::record(
        &txn,
        actor,
        "line.create",
        "asset",
        Some(id),
        json!({"customer_id": customer.id, "account_id": account_id, "phone": number, "icc": icc}),
    )
    .await?;
    txn.commit().await?;
    Ok(super::register::get(app, who, id).await?.line)
}

/// An employee as the coordinator adds one: who and the number they use.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct NewEmployee {
    pub account_id: String,
    pub phone: String,
    #[serde(flatten)]
    pub employee: EmployeeInput,
}

/// What adding an employee did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Added {
    /// The number is one of the company's lines: the employee is on it now.
    OnCompanyLine(i64),
    /// The number is the employee's own: a line waits for the code sent to it.
    WaitingForCode(i64),
}

impl Added {
    pub fn line_id(&self) -> i64 {
        match self {
            Added::OnCompanyLine(id) | Added::WaitingForCode(id) => *id,
        }
    }
}

/// Adds an employee to the customer's lines. A company line without an employee takes them; a
/// number no line has joins as a new line once the code sent to it is entered
/// ([`confirm`]). A number on a line with an employee already, or on another customer's line,
/// is refused at the field.
pub async fn add(app: &App, actor: &Actor, who: &Identity, input: &NewEmployee) -> AppResult<Added> {
    who.require(&[Permission::CabinetLinesManage])?;
    let customer_id = super::customer_of(app, who, None).await?;
    let mut errors = FieldErrors::new();
    let account_id = account_of(&app.db.conn, &mut errors, customer_id, &input.account_id).await?;
    let number = phone(&mut errors, "phone", &input.phone);
    let e = employee(&mut errors, &input.employee, true);
    errors.into_result()?;
    let (Some(account_id), Some(number)) = (account_id, number) else {
        return Err(FieldErrors::single("phone", "text-empty"));
    };
    let own_accounts = super::account_ids(&app.db.conn, customer_id).await?;
    let company_line = LineRow::find()
        .filter(line::Column::Phone.eq(&number))
        .one(&app.db.conn)
        .await?
        .is_some_and(|l| own_accounts.contains(&l.account_id) && l.employee_name.is_none());
    if !company_line {
        // Sending codes to numbers costs money and bothers people: a few an hour per login.
        throttle::hit(
            &app.db.conn,
            &format!("line-join-code:{}", who.user_id),
            10,
            chrono::Duration::hours(1),
        )
        .await?;
    }
    let txn = app.db.write().await?;
    if let Some(existing) = LineRow::find()
        .filter(line::Column::Phone.eq(&number))
        .one(&txn)
        .await?
    {
        if !own_accounts.contains(&existing.account_id) || existing.employee_name.is_some() {
            return Err(FieldErrors::single("phone", "line-phone-taken"));
        }
        let id = existing.asset_id;
        let name = e.name.clone();
        let mut row: line::ActiveModel = existing.into();
        write_onto(&mut row, e, kabinet_store::now());
        row.update(&txn).await?;
        audit::record(
            &txn,
            actor,
            "line.employee",
            "asset",
            Some(id),
            json!({"employee": name}),
        )
        .await?;
        txn.commit().await?;
        return Ok(Added::OnCompanyLine(id));
    }
    let name = e.name.clone();
    let id = insert_line(
        &txn,
        customer_id,
        account_id,
        number.clone(),
        None,
        LineStatus::Confirming,
        e,
        actor.user_id,
    )
    .await?;
    send_join_code(&txn, who, id, &number).await?;
    audit::record(
        &txn,
        actor,
        "line.join",
        "asset",
        Some(id),
        json!({"account_id": account_id, "phone": number, "employee": name}),
    )
    .await?;
    txn.commit().await?;
    app.worker_wake.notify_one();
    Ok(Added::WaitingForCode(id))
}

fn join_purpose(line_id: i64) -> String {
    format!("line-join:{line_id}")
}

pub(super) async fn send_join_code<C: sea_orm::ConnectionTrait>(
    txn: &C,
    who: &Identity,
    line_id: i64,
    number: &str,
) -> AppResult<()> {
    // The message is read by the employee, in the language of the person who added them.
    one_time_codes::send_by_sms(
        txn,
        who.user_id,
        &join_purpose(line_id),
        number,
        who.language,
        "msg-line-join-code",
        &[],
    )
    .await?;
    Ok(())
}

/// The line `id` if it waits for its code and `who` added it or runs the customer's lines.
async fn waiting_line(app: &App, who: &Identity, id: i64) -> AppResult<line::Model> {
    who.require(&[Permission::CabinetLinesManage])?;
    let (row, _) = super::visible_row(app, &app.db.conn, who, id).await?;
    if row.line_status != LineStatus::Confirming {
        return Err(AppError::Conflict(ErrorCode::LineTransitionRefused));
    }
    Ok(row)
}

/// Sends the code of a joining number again (a new code replaces the old one).
pub async fn resend_code(app: &App, who: &Identity, id: i64) -> AppResult<()> {
    let row = waiting_line(app, who, id).await?;
    throttle::hit(
        &app.db.conn,
        &format!("line-join-code:{}", who.user_id),
        10,
        chrono::Duration::hours(1),
    )
    .await?;
    let txn = app.db.write().await?;
    send_join_code(&txn, who, id, &row.phone).await?;
    txn.commit().await?;
    app.worker_wake.notify_one();
    Ok(())
}

/// Joins a waiting number with the code the employee received: the line becomes active. A
/// wrong code counts a try (five, then a new code is needed); an expired one is refused.
pub async fn confirm(app: &App, actor: &Actor, who: &Identity, id: i64, code: &str) -> AppResult<Line> {
    let row = waiting_line(app, who, id).await?;
    if one_time_codes::check_format(code).is_err() {
        return Err(FieldErrors::single("code", "code-format"));
    }
    // Codes are issued to whoever added the number; the same login confirms it.
    one_time_codes::redeem(app, who.user_id, &join_purpose(id), code).await?;
    let txn = app.db.write().await?;
    super::settings::change_status(&txn, actor, row, LineStatus::Active, "line.joined").await?;
    txn.commit().await?;
    Ok(super::register::get(app, who, id).await?.line)
}

/// Changes the employee on a line (or clears it: every field empty).
pub async fn update(app: &App, actor: &Actor, who: &Identity, id: i64, input: &EmployeeInput) -> AppResult<Line> {
    who.require(&[Permission::CabinetLineSettings, Permission::LinesAdminister])?;
    let mut errors = FieldErrors::new();
    let e = employee(&mut errors, input, false);
    if e.name.is_none() && (e.position.is_some() || e.email.is_some() || e.comment.is_some()) {
        errors.add("name", "text-empty");
    }
    errors.into_result()?;
    let txn = app.db.write().await?;
    let (row, _) = super::visible_row(app, &txn, who, id).await?;
    let changes = changes(&row, &e);
    let mut active: line::ActiveModel = row.into();
    write_onto(&mut active, e, kabinet_store::now());
    active.update(&txn).await?;
    audit::record(&txn, actor, "line.employee", "asset", Some(id), changes).await?;
    txn.commit().await?;
    Ok(super::register::get(app, who, id).await?.line)
}
