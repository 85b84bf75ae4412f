//! The support desk (SUP): business calendars and the public-holiday calendars they follow,
//! SLA plans with their terms per request class, the plan of each customer, tickets with
//! their service-level clocks, correspondence and attachments. The two plans of the support
//! terms and the 2026 Russian production calendar are seeded here, so every installation
//! starts with them and edits them as data.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::fk;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Customers {
    Table,
    Id,
    SlaPlanId,
    PayPerCase,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    TimeZone,
}

#[derive(DeriveIden)]
enum HolidayCalendars {
    Table,
    Id,
    Code,
    Name,
}

#[derive(DeriveIden)]
enum HolidayCalendarDays {
    Table,
    Id,
    HolidayCalendarId,
    Day,
    Kind,
    Note,
}

#[derive(DeriveIden)]
enum BusinessCalendars {
    Table,
    Id,
    Code,
    Name,
    TimeZone,
    WorkingWindows,
    RestWindows,
    HolidayCalendarId,
}

#[derive(DeriveIden)]
enum SlaPlans {
    Table,
    Id,
    Code,
    Name,
    Description,
}

#[derive(DeriveIden)]
enum SlaPlanTerms {
    Table,
    Id,
    SlaPlanId,
    RequestClass,
    BusinessCalendarId,
    ReactionMinutes,
    ResolutionMinutes,
}

#[derive(DeriveIden)]
enum Tickets {
    Table,
    Id,
    Number,
    CustomerId,
    AssetId,
    RequesterUserId,
    RequesterName,
    Topic,
    RequestClass,
    Title,
    Description,
    Priority,
    Status,
    AssigneeUserId,
    SlaPlanId,
    NotifyChannel,
    NotifyPhone,
    OpenedAt,
    UpdatedAt,
    FirstResponseAt,
    ReactionDue,
    ReactionWarnAt,
    ReactionBreachedAt,
    ResolutionDue,
    ResolutionWarnAt,
    ResolutionBreachedAt,
    AgreedAt,
    AgreedDue,
    PausedAt,
    PausedSeconds,
    AttentionAt,
    DueAt,
    BreachedAt,
    ClosedAt,
    Difficulty,
    VolumeMinutes,
    ChargeEntryId,
}

#[derive(DeriveIden)]
enum TicketMessages {
    Table,
    Id,
    TicketId,
    CustomerId,
    AuthorUserId,
    AuthorName,
    Side,
    Internal,
    Body,
    CreatedAt,
}

#[derive(DeriveIden)]
enum TicketAttachments {
    Table,
    Id,
    TicketId,
    CustomerId,
    MessageId,
    FileName,
    ContentType,
    SizeBytes,
    Sha256,
    Content,
    CreatedAt,
}

fn index(name: &str, table: impl IntoIden, cols: &[&'static str]) -> IndexCreateStatement {
    let mut i = Index::create();
    i.name(name).table(table);
    for c in cols {
        i.col(Alias::new(*c));
    }
    i.take()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(HolidayCalendars::Table)
                .col(big_pk_auto(HolidayCalendars::Id))
                .col(string_len(HolidayCalendars::Code, 40).unique_key())
                .col(string_len(HolidayCalendars::Name, 200))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(HolidayCalendarDays::Table)
                .col(big_pk_auto(HolidayCalendarDays::Id))
                .col(big_integer(HolidayCalendarDays::HolidayCalendarId))
                .col(date(HolidayCalendarDays::Day))
                // holiday (a weekday off) or worked (a weekend day worked instead).
                .col(string_len(HolidayCalendarDays::Kind, 10))
                .col(string_len(HolidayCalendarDays::Note, 200).default(""))
                .foreign_key(&mut fk(
                    HolidayCalendarDays::Table,
                    HolidayCalendarDays::HolidayCalendarId,
                    HolidayCalendars::Table,
                    HolidayCalendars::Id,
                ))
                .take(),
        )
        .await?;
        m.create_index(
            index(
                "holiday_calendar_days_day",
                HolidayCalendarDays::Table,
                &["holiday_calendar_id", "day"],
            )
            .unique()
            .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(BusinessCalendars::Table)
                .col(big_pk_auto(BusinessCalendars::Id))
                .col(string_len(BusinessCalendars::Code, 40).unique_key())
                .col(string_len(BusinessCalendars::Name, 200))
                // An IANA zone name, e.g. Europe/Moscow.
                .col(string_len(BusinessCalendars::TimeZone, 64))
                // Windows as "10:00-18:00, …"; empty: no work on such days.
                .col(string_len(BusinessCalendars::WorkingWindows, 200))
                .col(string_len(BusinessCalendars::RestWindows, 200))
                .col(big_integer_null(BusinessCalendars::HolidayCalendarId))
                .foreign_key(&mut fk(
                    BusinessCalendars::Table,
                    BusinessCalendars::HolidayCalendarId,
                    HolidayCalendars::Table,
                    HolidayCalendars::Id,
                ))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(SlaPlans::Table)
                .col(big_pk_auto(SlaPlans::Id))
                .col(string_len(SlaPlans::Code, 40).unique_key())
                .col(string_len(SlaPlans::Name, 200))
                .col(text(SlaPlans::Description).default(""))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(SlaPlanTerms::Table)
                .col(big_pk_auto(SlaPlanTerms::Id))
                .col(big_integer(SlaPlanTerms::SlaPlanId))
                .col(string_len(SlaPlanTerms::RequestClass, 16))
                .col(big_integer(SlaPlanTerms::BusinessCalendarId))
                // Working minutes; NULL: by agreement, no deadline until staff set one.
                .col(integer_null(SlaPlanTerms::ReactionMinutes))
                .col(integer_null(SlaPlanTerms::ResolutionMinutes))
                .foreign_key(&mut fk(
                    SlaPlanTerms::Table,
                    SlaPlanTerms::SlaPlanId,
                    SlaPlans::Table,
                    SlaPlans::Id,
                ))
                .foreign_key(&mut fk(
                    SlaPlanTerms::Table,
                    SlaPlanTerms::BusinessCalendarId,
                    BusinessCalendars::Table,
                    BusinessCalendars::Id,
                ))
                .take(),
        )
        .await?;
        m.create_index(
            index(
                "sla_plan_terms_class",
                SlaPlanTerms::Table,
                &["sla_plan_id", "request_class"],
            )
            .unique()
            .take(),
        )
        .await?;

        // SQLite cannot add a foreign key to an existing table; the application checks these.
        m.alter_table(
            Table::alter()
                .table(Customers::Table)
                .add_column(big_integer_null(Customers::SlaPlanId))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table(Customers::Table)
                .add_column(boolean(Customers::PayPerCase).default(false))
                .to_owned(),
        )
        .await?;

        // A person's own time zone for the times they read (deadlines above all); none: their
        // customer's, or the product's.
        m.alter_table(
            Table::alter()
                .table(Users::Table)
                .add_column(string_len_null(Users::TimeZone, 64))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Tickets::Table)
                .col(big_pk_auto(Tickets::Id))
                // "2026-000042": the year and a counter that restarts every year.
                .col(string_len(Tickets::Number, 20).unique_key())
                .col(big_integer(Tickets::CustomerId))
                .col(big_integer_null(Tickets::AssetId))
                .col(big_integer_null(Tickets::RequesterUserId))
                .col(string_len(Tickets::RequesterName, 200))
                .col(string_len(Tickets::Topic, 40))
                .col(string_len(Tickets::RequestClass, 16))
                .col(string_len(Tickets::Title, 200))
                // Markdown as written; rendered without raw HTML when shown.
                .col(text(Tickets::Description))
                .col(string_len(Tickets::Priority, 10))
                .col(string_len(Tickets::Status, 12))
                .col(big_integer_null(Tickets::AssigneeUserId))
                .col(big_integer(Tickets::SlaPlanId))
                // email or sms: how the customer hears of replies and status changes.
                .col(string_len(Tickets::NotifyChannel, 8))
                .col(string_len_null(Tickets::NotifyPhone, 20))
                .col(timestamp_with_time_zone(Tickets::OpenedAt))
                .col(timestamp_with_time_zone(Tickets::UpdatedAt))
                .col(timestamp_with_time_zone_null(Tickets::FirstResponseAt))
                .col(timestamp_with_time_zone_null(Tickets::ReactionDue))
                .col(timestamp_with_time_zone_null(Tickets::ReactionWarnAt))
                .col(timestamp_with_time_zone_null(Tickets::ReactionBreachedAt))
                .col(timestamp_with_time_zone_null(Tickets::ResolutionDue))
                .col(timestamp_with_time_zone_null(Tickets::ResolutionWarnAt))
                .col(timestamp_with_time_zone_null(Tickets::ResolutionBreachedAt))
                // A completion deadline agreed with the customer (non-standard requests).
                .col(timestamp_with_time_zone_null(Tickets::AgreedAt))
                .col(timestamp_with_time_zone_null(Tickets::AgreedDue))
                // Waiting for the customer since; the completion clock does not run meanwhile.
                .col(timestamp_with_time_zone_null(Tickets::PausedAt))
                .col(big_integer(Tickets::PausedSeconds).default(0))
                // The earliest running clock's warning and deadline: the queues "breaching
                // soon" and "breached" read these two columns only.
                .col(timestamp_with_time_zone_null(Tickets::AttentionAt))
                .col(timestamp_with_time_zone_null(Tickets::DueAt))
                .col(timestamp_with_time_zone_null(Tickets::BreachedAt))
                .col(timestamp_with_time_zone_null(Tickets::ClosedAt))
                .col(small_integer_null(Tickets::Difficulty))
                .col(integer_null(Tickets::VolumeMinutes))
                .col(big_integer_null(Tickets::ChargeEntryId))
                .foreign_key(&mut fk(
                    Tickets::Table,
                    Tickets::CustomerId,
                    Customers::Table,
                    Customers::Id,
                ))
                .foreign_key(&mut fk(
                    Tickets::Table,
                    Tickets::SlaPlanId,
                    SlaPlans::Table,
                    SlaPlans::Id,
                ))
                .take(),
        )
        .await?;
        for (name, cols) in [
            ("tickets_customer", &["customer_id", "id"][..]),
            ("tickets_customer_status", &["customer_id", "status", "id"]),
            ("tickets_status", &["status", "id"]),
            // "Breaching soon" scans deadlines ahead and checks the warning in the index itself.
            ("tickets_due", &["due_at", "attention_at"]),
        ] {
            m.create_index(index(name, Tickets::Table, cols)).await?;
        }
        // The staff queues read tickets not closed (`closed_at IS NULL`) — a small part of a
        // desk's history — in deadline order: partial indexes hold just those rows, already in
        // that order. Both databases write partial indexes alike.
        let db = m.get_connection();
        db.execute_unprepared(
            "CREATE INDEX tickets_open_by_assignee ON tickets (assignee_user_id, due_at, id) WHERE closed_at IS NULL",
        )
        .await?;
        db.execute_unprepared(
            "CREATE INDEX tickets_open_breached ON tickets (breached_at, id) WHERE closed_at IS NULL",
        )
        .await?;
        m.create_table(
            Table::create()
                .table(TicketMessages::Table)
                .col(big_pk_auto(TicketMessages::Id))
                .col(big_integer(TicketMessages::TicketId))
                .col(big_integer(TicketMessages::CustomerId))
                .col(big_integer_null(TicketMessages::AuthorUserId))
                .col(string_len(TicketMessages::AuthorName, 200))
                // customer or staff.
                .col(string_len(TicketMessages::Side, 10))
                // An internal note: staff only, never shown in the cabinet or its API.
                .col(boolean(TicketMessages::Internal))
                .col(text(TicketMessages::Body))
                .col(timestamp_with_time_zone(TicketMessages::CreatedAt))
                .foreign_key(&mut fk(
                    TicketMessages::Table,
                    TicketMessages::TicketId,
                    Tickets::Table,
                    Tickets::Id,
                ))
                .take(),
        )
        .await?;
        m.create_index(index(
            "ticket_messages_ticket",
            TicketMessages::Table,
            &["ticket_id", "id"],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table(TicketAttachments::Table)
                .col(big_pk_auto(TicketAttachments::Id))
                .col(big_integer(TicketAttachments::TicketId))
                .col(big_integer(TicketAttachments::CustomerId))
                .col(big_integer_null(TicketAttachments::MessageId))
                .col(string_len(TicketAttachments::FileName, 255))
                .col(string_len(TicketAttachments::ContentType, 100))
                .col(big_integer(TicketAttachments::SizeBytes))
                .col(string_len(TicketAttachments::Sha256, 64))
                .col(blob(TicketAttachments::Content))
                .col(timestamp_with_time_zone(TicketAttachments::CreatedAt))
                .foreign_key(&mut fk(
                    TicketAttachments::Table,
                    TicketAttachments::TicketId,
                    Tickets::Table,
                    Tickets::Id,
                ))
                .take(),
        )
        .await?;
        m.create_index(index(
            "ticket_attachments_ticket",
            TicketAttachments::Table,
            &["ticket_id", "id"],
        ))
        .await?;

        seed(m).await
    }
}

/// The production calendar, the two business calendars and the two plans of the support
/// terms. Plain SQL both databases read alike; rows refer to each other by code.
async fn seed(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = m.get_connection();
    db.execute_unprepared("INSERT INTO holiday_calendars (code, name) VALUES ('ru', 'Производственный календарь РФ')")
        .await?;
    for day in kabinet_core::calendar::russia_2026_holidays() {
        db.execute_unprepared(&format!(
            "INSERT INTO holiday_calendar_days (holiday_calendar_id, day, kind, note) \
             SELECT id, '{day}', 'holiday', '' FROM holiday_calendars WHERE code = 'ru'"
        ))
        .await?;
    }
    db.execute_unprepared(
        "INSERT INTO business_calendars (code, name, time_zone, working_windows, rest_windows, holiday_calendar_id) \
         SELECT 'msk-daily', 'Москва: рабочие дни 10–18, выходные и праздники 12–18', 'Europe/Moscow', \
                '10:00-18:00', '12:00-18:00', id FROM holiday_calendars WHERE code = 'ru'",
    )
    .await?;
    db.execute_unprepared(
        "INSERT INTO business_calendars (code, name, time_zone, working_windows, rest_windows, holiday_calendar_id) \
         SELECT 'msk-workdays', 'Москва: рабочие дни 10–18', 'Europe/Moscow', \
                '10:00-18:00', '', id FROM holiday_calendars WHERE code = 'ru'",
    )
    .await?;
    db.execute_unprepared(
        "INSERT INTO sla_plans (code, name, description) VALUES \
         ('priority', 'Приоритет', 'Типовые обращения — ежедневно, нестандартные — в рабочие дни; реакция за 1 и 3 рабочих часа.'), \
         ('by_fact', 'По факту', 'Все обращения — в рабочие дни; реакция за 24 рабочих часа.')",
    )
    .await?;
    for (plan, class, calendar, reaction, resolution) in [
        ("priority", "typical", "msk-daily", "60", "720"),
        ("priority", "non_standard", "msk-workdays", "180", "NULL"),
        ("by_fact", "typical", "msk-workdays", "1440", "4320"),
        ("by_fact", "non_standard", "msk-workdays", "1440", "NULL"),
    ] {
        db.execute_unprepared(&format!(
            "INSERT INTO sla_plan_terms (sla_plan_id, request_class, business_calendar_id, reaction_minutes, resolution_minutes) \
             SELECT p.id, '{class}', c.id, {reaction}, {resolution} FROM sla_plans p, business_calendars c \
             WHERE p.code = '{plan}' AND c.code = '{calendar}'"
        ))
        .await?;
    }
    Ok(())
}
