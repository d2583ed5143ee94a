//! Passkeys: added on the account page, a second factor after the password, passwordless with a
//! discoverable credential, and the first second factor during MFA set-up. A software
//! authenticator makes real attestations and assertions.

use serde_json::{Value, json};

use crate::support::passkeys::{Authenticator, spawn_passkey_app};
use crate::support::users::{PASSWORD, User};
use crate::support::{TestApp, browser, post_as, problem};

async fn sessions(user: &User) -> Vec<Value> {
    user.get("/api/v1/me/sessions").await.json().await.unwrap()
}

fn current(sessions: &[Value]) -> &Value {
    sessions.iter().find(|s| s["current"] == true).expect("the current session is listed")
}

async fn audit_count(app: &TestApp, action: &str, outcome: &str) -> i64 {
    app.count(&format!("SELECT COUNT(*) FROM audit_events WHERE action = '{action}' AND outcome = '{outcome}'")).await
}

#[tokio::test]
async fn a_passkey_is_added_renamed_and_signs_in_after_the_password() {
    let app = spawn_passkey_app().await;
    let mut user = app.user("pat@example.test").await;
    let mut key = Authenticator::new();
    let added = user.add_passkey(&mut key, "  Laptop  ").await;
    assert_eq!(added["passkey"]["name"], "Laptop");
    assert!(added.get("recovery_code").is_none(), "a signed-in account keeps its recovery code");
    let id = added["passkey"]["id"].as_str().unwrap().to_owned();

    let renamed = user.patch(&format!("/api/v1/me/passkeys/{id}"), json!({"name": "Work laptop"})).await;
    assert_eq!(renamed.status(), 200);
    let listed: Vec<Value> = user.get("/api/v1/me/passkeys").await.json().await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["name"], "Work laptop");
    assert_eq!(listed[0]["last_used_at"], Value::Null);

    let step: Value = {
        user.client = browser();
        user.password_step().await.json().await.unwrap()
    };
    assert_eq!(step["next"], "mfa_required");
    assert_eq!(step["second_factors"], json!(["totp", "passkey"]));

    let signed_in = user.sign_in_with_passkey(&mut key).await;
    assert_eq!(signed_in.status(), 200, "{:?}", signed_in.text().await);
    assert_eq!(signed_in.json::<Value>().await.unwrap()["next"], "signed_in");
    let me: Value = user.get("/api/v1/me").await.json().await.unwrap();
    assert_eq!(me["stage"], "signed_in");
    assert_eq!(me["passkeys"], 1);
    assert_eq!(current(&sessions(&user).await)["sign_in_method"], "password+passkey");
    let listed: Vec<Value> = user.get("/api/v1/me/passkeys").await.json().await.unwrap();
    assert_ne!(listed[0]["last_used_at"], Value::Null);
    assert_eq!(audit_count(&app, "sign_in.passkey", "success").await, 1);
    assert_eq!(audit_count(&app, "passkey.added", "success").await, 1);
}

#[tokio::test]
async fn adding_a_passkey_when_signed_in_asks_for_the_password() {
    let app = spawn_passkey_app().await;
    let user = app.user("pat@example.test").await;
    let missing = user.post("/api/v1/me/passkeys/options", json!({})).await;
    assert_eq!(missing.status(), 403);
    assert_eq!(problem(missing).await["code"], "password_required");
    let wrong = user.post("/api/v1/me/passkeys/options", json!({"password": "not-it"})).await;
    assert_eq!(wrong.status(), 403);
    assert_eq!(problem(wrong).await["code"], "wrong_password");
}

#[tokio::test]
async fn passwordless_sign_in_uses_a_discoverable_passkey_once() {
    let app = spawn_passkey_app().await;
    let user = app.user("pat@example.test").await;
    let mut key = Authenticator::new();
    user.add_passkey(&mut key, "Phone").await;

    let visitor = browser();
    let options = post_as(&visitor, &app.url("/api/v1/auth/passkey/options"), json!({})).await;
    assert_eq!(options.status(), 200);
    let options: Value = options.json().await.unwrap();
    assert_eq!(options["publicKey"]["userVerification"], "required");
    let assertion = key.get_discoverable(&options, user.id);
    let signed_in = post_as(&visitor, &app.url("/api/v1/auth/passkey"), json!({"credential": assertion})).await;
    assert_eq!(signed_in.status(), 200, "{:?}", signed_in.text().await);
    let me: Value = visitor.get(app.url("/api/v1/me")).send().await.unwrap().json().await.unwrap();
    assert_eq!(me["email"], "pat@example.test");
    assert_eq!(me["stage"], "signed_in");
    let listed: Vec<Value> = visitor.get(app.url("/api/v1/me/sessions")).send().await.unwrap().json().await.unwrap();
    assert_eq!(current(&listed)["sign_in_method"], "passkey");

    // The same answer again, from a fresh browser that kept the ceremony cookie's value: the
    // challenge was used up.
    let replayer = browser();
    let replay = post_as(&replayer, &app.url("/api/v1/auth/passkey"), json!({"credential": assertion})).await;
    assert_eq!(replay.status(), 401);
    assert_eq!(problem(replay).await["code"], "passkey_challenge_invalid");
}

#[tokio::test]
async fn a_passwordless_answer_naming_another_account_is_refused() {
    let app = spawn_passkey_app().await;
    let pat = app.user("pat@example.test").await;
    let sam = app.user("sam@example.test").await;
    let mut pats_key = Authenticator::new();
    pat.add_passkey(&mut pats_key, "Pat's key").await;

    let visitor = browser();
    let options: Value =
        post_as(&visitor, &app.url("/api/v1/auth/passkey/options"), json!({})).await.json().await.unwrap();
    // Pat's credential claiming to be Sam's (a user handle it does not hold).
    let assertion = pats_key.get_discoverable(&options, sam.id);
    let refused = post_as(&visitor, &app.url("/api/v1/auth/passkey"), json!({"credential": assertion})).await;
    assert_eq!(refused.status(), 401);
    assert_eq!(problem(refused).await["code"], "passkey_not_registered");
    let me = visitor.get(app.url("/api/v1/me")).send().await.unwrap();
    assert_eq!(me.status(), 401, "no session was made");
}

#[tokio::test]
async fn a_passkey_of_another_account_is_no_second_factor() {
    let app = spawn_passkey_app().await;
    let mut pat = app.user("pat@example.test").await;
    let mut sam = app.user("sam@example.test").await;
    let mut sams_key = Authenticator::new();
    let sams_passkey = sam.add_passkey(&mut sams_key, "Sam's key").await;
    let sams_path = format!("/api/v1/me/passkeys/{}", sams_passkey["passkey"]["id"].as_str().unwrap());
    assert_eq!(problem(pat.patch(&sams_path, json!({"name": "Mine"})).await).await["code"], "passkey_not_found");
    assert_eq!(problem(pat.delete(&sams_path, None).await).await["code"], "passkey_not_found");
    let mut pats_key = Authenticator::new();
    pat.add_passkey(&mut pats_key, "Pat's key").await;

    // Sam answers his own challenge, and the answer is sent in Pat's pre-auth session.
    sam.client = browser();
    sam.password_step().await;
    let sams_options: Value = sam.post("/api/v1/auth/passkey/options", json!({})).await.json().await.unwrap();
    let sams_answer = sams_key.get(&sams_options);
    pat.client = browser();
    pat.password_step().await;
    let pats_options = pat.post("/api/v1/auth/passkey/options", json!({})).await;
    assert_eq!(pats_options.status(), 200);
    let refused = pat.post("/api/v1/auth/passkey", json!({"credential": sams_answer})).await;
    assert_eq!(refused.status(), 401);
    assert_eq!(problem(refused).await["code"], "passkey_not_registered");
    let me = pat.get("/api/v1/me").await;
    assert_eq!(problem(me).await["code"], "mfa_required", "still at the second step");
    assert_eq!(audit_count(&app, "sign_in.passkey", "failure").await, 1);
}

#[tokio::test]
async fn an_answer_to_a_replaced_or_used_challenge_is_refused() {
    let app = spawn_passkey_app().await;
    let mut user = app.user("pat@example.test").await;
    let mut key = Authenticator::new();
    user.add_passkey(&mut key, "Key").await;
    user.client = browser();
    user.password_step().await;

    // Options asked for twice: the first challenge is replaced.
    let first: Value = user.post("/api/v1/auth/passkey/options", json!({})).await.json().await.unwrap();
    let second: Value = user.post("/api/v1/auth/passkey/options", json!({})).await.json().await.unwrap();
    let stale = user.post("/api/v1/auth/passkey", json!({"credential": key.get(&first)})).await;
    assert_eq!(stale.status(), 401);
    assert_eq!(problem(stale).await["code"], "passkey_invalid");

    // That answer used the challenge up, though it failed: a right answer to it comes too late.
    let used = user.post("/api/v1/auth/passkey", json!({"credential": key.get(&second)})).await;
    assert_eq!(used.status(), 401);
    assert_eq!(problem(used).await["code"], "passkey_challenge_invalid");

    let garbage = user.post("/api/v1/auth/passkey", json!({"credential": {"id": "x"}})).await;
    assert_eq!(garbage.status(), 422);
    assert_eq!(problem(garbage).await["errors"][0]["field"], "credential");
}

#[tokio::test]
async fn a_challenge_runs_out_after_five_minutes() {
    let app = spawn_passkey_app().await;
    let user = app.user("pat@example.test").await;
    let mut key = Authenticator::new();
    user.add_passkey(&mut key, "Key").await;
    let visitor = browser();
    let options: Value =
        post_as(&visitor, &app.url("/api/v1/auth/passkey/options"), json!({})).await.json().await.unwrap();
    let assertion = key.get_discoverable(&options, user.id);
    app.advance_clock(chrono::Duration::minutes(5) + chrono::Duration::seconds(1));
    let late = post_as(&visitor, &app.url("/api/v1/auth/passkey"), json!({"credential": assertion})).await;
    assert_eq!(late.status(), 401);
    assert_eq!(problem(late).await["code"], "passkey_challenge_invalid");
}

#[tokio::test]
async fn a_signature_counter_that_goes_back_refuses_the_sign_in_and_is_audited() {
    let app = spawn_passkey_app().await;
    let mut user = app.user("pat@example.test").await;
    let mut key = Authenticator::new();
    user.add_passkey(&mut key, "Key").await;
    assert_eq!(user.sign_in_with_passkey(&mut key).await.status(), 200);

    // The server has seen this credential at counter 100 (the genuine key, used elsewhere);
    // this copy's counter is far behind.
    let db = app.db().await;
    use sea_orm::{ConnectionTrait, Statement};
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), "SELECT id, credential FROM passkeys"))
        .await
        .unwrap()
        .unwrap();
    let id: uuid::Uuid = row.try_get("", "id").unwrap();
    let mut credential: Value = serde_json::from_str(&row.try_get::<String>("", "credential").unwrap()).unwrap();
    credential["cred"]["counter"] = 100.into();
    let updated = portico_store::passkeys::record_use(
        &db,
        id,
        &row.try_get::<String>("", "credential").unwrap(),
        &credential.to_string(),
        app.now(),
    )
    .await
    .unwrap();
    assert!(updated);

    let refused = user.sign_in_with_passkey(&mut key).await;
    assert_eq!(refused.status(), 401);
    assert_eq!(problem(refused).await["code"], "passkey_counter_invalid");
    let reasons = app
        .count(
            "SELECT COUNT(*) FROM audit_events WHERE action = 'sign_in.passkey' AND outcome = 'failure' \
             AND CAST(details AS TEXT) LIKE '%counter_went_back%'",
        )
        .await;
    assert_eq!(reasons, 1);
}

#[tokio::test]
async fn an_authenticator_without_user_verification_is_refused() {
    let app = spawn_passkey_app().await;
    let user = app.user("pat@example.test").await;
    let mut key = Authenticator::with_user_verification(false);
    let options = user.post("/api/v1/me/passkeys/options", json!({"password": PASSWORD})).await;
    let mut options: Value = options.json().await.unwrap();
    // A client that tells the authenticator user verification does not matter.
    options["publicKey"]["authenticatorSelection"]["userVerification"] = "discouraged".into();
    let credential = key.create(&options);
    let refused = user.post("/api/v1/me/passkeys", json!({"name": "Key", "credential": credential})).await;
    assert_eq!(refused.status(), 422);
    assert_eq!(problem(refused).await["code"], "passkey_invalid");
    assert_eq!(app.count("SELECT COUNT(*) FROM passkeys").await, 0);
}

/// Registers from an invitation with a passkey as the only second factor.
async fn passkey_only_user(app: &TestApp, email: &str, key: &mut Authenticator) -> User {
    let token = app.create_invitation(email, None).await;
    let client = browser();
    let registered = post_as(
        &client,
        &app.url("/api/v1/invitations/register"),
        json!({"token": token, "password": PASSWORD, "first_name": "Pass", "last_name": "Key"}),
    )
    .await;
    assert_eq!(registered.status(), 200);
    let options = post_as(&client, &app.url("/api/v1/me/passkeys/options"), json!({})).await;
    assert_eq!(options.status(), 200, "no password during set-up: {:?}", options.text().await);
    let credential = key.create(&options.json().await.unwrap());
    let added =
        post_as(&client, &app.url("/api/v1/me/passkeys"), json!({"name": "Phone", "credential": credential})).await;
    assert_eq!(added.status(), 201, "{:?}", added.text().await);
    let added: Value = added.json().await.unwrap();
    let recovery_code = added["recovery_code"].as_str().expect("set-up issues the recovery code").to_owned();
    let me: Value = client.get(app.url("/api/v1/me")).send().await.unwrap().json().await.unwrap();
    assert_eq!(me["stage"], "signed_in");
    let mut user = app.attach_user(client, email, me["id"].as_str().unwrap().parse().unwrap());
    user.recovery_code = recovery_code;
    user
}

#[tokio::test]
async fn mfa_set_up_with_a_passkey_issues_the_recovery_code_and_signs_in() {
    let app = spawn_passkey_app().await;
    let mut key = Authenticator::new();
    let mut user = passkey_only_user(&app, "new@example.test", &mut key).await;
    let me: Value = user.get("/api/v1/me").await.json().await.unwrap();
    assert_eq!(me["mfa_enrolled"], false, "no authenticator app");
    assert_eq!(me["passkeys"], 1);
    assert_eq!(current(&sessions(&user).await)["sign_in_method"], "invitation+passkey");

    user.client = browser();
    let step: Value = user.password_step().await.json().await.unwrap();
    assert_eq!(step["second_factors"], json!(["passkey"]));
    let recovered = user.post("/api/v1/auth/recovery", json!({"recovery_code": user.recovery_code})).await;
    assert_eq!(recovered.status(), 200, "the recovery code works for a passkey-only account");

    // The only second factor cannot be removed.
    let listed: Vec<Value> = user.get("/api/v1/me/passkeys").await.json().await.unwrap();
    let removal = user.delete(&format!("/api/v1/me/passkeys/{}", listed[0]["id"].as_str().unwrap()), None).await;
    assert_eq!(removal.status(), 409);
    assert_eq!(problem(removal).await["code"], "last_second_factor");
}

#[tokio::test]
async fn a_passkey_beside_the_authenticator_app_can_be_removed() {
    let app = spawn_passkey_app().await;
    let user = app.user("pat@example.test").await;
    let mut key = Authenticator::new();
    let added = user.add_passkey(&mut key, "Key").await;
    let id = added["passkey"]["id"].as_str().unwrap();
    assert_eq!(user.delete(&format!("/api/v1/me/passkeys/{id}"), None).await.status(), 204);
    let missing = user.delete(&format!("/api/v1/me/passkeys/{id}"), None).await;
    assert_eq!(problem(missing).await["code"], "passkey_not_found");
    assert_eq!(audit_count(&app, "passkey.removed", "success").await, 1);
}

#[tokio::test]
async fn an_mfa_reset_removes_passkeys_too() {
    let app = spawn_passkey_app().await;
    let admin = app.admin().await;
    let mut key = Authenticator::new();
    let user = passkey_only_user(&app, "new@example.test", &mut key).await;
    let reset = admin.post(&format!("/api/v1/admin/users/{}/reset-mfa", user.id), json!({})).await;
    assert!(reset.status().is_success(), "{:?}", reset.text().await);
    assert_eq!(app.count("SELECT COUNT(*) FROM passkeys").await, 0);

    // The user's own reset: the password and the passkey's answer (a password alone is not enough).
    let mut other_key = Authenticator::new();
    let other = passkey_only_user(&app, "other@example.test", &mut other_key).await;
    let refused = other.delete("/api/v1/me/mfa", Some(json!({"password": PASSWORD}))).await;
    assert_eq!(refused.status(), 403);
    assert_eq!(problem(refused).await["code"], "second_factor_required");
    let challenge: Value = other.post("/api/v1/me/passkeys/challenge", json!({})).await.json().await.unwrap();
    let answer = other_key.get(&challenge);
    let wrong_password = other.delete("/api/v1/me/mfa", Some(json!({"password": "not-it", "passkey": answer}))).await;
    assert_eq!(problem(wrong_password).await["code"], "wrong_password");
    let own = other.delete("/api/v1/me/mfa", Some(json!({"password": PASSWORD, "passkey": answer}))).await;
    assert_eq!(own.status(), 204, "{:?}", own.text().await);
    assert_eq!(app.count("SELECT COUNT(*) FROM passkeys").await, 0);
    assert_eq!(audit_count(&app, "mfa.reset", "success").await, 1);
}

#[tokio::test]
async fn passkeys_are_off_when_the_public_url_is_an_ip_address() {
    let app = crate::support::spawn_app_with(crate::support::Options {
        settings: json!({"public_url": "http://127.0.0.1:8080"}),
        ..Default::default()
    })
    .await;
    let visitor = browser();
    let options = post_as(&visitor, &app.url("/api/v1/auth/passkey/options"), json!({})).await;
    assert_eq!(options.status(), 409);
    assert_eq!(problem(options).await["code"], "passkeys_unavailable");
}

#[tokio::test]
async fn a_passkey_answer_confirms_only_its_own_session_s_reset() {
    let app = spawn_passkey_app().await;
    let mut key = Authenticator::new();
    let user = passkey_only_user(&app, "new@example.test", &mut key).await;
    let challenge: Value = user.post("/api/v1/me/passkeys/challenge", json!({})).await.json().await.unwrap();
    let answer = key.get(&challenge);
    let confirmed = user.delete("/api/v1/me/mfa", Some(json!({"password": PASSWORD, "passkey": answer}))).await;
    assert_eq!(confirmed.status(), 204, "{:?}", confirmed.text().await);
    // The same answer in another account's session: no challenge of that session, refused.
    let other = passkey_only_user(&app, "other@example.test", &mut Authenticator::new()).await;
    let stolen = other.delete("/api/v1/me/mfa", Some(json!({"password": PASSWORD, "passkey": answer}))).await;
    assert_eq!(stolen.status(), 401);
    assert_eq!(problem(stolen).await["code"], "passkey_challenge_invalid");
}

#[tokio::test]
async fn a_passkey_only_account_makes_a_new_recovery_code_with_its_passkey() {
    let app = spawn_passkey_app().await;
    let mut key = Authenticator::new();
    let mut user = passkey_only_user(&app, "new@example.test", &mut key).await;
    let unconfirmed = user.post("/api/v1/me/mfa/recovery-code", json!({})).await;
    assert_eq!(problem(unconfirmed).await["code"], "second_factor_required");
    let no_app = user.post("/api/v1/me/mfa/recovery-code", json!({"code": "123456"})).await;
    assert_eq!(problem(no_app).await["code"], "mfa_not_enrolled");

    let challenge: Value = user.post("/api/v1/me/passkeys/challenge", json!({})).await.json().await.unwrap();
    let answer = key.get(&challenge);
    let made = user.post("/api/v1/me/mfa/recovery-code", json!({"passkey": answer})).await;
    assert_eq!(made.status(), 200, "{:?}", made.text().await);
    let new_code = made.json::<Value>().await.unwrap()["recovery_code"].as_str().unwrap().to_owned();
    let replayed = user.post("/api/v1/me/mfa/recovery-code", json!({"passkey": answer})).await;
    assert_eq!(problem(replayed).await["code"], "passkey_challenge_invalid", "the answer worked once");

    // The old code is dead, the new one signs in.
    let old_code = user.recovery_code.clone();
    user.client = browser();
    user.password_step().await;
    let old = user.post("/api/v1/auth/recovery", json!({"recovery_code": old_code})).await;
    assert_eq!(problem(old).await["code"], "invalid_recovery_code");
    let new = user.post("/api/v1/auth/recovery", json!({"recovery_code": new_code})).await;
    assert_eq!(new.status(), 200);
}
