//! Roles and the one role → permission table (ACC-1, ACC-2).
//!
//! Every route of the web layer declares one [`Permission`]; whether a signed-in user may pass
//! is decided here and nowhere else, so the whole access policy of the product can be read in
//! [`PERMISSION_TABLE`].

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Roles of the provider's own people and of its dealers (ACC-1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StaffRole {
    Admin,
    Manager,
    Support,
    Technician,
    Accountant,
    /// A dealer: sees only the customers it created and pays from its own balance.
    Partner,
}

/// Roles of a customer's own cabinet logins (ACC-2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CustomerRole {
    /// Everything, including managing the customer's other logins.
    Coordinator,
    /// Everything but access management.
    Assistant,
    /// Only the lines and assets assigned to them.
    LineManager,
    /// Read only.
    Viewer,
    /// A buyer of devices with after-sales service (source document 001): sees the customer's
    /// devices and documents, signs installation confirmations and submits requests (tickets,
    /// ownership transfers), nothing else.
    Buyer,
}

/// A user's role: either a staff role or a role inside one customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    Staff(StaffRole),
    Customer(CustomerRole),
}

impl StaffRole {
    pub const ALL: [StaffRole; 6] = [
        StaffRole::Admin,
        StaffRole::Manager,
        StaffRole::Support,
        StaffRole::Technician,
        StaffRole::Accountant,
        StaffRole::Partner,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            StaffRole::Admin => "admin",
            StaffRole::Manager => "manager",
            StaffRole::Support => "support",
            StaffRole::Technician => "technician",
            StaffRole::Accountant => "accountant",
            StaffRole::Partner => "partner",
        }
    }
}

impl CustomerRole {
    pub const ALL: [CustomerRole; 5] = [
        CustomerRole::Coordinator,
        CustomerRole::Assistant,
        CustomerRole::LineManager,
        CustomerRole::Viewer,
        CustomerRole::Buyer,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CustomerRole::Coordinator => "coordinator",
            CustomerRole::Assistant => "assistant",
            CustomerRole::LineManager => "line_manager",
            CustomerRole::Viewer => "viewer",
            CustomerRole::Buyer => "buyer",
        }
    }
}

impl Role {
    /// Every role there is, staff first; used by tests that walk the permission table.
    pub fn all() -> impl Iterator<Item = Role> {
        StaffRole::ALL
            .into_iter()
            .map(Role::Staff)
            .chain(CustomerRole::ALL.into_iter().map(Role::Customer))
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Staff(r) => r.as_str(),
            Role::Customer(r) => r.as_str(),
        }
    }

    pub fn is_staff(self) -> bool {
        matches!(self, Role::Staff(_))
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A role name that is not one of ours.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role: {0}")]
pub struct UnknownRole(pub String);

impl FromStr for StaffRole {
    type Err = UnknownRole;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        StaffRole::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| UnknownRole(s.to_owned()))
    }
}

impl FromStr for CustomerRole {
    type Err = UnknownRole;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        CustomerRole::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| UnknownRole(s.to_owned()))
    }
}

/// What a route needs. Grouped by face: anyone, any signed-in user, the cabinet, the back office.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    /// Login pages, recovery, registration, health checks, static assets.
    Public,
    /// Things every signed-in user does to their own login: profile, password, sessions,
    /// API tokens, own login history.
    OwnAccount,
    /// Read the signed-in customer's own data in the cabinet.
    CabinetView,
    /// Edit the customer's own contact data (contact phone).
    CabinetEditContacts,
    /// Manage the customer's own cabinet logins (access management).
    CabinetManageUsers,
    /// Pay from the cabinet: top-ups, autopay.
    CabinetPay,
    /// Order closing documents (invoices, acts, reconciliation acts) for the customer.
    CabinetDocuments,
    /// Confirm the legal entity and one's contacts for the personal-data verification, and
    /// export hotspot guests once it is complete.
    CabinetGuestData,
    /// Enter the back office at all.
    BackOffice,
    /// Read customers (a partner only its own).
    CustomersRead,
    /// Create, disable and reset cabinet logins of a customer.
    CustomerUsersManage,
    /// Create staff users, change roles, disable, reset passwords.
    StaffUsersManage,
    /// Read any user's login history.
    LoginHistoryRead,
    /// Read the audit log.
    AuditRead,
    /// Read the outgoing message queue.
    OutboxRead,
    /// Send a dead message again (after the cause was fixed: a CRM's token, a template).
    OutboxReplay,
    /// Read accounts, ledgers, payments and plans (a partner only its own and its customers').
    BillingRead,
    /// Open accounts, set debt caps and thresholds, subscribe customers to plans.
    BillingManage,
    /// Register payments, post adjustments and reversals: the money itself.
    PaymentsPost,
    /// Edit the plan catalogue.
    PlansManage,
    /// Issue closing documents to a customer.
    DocumentsIssue,
    /// Register and edit counterparties (a partner only its own).
    CounterpartiesManage,
    /// Create customers and change their details (a partner only its own).
    CustomersManage,
    /// Delete a comment left on a customer.
    CommentsDelete,
    /// Create licences, switch modules, link and split them (a partner its own customers').
    LicencesManage,
    /// Delete a licence for good.
    LicencesDelete,
    /// Register devices sold with after-sales service and change their status.
    DevicesManage,
    /// Router actions: settings, firmware, reboot.
    RoutersControl,
    /// Confirm customers' legal entities in the personal-data verification queue.
    VerificationManage,
    /// Enter a customer's cabinet from the back office, as its main login (a partner: its own
    /// customers').
    CabinetEnter,
    /// Open tickets to support and write in them from the cabinet (reading them is
    /// `CabinetView`).
    CabinetTickets,
    /// Work the support desk: queues, replies, internal notes, statuses, assignment, class
    /// (a partner: its own customers' tickets).
    TicketsWork,
    /// Edit business calendars, holiday calendars and SLA plans.
    SlaManage,
    /// Sign the customer's own devices' installation confirmations with a one-time code (and,
    /// later, ask for renewals and ownership transfers): a buyer's own act, never a visiting
    /// staff member's.
    DevicesConfirm,
    /// Run the customer's telecom lines from the cabinet: add employees, groups and labels,
    /// block and unblock, spending limits, SIM replacement, bulk actions.
    CabinetLinesManage,
    /// Change the settings of the lines one may see (employee details, call forwarding,
    /// labels): a line manager's own lines too.
    CabinetLineSettings,
    /// Give customers lines and reserve SIM cards, block and unblock lines for the provider.
    LinesAdminister,
    /// Register customers' protected objects and change their services (AST-7).
    ObjectsManage,
    /// Register monitoring consoles that report security events, and revoke their tokens.
    EventSourcesManage,
    /// File service requests from the cabinet: SMS alerts, funds transfer, refund,
    /// recalculation, surname change (ORD-2, BIL-7).
    CabinetRequests,
    /// Work the queue "Customer service requests": take, carry out, refuse.
    RequestsWork,
    /// Publish what every customer reads: the rules of service (CNT-5).
    ContentManage,
    /// Erase a person's personal data on their request (PRV-2): irreversible.
    PersonalDataErase,
    /// Write and publish knowledge-base articles and their categories (CNT-1): the technical
    /// team.
    KnowledgeManage,
}

use CustomerRole as C;
use StaffRole as S;

const ALL_STAFF: &[Role] = &[
    Role::Staff(S::Admin),
    Role::Staff(S::Manager),
    Role::Staff(S::Support),
    Role::Staff(S::Technician),
    Role::Staff(S::Accountant),
    Role::Staff(S::Partner),
];
const ALL_CUSTOMER: &[Role] = &[
    Role::Customer(C::Coordinator),
    Role::Customer(C::Assistant),
    Role::Customer(C::LineManager),
    Role::Customer(C::Viewer),
    Role::Customer(C::Buyer),
];

/// The whole access policy: which roles hold each permission. `Public` and `OwnAccount` are
/// decided before this table (anyone / anyone signed in).
pub const PERMISSION_TABLE: &[(Permission, &[Role])] = &[
    (Permission::CabinetView, ALL_CUSTOMER),
    (
        Permission::CabinetEditContacts,
        &[
            Role::Customer(C::Coordinator),
            Role::Customer(C::Assistant),
            Role::Customer(C::LineManager),
        ],
    ),
    (Permission::CabinetManageUsers, &[Role::Customer(C::Coordinator)]),
    (
        Permission::CabinetPay,
        &[
            Role::Customer(C::Coordinator),
            Role::Customer(C::Assistant),
            Role::Customer(C::LineManager),
        ],
    ),
    (
        Permission::CabinetDocuments,
        &[Role::Customer(C::Coordinator), Role::Customer(C::Assistant)],
    ),
    (
        Permission::CabinetGuestData,
        &[Role::Customer(C::Coordinator), Role::Customer(C::Assistant)],
    ),
    (Permission::BackOffice, ALL_STAFF),
    (Permission::CustomersRead, ALL_STAFF),
    (
        Permission::CustomerUsersManage,
        &[
            Role::Staff(S::Admin),
            Role::Staff(S::Manager),
            Role::Staff(S::Support),
            Role::Staff(S::Partner),
        ],
    ),
    (Permission::StaffUsersManage, &[Role::Staff(S::Admin)]),
    (
        Permission::LoginHistoryRead,
        &[Role::Staff(S::Admin), Role::Staff(S::Manager), Role::Staff(S::Support)],
    ),
    (Permission::AuditRead, &[Role::Staff(S::Admin)]),
    // Messages carry personal data of every customer (and, until delivered, codes and
    // passwords): administrators only (ADR 16).
    (Permission::OutboxRead, &[Role::Staff(S::Admin)]),
    (Permission::OutboxReplay, &[Role::Staff(S::Admin)]),
    (
        Permission::BillingRead,
        &[
            Role::Staff(S::Admin),
            Role::Staff(S::Manager),
            Role::Staff(S::Support),
            Role::Staff(S::Accountant),
            Role::Staff(S::Partner),
        ],
    ),
    (
        Permission::BillingManage,
        &[
            Role::Staff(S::Admin),
            Role::Staff(S::Manager),
            Role::Staff(S::Accountant),
        ],
    ),
    (
        Permission::PaymentsPost,
        &[Role::Staff(S::Admin), Role::Staff(S::Accountant)],
    ),
    (
        Permission::PlansManage,
        &[Role::Staff(S::Admin), Role::Staff(S::Accountant)],
    ),
    (
        Permission::CounterpartiesManage,
        &[
            Role::Staff(S::Admin),
            Role::Staff(S::Manager),
            Role::Staff(S::Support),
            Role::Staff(S::Partner),
        ],
    ),
    (
        Permission::CustomersManage,
        &[
            Role::Staff(S::Admin),
            Role::Staff(S::Manager),
            Role::Staff(S::Support),
            Role::Staff(S::Partner),
        ],
    ),
    (Permission::CommentsDelete, &[Role::Staff(S::Admin)]),
    (
        Permission::LicencesManage,
        &[
            Role::Staff(S::Admin),
            Role::Staff(S::Manager),
            Role::Staff(S::Support),
            Role::Staff(S::Partner),
        ],
    ),
    (
        Permission::LicencesDelete,
        &[Role::Staff(S::Admin), Role::Staff(S::Manager)],
    ),
    (
        Permission::DevicesManage,
        &[
            Role::Staff(S::Admin),
            Role::Staff(S::Manager),
            Role::Staff(S::Support),
            Role::Staff(S::Technician),
        ],
    ),
    (
        Permission::RoutersControl,
        &[
            Role::Staff(S::Admin),
            Role::Staff(S::Manager),
            Role::Staff(S::Support),
            Role::Staff(S::Technician),
            Role::Staff(S::Partner),
        ],
    ),
    (
        Permission::VerificationManage,
        &[Role::Staff(S::Admin), Role::Staff(S::Manager), Role::Staff(S::Support)],
    ),
    (
        Permission::CabinetEnter,
        &[
            Role::Staff(S::Admin),
            Role::Staff(S::Manager),
            Role::Staff(S::Support),
            Role::Staff(S::Partner),
        ],
    ),
    (
        Permission::DocumentsIssue,
        &[
            Role::Staff(S::Admin),
            Role::Staff(S::Manager),
            Role::Staff(S::Accountant),
        ],
    ),
    (
        Permission::CabinetTickets,
        &[
            Role::Customer(C::Coordinator),
            Role::Customer(C::Assistant),
            Role::Customer(C::LineManager),
            Role::Customer(C::Buyer),
        ],
    ),
    (
        Permission::TicketsWork,
        &[
            Role::Staff(S::Admin),
            Role::Staff(S::Manager),
            Role::Staff(S::Support),
            Role::Staff(S::Technician),
            Role::Staff(S::Partner),
        ],
    ),
    (Permission::SlaManage, &[Role::Staff(S::Admin)]),
    (
        Permission::ObjectsManage,
        &[
            Role::Staff(S::Admin),
            Role::Staff(S::Manager),
            Role::Staff(S::Support),
            Role::Staff(S::Technician),
        ],
    ),
    (Permission::EventSourcesManage, &[Role::Staff(S::Admin)]),
    (
        Permission::CabinetRequests,
        &[Role::Customer(C::Coordinator), Role::Customer(C::Assistant)],
    ),
    (
        Permission::ContentManage,
        &[Role::Staff(S::Admin), Role::Staff(S::Manager)],
    ),
    // Irreversible, and a person's data across every record: administrators only.
    (Permission::PersonalDataErase, &[Role::Staff(S::Admin)]),
    (
        Permission::KnowledgeManage,
        &[
            Role::Staff(S::Admin),
            Role::Staff(S::Manager),
            Role::Staff(S::Support),
            Role::Staff(S::Technician),
        ],
    ),
    (
        Permission::RequestsWork,
        &[
            Role::Staff(S::Admin),
            Role::Staff(S::Manager),
            Role::Staff(S::Support),
            Role::Staff(S::Technician),
            Role::Staff(S::Accountant),
        ],
    ),
    (
        Permission::DevicesConfirm,
        &[
            Role::Customer(C::Coordinator),
            Role::Customer(C::Assistant),
            Role::Customer(C::LineManager),
            Role::Customer(C::Buyer),
        ],
    ),
    (
        Permission::CabinetLinesManage,
        &[Role::Customer(C::Coordinator), Role::Customer(C::Assistant)],
    ),
    (
        Permission::CabinetLineSettings,
        &[
            Role::Customer(C::Coordinator),
            Role::Customer(C::Assistant),
            Role::Customer(C::LineManager),
        ],
    ),
    (
        Permission::LinesAdminister,
        &[Role::Staff(S::Admin), Role::Staff(S::Manager), Role::Staff(S::Support)],
    ),
];

/// Whether a staff member who entered a customer's cabinet from the back office may take an
/// action guarded by `permission` there. The visit is for seeing and doing what the customer
/// would do with its services; nothing that outlives the visit or takes the login over — API
/// tokens, passwords, sessions, contact details, the customer's other logins — is allowed.
/// Reading (safe methods) is decided by the table alone.
pub fn acting_may_change(permission: Permission) -> bool {
    !matches!(
        permission,
        Permission::OwnAccount
            | Permission::CabinetEditContacts
            | Permission::CabinetManageUsers
            | Permission::DevicesConfirm
    )
}

/// Whether a person with `role` may take an action guarded by any of `permissions` — the check
/// each use case makes again inside, after the gate. `acting` is a staff member's visit to a
/// customer's cabinet: only permissions that do not outlive the visit count then.
pub fn may_change(role: Role, acting: bool, permissions: &[Permission]) -> bool {
    permissions
        .iter()
        .any(|p| allows(Some(role), *p) && (!acting || acting_may_change(*p)))
}

/// Whether a user with `role` (or an anonymous visitor, `None`) holds `permission`.
pub fn allows(role: Option<Role>, permission: Permission) -> bool {
    match (permission, role) {
        (Permission::Public, _) => true,
        (_, None) => false,
        (Permission::OwnAccount, Some(_)) => true,
        (p, Some(role)) => PERMISSION_TABLE
            .iter()
            .any(|(perm, roles)| *perm == p && roles.contains(&role)),
    }
}

string_enum!(
    /// Whether a login may sign in.
    UserStatus { Active => "active", Disabled => "disabled" }
);

impl fmt::Display for StaffRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for CustomerRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

stored_as_text!(StaffRole, CustomerRole);

string_enum!(
    /// Which door a person came through. Staff sign in to the back office, customers to the
    /// cabinet; the API accepts both.
    Face { Cabinet => "cabinet", Crm => "crm", Api => "api" }
);

impl Face {
    /// Whether a user with `role` may sign in through this face.
    pub fn admits(self, role: Role) -> bool {
        match self {
            Face::Cabinet => !role.is_staff(),
            Face::Crm => role.is_staff(),
            Face::Api => true,
        }
    }
}

string_enum!(
    /// How a sign-in attempt ended, as the login history keeps it.
    LoginOutcome {
        Success => "success",
        BadPassword => "bad_password",
        UnknownUser => "unknown_user",
        Disabled => "disabled",
        Throttled => "throttled",
        /// The password was right; the second factor's code was asked for.
        SecondFactorAsked => "second_factor_asked",
        BadSecondFactor => "bad_second_factor",
    }
);

impl LoginOutcome {
    /// The outcomes that count against an account's sign-in budget.
    pub const FAILURES: [LoginOutcome; 3] = [
        LoginOutcome::BadPassword,
        LoginOutcome::UnknownUser,
        LoginOutcome::BadSecondFactor,
    ];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anonymous_only_reaches_public() {
        assert!(allows(None, Permission::Public));
        for (perm, _) in PERMISSION_TABLE {
            assert!(!allows(None, *perm), "{perm:?}");
        }
        assert!(!allows(None, Permission::OwnAccount));
    }

    #[test]
    fn customers_never_enter_the_back_office() {
        for role in ALL_CUSTOMER {
            for p in [
                Permission::BackOffice,
                Permission::CustomersRead,
                Permission::CustomerUsersManage,
                Permission::StaffUsersManage,
                Permission::AuditRead,
                Permission::LoginHistoryRead,
                Permission::OutboxRead,
                Permission::BillingRead,
                Permission::BillingManage,
                Permission::PaymentsPost,
                Permission::PlansManage,
            ] {
                assert!(!allows(Some(*role), p), "{role:?} {p:?}");
            }
        }
    }

    #[test]
    fn staff_never_act_as_a_customer() {
        for role in ALL_STAFF {
            assert!(!allows(Some(*role), Permission::CabinetView));
            assert!(!allows(Some(*role), Permission::CabinetManageUsers));
        }
    }

    #[test]
    fn only_admin_manages_staff_and_reads_audit() {
        for role in Role::all() {
            let is_admin = role == Role::Staff(S::Admin);
            assert_eq!(allows(Some(role), Permission::StaffUsersManage), is_admin);
            assert_eq!(allows(Some(role), Permission::AuditRead), is_admin);
            assert_eq!(allows(Some(role), Permission::OutboxRead), is_admin);
        }
    }

    #[test]
    fn only_admin_and_accountant_move_money() {
        for role in Role::all() {
            let money = matches!(role, Role::Staff(S::Admin) | Role::Staff(S::Accountant));
            assert_eq!(allows(Some(role), Permission::PaymentsPost), money, "{role:?}");
        }
    }

    #[test]
    fn a_buyer_views_confirms_and_asks_only() {
        let buyer = Some(Role::Customer(C::Buyer));
        for p in [
            Permission::CabinetView,
            Permission::DevicesConfirm,
            Permission::CabinetTickets,
        ] {
            assert!(allows(buyer, p), "{p:?}");
        }
        for p in [
            Permission::CabinetPay,
            Permission::CabinetEditContacts,
            Permission::CabinetManageUsers,
            Permission::CabinetGuestData,
            Permission::DevicesManage,
        ] {
            assert!(!allows(buyer, p), "{p:?}");
        }
    }

    #[test]
    fn a_line_manager_changes_settings_of_its_lines_only() {
        let lm = Some(Role::Customer(C::LineManager));
        assert!(allows(lm, Permission::CabinetLineSettings));
        assert!(!allows(lm, Permission::CabinetLinesManage));
        for role in [C::Coordinator, C::Assistant] {
            assert!(allows(Some(Role::Customer(role)), Permission::CabinetLinesManage));
        }
        for role in [C::Viewer, C::Buyer] {
            assert!(!allows(Some(Role::Customer(role)), Permission::CabinetLineSettings));
        }
        assert!(!allows(Some(Role::Staff(S::Partner)), Permission::LinesAdminister));
        assert!(!allows(Some(Role::Staff(S::Admin)), Permission::CabinetLinesManage));
    }

    #[test]
    fn viewer_reads_but_does_not_edit() {
        let viewer = Some(Role::Customer(C::Viewer));
        assert!(allows(viewer, Permission::CabinetView));
        assert!(!allows(viewer, Permission::CabinetEditContacts));
        assert!(!allows(viewer, Permission::CabinetManageUsers));
        assert!(!allows(viewer, Permission::CabinetPay));
    }

    #[test]
    fn a_visit_to_a_cabinet_changes_no_credentials() {
        assert!(!acting_may_change(Permission::OwnAccount));
        assert!(!acting_may_change(Permission::CabinetEditContacts));
        assert!(!acting_may_change(Permission::CabinetManageUsers));
        assert!(
            !acting_may_change(Permission::DevicesConfirm),
            "a staff member visiting the cabinet never signs for the buyer"
        );
        assert!(acting_may_change(Permission::CabinetTickets));
        assert!(acting_may_change(Permission::CabinetView));
    }

    #[test]
    fn a_use_case_allows_any_of_its_permissions_but_not_credentials_while_acting() {
        let coordinator = Role::Customer(C::Coordinator);
        let support = Role::Staff(S::Support);
        let both = [Permission::CabinetTickets, Permission::TicketsWork];
        assert!(may_change(coordinator, false, &both));
        assert!(may_change(support, false, &both));
        assert!(!may_change(Role::Customer(C::Viewer), false, &both));
        assert!(may_change(coordinator, true, &both));
        assert!(may_change(coordinator, false, &[Permission::CabinetManageUsers]));
        assert!(!may_change(coordinator, true, &[Permission::CabinetManageUsers]));
        assert!(!may_change(support, false, &[Permission::PaymentsPost]));
        assert!(!may_change(coordinator, false, &[]));
    }

    #[test]
    fn every_role_has_own_account() {
        for role in Role::all() {
            assert!(allows(Some(role), Permission::OwnAccount));
        }
    }

    #[test]
    fn role_names_round_trip() {
        for r in StaffRole::ALL {
            assert_eq!(r.as_str().parse::<StaffRole>().unwrap(), r);
        }
        for r in CustomerRole::ALL {
            assert_eq!(r.as_str().parse::<CustomerRole>().unwrap(), r);
        }
        assert!("root".parse::<StaffRole>().is_err());
        assert!("Admin".parse::<StaffRole>().is_err());
    }
}
