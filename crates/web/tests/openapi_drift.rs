//! The committed `docs/openapi.json` is the document the binary serves. Regenerate it with
//! `cargo run -- openapi > docs/openapi.json` when the API changes.

#[test]
fn committed_openapi_matches_the_code() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/openapi.json");
    let generated = kabinet_web::api::openapi_json_text();
    if std::env::var("KABINET_UPDATE_OPENAPI").is_ok() {
        std::fs::write(path, format!("{generated}\n")).unwrap();
    }
    let committed = std::fs::read_to_string(path).expect("docs/openapi.json exists");
    assert!(
        committed.trim_end() == generated.trim_end(),
        "docs/openapi.json is out of date: run `cargo run -- openapi > docs/openapi.json`"
    );
}

#[test]
fn every_api_route_is_documented() {
    let doc: serde_json::Value = serde_json::from_str(&kabinet_web::api::openapi_json_text()).unwrap();
    for spec in kabinet_web::routes().specs() {
        if !spec.path.starts_with("/api/v1/") || spec.path == "/api/v1/openapi.json" {
            continue;
        }
        let method = spec.method.as_str().to_lowercase();
        assert!(
            doc["paths"][spec.path][&method].is_object(),
            "{} {} is missing from the OpenAPI document",
            spec.method,
            spec.path
        );
    }
}
