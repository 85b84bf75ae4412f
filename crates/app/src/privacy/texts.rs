//! The texts a person consents to (PRV-2): one per kind in force, published by staff who edit
//! content as numbered versions that never change, so that every consent on record names the
//! exact words agreed to.

use std::collections::HashMap;

use kabinet_core::access::Permission;
use kabinet_core::privacy::ConsentKind;
use kabinet_store::entities::consent_text::{self, Entity as TextRow};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;

use crate::access::{Actor, Identity};
use crate::{App, AppError, AppResult, FieldErrors, audit};

/// The longest text of a version.
pub const BODY_MAX: usize = 100_000;

view! {
    /// One version of a consent's text.
    ConsentText from consent_text::Model {
        id: i64,
        kind: ConsentKind,
        version: i32,
        title: String,
        /// Markdown.
        body: String,
        created_at: chrono::DateTime<chrono::Utc>,
    }
}

/// The text of `kind` in force (the latest published), if there is one. Anyone may read it:
/// the registration form shows it before anybody has signed in.
pub async fn current(app: &App, kind: ConsentKind) -> AppResult<Option<ConsentText>> {
    Ok(TextRow::find()
        .filter(consent_text::Column::Kind.eq(kind))
        .order_by_desc(consent_text::Column::Version)
        .one(&app.db.conn)
        .await?
        .map(Into::into))
}

/// The version in force of each kind that has a text.
pub(crate) async fn current_versions(conn: &impl ConnectionTrait) -> AppResult<HashMap<ConsentKind, i32>> {
    use sea_orm::QuerySelect;
    let rows: Vec<(ConsentKind, i32)> = TextRow::find()
        .select_only()
        .column(consent_text::Column::Kind)
        .column(consent_text::Column::Version)
        .into_tuple()
        .all(conn)
        .await?;
    let mut out = HashMap::new();
    for (kind, version) in rows {
        let v = out.entry(kind).or_insert(version);
        *v = (*v).max(version);
    }
    Ok(out)
}

/// Every version of `kind`, newest first.
pub async fn versions(app: &App, who: &Identity, kind: ConsentKind) -> AppResult<Vec<ConsentText>> {
    who.require(&[Permission::CabinetView, Permission::BackOffice])?;
    Ok(TextRow::find()
        .filter(consent_text::Column::Kind.eq(kind))
        .order_by_desc(consent_text::Column::Version)
        .all(&app.db.conn)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// One version of `kind`.
pub async fn version(app: &App, who: &Identity, kind: ConsentKind, version: i32) -> AppResult<ConsentText> {
    versions(app, who, kind)
        .await?
        .into_iter()
        .find(|v| v.version == version)
        .ok_or(AppError::NotFound)
}

/// A version as typed into the back office's form.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct NewText {
    pub kind: String,
    pub title: String,
    pub body: String,
}

/// Publishes the next version of a kind's text, in force at once; every problem at its field.
/// Those who agreed to an earlier version are asked again at their next sign-in.
pub async fn publish(app: &App, actor: &Actor, who: &Identity, input: &NewText) -> AppResult<ConsentText> {
    who.require(&[Permission::ContentManage])?;
    let mut errors = FieldErrors::new();
    let kind: Option<ConsentKind> = errors.choice("kind", &input.kind);
    let title = errors.one_line("title", &input.title, kabinet_core::text::limits::NAME, true);
    let body = errors.multi_line("body", &input.body, BODY_MAX);
    errors.into_result()?;
    let (Some(kind), Some(title), Some(body)) = (kind, title, body) else {
        return Err(FieldErrors::single("title", "text-empty"));
    };
    let txn = app.db.write().await?;
    let last = TextRow::find()
        .filter(consent_text::Column::Kind.eq(kind))
        .order_by_desc(consent_text::Column::Version)
        .one(&txn)
        .await?;
    let version = last.map_or(1, |l| l.version + 1);
    let saved = consent_text::ActiveModel {
        kind: Set(kind),
        version: Set(version),
        title: Set(title),
        body: Set(body),
        created_by_user_id: Set(actor.user_id),
        created_at: Set(kabinet_store::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| {
        if kabinet_store::is_unique_violation(&e) {
            AppError::Conflict(kabinet_core::ErrorCode::ConsentTextChanged)
        } else {
            e.into()
        }
    })?;
    audit::record(
        &txn,
        actor,
        "consent_text.publish",
        "consent_text",
        Some(saved.id),
        json!({"kind": kind, "version": version}),
    )
    .await?;
    txn.commit().await?;
    Ok(saved.into())
}

/// The demo's first versions of both texts.
pub(crate) async fn demo(app: &App) -> AppResult<()> {
    for (kind, title, body) in [
        (
            ConsentKind::Processing,
            "Согласие на обработку персональных данных",
            DEMO_PROCESSING,
        ),
        (
            ConsentKind::Marketing,
            "Согласие на получение рекламных сообщений",
            DEMO_MARKETING,
        ),
    ] {
        consent_text::ActiveModel {
            kind: Set(kind),
            version: Set(1),
            title: Set(title.into()),
            body: Set(body.into()),
            created_by_user_id: Set(None),
            created_at: Set(kabinet_store::now()),
            ..Default::default()
        }
        .insert(&app.db.conn)
        .await?;
    }
    Ok(())
}

const DEMO_PROCESSING: &str = "\
Я даю согласие оператору на обработку моих персональных данных — фамилии, имени, отчества, \
адреса, телефона, адреса электронной почты, реквизитов договора и платежей — в целях \
заключения и исполнения договора, учёта оказанных услуг, обработки моих заявок и обращений и \
направления мне документов и уведомлений по договору.

Обработка включает сбор, запись, систематизацию, накопление, хранение, уточнение, \
извлечение, использование, передачу исполнителям по договору, обезличивание, блокирование, \
удаление и уничтожение, с использованием средств автоматизации и без них.

Согласие действует до его отзыва. Отозвать его можно в личном кабинете (раздел «Персональные \
данные») или письменным заявлением, в том числе по электронной почте. После отзыва оператор \
прекращает обработку, кроме той, которую требует закон (учёт платежей и первичные документы).";

const DEMO_MARKETING: &str = "\
Я согласен получать сообщения о новых услугах, акциях и предложениях оператора и его \
партнёров по SMS, в мессенджерах и по электронной почте.

Согласие можно отозвать в любой момент в личном кабинете; сообщения прекращаются сразу. \
Уведомления по договору (счета, работы на сети, ответы на заявки) приходят независимо от \
этого согласия.";
