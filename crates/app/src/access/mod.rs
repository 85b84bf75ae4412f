//! Access and identity (ACC-1 … ACC-6): who is signed in, how they got there, and what
//! their logins look like.

pub mod acting;
pub mod handover;
pub mod history;
pub mod login;
pub mod one_time_codes;
pub mod passwords;
pub mod recovery;
pub mod registration;
pub mod second_factor;
pub mod sessions;
pub mod throttle;
pub mod tokens;
pub mod users;
pub mod views;

use kabinet_core::ErrorCode;
use kabinet_core::access::{Permission, Role, StaffRole};

use crate::i18n::Lang;

pub use kabinet_core::access::Face;

/// The signed-in user of one request.
#[derive(Debug, Clone)]
pub struct Identity {
    pub user_id: i64,
    pub login: String,
    pub display_name: String,
    pub role: Role,
    pub customer_id: Option<i64>,
    pub partner_id: Option<i64>,
    pub language: Lang,
    pub must_change_password: bool,
    /// The session the request came with (browser), if any.
    pub session_id: Option<String>,
    /// The API token the request came with, if any.
    pub token_id: Option<i64>,
    /// The staff member who entered this customer's cabinet from the back office, if this is
    /// such a session.
    pub acting_staff: Option<ActingStaff>,
    /// The time zone this person chose to read times in, if any.
    pub time_zone: Option<String>,
    /// The calendar this person chose to read dates in, if any (else the language's).
    pub calendar: Option<kabinet_core::dates::CalendarSystem>,
    /// What a customer's login's customer has, so that its cabinet offers only that; `None`
    /// for staff.
    pub holdings: Option<Holdings>,
}

/// What a customer has that has a section of its own in the cabinet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Holdings {
    /// Licences (not deleted).
    pub licences: bool,
    /// Devices (not deleted).
    pub devices: bool,
    /// Telecom lines (not deleted).
    pub lines: bool,
    /// Personal accounts (payments and documents are theirs).
    pub accounts: bool,
    /// Protected objects (not deleted).
    pub objects: bool,
}

/// Who is really behind a customer session opened from the back office.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActingStaff {
    pub user_id: i64,
    pub login: String,
    pub display_name: String,
}

/// The role stored on a user; `None` for one that holds no valid role (never admitted).
pub fn role_of(u: &views::User) -> Option<Role> {
    stored_role(u.staff_role, u.customer_role, u.customer_id)
}

/// The role the role columns of a user row describe: exactly one of a staff role and a
/// customer role, the latter only with its customer.
pub(crate) fn stored_role(
    staff_role: Option<StaffRole>,
    customer_role: Option<kabinet_core::access::CustomerRole>,
    customer_id: Option<i64>,
) -> Option<Role> {
    match (staff_role, customer_role) {
        (Some(s), None) => Some(Role::Staff(s)),
        (None, Some(c)) if customer_id.is_some() => Some(Role::Customer(c)),
        _ => None,
    }
}

impl Identity {
    /// The product itself acting as an administrator: command-line tools and the demo loader.
    pub fn system_admin() -> Identity {
        Identity {
            user_id: 0,
            login: "system".into(),
            display_name: "system".into(),
            role: Role::Staff(kabinet_core::access::StaffRole::Admin),
            customer_id: None,
            partner_id: None,
            language: Lang::default(),
            must_change_password: false,
            session_id: None,
            token_id: None,
            acting_staff: None,
            time_zone: None,
            calendar: None,
            holdings: None,
        }
    }

    pub fn from_user(u: &views::User) -> Option<Identity> {
        Some(Identity {
            user_id: u.id,
            login: u.login.clone(),
            display_name: u.display_name.clone(),
            role: role_of(u)?,
            customer_id: u.customer_id,
            partner_id: u.partner_id,
            language: Lang::parse(&u.language).unwrap_or_default(),
            must_change_password: u.must_change_password,
            session_id: None,
            token_id: None,
            acting_staff: None,
            time_zone: u.time_zone.clone(),
            calendar: u.calendar,
            holdings: None,
        })
    }

    pub fn is_staff(&self) -> bool {
        self.role.is_staff()
    }

    /// A customer's login without a zone of its own reads times in its customer's zone (a
    /// café in Tehran sees Tehran time), not in the product's default.
    pub(crate) async fn with_customer_zone(mut self, app: &crate::App) -> crate::AppResult<Identity> {
        if self.time_zone.is_none()
            && let Some(customer_id) = self.customer_id
        {
            use sea_orm::EntityTrait;
            self.time_zone = kabinet_store::entities::customer::Entity::find_by_id(customer_id)
                .one(&app.db.conn)
                .await?
                .map(|c| c.time_zone)
                .filter(|zone| kabinet_core::time::zone(zone).is_some());
        }
        Ok(self)
    }

    /// What a customer's login's customer has, for the cabinet's menu. Read when a session is
    /// loaded (the session cache keeps it), not for API requests.
    pub(crate) async fn with_holdings(mut self, app: &crate::App) -> crate::AppResult<Identity> {
        let Some(customer_id) = self.customer_id else {
            return Ok(self);
        };
        use kabinet_store::entities::{account, asset};
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
        // The kinds of asset it has, one index probe per kind (a DISTINCT over its assets
        // would read all of a customer's 100,000 lines).
        use kabinet_core::assets::{AssetKind, AssetStatus};
        let mut kinds = Vec::new();
        for kind in AssetKind::ALL {
            let has = asset::Entity::find()
                .select_only()
                .column(asset::Column::Id)
                .filter(asset::Column::CustomerId.eq(customer_id))
                .filter(asset::Column::Kind.eq(*kind))
                .filter(asset::Column::Status.ne(AssetStatus::Deleted))
                .limit(1)
                .into_tuple::<i64>()
                .one(&app.db.conn)
                .await?
                .is_some();
            if has {
                kinds.push(*kind);
            }
        }
        let devices = kinds.contains(&AssetKind::Device);
        let lines = kinds.contains(&AssetKind::Line);
        let licences = kinds.iter().any(|k| k.is_licence());
        let objects = kinds.contains(&AssetKind::SecurityObject);
        let accounts = account::Entity::find()
            .select_only()
            .column(account::Column::Id)
            .filter(account::Column::CustomerId.eq(customer_id))
            .limit(1)
            .into_tuple::<i64>()
            .one(&app.db.conn)
            .await?
            .is_some();
        self.holdings = Some(Holdings {
            licences,
            devices,
            lines,
            accounts,
            objects,
        });
        Ok(self)
    }

    pub fn is_partner(&self) -> bool {
        self.role == Role::Staff(StaffRole::Partner)
    }

    /// Refuses the action unless this person holds one of `permissions` (the gate checked the
    /// route's; each mutating use case checks again, so that a route which forgets the gate,
    /// or a second caller of the use case, cannot act beyond the role).
    pub fn require(&self, permissions: &[Permission]) -> crate::AppResult<()> {
        require(self.role, self.acting_staff.is_some(), permissions)
    }

    /// Refuses what a staff member visiting a customer's cabinet may not do there (see
    /// `kabinet_core::access::acting_may_change`): the gate refuses it first, and each such
    /// use case asks again so that a route which forgets cannot let it through.
    pub fn refuse_if_acting(&self) -> crate::AppResult<()> {
        if self.acting_staff.is_some() {
            return Err(crate::AppError::Refused(ErrorCode::NotWhileActing));
        }
        Ok(())
    }
}

fn require(role: Role, acting: bool, permissions: &[Permission]) -> crate::AppResult<()> {
    if kabinet_core::access::may_change(role, acting, permissions) {
        Ok(())
    } else if acting && kabinet_core::access::may_change(role, false, permissions) {
        Err(crate::AppError::Refused(ErrorCode::NotWhileActing))
    } else {
        Err(crate::AppError::Forbidden)
    }
}

/// On whose authority an action is taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Authority {
    /// The product itself: the command line, the worker, the demo loader, a verified gateway.
    Product,
    /// Someone not signed in (registration, recovery): no permission beyond public pages.
    Anonymous,
    /// A signed-in person with this role; `acting` on a visit to a customer's cabinet.
    Person { role: Role, acting: bool },
}

/// Who did something, for the audit log.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub label: String,
    pub ip: Option<String>,
    /// The staff member behind `user_id` (a customer's login) in a cabinet entered from the
    /// back office; recorded beside it so that both identities are in every record.
    pub acting_user_id: Option<i64>,
    pub authority: Authority,
}

impl Actor {
    /// Refuses the action unless this actor holds one of `permissions`; for use cases that
    /// take only the actor (the product's own catalogue and settings).
    pub fn require(&self, permissions: &[Permission]) -> crate::AppResult<()> {
        match self.authority {
            Authority::Product => Ok(()),
            Authority::Anonymous => Err(crate::AppError::Forbidden),
            Authority::Person { role, acting } => require(role, acting, permissions),
        }
    }

    pub fn system() -> Actor {
        Actor::named("system", None)
    }

    /// The product itself, under a name saying which part (`autopay`, `gateway`, `cli`).
    pub fn named(label: &str, ip: Option<String>) -> Actor {
        Actor {
            user_id: None,
            label: label.to_owned(),
            ip,
            acting_user_id: None,
            authority: Authority::Product,
        }
    }

    /// A signed-in person; in a cabinet entered from the back office the label names the staff
    /// member too ("manager as vector.coord").
    pub fn user(identity: &Identity, ip: Option<String>) -> Actor {
        let label = match &identity.acting_staff {
            Some(staff) => format!("{} as {}", staff.login, identity.login),
            None => identity.login.clone(),
        };
        Actor {
            user_id: Some(identity.user_id),
            label,
            ip,
            acting_user_id: identity.acting_staff.as_ref().map(|s| s.user_id),
            authority: Authority::Person {
                role: identity.role,
                acting: identity.acting_staff.is_some(),
            },
        }
    }

    /// A person who is not signed in (registration, recovery), known only by address.
    pub fn anonymous(ip: &str) -> Actor {
        Actor {
            authority: Authority::Anonymous,
            ..Actor::named("anonymous", Some(ip.to_owned()))
        }
    }
}

/// Where a request came from, for login history and audit.
#[derive(Debug, Clone, Default)]
pub struct ClientInfo {
    pub ip: String,
    pub user_agent: String,
}
