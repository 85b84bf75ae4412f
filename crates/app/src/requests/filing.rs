//! A customer files a service request: the fields its kind asks for, checked all at once; the
//! object (SMS alerts) one of its own; the same form sent twice files one request.

use kabinet_core::access::Permission;
use kabinet_core::money::{Currency, DisplayUnit};
use kabinet_core::phone::Phone;
use kabinet_core::requests::{self as rules, RequestField, RequestKind, RequestStatus};
use kabinet_core::text;
use kabinet_store::entities::service_request::{self, Entity as RequestRow};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;

use super::views::ServiceRequest;
use crate::access::{Actor, Identity};
use crate::{App, AppError, AppResult, FieldErrors, audit};

/// A request as typed into its form or sent to the API; the fields its kind does not ask for
/// are ignored.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct NewRequest {
    pub kind: String,
    pub object_id: Option<i64>,
    pub phone: String,
    pub start_date: String,
    /// As people type it ("1 500,50"), in the account's currency.
    pub amount: String,
    /// The API's amount, in minor units; wins over `amount`.
    pub amount_minor: Option<i64>,
    pub target_contract: String,
    pub new_name: String,
    pub period_from: String,
    pub period_to: String,
    pub comment: String,
    /// The form's one-time key (or the API's Idempotency-Key).
    pub request_key: Option<String>,
}

/// The longest comment.
pub const COMMENT_MAX: usize = 2_000;

/// Files a request of the caller's own customer. Returns the request filed now, or the one
/// the same key filed before.
pub async fn file(app: &App, actor: &Actor, who: &Identity, input: &NewRequest) -> AppResult<ServiceRequest> {
    who.require(&[Permission::CabinetRequests])?;
    let customer_id = who.customer_id.ok_or(AppError::Forbidden)?;
    let customer = crate::customers::get_visible(app, who, customer_id).await?;
    let today = crate::billing::run::today_for(None, &customer.time_zone);
    let currency = super::views::currency_of(app, customer_id).await?;
    let mut row = check(app, who, input, today, currency).await?;
    row.customer_id = Set(customer_id);
    row.created_by_user_id = Set(Some(who.user_id));
    let key = match &input.request_key {
        Some(k) => {
            let mut errors = FieldErrors::new();
            let k = errors.one_line("request_key", k, 64, false);
            errors.into_result()?;
            k
        }
        None => None,
    };
    if let Some(k) = &key
        && let Some(earlier) = by_key(app, customer_id, k).await?
    {
        return super::views::get(app, earlier).await;
    }
    row.request_key = Set(key.clone());
    let txn = app.db.write().await?;
    let saved = match row.insert(&txn).await {
        Ok(saved) => saved,
        // The same form a moment earlier, in another transaction: that request stands.
        Err(e) if kabinet_store::is_unique_violation(&e) => {
            drop(txn);
            let k = key.unwrap_or_default();
            let earlier = by_key(app, customer_id, &k).await?.ok_or(AppError::NotFound)?;
            return super::views::get(app, earlier).await;
        }
        Err(e) => return Err(e.into()),
    };
    audit::record(
        &txn,
        actor,
        "service_request.file",
        "service_request",
        Some(saved.id),
        json!({"kind": saved.kind, "customer_id": customer_id, "object_id": saved.object_id}),
    )
    .await?;
    txn.commit().await?;
    super::views::get(app, saved.id).await
}

async fn by_key(app: &App, customer_id: i64, key: &str) -> AppResult<Option<i64>> {
    Ok(RequestRow::find()
        .filter(service_request::Column::CustomerId.eq(customer_id))
        .filter(service_request::Column::RequestKey.eq(key))
        .order_by_asc(service_request::Column::Id)
        .one(&app.db.conn)
        .await?
        .map(|r| r.id))
}

/// Checks the fields of the request's kind, every problem at its field, and builds the row.
async fn check(
    app: &App,
    who: &Identity,
    input: &NewRequest,
    today: chrono::NaiveDate,
    currency: Currency,
) -> AppResult<service_request::ActiveModel> {
    let mut errors = FieldErrors::new();
    let kind: Option<RequestKind> = errors.choice("kind", &input.kind);
    let Some(kind) = kind else {
        return Err(AppError::Validation(errors));
    };
    // A new phone is proved and saved in the settings, which file its notice themselves.
    if kind.is_notice() {
        return Err(FieldErrors::single("kind", "request-kind-from-settings"));
    }
    let now = kabinet_store::now();
    let mut row = service_request::ActiveModel {
        kind: Set(kind),
        status: Set(RequestStatus::New),
        object_id: Set(None),
        phone: Set(None),
        start_date: Set(None),
        amount_minor: Set(None),
        target_contract: Set(None),
        new_name: Set(None),
        period_from: Set(None),
        period_to: Set(None),
        refusal_reason: Set(None),
        handled_by_user_id: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        closed_at: Set(None),
        ..Default::default()
    };
    for field in kind.fields() {
        match field {
            RequestField::Object => match input.object_id {
                // Only the caller's own objects (a line manager: those in its care); another
                // customer's object is "not one of yours", like an unknown id.
                Some(id) => match crate::monitoring::objects::get_visible(app, who, id).await {
                    Ok(o) if Some(o.customer_id) == who.customer_id => row.object_id = Set(Some(o.id)),
                    Ok(_) | Err(AppError::NotFound | AppError::Forbidden) => {
                        errors.add("object_id", "request-object-unknown")
                    }
                    Err(e) => return Err(e),
                },
                None => errors.add("object_id", "text-empty"),
            },
            RequestField::Phone => match Phone::parse(&input.phone) {
                // Alerts and a contact phone confirmed by SMS need a mobile.
                Ok(p) if p.is_mobile() => row.phone = Set(Some(p.as_str().to_owned())),
                Ok(_) => errors.add("phone", "request-phone-not-mobile"),
                Err(e) => errors.add("phone", &format!("phone-{}", e.code().replace('_', "-"))),
            },
            RequestField::StartDate => {
                if let Some(d) = errors.date("start_date", &input.start_date) {
                    match rules::check_start_date(d, today) {
                        Ok(()) => row.start_date = Set(Some(d)),
                        Err(code) => errors.add("start_date", code),
                    }
                }
            }
            RequestField::Amount => {
                let minor = match input.amount_minor {
                    Some(m) => Some(m),
                    None => errors.amount(
                        "amount",
                        &input.amount,
                        DisplayUnit::for_reader(currency, who.language.code()),
                    ),
                };
                match minor {
                    Some(m) if m > 0 && m <= kabinet_core::money::MAX_AMOUNT => row.amount_minor = Set(Some(m)),
                    Some(_) => errors.add("amount", "amount-not-positive"),
                    None => {}
                }
            }
            RequestField::TargetContract => {
                row.target_contract = Set(errors.one_line("target_contract", &input.target_contract, 40, true));
            }
            RequestField::NewName => {
                row.new_name = Set(errors.one_line("new_name", &input.new_name, text::limits::NAME, true));
            }
            RequestField::PeriodFrom => {
                row.period_from = Set(errors.date("period_from", &input.period_from));
            }
            RequestField::PeriodTo => {
                let to = errors.date("period_to", &input.period_to);
                if let (Some(to), Set(Some(from))) = (to, &row.period_from) {
                    if to < *from {
                        errors.add("period_to", "date-range-reversed");
                    } else if to > today {
                        errors.add("period_to", "request-period-future");
                    }
                }
                row.period_to = Set(to);
            }
        }
    }
    let comment = if kind.needs_comment() || !input.comment.trim().is_empty() {
        errors.multi_line("comment", &input.comment, COMMENT_MAX)
    } else {
        None
    };
    errors.into_result()?;
    row.comment = Set(comment.unwrap_or_default());
    Ok(row)
}

/// Files the written notice of a new mobile or landline phone (`kind`) for the service
/// centre, inside the transaction that changed the phone (ORD-2): staff see it in their queue.
pub(crate) async fn notice_of_phone<C: sea_orm::ConnectionTrait>(
    txn: &C,
    actor: &Actor,
    customer_id: i64,
    user_id: i64,
    kind: RequestKind,
    phone: &str,
) -> AppResult<()> {
    notice(txn, actor, customer_id, user_id, kind, Some(phone), "").await
}

/// Files a notice of `kind` (one the product files itself, [`RequestKind::is_notice`]) about
/// the person `user_id` of a customer, inside the transaction of the change it reports.
pub(crate) async fn notice<C: sea_orm::ConnectionTrait>(
    txn: &C,
    actor: &Actor,
    customer_id: i64,
    user_id: i64,
    kind: RequestKind,
    phone: Option<&str>,
    comment: &str,
) -> AppResult<()> {
    debug_assert!(kind.is_notice());
    let now = kabinet_store::now();
    let saved = service_request::ActiveModel {
        customer_id: Set(customer_id),
        kind: Set(kind),
        status: Set(RequestStatus::New),
        phone: Set(phone.map(str::to_owned)),
        comment: Set(comment.to_owned()),
        created_by_user_id: Set(Some(user_id)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    audit::record(
        txn,
        actor,
        "service_request.file",
        "service_request",
        Some(saved.id),
        json!({"kind": saved.kind, "customer_id": customer_id}),
    )
    .await
}
