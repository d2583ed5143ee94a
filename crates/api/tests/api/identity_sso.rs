//! Single sign-on against a real OpenID Provider (oidc-provider, started per test): existing
//! accounts and open invitations matched by a verified email in an allowed domain, later
//! sign-ins by subject, Portico's second factor unless the provider is trusted for MFA, and
//! everything that must be refused.

use serde_json::{Value, json};

use crate::support::oidc::{Provider, finish, single_sign_on, start_and_sign_in, start_provider};
use crate::support::{TestApp, User, browser, problem, spawn_app};

async fn with_provider(trust_provider_mfa: bool) -> (TestApp, User, Provider) {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let provider = start_provider().await;
    let added = app.add_provider(&admin, &provider, trust_provider_mfa).await;
    assert_eq!(added["callback_url"], "http://portal.test/api/v1/auth/oidc/test/callback");
    assert!(added.get("client_secret").is_none(), "the secret is never shown again");
    (app, admin, provider)
}

fn location(response: &reqwest::Response) -> String {
    response.headers()["location"].to_str().unwrap().to_owned()
}

async fn me(app: &TestApp, client: &reqwest::Client) -> reqwest::Response {
    client.get(app.url("/api/v1/me")).send().await.unwrap()
}

#[tokio::test]
async fn an_existing_account_signs_in_and_still_gives_portico_s_second_factor() {
    let (app, _admin, provider) = with_provider(false).await;
    let mut alice = app.user("alice@example.test").await;
    let sealed: String = {
        let db = app.db().await;
        use sea_orm::{ConnectionTrait, Statement};
        let row = db
            .query_one_raw(Statement::from_string(
                db.get_database_backend(),
                "SELECT client_secret_ciphertext FROM oidc_providers",
            ))
            .await
            .unwrap()
            .unwrap();
        row.try_get("", "client_secret_ciphertext").unwrap()
    };
    assert!(!sealed.contains(&provider.client_secret), "the client secret rests encrypted");

    let choices: Vec<Value> = app.get("/api/v1/auth/oidc/providers").await.json().await.unwrap();
    assert_eq!(choices, vec![json!({"slug": "test", "display_name": "Test IdP"})]);

    alice.client = browser();
    let answer = single_sign_on(&app, &alice.client, &provider, "alice").await;
    assert_eq!(answer.status(), 303);
    assert_eq!(location(&answer), "/sign-in/mfa");
    assert_eq!(problem(me(&app, &alice.client).await).await["code"], "mfa_required");
    let code = alice.next_code();
    let signed_in = alice.post("/api/v1/auth/mfa", json!({"code": code})).await;
    assert_eq!(signed_in.status(), 200);
    let sessions: Vec<Value> = alice.get("/api/v1/me/sessions").await.json().await.unwrap();
    let current = sessions.iter().find(|s| s["current"] == true).unwrap();
    assert_eq!(current["sign_in_method"], "oidc+totp");
    assert_eq!(current["sign_in_provider"], "Test IdP");
    let links: Vec<Value> = alice.get("/api/v1/me/sso-links").await.json().await.unwrap();
    assert_eq!(links.len(), 1);
    assert_eq!(links[0]["subject"], "alice-sub");
    assert_eq!(links[0]["provider"], "Test IdP");

    // Later sign-ins match by subject: the account's address changed, the link still holds.
    let db = app.db().await;
    use sea_orm::{ConnectionTrait, Statement};
    db.execute_raw(Statement::from_string(
        db.get_database_backend(),
        "UPDATE accounts SET email = 'alice.new@else.test', email_key = 'alice.new@else.test' WHERE email_key = 'alice@example.test'",
    ))
    .await
    .unwrap();
    let again = browser();
    let answer = single_sign_on(&app, &again, &provider, "alice").await;
    assert_eq!(location(&answer), "/sign-in/mfa", "{:?}", answer.text().await);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'sign_in.oidc' AND outcome = 'success' AND CAST(details AS TEXT) LIKE '%subject%'").await,
        1
    );

    // Removing the link: the provider's subject no longer names the account, and its email no
    // longer matches the changed address.
    let removed = alice.delete(&format!("/api/v1/me/sso-links/{}", links[0]["id"].as_str().unwrap()), None).await;
    assert_eq!(removed.status(), 204);
    let refused = single_sign_on(&app, &browser(), &provider, "alice").await;
    assert_eq!(problem(refused).await["code"], "oidc_no_account");
}

#[tokio::test]
async fn a_provider_trusted_for_mfa_signs_in_fully_when_its_token_says_mfa() {
    let (app, _admin, provider) = with_provider(true).await;
    app.user("bob@example.test").await;
    app.user("alice@example.test").await;
    let bob = browser();
    let answer = single_sign_on(&app, &bob, &provider, "bob").await;
    assert_eq!(location(&answer), "/");
    let profile: Value = me(&app, &bob).await.json().await.unwrap();
    assert_eq!(profile["stage"], "signed_in");
    let sessions: Vec<Value> = bob.get(app.url("/api/v1/me/sessions")).send().await.unwrap().json().await.unwrap();
    assert_eq!(sessions.iter().find(|s| s["current"] == true).unwrap()["sign_in_method"], "oidc+provider_mfa");

    // Alice's token has amr ["pwd"]: Portico's second factor is still due.
    let alice = browser();
    let answer = single_sign_on(&app, &alice, &provider, "alice").await;
    assert_eq!(location(&answer), "/sign-in/mfa");
}

#[tokio::test]
async fn an_open_invitation_is_accepted_through_sso_without_a_password() {
    let (app, admin, provider) = with_provider(false).await;
    app.create_invitation("erin@example.test", None).await;
    let erin = browser();
    let answer = single_sign_on(&app, &erin, &provider, "erin").await;
    assert_eq!(location(&answer), "/setup-mfa", "the new account sets up its second factor next");
    let profile: Value = me(&app, &erin).await.json().await.unwrap();
    assert_eq!(profile["email"], "erin@example.test");
    assert_eq!(profile["stage"], "enrolment");
    let id = profile["id"].as_str().unwrap();
    assert_eq!(app.count(&format!("SELECT COUNT(*) FROM passwords WHERE account_id = '{id}'")).await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'account.registered'").await, 2);

    // An account an Administrator invited (made, not yet registered) is completed the same way.
    let invited =
        admin.post("/api/v1/admin/users", json!({"email": "alice@example.test", "system_role": "user"})).await;
    assert_eq!(invited.status(), 201);
    let alice = browser();
    let answer = single_sign_on(&app, &alice, &provider, "alice").await;
    assert_eq!(location(&answer), "/setup-mfa", "{:?}", answer.text().await);
    let listed: Value = admin.get("/api/v1/admin/users?search=alice").await.json().await.unwrap();
    assert_eq!(listed["items"][0]["status"], "active", "{listed}");
}

#[tokio::test]
async fn nobody_else_gets_in() {
    let (app, _admin, provider) = with_provider(false).await;
    let accounts_before = app.count("SELECT COUNT(*) FROM accounts").await;
    for (login, code) in
        [("carol", "oidc_email_unverified"), ("dave", "oidc_email_domain_not_allowed"), ("frank", "oidc_no_account")]
    {
        let client = browser();
        let refused = single_sign_on(&app, &client, &provider, login).await;
        assert_eq!(refused.status(), 403, "{login}");
        assert_eq!(problem(refused).await["code"], code, "{login}");
        assert_eq!(me(&app, &client).await.status(), 401, "{login}: no session");
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM accounts").await, accounts_before);
    assert_eq!(app.count("SELECT COUNT(*) FROM oidc_links").await, 0);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_events WHERE action = 'sign_in.oidc' AND outcome = 'failure'").await,
        3
    );

    // A browser navigation is sent to the sign-in page with the code instead.
    let client = browser();
    let query = start_and_sign_in(&app, &client, &provider, "dave").await;
    let navigation = client
        .get(app.url(&format!("/api/v1/auth/oidc/test/callback?{query}")))
        .header("accept", "text/html,application/xhtml+xml")
        .send()
        .await
        .unwrap();
    assert_eq!(navigation.status(), 303);
    assert_eq!(location(&navigation), "/sign-in?sso_error=oidc_email_domain_not_allowed");
}

#[tokio::test]
async fn a_forged_state_a_foreign_browser_and_a_late_callback_are_refused() {
    let (app, _admin, provider) = with_provider(false).await;
    app.user("alice@example.test").await;

    let client = browser();
    let query = start_and_sign_in(&app, &client, &provider, "alice").await;
    let forged = query
        .split('&')
        .map(|p| if p.starts_with("state=") { "state=forged" } else { p })
        .collect::<Vec<_>>()
        .join("&");
    let refused = finish(&app, &client, &forged).await;
    assert_eq!(refused.status(), 400);
    assert_eq!(problem(refused).await["code"], "oidc_state_invalid");
    let used = finish(&app, &client, &query).await;
    assert_eq!(problem(used).await["code"], "oidc_state_invalid", "the round trip was used up");

    let query = start_and_sign_in(&app, &client, &provider, "alice").await;
    let elsewhere = finish(&app, &browser(), &query).await;
    assert_eq!(problem(elsewhere).await["code"], "oidc_state_invalid", "another browser has no flow cookie");

    let query = start_and_sign_in(&app, &client, &provider, "alice").await;
    app.advance_clock(chrono::Duration::minutes(11));
    let late = finish(&app, &client, &query).await;
    assert_eq!(problem(late).await["code"], "oidc_state_invalid");
    assert_eq!(me(&app, &client).await.status(), 401);
}

#[tokio::test]
async fn an_id_token_with_a_wrong_audience_nonce_or_signature_is_refused() {
    let (app, _admin, provider) = with_provider(true).await;
    app.user("bob@example.test").await;
    for (mode, words) in [("wrong_aud", "aud"), ("wrong_nonce", "nonce"), ("bad_signature", "signature")] {
        let client = browser();
        let query = start_and_sign_in(&app, &client, &provider, "bob").await;
        provider.spoil_next_id_token(mode).await;
        let refused = finish(&app, &client, &query).await;
        assert_eq!(refused.status(), 401, "{mode}");
        let body = problem(refused).await;
        assert_eq!(body["code"], "oidc_token_invalid", "{mode}");
        assert!(body["detail"].as_str().unwrap().contains(words), "{mode}: {body}");
        assert_eq!(me(&app, &client).await.status(), 401, "{mode}: no session");
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM oidc_links").await, 0);
    // And the unspoiled answer still works.
    let answer = single_sign_on(&app, &browser(), &provider, "bob").await;
    assert_eq!(location(&answer), "/");
}

#[tokio::test]
async fn a_disabled_account_is_refused_and_repeated_failures_lock_the_link() {
    let (app, admin, provider) = with_provider(false).await;
    let alice = app.user("alice@example.test").await;
    let disabled = admin.patch(&format!("/api/v1/admin/users/{}", alice.id), json!({"enabled": false})).await;
    assert_eq!(disabled.status(), 200, "{:?}", disabled.text().await);
    for _ in 0..5 {
        let refused = single_sign_on(&app, &browser(), &provider, "alice").await;
        assert_eq!(problem(refused).await["code"], "account_disabled");
    }
    let locked = single_sign_on(&app, &browser(), &provider, "alice").await;
    assert_eq!(locked.status(), 429);
    assert!(locked.headers().get("retry-after").is_some());
}

#[tokio::test]
async fn a_provider_whose_issuer_does_not_answer_is_not_saved() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let refused = admin
        .post(
            "/api/v1/admin/identity-providers",
            json!({
                "slug": "nowhere", "display_name": "Nowhere", "issuer_url": "http://127.0.0.1:9",
                "client_id": "x", "client_secret": "y", "allowed_email_domains": ["example.test"],
            }),
        )
        .await;
    assert_eq!(refused.status(), 422);
    assert_eq!(problem(refused).await["code"], "oidc_discovery_failed");
    let bad = admin
        .post(
            "/api/v1/admin/identity-providers",
            json!({
                "slug": "Bad Slug", "display_name": "", "issuer_url": "ftp://x", "client_id": "x",
                "client_secret": "y", "allowed_email_domains": ["not a domain"],
            }),
        )
        .await;
    let body = problem(bad).await;
    let fields: Vec<&str> = body["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["slug", "display_name", "issuer_url", "allowed_email_domains"]);
    assert_eq!(app.count("SELECT COUNT(*) FROM oidc_providers").await, 0);
}
