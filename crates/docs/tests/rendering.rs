//! Rendering checks: what a document says reaches the page, in every script, with fonts
//! embedded, and no text of a customer's is read as markup.

use kabinet_docs::{Column, Document, Fact, Party, Row, Table, html, layout, pdf};

fn sample(lang: &str, rtl: bool, buyer: &str, line: &str) -> Document {
    Document {
        lang: lang.into(),
        rtl,
        landscape: false,
        title: "Счёт № 17 от 3 ноября 2026 г.".into(),
        subtitle: Some("за октябрь 2026 г.".into()),
        parties: vec![
            Party {
                role: "Поставщик".into(),
                name: "ООО «Пример»".into(),
                lines: vec![Fact::new("ИНН", "7707083893")],
            },
            Party {
                role: "Покупатель".into(),
                name: buyer.into(),
                lines: vec![Fact::new("Адрес", "г. Казань")],
            },
        ],
        facts: vec![Fact::new("Лицевой счёт", "4000000017")],
        table: Table {
            groups: Vec::new(),
            columns: vec![
                Column::number("№"),
                Column::text("Наименование", 1),
                Column::number("Сумма"),
            ],
            rows: vec![
                Row::new(vec!["1".into(), line.into(), "1 500,00 ₽".into()]),
                Row::strong(vec!["".into(), "Итого".into(), "1 500,00 ₽".into()]),
            ],
            write_in: false,
        },
        totals: vec![Fact::new("Всего к оплате", "1 500,00 ₽")],
        notes: vec!["Одна тысяча пятьсот рублей 00 копеек".into()],
        signatures: vec![Fact::new("Руководитель", "Иванов И. И.")],
        footer: "Kabinet".into(),
        qr_link: None,
        qr_caption: None,
    }
}

#[test]
fn a_payment_code_prints_its_caption_and_a_blank_leaves_room_to_write() {
    let mut doc = sample("ru", false, "ИП Петров", "Обслуживание");
    doc.qr_link = Some("ST00012|Name=ООО Пример|PersonalAcc=40702810900000000001".into());
    doc.qr_caption = Some("QR-код для оплаты".into());
    let text = layout(&doc).unwrap().text();
    assert!(text.contains("для оплаты"), "{text}");
    assert!(!text.contains("PersonalAcc"), "the code's text is for machines: {text}");
    let page = html(&doc);
    assert!(page.contains("QR-код для оплаты") && !page.contains("PersonalAcc=4070"));

    let mut blank = sample("ru", false, "ИП Петров", "");
    blank.table.write_in = true;
    assert_eq!(layout(&blank).unwrap().pages, 1, "a blank's rows still fit one page");
    assert!(html(&blank).contains("class=\"write-in\""));
}

#[test]
fn cyrillic_text_is_laid_out_with_real_glyphs() {
    let doc = sample("ru", false, "ИП Петров", "Обслуживание точки доступа");
    let l = layout(&doc).unwrap();
    let text = l.text();
    for expected in ["Счёт", "ПОКУПАТЕЛЬ", "ИП", "Петров", "Обслуживание", "Итого", "Иванов"]
    {
        assert!(text.contains(expected), "{expected:?} not on the page: {text}");
    }
    assert_eq!(l.missing_glyphs, 0, "every character has a glyph");
    assert_eq!(l.pages, 1);
}

#[test]
fn persian_text_is_shaped_right_to_left_in_vazirmatn() {
    let mut doc = sample("fa", true, "شرکت نمونه", "پشتیبانی دستگاه");
    doc.title = "صورتحساب شماره ۱۷".into();
    let l = layout(&doc).unwrap();
    assert_eq!(l.missing_glyphs, 0, "Persian letters come from Vazirmatn");
    assert!(l.fonts.iter().any(|f| f == "Vazirmatn"), "{:?}", l.fonts);
    assert!(l.text().contains("پشتیبانی"));
}

#[test]
fn markup_in_data_is_printed_not_run() {
    let hostile = r#"#panic("boom") ] [ *bold* $x$ <label> @ref \ "quote" // comment"#;
    let doc = sample("ru", false, hostile, hostile);
    let l = layout(&doc).unwrap();
    assert!(l.text().contains("#panic"), "{}", l.text());
    assert!(l.text().contains("*bold*"));
    let page = html(&doc);
    assert!(!page.contains("<label>"), "HTML escapes text");
    assert!(
        page.contains("&lt;label&gt;") || page.contains("&#60;label&#62;"),
        "{page}"
    );
}

#[test]
fn pdf_embeds_its_fonts() {
    let bytes = pdf(&sample("ru", false, "ИП Петров", "Услуга")).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    let has = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    assert!(has(b"/FontFile"), "fonts are embedded");
    assert!(has(b"Kabinet"), "creator recorded");
}

#[test]
fn long_tables_flow_onto_more_pages() {
    let mut doc = sample("en", false, "Buyer", "Line");
    doc.table.rows = (1..=120)
        .map(|i| Row::new(vec![i.to_string(), format!("Service {i}"), "1.00 RUB".into()]))
        .collect();
    let l = layout(&doc).unwrap();
    assert!(l.pages >= 3, "{} pages", l.pages);
    assert!(l.text().contains("Service 120"));
}

#[test]
fn html_is_standalone_and_directional() {
    let doc = sample("fa", true, "شرکت", "خدمت");
    let page = html(&doc);
    assert!(page.starts_with("<!doctype html>"));
    assert!(page.contains(r#"dir="rtl""#));
    assert!(!page.contains("<script"), "no scripts");
    assert!(page.contains(r#"class="num""#), "amount columns aligned");
}

/// A Russian name inside a Persian document keeps its closing guillemet at its own end: each
/// value is isolated, so its characters are ordered by its own direction and not pulled to the
/// Persian side (the whole name is one left-to-right run), and the isolating marks print as
/// nothing.
#[test]
fn names_in_another_script_keep_their_punctuation_in_a_persian_document() {
    let name = "Кафе «Ромашка-плюс» на Садовой/ООО «Вектор»";
    let mut doc = sample("fa", true, name, "پشتیبانی دستگاه");
    doc.title = "صورتحساب شماره ۱۷".into();
    doc.facts = vec![Fact::new("دوره", "01.11.2026 – 30.11.2026.")];
    let l = layout(&doc).unwrap();
    assert_eq!(l.missing_glyphs, 0, "the isolating marks print as nothing");
    // Left to right inside the name: the closing guillemet after "Вектор" is to its right,
    // not thrown to the far (Persian) end of the line.
    let at = |text: &str, after: usize| {
        let i = after + l.runs[after..].iter().position(|r| r.trim() == text).unwrap();
        (i, l.run_x[i])
    };
    let (vector, vector_x) = at("Вектор", 0);
    let (_, closing_x) = at("»", vector);
    assert!(
        closing_x > vector_x,
        "» at {closing_x}, Вектор at {vector_x}: {:?}",
        l.runs
    );
    // The HTML form isolates the same values.
    assert!(html(&doc).contains("<div class=\"name\"><bdi>Кафе «Ромашка-плюс»"));
    // The same document in Russian has nothing to isolate and is laid out as before.
    let ru = layout(&sample("ru", false, name, "Услуга")).unwrap();
    assert!(ru.runs.iter().all(|r| !r.contains('\u{2068}')));
}

#[test]
fn a_link_to_check_the_document_is_printed_as_a_qr_code() {
    let mut doc = sample("fa", true, "شرکت نمونه", "پشتیبانی دستگاه");
    let link = "https://kabinet.example/verify/7?h=0123abcd";
    assert_eq!(layout(&doc).unwrap().images, 0);
    doc.qr_link = Some(link.into());
    let l = layout(&doc).unwrap();
    assert_eq!(l.images, 1, "the QR code");
    assert!(
        l.text().contains(link),
        "the link under it, left to right: {}",
        l.text()
    );
    let page = html(&doc);
    assert!(page.contains("<svg") && page.contains(link));
    assert!(pdf(&doc).unwrap().starts_with(b"%PDF"));
}
