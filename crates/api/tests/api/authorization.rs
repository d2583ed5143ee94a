//! Every route of the projects feature, called as every kind of caller, against the
//! permission table: anonymous, Developer, DevOps Engineer, Tenant Administrator of the
//! project, Tenant Administrator of another project, Administrator.

use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{TestApp, User, spawn_app};

const CALLERS: [&str; 6] = ["anonymous", "developer", "devops", "tenant_admin", "other_tenant_admin", "administrator"];

struct Callers {
    developer: User,
    devops: User,
    tenant_admin: User,
    other_tenant_admin: User,
    administrator: User,
}

impl Callers {
    fn get(&self, name: &str) -> Option<&User> {
        match name {
            "developer" => Some(&self.developer),
            "devops" => Some(&self.devops),
            "tenant_admin" => Some(&self.tenant_admin),
            "other_tenant_admin" => Some(&self.other_tenant_admin),
            "administrator" => Some(&self.administrator),
            _ => None,
        }
    }
}

async fn call(app: &TestApp, caller: Option<&User>, method: &Method, path: &str, body: &Option<Value>) -> u16 {
    let client = caller.map(|u| u.client.clone()).unwrap_or_else(crate::support::browser);
    let mut request = client.request(method.clone(), app.url(path)).header("X-Requested-With", "portico");
    if let Some(body) = body {
        request = request.json(body);
    }
    request.send().await.unwrap().status().as_u16()
}

/// One row: the same request for every caller, and the status each must get.
async fn check(app: &TestApp, callers: &Callers, method: Method, path: &str, body: Option<Value>, expected: [u16; 6]) {
    for (name, want) in CALLERS.iter().zip(expected) {
        let got = call(app, callers.get(name), &method, path, &body).await;
        assert_eq!(got, want, "{method} {path} as {name}");
    }
}

/// A destructive request: a fresh target per caller, made by `target`.
async fn check_each<F, Fut>(app: &TestApp, callers: &Callers, method: Method, expected: [u16; 6], target: F)
where
    F: Fn(&'static str) -> Fut,
    Fut: std::future::Future<Output = (String, Option<Value>)>,
{
    for (name, want) in CALLERS.iter().zip(expected) {
        let (path, body) = target(name).await;
        let got = call(app, callers.get(name), &method, &path, &body).await;
        assert_eq!(got, want, "{method} {path} as {name}");
    }
}

#[tokio::test]
async fn every_projects_route_answers_each_caller_as_the_table_says() {
    let app = spawn_app().await;
    let administrator = app.admin().await;
    let acme = app.project(&administrator, "Acme", "ta@acme.test").await;
    let globex = app.project(&administrator, "Globex", "ta@globex.test").await;
    let developer = app.member(acme.guid, &acme.owner, "dev@acme.test", "developer").await;
    let devops = app.member(acme.guid, &acme.owner, "ops@acme.test", "devops_engineer").await;
    let callers =
        Callers { developer, devops, tenant_admin: acme.owner, other_tenant_admin: globex.owner, administrator };
    let g = acme.guid;
    let dev_id = callers.developer.id;
    let ta_id = callers.tenant_admin.id;

    use Method as M;
    //                                                                          anon dev  ops  ta   other admin
    check(&app, &callers, M::GET, "/api/v1/projects", None, [401, 200, 200, 200, 200, 200]).await;
    check(&app, &callers, M::GET, &format!("/api/v1/projects/{g}"), None, [401, 200, 200, 200, 404, 200]).await;
    check(&app, &callers, M::GET, &format!("/api/v1/projects/{g}/members"), None, [401, 200, 200, 200, 404, 200]).await;
    check(&app, &callers, M::GET, &format!("/api/v1/projects/{g}/invitations"), None, [401, 403, 403, 200, 404, 200])
        .await;
    check(&app, &callers, M::GET, &format!("/api/v1/projects/{g}/audit"), None, [401, 403, 403, 200, 404, 200]).await;
    check(
        &app,
        &callers,
        M::PATCH,
        &format!("/api/v1/projects/{g}/members/{dev_id}"),
        Some(json!({"role": "developer"})),
        [401, 403, 403, 200, 404, 200],
    )
    .await;
    check(
        &app,
        &callers,
        M::POST,
        &format!("/api/v1/projects/{g}/primary-contact"),
        Some(json!({"account_id": ta_id})),
        [401, 403, 403, 204, 404, 204],
    )
    .await;
    check(
        &app,
        &callers,
        M::PATCH,
        &format!("/api/v1/projects/{g}"),
        Some(json!({"name": "Acme"})),
        [401, 403, 403, 403, 403, 200],
    )
    .await;
    check(&app, &callers, M::GET, "/api/v1/admin/users", None, [401, 403, 403, 403, 403, 200]).await;
    check(&app, &callers, M::GET, &format!("/api/v1/admin/users/{dev_id}"), None, [401, 403, 403, 403, 403, 200]).await;
    check(
        &app,
        &callers,
        M::PATCH,
        &format!("/api/v1/admin/users/{dev_id}"),
        Some(json!({"first_name": "Dev"})),
        [401, 403, 403, 403, 403, 200],
    )
    .await;
    check(&app, &callers, M::GET, "/api/v1/admin/audit", None, [401, 403, 403, 403, 403, 200]).await;
    check(
        &app,
        &callers,
        M::POST,
        "/api/v1/projects",
        Some(json!({
            "name": "New", "service_region": "eastus", "service_plan": "level_1", "expires_on": "2030-01-01",
            "primary_contact_email": "new@example.com"
        })),
        [401, 403, 403, 403, 403, 201],
    )
    .await;

    // Invitations: each caller invites a different address.
    check_each(&app, &callers, M::POST, [401, 403, 403, 201, 404, 201], |name| async move {
        (
            format!("/api/v1/projects/{g}/invitations"),
            Some(json!({"email": format!("{name}@invitee.test"), "role": "developer"})),
        )
    })
    .await;
    let invitations: Vec<Value> =
        callers.tenant_admin.get(&format!("/api/v1/projects/{g}/invitations")).await.json().await.unwrap();
    let invitation_of =
        |email: &str| invitations.iter().find(|i| i["email"] == email).unwrap()["id"].as_str().unwrap().to_owned();
    let ta_invitation = invitation_of("tenant_admin@invitee.test");
    let admin_invitation = invitation_of("administrator@invitee.test");
    for (method, suffix, allowed) in [(M::POST, "/resend", 200), (M::DELETE, "", 204)] {
        let (ta_invitation, admin_invitation) = (ta_invitation.clone(), admin_invitation.clone());
        check_each(&app, &callers, method, [401, 403, 403, allowed, 404, allowed], move |name| {
            let id = if name == "administrator" { admin_invitation.clone() } else { ta_invitation.clone() };
            async move { (format!("/api/v1/projects/{g}/invitations/{id}{suffix}"), None) }
        })
        .await;
    }

    // Removing members: forbidden callers try the Tenant Administrator's victim; the allowed
    // ones remove their own.
    let victim_of_ta = app.member(g, &callers.tenant_admin, "victim1@acme.test", "developer").await;
    let victim_of_admin = app.member(g, &callers.tenant_admin, "victim2@acme.test", "developer").await;
    let (v1, v2) = (victim_of_ta.id, victim_of_admin.id);
    check_each(&app, &callers, M::DELETE, [401, 403, 403, 204, 404, 204], move |name| {
        let victim = if name == "administrator" { v2 } else { v1 };
        async move { (format!("/api/v1/projects/{g}/members/{victim}"), None) }
    })
    .await;

    // Administration of accounts.
    let mut invited = Vec::new();
    for n in 0..2 {
        let user: Value = callers
            .administrator
            .post("/api/v1/admin/users", json!({"email": format!("acct{n}@example.com"), "system_role": "user"}))
            .await
            .json()
            .await
            .unwrap();
        invited.push(user["id"].as_str().unwrap().to_owned());
    }
    let first = invited[0].clone();
    check(
        &app,
        &callers,
        M::POST,
        &format!("/api/v1/admin/users/{first}/resend-invitation"),
        None,
        [401, 403, 403, 403, 403, 200],
    )
    .await;
    check(
        &app,
        &callers,
        M::POST,
        &format!("/api/v1/admin/users/{first}/reset-mfa"),
        None,
        [401, 403, 403, 403, 403, 204],
    )
    .await;
    check(
        &app,
        &callers,
        M::POST,
        "/api/v1/admin/users",
        Some(json!({"email": "acct9@example.com", "system_role": "user"})),
        [401, 403, 403, 403, 403, 201],
    )
    .await;
    check(
        &app,
        &callers,
        M::DELETE,
        &format!("/api/v1/admin/users/{}", invited[1]),
        None,
        [401, 403, 403, 403, 403, 204],
    )
    .await;
    // Archiving last: it makes the project read-only.
    check(&app, &callers, M::DELETE, &format!("/api/v1/projects/{g}"), None, [401, 403, 403, 403, 403, 204]).await;
}
