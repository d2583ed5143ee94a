//! A real OpenID Provider for the single sign-on tests: the certified `oidc-provider` package,
//! started from `e2e/oidc/provider.mjs` on a free loopback port (it exits when its stdin, held
//! here, closes with the test). `sign_in_as` drives its login page like a browser would.

use std::process::Stdio;

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use super::{PUBLIC_URL, TestApp, test_client};

pub const SLUG: &str = "test";

pub struct Provider {
    _child: Child,
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
}

fn repo() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Starts the provider with Portico's callback as the client's redirect URI.
pub async fn start_provider() -> Provider {
    let script = repo().join("e2e/oidc/provider.mjs");
    assert!(
        repo().join("e2e/node_modules/oidc-provider").exists(),
        "e2e/node_modules lacks oidc-provider: run `just tools` (npm ci in e2e)"
    );
    let mut child = Command::new("node")
        .arg(script)
        .arg("--redirect-uri")
        .arg(format!("{PUBLIC_URL}/api/v1/auth/oidc/{SLUG}/callback"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("node starts the OpenID Provider");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let line = lines.next_line().await.unwrap().expect("the provider prints its issuer");
    let started: Value = serde_json::from_str(&line).unwrap();
    Provider {
        _child: child,
        issuer: started["issuer"].as_str().unwrap().to_owned(),
        client_id: started["client_id"].as_str().unwrap().to_owned(),
        client_secret: started["client_secret"].as_str().unwrap().to_owned(),
    }
}

impl Provider {
    /// How the next token response's ID token is spoiled (`wrong_aud`, `wrong_nonce`, `bad_signature`).
    pub async fn spoil_next_id_token(&self, mode: &str) {
        let response = test_client()
            .build()
            .unwrap()
            .post(format!("{}/_test/mode", self.issuer))
            .json(&json!({"id_token": mode}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 204);
    }

    /// At the provider, from `authorize_url`: signs in as `login` (alice, bob, carol...) and
    /// returns the query of the redirect back to Portico (`code`, `state`, `iss`).
    pub async fn sign_in_as(&self, authorize_url: &str, login: &str) -> String {
        let browser = test_client().cookie_store(true).build().unwrap();
        let mut url = authorize_url.to_owned();
        for _ in 0..6 {
            let response = if url.contains("/interaction/") && !url.ends_with("/login") {
                let page = browser.get(&url).send().await.unwrap();
                assert_eq!(page.status(), 200, "the provider's login page");
                browser.post(format!("{url}/login")).form(&[("login", login)]).send().await.unwrap()
            } else {
                browser.get(&url).send().await.unwrap()
            };
            assert!(response.status().is_redirection(), "{} from {url}", response.status());
            let location = response.headers()["location"].to_str().unwrap().to_owned();
            let next = if location.starts_with('/') { format!("{}{location}", self.issuer) } else { location };
            if let Some(query) = next.strip_prefix(&format!("{PUBLIC_URL}/api/v1/auth/oidc/{SLUG}/callback?")) {
                return query.to_owned();
            }
            url = next;
        }
        panic!("the provider never sent the browser back to Portico");
    }
}

impl TestApp {
    /// Adds the provider under Administration as `admin` would; returns the answer.
    pub async fn add_provider(&self, admin: &super::User, provider: &Provider, trust_provider_mfa: bool) -> Value {
        let response = admin
            .post(
                "/api/v1/admin/identity-providers",
                json!({
                    "slug": SLUG, "display_name": "Test IdP", "issuer_url": provider.issuer,
                    "client_id": provider.client_id, "client_secret": provider.client_secret,
                    "allowed_email_domains": ["example.test"], "trust_provider_mfa": trust_provider_mfa,
                }),
            )
            .await;
        assert_eq!(response.status(), 201, "{:?}", response.text().await);
        response.json().await.unwrap()
    }
}

/// One single sign-on from `client` (a browser's cookie jar): start at Portico, sign in at the
/// provider as `login`, come back to the callback. The callback's answer, asked for as JSON so a
/// refusal is the problem itself.
pub async fn single_sign_on(
    app: &TestApp,
    client: &reqwest::Client,
    provider: &Provider,
    login: &str,
) -> reqwest::Response {
    let query = start_and_sign_in(app, client, provider, login).await;
    finish(app, client, &query).await
}

/// Up to the provider's redirect back: its query.
pub async fn start_and_sign_in(app: &TestApp, client: &reqwest::Client, provider: &Provider, login: &str) -> String {
    let start = client
        .get(app.url(&format!("/api/v1/auth/oidc/{SLUG}/start")))
        .header("accept", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(start.status(), 303, "{:?}", start.text().await);
    let authorize = start.headers()["location"].to_str().unwrap().to_owned();
    assert!(authorize.starts_with(&provider.issuer), "{authorize}");
    for parameter in ["code_challenge=", "code_challenge_method=S256", "state=", "nonce="] {
        assert!(authorize.contains(parameter), "{parameter} in {authorize}");
    }
    provider.sign_in_as(&authorize, login).await
}

pub async fn finish(app: &TestApp, client: &reqwest::Client, query: &str) -> reqwest::Response {
    client
        .get(app.url(&format!("/api/v1/auth/oidc/{SLUG}/callback?{query}")))
        .header("accept", "application/json")
        .send()
        .await
        .unwrap()
}
