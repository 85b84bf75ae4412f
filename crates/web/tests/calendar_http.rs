//! Dates in the reader's calendar, over HTTP on SQLite and PostgreSQL: a Persian reader reads
//! Solar Hijri dates in Persian digits and types them into date fields; anyone may choose the
//! calendar in the profile (audited), and a choice that is not a calendar changes nothing.

mod support;

use axum::http::StatusCode;
use kabinet_testkit::both_databases;
use kabinet_testkit::store::Db;
use support::Web;

fn urlencode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// The number a list's heading gives, in any digits.
fn total(body: &str) -> u64 {
    let start = body.find("id=\"payments-total\">(").unwrap() + 21;
    let rest = &body[start..];
    kabinet_core::dates::ascii_digits(&rest[..rest.find(')').unwrap()])
        .parse()
        .unwrap()
}

async fn a_persian_reader_reads_and_types_solar_hijri_dates(db: Db) {
    let w = Web::demo(db).await;
    let reza = w.session_for("reza.k").await;
    let page = w.get("/payments", Some(&reza)).await;
    assert_eq!(page.status, StatusCode::OK);
    // The demo's payment three months ago (4 September 2026 is 13 Shahrivar 1405), in Persian
    // digits; the demo's dates move with today.
    let paid = chrono::Utc::now().date_naive() - chrono::Months::new(3);
    let solar_hijri = kabinet_core::dates::SolarHijriDay::of(paid);
    let expected = kabinet_app::i18n::Lang::Fa.digits(&format!(
        "{}/{:02}/{:02}",
        solar_hijri.year, solar_hijri.month, solar_hijri.day
    ));
    assert!(page.body.contains(&expected), "{expected}: {}", page.body);
    let gregorian = kabinet_app::i18n::Lang::Fa.digits(&paid.format("%Y/%m/%d").to_string());
    assert!(!page.body.contains(&gregorian), "no Gregorian date");
    // Date fields are typed as text: a browser's picker knows no Solar Hijri.
    assert!(page.body.contains(r#"name="from" type="text" inputmode="numeric""#));
    let all = total(&page.body);
    assert!(all > 0);

    // A day typed in Solar Hijri, in Persian digits, narrows the list and stays in its field.
    let day = urlencode(&expected);
    let that_day = w.get(&format!("/payments?from={day}&to={day}"), Some(&reza)).await;
    assert_eq!(that_day.status, StatusCode::OK);
    assert!(total(&that_day.body) > 0);
    assert!(that_day.body.contains(&format!(r#"value="{expected}""#)));
    let next = kabinet_core::dates::SolarHijriDay::of(paid + chrono::Duration::days(1));
    let next = format!("{}/{:02}/{:02}", next.year, next.month, next.day);
    let later = w
        .get(&format!("/payments?from={}", urlencode(&next)), Some(&reza))
        .await;
    assert!(total(&later.body) < all, "a later start leaves the earlier payment out");

    // Esfand 30 of a common year does not exist: said beside the field, in Persian.
    let bad = w
        .get(&format!("/payments?from={}", urlencode("1404/12/30")), Some(&reza))
        .await;
    assert_eq!(bad.status, StatusCode::OK);
    assert!(bad.body.contains("هجری شمسی"), "the field's error names the calendar");

    // Choosing the Gregorian calendar: dates and fields follow, and the audit log has it.
    let saved = w
        .post_form("/profile/calendar", Some(&reza), &[("calendar", "gregorian")])
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    assert!(saved.location().contains("ok=calendar-saved"));
    let page = w.get("/payments", Some(&reza)).await;
    assert!(page.body.contains(&gregorian), "Gregorian, still in Persian digits");
    assert!(page.body.contains(r#"name="from" type="date""#));
    let admin = w.session_for("admin").await;
    let audit = w.get("/crm/audit?action=user.change_calendar", Some(&admin)).await;
    assert!(audit.body.contains("Календарь изменён"));

    // Blank returns to the language's calendar.
    w.post_form("/profile/calendar", Some(&reza), &[("calendar", "")]).await;
    assert!(w.get("/payments", Some(&reza)).await.body.contains(&expected));
}

async fn a_calendar_that_is_not_one_changes_nothing(db: Db) {
    let w = Web::demo(db).await;
    let coord = w.session_for("vector.coord").await;
    for hostile in ["julian", "gregorian\0", "<script>", "solar_hijri "] {
        let refused = w
            .post_form("/profile/calendar", Some(&coord), &[("calendar", hostile)])
            .await;
        if hostile == "solar_hijri " {
            // Spaces around a choice are not a different choice.
            assert_eq!(refused.status, StatusCode::SEE_OTHER);
            continue;
        }
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{hostile:?}");
        // A control character is refused by every form before it reaches its field.
        if !hostile.contains('\0') {
            assert!(
                refused.body.contains("id=\"e-calendar\""),
                "the error beside the field: {hostile:?}"
            );
        }
        assert!(!refused.body.contains("<script>"));
    }
    // The one accepted choice: a Russian reader in the Solar Hijri calendar, ASCII digits.
    let page = w.get("/payments", Some(&coord)).await;
    assert!(
        page.body.contains("1405/06/13") || page.body.contains("1405/09/"),
        "{}",
        page.body
    );
    // Without a session there is no profile to change.
    let anonymous = w
        .post_form("/profile/calendar", None, &[("calendar", "gregorian")])
        .await;
    assert_ne!(anonymous.status, StatusCode::SEE_OTHER);
}

both_databases!(
    a_persian_reader_reads_and_types_solar_hijri_dates,
    a_calendar_that_is_not_one_changes_nothing
);
