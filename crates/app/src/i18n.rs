//! Languages of the product (Russian by default, English, Persian right-to-left) and the
//! Fluent translation files every visible string and every outgoing message comes from.

use std::borrow::Cow;
use std::collections::HashMap;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{Loader, static_loader};
use kabinet_core::money::{Currency, DisplayUnit, NumberStyle, format_amount};
use unic_langid::{LanguageIdentifier, langid};

static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "ru",
        // Unicode isolation marks around arguments would show up in SMS and e-mail text.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Ru,
    En,
    Fa,
}

static RU: LanguageIdentifier = langid!("ru");
static EN: LanguageIdentifier = langid!("en");
static FA: LanguageIdentifier = langid!("fa");

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::Ru, Lang::En, Lang::Fa];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Ru => "ru",
            Lang::En => "en",
            Lang::Fa => "fa",
        }
    }

    /// Parses a stored or submitted language code; anything unknown is `None`.
    pub fn parse(code: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|l| l.code() == code)
    }

    /// The first supported language of an `Accept-Language` header.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        header
            .split(',')
            .filter_map(|part| part.split(';').next())
            .map(|tag| tag.trim().split('-').next().unwrap_or("").to_ascii_lowercase())
            .find_map(|primary| Lang::parse(&primary))
    }

    pub fn is_rtl(self) -> bool {
        self == Lang::Fa
    }

    pub fn dir(self) -> &'static str {
        if self.is_rtl() { "rtl" } else { "ltr" }
    }

    /// The language's own name, for the language switch.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::Ru => "Русский",
            Lang::En => "English",
            Lang::Fa => "فارسی",
        }
    }

    fn id(self) -> &'static LanguageIdentifier {
        match self {
            Lang::Ru => &RU,
            Lang::En => &EN,
            Lang::Fa => &FA,
        }
    }

    /// The text of `key`; a missing key shows as the key itself so it is noticed (a test
    /// checks that every key exists in every language).
    pub fn t(self, key: &str) -> String {
        LOCALES.try_lookup(self.id(), key).unwrap_or_else(|| key.to_owned())
    }

    /// The text of `key` with named arguments.
    pub fn t_args(self, key: &str, args: &[(&'static str, String)]) -> String {
        let map: HashMap<Cow<'static, str>, FluentValue> = args
            .iter()
            .map(|(k, v)| (Cow::Borrowed(*k), FluentValue::from(v.clone())))
            .collect();
        LOCALES
            .try_lookup_with_args(self.id(), key, &map)
            .unwrap_or_else(|| key.to_owned())
    }

    /// An amount of money as this language writes it, with its unit: `1 234,56 ₽`, `1,234.56 RUB`,
    /// `۱۲٬۳۴۵ تومان` (IRR is shown in toman to Persian readers).
    pub fn money(self, minor: i64, currency: Currency) -> String {
        let unit = DisplayUnit::for_reader(currency, self.code());
        let number = format_amount(minor, unit, NumberStyle::for_language(self.code()));
        let unit_key = match unit {
            DisplayUnit::Rouble => "unit-rouble",
            DisplayUnit::Rial => "unit-rial",
            DisplayUnit::Toman => "unit-toman",
        };
        format!("{number}\u{a0}{}", self.t(unit_key))
    }

    /// The unit amounts in `currency` are typed in by readers of this language.
    pub fn input_unit(self, currency: Currency) -> DisplayUnit {
        DisplayUnit::for_reader(currency, self.code())
    }

    /// ASCII digits written the way this language writes them (Persian digits in Persian).
    /// A calendar day as the language writes it: `02.12.2026` in Russian, `2 Dec 2026` in
    /// English, `۲۰۲۶/۱۲/۰۲` in Persian.
    pub fn date(self, day: chrono::NaiveDate) -> String {
        match self {
            Lang::Ru => day.format("%d.%m.%Y").to_string(),
            Lang::En => day.format("%-d %b %Y").to_string(),
            Lang::Fa => self.digits(&day.format("%Y/%m/%d").to_string()),
        }
    }

    /// A moment in `time_zone` as the language writes it: `02.12.2026 15:00`,
    /// `2 Dec 2026, 15:00`, `۲۰۲۶/۱۲/۰۲ ۱۵:۰۰` (an unknown zone shows UTC).
    pub fn date_time(self, at: &chrono::DateTime<chrono::Utc>, time_zone: &str) -> String {
        let local = at.with_timezone(&kabinet_core::time::zone_or_utc(time_zone));
        let day = self.date(local.date_naive());
        let clock = self.digits(&local.format("%H:%M").to_string());
        match self {
            Lang::En => format!("{day}, {clock}"),
            Lang::Ru | Lang::Fa => format!("{day} {clock}"),
        }
    }

    pub fn digits(self, text: &str) -> String {
        if self != Lang::Fa {
            return text.to_owned();
        }
        text.chars()
            .map(|c| match c.to_digit(10) {
                Some(d) => char::from_u32(0x06F0 + d).unwrap_or(c),
                None => c,
            })
            .collect()
    }

    /// A date as documents write it: "24 ноября 2026 г.", "24 November 2026", "۲۴ نوامبر ۲۰۲۶".
    pub fn long_date(self, d: chrono::NaiveDate) -> String {
        use chrono::Datelike;
        self.t_args(
            "date-long",
            &[
                ("day", self.digits(&d.day().to_string())),
                ("month", self.t(&format!("month-of-{}", d.month()))),
                ("year", self.digits(&d.year().to_string())),
            ],
        )
    }

    /// A month with its year: "октябрь 2026 г.", "October 2026".
    pub fn month_year(self, m: kabinet_core::documents::Month) -> String {
        self.t_args(
            "month-year",
            &[
                ("month", self.t(&format!("month-{}", m.month))),
                ("year", self.digits(&m.year.to_string())),
            ],
        )
    }

    /// Whether `key` exists in this language's own file (not through the fallback).
    pub fn has(self, key: &str) -> bool {
        // Messages with variables only format when given them.
        let args: HashMap<&str, FluentValue> = [
            "code",
            "minutes",
            "login",
            "password",
            "phone",
            "amount",
            "date",
            "account",
            "number",
            "count",
            "threshold",
            "day",
            "month",
            "year",
            "from",
            "to",
            "rate",
            "words",
            "party",
            "contract",
            "service",
            "product",
            "kind",
            "link",
            "done",
            "email",
            "key",
        ]
        .into_iter()
        .map(|k| (k, FluentValue::from("x")))
        .collect();
        LOCALES.lookup_single_language(self.id(), key, Some(&args)).is_ok()
    }
}

/// A moment in `time_zone`, `YYYY-MM-DD HH:MM` (an unknown zone shows UTC).
pub fn format_time(at: &chrono::DateTime<chrono::Utc>, time_zone: &str) -> String {
    let tz = kabinet_core::time::zone_or_utc(time_zone);
    at.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string()
}

#[cfg(test)]
mod date_tests {
    use super::Lang;
    use chrono::{NaiveDate, TimeZone, Utc};

    #[test]
    fn each_language_writes_dates_its_own_way() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        assert_eq!(Lang::Ru.date(day), "02.12.2026");
        assert_eq!(Lang::En.date(day), "2 Dec 2026");
        assert_eq!(Lang::Fa.date(day), "۲۰۲۶/۱۲/۰۲");
        let at = Utc.with_ymd_and_hms(2026, 12, 2, 12, 0, 0).unwrap();
        assert_eq!(Lang::Ru.date_time(&at, "Europe/Moscow"), "02.12.2026 15:00");
        assert_eq!(Lang::En.date_time(&at, "Europe/Moscow"), "2 Dec 2026, 15:00");
        assert_eq!(Lang::Fa.date_time(&at, "Asia/Tehran"), "۲۰۲۶/۱۲/۰۲ ۱۵:۳۰");
    }
}
