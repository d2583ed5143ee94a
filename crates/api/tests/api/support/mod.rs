//! `spawn_app()`: the real server on port 0 with a fresh database and a real SMTP sink, and
//! helpers that act like users (register, enrol an authenticator, sign in).

pub mod callers;
pub mod oidc;
pub mod packages;
pub mod passkeys;
pub mod process;
pub mod projects;
pub mod receiver;
pub mod smtp;
pub mod store;
pub mod users;

use std::path::PathBuf;
use std::sync::Arc;

use portico_api::app::Application;
use portico_api::cache::ReadCache;
use portico_api::clock::{Clock, TestClock};
use portico_api::config::Settings;
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use serde_json::{Value, json};
use tempfile::TempDir;

pub use smtp::Mailbox;
pub use users::User;

pub const ADMIN_EMAIL: &str = "admin@portico.test";
pub const PUBLIC_URL: &str = "http://portal.test";

pub struct TestApp {
    pub address: String,
    /// A client without a session (anonymous).
    pub client: reqwest::Client,
    pub mailbox: Mailbox,
    pub database_url: String,
    data_dir: PathBuf,
    /// The in-process server's read cache (None for a server in another process).
    cache: Option<Arc<ReadCache>>,
    /// The in-process server's clock, which tests move (None for a server in another process).
    pub clock: Option<Arc<TestClock>>,
    /// `package_store` (None: the data dir's folder).
    pub package_store: Option<String>,
    /// Deleted (with the SQLite file) when the test ends.
    _owned_data_dir: Option<TempDir>,
}

#[derive(Default)]
pub struct Options {
    /// Folder served as the browser app; a missing folder when None.
    pub frontend_dir: Option<PathBuf>,
    /// Extra settings, as in portico.toml.
    pub settings: Value,
    /// Share another test server's database (a second server process) instead of a fresh one.
    pub database_url: Option<String>,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(Options::default()).await
}

pub async fn spawn_app_with(options: Options) -> TestApp {
    let data_dir = tempfile::tempdir().expect("temp dir");
    let database_url = match options.database_url {
        Some(shared) => shared,
        None => fresh_database_url(data_dir.path()).await,
    };
    let mailbox = Mailbox::start().await;
    let package_store = match options.settings.get("package_store") {
        Some(Value::String(store)) => Some(store.clone()),
        _ => store::fresh_package_store(),
    };
    let mut settings = json!({
        "package_store": package_store,
        "bind": "127.0.0.1:0",
        "data_dir": data_dir.path(),
        "database_url": database_url,
        "secret_key": "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff",
        "frontend_dir": options.frontend_dir.unwrap_or_else(|| data_dir.path().join("no-frontend")),
        "log": "warn",
        "public_url": PUBLIC_URL,
        "admin_email": ADMIN_EMAIL,
        "smtp_url": format!("smtp://127.0.0.1:{}", mailbox.port),
        "mail_from": "portico@portal.test",
        "provisioning_delay": "0s",
    });
    if let Value::Object(extra) = options.settings {
        settings.as_object_mut().unwrap().extend(extra);
    }
    let settings = Settings::from_overrides(settings).expect("test settings are valid");
    let clock = TestClock::new();
    let app = Application::build_with_clock(settings, clock.clone()).await.expect("the server starts");
    let address = format!("http://127.0.0.1:{}", app.port());
    let cache = Some(app.cache());
    tokio::spawn(app.run_until_stopped());
    TestApp {
        address,
        cache,
        clock: Some(clock),
        package_store,
        client: browser(),
        mailbox,
        database_url,
        data_dir: data_dir.path().to_owned(),
        _owned_data_dir: Some(data_dir),
    }
}

/// A client that keeps cookies, like a browser.
pub fn browser() -> reqwest::Client {
    test_client().cookie_store(true).build().unwrap()
}

/// What every test client shares: redirects are answers to check, not to follow; and a
/// connection idle for 2 s is not reused, since the server closes idle ones after 5 s (its
/// keep-alive) and a request sent on one just as it closes fails with "IncompleteMessage"
/// (tests that wait for the authenticator's clock idle that long).
pub fn test_client() -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .pool_idle_timeout(std::time::Duration::from_secs(2))
}

/// A fresh database: a new one on PostgreSQL when `PORTICO_TEST_DATABASE_URL` is set, else a
/// SQLite file in `dir`.
pub async fn fresh_database_url(dir: &std::path::Path) -> String {
    match std::env::var("PORTICO_TEST_DATABASE_URL") {
        Ok(server_url) => fresh_postgres_database(&server_url).await,
        Err(_) => format!("sqlite://{}?mode=rwc", dir.join("portico.db").display()),
    }
}

/// Creates an empty database on the PostgreSQL server and returns its URL.
async fn fresh_postgres_database(server_url: &str) -> String {
    let server = portico_store::connect(server_url).await.expect("PORTICO_TEST_DATABASE_URL is reachable");
    let name = format!("portico_test_{}", uuid::Uuid::new_v4().simple());
    server
        .execute_raw(Statement::from_string(server.get_database_backend(), format!("CREATE DATABASE {name}")))
        .await
        .expect("CREATE DATABASE");
    server.close().await.ok();
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

    /// POSTs JSON as the anonymous client.
    pub async fn post(&self, path: &str, body: Value) -> reqwest::Response {
        post_as(&self.client, &self.url(path), body).await
    }

    /// Now, by the server's clock (the machine's for a server in another process).
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        match &self.clock {
            Some(clock) => clock.now(),
            None => portico_api::clock::SystemClock.now(),
        }
    }

    /// Moves the in-process server's clock forward (a lock running out, a link expiring, the
    /// next authenticator step) instead of waiting.
    pub fn advance_clock(&self, by: chrono::Duration) {
        self.clock.as_ref().expect("an in-process server").advance(by);
    }

    pub fn data_dir(&self) -> &std::path::Path {
        &self.data_dir
    }

    /// A server started some other way (e.g. a `portico serve` process) on these resources.
    pub fn attach(address: String, mailbox: Mailbox, database_url: String, data_dir: PathBuf) -> Self {
        TestApp {
            package_store: None,
            address,
            client: browser(),
            mailbox,
            database_url,
            data_dir,
            cache: None,
            clock: None,
            _owned_data_dir: None,
        }
    }

    /// Keys of the packages in the server's store.
    pub async fn package_keys(&self) -> Vec<String> {
        store::package_keys(&self.data_dir, self.package_store.as_deref()).await
    }

    /// Uploads the store holds unfinished (see `store::uploads_under_way`).
    pub async fn uploads_under_way(&self) -> usize {
        store::uploads_under_way(&self.data_dir, self.package_store.as_deref()).await
    }

    /// A second connection to the server's database, to check what it stored.
    pub async fn db(&self) -> DatabaseConnection {
        portico_store::connect(&self.database_url).await.unwrap()
    }

    /// Runs one SQL query returning a single number.
    pub async fn count(&self, sql: &str) -> i64 {
        let db = self.db().await;
        let row =
            db.query_one_raw(Statement::from_string(db.get_database_backend(), sql.to_owned())).await.unwrap().unwrap();
        let value: i64 = row.try_get_by_index(0).unwrap();
        db.close().await.ok();
        value
    }
}

impl TestApp {
    /// Every `table.column` holding `needle` anywhere in its text (every table, every column).
    pub async fn columns_containing(&self, needle: &str) -> Vec<String> {
        let db = self.db().await;
        let backend = db.get_database_backend();
        let columns_sql = match backend {
            sea_orm::DatabaseBackend::Sqlite => "SELECT m.name, p.name FROM sqlite_master m \
                 JOIN pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'"
                .to_owned(),
            _ => "SELECT table_name::text, column_name::text FROM information_schema.columns \
                 WHERE table_schema = 'public'"
                .to_owned(),
        };
        let mut found = Vec::new();
        for row in db.query_all_raw(Statement::from_string(backend, columns_sql)).await.unwrap() {
            let (table, column): (String, String) =
                (row.try_get_by_index(0).unwrap(), row.try_get_by_index(1).unwrap());
            let probe =
                format!("SELECT COUNT(*) FROM \"{table}\" WHERE CAST(\"{column}\" AS TEXT) LIKE '%' || $1 || '%'");
            let row = db
                .query_one_raw(Statement::from_sql_and_values(backend, probe, [needle.into()]))
                .await
                .unwrap()
                .unwrap();
            if row.try_get_by_index::<i64>(0).unwrap() > 0 {
                found.push(format!("{table}.{column}"));
            }
        }
        db.close().await.ok();
        found
    }

    /// Waits until the outbox has delivered everything queued so far.
    pub async fn wait_for_outbox_delivered(&self) {
        for _ in 0..200 {
            if self.count("SELECT COUNT(*) FROM outbox_emails WHERE sent_at IS NULL AND failed_at IS NULL").await == 0 {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("the outbox did not deliver within 10 s");
    }

    /// Enables or disables an account directly in the database.
    pub async fn set_enabled(&self, id: uuid::Uuid, enabled: bool) {
        use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, Set};
        let db = self.db().await;
        let account = portico_store::entities::account::Entity::find_by_id(id).one(&db).await.unwrap().unwrap();
        let mut model = account.into_active_model();
        model.enabled = Set(enabled);
        model.update(&db).await.unwrap();
        db.close().await.ok();
        self.forget_cached_reads();
    }

    /// After changing the database behind the server's back: what `cache_ttl` does a moment
    /// later, now (see `read_cache::changes_made_elsewhere_reach_the_server_within_the_ttl`).
    pub fn forget_cached_reads(&self) {
        self.cache.as_ref().expect("an in-process server").invalidate();
    }
}

/// POST with the CSRF header, as the browser app sends it.
pub async fn post_as(client: &reqwest::Client, url: &str, body: Value) -> reqwest::Response {
    client.post(url).header("X-Requested-With", "portico").json(&body).send().await.expect("request sent")
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

/// Asserts the status and the problem code of an answer, returning the problem.
pub async fn expect_problem(response: reqwest::Response, status: u16, code: &str) -> Value {
    assert_eq!(response.status().as_u16(), status, "expected {status} {code}");
    let body = problem(response).await;
    assert_eq!(body["code"], code, "{body}");
    body
}
