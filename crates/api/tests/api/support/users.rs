//! People using the API: they register from invitations, set up an authenticator (whose codes
//! the test computes from the secret, like a phone would) and sign in.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use portico_api::auth::secrets;
use portico_domain::identity::totp;
use reqwest::Response;
use serde_json::{Value, json};
use uuid::Uuid;

use super::{ADMIN_EMAIL, TestApp, browser, post_as};

pub const PASSWORD: &str = "Correct-Horse-7";

pub struct User {
    pub id: Uuid,
    pub email: String,
    pub password: String,
    /// This user's browser (holds the session cookie).
    pub client: reqwest::Client,
    pub seed: Vec<u8>,
    pub recovery_code: String,
    last_step: Option<u64>,
    base: String,
}

fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs()
}

/// The next authenticator code the server will accept: a time step after `last_step` (each
/// step works once) and within one step of now; waits for the clock only when three codes were
/// needed within 30 s. The previous step's code is taken only while 10 s of the current step
/// remain: later, the step could turn before the server checks it (a busy machine), and the
/// code would be refused. Waits asynchronously: the test's runtime also drives the server's
/// workers and the client's connections.
pub async fn next_code(seed: &[u8], last_step: &mut Option<u64>) -> String {
    loop {
        let unix = unix_now();
        let now = totp::step_at(unix);
        let remaining = totp::PERIOD_SECS - unix % totp::PERIOD_SECS;
        let earliest = if remaining >= 10 { now.saturating_sub(1) } else { now };
        let step = last_step.map(|s| s + 1).unwrap_or(0).max(earliest);
        if step <= now + 1 {
            *last_step = Some(step);
            return totp::code_for_step(seed, step);
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

impl User {
    /// The next code the server will accept (see [`next_code`]).
    pub async fn next_code(&mut self) -> String {
        next_code(&self.seed, &mut self.last_step).await
    }

    /// A code the server refuses (it is for none of the accepted steps).
    pub fn wrong_code(&self) -> String {
        let now = totp::step_at(unix_now());
        let valid: Vec<String> = (now - 1..=now + 1).map(|s| totp::code_for_step(&self.seed, s)).collect();
        (0..).map(|n| format!("{:06}", (123_456 + n * 7919) % 1_000_000)).find(|c| !valid.contains(c)).unwrap()
    }

    fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client.get(self.url(path)).send().await.unwrap()
    }

    /// Waits for a change made outside the server (another process) to end this session: the
    /// server's read cache keeps it for up to `cache_ttl` (1 s by default). Panics after 3 s.
    pub async fn wait_until_signed_out(&self) {
        let changed = std::time::Instant::now();
        loop {
            let status = self.get("/api/v1/me").await.status();
            if status == 401 {
                return;
            }
            assert_eq!(status, 200, "still signed in, or signed out");
            assert!(changed.elapsed() < Duration::from_secs(3), "signed out within the cache TTL and a margin");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub async fn post(&self, path: &str, body: Value) -> Response {
        post_as(&self.client, &self.url(path), body).await
    }

    pub async fn put(&self, path: &str, body: Value) -> Response {
        self.client.put(self.url(path)).header("X-Requested-With", "portico").json(&body).send().await.unwrap()
    }

    pub async fn patch(&self, path: &str, body: Value) -> Response {
        self.client.patch(self.url(path)).header("X-Requested-With", "portico").json(&body).send().await.unwrap()
    }

    pub async fn delete(&self, path: &str, body: Option<Value>) -> Response {
        let mut request = self.client.delete(self.url(path)).header("X-Requested-With", "portico");
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.unwrap()
    }

    /// Signs in from a new browser: password, then the next authenticator code.
    pub async fn sign_in(&mut self) {
        self.client = browser();
        let step: Value = self.password_step().await.json().await.unwrap();
        assert_eq!(step["next"], "mfa_required", "{step}");
        let code = self.next_code().await;
        let response = self.post("/api/v1/auth/mfa", json!({"code": code})).await;
        assert_eq!(response.status(), 200, "{:?}", response.text().await);
    }

    /// The password step alone, from the current browser.
    pub async fn password_step(&self) -> Response {
        self.post("/api/v1/auth/sign-in", json!({"email": self.email, "password": self.password})).await
    }

    /// Sets up an authenticator in an enrolment-stage session; returns the recovery code.
    pub async fn enrol(&mut self) -> String {
        let enrolment: Value = self.post("/api/v1/me/mfa/totp", json!({})).await.json().await.unwrap();
        let secret = enrolment["secret"].as_str().unwrap_or_else(|| panic!("no secret in {enrolment}"));
        self.seed = totp_rs::Secret::Encoded(secret.to_owned()).to_bytes().unwrap();
        self.last_step = None;
        let code = self.next_code().await;
        let response = self.post("/api/v1/me/mfa/totp/confirm", json!({"code": code})).await;
        assert_eq!(response.status(), 200);
        let body: Value = response.json().await.unwrap();
        self.recovery_code = body["recovery_code"].as_str().unwrap().to_owned();
        self.recovery_code.clone()
    }
}

impl TestApp {
    /// Inserts an invitation row as the projects feature will (a test helper until then).
    pub async fn create_invitation(&self, email: &str, system_role: Option<&str>) -> String {
        let token = secrets::new_token();
        let db = self.db().await;
        let now = chrono::Utc::now();
        portico_store::invitations::insert(
            &db,
            portico_store::invitations::NewInvitation {
                token_hash: secrets::hash(&token),
                email: email.to_owned(),
                system_role: system_role.map(str::to_owned),
                expires_at: now + chrono::Duration::days(10),
                ..Default::default()
            },
            now,
        )
        .await
        .unwrap();
        db.close().await.ok();
        token
    }

    /// Registers from an invitation token and sets up the authenticator.
    pub async fn register(&self, token: &str, email: &str) -> User {
        let client = browser();
        let response = post_as(
            &client,
            &self.url("/api/v1/invitations/register"),
            json!({"token": token, "password": PASSWORD, "first_name": "Test", "last_name": "User"}),
        )
        .await;
        assert_eq!(response.status(), 200, "{:?}", response.text().await);
        let mut user = User {
            id: Uuid::nil(),
            email: email.to_owned(),
            password: PASSWORD.to_owned(),
            client,
            seed: Vec::new(),
            recovery_code: String::new(),
            last_step: None,
            base: self.address.clone(),
        };
        user.enrol().await;
        let me: Value = user.get("/api/v1/me").await.json().await.unwrap();
        user.id = me["id"].as_str().unwrap().parse().unwrap();
        user
    }

    /// A signed-in user with an authenticator.
    pub async fn user(&self, email: &str) -> User {
        let token = self.create_invitation(email, None).await;
        self.register(&token, email).await
    }

    /// The built-in Administrator, set up from the first-start email.
    pub async fn admin(&self) -> User {
        let mail = self.mailbox.wait_for(ADMIN_EMAIL, "Administrator").await;
        let token = mail.link_token("invitations");
        self.register(&token, ADMIN_EMAIL).await
    }
}
