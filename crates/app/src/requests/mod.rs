//! Customer service requests (ORD-2, BIL-7): filed from the cabinet or the API, carried out
//! by staff in the queue "Customer service requests", and what a done request switches on —
//! SMS alerts of a protected object's events, sent through the outbox.

pub mod alerts;
pub mod blanks;
pub mod filing;
pub mod handling;
pub mod payment_templates;
pub mod views;

pub use filing::{NewRequest, file};
pub use handling::{QueueFilter, queue};
pub use views::ServiceRequest;
