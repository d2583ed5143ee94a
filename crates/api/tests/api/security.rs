//! Regression tests for the findings of the 2026-12 security audit (issue 12): each fails on the
//! code before its fix.

use serde_json::json;

use crate::support::packages::zip_file;
use crate::support::receiver::Receiver;
use crate::support::{Options, TestApp, User, expect_problem, post_as, spawn_app, spawn_app_with};

/// Live link tokens never rest in the database: an email's body is sealed while it waits and
/// dropped once delivered; the SQLite file is readable by its owner only.
#[tokio::test]
async fn a_delivered_invitation_leaves_no_live_link_in_the_database() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let acme = app.project(&admin, "Acme", "ta@acme.test").await;
    // An invitation nobody has used yet: its link is live.
    let invited = acme
        .owner
        .post(
            &format!("/api/v1/projects/{}/invitations", acme.guid),
            json!({"email": "dev@acme.test", "role": "developer"}),
        )
        .await;
    assert_eq!(invited.status(), 201);
    app.mailbox.wait_for("dev@acme.test", "Acme").await;
    app.wait_for_outbox_delivered().await;
    let tokens: Vec<String> = app
        .mailbox
        .all()
        .iter()
        .filter_map(|mail| {
            ["invitations", "enrol-mfa"]
                .iter()
                .find(|page| mail.body.contains(&format!("/{page}#")))
                .map(|page| mail.link_token(page))
        })
        .collect();
    assert!(tokens.len() >= 2, "the set-up link and the invitation were mailed: {tokens:?}");
    let where_the_email_is = app.columns_containing("dev@acme.test").await;
    assert!(where_the_email_is.contains(&"invitations.email".to_owned()), "the scan sees rows: {where_the_email_is:?}");
    for token in &tokens {
        assert_eq!(
            app.columns_containing(token).await,
            Vec::<String>::new(),
            "the token {token} rests in the database"
        );
    }
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox_emails WHERE body <> ''").await,
        0,
        "delivered bodies are dropped"
    );
    if app.database_url.starts_with("sqlite:") {
        use std::os::unix::fs::PermissionsExt;
        for suffix in ["", "-wal", "-shm"] {
            let path = app.data_dir().join(format!("portico.db{suffix}"));
            if let Ok(metadata) = std::fs::metadata(&path) {
                assert_eq!(metadata.permissions().mode() & 0o077, 0, "{} is readable by others", path.display());
            }
        }
    }
}

/// An Administrator mistypes an invitee's address and corrects it: the link mailed to the typo
/// no longer registers anyone; the invitation goes again to the corrected address.
#[tokio::test]
async fn an_invitation_mailed_to_a_mistyped_address_dies_when_the_address_is_corrected() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let invited =
        admin.post("/api/v1/admin/users", json!({"email": "alice@exmaple.test", "system_role": "administrator"})).await;
    assert_eq!(invited.status(), 201, "{:?}", invited.text().await);
    let alice: serde_json::Value = invited.json().await.unwrap();
    let typo_token = app.mailbox.wait_for("alice@exmaple.test", "").await.link_token("invitations");
    let corrected = admin
        .patch(
            &format!("/api/v1/admin/users/{}", alice["id"].as_str().unwrap()),
            json!({"email": "alice@example.test"}),
        )
        .await;
    assert_eq!(corrected.status(), 200, "{:?}", corrected.text().await);
    let body = json!({"token": typo_token, "password": "Correct-Horse-7", "first_name": "Mallory", "last_name": "M"});
    expect_problem(app.post("/api/v1/invitations/register", body).await, 410, "invitation_revoked").await;
    let token = app.mailbox.wait_for("alice@example.test", "").await.link_token("invitations");
    let registered = app
        .post(
            "/api/v1/invitations/register",
            json!({"token": token, "password": "Correct-Horse-7", "first_name": "Alice", "last_name": "A"}),
        )
        .await;
    assert_eq!(registered.status(), 200, "{:?}", registered.text().await);
}

/// A project invitation addressed to an account's old address follows the verified change: the
/// old link dies, a new one reaches the new address.
#[tokio::test]
async fn project_invitations_to_an_old_address_follow_a_verified_email_change() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let acme = app.project(&admin, "Acme", "ta@acme.test").await;
    let carol = app.user("carol@old.test").await;
    let invited = acme
        .owner
        .post(
            &format!("/api/v1/projects/{}/invitations", acme.guid),
            json!({"email": "carol@old.test", "role": "developer"}),
        )
        .await;
    assert_eq!(invited.status(), 201);
    let old_token = app.invitation_token("carol@old.test", "Acme").await;
    let requested = carol.put("/api/v1/me/email", json!({"email": "carol@new.test", "password": carol.password})).await;
    assert_eq!(requested.status(), 202);
    let verification = app.mailbox.wait_for("carol@new.test", "Confirm your new").await.link_token("verify-email");
    assert_eq!(app.post("/api/v1/auth/verify-email", json!({"token": verification})).await.status(), 204);
    expect_problem(
        carol.post("/api/v1/invitations/accept", json!({"token": old_token})).await,
        410,
        "invitation_revoked",
    )
    .await;
    let new_token = app.invitation_token("carol@new.test", "Acme").await;
    assert_ne!(new_token, old_token);
    let accepted = carol.post("/api/v1/invitations/accept", json!({"token": new_token})).await;
    assert_eq!(accepted.status(), 200, "{:?}", accepted.text().await);
}

/// A phished password and one code (a full sign-in) cannot replace the authenticator: removing
/// it asks for a current code too, unless the session signed in with the recovery code.
#[tokio::test]
async fn removing_the_authenticator_needs_a_current_code_besides_the_password() {
    let app = spawn_app().await;
    let mut ann = app.user("ann@example.com").await;
    let password_only = ann.delete("/api/v1/me/mfa", Some(json!({"password": ann.password}))).await;
    expect_problem(password_only, 403, "second_factor_required").await;
    let wrong = ann.wrong_code();
    let wrong_code = ann.delete("/api/v1/me/mfa", Some(json!({"password": ann.password, "code": wrong}))).await;
    expect_problem(wrong_code, 401, "invalid_code").await;
    let before = app.count("SELECT COUNT(*) FROM totp_authenticators").await;
    let code = ann.next_code();
    let removed = ann.delete("/api/v1/me/mfa", Some(json!({"password": ann.password, "code": code}))).await;
    assert_eq!(removed.status(), 204);
    assert_eq!(app.count("SELECT COUNT(*) FROM totp_authenticators").await, before - 1, "the authenticator is gone");
}

/// The email change answers alike for free and registered addresses, asks for the password, and
/// is rate limited per account.
#[tokio::test]
async fn an_email_change_reveals_no_account_needs_the_password_and_is_rate_limited() {
    let app = spawn_app().await;
    let ann = app.user("ann@example.com").await;
    let _bob = app.user("bob@example.com").await;
    let no_password = ann.put("/api/v1/me/email", json!({"email": "ann@new.test"})).await;
    assert_eq!(no_password.status().as_u16() / 100, 4, "the password is required");
    let wrong = ann.put("/api/v1/me/email", json!({"email": "ann@new.test", "password": "Not-Her-Password-1"})).await;
    expect_problem(wrong, 403, "wrong_password").await;
    let taken = ann.put("/api/v1/me/email", json!({"email": "BOB@example.com", "password": ann.password})).await;
    assert_eq!(taken.status(), 202, "a registered address is answered like any other");
    let notice = app.mailbox.wait_for("BOB@example.com", "move a Portico account").await;
    assert!(!notice.body.contains('#'), "no link to a registered address: {}", notice.body);
    let free = ann.put("/api/v1/me/email", json!({"email": "ann@new.test", "password": ann.password})).await;
    assert_eq!(free.status(), 202);
    app.mailbox.wait_for("ann@new.test", "Confirm your new").await;
    let mut statuses = Vec::new();
    for n in 0..6 {
        let body = json!({"email": format!("ann{n}@new.test"), "password": ann.password});
        statuses.push(ann.put("/api/v1/me/email", body).await.status().as_u16());
    }
    assert_eq!(statuses, [202, 202, 202, 429, 429, 429], "5 changes an hour per account");
}

/// Behind an appending proxy the client chooses only the left of `X-Forwarded-For`: the address
/// taken is the first one from the right that is not a trusted proxy, so rotating the left entry
/// neither escapes the per-address limit nor forges the address in sessions and audit events.
#[tokio::test]
async fn forwarded_addresses_are_read_from_the_right_behind_trusted_proxies_only() {
    let settings = json!({"trusted_proxies": "127.0.0.1/32", "credential_rate_limit": 60});
    let app = spawn_app_with(Options { settings, ..Default::default() }).await;
    let http = reqwest::Client::new();
    let mut statuses = Vec::new();
    for n in 0..70 {
        let response = http
            .post(app.url("/api/v1/auth/sign-in"))
            .header("X-Forwarded-For", format!("198.51.100.{n}, 203.0.113.7"))
            .json(&json!({"email": format!("nobody{n}@example.com"), "password": "Wrong-Horse-1"}))
            .send()
            .await
            .unwrap();
        statuses.push(response.status().as_u16());
    }
    assert_eq!(statuses.iter().filter(|s| **s == 401).count(), 60, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 429).count(), 10, "the 61st attempt from 203.0.113.7 is refused");

    // A session started through the proxy records the client's address, not a forged one.
    let mut ann = app.user("ann@example.com").await;
    let ip = session_address(&app, &mut ann, "x-forwarded-for", "10.9.9.9, 203.0.113.8").await;
    assert_eq!(ip, "203.0.113.8");
}

#[tokio::test]
async fn forwarded_headers_from_an_untrusted_peer_are_ignored_and_rfc_7239_is_understood() {
    let app = spawn_app().await;
    let mut ann = app.user("ann@example.com").await;
    let ip = session_address(&app, &mut ann, "x-forwarded-for", "203.0.113.8").await;
    assert_eq!(ip, "127.0.0.1", "no proxy is trusted");

    let settings = json!({"trusted_proxies": "127.0.0.0/8, ::1", "forwarded_header": "forwarded"});
    let app = spawn_app_with(Options { settings, ..Default::default() }).await;
    let mut bea = app.user("bea@example.com").await;
    let forwarded = r#"for=10.9.9.9, for="203.0.113.9:4711";proto=https"#;
    assert_eq!(session_address(&app, &mut bea, "forwarded", forwarded).await, "203.0.113.9");
}

/// Signs `user` in from a client that sends `header: value` on every request; the address the
/// server recorded for that session.
async fn session_address(app: &TestApp, user: &mut User, header: &'static str, value: &str) -> String {
    let client = crate::support::test_client()
        .cookie_store(true)
        .default_headers(std::iter::once((header.parse().unwrap(), value.parse().unwrap())).collect())
        .build()
        .unwrap();
    let password_step = json!({"email": user.email, "password": user.password});
    assert_eq!(post_as(&client, &app.url("/api/v1/auth/sign-in"), password_step).await.status(), 200);
    let code = user.next_code();
    assert_eq!(post_as(&client, &app.url("/api/v1/auth/mfa"), json!({"code": code})).await.status(), 200);
    let sessions: Vec<serde_json::Value> =
        client.get(app.url("/api/v1/me/sessions")).send().await.unwrap().json().await.unwrap();
    sessions.iter().find(|s| s["current"] == true).unwrap()["ip"].as_str().unwrap().to_owned()
}

/// Without a metrics token, a forwarded request is not a loopback client (a proxy on the same
/// machine would otherwise publish the metrics).
#[tokio::test]
async fn metrics_without_a_token_are_not_served_through_a_proxy() {
    let app = spawn_app().await;
    assert_eq!(app.get("/metrics").await.status(), 200);
    let proxied = app.client.get(app.url("/metrics")).header("X-Forwarded-For", "203.0.113.7").send().await.unwrap();
    expect_problem(proxied, 403, "metrics_loopback_only").await;
    let proxied = app.client.get(app.url("/metrics")).header("Forwarded", "for=203.0.113.7").send().await.unwrap();
    expect_problem(proxied, 403, "metrics_loopback_only").await;
}

#[tokio::test]
async fn token_names_refuse_control_characters() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let acme = app.project(&admin, "Acme", "ta@acme.test").await;
    let body = json!({"display_name": "ci\u{1b}[31m", "permissions": ["deploy_qa"]});
    let refused = acme.owner.post(&format!("/api/v1/projects/{}/tokens", acme.guid), body).await;
    let problem = expect_problem(refused, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "display_name");
}

/// "Forgot password" answers before it looks the address up: a known and an unknown address get
/// their 202 even while the database cannot be read, and only the known one is mailed later.
#[tokio::test]
async fn forgot_password_answers_before_looking_the_address_up() {
    use sea_orm::{ConnectionTrait, TransactionTrait};
    let app = spawn_app().await;
    let ann = app.user("ann@example.com").await;
    app.wait_for_outbox_delivered().await;
    // On PostgreSQL the accounts table is locked, so any lookup by the server waits until the
    // lock is released. (SQLite in WAL mode cannot block readers; there the answers are checked.)
    let db = app.db().await;
    let lock = match db.get_database_backend() {
        sea_orm::DatabaseBackend::Postgres => {
            let txn = db.begin().await.unwrap();
            txn.execute_unprepared("LOCK TABLE accounts IN ACCESS EXCLUSIVE MODE").await.unwrap();
            Some(txn)
        }
        _ => None,
    };
    for email in [ann.email.as_str(), "nobody@example.com"] {
        let answer = tokio::time::timeout(
            std::time::Duration::from_secs(3),
            app.post("/api/v1/auth/password/forgot", json!({"email": email})),
        );
        assert_eq!(answer.await.expect("answered while the accounts were locked").status(), 202, "{email}");
    }
    if let Some(txn) = lock {
        txn.commit().await.unwrap();
    }
    db.close().await.ok();
    app.mailbox.wait_for(&ann.email, "Reset your Portico password").await;
    app.wait_for_outbox_delivered().await;
    assert!(app.mailbox.to("nobody@example.com").is_empty());
}

/// Guesses count against the account, whichever identifier they use: five wrong passwords by
/// email lock the user name too.
#[tokio::test]
async fn the_lockout_counts_guesses_per_account_not_per_identifier() {
    let app = spawn_app().await;
    let ann = app.user("ann@example.com").await;
    let http = crate::support::browser();
    for attempt in 0..5 {
        let wrong = json!({"email": ann.email, "password": format!("Wrong-Horse-{attempt}")});
        assert_eq!(post_as(&http, &app.url("/api/v1/auth/sign-in"), wrong).await.status(), 401);
    }
    let by_name = json!({"user_name": "ann", "password": "Another-Guess-1"});
    expect_problem(post_as(&http, &app.url("/api/v1/auth/sign-in"), by_name).await, 429, "locked_out").await;
}

/// Webhook targets in any special-purpose range are refused, IPv4 and IPv6 literals alike.
#[tokio::test]
async fn webhook_targets_in_special_purpose_ranges_are_refused() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let acme = app.project(&admin, "Acme", "ta@acme.test").await;
    let path = format!("/api/v1/projects/{}/webhook", acme.guid);
    for url in [
        "http://198.18.0.1/hook",
        "http://240.0.0.1/hook",
        "http://192.0.0.170/hook",
        "http://[64:ff9b::a00:1]/hook",
        "http://[fec0::1]/hook",
        "http://[2002:7f00:1::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://[::127.0.0.1]/hook",
    ] {
        let problem = expect_problem(acme.owner.put(&path, json!({"url": url})).await, 422, "validation_failed").await;
        let message = problem["errors"][0]["message"].as_str().unwrap();
        assert!(message.contains("special-purpose address"), "{url}: {message}");
    }
}

/// A retry queued before the webhook was replaced is dropped: it goes neither to the old URL
/// again nor to the new one (signed with the new secret); new alerts go to the new webhook.
#[tokio::test]
async fn queued_webhook_retries_are_dropped_when_the_webhook_changes() {
    let settings = json!({"monitoring_token": "monitor-secret-123", "webhook_allow_private": true});
    let app = spawn_app_with(Options { settings, ..Default::default() }).await;
    let admin = app.admin().await;
    let acme = app.project(&admin, "Acme", "ta@acme.test").await;
    let (failing, replacement) = (Receiver::start(500).await, Receiver::start(200).await);
    let path = format!("/api/v1/projects/{}/webhook", acme.guid);
    assert_eq!(acme.owner.put(&path, json!({"url": failing.url})).await.status(), 200);
    let raise = || {
        reqwest::Client::new()
            .post(app.url(&format!("/api/v1/projects/{}/alerts", acme.guid)))
            .bearer_auth("monitor-secret-123")
            .json(&json!({"type": "cpu", "environment": "prod", "message": "CPU 99 %"}))
            .send()
    };
    assert_eq!(raise().await.unwrap().status(), 201);
    failing.wait_for(1).await;
    assert_eq!(acme.owner.put(&path, json!({"url": replacement.url})).await.status(), 200);
    // Make the retry due now instead of after its backoff.
    let db = app.db().await;
    sea_orm::ConnectionTrait::execute_unprepared(&db, "UPDATE webhook_deliveries SET next_attempt_at = created_at")
        .await
        .unwrap();
    db.close().await.ok();
    for _ in 0..200 {
        let dropped =
            "SELECT COUNT(*) FROM webhook_deliveries WHERE failed_at IS NOT NULL AND last_error LIKE '%changed%'";
        if app.count(dropped).await == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM webhook_deliveries WHERE failed_at IS NOT NULL").await, 1, "dropped");
    assert_eq!((failing.all().len(), replacement.all().len()), (1, 0));
    assert_eq!(raise().await.unwrap().status(), 201);
    assert_eq!(replacement.wait_for(1).await.len(), 1, "a new alert reaches the new webhook");
}

/// `HTTP(S)_PROXY` in the server's environment does not carry webhooks: the connection goes to
/// the checked address itself.
#[tokio::test]
async fn webhooks_do_not_go_through_an_environment_proxy() {
    let dir = tempfile::tempdir().unwrap();
    let database_url = crate::support::fresh_database_url(dir.path()).await;
    let mailbox = crate::support::Mailbox::start().await;
    let proxy = Receiver::start(200).await;
    let proxy_url = proxy.url.trim_end_matches("/hook").to_owned();
    let env = [
        ("HTTP_PROXY", proxy_url.as_str()),
        ("HTTPS_PROXY", proxy_url.as_str()),
        ("ALL_PROXY", proxy_url.as_str()),
        ("http_proxy", proxy_url.as_str()),
        ("PORTICO_MONITORING_TOKEN", "monitor-secret-123"),
        ("PORTICO_WEBHOOK_ALLOW_PRIVATE", "true"),
    ];
    let server = crate::support::process::ServerProcess::start_with(dir.path(), &database_url, mailbox.port, &env);
    let app = TestApp::attach(server.address.clone(), mailbox, database_url, dir.path().to_owned());
    let admin = app.admin().await;
    let acme = app.project(&admin, "Acme", "ta@acme.test").await;
    let target = Receiver::start(200).await;
    let set = acme.owner.put(&format!("/api/v1/projects/{}/webhook", acme.guid), json!({"url": target.url})).await;
    assert_eq!(set.status(), 200);
    let raised = reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .post(app.url(&format!("/api/v1/projects/{}/alerts", acme.guid)))
        .bearer_auth("monitor-secret-123")
        .json(&json!({"type": "cpu", "environment": "prod", "message": "CPU 99 %"}))
        .send()
        .await
        .unwrap();
    assert_eq!(raised.status(), 201);
    target.wait_for(1).await;
    assert!(proxy.all().is_empty(), "the proxy saw {} requests", proxy.all().len());
}

/// A ZIP of `size` incompressible bytes (deflate cannot shrink them).
fn incompressible_package(size: usize) -> tempfile::NamedTempFile {
    let mut state = 0x2545_f491_u32;
    let noise: Vec<u8> = (0..size)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state as u8
        })
        .collect();
    zip_file(&[("portico-package.json", br#"{"name":"big","version":"1.0"}"#), ("noise.bin", &noise)])
}

/// A project keeps at most `PORTICO_PACKAGE_QUOTA` of packages: an upload past it is refused
/// with 507 before its body is read (when its length is declared) or as soon as it crosses the
/// quota (when it is not), and leaves neither a row nor a partial file.
#[tokio::test]
async fn uploads_past_the_package_quota_are_refused_and_leave_nothing() {
    let settings = json!({"package_quota": "64KiB"});
    let app = spawn_app_with(Options { settings, ..Default::default() }).await;
    let admin = app.admin().await;
    let acme = app.project(&admin, "Acme", "ta@acme.test").await;
    let secret = app.token(&acme.owner, acme.guid, &["deploy_qa"]).await;
    let client = app.client_for(&secret);
    let package = incompressible_package(40 << 10);
    let accepted = client.upload_package(acme.guid, "qa", package.path(), |_, _| {}).await.unwrap();
    app.wait_for_deployment(&client, acme.guid, accepted.id).await;
    let bytes = std::fs::read(package.path()).unwrap();
    let url = app.url(&format!("/api/deployment/upload/{}/qa", acme.guid));
    let http = reqwest::Client::new();
    let declared = http
        .post(&url)
        .bearer_auth(&secret)
        .header("content-type", "application/zip")
        .body(bytes.clone())
        .send()
        .await
        .unwrap();
    expect_problem(declared, 507, "storage_full").await;
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = bytes.chunks(4096).map(|c| Ok(c.to_vec())).collect();
    let streamed = http
        .post(&url)
        .bearer_auth(&secret)
        .header("content-type", "application/zip")
        .body(reqwest::Body::wrap_stream(futures_util::stream::iter(chunks)))
        .send()
        .await
        .unwrap();
    expect_problem(streamed, 507, "storage_full").await;
    assert_eq!(app.count("SELECT COUNT(*) FROM deployments").await, 1);
    assert_eq!(app.package_keys().await.len(), 1);
    assert_eq!(app.uploads_under_way().await, 0, "nothing unfinished is left");
}

#[tokio::test]
async fn uploads_keep_the_free_disk_floor() {
    let app = spawn_app_with(Options { settings: json!({"min_free_disk": "1000TiB"}), ..Default::default() }).await;
    let admin = app.admin().await;
    let acme = app.project(&admin, "Acme", "ta@acme.test").await;
    let client = app.client_for(&app.token(&acme.owner, acme.guid, &["deploy_qa"]).await);
    let refused =
        client.upload_package(acme.guid, "qa", crate::support::packages::package("1.0").path(), |_, _| {}).await;
    assert!(format!("{:?}", refused.unwrap_err()).contains("PORTICO_MIN_FREE_DISK"));
    assert_eq!(app.count("SELECT COUNT(*) FROM deployments").await, 0);
    assert!(app.package_keys().await.is_empty());
    assert_eq!(app.uploads_under_way().await, 0);
}

/// At most `PORTICO_UPLOADS_PER_PROJECT` uploads of one project at once; the next waits (429).
#[tokio::test]
async fn a_project_sends_at_most_two_uploads_at_once() {
    use std::io::Write;
    let app = spawn_app().await;
    let admin = app.admin().await;
    let acme = app.project(&admin, "Acme", "ta@acme.test").await;
    let secret = app.token(&acme.owner, acme.guid, &["deploy_qa"]).await;
    let address = app.address.trim_start_matches("http://").to_owned();
    let open_upload = || {
        let mut stream = std::net::TcpStream::connect(&address).unwrap();
        let head = format!(
            "POST /api/deployment/upload/{}/qa HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {secret}\r\n\
             Content-Type: application/zip\r\nContent-Length: 1000000\r\n\r\nPK\x03\x04",
            acme.guid
        );
        stream.write_all(head.as_bytes()).unwrap();
        stream.flush().unwrap();
        stream
    };
    let slow = [open_upload(), open_upload()];
    for _ in 0..200 {
        if app.uploads_under_way().await == 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    assert_eq!(app.uploads_under_way().await, 2, "both slow uploads are under way");
    let client = app.client_for(&secret);
    let third =
        client.upload_package(acme.guid, "qa", crate::support::packages::package("1.0").path(), |_, _| {}).await;
    assert!(format!("{:?}", third.unwrap_err()).contains("PORTICO_UPLOADS_PER_PROJECT"));
    drop(slow);
    for _ in 0..200 {
        if app.uploads_under_way().await == 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    let accepted =
        client.upload_package(acme.guid, "qa", crate::support::packages::package("1.0").path(), |_, _| {}).await;
    assert!(accepted.is_ok(), "a place is free again: {accepted:?}");
}
