//! The foundation: partners and customers (only what users need to belong to them; the CRM
//! adds the rest), users of both kinds, database sessions, API tokens, login attempts (which
//! are also the source of login throttling), one-time codes, rate-limit events, the audit hash
//! chain and the notification outbox.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::fk;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Partners {
    Table,
    Id,
    Name,
    Status,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Customers {
    Table,
    Id,
    Kind,
    Name,
    ContractNumber,
    ContractDate,
    Phone,
    Email,
    City,
    Address,
    PartnerId,
    SupportGroup,
    Language,
    TimeZone,
    Status,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Login,
    Email,
    Phone,
    DisplayName,
    PasswordHash,
    StaffRole,
    CustomerId,
    CustomerRole,
    PartnerId,
    Language,
    Status,
    MustChangePassword,
    CreatedAt,
    UpdatedAt,
    PasswordChangedAt,
    LastLoginAt,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Id,
    UserId,
    CreatedAt,
    LastSeenAt,
    ExpiresAt,
    Ip,
    UserAgent,
}

#[derive(DeriveIden)]
enum ApiTokens {
    Table,
    Id,
    UserId,
    Name,
    TokenHash,
    Prefix,
    CreatedAt,
    ExpiresAt,
    LastUsedAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum LoginAttempts {
    Table,
    Id,
    At,
    UserId,
    Login,
    Ip,
    UserAgent,
    Outcome,
    Face,
}

#[derive(DeriveIden)]
enum OneTimeCodes {
    Table,
    Id,
    UserId,
    Purpose,
    Channel,
    CodeHash,
    CreatedAt,
    ExpiresAt,
    Attempts,
    UsedAt,
}

#[derive(DeriveIden)]
enum RateEvents {
    Table,
    Id,
    Bucket,
    At,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Id,
    Seq,
    At,
    ActorUserId,
    Actor,
    Ip,
    Action,
    ObjectType,
    ObjectId,
    Changes,
    PrevHash,
    Hash,
}

#[derive(DeriveIden)]
enum AuditHead {
    Table,
    Id,
    Seq,
    LastHash,
}

#[derive(DeriveIden)]
enum Outbox {
    Table,
    Id,
    CreatedAt,
    Channel,
    Recipient,
    Subject,
    Body,
    Status,
    Attempts,
    NextAttemptAt,
    LockedUntil,
    LastError,
    SentAt,
    ProviderId,
    IdempotencyKey,
    UserId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Partners::Table)
                .col(big_pk_auto(Partners::Id))
                .col(string_len(Partners::Name, 200))
                .col(string_len(Partners::Status, 16).default("active"))
                .col(timestamp_with_time_zone(Partners::CreatedAt))
                .take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Customers::Table)
                .col(big_pk_auto(Customers::Id))
                .col(string_len(Customers::Kind, 20))
                .col(string_len(Customers::Name, 200))
                .col(string_len_uniq(Customers::ContractNumber, 50))
                .col(date_null(Customers::ContractDate))
                .col(string_len_null(Customers::Phone, 20))
                .col(string_len_null(Customers::Email, 254))
                .col(string_len_null(Customers::City, 100))
                .col(string_len_null(Customers::Address, 500))
                .col(big_integer_null(Customers::PartnerId))
                .col(string_len_null(Customers::SupportGroup, 1))
                .col(string_len(Customers::Language, 5).default("ru"))
                .col(string_len(Customers::TimeZone, 64).default("Europe/Moscow"))
                .col(string_len(Customers::Status, 16).default("active"))
                .col(timestamp_with_time_zone(Customers::CreatedAt))
                .col(timestamp_with_time_zone(Customers::UpdatedAt))
                .foreign_key(&mut fk(
                    Customers::Table,
                    Customers::PartnerId,
                    Partners::Table,
                    Partners::Id,
                ))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("customers_partner")
                .table(Customers::Table)
                .col(Customers::PartnerId)
                .take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Users::Table)
                .col(big_pk_auto(Users::Id))
                .col(string_len_uniq(Users::Login, 64))
                .col(string_len_null(Users::Email, 254).unique_key())
                .col(string_len_null(Users::Phone, 20).unique_key())
                .col(string_len(Users::DisplayName, 200))
                .col(string_len(Users::PasswordHash, 200))
                .col(string_len_null(Users::StaffRole, 20))
                .col(big_integer_null(Users::CustomerId))
                .col(string_len_null(Users::CustomerRole, 20))
                .col(big_integer_null(Users::PartnerId))
                .col(string_len(Users::Language, 5).default("ru"))
                .col(string_len(Users::Status, 16).default("active"))
                .col(boolean(Users::MustChangePassword).default(false))
                .col(timestamp_with_time_zone(Users::CreatedAt))
                .col(timestamp_with_time_zone(Users::UpdatedAt))
                .col(timestamp_with_time_zone(Users::PasswordChangedAt))
                .col(timestamp_with_time_zone_null(Users::LastLoginAt))
                .foreign_key(&mut fk(
                    Users::Table,
                    Users::CustomerId,
                    Customers::Table,
                    Customers::Id,
                ))
                .foreign_key(&mut fk(Users::Table, Users::PartnerId, Partners::Table, Partners::Id))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("users_customer")
                .table(Users::Table)
                .col(Users::CustomerId)
                .take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Sessions::Table)
                .col(string_len(Sessions::Id, 64).primary_key())
                .col(big_integer(Sessions::UserId))
                .col(timestamp_with_time_zone(Sessions::CreatedAt))
                .col(timestamp_with_time_zone(Sessions::LastSeenAt))
                .col(timestamp_with_time_zone(Sessions::ExpiresAt))
                .col(string_len(Sessions::Ip, 64))
                .col(string_len(Sessions::UserAgent, 300))
                .foreign_key(
                    &mut fk(Sessions::Table, Sessions::UserId, Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade)
                        .take(),
                )
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("sessions_user")
                .table(Sessions::Table)
                .col(Sessions::UserId)
                .take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ApiTokens::Table)
                .col(big_pk_auto(ApiTokens::Id))
                .col(big_integer(ApiTokens::UserId))
                .col(string_len(ApiTokens::Name, 100))
                .col(string_len_uniq(ApiTokens::TokenHash, 64))
                .col(string_len(ApiTokens::Prefix, 16))
                .col(timestamp_with_time_zone(ApiTokens::CreatedAt))
                .col(timestamp_with_time_zone_null(ApiTokens::ExpiresAt))
                .col(timestamp_with_time_zone_null(ApiTokens::LastUsedAt))
                .col(timestamp_with_time_zone_null(ApiTokens::RevokedAt))
                .foreign_key(
                    &mut fk(ApiTokens::Table, ApiTokens::UserId, Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade)
                        .take(),
                )
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("api_tokens_user")
                .table(ApiTokens::Table)
                .col(ApiTokens::UserId)
                .take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(LoginAttempts::Table)
                .col(big_pk_auto(LoginAttempts::Id))
                .col(timestamp_with_time_zone(LoginAttempts::At))
                .col(big_integer_null(LoginAttempts::UserId))
                .col(string_len(LoginAttempts::Login, 100))
                .col(string_len(LoginAttempts::Ip, 64))
                .col(string_len(LoginAttempts::UserAgent, 300))
                .col(string_len(LoginAttempts::Outcome, 20))
                .col(string_len(LoginAttempts::Face, 10))
                .take(),
        )
        .await?;
        for (name, col) in [
            ("login_attempts_login_at", LoginAttempts::Login),
            ("login_attempts_ip_at", LoginAttempts::Ip),
            ("login_attempts_user_at", LoginAttempts::UserId),
        ] {
            m.create_index(
                Index::create()
                    .name(name)
                    .table(LoginAttempts::Table)
                    .col(col)
                    .col(LoginAttempts::At)
                    .take(),
            )
            .await?;
        }

        m.create_table(
            Table::create()
                .table(OneTimeCodes::Table)
                .col(big_pk_auto(OneTimeCodes::Id))
                .col(big_integer(OneTimeCodes::UserId))
                .col(string_len(OneTimeCodes::Purpose, 20))
                .col(string_len(OneTimeCodes::Channel, 10))
                .col(string_len(OneTimeCodes::CodeHash, 64))
                .col(timestamp_with_time_zone(OneTimeCodes::CreatedAt))
                .col(timestamp_with_time_zone(OneTimeCodes::ExpiresAt))
                .col(integer(OneTimeCodes::Attempts).default(0))
                .col(timestamp_with_time_zone_null(OneTimeCodes::UsedAt))
                .foreign_key(
                    &mut fk(OneTimeCodes::Table, OneTimeCodes::UserId, Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade)
                        .take(),
                )
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("one_time_codes_user")
                .table(OneTimeCodes::Table)
                .col(OneTimeCodes::UserId)
                .col(OneTimeCodes::Purpose)
                .take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(RateEvents::Table)
                .col(big_pk_auto(RateEvents::Id))
                .col(string_len(RateEvents::Bucket, 150))
                .col(timestamp_with_time_zone(RateEvents::At))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("rate_events_bucket_at")
                .table(RateEvents::Table)
                .col(RateEvents::Bucket)
                .col(RateEvents::At)
                .take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(AuditLog::Table)
                .col(big_pk_auto(AuditLog::Id))
                .col(big_integer_uniq(AuditLog::Seq))
                .col(timestamp_with_time_zone(AuditLog::At))
                .col(big_integer_null(AuditLog::ActorUserId))
                .col(string_len(AuditLog::Actor, 100))
                .col(string_len_null(AuditLog::Ip, 64))
                .col(string_len(AuditLog::Action, 64))
                .col(string_len(AuditLog::ObjectType, 32))
                .col(string_len_null(AuditLog::ObjectId, 64))
                .col(text(AuditLog::Changes))
                .col(string_len(AuditLog::PrevHash, 64))
                .col(string_len(AuditLog::Hash, 64))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("audit_log_at")
                .table(AuditLog::Table)
                .col(AuditLog::At)
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("audit_log_object")
                .table(AuditLog::Table)
                .col(AuditLog::ObjectType)
                .col(AuditLog::ObjectId)
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("audit_log_actor")
                .table(AuditLog::Table)
                .col(AuditLog::ActorUserId)
                .take(),
        )
        .await?;

        // One row that every audit write updates first: it serialises appends so that the hash
        // chain never forks when two transactions write at once (a row lock on PostgreSQL, the
        // write lock on SQLite).
        m.create_table(
            Table::create()
                .table(AuditHead::Table)
                .col(integer(AuditHead::Id).primary_key())
                .col(big_integer(AuditHead::Seq))
                .col(string_len(AuditHead::LastHash, 64))
                .take(),
        )
        .await?;
        m.exec_stmt(
            Query::insert()
                .into_table(AuditHead::Table)
                .columns([AuditHead::Id, AuditHead::Seq, AuditHead::LastHash])
                .values_panic([1.into(), 0i64.into(), "0".repeat(64).into()])
                .take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Outbox::Table)
                .col(big_pk_auto(Outbox::Id))
                .col(timestamp_with_time_zone(Outbox::CreatedAt))
                .col(string_len(Outbox::Channel, 10))
                .col(string_len(Outbox::Recipient, 254))
                .col(string_len_null(Outbox::Subject, 300))
                .col(text(Outbox::Body))
                .col(string_len(Outbox::Status, 10))
                .col(integer(Outbox::Attempts).default(0))
                .col(timestamp_with_time_zone(Outbox::NextAttemptAt))
                .col(timestamp_with_time_zone_null(Outbox::LockedUntil))
                .col(text_null(Outbox::LastError))
                .col(timestamp_with_time_zone_null(Outbox::SentAt))
                .col(string_len_null(Outbox::ProviderId, 100))
                .col(string_len_null(Outbox::IdempotencyKey, 100).unique_key())
                .col(big_integer_null(Outbox::UserId))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("outbox_due")
                .table(Outbox::Table)
                .col(Outbox::Status)
                .col(Outbox::NextAttemptAt)
                .take(),
        )
        .await?;
        Ok(())
    }
}
