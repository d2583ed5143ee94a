//! What the caller may do in one project, decided from the project row and the caller's
//! membership, never from the URL alone. A project the caller cannot see answers 404, so
//! another tenant's GUIDs reveal nothing.

use portico_domain::identity::SystemRole;
use std::sync::Arc;

use chrono::NaiveDate;
use portico_domain::projects::roles::roles_allowed;
use portico_domain::projects::{self, Action, ProjectRole, ProjectStatus, StatusFacts};
use portico_store::entities::{account, project};
use portico_store::{memberships, projects as project_store};
use sea_orm::ConnectionTrait;
use uuid::Uuid;

use crate::cache::CacheKey;
use crate::context::Context;
use crate::usecases::errors::use_case_error;

use_case_error! {
    /// Why a caller may not act on a project (or an access token may not be used).
    pub enum AccessError {
        ProjectNotFound => (NotFound, "project_not_found", "There is no such project, or you are not a member of it."),
        AwaitingPrimaryContact => (Forbidden, "awaiting_primary_contact", "Until the project's primary contact joins, only Administrators can act on it."),
        RoleForbidden { allowed: String, yours: &'static str } => (Forbidden, "role_forbidden", "This needs the role {allowed} in this project; you are {yours}."),
        ProjectArchived => (Conflict, "project_archived", "This project is archived and read-only."),
        InvalidToken { detail: &'static str } => (Unauthorized, "invalid_token", "{detail}"),
        TokenExpired { at: String } => (Unauthorized, "token_expired", "The access token expired at {at}. Create a new one in Portico."),
        PermissionMissing { permission: &'static str } => (Forbidden, "permission_missing", "This access token lacks the `{permission}` permission."),
        TokenRoleForbidden { role: &'static str, permission: &'static str } => (Forbidden, "role_forbidden", "The token's owner is {role} in this project, which no longer allows `{permission}`."),
    }
}

type AccessResult<T> = Result<T, AccessError>;

#[derive(Debug, Clone)]
pub struct ProjectAccess {
    pub project: project::Model,
    pub role: Option<ProjectRole>,
    pub administrator: bool,
    /// The date the project's status (expired or not) is judged on.
    pub today: NaiveDate,
}

impl ProjectAccess {
    /// Loads the project as `account` sees it; 404 unless they are a member or an Administrator.
    pub async fn load(
        db: &impl ConnectionTrait,
        account: &account::Model,
        guid: Uuid,
        today: NaiveDate,
    ) -> AccessResult<Self> {
        Self::from_project(db, account, project_store::find(db, guid).await?, today).await
    }

    /// Same, locking the project row for the rest of the transaction.
    pub async fn load_for_update(
        db: &impl ConnectionTrait,
        account: &account::Model,
        guid: Uuid,
        today: NaiveDate,
    ) -> AccessResult<Self> {
        Self::from_project(db, account, project_store::find_for_update(db, guid).await?, today).await
    }

    /// Same, from the read cache: for reads (a change loads inside its own transaction).
    pub async fn cached(state: &Context, account: &account::Model, guid: Uuid) -> AccessResult<Self> {
        let membership = cached_membership(state, guid, account.id).await?;
        Self::decide(membership.project.clone(), membership.role, account, state.today())
    }

    async fn from_project(
        db: &impl ConnectionTrait,
        account: &account::Model,
        project: Option<project::Model>,
        today: NaiveDate,
    ) -> AccessResult<Self> {
        let project = project.ok_or(AccessError::ProjectNotFound)?;
        let role = role_in(db, project.id, account.id).await?;
        Self::decide(project, role, account, today)
    }

    fn decide(
        project: project::Model,
        role: Option<ProjectRole>,
        account: &account::Model,
        today: NaiveDate,
    ) -> AccessResult<Self> {
        let administrator = account.system_role == SystemRole::Administrator;
        if role.is_none() && !administrator {
            return Err(AccessError::ProjectNotFound);
        }
        Ok(Self { project, role, administrator, today })
    }

    pub fn status(&self) -> ProjectStatus {
        status_of(&self.project, self.today)
    }

    pub fn can(&self, action: Action) -> bool {
        if self.administrator {
            return true;
        }
        let Some(role) = self.role else { return false };
        if action != Action::ViewProject && self.status() == ProjectStatus::AwaitingPrimaryContact {
            return false;
        }
        projects::allows(role, action)
    }

    /// Every action the caller may take here.
    pub fn actions(&self) -> Vec<Action> {
        Action::ALL.into_iter().filter(|a| self.can(*a)).collect()
    }

    pub fn require(&self, action: Action) -> AccessResult<()> {
        if self.can(action) {
            return Ok(());
        }
        if self.role.is_some() && self.status() == ProjectStatus::AwaitingPrimaryContact {
            return Err(AccessError::AwaitingPrimaryContact);
        }
        let allowed: Vec<&str> = roles_allowed(action).iter().map(|r| r.label()).collect();
        let yours = self.role.map(|r| r.label()).unwrap_or("not a member");
        Err(AccessError::RoleForbidden { allowed: allowed.join(" or "), yours })
    }

    /// Refuses changes to an archived project.
    pub fn require_writable(&self) -> AccessResult<()> {
        if self.project.archived_at.is_some() {
            return Err(AccessError::ProjectArchived);
        }
        Ok(())
    }
}

/// `account`'s role in `project`; None when not a member.
async fn role_in(db: &impl ConnectionTrait, project: Uuid, account: Uuid) -> AccessResult<Option<ProjectRole>> {
    Ok(memberships::find(db, project, account).await?.map(|m| m.role))
}

/// A project and an account's role in it (none when not a member), as the read cache keeps them.
pub struct Membership {
    pub project: project::Model,
    pub role: Option<ProjectRole>,
}

/// The project `guid` and `account`'s role in it, from the read cache; 404 when there is no such project.
pub async fn cached_membership(state: &Context, guid: Uuid, account: Uuid) -> AccessResult<Arc<Membership>> {
    state
        .cache
        .get_or_load(CacheKey::Membership { project: guid, account }, || async {
            let project = project_store::find(&state.db, guid).await?.ok_or(AccessError::ProjectNotFound)?;
            let role = role_in(&state.db, guid, account).await?;
            Ok::<_, AccessError>(Membership { project, role })
        })
        .await
}

pub fn status_of(project: &project::Model, today: NaiveDate) -> ProjectStatus {
    projects::status(
        StatusFacts {
            archived: project.archived_at.is_some(),
            provisioned: project.provisioned_at.is_some(),
            primary_contact_joined: project.primary_contact_id.is_some(),
            expires_on: project.expires_on,
        },
        today,
    )
}
