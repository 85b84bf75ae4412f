//! Routers (AST-2): the firmware archive generated for a licence — a RouterOS script with the
//! hotspot settings and the licence key, and a readme — and commands sent to the router
//! through the router-control port, whose real adapter speaks the MikroTik RouterOS API over
//! TCP (login, `/system/reboot`). Every action is audited.

use kabinet_core::ErrorCode;
use kabinet_core::access::Permission;
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use kabinet_store::entities::asset;
use kabinet_store::entities::site::Entity as Site;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::LicenceKey;
use super::licences::visible_row;
use crate::access::{Actor, Identity};
use crate::{App, AppError, AppResult, FieldErrors, audit};

/// Where and how to reach a router's API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouterAddress {
    pub host: String,
    pub port: u16,
    pub user: String,
    pub password: String,
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum RouterError {
    /// No answer, a broken connection, a timeout.
    #[error("router unreachable: {0}")]
    Unreachable(String),
    /// The router answered with a refusal (`!trap`), e.g. a wrong password.
    #[error("router refused: {0}")]
    Refused(String),
}

#[async_trait::async_trait]
pub trait RouterControl: Send + Sync {
    async fn reboot(&self, router: &RouterAddress) -> Result<(), RouterError>;
}

/// The RouterOS API (TCP, default port 8728): sentences of length-prefixed words ending with
/// an empty word; replies start with `!done`, `!trap` or `!re`.
pub struct RouterOsApi {
    pub timeout: Duration,
}

impl Default for RouterOsApi {
    fn default() -> Self {
        RouterOsApi {
            timeout: Duration::from_secs(10),
        }
    }
}

/// A word's length prefix (1 to 5 bytes, by the size of the length).
pub fn encode_length(len: usize) -> Vec<u8> {
    let l = len as u32;
    match len {
        0..0x80 => vec![l as u8],
        0x80..0x4000 => (l | 0x8000).to_be_bytes()[2..].to_vec(),
        0x4000..0x20_0000 => (l | 0xC0_0000).to_be_bytes()[1..].to_vec(),
        0x20_0000..0x1000_0000 => (l | 0xE000_0000).to_be_bytes().to_vec(),
        _ => {
            let mut v = vec![0xF0];
            v.extend_from_slice(&l.to_be_bytes());
            v
        }
    }
}

/// A sentence ready to send.
pub fn encode_sentence(words: &[&str]) -> Vec<u8> {
    let mut out = Vec::new();
    for w in words {
        out.extend(encode_length(w.len()));
        out.extend_from_slice(w.as_bytes());
    }
    out.push(0);
    out
}

/// Reads one word's length prefix.
pub async fn read_length<R: AsyncReadExt + Unpin>(r: &mut R) -> std::io::Result<usize> {
    let first = r.read_u8().await?;
    let (extra, mut value) = match first {
        0x00..=0x7F => (0, u32::from(first)),
        0x80..=0xBF => (1, u32::from(first & 0x3F)),
        0xC0..=0xDF => (2, u32::from(first & 0x1F)),
        0xE0..=0xEF => (3, u32::from(first & 0x0F)),
        _ => (4, 0),
    };
    for _ in 0..extra {
        value = (value << 8) | u32::from(r.read_u8().await?);
    }
    Ok(value as usize)
}

/// Reads one sentence (its words, without the terminating empty one).
pub async fn read_sentence<R: AsyncReadExt + Unpin>(r: &mut R) -> std::io::Result<Vec<String>> {
    let mut words = Vec::new();
    loop {
        let len = read_length(r).await?;
        if len == 0 {
            return Ok(words);
        }
        if len > 1 << 20 {
            return Err(std::io::Error::new(std::io::ErrorKind::InvalidData, "word too long"));
        }
        let mut buf = vec![0; len];
        r.read_exact(&mut buf).await?;
        words.push(String::from_utf8_lossy(&buf).into_owned());
    }
}

/// Sends a command and reads replies until `!done`; a `!trap`'s message is the error.
async fn command<S: AsyncReadExt + AsyncWriteExt + Unpin>(stream: &mut S, words: &[&str]) -> Result<(), RouterError> {
    let io = |e: std::io::Error| RouterError::Unreachable(e.to_string());
    stream.write_all(&encode_sentence(words)).await.map_err(io)?;
    let mut trap = None;
    loop {
        let reply = read_sentence(stream).await.map_err(io)?;
        match reply.first().map(String::as_str) {
            Some("!done") => {
                return match trap {
                    Some(message) => Err(RouterError::Refused(message)),
                    None => Ok(()),
                };
            }
            Some("!trap") | Some("!fatal") => {
                trap = Some(
                    reply
                        .iter()
                        .find_map(|w| w.strip_prefix("=message="))
                        .unwrap_or("refused")
                        .to_owned(),
                );
                if reply.first().map(String::as_str) == Some("!fatal") {
                    return Err(RouterError::Refused(trap.unwrap_or_default()));
                }
            }
            _ => {}
        }
    }
}

#[async_trait::async_trait]
impl RouterControl for RouterOsApi {
    async fn reboot(&self, router: &RouterAddress) -> Result<(), RouterError> {
        let work = async {
            let mut stream = tokio::net::TcpStream::connect((router.host.as_str(), router.port))
                .await
                .map_err(|e| RouterError::Unreachable(e.to_string()))?;
            let name = format!("=name={}", router.user);
            let password = format!("=password={}", router.password);
            command(&mut stream, &["/login", &name, &password]).await?;
            match command(&mut stream, &["/system/reboot"]).await {
                // The router may drop the connection as it goes down: the command was taken.
                Ok(()) | Err(RouterError::Unreachable(_)) => Ok(()),
                Err(e) => Err(e),
            }
        };
        tokio::time::timeout(self.timeout, work)
            .await
            .map_err(|_| RouterError::Unreachable("timed out".into()))?
    }
}

/// Records commands instead of sending them: the demo and tests.
#[derive(Default, Clone)]
pub struct FakeRouterControl {
    pub reboots: Arc<Mutex<Vec<RouterAddress>>>,
}

#[async_trait::async_trait]
impl RouterControl for FakeRouterControl {
    async fn reboot(&self, router: &RouterAddress) -> Result<(), RouterError> {
        self.reboots.lock().expect("fake router").push(router.clone());
        Ok(())
    }
}

/// The router settings a licence's commands use.
#[derive(Debug, Clone, Default)]
pub struct RouterSettings {
    pub host: String,
    pub port: Option<u16>,
    pub user: String,
    /// Kept when empty.
    pub password: Option<String>,
}

/// Stores where a licence's router answers the API.
pub async fn set_router(
    app: &App,
    actor: &Actor,
    who: &Identity,
    id: i64,
    s: RouterSettings,
) -> AppResult<super::views::Asset> {
    who.require(&[Permission::RoutersControl])?;
    let a = visible_row(app, who, id).await?;
    let mut errors = FieldErrors::new();
    let host = s.host.trim();
    if host.is_empty() || host.len() > 253 || !host.chars().all(|c| c.is_ascii_alphanumeric() || ".-:".contains(c)) {
        errors.add("router_host", "router-host-invalid");
    }
    let user = s.user.trim();
    if user.is_empty() || user.len() > 64 || user.chars().any(char::is_control) {
        errors.add("router_user", "text-empty");
    }
    if s.password
        .as_deref()
        .is_some_and(|p| p.len() > 128 || p.chars().any(char::is_control))
    {
        errors.add("router_password", "text-too-long");
    }
    errors.into_result()?;
    let mut row: asset::ActiveModel = a.into();
    row.router_host = Set(Some(host.to_owned()));
    row.router_port = Set(Some(i32::from(s.port.unwrap_or(8728))));
    row.router_user = Set(Some(user.to_owned()));
    if let Some(p) = s.password.filter(|p| !p.is_empty()) {
        // Kept encrypted: the product must send it to the router, so it cannot be hashed.
        row.router_password = Set(Some(app.secrets.seal(&p)));
    }
    row.updated_at = Set(kabinet_store::now());
    let txn = app.db.write().await?;
    let saved = row.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        "router.settings",
        "asset",
        Some(id),
        json!({"host": saved.router_host, "port": saved.router_port, "user": saved.router_user}),
    )
    .await?;
    txn.commit().await?;
    Ok(saved.into())
}

/// Sends the reboot command; the outcome, good or bad, is audited.
pub async fn reboot(app: &App, actor: &Actor, who: &Identity, id: i64) -> AppResult<()> {
    who.require(&[Permission::RoutersControl])?;
    let a = visible_row(app, who, id).await?;
    if a.status == kabinet_core::assets::AssetStatus::Deleted {
        return Err(AppError::Conflict(ErrorCode::LicenceDeleted));
    }
    let (Some(host), Some(port), Some(user)) = (a.router_host.clone(), a.router_port, a.router_user.clone()) else {
        return Err(AppError::Refused(ErrorCode::RouterNotConfigured));
    };
    let address = RouterAddress {
        host,
        port: u16::try_from(port).unwrap_or(8728),
        user,
        password: match a.router_password.as_deref() {
            None => String::new(),
            Some(sealed) => app
                .secrets
                .open(sealed)
                .ok_or(AppError::Refused(ErrorCode::RouterPasswordUnreadable))?,
        },
    };
    let result = app.router.reboot(&address).await;
    let outcome = match &result {
        Ok(()) => "sent".to_owned(),
        Err(e) => e.to_string(),
    };
    let txn = app.db.write().await?;
    audit::record(
        &txn,
        actor,
        "router.reboot",
        "asset",
        Some(id),
        json!({"host": address.host, "port": address.port, "outcome": outcome}),
    )
    .await?;
    txn.commit().await?;
    match result {
        Ok(()) => Ok(()),
        Err(RouterError::Unreachable(_)) => Err(AppError::Refused(ErrorCode::RouterUnreachable)),
        Err(RouterError::Refused(_)) => Err(AppError::Refused(ErrorCode::RouterRefused)),
    }
}

/// The firmware archive of a licence: a RouterOS script with the hotspot settings and a new
/// licence key (the old one stops working: the archive is meant to be installed now), and a
/// readme. Returns the file name and the zip.
pub async fn firmware(app: &App, actor: &Actor, who: &Identity, id: i64) -> AppResult<(String, Vec<u8>)> {
    who.require(&[Permission::RoutersControl])?;
    let a = visible_row(app, who, id).await?;
    // The script points the router at the portal: without one there is nothing to install.
    let portal = app
        .config
        .assets
        .portal()
        .ok_or(AppError::Refused(ErrorCode::PortalNotConfigured))?;
    if a.status == kabinet_core::assets::AssetStatus::Deleted {
        return Err(AppError::Conflict(ErrorCode::LicenceDeleted));
    }
    let point = match a.site_id {
        Some(s) => Site::find_by_id(s).one(&app.db.conn).await?.map(|s| s.name),
        None => None,
    }
    .unwrap_or_default();
    let key = LicenceKey {
        key_id: a.key_id.clone(),
        secret: crate::access::passwords::random_secret(16),
    };
    let script = routeros_script(portal, &app.config.public_base_url, &a, &point, &key);
    let readme = readme(&a, &point);
    let zip = tokio::task::spawn_blocking(move || -> std::io::Result<Vec<u8>> {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        zip.start_file("kabinet-hotspot.rsc", options)
            .map_err(std::io::Error::other)?;
        zip.write_all(script.as_bytes())?;
        zip.start_file("README.txt", options).map_err(std::io::Error::other)?;
        zip.write_all(readme.as_bytes())?;
        Ok(zip.finish().map_err(std::io::Error::other)?.into_inner())
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))?
    .map_err(|e| AppError::Internal(e.into()))?;
    let mut row: asset::ActiveModel = a.clone().into();
    row.key_hash = Set(key.hash());
    row.updated_at = Set(kabinet_store::now());
    let txn = app.db.write().await?;
    row.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        "router.firmware",
        "asset",
        Some(id),
        json!({"key_id": a.key_id, "key_rotated": true}),
    )
    .await?;
    txn.commit().await?;
    Ok((format!("kabinet-firmware-{}.zip", a.key_id), zip))
}

/// A RouterOS script: the hotspot profile pointing at the provider's portal, the walled
/// garden that lets guests reach it before they sign in, and a scheduler that reports the
/// router to Kabinet with the licence key.
fn routeros_script(portal: &str, kabinet: &str, a: &asset::Model, point: &str, key: &LicenceKey) -> String {
    let portal = portal.trim_end_matches('/');
    let kabinet = kabinet.trim_end_matches('/');
    let portal_host = portal
        .split("://")
        .nth(1)
        .unwrap_or(portal)
        .split(['/', ':'])
        .next()
        .unwrap_or_default();
    // A point's name goes into a RouterOS comment: quotes and backslashes would end it.
    let point: String = point
        .chars()
        .filter(|c| !matches!(c, '"' | '\\' | '\n' | '\r' | '$'))
        .collect();
    format!(
        r#"# Kabinet hotspot configuration
# Licence {key_id} ({kind}, cabinet {cabinet}) — "{point}"
# Generated {now}. Import with: /import file-name=kabinet-hotspot.rsc

:global kabinetLicenceKey "{full_key}"

/ip hotspot profile
add name=kabinet-{key_id} html-directory=hotspot login-by=http-chap,http-pap,mac-cookie \
    http-cookie-lifetime=1d comment="Kabinet {key_id}"

/ip hotspot walled-garden
add dst-host={portal_host} comment="Kabinet portal"
add dst-host=*.{portal_host} comment="Kabinet portal"

/ip hotspot walled-garden ip
add action=accept dst-host={portal_host} comment="Kabinet portal"

/system script
add name=kabinet-heartbeat policy=read,test source={{
  /tool fetch url="{kabinet}/api/v1/hotspot/heartbeat" http-method=post \
    http-header-field="Authorization: Licence $kabinetLicenceKey,Content-Type: application/json" \
    http-data="{{}}" output=none
}}

/system scheduler
add name=kabinet-heartbeat interval=5m on-event=kabinet-heartbeat comment="Kabinet {key_id}"

# Guests sign in on {portal}/{key_id}/authorisation
"#,
        key_id = a.key_id,
        kind = a.kind,
        cabinet = a.cabinet_type.map_or("-", |c| c.as_str()),
        now = kabinet_store::now().format("%Y-%m-%d %H:%M UTC"),
        full_key = key.full(),
    )
}

fn readme(a: &asset::Model, point: &str) -> String {
    format!(
        "Kabinet — прошивка роутера для лицензии {key_id} ({point})\n\
         \n\
         1. Загрузите kabinet-hotspot.rsc на роутер MikroTik (Files).\n\
         2. Выполните в терминале: /import file-name=kabinet-hotspot.rsc\n\
         3. Привяжите профиль kabinet-{key_id} к hotspot-серверу на интерфейсе для гостей.\n\
         \n\
         В архиве новый ключ лицензии: прежний ключ с этой минуты не действует,\n\
         поэтому установите прошивку сразу.\n\
         \n\
         Kabinet — router firmware for licence {key_id}\n\
         Upload kabinet-hotspot.rsc to the MikroTik router, run\n\
         /import file-name=kabinet-hotspot.rsc and attach the profile kabinet-{key_id} to the\n\
         guests' hotspot server. The archive carries a new licence key; the previous one stops\n\
         working now, so install it at once.\n",
        key_id = a.key_id,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn lengths_round_trip() {
        for len in [
            0usize,
            1,
            0x7F,
            0x80,
            0x3FFF,
            0x4000,
            0x1F_FFFF,
            0x20_0000,
            0x0FFF_FFFF,
            0x1000_0000,
        ] {
            let bytes = encode_length(len);
            let mut r = std::io::Cursor::new(bytes.clone());
            assert_eq!(read_length(&mut r).await.unwrap(), len, "{len:#x} as {bytes:?}");
        }
        assert_eq!(encode_length(0x80), vec![0x80, 0x80]);
        assert_eq!(encode_length(0x4000), vec![0xC0, 0x40, 0x00]);
    }

    #[tokio::test]
    async fn sentences_round_trip() {
        let bytes = encode_sentence(&["/login", "=name=admin", "=password=пароль"]);
        let mut r = std::io::Cursor::new(bytes);
        assert_eq!(
            read_sentence(&mut r).await.unwrap(),
            vec!["/login", "=name=admin", "=password=пароль"]
        );
    }
}
