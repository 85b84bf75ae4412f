//! Audit records are written in the change's transaction to `audit_pending`, without taking
//! any shared lock, and sealed into the hash chain of `audit_log` shortly after by one sealer
//! at a time (ADR 9). The chain head then serialises only the sealers, never the changes.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AuditPending {
    Table,
    Id,
    At,
    ActorUserId,
    Actor,
    Ip,
    Action,
    ObjectType,
    ObjectId,
    Changes,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(AuditPending::Table)
                .col(big_pk_auto(AuditPending::Id))
                .col(timestamp_with_time_zone(AuditPending::At))
                .col(big_integer_null(AuditPending::ActorUserId))
                .col(string_len(AuditPending::Actor, 100))
                .col(string_len_null(AuditPending::Ip, 64))
                .col(string_len(AuditPending::Action, 64))
                .col(string_len(AuditPending::ObjectType, 32))
                .col(string_len_null(AuditPending::ObjectId, 64))
                .col(text(AuditPending::Changes))
                .take(),
        )
        .await
    }
}
