//! Serving the browser app: MIME types, cache headers, precompressed files, the history-API
//! fallback and the paths it must never cover.

use std::io::Write;

use flate2::Compression;
use flate2::write::GzEncoder;

use crate::support::{Options, TestApp, problem, spawn_app_with};

const JS: &str = "console.log('portico');";

async fn app_with_frontend() -> (TestApp, tempfile::TempDir) {
    let dist = tempfile::tempdir().unwrap();
    std::fs::create_dir(dist.path().join("assets")).unwrap();
    std::fs::write(dist.path().join("index.html"), "<!doctype html><title>Portico</title>").unwrap();
    std::fs::write(dist.path().join("assets/portico-0123456789abcdef.js"), JS).unwrap();
    std::fs::write(dist.path().join("assets/portico-0123456789abcdef.wasm"), b"\0asm\x01\0\0\0").unwrap();
    let mut gzip = GzEncoder::new(Vec::new(), Compression::best());
    gzip.write_all(JS.as_bytes()).unwrap();
    std::fs::write(dist.path().join("assets/portico-0123456789abcdef.js.gz"), gzip.finish().unwrap()).unwrap();
    let app = spawn_app_with(Options { frontend_dir: Some(dist.path().to_owned()), ..Default::default() }).await;
    (app, dist)
}

#[tokio::test]
async fn hashed_assets_are_cached_for_a_year_with_their_mime_type() {
    let (app, _dist) = app_with_frontend().await;
    let wasm = app.get("/assets/portico-0123456789abcdef.wasm").await;
    assert_eq!(wasm.status(), 200);
    assert_eq!(wasm.headers()["content-type"], "application/wasm");
    assert_eq!(wasm.headers()["cache-control"], "public, max-age=31536000, immutable");
}

#[tokio::test]
async fn index_is_revalidated_and_serves_every_client_route() {
    let (app, _dist) = app_with_frontend().await;
    for path in ["/", "/status", "/sign-in", "/3f2a/dashboard"] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(response.headers()["cache-control"], "no-cache", "{path}");
        assert_eq!(response.headers()["content-type"], "text/html; charset=utf-8", "{path}");
        assert!(response.text().await.unwrap().contains("<title>Portico</title>"), "{path}");
    }
    let etag = app.get("/").await.headers()["etag"].clone();
    let revalidated = app.client.get(app.url("/")).header("if-none-match", etag).send().await.unwrap();
    assert_eq!(revalidated.status(), 304);
}

#[tokio::test]
async fn precompressed_files_are_sent_to_clients_that_accept_them() {
    let (app, _dist) = app_with_frontend().await;
    let path = app.url("/assets/portico-0123456789abcdef.js");
    let raw = reqwest::Client::builder().no_gzip().build().unwrap();
    let gzipped = raw.get(&path).header("accept-encoding", "gzip, br").send().await.unwrap();
    assert_eq!(gzipped.headers()["content-encoding"], "gzip");
    assert_eq!(gzipped.headers()["content-type"], "text/javascript; charset=utf-8");
    assert_ne!(gzipped.bytes().await.unwrap().as_ref(), JS.as_bytes());
    let plain = raw.get(&path).send().await.unwrap();
    assert!(plain.headers().get("content-encoding").is_none());
    assert_eq!(plain.text().await.unwrap(), JS);
}

#[tokio::test]
async fn the_fallback_never_covers_api_docs_or_health_paths() {
    let (app, _dist) = app_with_frontend().await;
    for path in ["/api/v1/unknown", "/api/unknown", "/api-docs/unknown.json", "/assets/missing-0000.js"] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 404, "{path}");
        problem(response).await;
    }
}
