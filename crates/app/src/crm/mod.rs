//! Customers' legal side (CRM): the counterparties register and the company registry it is
//! filled from.

pub mod comments;
pub mod counterparties;
pub mod opening;
pub mod registry;
pub mod views;
