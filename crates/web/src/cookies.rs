//! Every cookie the product sets: its name, its path, how long it lives. Read through
//! axum-extra's cookie jar, written through the cookie crate's builder, so that quoting,
//! attributes and removal follow the standard rather than a format string.
//!
//! All of them are `SameSite=Lax` (a cross-site POST does not carry them) and, but for the
//! language, `HttpOnly`; `Secure` whenever the product is served over HTTPS.

use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Response;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use cookie::time::Duration;
use kabinet_app::App;
use kabinet_app::i18n::Lang;

/// The browser session (a cabinet or the back office).
pub const SESSION: &str = "kabinet_session";
/// A customer's cabinet entered from the back office. It stands beside the staff member's own
/// session, which keeps serving the back office, and counts only for the cabinet's pages.
pub const ACTING: &str = "kabinet_acting";
/// The language chosen before signing in.
pub const LANGUAGE: &str = "kabinet_lang";
/// The sealed second-factor challenge, from the password page to the code page.
pub const CHALLENGE: &str = "kabinet_2fa";
/// A browser remembered after a second-factor sign-in.
pub const DEVICE: &str = "kabinet_device";

/// Where the back office's own cookies are sent.
const BACK_OFFICE: &str = "/crm";

/// The value of cookie `name` in a request.
pub fn read(headers: &HeaderMap, name: &str) -> Option<String> {
    CookieJar::from_headers(headers).get(name).map(|c| c.value().to_owned())
}

fn private(app: &App, name: &'static str, value: &str, path: &'static str, seconds: i64) -> Cookie<'static> {
    Cookie::build((name, value.to_owned()))
        .path(path)
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(app.config.cookies_secure())
        .max_age(Duration::seconds(seconds))
        .build()
}

pub fn session(app: &App, token: &str) -> Cookie<'static> {
    private(app, SESSION, token, "/", app.config.session_absolute_hours * 3600)
}

pub fn acting(app: &App, token: &str) -> Cookie<'static> {
    private(
        app,
        ACTING,
        token,
        "/",
        kabinet_app::access::acting::ACTING_HOURS * 3600,
    )
}

pub fn challenge(app: &App, token: &str) -> Cookie<'static> {
    let minutes = kabinet_app::access::second_factor::CHALLENGE_MINUTES;
    private(app, CHALLENGE, token, BACK_OFFICE, minutes * 60)
}

pub fn device(app: &App, token: &str) -> Cookie<'static> {
    private(
        app,
        DEVICE,
        token,
        BACK_OFFICE,
        app.config.remember_device_days * 86_400,
    )
}

/// The language cookie, kept for a year.
pub fn language(lang: Lang) -> Cookie<'static> {
    Cookie::build((LANGUAGE, lang.code()))
        .path("/")
        .same_site(SameSite::Lax)
        .max_age(Duration::days(365))
        .build()
}

/// Tells the browser to forget cookie `name` (set on `path`).
fn removal(name: &'static str, path: &'static str) -> Cookie<'static> {
    Cookie::build((name, ""))
        .path(path)
        .http_only(true)
        .same_site(SameSite::Lax)
        .max_age(Duration::ZERO)
        .build()
}

pub fn session_removal() -> Cookie<'static> {
    removal(SESSION, "/")
}

pub fn acting_removal() -> Cookie<'static> {
    removal(ACTING, "/")
}

pub fn challenge_removal() -> Cookie<'static> {
    removal(CHALLENGE, BACK_OFFICE)
}

/// Adds `cookie` to a response.
pub fn set(res: &mut Response, cookie: Cookie<'_>) {
    // Values are tokens and language codes: plain ASCII, so the header is always valid.
    if let Ok(value) = HeaderValue::from_str(&cookie.to_string()) {
        res.headers_mut().append(header::SET_COOKIE, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_removal_expires_at_once_on_the_cookies_own_path() {
        let text = challenge_removal().to_string();
        assert!(text.starts_with("kabinet_2fa=;"), "{text}");
        assert!(text.contains("Path=/crm") && text.contains("Max-Age=0"), "{text}");
        assert!(text.contains("HttpOnly") && text.contains("SameSite=Lax"), "{text}");
    }

    #[test]
    fn the_language_cookie_is_read_back_from_a_request() {
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, HeaderValue::from_static("a=1; kabinet_lang=fa; b=2"));
        assert_eq!(read(&headers, LANGUAGE).as_deref(), Some("fa"));
        assert_eq!(read(&headers, SESSION), None);
        assert!(language(Lang::Fa).to_string().contains("Max-Age=31536000"));
    }
}
