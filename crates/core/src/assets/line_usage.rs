//! Usage of telecom lines (CAB-3, source document 003): the operator bills each line's calls,
//! messages, data and fees per month, and a usage file brings them in — one row per line,
//! month and category. The rules of that file and of the categories are here; matching rows to
//! lines, charging accounts and the statistics are the application's.

use chrono::{Datelike, NaiveDate};

use crate::money::{AmountError, DisplayUnit, parse_amount};

string_enum!(
    /// A column of a usage file. Russian names are read too (see [`UsageColumn::from_header`]).
    UsageColumn {
        /// The line's number, in any form a person writes it.
        Phone => "phone",
        /// The month billed: `2026-11`, `11.2026` or any day of it.
        Month => "month",
        /// calls, sms, data, fee or other (or their Russian names).
        Category => "category",
        /// Minutes, messages or megabytes; may be left empty.
        Quantity => "quantity",
        /// What the operator billed, in the account's currency.
        Amount => "amount",
    }
);

impl crate::import_file::Columns for UsageColumn {
    fn all() -> &'static [Self] {
        UsageColumn::ALL
    }

    fn name(self) -> &'static str {
        self.as_str()
    }

    fn required(self) -> bool {
        !matches!(self, UsageColumn::Quantity)
    }

    fn from_header(name: &str) -> Option<Self> {
        Some(match name {
            "phone" | "number" | "msisdn" | "номер" | "телефон" | "номер_телефона" => {
                UsageColumn::Phone
            }
            "month" | "period" | "месяц" | "период" => UsageColumn::Month,
            "category" | "категория" | "вид" | "услуга" => UsageColumn::Category,
            "quantity" | "количество" | "объём" | "объем" => UsageColumn::Quantity,
            "amount" | "sum" | "сумма" | "стоимость" => UsageColumn::Amount,
            _ => return None,
        })
    }
}

string_enum!(
    /// What a line's money was spent on.
    UsageCategory {
        /// Calls, in minutes.
        Calls => "calls",
        /// Text messages, counted.
        Sms => "sms",
        /// Mobile data, in megabytes.
        Data => "data",
        /// The tariff's and options' monthly fees.
        Fee => "fee",
        /// Anything else the operator billed (roaming, content, one-off services).
        Other => "other",
    }
);

impl UsageCategory {
    /// The category a usage file's cell names: its code or its Russian name, in any case.
    pub fn from_file(typed: &str) -> Option<UsageCategory> {
        let typed = typed.trim().to_lowercase().replace('ё', "е");
        if let Ok(c) = typed.parse() {
            return Some(c);
        }
        Some(match typed.as_str() {
            "звонки" | "голос" | "связь" | "voice" => UsageCategory::Calls,
            "смс" | "sms/mms" | "сообщения" | "messages" => UsageCategory::Sms,
            "интернет" | "данные" | "трафик" | "internet" => UsageCategory::Data,
            "абонентская плата" | "абонплата" | "subscription" => UsageCategory::Fee,
            "прочее" | "разовые" | "роуминг" => UsageCategory::Other,
            _ => return None,
        })
    }

    /// Its place in [`CategoryAmounts`] and in every chart's order.
    pub fn index(self) -> usize {
        UsageCategory::ALL.iter().position(|c| *c == self).unwrap_or(0)
    }

    /// Whether a quantity of it means something (a fee has none).
    pub fn counted(self) -> bool {
        matches!(self, UsageCategory::Calls | UsageCategory::Sms | UsageCategory::Data)
    }
}

/// Money per category, in minor units, in [`UsageCategory::ALL`]'s order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct CategoryAmounts(pub [i64; 5]);

impl CategoryAmounts {
    pub fn get(&self, c: UsageCategory) -> i64 {
        self.0[c.index()]
    }

    pub fn add(&mut self, c: UsageCategory, minor: i64) {
        self.0[c.index()] += minor;
    }

    pub fn add_all(&mut self, other: &CategoryAmounts) {
        for (mine, theirs) in self.0.iter_mut().zip(other.0) {
            *mine += theirs;
        }
    }

    pub fn total(&self) -> i64 {
        self.0.iter().sum()
    }
}

/// The most data rows one usage file may hold: five categories of 200,000 lines.
pub const MAX_ROWS: usize = 1_000_000;

/// The longest period the statistics show at once, in months.
pub const MAX_PERIOD_MONTHS: u32 = 24;

/// The first day of the month a usage file's cell names: `2026-11`, `11.2026`, `11/2026`, or
/// a day in it (`2026-11-30`, `30.11.2026`).
pub fn parse_month(typed: &str) -> Option<NaiveDate> {
    let typed = crate::dates::ascii_digits(typed.trim());
    let day = NaiveDate::parse_from_str(&typed, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(&typed, "%d.%m.%Y"))
        .or_else(|_| NaiveDate::parse_from_str(&format!("{typed}-01"), "%Y-%m-%d"))
        .or_else(|_| NaiveDate::parse_from_str(&format!("01.{}", typed.replace('/', ".")), "%d.%m.%Y"))
        .ok()?;
    month_start(day)
}

/// The first day of `day`'s month.
pub fn month_start(day: NaiveDate) -> Option<NaiveDate> {
    day.with_day(1)
}

/// The month `n` months after `month` (before, for a negative `n`).
pub fn add_months(month: NaiveDate, n: i32) -> NaiveDate {
    let index = month.year() * 12 + month.month0() as i32 + n;
    NaiveDate::from_ymd_opt(index.div_euclid(12), index.rem_euclid(12) as u32 + 1, 1).unwrap_or(month)
}

/// The months from `from` to `to`, both included, oldest first.
pub fn months(from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    let mut m = month_start(from).unwrap_or(from);
    while m <= to && out.len() <= MAX_PERIOD_MONTHS as usize * 10 {
        out.push(m);
        m = add_months(m, 1);
    }
    out
}

/// A quantity cell: empty, or a whole number that is not negative, with spaces between
/// groups if the file has them.
pub fn parse_quantity(typed: &str) -> Result<Option<i64>, &'static str> {
    let digits: String = crate::dates::ascii_digits(typed)
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}' && *c != '\u{202f}')
        .collect();
    if digits.is_empty() {
        return Ok(None);
    }
    if !digits.bytes().all(|b| b.is_ascii_digit()) || digits.len() > 12 {
        return Err("usage-quantity-bad");
    }
    Ok(digits.parse().ok())
}

/// An amount cell in `unit`: as people write amounts (see [`parse_amount`]), or zero — a line
/// may be billed nothing for a category in a month.
pub fn parse_usage_amount(typed: &str, unit: DisplayUnit) -> Result<i64, AmountError> {
    let t = typed.trim();
    if !t.is_empty() && t.chars().all(|c| matches!(c, '0' | ',' | '.' | ' ')) && t.contains('0') {
        return Ok(0);
    }
    parse_amount(t, unit)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import_file::{Columns, Header};
    use crate::money::Currency;
    use proptest::prelude::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn a_month_is_read_in_every_usual_form() {
        for typed in ["2026-11", "11.2026", "11/2026", "2026-11-30", "30.11.2026", " ۲۰۲۶-۱۱ "] {
            assert_eq!(parse_month(typed), Some(day(2026, 11, 1)), "{typed}");
        }
        for typed in ["", "2026-13", "ноябрь", "32.11.2026", "2026"] {
            assert_eq!(parse_month(typed), None, "{typed}");
        }
    }

    #[test]
    fn categories_are_read_by_code_or_russian_name() {
        assert_eq!(UsageCategory::from_file("Calls"), Some(UsageCategory::Calls));
        assert_eq!(UsageCategory::from_file("СМС"), Some(UsageCategory::Sms));
        assert_eq!(UsageCategory::from_file("Интернет"), Some(UsageCategory::Data));
        assert_eq!(UsageCategory::from_file("Абонентская плата"), Some(UsageCategory::Fee));
        assert_eq!(UsageCategory::from_file("прочее"), Some(UsageCategory::Other));
        assert_eq!(UsageCategory::from_file("кофе"), None);
    }

    #[test]
    fn a_russian_header_reads_as_the_columns() {
        let h = Header::<UsageColumn>::parse(&["Номер", "Месяц", "Категория", "Сумма"]).unwrap();
        let row = ["+79001234567", "2026-11", "звонки", "10,50"];
        assert_eq!(h.cell(&row, UsageColumn::Amount), "10,50");
        assert_eq!(h.cell(&row, UsageColumn::Quantity), "");
        let problems = Header::<UsageColumn>::parse(&["phone", "amount", "amount"]).unwrap_err();
        assert_eq!(problems.len(), 3, "twice, and month and category missing: {problems:?}");
        assert!(!UsageColumn::Quantity.required());
    }

    #[test]
    fn quantities_and_amounts_as_files_hold_them() {
        assert_eq!(parse_quantity(""), Ok(None));
        assert_eq!(parse_quantity("1 500"), Ok(Some(1500)));
        assert_eq!(parse_quantity("-3"), Err("usage-quantity-bad"));
        assert_eq!(parse_quantity("1.5"), Err("usage-quantity-bad"));
        let rub = DisplayUnit::for_reader(Currency::Rub, "ru");
        assert_eq!(parse_usage_amount("0,00", rub), Ok(0));
        assert_eq!(parse_usage_amount("1 500,50", rub), Ok(150_050));
        assert!(parse_usage_amount("-5", rub).is_err());
        assert_eq!(parse_usage_amount("", rub), Err(AmountError::Empty));
    }

    #[test]
    fn amounts_per_category_add_up() {
        let mut a = CategoryAmounts::default();
        a.add(UsageCategory::Calls, 100);
        a.add(UsageCategory::Fee, 50);
        let mut b = a;
        b.add_all(&a);
        assert_eq!(b.get(UsageCategory::Calls), 200);
        assert_eq!(b.total(), 300);
    }

    proptest! {
        #[test]
        fn months_step_one_at_a_time(y in 1990i32..2100, m in 1u32..=12, n in -300i32..300) {
            let start = day(y, m, 1);
            let later = add_months(start, n);
            prop_assert_eq!(later.day(), 1);
            prop_assert_eq!(add_months(later, -n), start);
            let span = (later.year() - y) * 12 + later.month() as i32 - m as i32;
            prop_assert_eq!(span, n);
        }
    }
}
