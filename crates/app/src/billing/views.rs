//! Accounts, payments, ledger entries, plans, subscriptions, autopay rules and notices as
//! pages and the API read them.
//!
//! Each is built from its row and leaves out what no reader needs (password and token hashes).

use chrono::{DateTime, NaiveDate, Utc};
use kabinet_core::{billing, money};
use kabinet_store::entities::{account, autopay_rule, ledger_entry, notice, payment, plan, subscription};

view! {
    /// A personal account (лицевой счёт, BIL-1) of a customer or of a partner.
    Account from account::Model {
        id: i64,
        /// What people quote on the phone and in bank transfers.
        number: String,
        customer_id: Option<i64>,
        partner_id: Option<i64>,
        /// customer or partner.
        kind: billing::AccountKind,
        title: String,
        currency: money::Currency,
        /// Sum of the ledger entries, in minor units.
        balance: i64,
        /// How far below zero the balance may go (the debt cap), in minor units.
        credit_limit: i64,
        /// The balance below which the customer is warned; none when no warning is wanted.
        warning_threshold: Option<i64>,
        /// Whether the balance is below the threshold already (so the warning is not repeated).
        below_warning: bool,
        time_zone: String,
        manager_user_id: Option<i64>,
        /// How its closing documents reach the customer; the EDO operator and the customer's
        /// participant id there.
        document_delivery: kabinet_core::documents::DocumentDelivery,
        edo_operator: Option<String>,
        edo_participant_id: Option<String>,
        /// active or closed.
        status: billing::AccountStatus,
        created_at: DateTime<Utc>,
        updated_at: DateTime<Utc>,
    }

    /// Money a customer paid or is paying: a bank transfer registered by staff, or a payment
    /// through the gateway (pending until the gateway confirms it).
    Payment from payment::Model {
        id: i64,
        account_id: i64,
        customer_id: Option<i64>,
        /// bank_transfer, cash, gateway or autopay.
        method: billing::PaymentMethod,
        /// pending, succeeded or canceled.
        status: billing::PaymentStatus,
        amount: i64,
        /// How much of it went back to the customer.
        refunded: i64,
        currency: money::Currency,
        document_number: Option<String>,
        document_date: Option<NaiveDate>,
        gateway_payment_id: Option<String>,
        idempotence_key: String,
        confirmation_url: Option<String>,
        description: String,
        created_by: Option<i64>,
        created_at: DateTime<Utc>,
        paid_at: Option<DateTime<Utc>>,
        canceled_at: Option<DateTime<Utc>>,
    }

    /// One line of an account's append-only ledger. Never updated or deleted.
    LedgerEntry from ledger_entry::Model {
        id: i64,
        account_id: i64,
        customer_id: Option<i64>,
        /// charge, payment, refund, adjustment, cashback or reversal.
        kind: billing::EntryKind,
        /// Signed minor units: credits positive, debits negative.
        amount: i64,
        balance_after: i64,
        currency: money::Currency,
        /// When the money moved (a bank transfer's date, the period a charge is for).
        occurred_at: DateTime<Utc>,
        /// When the entry was written.
        recorded_at: DateTime<Utc>,
        description: String,
        /// Makes every money change happen at most once.
        idempotency_key: String,
        reverses_entry_id: Option<i64>,
        payment_id: Option<i64>,
        subscription_id: Option<i64>,
        period_start: Option<NaiveDate>,
        created_by: Option<i64>,
    }

    /// A priced offer in the catalogue (BIL-2).
    Plan from plan::Model {
        id: i64,
        name: String,
        /// The asset kind the plan is for (hotspot, radar, service_contract, line, …).
        asset_kind: String,
        /// Price per period in minor units.
        price: i64,
        /// month, year, two_years or three_years.
        period: billing::BillingPeriod,
        currency: money::Currency,
        /// active or archived (no new subscriptions).
        status: billing::PlanStatus,
        created_at: DateTime<Utc>,
    }

    /// A customer's plan on one account, charged by the billing run each period.
    Subscription from subscription::Model {
        id: i64,
        customer_id: i64,
        account_id: i64,
        plan_id: i64,
        /// What it is for, as the customer knows it (a point's name, an address).
        title: String,
        /// The first day of the first period; later periods start on the same day of the month.
        started_on: NaiveDate,
        /// The start of the first period not charged yet.
        next_charge_on: NaiveDate,
        /// active, paused or ended.
        status: billing::SubscriptionStatus,
        ended_on: Option<NaiveDate>,
        created_at: DateTime<Utc>,
        updated_at: DateTime<Utc>,
    }

    /// A customer's autopay on one account (BIL-5).
    AutopayRule from autopay_rule::Model {
        id: i64,
        account_id: i64,
        customer_id: i64,
        /// threshold ("top up X when the balance falls below Y") or billing_day ("pay what is due
        /// on the billing day").
        mode: kabinet_core::billing::AutopayMode,
        /// Y of the threshold mode, in minor units.
        threshold: Option<i64>,
        /// X of the threshold mode, in minor units.
        topup_amount: Option<i64>,
        /// The card the gateway saved; none until the first payment binds it.
        payment_method_id: Option<String>,
        /// awaiting_card, active or canceled.
        status: billing::AutopayStatus,
        failures: i32,
        last_error: Option<String>,
        /// The day autopay last paid or tried to (once a day at most).
        last_run_on: Option<NaiveDate>,
        created_by: Option<i64>,
        created_at: DateTime<Utc>,
        updated_at: DateTime<Utc>,
    }

    /// A message on a customer's dashboard (a low balance, …) until the customer dismisses it.
    Notice from notice::Model {
        id: i64,
        customer_id: i64,
        account_id: Option<i64>,
        /// Selects the message text (a translation key).
        kind: String,
        /// Values for the message, as a JSON object.
        params: String,
        created_at: DateTime<Utc>,
        dismissed_at: Option<DateTime<Utc>>,
    }
}

impl Account {
    /// Whether a pay slip with the unified payment QR code (a Russian banks' format) can be
    /// printed for this account.
    pub fn has_pay_slip(&self) -> bool {
        self.currency == kabinet_core::money::Currency::Rub
    }
}
