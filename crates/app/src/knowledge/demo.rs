//! The demo's knowledge base: three categories, articles for everyone and for the owners of a
//! device type, in the three languages (some in two), one with a video link, one a draft.

use kabinet_store::entities::{device_type, kb_category};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use super::editing::{self, NewArticle, NewCategory, TextInput};
use crate::access::Actor;
use crate::{App, AppResult};

/// A demo article: category code, device type code (None: everyone), its texts (language,
/// title, Markdown, video link, tags) and whether it is published.
type DemoArticle = (
    &'static str,
    Option<&'static str>,
    &'static [(&'static str, &'static str, &'static str, &'static str, &'static str)],
    bool,
);

const CATEGORIES: &[(&str, &str, &str, &str)] = &[
    ("cabinet", "Работа в кабинете", "Using the cabinet", "کار با کابینت"),
    ("hotspot", "Wi-Fi хотспот", "Wi-Fi hotspot", "هات‌اسپات وای‌فای"),
    ("equipment", "Оборудование", "Equipment", "تجهیزات"),
];

const ARTICLES: &[DemoArticle] = &[
    (
        "cabinet",
        None,
        &[
            (
                "ru",
                "Как пополнить баланс",
                "Откройте **Оплата**, введите сумму — например, «1 500,50» — и оплатите картой.\n\nДеньги зачисляются сразу после ответа банка; чек приходит на почту.",
                "",
                "оплата, баланс, карта",
            ),
            (
                "en",
                "How to top up the balance",
                "Open **Payments**, type the amount and pay by card.\n\nThe money is credited as soon as the bank answers; the receipt comes by e-mail.",
                "",
                "payment, balance, card",
            ),
            (
                "fa",
                "چگونه موجودی را افزایش دهیم",
                "بخش **پرداخت** را باز کنید، مبلغ را وارد کنید و با کارت پرداخت کنید.\n\nمبلغ بلافاصله پس از پاسخ بانک ثبت می‌شود.",
                "",
                "پرداخت، موجودی، کارت",
            ),
        ],
        true,
    ),
    (
        "cabinet",
        None,
        &[
            (
                "ru",
                "Как открыть обращение в поддержку",
                "В разделе **Обращения** нажмите «Новое обращение», опишите проблему и приложите снимок экрана.\n\nСрок ответа зависит от вашего тарифа поддержки.",
                "",
                "поддержка, обращение",
            ),
            (
                "en",
                "How to open a support ticket",
                "In **Tickets**, press \"New ticket\", describe the problem and attach a screenshot.\n\nThe reply time depends on your support plan.",
                "",
                "support, ticket",
            ),
        ],
        true,
    ),
    (
        "hotspot",
        None,
        &[
            (
                "ru",
                "Настройка роутера для хотспота",
                "1. Подключите роутер к интернету.\n2. Введите ключ лицензии в разделе **Услуги**.\n3. Перезагрузите роутер — страница входа гостей появится через минуту.\n\nВидео показывает все шаги.",
                "https://video.example/hotspot-setup",
                "роутер, хотспот, wi-fi",
            ),
            (
                "en",
                "Setting up the router for the hotspot",
                "1. Connect the router to the internet.\n2. Enter the licence key in **Services**.\n3. Restart the router: the guests' sign-in page appears within a minute.",
                "https://video.example/hotspot-setup",
                "router, hotspot, wi-fi",
            ),
        ],
        true,
    ),
    (
        "equipment",
        Some("purifier"),
        &[
            (
                "fa",
                "تعویض فیلترهای دستگاه تصفیهٔ آب",
                "فیلترها را هر شش ماه تعویض کنید. ابتدا شیر ورودی آب را ببندید، سپس فیلترهای کهنه را باز کنید.",
                "https://video.example/purifier-filters",
                "فیلتر، تصفیه",
            ),
            (
                "ru",
                "Замена фильтров водоочистителя",
                "Меняйте фильтры раз в полгода. Сначала перекройте подачу воды, затем снимите старые фильтры.",
                "https://video.example/purifier-filters",
                "фильтры, водоочиститель",
            ),
        ],
        true,
    ),
    (
        "equipment",
        Some("fridge"),
        &[
            (
                "fa",
                "نگهداری یخچال صنعتی",
                "کندانسور را ماهی یک بار تمیز کنید و دمای داخل را روزانه بررسی کنید.",
                "",
                "یخچال، نگهداری",
            ),
            (
                "ru",
                "Уход за промышленным холодильником",
                "Раз в месяц очищайте конденсатор и ежедневно проверяйте температуру внутри.",
                "",
                "холодильник, уход",
            ),
        ],
        true,
    ),
    (
        "hotspot",
        None,
        &[(
            "ru",
            "Новая прошивка роутеров",
            "Черновик: что изменится в новой прошивке.",
            "",
            "прошивка",
        )],
        false,
    ),
];

/// Loads the demo knowledge base unless it has categories already.
pub async fn load(app: &App) -> AppResult<()> {
    if kb_category::Entity::find().count(&app.db.conn).await? > 0 {
        return Ok(());
    }
    let admin = crate::demo::identity_of(app, "admin").await?;
    let actor = Actor::named("demo", None);
    let mut categories = Vec::new();
    for (code, ru, en, fa) in CATEGORIES {
        let c = editing::create_category(
            app,
            &actor,
            &admin,
            &NewCategory {
                code: (*code).into(),
                name_ru: (*ru).into(),
                name_en: (*en).into(),
                name_fa: (*fa).into(),
            },
        )
        .await?;
        categories.push(c);
    }
    for (category, device, texts, publish) in ARTICLES {
        let category_id = categories
            .iter()
            .find(|c| c.code == *category)
            .map(|c| c.id)
            .unwrap_or_default();
        let device_type_id = match device {
            Some(code) => device_type::Entity::find()
                .filter(device_type::Column::Code.eq(*code))
                .one(&app.db.conn)
                .await?
                .map(|t| t.id.to_string())
                .unwrap_or_default(),
            None => String::new(),
        };
        let text = |(language, title, body, video, tags): &(&str, &str, &str, &str, &str)| TextInput {
            language: (*language).into(),
            title: (*title).into(),
            body: (*body).into(),
            video_url: (*video).into(),
            tags: (*tags).into(),
            publish: *publish,
        };
        let Some((first, rest)) = texts.split_first() else {
            continue;
        };
        let id = editing::create(
            app,
            &actor,
            &admin,
            &NewArticle {
                category_id: category_id.to_string(),
                device_type_id,
                text: text(first),
            },
        )
        .await?;
        for t in rest {
            editing::save_text(app, &actor, &admin, id, &text(t)).await?;
        }
    }
    Ok(())
}
