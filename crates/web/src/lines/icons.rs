//! The icons a group of lines may wear, drawn inline as SVG in the group's colour (the colour
//! is an SVG attribute, not a style, so the page's content security policy stays strict).

use kabinet_core::assets::lines::{self, GroupIcon};

/// The shapes of each icon on a 24 × 24 grid.
fn shapes(icon: GroupIcon) -> &'static str {
    match icon {
        GroupIcon::People => {
            r##"<circle cx="8" cy="8" r="3.5"/><circle cx="16.5" cy="9" r="3"/><path d="M1.5 20c0-3.6 2.9-6.5 6.5-6.5s6.5 2.9 6.5 6.5z"/><path d="M15 20c0-2.3-.8-4.4-2.1-6 1-.6 2.2-1 3.6-1 3.3 0 6 2.7 6 6v1z"/>"##
        }
        GroupIcon::Office => {
            r##"<path d="M4 2h11v20H4zM16 8h4v14h-4z"/><path fill="#fff" d="M6.5 5h2v2h-2zM10.5 5h2v2h-2zM6.5 9h2v2h-2zM10.5 9h2v2h-2zM6.5 13h2v2h-2zM10.5 13h2v2h-2zM8 18h3v4H8z"/>"##
        }
        GroupIcon::Truck => {
            r##"<path d="M1 5h13v11H1zM15 9h4.5l3.5 4v3h-8z"/><circle cx="6" cy="18" r="2.5"/><circle cx="18" cy="18" r="2.5"/>"##
        }
        GroupIcon::Headset => {
            r##"<path d="M12 2a9 9 0 0 0-9 9v6a3 3 0 0 0 3 3h2v-8H5v-1a7 7 0 0 1 14 0v1h-3v8h2.5a2.5 2.5 0 0 1-2.5 2h-3v1.5h3a4 4 0 0 0 4-4V11a9 9 0 0 0-9-9z"/>"##
        }
        GroupIcon::Wrench => {
            r##"<path d="M21.5 6.5l-3.6 3.6-3.3-.7-.7-3.3L17.5 2.5A6 6 0 0 0 10 10L2.6 17.4a2 2 0 0 0 0 2.8l1.2 1.2a2 2 0 0 0 2.8 0L14 14a6 6 0 0 0 7.5-7.5z"/>"##
        }
        GroupIcon::Star => r##"<path d="M12 2l3 6.5 7 .8-5.2 4.8 1.4 7L12 17.6 5.8 21.1l1.4-7L2 9.3l7-.8z"/>"##,
        GroupIcon::Shield => r##"<path d="M12 1.5L3.5 5v6c0 5.3 3.6 10.2 8.5 11.5 4.9-1.3 8.5-6.2 8.5-11.5V5z"/>"##,
        GroupIcon::Phone => {
            r##"<path d="M7 1.5h10a2 2 0 0 1 2 2v17a2 2 0 0 1-2 2H7a2 2 0 0 1-2-2v-17a2 2 0 0 1 2-2z"/><path fill="#fff" d="M7.5 4h9v13h-9z"/><circle fill="#fff" cx="12" cy="19.7" r="1.1"/>"##
        }
    }
}

/// The group's icon as inline SVG in `colour` (a "#rrggbb" as stored; anything else is drawn
/// grey rather than written into the page).
pub fn group_badge(icon: &GroupIcon, colour: &str) -> String {
    let fill = lines::colour(colour).unwrap_or_else(|| "#57606a".to_owned());
    format!(
        r#"<svg class="group-icon" viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false" fill="{fill}">{}</svg>"#,
        shapes(*icon)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_icon_draws_in_its_colour_and_nothing_else_gets_in() {
        for icon in GroupIcon::ALL {
            let svg = group_badge(icon, "#1F6FEB");
            assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"), "{icon:?}");
            assert!(svg.contains(r##"fill="#1f6feb""##));
        }
        let hostile = group_badge(&GroupIcon::Star, r#""><script>alert(1)</script>"#);
        assert!(!hostile.contains("script"));
        assert!(hostile.contains(r##"fill="#57606a""##));
    }
}
