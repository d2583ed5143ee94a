//! Where packages are kept, through one object-store library (`object_store`) whatever the
//! place: a folder (`file:///path`; by default the data dir's `packages`), S3 or a server that
//! speaks its API (`s3://bucket/prefix`, configured by the standard `AWS_*` variables), or Azure
//! Blob storage (`az://container/prefix`, by the `AZURE_STORAGE_*` ones). Every server of an
//! installation uses the same store, so any of them runs any deployment.
//!
//! An upload is a multipart upload: memory stays at a few parts whatever the size, and an upload
//! that breaks off is aborted, leaving no object. The runner streams a package to a local file to
//! check and deploy it.

use std::collections::HashSet;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use futures_util::{StreamExt, TryStreamExt};
use object_store::aws::{AmazonS3Builder, AmazonS3ConfigKey};
use object_store::azure::{AzureConfigKey, MicrosoftAzureBuilder};
use object_store::local::LocalFileSystem;
use object_store::path::Path as ObjectPath;
use object_store::{ClientConfigKey, ObjectStore, ObjectStoreExt, WriteMultipart};
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

use crate::config::{ConfigError, Settings};

/// S3 wants every part but the last to hold at least 5 MiB, and at most 10,000 parts.
const MIN_PART: usize = 5 << 20;
const MAX_PARTS: u64 = 10_000;
/// Parts sent at once by one upload (its memory is about one more than this many parts).
const PARTS_IN_FLIGHT: usize = 2;
/// Objects no deployment refers to, and unfinished writes in a folder, are removed once they are
/// this old (younger ones may belong to an upload still under way on another server).
const ORPHAN_AGE: chrono::Duration = chrono::Duration::hours(1);

pub struct PackageStore {
    objects: Arc<dyn ObjectStore>,
    prefix: ObjectPath,
    part_size: usize,
    /// The folder, when packages are on this machine's disk.
    folder: Option<PathBuf>,
    /// `PORTICO_PACKAGE_STORE` as it reads in messages.
    pub location: String,
}

/// A package as the store lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPackage {
    pub key: String,
    pub size: u64,
    pub last_modified: DateTime<Utc>,
}

/// A package copied to a local file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    pub size: u64,
    pub sha256: String,
}

fn invalid(message: impl std::fmt::Display) -> ConfigError {
    crate::config::invalid("package_store", message)
}

fn io_error(error: object_store::Error) -> io::Error {
    match error {
        object_store::Error::NotFound { .. } => io::Error::new(io::ErrorKind::NotFound, error),
        other => io::Error::other(other),
    }
}

/// Object-store requests may carry a whole package, far longer than the library's 30 s request
/// timeout: a stalled connection is noticed by the read timeout instead. (Set as keys, so the
/// options the builder read from the environment, like `AWS_ALLOW_HTTP`, stay.)
const CLIENT_TIMEOUTS: [(ClientConfigKey, &str); 3] =
    [(ClientConfigKey::Timeout, "6h"), (ClientConfigKey::ReadTimeout, "60s"), (ClientConfigKey::ConnectTimeout, "10s")];

/// A package key is an id the server made; anything else is refused rather than put in a path.
fn object_name(key: &str) -> String {
    assert!(key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'), "package keys are ids");
    format!("{key}.zip")
}

impl PackageStore {
    /// Opens the configured store and checks it can be listed, so a wrong URL, a missing bucket
    /// or refused credentials stop the start instead of the first upload.
    pub async fn open(settings: &Settings) -> Result<Self, ConfigError> {
        let location = match &settings.package_store {
            Some(location) => location.trim().to_owned(),
            None => {
                let folder = settings.data_dir.join("packages");
                std::fs::create_dir_all(&folder).map_err(|e| {
                    crate::config::invalid("data_dir", format!("creating the package folder {}: {e}", folder.display()))
                })?;
                url::Url::from_directory_path(&folder)
                    .map_err(|()| {
                        crate::config::invalid("data_dir", format!("{} is no folder path", folder.display()))
                    })?
                    .to_string()
            }
        };
        let url = url::Url::parse(&location).map_err(|e| {
            invalid(format!(
                "`{location}` is not a URL ({e}); use file:///path, s3://bucket/prefix or az://container/prefix"
            ))
        })?;
        // object_store's HTTP client uses rustls without choosing a crypto provider: ring, as the
        // rest of the server does.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let prefix = || ObjectPath::parse(url.path().trim_matches('/')).map_err(|e| invalid(format!("its path: {e}")));
        let named = |what: &str| {
            url.host_str()
                .filter(|name| !name.is_empty())
                .map(str::to_owned)
                .ok_or_else(|| invalid(format!("`{location}` names no {what} (e.g. {}://{what}/prefix)", url.scheme())))
        };
        let (objects, prefix, folder): (Arc<dyn ObjectStore>, ObjectPath, Option<PathBuf>) = match url.scheme() {
            "file" => {
                let folder = url
                    .to_file_path()
                    .map_err(|()| invalid(format!("`{location}` is not an absolute folder path (file:///path)")))?;
                std::fs::create_dir_all(&folder)
                    .map_err(|e| invalid(format!("creating the folder {}: {e}", folder.display())))?;
                let store = LocalFileSystem::new_with_prefix(&folder)
                    .map_err(|e| invalid(format!("the folder {}: {e}", folder.display())))?
                    .with_automatic_cleanup(true);
                (Arc::new(store), ObjectPath::default(), Some(folder))
            }
            "s3" => {
                let mut builder = AmazonS3Builder::from_env().with_bucket_name(named("bucket")?);
                for (key, value) in CLIENT_TIMEOUTS {
                    builder = builder.with_config(AmazonS3ConfigKey::Client(key), value);
                }
                let store = builder
                    .build()
                    .map_err(|e| invalid(format!("{e} (endpoint, region and keys come from AWS_ENDPOINT_URL, AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)")))?;
                (Arc::new(store), prefix()?, None)
            }
            "az" => {
                let mut builder = MicrosoftAzureBuilder::from_env().with_container_name(named("container")?);
                for (key, value) in CLIENT_TIMEOUTS {
                    builder = builder.with_config(AzureConfigKey::Client(key), value);
                }
                let store = builder.build().map_err(|e| {
                    invalid(format!(
                        "{e} (the account and key come from AZURE_STORAGE_ACCOUNT_NAME and AZURE_STORAGE_ACCOUNT_KEY)"
                    ))
                })?;
                (Arc::new(store), prefix()?, None)
            }
            other => {
                return Err(invalid(format!(
                    "`{other}:` is not a known store; use file:///path, s3://bucket/prefix or az://container/prefix"
                )));
            }
        };
        let listed = objects.list_with_delimiter(Some(&prefix)).await;
        if let Err(error) = listed {
            return Err(invalid(format!(
                "{location} cannot be read: {error}. Check that the bucket or container exists and the credentials may list it."
            )));
        }
        let part_size =
            usize::try_from(settings.upload_limit.0.div_ceil(MAX_PARTS)).unwrap_or(usize::MAX).max(MIN_PART);
        Ok(Self { objects, prefix, part_size, folder, location })
    }

    fn path(&self, key: &str) -> ObjectPath {
        self.prefix.clone().join(object_name(key))
    }

    /// Starts writing a package; nothing is visible under `key` until it is committed.
    pub async fn begin(&self, key: &str) -> io::Result<PackageUpload> {
        let upload = self.objects.put_multipart(&self.path(key)).await.map_err(io_error)?;
        Ok(PackageUpload { writer: Some(WriteMultipart::new_with_chunk_size(upload, self.part_size)) })
    }

    /// Copies a package to `destination` (created, readable by this user only), hashing it.
    pub async fn fetch_to(&self, key: &str, destination: &Path) -> io::Result<Fetched> {
        let mut stream = self.objects.get(&self.path(key)).await.map_err(io_error)?.into_stream();
        let mut file = tokio::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(destination).await?;
        let mut hasher = Sha256::new();
        let mut size = 0u64;
        while let Some(bytes) = stream.next().await {
            let bytes = bytes.map_err(io_error)?;
            hasher.update(&bytes);
            size += bytes.len() as u64;
            file.write_all(&bytes).await?;
        }
        file.flush().await?;
        Ok(Fetched { size, sha256: hex::encode(hasher.finalize()) })
    }

    /// Deletes a package; one already gone is fine.
    pub async fn delete(&self, key: &str) -> io::Result<()> {
        match self.objects.delete(&self.path(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(error) => Err(io_error(error)),
        }
    }

    /// Every package in the store.
    pub async fn list(&self) -> io::Result<Vec<StoredPackage>> {
        let prefix = (!self.prefix.as_ref().is_empty()).then_some(&self.prefix);
        let objects: Vec<_> = self.objects.list(prefix).try_collect().await.map_err(io_error)?;
        Ok(objects
            .into_iter()
            .filter_map(|meta| {
                let key = meta.location.filename()?.strip_suffix(".zip")?.to_owned();
                Some(StoredPackage { key, size: meta.size, last_modified: meta.last_modified })
            })
            .collect())
    }

    /// Removes what no deployment refers to and is older than an hour: a package whose
    /// deployment row was never written (the server stopped in between), and in a folder the
    /// partial files of writes that never finished. (On S3, a multipart upload cut off by a
    /// crash is not an object; a bucket lifecycle rule aborts it.) Returns how many were removed.
    pub async fn sweep(&self, referenced: &HashSet<String>, now: DateTime<Utc>) -> io::Result<usize> {
        let mut removed = 0;
        for package in self.list().await? {
            if !referenced.contains(&package.key) && now - package.last_modified > ORPHAN_AGE {
                self.delete(&package.key).await?;
                removed += 1;
            }
        }
        if let Some(folder) = &self.folder {
            removed += sweep_partial_files(folder, now)?;
        }
        Ok(removed)
    }

    /// Bytes still free where packages are written, when that is this machine's disk.
    pub fn free_bytes(&self) -> Option<u64> {
        use std::os::unix::ffi::OsStrExt;
        let folder = self.folder.as_ref()?;
        let path = std::ffi::CString::new(folder.as_os_str().as_bytes()).ok()?;
        let mut stats = std::mem::MaybeUninit::<libc::statvfs>::uninit();
        // SAFETY: `path` is a valid C string and `stats` a buffer of the right type for statvfs.
        let ok = unsafe { libc::statvfs(path.as_ptr(), stats.as_mut_ptr()) } == 0;
        // SAFETY: statvfs filled `stats` when it returned 0.
        ok.then(|| unsafe { stats.assume_init() }).map(|s| s.f_bavail * s.f_frsize)
    }
}

/// Unfinished writes in a package folder (`<key>.zip#<n>` staged by multipart uploads, and
/// `<key>.zip.partial` from earlier versions) untouched for an hour.
fn sweep_partial_files(folder: &Path, now: DateTime<Utc>) -> io::Result<usize> {
    let mut removed = 0;
    for entry in std::fs::read_dir(folder)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !(name.contains(".zip#") || name.ends_with(".zip.partial")) {
            continue;
        }
        let modified: DateTime<Utc> = entry.metadata()?.modified()?.into();
        if now - modified > ORPHAN_AGE {
            std::fs::remove_file(entry.path())?;
            removed += 1;
        }
    }
    Ok(removed)
}

/// A package being written.
pub struct PackageUpload {
    writer: Option<WriteMultipart>,
}

impl PackageUpload {
    pub async fn write(&mut self, chunk: &[u8]) -> io::Result<()> {
        let writer = self.writer.as_mut().expect("open until committed or aborted");
        // Waiting here bounds the memory: at most this many parts are on their way.
        writer.wait_for_capacity(PARTS_IN_FLIGHT).await.map_err(io_error)?;
        writer.write(chunk);
        Ok(())
    }

    /// Makes the package visible under its key.
    pub async fn commit(mut self) -> io::Result<()> {
        let writer = self.writer.take().expect("open until committed or aborted");
        writer.finish().await.map_err(io_error)?;
        Ok(())
    }

    /// Throws the partial package away.
    pub async fn abort(mut self) {
        if let Some(writer) = self.writer.take()
            && let Err(error) = writer.abort().await
        {
            tracing::warn!(error = %error, "aborting a package upload");
        }
    }
}

impl Drop for PackageUpload {
    fn drop(&mut self) {
        // Dropped mid-way (the request's task ended): abort in the background rather than leave
        // an unfinished multipart upload behind.
        if let Some(writer) = self.writer.take()
            && let Ok(runtime) = tokio::runtime::Handle::try_current()
        {
            runtime.spawn(async move {
                if let Err(error) = writer.abort().await {
                    tracing::warn!(error = %error, "aborting an abandoned package upload");
                }
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn folder_store(dir: &Path) -> PackageStore {
        let settings = Settings::from_overrides(serde_json::json!({
            "data_dir": dir,
            "secret_key": "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff",
        }))
        .unwrap();
        PackageStore::open(&settings).await.unwrap()
    }

    #[tokio::test]
    async fn the_folder_store_hides_unfinished_writes_and_copies_with_a_hash() {
        let dir = tempfile::tempdir().unwrap();
        let store = folder_store(dir.path()).await;
        let mut writer = store.begin("abc-1").await.unwrap();
        writer.write(b"PK").await.unwrap();
        assert!(store.list().await.unwrap().is_empty());
        writer.commit().await.unwrap();
        assert_eq!(store.list().await.unwrap().iter().map(|p| p.key.as_str()).collect::<Vec<_>>(), ["abc-1"]);
        let copy = dir.path().join("copy.zip");
        let fetched = store.fetch_to("abc-1", &copy).await.unwrap();
        assert_eq!(fetched, Fetched { size: 2, sha256: hex::encode(Sha256::digest(b"PK")) });
        let mut abandoned = store.begin("abc-2").await.unwrap();
        abandoned.write(b"PK").await.unwrap();
        abandoned.abort().await;
        store.delete("abc-1").await.unwrap();
        store.delete("abc-1").await.unwrap();
        assert!(store.list().await.unwrap().is_empty());
        let leftovers: Vec<_> = std::fs::read_dir(dir.path().join("packages")).unwrap().collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }

    #[tokio::test]
    async fn the_sweep_removes_only_old_packages_nobody_refers_to() {
        let dir = tempfile::tempdir().unwrap();
        let store = folder_store(dir.path()).await;
        for key in ["kept", "orphan"] {
            let mut writer = store.begin(key).await.unwrap();
            writer.write(b"PK").await.unwrap();
            writer.commit().await.unwrap();
        }
        let referenced: HashSet<String> = ["kept".to_owned()].into();
        assert_eq!(store.sweep(&referenced, Utc::now()).await.unwrap(), 0, "young orphans may be uploads under way");
        assert_eq!(store.sweep(&referenced, Utc::now() + chrono::Duration::hours(2)).await.unwrap(), 1);
        assert_eq!(store.list().await.unwrap().iter().map(|p| p.key.as_str()).collect::<Vec<_>>(), ["kept"]);
    }

    /// `just run` starts with the default `./data`: the package folder under a relative data dir.
    #[tokio::test]
    async fn a_relative_data_dir_keeps_packages_in_its_folder() {
        let dir = tempfile::tempdir().unwrap();
        let here = std::env::current_dir().unwrap();
        let up = "../".repeat(here.components().count() - 1);
        let relative = PathBuf::from(format!("{up}{}", dir.path().display().to_string().trim_start_matches('/')));
        assert!(relative.is_relative());
        let store = folder_store(&relative).await;
        let mut writer = store.begin("abc-1").await.unwrap();
        writer.write(b"PK").await.unwrap();
        writer.commit().await.unwrap();
        assert!(dir.path().join("packages").join("abc-1.zip").exists(), "{}", store.location);
    }

    #[tokio::test]
    async fn unknown_schemes_and_relative_folders_stop_the_start() {
        let dir = tempfile::tempdir().unwrap();
        for (store, expected) in [
            ("ftp://host/x", "`ftp:` is not a known store"),
            ("packages", "is not a URL"),
            ("s3:///prefix", "names no bucket"),
        ] {
            let settings = Settings::from_overrides(serde_json::json!({
                "data_dir": dir.path(),
                "secret_key": "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff",
                "package_store": store,
            }))
            .unwrap();
            let error = PackageStore::open(&settings).await.err().expect("refused").to_string();
            assert!(error.contains("PORTICO_PACKAGE_STORE") && error.contains(expected), "{store}: {error}");
        }
    }
}
