//! Promotion: the latest succeeded package of an environment deployed to a later one, now or
//! at a scheduled time (the same stored package, run through the new environment's target).

use portico_domain::deployments::{Deployment, DeploymentKind, DeploymentState, PromoteRequest};
use portico_domain::projects::environments_from_text;
use portico_store::entities::account;
use portico_store::{audit, deployment_logs, deployments};
use sea_orm::{Set, TransactionTrait};
use uuid::Uuid;

use super::{
    DeploymentsError, DeploymentsResult, action_for, deployment_not_found, environment_not_found, require_deployable,
    to_dtos,
};
use crate::audit::{AuditEventExt, event};
use crate::auth::project_access::ProjectAccess;
use crate::context::Context;
use crate::http::client::ClientInfo;
use crate::usecases::errors::Failure;

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
    let id = Uuid::now_v7();
    let mut row =
        super::new_row(id, access.project.id, target, DeploymentKind::Promotion, state_now, Some(actor.id), now);
    row.package_key = Set(source.package_key.clone());
    row.package_size = Set(source.package_size);
    row.package_sha256 = Set(source.package_sha256.clone());
    row.package_version = Set(source.package_version.clone());
    row.build_number = Set(source.build_number.clone());
    row.promoted_from = Set(Some(source.id));
    row.scheduled_at = Set(request.scheduled_at);
    let row = deployments::insert(&txn, row).await?;
    let when = match request.scheduled_at {
        Some(at) => format!("scheduled for {}", crate::usecases::format_time(at)),
        None => "queued".to_owned(),
    };
    let build = source.build_number.as_deref().unwrap_or("?");
    let (from, to) = (source_environment.label(), target.label());
    deployment_logs::say(&txn, id, now, format!("Promotion of build {build} from {from} to {to} {when}")).await?;
    let promoted =  event("deployment.promoted", "success", client).actor(actor.id).details(serde_json::json!({
        "deployment": row.id, "from": source.id, "environment": target.as_str(), "scheduled_at": request.scheduled_at,
    })).project(access.project.id);
    audit::record(&txn, promoted, now).await?;
    crate::usecases::webhooks::announce::deployment(state, &txn, &row, None, now).await?;
    txn.commit().await?;
    state.wake_runner.notify_one();
    state.wake_webhooks.notify_one();
    Ok(to_dtos(&state.db, vec![row]).await?.remove(0))
}
