//! Regression tests for the findings of the 2026-12 security audit (issue 12): each fails on the
//! code before its fix.

use serde_json::json;

use crate::support::spawn_app;

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
