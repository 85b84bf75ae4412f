//! The forms of the customer, licence and counterparty pages, each a struct of the fields it
//! sends, checked into the use case's input in one step that reports every field's problem at
//! once. A refused form is shown again from what was typed, so nothing typed is lost.

use kabinet_app::access::users::NewUser;
use kabinet_app::assets::licences::NewLicence;
use kabinet_app::assets::router::RouterSettings;
use kabinet_app::crm::counterparties::CounterpartyInput;
use kabinet_app::customers::NewCustomer;
use kabinet_app::{AppError, FieldErrors};
use kabinet_core::money::Currency;
use serde::Deserialize;

use crate::form::{all_or_nothing, chosen_id, filled, ticked};

/// The customer's own fields: the new-customer form and the edit form send the same ones.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CustomerForm {
    kind: String,
    name: String,
    contract_number: String,
    contract_date: String,
    contact_person: String,
    phone: String,
    email: String,
    city: String,
    address: String,
    national_id: String,
    partner_id: String,
    support_group: String,
    activity: String,
    growth_potential: String,
    chain: String,
    counterparty_inn: String,
    counterparty_kpp: String,
    language: String,
    time_zone: String,
    country: String,
    status: String,
}

impl CustomerForm {
    /// The customer as typed; a date or a partner that does not parse is noted in `errors`
    /// and left out, so the use case still reports every other field's problem with it.
    pub fn read(self, errors: &mut FieldErrors) -> NewCustomer {
        let contract_date = match self.contract_date.trim() {
            "" => None,
            typed => errors.date("contract_date", typed),
        };
        NewCustomer {
            partner_id: chosen_id(errors, "partner_id", &self.partner_id),
            contract_date,
            chain: ticked(&self.chain),
            contact_person: filled(&self.contact_person),
            phone: filled(&self.phone),
            email: filled(&self.email),
            city: filled(&self.city),
            address: filled(&self.address),
            national_id: filled(&self.national_id),
            support_group: filled(&self.support_group),
            activity: filled(&self.activity),
            growth_potential: filled(&self.growth_potential),
            counterparty_inn: filled(&self.counterparty_inn),
            counterparty_kpp: filled(&self.counterparty_kpp),
            time_zone: filled(&self.time_zone),
            country: filled(&self.country),
            status: filled(&self.status),
            kind: self.kind,
            name: self.name,
            contract_number: self.contract_number,
            language: self.language,
        }
    }

    /// The customer as typed, or every field's problem.
    pub fn checked(self) -> Result<NewCustomer, AppError> {
        let mut errors = FieldErrors::new();
        let customer = self.read(&mut errors);
        all_or_nothing(errors, Some(customer))
    }
}

/// What the new-customer form adds to the customer: the first account and the first login.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct OpeningForm {
    currency: String,
    account_title: String,
    user_login: String,
    user_display_name: String,
    user_password: String,
    // The login's contacts and language are the customer's.
    contact_person: String,
    email: String,
    phone: String,
    language: String,
}

impl OpeningForm {
    /// The account's currency (a problem in `errors` when it is not one we keep) and title.
    pub fn account(&self, errors: &mut FieldErrors) -> (Currency, String) {
        // A placeholder beside the noted problem: nothing is opened while there is one.
        let currency = errors.choice("currency", &self.currency).unwrap_or(Currency::Rub);
        (currency, self.account_title.clone())
    }

    /// The first cabinet login, when a login name is given; a coordinator of the customer.
    pub fn first_login(self) -> Option<NewUser> {
        let login = filled(&self.user_login)?;
        Some(NewUser {
            login,
            display_name: filled(&self.user_display_name)
                .or_else(|| filled(&self.contact_person))
                .unwrap_or_default(),
            email: filled(&self.email),
            phone: filled(&self.phone),
            password: filled(&self.user_password),
            role: "coordinator".into(),
            language: filled(&self.language),
            ..Default::default()
        })
    }
}

/// A point and its licence: the licence page's form, and the new-customer form's optional
/// first licence (the same fields there, each under `licence_`).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LicenceForm {
    kind: String,
    point_name: String,
    point_address: String,
    cabinet_type: String,
    period: String,
    router_ownership: String,
    demo: String,
    plan_id: String,
    account_id: String,
    request_token: String,
}

impl LicenceForm {
    /// Whether a licence kind was chosen (the new-customer form opens none otherwise).
    pub fn is_chosen(&self) -> bool {
        !self.kind.trim().is_empty()
    }

    /// The form's one-time token (blank on the new-customer form).
    pub fn request_token(&self) -> &str {
        &self.request_token
    }

    /// The licence as typed, with its ticked modules; an id that does not parse is noted in
    /// `errors`.
    pub fn read(self, customer_id: i64, modules: Vec<String>, errors: &mut FieldErrors) -> NewLicence {
        NewLicence {
            customer_id,
            plan_id: chosen_id(errors, "plan_id", &self.plan_id),
            account_id: chosen_id(errors, "account_id", &self.account_id),
            point_address: filled(&self.point_address),
            demo: ticked(&self.demo),
            request_token: filled(&self.request_token),
            kind: self.kind,
            point_name: self.point_name,
            cabinet_type: self.cabinet_type,
            period: self.period,
            router_ownership: self.router_ownership,
            modules,
        }
    }

    /// The licence as typed, or every field's problem.
    pub fn checked(self, customer_id: i64, modules: Vec<String>) -> Result<NewLicence, AppError> {
        let mut errors = FieldErrors::new();
        let licence = self.read(customer_id, modules, &mut errors);
        all_or_nothing(errors, Some(licence))
    }
}

/// Where a licence's router answers its API.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RouterForm {
    router_host: String,
    router_port: String,
    router_user: String,
    /// Blank keeps the stored one.
    router_password: String,
}

impl RouterForm {
    pub fn checked(self) -> Result<RouterSettings, AppError> {
        let mut errors = FieldErrors::new();
        let port = match self.router_port.trim() {
            "" => Some(None),
            typed => match typed.parse::<u16>() {
                Ok(port) => Some(Some(port)),
                Err(_) => {
                    errors.add("router_port", "invalid-number");
                    None
                }
            },
        };
        let settings = port.map(|port| RouterSettings {
            host: self.router_host,
            port,
            user: self.router_user,
            password: filled(&self.router_password),
        });
        all_or_nothing(errors, settings)
    }
}

/// A counterparty's requisites, or the "fetch by INN" button of the same form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CounterpartyForm {
    /// `lookup`: fill the form from the company registry instead of saving it.
    action: String,
    kind: String,
    inn: String,
    kpp: String,
    ogrn: String,
    full_name: String,
    short_name: String,
    legal_address: String,
    bank_name: String,
    bik: String,
    bank_account: String,
    correspondent_account: String,
    emails: String,
}

impl CounterpartyForm {
    /// The INN to look up in the registry, when the form asked for that.
    pub fn lookup(&self) -> Option<&str> {
        (self.action == "lookup").then_some(self.inn.as_str())
    }

    /// The requisites as typed; the use case checks each and reports every problem.
    pub fn input(self) -> CounterpartyInput {
        CounterpartyInput {
            kind: self.kind,
            inn: self.inn,
            kpp: self.kpp,
            ogrn: self.ogrn,
            full_name: self.full_name,
            short_name: self.short_name,
            legal_address: self.legal_address,
            bank_name: self.bank_name,
            bik: self.bik,
            bank_account: self.bank_account,
            correspondent_account: self.correspondent_account,
            emails: self.emails,
        }
    }
}

/// Deleting a licence: the form repeats the licence's key id, a deliberate act and not a
/// stray click.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DeleteForm {
    pub confirm: String,
}

/// Linking a hotspot licence with the radar licence of the same point.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LinkForm {
    radar_id: String,
}

impl LinkForm {
    pub fn radar(&self) -> Result<i64, AppError> {
        let mut errors = FieldErrors::new();
        let radar = errors.choice("radar_id", &self.radar_id);
        all_or_nothing(errors, radar)
    }
}

/// Staff moving an asset to another status (suspend, resume, cancel), saying why.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct StatusForm {
    pub status: String,
    pub reason: String,
}

impl StatusForm {
    pub fn status(&self) -> Result<kabinet_core::assets::AssetStatus, AppError> {
        let mut errors = FieldErrors::new();
        let status = errors.choice("status", &self.status);
        all_or_nothing(errors, status)
    }
}

/// A comment on a customer's card.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CommentForm {
    pub kind: String,
    pub text: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::FormData;

    use crate::form::refused_fields as fields;

    #[test]
    fn a_customer_form_reports_the_date_and_the_partner_together() {
        let form = CustomerForm {
            contract_date: "31.02.2026".into(),
            partner_id: "the big one".into(),
            ..Default::default()
        };
        assert_eq!(fields(form.checked().unwrap_err()), ["contract_date", "partner_id"]);
    }

    #[test]
    fn blank_optional_fields_are_none_and_text_is_trimmed() {
        let form = CustomerForm {
            phone: "   ".into(),
            city: "  Kazan ".into(),
            chain: "on".into(),
            ..Default::default()
        };
        let customer = form.checked().unwrap();
        assert_eq!(customer.phone, None);
        assert_eq!(customer.city.as_deref(), Some("Kazan"));
        assert!(customer.chain);
        assert_eq!(customer.contract_date, None);
    }

    #[test]
    fn the_first_licence_is_read_from_its_own_group_of_fields() {
        let form = FormData(vec![
            ("kind".into(), "legal_entity".into()),
            ("licence_kind".into(), "hotspot".into()),
            ("licence_plan_id".into(), "7".into()),
        ]);
        let licence: LicenceForm = form.group("licence_").typed().unwrap();
        assert!(licence.is_chosen());
        let new = licence.checked(3, vec![]).unwrap();
        assert_eq!(
            (new.kind.as_str(), new.plan_id, new.customer_id),
            ("hotspot", Some(7), 3)
        );
        let customer: CustomerForm = form.typed().unwrap();
        assert_eq!(customer.kind, "legal_entity");
    }

    #[test]
    fn a_router_port_out_of_range_is_the_ports_problem() {
        let form = RouterForm {
            router_port: "70000".into(),
            ..Default::default()
        };
        assert_eq!(fields(form.checked().unwrap_err()), ["router_port"]);
        let blank = RouterForm::default().checked().unwrap();
        assert_eq!((blank.port, blank.password), (None, None));
    }

    #[test]
    fn only_the_lookup_button_asks_the_registry() {
        let save = CounterpartyForm {
            action: "save".into(),
            inn: "7707083893".into(),
            ..Default::default()
        };
        assert_eq!(save.lookup(), None);
        let lookup = CounterpartyForm {
            action: "lookup".into(),
            inn: "7707083893".into(),
            ..Default::default()
        };
        assert_eq!(lookup.lookup(), Some("7707083893"));
    }
}
