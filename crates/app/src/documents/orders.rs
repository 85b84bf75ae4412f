//! Ordering documents: checking what was asked for and queueing it for the worker.

use kabinet_core::ErrorCode;
use kabinet_core::access::Permission;
use std::collections::BTreeSet;

use kabinet_core::documents::{Coverage, DocumentFormat, DocumentKind, Month, ReadyNotice, check_period};
use kabinet_core::email::Email;
use kabinet_core::money::MAX_AMOUNT;
use kabinet_core::phone::Phone;
use kabinet_store::entities::account::{self, Entity as Account};
use kabinet_store::entities::document_order::{self, Entity as DocumentOrder};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;

use crate::access::{Actor, Identity};
use crate::i18n::Lang;
use crate::{App, AppError, AppResult, FieldErrors, audit, customers};

/// Most accounts one order may name.
pub const MAX_ACCOUNTS: usize = 50;
/// Most documents one order may make.
pub const MAX_DOCUMENTS: usize = 500;
/// Orders of one customer that may wait or run at once.
pub const MAX_OPEN_ORDERS: u64 = 5;

/// What someone asks for. Kinds, months and format arrive as typed; the rest is checked here.
#[derive(Debug, Clone, Default)]
pub struct NewOrder {
    pub customer_id: i64,
    pub account_ids: Vec<i64>,
    pub kinds: Vec<String>,
    /// `YYYY-MM`.
    pub period_from: String,
    pub period_to: String,
    /// `pdf` or `html`.
    pub format: String,
    /// The amount of prepayment invoices, in minor units; none: each account's amount due.
    pub prepayment_amount: Option<i64>,
    pub pack_zip: bool,
    pub zip_password: Option<String>,
    /// E-mail the documents here.
    pub email_to: Option<String>,
    /// `none`, `email` or `sms`: say when they are ready.
    pub notify_channel: String,
    pub notify_to: Option<String>,
}

/// The checked order, ready to store.
struct Checked {
    kinds: Vec<DocumentKind>,
    accounts: Vec<account::Model>,
    from: Month,
    to: Month,
    format: DocumentFormat,
    zip_password: Option<String>,
    email_to: Option<String>,
    notify_channel: ReadyNotice,
    notify_to: Option<String>,
}

/// How many documents an order of `kinds` over `months` for `accounts` accounts makes.
pub fn documents_in(kinds: &[DocumentKind], accounts: usize, months: usize) -> usize {
    kinds
        .iter()
        .map(|k| match k.coverage() {
            Coverage::EachMonth => accounts * months,
            Coverage::WholePeriod | Coverage::Amount => accounts,
        })
        .sum()
}

fn blank_to_none(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

async fn check(app: &App, o: &NewOrder, today: chrono::NaiveDate) -> AppResult<Checked> {
    let mut errors = FieldErrors::new();
    let mut kinds = BTreeSet::new();
    for k in &o.kinds {
        match k.parse::<DocumentKind>() {
            Ok(k) => {
                kinds.insert(k);
            }
            Err(_) => errors.add("kinds", "invalid-choice"),
        }
    }
    if o.kinds.is_empty() {
        errors.add("kinds", "kinds-required");
    }
    let kinds: Vec<DocumentKind> = kinds.into_iter().collect();
    let ids: BTreeSet<i64> = o.account_ids.iter().copied().collect();
    let mut accounts = Vec::new();
    if ids.is_empty() {
        errors.add("accounts", "accounts-required");
    } else if ids.len() > MAX_ACCOUNTS {
        errors.add("accounts", "too-many-accounts");
    } else {
        accounts = Account::find()
            .filter(account::Column::Id.is_in(ids.iter().copied()))
            .filter(account::Column::CustomerId.eq(o.customer_id))
            .all(&app.db.conn)
            .await?;
        // Another customer's account is named like an unknown one: nothing tells it exists.
        if accounts.len() != ids.len() {
            errors.add("accounts", "unknown-account");
        }
    }
    let from = o.period_from.parse::<Month>();
    let to = o.period_to.parse::<Month>();
    let (mut from_month, mut to_month) = (Month { year: 2000, month: 1 }, Month { year: 2000, month: 1 });
    match (from, to) {
        (Err(e), _) => errors.add("period_from", e.code()),
        (_, Err(e)) => errors.add("period_to", e.code()),
        (Ok(f), Ok(t)) => match check_period(f, t, today) {
            Ok(()) => (from_month, to_month) = (f, t),
            Err(e) => errors.add("period_to", e.code()),
        },
    }
    let format = match o.format.parse::<DocumentFormat>() {
        Ok(f) => f,
        Err(_) => {
            errors.add("format", "invalid-choice");
            DocumentFormat::Pdf
        }
    };
    if let Some(a) = o.prepayment_amount
        && !(1..=MAX_AMOUNT).contains(&a)
    {
        errors.add(
            "prepayment_amount",
            if a <= 0 {
                "amount-not-positive"
            } else {
                "amount-too-large"
            },
        );
    }
    let zip_password = if o.pack_zip {
        match o.zip_password.as_deref() {
            Some(p) if p.chars().count() < 6 => {
                errors.add("zip_password", "zip-password-short");
                None
            }
            Some(p) if p.chars().count() > 64 || p.chars().any(char::is_control) => {
                errors.add("zip_password", "zip-password-invalid");
                None
            }
            Some(p) => Some(p.to_owned()),
            None => {
                errors.add("zip_password", "zip-password-short");
                None
            }
        }
    } else {
        None
    };
    let email_to = match blank_to_none(&o.email_to) {
        Some(e) => match Email::parse(e) {
            Ok(e) => Some(e.as_str().to_owned()),
            Err(e) => {
                errors.add("email_to", &format!("email-{}", e.code().replace('_', "-")));
                None
            }
        },
        None => None,
    };
    let chosen = match o.notify_channel.trim() {
        "" => Some(ReadyNotice::None),
        other => errors.choice::<ReadyNotice>("notify_channel", other),
    };
    let notify_to = match chosen {
        Some(ReadyNotice::Email) => match blank_to_none(&o.notify_to).map(Email::parse) {
            Some(Ok(e)) => Some(e.as_str().to_owned()),
            Some(Err(e)) => {
                errors.add("notify_to", &format!("email-{}", e.code().replace('_', "-")));
                None
            }
            None => {
                errors.add("notify_to", "email-empty");
                None
            }
        },
        Some(ReadyNotice::Sms) => match blank_to_none(&o.notify_to).map(Phone::parse) {
            Some(Ok(p)) => Some(p.as_str().to_owned()),
            Some(Err(e)) => {
                errors.add("notify_to", &format!("phone-{}", e.code().replace('_', "-")));
                None
            }
            None => {
                errors.add("notify_to", "phone-empty");
                None
            }
        },
        Some(ReadyNotice::None) | None => None,
    };
    let notify_channel = chosen.unwrap_or(ReadyNotice::None);
    if errors.is_empty() {
        let months = from_month.span_to(to_month) as usize;
        if documents_in(&kinds, accounts.len(), months) > MAX_DOCUMENTS {
            errors.add("period_to", "too-many-documents");
        }
    }
    errors.into_result()?;
    Ok(Checked {
        kinds,
        accounts,
        from: from_month,
        to: to_month,
        format,
        zip_password,
        email_to,
        notify_channel,
        notify_to,
    })
}

/// Queues an order of `who` for the customer's documents. The customer must be one `who` may
/// see, and every account the customer's own; the language is the reader's: the customer
/// user's own, or the customer's when staff order for it.
pub async fn place(app: &App, actor: &Actor, who: &Identity, o: NewOrder) -> AppResult<super::views::Order> {
    who.require(&[Permission::CabinetDocuments, Permission::DocumentsIssue])?;
    let customer = customers::get_visible(app, who, o.customer_id).await?;
    let today = crate::billing::run::today_for(None, &app.config.display_time_zone);
    let c = check(app, &o, today).await?;
    let open = DocumentOrder::find()
        .filter(document_order::Column::CustomerId.eq(customer.id))
        .filter(document_order::Column::Status.is_in([
            kabinet_core::export::JobStatus::Queued,
            kabinet_core::export::JobStatus::Running,
        ]))
        .count(&app.db.conn)
        .await?;
    if open >= MAX_OPEN_ORDERS {
        return Err(AppError::Refused(ErrorCode::TooManyOpenOrders));
    }
    let language = if who.is_staff() {
        Lang::parse(&customer.language).unwrap_or_default()
    } else {
        who.language
    };
    let now = kabinet_store::now();
    let account_ids: Vec<i64> = c.accounts.iter().map(|a| a.id).collect();
    let kinds: Vec<&str> = c.kinds.iter().map(|k| k.as_str()).collect();
    let total = documents_in(&c.kinds, c.accounts.len(), c.from.span_to(c.to) as usize);
    let txn = app.db.write().await?;
    let order = document_order::ActiveModel {
        customer_id: Set(customer.id),
        requested_by: Set(Some(who.user_id)),
        kinds: Set(kinds.join(",")),
        account_ids: Set(serde_json::to_string(&account_ids).unwrap_or_else(|_| "[]".into())),
        period_from: Set(c.from.first_day()),
        period_to: Set(c.to.first_day()),
        prepayment_amount: Set(o.prepayment_amount),
        format: Set(c.format),
        pack_zip: Set(o.pack_zip),
        zip_password: Set(c.zip_password),
        email_to: Set(c.email_to.clone()),
        notify_channel: Set(c.notify_channel),
        notify_to: Set(c.notify_to.clone()),
        language: Set(language.code().into()),
        status: Set(kabinet_core::export::JobStatus::Queued),
        total: Set(total as i32),
        done: Set(0),
        skipped: Set("[]".into()),
        archive_name: Set(None),
        archive_bytes: Set(0),
        error: Set(None),
        attempts: Set(0),
        locked_until: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        finished_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        "documents.order",
        "customer",
        Some(customer.id),
        json!({"order_id": order.id, "kinds": kinds, "accounts": account_ids,
               "from": c.from.to_string(), "to": c.to.to_string(), "format": c.format.as_str(),
               "zip": o.pack_zip, "email_to": c.email_to, "notify": c.notify_channel,
               "notify_to": c.notify_to}),
    )
    .await?;
    txn.commit().await?;
    app.worker_wake.notify_one();
    Ok(order.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_counted_by_coverage() {
        use DocumentKind::*;
        assert_eq!(documents_in(&[Invoice, Act], 2, 3), 12);
        assert_eq!(documents_in(&[Reconciliation], 2, 12), 2);
        assert_eq!(documents_in(&[PrepaymentInvoice, TaxInvoice], 3, 2), 9);
    }
}
