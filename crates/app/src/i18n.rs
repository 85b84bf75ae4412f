//! Languages of the product (Russian by default, English, Persian right-to-left) and the
//! Fluent translation files every visible string and every outgoing message comes from.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{LazyLock, PoisonError, RwLock};

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{Loader, static_loader};
use kabinet_core::dates::{CalendarSystem, SolarHijriDay, input_text};
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

/// The text of each key without arguments once Fluent has formatted it, per language (in the
/// order of [`Lang`]'s variants): a list page asks for the same column names and words row
/// after row, and formatting a message anew each time was a tenth of such a page's work. Only
/// keys that exist are kept, so the maps hold at most the translation files.
static FORMATTED: LazyLock<[RwLock<HashMap<String, String>>; 3]> = LazyLock::new(Default::default);

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

/// How many licence modules the product comes with (`licence-module-1` …).
pub const DEFAULT_MODULES: usize = 7;

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
        let formatted = &FORMATTED[self as usize];
        if let Some(text) = formatted.read().unwrap_or_else(PoisonError::into_inner).get(key) {
            return text.clone();
        }
        match LOCALES.try_lookup(self.id(), key) {
            Some(text) => {
                formatted
                    .write()
                    .unwrap_or_else(PoisonError::into_inner)
                    .insert(key.to_owned(), text.clone());
                text
            }
            None => key.to_owned(),
        }
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

    /// The calendar this language's readers read dates in unless they chose another.
    pub fn calendar(self) -> CalendarSystem {
        CalendarSystem::of_language(self.code())
    }

    /// A calendar day as the language writes it in its readers' calendar: `02.12.2026` in
    /// Russian, `2 Dec 2026` in English, `۱۴۰۵/۰۹/۱۱` (Solar Hijri) in Persian.
    pub fn date(self, day: chrono::NaiveDate) -> String {
        self.date_in(day, self.calendar())
    }

    /// A calendar day as the language writes it, in `calendar`.
    pub fn date_in(self, day: chrono::NaiveDate, calendar: CalendarSystem) -> String {
        match (calendar, self) {
            (CalendarSystem::SolarHijri, _) => self.digits(&input_text(day, calendar)),
            (CalendarSystem::Gregorian, Lang::Ru) => day.format("%d.%m.%Y").to_string(),
            (CalendarSystem::Gregorian, Lang::En) => day.format("%-d %b %Y").to_string(),
            (CalendarSystem::Gregorian, Lang::Fa) => self.digits(&day.format("%Y/%m/%d").to_string()),
        }
    }

    /// A moment in `time_zone` as the language writes it: `02.12.2026 15:00`,
    /// `2 Dec 2026, 15:00`, `۱۴۰۵/۰۹/۱۱ ۱۵:۰۰` (an unknown zone shows UTC).
    pub fn date_time(self, at: &chrono::DateTime<chrono::Utc>, time_zone: &str) -> String {
        self.date_time_in(at, time_zone, self.calendar())
    }

    /// [`Lang::date_time`] with the day in `calendar`.
    pub fn date_time_in(self, at: &chrono::DateTime<chrono::Utc>, time_zone: &str, calendar: CalendarSystem) -> String {
        let local = at.with_timezone(&kabinet_core::time::zone_or_utc(time_zone));
        let day = self.date_in(local.date_naive(), calendar);
        let clock = self.digits(&local.format("%H:%M").to_string());
        match self {
            Lang::En => format!("{day}, {clock}"),
            Lang::Ru | Lang::Fa => format!("{day} {clock}"),
        }
    }

    /// The name of a row the product seeded (`kind`: `sla-plan`, `sla-plan-description`,
    /// `business-calendar`, `holiday-calendar`) in this language, while it still has its
    /// seeded (Russian) name; a name someone gave it is shown as given.
    pub fn seeded_name(self, kind: &str, code: &str, stored: &str) -> String {
        let key = format!("seeded-{kind}-{code}");
        if Lang::Ru.has(&key) && Lang::Ru.t(&key) == stored {
            self.t(&key)
        } else {
            stored.to_owned()
        }
    }

    /// A licence module's name in this language: the product's own modules (configured by
    /// their Russian names) are translated; a module the provider added is shown as named.
    pub fn module_name(self, stored: &str) -> String {
        (1..=DEFAULT_MODULES)
            .map(|i| format!("licence-module-{i}"))
            .find(|key| Lang::Ru.t(key) == stored)
            .map(|key| self.t(&key))
            .unwrap_or_else(|| stored.to_owned())
    }

    /// ASCII digits written the way this language writes them (Persian digits in Persian).
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

    /// A date as documents write it, in the language's calendar: "24 ноября 2026 г.",
    /// "24 November 2026", "۳ آذر ۱۴۰۵".
    pub fn long_date(self, d: chrono::NaiveDate) -> String {
        use chrono::Datelike;
        let (day, month, year) = match self.calendar() {
            CalendarSystem::Gregorian => (d.day(), self.t(&format!("month-of-{}", d.month())), d.year()),
            CalendarSystem::SolarHijri => {
                let sh = SolarHijriDay::of(d);
                (
                    sh.day.into(),
                    self.t(&format!("solar-hijri-month-{}", sh.month)),
                    sh.year,
                )
            }
        };
        self.t_args(
            "date-long",
            &[
                ("day", self.digits(&day.to_string())),
                ("month", month),
                ("year", self.digits(&year.to_string())),
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
            "provider",
            "name",
            "fee",
            "operator",
            "id",
            "spent",
            "percent",
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
    use super::{CalendarSystem, Lang};
    use chrono::{NaiveDate, TimeZone, Utc};

    #[test]
    fn each_language_writes_dates_its_own_way() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        assert_eq!(Lang::Ru.date(day), "02.12.2026");
        assert_eq!(Lang::En.date(day), "2 Dec 2026");
        // Persian readers read the Solar Hijri calendar unless they chose another.
        assert_eq!(Lang::Fa.date(day), "۱۴۰۵/۰۹/۱۱");
        assert_eq!(Lang::Fa.date_in(day, CalendarSystem::Gregorian), "۲۰۲۶/۱۲/۰۲");
        assert_eq!(Lang::Ru.date_in(day, CalendarSystem::SolarHijri), "1405/09/11");
        let at = Utc.with_ymd_and_hms(2026, 12, 2, 12, 0, 0).unwrap();
        assert_eq!(Lang::Ru.date_time(&at, "Europe/Moscow"), "02.12.2026 15:00");
        assert_eq!(Lang::En.date_time(&at, "Europe/Moscow"), "2 Dec 2026, 15:00");
        assert_eq!(Lang::Fa.date_time(&at, "Asia/Tehran"), "۱۴۰۵/۰۹/۱۱ ۱۵:۳۰");
    }

    #[test]
    fn documents_write_long_dates_in_the_languages_calendar() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        assert_eq!(Lang::Fa.long_date(day), "۱۱ آذر ۱۴۰۵");
        assert!(
            Lang::Ru.long_date(day).starts_with("2 декабря 2026"),
            "{}",
            Lang::Ru.long_date(day)
        );
    }
}

#[cfg(test)]
mod text_tests {
    use super::{FORMATTED, Lang};

    #[test]
    fn a_text_asked_for_again_is_the_same_and_a_missing_key_is_not_kept() {
        // Made at run time, so that the check of keys in use does not take it for one.
        let missing = ["no-such", "key-anywhere"].join("-");
        for lang in Lang::ALL {
            let first = lang.t("field-number");
            assert_ne!(first, "field-number", "{lang:?}");
            assert_eq!(lang.t("field-number"), first);
            assert_eq!(lang.t(&missing), missing);
            let kept = FORMATTED[lang as usize].read().unwrap();
            assert!(kept.contains_key("field-number"));
            assert!(!kept.contains_key(&missing));
        }
        assert_ne!(Lang::Ru.t("field-number"), Lang::En.t("field-number"));
    }
}
