//! Signing in with a login name, e-mail or phone and a password (ACC-3).

use chrono::Duration;
use kabinet_core::ErrorCode;
use kabinet_core::access::LoginOutcome;
use kabinet_core::{email::Email, phone::Phone, text};
use kabinet_store::entities::login_attempt;
use kabinet_store::entities::user::{self, Entity as User};
use kabinet_store::{ConnectionTrait, Db};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};

use super::{ClientInfo, Face, Identity, passwords, second_factor, sessions, throttle};
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
    Throttled {
        retry_after_secs: u64,
    },
    /// The password was right; the code of the authenticator app is needed next (and first
    /// the app set up, when the challenge carries an enrolment).
    SecondFactor(second_factor::Challenge),
    /// The code was wrong or already used.
    BadSecondFactor,
    /// The step between password and code took too long, or its token is not ours.
    SecondFactorExpired,
    /// The role requires an app that is not set up yet, which the API cannot do.
    SecondFactorEnrolmentRequired,
}

/// What a sign-in brings beside the password: the code, when the client sends it with the
/// password (the API), and the token of a browser remembered after an earlier sign-in.
#[derive(Debug, Default, Clone)]
pub struct SecondFactorInput {
    pub code: Option<String>,
    pub remembered_device: Option<String>,
}

/// A sign-in finished at the code page: the session, and for a person who just set the app
/// up, the recovery codes to show once; the token that remembers this browser when asked.
pub struct CodeAccepted {
    pub signed_in: SignedIn,
    pub recovery_codes: Option<Vec<String>>,
    pub remembered_device: Option<String>,
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
    outcome: LoginOutcome,
    face: Face,
) -> AppResult<()> {
    login_attempt::ActiveModel {
        at: Set(kabinet_store::now()),
        user_id: Set(user_id),
        login: Set(key.to_owned()),
        ip: Set(text::truncate(&client.ip, 64)),
        user_agent: Set(text::truncate(&client.user_agent, text::limits::USER_AGENT)),
        outcome: Set(outcome),
        face: Set(face),
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
    sign_in_with(app, identifier, password, face, client, &SecondFactorInput::default()).await
}

/// [`sign_in`] for staff who may need a second factor: a remembered browser skips it; a code
/// sent along (the API) is checked at once; otherwise the answer is the challenge to carry to
/// the code page.
pub async fn sign_in_with(
    app: &App,
    identifier: &str,
    password: &str,
    face: Face,
    client: &ClientInfo,
    second: &SecondFactorInput,
) -> Result<SignedIn, LoginFailureOr> {
    let found = find_by_identifier(&app.db.conn, identifier).await?;
    let key = attempt_key(found.as_ref(), identifier);
    let now = kabinet_store::now();
    pace(app, &key, found.as_ref().map(|u| u.id), client, face).await?;
    let admitted = found
        .as_ref()
        .filter(|u| super::stored_role(u.staff_role, u.customer_role, u.customer_id).is_some_and(|r| face.admits(r)));
    let ok = passwords::verify(admitted.map(|u| u.password_hash.clone()), password).await;
    let user = match admitted {
        Some(u) if ok => u.clone(),
        _ => {
            let outcome = if found.is_some() {
                LoginOutcome::BadPassword
            } else {
                LoginOutcome::UnknownUser
            };
            record_attempt(&app.db, found.map(|u| u.id), &key, client, outcome, face).await?;
            return Err(LoginFailure::BadCredentials.into());
        }
    };
    if user.status != kabinet_core::access::UserStatus::Active {
        record_attempt(&app.db, Some(user.id), &key, client, LoginOutcome::Disabled, face).await?;
        return Err(LoginFailure::Disabled.into());
    }
    let challenge =
        second_factor::challenge_after_password(app, &user, face, second.remembered_device.as_deref(), now).await?;
    if let Some(challenge) = challenge {
        let Some(code) = &second.code else {
            record_attempt(
                &app.db,
                Some(user.id),
                &key,
                client,
                LoginOutcome::SecondFactorAsked,
                face,
            )
            .await?;
            return Err(LoginFailure::SecondFactor(challenge).into());
        };
        if challenge.enrolment.is_some() {
            return Err(LoginFailure::SecondFactorEnrolmentRequired.into());
        }
        let opened = second_factor::open_challenge(app, &challenge.token, now)
            .await?
            .ok_or(LoginFailure::SecondFactorExpired)?;
        check_answer(app, &opened, code, &key, client, face).await?;
    }
    open_session(app, user, &key, client, face).await
}

/// The per-account and per-address limits, checked before any password or code. Any failure
/// of the check itself refuses: a limit that cannot be read is not a reason to let an
/// unlimited number of guesses through.
async fn pace(
    app: &App,
    key: &str,
    user_id: Option<i64>,
    client: &ClientInfo,
    face: Face,
) -> Result<(), LoginFailureOr> {
    let cfg = &app.config;
    let window = Duration::minutes(cfg.login_window_minutes);
    let now = kabinet_store::now();
    match throttle::check_login(&app.db.conn, key, &client.ip, cfg.login_failures_allowed, window, now).await? {
        throttle::LoginPace::Refuse { retry_after_secs } => {
            record_attempt(&app.db, user_id, key, client, LoginOutcome::Throttled, face).await?;
            Err(LoginFailure::Throttled { retry_after_secs }.into())
        }
        throttle::LoginPace::Slow(delay) => {
            tokio::time::sleep(delay).await;
            Ok(())
        }
        throttle::LoginPace::Go => Ok(()),
    }
}

/// Checks a code against an open challenge, counting a wrong one like a wrong password.
async fn check_answer(
    app: &App,
    challenge: &second_factor::OpenChallenge,
    code: &str,
    key: &str,
    client: &ClientInfo,
    face: Face,
) -> Result<Option<Vec<String>>, LoginFailureOr> {
    match second_factor::answer_challenge(app, challenge, code, kabinet_store::now()).await {
        Ok(codes) => Ok(codes),
        Err(AppError::Refused(ErrorCode::BadSecondFactor)) => {
            record_attempt(
                &app.db,
                Some(challenge.user_id),
                key,
                client,
                LoginOutcome::BadSecondFactor,
                face,
            )
            .await?;
            Err(LoginFailure::BadSecondFactor.into())
        }
        Err(e) => Err(e.into()),
    }
}

/// The second step of a sign-in: the code typed on the code page for the challenge the
/// password step gave. `remember` asks for a token that lets this browser skip the code.
pub async fn answer_second_factor(
    app: &App,
    challenge_token: &str,
    code: &str,
    remember: bool,
    client: &ClientInfo,
) -> Result<CodeAccepted, LoginFailureOr> {
    let now = kabinet_store::now();
    let challenge = second_factor::open_challenge(app, challenge_token, now)
        .await?
        .ok_or(LoginFailure::SecondFactorExpired)?;
    let key = format!("user:{}", challenge.user_id);
    let face = challenge.face;
    pace(app, &key, Some(challenge.user_id), client, face).await?;
    let user = super::users::row(app, challenge.user_id).await?;
    if user.status != kabinet_core::access::UserStatus::Active {
        record_attempt(&app.db, Some(user.id), &key, client, LoginOutcome::Disabled, face).await?;
        return Err(LoginFailure::Disabled.into());
    }
    let recovery_codes = check_answer(app, &challenge, code, &key, client, face).await?;
    let user_id = user.id;
    let signed_in = open_session(app, user, &key, client, face).await?;
    let remembered_device = if remember {
        second_factor::remember_device(app, user_id).await?
    } else {
        None
    };
    Ok(CodeAccepted {
        signed_in,
        recovery_codes,
        remembered_device,
    })
}

async fn open_session(
    app: &App,
    user: user::Model,
    key: &str,
    client: &ClientInfo,
    face: Face,
) -> Result<SignedIn, LoginFailureOr> {
    let token = sessions::create(app, user.id, client).await?;
    record_attempt(&app.db, Some(user.id), key, client, LoginOutcome::Success, face).await?;
    let mut active: user::ActiveModel = user.clone().into();
    active.last_login_at = Set(Some(kabinet_store::now()));
    active.update(&app.db.conn).await?;
    let mut identity = Identity::from_user(&user.into()).ok_or(AppError::Forbidden)?;
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
