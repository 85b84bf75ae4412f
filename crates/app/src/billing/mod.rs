//! Money (BIL-1 … BIL-5): personal accounts with balances from an append-only ledger, the plan
//! catalogue and subscriptions charged by the billing run, payments, the debt cap and the
//! low-balance warning.
//!
//! Every money change goes through [`ledger::post`] inside the caller's transaction, with an
//! idempotency key, so that it happens at most once and lands in the audit log with its cause.

pub mod accounts;
pub mod ledger;
pub mod payments;
pub mod plans;
pub mod run;
pub mod subscriptions;

use kabinet_core::money::{Currency, DisplayUnit, parse_amount};

use crate::{AppError, AppResult, FieldErrors};

/// Parses an amount typed into `field` in the unit the reader uses for `currency`.
pub fn typed_amount(field: &str, input: &str, unit: DisplayUnit) -> AppResult<i64> {
    parse_amount(input, unit).map_err(|e| FieldErrors::single(field, e.code()))
}

/// The stored currency of a row; a value we did not write is an internal error.
pub(crate) fn currency_of(code: &str) -> AppResult<Currency> {
    code.parse::<Currency>()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("stored currency: {e}")))
}
