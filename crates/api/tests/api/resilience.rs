//! Concurrency and crash safety: revocation takes effect at once, two servers share the
//! outbox without double sends, and a SIGKILL during an upload or a burst of invitations
//! leaves no orphan file, no half-written row, and no committed email unsent.

use std::io::Write;
use std::time::{Duration, Instant};

use portico_store::entities::outbox_email;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde_json::json;

use crate::support::process::ServerProcess;
use crate::support::{Mailbox, Options, TestApp, fresh_database_url, spawn_app, spawn_app_with};

#[tokio::test]
async fn every_request_started_after_a_revoke_answer_is_refused() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let acme = app.project(&admin, "Acme", "ta@acme.test").await;
    let (token_id, secret) = app.token_with_id(&acme.owner, acme.guid, &["deploy_qa"]).await;
    let url = app.url(&format!("/api/v1/projects/{}/deployments", acme.guid));
    let stop = Instant::now() + Duration::from_millis(1500);
    let readers: Vec<_> = (0..8)
        .map(|_| {
            let (url, secret) = (url.clone(), secret.clone());
            tokio::spawn(async move {
                let client = reqwest::Client::new();
                let mut seen = Vec::new();
                while Instant::now() < stop {
                    let started = Instant::now();
                    let status = client.get(&url).bearer_auth(&secret).send().await.unwrap().status().as_u16();
                    seen.push((started, status));
                }
                seen
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(400)).await;
    let revoke = acme.owner.delete(&format!("/api/v1/projects/{}/tokens/{}", acme.guid, token_id), None).await;
    assert_eq!(revoke.status(), 204);
    let revoked_at = Instant::now();
    let mut after = 0;
    let mut before_ok = 0;
    for reader in readers {
        for (started, status) in reader.await.unwrap() {
            if started > revoked_at {
                assert_eq!(status, 401, "a request started after the revoke answer got {status}");
                after += 1;
            } else if status == 200 {
                before_ok += 1;
            }
        }
    }
    assert!(after > 10 && before_ok > 10, "enough traffic on both sides: {before_ok} before, {after} after");
}

#[tokio::test]
async fn two_servers_on_one_database_send_every_email_once() {
    let app = spawn_app().await;
    let second = spawn_app_with(Options {
        database_url: Some(app.database_url.clone()),
        settings: json!({"smtp_url": format!("smtp://127.0.0.1:{}", app.mailbox.port)}),
        ..Default::default()
    })
    .await;
    let admin = app.admin().await;
    let invite = |n: usize| {
        let admin = &admin;
        async move {
            let response = admin
                .post("/api/v1/admin/users", json!({"email": format!("user{n}@example.com"), "system_role": "user"}))
                .await;
            assert_eq!(response.status(), 201);
        }
    };
    futures_util::future::join_all((0..30).map(invite)).await;
    for n in 0..30 {
        app.mailbox.wait_for(&format!("user{n}@example.com"), "invited you").await;
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let invitations: Vec<_> = app.mailbox.all().into_iter().filter(|m| m.subject().contains("invited you")).collect();
    assert_eq!(invitations.len(), 30, "each email exactly once with two servers sending");
    let mut ids: Vec<String> = invitations.iter().map(|m| m.header("Message-ID").unwrap().to_owned()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 30);
    drop(second);
}

/// The set-up every crash test needs: a project, its owner and a token, on a server process.
async fn project_on_a_process(
    dir: &std::path::Path,
    database_url: &str,
    mailbox: &Mailbox,
) -> (ServerProcess, crate::support::projects::TestProject, String) {
    let server = ServerProcess::start(dir, database_url, mailbox.port);
    let app = TestApp::attach(server.address.clone(), mailbox.clone(), database_url.to_owned(), dir.to_owned());
    let admin = app.admin().await;
    let acme = app.project(&admin, "Acme", "ta@acme.test").await;
    let token = app.token(&acme.owner, acme.guid, &["deploy_qa"]).await;
    (server, acme, token)
}

#[tokio::test]
async fn a_sigkill_during_an_upload_leaves_no_file_and_no_row() {
    let dir = tempfile::tempdir().unwrap();
    let database_url = fresh_database_url(dir.path()).await;
    let mailbox = Mailbox::start().await;
    let (server, acme, token) = project_on_a_process(dir.path(), &database_url, &mailbox).await;
    let address = server.address.trim_start_matches("http://").to_owned();
    let mut stream = std::net::TcpStream::connect(&address).unwrap();
    let head = format!(
        "POST /api/deployment/upload/{}/qa HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/zip\r\nContent-Length: 50000000\r\n\r\n",
        acme.guid
    );
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(b"PK\x03\x04").unwrap();
    stream.write_all(&vec![7u8; 4_000_000]).unwrap();
    stream.flush().unwrap();
    let packages = dir.path().join("packages");
    let staged = || {
        std::fs::read_dir(&packages)
            .map(|e| {
                e.flatten().filter(|f| f.file_name().to_string_lossy().contains(".zip#")).map(|f| f.path()).collect()
            })
            .unwrap_or_else(|_| Vec::new())
    };
    let partial_seen = wait_until(Duration::from_secs(10), || !staged().is_empty()).await;
    assert!(partial_seen, "the upload was being written when the server died");
    server.kill_hard();
    drop(stream);
    // Unfinished writes are swept once an hour old (a younger one may be another server's upload
    // under way in a shared folder): age it, as the hour would.
    for file in staged() {
        let hours_ago = std::time::SystemTime::now() - Duration::from_secs(2 * 3600);
        std::fs::File::options().write(true).open(&file).unwrap().set_modified(hours_ago).unwrap();
    }

    let restarted = ServerProcess::start(dir.path(), &database_url, mailbox.port);
    let clean =
        wait_until(Duration::from_secs(10), || std::fs::read_dir(&packages).map(|e| e.count() == 0).unwrap_or(true))
            .await;
    assert!(
        clean,
        "unfinished uploads are swept at start: {:?}",
        std::fs::read_dir(&packages).unwrap().collect::<Vec<_>>()
    );
    let app = TestApp::attach(restarted.address.clone(), mailbox.clone(), database_url.clone(), dir.path().to_owned());
    assert_eq!(app.count("SELECT COUNT(*) FROM deployments").await, 0);
    // The server works on: a full upload goes through.
    let zip = crate::support::packages::package("1.0");
    let accepted = app.client_for(&token).upload_package(acme.guid, "qa", zip.path(), |_, _| {}).await.unwrap();
    let done = app.wait_for_deployment(&app.client_for(&token), acme.guid, accepted.id).await;
    assert_eq!(done.state, portico_domain::deployments::DeploymentState::Succeeded);
}

#[tokio::test]
async fn a_sigkill_during_a_burst_of_invitations_loses_no_committed_email() {
    let dir = tempfile::tempdir().unwrap();
    let database_url = fresh_database_url(dir.path()).await;
    let mailbox = Mailbox::start().await;
    let (server, acme, _) = project_on_a_process(dir.path(), &database_url, &mailbox).await;
    let url = format!("{}/api/v1/projects/{}/invitations", server.address, acme.guid);
    let burst: Vec<_> = (0..60)
        .map(|n| {
            let (client, url) = (acme.owner.client.clone(), url.clone());
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis(n * 3)).await;
                client
                    .post(url)
                    .header("X-Requested-With", "portico")
                    .json(&json!({"email": format!("invitee{n}@example.com"), "role": "developer"}))
                    .send()
                    .await
                    .map(|r| r.status().as_u16())
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(90)).await;
    server.kill_hard();
    let answered: Vec<_> = futures_util::future::join_all(burst).await.into_iter().map(|r| r.unwrap()).collect();
    let accepted = answered.iter().filter(|r| matches!(r, Ok(201))).count();

    let restarted = ServerProcess::start(dir.path(), &database_url, mailbox.port);
    let app = TestApp::attach(restarted.address.clone(), mailbox.clone(), database_url.clone(), dir.path().to_owned());
    let invitations = app.count("SELECT COUNT(*) FROM invitations WHERE role = 'developer'").await as usize;
    let queued = app.count("SELECT COUNT(*) FROM outbox_emails WHERE recipient LIKE 'invitee%'").await as usize;
    assert!(invitations >= accepted, "every answered invitation is stored: {invitations} < {accepted}");
    assert!(invitations < 60, "the kill happened during the burst ({invitations} of 60 stored)");
    assert_eq!(queued, invitations, "each stored invitation has its email, committed together");
    // The killed worker may have held a lease on one email (sent or not): that row waits for
    // its lease to run out, which is the at-least-once contract. Everything else is delivered.
    let mut held_back = Vec::new();
    for _ in 0..200 {
        held_back = unsent_emails(&app).await;
        let now = chrono::Utc::now();
        if held_back.len() <= 1 && held_back.iter().all(|email| email.lease_until.is_some_and(|until| until > now)) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let now = chrono::Utc::now();
    assert!(
        held_back.iter().all(|email| email.lease_until.is_some_and(|until| until > now)),
        "the restarted server sends every email nobody holds: {held_back:?}"
    );
    assert!(held_back.len() <= 1, "only the killed worker's lease holds an email back: {held_back:?}");
    // Let the killed worker's lease run out, as the clock would after LEASE.
    let db = app.db().await;
    db.execute_unprepared("UPDATE outbox_emails SET lease_until = NULL WHERE sent_at IS NULL").await.unwrap();
    db.close().await.ok();
    let delivered = wait_until(Duration::from_secs(20), || {
        let recipients: std::collections::BTreeSet<String> =
            mailbox.all().iter().flat_map(|m| m.to.clone()).filter(|t| t.starts_with("invitee")).collect();
        recipients.len() == invitations
    })
    .await;
    assert!(delivered, "every committed email reaches the mailbox");
    let mut unsent = Vec::new();
    for _ in 0..200 {
        unsent = unsent_emails(&app).await;
        if unsent.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(unsent.is_empty(), "every outbox row is marked sent: {unsent:?}");
}

async fn unsent_emails(app: &TestApp) -> Vec<outbox_email::Model> {
    let db = app.db().await;
    let rows = outbox_email::Entity::find().filter(outbox_email::Column::SentAt.is_null()).all(&db).await.unwrap();
    db.close().await.ok();
    rows
}

async fn wait_until(limit: Duration, mut condition: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if condition() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    condition()
}
