//! The tax an invoice shows, by the customer's country: which tax, its rate, and whether the
//! prices include it or it is added on top.

use crate::documents::vat_included;

/// The countries customers are served in, by their ISO 3166-1 alpha-2 codes (`RU`, `IR`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Country {
    #[serde(rename = "RU")]
    Russia,
    #[serde(rename = "IR")]
    Iran,
}

impl Country {
    pub const ALL: &'static [Country] = &[Country::Russia, Country::Iran];

    pub fn as_str(self) -> &'static str {
        match self {
            Country::Russia => "RU",
            Country::Iran => "IR",
        }
    }
}

impl std::str::FromStr for Country {
    type Err = crate::UnknownValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Country::ALL
            .iter()
            .copied()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| crate::UnknownValue(s.to_owned()))
    }
}

impl std::fmt::Display for Country {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

stored_as_text!(Country);

string_enum!(
    /// A tax an invoice names: Russia's НДС, Iran's value-added tax.
    TaxKind { RussianVat => "russian_vat", IranianVat => "iranian_vat" }
);

/// How an invoice to a customer of one country is taxed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TaxRule {
    pub country: Country,
    pub kind: TaxKind,
    /// Percent; 0: the supply is not taxed ("без НДС").
    pub rate_percent: u32,
    /// The prices already include the tax (Russia's practice); otherwise it is added on top.
    pub included: bool,
}

/// What an invoice's amounts come to under a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Taxed {
    /// The amount without the tax.
    pub net: i64,
    pub tax: i64,
    /// What the customer pays.
    pub total: i64,
}

impl TaxRule {
    /// Iran's value-added tax as its law sets it (10 %), with prices that include it, as the
    /// product's charges do.
    pub const IRAN: TaxRule = TaxRule {
        country: Country::Iran,
        kind: TaxKind::IranianVat,
        rate_percent: 10,
        included: true,
    };

    /// Russia's VAT at `rate_percent`, included in prices.
    pub fn russia(rate_percent: u32) -> TaxRule {
        TaxRule {
            country: Country::Russia,
            kind: TaxKind::RussianVat,
            rate_percent,
            included: true,
        }
    }

    /// The amounts of an invoice whose lines sum to `amount` (minor units; a refund is
    /// negative): the tax inside it, or on top of it, rounded half away from zero.
    pub fn apply(&self, amount: i64) -> Taxed {
        if self.included {
            let tax = vat_included(amount, self.rate_percent);
            Taxed {
                net: amount - tax,
                tax,
                total: amount,
            }
        } else {
            let exact = i128::from(amount) * i128::from(self.rate_percent);
            let tax = if exact >= 0 {
                (exact + 50) / 100
            } else {
                (exact - 50) / 100
            } as i64;
            Taxed {
                net: amount,
                tax,
                total: amount + tax,
            }
        }
    }
}

/// The rule for a customer in `country`: the first of `rules` for it, if any.
pub fn rule_for(rules: &[TaxRule], country: Country) -> Option<TaxRule> {
    rules.iter().copied().find(|r| r.country == country)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn russian_vat_is_inside_the_price_and_iranian_rules_are_their_own() {
        let ru = TaxRule::russia(22);
        assert_eq!(
            ru.apply(122_000),
            Taxed {
                net: 100_000,
                tax: 22_000,
                total: 122_000
            }
        );
        assert_eq!(
            TaxRule::IRAN.apply(110_000),
            Taxed {
                net: 100_000,
                tax: 10_000,
                total: 110_000
            }
        );
        let added = TaxRule {
            included: false,
            ..TaxRule::IRAN
        };
        assert_eq!(
            added.apply(100_000),
            Taxed {
                net: 100_000,
                tax: 10_000,
                total: 110_000
            }
        );
        assert_eq!(
            added.apply(-15),
            Taxed {
                net: -15,
                tax: -2,
                total: -17
            }
        );
        assert_eq!(TaxRule::russia(0).apply(5_000).tax, 0);
        let rules = [TaxRule::russia(22), TaxRule::IRAN];
        assert_eq!(rule_for(&rules, Country::Iran), Some(TaxRule::IRAN));
        assert_eq!(rule_for(&rules[..1], Country::Iran), None);
        assert_eq!("IR".parse::<Country>(), Ok(Country::Iran));
    }

    proptest! {
        #[test]
        fn net_and_tax_make_the_total(amount in -1_000_000_000_000i64..1_000_000_000_000, rate in 0u32..=30, included: bool) {
            let rule = TaxRule { country: Country::Iran, kind: TaxKind::IranianVat, rate_percent: rate, included };
            let t = rule.apply(amount);
            prop_assert_eq!(t.net + t.tax, t.total);
            prop_assert!(t.tax.signum() * amount.signum() >= 0);
            // The tax is the rate of the net, within a minor unit of rounding.
            let exact = i128::from(t.net) * i128::from(rate);
            prop_assert!((i128::from(t.tax) * 100 - exact).abs() <= 100 + i128::from(rate));
        }
    }
}
