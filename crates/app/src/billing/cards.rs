//! A card the payment gateway saved for automatic payments. The payment that saved it (a
//! top-up) hands it to the account's rule that waits for one; automatic payments then charge it.
//! Kept apart from both so that top-ups need not know the rules and the rules may start top-ups.

use kabinet_store::entities::autopay_rule::{self, Entity as AutopayRule};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

use crate::access::Actor;
use crate::{AppResult, audit};

/// After a payment that saved a card: the account's rule waiting for a card becomes active.
pub async fn attach_card<C: sea_orm::ConnectionTrait>(
    txn: &C,
    actor: &Actor,
    account_id: i64,
    method_id: &str,
) -> AppResult<()> {
    let Some(rule) = AutopayRule::find()
        .filter(autopay_rule::Column::AccountId.eq(account_id))
        .filter(autopay_rule::Column::Status.eq(kabinet_core::billing::AutopayStatus::AwaitingCard))
        .one(txn)
        .await?
    else {
        return Ok(());
    };
    let id = rule.id;
    let mut row: autopay_rule::ActiveModel = rule.into();
    row.payment_method_id = Set(Some(method_id.to_owned()));
    row.status = Set(kabinet_core::billing::AutopayStatus::Active);
    row.updated_at = Set(kabinet_store::now());
    row.update(txn).await?;
    audit::record(
        txn,
        actor,
        "autopay.active",
        "account",
        Some(account_id),
        json!({"rule_id": id}),
    )
    .await?;
    Ok(())
}
