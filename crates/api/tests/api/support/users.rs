//! People using the API: they register from invitations, set up an authenticator (whose codes
//! the test computes from the secret, like a phone would) and sign in.

use std::sync::Arc;

use portico_api::clock::{Clock, TestClock};

use portico_api::auth::secrets;
use portico_domain::identity::{SystemRole, totp};
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
    pub authenticator: Authenticator,
    pub recovery_code: String,
    base: String,
}

/// The authenticator app of a test user: codes computed from its seed at the server's time.
pub struct Authenticator {
    pub seed: Vec<u8>,
    last_step: Option<u64>,
    /// The in-process server's clock; None for a server in another process (real time).
    clock: Option<Arc<TestClock>>,
}

impl Authenticator {
    pub fn new(seed: Vec<u8>, clock: Option<Arc<TestClock>>) -> Self {
        Self { seed, last_step: None, clock }
    }

    fn unix_now(&self) -> u64 {
        let now = match &self.clock {
            Some(clock) => clock.now(),
            None => chrono::Utc::now(),
        };
        now.timestamp().max(0) as u64
    }

    /// The next code the server will accept: each time step works once, and the server takes
    /// the step of now or the one after. A third code within one step moves the server's clock
    /// to the next step instead of waiting for it.
    pub fn next_code(&mut self) -> String {
        let mut now = totp::step_at(self.unix_now());
        let step = self.last_step.map(|s| s + 1).unwrap_or(now).max(now);
        if step > now + 1 {
            let clock = self.clock.as_ref().expect(
                "a third authenticator code within 30 s needs the server's clock: use an in-process server (spawn_app)",
            );
            clock.advance(chrono::Duration::seconds((totp::PERIOD_SECS * (step - now - 1)) as i64));
            now = totp::step_at(self.unix_now());
        }
        assert!(step <= now + 1, "the server accepts the step of now or the next");
        self.last_step = Some(step);
        totp::code_for_step(&self.seed, step)
    }

    /// A six-digit code that no step near now accepts.
    pub fn wrong_code(&self) -> String {
        let now = totp::step_at(self.unix_now());
        let valid: Vec<String> = (now - 1..=now + 1).map(|s| totp::code_for_step(&self.seed, s)).collect();
        (0..).map(|n| format!("{:06}", (123_456 + n * 7919) % 1_000_000)).find(|c| !valid.contains(c)).unwrap()
    }
}

impl User {
    /// The next code the server will accept (see [`Authenticator::next_code`]).
    pub fn next_code(&mut self) -> String {
        self.authenticator.next_code()
    }

    /// A code the server refuses (it is for none of the accepted steps).
    pub fn wrong_code(&self) -> String {
        self.authenticator.wrong_code()
    }

    fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client.get(self.url(path)).send().await.unwrap()
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
        let code = self.next_code();
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
        let seed = totp_rs::Secret::Encoded(secret.to_owned()).to_bytes().unwrap();
        self.authenticator = Authenticator::new(seed, self.authenticator.clock.clone());
        let code = self.next_code();
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
        let now = self.now();
        portico_store::invitations::insert(
            &db,
            portico_store::invitations::NewInvitation {
                token_hash: secrets::hash(&token),
                email: email.to_owned(),
                system_role: system_role.map(|role| SystemRole::parse(role).expect("a system role")),
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

    /// Registers from an invitation token, sets up the authenticator and accepts the project
    /// invitations waiting for the new account (as the person would, next).
    pub async fn register(&self, token: &str, email: &str) -> User {
        let user = self.register_without_accepting(token, email).await;
        let pending: Vec<Value> = user.get("/api/v1/me/invitations").await.json().await.unwrap();
        for invitation in pending {
            let accepted = user
                .post(&format!("/api/v1/me/invitations/{}/accept", invitation["id"].as_str().unwrap()), json!({}))
                .await;
            assert_eq!(accepted.status(), 200, "{:?}", accepted.text().await);
        }
        user
    }

    /// Registers from an invitation token and sets up the authenticator; a project invitation
    /// stays pending.
    pub async fn register_without_accepting(&self, token: &str, email: &str) -> User {
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
            authenticator: Authenticator::new(Vec::new(), self.clock.clone()),
            recovery_code: String::new(),
            base: self.address.clone(),
        };
        user.enrol().await;
        let me: Value = user.get("/api/v1/me").await.json().await.unwrap();
        user.id = me["id"].as_str().unwrap().parse().unwrap();
        user
    }

    /// A user signed in some other way, in `client` (no authenticator app).
    pub fn attach_user(&self, client: reqwest::Client, email: &str, id: Uuid) -> User {
        User {
            id,
            email: email.to_owned(),
            password: PASSWORD.to_owned(),
            client,
            authenticator: Authenticator::new(Vec::new(), self.clock.clone()),
            recovery_code: String::new(),
            base: self.address.clone(),
        }
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
