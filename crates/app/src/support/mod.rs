//! The support desk (SUP): business calendars and SLA plans as data, tickets with their
//! service-level clocks, the conversation between customer and staff, and what the outside
//! hears of it.

pub mod calendars;
pub mod clocks;
pub mod conversation;
pub mod events;
pub mod plans;
pub mod tickets;
pub mod views;
