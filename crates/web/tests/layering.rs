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
    visit(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut offenders);
    assert!(offenders.is_empty(), "web sources naming the store: {offenders:?}");
}

fn visit(dir: &Path, offenders: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            visit(&path, offenders);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            if text.contains("kabinet_store") || text.contains("sea_orm") {
                offenders.push(path.display().to_string());
            }
        }
    }
}
