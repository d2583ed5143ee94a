//! The admin commands of the `portico` binary against a running server's database: import
//! accounts with legacy hashes, create an Administrator, reset someone's MFA.

use std::process::Command;

use serde_json::{Value, json};

use crate::support::{TestApp, browser, expect_problem, post_as, spawn_app};

fn portico_admin(app: &TestApp, args: &[&str]) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    Command::new(env!("CARGO_BIN_EXE_portico"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("PORTICO_DATA_DIR", dir.path())
        .env("PORTICO_DATABASE_URL", &app.database_url)
        .env("PORTICO_SECRET_KEY", "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff")
        .env("PORTICO_PUBLIC_URL", crate::support::PUBLIC_URL)
        .env("PORTICO_ADMIN_EMAIL", crate::support::ADMIN_EMAIL)
        .env("PORTICO_LOG", "warn")
        .current_dir(dir.path())
        .arg("admin")
        .args(args)
        .output()
        .unwrap()
}

fn stdout(output: &std::process::Output) -> String {
    assert!(output.status.success(), "stderr: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn link_token(text: &str, page: &str) -> String {
    let marker = format!("/{page}#");
    let start = text.find(&marker).unwrap_or_else(|| panic!("no {marker} in {text}")) + marker.len();
    text[start..].chars().take_while(|c| !c.is_whitespace()).collect()
}

#[tokio::test]
async fn imported_accounts_sign_in_with_their_old_password_and_enrol_by_link() {
    let app = spawn_app().await;
    let csv = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/legacy-users.csv");
    let out = stdout(&portico_admin(&app, &["import-users", csv]));
    assert!(out.contains("Imported 2 account(s)"), "{out}");
    let again = stdout(&portico_admin(&app, &["import-users", csv]));
    assert!(again.contains("Imported 0") && again.contains("Skipped legacy.sha256@example.com"), "{again}");

    for (email, password) in
        [("legacy.sha256@example.com", "Old-Password-1"), ("legacy.sha512@example.com", "Older Pass phrase 2!")]
    {
        let wrong = app.post("/api/v1/auth/sign-in", json!({"email": email, "password": "Not-it-1"})).await;
        expect_problem(wrong, 401, "invalid_credentials").await;
        let browser = browser();
        let right =
            post_as(&browser, &app.url("/api/v1/auth/sign-in"), json!({"email": email, "password": password})).await;
        expect_problem(right, 403, "mfa_enrolment_link_required").await;
        let mail = app.mailbox.wait_for(email, "Set up your authenticator app").await;
        let step =
            post_as(&browser, &app.url("/api/v1/auth/mfa/enrol-link"), json!({"token": mail.link_token("enrol-mfa")}))
                .await;
        assert_eq!(step.status(), 200);
    }
    assert_eq!(
        app.count("SELECT COUNT(*) FROM passwords WHERE scheme = 'argon2id' AND hash LIKE '$argon2id$%'").await,
        2
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM passwords WHERE scheme = 'aspnet_identity_v3'").await, 0);
}

#[tokio::test]
async fn a_bad_import_file_imports_nothing() {
    let app = spawn_app().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.csv");
    let hash = "AQAAAAEAACcQAAAAEHNpeHRlZW4gYnl0ZSBzbHRnDbra4UgfffKvm4rJkk4/5xg+bzRdRc8Rxrur405dPw==";
    std::fs::write(
        &path,
        format!(
            "email,user_name,first_name,last_name,password_hash\nok@example.com,ok,,,{hash}\nnot-an-email,x,,,{hash}\n"
        ),
    )
    .unwrap();
    let output = portico_admin(&app, &["import-users", path.to_str().unwrap()]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("line 3: email"), "{stderr}");
    assert_eq!(app.count("SELECT COUNT(*) FROM accounts WHERE email_key = 'ok@example.com'").await, 0);
}

#[tokio::test]
async fn reset_mfa_from_the_command_line_lets_a_locked_out_administrator_back_in() {
    let app = spawn_app().await;
    let mut admin = app.admin().await;
    let out = stdout(&portico_admin(&app, &["reset-mfa", "--email", crate::support::ADMIN_EMAIL]));
    let token = link_token(&out, "enrol-mfa");
    // The command ended the sessions from another process: the server sees it within cache_ttl.
    app.advance_clock(chrono::Duration::milliseconds(1100));
    expect_problem(admin.get("/api/v1/me").await, 401, "unauthenticated").await;
    admin.client = browser();
    let step = admin.post("/api/v1/auth/mfa/enrol-link", json!({"token": token})).await;
    assert_eq!(step.status(), 200);
    admin.enrol().await;
    let me: Value = admin.get("/api/v1/me").await.json().await.unwrap();
    assert_eq!(me["system_role"], "administrator");
}

#[tokio::test]
async fn create_administrator_issues_a_set_up_link() {
    let app = spawn_app().await;
    let out = stdout(&portico_admin(&app, &["create-administrator", "--email", "second.admin@example.com"]));
    assert!(out.contains("a new Administrator"), "{out}");
    let token = link_token(&out, "invitations");
    let second = app.register(&token, "second.admin@example.com").await;
    let me: Value = second.get("/api/v1/me").await.json().await.unwrap();
    assert_eq!(me["system_role"], "administrator");
    assert_eq!(me["user_name"], "second.admin");
}
