//! Deployments: the streamed package upload, the history, logs, promotion and cancellation.

use futures_util::{Stream, StreamExt};
use portico_domain::deployments::{Deployment, DeploymentKind, DeploymentState, PromoteRequest, UploadAccepted};
use portico_domain::paging::{Page, PageRequest};
use portico_domain::projects::{Action, Environment, ProjectStatus, environments_from_text};
use portico_domain::tokens::TokenPermission;
use portico_store::entities::{account, deployment};
use portico_store::{access_tokens, accounts, audit, deployments};
use sea_orm::{Set, TransactionTrait};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::errors::{Failure, use_case_error};
use crate::audit::{AuditEventExt, event};
use crate::auth::project_access::ProjectAccess;
use crate::auth::token::TokenCaller;
use crate::cache::CacheKey;
use crate::context::Context;
use crate::http::client::ClientInfo;

use_case_error! {
    /// Why an upload, a promotion or a cancellation was refused.
    pub enum DeploymentsError {
        DeploymentNotFound => (NotFound, "deployment_not_found", "This project has no such deployment."),
        PackageDeleted => (Conflict, "package_deleted", "The package of this deployment is no longer kept."),
        NotScheduled => (Conflict, "not_scheduled", "Only a scheduled promotion that has not started can be cancelled."),
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

/// The upload request before its body is read.
pub struct UploadRequest<'a> {
    pub guid: Uuid,
    pub environment: &'a str,
    pub content_type: Option<&'a str>,
    pub content_length: Option<u64>,
}

fn too_large(limit: u64) -> DeploymentsError {
    DeploymentsError::PackageTooLarge { limit }
}

/// How often (in bytes written) the free disk space is looked at during an upload.
const FREE_SPACE_CHECK_EVERY: u64 = 8 << 20;

/// Refuses an upload that would take the project past its package quota or the package folder
/// below its free-space floor, counting `incoming` more bytes.
fn check_storage(
    state: &Context,
    project: Uuid,
    stored: u64,
    incoming: u64,
    check_disk: bool,
) -> DeploymentsResult<()> {
    let quota = state.settings.package_quota.0;
    let in_flight = state.uploads.in_flight_bytes(project);
    if stored.saturating_add(in_flight).saturating_add(incoming) > quota {
        return Err(DeploymentsError::QuotaReached { quota, stored });
    }
    let floor = state.settings.min_free_disk.0;
    if check_disk
        && let Some(free) = state.packages.free_bytes()
        && free.saturating_sub(incoming) < floor
    {
        return Err(DeploymentsError::DiskNearlyFull { floor });
    }
    Ok(())
}

fn not_a_zip() -> DeploymentsError {
    DeploymentsError::NotAZip
}

/// Streams a package into storage (hashing it on the way) and queues its deployment. Memory
/// stays flat whatever the size; an interrupted upload leaves neither a file nor a row.
pub async fn upload(
    state: &Context,
    client: &ClientInfo,
    caller: &TokenCaller,
    request: UploadRequest<'_>,
    mut body: impl Stream<Item = Result<impl AsRef<[u8]>, impl std::fmt::Display>> + Unpin,
) -> DeploymentsResult<UploadAccepted> {
    let access = caller.project_access(state, request.guid).await?;
    let environment = project_environment(&access, request.environment)?;
    caller.require(&access, TokenPermission::for_environment(environment))?;
    require_deployable(state, &access).await?;
    let mime = request.content_type.map(|c| c.split(';').next().unwrap_or("").trim().to_ascii_lowercase());
    if !matches!(mime.as_deref(), Some("application/zip" | "application/x-zip-compressed")) {
        return Err(not_a_zip());
    }
    let limit = state.settings.upload_limit.0;
    if request.content_length.is_some_and(|length| length > limit) {
        return Err(too_large(limit));
    }
    let project = access.project.id;
    let slot = state
        .uploads
        .enter(project)
        .ok_or(DeploymentsError::TooManyUploads { allowed: state.settings.uploads_per_project })?;
    let stored = deployments::stored_package_bytes(&state.db, project).await?;
    if let Err(full) = check_storage(state, project, stored, request.content_length.unwrap_or(0), true) {
        tracing::warn!(project = %project, "upload refused: {}", full);
        return Err(full);
    }

    let id = Uuid::now_v7();
    let key = id.to_string();
    let mut writer = state.packages.begin(&key).await.map_err(Failure::internal)?;
    let mut hasher = Sha256::new();
    let mut size: u64 = 0;
    let mut head: Vec<u8> = Vec::with_capacity(4);
    let received: DeploymentsResult<()> = async {
        while let Some(chunk) = body.next().await {
            let chunk = chunk.map_err(|e| DeploymentsError::UploadInterrupted { cause: e.to_string() })?;
            let chunk = chunk.as_ref();
            let before = size;
            size += chunk.len() as u64;
            if size > limit {
                return Err(too_large(limit));
            }
            // This upload's own bytes are in the gate's count; the check adds the next chunk.
            let check_disk = before / FREE_SPACE_CHECK_EVERY != size / FREE_SPACE_CHECK_EVERY;
            check_storage(state, project, stored, chunk.len() as u64, check_disk)?;
            slot.add(chunk.len() as u64);
            if head.len() < 4 {
                head.extend(chunk.iter().take(4 - head.len()));
                if head.len() == 4 && head != b"PK\x03\x04" && head != b"PK\x05\x06" {
                    return Err(not_a_zip());
                }
            }
            hasher.update(chunk);
            writer.write(chunk).await.map_err(Failure::internal)?;
        }
        if head.len() < 4 {
            return Err(not_a_zip());
        }
        Ok(())
    }
    .await;
    if let Err(error) = received {
        writer.abort().await;
        if matches!(error, DeploymentsError::QuotaReached { .. } | DeploymentsError::DiskNearlyFull { .. }) {
            tracing::warn!(project = %project, "upload stopped: {}", error);
        }
        return Err(error);
    }
    writer.commit().await.map_err(Failure::internal)?;

    let sha256 = hex::encode(hasher.finalize());
    let now = state.now();
    let stored: DeploymentsResult<deployment::Model> = async {
        let txn = state.db.begin().await?;
        let row = deployments::insert(
            &txn,
            deployment::ActiveModel {
                id: Set(id),
                project_id: Set(access.project.id),
                environment: Set(environment),
                kind: Set(DeploymentKind::Upload),
                state: Set(DeploymentState::Queued),
                package_key: Set(Some(key.clone())),
                package_size: Set(size as i64),
                package_sha256: Set(sha256.clone()),
                package_version: Set(None),
                build_number: Set(None),
                promoted_from: Set(None),
                created_by: Set(Some(caller.owner.id)),
                token_id: Set(Some(caller.token.id)),
                created_at: Set(now),
                scheduled_at: Set(None),
                started_at: Set(None),
                finished_at: Set(None),
                lease_until: Set(None),
                log: Set(format!("{} Package received: {size} bytes, SHA-256 {sha256}\n", now.format("%H:%M:%S"))),
            },
        )
        .await?;
        let uploaded =  event("deployment.uploaded", "success", client).actor(caller.owner.id).details(serde_json::json!({
            "deployment": id, "environment": environment.as_str(), "size": size, "sha256": sha256, "token": caller.token.id,
        })).project(access.project.id);
        audit::record(&txn, uploaded, now).await?;
        txn.commit().await?;
        Ok(row)
    }
    .await;
    let row = match stored {
        Ok(row) => row,
        Err(error) => {
            let _ = state.packages.delete(&key).await;
            return Err(error);
        }
    };
    state.wake_runner.notify_one();
    Ok(UploadAccepted {
        id: row.id,
        state: DeploymentState::Queued,
        environment,
        package_size: row.package_size,
        package_sha256: row.package_sha256,
    })
}

async fn to_dtos(state: &Context, rows: Vec<deployment::Model>) -> DeploymentsResult<Vec<Deployment>> {
    let mut people: Vec<Uuid> = rows.iter().filter_map(|d| d.created_by).collect();
    people.sort();
    people.dedup();
    let people = accounts::find_many(&state.db, people).await?;
    let mut token_names = Vec::new();
    for token_id in rows.iter().filter_map(|d| d.token_id) {
        if !token_names.iter().any(|(id, _)| *id == token_id)
            && let Some(project_id) = rows.first().map(|d| d.project_id)
            && let Some(token) = access_tokens::find_in_project(&state.db, project_id, token_id).await?
        {
            token_names.push((token_id, token.display_name));
        }
    }
    Ok(rows
        .into_iter()
        .map(|d| Deployment {
            id: d.id,
            environment: d.environment,
            kind: if d.kind == DeploymentKind::Promotion { DeploymentKind::Promotion } else { DeploymentKind::Upload },
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
            Ok::<_, DeploymentsError>((to_dtos(state, rows).await?, total))
        })
        .await?;
    Ok(Page::new(found.0.clone(), page, found.1))
}

fn deployment_not_found() -> DeploymentsError {
    DeploymentsError::DeploymentNotFound
}

pub async fn log(state: &Context, access: &ProjectAccess, id: Uuid) -> DeploymentsResult<String> {
    access.require(Action::ViewProject)?;
    let row = deployments::find_in_project(&state.db, access.project.id, id).await?.ok_or_else(deployment_not_found)?;
    Ok(row.log)
}

fn action_for(environment: Environment) -> Action {
    if environment.is_production() { Action::DeployProduction } else { Action::DeployNonProduction }
}

/// Promotes the latest succeeded package of an environment to a later one, now or at a
/// scheduled time.
pub async fn promote(
    state: &Context,
    client: &ClientInfo,
    access: &ProjectAccess,
    actor: &account::Model,
    id: Uuid,
    request: PromoteRequest,
) -> DeploymentsResult<Deployment> {
    let target = request.environment;
    access.require(action_for(target))?;
    require_deployable(state, access).await?;
    let source =
        deployments::find_in_project(&state.db, access.project.id, id).await?.ok_or_else(deployment_not_found)?;
    let source_environment = source.environment;
    if !environments_from_text(&access.project.environments).contains(&target) {
        return Err(environment_not_found(target.as_str()));
    }
    if target <= source_environment {
        return Err(Failure::invalid_field(
            "environment",
            format!("a {} deployment can be promoted only to a later environment", source_environment.label()),
        )
        .into());
    }
    let latest = deployments::latest_succeeded(&state.db, access.project.id, source.environment).await?;
    if latest.as_ref().map(|d| d.id) != Some(source.id) {
        return Err(DeploymentsError::NotLatestPackage { environment: source_environment.label() });
    }
    if source.package_key.is_none() && source.kind == DeploymentKind::Upload {
        return Err(DeploymentsError::PackageDeleted);
    }
    let now = state.now();
    let state_now = match request.scheduled_at {
        Some(at) if at > now => DeploymentState::Scheduled,
        Some(_) => return Err(Failure::invalid_field("scheduled_at", "must be in the future").into()),
        None => DeploymentState::Queued,
    };
    let txn = state.db.begin().await?;
    let row = deployments::insert(
        &txn,
        deployment::ActiveModel {
            id: Set(Uuid::now_v7()),
            project_id: Set(access.project.id),
            environment: Set(target),
            kind: Set(DeploymentKind::Promotion),
            state: Set(state_now),
            package_key: Set(source.package_key.clone()),
            package_size: Set(source.package_size),
            package_sha256: Set(source.package_sha256.clone()),
            package_version: Set(source.package_version.clone()),
            build_number: Set(source.build_number.clone()),
            promoted_from: Set(Some(source.id)),
            created_by: Set(Some(actor.id)),
            token_id: Set(None),
            created_at: Set(now),
            scheduled_at: Set(request.scheduled_at),
            started_at: Set(None),
            finished_at: Set(None),
            lease_until: Set(None),
            log: Set(format!(
                "{} Promotion of build {} from {} to {} {}\n",
                now.format("%H:%M:%S"),
                source.build_number.as_deref().unwrap_or("?"),
                source_environment.label(),
                target.label(),
                match request.scheduled_at {
                    Some(at) => format!("scheduled for {}", at.to_rfc3339()),
                    None => "queued".to_owned(),
                }
            )),
        },
    )
    .await?;
    let promoted =  event("deployment.promoted", "success", client).actor(actor.id).details(serde_json::json!({
        "deployment": row.id, "from": source.id, "environment": target.as_str(), "scheduled_at": request.scheduled_at,
    })).project(access.project.id);
    audit::record(&txn, promoted, now).await?;
    txn.commit().await?;
    state.wake_runner.notify_one();
    Ok(to_dtos(state, vec![row]).await?.remove(0))
}

/// Cancels a scheduled promotion that has not started.
pub async fn cancel(
    state: &Context,
    client: &ClientInfo,
    access: &ProjectAccess,
    actor: &account::Model,
    id: Uuid,
) -> DeploymentsResult<Deployment> {
    let row = deployments::find_in_project(&state.db, access.project.id, id).await?.ok_or_else(deployment_not_found)?;
    access.require(action_for(row.environment))?;
    let now = state.now();
    let txn = state.db.begin().await?;
    if !deployments::transition(&txn, id, DeploymentState::Scheduled, DeploymentState::Cancelled).await? {
        return Err(DeploymentsError::NotScheduled);
    }
    deployments::finish(
        &txn,
        id,
        DeploymentState::Cancelled,
        &format!("{}{} Cancelled\n", row.log, now.format("%H:%M:%S")),
        row.package_version.clone(),
        row.build_number.clone(),
        now,
    )
    .await?;
    let cancelled = event("deployment.cancelled", "success", client)
        .actor(actor.id)
        .details(serde_json::json!({"deployment": id}))
        .project(access.project.id);
    audit::record(&txn, cancelled, now).await?;
    txn.commit().await?;
    let row = deployments::find_in_project(&state.db, access.project.id, id).await?.ok_or_else(deployment_not_found)?;
    Ok(to_dtos(state, vec![row]).await?.remove(0))
}
