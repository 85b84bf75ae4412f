//! Money (BIL-1 … BIL-5): personal accounts with balances from an append-only ledger, the plan
//! catalogue and subscriptions charged by the billing run, payments, the debt cap and the
//! low-balance warning.
//!
//! Every money change goes through [`ledger::post`] inside the caller's transaction, with an
//! idempotency key, so that it happens at most once and lands in the audit log with its cause.

pub mod accounts;
pub mod autopay;
pub mod cards;
pub mod cashback;
pub mod gateway;
pub mod ledger;
pub mod payments;
pub mod plans;
pub mod run;
pub mod subscriptions;
pub mod topup;
pub mod views;
pub mod warning;

use kabinet_core::money::{DisplayUnit, parse_amount};

use crate::{AppResult, FieldErrors};

/// Parses an amount typed into `field` in the unit the reader uses for `currency`.
pub fn typed_amount(field: &str, input: &str, unit: DisplayUnit) -> AppResult<i64> {
    parse_amount(input, unit).map_err(|e| FieldErrors::single(field, e.code()))
}

pub use crate::time::local_midnight;
