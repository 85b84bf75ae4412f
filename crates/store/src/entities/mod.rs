//! SeaORM entities, one per table.

pub mod account;
pub mod api_token;
pub mod asset;
pub mod audit_pending;
pub mod audit_record;
pub mod autopay_rule;
pub mod counterparty;
pub mod customer;
pub mod customer_comment;
pub mod document;
pub mod document_order;
pub mod export_job;
pub mod guest;
pub mod ledger_entry;
pub mod login_attempt;
pub mod notice;
pub mod one_time_code;
pub mod outbox_message;
pub mod partner;
pub mod payment;
pub mod plan;
pub mod session;
pub mod site;
pub mod subscription;
pub mod user;
