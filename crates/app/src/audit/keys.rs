//! The keys the audit chain is sealed with (ADR 13). The current key seals new records; keys
//! retired by a rotation stay known so that what they sealed can still be verified. Keys come
//! from configuration (`audit_key`, `audit_retired_keys`: 64 hex digits each) or, when no key
//! is configured, from the data directory: `audit.key` (created once, readable by the owner
//! only) and `audit-retired.keys` (one per line), which `kabinet audit rotate-key` maintains.
//! A key never lives in the database, so someone who can only write there cannot forge hashes.

use std::path::{Path, PathBuf};

use kabinet_core::audit::ChainKey;
use ring::rand::{SecureRandom, SystemRandom};

use crate::secrets::{replace_owner_only, write_owner_only};

const CURRENT_FILE: &str = "audit.key";
const RETIRED_FILE: &str = "audit-retired.keys";

#[derive(Debug, Clone)]
pub struct Keyring {
    current: ChainKey,
    retired: Vec<ChainKey>,
}

fn parse_key(text: &str) -> Result<ChainKey, String> {
    let bytes = hex::decode(text.trim()).map_err(|_| "an audit key is 64 hex digits".to_owned())?;
    let secret: [u8; 32] = bytes
        .try_into()
        .map_err(|_| "an audit key is 64 hex digits".to_owned())?;
    Ok(ChainKey::new(secret))
}

fn random_key_hex() -> Result<String, String> {
    let mut key = [0u8; 32];
    SystemRandom::new()
        .fill(&mut key)
        .map_err(|_| "no randomness for a new audit key".to_owned())?;
    Ok(hex::encode(key))
}

fn retired_in(dir: &Path) -> Result<Vec<ChainKey>, String> {
    let path = dir.join(RETIRED_FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| parse_key(l).map_err(|e| format!("{}: {e}", path.display())))
            .collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(format!("reading {}: {e}", path.display())),
    }
}

impl Keyring {
    /// The configured keys, or the ones kept in `data_dir` (the current one created when
    /// missing).
    pub fn for_config(configured: &str, configured_retired: &[String], data_dir: &str) -> Result<Keyring, String> {
        let mut retired = configured_retired
            .iter()
            .map(|k| parse_key(k).map_err(|e| format!("audit_retired_keys: {e}")))
            .collect::<Result<Vec<_>, _>>()?;
        let dir = Path::new(data_dir);
        retired.extend(retired_in(dir)?);
        let current = if !configured.trim().is_empty() {
            parse_key(configured).map_err(|e| format!("audit_key: {e}"))?
        } else {
            let path = dir.join(CURRENT_FILE);
            match std::fs::metadata(&path) {
                Ok(_) => crate::secrets::read_key_file(&path, parse_key)?,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    let hex = random_key_hex()?;
                    match write_owner_only(&path, &hex) {
                        Ok(()) => parse_key(&hex)?,
                        // Another process (or thread) created it a moment ago: use theirs, once
                        // it has finished writing it.
                        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                            crate::secrets::read_key_file(&path, parse_key)?
                        }
                        Err(e) => return Err(format!("creating {}: {e}", path.display())),
                    }
                }
                Err(e) => return Err(format!("reading {}: {e}", path.display())),
            }
        };
        Ok(Keyring { current, retired })
    }

    /// The key new records are sealed with.
    pub fn current(&self) -> &ChainKey {
        &self.current
    }

    /// The key with id `id`, current or retired.
    pub fn by_id(&self, id: &str) -> Option<&ChainKey> {
        std::iter::once(&self.current)
            .chain(&self.retired)
            .find(|k| k.id() == id)
    }
}

/// Replaces the current key in `data_dir` with a new one and keeps the old one among the
/// retired keys; returns the new key's id. Refused when the key comes from configuration:
/// then the operator moves it to `audit_retired_keys` and sets a new `audit_key` themselves.
pub fn rotate_in_data_dir(configured: &str, data_dir: &str) -> Result<String, String> {
    if !configured.trim().is_empty() {
        return Err(
            "the audit key comes from configuration: add it to audit_retired_keys and set a new audit_key".to_owned(),
        );
    }
    let dir = PathBuf::from(data_dir);
    let current_path = dir.join(CURRENT_FILE);
    let old = std::fs::read_to_string(&current_path).map_err(|e| format!("reading {}: {e}", current_path.display()))?;
    parse_key(&old).map_err(|e| format!("{}: {e}", current_path.display()))?;
    let retired_path = dir.join(RETIRED_FILE);
    let mut retired = match std::fs::read_to_string(&retired_path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(format!("reading {}: {e}", retired_path.display())),
    };
    if !retired.is_empty() && !retired.ends_with('\n') {
        retired.push('\n');
    }
    retired.push_str(old.trim());
    retired.push('\n');
    // The old key is kept before the new one replaces it: a crash in between leaves the old
    // key current and also retired, which verifies the same.
    replace_owner_only(&retired_path, &retired).map_err(|e| format!("writing {}: {e}", retired_path.display()))?;
    let new = random_key_hex()?;
    replace_owner_only(&current_path, &new).map_err(|e| format!("writing {}: {e}", current_path.display()))?;
    Ok(parse_key(&new)?.id().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rotated_key_stays_known() {
        let dir = std::env::temp_dir().join(format!("kabinet-audit-keys-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let data_dir = dir.to_string_lossy().to_string();
        let first = Keyring::for_config("", &[], &data_dir).unwrap();
        let again = Keyring::for_config("", &[], &data_dir).unwrap();
        assert_eq!(first.current().id(), again.current().id(), "created once");
        let new_id = rotate_in_data_dir("", &data_dir).unwrap();
        let rotated = Keyring::for_config("", &[], &data_dir).unwrap();
        assert_eq!(rotated.current().id(), new_id);
        assert_ne!(new_id, first.current().id());
        assert!(
            rotated.by_id(first.current().id()).is_some(),
            "the old key still verifies"
        );
        assert!(rotate_in_data_dir(&"ab".repeat(32), &data_dir).is_err());
        assert!(Keyring::for_config("zz", &[], &data_dir).is_err());
        std::fs::remove_dir_all(&dir).ok();
    }
}
