//! Comments on customers (CRM-4): any staff member who sees a customer writes them; only an
//! administrator deletes one, and the audit log keeps what it said.

use kabinet_core::access::Permission;
use kabinet_core::crm::CommentKind;
use kabinet_store::entities::customer_comment::{self, Entity as Comment};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::json;

use crate::access::{Actor, Identity};
use crate::{App, AppError, AppResult, FieldErrors, IntoViews, audit, customers};

pub const KINDS: &[CommentKind] = CommentKind::ALL;
/// Longest comment, in characters.
pub const MAX_LEN: usize = 4_000;

/// Adds a comment to a customer `who` may see.
pub async fn add(
    app: &App,
    actor: &Actor,
    who: &Identity,
    customer_id: i64,
    kind: &str,
    text: &str,
) -> AppResult<super::views::Comment> {
    who.require(&[Permission::CustomersRead])?;
    customers::get_visible(app, who, customer_id).await?;
    let mut errors = FieldErrors::new();
    let kind = errors.choice::<CommentKind>("kind", kind);
    let text = errors.multi_line("text", text, MAX_LEN);
    errors.into_result()?;
    let (Some(kind), Some(text)) = (kind, text) else {
        return Err(FieldErrors::single("kind", "invalid-choice"));
    };
    let txn = app.db.write().await?;
    let saved = customer_comment::ActiveModel {
        customer_id: Set(customer_id),
        author_user_id: Set(Some(who.user_id)),
        author_name: Set(who.display_name.clone()),
        kind: Set(kind),
        text: Set(text),
        created_at: Set(kabinet_store::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        "comment.add",
        "customer",
        Some(customer_id),
        json!({"comment_id": saved.id, "kind": saved.kind, "text": saved.text}),
    )
    .await?;
    txn.commit().await?;
    Ok(saved.into())
}

/// A customer's comments, newest first (the caller has checked the customer).
pub async fn of_customer(app: &App, customer_id: i64, limit: u64) -> AppResult<Vec<super::views::Comment>> {
    Ok(Comment::find()
        .filter(customer_comment::Column::CustomerId.eq(customer_id))
        .order_by_desc(customer_comment::Column::Id)
        .limit(limit)
        .all(&app.db.conn)
        .await?
        .into_views())
}

/// Deletes a comment (the route lets administrators only); the audit record keeps its text.
pub async fn delete(app: &App, actor: &Actor, who: &Identity, id: i64) -> AppResult<i64> {
    who.require(&[Permission::CommentsDelete])?;
    let c = Comment::find_by_id(id)
        .one(&app.db.conn)
        .await?
        .ok_or(AppError::NotFound)?;
    customers::get_visible(app, who, c.customer_id).await?;
    let txn = app.db.write().await?;
    let gone = Comment::delete_by_id(id).exec(&txn).await?;
    if gone.rows_affected == 0 {
        // Deleted by someone else a moment ago.
        return Err(AppError::NotFound);
    }
    audit::record(
        &txn,
        actor,
        "comment.delete",
        "customer",
        Some(c.customer_id),
        json!({"comment_id": c.id, "kind": c.kind, "text": c.text, "author": c.author_name,
               "written_at": c.created_at}),
    )
    .await?;
    txn.commit().await?;
    Ok(c.customer_id)
}
