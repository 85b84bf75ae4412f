//! A customer's payment templates (source document 004): the requisites of a third party it
//! pays — a state guard's services — checked like the pay slip's (BIK, the accounts' control
//! keys, INN, KPP) and kept under a name, so the next pay slip needs only the sum. Saving
//! under a name the customer already used replaces that template.

use kabinet_core::access::Permission;
use kabinet_core::pay_slip::{self, Payee};
use kabinet_store::entities::payment_template::{self, Entity as TemplateRow};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, TryIntoModel};
use serde_json::json;

use crate::access::{Actor, Identity};
use crate::{App, AppError, AppResult, FieldErrors, audit};

/// The most templates one customer keeps.
pub const MAX_PER_CUSTOMER: u64 = 50;
/// The longest name of a template, of a payee and of its bank.
const TITLE_MAX: usize = 100;
const NAME_MAX: usize = 160;

view! {
    /// A saved payee with what it is usually paid for.
    PaymentTemplate from payment_template::Model {
        id: i64,
        title: String,
        payee_name: String,
        inn: String,
        kpp: String,
        bank_name: String,
        bik: String,
        account: String,
        correspondent_account: String,
        purpose: String,
        updated_at: chrono::DateTime<chrono::Utc>,
    }
}

impl PaymentTemplate {
    /// The requisites, as the pay slip takes them.
    pub fn payee(&self) -> Payee {
        Payee {
            name: self.payee_name.clone(),
            account: self.account.clone(),
            bank_name: self.bank_name.clone(),
            bik: self.bik.clone(),
            correspondent_account: self.correspondent_account.clone(),
            inn: self.inn.clone(),
            kpp: self.kpp.clone(),
        }
    }
}

/// A template as typed.
#[derive(Debug, Clone, Default)]
pub struct NewTemplate {
    pub title: String,
    pub payee: Payee,
    pub purpose: String,
}

/// The caller's customer's templates, by name.
pub async fn list(app: &App, who: &Identity) -> AppResult<Vec<PaymentTemplate>> {
    who.require(&[Permission::CabinetView])?;
    let customer_id = who.customer_id.ok_or(AppError::Forbidden)?;
    Ok(TemplateRow::find()
        .filter(payment_template::Column::CustomerId.eq(customer_id))
        .order_by_asc(payment_template::Column::Title)
        .order_by_asc(payment_template::Column::Id)
        .all(&app.db.conn)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// One of the caller's customer's templates; another customer's is not found.
pub async fn get(app: &App, who: &Identity, id: i64) -> AppResult<PaymentTemplate> {
    who.require(&[Permission::CabinetView])?;
    own_row(app, who, id).await.map(Into::into)
}

async fn own_row(app: &App, who: &Identity, id: i64) -> AppResult<payment_template::Model> {
    let customer_id = who.customer_id.ok_or(AppError::Forbidden)?;
    TemplateRow::find_by_id(id)
        .filter(payment_template::Column::CustomerId.eq(customer_id))
        .one(&app.db.conn)
        .await?
        .ok_or(AppError::NotFound)
}

/// Checks a template's fields, every problem at its field.
fn check(input: &NewTemplate) -> AppResult<(String, Payee, String)> {
    let mut errors = FieldErrors::new();
    let title = errors.one_line("title", &input.title, TITLE_MAX, true);
    errors.one_line("name", &input.payee.name, NAME_MAX, true);
    errors.one_line("bank_name", &input.payee.bank_name, NAME_MAX, true);
    let purpose = errors.one_line("purpose", &input.purpose, pay_slip::PURPOSE_MAX, true);
    let payee = match pay_slip::check_payee(&input.payee) {
        Ok(p) => Some(p),
        Err(problems) => {
            for (field, key) in problems {
                if !errors.0.iter().any(|(f, _)| f == field) {
                    errors.add(field, key);
                }
            }
            None
        }
    };
    errors.into_result()?;
    match (title, payee, purpose) {
        (Some(t), Some(p), Some(u)) => Ok((t, p, u)),
        _ => Err(FieldErrors::single("title", "text-empty")),
    }
}

/// Saves a template under its name (replacing the customer's template of that name).
pub async fn save(app: &App, actor: &Actor, who: &Identity, input: &NewTemplate) -> AppResult<PaymentTemplate> {
    who.require(&[Permission::CabinetPay])?;
    let customer_id = who.customer_id.ok_or(AppError::Forbidden)?;
    let (title, payee, purpose) = check(input)?;
    let now = kabinet_store::now();
    let txn = app.db.write().await?;
    let existing = TemplateRow::find()
        .filter(payment_template::Column::CustomerId.eq(customer_id))
        .filter(payment_template::Column::Title.eq(title.as_str()))
        .one(&txn)
        .await?;
    let mut row = match existing {
        Some(e) => payment_template::ActiveModel::from(e),
        None => {
            use sea_orm::PaginatorTrait;
            let count = TemplateRow::find()
                .filter(payment_template::Column::CustomerId.eq(customer_id))
                .count(&txn)
                .await?;
            if count >= MAX_PER_CUSTOMER {
                return Err(FieldErrors::single("title", "payment-templates-too-many"));
            }
            payment_template::ActiveModel {
                customer_id: Set(customer_id),
                title: Set(title.clone()),
                created_by_user_id: Set(Some(who.user_id)),
                created_at: Set(now),
                ..Default::default()
            }
        }
    };
    row.payee_name = Set(payee.name);
    row.inn = Set(payee.inn);
    row.kpp = Set(payee.kpp);
    row.bank_name = Set(payee.bank_name);
    row.bik = Set(payee.bik);
    row.account = Set(payee.account);
    row.correspondent_account = Set(payee.correspondent_account);
    row.purpose = Set(purpose);
    row.updated_at = Set(now);
    let saved = row.save(&txn).await.map_err(|e| {
        if kabinet_store::is_unique_violation(&e) {
            // The same name saved a moment earlier by a colleague: try again replaces it.
            AppError::Unavailable(kabinet_core::ErrorCode::BusyTryAgain)
        } else {
            e.into()
        }
    })?;
    let saved: payment_template::Model = saved.try_into_model()?;
    audit::record(
        &txn,
        actor,
        "payment_template.save",
        "customer",
        Some(customer_id),
        json!({"template_id": saved.id, "title": saved.title, "inn": saved.inn, "account": saved.account}),
    )
    .await?;
    txn.commit().await?;
    Ok(saved.into())
}

/// Deletes one of the caller's customer's templates.
pub async fn delete(app: &App, actor: &Actor, who: &Identity, id: i64) -> AppResult<()> {
    who.require(&[Permission::CabinetPay])?;
    let row = own_row(app, who, id).await?;
    let txn = app.db.write().await?;
    TemplateRow::delete_by_id(row.id).exec(&txn).await?;
    audit::record(
        &txn,
        actor,
        "payment_template.delete",
        "customer",
        Some(row.customer_id),
        json!({"template_id": row.id, "title": row.title}),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
