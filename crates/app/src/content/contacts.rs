//! The provider's contacts as the cabinet's "Contacts" page shows them: address, phones to
//! call with one tap, e-mail, working hours and a map link, all from the configuration.

use crate::App;

/// A phone as shown and as dialled (`tel:` takes digits and a leading `+` only).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PhoneLink {
    pub label: String,
    pub shown: String,
    pub dial: String,
}

/// The contacts page's content.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Contacts {
    pub name: String,
    pub address: String,
    pub phones: Vec<PhoneLink>,
    pub email: String,
    /// Lines such as "Пн–Пт 9:00–18:00".
    pub hours: Vec<String>,
    /// A link to the office on a map (http or https only).
    pub map_url: Option<String>,
}

/// The number `tel:` dials: the digits, with the `+` if the shown number starts with one.
pub fn dial_string(shown: &str) -> String {
    let digits: String = shown.chars().filter(char::is_ascii_digit).collect();
    if shown.trim_start().starts_with('+') {
        format!("+{digits}")
    } else {
        digits
    }
}

/// The contacts of the configuration; with none configured, the provider's name and phone.
pub fn get(app: &App) -> Contacts {
    let c = &app.config.contacts;
    let mut phones: Vec<PhoneLink> = c
        .phones
        .iter()
        .filter_map(|p| {
            let (label, number) = p
                .split_once(':')
                .map_or(("", p.as_str()), |(l, n)| (l.trim(), n.trim()));
            let dial = dial_string(number);
            (dial.trim_start_matches('+').len() >= 3).then(|| PhoneLink {
                label: label.to_owned(),
                shown: number.to_owned(),
                dial,
            })
        })
        .collect();
    if phones.is_empty() && !app.config.provider_phone.is_empty() {
        phones.push(PhoneLink {
            label: String::new(),
            shown: app.config.provider_phone.clone(),
            dial: dial_string(&app.config.provider_phone),
        });
    }
    let map_url = Some(c.map_url.trim())
        .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
        .filter(|u| !u.chars().any(|ch| ch.is_whitespace() || ch.is_control() || ch == '"'))
        .map(str::to_owned);
    Contacts {
        name: app.config.provider_legal_name(),
        address: c.address.clone(),
        phones,
        email: c.email.clone(),
        hours: c.hours.clone(),
        map_url,
    }
}

#[cfg(test)]
mod tests {
    use super::dial_string;

    #[test]
    fn phones_are_dialled_as_digits() {
        assert_eq!(dial_string("+7 (843) 200-00-00"), "+78432000000");
        assert_eq!(dial_string("8 800 000-00-00"), "88000000000");
        assert_eq!(dial_string("javascript:alert(1)"), "1");
    }
}
