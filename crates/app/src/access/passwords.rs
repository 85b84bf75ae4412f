//! Password hashing with argon2id (m = 19 MiB, t = 2, p = 1, the OWASP minimum), run on the
//! blocking pool because one hash takes tens of milliseconds of CPU.

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use rand::Rng;
use std::sync::LazyLock;

use crate::{AppError, AppResult, FieldErrors};

fn hasher() -> Argon2<'static> {
    Argon2::new(
        Algorithm::Argon2id,
        Version::V0x13,
        Params::new(19 * 1024, 2, 1, None).expect("valid argon2 params"),
    )
}

pub async fn hash(password: &str) -> AppResult<String> {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || {
        hasher()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| AppError::Internal(anyhow::anyhow!("argon2: {e}")))
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))?
}

/// `len` random letters and digits.
pub fn random_alphanumeric(len: usize) -> String {
    rand::rng()
        .sample_iter(rand::distr::Alphanumeric)
        .take(len)
        .map(char::from)
        .collect()
}

/// A hash of a random password, verified against when a login does not exist so that the
/// answer takes as long as for a real account.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    let random = random_alphanumeric(24);
    hasher()
        .hash_password(random.as_bytes())
        .expect("argon2 hash")
        .to_string()
});

/// Whether `password` matches `stored`; with `None` it spends the same time and says no.
pub async fn verify(stored: Option<String>, password: &str) -> bool {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || {
        let stored = stored.unwrap_or_else(|| DUMMY_HASH.clone());
        match PasswordHash::new(&stored) {
            Ok(parsed) => hasher().verify_password(password.as_bytes(), &parsed).is_ok(),
            Err(_) => false,
        }
    })
    .await
    .unwrap_or(false)
}

/// Checks a new password against the policy; `field` names the form field for the message.
pub fn check_policy(password: &str, context: &[&str], field: &str) -> AppResult<()> {
    kabinet_core::password_policy::check(password, context)
        .map_err(|p| FieldErrors::single(field, &format!("password-{}", p.code().replace('_', "-"))))
}

/// A password for staff to hand over: 14 characters from an alphabet without look-alikes.
pub fn generate() -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    loop {
        let candidate: String = (0..14)
            .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
            .collect();
        if kabinet_core::password_policy::check(&candidate, &[]).is_ok() {
            return candidate;
        }
    }
}

/// Random URL-safe secret of `bytes` bytes (session cookies, API tokens).
pub fn random_secret(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill(&mut buf[..]);
    hex::encode(buf)
}

/// SHA-256 in hex: how session cookies, tokens and one-time codes are stored.
pub fn sha256_hex(s: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(s.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hash_then_verify() {
        let h = hash("correct horse battery").await.unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify(Some(h.clone()), "correct horse battery").await);
        assert!(!verify(Some(h), "correct horse batterY").await);
        assert!(!verify(None, "anything").await);
        assert!(!verify(Some("not a hash".into()), "anything").await);
    }

    #[test]
    fn generated_passwords_pass_the_policy_and_differ() {
        let a = generate();
        let b = generate();
        assert_ne!(a, b);
        assert_eq!(a.len(), 14);
        assert!(kabinet_core::password_policy::check(&a, &[]).is_ok());
    }
}
