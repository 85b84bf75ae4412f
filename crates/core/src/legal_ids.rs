//! Check digits of the numbers that identify companies and people: the Russian taxpayer number
//! (ИНН, 10 digits for an organisation, 12 for a person), the tax registration reason code
//! (КПП), the state registration numbers of organisations (ОГРН) and sole proprietors
//! (ОГРНИП), a bank account's control key against the bank's BIK, and the Iranian national id
//! (کد ملی). Each check says why a number is wrong, so a form can tell the person.

use std::fmt;

/// Why a number is not valid. `code()` is the message key of the web layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("empty")]
    Empty,
    #[error("only digits are allowed")]
    NotDigits,
    #[error("wrong length: {got} characters, expected {expected}")]
    WrongLength { got: usize, expected: &'static str },
    #[error("check digit is {got}, expected {expected}")]
    CheckDigit { got: u32, expected: u32 },
    #[error("wrong format")]
    Format,
    #[error("the first digit {0} is not used for this kind of number")]
    Prefix(u32),
    #[error("all digits are the same")]
    Repeated,
}

impl IdError {
    pub fn code(&self) -> &'static str {
        match self {
            IdError::Empty => "id-empty",
            IdError::NotDigits => "id-not-digits",
            IdError::WrongLength { .. } => "id-wrong-length",
            IdError::CheckDigit { .. } => "id-check-digit",
            IdError::Format => "id-format",
            IdError::Prefix(_) => "id-prefix",
            IdError::Repeated => "id-repeated",
        }
    }
}

/// Which of the checked numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdKind {
    Inn,
    Kpp,
    Ogrn,
    Ogrnip,
    NationalId,
}

impl IdKind {
    pub const ALL: [IdKind; 5] = [
        IdKind::Inn,
        IdKind::Kpp,
        IdKind::Ogrn,
        IdKind::Ogrnip,
        IdKind::NationalId,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            IdKind::Inn => "inn",
            IdKind::Kpp => "kpp",
            IdKind::Ogrn => "ogrn",
            IdKind::Ogrnip => "ogrnip",
            IdKind::NationalId => "national-id",
        }
    }

    /// Checks `value` (spaces around it are ignored); returns it normalised.
    pub fn check(self, value: &str) -> Result<String, IdError> {
        match self {
            IdKind::Inn => inn(value).map(|i| i.number),
            IdKind::Kpp => kpp(value),
            IdKind::Ogrn => ogrn(value),
            IdKind::Ogrnip => ogrnip(value),
            IdKind::NationalId => national_id(value),
        }
    }
}

impl fmt::Display for IdKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Digits of `value` after trimming, or why not.
fn digits(value: &str, lengths: &[usize], expected: &'static str) -> Result<Vec<u32>, IdError> {
    let v = value.trim();
    if v.is_empty() {
        return Err(IdError::Empty);
    }
    if !v.bytes().all(|b| b.is_ascii_digit()) {
        return Err(IdError::NotDigits);
    }
    if !lengths.contains(&v.len()) {
        return Err(IdError::WrongLength {
            got: v.chars().count(),
            expected,
        });
    }
    Ok(v.bytes().map(|b| u32::from(b - b'0')).collect())
}

fn weighted(d: &[u32], weights: &[u32]) -> u32 {
    d.iter().zip(weights).map(|(a, b)| a * b).sum()
}

fn expect_digit(got: u32, expected: u32) -> Result<(), IdError> {
    if got == expected {
        Ok(())
    } else {
        Err(IdError::CheckDigit { got, expected })
    }
}

/// A valid taxpayer number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inn {
    pub number: String,
    /// 10 digits: an organisation; 12 digits: a person or sole proprietor.
    pub organisation: bool,
}

/// ИНН: 10 digits with one check digit, or 12 with two; each is the weighted sum mod 11
/// mod 10.
pub fn inn(value: &str) -> Result<Inn, IdError> {
    let d = digits(value, &[10, 12], "10 or 12")?;
    if d.len() == 10 {
        expect_digit(d[9], weighted(&d, &[2, 4, 10, 3, 5, 9, 4, 6, 8]) % 11 % 10)?;
    } else {
        expect_digit(d[10], weighted(&d, &[7, 2, 4, 10, 3, 5, 9, 4, 6, 8]) % 11 % 10)?;
        expect_digit(d[11], weighted(&d, &[3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8]) % 11 % 10)?;
    }
    Ok(Inn {
        organisation: d.len() == 10,
        number: value.trim().to_owned(),
    })
}

/// КПП: nine characters — the tax office (4 digits), the reason (2 digits or capital Latin
/// letters) and a serial number (3 digits). It has no check digit.
pub fn kpp(value: &str) -> Result<String, IdError> {
    let v = value.trim();
    if v.is_empty() {
        return Err(IdError::Empty);
    }
    let chars: Vec<char> = v.chars().collect();
    if chars.len() != 9 {
        return Err(IdError::WrongLength {
            got: chars.len(),
            expected: "9",
        });
    }
    let ok = chars.iter().enumerate().all(|(i, c)| match i {
        4 | 5 => c.is_ascii_digit() || c.is_ascii_uppercase(),
        _ => c.is_ascii_digit(),
    });
    if ok { Ok(v.to_owned()) } else { Err(IdError::Format) }
}

/// ОГРН: 13 digits starting with 1 or 5; the last is the first twelve as a number mod 11,
/// mod 10.
pub fn ogrn(value: &str) -> Result<String, IdError> {
    let d = digits(value, &[13], "13")?;
    if !matches!(d[0], 1 | 5) {
        return Err(IdError::Prefix(d[0]));
    }
    let body = d[..12].iter().fold(0u64, |n, x| n * 10 + u64::from(*x));
    expect_digit(d[12], (body % 11 % 10) as u32)?;
    Ok(value.trim().to_owned())
}

/// ОГРНИП: 15 digits starting with 3; the last is the first fourteen mod 13, mod 10.
pub fn ogrnip(value: &str) -> Result<String, IdError> {
    let d = digits(value, &[15], "15")?;
    if d[0] != 3 {
        return Err(IdError::Prefix(d[0]));
    }
    let body = d[..14].iter().fold(0u64, |n, x| n * 10 + u64::from(*x));
    expect_digit(d[14], (body % 13 % 10) as u32)?;
    Ok(value.trim().to_owned())
}

/// The Iranian national id (کد ملی): 10 digits; the sum of the first nine weighted 10 … 2,
/// mod 11, is the check digit when below 2 and 11 minus it otherwise. Codes of one repeated
/// digit pass that sum but are not issued.
pub fn national_id(value: &str) -> Result<String, IdError> {
    // Persian and Arabic-Indic digits are typed on Persian keyboards.
    let ascii: String = value
        .trim()
        .chars()
        .map(|c| match c {
            '۰'..='۹' => char::from(b'0' + (c as u32 - '۰' as u32) as u8),
            '٠'..='٩' => char::from(b'0' + (c as u32 - '٠' as u32) as u8),
            _ => c,
        })
        .collect();
    let d = digits(&ascii, &[10], "10")?;
    if d.iter().all(|x| *x == d[0]) {
        return Err(IdError::Repeated);
    }
    let r = weighted(&d, &[10, 9, 8, 7, 6, 5, 4, 3, 2]) % 11;
    expect_digit(d[9], if r < 2 { r } else { 11 - r })?;
    Ok(ascii)
}

/// БИК: nine digits of a bank in Russia (they start with 04).
pub fn bik(value: &str) -> Result<String, IdError> {
    let d = digits(value, &[9], "9")?;
    if d[0] != 0 || d[1] != 4 {
        return Err(IdError::Format);
    }
    Ok(value.trim().to_owned())
}

/// A 20-digit account's control key against its bank's BIK: the last three digits of the BIK
/// (for an account at a bank) or `0` and digits 5–6 of the BIK (for a correspondent account
/// at the Bank of Russia) followed by the account, weighted 7, 1, 3 … , sum to a multiple of 10.
pub fn bank_account(bik_value: &str, account: &str) -> Result<String, IdError> {
    let b = bik(bik_value)?;
    let d = digits(account, &[20], "20")?;
    let bd: Vec<u32> = b.bytes().map(|x| u32::from(x - b'0')).collect();
    let prefix: [u32; 3] = if account.trim().starts_with("301") {
        [0, bd[4], bd[5]]
    } else {
        [bd[6], bd[7], bd[8]]
    };
    let all: Vec<u32> = prefix.iter().chain(d.iter()).copied().collect();
    let weights: Vec<u32> = (0..23).map(|i| [7, 1, 3][i % 3]).collect();
    if !weighted(&all, &weights).is_multiple_of(10) {
        // The key is the ninth digit: the one that makes the sum a multiple of 10.
        let without: u32 = weighted(&all, &weights) - all[11] * weights[11];
        let expected = (0..10)
            .find(|k| (without + k * weights[11]).is_multiple_of(10))
            .unwrap_or(0);
        return Err(IdError::CheckDigit { got: all[11], expected });
    }
    Ok(account.trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn inn_table() {
        let cases: &[(&str, Result<bool, IdError>)] = &[
            ("7707083893", Ok(true)),
            (" 7707083893 ", Ok(true)),
            ("500100732259", Ok(false)),
            ("7719000010", Ok(true)),
            ("7707083894", Err(IdError::CheckDigit { got: 4, expected: 3 })),
            ("500100732258", Err(IdError::CheckDigit { got: 8, expected: 9 })),
            ("500100732269", Err(IdError::CheckDigit { got: 6, expected: 5 })),
            (
                "77070838",
                Err(IdError::WrongLength {
                    got: 8,
                    expected: "10 or 12",
                }),
            ),
            (
                "77070838931",
                Err(IdError::WrongLength {
                    got: 11,
                    expected: "10 or 12",
                }),
            ),
            ("77070A3893", Err(IdError::NotDigits)),
            ("７７０７０８３８９３", Err(IdError::NotDigits)),
            ("", Err(IdError::Empty)),
        ];
        for (value, expected) in cases {
            assert_eq!(inn(value).map(|i| i.organisation), *expected, "{value:?}");
        }
    }

    #[test]
    fn kpp_table() {
        for ok in ["773601001", "7736AB001", "500101001"] {
            assert!(kpp(ok).is_ok(), "{ok}");
        }
        for (bad, e) in [
            ("77360100", IdError::WrongLength { got: 8, expected: "9" }),
            ("7736ab001", IdError::Format),
            ("A73601001", IdError::Format),
            ("773601-01", IdError::Format),
            ("", IdError::Empty),
        ] {
            assert_eq!(kpp(bad), Err(e), "{bad}");
        }
    }

    #[test]
    fn ogrn_and_ogrnip_tables() {
        assert!(ogrn("1027700132195").is_ok());
        assert!(ogrn("1027700000019").is_ok());
        assert_eq!(ogrn("1027700132194"), Err(IdError::CheckDigit { got: 4, expected: 5 }));
        assert_eq!(ogrn("3027700132195"), Err(IdError::Prefix(3)));
        assert_eq!(
            ogrn("102770013219"),
            Err(IdError::WrongLength {
                got: 12,
                expected: "13"
            })
        );
        assert!(ogrnip("304500116000157").is_ok());
        assert_eq!(
            ogrnip("304500116000158"),
            Err(IdError::CheckDigit { got: 8, expected: 7 })
        );
        assert_eq!(ogrnip("104500116000157"), Err(IdError::Prefix(1)));
        assert_eq!(
            ogrnip("3045001160001"),
            Err(IdError::WrongLength {
                got: 13,
                expected: "15"
            })
        );
    }

    #[test]
    fn national_id_table() {
        for ok in ["0013542419", "0499370899", "0084575948", "۰۰۱۳۵۴۲۴۱۹"] {
            assert!(national_id(ok).is_ok(), "{ok}");
        }
        assert_eq!(national_id("۰۰۱۳۵۴۲۴۱۹").unwrap(), "0013542419");
        assert_eq!(
            national_id("0013542418"),
            Err(IdError::CheckDigit { got: 8, expected: 9 })
        );
        assert_eq!(national_id("1111111111"), Err(IdError::Repeated));
        assert_eq!(
            national_id("001354241"),
            Err(IdError::WrongLength { got: 9, expected: "10" })
        );
        assert_eq!(national_id("00135424x9"), Err(IdError::NotDigits));
    }

    #[test]
    fn bank_accounts() {
        assert!(bank_account("044525225", "40702810638050013199").is_ok());
        assert!(bank_account("044525000", "40702810900000000001").is_ok());
        assert!(bank_account("044525000", "30101810900000000000").is_ok());
        assert_eq!(
            bank_account("044525225", "40702810738050013199"),
            Err(IdError::CheckDigit { got: 7, expected: 6 })
        );
        assert_eq!(bank_account("123456789", "40702810638050013199"), Err(IdError::Format));
        assert!(bank_account("044525225", "4070281063805001319").is_err());
    }

    #[test]
    fn kinds_dispatch() {
        assert_eq!(IdKind::Inn.check("7707083893").unwrap(), "7707083893");
        assert!(IdKind::NationalId.check("0013542418").is_err());
        for k in IdKind::ALL {
            assert!(k.check("").is_err(), "{k}");
        }
    }

    proptest! {
        /// Any ten digits with the right check digit pass, and a single-digit typo fails
        /// unless it moves the weighted sum between 0 and 10 mod 11 (both give check digit 0).
        #[test]
        fn one_wrong_digit_is_caught(body in "[0-9]{9}", pos in 0usize..10, delta in 1u32..10) {
            let weights = [2u32, 4, 10, 3, 5, 9, 4, 6, 8];
            let d: Vec<u32> = body.bytes().map(|b| u32::from(b - b'0')).collect();
            let sum = weighted(&d, &weights) % 11;
            let valid = format!("{body}{}", sum % 10);
            prop_assert!(inn(&valid).is_ok());
            let mut typo: Vec<u32> = valid.bytes().map(|b| u32::from(b - b'0')).collect();
            typo[pos] = (typo[pos] + delta) % 10;
            let slips = pos < 9 && weighted(&typo[..9], &weights) % 11 % 10 == sum % 10;
            let typo: String = typo.iter().map(|x| char::from_digit(*x, 10).unwrap()).collect();
            prop_assert_eq!(inn(&typo).is_ok(), slips, "{} → {}", valid, typo);
        }

        #[test]
        fn never_panics(s in "\\PC{0,20}") {
            for k in IdKind::ALL {
                let _ = k.check(&s);
            }
            let _ = bank_account(&s, &s);
        }
    }
}
