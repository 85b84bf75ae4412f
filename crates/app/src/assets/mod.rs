//! What customers have (AST): hotspot and radar licences with their points, billing, modules,
//! links and deletion (AST-1); routers (AST-2); the guests hotspots report and the
//! personal-data verification that gates their export (CRM-5, PRV-2).

pub mod assignments;
pub mod device_import;
pub mod device_types;
pub mod devices;
pub mod guests;
pub mod installation;
pub mod licences;
pub mod lifecycle;
pub mod renewal;
pub mod router;
pub mod transfers;
pub mod verification;
pub mod views;

use crate::access::passwords::{random_secret, sha256_hex};

/// A licence key: a public id and a secret. Only the secret's SHA-256 is stored; routers
/// send `key_id.secret`.
pub struct LicenceKey {
    pub key_id: String,
    pub secret: String,
}

impl LicenceKey {
    pub fn generate() -> LicenceKey {
        LicenceKey {
            key_id: random_secret(4),
            secret: random_secret(16),
        }
    }

    pub fn hash(&self) -> String {
        sha256_hex(&self.secret)
    }

    /// How routers present it.
    pub fn full(&self) -> String {
        format!("{}.{}", self.key_id, self.secret)
    }
}
