//! The package upload: streamed into the package store (hashed on the way, within the quota,
//! the free-disk floor and the per-project concurrency), then queued for the runner.

use futures_util::{Stream, StreamExt};
use portico_domain::deployments::{DeploymentKind, DeploymentState, UploadAccepted};
use portico_domain::tokens::TokenPermission;
use portico_store::entities::deployment;
use portico_store::{audit, deployment_logs, deployments};
use sea_orm::{Set, TransactionTrait};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::{DeploymentsError, DeploymentsResult, project_environment, require_deployable};
use crate::audit::{AuditEventExt, event};
use crate::auth::token::TokenCaller;
use crate::context::Context;
use crate::http::client::ClientInfo;
use crate::usecases::errors::Failure;

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
        let mut row = super::new_row(
            id,
            access.project.id,
            environment,
            DeploymentKind::Upload,
            DeploymentState::Queued,
            Some(caller.owner.id),
            now,
        );
        row.package_key = Set(Some(key.clone()));
        row.package_size = Set(size as i64);
        row.package_sha256 = Set(sha256.clone());
        row.token_id = Set(Some(caller.token.id));
        let row = deployments::insert(&txn, row).await?;
        deployment_logs::say(&txn, id, now, format!("Package received: {size} bytes, SHA-256 {sha256}")).await?;
        let uploaded =  event("deployment.uploaded", "success", client).actor(caller.owner.id).details(serde_json::json!({
            "deployment": id, "environment": environment.as_str(), "size": size, "sha256": sha256, "token": caller.token.id, "token_name": caller.token.display_name,
        })).project(access.project.id);
        audit::record(&txn, uploaded, now).await?;
        crate::usecases::webhooks::announce::deployment(state, &txn, &row, None, now).await?;
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
    state.wake_webhooks.notify_one();
    Ok(UploadAccepted {
        id: row.id,
        state: DeploymentState::Queued,
        environment,
        package_size: row.package_size,
        package_sha256: row.package_sha256,
    })
}
