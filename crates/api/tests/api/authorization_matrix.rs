//! The authorization matrix: every operation of the committed OpenAPI document, called as each
//! kind of caller, must answer the status `tests/authorization-matrix.json` gives for it. The
//! operations are read from `openapi/portico.json` when the test runs, so a new route without
//! an expectation (or an expectation for a route that is gone) fails the test.
//!
//! One server serves the whole matrix, and the calls run one after another. Every caller keeps
//! one session (or token) for the whole run, sent by a client without a cookie store so no
//! answer can replace it; calls that end a session use a throwaway account of the same role,
//! and calls that change or consume something get a fresh target (invitation, token, alert,
//! window, project, emailed link...). Throwaway accounts are registered from invitations
//! inserted into the database (no email round trip), and leave project A again after the call.

use portico_domain::projects::ProjectRole;
use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, Utc};
use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::support::callers::{Account, Body, Credential, send, send_ok};
use crate::support::packages::package;
use crate::support::users::PASSWORD;
use crate::support::{ADMIN_EMAIL, Options, TestApp, spawn_app_with};

const OPENAPI: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../openapi/portico.json");
const EXPECTATIONS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/authorization-matrix.json");

const PRINCIPALS: [&str; 12] = [
    "anonymous",
    "developer",
    "devops_engineer",
    "tenant_admin",
    "other_tenant_admin",
    "administrator",
    "pat_deploy_qa",
    "pat_deploy_non_production",
    "pat_deploy_production",
    "pat_revoked",
    "pat_expired",
    "disabled_session",
];

const MONITORING: &str = "monitoring-token-of-the-matrix";
const WEBHOOK_URL: &str = "http://127.0.0.1:9/portico-hook";
const NEW_PASSWORD: &str = "Another-Horse-8";
const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// `METHOD /path/template` of every operation in the committed OpenAPI document.
fn documented_operations() -> BTreeSet<String> {
    let text = std::fs::read_to_string(OPENAPI).expect("openapi/portico.json exists");
    let document: Value = serde_json::from_str(&text).expect("openapi/portico.json is JSON");
    let paths = document["paths"].as_object().expect("the document has paths");
    paths
        .iter()
        .flat_map(|(path, item)| {
            let item = item.as_object().expect("a path item");
            METHODS.iter().filter(|m| item.contains_key(**m)).map(move |m| format!("{} {path}", m.to_uppercase()))
        })
        .collect()
}

/// The expected status of each operation for each principal.
fn expectations() -> BTreeMap<String, BTreeMap<String, u16>> {
    let text = std::fs::read_to_string(EXPECTATIONS).expect("tests/authorization-matrix.json exists");
    let file: Value = serde_json::from_str(&text).expect("tests/authorization-matrix.json is JSON");
    let listed: BTreeSet<&str> =
        file["principals"].as_object().expect("principals").keys().map(String::as_str).collect();
    assert_eq!(listed, BTreeSet::from(PRINCIPALS), "the principals of tests/authorization-matrix.json");
    let operations = file["operations"].as_object().expect("operations");
    operations
        .iter()
        .map(|(operation, entry)| {
            let note = entry["note"].as_str().unwrap_or_default();
            assert!(!note.trim().is_empty(), "{operation}: say in `note` why these statuses");
            let expect = entry["expect"].as_object().unwrap_or_else(|| panic!("{operation}: no `expect`"));
            let statuses: BTreeMap<String, u16> = expect
                .iter()
                .map(|(principal, status)| {
                    let status = status.as_u64().unwrap_or_else(|| panic!("{operation} {principal}: not a status"));
                    (principal.clone(), status as u16)
                })
                .collect();
            let named: BTreeSet<&str> = statuses.keys().map(String::as_str).collect();
            assert_eq!(named, BTreeSet::from(PRINCIPALS), "{operation}: a status for every principal, no other");
            (operation.clone(), statuses)
        })
        .collect()
}

/// One call of the matrix: the concrete path, the body, and the credential when it is not the
/// principal's own (a throwaway session of the same role).
struct Prepared {
    path: String,
    body: Body,
    caller: Option<Credential>,
}

fn plain(path: String) -> Prepared {
    Prepared { path, body: Body::None, caller: None }
}

fn with_json(path: String, body: Value) -> Prepared {
    Prepared { path, body: Body::Json(body), caller: None }
}

/// A single sign-on provider named `slug` on the test OpenID Provider.
fn provider_body(provider: &crate::support::oidc::Provider, slug: &str) -> Value {
    json!({
        "slug": slug, "display_name": "Test IdP", "issuer_url": provider.issuer, "client_id": provider.client_id,
        "client_secret": provider.client_secret, "allowed_email_domains": ["example.test"],
    })
}

fn id_of(value: &Value, field: &str) -> Uuid {
    value[field].as_str().unwrap_or_else(|| panic!("no `{field}` in {value}")).parse().unwrap()
}

/// Invites `email` into a project as `role`; returns the token of the emailed link.
async fn invite(app: &TestApp, inviter: &Credential, guid: Uuid, email: &str, role: &str) -> String {
    let seen = app.mail_count(email, "invited you");
    let path = format!("/api/v1/projects/{guid}/invitations");
    send_ok(app, inviter, Method::POST, &path, json!({"email": email, "role": role}), 201).await;
    app.invitation_after(email, seen).await
}

/// A project created by the Administrator, joined by its primary contact and provisioned.
async fn new_project(app: &TestApp, administrator: &Account, name: &str, contact: &str) -> (Uuid, Account) {
    let body = json!({
        "name": name, "service_region": "westeurope", "service_plan": "level_2", "expires_on": "2030-01-31",
        "primary_contact_email": contact, "environments": ["stg"],
    });
    let created = send_ok(app, &administrator.session(), Method::POST, "/api/v1/projects", body, 201).await;
    let guid = id_of(&created, "guid");
    let owner = app.register_account(&app.invitation_after(contact, 0).await, contact).await;
    for _ in 0..100 {
        let project =
            send_ok(app, &owner.session(), Method::GET, &format!("/api/v1/projects/{guid}"), Value::Null, 200).await;
        if project["status"] != "provisioning" {
            return (guid, owner);
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("project {name} was not provisioned within 10 s");
}

/// Invites `email` into the project and registers them with an authenticator.
async fn new_member(app: &TestApp, inviter: &Account, guid: Uuid, email: &str, role: &str) -> Account {
    let token = invite(app, &inviter.session(), guid, email, role).await;
    app.register_account(&token, email).await
}

/// Creates an access token; returns its id and secret.
async fn new_token(
    app: &TestApp,
    owner: &Account,
    guid: Uuid,
    permission: &str,
    expires_at: Option<DateTime<Utc>>,
) -> (Uuid, String) {
    let mut body = json!({"display_name": format!("matrix {permission}"), "permissions": [permission]});
    if let Some(at) = expires_at {
        body["expires_at"] = json!(at.to_rfc3339());
    }
    let created =
        send_ok(app, &owner.session(), Method::POST, &format!("/api/v1/projects/{guid}/tokens"), body, 201).await;
    (id_of(&created, "id"), created["token"].as_str().unwrap().to_owned())
}

/// Everything the matrix calls upon: project A (and B, C), its people, their tokens and objects.
struct World {
    app: TestApp,
    db: sea_orm::DatabaseConnection,
    administrator: Account,
    developer: Account,
    devops: Account,
    tenant_admin: Account,
    other_tenant_admin: Account,
    disabled: Account,
    /// An enrolled account that signs in (password step) for the sign-in call.
    signer: Account,
    /// An account (no authenticator) whose password is reset by link.
    resetter: String,
    /// An account (no authenticator) locked by wrong passwords before each unlock.
    locked: String,
    /// An invited account whose MFA the Administrator resets for enrolment links.
    enrollee: (Uuid, String),
    a: Uuid,
    b: Uuid,
    /// Project C, whose invitations are accepted or registered.
    c: Uuid,
    tokens: BTreeMap<&'static str, String>,
    stg_deployment: Uuid,
    window: Uuid,
    policy: Value,
    lookup_token: String,
    zip: Vec<u8>,
    /// Throwaway accounts and removal targets that joined project A; removed after each call
    /// so that A stays small (every alert emails every member).
    extra_members: Vec<Uuid>,
    counter: u32,
    /// An unsubscribe token from a real announcement (unsubscribing twice answers the same).
    unsubscribe_token: Option<String>,
    /// A real OpenID Provider, added as the single sign-on provider `test`.
    provider: crate::support::oidc::Provider,
    provider_id: Uuid,
}

impl World {
    async fn build() -> World {
        let settings = json!({
            "monitoring_token": MONITORING,
            "webhook_allow_private": true,
            "credential_rate_limit": 1_000_000,
            "lockout_threshold": 2,
            "seats_level_1": 1000,
            "seats_level_2": 1000,
            "seats_custom": 1000,
            "package_retention": 1000,
            "restart_command": ["true"],
        });
        let app = spawn_app_with(Options { settings, ..Default::default() }).await;
        let setup = app.mailbox.wait_for(ADMIN_EMAIL, "Administrator").await.link_token("invitations");
        let administrator = app.register_account(&setup, ADMIN_EMAIL).await;
        let admin = administrator.session();
        let (a, tenant_admin) = new_project(&app, &administrator, "Acme", "ta@acme.test").await;
        let (b, other_tenant_admin) = new_project(&app, &administrator, "Globex", "ta@globex.test").await;
        let (c, third_owner) = new_project(&app, &administrator, "Initech", "ta@initech.test").await;
        let developer = new_member(&app, &tenant_admin, a, "dev@acme.test", "developer").await;
        let devops = new_member(&app, &tenant_admin, a, "ops@acme.test", "devops_engineer").await;
        let disabled = new_member(&app, &tenant_admin, a, "gone@acme.test", "developer").await;
        let path = format!("/api/v1/admin/users/{}", disabled.id);
        send_ok(&app, &admin, Method::PATCH, &path, json!({"enabled": false}), 200).await;

        let signer = new_member(&app, &third_owner, c, "signer@initech.test", "developer").await;
        let resetter = "resetter@initech.test".to_owned();
        let locked = "locked@initech.test".to_owned();
        for email in [&resetter, &locked] {
            app.register_only(&invite(&app, &third_owner.session(), c, email, "developer").await).await;
        }
        let enrollee_email = "enrollee@matrix.test".to_owned();
        let invited = json!({"email": enrollee_email, "system_role": "user"});
        let enrollee = id_of(&send_ok(&app, &admin, Method::POST, "/api/v1/admin/users", invited, 201).await, "id");
        let lookup_token = invite(&app, &third_owner.session(), c, "lookup@initech.test", "developer").await;

        let mut tokens = BTreeMap::new();
        tokens.insert("pat_deploy_qa", new_token(&app, &developer, a, "deploy_qa", None).await.1);
        tokens
            .insert("pat_deploy_non_production", new_token(&app, &developer, a, "deploy_non_production", None).await.1);
        tokens.insert("pat_deploy_production", new_token(&app, &tenant_admin, a, "deploy_production", None).await.1);
        let (revoked, secret) = new_token(&app, &developer, a, "deploy_qa", None).await;
        let path = format!("/api/v1/projects/{a}/tokens/{revoked}");
        send_ok(&app, &developer.session(), Method::DELETE, &path, Value::Null, 204).await;
        tokens.insert("pat_revoked", secret);
        let expires_at = app.now() + Duration::seconds(2);
        tokens.insert("pat_expired", new_token(&app, &developer, a, "deploy_qa", Some(expires_at)).await.1);

        // A succeeded STG deployment: promoted to PROD, and its log read.
        let zip = std::fs::read(package("1.0.0").path()).unwrap();
        let production = Credential::Bearer(tokens["pat_deploy_production"].clone());
        let response =
            send(&app, &production, Method::POST, &format!("/api/deployment/upload/{a}/stg"), &Body::Zip(zip.clone()))
                .await;
        assert_eq!(response.status(), 202, "upload to STG");
        let stg_deployment = id_of(&response.json().await.unwrap(), "id");
        wait_until_succeeded(&app, &tenant_admin, a, stg_deployment).await;

        let policy =
            send_ok(&app, &admin, Method::GET, "/api/v1/admin/settings/password-policy", Value::Null, 200).await;
        let provider = crate::support::oidc::start_provider().await;
        let body = provider_body(&provider, "test");
        let provider_id =
            id_of(&send_ok(&app, &admin, Method::POST, "/api/v1/admin/identity-providers", body, 201).await, "id");
        let db = app.db().await;
        let mut world = World {
            app,
            db,
            administrator,
            developer,
            devops,
            tenant_admin,
            other_tenant_admin,
            disabled,
            signer,
            resetter,
            locked,
            enrollee: (enrollee, enrollee_email),
            a,
            b,
            c,
            tokens,
            stg_deployment,
            window: Uuid::nil(),
            policy,
            lookup_token,
            zip,
            extra_members: Vec::new(),
            counter: 0,
            unsubscribe_token: None,
            provider,
            provider_id,
        };
        world.window = world.new_window().await;
        world.ensure_webhook().await;
        // The token `pat_expired` runs out: move the server's clock past it.
        world.app.advance_clock(expires_at - world.app.now() + Duration::seconds(1));
        world
    }

    fn unique(&mut self, prefix: &str) -> String {
        self.counter += 1;
        format!("{}-{}@matrix.test", prefix.replace('_', "-"), self.counter)
    }

    fn admin(&self) -> Credential {
        self.administrator.session()
    }

    /// The principal's own credential.
    fn credential(&self, principal: &str) -> Credential {
        if let Some(token) = self.tokens.get(principal) {
            return Credential::Bearer(token.clone());
        }
        match self.account(principal) {
            Some(account) => account.session(),
            None => Credential::None,
        }
    }

    fn account(&self, principal: &str) -> Option<&Account> {
        match principal {
            "developer" => Some(&self.developer),
            "devops_engineer" => Some(&self.devops),
            "tenant_admin" => Some(&self.tenant_admin),
            "other_tenant_admin" => Some(&self.other_tenant_admin),
            "administrator" => Some(&self.administrator),
            "disabled_session" => Some(&self.disabled),
            _ => None,
        }
    }

    fn signed_in_account(&mut self, principal: &str) -> Option<&mut Account> {
        match principal {
            "developer" => Some(&mut self.developer),
            "devops_engineer" => Some(&mut self.devops),
            "tenant_admin" => Some(&mut self.tenant_admin),
            "other_tenant_admin" => Some(&mut self.other_tenant_admin),
            "administrator" => Some(&mut self.administrator),
            _ => None,
        }
    }

    /// A new account with the principal's role and a session of its own, for calls that end
    /// the caller's session; None for principals without a live session (they use their own).
    async fn throwaway(&mut self, principal: &str) -> Option<Credential> {
        Some(self.throwaway_account(principal).await?.session())
    }

    async fn throwaway_account(&mut self, principal: &str) -> Option<crate::support::callers::Account> {
        let email = self.unique(principal);
        let (a, b) = (self.a, self.b);
        let (project, system_role) = match principal {
            "developer" => (Some((a, "developer")), None),
            "devops_engineer" => (Some((a, "devops_engineer")), None),
            "tenant_admin" => (Some((a, "tenant_administrator")), None),
            "other_tenant_admin" => (Some((b, "tenant_administrator")), None),
            "administrator" => (None, Some("administrator")),
            _ => return None,
        };
        let token = self.app.quiet_invitation(&self.db, &email, project, system_role).await;
        let account = self.app.register_account(&token, &email).await;
        if project.is_some_and(|(guid, _)| guid == a) {
            self.extra_members.push(account.id);
        }
        Some(account)
    }

    /// Removes the accounts that joined project A for one call (gone already is fine).
    async fn remove_extra_members(&mut self) {
        for id in std::mem::take(&mut self.extra_members) {
            let path = format!("/api/v1/projects/{}/members/{id}", self.a);
            let response = send(&self.app, &self.tenant_admin.session(), Method::DELETE, &path, &Body::None).await;
            assert!(matches!(response.status().as_u16(), 204 | 404), "removing {id} from project A");
        }
    }

    fn window_body(&mut self) -> Value {
        self.counter += 1;
        let starts = Utc::now() + Duration::days(60) + Duration::hours(3 * i64::from(self.counter));
        json!({
            "starts_at": starts.to_rfc3339(),
            "ends_at": (starts + Duration::hours(1)).to_rfc3339(),
            "description": "Database upgrade, expect short interruptions",
        })
    }

    async fn new_window(&mut self) -> Uuid {
        let body = self.window_body();
        id_of(&send_ok(&self.app, &self.admin(), Method::POST, "/api/v1/maintenance-windows", body, 201).await, "id")
    }

    /// A status page subscription confirmed without its email (a token of our own), for
    /// `confirm`; returns the confirmation token.
    async fn quiet_subscription(&mut self) -> (String, String) {
        let email = self.unique("reader");
        let token = portico_api::auth::secrets::new_token();
        let now = self.app.now();
        let hash = portico_api::auth::secrets::hash(&token);
        portico_store::status_subscribers::request(&self.db, &email, &hash, now + Duration::days(1), now)
            .await
            .unwrap()
            .expect("a new subscription");
        (email, token)
    }

    async fn unsubscribe_token(&mut self) -> String {
        if let Some(token) = &self.unsubscribe_token {
            return token.clone();
        }
        let (email, confirmation) = self.quiet_subscription().await;
        let confirm = json!({"token": confirmation});
        send_ok(&self.app, &Credential::None, Method::POST, "/api/v1/status/subscriptions/confirm", confirm, 204).await;
        self.new_window().await;
        let token = self.app.mail_after(&email, "Portico maintenance", 0).await.link_token("status/unsubscribe");
        self.unsubscribe_token = Some(token.clone());
        token
    }

    async fn new_invited_account(&mut self) -> Uuid {
        let body = json!({"email": self.unique("invited"), "system_role": "user"});
        id_of(&send_ok(&self.app, &self.admin(), Method::POST, "/api/v1/admin/users", body, 201).await, "id")
    }

    async fn new_invitation(&mut self) -> Uuid {
        let body = json!({"email": self.unique("pending"), "role": "developer"});
        let path = format!("/api/v1/projects/{}/invitations", self.a);
        id_of(&send_ok(&self.app, &self.tenant_admin.session(), Method::POST, &path, body, 201).await, "id")
    }

    async fn new_developer_token(&mut self) -> Uuid {
        new_token(&self.app, &self.developer, self.a, "deploy_qa", None).await.0
    }

    async fn new_alert(&mut self) -> Uuid {
        let path = format!("/api/v1/projects/{}/alerts", self.a);
        let body = json!({"type": "cpu", "severity": "warning", "environment": "qa", "message": "CPU above 80 %"});
        id_of(&send_ok(&self.app, &Credential::Bearer(MONITORING.into()), Method::POST, &path, body, 201).await, "id")
    }

    fn promotion(&self) -> (String, Value) {
        let path = format!("/api/v1/projects/{}/deployments/{}/promote", self.a, self.stg_deployment);
        (path, json!({"environment": "prod", "scheduled_at": (Utc::now() + Duration::days(7)).to_rfc3339()}))
    }

    async fn new_scheduled_promotion(&mut self) -> Uuid {
        let (path, body) = self.promotion();
        id_of(&send_ok(&self.app, &self.tenant_admin.session(), Method::POST, &path, body, 202).await, "id")
    }

    /// A project in which the developer, DevOps Engineer and Tenant Administrator of project A
    /// hold their roles too.
    async fn new_project_like_a(&mut self) -> Uuid {
        let body = json!({
            "name": format!("Archive {}", self.counter + 1), "service_region": "westeurope", "service_plan": "level_1",
            "expires_on": "2030-01-31", "primary_contact_email": self.unique("archive-contact"),
        });
        let guid = id_of(&send_ok(&self.app, &self.admin(), Method::POST, "/api/v1/projects", body, 201).await, "guid");
        let db = self.app.db().await;
        for (account, role) in [
            (self.developer.id, ProjectRole::Developer),
            (self.devops.id, ProjectRole::DevopsEngineer),
            (self.tenant_admin.id, ProjectRole::TenantAdministrator),
        ] {
            portico_store::memberships::insert_if_absent(&db, guid, account, role, Utc::now()).await.unwrap();
        }
        db.close().await.ok();
        guid
    }

    async fn ensure_webhook(&self) {
        let path = format!("/api/v1/projects/{}/webhook", self.a);
        send_ok(&self.app, &self.tenant_admin.session(), Method::PUT, &path, json!({"url": WEBHOOK_URL}), 200).await;
    }

    /// A project token of project A made for one call (its id).
    async fn new_project_token(&mut self) -> Uuid {
        let path = format!("/api/v1/projects/{}/project-tokens", self.a);
        let body = json!({"display_name": "matrix", "permissions": ["deploy_qa"], "role": "developer"});
        id_of(&send_ok(&self.app, &self.tenant_admin.session(), Method::POST, &path, body, 201).await, "id")
    }

    /// A webhook of project A made for one call (its id).
    async fn new_webhook(&mut self) -> Uuid {
        let path = format!("/api/v1/projects/{}/webhooks", self.a);
        // The ones made for earlier calls go (a project has at most 20); the first one stays.
        let hooks = send_ok(&self.app, &self.tenant_admin.session(), Method::GET, &path, Value::Null, 200).await;
        for hook in hooks.as_array().unwrap().iter().skip(1) {
            let one = format!("{path}/{}", id_of(hook, "id"));
            send_ok(&self.app, &self.tenant_admin.session(), Method::DELETE, &one, Value::Null, 204).await;
        }
        let body = json!({"url": WEBHOOK_URL, "events": ["deployment.failed"], "format": "slack"});
        id_of(&send_ok(&self.app, &self.tenant_admin.session(), Method::POST, &path, body, 201).await, "id")
    }

    /// The first webhook of project A (set if there is none) and a delivery in its log.
    async fn webhook_with_delivery(&mut self) -> (Uuid, Uuid) {
        self.ensure_webhook().await;
        let list = format!("/api/v1/projects/{}/webhooks", self.a);
        let hooks = send_ok(&self.app, &self.tenant_admin.session(), Method::GET, &list, Value::Null, 200).await;
        let id = id_of(&hooks[0], "id");
        let test = format!("/api/v1/projects/{}/webhooks/{id}/test", self.a);
        let tested = send_ok(&self.app, &self.tenant_admin.session(), Method::POST, &test, Value::Null, 200).await;
        (id, id_of(&tested, "id"))
    }

    /// The path, body and (when not the principal's own) credential of one call.
    async fn prepare(&mut self, operation: &str, principal: &str) -> Prepared {
        let (a, app) = (self.a, &self.app);
        let developer = self.developer.id;
        match operation {
            "POST /api/deployment/upload/{project_guid}" => Prepared {
                path: format!("/api/deployment/upload/{a}"),
                body: Body::Zip(self.zip.clone()),
                caller: None,
            },
            "POST /api/deployment/upload/{project_guid}/{environment}" => Prepared {
                path: format!("/api/deployment/upload/{a}/prod"),
                body: Body::Zip(self.zip.clone()),
                caller: None,
            },
            "GET /api/v1/admin/audit" => plain("/api/v1/admin/audit".into()),
            "GET /api/v1/admin/settings/password-policy" => plain("/api/v1/admin/settings/password-policy".into()),
            "PUT /api/v1/admin/settings/password-policy" => {
                with_json("/api/v1/admin/settings/password-policy".into(), self.policy.clone())
            }
            "GET /api/v1/admin/users" => plain("/api/v1/admin/users".into()),
            "POST /api/v1/admin/users" => {
                with_json("/api/v1/admin/users".into(), json!({"email": self.unique("account"), "system_role": "user"}))
            }
            "GET /api/v1/admin/users/{id}" => plain(format!("/api/v1/admin/users/{developer}")),
            "DELETE /api/v1/admin/users/{id}" => {
                plain(format!("/api/v1/admin/users/{}", self.new_invited_account().await))
            }
            "PATCH /api/v1/admin/users/{id}" => {
                with_json(format!("/api/v1/admin/users/{developer}"), json!({"first_name": "Test"}))
            }
            "POST /api/v1/admin/users/{id}/resend-invitation" => {
                plain(format!("/api/v1/admin/users/{}/resend-invitation", self.new_invited_account().await))
            }
            "POST /api/v1/admin/users/{id}/reset-mfa" => {
                plain(format!("/api/v1/admin/users/{}/reset-mfa", self.new_invited_account().await))
            }
            "POST /api/v1/auth/mfa" => with_json("/api/v1/auth/mfa".into(), json!({"code": "123456"})),
            "POST /api/v1/auth/mfa/enrol-link" => {
                let (id, email) = self.enrollee.clone();
                let subject = "authenticator app of your";
                let seen = app.mail_count(&email, subject);
                let path = format!("/api/v1/admin/users/{id}/reset-mfa");
                send_ok(app, &self.admin(), Method::POST, &path, Value::Null, 204).await;
                let token = app.mail_after(&email, subject, seen).await.link_token("enrol-mfa");
                with_json("/api/v1/auth/mfa/enrol-link".into(), json!({"token": token}))
            }
            "GET /api/v1/auth/password-policy" => plain("/api/v1/auth/password-policy".into()),
            "POST /api/v1/auth/password/forgot" => {
                with_json("/api/v1/auth/password/forgot".into(), json!({"email": self.unique("nobody")}))
            }
            "POST /api/v1/auth/password/reset" => {
                let (email, subject) = (self.resetter.clone(), "Reset your Portico password");
                let seen = app.mail_count(&email, subject);
                send_ok(
                    app,
                    &Credential::None,
                    Method::POST,
                    "/api/v1/auth/password/forgot",
                    json!({"email": email}),
                    202,
                )
                .await;
                let token = app.mail_after(&email, subject, seen).await.link_token("reset-password");
                with_json("/api/v1/auth/password/reset".into(), json!({"token": token, "new_password": PASSWORD}))
            }
            "POST /api/v1/auth/recovery" => {
                with_json("/api/v1/auth/recovery".into(), json!({"recovery_code": "ABCD-EFGH-IJKL-MNOP"}))
            }
            "POST /api/v1/auth/sign-in" => with_json(
                "/api/v1/auth/sign-in".into(),
                json!({"email": self.signer.email, "password": self.signer.password}),
            ),
            "POST /api/v1/auth/sign-out" => {
                Prepared { caller: self.throwaway(principal).await, ..plain("/api/v1/auth/sign-out".into()) }
            }
            "POST /api/v1/auth/unlock" => {
                let (email, subject) = (self.locked.clone(), "sign-in is locked");
                let seen = app.mail_count(&email, subject);
                for _ in 0..2 {
                    let wrong = Body::Json(json!({"email": email, "password": "Wrong-Horse-1"}));
                    let refused = send(app, &Credential::None, Method::POST, "/api/v1/auth/sign-in", &wrong).await;
                    assert_eq!(refused.status(), 401, "a wrong password before the unlock call");
                }
                let token = app.mail_after(&email, subject, seen).await.link_token("unlock");
                with_json("/api/v1/auth/unlock".into(), json!({"token": token}))
            }
            "POST /api/v1/auth/verify-email" => {
                let new_email = self.unique("verified");
                // A fresh account each time: an account may start only a few email changes an hour.
                let email = self.unique("verifier");
                let token = self.app.quiet_invitation(&self.db, &email, None, None).await;
                let verifier = self.app.register_account(&token, &email).await.session();
                let app = &self.app;
                let body = json!({"email": new_email, "password": PASSWORD});
                send_ok(app, &verifier, Method::PUT, "/api/v1/me/email", body, 202).await;
                let token = app.mail_after(&new_email, "Confirm your new", 0).await.link_token("verify-email");
                with_json("/api/v1/auth/verify-email".into(), json!({"token": token}))
            }
            "POST /api/v1/invitations/accept" => {
                let email = match self.account(principal) {
                    Some(account) => account.email.clone(),
                    None => self.unique("accept"),
                };
                let token = self.app.quiet_invitation(&self.db, &email, Some((self.c, "developer")), None).await;
                with_json("/api/v1/invitations/accept".into(), json!({"token": token}))
            }
            "POST /api/v1/invitations/lookup" => {
                with_json("/api/v1/invitations/lookup".into(), json!({"token": self.lookup_token}))
            }
            "POST /api/v1/invitations/register" => {
                let email = self.unique("register");
                let token = self.app.quiet_invitation(&self.db, &email, Some((self.c, "developer")), None).await;
                let body = json!({"token": token, "password": PASSWORD, "first_name": "New", "last_name": "Member"});
                with_json("/api/v1/invitations/register".into(), body)
            }
            "GET /api/v1/maintenance-windows" => plain("/api/v1/maintenance-windows".into()),
            "POST /api/v1/maintenance-windows" => with_json("/api/v1/maintenance-windows".into(), self.window_body()),
            "DELETE /api/v1/maintenance-windows/{id}" => {
                plain(format!("/api/v1/maintenance-windows/{}", self.new_window().await))
            }
            "PATCH /api/v1/maintenance-windows/{id}" => with_json(
                format!("/api/v1/maintenance-windows/{}", self.window),
                json!({"description": "Database upgrade, expect short interruptions (rescheduled)"}),
            ),
            "GET /api/v1/me" => plain("/api/v1/me".into()),
            "PATCH /api/v1/me" => with_json("/api/v1/me".into(), json!({"first_name": "Test", "last_name": "User"})),
            "PUT /api/v1/me/email" => {
                with_json("/api/v1/me/email".into(), json!({"email": self.unique("moved"), "password": PASSWORD}))
            }
            "POST /api/v1/status/subscriptions" => {
                with_json("/api/v1/status/subscriptions".into(), json!({"email": self.unique("status")}))
            }
            "POST /api/v1/status/subscriptions/confirm" => {
                let (_, token) = self.quiet_subscription().await;
                with_json("/api/v1/status/subscriptions/confirm".into(), json!({"token": token}))
            }
            "POST /api/v1/status/subscriptions/unsubscribe" => {
                let token = self.unsubscribe_token().await;
                with_json("/api/v1/status/subscriptions/unsubscribe".into(), json!({"token": token}))
            }
            "POST /api/v1/status/subscriptions/unsubscribe/one-click" => {
                let token = self.unsubscribe_token().await;
                plain(format!("/api/v1/status/subscriptions/unsubscribe/one-click?token={token}"))
            }
            "GET /api/v1/admin/invitations" => plain("/api/v1/admin/invitations".into()),
            "GET /api/v1/me/invitations" => plain("/api/v1/me/invitations".into()),
            "POST /api/v1/me/invitations/{id}/accept" | "POST /api/v1/me/invitations/{id}/decline" => {
                let email = match self.account(principal) {
                    Some(account) => account.email.clone(),
                    None => self.unique("answer"),
                };
                let (_, id) =
                    self.app.quiet_invitation_with_id(&self.db, &email, Some((self.c, "developer")), None).await;
                let answer = if operation.ends_with("accept") { "accept" } else { "decline" };
                plain(format!("/api/v1/me/invitations/{id}/{answer}"))
            }
            "PUT /api/v1/me/maintenance-announcements" => {
                with_json("/api/v1/me/maintenance-announcements".into(), json!({"subscribed": false}))
            }
            "DELETE /api/v1/me/mfa" => match self.throwaway_account(principal).await {
                Some(mut account) => {
                    let body = json!({"password": PASSWORD, "code": account.next_code()});
                    Prepared { caller: Some(account.session()), ..with_json("/api/v1/me/mfa".into(), body) }
                }
                None => with_json("/api/v1/me/mfa".into(), json!({"password": PASSWORD, "code": "000000"})),
            },
            "POST /api/v1/me/mfa/recovery-code" => {
                let code = match self.signed_in_account(principal) {
                    Some(account) => account.next_code(),
                    None => "000000".into(),
                };
                with_json("/api/v1/me/mfa/recovery-code".into(), json!({"code": code}))
            }
            "POST /api/v1/me/mfa/totp" => plain("/api/v1/me/mfa/totp".into()),
            "POST /api/v1/me/passkeys/options" => {
                with_json("/api/v1/me/passkeys/options".into(), json!({"password": PASSWORD}))
            }
            "POST /api/v1/me/passkeys" => with_json(
                "/api/v1/me/passkeys".into(),
                json!({"name": "Key", "credential": {"id": "not-a-credential"}}),
            ),
            "GET /api/v1/me/passkeys" => plain("/api/v1/me/passkeys".into()),
            "POST /api/v1/me/passkeys/challenge" => with_json("/api/v1/me/passkeys/challenge".into(), json!({})),
            "GET /api/v1/me/sso-links" => plain("/api/v1/me/sso-links".into()),
            "DELETE /api/v1/me/sso-links/{id}" => plain(format!("/api/v1/me/sso-links/{}", Uuid::new_v4())),
            "GET /api/v1/auth/oidc/providers" => plain("/api/v1/auth/oidc/providers".into()),
            "GET /api/v1/auth/oidc/{provider}/start" => plain("/api/v1/auth/oidc/test/start".into()),
            "GET /api/v1/auth/oidc/{provider}/callback" => {
                plain("/api/v1/auth/oidc/test/callback?code=not-a-code&state=not-a-state".into())
            }
            "GET /api/v1/admin/identity-providers" => plain("/api/v1/admin/identity-providers".into()),
            "POST /api/v1/admin/identity-providers" => {
                self.counter += 1;
                let slug = format!("idp-{}", self.counter);
                with_json("/api/v1/admin/identity-providers".into(), provider_body(&self.provider, &slug))
            }
            "PATCH /api/v1/admin/identity-providers/{id}" => with_json(
                format!("/api/v1/admin/identity-providers/{}", self.provider_id),
                json!({"display_name": "Test IdP"}),
            ),
            "DELETE /api/v1/admin/identity-providers/{id}" => {
                self.counter += 1;
                let body = provider_body(&self.provider, &format!("gone-{}", self.counter));
                let created =
                    send_ok(&self.app, &self.admin(), Method::POST, "/api/v1/admin/identity-providers", body, 201)
                        .await;
                plain(format!("/api/v1/admin/identity-providers/{}", id_of(&created, "id")))
            }
            "PATCH /api/v1/me/passkeys/{id}" => {
                with_json(format!("/api/v1/me/passkeys/{}", Uuid::new_v4()), json!({"name": "Renamed"}))
            }
            "DELETE /api/v1/me/passkeys/{id}" => plain(format!("/api/v1/me/passkeys/{}", Uuid::new_v4())),
            "POST /api/v1/auth/passkey/options" => with_json("/api/v1/auth/passkey/options".into(), json!({})),
            "POST /api/v1/auth/passkey" => {
                with_json("/api/v1/auth/passkey".into(), json!({"credential": {"id": "not-an-assertion"}}))
            }
            "POST /api/v1/me/mfa/totp/confirm" => {
                with_json("/api/v1/me/mfa/totp/confirm".into(), json!({"code": "123456"}))
            }
            "PUT /api/v1/me/password" => Prepared {
                caller: self.throwaway(principal).await,
                ..with_json(
                    "/api/v1/me/password".into(),
                    json!({"current_password": PASSWORD, "new_password": NEW_PASSWORD}),
                )
            },
            "GET /api/v1/me/sessions" => plain("/api/v1/me/sessions".into()),
            "DELETE /api/v1/me/sessions" => {
                Prepared { caller: self.throwaway(principal).await, ..plain("/api/v1/me/sessions".into()) }
            }
            "DELETE /api/v1/me/sessions/{id}" => {
                let caller = self.throwaway(principal).await;
                let id = match &caller {
                    Some(session) => {
                        let sessions =
                            send_ok(&self.app, session, Method::GET, "/api/v1/me/sessions", Value::Null, 200).await;
                        let current = sessions.as_array().unwrap().iter().find(|s| s["current"] == true).unwrap();
                        id_of(current, "id")
                    }
                    None => Uuid::new_v4(),
                };
                Prepared { caller, ..plain(format!("/api/v1/me/sessions/{id}")) }
            }
            "GET /api/v1/projects" => plain("/api/v1/projects".into()),
            "POST /api/v1/projects" => {
                let body = json!({
                    "name": format!("New {}", self.counter + 1), "service_region": "eastus", "service_plan": "level_1",
                    "expires_on": "2030-01-31", "primary_contact_email": self.unique("contact"),
                });
                with_json("/api/v1/projects".into(), body)
            }
            "GET /api/v1/projects/{guid}" => plain(format!("/api/v1/projects/{a}")),
            "DELETE /api/v1/projects/{guid}" => plain(format!("/api/v1/projects/{}", self.new_project_like_a().await)),
            "PATCH /api/v1/projects/{guid}" => with_json(format!("/api/v1/projects/{a}"), json!({"name": "Acme"})),
            "POST /api/v1/integrations/alertmanager" => {
                with_json("/api/v1/integrations/alertmanager".into(), json!({"version": "4", "alerts": []}))
            }
            "GET /api/v1/projects/{guid}/alerts" => plain(format!("/api/v1/projects/{a}/alerts")),
            "POST /api/v1/projects/{guid}/alerts" => with_json(
                format!("/api/v1/projects/{a}/alerts"),
                json!({"type": "memory", "severity": "warning", "environment": "qa", "message": "Memory above 80 %"}),
            ),
            "POST /api/v1/projects/{guid}/alerts/{id}/resolve" => {
                plain(format!("/api/v1/projects/{a}/alerts/{}/resolve", self.new_alert().await))
            }
            "GET /api/v1/projects/{guid}/audit" => plain(format!("/api/v1/projects/{a}/audit")),
            "GET /api/v1/projects/{guid}/deployments" => plain(format!("/api/v1/projects/{a}/deployments")),
            "POST /api/v1/projects/{guid}/deployments/{id}/cancel" => {
                plain(format!("/api/v1/projects/{a}/deployments/{}/cancel", self.new_scheduled_promotion().await))
            }
            "POST /api/v1/projects/{guid}/environments/{env}/restart" => {
                plain(format!("/api/v1/projects/{a}/environments/stg/restart"))
            }
            "GET /api/v1/projects/{guid}/deployments/{id}/log" => {
                plain(format!("/api/v1/projects/{a}/deployments/{}/log", self.stg_deployment))
            }
            "POST /api/v1/projects/{guid}/deployments/{id}/promote" => {
                let (path, body) = self.promotion();
                with_json(path, body)
            }
            "GET /api/v1/projects/{guid}/invitations" => plain(format!("/api/v1/projects/{a}/invitations")),
            "POST /api/v1/projects/{guid}/invitations" => with_json(
                format!("/api/v1/projects/{a}/invitations"),
                json!({"email": self.unique("invitee"), "role": "developer"}),
            ),
            "DELETE /api/v1/projects/{guid}/invitations/{id}" => {
                plain(format!("/api/v1/projects/{a}/invitations/{}", self.new_invitation().await))
            }
            "POST /api/v1/projects/{guid}/invitations/{id}/resend" => {
                plain(format!("/api/v1/projects/{a}/invitations/{}/resend", self.new_invitation().await))
            }
            "GET /api/v1/projects/{guid}/members" => plain(format!("/api/v1/projects/{a}/members")),
            "DELETE /api/v1/projects/{guid}/members/{account_id}" => {
                let email = self.unique("victim");
                let token = self.app.quiet_invitation(&self.db, &email, Some((a, "developer")), None).await;
                let victim = self.app.register_account(&token, &email).await.id;
                self.extra_members.push(victim);
                plain(format!("/api/v1/projects/{a}/members/{victim}"))
            }
            "PATCH /api/v1/projects/{guid}/members/{account_id}" => {
                with_json(format!("/api/v1/projects/{a}/members/{developer}"), json!({"role": "developer"}))
            }
            "GET /api/v1/projects/{guid}/notification-preferences" => {
                plain(format!("/api/v1/projects/{a}/notification-preferences"))
            }
            "PUT /api/v1/projects/{guid}/notification-preferences" => {
                let every = json!({
                    "types": ["application_response", "cpu", "memory", "dtu_high", "dtu_elevated", "failed_requests",
                              "failed_deployment", "service_scaling", "ddos_attack"],
                    "severities": ["critical", "error", "warning"],
                });
                let body = json!({"environments": {"qa": every, "stg": every, "prod": every}});
                with_json(format!("/api/v1/projects/{a}/notification-preferences"), body)
            }
            "POST /api/v1/projects/{guid}/primary-contact" => {
                with_json(format!("/api/v1/projects/{a}/primary-contact"), json!({"account_id": self.tenant_admin.id}))
            }
            "GET /api/v1/projects/{guid}/tokens" => plain(format!("/api/v1/projects/{a}/tokens")),
            "GET /api/v1/projects/{guid}/project-tokens" => plain(format!("/api/v1/projects/{a}/project-tokens")),
            "POST /api/v1/projects/{guid}/project-tokens" => with_json(
                format!("/api/v1/projects/{a}/project-tokens"),
                json!({"display_name": "matrix", "permissions": ["deploy_non_production"], "role": "devops_engineer"}),
            ),
            "PATCH /api/v1/projects/{guid}/project-tokens/{id}" => with_json(
                format!("/api/v1/projects/{a}/project-tokens/{}", self.new_project_token().await),
                json!({"display_name": "renamed"}),
            ),
            "DELETE /api/v1/projects/{guid}/project-tokens/{id}" => {
                plain(format!("/api/v1/projects/{a}/project-tokens/{}", self.new_project_token().await))
            }
            "POST /api/v1/projects/{guid}/tokens" => with_json(
                format!("/api/v1/projects/{a}/tokens"),
                json!({"display_name": "matrix", "permissions": ["deploy_qa"]}),
            ),
            "DELETE /api/v1/projects/{guid}/tokens/{id}" => {
                plain(format!("/api/v1/projects/{a}/tokens/{}", self.new_developer_token().await))
            }
            "PATCH /api/v1/projects/{guid}/tokens/{id}" => with_json(
                format!("/api/v1/projects/{a}/tokens/{}", self.new_developer_token().await),
                json!({"display_name": "renamed"}),
            ),
            "GET /api/v1/projects/{guid}/update-schedule" => plain(format!("/api/v1/projects/{a}/update-schedule")),
            "PUT /api/v1/projects/{guid}/update-schedule" => with_json(
                format!("/api/v1/projects/{a}/update-schedule"),
                json!({"slots": [{"day": "saturday", "start_hour": 3}]}),
            ),
            "GET /api/v1/projects/{guid}/webhook" => {
                self.ensure_webhook().await;
                plain(format!("/api/v1/projects/{a}/webhook"))
            }
            "PUT /api/v1/projects/{guid}/webhook" => {
                with_json(format!("/api/v1/projects/{a}/webhook"), json!({"url": WEBHOOK_URL}))
            }
            "DELETE /api/v1/projects/{guid}/webhook" => {
                self.ensure_webhook().await;
                plain(format!("/api/v1/projects/{a}/webhook"))
            }
            "GET /api/v1/projects/{guid}/webhooks" => plain(format!("/api/v1/projects/{a}/webhooks")),
            "POST /api/v1/projects/{guid}/webhooks" => with_json(
                format!("/api/v1/projects/{a}/webhooks"),
                json!({"url": WEBHOOK_URL, "events": ["alert.raised", "deployment.succeeded"], "format": "teams"}),
            ),
            "GET /api/v1/projects/{guid}/webhooks/{id}" => {
                plain(format!("/api/v1/projects/{a}/webhooks/{}", self.webhook_with_delivery().await.0))
            }
            "PATCH /api/v1/projects/{guid}/webhooks/{id}" => with_json(
                format!("/api/v1/projects/{a}/webhooks/{}", self.new_webhook().await),
                json!({"events": ["deployment.queued"]}),
            ),
            "DELETE /api/v1/projects/{guid}/webhooks/{id}" => {
                plain(format!("/api/v1/projects/{a}/webhooks/{}", self.new_webhook().await))
            }
            "POST /api/v1/projects/{guid}/webhooks/{id}/test" => {
                plain(format!("/api/v1/projects/{a}/webhooks/{}/test", self.webhook_with_delivery().await.0))
            }
            "GET /api/v1/projects/{guid}/webhooks/{id}/deliveries" => {
                plain(format!("/api/v1/projects/{a}/webhooks/{}/deliveries", self.webhook_with_delivery().await.0))
            }
            "POST /api/v1/projects/{guid}/webhooks/{id}/deliveries/{delivery}/redeliver" => {
                let (id, delivery) = self.webhook_with_delivery().await;
                plain(format!("/api/v1/projects/{a}/webhooks/{id}/deliveries/{delivery}/redeliver"))
            }
            "GET /api/v1/status" => plain("/api/v1/status".into()),
            "GET /api/v1/status/maintenance.ics" => plain("/api/v1/status/maintenance.ics".into()),
            "POST /api/v1/tokens/check" => {
                with_json("/api/v1/tokens/check".into(), json!({"tokens": ["ptc_this0is0no0live0token"]}))
            }
            "GET /healthz" => plain("/healthz".into()),
            "GET /metrics" => plain("/metrics".into()),
            "GET /readyz" => plain("/readyz".into()),
            other => panic!("no request for `{other}`: add one to World::prepare in authorization_matrix.rs"),
        }
    }
}

async fn wait_until_succeeded(app: &TestApp, member: &Account, guid: Uuid, id: Uuid) {
    let path = format!("/api/v1/projects/{guid}/deployments");
    for _ in 0..100 {
        let page = send_ok(app, &member.session(), Method::GET, &path, Value::Null, 200).await;
        let deployment = page["items"].as_array().unwrap().iter().find(|d| d["id"] == id.to_string()).cloned();
        match deployment.as_ref().and_then(|d| d["state"].as_str()) {
            Some("succeeded") => return,
            Some("failed" | "cancelled") => panic!("deployment {id} did not succeed: {deployment:?}"),
            _ => tokio::time::sleep(std::time::Duration::from_millis(100)).await,
        }
    }
    panic!("deployment {id} did not finish within 10 s");
}

#[tokio::test]
async fn every_operation_answers_every_caller_as_the_matrix_says() {
    let documented = documented_operations();
    let table = expectations();
    let missing: Vec<&String> = documented.iter().filter(|op| !table.contains_key(*op)).collect();
    let stale: Vec<&String> = table.keys().filter(|op| !documented.contains(*op)).collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "tests/authorization-matrix.json must have exactly the operations of openapi/portico.json.\n\
         Operations without an expectation (add them, with a note): {missing:#?}\n\
         Expectations of operations that no longer exist (remove them): {stale:#?}"
    );

    let mut world = World::build().await;
    let mut mismatches = Vec::new();
    for operation in &documented {
        let method = Method::from_bytes(operation.split_once(' ').unwrap().0.as_bytes()).unwrap();
        for principal in PRINCIPALS {
            let prepared = world.prepare(operation, principal).await;
            let credential = prepared.caller.unwrap_or_else(|| world.credential(principal));
            let response = send(&world.app, &credential, method.clone(), &prepared.path, &prepared.body).await;
            let got = response.status().as_u16();
            let want = table[operation][principal];
            if got != want {
                let text = response.text().await.unwrap_or_default();
                let code = serde_json::from_str::<Value>(&text)
                    .ok()
                    .and_then(|body| body["code"].as_str().map(str::to_owned))
                    .unwrap_or_default();
                mismatches.push(format!("{operation} as {principal}: expected {want}, got {got} {code}"));
            }
            world.remove_extra_members().await;
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} of {} calls answered otherwise than tests/authorization-matrix.json says:\n{}",
        mismatches.len(),
        documented.len() * PRINCIPALS.len(),
        mismatches.join("\n")
    );
}
