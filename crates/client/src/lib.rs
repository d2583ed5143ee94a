//! A typed client of the Portico API for scripts, the `portico deploy` command and the API
//! tests. Errors carry the server's problem (its stable `code` and its advice).

use std::path::Path;

use futures_util::stream;
use portico_domain::deployments::{Deployment, UploadAccepted};
use portico_domain::paging::Page;
use portico_domain::problem::Problem;
use portico_domain::projects::api::Project;
use reqwest::header::{AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE};
use serde::de::DeserializeOwned;
use tokio::io::AsyncReadExt;
use uuid::Uuid;

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The server refused, with a problem that says why.
    #[error("{} ({})", .0.detail, .0.code)]
    Problem(Box<Problem>),
    #[error("HTTP {status}: {body}")]
    Unexpected { status: u16, body: String },
    #[error("cannot reach the server: {0}")]
    Http(#[from] reqwest::Error),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

impl ClientError {
    /// The problem's stable code, when the server answered with one.
    pub fn code(&self) -> Option<&str> {
        match self {
            ClientError::Problem(problem) => Some(&problem.code),
            _ => None,
        }
    }

    pub fn status(&self) -> Option<u16> {
        match self {
            ClientError::Problem(problem) => Some(problem.status),
            ClientError::Unexpected { status, .. } => Some(*status),
            _ => None,
        }
    }
}

pub type ClientResult<T> = Result<T, ClientError>;

/// The environment an upload goes to when none is named (Kentico's default).
pub const DEFAULT_ENVIRONMENT: &str = "qa";

#[derive(Clone)]
pub struct Client {
    base: String,
    http: reqwest::Client,
    token: String,
}

impl Client {
    /// A client for `base_url` (e.g. `https://portal.example.com`) using a personal access token.
    pub fn new(base_url: &str, token: &str) -> ClientResult<Self> {
        let http = reqwest::Client::builder()
            .user_agent(concat!("portico-client/", env!("CARGO_PKG_VERSION")))
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        Ok(Self { base: base_url.trim_end_matches('/').to_owned(), http, token: token.to_owned() })
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn bearer(&self) -> String {
        format!("Bearer {}", self.token)
    }

    async fn read<T: DeserializeOwned>(response: reqwest::Response) -> ClientResult<T> {
        let status = response.status();
        if status.is_success() {
            return Ok(response.json().await?);
        }
        let body = response.text().await.unwrap_or_default();
        match serde_json::from_str::<Problem>(&body) {
            Ok(problem) => Err(ClientError::Problem(Box::new(problem))),
            Err(_) => Err(ClientError::Unexpected { status: status.as_u16(), body }),
        }
    }

    pub async fn project(&self, guid: Uuid) -> ClientResult<Project> {
        let response = self
            .http
            .get(self.url(&format!("/api/v1/projects/{guid}")))
            .header(AUTHORIZATION, self.bearer())
            .send()
            .await?;
        Self::read(response).await
    }

    pub async fn deployments(&self, guid: Uuid, page: u32, per_page: u32) -> ClientResult<Page<Deployment>> {
        let response = self
            .http
            .get(self.url(&format!("/api/v1/projects/{guid}/deployments")))
            .query(&[("page", page), ("per_page", per_page)])
            .header(AUTHORIZATION, self.bearer())
            .send()
            .await?;
        Self::read(response).await
    }

    pub async fn deployment_log(&self, guid: Uuid, id: Uuid) -> ClientResult<String> {
        let response = self
            .http
            .get(self.url(&format!("/api/v1/projects/{guid}/deployments/{id}/log")))
            .header(AUTHORIZATION, self.bearer())
            .send()
            .await?;
        if response.status().is_success() {
            return Ok(response.text().await?);
        }
        Self::read(response).await
    }

    /// Follows a deployment's log as it is written (`?follow=true`): `on_text` gets the log so
    /// far, then each new piece (whole lines), until the deployment has ended; the last line
    /// names its final state.
    pub async fn follow_log(&self, guid: Uuid, id: Uuid, mut on_text: impl FnMut(&str)) -> ClientResult<()> {
        use futures_util::StreamExt;
        let response = self
            .http
            .get(self.url(&format!("/api/v1/projects/{guid}/deployments/{id}/log?follow=true")))
            .header(AUTHORIZATION, self.bearer())
            .send()
            .await?;
        if !response.status().is_success() {
            return Self::read(response).await;
        }
        let mut pending: Vec<u8> = Vec::new();
        let mut body = response.bytes_stream();
        while let Some(chunk) = body.next().await {
            pending.extend_from_slice(&chunk?);
            // Hand on whole lines only, so a character split between chunks stays whole.
            if let Some(end) = pending.iter().rposition(|&b| b == b'\n') {
                let rest = pending.split_off(end + 1);
                on_text(&String::from_utf8_lossy(&pending));
                pending = rest;
            }
        }
        if !pending.is_empty() {
            on_text(&String::from_utf8_lossy(&pending));
        }
        Ok(())
    }

    /// Queues a restart of an environment's application (`restart_not_configured` when the
    /// server has no restart command).
    pub async fn restart(&self, guid: Uuid, environment: &str) -> ClientResult<Deployment> {
        let response = self
            .http
            .post(self.url(&format!("/api/v1/projects/{guid}/environments/{environment}/restart")))
            .header(AUTHORIZATION, self.bearer())
            .send()
            .await?;
        Self::read(response).await
    }

    /// Streams a package file to `environment`, calling `progress(sent, total)` as it goes.
    /// The file is never held in memory.
    pub async fn upload_package(
        &self,
        guid: Uuid,
        environment: &str,
        package: &Path,
        progress: impl Fn(u64, u64) + Send + Sync + 'static,
    ) -> ClientResult<UploadAccepted> {
        let file = tokio::fs::File::open(package).await?;
        let total = file.metadata().await?.len();
        let chunks = stream::unfold((file, 0u64, progress), move |(mut file, sent, progress)| async move {
            let mut buffer = vec![0u8; 256 * 1024];
            match file.read(&mut buffer).await {
                Ok(0) => None,
                Ok(read) => {
                    buffer.truncate(read);
                    let sent = sent + read as u64;
                    progress(sent, total);
                    Some((Ok::<_, std::io::Error>(buffer), (file, sent, progress)))
                }
                Err(error) => Some((Err(error), (file, sent, progress))),
            }
        });
        let response = self
            .http
            .post(self.url(&format!("/api/deployment/upload/{guid}/{environment}")))
            .header(AUTHORIZATION, self.bearer())
            .header(CONTENT_TYPE, "application/zip")
            .header(CONTENT_LENGTH, total)
            .body(reqwest::Body::wrap_stream(chunks))
            .send()
            .await?;
        Self::read(response).await
    }
}
