//! SeaORM entities, one per table.

pub mod api_token;
pub mod audit_record;
pub mod customer;
pub mod login_attempt;
pub mod one_time_code;
pub mod outbox_message;
pub mod partner;
pub mod session;
pub mod user;
