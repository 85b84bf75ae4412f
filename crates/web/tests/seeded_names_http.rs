//! Names the product seeded — the support plans, the business and holiday calendars, the
//! licence modules — read in the reader's language, over HTTP on SQLite and PostgreSQL; a name
//! someone changed is shown as they wrote it.

mod support;

use kabinet_testkit::both_databases;
use kabinet_testkit::store::Db;
use kabinet_testkit::store::entities::{asset, sla_plan};
use kabinet_testkit::store::sea_orm::{ActiveModelTrait, EntityTrait, Set};
use support::Web;

async fn seeded_names_read_in_each_language(db: Db) {
    let w = Web::demo(db).await;
    let admin = w.session_for("admin").await;
    let ru = w.get("/crm/sla", Some(&admin)).await;
    assert!(ru.body.contains("Приоритет") && ru.body.contains("Производственный календарь РФ"));
    w.post_form("/lang", Some(&admin), &[("lang", "fa"), ("next", "/crm/sla")])
        .await;
    let fa = w.get("/crm/sla", Some(&admin)).await;
    for persian in [
        "اولویت‌دار",
        "بر حسب نیاز",
        "تقویم روزهای کاری روسیه",
        "مسکو: روزهای کاری ۱۰ تا ۱۸",
    ] {
        assert!(fa.body.contains(persian), "{persian}");
    }
    assert!(!fa.body.contains("Приоритет"), "no Russian plan name on a Persian page");

    // A licence's modules: the product's own in the reader's language.
    w.post_form("/lang", Some(&admin), &[("lang", "en"), ("next", "/crm")])
        .await;
    let licence = asset::Entity::find().one(&w.t.app.db.conn).await.unwrap().unwrap();
    let page = w.get(&format!("/crm/licences/{}", licence.id), Some(&admin)).await;
    assert!(page.body.contains("SMS sign-in"), "{}", page.body);
    assert!(!page.body.contains("> Авторизация по SMS"), "no Russian module name");
    // The value sent back is still the configured name, so saving changes nothing else.
    assert!(page.body.contains("value=\"Авторизация по SMS\""));
    w.post_form("/lang", Some(&admin), &[("lang", "ru"), ("next", "/crm")])
        .await;
}

async fn a_renamed_plan_keeps_its_new_name(db: Db) {
    let w = Web::demo(db).await;
    let plan = sla_plan::Entity::find().one(&w.t.app.db.conn).await.unwrap().unwrap();
    let mut renamed: sla_plan::ActiveModel = plan.into();
    renamed.name = Set("Золотой".into());
    renamed.update(&w.t.app.db.conn).await.unwrap();
    let admin = w.session_for("admin").await;
    w.post_form("/lang", Some(&admin), &[("lang", "en"), ("next", "/crm/sla")])
        .await;
    let page = w.get("/crm/sla", Some(&admin)).await;
    assert!(page.body.contains("Золотой"), "as its owner named it");
    w.post_form("/lang", Some(&admin), &[("lang", "ru"), ("next", "/crm")])
        .await;
}

both_databases!(seeded_names_read_in_each_language, a_renamed_plan_keeps_its_new_name);
