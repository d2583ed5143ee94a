//! The package store a test server uses: the data dir's folder, or (when the test recipe started
//! an S3 server: `PORTICO_TEST_PACKAGE_STORE=s3://bucket` and the `AWS_*` variables) a prefix of
//! its own in that bucket. Tests look at what the store holds through the same library the
//! server uses, and at unfinished uploads the way each store keeps them.

use std::path::Path;

use portico_api::config::Settings;
use portico_api::packages::PackageStore;
use serde_json::json;

/// The store for a new test server: a fresh prefix in the test bucket, or None for the folder.
pub fn fresh_package_store() -> Option<String> {
    let bucket = std::env::var("PORTICO_TEST_PACKAGE_STORE").ok()?;
    Some(format!("{}/{}", bucket.trim_end_matches('/'), uuid::Uuid::new_v4().simple()))
}

/// Opens the store as the server does.
pub async fn open(data_dir: &Path, store: Option<&str>) -> PackageStore {
    let settings = Settings::from_overrides(json!({
        "data_dir": data_dir,
        "secret_key": "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff",
        "package_store": store,
    }))
    .unwrap();
    PackageStore::open(&settings).await.expect("the test's package store opens")
}

/// Keys of the packages in the store.
pub async fn package_keys(data_dir: &Path, store: Option<&str>) -> Vec<String> {
    let mut keys: Vec<String> =
        open(data_dir, store).await.list().await.unwrap().into_iter().map(|package| package.key).collect();
    keys.sort();
    keys
}

/// Uploads begun and neither finished nor aborted: staged files in a folder, multipart uploads
/// in progress on S3 (listed with the S3 API itself).
pub async fn uploads_under_way(data_dir: &Path, store: Option<&str>) -> usize {
    match store {
        None => std::fs::read_dir(data_dir.join("packages"))
            .map(|entries| entries.flatten().filter(|e| e.file_name().to_string_lossy().contains(".zip#")).count())
            .unwrap_or(0),
        Some(store) => {
            let (bucket, prefix) = store.trim_start_matches("s3://").split_once('/').unwrap_or((store, ""));
            let endpoint = std::env::var("AWS_ENDPOINT_URL").expect("AWS_ENDPOINT_URL for the test S3 server");
            let listing = reqwest::get(format!("{endpoint}/{bucket}?uploads&prefix={prefix}/"))
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            listing.matches("<Upload>").count()
        }
    }
}
