//! Deployment packages and access tokens for the tests.

use std::io::Write;

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

/// A ZIP of `count` empty stored entries, written directly (the zip crate's writer keeps every
/// entry in memory): ZIP64 end records once the count passes 65,535, like any archiver writes.
pub fn zip_with_empty_entries(count: u32) -> tempfile::NamedTempFile {
    let file = tempfile::Builder::new().suffix(".zip").tempfile().unwrap();
    let mut out = std::io::BufWriter::new(file.reopen().unwrap());
    let mut directory = Vec::new();
    let mut offset = 0u32;
    for index in 0..count {
        let name = format!("f{index:x}");
        // version, flags, method, time, date, crc, sizes: all zero but the version (2.0).
        let common = [&20u16.to_le_bytes()[..], &[0; 4], &[0; 4], &[0; 4], &[0; 8]].concat();
        let local = [&0x0403_4b50u32.to_le_bytes()[..], &common, &(name.len() as u16).to_le_bytes(), &[0; 2]].concat();
        out.write_all(&local).unwrap();
        out.write_all(name.as_bytes()).unwrap();
        directory.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        directory.extend_from_slice(&20u16.to_le_bytes());
        directory.extend_from_slice(&common);
        directory.extend_from_slice(&(name.len() as u16).to_le_bytes());
        directory.extend_from_slice(&[0; 12]); // extra, comment, disk, internal and external attributes
        directory.extend_from_slice(&offset.to_le_bytes());
        directory.extend_from_slice(name.as_bytes());
        offset += (local.len() + name.len()) as u32;
    }
    out.write_all(&directory).unwrap();
    let (directory_len, directory_at) = (directory.len() as u64, u64::from(offset));
    let zip64 = count > u32::from(u16::MAX - 1);
    if zip64 {
        let record_at = directory_at + directory_len;
        out.write_all(&0x0606_4b50u32.to_le_bytes()).unwrap();
        out.write_all(&44u64.to_le_bytes()).unwrap();
        out.write_all(&[45, 0, 45, 0, 0, 0, 0, 0, 0, 0, 0, 0]).unwrap();
        for value in [u64::from(count), u64::from(count), directory_len, directory_at] {
            out.write_all(&value.to_le_bytes()).unwrap();
        }
        out.write_all(&0x0706_4b50u32.to_le_bytes()).unwrap();
        out.write_all(&0u32.to_le_bytes()).unwrap();
        out.write_all(&record_at.to_le_bytes()).unwrap();
        out.write_all(&1u32.to_le_bytes()).unwrap();
    }
    let short_count = if zip64 { u16::MAX } else { count as u16 };
    out.write_all(&0x0605_4b50u32.to_le_bytes()).unwrap();
    out.write_all(&[0; 4]).unwrap();
    out.write_all(&short_count.to_le_bytes()).unwrap();
    out.write_all(&short_count.to_le_bytes()).unwrap();
    out.write_all(&(directory_len as u32).to_le_bytes()).unwrap();
    out.write_all(&(directory_at as u32).to_le_bytes()).unwrap();
    out.write_all(&[0; 2]).unwrap();
    out.flush().unwrap();
    file
}

impl TestApp {
    /// Creates an access token as `owner` and returns its secret.
    pub async fn token(&self, owner: &User, guid: Uuid, permissions: &[&str]) -> String {
        self.token_with_id(owner, guid, permissions).await.1
    }

    /// Creates an access token (display name `ci`) as `owner`; returns its id and secret.
    pub async fn token_with_id(&self, owner: &User, guid: Uuid, permissions: &[&str]) -> (Uuid, String) {
        let response = owner
            .post(&format!("/api/v1/projects/{guid}/tokens"), json!({"display_name": "ci", "permissions": permissions}))
            .await;
        assert_eq!(response.status(), 201, "{:?}", response.text().await);
        let created: Value = response.json().await.unwrap();
        (created["id"].as_str().unwrap().parse().unwrap(), created["token"].as_str().unwrap().to_owned())
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
        for _ in 0..300 {
            let page = client.deployments(guid, 1, 200).await.unwrap();
            let deployment = page.items.into_iter().find(|d| d.id == id).expect("listed");
            if !matches!(deployment.state, Queued | InProgress) {
                return deployment;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("deployment {id} did not finish within 30 s");
    }
}
