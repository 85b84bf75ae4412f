//! Secrets the product must use later and so cannot hash — a router's API password — kept
//! encrypted at rest with AES-256-GCM. The key comes from configuration (`secret_key`, 64 hex
//! digits) or, when none is set, from `{data_dir}/secret.key`, created once with a random key
//! and readable by the owner only. Losing the key loses what it sealed, nothing else.

use ring::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use ring::rand::{SecureRandom, SystemRandom};
use std::path::Path;

/// Sealed values start with the scheme's version, so that a later key or cipher can be told
/// apart.
const PREFIX: &str = "v1:";

pub struct SecretBox {
    key: LessSafeKey,
    rng: SystemRandom,
}

impl std::fmt::Debug for SecretBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretBox(…)")
    }
}

impl SecretBox {
    /// A box for a 32-byte key.
    pub fn new(key: &[u8; 32]) -> SecretBox {
        let unbound = UnboundKey::new(&AES_256_GCM, key).expect("a 32-byte key suits AES-256-GCM");
        SecretBox {
            key: LessSafeKey::new(unbound),
            rng: SystemRandom::new(),
        }
    }

    /// The configured key, or the one kept in `data_dir`, created when missing.
    pub fn for_config(configured: &str, data_dir: &str) -> Result<SecretBox, String> {
        let configured = configured.trim();
        if !configured.is_empty() {
            return parse_key(configured).map(|k| SecretBox::new(&k));
        }
        let path = Path::new(data_dir).join("secret.key");
        match std::fs::metadata(&path) {
            Ok(_) => read_key_file(&path, |t| parse_key(t.trim())).map(|k| SecretBox::new(&k)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let mut key = [0u8; 32];
                SystemRandom::new()
                    .fill(&mut key)
                    .map_err(|_| "no randomness for a new secret key".to_owned())?;
                match write_owner_only(&path, &hex::encode(key)) {
                    Ok(()) => Ok(SecretBox::new(&key)),
                    // Another process starting at the same moment made the key first: use
                    // theirs, once it has finished writing it.
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                        read_key_file(&path, |t| parse_key(t.trim())).map(|k| SecretBox::new(&k))
                    }
                    Err(e) => Err(format!("creating {}: {e}", path.display())),
                }
            }
            Err(e) => Err(format!("reading {}: {e}", path.display())),
        }
    }

    /// `plain` encrypted with a fresh nonce.
    pub fn seal(&self, plain: &str) -> String {
        let mut nonce = [0u8; NONCE_LEN];
        self.rng.fill(&mut nonce).expect("the system's randomness");
        let mut data = plain.as_bytes().to_vec();
        self.key
            .seal_in_place_append_tag(Nonce::assume_unique_for_key(nonce), Aad::empty(), &mut data)
            .expect("AES-GCM seals any short value");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&data);
        format!("{PREFIX}{}", hex::encode(out))
    }

    /// The value `sealed` was made from; `None` when it was sealed with another key or altered.
    pub fn open(&self, sealed: &str) -> Option<String> {
        let bytes = hex::decode(sealed.strip_prefix(PREFIX)?).ok()?;
        if bytes.len() < NONCE_LEN {
            return None;
        }
        let (nonce, data) = bytes.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).ok()?;
        let mut data = data.to_vec();
        let plain = self.key.open_in_place(nonce, Aad::empty(), &mut data).ok()?;
        String::from_utf8(plain.to_vec()).ok()
    }
}

fn parse_key(text: &str) -> Result<[u8; 32], String> {
    let bytes = hex::decode(text).map_err(|_| "the secret key must be 64 hex digits".to_owned())?;
    bytes
        .try_into()
        .map_err(|_| "the secret key must be 64 hex digits (32 bytes)".to_owned())
}

/// A key file read and parsed, waiting (up to a second) while it does not hold a whole key
/// yet: another process or thread starting at the same moment may have created it and not
/// finished writing it.
pub(crate) fn read_key_file<T>(path: &Path, parse: impl Fn(&str) -> Result<T, String>) -> Result<T, String> {
    let mut last = String::new();
    for _ in 0..100 {
        match std::fs::read_to_string(path).map(|t| parse(&t)) {
            Ok(Ok(key)) => return Ok(key),
            Ok(Err(e)) => last = e,
            Err(e) => last = e.to_string(),
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    Err(format!("{}: {last}", path.display()))
}

pub(crate) fn write_owner_only(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()
}

/// Writes `text` over `path` (owner-only), through a new file renamed into place, so that a
/// crash leaves either the old text or the new one.
pub(crate) fn replace_owner_only(path: &Path, text: &str) -> std::io::Result<()> {
    let tmp = path.with_extension("new");
    match std::fs::remove_file(&tmp) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    write_owner_only(&tmp, text)?;
    std::fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_only_with_their_key_and_unaltered() {
        let a = SecretBox::new(&[7; 32]);
        let b = SecretBox::new(&[8; 32]);
        let sealed = a.seal("s3cret пароль");
        assert!(sealed.starts_with("v1:") && !sealed.contains("s3cret"));
        assert_ne!(sealed, a.seal("s3cret пароль"), "a fresh nonce each time");
        assert_eq!(a.open(&sealed).as_deref(), Some("s3cret пароль"));
        assert_eq!(b.open(&sealed), None);
        let mut altered = sealed.clone();
        altered.pop();
        altered.push(if sealed.ends_with('0') { '1' } else { '0' });
        assert_eq!(a.open(&altered), None);
        assert_eq!(a.open("plain"), None);
        assert_eq!(a.open("v1:zz"), None);
    }

    #[test]
    fn the_key_file_is_created_once_and_reused() {
        let dir = std::env::temp_dir().join(format!("kabinet-secret-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let first = SecretBox::for_config("", dir.to_str().unwrap()).unwrap();
        let sealed = first.seal("x");
        let again = SecretBox::for_config("", dir.to_str().unwrap()).unwrap();
        assert_eq!(again.open(&sealed).as_deref(), Some("x"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.join("secret.key")).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert!(SecretBox::for_config("abc", "").is_err());
        let configured = SecretBox::for_config(&"11".repeat(32), "").unwrap();
        assert_eq!(
            configured.open(&SecretBox::new(&[0x11; 32]).seal("y")).as_deref(),
            Some("y")
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
