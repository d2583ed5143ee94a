//! Callers as explicit credentials: a session cookie or a bearer token sent with each request
//! by a client that keeps no cookies. Answers that set a cookie (sign-in steps, registering)
//! therefore never replace a caller's session, so one session can serve a whole test.

use portico_domain::identity::SystemRole;
use portico_domain::projects::ProjectRole;
use reqwest::{Method, Response};
use serde_json::{Value, json};
use uuid::Uuid;

use super::TestApp;
use super::smtp::Mail;
use super::users::PASSWORD;

/// How a request authenticates.
#[derive(Debug, Clone)]
pub enum Credential {
    None,
    /// `name=value` of the session cookie.
    Cookie(String),
    /// A personal access token (or another bearer secret).
    Bearer(String),
}

/// A request body.
#[derive(Debug, Clone)]
pub enum Body {
    None,
    Json(Value),
    /// Raw bytes sent as `application/zip`.
    Zip(Vec<u8>),
}

/// A client without a cookie store (and without following redirects).
pub fn plain_client() -> reqwest::Client {
    super::test_client().build().unwrap()
}

/// The session cookie an answer sets, as `name=value`.
pub fn session_cookie(response: &Response) -> Option<String> {
    response
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .find(|pair| pair.starts_with("portico_session=") && pair.len() > "portico_session=".len())
        .map(str::to_owned)
}

/// Sends one request the way the browser app or a script would (CSRF header included).
pub async fn send(app: &TestApp, credential: &Credential, method: Method, path: &str, body: &Body) -> Response {
    let mut request = plain_client().request(method, app.url(path)).header("X-Requested-With", "portico");
    request = match credential {
        Credential::None => request,
        Credential::Cookie(cookie) => request.header(reqwest::header::COOKIE, cookie),
        Credential::Bearer(token) => request.bearer_auth(token),
    };
    request = match body {
        Body::None => request,
        Body::Json(value) => request.json(value),
        Body::Zip(bytes) => request.header(reqwest::header::CONTENT_TYPE, "application/zip").body(bytes.clone()),
    };
    request.send().await.expect("request sent")
}

/// Sends a request that must succeed with `status`; returns the JSON answer (Null when empty).
pub async fn send_ok(
    app: &TestApp,
    credential: &Credential,
    method: Method,
    path: &str,
    body: Value,
    status: u16,
) -> Value {
    let body = if body.is_null() { Body::None } else { Body::Json(body) };
    let response = send(app, credential, method.clone(), path, &body).await;
    let got = response.status().as_u16();
    let text = response.text().await.unwrap_or_default();
    assert_eq!(got, status, "{method} {path}: {text}");
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

/// A registered account with an authenticator and a signed-in session.
pub struct Account {
    pub id: Uuid,
    pub email: String,
    pub password: String,
    pub cookie: String,
    authenticator: super::users::Authenticator,
}

impl Account {
    pub fn session(&self) -> Credential {
        Credential::Cookie(self.cookie.clone())
    }

    /// The next authenticator code the server will accept (each time step works once).
    pub fn next_code(&mut self) -> String {
        self.authenticator.next_code()
    }
}

impl TestApp {
    /// How many emails to `to` whose subject contains `subject` arrived so far.
    pub fn mail_count(&self, to: &str, subject: &str) -> usize {
        self.mailbox.to(to).iter().filter(|m| m.subject().contains(subject)).count()
    }

    /// Waits for the next email to `to` about `subject` after `seen` of them.
    pub async fn mail_after(&self, to: &str, subject: &str, seen: usize) -> Mail {
        self.mailbox.wait_for_nth(to, subject, seen + 1).await
    }

    /// Registers from an invitation token without setting up an authenticator; returns the
    /// account id and its enrolment-stage session.
    pub async fn register_only(&self, token: &str) -> (Uuid, Credential) {
        let body = json!({"token": token, "password": PASSWORD, "first_name": "Test", "last_name": "User"});
        let response =
            send(self, &Credential::None, Method::POST, "/api/v1/invitations/register", &Body::Json(body)).await;
        assert_eq!(response.status(), 200, "register");
        let session = Credential::Cookie(session_cookie(&response).expect("an enrolment session"));
        let me = send_ok(self, &session, Method::GET, "/api/v1/me", Value::Null, 200).await;
        (me["id"].as_str().unwrap().parse().unwrap(), session)
    }

    /// Registers from an invitation token and sets up the authenticator: a signed-in account.
    pub async fn register_account(&self, token: &str, email: &str) -> Account {
        let (id, enrolment) = self.register_only(token).await;
        let started = send_ok(self, &enrolment, Method::POST, "/api/v1/me/mfa/totp", Value::Null, 200).await;
        let secret = started["secret"].as_str().expect("a TOTP secret").to_owned();
        let seed = totp_rs::Secret::Encoded(secret).to_bytes().unwrap();
        let mut account = Account {
            id,
            email: email.to_owned(),
            password: PASSWORD.to_owned(),
            cookie: String::new(),
            authenticator: super::users::Authenticator::new(seed, self.clock.clone()),
        };
        let code = account.next_code();
        let confirm = Body::Json(json!({"code": code}));
        let response = send(self, &enrolment, Method::POST, "/api/v1/me/mfa/totp/confirm", &confirm).await;
        assert_eq!(response.status(), 200, "confirm the authenticator");
        account.cookie = session_cookie(&response).expect("a signed-in session");
        // Membership begins with Accept.
        let session = account.session();
        let waiting = send_ok(self, &session, Method::GET, "/api/v1/me/invitations", Value::Null, 200).await;
        for invitation in waiting.as_array().into_iter().flatten() {
            let path = format!("/api/v1/me/invitations/{}/accept", invitation["id"].as_str().unwrap());
            send_ok(self, &session, Method::POST, &path, Value::Null, 200).await;
        }
        account
    }

    /// Inserts an invitation as the server would, without its email (for bulk set-up); returns
    /// the token. `project` is a project GUID with the role to join as.
    pub async fn quiet_invitation(
        &self,
        db: &sea_orm::DatabaseConnection,
        email: &str,
        project: Option<(Uuid, &str)>,
        system_role: Option<&str>,
    ) -> String {
        self.quiet_invitation_with_id(db, email, project, system_role).await.0
    }

    /// As [`Self::quiet_invitation`], with the invitation's id too.
    pub async fn quiet_invitation_with_id(
        &self,
        db: &sea_orm::DatabaseConnection,
        email: &str,
        project: Option<(Uuid, &str)>,
        system_role: Option<&str>,
    ) -> (String, Uuid) {
        let token = portico_api::auth::secrets::new_token();
        let now = self.now();
        let new = portico_store::invitations::NewInvitation {
            token_hash: portico_api::auth::secrets::hash(&token),
            email: email.to_owned(),
            project_id: project.map(|(guid, _)| guid),
            role: project.map(|(_, role)| ProjectRole::parse(role).expect("a project role")),
            system_role: system_role.map(|role| SystemRole::parse(role).expect("a system role")),
            expires_at: now + chrono::Duration::days(10),
            ..Default::default()
        };
        let invitation = portico_store::invitations::insert(db, new, now).await.unwrap();
        (token, invitation.id)
    }

    /// The token of the newest invitation email to `email` (after `seen` of them).
    pub async fn invitation_after(&self, email: &str, seen: usize) -> String {
        self.mail_after(email, "invited you", seen).await.link_token("invitations")
    }
}
