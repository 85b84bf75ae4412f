//! What every HTML page shares: the language, direction, navigation and the signed-in user,
//! plus formatting helpers the templates call.

use chrono::{DateTime, Utc};
use kabinet_app::access::Identity;
use kabinet_app::i18n::Lang;
use kabinet_core::access::{Permission, allows};
use kabinet_core::dates::{CalendarSystem, input_text};

use crate::guard::{FaceOf, RequestContext};

/// A link in the navigation bar.
#[derive(Debug, Clone)]
pub struct NavItem {
    pub href: &'static str,
    pub label: String,
    pub active: bool,
}

/// Links of one area of the product under its heading (no heading for the home page and the
/// reader's own settings, which stand alone).
#[derive(Debug, Clone)]
pub struct NavGroup {
    pub label: Option<String>,
    pub items: Vec<NavItem>,
}

/// The areas the back office's menu is grouped by, in the menu's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Area {
    Start,
    Customers,
    Assets,
    Support,
    Money,
    Administration,
    Own,
}

impl Area {
    fn label_key(self) -> Option<&'static str> {
        match self {
            Area::Start | Area::Own => None,
            Area::Customers => Some("nav-area-customers"),
            Area::Assets => Some("nav-area-assets"),
            Area::Support => Some("nav-area-support"),
            Area::Money => Some("nav-area-money"),
            Area::Administration => Some("nav-area-administration"),
        }
    }
}

/// The frame around every page.
#[derive(Debug, Clone)]
pub struct Chrome {
    pub lang: Lang,
    pub face: FaceOf,
    /// The path of this page, to come back to after switching language.
    pub path: String,
    pub user_name: Option<String>,
    pub user_role: Option<String>,
    pub nav: Vec<NavGroup>,
    /// A success message (already translated).
    pub flash: Option<String>,
    pub time_zone: String,
    /// The calendar dates are written in: the reader's choice, else its language's.
    pub calendar: CalendarSystem,
    /// In a cabinet entered from the back office: the staff member's name, for the banner.
    pub acting_staff: Option<String>,
    /// The reader's role and whether it is a visit, so that pages offer only what it may do.
    role: Option<kabinet_core::access::Role>,
    acting: bool,
}

/// What a cabinet section needs the customer to have to be offered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Needs {
    Nothing,
    Licences,
    Devices,
    Lines,
    Accounts,
    Objects,
}

/// The cabinet's menu: one row of links; a section the customer has nothing in is left out.
const CABINET_NAV: &[(&str, &str, Permission, Area, Needs)] = &[
    (
        "/",
        "nav-dashboard",
        Permission::CabinetView,
        Area::Start,
        Needs::Nothing,
    ),
    (
        "/services",
        "services",
        Permission::CabinetView,
        Area::Start,
        Needs::Licences,
    ),
    (
        "/devices",
        "nav-devices",
        Permission::CabinetView,
        Area::Start,
        Needs::Devices,
    ),
    (
        "/lines",
        "nav-lines",
        Permission::CabinetView,
        Area::Start,
        Needs::Lines,
    ),
    (
        "/objects",
        "nav-objects",
        Permission::CabinetView,
        Area::Start,
        Needs::Objects,
    ),
    (
        "/objects/events",
        "nav-object-events",
        Permission::CabinetView,
        Area::Start,
        Needs::Objects,
    ),
    (
        "/payments",
        "nav-payments",
        Permission::CabinetView,
        Area::Start,
        Needs::Accounts,
    ),
    (
        "/documents",
        "nav-documents",
        Permission::CabinetView,
        Area::Start,
        Needs::Accounts,
    ),
    (
        "/requests",
        "nav-requests",
        Permission::CabinetView,
        Area::Start,
        Needs::Accounts,
    ),
    (
        "/tickets",
        "nav-tickets",
        Permission::CabinetView,
        Area::Start,
        Needs::Nothing,
    ),
    (
        "/activity",
        "nav-activity",
        Permission::CabinetView,
        Area::Start,
        Needs::Nothing,
    ),
    (
        "/help",
        "nav-help",
        Permission::CabinetView,
        Area::Start,
        Needs::Nothing,
    ),
    (
        "/contacts",
        "nav-contacts",
        Permission::CabinetView,
        Area::Start,
        Needs::Nothing,
    ),
    (
        "/rules",
        "nav-rules",
        Permission::CabinetView,
        Area::Start,
        Needs::Nothing,
    ),
    (
        "/profile",
        "nav-profile",
        Permission::OwnAccount,
        Area::Own,
        Needs::Nothing,
    ),
    (
        "/my-details",
        "nav-my-details",
        Permission::CabinetView,
        Area::Own,
        Needs::Devices,
    ),
    (
        "/sessions",
        "nav-sessions",
        Permission::OwnAccount,
        Area::Own,
        Needs::Nothing,
    ),
    (
        "/privacy",
        "nav-privacy",
        Permission::CabinetView,
        Area::Own,
        Needs::Nothing,
    ),
    (
        "/login-history",
        "nav-login-history",
        Permission::OwnAccount,
        Area::Own,
        Needs::Nothing,
    ),
];

/// The back office's menu, grouped by area; each area's links are consecutive.
const CRM_NAV: &[(&str, &str, Permission, Area, Needs)] = &[
    ("/crm", "nav-home", Permission::BackOffice, Area::Start, Needs::Nothing),
    (
        "/crm/customers",
        "nav-customers",
        Permission::CustomersRead,
        Area::Customers,
        Needs::Nothing,
    ),
    (
        "/crm/counterparties",
        "nav-counterparties",
        Permission::CustomersRead,
        Area::Customers,
        Needs::Nothing,
    ),
    (
        "/crm/verification",
        "nav-verification",
        Permission::VerificationManage,
        Area::Customers,
        Needs::Nothing,
    ),
    (
        "/crm/devices",
        "nav-devices",
        Permission::CustomersRead,
        Area::Assets,
        Needs::Nothing,
    ),
    (
        "/crm/line-offers",
        "nav-line-offers",
        Permission::CustomersRead,
        Area::Assets,
        Needs::Nothing,
    ),
    (
        "/crm/transfers",
        "nav-transfers",
        Permission::DevicesManage,
        Area::Assets,
        Needs::Nothing,
    ),
    (
        "/crm/tickets",
        "nav-tickets",
        Permission::TicketsWork,
        Area::Support,
        Needs::Nothing,
    ),
    (
        "/crm/requests",
        "nav-requests",
        Permission::RequestsWork,
        Area::Support,
        Needs::Nothing,
    ),
    (
        "/crm/sla",
        "nav-sla",
        Permission::BackOffice,
        Area::Support,
        Needs::Nothing,
    ),
    (
        "/crm/help",
        "nav-help",
        Permission::BackOffice,
        Area::Support,
        Needs::Nothing,
    ),
    (
        "/crm/payments",
        "nav-payments",
        Permission::BillingRead,
        Area::Money,
        Needs::Nothing,
    ),
    (
        "/crm/plans",
        "nav-plans",
        Permission::BillingRead,
        Area::Money,
        Needs::Nothing,
    ),
    (
        "/crm/line-usage",
        "nav-line-usage",
        Permission::BillingManage,
        Area::Money,
        Needs::Nothing,
    ),
    (
        "/crm/staff",
        "nav-staff",
        Permission::StaffUsersManage,
        Area::Administration,
        Needs::Nothing,
    ),
    (
        "/crm/audit",
        "nav-audit",
        Permission::AuditRead,
        Area::Administration,
        Needs::Nothing,
    ),
    (
        "/crm/rules",
        "nav-rules",
        Permission::BackOffice,
        Area::Administration,
        Needs::Nothing,
    ),
    (
        "/crm/privacy",
        "nav-consent-texts",
        Permission::BackOffice,
        Area::Administration,
        Needs::Nothing,
    ),
    (
        "/crm/consoles",
        "nav-consoles",
        Permission::EventSourcesManage,
        Area::Administration,
        Needs::Nothing,
    ),
    (
        "/crm/outbox",
        "nav-outbox",
        Permission::OutboxRead,
        Area::Administration,
        Needs::Nothing,
    ),
    (
        "/crm/profile",
        "nav-profile",
        Permission::OwnAccount,
        Area::Own,
        Needs::Nothing,
    ),
];

impl Chrome {
    /// A frame with no user and no navigation (error and login pages).
    pub fn bare(lang: Lang, face: FaceOf) -> Chrome {
        Chrome {
            lang,
            face,
            path: String::new(),
            user_name: None,
            user_role: None,
            nav: Vec::new(),
            flash: None,
            time_zone: "Europe/Moscow".into(),
            calendar: lang.calendar(),
            acting_staff: None,
            role: None,
            acting: false,
        }
    }

    /// The frame of a page for the signed-in reader; times are shown in the reader's own time
    /// zone when it chose one, else in `time_zone` (its customer's or the product's).
    pub fn new(ctx: &RequestContext, path: &str, time_zone: &str) -> Chrome {
        let mut c = Chrome::bare(ctx.lang, ctx.face);
        c.path = path.to_owned();
        c.time_zone = ctx
            .identity
            .as_ref()
            .and_then(|i| i.time_zone.clone())
            .unwrap_or_else(|| time_zone.to_owned());
        if let Some(i) = &ctx.identity {
            c.user_name = Some(i.display_name.clone());
            c.user_role = Some(ctx.lang.t(&format!("role-{}", i.role.as_str())));
            c.nav = nav_for(i, ctx.face, ctx.lang, path);
            c.acting_staff = i.acting_staff.as_ref().map(|s| s.display_name.clone());
            c.role = Some(i.role);
            c.calendar = i.calendar.unwrap_or(c.calendar);
            c.acting = i.acting_staff.is_some();
        }
        c
    }

    /// Whether the reader may take actions guarded by `permission` (links and forms for what
    /// it may not do are left out rather than answered with "forbidden").
    pub fn may(&self, permission: Permission) -> bool {
        self.role
            .is_some_and(|role| kabinet_core::access::may_change(role, self.acting, &[permission]))
    }

    pub fn may_pay(&self) -> bool {
        self.may(Permission::CabinetPay)
    }

    pub fn may_manage_logins(&self) -> bool {
        self.may(Permission::CabinetManageUsers)
    }

    pub fn with_flash(mut self, key: Option<&str>) -> Chrome {
        self.flash = key
            .filter(|k| k.len() < 40 && k.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'))
            .map(|k| format!("flash-{k}"))
            .filter(|k| self.lang.has(k))
            .map(|k| self.lang.t(&k));
        self
    }

    pub fn t(&self, key: &str) -> String {
        self.lang.t(key)
    }

    /// The text of `key` with one named argument.
    pub fn t1(&self, key: &str, name: &'static str, value: impl ToString) -> String {
        self.lang.t_args(key, &[(name, value.to_string())])
    }

    /// The text of `key` with two named arguments.
    pub fn t2(&self, key: &str, a: &'static str, av: impl ToString, b: &'static str, bv: impl ToString) -> String {
        self.lang.t_args(key, &[(a, av.to_string()), (b, bv.to_string())])
    }

    /// The text of the key `prefix` + `value` (enum values such as roles and statuses).
    /// The text of `prefix` + a name from a closed list (`status-`, `kind-`, …).
    pub fn tk<V: std::fmt::Display + ?Sized>(&self, prefix: &str, value: &V) -> String {
        self.lang.t(&format!("{prefix}{value}"))
    }

    /// [`Chrome::tk`] of an optional name; the bare prefix's text when there is none.
    pub fn tk_opt<V: std::fmt::Display>(&self, prefix: &str, value: &Option<V>) -> String {
        match value {
            Some(v) => self.tk(prefix, v),
            None => self.lang.t(prefix),
        }
    }

    pub fn dir(&self) -> &'static str {
        self.lang.dir()
    }

    pub fn lang_code(&self) -> &'static str {
        self.lang.code()
    }

    pub fn langs(&self) -> Vec<(&'static str, &'static str, bool)> {
        Lang::ALL
            .iter()
            .map(|l| (l.code(), l.native_name(), *l == self.lang))
            .collect()
    }

    pub fn is_crm(&self) -> bool {
        self.face == FaceOf::Crm
    }

    pub fn logout_action(&self) -> &'static str {
        if self.is_crm() { "/crm/logout" } else { "/logout" }
    }

    /// A moment in the page's time zone, as the reader's language writes it
    /// (`02.12.2026 15:00`).
    pub fn time(&self, at: &DateTime<Utc>) -> String {
        self.lang.date_time_in(at, &self.time_zone, self.calendar)
    }

    pub fn time_opt(&self, at: &Option<DateTime<Utc>>) -> String {
        at.as_ref().map(|a| self.time(a)).unwrap_or_else(|| "—".into())
    }

    /// An amount in minor units of `currency` (a stored code), as the reader's language writes
    /// it, with its unit.
    pub fn money(&self, minor: &i64, currency: &kabinet_core::money::Currency) -> String {
        self.lang.money(*minor, *currency)
    }

    /// The name of the unit the reader types amounts of `currency` in ("toman" for a Persian
    /// reader of rial).
    pub fn unit_name(&self, currency: kabinet_core::money::Currency) -> String {
        self.tk("unit-name-", self.lang.input_unit(currency).name())
    }

    /// An amount as the reader would type it into a form (`1500,50`, toman rounded up).
    pub fn typed(&self, minor: i64, currency: &kabinet_core::money::Currency) -> String {
        crate::cabinet::billing::typed_text(self.lang, minor, *currency)
    }

    /// A calendar day as the reader's language writes it in the reader's calendar
    /// (`02.12.2026`, `۱۴۰۵/۰۹/۱۱`).
    pub fn date(&self, d: &chrono::NaiveDate) -> String {
        self.lang.date_in(*d, self.calendar)
    }

    /// Whether date fields are typed as text in the Solar Hijri calendar (a browser's date
    /// picker knows only the Gregorian one).
    pub fn types_solar_hijri(&self) -> bool {
        self.calendar == CalendarSystem::SolarHijri
    }

    /// A date field's value in the reader's calendar: a day the form holds in ISO form
    /// (`2026-12-02`) is written `1405/09/11` for a Solar Hijri reader; anything else (what
    /// the reader typed) is shown as typed.
    pub fn date_value(&self, value: impl AsRef<str>) -> String {
        let value = value.as_ref();
        match chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d") {
            Ok(day) if self.types_solar_hijri() => self.lang.digits(&input_text(day, self.calendar)),
            _ => value.to_owned(),
        }
    }

    /// The choices of the profile's calendar form: the language's, then each calendar.
    pub fn calendar_options(&self) -> Vec<(String, String)> {
        std::iter::once((String::new(), self.t("calendar-of-language")))
            .chain(
                CalendarSystem::ALL
                    .iter()
                    .map(|c| (c.as_str().to_owned(), self.tk("calendar-", c))),
            )
            .collect()
    }

    /// The name of a row the product seeded (an SLA plan, a calendar) in the reader's
    /// language, unless someone renamed it (`Lang::seeded_name`).
    pub fn seeded(&self, kind: &str, code: impl AsRef<str>, stored: impl AsRef<str>) -> String {
        self.lang.seeded_name(kind, code.as_ref(), stored.as_ref())
    }

    /// A licence module's name in the reader's language (`Lang::module_name`).
    pub fn module_name(&self, stored: impl AsRef<str>) -> String {
        self.lang.module_name(stored.as_ref())
    }

    /// A count as the reader's language writes its digits (`12`, `۱۲`).
    pub fn n(&self, count: impl std::fmt::Display) -> String {
        self.lang.digits(&count.to_string())
    }

    pub fn date_opt(&self, d: &Option<chrono::NaiveDate>) -> String {
        d.as_ref().map(|d| self.date(d)).unwrap_or_else(|| "—".into())
    }
}

fn nav_for(i: &Identity, face: FaceOf, lang: Lang, path: &str) -> Vec<NavGroup> {
    let table = if face == FaceOf::Crm { CRM_NAV } else { CABINET_NAV };
    let has = |needs: Needs| match (needs, i.holdings) {
        (Needs::Nothing, _) | (_, None) => true,
        (Needs::Licences, Some(h)) => h.licences,
        (Needs::Devices, Some(h)) => h.devices,
        (Needs::Lines, Some(h)) => h.lines,
        (Needs::Accounts, Some(h)) => h.accounts,
        (Needs::Objects, Some(h)) => h.objects,
    };
    let shown: Vec<_> = table
        .iter()
        .filter(|(_, _, p, _, needs)| allows(Some(i.role), *p) && has(*needs))
        .collect();
    // The current place is the entry whose address is the longest beginning of the path, so
    // "/objects/events" is "Events", not also "Protected objects".
    let current = shown
        .iter()
        .map(|(href, ..)| *href)
        .filter(|href| {
            if *href == "/" || *href == "/crm" {
                path == *href
            } else {
                path.starts_with(href)
            }
        })
        .max_by_key(|href| href.len());
    let mut groups: Vec<(Area, NavGroup)> = Vec::new();
    for (href, key, _, area, _) in shown {
        let item = NavItem {
            href,
            label: lang.t(key),
            active: current == Some(*href),
        };
        match groups.last_mut() {
            Some((last, group)) if last == area => group.items.push(item),
            _ => groups.push((
                *area,
                NavGroup {
                    label: area.label_key().map(|k| lang.t(k)),
                    items: vec![item],
                },
            )),
        }
    }
    groups.into_iter().map(|(_, g)| g).collect()
}

/// Page numbers for a pager: (number, is current).
pub fn pager(page: impl std::borrow::Borrow<u64>, pages: impl std::borrow::Borrow<u64>) -> Vec<(u64, bool)> {
    let (page, pages) = (*page.borrow(), *pages.borrow());
    let first = page.saturating_sub(3).max(1);
    let last = (page + 3).min(pages);
    (first..=last).map(|p| (p, p == page)).collect()
}

/// Links of sortable column headers: clicking a column sorts by it, clicking it again turns
/// the direction. `base` holds the list's other parameters and ends with `?` or `&`.
pub struct SortLinks {
    base: String,
    key: &'static str,
    descending: bool,
}

impl SortLinks {
    pub fn new(base: &str, sort: &kabinet_app::listing::Sort) -> SortLinks {
        SortLinks {
            base: base.to_owned(),
            key: sort.key,
            descending: sort.descending,
        }
    }

    pub fn href(&self, key: &str) -> String {
        let descending = key == self.key && !self.descending;
        format!(
            "{}sort={key}&dir={}",
            self.base,
            if descending { "desc" } else { "asc" }
        )
    }

    pub fn mark(&self, key: &str) -> &'static str {
        match (key == self.key, self.descending) {
            (true, false) => "▲",
            (true, true) => "▼",
            _ => "",
        }
    }

    pub fn aria(&self, key: &str) -> &'static str {
        match (key == self.key, self.descending) {
            (true, false) => "ascending",
            (true, true) => "descending",
            _ => "none",
        }
    }

    /// The current order as query parameters, for pager links.
    pub fn query(&self) -> String {
        format!(
            "sort={}&dir={}&",
            self.key,
            if self.descending { "desc" } else { "asc" }
        )
    }
}

/// Zones offered when a person picks their own (any IANA name is accepted): Russia's and Iran's.
pub const COMMON_TIME_ZONES: &[&str] = &[
    "Europe/Kaliningrad",
    "Europe/Moscow",
    "Europe/Samara",
    "Asia/Yekaterinburg",
    "Asia/Omsk",
    "Asia/Novosibirsk",
    "Asia/Krasnoyarsk",
    "Asia/Irkutsk",
    "Asia/Yakutsk",
    "Asia/Vladivostok",
    "Asia/Magadan",
    "Asia/Kamchatka",
    "Asia/Tehran",
    "UTC",
];

/// A list page's query string: its filters, sort and page, read the same way by every list.
pub struct ListQuery {
    pairs: Vec<(String, String)>,
}

impl ListQuery {
    pub fn parse(raw: &str) -> ListQuery {
        ListQuery {
            pairs: form_urlencoded::parse(raw.as_bytes()).into_owned().collect(),
        }
    }

    /// The first value of `key`, trimmed; `None` when absent or blank.
    pub fn get(&self, key: &str) -> Option<String> {
        self.pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    }

    /// Every value of a repeated key.
    pub fn all(&self, key: &str) -> impl Iterator<Item = &str> {
        self.pairs
            .iter()
            .filter(move |(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The filters as a form state, to show them filled in again.
    pub fn form(&self, keys: &[&str]) -> crate::form::FormState {
        keys.iter()
            .fold(crate::form::FormState::empty(), |f, k| match self.get(k) {
                Some(v) => f.with_value(k, v),
                None => f,
            })
    }

    /// The sort asked for, one of `allowed`, in `default_dir` unless `dir` says otherwise.
    pub fn sort(&self, allowed: &[&'static str], default_dir: Option<&str>) -> kabinet_app::listing::Sort {
        kabinet_app::listing::Sort::parse(
            self.get("sort").as_deref(),
            self.get("dir").as_deref().or(default_dir),
            allowed,
        )
    }

    /// The page asked for, 1 to `last`.
    pub fn page(&self, last: u64) -> u64 {
        self.get("page")
            .and_then(|p| p.parse().ok())
            .unwrap_or(1)
            .clamp(1, last)
    }

    /// The query without `page`, `sort` and `dir`, to build the pager's and headers' links on.
    pub fn without_paging(&self) -> String {
        form_urlencoded::Serializer::new(String::new())
            .extend_pairs(
                self.pairs
                    .iter()
                    .filter(|(k, _)| !["page", "sort", "dir"].contains(&k.as_str())),
            )
            .finish()
    }
}
