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
use crate::error::{ApiError, ApiResult};

#[derive(Debug, Clone)]
pub struct ProjectAccess {
    pub project: project::Model,
    pub role: Option<ProjectRole>,
    pub administrator: bool,
    /// The date the project's status (expired or not) is judged on.
    pub today: NaiveDate,
}

pub fn project_not_found() -> ApiError {
    ApiError::not_found("project_not_found", "There is no such project, or you are not a member of it.")
}

impl ProjectAccess {
    /// Loads the project as `account` sees it; 404 unless they are a member or an Administrator.
    pub async fn load(
        db: &impl ConnectionTrait,
        account: &account::Model,
        guid: Uuid,
        today: NaiveDate,
    ) -> ApiResult<Self> {
        Self::from_project(db, account, project_store::find(db, guid).await?, today).await
    }

    /// Same, locking the project row for the rest of the transaction.
    pub async fn load_for_update(
        db: &impl ConnectionTrait,
        account: &account::Model,
        guid: Uuid,
        today: NaiveDate,
    ) -> ApiResult<Self> {
        Self::from_project(db, account, project_store::find_for_update(db, guid).await?, today).await
    }

    /// Same, from the read cache: for reads (a change loads inside its own transaction).
    pub async fn cached(state: &Context, account: &account::Model, guid: Uuid) -> ApiResult<Self> {
        let membership = cached_membership(state, guid, account.id).await?;
        Self::decide(membership.project.clone(), membership.role, account, state.today())
    }

    async fn from_project(
        db: &impl ConnectionTrait,
        account: &account::Model,
        project: Option<project::Model>,
        today: NaiveDate,
    ) -> ApiResult<Self> {
        let project = project.ok_or_else(project_not_found)?;
        let role = role_in(db, project.id, account.id).await?;
        Self::decide(project, role, account, today)
    }

    fn decide(
        project: project::Model,
        role: Option<ProjectRole>,
        account: &account::Model,
        today: NaiveDate,
    ) -> ApiResult<Self> {
        let administrator = account.system_role == SystemRole::Administrator;
        if role.is_none() && !administrator {
            return Err(project_not_found());
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

    pub fn require(&self, action: Action) -> ApiResult<()> {
        if self.can(action) {
            return Ok(());
        }
        if self.role.is_some() && self.status() == ProjectStatus::AwaitingPrimaryContact {
            return Err(ApiError::forbidden(
                "awaiting_primary_contact",
                "Until the project's primary contact joins, only Administrators can act on it.",
            ));
        }
        let allowed: Vec<&str> = roles_allowed(action).iter().map(|r| r.label()).collect();
        let yours = self.role.map(|r| r.label()).unwrap_or("not a member");
        Err(ApiError::forbidden(
            "role_forbidden",
            format!("This needs the role {} in this project; you are {yours}.", allowed.join(" or ")),
        ))
    }

    /// Refuses changes to an archived project.
    pub fn require_writable(&self) -> ApiResult<()> {
        if self.project.archived_at.is_some() {
            return Err(ApiError::conflict("project_archived", "This project is archived and read-only."));
        }
        Ok(())
    }
}

/// `account`'s role in `project`; None when not a member.
async fn role_in(db: &impl ConnectionTrait, project: Uuid, account: Uuid) -> ApiResult<Option<ProjectRole>> {
    Ok(memberships::find(db, project, account).await?.map(|m| m.role))
}

/// A project and an account's role in it (none when not a member), as the read cache keeps them.
pub struct Membership {
    pub project: project::Model,
    pub role: Option<ProjectRole>,
}

/// The project `guid` and `account`'s role in it, from the read cache; 404 when there is no such project.
pub async fn cached_membership(state: &Context, guid: Uuid, account: Uuid) -> ApiResult<Arc<Membership>> {
    state
        .cache
        .get_or_load(CacheKey::Membership { project: guid, account }, || async {
            let project = project_store::find(&state.db, guid).await?.ok_or_else(project_not_found)?;
            let role = role_in(&state.db, guid, account).await?;
            Ok::<_, ApiError>(Membership { project, role })
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
