//! Russian legal forms in the genitive case, for documents that name a party after "по данным"
//! or "в пользу": "По данным Общества с ограниченной ответственностью «Вектор»", not "По данным
//! Общество …". Only the legal form at the start of a name declines; the name in quotes and
//! abbreviations (ООО, АО, ИП) stay as they are.

/// Each legal form in use as written in the nominative, and its genitive.
const GENITIVE: &[(&str, &str)] = &[
    (
        "Федеральное государственное бюджетное учреждение",
        "Федерального государственного бюджетного учреждения",
    ),
    (
        "Государственное унитарное предприятие",
        "Государственного унитарного предприятия",
    ),
    (
        "Муниципальное унитарное предприятие",
        "Муниципального унитарного предприятия",
    ),
    (
        "Автономная некоммерческая организация",
        "Автономной некоммерческой организации",
    ),
    (
        "Общество с ограниченной ответственностью",
        "Общества с ограниченной ответственностью",
    ),
    (
        "Общество с дополнительной ответственностью",
        "Общества с дополнительной ответственностью",
    ),
    ("Публичное акционерное общество", "Публичного акционерного общества"),
    ("Непубличное акционерное общество", "Непубличного акционерного общества"),
    ("Закрытое акционерное общество", "Закрытого акционерного общества"),
    ("Открытое акционерное общество", "Открытого акционерного общества"),
    ("Акционерное общество", "Акционерного общества"),
    ("Индивидуальный предприниматель", "Индивидуального предпринимателя"),
    ("Товарищество собственников жилья", "Товарищества собственников жилья"),
    ("Производственный кооператив", "Производственного кооператива"),
    ("Потребительский кооператив", "Потребительского кооператива"),
    ("Некоммерческое партнерство", "Некоммерческого партнерства"),
    ("Некоммерческое партнёрство", "Некоммерческого партнёрства"),
    ("Полное товарищество", "Полного товарищества"),
    (
        "Крестьянское (фермерское) хозяйство",
        "Крестьянского (фермерского) хозяйства",
    ),
];

/// `name` with the legal form it starts with in the genitive; any other name unchanged. The
/// form is matched whatever its letter case, and keeps the case of its first letter.
pub fn genitive(name: &str) -> String {
    let trimmed = name.trim_start();
    for (nominative, genitive) in GENITIVE {
        let n = nominative.chars().count();
        let head: String = trimmed.chars().take(n).collect();
        if head.to_lowercase() != nominative.to_lowercase() {
            continue;
        }
        let rest: String = trimmed.chars().skip(n).collect();
        // A whole word only: "Акционерное обществознание" is not a legal form.
        if rest.chars().next().is_some_and(char::is_alphanumeric) {
            continue;
        }
        let declined = if head.starts_with(char::is_lowercase) {
            genitive.to_lowercase()
        } else {
            (*genitive).to_owned()
        };
        return format!("{declined}{rest}");
    }
    name.to_owned()
}

#[cfg(test)]
mod tests {
    use super::genitive;

    #[test]
    fn the_legal_form_declines_and_the_name_stays() {
        assert_eq!(
            genitive("Общество с ограниченной ответственностью «Вектор»"),
            "Общества с ограниченной ответственностью «Вектор»"
        );
        assert_eq!(
            genitive("Публичное акционерное общество «Связь»"),
            "Публичного акционерного общества «Связь»"
        );
        assert_eq!(
            genitive("Акционерное общество «Поток»"),
            "Акционерного общества «Поток»"
        );
        assert_eq!(
            genitive("Индивидуальный предприниматель Петров П. П."),
            "Индивидуального предпринимателя Петров П. П."
        );
        assert_eq!(
            genitive("общество с ограниченной ответственностью «Вектор»"),
            "общества с ограниченной ответственностью «Вектор»"
        );
    }

    #[test]
    fn abbreviations_and_other_names_are_left_alone() {
        for name in [
            "ООО «Вектор»",
            "ИП Петров П. П.",
            "Vector LLC",
            "Акционерное обществознание",
            "",
        ] {
            assert_eq!(genitive(name), name);
        }
    }
}
