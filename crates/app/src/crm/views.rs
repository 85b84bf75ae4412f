//! Customers, counterparties, comments and partners as pages and the API read them.
//!
//! Each is built from its row and leaves out what no reader needs (password and token hashes).

use chrono::{DateTime, NaiveDate, Utc};
use kabinet_core::crm;
use kabinet_store::entities::{counterparty, customer, customer_comment, partner};

view! {
    Customer from customer::Model {
        id: i64,
        /// individual, sole_proprietor or legal_entity.
        kind: crm::PartyKind,
        name: String,
        contract_number: String,
        contract_date: Option<NaiveDate>,
        phone: Option<String>,
        email: Option<String>,
        city: Option<String>,
        address: Option<String>,
        partner_id: Option<i64>,
        /// A: large image clients and chains, B: clients with growth potential, C: single venues.
        support_group: Option<String>,
        language: String,
        time_zone: String,
        /// The country the customer is served in (`RU`, `IR`): it chooses the invoices' tax.
        country: kabinet_core::tax::Country,
        status: crm::CustomerStatus,
        created_at: DateTime<Utc>,
        updated_at: DateTime<Utc>,
        /// When the customer was offered autopay (shown once, after the first sign-in).
        autopay_offered_at: Option<DateTime<Utc>>,
        /// The legal entity or sole proprietor the contract is with.
        counterparty_id: Option<i64>,
        contact_person: Option<String>,
        /// The Iranian national id of a person, where used.
        national_id: Option<String>,
        /// What the customer does, from the configured list.
        activity: Option<String>,
        /// How much more the customer could buy, from the configured list.
        growth_potential: Option<String>,
        /// A chain of venues rather than a single one.
        chain: bool,
        /// The support plan (SUP-3); None: the default plan of the configuration.
        sla_plan_id: Option<i64>,
        /// Support is paid per ticket rather than included in a service (SUP-4).
        pay_per_case: bool,
    }

    /// A legal entity, sole proprietor or person a customer contracts through (CRM-2); one can
    /// serve many customers.
    Counterparty from counterparty::Model {
        id: i64,
        /// legal_entity, sole_proprietor or individual.
        kind: crm::PartyKind,
        inn: String,
        /// Empty when the kind has none.
        kpp: String,
        /// ОГРН of an organisation or ОГРНИП of a sole proprietor.
        ogrn: Option<String>,
        full_name: String,
        short_name: String,
        legal_address: Option<String>,
        bank_name: Option<String>,
        bik: Option<String>,
        bank_account: Option<String>,
        correspondent_account: Option<String>,
        /// Comma-separated addresses for official mail.
        emails: String,
        partner_id: Option<i64>,
        created_at: DateTime<Utc>,
        updated_at: DateTime<Utc>,
    }

    /// A note staff left on a customer (CRM-4).
    Comment from customer_comment::Model {
        id: i64,
        customer_id: i64,
        author_user_id: Option<i64>,
        author_name: String,
        /// ordinary or important.
        kind: crm::CommentKind,
        text: String,
        created_at: DateTime<Utc>,
    }

    Partner from partner::Model {
        id: i64,
        name: String,
        status: String,
        created_at: DateTime<Utc>,
    }
}
