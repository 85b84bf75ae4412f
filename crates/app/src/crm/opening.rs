//! Opening a new customer from one form (CRM-1, as the source's "add a client" form does):
//! the customer, its first personal account, its first cabinet login and its first point with
//! a licence — and the counterparty an unknown INN names — in one transaction, all or none.
//! It sits above customers, logins and licences, which know nothing of it.

use kabinet_core::access::Permission;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::access::{Actor, Identity};
use crate::customers::{NewCustomer, blank, check, insert};
use crate::{App, AppError, AppResult, FieldErrors};

/// Everything one form opens for a new customer (as the source's "add a client" form does).
pub struct Opening {
    pub customer: NewCustomer,
    /// The first cabinet login to hand over; its password is generated when none is given.
    pub first_login: Option<crate::access::users::NewUser>,
    /// The first personal account.
    pub currency: kabinet_core::money::Currency,
    pub account_title: String,
    /// The first point and its licence (its `customer_id` is ignored).
    pub first_licence: Option<crate::assets::licences::NewLicence>,
    /// Problems found while reading the form (a date or a number that does not parse),
    /// reported together with every other problem so one submit shows them all.
    pub typed_errors: FieldErrors,
}

/// What [`open`] made.
pub struct Opened {
    pub customer: super::views::Customer,
    pub login: Option<crate::access::users::CreatedUser>,
    pub account: crate::billing::views::Account,
    pub licence: Option<crate::assets::licences::Created>,
    /// The counterparty the form registered from the company registry, if it did.
    pub registered_counterparty: Option<super::views::Counterparty>,
}

/// An INN the caller cannot find among its counterparties, looked up in the company registry
/// so that the form can register it too. `None` when the INN is blank or already known.
async fn counterparty_to_register(
    app: &App,
    who: &Identity,
    new: &NewCustomer,
) -> AppResult<Option<crate::crm::counterparties::Checked>> {
    use crate::crm::counterparties;
    let Some(inn) = blank(&new.counterparty_inn) else {
        return Ok(None);
    };
    let mut known = kabinet_store::entities::counterparty::Entity::find()
        .filter(kabinet_store::entities::counterparty::Column::Inn.eq(inn));
    if who.is_partner() {
        known = known.filter(kabinet_store::entities::counterparty::Column::PartnerId.eq(who.partner_id.unwrap_or(-1)));
    }
    if known.count(&app.db.conn).await? > 0 {
        return Ok(None);
    }
    let mut found = counterparties::lookup(app, inn).await.map_err(|e| match e {
        AppError::Validation(f) => AppError::Validation(FieldErrors(
            f.0.into_iter().map(|(_, c)| ("counterparty_inn".into(), c)).collect(),
        )),
        AppError::Refused(code) => FieldErrors::refusal("counterparty_inn", code),
        other => other,
    })?;
    if let Some(kpp) = blank(&new.counterparty_kpp) {
        found.kpp = kpp.to_owned();
    }
    counterparties::check(&found).map(Some).map_err(|f| {
        AppError::Validation(FieldErrors(
            f.0.into_iter().map(|(k, c)| (format!("counterparty_{k}"), c)).collect(),
        ))
    })
}

/// Creates the customer, its first personal account, its first cabinet login and its first
/// point with a licence in one transaction: all of them or none. An INN no counterparty has
/// yet is fetched from the company registry and registered in the same transaction.
pub async fn open(app: &App, actor: &Actor, who: &Identity, o: Opening) -> AppResult<Opened> {
    who.require(&[Permission::CustomersManage])?;
    let mut errors = o.typed_errors.clone();
    let to_register = match counterparty_to_register(app, who, &o.customer).await {
        Ok(r) => r,
        Err(AppError::Validation(e)) => {
            errors.0.extend(e.0);
            None
        }
        Err(e) => return Err(e),
    };
    let mut customer_fields = o.customer.clone();
    if to_register.is_some() || errors.get("counterparty_inn").is_some() {
        // Checked above; the customer is linked once the counterparty is written.
        customer_fields.counterparty_inn = None;
    }
    let checked = check(app, who, &customer_fields).await;
    let partner_of_new = if who.is_partner() {
        who.partner_id
    } else {
        o.customer.partner_id
    };
    let licence = match &o.first_licence {
        Some(l) => match crate::assets::licences::draft(app, who, None, partner_of_new, l).await {
            Ok(d) => Some(d),
            Err(AppError::Validation(e)) => {
                errors
                    .0
                    .extend(e.0.into_iter().map(|(f, c)| (format!("licence_{f}"), c)));
                None
            }
            Err(e) => return Err(e),
        },
        None => None,
    };
    let prepared = match &o.first_login {
        Some(l) => {
            // The login is the contact person's, or the customer's own when it is a person.
            let mut l = l.clone();
            if l.display_name.trim().is_empty() {
                l.display_name = o
                    .customer
                    .contact_person
                    .clone()
                    .filter(|p| !p.trim().is_empty())
                    .unwrap_or_else(|| o.customer.name.clone());
            }
            Some(crate::access::users::prepare_customer_user(&l).await)
        }
        None => None,
    };
    // Every problem of every part at once, the login's and licence's fields prefixed.
    let checked = match checked {
        Ok(c) => Some(c),
        Err(AppError::Validation(e)) => {
            errors.0.extend(e.0);
            None
        }
        Err(e) => return Err(e),
    };
    let prepared = match prepared {
        Some(Ok(p)) => Some(p),
        Some(Err(AppError::Validation(e))) => {
            errors.0.extend(e.0.into_iter().map(|(f, c)| (format!("user_{f}"), c)));
            None
        }
        Some(Err(e)) => return Err(e),
        None => None,
    };
    errors.into_result()?;
    let mut checked = checked.expect("checked above");
    let time_zone = checked.time_zone.clone();
    let txn = app.db.write().await?;
    let registered_counterparty = match to_register {
        Some(c) => {
            let saved = crate::crm::counterparties::insert_in(&txn, actor, who, c)
                .await
                .map_err(|e| e.prefixed("counterparty_"))?;
            checked.counterparty_id = Some(saved.id);
            Some(saved)
        }
        None => None,
    };
    let customer = insert(&txn, actor, checked).await?;
    let account = crate::billing::accounts::open_in(
        &txn,
        actor,
        crate::billing::accounts::NewAccount {
            customer_id: Some(customer.id),
            partner_id: None,
            title: o.account_title,
            currency: o.currency,
            credit_limit: 0,
            warning_threshold: None,
            manager_user_id: None,
        },
        &time_zone,
    )
    .await?;
    let login = match prepared {
        Some(p) => Some(
            crate::access::users::insert_prepared(&txn, actor, p, Some(customer.id), None, true, vec![])
                .await
                .map_err(|e| e.prefixed("user_"))?,
        ),
        None => None,
    };
    let licence = match licence {
        Some(d) => Some(
            crate::assets::licences::insert_in(&txn, actor, &customer, d, Some(&account))
                .await
                .map_err(|e| e.prefixed("licence_"))?,
        ),
        None => None,
    };
    txn.commit().await?;
    Ok(Opened {
        customer: customer.into(),
        login,
        account: account.into(),
        licence,
        registered_counterparty: registered_counterparty.map(Into::into),
    })
}
