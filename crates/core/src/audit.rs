//! The audit hash chain (PRV-1): each record's hash covers its own fields and the previous
//! record's hash, so an edited, inserted or removed record breaks the chain from there on.
//!
//! The hash is an HMAC under a key kept outside the database (ADR 13): someone who can write
//! to the database but does not hold the key cannot re-hash the records after one they
//! changed. Records sealed before keys existed keep their plain SHA-256 and can only come
//! first in the chain; the first keyed record seals them in.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

/// The hash of the record before the first one.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The fields of one audit record that its hash covers.
#[derive(Debug, Clone, Copy)]
pub struct ChainFields<'a> {
    pub seq: i64,
    pub at_micros: i64,
    pub actor_user_id: Option<i64>,
    pub actor: &'a str,
    pub ip: Option<&'a str>,
    pub action: &'a str,
    pub object_type: &'a str,
    pub object_id: Option<&'a str>,
    pub changes: &'a str,
    pub prev_hash: &'a str,
    /// The staff member behind a customer's login, when the change was made in a cabinet
    /// entered from the back office.
    pub acting_user_id: Option<i64>,
}

/// A key the chain is sealed with. Its id is derived from the secret, so a record names the
/// key that sealed it without telling anything about it.
#[derive(Clone)]
pub struct ChainKey {
    id: String,
    secret: [u8; 32],
}

impl std::fmt::Debug for ChainKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ChainKey({})", self.id)
    }
}

impl ChainKey {
    pub fn new(secret: [u8; 32]) -> ChainKey {
        let mut h = Sha256::new();
        h.update(b"kabinet audit key id\0");
        h.update(secret);
        let id = hex::encode(&h.finalize()[..8]);
        ChainKey { id, secret }
    }

    pub fn id(&self) -> &str {
        &self.id
    }
}

/// The length-prefixed byte stream of the fields a hash covers, so that no two different
/// records give the same stream (moving text from one field into the next changes it).
fn feed(f: &ChainFields<'_>, update: &mut dyn FnMut(&[u8]), keyed: bool) {
    let mut field = |bytes: &[u8]| {
        update(&(bytes.len() as u64).to_be_bytes());
        update(bytes);
    };
    field(&f.seq.to_be_bytes());
    field(&f.at_micros.to_be_bytes());
    field(f.actor_user_id.map(|id| id.to_string()).unwrap_or_default().as_bytes());
    field(f.actor.as_bytes());
    field(f.ip.unwrap_or("").as_bytes());
    field(f.action.as_bytes());
    field(f.object_type.as_bytes());
    field(f.object_id.unwrap_or("").as_bytes());
    field(f.changes.as_bytes());
    field(f.prev_hash.as_bytes());
    if keyed {
        field(f.acting_user_id.map(|id| id.to_string()).unwrap_or_default().as_bytes());
    }
}

/// HMAC-SHA256 under `key` over the record's fields (the key's id is stored beside it).
pub fn keyed_chain_hash(f: &ChainFields<'_>, key: &ChainKey) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&key.secret).expect("HMAC takes a key of any length");
    feed(f, &mut |b| mac.update(b), true);
    hex::encode(mac.finalize().into_bytes())
}

/// The plain SHA-256 of records sealed before the chain had a key (no acting staff member).
pub fn chain_hash(f: &ChainFields<'_>) -> String {
    let mut h = Sha256::new();
    feed(f, &mut |b| h.update(b), false);
    hex::encode(h.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sample<'a>(actor: &'a str, action: &'a str) -> ChainFields<'a> {
        ChainFields {
            seq: 1,
            at_micros: 1_700_000_000_000_000,
            actor_user_id: Some(7),
            actor,
            ip: Some("127.0.0.1"),
            action,
            object_type: "user",
            object_id: Some("7"),
            changes: "{}",
            prev_hash: GENESIS_HASH,
            acting_user_id: None,
        }
    }

    #[test]
    fn a_keyed_hash_needs_the_key() {
        let a = ChainKey::new([1; 32]);
        let b = ChainKey::new([2; 32]);
        let f = sample("admin", "user.create");
        assert_ne!(keyed_chain_hash(&f, &a), keyed_chain_hash(&f, &b));
        assert_ne!(keyed_chain_hash(&f, &a), chain_hash(&f));
        assert_eq!(keyed_chain_hash(&f, &a), keyed_chain_hash(&f, &ChainKey::new([1; 32])));
        assert_ne!(a.id(), b.id());
        let mut acting = f;
        acting.acting_user_id = Some(3);
        assert_ne!(keyed_chain_hash(&f, &a), keyed_chain_hash(&acting, &a));
    }

    #[test]
    fn hash_is_stable_and_hex() {
        let a = chain_hash(&sample("admin", "user.create"));
        assert_eq!(a, chain_hash(&sample("admin", "user.create")));
        assert_eq!(a.len(), 64);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
    }

    #[test]
    fn moving_text_between_fields_changes_the_hash() {
        assert_ne!(
            chain_hash(&sample("adminu", "ser.create")),
            chain_hash(&sample("admin", "user.create"))
        );
    }

    proptest! {
        #[test]
        fn any_change_of_a_field_changes_the_hash(seq in 0i64..1000, other in 1000i64..2000, text in ".{0,20}") {
            let mut a = sample("a", "x");
            a.seq = seq;
            a.changes = &text;
            let mut b = a;
            b.seq = other;
            prop_assert_ne!(chain_hash(&a), chain_hash(&b));
            let mut c = a;
            c.prev_hash = "1";
            prop_assert_ne!(chain_hash(&a), chain_hash(&c));
            let key = ChainKey::new([7; 32]);
            prop_assert_ne!(keyed_chain_hash(&a, &key), keyed_chain_hash(&b, &key));
            prop_assert_ne!(keyed_chain_hash(&a, &key), keyed_chain_hash(&c, &key));
        }
    }
}
