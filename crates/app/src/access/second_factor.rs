//! The staff's second factor (ACC-3): an authenticator app's six-digit code after the
//! password, required for the roles the configuration names (administrators and accountants
//! by default) and open to every other staff member. Recovery codes stand in for a lost phone;
//! a browser may be remembered for a while so that the code is not asked every morning.
//!
//! Nothing half-signed-in is stored: after the password, the person carries a sealed,
//! five-minute challenge (the product's secret key seals it, so it can be neither read nor
//! forged) to the code page, and only a correct code opens a session. Wrong codes count
//! against the same per-account budget as wrong passwords.

use chrono::{DateTime, Duration, Utc};
use kabinet_core::ErrorCode;
use kabinet_core::access::Role;
use kabinet_core::totp;
use kabinet_store::entities::second_factor::{self, Entity as SecondFactor};
use kabinet_store::entities::user;
use rand::Rng;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{Actor, Face, Identity, passwords};
use crate::{App, AppError, AppResult, FieldErrors, audit};

/// How long the step between the password and the code may take.
pub const CHALLENGE_MINUTES: i64 = 5;
/// How long a started set-up waits for its first code.
pub const ENROLMENT_MINUTES: i64 = 15;

/// What the person carries from the password to the code page, sealed.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
struct Sealed {
    /// What this token is for: `challenge`, `enrolment` or `device`.
    k: String,
    /// The user.
    u: i64,
    /// Expires at (Unix seconds).
    x: i64,
    /// A challenge's face; a device's set-up moment (Unix seconds), so that setting up again
    /// forgets remembered devices.
    f: String,
    /// A secret being set up (base32), for an enrolment or a challenge that must enrol.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    s: Option<String>,
}

fn seal(app: &App, token: &Sealed) -> String {
    app.secrets
        .seal(&serde_json::to_string(token).expect("a small struct serialises"))
}

fn open(app: &App, sealed: &str, kind: &str, now: DateTime<Utc>) -> Option<Sealed> {
    if sealed.len() > 2_000 {
        return None;
    }
    let token: Sealed = serde_json::from_str(&app.secrets.open(sealed)?).ok()?;
    (token.k == kind && token.x > now.timestamp()).then_some(token)
}

/// Whether `role` must use a second factor under this configuration.
pub fn required_for(app: &App, role: Role) -> bool {
    matches!(role, Role::Staff(r) if app.config.second_factor_roles.contains(&r))
}

/// The person's authenticator set-up, if any.
async fn of_user(app: &App, user_id: i64) -> AppResult<Option<second_factor::Model>> {
    Ok(SecondFactor::find_by_id(user_id).one(&app.db.conn).await?)
}

/// What the profile page shows of a second factor: whether it is set up, and how many
/// recovery codes are left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Status {
    pub enabled: bool,
    pub codes_left: usize,
}

/// The caller's own second factor, as its profile page shows it.
pub async fn status(app: &App, user_id: i64) -> AppResult<Status> {
    Ok(match of_user(app, user_id).await? {
        Some(sf) => Status {
            enabled: true,
            codes_left: recovery_codes_left(&sf),
        },
        None => Status {
            enabled: false,
            codes_left: 0,
        },
    })
}

/// A fresh secret, as an authenticator app takes it.
fn new_secret() -> Vec<u8> {
    let mut secret = vec![0u8; totp::SECRET_BYTES];
    rand::rng().fill(&mut secret[..]);
    secret
}

/// What a person needs to set an app up: the secret to type, the address to scan, and the
/// sealed token that brings the secret back with the first code.
#[derive(Debug, Clone)]
pub struct Enrolment {
    pub secret_text: String,
    pub uri: String,
    pub token: String,
}

fn enrolment_of(app: &App, login: &str, secret: &[u8], token: String) -> Enrolment {
    let text = totp::base32_encode(secret);
    Enrolment {
        secret_text: text
            .as_bytes()
            .chunks(4)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join(" "),
        uri: totp::otpauth_uri(&app.config.provider_name, login, secret),
        token,
    }
}

/// Why signing in stops after the password: the code is needed (`enrolment` when the person
/// must first set an app up; the page shows how).
#[derive(Debug, Clone)]
pub struct Challenge {
    pub token: String,
    pub enrolment: Option<Enrolment>,
}

/// After a correct password: `None` when the password is enough (no second factor, or this
/// browser is remembered), else the challenge to carry to the code page.
pub(super) async fn challenge_after_password(
    app: &App,
    u: &user::Model,
    face: Face,
    remembered_device: Option<&str>,
    now: DateTime<Utc>,
) -> AppResult<Option<Challenge>> {
    let Some(role) = super::stored_role(u.staff_role, u.customer_role, u.customer_id) else {
        return Ok(None);
    };
    let set_up = of_user(app, u.id).await?;
    if !role.is_staff() || (set_up.is_none() && !required_for(app, role)) {
        return Ok(None);
    }
    if let (Some(sf), Some(device)) = (&set_up, remembered_device)
        && let Some(t) = open(app, device, "device", now)
        && t.u == u.id
        && t.f == sf.enabled_at.timestamp().to_string()
    {
        return Ok(None);
    }
    let expires = (now + Duration::minutes(CHALLENGE_MINUTES)).timestamp();
    let (secret, enrolment_secret) = match set_up {
        Some(_) => (None, None),
        None => {
            let s = new_secret();
            (Some(totp::base32_encode(&s)), Some(s))
        }
    };
    let token = seal(
        app,
        &Sealed {
            k: "challenge".into(),
            u: u.id,
            x: expires,
            f: face.as_str().into(),
            s: secret,
        },
    );
    let enrolment = enrolment_secret.map(|s| enrolment_of(app, &u.login, &s, token.clone()));
    Ok(Some(Challenge { token, enrolment }))
}

/// A challenge that is still good: the user it was made for and, when the person must set an
/// app up, the secret shown to it.
pub struct OpenChallenge {
    pub user_id: i64,
    pub face: Face,
    pub enrolment: Option<Enrolment>,
    secret: Option<Vec<u8>>,
}

pub async fn open_challenge(app: &App, token: &str, now: DateTime<Utc>) -> AppResult<Option<OpenChallenge>> {
    let Some(t) = open(app, token, "challenge", now) else {
        return Ok(None);
    };
    let face = match t.f.as_str() {
        "crm" => Face::Crm,
        "api" => Face::Api,
        _ => Face::Cabinet,
    };
    let secret = t.s.as_deref().and_then(totp::base32_decode);
    let enrolment = match &secret {
        Some(s) => {
            let u = super::users::get(app, t.u).await?;
            Some(enrolment_of(app, &u.login, s, token.to_owned()))
        }
        None => None,
    };
    Ok(Some(OpenChallenge {
        user_id: t.u,
        face,
        enrolment,
        secret,
    }))
}

/// Checks a code typed at the challenge: the app's code (once), or an unused recovery code
/// (then used up). For a challenge that enrols, a correct code sets the app up and the
/// answer carries the new recovery codes to show once.
pub(super) async fn answer_challenge(
    app: &App,
    challenge: &OpenChallenge,
    typed: &str,
    now: DateTime<Utc>,
) -> AppResult<Option<Vec<String>>> {
    // Set up already (this challenge's own set-up, answered before, included): the stored
    // app decides, so a set-up challenge cannot be answered twice.
    if let Some(sf) = of_user(app, challenge.user_id).await? {
        return if check_code(app, &sf, typed, now).await? {
            Ok(None)
        } else {
            Err(AppError::Refused(ErrorCode::BadSecondFactor))
        };
    }
    let Some(secret) = &challenge.secret else {
        return Err(AppError::Refused(ErrorCode::BadSecondFactor));
    };
    let Some(step) = totp::verify(secret, typed, now.timestamp(), None) else {
        return Err(AppError::Refused(ErrorCode::BadSecondFactor));
    };
    let actor = Actor {
        user_id: Some(challenge.user_id),
        ..Actor::named("second-factor", None)
    };
    Ok(Some(
        store_new(app, &actor, challenge.user_id, secret, step, now).await?,
    ))
}

/// Whether `typed` is the app's current code (not used before) or an unused recovery code;
/// either is used up by a yes.
pub(super) async fn check_code(
    app: &App,
    sf: &second_factor::Model,
    typed: &str,
    now: DateTime<Utc>,
) -> AppResult<bool> {
    let secret = app
        .secrets
        .open(&sf.secret_sealed)
        .and_then(|s| totp::base32_decode(&s))
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("a second factor sealed with another key")))?;
    if let Some(step) = totp::verify(&secret, typed, now.timestamp(), sf.last_step) {
        // Only if no other request used this step (or a later one) meanwhile.
        let moved = SecondFactor::update_many()
            .col_expr(second_factor::Column::LastStep, step.into())
            .filter(second_factor::Column::UserId.eq(sf.user_id))
            .filter(
                sea_orm::Condition::any()
                    .add(second_factor::Column::LastStep.is_null())
                    .add(second_factor::Column::LastStep.lt(step)),
            )
            .exec(&app.db.conn)
            .await?;
        return Ok(moved.rows_affected == 1);
    }
    let typed = totp::normalise_recovery_code(typed);
    if typed.len() != 8 {
        return Ok(false);
    }
    let hash = passwords::sha256_hex(&typed);
    let hashes: Vec<String> = serde_json::from_str(&sf.recovery_hashes).unwrap_or_default();
    if !hashes.contains(&hash) {
        return Ok(false);
    }
    let left: Vec<&String> = hashes.iter().filter(|h| **h != hash).collect();
    // Compare-and-set on the list itself: a code used twice at once works once.
    let used = SecondFactor::update_many()
        .col_expr(
            second_factor::Column::RecoveryHashes,
            serde_json::to_string(&left).unwrap_or_default().into(),
        )
        .filter(second_factor::Column::UserId.eq(sf.user_id))
        .filter(second_factor::Column::RecoveryHashes.eq(sf.recovery_hashes.clone()))
        .exec(&app.db.conn)
        .await?;
    Ok(used.rows_affected == 1)
}

fn new_recovery_codes() -> (Vec<String>, String) {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::rng();
    let codes: Vec<String> = (0..totp::RECOVERY_CODES)
        .map(|_| {
            (0..8)
                .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
                .collect::<String>()
        })
        .collect();
    let hashes: Vec<String> = codes.iter().map(|c| passwords::sha256_hex(c)).collect();
    (
        codes.iter().map(|c| totp::format_recovery_code(c)).collect(),
        serde_json::to_string(&hashes).unwrap_or_default(),
    )
}

/// Saves a set-up whose first code was right; returns the recovery codes to show once.
async fn store_new(
    app: &App,
    actor: &Actor,
    user_id: i64,
    secret: &[u8],
    step: i64,
    now: DateTime<Utc>,
) -> AppResult<Vec<String>> {
    let (codes, hashes) = new_recovery_codes();
    let txn = app.db.write().await?;
    SecondFactor::delete_by_id(user_id).exec(&txn).await?;
    second_factor::ActiveModel {
        user_id: Set(user_id),
        secret_sealed: Set(app.secrets.seal(&totp::base32_encode(secret))),
        enabled_at: Set(now),
        last_step: Set(Some(step)),
        recovery_hashes: Set(hashes),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        "user.second_factor.enable",
        "user",
        Some(user_id),
        json!({}),
    )
    .await?;
    txn.commit().await?;
    Ok(codes)
}

/// Starts setting an app up from the profile page.
pub fn start_enrolment(app: &App, who: &Identity) -> AppResult<Enrolment> {
    if !who.is_staff() {
        return Err(AppError::Forbidden);
    }
    let secret = new_secret();
    let token = seal(
        app,
        &Sealed {
            k: "enrolment".into(),
            u: who.user_id,
            x: (kabinet_store::now() + Duration::minutes(ENROLMENT_MINUTES)).timestamp(),
            f: String::new(),
            s: Some(totp::base32_encode(&secret)),
        },
    );
    Ok(enrolment_of(app, &who.login, &secret, token))
}

/// The enrolment a token started, if it is still good and `who`'s own.
pub fn reopen_enrolment(app: &App, who: &Identity, token: &str) -> Option<Enrolment> {
    let t = open(app, token, "enrolment", kabinet_store::now())?;
    let secret = totp::base32_decode(t.s.as_deref()?)?;
    (t.u == who.user_id).then(|| enrolment_of(app, &who.login, &secret, token.to_owned()))
}

/// Finishes setting an app up with its first code; returns the recovery codes to show once.
/// Setting up again replaces the old app and forgets remembered browsers.
pub async fn finish_enrolment(
    app: &App,
    actor: &Actor,
    who: &Identity,
    token: &str,
    code: &str,
) -> AppResult<Vec<String>> {
    if !who.is_staff() {
        return Err(AppError::Forbidden);
    }
    let now = kabinet_store::now();
    let t = open(app, token, "enrolment", now)
        .filter(|t| t.u == who.user_id)
        .ok_or(AppError::Refused(ErrorCode::SecondFactorExpired))?;
    let secret =
        t.s.as_deref()
            .and_then(totp::base32_decode)
            .ok_or(AppError::Refused(ErrorCode::SecondFactorExpired))?;
    let step = totp::verify(&secret, code, now.timestamp(), None)
        .ok_or_else(|| FieldErrors::single("code", "bad-second-factor"))?;
    store_new(app, actor, who.user_id, &secret, step, now).await
}

/// New recovery codes in place of the old ones, for a person who proves it has the app.
pub async fn renew_recovery_codes(app: &App, actor: &Actor, who: &Identity, code: &str) -> AppResult<Vec<String>> {
    let sf = of_user(app, who.user_id).await?.ok_or(AppError::NotFound)?;
    if !check_code(app, &sf, code, kabinet_store::now()).await? {
        return Err(FieldErrors::single("code", "bad-second-factor"));
    }
    let (codes, hashes) = new_recovery_codes();
    let txn = app.db.write().await?;
    let mut m: second_factor::ActiveModel = sf.into();
    m.recovery_hashes = Set(hashes);
    // The code just checked moved last_step in the database; keep it.
    m.last_step = sea_orm::ActiveValue::NotSet;
    m.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        "user.second_factor.recovery_codes",
        "user",
        Some(who.user_id),
        json!({}),
    )
    .await?;
    txn.commit().await?;
    Ok(codes)
}

/// Turns the second factor off, for a person who proves it has the app (or a recovery code)
/// and whose role does not require it.
pub async fn disable(app: &App, actor: &Actor, who: &Identity, code: &str) -> AppResult<()> {
    if required_for(app, who.role) {
        return Err(AppError::Refused(ErrorCode::SecondFactorRequired));
    }
    let sf = of_user(app, who.user_id).await?.ok_or(AppError::NotFound)?;
    if !check_code(app, &sf, code, kabinet_store::now()).await? {
        return Err(FieldErrors::single("code", "bad-second-factor"));
    }
    let txn = app.db.write().await?;
    SecondFactor::delete_by_id(who.user_id).exec(&txn).await?;
    audit::record(
        &txn,
        actor,
        "user.second_factor.disable",
        "user",
        Some(who.user_id),
        json!({}),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// An administrator clears a staff member's second factor (a lost phone and no recovery
/// codes); the person sets it up again at the next sign-in if its role requires it.
pub async fn reset_for(app: &App, actor: &Actor, who: &Identity, user_id: i64) -> AppResult<()> {
    who.require(&[kabinet_core::access::Permission::StaffUsersManage])?;
    let target = super::users::get_manageable(app, who, user_id).await?;
    let txn = app.db.write().await?;
    SecondFactor::delete_by_id(target.id).exec(&txn).await?;
    audit::record(
        &txn,
        actor,
        "user.second_factor.reset",
        "user",
        Some(target.id),
        json!({}),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// A token that lets this browser skip the code until it expires or the app is set up again.
pub async fn remember_device(app: &App, user_id: i64) -> AppResult<Option<String>> {
    let days = app.config.remember_device_days;
    if days <= 0 {
        return Ok(None);
    }
    let Some(sf) = of_user(app, user_id).await? else {
        return Ok(None);
    };
    Ok(Some(seal(
        app,
        &Sealed {
            k: "device".into(),
            u: user_id,
            x: (kabinet_store::now() + Duration::days(days)).timestamp(),
            f: sf.enabled_at.timestamp().to_string(),
            s: None,
        },
    )))
}

/// Recovery codes the person has left.
fn recovery_codes_left(sf: &second_factor::Model) -> usize {
    serde_json::from_str::<Vec<String>>(&sf.recovery_hashes)
        .map(|v| v.len())
        .unwrap_or(0)
}
