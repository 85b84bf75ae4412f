//! Each person's consents (PRV-2): given at registration, at the first sign-in, with a ticket
//! or from the personal-data page, and withdrawn from that page or by staff from a written
//! statement. Records are only added, never changed: the latest of a kind is where the person
//! stands (`kabinet_core::privacy::standing`), and the record is the evidence of what was
//! agreed, when, from where and how.
//!
//! Withdrawing marketing stops it at once (every marketing sender asks [`may_market`]);
//! withdrawing the processing consent files a task for staff in the customer-requests queue,
//! in the same transaction, because what of the contract can still be served is their call.

use std::collections::HashMap;

use kabinet_core::access::Permission;
use kabinet_core::privacy::{self as rules, ConsentChannel, ConsentKind, Standing};
use kabinet_core::requests::RequestKind;
use kabinet_store::entities::consent::{self, Entity as ConsentRow};
use kabinet_store::entities::user::{self, Entity as User};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::json;

use super::texts;
use crate::access::{Actor, Identity};
use crate::{App, AppError, AppResult, FieldErrors, audit, customers};

view! {
    /// One grant or withdrawal.
    ConsentRecord from consent::Model {
        id: i64,
        kind: ConsentKind,
        version: i32,
        granted: bool,
        channel: ConsentChannel,
        ip: Option<String>,
        note: Option<String>,
        recorded_at: chrono::DateTime<chrono::Utc>,
    }
}

/// Where a person stands on one kind of consent, beside the text now in force.
#[derive(Debug, Clone)]
pub struct PersonConsent {
    pub kind: ConsentKind,
    pub standing: Standing,
    /// The version of the text in force, if one is published.
    pub current_version: Option<i32>,
    /// The latest record of this kind.
    pub last: Option<ConsentRecord>,
}

impl PersonConsent {
    /// Agreed to an older text than the one in force.
    pub fn is_outdated(&self) -> bool {
        matches!(self.standing, Standing::Given { .. }) && self.standing.needs_asking(self.current_version)
    }
}

/// The longest note of a staff entry.
pub const NOTE_MAX: usize = 1000;

/// Both kinds for the person `user_id`, in [`ConsentKind::ALL`]'s order.
async fn standing_of(conn: &impl ConnectionTrait, user_id: i64) -> AppResult<Vec<PersonConsent>> {
    let records = ConsentRow::find()
        .filter(consent::Column::UserId.eq(user_id))
        .order_by_asc(consent::Column::Id)
        .all(conn)
        .await?;
    let current = texts::current_versions(conn).await?;
    Ok(ConsentKind::ALL
        .iter()
        .map(|kind| {
            let of_kind: Vec<&consent::Model> = records.iter().filter(|r| r.kind == *kind).collect();
            PersonConsent {
                kind: *kind,
                standing: rules::standing(of_kind.iter().map(|r| (r.granted, r.version))),
                current_version: current.get(kind).copied(),
                last: of_kind.last().map(|r| (*r).clone().into()),
            }
        })
        .collect())
}

/// The signed-in person's consents (their own cabinet login).
pub async fn own(app: &App, who: &Identity) -> AppResult<Vec<PersonConsent>> {
    who.require(&[Permission::CabinetView])?;
    standing_of(&app.db.conn, who.user_id).await
}

/// The kinds the signed-in person should be asked for now: the processing consent when they
/// never gave it or agreed to an older text (a withdrawal is respected, not asked again).
pub async fn to_ask(app: &App, who: &Identity) -> AppResult<Vec<ConsentKind>> {
    if who.customer_id.is_none() || who.acting_staff.is_some() {
        return Ok(Vec::new());
    }
    Ok(standing_of(&app.db.conn, who.user_id)
        .await?
        .into_iter()
        .filter(|c| c.kind == ConsentKind::Processing && c.standing.needs_asking(c.current_version))
        .map(|c| c.kind)
        .collect())
}

/// A person's records, newest first, for staff who see the person's customer (the
/// evidence: version, moment, address, way).
pub async fn history(app: &App, who: &Identity, user_id: i64) -> AppResult<(Vec<PersonConsent>, Vec<ConsentRecord>)> {
    who.require(&[Permission::CustomersRead])?;
    person_seen_by(app, who, user_id).await?;
    let records = ConsentRow::find()
        .filter(consent::Column::UserId.eq(user_id))
        .order_by_desc(consent::Column::Id)
        .all(&app.db.conn)
        .await?
        .into_iter()
        .map(Into::into)
        .collect();
    Ok((standing_of(&app.db.conn, user_id).await?, records))
}

/// A customer's login that `who` (staff) may see; anything else is "not found".
pub(crate) async fn person_seen_by(app: &App, who: &Identity, user_id: i64) -> AppResult<user::Model> {
    let person = User::find_by_id(user_id)
        .one(&app.db.conn)
        .await?
        .ok_or(AppError::NotFound)?;
    let customer_id = person.customer_id.ok_or(AppError::NotFound)?;
    customers::get_visible(app, who, customer_id).await?;
    Ok(person)
}

/// The signed-in person gives the consents `kinds` under the texts in force (the cabinet's
/// page, the API, the first sign-in). Giving what already stands under the same version adds
/// nothing, so a repeated submit is harmless.
pub async fn give(
    app: &App,
    actor: &Actor,
    who: &Identity,
    kinds: &[ConsentKind],
    channel: ConsentChannel,
) -> AppResult<()> {
    who.require(&[Permission::CabinetView])?;
    who.refuse_if_acting()?;
    let txn = app.db.write().await?;
    let current = texts::current_versions(&txn).await?;
    let standing = standing_of(&txn, who.user_id).await?;
    for kind in kinds {
        let version = *current
            .get(kind)
            .ok_or(AppError::Conflict(kabinet_core::ErrorCode::ConsentTextMissing))?;
        let already = standing
            .iter()
            .any(|c| c.kind == *kind && c.standing == Standing::Given { version });
        if !already {
            grant_in(&txn, actor, who.user_id, *kind, version, channel).await?;
        }
    }
    txn.commit().await?;
    Ok(())
}

/// Records a grant of `kind` under `version` inside the caller's transaction (registration
/// writes it with the new login).
pub(crate) async fn grant_in(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    user_id: i64,
    kind: ConsentKind,
    version: i32,
    channel: ConsentChannel,
) -> AppResult<()> {
    let saved = consent::ActiveModel {
        user_id: Set(user_id),
        kind: Set(kind),
        version: Set(version),
        granted: Set(true),
        channel: Set(channel),
        ip: Set(actor.ip.clone()),
        note: Set(None),
        recorded_by_user_id: Set(actor.user_id),
        recorded_at: Set(kabinet_store::now()),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    audit::record(
        txn,
        actor,
        "consent.give",
        "user",
        Some(user_id),
        json!({"kind": kind, "version": version, "channel": channel, "consent_id": saved.id}),
    )
    .await
}

/// The versions in force of the consents a registration form offers, for the form to send
/// back: a grant is recorded only for the text the person saw.
pub async fn versions_in_force(app: &App) -> AppResult<HashMap<ConsentKind, i32>> {
    texts::current_versions(&app.db.conn).await
}

/// The signed-in person withdraws `kind` (the cabinet's page, the API).
pub async fn withdraw_own(
    app: &App,
    actor: &Actor,
    who: &Identity,
    kind: ConsentKind,
    channel: ConsentChannel,
) -> AppResult<()> {
    who.require(&[Permission::CabinetView])?;
    who.refuse_if_acting()?;
    let customer_id = who.customer_id.ok_or(AppError::NotFound)?;
    withdraw(app, actor, who.user_id, customer_id, kind, channel, None).await
}

/// Staff record a withdrawal the person sent in writing (a letter, an e-mail): `note` says
/// where it came from.
pub async fn withdraw_for(
    app: &App,
    actor: &Actor,
    who: &Identity,
    user_id: i64,
    kind: &str,
    note: &str,
) -> AppResult<()> {
    who.require(&[Permission::CustomerUsersManage])?;
    let person = person_seen_by(app, who, user_id).await?;
    let mut errors = FieldErrors::new();
    let kind: Option<ConsentKind> = errors.choice("kind", kind);
    let note = errors.multi_line("note", note, NOTE_MAX);
    errors.into_result()?;
    let (Some(kind), Some(note)) = (kind, note) else {
        return Err(FieldErrors::single("note", "text-empty"));
    };
    let customer_id = person.customer_id.ok_or(AppError::NotFound)?;
    withdraw(
        app,
        actor,
        person.id,
        customer_id,
        kind,
        ConsentChannel::Staff,
        Some(note),
    )
    .await
}

async fn withdraw(
    app: &App,
    actor: &Actor,
    user_id: i64,
    customer_id: i64,
    kind: ConsentKind,
    channel: ConsentChannel,
    note: Option<String>,
) -> AppResult<()> {
    let txn = app.db.write().await?;
    // The person's row is locked first, so that two withdrawals at once (a double click, staff
    // and the person together) are one after the other and the second finds nothing to end.
    User::find_by_id(user_id).lock_exclusive().one(&txn).await?;
    let standing = standing_of(&txn, user_id).await?;
    let Some(this) = standing.iter().find(|c| c.kind == kind) else {
        return Err(AppError::NotFound);
    };
    let Standing::Given { version } = this.standing else {
        return Err(AppError::Conflict(kabinet_core::ErrorCode::ConsentNotGiven));
    };
    let saved = consent::ActiveModel {
        user_id: Set(user_id),
        kind: Set(kind),
        version: Set(this.current_version.unwrap_or(version)),
        granted: Set(false),
        channel: Set(channel),
        ip: Set(actor.ip.clone()),
        note: Set(note.clone()),
        recorded_by_user_id: Set(actor.user_id),
        recorded_at: Set(kabinet_store::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        "consent.withdraw",
        "user",
        Some(user_id),
        json!({"kind": kind, "channel": channel, "consent_id": saved.id}),
    )
    .await?;
    if rules::withdrawal_needs_staff(kind) {
        crate::requests::filing::notice(
            &txn,
            actor,
            customer_id,
            user_id,
            RequestKind::ConsentWithdrawal,
            None,
            note.as_deref().unwrap_or_default(),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Whether marketing messages may go to the person `user_id` now: only while their marketing
/// consent stands. Every sender of marketing asks this right before sending.
pub async fn may_market(conn: &impl ConnectionTrait, user_id: i64) -> AppResult<bool> {
    let last = ConsentRow::find()
        .filter(consent::Column::UserId.eq(user_id))
        .filter(consent::Column::Kind.eq(ConsentKind::Marketing))
        .order_by_desc(consent::Column::Id)
        .one(conn)
        .await?;
    Ok(rules::standing(last.map(|r| (r.granted, r.version))).may_market())
}

/// The demo's consents: every customer login agreed to processing at its first sign-in, and
/// every other one to marketing; one has since withdrawn marketing.
pub(crate) async fn demo(app: &App) -> AppResult<()> {
    texts::demo(app).await?;
    let people: Vec<i64> = User::find()
        .select_only()
        .column(user::Column::Id)
        .filter(user::Column::CustomerId.is_not_null())
        .order_by_asc(user::Column::Id)
        .into_tuple()
        .all(&app.db.conn)
        .await?;
    let at = kabinet_store::now() - chrono::Duration::days(30);
    let record = |user_id: i64, kind: ConsentKind, granted: bool| consent::ActiveModel {
        user_id: Set(user_id),
        kind: Set(kind),
        version: Set(1),
        granted: Set(granted),
        channel: Set(if granted {
            ConsentChannel::FirstLogin
        } else {
            ConsentChannel::Cabinet
        }),
        ip: Set(Some("192.0.2.10".into())),
        note: Set(None),
        recorded_by_user_id: Set(Some(user_id)),
        recorded_at: Set(at),
        ..Default::default()
    };
    let mut rows = Vec::new();
    for (i, id) in people.iter().enumerate() {
        rows.push(record(*id, ConsentKind::Processing, true));
        if i % 2 == 0 {
            rows.push(record(*id, ConsentKind::Marketing, true));
        }
    }
    if let Some(first) = people.get(2) {
        rows.push(record(*first, ConsentKind::Marketing, false));
    }
    for chunk in rows.chunks(500) {
        ConsentRow::insert_many(chunk.to_vec()).exec(&app.db.conn).await?;
    }
    Ok(())
}
