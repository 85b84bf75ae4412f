//! Logins: staff users managed by admins, cabinet users managed by staff (a partner only for
//! its own customers), and what every user does to their own login.

use kabinet_core::ErrorCode;
use kabinet_core::access::Permission;
use kabinet_core::access::{CustomerRole, Role, StaffRole, UserStatus};
use kabinet_core::{email::Email, phone::Phone, text};
use kabinet_store::ConnectionTrait;
use kabinet_store::entities::user::{self, Entity as User};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use serde_json::json;

use super::{Actor, Identity, passwords, sessions};
use crate::access::views;
use crate::audit;
use crate::i18n::Lang;
use crate::listing::{Page, Sort};
use crate::notify::{OutgoingMessage, enqueue};
use crate::{App, AppError, AppResult, FieldErrors, customers};

/// What a form or the CLI submits to create a login.
#[derive(Debug, Clone, Default)]
pub struct NewUser {
    pub login: String,
    pub display_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// `None`: generate one to hand over.
    pub password: Option<String>,
    pub role: String,
    pub language: Option<String>,
    /// For a partner staff user: the partner it acts for.
    pub partner_id: Option<i64>,
    /// Whether the user must choose a new password at first login (on when someone else
    /// chose or generated it).
    pub must_change_password: bool,
    /// A ready argon2id hash of `password`, when the caller already has one (the demo loader
    /// hashes its one password once instead of once per user).
    pub password_hash: Option<String>,
}

pub struct CreatedUser {
    pub user: views::User,
    /// The generated password, when none was given: shown once to hand over.
    pub generated_password: Option<String>,
}

struct CheckedUser {
    password_hash: Option<String>,
    login: String,
    display_name: String,
    email: Option<String>,
    phone: Option<String>,
    password: Option<String>,
    language: Lang,
}

fn check_common(new: &NewUser, errors: &mut FieldErrors) -> CheckedUser {
    let login = text::login_name(&new.login)
        .map_err(|p| errors.add("login", &format!("login-{}", p.code().replace('_', "-"))))
        .unwrap_or_default();
    let display_name = text::one_line(&new.display_name, text::limits::NAME, true)
        .map_err(|p| errors.add("display_name", &format!("text-{}", p.code().replace('_', "-"))))
        .ok()
        .flatten()
        .unwrap_or_default();
    let email = new
        .email
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .and_then(|e| {
            Email::parse(e)
                .map(|e| e.as_str().to_owned())
                .map_err(|p| errors.add("email", &format!("email-{}", p.code().replace('_', "-"))))
                .ok()
        });
    let phone = new
        .phone
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .and_then(|p| {
            Phone::parse(p)
                .map(|p| p.as_str().to_owned())
                .map_err(|e| errors.add("phone", &format!("phone-{}", e.code().replace('_', "-"))))
                .ok()
        });
    let password = new.password.as_deref().filter(|p| !p.is_empty()).map(str::to_owned);
    if let Some(p) = &password {
        let mut context = vec![login.as_str(), display_name.as_str()];
        if let Some(e) = &email {
            context.push(e.as_str());
        }
        if let Err(AppError::Validation(v)) = passwords::check_policy(p, &context, "password") {
            errors.0.extend(v.0);
        }
    }
    let language = match new.language.as_deref().filter(|l| !l.is_empty()) {
        Some(l) => Lang::parse(l).unwrap_or_else(|| {
            errors.add("language", "invalid-choice");
            Lang::Ru
        }),
        None => Lang::Ru,
    };
    CheckedUser {
        password_hash: new.password_hash.clone(),
        login,
        display_name,
        email,
        phone,
        password,
        language,
    }
}

fn unique_violation_field(e: &kabinet_store::DbErr) -> Option<(&'static str, &'static str)> {
    if !kabinet_store::is_unique_violation(e) {
        return None;
    }
    let msg = e.to_string();
    Some(if msg.contains("email") {
        ("email", "email-taken")
    } else if msg.contains("phone") {
        ("phone", "phone-taken")
    } else {
        ("login", "login-taken")
    })
}

/// A login checked and its password hashed, ready to insert inside a caller's transaction
/// (so that a customer and its first login are created together or not at all).
pub struct PreparedUser {
    checked: CheckedUser,
    role: Role,
    hash: String,
    generated: Option<String>,
}

/// Hashes the password (or a generated one) of a checked login; no database work.
async fn prepare(checked: CheckedUser, role: Role) -> AppResult<PreparedUser> {
    let generated = checked.password.is_none().then(passwords::generate);
    let password = checked
        .password
        .clone()
        .or_else(|| generated.clone())
        .unwrap_or_default();
    let hash = match checked.password_hash.clone() {
        Some(h) => h,
        None => passwords::hash(&password).await?,
    };
    Ok(PreparedUser {
        checked,
        role,
        hash,
        generated,
    })
}

/// Checks and hashes a cabinet login of a customer that may not exist yet.
pub async fn prepare_customer_user(new: &NewUser) -> AppResult<PreparedUser> {
    let mut errors = FieldErrors::new();
    let checked = check_common(new, &mut errors);
    let role = new
        .role
        .parse::<CustomerRole>()
        .map_err(|_| errors.add("role", "invalid-choice"))
        .ok();
    errors.into_result()?;
    prepare(checked, Role::Customer(role.expect("checked above"))).await
}

/// Inserts a prepared login inside `txn` with its audit record and `messages` to it.
pub async fn insert_prepared<C: ConnectionTrait>(
    txn: &C,
    actor: &Actor,
    p: PreparedUser,
    customer_id: Option<i64>,
    partner_id: Option<i64>,
    must_change: bool,
    messages: Vec<OutgoingMessage>,
) -> AppResult<CreatedUser> {
    let now = kabinet_store::now();
    let (staff_role, customer_role) = match p.role {
        Role::Staff(r) => (Some(r), None),
        Role::Customer(r) => (None, Some(r)),
    };
    let created = user::ActiveModel {
        login: Set(p.checked.login),
        email: Set(p.checked.email),
        phone: Set(p.checked.phone),
        display_name: Set(p.checked.display_name),
        password_hash: Set(p.hash),
        staff_role: Set(staff_role),
        customer_id: Set(customer_id),
        customer_role: Set(customer_role),
        partner_id: Set(partner_id),
        language: Set(p.checked.language.code().to_owned()),
        status: Set(kabinet_core::access::UserStatus::Active),
        must_change_password: Set(must_change || p.generated.is_some()),
        created_at: Set(now),
        updated_at: Set(now),
        password_changed_at: Set(now),
        last_login_at: Set(None),
        ..Default::default()
    }
    .insert(txn)
    .await
    .map_err(|e| match unique_violation_field(&e) {
        Some((field, code)) => FieldErrors::single(field, code),
        None => e.into(),
    })?;
    audit::record(
        txn,
        actor,
        "user.create",
        "user",
        Some(created.id),
        json!({"login": created.login, "role": p.role.as_str(), "customer_id": customer_id, "partner_id": partner_id, "email": created.email, "phone": created.phone}),
    )
    .await?;
    for mut m in messages {
        m.user_id = Some(created.id);
        enqueue(txn, m).await?;
    }
    Ok(CreatedUser {
        user: created.into(),
        generated_password: p.generated,
    })
}

#[allow(clippy::too_many_arguments)]
async fn insert(
    app: &App,
    actor: &Actor,
    checked: CheckedUser,
    role: Role,
    customer_id: Option<i64>,
    partner_id: Option<i64>,
    must_change: bool,
    messages: Vec<OutgoingMessage>,
) -> AppResult<CreatedUser> {
    let prepared = prepare(checked, role).await?;
    let queued = !messages.is_empty();
    let txn = app.db.write().await?;
    let created = insert_prepared(&txn, actor, prepared, customer_id, partner_id, must_change, messages).await?;
    txn.commit().await?;
    if queued {
        app.worker_wake.notify_one();
    }
    Ok(created)
}

/// Whether `partner_id` names an existing partner (a partner login needs one).
async fn partner_exists(app: &App, partner_id: Option<i64>) -> AppResult<bool> {
    let Some(id) = partner_id else {
        return Ok(false);
    };
    Ok(kabinet_store::entities::partner::Entity::find_by_id(id)
        .one(&app.db.conn)
        .await?
        .is_some())
}

/// Creates a staff user (admins only; the route checks the permission).
pub async fn create_staff(app: &App, actor: &Actor, new: NewUser) -> AppResult<CreatedUser> {
    actor.require(&[Permission::StaffUsersManage])?;
    let mut errors = FieldErrors::new();
    let checked = check_common(&new, &mut errors);
    let role = new
        .role
        .parse::<StaffRole>()
        .map_err(|_| errors.add("role", "invalid-choice"))
        .ok();
    if role == Some(StaffRole::Partner) && !partner_exists(app, new.partner_id).await? {
        errors.add("partner_id", "partner-required");
    }
    errors.into_result()?;
    let role = role.expect("checked above");
    let partner_id = if role == StaffRole::Partner {
        new.partner_id
    } else {
        None
    };
    insert(
        app,
        actor,
        checked,
        Role::Staff(role),
        None,
        partner_id,
        new.must_change_password,
        vec![],
    )
    .await
}

/// Creates a cabinet login for a customer `who` may see. A password the product made up is
/// also sent by SMS to the new login's phone (when it has one), masked in the outbox once
/// delivered; the page that made it shows it once as well.
pub async fn create_for_customer(
    app: &App,
    who: &Identity,
    actor: &Actor,
    customer_id: i64,
    new: NewUser,
) -> AppResult<CreatedUser> {
    who.require(&[Permission::CustomerUsersManage, Permission::CabinetManageUsers])?;
    customers::get_visible(app, who, customer_id).await?;
    let prepared = prepare_customer_user(&new).await?;
    let messages = credentials_by_sms(&prepared).into_iter().collect();
    insert_customer_user(app, actor, customer_id, prepared, messages).await
}

/// The SMS that hands a new login its made-up password.
fn credentials_by_sms(p: &PreparedUser) -> Option<OutgoingMessage> {
    let (Some(password), Some(phone)) = (&p.generated, &p.checked.phone) else {
        return None;
    };
    let lang = p.checked.language;
    let text = |secret: String| {
        lang.t_args(
            "msg-new-login-password",
            &[("login", p.checked.login.clone()), ("password", secret)],
        )
    };
    Some(OutgoingMessage {
        channel: kabinet_core::notify::Channel::Sms,
        recipient: phone.clone(),
        subject: None,
        body: text(password.clone()),
        masked_body: Some(text(crate::notify::outbox::MASK.to_owned())),
        user_id: None,
        idempotency_key: None,
        attachments: Vec::new(),
    })
}

/// Creates a cabinet login of `customer_id` without scoping it to a caller (the callers do:
/// staff through [`create_for_customer`], self-registration through the contract check),
/// queueing `messages` to the new user in the same transaction.
pub async fn create_customer_user(
    app: &App,
    actor: &Actor,
    customer_id: i64,
    new: NewUser,
    messages: Vec<OutgoingMessage>,
) -> AppResult<CreatedUser> {
    let prepared = prepare_customer_user(&new).await?;
    insert_customer_user(app, actor, customer_id, prepared, messages).await
}

async fn insert_customer_user(
    app: &App,
    actor: &Actor,
    customer_id: i64,
    prepared: PreparedUser,
    messages: Vec<OutgoingMessage>,
) -> AppResult<CreatedUser> {
    let queued = !messages.is_empty();
    let txn = app.db.write().await?;
    let created = insert_prepared(&txn, actor, prepared, Some(customer_id), None, true, messages).await?;
    txn.commit().await?;
    if queued {
        app.worker_wake.notify_one();
    }
    Ok(created)
}

/// A user `who` may manage: admins any staff user; staff with the customer-users permission
/// the cabinet users of customers they see. Anything else is "not found".
pub async fn get_manageable(app: &App, who: &Identity, user_id: i64) -> AppResult<views::User> {
    manageable_row(app, who, user_id).await.map(Into::into)
}

/// [`manageable_row`] for a change: an erased login stays as erasure left it (no password, no
/// enabling, no new role), so the person cannot be brought back by a slip.
async fn changeable_row(app: &App, who: &Identity, user_id: i64) -> AppResult<user::Model> {
    let target = manageable_row(app, who, user_id).await?;
    if target.erased_at.is_some() {
        return Err(AppError::Conflict(ErrorCode::AlreadyErased));
    }
    Ok(target)
}

/// The row behind [`get_manageable`], for the use cases that change it.
pub(crate) async fn manageable_row(app: &App, who: &Identity, user_id: i64) -> AppResult<user::Model> {
    let target = User::find_by_id(user_id)
        .one(&app.db.conn)
        .await?
        .ok_or(AppError::NotFound)?;
    if target.id == who.user_id {
        // Nobody disables, demotes or resets themselves through management screens.
        return Err(AppError::Refused(ErrorCode::CannotManageSelf));
    }
    match target.customer_id {
        Some(cid) => {
            customers::get_visible(app, who, cid).await?;
        }
        None => {
            if who.role != Role::Staff(StaffRole::Admin) {
                return Err(AppError::NotFound);
            }
        }
    }
    Ok(target)
}

/// Disables or re-enables a login; disabling ends its sessions at once.
pub async fn set_active(
    app: &App,
    who: &Identity,
    actor: &Actor,
    user_id: i64,
    active: bool,
) -> AppResult<views::User> {
    who.require(&[
        Permission::StaffUsersManage,
        Permission::CustomerUsersManage,
        Permission::CabinetManageUsers,
    ])?;
    let target = changeable_row(app, who, user_id).await?;
    let before = target.status;
    let after = if active {
        UserStatus::Active
    } else {
        UserStatus::Disabled
    };
    let txn = app.db.write().await?;
    let mut m: user::ActiveModel = target.into();
    m.status = Set(after);
    m.updated_at = Set(kabinet_store::now());
    let updated = m.update(&txn).await?;
    if !active {
        sessions::end_others(&txn, user_id, None).await?;
    }
    audit::record(
        &txn,
        actor,
        if active { "user.enable" } else { "user.disable" },
        "user",
        Some(user_id),
        audit::diff(&[("status", json!(before), json!(after))]),
    )
    .await?;
    txn.commit().await?;
    app.sessions.forget_user(user_id);
    Ok(updated.into())
}

/// Changes a staff user's role (admins only).
pub async fn change_staff_role(
    app: &App,
    who: &Identity,
    actor: &Actor,
    user_id: i64,
    role: &str,
    partner_id: Option<i64>,
) -> AppResult<views::User> {
    who.require(&[Permission::StaffUsersManage])?;
    let target = changeable_row(app, who, user_id).await?;
    if target.customer_id.is_some() {
        return Err(AppError::NotFound);
    }
    let role = role
        .parse::<StaffRole>()
        .map_err(|_| FieldErrors::single("role", "invalid-choice"))?;
    if role == StaffRole::Partner && !partner_exists(app, partner_id).await? {
        return Err(FieldErrors::single("partner_id", "partner-required"));
    }
    let before = (target.staff_role, target.partner_id);
    let txn = app.db.write().await?;
    let mut m: user::ActiveModel = target.into();
    m.staff_role = Set(Some(role));
    m.partner_id = Set(if role == StaffRole::Partner { partner_id } else { None });
    m.updated_at = Set(kabinet_store::now());
    let updated = m.update(&txn).await?;
    // A new role means new rights: sessions opened under the old one end.
    sessions::end_others(&txn, user_id, None).await?;
    audit::record(
        &txn,
        actor,
        "user.change_role",
        "user",
        Some(user_id),
        audit::diff(&[
            ("role", json!(before.0), json!(role.as_str())),
            ("partner_id", json!(before.1), json!(updated.partner_id)),
        ]),
    )
    .await?;
    txn.commit().await?;
    app.sessions.forget_user(user_id);
    Ok(updated.into())
}

/// Sets a new generated password to hand over, forces a change at next login and ends the
/// user's sessions. Returns the password.
pub async fn reset_password(app: &App, who: &Identity, actor: &Actor, user_id: i64) -> AppResult<String> {
    who.require(&[
        Permission::StaffUsersManage,
        Permission::CustomerUsersManage,
        Permission::CabinetManageUsers,
    ])?;
    let target = changeable_row(app, who, user_id).await?;
    let password = passwords::generate();
    set_password_hash(app, actor, target, &password, true, "user.reset_password", None).await?;
    Ok(password)
}

async fn set_password_hash(
    app: &App,
    actor: &Actor,
    target: user::Model,
    password: &str,
    must_change: bool,
    action: &str,
    keep_session: Option<&str>,
) -> AppResult<()> {
    let hash = passwords::hash(password).await?;
    let user_id = target.id;
    let now = kabinet_store::now();
    let txn = app.db.write().await?;
    let mut m: user::ActiveModel = target.into();
    m.password_hash = Set(hash);
    m.must_change_password = Set(must_change);
    m.password_changed_at = Set(now);
    m.updated_at = Set(now);
    m.update(&txn).await?;
    sessions::end_others(&txn, user_id, keep_session).await?;
    audit::record(
        &txn,
        actor,
        action,
        "user",
        Some(user_id),
        json!({"must_change_password": must_change}),
    )
    .await?;
    txn.commit().await?;
    app.sessions.forget_user(user_id);
    Ok(())
}

/// Changes the caller's own password. The current password is required, except in the forced
/// change right after a login with a handed-over password or a recovery code, where the fresh
/// session is the proof. Every other session of the user ends.
pub async fn change_own_password(
    app: &App,
    who: &Identity,
    actor: &Actor,
    current: &str,
    new: &str,
    confirm: &str,
) -> AppResult<()> {
    who.refuse_if_acting()?;
    let me = User::find_by_id(who.user_id)
        .one(&app.db.conn)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let mut errors = FieldErrors::new();
    if !me.must_change_password && !passwords::verify(Some(me.password_hash.clone()), current).await {
        errors.add("current_password", "password-current-wrong");
    }
    let mut context = vec![me.login.as_str(), me.display_name.as_str()];
    if let Some(e) = &me.email {
        context.push(e.as_str());
    }
    if let Err(AppError::Validation(v)) = passwords::check_policy(new, &context, "new_password") {
        errors.0.extend(v.0);
    } else if new != confirm {
        errors.add("confirm_password", "password-mismatch");
    }
    if errors.is_empty() && passwords::verify(Some(me.password_hash.clone()), new).await {
        errors.add("new_password", "password-same-as-old");
    }
    errors.into_result()?;
    set_password_hash(
        app,
        actor,
        me,
        new,
        false,
        "user.change_password",
        who.session_id.as_deref(),
    )
    .await
}

/// What became of a new mobile phone typed in the settings.
#[derive(Debug)]
pub enum PhoneChange {
    /// Cleared, or the same number again: saved at once.
    Saved(Box<views::User>),
    /// A code went to the new number by SMS; the number is saved when the code comes back
    /// ([`confirm_own_phone`]).
    CodeSent { phone: String },
}

/// How many codes for a new number one person may ask for in an hour.
const PHONE_CODES_PER_HOUR: i64 = 5;

/// A code proves the person holds this very number: its purpose names it (hashed to fit the
/// purpose's 20 characters).
fn phone_code_purpose(phone: &str) -> String {
    format!("phone:{}", &passwords::sha256_hex(phone)[..14])
}

/// A phone typed into `field`, in E.164; blank is none.
fn typed_phone(field: &str, typed: &str) -> AppResult<Option<String>> {
    match typed.trim() {
        "" => Ok(None),
        p => Phone::parse(p)
            .map(|p| Some(p.as_str().to_owned()))
            .map_err(|e| FieldErrors::single(field, &format!("phone-{}", e.code().replace('_', "-")))),
    }
}

/// The caller's mobile phone (their contact and sign-in phone), typed in the settings. A new
/// number must be proved: a code goes to it by SMS and nothing changes until it comes back.
/// Clearing the number needs no code.
pub async fn ask_own_phone_change(app: &App, who: &Identity, actor: &Actor, typed: &str) -> AppResult<PhoneChange> {
    who.refuse_if_acting()?;
    let Some(phone) = typed_phone("phone", typed)? else {
        return save_own_number(app, who, actor, OwnNumber::Mobile, None)
            .await
            .map(|u| PhoneChange::Saved(Box::new(u)));
    };
    if !Phone::parse(&phone).is_ok_and(|p| p.is_mobile()) {
        return Err(FieldErrors::single("phone", "phone-not-mobile"));
    }
    let me = get(app, who.user_id).await?;
    if me.phone.as_deref() == Some(phone.as_str()) {
        return Ok(PhoneChange::Saved(Box::new(me)));
    }
    let taken = User::find()
        .filter(user::Column::Phone.eq(phone.as_str()))
        .filter(user::Column::Id.ne(who.user_id))
        .count(&app.db.conn)
        .await?
        > 0;
    if taken {
        return Err(FieldErrors::single("phone", "phone-taken"));
    }
    super::throttle::hit(
        &app.db.conn,
        &format!("phone-change-code:{}", who.user_id),
        PHONE_CODES_PER_HOUR,
        chrono::Duration::hours(1),
    )
    .await?;
    let txn = app.db.write().await?;
    super::one_time_codes::send_by_sms(
        &txn,
        who.user_id,
        &phone_code_purpose(&phone),
        &phone,
        who.language,
        "msg-phone-change-code",
        &[],
    )
    .await?;
    txn.commit().await?;
    app.worker_wake.notify_one();
    Ok(PhoneChange::CodeSent { phone })
}

/// Saves the new mobile number once the code sent to it comes back. A wrong code counts a try
/// (five, then a new code is needed); an expired one is refused.
pub async fn confirm_own_phone(
    app: &App,
    who: &Identity,
    actor: &Actor,
    typed_phone_number: &str,
    code: &str,
) -> AppResult<views::User> {
    who.refuse_if_acting()?;
    let phone = typed_phone("phone", typed_phone_number)?.ok_or_else(|| FieldErrors::single("phone", "phone-empty"))?;
    super::one_time_codes::redeem(app, who.user_id, &phone_code_purpose(&phone), code).await?;
    save_own_number(app, who, actor, OwnNumber::Mobile, Some(phone)).await
}

/// The caller's landline phone from the contract; no code (it cannot receive one), but the
/// service centre gets the same written notice.
pub async fn update_own_landline(app: &App, who: &Identity, actor: &Actor, typed: &str) -> AppResult<views::User> {
    who.refuse_if_acting()?;
    let phone = typed_phone("landline_phone", typed)?;
    save_own_number(app, who, actor, OwnNumber::Landline, phone).await
}

/// The two numbers a person keeps in the settings.
#[derive(Debug, Clone, Copy)]
enum OwnNumber {
    Mobile,
    Landline,
}

/// Saves one of the caller's numbers, audited; a customer's new number also reaches the
/// service centre as a written notice (ORD-2) in the same transaction.
async fn save_own_number(
    app: &App,
    who: &Identity,
    actor: &Actor,
    which: OwnNumber,
    phone: Option<String>,
) -> AppResult<views::User> {
    use kabinet_core::requests::RequestKind;
    let (field, action, notice) = match which {
        OwnNumber::Mobile => ("phone", "user.change_phone", RequestKind::ContactPhoneChange),
        OwnNumber::Landline => (
            "landline_phone",
            "user.change_landline",
            RequestKind::LandlinePhoneChange,
        ),
    };
    let me = User::find_by_id(who.user_id)
        .one(&app.db.conn)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let before = match which {
        OwnNumber::Mobile => me.phone.clone(),
        OwnNumber::Landline => me.landline_phone.clone(),
    };
    if before == phone {
        return Ok(me.into());
    }
    let txn = app.db.write().await?;
    let mut m: user::ActiveModel = me.into();
    match which {
        OwnNumber::Mobile => m.phone = Set(phone.clone()),
        OwnNumber::Landline => m.landline_phone = Set(phone.clone()),
    }
    m.updated_at = Set(kabinet_store::now());
    let updated = m.update(&txn).await.map_err(|e| match unique_violation_field(&e) {
        Some(_) => FieldErrors::single(field, "phone-taken"),
        None => e.into(),
    })?;
    audit::record(
        &txn,
        actor,
        action,
        "user",
        Some(who.user_id),
        audit::diff(&[(field, json!(before), json!(phone))]),
    )
    .await?;
    if let (Some(customer_id), Some(p)) = (who.customer_id, &phone) {
        crate::requests::filing::notice_of_phone(&txn, actor, customer_id, who.user_id, notice, p).await?;
    }
    txn.commit().await?;
    Ok(updated.into())
}

/// Sets the time zone the caller reads times in (blank: back to the customer's or the
/// product's).
pub async fn set_own_time_zone(app: &App, who: &Identity, actor: &Actor, time_zone: &str) -> AppResult<views::User> {
    let time_zone = match time_zone.trim() {
        "" => None,
        tz if kabinet_core::time::zone(tz).is_some() && tz.len() <= 64 => Some(tz.to_owned()),
        _ => return Err(FieldErrors::single("time_zone", "time-zone-unknown")),
    };
    save_own_setting(app, who, actor, "user.change_time_zone", "time_zone", |m| {
        let before = json!(m.time_zone);
        m.time_zone = time_zone.clone();
        (before, json!(time_zone))
    })
    .await
}

/// Sets the calendar the caller reads dates in; blank returns to the language's.
pub async fn set_own_calendar(app: &App, who: &Identity, actor: &Actor, calendar: &str) -> AppResult<views::User> {
    let calendar = match calendar.trim() {
        "" => None,
        typed => Some(
            kabinet_core::dates::CalendarSystem::parse(typed)
                .ok_or_else(|| FieldErrors::single("calendar", "invalid-choice"))?,
        ),
    };
    save_own_setting(app, who, actor, "user.change_calendar", "calendar", |m| {
        let before = json!(m.calendar.map(|c| c.as_str()));
        m.calendar = calendar;
        (before, json!(calendar.map(|c| c.as_str())))
    })
    .await
}

/// Sets how the caller prefers to be told about their account (SMS, WhatsApp or e-mail);
/// blank leaves it to the product. WhatsApp only when it is offered, and each channel only
/// with the phone or e-mail it needs.
pub async fn set_own_contact_channel(app: &App, who: &Identity, actor: &Actor, typed: &str) -> AppResult<views::User> {
    use kabinet_core::notify::ContactChannel;
    let chosen = match typed.trim() {
        "" => None,
        typed => Some(
            typed
                .parse::<ContactChannel>()
                .ok()
                .filter(|c| *c != ContactChannel::Whatsapp || app.channels.offers_whatsapp())
                .ok_or_else(|| FieldErrors::single("contact_channel", "invalid-choice"))?,
        ),
    };
    let me = get(app, who.user_id).await?;
    let reachable = match chosen {
        Some(ContactChannel::Sms | ContactChannel::Whatsapp) => me.phone.is_some(),
        Some(ContactChannel::Email) => me.email.is_some(),
        None => true,
    };
    if !reachable {
        return Err(FieldErrors::single("contact_channel", "contact-channel-unreachable"));
    }
    save_own_setting(app, who, actor, "user.change_contact_channel", "contact_channel", |m| {
        let before = json!(m.contact_channel.map(|c| c.as_str()));
        m.contact_channel = chosen;
        (before, json!(chosen.map(|c| c.as_str())))
    })
    .await
}

/// Saves one of the caller's own reading settings (`apply` changes the row and returns the
/// value before and after), audited as `action`; not during a staff visit.
async fn save_own_setting(
    app: &App,
    who: &Identity,
    actor: &Actor,
    action: &str,
    field: &str,
    apply: impl FnOnce(&mut user::Model) -> (serde_json::Value, serde_json::Value),
) -> AppResult<views::User> {
    who.refuse_if_acting()?;
    let mut me = User::find_by_id(who.user_id)
        .one(&app.db.conn)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let (before, after) = apply(&mut me);
    let txn = app.db.write().await?;
    let mut m: user::ActiveModel = me.into();
    for setting in [
        user::Column::TimeZone,
        user::Column::Calendar,
        user::Column::ContactChannel,
    ] {
        m.reset(setting);
    }
    m.updated_at = Set(kabinet_store::now());
    let updated = m.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        action,
        "user",
        Some(who.user_id),
        audit::diff(&[(field, before, after)]),
    )
    .await?;
    txn.commit().await?;
    app.sessions.forget_user(who.user_id);
    Ok(updated.into())
}

/// Remembers the caller's language choice. A staff member visiting a customer's cabinet
/// changes only the page's language (the cookie), never the login's.
pub async fn set_language(app: &App, who: &Identity, lang: Lang) -> AppResult<()> {
    if who.acting_staff.is_some() {
        return Ok(());
    }
    User::update_many()
        .col_expr(user::Column::Language, sea_orm::sea_query::Expr::value(lang.code()))
        .filter(user::Column::Id.eq(who.user_id))
        .exec(&app.db.conn)
        .await?;
    app.sessions.forget_user(who.user_id);
    Ok(())
}

pub async fn get(app: &App, user_id: i64) -> AppResult<views::User> {
    row(app, user_id).await.map(Into::into)
}

/// The row behind [`get`], for the use cases that change it.
pub(crate) async fn row(app: &App, user_id: i64) -> AppResult<user::Model> {
    User::find_by_id(user_id)
        .one(&app.db.conn)
        .await?
        .ok_or(AppError::NotFound)
}

/// Staff users, optionally filtered by role and a search over login and name.
/// Columns the staff list sorts by.
pub const STAFF_SORTS: [&str; 4] = ["login", "name", "role", "last_login"];

pub async fn list_staff(
    app: &App,
    role: Option<&str>,
    search: Option<&str>,
    sort: &Sort,
    page: u64,
    per_page: u64,
) -> AppResult<Page<views::User>> {
    let mut q = User::find().filter(user::Column::StaffRole.is_not_null());
    if let Some(r) = role.filter(|r| !r.is_empty()) {
        q = q.filter(user::Column::StaffRole.eq(r));
    }
    if let Some(words) = search.and_then(kabinet_core::search::SearchQuery::parse) {
        // Login, name, e-mail or phone, any case and any part (CRM-3's rules).
        q = q.filter(kabinet_store::search::condition(user::Column::SearchText, &words));
    }
    let column = match sort.key {
        "name" => user::Column::DisplayName,
        "role" => user::Column::StaffRole,
        "last_login" => user::Column::LastLoginAt,
        _ => user::Column::Login,
    };
    let paginator = q
        .order_by(column, sort.order())
        .order_by_asc(user::Column::Id)
        .paginate(&app.db.conn, per_page);
    let total = paginator.num_items().await?;
    let items = paginator.fetch_page(page.saturating_sub(1)).await?;
    Ok(Page {
        items: items.into_iter().map(Into::into).collect(),
        total,
        page: page.max(1),
        per_page,
    })
}
