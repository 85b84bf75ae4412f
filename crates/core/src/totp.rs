//! Time-based one-time passwords (RFC 6238, the codes of authenticator apps) for the staff's
//! second factor (ACC-3), and the recovery codes that stand in when the phone is lost.
//!
//! Codes are six digits for 30-second steps from HMAC-SHA1, the parameters every authenticator
//! app understands. A code is accepted one step either side of now (clocks drift) and only
//! for a step later than the last one used, so a code seen over a shoulder cannot be replayed.

use hmac::{Hmac, Mac};
use sha1::Sha1;

/// Seconds per code.
pub const STEP_SECONDS: i64 = 30;
/// Digits per code.
pub const DIGITS: u32 = 6;
/// Bytes of a secret (160 bits, as RFC 4226 recommends).
pub const SECRET_BYTES: usize = 20;

const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// RFC 4648 base32 without padding: how authenticator apps take a secret typed by hand.
pub fn base32_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let mut buffer: u64 = 0;
    let mut bits = 0;
    for &b in bytes {
        buffer = (buffer << 8) | u64::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(BASE32[((buffer >> bits) & 31) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(BASE32[((buffer << (5 - bits)) & 31) as usize] as char);
    }
    out
}

/// The bytes of a base32 text; spaces, dashes and case are ignored (people copy secrets in
/// groups). `None` for any other character.
pub fn base32_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut buffer: u64 = 0;
    let mut bits = 0;
    for c in text.chars().filter(|c| !matches!(c, ' ' | '-' | '=')) {
        let value = BASE32.iter().position(|&b| b as char == c.to_ascii_uppercase())? as u64;
        buffer = (buffer << 5) | value;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push(((buffer >> bits) & 0xff) as u8);
        }
    }
    Some(out)
}

/// The step a moment falls in.
pub fn step_at(unix_seconds: i64) -> i64 {
    unix_seconds.div_euclid(STEP_SECONDS)
}

/// The HOTP value (RFC 4226) of `secret` for `counter`, with `digits` digits.
fn hotp(secret: &[u8], counter: u64, digits: u32) -> u32 {
    let mut mac = Hmac::<Sha1>::new_from_slice(secret).expect("HMAC takes a key of any length");
    mac.update(&counter.to_be_bytes());
    let hash = mac.finalize().into_bytes();
    let offset = (hash[hash.len() - 1] & 0x0f) as usize;
    let binary = u32::from_be_bytes([
        hash[offset] & 0x7f,
        hash[offset + 1],
        hash[offset + 2],
        hash[offset + 3],
    ]);
    binary % 10u32.pow(digits)
}

/// The six-digit code of `secret` at `step`, with its leading zeros.
pub fn code_at_step(secret: &[u8], step: i64) -> String {
    format!("{:0width$}", hotp(secret, step as u64, DIGITS), width = DIGITS as usize)
}

/// The step whose code `typed` is, if it is one of now's neighbours and later than
/// `last_used_step`. Spaces in the typed code are ignored ("123 456").
pub fn verify(secret: &[u8], typed: &str, unix_seconds: i64, last_used_step: Option<i64>) -> Option<i64> {
    let code: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != DIGITS as usize || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let now = step_at(unix_seconds);
    [now - 1, now, now + 1]
        .into_iter()
        .filter(|step| last_used_step.is_none_or(|last| *step > last))
        .find(|step| constant_time_eq(code_at_step(secret, *step).as_bytes(), code.as_bytes()))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The `otpauth://` address an authenticator app reads from the QR code.
pub fn otpauth_uri(issuer: &str, account: &str, secret: &[u8]) -> String {
    let label = format!("{}:{}", percent_encode(issuer), percent_encode(account));
    format!(
        "otpauth://totp/{label}?secret={}&issuer={}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}",
        base32_encode(secret),
        percent_encode(issuer)
    )
}

fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// How many recovery codes a person gets at a time.
pub const RECOVERY_CODES: usize = 10;

/// A recovery code as people type it: the letters and digits only, in lower case ("ab12-cd34"
/// and "AB12CD34" are the same code).
pub fn normalise_recovery_code(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// A recovery code written for reading: two groups of four ("ab12-cd34").
pub fn format_recovery_code(raw: &str) -> String {
    let n = normalise_recovery_code(raw);
    match n.len() {
        8 => format!("{}-{}", &n[..4], &n[4..]),
        _ => n,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const RFC_SECRET: &[u8] = b"12345678901234567890";

    #[test]
    fn rfc_6238_sha1_vectors() {
        // RFC 6238 appendix B gives eight digits; the six-digit codes are their last six.
        for (t, eight) in [
            (59, "94287082"),
            (1111111109, "07081804"),
            (1111111111, "14050471"),
            (1234567890, "89005924"),
            (2000000000, "69279037"),
        ] {
            assert_eq!(code_at_step(RFC_SECRET, step_at(t)), eight[2..], "t = {t}");
        }
    }

    #[test]
    fn base32_matches_rfc_4648() {
        assert_eq!(base32_encode(b"foobar"), "MZXW6YTBOI");
        assert_eq!(base32_encode(b"f"), "MY");
        assert_eq!(base32_decode("MZXW6YTBOI").unwrap(), b"foobar");
        assert_eq!(base32_decode("mzxw 6ytb-oi").unwrap(), b"foobar");
        assert!(base32_decode("MZXW1").is_none());
    }

    #[test]
    fn a_code_is_accepted_once_and_only_near_now() {
        let t = 1_700_000_000;
        let code = code_at_step(RFC_SECRET, step_at(t));
        let step = verify(RFC_SECRET, &code, t, None).unwrap();
        assert_eq!(step, step_at(t));
        assert_eq!(verify(RFC_SECRET, &code, t, Some(step)), None, "a replay is refused");
        assert_eq!(
            verify(RFC_SECRET, &code, t + 30, None),
            Some(step),
            "a step late is fine"
        );
        assert_eq!(verify(RFC_SECRET, &code, t + 90, None), None, "three steps late is not");
        let spaced = format!("{} {}", &code[..3], &code[3..]);
        assert!(verify(RFC_SECRET, &spaced, t, None).is_some());
        assert!(verify(RFC_SECRET, "12345", t, None).is_none());
        assert!(verify(RFC_SECRET, "12345a", t, None).is_none());
    }

    #[test]
    fn the_address_names_issuer_account_and_secret() {
        let uri = otpauth_uri("Kabinet", "o.belova", RFC_SECRET);
        assert!(
            uri.starts_with("otpauth://totp/Kabinet:o.belova?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Kabinet")
        );
        assert!(otpauth_uri("Моя компания", "a b", RFC_SECRET).contains("%D0%9C"));
    }

    #[test]
    fn recovery_codes_are_read_loosely() {
        assert_eq!(normalise_recovery_code(" AB12-cd34 "), "ab12cd34");
        assert_eq!(format_recovery_code("ab12cd34"), "ab12-cd34");
    }

    proptest! {
        #[test]
        fn base32_round_trips(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            prop_assert_eq!(base32_decode(&base32_encode(&bytes)).unwrap(), bytes);
        }

        #[test]
        fn a_fresh_code_always_verifies(secret in proptest::collection::vec(any::<u8>(), 20), t in 0i64..4_000_000_000) {
            let code = code_at_step(&secret, step_at(t));
            prop_assert_eq!(code.len(), 6);
            prop_assert_eq!(verify(&secret, &code, t, None), Some(step_at(t)));
        }
    }
}
