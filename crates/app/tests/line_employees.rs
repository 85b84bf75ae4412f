//! Employees on lines inside the use cases, on SQLite and PostgreSQL. From a file: a company
//! line takes its employee, an own number waits for the code sent to it, the same file twice
//! changes nothing; a file with any bad row writes nothing and names every row; only the
//! customer's coordinator (or assistant) may import. Photos: re-encoded, refused when they are
//! not pictures or too large, seen and changed only by those who may.

use kabinet_app::access::{Actor, Identity};
use kabinet_app::lines::employees::{self, EmployeeInput, NewLine};
use kabinet_app::lines::provisioning::{FakeProvisioning, fake_icc};
use kabinet_app::lines::{employee_import, photos, sims};
use kabinet_app::{AppError, demo};
use kabinet_core::assets::lines::{LineStatus, luhn_check_digit};
use kabinet_store::Db;
use kabinet_store::entities::{account, audit_record, line, outbox_message};
use kabinet_testkit::{TestApp, both_databases};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use std::sync::Arc;
use std::time::Duration;

fn icc(n: u64) -> String {
    let body = format!("8970177{n:011}");
    format!("{body}{}", luhn_check_digit(&body).unwrap())
}

/// The demo, with two lines of the café chain given out without employees.
async fn setup(db: Db) -> (TestApp, Identity, Vec<line::Model>) {
    let t = kabinet_testkit::app(db);
    demo::load(&t.app).await.unwrap();
    let admin = t.identity("admin").await;
    let coord = t.identity("vector.coord").await;
    let vector = coord.customer_id.unwrap();
    let account = account::Entity::find()
        .filter(account::Column::CustomerId.eq(vector))
        .order_by_asc(account::Column::Id)
        .one(&t.app.db.conn)
        .await
        .unwrap()
        .unwrap();
    let mut lines = Vec::new();
    for i in 0..2 {
        let l = employees::create(
            &t.app,
            &Actor::user(&admin, None),
            &admin,
            vector,
            &NewLine {
                account_id: account.id.to_string(),
                phone: format!("+7916333{i:04}"),
                icc: icc(i),
                employee: EmployeeInput::default(),
            },
        )
        .await
        .unwrap();
        lines.push(
            line::Entity::find_by_id(l.id)
                .one(&t.app.db.conn)
                .await
                .unwrap()
                .unwrap(),
        );
    }
    (t, coord, lines)
}

async fn sms_to(t: &TestApp, phone: &str) -> u64 {
    outbox_message::Entity::find()
        .filter(outbox_message::Column::Recipient.eq(phone))
        .count(&t.app.db.conn)
        .await
        .unwrap()
}

async fn a_file_puts_employees_on_lines_and_joins_own_numbers(db: Db) {
    let (t, coord, lines) = setup(db).await;
    let act = Actor::user(&coord, None);
    // Russian headers, semicolons, a byte-order mark and the number written as people write it.
    let file = "\u{feff}Номер телефона;ФИО;Должность;Почта\r\n8 916 333-00-00;Анна Орлова;Бухгалтер;anna@example.com\r\n+7 999 444-55-66;Пётр Сидоров;Водитель;\r\n";
    let done = employee_import::import(&t.app, &act, &coord, "staff.csv", file.as_bytes())
        .await
        .unwrap();
    assert_eq!(done.report.problem_count, 0, "{:?}", done.report.problems);
    assert_eq!(
        (done.report.rows, done.report.imported, done.waiting_for_code),
        (2, 2, 1)
    );
    let on_line = line::Entity::find_by_id(lines[0].asset_id)
        .one(&t.app.db.conn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(on_line.employee_name.as_deref(), Some("Анна Орлова"));
    assert_eq!(on_line.employee_email.as_deref(), Some("anna@example.com"));
    let own = line::Entity::find()
        .filter(line::Column::Phone.eq("+79994445566"))
        .one(&t.app.db.conn)
        .await
        .unwrap()
        .expect("the own number is a line now");
    assert_eq!(own.line_status, LineStatus::Confirming);
    assert_eq!(own.employee_name.as_deref(), Some("Пётр Сидоров"));
    assert_eq!(
        sms_to(&t, "+79994445566").await,
        1,
        "the code was sent to the own number"
    );
    kabinet_app::audit::seal_pending(&t.app).await.unwrap();
    let audited = audit_record::Entity::find()
        .filter(audit_record::Column::Action.eq("line.employees_imported"))
        .count(&t.app.db.conn)
        .await
        .unwrap();
    assert_eq!(audited, 1);

    // The same file again: the same people on the same lines — nothing changes, no new code.
    let again = employee_import::import(&t.app, &act, &coord, "staff.csv", file.as_bytes())
        .await
        .unwrap();
    assert_eq!(again.report.problem_count, 0, "{:?}", again.report.problems);
    assert_eq!(again.waiting_for_code, 0);
    assert_eq!(sms_to(&t, "+79994445566").await, 1);
    let lines_now = line::Entity::find()
        .filter(line::Column::Phone.eq("+79994445566"))
        .count(&t.app.db.conn)
        .await
        .unwrap();
    assert_eq!(lines_now, 1);
}

async fn a_bad_file_writes_nothing_and_names_each_row(db: Db) {
    let (t, coord, lines) = setup(db).await;
    let act = Actor::user(&coord, None);
    let admin = t.identity("admin").await;
    // The second line carries someone already.
    employees::update(
        &t.app,
        &Actor::user(&admin, None),
        &admin,
        lines[1].asset_id,
        &EmployeeInput {
            name: "Иван Петров".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let foreign = line::Entity::find()
        .filter(line::Column::AccountId.ne(lines[0].account_id))
        .one(&t.app.db.conn)
        .await
        .unwrap()
        .expect("the demo's corporate customer has lines");
    let file = format!(
        "phone,name,email\n\
         +79163330000,Анна Орлова,anna@example.com\n\
         not a number,Кто-то,\n\
         +79995556677,,\n\
         +79995556678,Вера,not-an-email\n\
         +79163330000,Анна Орлова,\n\
         {},Чужой,\n\
         {},Другой человек,\n\
         +79995556679,\"Эскейп\u{1b}[31m\",\n",
        foreign.phone, lines[1].phone
    );
    let done = employee_import::import(&t.app, &act, &coord, "bad.csv", file.as_bytes())
        .await
        .unwrap();
    let found: Vec<(usize, &str, &str)> = done
        .report
        .problems
        .iter()
        .map(|p| (p.row, p.column.as_str(), p.code.as_str()))
        .collect();
    for expected in [
        (3, "phone", "phone-invalid"),
        (4, "name", "text-empty"),
        (5, "email", "email-invalid"),
        (6, "phone", "import-phone-twice"),
        (7, "phone", "line-phone-taken"),
        (8, "phone", "line-has-employee"),
        (9, "name", "text-control-chars"),
    ] {
        assert!(
            found.iter().any(|f| f.0 == expected.0 && f.1 == expected.1),
            "{expected:?} not in {found:?}"
        );
    }
    assert_eq!(done.report.imported, 0);
    let first = line::Entity::find_by_id(lines[0].asset_id)
        .one(&t.app.db.conn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(first.employee_name, None, "nothing was written");
    assert_eq!(sms_to(&t, "+79995556677").await + sms_to(&t, "+79995556678").await, 0);

    // A file that is not a table, and one without the required columns.
    let broken = employee_import::import(&t.app, &act, &coord, "x.csv", b"PK\x03\x04broken")
        .await
        .unwrap();
    assert_eq!(broken.report.problems[0].code, "import-file-broken");
    let headless = employee_import::import(&t.app, &act, &coord, "x.csv", b"position\nBoss\n")
        .await
        .unwrap();
    assert!(
        headless
            .report
            .problems
            .iter()
            .any(|p| p.code == "import-column-missing")
    );
}

async fn only_those_who_run_the_lines_import(db: Db) {
    let (t, _, _) = setup(db).await;
    let file = b"phone,name\n+79163330000,Anna\n";
    for login in ["vector.view", "vector.lines", "admin", "technician"] {
        let who = t.identity(login).await;
        let r = employee_import::import(&t.app, &Actor::user(&who, None), &who, "f.csv", file).await;
        assert!(matches!(r, Err(AppError::Forbidden)), "{login}: {r:?}");
    }
    let untouched = line::Entity::find()
        .filter(line::Column::Phone.eq("+79163330000"))
        .one(&t.app.db.conn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(untouched.employee_name, None);
}

fn png(width: u32, height: u32) -> Vec<u8> {
    let picture = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 120])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(picture)
        .write_to(&mut out, image::ImageFormat::Png)
        .unwrap();
    out.into_inner()
}

async fn a_photo_is_kept_re_encoded_and_only_for_those_who_may(db: Db) {
    let (t, coord, lines) = setup(db).await;
    let line = lines[0].asset_id;
    let act = Actor::user(&coord, None);
    let v = photos::set(&t.app, &act, &coord, line, png(1_600, 1_200))
        .await
        .unwrap();
    let (photo, same) = photos::get(&t.app, &coord, line, photos::Size::Photo).await.unwrap();
    assert_eq!(same, v);
    assert!(photo.starts_with(&[0xFF, 0xD8, 0xFF]), "kept as JPEG");
    let kept = image::load_from_memory(&photo).unwrap();
    assert_eq!((kept.width(), kept.height()), (1_024, 768));
    let (thumb, _) = photos::get(&t.app, &coord, line, photos::Size::Thumbnail)
        .await
        .unwrap();
    let thumb = image::load_from_memory(&thumb).unwrap();
    assert_eq!((thumb.width(), thumb.height()), (128, 128));
    let detail = kabinet_app::lines::register::get(&t.app, &coord, line).await.unwrap();
    assert_eq!(detail.photo.as_deref(), Some(v.0.as_str()));

    // Not a picture, a text file with a picture's name, too large: refused at the field, the
    // photo as it was.
    let mut too_large = png(10, 10);
    too_large.resize(5 * 1024 * 1024 + 1, 0);
    for (bytes, code) in [
        (b"<svg onload=alert(1)>".to_vec(), "photo-not-an-image"),
        (Vec::new(), "photo-empty"),
        (too_large, "photo-too-large"),
        (b"\xFF\xD8\xFF\xE0 broken".to_vec(), "photo-unreadable"),
    ] {
        match photos::set(&t.app, &act, &coord, line, bytes).await {
            Err(AppError::Validation(f)) => assert_eq!(f.get("photo"), Some(code)),
            other => panic!("{code}: {other:?}"),
        }
    }
    assert_eq!(
        photos::get(&t.app, &coord, line, photos::Size::Photo).await.unwrap().1,
        v
    );

    // A viewer sees it and changes nothing; another customer does not find it.
    let viewer = t.identity("vector.view").await;
    assert!(
        photos::get(&t.app, &viewer, line, photos::Size::Thumbnail)
            .await
            .is_ok()
    );
    let r = photos::set(&t.app, &Actor::user(&viewer, None), &viewer, line, png(10, 10)).await;
    assert!(matches!(r, Err(AppError::Forbidden)), "{r:?}");
    let r = photos::remove(&t.app, &Actor::user(&viewer, None), &viewer, line).await;
    assert!(matches!(r, Err(AppError::Forbidden)), "{r:?}");
    let other = t.identity("volga.coord").await;
    let r = photos::get(&t.app, &other, line, photos::Size::Photo).await;
    assert!(matches!(r, Err(AppError::NotFound)), "{r:?}");
    let r = photos::set(&t.app, &Actor::user(&other, None), &other, line, png(10, 10)).await;
    assert!(matches!(r, Err(AppError::NotFound)), "{r:?}");

    // Removed: no photo, and the history says so.
    photos::remove(&t.app, &act, &coord, line).await.unwrap();
    let r = photos::get(&t.app, &coord, line, photos::Size::Photo).await;
    assert!(matches!(r, Err(AppError::NotFound)), "{r:?}");
    let actions: Vec<String> = kabinet_app::lines::register::get(&t.app, &coord, line)
        .await
        .unwrap()
        .history
        .into_iter()
        .map(|h| h.action)
        .collect();
    assert!(
        actions.iter().any(|a| a == "line.photo_set") && actions.iter().any(|a| a == "line.photo_removed"),
        "{actions:?}"
    );
}

async fn an_own_sim_card_takes_the_line_by_its_puk(db: Db) {
    let (mut t, coord, lines) = setup(db).await;
    let line = lines[0].asset_id;
    let act = Actor::user(&coord, None);
    let own = |phone: &str, puk: &str| sims::PersonalSim {
        personal_phone: phone.into(),
        puk: puk.into(),
    };
    t.app.provisioning = None;
    let r = sims::join_personal(&t.app, &act, &coord, line, &own("+79031234567", "76543213")).await;
    assert!(matches!(r, Err(AppError::Refused(_))), "no operator: {r:?}");
    t.app.provisioning = Some(Arc::new(FakeProvisioning::new("13", "", Duration::ZERO)));

    // Both fields are checked in one round.
    match sims::join_personal(&t.app, &act, &coord, line, &own("abc", "12")).await {
        Err(AppError::Validation(f)) => {
            assert!(
                f.get("personal_phone").is_some() && f.get("puk") == Some("line-puk-format"),
                "{f:?}"
            )
        }
        other => panic!("{other:?}"),
    }
    // A PUK the operator does not confirm: refused at its field, the line as it was.
    match sims::join_personal(&t.app, &act, &coord, line, &own("+79031234567", "11111111")).await {
        Err(AppError::Validation(f)) => assert_eq!(f.get("puk"), Some("line-puk-refused")),
        other => panic!("{other:?}"),
    }
    let before = line::Entity::find_by_id(line)
        .one(&t.app.db.conn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(before.icc, lines[0].icc);
    // Others may not: a viewer, another customer.
    let viewer = t.identity("vector.view").await;
    let r = sims::join_personal(
        &t.app,
        &Actor::user(&viewer, None),
        &viewer,
        line,
        &own("+79031234567", "76543213"),
    )
    .await;
    assert!(matches!(r, Err(AppError::Forbidden)), "{r:?}");
    let other = t.identity("volga.coord").await;
    let r = sims::join_personal(
        &t.app,
        &Actor::user(&other, None),
        &other,
        line,
        &own("+79031234567", "76543213"),
    )
    .await;
    assert!(matches!(r, Err(AppError::NotFound)), "{r:?}");

    let moved = sims::join_personal(&t.app, &act, &coord, line, &own("8 903 123-45-67", "7654 3213"))
        .await
        .unwrap();
    assert_eq!(moved.icc.as_deref(), Some(fake_icc("79031234567").as_str()));
    let history = kabinet_app::lines::register::get(&t.app, &coord, line)
        .await
        .unwrap()
        .history;
    let record = history
        .iter()
        .find(|h| h.action == "line.personal_sim")
        .expect("in the line's history");
    assert!(
        !record.changes.contains("76543213"),
        "the PUK is not kept: {}",
        record.changes
    );

    // Five tries a day (two were made above); the sixth waits, whatever it holds.
    for _ in 0..3 {
        let _ = sims::join_personal(&t.app, &act, &coord, line, &own("+79031234560", "00000000")).await;
    }
    let r = sims::join_personal(&t.app, &act, &coord, line, &own("+79031234560", "06543213")).await;
    assert!(matches!(r, Err(AppError::Throttled { .. })), "{r:?}");
}

both_databases!(
    an_own_sim_card_takes_the_line_by_its_puk,
    a_photo_is_kept_re_encoded_and_only_for_those_who_may,
    a_file_puts_employees_on_lines_and_joins_own_numbers,
    a_bad_file_writes_nothing_and_names_each_row,
    only_those_who_run_the_lines_import,
);
