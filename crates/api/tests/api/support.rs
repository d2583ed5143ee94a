//! `spawn_app()`: the real server on port 0 with a fresh database, and a client for it.

use std::path::PathBuf;

use portico_api::app::Application;
use portico_api::config::Settings;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};
use tempfile::TempDir;

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    /// Deleted (with the SQLite file) when the test ends.
    _data_dir: TempDir,
}

#[derive(Default)]
pub struct Options {
    /// Folder served as the browser app; a missing folder when None.
    pub frontend_dir: Option<PathBuf>,
    /// Extra settings, as in portico.toml.
    pub settings: Value,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(Options::default()).await
}

pub async fn spawn_app_with(options: Options) -> TestApp {
    let data_dir = tempfile::tempdir().expect("temp dir");
    let database_url = match std::env::var("PORTICO_TEST_DATABASE_URL") {
        Ok(server_url) => fresh_postgres_database(&server_url).await,
        Err(_) => format!("sqlite://{}?mode=rwc", data_dir.path().join("portico.db").display()),
    };
    let mut settings = json!({
        "bind": "127.0.0.1:0",
        "data_dir": data_dir.path(),
        "database_url": database_url,
        "secret_key": "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff",
        "frontend_dir": options.frontend_dir.unwrap_or_else(|| data_dir.path().join("no-frontend")),
        "log": "warn",
    });
    if let Value::Object(extra) = options.settings {
        settings.as_object_mut().unwrap().extend(extra);
    }
    let settings = Settings::from_overrides(settings).expect("test settings are valid");
    let app = Application::build(settings).await.expect("the server starts");
    let address = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    let client =
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).cookie_store(true).build().unwrap();
    TestApp { address, client, _data_dir: data_dir }
}

/// Creates an empty database on the PostgreSQL server and returns its URL.
async fn fresh_postgres_database(server_url: &str) -> String {
    let server = portico_store::connect(server_url).await.expect("PORTICO_TEST_DATABASE_URL is reachable");
    let name = format!("portico_test_{}", uuid::Uuid::new_v4().simple());
    server
        .execute_raw(Statement::from_string(server.get_database_backend(), format!("CREATE DATABASE {name}")))
        .await
        .expect("CREATE DATABASE");
    let (base, _) = server_url.rsplit_once('/').expect("a URL with a database name");
    format!("{base}/{name}")
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("request sent")
    }
}

/// Reads a problem+json answer, checking its content type and status member.
pub async fn problem(response: reqwest::Response) -> Value {
    let status = response.status().as_u16();
    let content_type = response.headers()["content-type"].to_str().unwrap().to_owned();
    assert_eq!(content_type, "application/problem+json");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], status);
    assert!(!body["detail"].as_str().unwrap_or_default().is_empty(), "a problem says what to do: {body}");
    body
}
