//! Amounts written out in words, as invoices and acts state the total ("сумма прописью"):
//! Russian with grammatical gender and the three plural forms, English, and Persian.

use crate::money::Currency;

/// `minor` units of `currency` in words in `language` (`ru`, `en` or `fa`; anything else reads
/// as English), with the first letter capitalised: "Одна тысяча пятьсот рублей 00 копеек".
pub fn in_words(minor: i64, currency: Currency, language: &str) -> String {
    match language {
        "ru" => russian(minor, currency),
        "fa" => persian(minor, currency),
        _ => english(minor, currency),
    }
}

fn capitalise(s: String) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => s,
    }
}

/// Splits `minor` into (negative, whole major units, minor remainder).
fn split(minor: i64, currency: Currency) -> (bool, u64, u64) {
    let per = currency.minor_per_major() as u64;
    let magnitude = minor.unsigned_abs();
    (minor < 0, magnitude / per, magnitude % per)
}

/// `n` in groups of three digits, the lowest first.
fn thousands(n: u64) -> Vec<u64> {
    let mut groups = Vec::new();
    let mut rest = n;
    while rest > 0 {
        groups.push(rest % 1000);
        rest /= 1000;
    }
    groups
}

/// A number in a language whose scale words do not change with the count (English, Persian):
/// each group of three digits in words, then its scale word, the groups joined by `joiner`.
fn spell(n: u64, zero: &str, triple: fn(u64) -> String, scales: &[&str], joiner: &str) -> String {
    if n == 0 {
        return zero.into();
    }
    let groups = thousands(n);
    let mut parts = Vec::new();
    for (i, &g) in groups.iter().enumerate().rev() {
        if g == 0 {
            continue;
        }
        let mut p = triple(g);
        if i > 0 {
            p.push(' ');
            p.push_str(scales.get(i).or(scales.last()).copied().unwrap_or(""));
        }
        parts.push(p);
    }
    parts.join(joiner)
}

// ---------------------------------------------------------------- Russian

const RU_UNITS_MASC: [&str; 10] = [
    "",
    "один",
    "два",
    "три",
    "четыре",
    "пять",
    "шесть",
    "семь",
    "восемь",
    "девять",
];
const RU_UNITS_FEM: [&str; 10] = [
    "",
    "одна",
    "две",
    "три",
    "четыре",
    "пять",
    "шесть",
    "семь",
    "восемь",
    "девять",
];
const RU_TEENS: [&str; 10] = [
    "десять",
    "одиннадцать",
    "двенадцать",
    "тринадцать",
    "четырнадцать",
    "пятнадцать",
    "шестнадцать",
    "семнадцать",
    "восемнадцать",
    "девятнадцать",
];
const RU_TENS: [&str; 10] = [
    "",
    "",
    "двадцать",
    "тридцать",
    "сорок",
    "пятьдесят",
    "шестьдесят",
    "семьдесят",
    "восемьдесят",
    "девяносто",
];
const RU_HUNDREDS: [&str; 10] = [
    "",
    "сто",
    "двести",
    "триста",
    "четыреста",
    "пятьсот",
    "шестьсот",
    "семьсот",
    "восемьсот",
    "девятьсот",
];

/// The form of a noun after `n`: one (1, 21), few (2–4, 22–24) or many (5–20, 25…).
fn ru_plural(n: u64, forms: [&str; 3]) -> &str {
    let (tens, units) = (n % 100, n % 10);
    if (11..=14).contains(&tens) {
        forms[2]
    } else if units == 1 {
        forms[0]
    } else if (2..=4).contains(&units) {
        forms[1]
    } else {
        forms[2]
    }
}

/// A number below 1000 in words; `feminine` for thousands and kopecks.
fn ru_triple(n: u64, feminine: bool, out: &mut Vec<&'static str>) {
    let (h, t, u) = ((n / 100) as usize, ((n / 10) % 10) as usize, (n % 10) as usize);
    if h > 0 {
        out.push(RU_HUNDREDS[h]);
    }
    if t == 1 {
        out.push(RU_TEENS[u]);
        return;
    }
    if t > 1 {
        out.push(RU_TENS[t]);
    }
    if u > 0 {
        out.push(if feminine { RU_UNITS_FEM[u] } else { RU_UNITS_MASC[u] });
    }
}

/// A whole number in Russian words; `feminine` agrees with a feminine noun (копейка).
pub fn russian_number(n: u64, feminine: bool) -> String {
    if n == 0 {
        return "ноль".into();
    }
    const SCALES: [([&str; 3], bool); 6] = [
        (["", "", ""], false),
        (["тысяча", "тысячи", "тысяч"], true),
        (["миллион", "миллиона", "миллионов"], false),
        (["миллиард", "миллиарда", "миллиардов"], false),
        (["триллион", "триллиона", "триллионов"], false),
        (["квадриллион", "квадриллиона", "квадриллионов"], false),
    ];
    let mut words: Vec<&'static str> = Vec::new();
    for (i, &g) in thousands(n).iter().enumerate().rev() {
        if g == 0 {
            continue;
        }
        let (forms, scale_feminine) = SCALES.get(i).copied().unwrap_or(SCALES[5]);
        ru_triple(g, if i == 0 { feminine } else { scale_feminine }, &mut words);
        if i > 0 {
            words.push(ru_plural(g, forms));
        }
    }
    words.join(" ")
}

fn russian(minor: i64, currency: Currency) -> String {
    let (negative, major, rest) = split(minor, currency);
    let mut s = String::new();
    if negative {
        s.push_str("минус ");
    }
    s.push_str(&russian_number(major, false));
    s.push(' ');
    match currency {
        Currency::Rub => {
            s.push_str(ru_plural(major, ["рубль", "рубля", "рублей"]));
            s.push_str(&format!(
                " {rest:02} {}",
                ru_plural(rest, ["копейка", "копейки", "копеек"])
            ));
        }
        Currency::Irr => s.push_str(ru_plural(major, ["риал", "риала", "риалов"])),
    }
    capitalise(s)
}

// ---------------------------------------------------------------- English

const EN_SMALL: [&str; 20] = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];
const EN_TENS: [&str; 10] = [
    "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
];
const EN_SCALES: [&str; 6] = ["", "thousand", "million", "billion", "trillion", "quadrillion"];

fn en_triple(n: u64) -> String {
    let (h, rest) = (n / 100, n % 100);
    let mut parts = Vec::new();
    if h > 0 {
        parts.push(format!("{} hundred", EN_SMALL[h as usize]));
    }
    if rest > 0 {
        let words = if rest < 20 {
            EN_SMALL[rest as usize].to_owned()
        } else if rest % 10 == 0 {
            EN_TENS[(rest / 10) as usize].to_owned()
        } else {
            format!("{}-{}", EN_TENS[(rest / 10) as usize], EN_SMALL[(rest % 10) as usize])
        };
        parts.push(words);
    }
    parts.join(" ")
}

pub fn english_number(n: u64) -> String {
    spell(n, "zero", en_triple, &EN_SCALES, " ")
}

fn english(minor: i64, currency: Currency) -> String {
    let (negative, major, rest) = split(minor, currency);
    let mut s = String::new();
    if negative {
        s.push_str("minus ");
    }
    s.push_str(&english_number(major));
    match currency {
        Currency::Rub => {
            s.push_str(if major == 1 { " rouble" } else { " roubles" });
            s.push_str(&format!(" {rest:02} {}", if rest == 1 { "kopeck" } else { "kopecks" }));
        }
        Currency::Irr => s.push_str(if major == 1 { " rial" } else { " rials" }),
    }
    capitalise(s)
}

// ---------------------------------------------------------------- Persian

const FA_SMALL: [&str; 20] = [
    "صفر",
    "یک",
    "دو",
    "سه",
    "چهار",
    "پنج",
    "شش",
    "هفت",
    "هشت",
    "نه",
    "ده",
    "یازده",
    "دوازده",
    "سیزده",
    "چهارده",
    "پانزده",
    "شانزده",
    "هفده",
    "هجده",
    "نوزده",
];
const FA_TENS: [&str; 10] = ["", "", "بیست", "سی", "چهل", "پنجاه", "شصت", "هفتاد", "هشتاد", "نود"];
const FA_HUNDREDS: [&str; 10] = [
    "",
    "صد",
    "دویست",
    "سیصد",
    "چهارصد",
    "پانصد",
    "ششصد",
    "هفتصد",
    "هشتصد",
    "نهصد",
];
const FA_SCALES: [&str; 6] = ["", "هزار", "میلیون", "میلیارد", "تریلیون", "کوادریلیون"];
const FA_AND: &str = " و ";

fn fa_triple(n: u64) -> String {
    let (h, rest) = ((n / 100) as usize, n % 100);
    let mut parts: Vec<&str> = Vec::new();
    if h > 0 {
        parts.push(FA_HUNDREDS[h]);
    }
    if rest > 0 && rest < 20 {
        parts.push(FA_SMALL[rest as usize]);
    } else if rest >= 20 {
        parts.push(FA_TENS[(rest / 10) as usize]);
        if rest % 10 > 0 {
            parts.push(FA_SMALL[(rest % 10) as usize]);
        }
    }
    parts.join(FA_AND)
}

pub fn persian_number(n: u64) -> String {
    spell(n, FA_SMALL[0], fa_triple, &FA_SCALES, FA_AND)
}

fn persian(minor: i64, currency: Currency) -> String {
    let (negative, major, rest) = split(minor, currency);
    let mut s = String::new();
    if negative {
        s.push_str("منفی ");
    }
    match currency {
        Currency::Rub => {
            s.push_str(&persian_number(major));
            s.push_str(" روبل");
            if rest > 0 {
                s.push_str(FA_AND);
                s.push_str(&persian_number(rest));
                s.push_str(" کوپک");
            }
        }
        // Persian readers count in toman (10 rial); an amount that is not whole in toman is
        // written in rial so nothing is rounded away.
        Currency::Irr if major % 10 == 0 => {
            s.push_str(&persian_number(major / 10));
            s.push_str(" تومان");
        }
        Currency::Irr => {
            s.push_str(&persian_number(major));
            s.push_str(" ریال");
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn russian_amounts() {
        let cases = [
            (0, "Ноль рублей 00 копеек"),
            (100, "Один рубль 00 копеек"),
            (101, "Один рубль 01 копейка"),
            (222, "Два рубля 22 копейки"),
            (1_100, "Одиннадцать рублей 00 копеек"),
            (150_000, "Одна тысяча пятьсот рублей 00 копеек"),
            (214_205, "Две тысячи сто сорок два рубля 05 копеек"),
            (1_100_000, "Одиннадцать тысяч рублей 00 копеек"),
            (
                2_112_000_000,
                "Двадцать один миллион сто двадцать тысяч рублей 00 копеек",
            ),
            (100_000_000_000, "Один миллиард рублей 00 копеек"),
            (-50_050, "Минус пятьсот рублей 50 копеек"),
        ];
        for (minor, words) in cases {
            assert_eq!(in_words(minor, Currency::Rub, "ru"), words, "{minor}");
        }
        assert_eq!(in_words(5_000_000, Currency::Irr, "ru"), "Пять миллионов риалов");
        assert_eq!(russian_number(1_000, false), "одна тысяча");
        assert_eq!(russian_number(14_014, false), "четырнадцать тысяч четырнадцать");
    }

    #[test]
    fn english_amounts() {
        assert_eq!(
            in_words(150_000, Currency::Rub, "en"),
            "One thousand five hundred roubles 00 kopecks"
        );
        assert_eq!(in_words(100, Currency::Rub, "en"), "One rouble 00 kopecks");
        assert_eq!(
            in_words(4_213_201, Currency::Rub, "en"),
            "Forty-two thousand one hundred thirty-two roubles 01 kopeck"
        );
        assert_eq!(in_words(1_000_000, Currency::Irr, "en"), "One million rials");
    }

    #[test]
    fn persian_amounts() {
        // 125,000 toman = 1,250,000 rial.
        assert_eq!(in_words(1_250_000, Currency::Irr, "fa"), "صد و بیست و پنج هزار تومان");
        assert_eq!(in_words(15, Currency::Irr, "fa"), "پانزده ریال");
        assert_eq!(in_words(100_000_000_000, Currency::Irr, "fa"), "ده میلیارد تومان");
        assert_eq!(in_words(1_050, Currency::Rub, "fa"), "ده روبل و پنجاه کوپک");
    }

    proptest! {
        #[test]
        fn every_amount_has_words(minor in i64::MIN + 1..i64::MAX, lang in prop::sample::select(vec!["ru", "en", "fa"])) {
            for c in Currency::ALL {
                let w = in_words(minor, c, lang);
                prop_assert!(!w.is_empty());
                prop_assert!(!w.contains("  "), "{}", w);
            }
        }

        #[test]
        fn russian_thousands_agree(n in 1u64..1000) {
            // "одна тысяча", "две тысячи": never "один тысяча".
            let w = russian_number(n * 1000, false);
            prop_assert!(!w.contains("один тысяч") && !w.contains("два тысяч"), "{}", w);
        }
    }
}
