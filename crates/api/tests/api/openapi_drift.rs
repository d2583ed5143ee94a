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
