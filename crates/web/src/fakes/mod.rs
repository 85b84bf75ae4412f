//! Stand-ins for outside services that speak their real protocols, for the demo and the tests
//! (never used in production configuration).

pub mod yookassa;
