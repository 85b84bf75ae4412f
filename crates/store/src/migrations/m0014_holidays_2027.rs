//! The 2027 days off of the Russian production calendar, as far as the law fixes them: the
//! Labour Code's holidays and its own transfer of a holiday that falls on a weekend to the next
//! working day (1 May → 3 May, 9 May → 10 May, 12 June → 14 June). The government's decree
//! that moves the January weekend days is added by administrators (by hand or by importing the
//! published calendar) once it is out; the SLA page warns while a calendar in use runs out.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        for d in kabinet_core::production_calendar::russia_labour_code_holidays(2027) {
            // Days an administrator already entered stay as they are.
            db.execute_unprepared(&format!(
                "INSERT INTO holiday_calendar_days (holiday_calendar_id, day, kind, note) \
                 SELECT id, '{day}', '{kind}', '{note}' FROM holiday_calendars WHERE code = 'ru' \
                 AND NOT EXISTS (SELECT 1 FROM holiday_calendar_days x \
                   WHERE x.holiday_calendar_id = holiday_calendars.id AND x.day = '{day}')",
                day = d.day,
                kind = d.kind.as_str(),
                note = d.note.replace('\'', "''"),
            ))
            .await?;
        }
        Ok(())
    }
}
