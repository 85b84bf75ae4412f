//! The forms of the account and plan pages, each a struct of the fields it sends, checked into
//! the use case's input in one step that reports every field's problem at once. The page shows
//! a refused form again from what was typed, so nothing typed is lost.

use chrono::NaiveDate;
use kabinet_app::billing::accounts::{Limits, NewAccount};
use kabinet_app::billing::ledger::ManualEntry;
use kabinet_app::billing::payments::ManualPayment;
use kabinet_app::billing::plans::NewPlan;
use kabinet_app::billing::subscriptions::NewSubscription;
use kabinet_app::{AppError, FieldErrors};
use kabinet_core::billing::EntryKind;
use kabinet_core::money::{Currency, DisplayUnit};
use serde::Deserialize;

use crate::form::{all_or_nothing, chosen_id};

/// "Register a payment" (a bank transfer or cash) on an account page.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PaymentForm {
    amount: String,
    method: String,
    document_number: String,
    document_date: String,
    description: String,
    idempotency_key: String,
}

impl PaymentForm {
    pub fn checked(self, account_id: i64, unit: DisplayUnit) -> Result<ManualPayment, AppError> {
        let mut errors = FieldErrors::new();
        let amount = errors.amount("amount", &self.amount, unit);
        let document_date = errors.date("document_date", &self.document_date);
        let payment = amount.zip(document_date).map(|(amount, document_date)| ManualPayment {
            account_id,
            amount,
            method: self.method,
            document_number: self.document_number,
            document_date,
            description: self.description,
            idempotency_key: self.idempotency_key,
        });
        all_or_nothing(errors, payment)
    }
}

/// "Post an entry" (an adjustment, a cashback, a one-off charge) on an account page.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct EntryForm {
    kind: String,
    amount: String,
    /// `credit` adds to the balance; anything else takes from it.
    direction: String,
    description: String,
    idempotency_key: String,
}

impl EntryForm {
    pub fn checked(self, account_id: i64, unit: DisplayUnit) -> Result<ManualEntry, AppError> {
        let mut errors = FieldErrors::new();
        let amount = errors.amount("amount", &self.amount, unit);
        let kind = errors.choice::<EntryKind>("kind", &self.kind);
        let entry = amount.zip(kind).map(|(amount, kind)| ManualEntry {
            account_id,
            kind,
            amount,
            credit: self.direction == "credit",
            description: self.description,
            idempotency_key: self.idempotency_key,
        });
        all_or_nothing(errors, entry)
    }
}

/// The credit limit and the low-balance warning of an account.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LimitsForm {
    credit_limit: String,
    /// A balance level: "-500" warns when the balance falls below −500; blank: no warning.
    warning_threshold: String,
    /// A staff member's id; blank: no personal manager.
    manager_user_id: String,
}

impl LimitsForm {
    pub fn checked(self, unit: DisplayUnit) -> Result<Limits, AppError> {
        let mut errors = FieldErrors::new();
        let credit_limit = match self.credit_limit.trim() {
            "" | "0" => Some(0),
            typed => errors.amount("credit_limit", typed, unit),
        };
        let warning_threshold = match self.warning_threshold.trim() {
            "" => Some(None),
            "0" => Some(Some(0)),
            typed => {
                let (negative, digits) = match typed.strip_prefix(['-', '\u{2212}']) {
                    Some(rest) => (true, rest),
                    None => (false, typed),
                };
                errors
                    .amount("warning_threshold", digits, unit)
                    .map(|n| Some(if negative { -n } else { n }))
            }
        };
        let manager_user_id = chosen_id(&mut errors, "manager_user_id", &self.manager_user_id);
        let limits = credit_limit
            .zip(warning_threshold)
            .map(|(credit_limit, warning_threshold)| Limits {
                credit_limit,
                warning_threshold,
                manager_user_id,
            });
        all_or_nothing(errors, limits)
    }
}

/// "Subscribe to a plan" on an account page.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SubscriptionForm {
    plan_id: String,
    title: String,
    started_on: String,
}

impl SubscriptionForm {
    pub fn checked(self, account_id: i64) -> Result<NewSubscription, AppError> {
        let mut errors = FieldErrors::new();
        let plan_id = errors.choice::<i64>("plan_id", &self.plan_id);
        let started_on: Option<NaiveDate> = errors.date("started_on", &self.started_on);
        let new = plan_id.zip(started_on).map(|(plan_id, started_on)| NewSubscription {
            account_id,
            plan_id,
            title: self.title,
            started_on,
        });
        all_or_nothing(errors, new)
    }
}

/// "Open an account" on a customer's card.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NewAccountForm {
    title: String,
    currency: String,
}

impl NewAccountForm {
    pub fn checked(self, customer_id: i64) -> Result<NewAccount, AppError> {
        let mut errors = FieldErrors::new();
        let currency = errors.choice::<Currency>("currency", &self.currency);
        let new = currency.map(|currency| NewAccount {
            customer_id: Some(customer_id),
            partner_id: None,
            title: self.title,
            currency,
            credit_limit: 0,
            warning_threshold: None,
            manager_user_id: None,
        });
        all_or_nothing(errors, new)
    }
}

/// "Add a plan" on the plans page; the price is typed in the unit of the chosen currency.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PlanForm {
    name: String,
    asset_kind: String,
    price: String,
    period: String,
    currency: String,
}

impl PlanForm {
    pub fn checked(self, unit_of: impl Fn(Currency) -> DisplayUnit) -> Result<NewPlan, AppError> {
        let mut errors = FieldErrors::new();
        let currency = errors.choice::<Currency>("currency", &self.currency);
        // Without a currency the price has no unit to be read in: that is the one problem.
        let price = currency.and_then(|c| errors.amount("price", &self.price, unit_of(c)));
        let plan = currency.zip(price).map(|(currency, price)| NewPlan {
            name: self.name,
            asset_kind: self.asset_kind,
            price,
            period: self.period,
            currency,
        });
        all_or_nothing(errors, plan)
    }
}

/// "Refund" on a payment of an account page.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RefundForm {
    amount: String,
    reason: String,
    idempotency_key: String,
}

/// A checked refund: the amount in minor units, the reason and the form's key.
pub struct Refund {
    pub amount: i64,
    pub reason: String,
    pub idempotency_key: String,
}

impl RefundForm {
    pub fn checked(self, unit: DisplayUnit) -> Result<Refund, AppError> {
        let mut errors = FieldErrors::new();
        let amount = errors.amount("amount", &self.amount, unit);
        let refund = amount.map(|amount| Refund {
            amount,
            reason: self.reason,
            idempotency_key: self.idempotency_key,
        });
        all_or_nothing(errors, refund)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(e: AppError) -> Vec<(String, String)> {
        match e {
            AppError::Validation(errors) => errors.0,
            other => panic!("expected field errors, got {other:?}"),
        }
    }

    #[test]
    fn a_payment_form_reports_the_amount_and_the_date_together() {
        let form = PaymentForm {
            amount: "1,2,3".into(),
            document_date: "02.13.2026".into(),
            ..Default::default()
        };
        let errors = codes(form.checked(1, DisplayUnit::Rouble).unwrap_err());
        let fields: Vec<&str> = errors.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(fields, ["amount", "document_date"]);
    }

    #[test]
    fn a_field_sent_twice_is_a_bad_request_not_a_guess() {
        let twice = crate::extract::FormData(vec![
            ("amount".into(), "100".into()),
            ("amount".into(), "100000".into()),
        ]);
        assert!(matches!(
            twice.typed::<PaymentForm>(),
            Err(crate::error::WebError::BadRequest(kabinet_core::ErrorCode::BadRequest))
        ));
        let once = crate::extract::FormData(vec![("amount".into(), "1 500,50".into())]);
        let form: PaymentForm = once.typed().unwrap();
        assert_eq!(form.amount, "1 500,50");
    }

    #[test]
    fn a_negative_warning_threshold_is_a_balance_level() {
        let form = LimitsForm {
            credit_limit: "1 000".into(),
            warning_threshold: "−500,50".into(),
            manager_user_id: "7".into(),
        };
        let limits = form.checked(DisplayUnit::Rouble).unwrap();
        assert_eq!(
            (limits.credit_limit, limits.warning_threshold, limits.manager_user_id),
            (100_000, Some(-50_050), Some(7))
        );
    }

    #[test]
    fn a_plan_without_a_currency_names_only_the_currency() {
        let form = PlanForm {
            price: "abc".into(),
            currency: "XYZ".into(),
            ..Default::default()
        };
        let errors = codes(form.checked(|_| DisplayUnit::Rouble).unwrap_err());
        assert_eq!(errors, [("currency".to_owned(), "invalid-choice".to_owned())]);
    }
}
