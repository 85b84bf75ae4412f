//! The web layer reaches the database only through the use cases of `kabinet-app`: pages and
//! the API get views, never rows. Without the store among its dependencies an import of it
//! does not compile; this test keeps the dependency from coming back.

use std::path::Path;

/// The crates the web layer must not depend on, directly or for its tests.
const FORBIDDEN: [&str; 3] = ["kabinet-store", "sea-orm", "sqlx"];

#[test]
fn the_web_crate_does_not_depend_on_the_store() {
    let manifest = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml")).unwrap();
    let mut section = String::new();
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            section = line.trim_matches(['[', ']']).to_owned();
            continue;
        }
        // A dependency line starts with its name: `name = …` or `name.workspace = true`.
        let name = line.split(['=', '.', ' ']).next().unwrap_or_default();
        assert!(
            !(section.ends_with("dependencies") && FORBIDDEN.contains(&name)),
            "crates/web/Cargo.toml lists {name} under [{section}]: the web layer goes through kabinet-app"
        );
    }
}

#[test]
fn no_web_source_names_the_store() {
    let mut offenders = Vec::new();
    files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut |path, text| {
        if path.extension().is_some_and(|e| e == "rs") && (text.contains("kabinet_store") || text.contains("sea_orm")) {
            offenders.push(path.display().to_string());
        }
    });
    assert!(offenders.is_empty(), "web sources naming the store: {offenders:?}");
}

/// States and kinds are enums: pages compare them with their variants, never with their text,
/// so that renaming or adding one is a compile error rather than a branch silently not taken.
#[test]
fn no_page_compares_a_state_with_its_text() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut offenders = Vec::new();
    for dir in ["templates", "src"] {
        files(&root.join(dir), &mut |path, text| {
            // The stand-ins of outside services read those services' own text.
            if path.components().any(|c| c.as_os_str() == "fakes") {
                return;
            }
            for (n, line) in text.lines().enumerate() {
                if compares_state_with_text(line) {
                    offenders.push(format!("{}:{}", path.display(), n + 1));
                }
            }
        });
    }
    assert!(offenders.is_empty(), "states compared with text: {offenders:?}");
}

/// `….status == "…"`, `state() != "…"`, `kind.as_str() == "…"` and the like.
fn compares_state_with_text(line: &str) -> bool {
    const NAMES: [&str; 6] = ["status", "state", "kind", "step", "mode", "badge"];
    let compact: String = line.split_whitespace().collect();
    NAMES.iter().any(|name| {
        ["", "()", ".as_str()", "().as_str()"].iter().any(|call| {
            ["==\"", "!=\""]
                .iter()
                .any(|op| compact.contains(&format!(".{name}{call}{op}")))
        })
    })
}

#[test]
fn the_state_check_sees_what_it_should() {
    assert!(compares_state_with_text(r#"{% if msg.status.as_str() == "dead" %}"#));
    assert!(compares_state_with_text(r#"if installation.state() != "signed" {"#));
    assert!(!compares_state_with_text(r#"{% if s.step == Verification::None %}"#));
    assert!(!compares_state_with_text(r#"{% if kind == "date" %}"#));
}

fn files(dir: &Path, each: &mut dyn FnMut(&Path, &str)) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, each);
        } else if path.extension().is_some_and(|e| e == "rs" || e == "html") {
            each(&path, &std::fs::read_to_string(&path).unwrap());
        }
    }
}
