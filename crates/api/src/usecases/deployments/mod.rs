//! Deployments: the streamed package upload, the history, the log (whole or followed as it is
//! written), promotion, cancellation and restarts. The runner (in `workers`) does the work.

mod cancel;
mod log;
mod promote;
mod restart;
mod upload;

pub use cancel::{Cancelled, cancel};
pub use log::{follow, log};
pub use promote::promote;
pub use restart::restart;
pub use upload::{UploadRequest, upload};

use chrono::{DateTime, Utc};
use portico_domain::deployments::{Deployment, DeploymentKind, DeploymentState};
use portico_domain::paging::{Page, PageRequest};
use portico_domain::projects::{Action, Environment, ProjectStatus, environments_from_text};
use portico_store::entities::deployment;
use portico_store::{access_tokens, accounts, deployments};
use sea_orm::Set;
use uuid::Uuid;

use super::errors::use_case_error;
use crate::auth::project_access::ProjectAccess;
use crate::cache::CacheKey;
use crate::context::Context;

use_case_error! {
    /// Why an upload, a promotion, a cancellation or a restart was refused.
    pub enum DeploymentsError {
        DeploymentNotFound => (NotFound, "deployment_not_found", "This project has no such deployment."),
        PackageDeleted => (Conflict, "package_deleted", "The package of this deployment is no longer kept."),
        DeploymentFinished { state: &'static str } => (Conflict, "deployment_finished", "This deployment has ended ({state}); only a scheduled, queued or running one can be cancelled."),
        RestartNotConfigured { environment: &'static str } => (NotFound, "restart_not_configured", "No restart command is configured for {environment} (PORTICO_RESTART_COMMAND, or PORTICO_RESTART_COMMAND_<ENV>); ask the operator to set one."),
        NotAZip => (UnsupportedMediaType, "not_a_zip", "Send the deployment package as a ZIP file with `Content-Type: application/zip`."),
        EnvironmentNotFound { name: String } => (NotFound, "environment_not_found", "This project has no environment `{name}`; see its dashboard for the ones it has."),
        ProjectProvisioning => (Unavailable, "project_provisioning", "The project's infrastructure is still being set up. Try again in a minute.", retry_after = 60),
        PackageTooLarge { limit: u64 } => (PayloadTooLarge, "package_too_large", "The package is larger than the limit of {limit} bytes (PORTICO_UPLOAD_LIMIT)."),
        QuotaReached { quota: u64, stored: u64 } => (InsufficientStorage, "storage_full", "This project's packages would take more than its quota of {quota} bytes (PORTICO_PACKAGE_QUOTA); {stored} bytes are kept. Delete old deployments' packages (PORTICO_PACKAGE_RETENTION) or ask the operator to raise the quota."),
        DiskNearlyFull { floor: u64 } => (InsufficientStorage, "storage_full", "The server's package storage is nearly full (it keeps {floor} bytes free, PORTICO_MIN_FREE_DISK). Try again later; the operator has been told by this log."),
        TooManyUploads { allowed: u32 } => (TooManyRequests, "too_many_uploads", "This project already has {allowed} uploads under way (PORTICO_UPLOADS_PER_PROJECT); wait for one to finish.", retry_after = 10),
        UploadInterrupted { cause: String } => (BadRequest, "upload_interrupted", "The upload broke off: {cause}"),
        NotLatestPackage { environment: &'static str } => (Conflict, "not_latest_package", "Only the latest succeeded deployment of {environment} can be promoted."),
    }
    from { crate::auth::project_access::AccessError, crate::auth::limits::ThrottleError, super::LinkError, crate::auth::passwords::Busy, super::windows::MaintenanceInProgress }
}

pub type DeploymentsResult<T> = Result<T, DeploymentsError>;

fn environment_not_found(text: &str) -> DeploymentsError {
    DeploymentsError::EnvironmentNotFound { name: text.to_owned() }
}

/// The environment named in a path, if the project has it.
pub fn project_environment(access: &ProjectAccess, text: &str) -> DeploymentsResult<Environment> {
    let environment = Environment::parse(text).ok_or_else(|| environment_not_found(text))?;
    if !environments_from_text(&access.project.environments).contains(&environment) {
        return Err(environment_not_found(text));
    }
    Ok(environment)
}

/// Refuses deployments while the project is still being provisioned or during maintenance.
async fn require_deployable(state: &Context, access: &ProjectAccess) -> DeploymentsResult<()> {
    access.require_writable()?;
    super::windows::gate_deployments(&state.db, state.now()).await?;
    if access.status() == ProjectStatus::Provisioning {
        return Err(DeploymentsError::ProjectProvisioning);
    }
    Ok(())
}

/// Deployments as the API shows them (who started them, by name).
pub(crate) async fn to_dtos(
    db: &impl sea_orm::ConnectionTrait,
    rows: Vec<deployment::Model>,
) -> Result<Vec<Deployment>, portico_store::StoreError> {
    let mut people: Vec<Uuid> = rows.iter().filter_map(|d| d.created_by).collect();
    people.sort();
    people.dedup();
    let people = accounts::find_many(db, people).await?;
    let mut token_names = Vec::new();
    for token_id in rows.iter().filter_map(|d| d.token_id) {
        if !token_names.iter().any(|(id, _)| *id == token_id)
            && let Some(project_id) = rows.first().map(|d| d.project_id)
            && let Some(token) = access_tokens::find_in_project(db, project_id, token_id).await?
        {
            token_names.push((token_id, token.display_name));
        }
    }
    Ok(rows
        .into_iter()
        .map(|d| Deployment {
            id: d.id,
            environment: d.environment,
            kind: d.kind,
            state: d.state,
            build_number: d.build_number,
            package_size: d.package_size,
            package_sha256: d.package_sha256,
            promoted_from: d.promoted_from,
            created_by: d.created_by.and_then(|id| people.iter().find(|a| a.id == id)).map(super::display_name),
            token_name: d.token_id.and_then(|id| token_names.iter().find(|(t, _)| *t == id)).map(|(_, n)| n.clone()),
            created_at: d.created_at,
            scheduled_at: d.scheduled_at,
            started_at: d.started_at,
            finished_at: d.finished_at,
            cancel_requested_at: d.cancel_requested_at,
        })
        .collect())
}

pub async fn list(state: &Context, access: &ProjectAccess, page: PageRequest) -> DeploymentsResult<Page<Deployment>> {
    access.require(Action::ViewProject)?;
    let key = CacheKey::Deployments { project: access.project.id, offset: page.offset(), limit: page.limit() };
    let found = state
        .cache
        .get_or_load(key, || async {
            let (rows, total) = deployments::page(&state.db, access.project.id, page.offset(), page.limit()).await?;
            Ok::<_, DeploymentsError>((to_dtos(&state.db, rows).await?, total))
        })
        .await?;
    Ok(Page::new(found.0.clone(), page, found.1))
}

fn deployment_not_found() -> DeploymentsError {
    DeploymentsError::DeploymentNotFound
}

/// What a role must be allowed to deploy to, cancel on or restart `environment`.
fn action_for(environment: Environment) -> Action {
    if environment.is_production() { Action::DeployProduction } else { Action::DeployNonProduction }
}

/// A new deployment row: what every kind shares, without a package.
fn new_row(
    id: Uuid,
    project: Uuid,
    environment: Environment,
    kind: DeploymentKind,
    state: DeploymentState,
    created_by: Option<Uuid>,
    now: DateTime<Utc>,
) -> deployment::ActiveModel {
    deployment::ActiveModel {
        id: Set(id),
        project_id: Set(project),
        environment: Set(environment),
        kind: Set(kind),
        state: Set(state),
        package_key: Set(None),
        package_size: Set(0),
        package_sha256: Set(String::new()),
        package_version: Set(None),
        build_number: Set(None),
        promoted_from: Set(None),
        created_by: Set(created_by),
        token_id: Set(None),
        created_at: Set(now),
        scheduled_at: Set(None),
        started_at: Set(None),
        finished_at: Set(None),
        lease_until: Set(None),
        log: Set(String::new()),
        runner: Set(None),
        cancel_requested_at: Set(None),
        cancel_requested_by: Set(None),
    }
}
