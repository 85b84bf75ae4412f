//! Rules of the closing documents (BIL-6): which kinds there are, which formats each allows,
//! the numbering series they share, the months an order covers, and the VAT inside an amount.

use chrono::{Datelike, NaiveDate as Date};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A document the provider issues to a customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    /// Invoice (счёт) for a month's services, one line for the month.
    Invoice,
    /// Invoice with a line for every charge of the month.
    DetailedInvoice,
    /// Tax invoice (счёт-фактура) for a month, with the VAT of every line. PDF only.
    TaxInvoice,
    /// Act of services rendered (акт) for a month.
    Act,
    /// Reconciliation act (акт сверки) over the whole chosen period. PDF only.
    Reconciliation,
    /// Invoice for paying in advance (счёт на предоплату) an amount the customer names.
    PrepaymentInvoice,
}

/// How an order's months turn into documents of a kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coverage {
    /// One document per account and month.
    EachMonth,
    /// One document per account over the whole period.
    WholePeriod,
    /// One document per account, for an amount rather than a period.
    Amount,
}

impl DocumentKind {
    pub const ALL: [DocumentKind; 6] = [
        DocumentKind::Invoice,
        DocumentKind::DetailedInvoice,
        DocumentKind::TaxInvoice,
        DocumentKind::Act,
        DocumentKind::Reconciliation,
        DocumentKind::PrepaymentInvoice,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DocumentKind::Invoice => "invoice",
            DocumentKind::DetailedInvoice => "detailed_invoice",
            DocumentKind::TaxInvoice => "tax_invoice",
            DocumentKind::Act => "act",
            DocumentKind::Reconciliation => "reconciliation",
            DocumentKind::PrepaymentInvoice => "prepayment_invoice",
        }
    }

    /// Tax invoices and reconciliation acts are legal forms issued as PDF only.
    pub fn pdf_only(self) -> bool {
        matches!(self, DocumentKind::TaxInvoice | DocumentKind::Reconciliation)
    }

    pub fn coverage(self) -> Coverage {
        match self {
            DocumentKind::Reconciliation => Coverage::WholePeriod,
            DocumentKind::PrepaymentInvoice => Coverage::Amount,
            _ => Coverage::EachMonth,
        }
    }

    /// The numbering series: invoices of every sort share one, each other kind has its own.
    /// Numbers run from 1 each calendar year without gaps.
    pub fn series(self) -> &'static str {
        match self {
            DocumentKind::Invoice | DocumentKind::DetailedInvoice | DocumentKind::PrepaymentInvoice => "invoice",
            DocumentKind::TaxInvoice => "tax_invoice",
            DocumentKind::Act => "act",
            DocumentKind::Reconciliation => "reconciliation",
        }
    }
}

impl fmt::Display for DocumentKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown document kind: {0}")]
pub struct UnknownKind(pub String);

impl FromStr for DocumentKind {
    type Err = UnknownKind;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DocumentKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| UnknownKind(s.to_owned()))
    }
}

/// The file format a document is made in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DocumentFormat {
    Pdf,
    Html,
}

impl DocumentFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentFormat::Pdf => "pdf",
            DocumentFormat::Html => "html",
        }
    }

    /// The format a document of `kind` is actually made in when `self` was asked for.
    pub fn for_kind(self, kind: DocumentKind) -> DocumentFormat {
        if kind.pdf_only() { DocumentFormat::Pdf } else { self }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            DocumentFormat::Pdf => "application/pdf",
            DocumentFormat::Html => "text/html; charset=utf-8",
        }
    }
}

impl FromStr for DocumentFormat {
    type Err = UnknownKind;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "pdf" => Ok(DocumentFormat::Pdf),
            "html" => Ok(DocumentFormat::Html),
            _ => Err(UnknownKind(s.to_owned())),
        }
    }
}

/// A calendar month, written `YYYY-MM` (what `<input type="month">` sends).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    pub year: i32,
    /// 1 to 12.
    pub month: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    #[error("not a month")]
    Malformed,
    #[error("the period ends before it starts")]
    Reversed,
    #[error("the period is too long")]
    TooLong,
    #[error("the period has not begun")]
    InFuture,
}

impl PeriodError {
    /// The message key of the error.
    pub fn code(self) -> &'static str {
        match self {
            PeriodError::Malformed => "invalid-month",
            PeriodError::Reversed => "period-reversed",
            PeriodError::TooLong => "period-too-long",
            PeriodError::InFuture => "period-in-future",
        }
    }
}

/// The longest period one order may cover, in months.
pub const MAX_MONTHS: i32 = 24;

impl Month {
    pub fn of(date: Date) -> Month {
        Month {
            year: date.year(),
            month: date.month(),
        }
    }

    pub fn first_day(self) -> Date {
        Date::from_ymd_opt(self.year, self.month, 1).unwrap_or(Date::MIN)
    }

    /// The first day of the month after this one.
    pub fn next_first_day(self) -> Date {
        self.next().first_day()
    }

    pub fn last_day(self) -> Date {
        self.next_first_day().pred_opt().unwrap_or(Date::MAX)
    }

    pub fn next(self) -> Month {
        if self.month == 12 {
            Month {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Month {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    pub fn previous(self) -> Month {
        if self.month == 1 {
            Month {
                year: self.year - 1,
                month: 12,
            }
        } else {
            Month {
                year: self.year,
                month: self.month - 1,
            }
        }
    }

    /// Months from `self` to `other`, counting both ends (negative when `other` is earlier).
    pub fn span_to(self, other: Month) -> i32 {
        (other.year - self.year) * 12 + other.month as i32 - self.month as i32 + 1
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl FromStr for Month {
    type Err = PeriodError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let (y, m) = s.split_once('-').ok_or(PeriodError::Malformed)?;
        if y.len() != 4 || m.len() != 2 || !y.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()) {
            return Err(PeriodError::Malformed);
        }
        let year: i32 = y.parse().map_err(|_| PeriodError::Malformed)?;
        let month: u32 = m.parse().map_err(|_| PeriodError::Malformed)?;
        if !(2000..=2100).contains(&year) || !(1..=12).contains(&month) {
            return Err(PeriodError::Malformed);
        }
        Ok(Month { year, month })
    }
}

/// Checks the months `from`..=`to` of an order made on `today`: in order, at most
/// [`MAX_MONTHS`] long, and not starting after the current month.
pub fn check_period(from: Month, to: Month, today: Date) -> Result<(), PeriodError> {
    let span = from.span_to(to);
    if span < 1 {
        return Err(PeriodError::Reversed);
    }
    if span > MAX_MONTHS {
        return Err(PeriodError::TooLong);
    }
    if from > Month::of(today) {
        return Err(PeriodError::InFuture);
    }
    Ok(())
}

/// The VAT contained in a VAT-inclusive `amount` at `rate_percent`, rounded to the nearest
/// minor unit (halves away from zero), as Russian invoices show it ("в т.ч. НДС").
pub fn vat_included(amount: i64, rate_percent: u32) -> i64 {
    if rate_percent == 0 {
        return 0;
    }
    let rate = i128::from(rate_percent);
    let numerator = i128::from(amount) * rate;
    let denominator = 100 + rate;
    let half = denominator / 2;
    let vat = if numerator >= 0 {
        (numerator + half) / denominator
    } else {
        (numerator - half) / denominator
    };
    vat as i64
}

impl std::fmt::Display for DocumentFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

stored_as_text!(DocumentKind, DocumentFormat);

string_enum!(
    /// How a person is told that ordered documents are ready, besides the page.
    ReadyNotice { None => "none", Email => "email", Sms => "sms" }
);

string_enum!(
    /// How an account's closing documents reach the customer: by e-mail, or through an
    /// electronic document interchange (ЭДО) operator the customer named.
    DocumentDelivery { Email => "email", Edo => "edo" }
);

/// Longest EDO participant id kept (operators' ids run to 46 characters).
pub const EDO_ID_MAX: usize = 46;

/// An EDO participant id as printed on the customer's letter from its operator
/// ("2BM-7701234567-770101001-201507271128460963130", "2AL-…"): its operator's three-character
/// prefix, a dash, then letters, digits and dashes; spaces around are dropped and letters made
/// capital. `None` when it cannot be one.
pub fn edo_participant_id(typed: &str) -> Option<String> {
    let id = typed.trim().to_uppercase();
    let (prefix, rest) = id.split_once('-')?;
    let ok = prefix.len() == 3
        && prefix.starts_with('2')
        && prefix.chars().all(|c| c.is_ascii_alphanumeric())
        && !rest.is_empty()
        && id.len() <= EDO_ID_MAX
        && rest.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    ok.then_some(id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::date;
    use proptest::prelude::*;

    #[test]
    fn edo_ids_are_an_operators_prefix_and_a_code() {
        assert_eq!(
            edo_participant_id(" 2bm-7701234567-770101001-201507271128460963130 ").as_deref(),
            Some("2BM-7701234567-770101001-201507271128460963130")
        );
        assert_eq!(edo_participant_id("2AL-1234").as_deref(), Some("2AL-1234"));
        for bad in [
            "",
            "2BM",
            "2BM-",
            "BM-123",
            "2BMX-12",
            "2BM-12 34",
            "2BM-12;DROP",
            "2BM-\u{0}1",
        ] {
            assert_eq!(edo_participant_id(bad), None, "{bad}");
        }
        assert_eq!(edo_participant_id(&format!("2BM-{}", "1".repeat(50))), None);
    }

    #[test]
    fn kinds_round_trip_and_share_series() {
        for k in DocumentKind::ALL {
            assert_eq!(k.as_str().parse::<DocumentKind>().unwrap(), k);
        }
        assert!("invoice; drop".parse::<DocumentKind>().is_err());
        assert_eq!(DocumentKind::PrepaymentInvoice.series(), DocumentKind::Invoice.series());
        assert_ne!(DocumentKind::Act.series(), DocumentKind::Invoice.series());
    }

    #[test]
    fn pdf_only_kinds_ignore_html() {
        assert_eq!(
            DocumentFormat::Html.for_kind(DocumentKind::TaxInvoice),
            DocumentFormat::Pdf
        );
        assert_eq!(
            DocumentFormat::Html.for_kind(DocumentKind::Reconciliation),
            DocumentFormat::Pdf
        );
        assert_eq!(DocumentFormat::Html.for_kind(DocumentKind::Act), DocumentFormat::Html);
    }

    #[test]
    fn months_parse_strictly() {
        assert_eq!("2026-10".parse::<Month>().unwrap(), Month { year: 2026, month: 10 });
        for bad in [
            "2026-13",
            "2026-00",
            "26-10",
            "2026-1",
            "2026/10",
            "",
            "2026-1a",
            "1999-12",
            "２０２６-10",
        ] {
            assert!(bad.parse::<Month>().is_err(), "{bad}");
        }
    }

    #[test]
    fn month_arithmetic() {
        let dec: Month = "2025-12".parse().unwrap();
        assert_eq!(dec.next().to_string(), "2026-01");
        assert_eq!(dec.next().previous(), dec);
        assert_eq!(dec.last_day(), date(2025, 12, 31));
        assert_eq!("2024-02".parse::<Month>().unwrap().last_day(), date(2024, 2, 29));
        assert_eq!(dec.next_first_day(), date(2026, 1, 1));
        assert_eq!(dec.span_to(dec), 1);
        assert_eq!(dec.span_to("2026-11".parse().unwrap()), 12);
    }

    #[test]
    fn periods_are_checked() {
        let today = date(2026, 11, 24);
        let m = |s: &str| s.parse::<Month>().unwrap();
        assert_eq!(check_period(m("2026-01"), m("2026-11"), today), Ok(()));
        assert_eq!(
            check_period(m("2026-05"), m("2026-04"), today),
            Err(PeriodError::Reversed)
        );
        assert_eq!(
            check_period(m("2023-01"), m("2026-01"), today),
            Err(PeriodError::TooLong)
        );
        assert_eq!(
            check_period(m("2026-12"), m("2026-12"), today),
            Err(PeriodError::InFuture)
        );
    }

    #[test]
    fn vat_inside_an_amount() {
        // 1 220,00 with 22 % inside: 220,00.
        assert_eq!(vat_included(122_000, 22), 22_000);
        // 1 000,00 at 20 %: 166,666… → 166,67.
        assert_eq!(vat_included(100_000, 20), 16_667);
        assert_eq!(vat_included(-100_000, 20), -16_667);
        assert_eq!(vat_included(100_000, 0), 0);
        assert_eq!(vat_included(1, 22), 0);
    }

    proptest! {
        #[test]
        fn vat_never_exceeds_the_amount(amount in -1_000_000_000_000i64..1_000_000_000_000, rate in 0u32..=30) {
            let vat = vat_included(amount, rate);
            prop_assert!(vat.abs() <= amount.abs());
            prop_assert_eq!(vat.signum() * amount.signum() >= 0, true);
            // Net plus VAT is the amount, and the VAT is the rate of the net within rounding.
            let net = amount - vat;
            let exact = net as i128 * rate as i128;
            prop_assert!((vat as i128 * 100 - exact).abs() <= 100 + rate as i128);
        }
    }
}
