//! Money (BIL-1 … BIL-5): personal accounts with balances from an append-only ledger, the plan
//! catalogue and subscriptions charged by the billing run, payments, the debt cap and the
//! low-balance warning.
//!
//! Every money change goes through [`ledger::post`] inside the caller's transaction, with an
//! idempotency key, so that it happens at most once and lands in the audit log with its cause.

pub mod accounts;
pub mod autopay;
pub mod cards;
pub mod gateway;
pub mod ledger;
pub mod payments;
pub mod plans;
pub mod run;
pub mod subscriptions;
pub mod topup;
pub mod views;

use kabinet_core::money::{DisplayUnit, parse_amount};

use crate::{AppResult, FieldErrors};

/// Parses an amount typed into `field` in the unit the reader uses for `currency`.
pub fn typed_amount(field: &str, input: &str, unit: DisplayUnit) -> AppResult<i64> {
    parse_amount(input, unit).map_err(|e| FieldErrors::single(field, e.code()))
}

/// Midnight at the start of `day` in `time_zone`, in UTC (an unknown zone counts as UTC).
pub fn local_midnight(day: chrono::NaiveDate, time_zone: &str) -> chrono::DateTime<chrono::Utc> {
    use chrono::Datelike;
    let tz = jiff::tz::TimeZone::get(time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
    let micros = jiff::civil::Date::new(day.year() as i16, day.month() as i8, day.day() as i8)
        .and_then(|d| d.to_zoned(tz))
        .map(|z| z.timestamp().as_microsecond())
        .unwrap_or(0);
    chrono::DateTime::from_timestamp_micros(micros).unwrap_or_default()
}
