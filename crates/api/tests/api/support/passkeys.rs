//! A passkey the way a browser and an authenticator make one: webauthn-authenticator-rs's
//! software passkey signs real attestations and assertions (user verification on), for the
//! origin the server's public URL names.

use base64::Engine;
use serde_json::{Value, json};
use webauthn_authenticator_rs::WebauthnAuthenticator;
use webauthn_authenticator_rs::prelude::Url;
use webauthn_authenticator_rs::softpasskey::SoftPasskey;
use webauthn_rs::prelude::{CreationChallengeResponse, RequestChallengeResponse};

use super::users::User;
use super::{Options, TestApp, spawn_app_with};

/// The public URL of a server whose tests use passkeys: WebAuthn wants a host name, and over
/// http only `localhost`.
pub const PASSKEY_ORIGIN: &str = "http://localhost:8080";

pub async fn spawn_passkey_app() -> TestApp {
    spawn_app_with(Options { settings: json!({"public_url": PASSKEY_ORIGIN}), ..Default::default() }).await
}

pub struct Authenticator {
    soft: SoftPasskey,
    origin: Url,
    /// The credential ids it made (base64url), to answer a discoverable request with.
    pub credential_ids: Vec<String>,
}

impl Authenticator {
    /// An authenticator that verifies its user (a PIN or a fingerprint).
    pub fn new() -> Self {
        Self::with_user_verification(true)
    }

    pub fn with_user_verification(verifies: bool) -> Self {
        Self {
            soft: SoftPasskey::new(verifies),
            origin: Url::parse(PASSKEY_ORIGIN).unwrap(),
            credential_ids: Vec::new(),
        }
    }

    /// `navigator.credentials.create()` with the server's options; the credential's JSON.
    pub fn create(&mut self, options: &Value) -> Value {
        let options: CreationChallengeResponse =
            serde_json::from_value(options.clone()).unwrap_or_else(|e| panic!("creation options {options}: {e}"));
        let credential = self.soft.do_registration(self.origin.clone(), options).expect("the authenticator registers");
        let credential = serde_json::to_value(credential).unwrap();
        self.credential_ids.push(credential["id"].as_str().unwrap().to_owned());
        credential
    }

    /// `navigator.credentials.get()` with the server's options; the assertion's JSON.
    pub fn get(&mut self, options: &Value) -> Value {
        let options: RequestChallengeResponse =
            serde_json::from_value(options.clone()).unwrap_or_else(|e| panic!("request options {options}: {e}"));
        let assertion = self.soft.do_authentication(self.origin.clone(), options).expect("the authenticator signs");
        serde_json::to_value(assertion).unwrap()
    }

    /// Answers a discoverable (passwordless) request as a passkey stored for `user_id` would:
    /// the software authenticator keeps no resident keys, so the request is pointed at its
    /// credential and the user handle it would have stored is put in the answer.
    pub fn get_discoverable(&mut self, options: &Value, user_id: uuid::Uuid) -> Value {
        let mut options = options.clone();
        assert_eq!(options["publicKey"]["allowCredentials"], json!([]), "a discoverable request names no credential");
        let id = self.credential_ids.last().expect("a credential made first").clone();
        options["publicKey"]["allowCredentials"] = json!([{"type": "public-key", "id": id}]);
        let mut assertion = self.get(&options);
        assertion["response"]["userHandle"] =
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(user_id.as_bytes()).into();
        assertion
    }
}

impl User {
    /// Adds a passkey from a signed-in session (password again, then the authenticator).
    pub async fn add_passkey(&self, authenticator: &mut Authenticator, name: &str) -> Value {
        let options = self.post("/api/v1/me/passkeys/options", json!({"password": self.password})).await;
        assert_eq!(options.status(), 200, "{:?}", options.text().await);
        let credential = authenticator.create(&options.json().await.unwrap());
        let added = self.post("/api/v1/me/passkeys", json!({"name": name, "credential": credential})).await;
        assert_eq!(added.status(), 201, "{:?}", added.text().await);
        added.json().await.unwrap()
    }

    /// The password step, then the passkey, from a new browser.
    pub async fn sign_in_with_passkey(&mut self, authenticator: &mut Authenticator) -> reqwest::Response {
        self.client = super::browser();
        let step: Value = self.password_step().await.json().await.unwrap();
        assert_eq!(step["next"], "mfa_required", "{step}");
        let options = self.post("/api/v1/auth/passkey/options", json!({})).await;
        assert_eq!(options.status(), 200, "{:?}", options.text().await);
        let assertion = authenticator.get(&options.json().await.unwrap());
        self.post("/api/v1/auth/passkey", json!({"credential": assertion})).await
    }
}
