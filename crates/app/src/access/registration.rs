//! Self-registration of an individual customer (ACC-4): contract number, e-mail and mobile
//! phone. When the phone is the one on the contract, a login and password go to it by SMS;
//! otherwise the person is told to update their data with the provider.

use chrono::Duration;
use kabinet_core::privacy::{ConsentChannel, ConsentKind};
use kabinet_core::{email::Email, phone::Phone, text};
use kabinet_store::entities::customer::{self, Entity as Customer};
use kabinet_store::entities::user::{self, Entity as User};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter};

use super::users::{self, NewUser};
use super::{Actor, ClientInfo, passwords, throttle};
use crate::i18n::Lang;
use crate::notify::outbox::MASK;
use crate::notify::{Channel, OutgoingMessage};
use crate::{App, AppResult, FieldErrors};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Registration {
    /// A login was created and its password sent by SMS.
    PasswordSent { login: String },
    /// The phone is not the contract's (or the contract is unknown: the same answer, so
    /// contract numbers cannot be probed).
    PhoneMismatch,
    /// The contract already has a login with this e-mail or phone.
    AlreadyRegistered,
}

/// `consents`: the kinds of consent the person ticked on the form (PRV-2). When a processing
/// text is published, registering needs that consent; the grants are written with the login.
pub async fn register(
    app: &App,
    contract_number: &str,
    email: &str,
    phone: &str,
    consents: &[ConsentKind],
    lang: Lang,
    client: &ClientInfo,
) -> AppResult<Registration> {
    let mut errors = FieldErrors::new();
    let in_force = crate::privacy::consents::versions_in_force(app).await?;
    if in_force.contains_key(&ConsentKind::Processing) && !consents.contains(&ConsentKind::Processing) {
        errors.add("consent_processing", "consent-required");
    }
    let contract = text::one_line(contract_number, 50, true)
        .map_err(|p| errors.add("contract_number", &format!("text-{}", p.code().replace('_', "-"))))
        .ok()
        .flatten();
    let email = Email::parse(email)
        .map_err(|e| errors.add("email", &format!("email-{}", e.code().replace('_', "-"))))
        .ok();
    let phone = Phone::parse(phone)
        .map_err(|e| errors.add("phone", &format!("phone-{}", e.code().replace('_', "-"))))
        .ok();
    if let Some(p) = &phone
        && !p.is_mobile()
    {
        errors.add("phone", "phone-not-mobile");
    }
    errors.into_result()?;
    let (contract, email, phone) = (
        contract.unwrap_or_default(),
        email.expect("checked"),
        phone.expect("checked"),
    );
    throttle::hit(
        &app.db.conn,
        &format!("register-ip:{}", client.ip),
        10,
        Duration::hours(1),
    )
    .await?;

    let customer = Customer::find()
        .filter(customer::Column::ContractNumber.eq(contract.as_str()))
        .filter(customer::Column::Kind.eq(kabinet_core::crm::PartyKind::Individual))
        .filter(customer::Column::Status.eq(kabinet_core::crm::CustomerStatus::Active))
        .one(&app.db.conn)
        .await?;
    let Some(customer) = customer.filter(|c| c.phone.as_deref() == Some(phone.as_str())) else {
        return Ok(Registration::PhoneMismatch);
    };
    let taken = User::find()
        .filter(
            Condition::any()
                .add(user::Column::Email.eq(email.as_str()))
                .add(user::Column::Phone.eq(phone.as_str()))
                .add(user::Column::Login.eq(email.as_str())),
        )
        .one(&app.db.conn)
        .await?;
    if taken.is_some() {
        return Ok(Registration::AlreadyRegistered);
    }
    let actor = Actor::anonymous(&client.ip);
    let password = passwords::generate();
    let sms = OutgoingMessage {
        channel: Channel::Sms,
        recipient: phone.as_str().to_owned(),
        subject: None,
        body: lang.t_args(
            "msg-registration-password",
            &[("login", email.as_str().to_owned()), ("password", password.clone())],
        ),
        masked_body: Some(lang.t_args(
            "msg-registration-password",
            &[("login", email.as_str().to_owned()), ("password", MASK.to_owned())],
        )),
        user_id: None,
        idempotency_key: None,
        attachments: Vec::new(),
    };
    let prepared = users::prepare_customer_user(&NewUser {
        login: email.as_str().to_owned(),
        display_name: customer.name.clone(),
        email: Some(email.as_str().to_owned()),
        phone: Some(phone.as_str().to_owned()),
        password: Some(password),
        role: "coordinator".into(),
        language: Some(lang.code().into()),
        partner_id: None,
        must_change_password: true,
        password_hash: None,
    })
    .await;
    let prepared = match prepared {
        Ok(p) => p,
        Err(crate::AppError::Validation(_)) => return Ok(Registration::AlreadyRegistered),
        Err(e) => return Err(e),
    };
    let txn = app.db.write().await?;
    let created = match users::insert_prepared(&txn, &actor, prepared, Some(customer.id), None, true, vec![sms]).await {
        Ok(created) => created,
        Err(crate::AppError::Validation(_)) => return Ok(Registration::AlreadyRegistered),
        Err(e) => return Err(e),
    };
    // The consents ticked, under the texts in force, written with the login they belong to.
    for kind in consents {
        if let Some(version) = in_force.get(kind) {
            crate::privacy::consents::grant_in(
                &txn,
                &actor,
                created.user.id,
                *kind,
                *version,
                ConsentChannel::Registration,
            )
            .await?;
        }
    }
    txn.commit().await?;
    app.worker_wake.notify_one();
    Ok(Registration::PasswordSent {
        login: created.user.login,
    })
}
