//! Projects as the tests need them: created by an Administrator, joined by their primary
//! contact from the emailed invitation, provisioned.

use serde_json::{Value, json};
use uuid::Uuid;

use super::{TestApp, User};

pub struct TestProject {
    pub guid: Uuid,
    /// The primary contact, a Tenant Administrator.
    pub owner: User,
}

impl TestApp {
    /// Creates a project as `admin` and has its primary contact register from the invitation.
    pub async fn project(&self, admin: &User, name: &str, owner_email: &str) -> TestProject {
        let response = admin
            .post(
                "/api/v1/projects",
                json!({
                    "name": name, "service_region": "westeurope", "service_plan": "level_2",
                    "expires_on": "2030-01-31", "primary_contact_email": owner_email, "environments": ["stg"],
                }),
            )
            .await;
        assert_eq!(response.status(), 201, "{:?}", response.text().await);
        let project: Value = response.json().await.unwrap();
        let guid: Uuid = project["guid"].as_str().unwrap().parse().unwrap();
        let token = self.invitation_token(owner_email, name).await;
        let owner = self.register(&token, owner_email).await;
        self.wait_until_provisioned(&owner, guid).await;
        TestProject { guid, owner }
    }

    /// The token of the newest invitation email to `email` about `project`.
    pub async fn invitation_token(&self, email: &str, project: &str) -> String {
        let count = self.mailbox.to(email).iter().filter(|m| m.subject().contains(project)).count().max(1);
        self.mailbox.wait_for_nth(email, project, count).await.link_token("invitations")
    }

    pub async fn wait_until_provisioned(&self, member: &User, guid: Uuid) {
        for _ in 0..100 {
            let project: Value = member.get(&format!("/api/v1/projects/{guid}")).await.json().await.unwrap();
            if project["status"] != "provisioning" {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("project {guid} was not provisioned within 10 s");
    }

    /// Invites `email` into the project as `role` (by `inviter`) and registers them.
    pub async fn member(&self, guid: Uuid, inviter: &User, email: &str, role: &str) -> User {
        let response =
            inviter.post(&format!("/api/v1/projects/{guid}/invitations"), json!({"email": email, "role": role})).await;
        assert_eq!(response.status(), 201, "{:?}", response.text().await);
        let name: Value = inviter.get(&format!("/api/v1/projects/{guid}")).await.json().await.unwrap();
        let token = self.invitation_token(email, name["name"].as_str().unwrap()).await;
        self.register(&token, email).await
    }
}
