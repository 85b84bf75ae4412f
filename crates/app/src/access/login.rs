//! Signing in with a login name, e-mail or phone and a password (ACC-3).

use chrono::Duration;
use kabinet_core::{email::Email, phone::Phone, text};
use kabinet_store::entities::login_attempt;
use kabinet_store::entities::user::{self, Entity as User};
use kabinet_store::{ConnectionTrait, Db};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};

use super::{ClientInfo, Face, Identity, passwords, role_of, sessions, throttle};
use crate::{App, AppError, AppResult};

/// The outcome of a successful sign-in: the cookie value to set and who signed in.
pub struct SignedIn {
    pub session_token: String,
    pub identity: Identity,
}

/// Why a sign-in failed. Wrong login and wrong password are one answer on purpose.
#[derive(Debug)]
pub enum LoginFailure {
    BadCredentials,
    Disabled,
    Throttled { retry_after_secs: u64 },
}

/// The user a typed identifier names: a login name, else an e-mail, else a phone number.
pub async fn find_by_identifier<C: ConnectionTrait>(db: &C, identifier: &str) -> AppResult<Option<user::Model>> {
    let typed = identifier.trim();
    if let Ok(login) = text::login_name(typed)
        && let Some(u) = User::find().filter(user::Column::Login.eq(login)).one(db).await?
    {
        return Ok(Some(u));
    }
    if let Ok(email) = Email::parse(typed)
        && let Some(u) = User::find()
            .filter(user::Column::Email.eq(email.as_str()))
            .one(db)
            .await?
    {
        return Ok(Some(u));
    }
    if let Ok(phone) = Phone::parse(typed)
        && let Some(u) = User::find()
            .filter(user::Column::Phone.eq(phone.as_str()))
            .one(db)
            .await?
    {
        return Ok(Some(u));
    }
    Ok(None)
}

/// The key attempts are counted under: the account the identifier names, when there is one —
/// so its login name, e-mail and every spelling of its phone share one budget — else the
/// identifier's normalised form (a phone in E.164, an e-mail or a login name in lower case),
/// so that an unknown account is limited alike and answers alike.
pub fn attempt_key(found: Option<&user::Model>, identifier: &str) -> String {
    if let Some(u) = found {
        return format!("user:{}", u.id);
    }
    let typed = identifier.trim();
    let normalised = if let Ok(phone) = Phone::parse(typed) {
        phone.as_str().to_owned()
    } else if let Ok(email) = Email::parse(typed) {
        email.as_str().to_lowercase()
    } else {
        typed.to_lowercase()
    };
    text::truncate(&normalised, 100)
}

pub async fn record_attempt(
    db: &Db,
    user_id: Option<i64>,
    key: &str,
    client: &ClientInfo,
    outcome: &str,
    face: Face,
) -> AppResult<()> {
    login_attempt::ActiveModel {
        at: Set(kabinet_store::now()),
        user_id: Set(user_id),
        login: Set(key.to_owned()),
        ip: Set(text::truncate(&client.ip, 64)),
        user_agent: Set(text::truncate(&client.user_agent, text::limits::USER_AGENT)),
        outcome: Set(outcome.to_owned()),
        face: Set(face.as_str().to_owned()),
        ..Default::default()
    }
    .insert(&db.conn)
    .await?;
    Ok(())
}

/// Checks the password and opens a session. Every attempt lands in the login history, and
/// the answer and its timing are the same whether or not the login exists.
pub async fn sign_in(
    app: &App,
    identifier: &str,
    password: &str,
    face: Face,
    client: &ClientInfo,
) -> Result<SignedIn, LoginFailureOr> {
    let found = find_by_identifier(&app.db.conn, identifier).await?;
    let key = attempt_key(found.as_ref(), identifier);
    let cfg = &app.config;
    let now = kabinet_store::now();
    let window = Duration::minutes(cfg.login_window_minutes);
    // Any failure of the check itself refuses the sign-in: a limit that cannot be read is
    // not a reason to let an unlimited number of passwords through.
    match throttle::check_login(&app.db.conn, &key, &client.ip, cfg.login_failures_allowed, window, now).await? {
        throttle::LoginPace::Refuse { retry_after_secs } => {
            record_attempt(&app.db, found.as_ref().map(|u| u.id), &key, client, "throttled", face).await?;
            return Err(LoginFailure::Throttled { retry_after_secs }.into());
        }
        throttle::LoginPace::Slow(delay) => tokio::time::sleep(delay).await,
        throttle::LoginPace::Go => {}
    }
    let admitted = found.as_ref().filter(|u| role_of(u).is_some_and(|r| face.admits(r)));
    let ok = passwords::verify(admitted.map(|u| u.password_hash.clone()), password).await;
    let user = match admitted {
        Some(u) if ok => u.clone(),
        _ => {
            let outcome = if found.is_some() {
                "bad_password"
            } else {
                "unknown_user"
            };
            record_attempt(&app.db, found.map(|u| u.id), &key, client, outcome, face).await?;
            return Err(LoginFailure::BadCredentials.into());
        }
    };
    if user.status != "active" {
        record_attempt(&app.db, Some(user.id), &key, client, "disabled", face).await?;
        return Err(LoginFailure::Disabled.into());
    }
    let token = sessions::create(app, user.id, client).await?;
    record_attempt(&app.db, Some(user.id), &key, client, "success", face).await?;
    let mut active: user::ActiveModel = user.clone().into();
    active.last_login_at = Set(Some(now));
    active.update(&app.db.conn).await?;
    let mut identity = Identity::from_user(&user).ok_or(AppError::Forbidden)?;
    identity.session_id = Some(passwords::sha256_hex(&token));
    Ok(SignedIn {
        session_token: token,
        identity,
    })
}

/// A failed sign-in, or an internal error on the way.
#[derive(Debug)]
pub enum LoginFailureOr {
    Failure(LoginFailure),
    Error(AppError),
}

impl From<LoginFailure> for LoginFailureOr {
    fn from(f: LoginFailure) -> Self {
        LoginFailureOr::Failure(f)
    }
}

impl From<AppError> for LoginFailureOr {
    fn from(e: AppError) -> Self {
        LoginFailureOr::Error(e)
    }
}

impl From<kabinet_store::DbErr> for LoginFailureOr {
    fn from(e: kabinet_store::DbErr) -> Self {
        LoginFailureOr::Error(e.into())
    }
}
