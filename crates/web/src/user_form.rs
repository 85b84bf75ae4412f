//! The "new login" form, one shape wherever a login is made: a staff member in the back office,
//! a customer's login on its card, another login a customer makes for its own people.

use kabinet_app::access::users::NewUser;
use kabinet_app::{AppError, FieldErrors};
use serde::Deserialize;

use crate::form::{all_or_nothing, chosen_id, filled};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct UserForm {
    login: String,
    display_name: String,
    email: String,
    phone: String,
    /// Blank: one is generated and shown once.
    password: String,
    role: String,
    language: String,
    /// Staff of a partner (a dealer's people) only.
    partner_id: String,
}

impl UserForm {
    /// The login as typed; it must change its password at the first sign-in.
    pub fn checked(self) -> Result<NewUser, AppError> {
        let mut errors = FieldErrors::new();
        let partner_id = chosen_id(&mut errors, "partner_id", &self.partner_id);
        let user = NewUser {
            email: filled(&self.email),
            phone: filled(&self.phone),
            password: filled(&self.password),
            language: filled(&self.language),
            login: self.login,
            display_name: self.display_name,
            role: self.role,
            partner_id,
            must_change_password: true,
            password_hash: None,
        };
        all_or_nothing(errors, Some(user))
    }

    /// The role and the partner of a staff member whose role changes.
    pub fn role_change(self) -> Result<(String, Option<i64>), AppError> {
        let mut errors = FieldErrors::new();
        let partner_id = chosen_id(&mut errors, "partner_id", &self.partner_id);
        all_or_nothing(errors, Some((self.role, partner_id)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_partner_that_is_not_an_id_is_refused_not_dropped() {
        let form = UserForm {
            login: "ivanova".into(),
            partner_id: "dealer".into(),
            ..Default::default()
        };
        assert!(matches!(form.checked(), Err(AppError::Validation(e)) if e.get("partner_id").is_some()));
    }

    #[test]
    fn blank_contacts_and_password_are_none() {
        let form = UserForm {
            login: "ivanova".into(),
            email: "  ".into(),
            ..Default::default()
        };
        let user = form.checked().unwrap();
        assert_eq!((user.email, user.password, user.partner_id), (None, None, None));
        assert!(user.must_change_password);
    }
}
