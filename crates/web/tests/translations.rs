//! Every text the product shows exists in Russian, English and Persian: the three files hold
//! the same keys, and every key the templates and the code ask for is there.

use kabinet_app::i18n::Lang;
use kabinet_core::access::{CustomerRole, StaffRole};

fn keys_of(file: &str) -> Vec<String> {
    let mut keys: Vec<String> = file
        .lines()
        .filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_alphabetic()))
        .filter_map(|l| l.split_once(" =").map(|(k, _)| k.trim().to_owned()))
        .collect();
    keys.sort();
    keys
}

/// Every Fluent file of one language, one after the other.
fn language_files(lang: &str) -> String {
    let dir = format!("{}/../app/locales/{lang}", env!("CARGO_MANIFEST_DIR"));
    let mut names: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    names.sort();
    names
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_three_languages_hold_the_same_keys() {
    let ru = keys_of(&language_files("ru"));
    let en = keys_of(&language_files("en"));
    let fa = keys_of(&language_files("fa"));
    assert!(ru.len() > 150);
    assert_eq!(ru, en, "ru and en differ");
    assert_eq!(ru, fa, "ru and fa differ");
}

/// Keys written literally in templates (`c.t("…")`) and code (`.t("…")`, `"err-…"` codes).
fn literal_keys() -> Vec<String> {
    let mut sources = Vec::new();
    for dir in [
        "templates",
        "src",
        "src/cabinet",
        "src/backoffice",
        "src/api",
        "src/lines",
        "../app/src",
        "../app/src/lines",
        "../app/src/access",
        "../app/src/billing",
    ] {
        for entry in std::fs::read_dir(format!("{}/{dir}", env!("CARGO_MANIFEST_DIR"))).unwrap() {
            let path = entry.unwrap().path();
            if path.is_file() {
                sources.push(std::fs::read_to_string(path).unwrap());
            }
        }
    }
    let mut keys = Vec::new();
    for s in &sources {
        for marker in [".t(\"", ".t_args(\"", "c.t(\""] {
            for part in s.split(marker).skip(1) {
                let key: String = part
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                    .collect();
                if key.contains('-') {
                    keys.push(key);
                }
            }
        }
        // Field error codes become `err-<code>`.
        for marker in ["single(\"", "add(\""] {
            for part in s.split(marker).skip(1) {
                if let Some(code) = part.split('"').nth(2)
                    && !code.is_empty()
                    && !code.contains('{')
                {
                    keys.push(format!("err-{code}"));
                }
            }
        }
    }
    keys.sort();
    keys.dedup();
    keys
}

#[test]
fn every_key_in_use_exists_in_every_language() {
    let mut keys = literal_keys();
    assert!(keys.len() > 80, "found {} keys", keys.len());
    for r in StaffRole::ALL {
        keys.push(format!("role-{}", r.as_str()));
    }
    for r in CustomerRole::ALL {
        keys.push(format!("role-{}", r.as_str()));
    }
    for c in kabinet_core::dates::CalendarSystem::ALL {
        keys.push(format!("calendar-{c}"));
    }
    for i in 1..=kabinet_app::i18n::DEFAULT_MODULES {
        keys.push(format!("licence-module-{i}"));
    }
    for seeded in [
        "sla-plan-priority",
        "sla-plan-by_fact",
        "sla-plan-description-priority",
        "sla-plan-description-by_fact",
        "business-calendar-msk-daily",
        "business-calendar-msk-workdays",
        "holiday-calendar-ru",
    ] {
        keys.push(format!("seeded-{seeded}"));
    }
    for s in kabinet_core::assets::AssetStatus::ALL {
        keys.push(format!("asset-status-{s}"));
    }
    for k in kabinet_core::assets::AssetKind::ALL {
        keys.push(format!("asset-{k}"));
    }
    for m in kabinet_core::assets::lifecycle::ServiceMode::ALL {
        keys.push(format!("service-mode-{m}"));
    }
    for k in kabinet_core::assets::devices::IdentifierKind::ALL {
        keys.push(format!("device-identifier-{k}"));
    }
    for s in kabinet_core::assets::transfer::TransferStatus::ALL {
        keys.push(format!("transfer-status-{s}"));
    }
    for r in kabinet_core::assets::lifecycle::ProductReason::ALL {
        keys.push(format!("asset-reason-{r}"));
    }
    for ch in kabinet_core::notify::Channel::ALL {
        keys.push(format!("channel-{ch}"));
    }
    for s in kabinet_core::assets::renewal::OrderStatus::ALL {
        keys.push(format!("renewal-status-{s}"));
    }
    for t in kabinet_core::assets::renewal::Term::ALL {
        keys.push(format!("renewal-years-{}", t.years()));
    }
    for f in [
        "renewal-paid",
        "renewal-pending",
        "renewal-not-paid",
        "renewal-pay-per-case-chosen",
        "renewal-cancelled",
        "device-type-saved",
        "contact-channel-saved",
        "outbox-replayed",
        "offer-added",
        "offer-saved",
        "delivery-saved",
    ] {
        keys.push(format!("flash-{f}"));
    }
    {
        use kabinet_core::assets::lines::{ForwardingCondition, GroupIcon, LineStatus};
        for s in LineStatus::ALL {
            keys.push(format!("line-status-{s}"));
        }
        for s in [LineStatus::Blocked, LineStatus::Suspended, LineStatus::Active] {
            keys.push(format!("line-action-{s}"));
            keys.push(format!("lines-bulk-status-{s}"));
        }
        for i in GroupIcon::ALL {
            keys.push(format!("line-group-icon-{i}"));
        }
        for c in ForwardingCondition::ALL {
            keys.push(format!("forwarding-{}", c.as_str().replace('_', "-")));
        }
        use kabinet_core::assets::line_orders::{ItemStatus, OrderKind, OrderNotice, OrderStatus, Unavailable};
        for u in Unavailable::ALL {
            keys.push(format!("order-unavailable-{u}"));
        }
        for s in ItemStatus::ALL {
            keys.push(format!("order-item-{s}"));
        }
        for s in OrderStatus::ALL {
            keys.push(format!("order-status-{s}"));
        }
        for k in OrderKind::ALL {
            keys.push(format!("order-kind-{k}"));
        }
        for n in OrderNotice::ALL {
            keys.push(format!("order-notice-{n}"));
        }
        for k in [
            "order-message-tariff",
            "order-message-option-on",
            "order-message-option-off",
            "order-date-past",
            "order-date-too-far",
            "offer-code-invalid",
            "offer-code-taken",
        ] {
            keys.push(if k.starts_with("order-message") {
                k.to_owned()
            } else {
                format!("err-{k}")
            });
        }
        for f in ["order-id", "code", "offer"] {
            keys.push(format!("line-field-{f}"));
        }
        for e in [
            "icc-empty",
            "icc-not-digits",
            "icc-wrong-length",
            "icc-not-telecom",
            "icc-check-digit",
        ] {
            keys.push(format!("err-{e}"));
        }
        for e in ["forwarding-not-russian", "forwarding-to-itself", "forwarding-delay"] {
            keys.push(format!("err-{e}"));
        }
        for f in [
            "lines-bulk-done",
            "line-saved",
            "line-status-changed",
            "line-sim-replaced",
            "line-joined",
            "line-code-sent",
            "line-employee-added",
            "line-group-saved",
            "line-group-deleted",
            "line-label-saved",
            "line-label-deleted",
            "line-created",
            "line-reserve-added",
        ] {
            keys.push(format!("flash-{f}"));
        }
    }
    for c in kabinet_core::assets::device_import::ImportColumn::ALL {
        keys.push(format!("device-import-column-{c}"));
    }
    // The device import's report names each problem by its code.
    for code in [
        "import-file-empty",
        "import-file-not-utf8",
        "import-file-not-text",
        "import-file-broken",
        "import-column-missing",
        "import-column-unknown",
        "import-column-twice",
        "import-too-many-rows",
        "import-no-rows",
        "import-customer-empty",
        "import-customer-unknown",
        "import-customer-ambiguous",
        "import-status-invalid",
        "import-identifier-twice",
    ] {
        keys.push(format!("err-{code}"));
    }
    for kind in kabinet_core::tax::TaxKind::ALL {
        keys.push(format!("tax-{kind}"));
    }
    for country in kabinet_core::tax::Country::ALL {
        keys.push(format!("country-{country}"));
    }
    for month in 1..=12 {
        keys.push(format!("solar-hijri-month-{month}"));
    }
    for k in kabinet_app::desk::FIGURE_KEYS {
        keys.push(format!("desk-{k}"));
    }
    for s in [
        "status-active",
        "status-disabled",
        "outbox-pending",
        "outbox-sending",
        "outbox-sent",
        "outbox-dead",
        "channel-sms",
        "channel-email",
        "group-A",
        "group-B",
        "group-C",
    ] {
        keys.push(s.into());
    }
    for k in kabinet_app::customers::KINDS {
        keys.push(format!("kind-{k}"));
    }
    for code in kabinet_core::ErrorCode::ALL {
        keys.push(code.message_key().into());
    }
    for o in ["success", "bad_password", "unknown_user", "disabled", "throttled"] {
        keys.push(format!("outcome-{o}"));
    }
    for action in kabinet_app::audit::wording::ACTIONS {
        keys.extend(kabinet_app::audit::wording::action_key(action));
    }
    for kind in kabinet_app::audit::wording::OBJECT_TYPES {
        keys.extend(kabinet_app::audit::wording::object_key(kind));
    }
    for face in ["cabinet", "crm", "api"] {
        keys.push(format!("face-{face}"));
    }
    for problem in [
        "too-short",
        "too-long",
        "too-common",
        "contains-personal-data",
        "too-simple",
    ] {
        keys.push(format!("err-password-{problem}"));
    }
    for p in ["empty", "invalid-characters", "wrong-length", "unknown-format"] {
        keys.push(format!("err-phone-{p}"));
    }
    for p in ["empty", "too-long", "invalid"] {
        keys.push(format!("err-email-{p}"));
    }
    for p in ["empty", "too-long", "control-characters"] {
        keys.push(format!("err-text-{p}"));
    }
    for p in ["too-short", "too-long", "invalid-characters"] {
        keys.push(format!("err-login-{p}"));
    }
    // Money: amounts, entry kinds, periods, methods, statuses, asset kinds, units, conflicts.
    use kabinet_core::billing::{BillingPeriod, EntryKind};
    use kabinet_core::money::AmountError;
    for e in [
        AmountError::Empty,
        AmountError::NotANumber,
        AmountError::NotPositive,
        AmountError::TooPrecise,
        AmountError::TooLarge,
    ] {
        keys.push(format!("err-{}", e.code()));
    }
    for k in EntryKind::ALL {
        keys.push(format!("entry-{}", k.as_str()));
    }
    for p in BillingPeriod::ALL {
        keys.push(format!("period-{}", p.as_str()));
    }
    for m in ["bank_transfer", "cash", "gateway", "autopay"] {
        keys.push(format!("method-{m}"));
    }
    for st in ["pending", "succeeded", "canceled"] {
        keys.push(format!("payment-status-{st}"));
    }
    for st in ["ended", "paused", "archived", "closed"] {
        keys.push(format!("status-{st}"));
    }
    for k in kabinet_app::billing::plans::ASSET_KINDS {
        keys.push(format!("asset-{k}"));
    }
    for u in ["rouble", "rial", "toman"] {
        keys.push(format!("unit-{u}"));
        keys.push(format!("unit-name-{u}"));
    }
    for d in ["credit", "debit"] {
        keys.push(format!("direction-{d}"));
    }
    keys.push("notice-low-balance".into());
    for k in ["customer", "partner"] {
        keys.push(format!("account-kind-{k}"));
    }
    for st in ["running", "done", "failed"] {
        keys.push(format!("export-status-{st}"));
    }
    for st in ["pending", "succeeded", "canceled"] {
        keys.push(format!("payment-not-completed-{st}"));
    }
    for f in ["payment-succeeded", "refund-done", "refund-pending"] {
        keys.push(format!("flash-{f}"));
    }
    for f in [
        "payment-registered",
        "entry-posted",
        "entry-reversed",
        "limits-saved",
        "subscription-created",
        "account-opened",
        "plan-created",
    ] {
        keys.push(format!("flash-{f}"));
    }
    let missing: Vec<String> = keys
        .iter()
        .flat_map(|k| {
            Lang::ALL
                .into_iter()
                .filter(|l| !l.has(k))
                .map(move |l| format!("{}:{k}", l.code()))
        })
        .collect();
    assert!(missing.is_empty(), "missing translations: {missing:?}");
}
