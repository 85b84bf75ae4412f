//! The knowledge base (CNT-1): articles in Russian, English and Persian, found by the words
//! people type in any of them.
//!
//! Both databases index the same thing — each text's *terms*: its words brought to one form
//! here in Rust, so that a search finds the same articles on SQLite (FTS5) and PostgreSQL
//! (full-text search with the `simple` configuration, which adds no rules of its own). A word's
//! form: lower case, "ё" as "е"; Cyrillic words cut to their stem by the Russian Snowball
//! stemmer, Latin ones by the English one ("роутеры", "роутера" and "роутер" meet; so do
//! "routers" and "router"); Persian words with Arabic letter variants unified, diacritics and
//! the zero-width non-joiner dropped and the plural endings "ها"/"های" cut. Which stemmer a
//! word gets follows its script, not the article's language, so mixed texts work.

use std::sync::LazyLock;

use rust_stemmers::{Algorithm, Stemmer};

string_enum!(
    /// Where one language's text of an article stands. An article's text in a language is a
    /// series of versions: drafts are saved, one is published, the one published before it is
    /// superseded — kept as history, never edited.
    TextStatus { Draft => "draft", Published => "published", Superseded => "superseded" }
);

static RUSSIAN: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::Russian));
static ENGLISH: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::English));

/// The longest query a search takes, in words: more say nothing a person means.
pub const QUERY_WORDS: usize = 8;

/// A word's script, which decides how it is stemmed.
fn script(word: &str) -> Script {
    for c in word.chars() {
        match c {
            '\u{0400}'..='\u{04FF}' => return Script::Cyrillic,
            '\u{0600}'..='\u{06FF}' | '\u{FB50}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}' => return Script::Arabic,
            'a'..='z' => return Script::Latin,
            _ => {}
        }
    }
    Script::Other
}

enum Script {
    Cyrillic,
    Latin,
    Arabic,
    Other,
}

/// One character as the index keeps it: lower case, "ё" as "е", Arabic letter variants as the
/// Persian ones, Persian and Arabic digits as ASCII; None for what is dropped inside a word
/// (diacritics, the tatweel, the zero-width non-joiner).
fn fold(c: char) -> Option<char> {
    Some(match c {
        'ё' | 'Ё' => 'е',
        'ي' | 'ى' => 'ی',
        'ك' => 'ک',
        'ة' => 'ه',
        'أ' | 'إ' | 'آ' => 'ا',
        '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0640}' | '\u{200C}' | '\u{200D}' => return None,
        '۰'..='۹' => char::from_digit(c as u32 - '۰' as u32, 10)?,
        '٠'..='٩' => char::from_digit(c as u32 - '٠' as u32, 10)?,
        _ => return Some(c.to_lowercase().next().unwrap_or(c)),
    })
}

/// The words of `text`, folded (letters and digits; everything else separates words).
fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| {
        !(c.is_alphanumeric()
            || matches!(
                c,
                '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0640}' | '\u{200C}' | '\u{200D}'
            ))
    })
    .map(|w| w.chars().filter_map(fold).collect::<String>())
    .filter(|w| !w.is_empty())
}

/// A folded word's stem.
fn stem(word: &str) -> String {
    match script(word) {
        Script::Cyrillic => RUSSIAN.stem(word).into_owned(),
        Script::Latin => ENGLISH.stem(word).into_owned(),
        Script::Arabic => persian_stem(word).to_owned(),
        Script::Other => word.to_owned(),
    }
}

/// A Persian word without its plural ending, when enough of it is left to mean something.
fn persian_stem(word: &str) -> &str {
    for ending in ["هایی", "های", "ها"] {
        if let Some(rest) = word.strip_suffix(ending)
            && rest.chars().count() >= 2
        {
            return rest;
        }
    }
    word
}

/// The terms of a text, space-separated, as both indexes keep them.
pub fn terms(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for w in words(text) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&stem(&w));
    }
    out
}

/// What a typed query asks for: the terms of its words (at most [`QUERY_WORDS`]), each
/// required; the last one also as the start of a word while it is being typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    pub terms: Vec<String>,
    /// The last word's stem, matched as the start of a term: "роут" finds "роутер" before
    /// the word is finished. (Indexed terms are stems too, so a finished word finds itself.)
    pub typing: Option<String>,
}

impl Query {
    /// None when nothing searchable was typed.
    pub fn parse(q: &str) -> Option<Query> {
        let words: Vec<String> = words(q).take(QUERY_WORDS).collect();
        let (last, rest) = words.split_last()?;
        Some(Query {
            terms: rest.iter().map(|w| stem(w)).collect(),
            typing: Some(stem(last)),
        })
    }

    /// The query for FTS5: each term a quoted phrase (nothing in it read as syntax), the last
    /// word as a prefix; all required.
    pub fn fts5(&self) -> String {
        self.fts5_parts(false).join(" ")
    }

    /// The query for PostgreSQL's `to_tsquery('simple', …)`: each term quoted, the last word a
    /// prefix (`:*`); all required.
    pub fn tsquery(&self) -> String {
        self.tsquery_parts(false).join(" & ")
    }

    /// The same queries asking for any of the words, for when no text holds them all (a
    /// ticket's title is a sentence, not a search): words shorter than three letters ("не",
    /// "в", "of") are left out there, as they say little. None when no word is left.
    pub fn fts5_any(&self) -> Option<String> {
        let parts = self.fts5_parts(true);
        (!parts.is_empty()).then(|| parts.join(" OR "))
    }

    pub fn tsquery_any(&self) -> Option<String> {
        let parts = self.tsquery_parts(true);
        (!parts.is_empty()).then(|| parts.join(" | "))
    }

    /// The terms and the last word; with `meaningful`, only those of three letters or more.
    fn kept(&self, meaningful: bool) -> (Vec<&str>, Option<&str>) {
        let keep = |t: &&str| !meaningful || t.chars().count() >= 3;
        (
            self.terms.iter().map(String::as_str).filter(keep).collect(),
            self.typing.as_deref().filter(keep),
        )
    }

    fn fts5_parts(&self, meaningful: bool) -> Vec<String> {
        let (terms, typing) = self.kept(meaningful);
        let mut parts: Vec<String> = terms.iter().map(|t| format!("\"{}\"", t.replace('"', ""))).collect();
        if let Some(t) = typing {
            parts.push(format!("\"{}\"*", t.replace('"', "")));
        }
        parts
    }

    fn tsquery_parts(&self, meaningful: bool) -> Vec<String> {
        let quote = |t: &str| format!("'{}'", t.replace(['\'', '\\'], ""));
        let (terms, typing) = self.kept(meaningful);
        let mut parts: Vec<String> = terms.iter().map(|t| quote(t)).collect();
        if let Some(t) = typing {
            parts.push(format!("{}:*", quote(t)));
        }
        parts
    }

    /// How well a text answers the query: a term in the title counts three, in the text one;
    /// the last word counts where some word starts with it. The same order on both databases.
    pub fn score(&self, title_terms: &str, body_terms: &str) -> u32 {
        let whole = |terms: &str, t: &str| terms.split(' ').any(|w| w == t);
        let start = |terms: &str, t: &str| terms.split(' ').any(|w| w.starts_with(t));
        let weigh = |in_title: bool, in_body: bool| {
            if in_title {
                3
            } else if in_body {
                1
            } else {
                0
            }
        };
        let terms: u32 = self
            .terms
            .iter()
            .map(|t| weigh(whole(title_terms, t), whole(body_terms, t)))
            .sum();
        let typing = self
            .typing
            .as_deref()
            .map_or(0, |t| weigh(start(title_terms, t), start(body_terms, t)));
        terms + typing
    }
}

/// A video link an article may carry: only https, on a host, at most 500 characters.
pub fn video_link_ok(url: &str) -> bool {
    url.len() <= 500
        && url
            .strip_prefix("https://")
            .and_then(|rest| rest.split('/').next())
            .is_some_and(|host| {
                !host.is_empty() && host.chars().all(|c| c.is_ascii_alphanumeric() || ".-:".contains(c))
            })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn russian_forms_of_a_word_meet() {
        assert_eq!(terms("Роутеры"), terms("роутера"));
        assert_eq!(terms("роутер"), terms("РОУТЕРОМ"));
        assert_eq!(terms("Ёлка"), terms("елки"));
        assert_eq!(terms("routers"), terms("router"));
    }

    #[test]
    fn persian_variants_and_plurals_meet() {
        // Arabic yeh and kaf, the zero-width non-joiner, the plural ending.
        assert_eq!(terms("كتابها"), terms("کتاب"));
        assert_eq!(terms("دوربین‌های"), terms("دوربین"));
        assert_eq!(terms("۱۲۳"), "123");
    }

    #[test]
    fn the_last_word_is_a_prefix_while_typed() {
        let q = Query::parse("настройка Wi-Fi роут").unwrap();
        assert_eq!(q.terms, vec![terms("настройка"), "wi".to_owned(), "fi".to_owned()]);
        let rout = terms("роут");
        assert!("роутер".starts_with(&rout), "{rout}");
        assert_eq!(q.typing.as_deref(), Some(rout.as_str()));
        assert_eq!(
            q.fts5(),
            format!("\"{}\" \"wi\" \"fi\" \"{rout}\"*", terms("настройка"))
        );
        assert_eq!(
            q.tsquery(),
            format!("'{}' & 'wi' & 'fi' & '{rout}':*", terms("настройка"))
        );
        // A finished word in another form finds its stem.
        let finished = Query::parse("роутерами").unwrap();
        assert!(terms("роутер").starts_with(finished.typing.as_deref().unwrap()));
        assert!(Query::parse("  ,;  ").is_none());
        // Any of the meaningful words, for a sentence.
        let sentence = Query::parse("не работает роутер").unwrap();
        assert_eq!(
            sentence.fts5_any().unwrap().matches(" OR ").count(),
            1,
            "{:?}",
            sentence.fts5_any()
        );
        assert_eq!(sentence.tsquery_any().unwrap().matches(" | ").count(), 1);
        assert!(Query::parse("в и").unwrap().fts5_any().is_none());
    }

    #[test]
    fn a_title_hit_outranks_a_body_hit() {
        let q = Query::parse("роутер").unwrap();
        let in_title = q.score(&terms("Настройка роутера"), &terms("Текст"));
        let in_body = q.score(&terms("Настройка"), &terms("Про роутеры"));
        assert!(in_title > in_body && in_body > 0, "{in_title} {in_body}");
        assert_eq!(q.score(&terms("Камеры"), &terms("Замки")), 0);
    }

    #[test]
    fn video_links_are_https_on_a_host() {
        assert!(video_link_ok("https://video.example/watch?v=1"));
        assert!(!video_link_ok("http://video.example/1"));
        assert!(!video_link_ok("javascript:alert(1)"));
        assert!(!video_link_ok("https:///x"));
        assert!(!video_link_ok("https://ev il.example/"));
    }

    proptest! {
        #[test]
        fn queries_never_carry_syntax(q in "\\PC{0,60}") {
            if let Some(parsed) = Query::parse(&q) {
                let fts = parsed.fts5();
                // Quotes only as delimiters: an even number, none inside a term.
                prop_assert_eq!(fts.matches('"').count() % 2, 0);
                prop_assert!(!parsed.tsquery().contains('\\'));
                prop_assert!(parsed.terms.len() < QUERY_WORDS);
            }
        }

        #[test]
        fn terms_are_stable(text in "\\PC{0,80}") {
            let once = terms(&text);
            prop_assert_eq!(terms(&once).split(' ').count(), once.split(' ').count());
        }
    }
}
