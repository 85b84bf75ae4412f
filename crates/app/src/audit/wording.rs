//! How the audit log reads to people: each action in words (`audit-action-…` in every
//! language), each object by its name with a link to its page, the raw record one click away.

use std::collections::HashMap;

use kabinet_store::entities::{account, asset, counterparty, customer, ticket, user};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};

use super::views::AuditRecord;
use crate::{App, AppResult};

/// Every action the product records, each with its wording in every language. A record of an
/// action missing here shows its code.
pub const ACTIONS: &[&str] = &[
    "account.delivery",
    "account.limits",
    "account.open",
    "api_token.create",
    "api_token.revoke",
    "autopay.active",
    "autopay.cancel",
    "billing.run",
    "cabinet.enter",
    "cabinet.leave",
    "cashback.accrued",
    "cashback.spent",
    "comment.add",
    "comment.delete",
    "consent.give",
    "consent.withdraw",
    "consent_text.publish",
    "counterparty.create",
    "counterparty.update",
    "customer.create",
    "customer.update",
    "document.issued",
    "documents.order",
    "documents.ready",
    "event_source.create",
    "event_source.revoke",
    "event_source.token_rejected",
    "guests.export",
    "kb_article.create",
    "kb_article.draft",
    "kb_article.import",
    "kb_article.publish",
    "kb_category.create",
    "ledger.adjustment",
    "ledger.cashback",
    "ledger.charge",
    "ledger.payment",
    "ledger.refund",
    "ledger.reversal",
    "licence.create",
    "licence.delete",
    "licence.link",
    "licence.modules",
    "licence.split",
    "line.bulk",
    "line.create",
    "line.employee",
    "line.employees_imported",
    "line.forwarding",
    "line.forwarding_off",
    "line.join",
    "line.joined",
    "line.labels",
    "line.limit",
    "line.offer_added",
    "line.offer_on_sale",
    "line.option_off",
    "line.option_on",
    "line.order_placed",
    "line.personal_sim",
    "line.photo_removed",
    "line.photo_set",
    "line.reserve_add",
    "line.sim_replaced",
    "line.status",
    "line.tariff_changed",
    "line.usage_imported",
    "line_group.create",
    "line_group.delete",
    "line_group.update",
    "line_label.create",
    "line_label.delete",
    "partner.create",
    "password.recovery_requested",
    "password.recovery_used",
    "payment.canceled",
    "payment.refund",
    "payment.register",
    "payment.start",
    "payment.succeeded",
    "payment_template.delete",
    "payment_template.save",
    "personal_data.erase",
    "personal_data.export",
    "plan.archive",
    "plan.create",
    "router.firmware",
    "router.reboot",
    "router.settings",
    "rules.publish",
    "security_object.create",
    "security_object.key_entered",
    "service_request.done",
    "service_request.file",
    "service_request.in_progress",
    "service_request.refused",
    "session.logout_others",
    "sla.calendar.create",
    "sla.calendar.update",
    "sla.holiday.import",
    "sla.holiday.remove",
    "sla.holiday.set",
    "sla.plan.create",
    "sla.plan.update",
    "subscription.create",
    "subscription.end",
    "support.terms",
    "ticket.agreed_due",
    "ticket.assign",
    "ticket.breach",
    "ticket.class",
    "ticket.note",
    "ticket.open",
    "ticket.reply",
    "ticket.status",
    "user.assets",
    "user.change_calendar",
    "user.change_landline",
    "user.change_password",
    "user.change_phone",
    "user.change_role",
    "user.change_time_zone",
    "user.create",
    "user.disable",
    "user.enable",
    "user.reset_password",
    "user.second_factor.disable",
    "user.second_factor.enable",
    "user.second_factor.recovery_codes",
    "user.second_factor.reset",
    "verification.customer_confirmed",
    "verification.verified",
];

/// The kinds of object records name, each with its word in every language.
pub const OBJECT_TYPES: &[&str] = &[
    "account",
    "api_token",
    "asset",
    "business_calendar",
    "consent_text",
    "counterparty",
    "customer",
    "document",
    "event_source",
    "holiday_calendar",
    "kb_article",
    "kb_category",
    "partner",
    "payment",
    "plan",
    "rules",
    "service_request",
    "sla_plan",
    "subscription",
    "ticket",
    "user",
];

/// The translation key of an action's wording, when it has one.
pub fn action_key(action: &str) -> Option<String> {
    ACTIONS
        .contains(&action)
        .then(|| format!("audit-action-{}", action.replace(['.', '_'], "-")))
}

/// The translation key of an object kind's word, when it has one.
pub fn object_key(object_type: &str) -> Option<String> {
    OBJECT_TYPES
        .contains(&object_type)
        .then(|| format!("audit-object-{}", object_type.replace('_', "-")))
}

/// The back-office page of an object, for those that have one.
pub fn object_path(object_type: &str, id: &str) -> Option<String> {
    let id: i64 = id.parse().ok()?;
    let base = match object_type {
        "customer" => "/crm/customers",
        "ticket" => "/crm/tickets",
        "asset" => "/crm/licences",
        "counterparty" => "/crm/counterparties",
        "account" => "/crm/accounts",
        "service_request" => "/crm/requests",
        _ => return None,
    };
    Some(format!("{base}/{id}"))
}

/// What the objects of `records` are called — a customer's name, a login, a ticket's number, a
/// licence's key, a counterparty's short name, an account's number — read in one query per
/// kind. Objects deleted since, or of other kinds, have none.
pub async fn object_names(app: &App, records: &[AuditRecord]) -> AppResult<HashMap<(String, String), String>> {
    let ids_of = |kind: &str| -> Vec<i64> {
        let mut ids: Vec<i64> = records
            .iter()
            .filter(|r| r.object_type == kind)
            .filter_map(|r| r.object_id.as_deref()?.parse().ok())
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    };
    let conn = &app.db.conn;
    let mut names: Vec<(&str, i64, String)> = Vec::new();
    let mut add = |kind: &'static str, found: Vec<(i64, String)>| {
        names.extend(found.into_iter().map(|(id, n)| (kind, id, n)));
    };
    add(
        "customer",
        names_in::<customer::Entity>(conn, customer::Column::Id, customer::Column::Name, ids_of("customer")).await?,
    );
    add(
        "user",
        names_in::<user::Entity>(conn, user::Column::Id, user::Column::Login, ids_of("user")).await?,
    );
    add(
        "ticket",
        names_in::<ticket::Entity>(conn, ticket::Column::Id, ticket::Column::Number, ids_of("ticket")).await?,
    );
    add(
        "asset",
        names_in::<asset::Entity>(conn, asset::Column::Id, asset::Column::KeyId, ids_of("asset")).await?,
    );
    add(
        "counterparty",
        names_in::<counterparty::Entity>(
            conn,
            counterparty::Column::Id,
            counterparty::Column::ShortName,
            ids_of("counterparty"),
        )
        .await?,
    );
    add(
        "account",
        names_in::<account::Entity>(conn, account::Column::Id, account::Column::Number, ids_of("account")).await?,
    );
    Ok(names
        .into_iter()
        .map(|(kind, id, name)| ((kind.to_owned(), id.to_string()), name))
        .collect())
}

/// The (id, name) pairs of the rows `ids` of one table.
async fn names_in<E: EntityTrait>(
    conn: &sea_orm::DatabaseConnection,
    id: E::Column,
    name: E::Column,
    ids: Vec<i64>,
) -> AppResult<Vec<(i64, String)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(E::find()
        .select_only()
        .columns([id, name])
        .filter(id.is_in(ids))
        .into_tuple()
        .all(conn)
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_and_objects_have_keys_and_pages() {
        assert_eq!(
            action_key("user.change_password").as_deref(),
            Some("audit-action-user-change-password")
        );
        assert_eq!(action_key("something.new"), None);
        assert_eq!(object_key("sla_plan").as_deref(), Some("audit-object-sla-plan"));
        assert_eq!(object_path("customer", "7").as_deref(), Some("/crm/customers/7"));
        assert_eq!(object_path("customer", "7/../x"), None);
        assert_eq!(object_path("plan", "7"), None);
        for kind in kabinet_core::billing::EntryKind::ALL {
            assert!(action_key(&format!("ledger.{}", kind.as_str())).is_some(), "{kind:?}");
        }
    }
}
