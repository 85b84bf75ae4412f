//! The cabinet's payment forms (a top-up, the automatic-payment rule), each a struct of the
//! fields it sends. Amounts are read in the chosen account's unit, so the account is read
//! first; then every amount's problem is reported in one round.

use kabinet_app::billing::autopay::NewRule;
use kabinet_app::{AppError, FieldErrors};
use kabinet_core::billing::AutopayMode;
use kabinet_core::money::DisplayUnit;
use serde::Deserialize;

use crate::form::all_or_nothing;

/// The account a payment form is for: the first field read, since its currency decides how
/// the amounts are read.
pub fn account_of(typed: &str) -> Result<i64, AppError> {
    typed
        .trim()
        .parse()
        .map_err(|_| FieldErrors::single("account", "invalid-choice"))
}

/// "Top up": an amount for an account, paid at the bank, or at once with the saved card
/// (`pay_with=saved_card`, the page's one-time `request_key` keeping a double tap to one charge).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TopupForm {
    pub account: String,
    amount: String,
    pub pay_with: String,
    pub request_key: String,
}

impl TopupForm {
    pub fn amount(&self, unit: DisplayUnit) -> Result<i64, AppError> {
        let mut errors = FieldErrors::new();
        let amount = errors.amount("amount", &self.amount, unit);
        all_or_nothing(errors, amount)
    }
}

/// The automatic-payment rule: top up by a fixed amount whenever the balance falls below a
/// threshold (`mode=threshold`), or pay each invoice; either way a first payment saves the card.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AutopayForm {
    pub account: String,
    mode: String,
    threshold: String,
    topup_amount: String,
    first_payment: String,
}

impl AutopayForm {
    pub fn checked(self, account_id: i64, unit: DisplayUnit) -> Result<NewRule, AppError> {
        let mut errors = FieldErrors::new();
        let mode = self.mode.parse::<AutopayMode>();
        if mode.is_err() {
            errors.add("mode", "invalid-choice");
        }
        let (threshold, topup_amount) = if mode == Ok(AutopayMode::Threshold) {
            let threshold = match self.threshold.trim() {
                "0" => Some(0),
                typed => errors.amount("threshold", typed, unit),
            };
            (threshold, errors.amount("topup_amount", &self.topup_amount, unit))
        } else {
            (None, None)
        };
        let first_payment = errors.amount("first_payment", &self.first_payment, unit);
        let rule = first_payment.zip(mode.ok()).map(|(first_payment, mode)| NewRule {
            account_id,
            mode,
            threshold,
            topup_amount,
            first_payment,
        });
        all_or_nothing(errors, rule)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_amount_of_the_rule_is_reported_at_once() {
        let form = AutopayForm {
            account: "1".into(),
            mode: "threshold".into(),
            threshold: "lots".into(),
            topup_amount: "1,2,3".into(),
            first_payment: "".into(),
        };
        let Err(AppError::Validation(errors)) = form.checked(1, DisplayUnit::Rouble) else {
            panic!("expected field errors");
        };
        let fields: Vec<&str> = errors.0.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(fields, ["threshold", "topup_amount", "first_payment"]);
    }

    #[test]
    fn a_mode_not_offered_is_the_modes_problem() {
        let form = AutopayForm {
            mode: "invoice".into(),
            first_payment: "100".into(),
            ..Default::default()
        };
        let Err(AppError::Validation(errors)) = form.checked(1, DisplayUnit::Rouble) else {
            panic!("expected field errors");
        };
        assert_eq!(errors.0, [("mode".to_owned(), "invalid-choice".to_owned())]);
    }

    #[test]
    fn a_rule_by_billing_day_needs_no_threshold() {
        let form = AutopayForm {
            mode: "billing_day".into(),
            threshold: "ignored".into(),
            first_payment: "1 500,50".into(),
            ..Default::default()
        };
        let rule = form.checked(4, DisplayUnit::Rouble).unwrap();
        assert_eq!(
            (rule.threshold, rule.topup_amount, rule.first_payment),
            (None, None, 150_050)
        );
    }

    #[test]
    fn an_account_that_is_not_an_id_is_the_accounts_problem() {
        assert!(matches!(account_of("first"), Err(AppError::Validation(_))));
        assert_eq!(account_of(" 12 ").unwrap(), 12);
    }
}
