//! The rules of every search box: what a typed text matches and how a record's searchable
//! text is kept.
//!
//! People type in any case, with or without "ё", part of a word, part of a contract or phone
//! number. Both sides are brought to one form in Rust — lower case by Unicode rules, "ё" as
//! "е", runs of spaces as one — because neither database lowers Cyrillic the same way (SQLite
//! only lowers ASCII). A record keeps that form of its searchable fields in a `search_text`
//! column, which an index for substrings serves (trigrams on both databases), and a search
//! asks for every typed word somewhere in it.

/// The searchable form of `s`: lower case, "ё" as "е", control characters and runs of
/// whitespace as one space, trimmed.
pub fn normalise(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_whitespace() || c.is_control() {
            space = !out.is_empty();
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        for l in c.to_lowercase() {
            out.push(if l == 'ё' { 'е' } else { l });
        }
    }
    out
}

/// The digits of `s`, so that "+7 900 051-23-45" and "051 23 45" meet.
fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// Whether `s` is written like a number (a phone, an INN, a contract's digits): digits with
/// the punctuation people put between them.
fn is_number_like(s: &str) -> bool {
    s.chars().any(|c| c.is_ascii_digit()) && s.chars().all(|c| c.is_ascii_digit() || " +-().".contains(c))
}

/// Fields of one record in searchable form, separated so that a word typed never spans two
/// of them by accident. Phones are also kept as bare digits.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SearchText(String);

impl SearchText {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a field; an empty one adds nothing.
    pub fn field(mut self, value: &str) -> Self {
        let n = normalise(value);
        if !n.is_empty() {
            if !self.0.is_empty() {
                self.0.push_str(" | ");
            }
            self.0.push_str(&n);
        }
        self
    }

    pub fn optional(self, value: Option<&str>) -> Self {
        match value {
            Some(v) => self.field(v),
            None => self,
        }
    }

    /// Adds a phone as written and as its digits.
    pub fn phone(self, value: Option<&str>) -> Self {
        let bare = value.map(digits);
        self.optional(value).optional(bare.as_deref())
    }

    /// Adds a phone a record always has, as written and as its digits.
    pub fn number(self, value: &str) -> Self {
        self.phone(Some(value))
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// The longest search text taken from a person, in characters.
pub const MAX_QUERY: usize = 100;

/// At most this many words of one search are looked for.
pub const MAX_WORDS: usize = 5;

/// A substring index over three-character pieces serves words of at least this length;
/// shorter ones are looked for record by record, in the list's order.
pub const INDEXED_WORD: usize = 3;

/// Digits from which a number is taken as whole (an INN has 10 or 12, a phone 11).
pub const WHOLE_NUMBER: usize = 10;

/// A search as typed, in searchable form: the words every match must contain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchQuery {
    words: Vec<String>,
    /// A number-like text ("+7 900 051-23-45", "2026-0003") also matches as its bare digits,
    /// which is how phones are kept.
    digits: Option<String>,
}

impl SearchQuery {
    /// `None` when nothing searchable was typed.
    pub fn parse(typed: &str) -> Option<Self> {
        let typed: String = typed.chars().take(MAX_QUERY).collect();
        let text = normalise(&typed);
        if text.is_empty() {
            return None;
        }
        if is_number_like(&typed) {
            // One number however it is spaced: the text as typed or its bare digits.
            let digits = Some(digits(&typed)).filter(|d| *d != text);
            return Some(Self {
                words: vec![text],
                digits,
            });
        }
        let digits = None;
        let mut words: Vec<String> = Vec::new();
        for w in text.split(' ') {
            if !words.iter().any(|seen| seen.contains(w)) {
                words.retain(|seen| !w.contains(seen.as_str()));
                words.push(w.to_owned());
            }
        }
        // The longest words narrow best; the rest are checked on what they leave.
        words.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
        words.truncate(MAX_WORDS);
        Some(Self { words, digits })
    }

    pub fn words(&self) -> &[String] {
        &self.words
    }

    /// The bare digits of a number-like text, when they differ from its words.
    pub fn digits(&self) -> Option<&str> {
        self.digits.as_deref()
    }

    /// The digits of a typed whole number — as long as an INN or a phone (ten digits or more)
    /// and nothing but digits and the punctuation between them — which is looked up whole.
    pub fn whole_number(&self) -> Option<&str> {
        let number = self.digits.as_deref().or_else(|| {
            let w = self.words.first()?;
            (self.words.len() == 1 && w.chars().all(|c| c.is_ascii_digit())).then_some(w.as_str())
        })?;
        (number.len() >= WHOLE_NUMBER).then_some(number)
    }

    /// Whether every word is long enough for a substring index.
    pub fn is_indexable(&self) -> bool {
        let long = |w: &str| w.chars().count() >= INDEXED_WORD;
        self.words.iter().all(|w| long(w)) && self.digits.as_deref().is_none_or(long)
    }

    /// Whether a record's search text matches: every word somewhere in it, or the digits.
    pub fn matches(&self, search_text: &str) -> bool {
        self.words.iter().all(|w| search_text.contains(w.as_str()))
            || self.digits.as_deref().is_some_and(|d| search_text.contains(d))
    }
}

/// `word` as a LIKE pattern matching it anywhere, with `\` as the escape character.
pub fn like_anywhere(word: &str) -> String {
    let mut p = String::with_capacity(word.len() + 2);
    p.push('%');
    for c in word.chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

/// `word` as an FTS5 phrase: quoted, inner quotes doubled, so that nothing in it is read as
/// query syntax.
pub fn fts_phrase(word: &str) -> String {
    format!("\"{}\"", word.replace('"', "\"\""))
}

/// The part of `word` a trigram index is asked for. A word that mixes a number with letters
/// ("point51234.co", "m-51234") is asked for by its number and one character either side: the
/// letters around a number tend to be shared by many rows (every login of a kind ends in
/// ".coord", every contract starts "crm-"), and reading their long posting lists costs more
/// than checking the whole word on the few rows the number finds. Any other word is asked for
/// whole. The part is always a substring of the word, so the index finds every row the word
/// is in.
pub fn indexed_part(word: &str) -> &str {
    let digit_at: Vec<usize> = word
        .char_indices()
        .filter(|(_, c)| c.is_ascii_digit())
        .map(|(i, _)| i)
        .collect();
    let (Some(&first), Some(&last)) = (digit_at.first(), digit_at.last()) else {
        return word;
    };
    let start = word[..first].char_indices().next_back().map_or(first, |(i, _)| i);
    let end = word[last + 1..]
        .chars()
        .next()
        .map_or(last + 1, |c| last + 1 + c.len_utf8());
    let part = &word[start..end];
    if part.chars().count() >= INDEXED_WORD {
        part
    } else {
        word
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_number_among_letters_is_what_the_index_is_asked_for() {
        assert_eq!(indexed_part("point51234.co"), "t51234.");
        assert_eq!(indexed_part("m-51234"), "-51234");
        assert_eq!(indexed_part("kb-2026-0003"), "-2026-0003");
        assert_eq!(indexed_part("точка77"), "а77");
        assert_eq!(indexed_part("точка7"), "точка7");
        // Nothing narrower than the index can use: the whole word.
        assert_eq!(indexed_part("a7"), "a7");
        assert_eq!(indexed_part("кафе"), "кафе");
        assert_eq!(indexed_part("00512345"), "00512345");
        assert_eq!(indexed_part("ё1й"), "ё1й");
    }

    proptest! {
        #[test]
        fn the_indexed_part_is_inside_the_word(word in "[a-zа-я0-9.-]{0,20}") {
            prop_assert!(word.contains(indexed_part(&word)));
        }
    }

    #[test]
    fn case_and_yo_do_not_matter() {
        let text = SearchText::new()
            .field("Кафе «Ёлочка»/ООО «Вектор»")
            .field("Казань")
            .into_string();
        for typed in ["кафе", "КАФЕ", "елочка", "ЁЛОЧ", "казань", "Каз", "вектор» каф"]
        {
            let q = SearchQuery::parse(typed).unwrap();
            assert!(q.matches(&text), "{typed} in {text}");
        }
        assert!(!SearchQuery::parse("кафе москва").unwrap().matches(&text));
    }

    #[test]
    fn numbers_are_their_digits() {
        let text = SearchText::new()
            .field("KB-2026-0003")
            .phone(Some("+79000512345"))
            .into_string();
        for typed in [
            "kb-2026-0003",
            "2026-0003",
            "0003",
            "+7 900 051-23-45",
            "051 23 45",
            "(900) 051",
        ] {
            assert!(SearchQuery::parse(typed).unwrap().matches(&text), "{typed}");
        }
        assert_eq!(
            SearchQuery::parse(" +7 (900) 051-23-45 ").unwrap().digits(),
            Some("79000512345")
        );
        assert_eq!(SearchQuery::parse("0003").unwrap().digits(), None);
        // A spaced number is one word, so that the index serves it.
        let phone = SearchQuery::parse("+7 900 051-23-45").unwrap();
        assert_eq!(phone.words(), ["+7 900 051-23-45"]);
        assert!(phone.is_indexable());
        assert_eq!(phone.whole_number(), Some("79000512345"));
        assert_eq!(
            SearchQuery::parse("1655000010").unwrap().whole_number(),
            Some("1655000010")
        );
        assert_eq!(SearchQuery::parse("165500").unwrap().whole_number(), None);
        assert_eq!(SearchQuery::parse("kb-2026-0003").unwrap().whole_number(), None);
    }

    #[test]
    fn nothing_searchable_is_no_search() {
        assert_eq!(SearchQuery::parse("   \t\u{0} "), None);
        assert_eq!(SearchQuery::parse(""), None);
    }

    #[test]
    fn words_are_few_and_longest_first() {
        let q = SearchQuery::parse("a bb ccc dddd eeeee ffffff ggggggg").unwrap();
        assert_eq!(q.words(), ["ggggggg", "ffffff", "eeeee", "dddd", "ccc"]);
        assert!(q.is_indexable());
        assert!(!SearchQuery::parse("ab кафе").unwrap().is_indexable());
        // A word inside another adds nothing.
        assert_eq!(SearchQuery::parse("каф кафе").unwrap().words(), ["кафе"]);
    }

    #[test]
    fn patterns_cannot_be_widened() {
        assert_eq!(like_anywhere("50%_a\\"), "%50\\%\\_a\\\\%");
        assert_eq!(fts_phrase("a\"b"), "\"a\"\"b\"");
    }

    proptest! {
        #[test]
        fn normalising_twice_changes_nothing(s in "\\PC{0,40}") {
            let once = normalise(&s);
            prop_assert_eq!(normalise(&once), once.clone());
            prop_assert!(!once.contains("  ") && !once.starts_with(' ') && !once.ends_with(' '));
            prop_assert!(!once.chars().any(char::is_control));
        }

        #[test]
        fn a_field_is_found_by_any_part_of_it(s in "[а-яА-ЯёЁa-zA-Z0-9 -]{3,30}", start in 0usize..30, len in 3usize..10) {
            let text = SearchText::new().field("другое поле").field(&s).into_string();
            let n: Vec<char> = normalise(&s).chars().collect();
            prop_assume!(n.len() >= 3);
            let start = start.min(n.len() - 3);
            let end = (start + len).min(n.len());
            let part: String = n[start..end].iter().collect::<String>().to_uppercase();
            if let Some(q) = SearchQuery::parse(&part) {
                prop_assert!(q.matches(&text), "{:?} in {:?}", part, text);
            }
        }
    }
}
