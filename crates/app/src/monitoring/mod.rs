//! Guarded property (AST-7, source document 004): protected objects of a customer, the
//! monitoring consoles that report their events, and the event log the customer and staff
//! read. An object is an asset of kind `security_object`, so its status and history follow the
//! asset lifecycle (AST-2).

pub mod consoles;
pub(crate) mod demo;
pub mod events;
pub mod objects;
pub mod views;
