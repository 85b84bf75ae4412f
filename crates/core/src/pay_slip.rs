//! Payment slips with the unified payment QR code of Russian banks (GOST R 56042-2014): the
//! text a banking app reads from the code — `ST00012` (format version 0001, UTF-8), then
//! `Name=value` pairs separated by `|` — with the recipient's requisites and, when known, the
//! sum and the purpose. Also the check of a recipient's requisites typed by a customer (a
//! state guard's, say): BIK, the account's and the correspondent account's control keys, INN.

use crate::legal_ids::{self, IdError};

/// A payment's recipient and what is paid, as the QR code carries it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Payee {
    pub name: String,
    /// Settlement account, 20 digits.
    pub account: String,
    pub bank_name: String,
    pub bik: String,
    /// The bank's correspondent account, 20 digits (empty for the Bank of Russia's own).
    pub correspondent_account: String,
    pub inn: String,
    pub kpp: String,
}

/// What the payer pays for.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Payment {
    /// In kopecks; 0 leaves the sum to the payer.
    pub sum_kopecks: i64,
    pub purpose: String,
    /// The payer's account with the recipient (the contract number).
    pub payer_account: String,
    pub payer_name: String,
    pub payer_address: String,
}

/// The separator of the format; a value never carries it (it is replaced by `/`).
const SEPARATOR: char = '|';

/// The longest purpose the format allows.
pub const PURPOSE_MAX: usize = 210;

fn clean(value: &str) -> String {
    value
        .chars()
        .map(|c| if c == SEPARATOR { '/' } else { c })
        .filter(|c| !c.is_control())
        .collect::<String>()
        .trim()
        .to_owned()
}

/// The text of the unified payment QR code: the five required requisites first, in the
/// standard's order, then the optional ones that are not empty.
pub fn qr_text(payee: &Payee, payment: &Payment) -> String {
    let mut out = String::from("ST00012");
    let mut push = |key: &str, value: &str| {
        let v = clean(value);
        if !v.is_empty() {
            out.push(SEPARATOR);
            out.push_str(key);
            out.push('=');
            out.push_str(&v);
        }
    };
    push("Name", &payee.name);
    push("PersonalAcc", &payee.account);
    push("BankName", &payee.bank_name);
    push("BIC", &payee.bik);
    push(
        "CorrespAcc",
        if payee.correspondent_account.is_empty() {
            "0"
        } else {
            &payee.correspondent_account
        },
    );
    if payment.sum_kopecks > 0 {
        push("Sum", &payment.sum_kopecks.to_string());
    }
    let purpose: String = clean(&payment.purpose).chars().take(PURPOSE_MAX).collect();
    push("Purpose", &purpose);
    push("PayeeINN", &payee.inn);
    push("KPP", &payee.kpp);
    push("PersAcc", &payment.payer_account);
    push("LastName", &payment.payer_name);
    push("PayerAddress", &payment.payer_address);
    out
}

/// Reads the pairs of a QR text back (a check of [`qr_text`], and what a banking app does).
pub fn parse_qr_text(text: &str) -> Option<Vec<(String, String)>> {
    let rest = text.strip_prefix("ST00012")?;
    rest.split(SEPARATOR)
        .skip(1)
        .map(|pair| pair.split_once('=').map(|(k, v)| (k.to_owned(), v.to_owned())))
        .collect()
}

/// A problem with one field of typed requisites: the field and the message key.
pub type FieldProblem = (&'static str, &'static str);

fn id_problem(e: IdError) -> &'static str {
    e.code()
}

/// Checks requisites a person typed: every field's problem at once. The name and the bank's
/// name must be there; the BIK nine digits starting 04; the account's control key right for
/// the BIK; the correspondent account, when given, a `301…` account of that BIK; the INN's
/// check digits; the KPP nine characters when given.
pub fn check_payee(p: &Payee) -> Result<Payee, Vec<FieldProblem>> {
    let mut problems = Vec::new();
    let mut out = Payee {
        name: clean(&p.name),
        bank_name: clean(&p.bank_name),
        ..Payee::default()
    };
    if out.name.is_empty() {
        problems.push(("name", "text-empty"));
    }
    if out.bank_name.is_empty() {
        problems.push(("bank_name", "text-empty"));
    }
    match legal_ids::bik(&p.bik) {
        Ok(bik) => {
            out.bik = bik.clone();
            match legal_ids::bank_account(&bik, &p.account) {
                Ok(a) if !a.starts_with("301") => out.account = a,
                Ok(_) => problems.push(("account", "payee-account-is-correspondent")),
                Err(e) => problems.push(("account", id_problem(e))),
            }
            if !p.correspondent_account.trim().is_empty() {
                match legal_ids::bank_account(&bik, &p.correspondent_account) {
                    Ok(a) if a.starts_with("301") => out.correspondent_account = a,
                    Ok(_) => problems.push(("correspondent_account", "payee-not-correspondent")),
                    Err(e) => problems.push(("correspondent_account", id_problem(e))),
                }
            }
        }
        Err(e) => problems.push(("bik", id_problem(e))),
    }
    match legal_ids::inn(&p.inn) {
        Ok(inn) => out.inn = inn.number,
        Err(e) => problems.push(("inn", id_problem(e))),
    }
    if !p.kpp.trim().is_empty() {
        match legal_ids::kpp(&p.kpp) {
            Ok(k) => out.kpp = k,
            Err(e) => problems.push(("kpp", id_problem(e))),
        }
    }
    if problems.is_empty() { Ok(out) } else { Err(problems) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Requisites of a made-up bank whose numbers pass their checks.
    fn payee() -> Payee {
        Payee {
            name: "ООО «Охрана»".into(),
            account: "40702810900000000001".into(),
            bank_name: "АО «Банк»".into(),
            bik: "044525225".into(),
            correspondent_account: "30101810400000000225".into(),
            inn: "7707083893".into(),
            kpp: "770701001".into(),
        }
    }

    fn valid_account(bik: &str) -> String {
        // Find the control key (the 9th digit) that makes the account pass.
        (0..10)
            .map(|k| format!("40702810{k}00000000001"))
            .find(|a| legal_ids::bank_account(bik, a).is_ok())
            .unwrap()
    }

    #[test]
    fn the_text_starts_with_the_header_and_the_required_fields_in_order() {
        let mut p = payee();
        p.account = valid_account(&p.bik);
        let text = qr_text(
            &p,
            &Payment {
                sum_kopecks: 187_000,
                purpose: "Оплата по договору OX-2026-0001".into(),
                payer_account: "OX-2026-0001".into(),
                ..Default::default()
            },
        );
        assert!(text.starts_with("ST00012|Name=ООО «Охрана»|PersonalAcc="), "{text}");
        let pairs = parse_qr_text(&text).unwrap();
        let keys: Vec<&str> = pairs.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(&keys[..5], ["Name", "PersonalAcc", "BankName", "BIC", "CorrespAcc"]);
        assert!(pairs.contains(&("Sum".into(), "187000".into())));
        assert!(!keys.contains(&"LastName"), "empty optional fields are left out");
    }

    #[test]
    fn typed_requisites_are_checked_field_by_field() {
        let mut p = payee();
        p.account = valid_account(&p.bik);
        assert!(check_payee(&p).is_ok(), "{:?}", check_payee(&p));
        let bad = Payee {
            name: " ".into(),
            bik: "123456789".into(),
            inn: "7707083894".into(),
            ..p.clone()
        };
        let problems = check_payee(&bad).unwrap_err();
        let fields: Vec<&str> = problems.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, ["name", "bik", "inn"]);
        // One digit of the account off: its control key is wrong.
        let mut off = p.clone();
        off.account = format!("{}{}", &p.account[..19], (p.account.as_bytes()[19] - b'0' + 1) % 10);
        assert_eq!(check_payee(&off).unwrap_err(), vec![("account", "id-check-digit")]);
        // The correspondent account in place of the settlement one.
        let mut swapped = p.clone();
        swapped.account = p.correspondent_account.clone();
        assert_eq!(
            check_payee(&swapped).unwrap_err(),
            vec![("account", "payee-account-is-correspondent")]
        );
    }

    proptest! {
        /// Whatever is typed, the text parses back into the same values without separators.
        #[test]
        fn values_never_break_the_format(name in "\\PC{0,40}", purpose in "\\PC{0,300}", sum in 0i64..1_000_000_000) {
            let p = Payee { name: name.clone(), ..payee() };
            let text = qr_text(&p, &Payment { sum_kopecks: sum, purpose: purpose.clone(), ..Default::default() });
            let pairs = parse_qr_text(&text).unwrap();
            for (k, v) in &pairs {
                prop_assert!(!v.contains('|'), "{k}={v}");
                prop_assert!(!v.is_empty());
            }
            if let Some((_, v)) = pairs.iter().find(|(k, _)| k == "Purpose") {
                prop_assert!(v.chars().count() <= PURPOSE_MAX);
            }
        }
    }
}
