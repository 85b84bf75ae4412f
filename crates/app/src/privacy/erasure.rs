//! Erasure of a person's data on their request (PRV-2, the right to be forgotten), by staff:
//! the login's personal fields are anonymised, what only served the person (sessions, tokens,
//! codes, the second factor, their exports) is deleted, and their name and contacts are wiped
//! from sign-ins, tickets, requests and messages sent. Money records, consents and the audit
//! stay as they are: the law keeps them (accounting, and the evidence of what was agreed and
//! done). A private individual's own customer card is anonymised with its only login.
//!
//! Staff see a preview of every change first; the erasure itself is one transaction, audited
//! (with counts, never the erased values), cannot be repeated and cannot be undone.

use chrono::{DateTime, Utc};
use kabinet_core::ErrorCode;
use kabinet_core::access::{Permission, UserStatus};
use kabinet_core::money::Currency;
use kabinet_core::notify::OutboxStatus;
use kabinet_core::privacy::{erased_name, erasure_reaches_customer};
use kabinet_store::entities::{
    account, api_token, audit_record, consent, customer, export_job, login_attempt, one_time_code, outbox_message,
    payment, second_factor, service_request, session, ticket, ticket_message, user,
};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter, QuerySelect,
};
use serde_json::json;

use super::consents::person_seen_by;
use crate::access::{Actor, Identity};
use crate::{App, AppError, AppResult, FieldErrors, audit};

/// What happens to a group of records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// Deleted: they served only the person.
    Deleted,
    /// Kept, with the person's name and contacts wiped.
    Anonymised,
    /// Kept as they are: the law keeps them.
    Kept,
}

impl Effect {
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::Deleted => "deleted",
            Effect::Anonymised => "anonymised",
            Effect::Kept => "kept",
        }
    }
}

/// A field that changes: its name (a translation key's tail), the value now and after.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldChange {
    pub field: &'static str,
    pub before: String,
    pub after: String,
}

/// A group of records and what happens to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordGroup {
    /// A translation key's tail: `sessions`, `payments`…
    pub records: &'static str,
    pub count: u64,
    pub effect: Effect,
}

/// Everything an erasure changes, shown before it is done.
#[derive(Debug, Clone)]
pub struct ErasurePreview {
    pub user_id: i64,
    pub login: String,
    pub display_name: String,
    pub customer_id: i64,
    pub customer_name: String,
    /// Set once the person was erased: the preview is then a record of it.
    pub erased_at: Option<DateTime<Utc>>,
    pub login_fields: Vec<FieldChange>,
    /// The customer card's fields, when the erasure reaches it.
    pub customer_fields: Vec<FieldChange>,
    pub records: Vec<RecordGroup>,
    /// What the customer owes, per account currency: erasure is allowed, the debt stays.
    pub debts: Vec<(i64, Currency)>,
}

fn change(field: &'static str, before: Option<&str>, after: Option<&str>) -> Option<FieldChange> {
    let (before, after) = (before.unwrap_or_default(), after.unwrap_or_default());
    (before != after).then(|| FieldChange {
        field,
        before: before.to_owned(),
        after: after.to_owned(),
    })
}

/// The preview of erasing the person `user_id`, as staff `who` sees them.
pub async fn preview(app: &App, who: &Identity, user_id: i64) -> AppResult<ErasurePreview> {
    who.require(&[Permission::PersonalDataErase])?;
    let person = person_seen_by(app, who, user_id).await?;
    build_preview(&app.db.conn, &person).await
}

async fn build_preview(conn: &impl ConnectionTrait, person: &user::Model) -> AppResult<ErasurePreview> {
    let customer_id = person.customer_id.ok_or(AppError::NotFound)?;
    let card = customer::Entity::find_by_id(customer_id)
        .one(conn)
        .await?
        .ok_or(AppError::NotFound)?;
    let erased = erased_name(person.id);
    let login_fields = [
        change("login", Some(&person.login), Some(&erased)),
        change("name", Some(&person.display_name), Some(&erased)),
        change("email", person.email.as_deref(), None),
        change("mobile-phone", person.phone.as_deref(), None),
        change("landline-phone", person.landline_phone.as_deref(), None),
        change("time-zone", person.time_zone.as_deref(), None),
    ]
    .into_iter()
    .flatten()
    .collect();
    let customer_fields = if reaches_customer(conn, person, &card).await? {
        [
            change("customer-name", Some(&card.name), Some(&erased)),
            change("email", card.email.as_deref(), None),
            change("phone", card.phone.as_deref(), None),
            change("address", card.address.as_deref(), None),
            change("contact-person", card.contact_person.as_deref(), None),
            change("national-id", card.national_id.as_deref(), None),
        ]
        .into_iter()
        .flatten()
        .collect()
    } else {
        Vec::new()
    };
    let id = person.id;
    let count_of = |n: u64, records: &'static str, effect: Effect| RecordGroup {
        records,
        count: n,
        effect,
    };
    let records = vec![
        count_of(
            session::Entity::find()
                .filter(session::Column::UserId.eq(id))
                .count(conn)
                .await?,
            "sessions",
            Effect::Deleted,
        ),
        count_of(
            api_token::Entity::find()
                .filter(api_token::Column::UserId.eq(id))
                .count(conn)
                .await?,
            "api-tokens",
            Effect::Deleted,
        ),
        count_of(
            one_time_code::Entity::find()
                .filter(one_time_code::Column::UserId.eq(id))
                .count(conn)
                .await?
                + second_factor::Entity::find()
                    .filter(second_factor::Column::UserId.eq(id))
                    .count(conn)
                    .await?,
            "codes",
            Effect::Deleted,
        ),
        count_of(
            export_job::Entity::find()
                .filter(export_job::Column::UserId.eq(id))
                .count(conn)
                .await?,
            "exports",
            Effect::Deleted,
        ),
        count_of(
            login_attempt::Entity::find()
                .filter(login_attempt::Column::UserId.eq(id))
                .count(conn)
                .await?,
            "sign-ins",
            Effect::Anonymised,
        ),
        count_of(
            ticket::Entity::find()
                .filter(ticket::Column::RequesterUserId.eq(id))
                .count(conn)
                .await?,
            "tickets",
            Effect::Anonymised,
        ),
        count_of(
            ticket_message::Entity::find()
                .filter(ticket_message::Column::AuthorUserId.eq(id))
                .count(conn)
                .await?,
            "ticket-messages",
            Effect::Anonymised,
        ),
        count_of(
            service_request::Entity::find()
                .filter(service_request::Column::CreatedByUserId.eq(id))
                .count(conn)
                .await?,
            "requests",
            Effect::Anonymised,
        ),
        count_of(
            outbox_message::Entity::find()
                .filter(outbox_message::Column::UserId.eq(id))
                .count(conn)
                .await?,
            "messages",
            Effect::Anonymised,
        ),
        count_of(
            payment::Entity::find()
                .filter(payment::Column::CustomerId.eq(customer_id))
                .count(conn)
                .await?,
            "payments",
            Effect::Kept,
        ),
        count_of(
            consent::Entity::find()
                .filter(consent::Column::UserId.eq(id))
                .count(conn)
                .await?,
            "consents",
            Effect::Kept,
        ),
        count_of(
            audit_record::Entity::find()
                .filter(
                    Condition::any().add(audit_record::Column::ActorUserId.eq(id)).add(
                        Condition::all()
                            .add(audit_record::Column::ObjectType.eq("user"))
                            .add(audit_record::Column::ObjectId.eq(id.to_string())),
                    ),
                )
                .count(conn)
                .await?,
            "audit",
            Effect::Kept,
        ),
    ];
    let debts = account::Entity::find()
        .filter(account::Column::CustomerId.eq(customer_id))
        .filter(account::Column::Balance.lt(0))
        .all(conn)
        .await?
        .into_iter()
        .map(|a| (-a.balance, a.currency))
        .collect();
    Ok(ErasurePreview {
        user_id: person.id,
        login: person.login.clone(),
        display_name: person.display_name.clone(),
        customer_id,
        customer_name: card.name,
        erased_at: person.erased_at,
        login_fields,
        customer_fields,
        records,
        debts,
    })
}

async fn reaches_customer(
    conn: &impl ConnectionTrait,
    person: &user::Model,
    card: &customer::Model,
) -> AppResult<bool> {
    let other_logins = user::Entity::find()
        .filter(user::Column::CustomerId.eq(card.id))
        .filter(user::Column::Id.ne(person.id))
        .filter(user::Column::ErasedAt.is_null())
        .count(conn)
        .await?;
    Ok(erasure_reaches_customer(card.kind, other_logins))
}

/// Erases the person `user_id` for good. `confirm` must repeat their login, as the preview
/// asks, so that nobody erases the wrong person by a slip. Returns the record of what was done.
pub async fn erase(app: &App, actor: &Actor, who: &Identity, user_id: i64, confirm: &str) -> AppResult<ErasurePreview> {
    who.require(&[Permission::PersonalDataErase])?;
    who.refuse_if_acting()?;
    let seen = person_seen_by(app, who, user_id).await?;
    if seen.erased_at.is_some() {
        return Err(AppError::Conflict(ErrorCode::AlreadyErased));
    }
    if confirm.trim() != seen.login {
        return Err(FieldErrors::single("confirm", "erasure-confirm-mismatch"));
    }
    let txn = app.db.write().await?;
    // Locked and read again: of two erasures at once, the second finds the first done.
    let person = user::Entity::find_by_id(user_id)
        .lock_exclusive()
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    if person.erased_at.is_some() {
        return Err(AppError::Conflict(ErrorCode::AlreadyErased));
    }
    let plan = build_preview(&txn, &person).await?;
    let now = kabinet_store::now();
    let erased = erased_name(person.id);
    let id = person.id;

    let mut row = person.clone().into_active_model();
    row.login = Set(erased.clone());
    row.display_name = Set(erased.clone());
    row.email = Set(None);
    row.phone = Set(None);
    row.landline_phone = Set(None);
    row.time_zone = Set(None);
    row.contact_channel = Set(None);
    // No password opens it again; the status says so to every page and check.
    row.password_hash = Set(String::new());
    row.status = Set(UserStatus::Disabled);
    row.erased_at = Set(Some(now));
    row.updated_at = Set(now);
    row.update(&txn).await?;

    session::Entity::delete_many()
        .filter(session::Column::UserId.eq(id))
        .exec(&txn)
        .await?;
    api_token::Entity::delete_many()
        .filter(api_token::Column::UserId.eq(id))
        .exec(&txn)
        .await?;
    one_time_code::Entity::delete_many()
        .filter(one_time_code::Column::UserId.eq(id))
        .exec(&txn)
        .await?;
    second_factor::Entity::delete_many()
        .filter(second_factor::Column::UserId.eq(id))
        .exec(&txn)
        .await?;
    let exports: Vec<(String, kabinet_core::export::ExportFormat)> = export_job::Entity::find()
        .filter(export_job::Column::UserId.eq(id))
        .select_only()
        .column(export_job::Column::Token)
        .column(export_job::Column::Format)
        .into_tuple()
        .all(&txn)
        .await?;
    export_job::Entity::delete_many()
        .filter(export_job::Column::UserId.eq(id))
        .exec(&txn)
        .await?;
    login_attempt::Entity::update_many()
        .col_expr(login_attempt::Column::Login, Expr::value(erased.clone()))
        .col_expr(login_attempt::Column::Ip, Expr::value(""))
        .col_expr(login_attempt::Column::UserAgent, Expr::value(""))
        .filter(login_attempt::Column::UserId.eq(id))
        .exec(&txn)
        .await?;
    // Tickets one by one, so that each one's search text forgets the name too.
    for t in ticket::Entity::find()
        .filter(ticket::Column::RequesterUserId.eq(id))
        .all(&txn)
        .await?
    {
        let mut t = t.into_active_model();
        t.requester_name = Set(erased.clone());
        t.notify_phone = Set(None);
        t.update(&txn).await?;
    }
    ticket_message::Entity::update_many()
        .col_expr(ticket_message::Column::AuthorName, Expr::value(erased.clone()))
        .filter(ticket_message::Column::AuthorUserId.eq(id))
        .exec(&txn)
        .await?;
    service_request::Entity::update_many()
        .col_expr(service_request::Column::Phone, Expr::value(Option::<String>::None))
        .col_expr(service_request::Column::NewName, Expr::value(Option::<String>::None))
        .filter(service_request::Column::CreatedByUserId.eq(id))
        .exec(&txn)
        .await?;
    // Messages not yet sent are not sent: their address is gone.
    outbox_message::Entity::update_many()
        .col_expr(outbox_message::Column::Status, Expr::value(OutboxStatus::Dead))
        .col_expr(outbox_message::Column::LastError, Expr::value("erased"))
        .filter(outbox_message::Column::UserId.eq(id))
        .filter(outbox_message::Column::Status.eq(OutboxStatus::Pending))
        .exec(&txn)
        .await?;
    outbox_message::Entity::update_many()
        .col_expr(outbox_message::Column::Recipient, Expr::value(erased.clone()))
        .col_expr(outbox_message::Column::Subject, Expr::value(Option::<String>::None))
        .col_expr(outbox_message::Column::Body, Expr::value(""))
        .col_expr(outbox_message::Column::MaskedBody, Expr::value(Option::<String>::None))
        .col_expr(outbox_message::Column::Attachments, Expr::value(Option::<String>::None))
        .filter(outbox_message::Column::UserId.eq(id))
        .exec(&txn)
        .await?;
    if !plan.customer_fields.is_empty() {
        let card = customer::Entity::find_by_id(plan.customer_id)
            .one(&txn)
            .await?
            .ok_or(AppError::NotFound)?;
        let mut card = card.into_active_model();
        card.name = Set(erased.clone());
        card.email = Set(None);
        card.phone = Set(None);
        card.address = Set(None);
        card.contact_person = Set(None);
        card.national_id = Set(None);
        card.updated_at = Set(now);
        card.update(&txn).await?;
    }
    // The audit names what changed and how many records, never the erased values.
    let fields: Vec<&str> = plan.login_fields.iter().map(|c| c.field).collect();
    let card_fields: Vec<&str> = plan.customer_fields.iter().map(|c| c.field).collect();
    let counts: serde_json::Map<String, serde_json::Value> = plan
        .records
        .iter()
        .map(|g| {
            (
                g.records.to_owned(),
                json!({"count": g.count, "effect": g.effect.as_str()}),
            )
        })
        .collect();
    audit::record(
        &txn,
        actor,
        "personal_data.erase",
        "user",
        Some(id),
        json!({"fields": fields, "customer_fields": card_fields, "records": counts}),
    )
    .await?;
    txn.commit().await?;
    app.sessions.forget_user(id);
    // The files go once the rows are gone for good; a file left by a failed removal is
    // unreachable (its job row is gone) and is only bytes on disk.
    for (token, format) in exports {
        let _ = std::fs::remove_file(crate::exports::dir(app).join(format!("{token}.{format}")));
    }
    let person = user::Entity::find_by_id(id)
        .one(&app.db.conn)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut done = build_preview(&app.db.conn, &person).await?;
    done.login_fields = plan.login_fields;
    done.customer_fields = plan.customer_fields;
    done.records = plan.records;
    Ok(done)
}
