//! What the provider tells every customer (CNT-5): its contacts, from the configuration, and
//! the rules of service, a versioned document published from the back office.

pub mod contacts;
pub mod rules;
