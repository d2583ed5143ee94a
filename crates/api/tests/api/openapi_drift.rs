/// `openapi/portico.json` must be exactly what the code generates; `just openapi` rewrites it.
#[test]
fn committed_openapi_document_matches_the_code() {
    let committed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../openapi/portico.json"))
        .expect("openapi/portico.json exists; run `just openapi`");
    let generated = portico_api::openapi::document_json();
    assert!(
        committed == generated,
        "openapi/portico.json is out of date with the code: run `just openapi` and commit the result"
    );
}

/// Generated SDKs name their functions after operation ids: they must be unique.
#[test]
fn operation_ids_are_unique() {
    let document = portico_api::openapi::document();
    let mut ids: Vec<String> = document
        .paths
        .paths
        .values()
        .flat_map(|item| [&item.get, &item.post, &item.put, &item.patch, &item.delete])
        .filter_map(|op| op.as_ref().and_then(|op| op.operation_id.clone()))
        .collect();
    let total = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), total, "duplicate operation ids");
}

/// Every email field of a request promises the same pattern, the one the server accepts.
#[test]
fn email_fields_carry_the_accepted_pattern() {
    let json = serde_json::to_value(portico_api::openapi::document()).unwrap();
    let mut found = 0;
    for (name, schema) in json["components"]["schemas"].as_object().unwrap() {
        for (field, property) in schema["properties"].as_object().into_iter().flatten() {
            if field.ends_with("email") && property.get("pattern").is_some() {
                assert_eq!(property["pattern"], portico_domain::identity::email::EMAIL_PATTERN, "{name}.{field}");
                found += 1;
            }
        }
    }
    assert!(found >= 7, "{found} email fields with a pattern");
}
