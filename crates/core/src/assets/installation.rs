//! The installation confirmation of a device (AST-3): what the buyer signs and how a signed
//! record proves it was not changed afterwards.
//!
//! Signing fixes the record's content — the device, the checklist, the installation day, the
//! buyer, the signer's phone, the time and the address it was signed from — as one canonical
//! text, whose SHA-256 is stored beside it and printed on the certificate (and in its QR code).
//! A record is intact when its stored text still hashes to the stored hash and that hash is
//! the one presented.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// Everything a signature covers. Field order is the canonical order: the serialised text of
/// this struct is what is hashed, so fields are only ever added at the end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignedContent {
    /// The confirmation's own id, so two records never hash alike.
    pub confirmation_id: i64,
    pub identifier_kind: String,
    pub identifier: String,
    pub device_type: String,
    pub brand: String,
    pub model: String,
    /// The checklist as the technician opened it, every item confirmed done.
    pub items: Vec<String>,
    pub installed_on: NaiveDate,
    pub buyer_name: String,
    pub buyer_national_id: Option<String>,
    /// The phone the one-time code went to.
    pub signer_phone: String,
    /// To the second, in UTC, written as RFC 3339.
    pub signed_at: String,
    pub signer_ip: String,
}

impl SignedContent {
    /// `signed_at` written the one way it is hashed.
    pub fn time(at: DateTime<Utc>) -> String {
        at.to_rfc3339_opts(SecondsFormat::Secs, true)
    }

    /// The canonical text: compact JSON of the fields in their order (no floats, no maps, so
    /// one content has one text).
    pub fn canonical(&self) -> String {
        // Strings, integers, a date and a list of strings always serialise.
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// The SHA-256 of a canonical text, in lower-case hex.
pub fn hash_of(canonical: &str) -> String {
    hex::encode(Sha256::digest(canonical.as_bytes()))
}

/// Whether a stored record is intact and is the one a certificate names: its text hashes to its
/// stored hash, and that hash is the presented one (in either case of hex digits). Compared in
/// constant time, though the hashes are public, so that the check leaks nothing either way.
pub fn is_intact(stored_text: &str, stored_hash: &str, presented: &str) -> bool {
    let recomputed = hash_of(stored_text);
    let presented = presented.trim().to_ascii_lowercase();
    same(&recomputed, stored_hash) & same(stored_hash, &presented)
}

fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn content() -> SignedContent {
        SignedContent {
            confirmation_id: 7,
            identifier_kind: "serial".into(),
            identifier: "SF400-17724".into(),
            device_type: "Water purifier".into(),
            brand: "Sarma".into(),
            model: "SF-400".into(),
            items: vec!["Installed".into(), "Training given".into()],
            installed_on: NaiveDate::from_ymd_opt(2026, 12, 2).unwrap(),
            buyer_name: "«Кафе» / کافه".into(),
            buyer_national_id: Some("1234567891".into()),
            signer_phone: "+989120000000".into(),
            signed_at: SignedContent::time(DateTime::from_timestamp(1_796_000_000, 999_000_000).unwrap()),
            signer_ip: "203.0.113.7".into(),
        }
    }

    #[test]
    fn the_canonical_text_is_fixed() {
        let c = content();
        assert!(
            c.canonical()
                .starts_with(r#"{"confirmation_id":7,"identifier_kind":"serial","#)
        );
        assert!(c.canonical().contains(r#""signed_at":"2026-11-30T"#) && c.signed_at.ends_with('Z'));
        assert_eq!(hash_of(&c.canonical()).len(), 64);
        assert_eq!(hash_of(&c.canonical()), hash_of(&content().canonical()));
    }

    #[test]
    fn a_record_is_intact_only_as_signed() {
        let text = content().canonical();
        let hash = hash_of(&text);
        assert!(is_intact(&text, &hash, &hash));
        assert!(is_intact(&text, &hash, &hash.to_uppercase()), "hex in either case");
        let forged = format!("{}0", &hash[..63]);
        assert!(!is_intact(&text, &hash, &forged), "a forged hash");
        assert!(!is_intact(&text, &hash, ""), "no hash");
        let changed = text.replace("SF-400", "SF-401");
        assert!(!is_intact(&changed, &hash, &hash), "content changed after signing");
        let rehashed = hash_of(&changed);
        assert!(
            !is_intact(&changed, &rehashed, &hash),
            "content and stored hash changed together: the certificate's hash no longer matches"
        );
    }

    proptest! {
        #[test]
        fn any_change_of_content_changes_the_hash(item in ".{0,40}", other in ".{0,40}") {
            prop_assume!(item != other);
            let mut a = content();
            a.items = vec![item];
            let mut b = content();
            b.items = vec![other];
            prop_assert_ne!(hash_of(&a.canonical()), hash_of(&b.canonical()));
        }
    }
}
