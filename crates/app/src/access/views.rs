//! Logins, sessions, sign-in attempts and API tokens as pages and the API read them.
//!
//! Each is built from its row and leaves out what no reader needs (password and token hashes).

use chrono::{DateTime, Utc};
use kabinet_core::access;
use kabinet_store::entities::{api_token, login_attempt, session, user};

view! {
    /// A login of either kind: staff (with `staff_role`, and `partner_id` for a partner) or a
    /// customer's cabinet user (with `customer_id` and `customer_role`).
    User from user::Model {
        id: i64,
        login: String,
        email: Option<String>,
        phone: Option<String>,
        display_name: String,
        staff_role: Option<access::StaffRole>,
        customer_id: Option<i64>,
        customer_role: Option<access::CustomerRole>,
        partner_id: Option<i64>,
        language: String,
        /// active or disabled.
        status: access::UserStatus,
        must_change_password: bool,
        created_at: DateTime<Utc>,
        updated_at: DateTime<Utc>,
        password_changed_at: DateTime<Utc>,
        last_login_at: Option<DateTime<Utc>>,
        /// The time zone this person reads times in; None: the customer's or the product's.
        time_zone: Option<String>,
        /// The calendar this person reads dates in; None: the language's.
        calendar: Option<kabinet_core::dates::CalendarSystem>,
        /// How this person prefers to be told about their account; None: as the product decides.
        contact_channel: Option<kabinet_core::notify::ContactChannel>,
        /// The landline phone from the contract (`phone` is the mobile one).
        landline_phone: Option<String>,
    }

    /// A browser session. `id` is the SHA-256 of the cookie value, so a stolen database copy does
    /// not hold usable cookies.
    Session from session::Model {
        id: String,
        user_id: i64,
        created_at: DateTime<Utc>,
        last_seen_at: DateTime<Utc>,
        /// The absolute end of the session, whatever the activity.
        expires_at: DateTime<Utc>,
        ip: String,
        user_agent: String,
        /// The staff member acting in this customer session, entered from the back office.
        acting_user_id: Option<i64>,
    }

    /// One sign-in attempt (ACC-6); also the source of login throttling.
    LoginAttempt from login_attempt::Model {
        id: i64,
        at: DateTime<Utc>,
        user_id: Option<i64>,
        /// What was typed as the login, normalised and cut to 100 characters.
        login: String,
        ip: String,
        user_agent: String,
        /// success, bad_password, unknown_user, disabled or throttled.
        outcome: access::LoginOutcome,
        /// cabinet, crm or api.
        face: access::Face,
    }

    /// A personal API token; only its SHA-256 is stored, the token is shown once.
    ApiToken from api_token::Model {
        id: i64,
        user_id: i64,
        name: String,
        /// The first characters of the token, so its owner can tell tokens apart.
        prefix: String,
        created_at: DateTime<Utc>,
        expires_at: Option<DateTime<Utc>>,
        last_used_at: Option<DateTime<Utc>>,
        revoked_at: Option<DateTime<Utc>>,
    }
}
