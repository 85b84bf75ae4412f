//! What a document says, ready to lay out.

use serde::Serialize;

/// One document. Every string is final text in the reader's language.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Document {
    /// The language's primary tag (`ru`, `en`, `fa`), for hyphenation and shaping.
    pub lang: String,
    /// Right-to-left (Persian).
    pub rtl: bool,
    /// A wide table (the tax invoice) is printed on a landscape page.
    pub landscape: bool,
    /// "Invoice No. 12 of 24 November 2026".
    pub title: String,
    pub subtitle: Option<String>,
    /// Seller and buyer, payee and payer, side by side.
    pub parties: Vec<Party>,
    /// Account, contract, period and the like, under the parties.
    pub facts: Vec<Fact>,
    pub table: Table,
    /// Lines under the table: total, VAT, amount due.
    pub totals: Vec<Fact>,
    /// Sentences after the totals: the amount in words, statements of the parties.
    pub notes: Vec<String>,
    /// Signature lines: the role on the left, the name on the right.
    pub signatures: Vec<Fact>,
    /// Small print at the bottom of every page.
    pub footer: String,
    /// A link printed as a QR code (and as text) after the notes: where the document can be
    /// checked.
    pub qr_link: Option<String>,
    /// Printed under the QR code instead of its text (a payment code's text is for machines).
    pub qr_caption: Option<String>,
}

/// First strong isolate and pop directional isolate (Unicode's bidirectional algorithm).
const FSI: char = '\u{2068}';
const PDI: char = '\u{2069}';

fn isolate(text: &mut String) {
    if !text.is_empty() {
        text.insert(0, FSI);
        text.push(PDI);
    }
}

impl Document {
    /// The document with every printed value set apart by Unicode isolates, each ordered by
    /// its own first strong letter: in a right-to-left document a Russian or Latin name keeps
    /// its closing quote and full stop at its own end instead of the paragraph's (the layout's
    /// bidirectional pass honours the isolates; fonts print them as nothing).
    pub fn with_isolated_values(&self) -> Document {
        let mut doc = self.clone();
        isolate(&mut doc.title);
        if let Some(s) = doc.subtitle.as_mut() {
            isolate(s);
        }
        for party in &mut doc.parties {
            isolate(&mut party.name);
            party.lines.iter_mut().for_each(|f| isolate(&mut f.value));
        }
        for fact in doc.facts.iter_mut().chain(&mut doc.totals).chain(&mut doc.signatures) {
            isolate(&mut fact.value);
        }
        for row in &mut doc.table.rows {
            row.cells.iter_mut().for_each(isolate);
        }
        doc.notes.iter_mut().for_each(isolate);
        isolate(&mut doc.footer);
        doc
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Party {
    /// "Seller", "Buyer".
    pub role: String,
    pub name: String,
    pub lines: Vec<Fact>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Fact {
    pub label: String,
    pub value: String,
}

impl Fact {
    pub fn new(label: impl Into<String>, value: impl Into<String>) -> Fact {
        Fact {
            label: label.into(),
            value: value.into(),
        }
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Table {
    /// An optional first header row of titles over several columns each; their spans add up
    /// to the number of columns.
    pub groups: Vec<Group>,
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    /// Rows tall enough to write in by hand (a blank's empty lines).
    pub write_in: bool,
}

/// A title over `span` neighbouring columns.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Group {
    pub title: String,
    pub span: u8,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Column {
    pub title: String,
    /// Amounts and counts: aligned to the end of the cell.
    pub numeric: bool,
    /// Share of the free width; 0 fits the content.
    pub weight: u8,
}

impl Column {
    pub fn text(title: impl Into<String>, weight: u8) -> Column {
        Column {
            title: title.into(),
            numeric: false,
            weight,
        }
    }

    pub fn number(title: impl Into<String>) -> Column {
        Column {
            title: title.into(),
            numeric: true,
            weight: 0,
        }
    }

    /// An amount column that takes `weight` shares of the free width.
    pub fn amount(title: impl Into<String>, weight: u8) -> Column {
        Column {
            title: title.into(),
            numeric: true,
            weight,
        }
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Row {
    pub cells: Vec<String>,
    /// Opening and closing balances, subtotals.
    pub strong: bool,
}

impl Row {
    pub fn new(cells: Vec<String>) -> Row {
        Row { cells, strong: false }
    }

    pub fn strong(cells: Vec<String>) -> Row {
        Row { cells, strong: true }
    }
}
