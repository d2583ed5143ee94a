//! Projects: created by Administrators, provisioned by a worker, shown as a dashboard.

use chrono::{DateTime, NaiveDate, Utc};
use portico_domain::identity::Email;
use portico_domain::identity::SystemRole;
use portico_domain::paging::{Page, PageRequest};
use portico_domain::problem::FieldError;
use portico_domain::projects::api::{
    CreateProjectRequest, PrimaryContact, Project, ProjectSummary, UpdateProjectRequest,
};
use portico_domain::projects::{
    self, Environment, ProjectRole, ServicePlan, environments_for, environments_from_text, environments_to_text,
    parse_project_name,
};
use portico_store::entities::{account, project};
use portico_store::{accounts, audit, invitations, memberships, projects as project_store};
use sea_orm::{ActiveModelTrait, ConnectionTrait, IntoActiveModel, Set, TransactionTrait};
use uuid::Uuid;

use super::errors::Failure;
use super::invitations::queue_project_invitation;
use crate::audit::{AuditEventExt, event};
use crate::auth::project_access::{ProjectAccess, status_of};
use crate::context::Context;
use crate::http::client::ClientInfo;

pub type ProjectsResult<T> = Result<T, Failure>;

pub fn summary(project: &project::Model, role: Option<ProjectRole>, today: NaiveDate) -> ProjectSummary {
    ProjectSummary { guid: project.id, name: project.name.clone(), status: status_of(project, today), your_role: role }
}

/// Members plus pending invitations.
pub async fn seats_used(db: &impl ConnectionTrait, project_id: Uuid, now: DateTime<Utc>) -> ProjectsResult<u32> {
    let members = memberships::count(db, project_id).await?;
    let pending = invitations::count_pending(db, project_id, now).await?;
    Ok((members + pending) as u32)
}

fn plan_of(project: &project::Model) -> ServicePlan {
    project.service_plan
}

pub async fn dashboard(state: &Context, access: &ProjectAccess) -> ProjectsResult<Project> {
    let project = &access.project;
    let contact = match project.primary_contact_id {
        Some(id) => accounts::find(&state.db, id).await?,
        None => None,
    };
    Ok(Project {
        guid: project.id,
        name: project.name.clone(),
        service_region: project.service_region.clone(),
        service_plan: plan_of(project),
        expires_on: project.expires_on,
        status: access.status(),
        environments: environments_from_text(&project.environments),
        primary_contact: PrimaryContact {
            email: contact
                .as_ref()
                .and_then(|c| c.email.clone())
                .unwrap_or_else(|| project.primary_contact_email.clone()),
            account_id: contact.as_ref().map(|c| c.id),
            name: contact.as_ref().map(super::display_name),
        },
        hash_string_salt: project.hash_string_salt.clone(),
        seats: state.settings.seats(plan_of(project)),
        seats_used: seats_used(&state.db, project.id, state.now()).await?,
        created_at: project.created_at,
        your_role: access.role,
        your_actions: access.actions(),
        next_infrastructure_update: super::schedules::next_infrastructure_update(state, project.id).await?,
    })
}

/// The projects the caller can see: all of them for an Administrator, else their own.
pub async fn list(
    state: &Context,
    account: &account::Model,
    page: PageRequest,
) -> ProjectsResult<Page<ProjectSummary>> {
    let memberships = memberships::of_account(&state.db, account.id).await?;
    let role_in = |id: Uuid| memberships.iter().find(|m| m.project_id == id).map(|m| m.role);
    let (rows, total) = if account.system_role == SystemRole::Administrator {
        project_store::page_all(&state.db, page.offset(), page.limit()).await?
    } else {
        project_store::page_for_member(&state.db, account.id, page.offset(), page.limit()).await?
    };
    let items = rows.iter().map(|p| summary(p, role_in(p.id), state.today())).collect();
    Ok(Page::new(items, page, total))
}

/// The caller's own projects, for the project selector.
pub async fn of_member(state: &Context, account_id: Uuid) -> ProjectsResult<Vec<ProjectSummary>> {
    let mut projects = Vec::new();
    for membership in memberships::of_account(&state.db, account_id).await? {
        if let Some(project) = project_store::find(&state.db, membership.project_id).await? {
            projects.push(summary(&project, Some(membership.role), state.today()));
        }
    }
    projects.sort_by_key(|p| p.name.to_lowercase());
    Ok(projects)
}

pub async fn create(
    state: &Context,
    client: &ClientInfo,
    administrator: &account::Model,
    request: CreateProjectRequest,
) -> ProjectsResult<Project> {
    let mut errors = Vec::new();
    let name = parse_project_name(&request.name).map_err(|m| errors.push(FieldError::new("name", m)));
    if !projects::is_region(&request.service_region) {
        errors.push(FieldError::new("service_region", "is not a region Portico hosts in (e.g. westeurope, eastus)"));
    }
    if request.expires_on <= state.today() {
        errors.push(FieldError::new("expires_on", "must be in the future"));
    }
    let email = Email::parse(&request.primary_contact_email)
        .map_err(|m| errors.push(FieldError::new("primary_contact_email", m)));
    let environments = environments_for(request.service_plan, &request.environments)
        .map_err(|m| errors.push(FieldError::new("environments", m)));
    let (Ok(name), Ok(email), Ok(environments)) = (name, email, environments) else {
        return Err(Failure::Invalid(errors));
    };
    if !errors.is_empty() {
        return Err(Failure::Invalid(errors));
    }
    let now = state.now();
    let txn = state.db.begin().await?;
    let project = project_store::insert(
        &txn,
        project::ActiveModel {
            id: Set(Uuid::new_v4()),
            name: Set(name),
            service_region: Set(request.service_region.clone()),
            service_plan: Set(request.service_plan),
            expires_on: Set(request.expires_on),
            environments: Set(environments_to_text(&environments)),
            primary_contact_email: Set(email.as_str().to_owned()),
            primary_contact_id: Set(None),
            hash_string_salt: Set(None),
            provisioning_due_at: Set(now + state.settings.provisioning_delay()),
            provisioning_lease_until: Set(None),
            provisioned_at: Set(None),
            archived_at: Set(None),
            created_by: Set(Some(administrator.id)),
            created_at: Set(now),
            updated_at: Set(now),
        },
    )
    .await?;
    queue_project_invitation(state, &txn, &project, administrator, &email, ProjectRole::TenantAdministrator, now)
        .await?;
    let created = event("project.created", "success", client)
        .actor(administrator.id)
        .details(serde_json::json!({
            "name": project.name, "primary_contact_email": email.as_str(), "plan": project.service_plan,
        }))
        .project(project.id);
    audit::record(&txn, created, now).await?;
    txn.commit().await?;
    state.mailer.wake();
    let access = ProjectAccess { project, role: None, administrator: true, today: state.today() };
    dashboard(state, &access).await
}

pub async fn update(
    state: &Context,
    client: &ClientInfo,
    administrator: &account::Model,
    guid: Uuid,
    request: UpdateProjectRequest,
) -> ProjectsResult<Project> {
    let txn = state.db.begin().await?;
    let access = ProjectAccess::load_for_update(&txn, administrator, guid, state.today()).await?;
    access.require_writable()?;
    let current = access.project.clone();
    let mut errors = Vec::new();
    let mut model = current.clone().into_active_model();
    if let Some(name) = &request.name {
        match parse_project_name(name) {
            Ok(name) => model.name = Set(name),
            Err(m) => errors.push(FieldError::new("name", m)),
        }
    }
    if let Some(expires_on) = request.expires_on {
        model.expires_on = Set(expires_on);
    }
    let plan = request.service_plan.unwrap_or_else(|| plan_of(&current));
    let wanted: Vec<Environment> =
        request.environments.clone().unwrap_or_else(|| environments_from_text(&current.environments));
    match environments_for(plan, &wanted) {
        Ok(environments) => model.environments = Set(environments_to_text(&environments)),
        Err(m) => errors.push(FieldError::new(
            if request.environments.is_some() { "environments" } else { "service_plan" },
            format!("{m}; remove UAT first or keep the Custom plan"),
        )),
    }
    model.service_plan = Set(plan);
    if !errors.is_empty() {
        return Err(Failure::Invalid(errors));
    }
    let now = state.now();
    model.updated_at = Set(now);
    let project = project_store::update(&txn, model).await?;
    let updated = event("project.updated", "success", client)
        .actor(administrator.id)
        .details(serde_json::to_value(&request).unwrap_or_default())
        .project(project.id);
    audit::record(&txn, updated, now).await?;
    txn.commit().await?;
    dashboard(state, &ProjectAccess { project, ..access }).await
}

/// Archives a project: read-only, its tokens stop working.
pub async fn archive(
    state: &Context,
    client: &ClientInfo,
    administrator: &account::Model,
    guid: Uuid,
) -> ProjectsResult<()> {
    let now = state.now();
    let txn = state.db.begin().await?;
    let access = ProjectAccess::load_for_update(&txn, administrator, guid, state.today()).await?;
    if access.project.archived_at.is_some() {
        return Ok(());
    }
    let mut model = access.project.clone().into_active_model();
    model.archived_at = Set(Some(now));
    model.updated_at = Set(now);
    model.update(&txn).await?;
    let archived = event("project.archived", "success", client).actor(administrator.id).project(guid);
    audit::record(&txn, archived, now).await?;
    txn.commit().await?;
    Ok(())
}
