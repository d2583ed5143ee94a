//! Deployment packages and access tokens for the tests.

use std::io::Write;
use std::path::PathBuf;

use serde_json::{Value, json};
use uuid::Uuid;

use super::{TestApp, User};

/// A ZIP with a `portico-package.json` manifest and a few files.
pub fn package(version: &str) -> tempfile::NamedTempFile {
    zip_file(&[
        ("portico-package.json", format!(r#"{{"name": "acme-site", "version": "{version}"}}"#).as_bytes()),
        ("app/Acme.Site.dll", b"MZ not really a dll"),
        ("app/appsettings.json", b"{}"),
    ])
}

pub fn zip_file(entries: &[(&str, &[u8])]) -> tempfile::NamedTempFile {
    let file = tempfile::Builder::new().suffix(".zip").tempfile().unwrap();
    let mut writer = zip::ZipWriter::new(file.reopen().unwrap());
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, body) in entries {
        writer.start_file(*name, options).unwrap();
        writer.write_all(body).unwrap();
    }
    writer.finish().unwrap();
    file
}

impl TestApp {
    /// Creates an access token as `owner` and returns its secret.
    pub async fn token(&self, owner: &User, guid: Uuid, permissions: &[&str]) -> String {
        let response = owner
            .post(&format!("/api/v1/projects/{guid}/tokens"), json!({"display_name": "ci", "permissions": permissions}))
            .await;
        assert_eq!(response.status(), 201, "{:?}", response.text().await);
        let created: Value = response.json().await.unwrap();
        created["token"].as_str().unwrap().to_owned()
    }

    pub fn client_for(&self, token: &str) -> portico_client::Client {
        portico_client::Client::new(&self.address, token).unwrap()
    }

    /// Waits until a deployment is no longer queued or running; returns it.
    pub async fn wait_for_deployment(
        &self,
        client: &portico_client::Client,
        guid: Uuid,
        id: Uuid,
    ) -> portico_domain::deployments::Deployment {
        use portico_domain::deployments::DeploymentState::*;
        for _ in 0..100 {
            let page = client.deployments(guid, 1, 200).await.unwrap();
            let deployment = page.items.into_iter().find(|d| d.id == id).expect("listed");
            if !matches!(deployment.state, Queued | InProgress) {
                return deployment;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("deployment {id} did not finish within 10 s");
    }

    /// Files in the package folder (finished and unfinished).
    pub fn package_files(&self) -> Vec<PathBuf> {
        let dir = self.data_dir().join("packages");
        std::fs::read_dir(dir).map(|entries| entries.map(|e| e.unwrap().path()).collect()).unwrap_or_default()
    }
}
