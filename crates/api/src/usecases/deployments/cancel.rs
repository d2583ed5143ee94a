//! Cancellation: a scheduled or queued deployment ends at once; a running one is asked to stop
//! (the runner, on whichever server runs it, stops its command and ends it as `cancelled`).

use portico_domain::deployments::{Deployment, DeploymentState};
use portico_store::entities::{account, deployment};
use portico_store::{audit, deployment_logs, deployments};
use sea_orm::TransactionTrait;
use uuid::Uuid;

use super::{DeploymentsError, DeploymentsResult, action_for, deployment_not_found, to_dtos};
use crate::audit::{AuditEventExt, event};
use crate::auth::project_access::ProjectAccess;
use crate::context::Context;
use crate::http::client::ClientInfo;

/// How a cancellation went.
pub enum Cancelled {
    /// It had not started: it is `cancelled` now.
    Now(Deployment),
    /// It runs: its command is being stopped.
    Requested(Deployment),
}

pub async fn cancel(
    state: &Context,
    client: &ClientInfo,
    access: &ProjectAccess,
    actor: &account::Model,
    id: Uuid,
) -> DeploymentsResult<Cancelled> {
    let row = deployments::find_in_project(&state.db, access.project.id, id).await?.ok_or_else(deployment_not_found)?;
    access.require(action_for(row.environment))?;
    let who = crate::usecases::display_name(actor);
    let now = state.now();
    let txn = state.db.begin().await?;
    // A queued deployment may be claimed meanwhile: then it is running, and asked to stop.
    let not_started = matches!(row.state, DeploymentState::Scheduled | DeploymentState::Queued)
        && deployments::transition(&txn, id, row.state, DeploymentState::Cancelled).await?;
    let requested = if not_started {
        deployments::finish(
            &txn,
            id,
            DeploymentState::Cancelled,
            row.package_version.clone(),
            row.build_number.clone(),
            now,
        )
        .await?;
        deployment_logs::say(&txn, id, now, format!("Cancelled by {who} before it started")).await?;
        let cancelled = event("deployment.cancelled", "success", client)
            .actor(actor.id)
            .details(serde_json::json!({"deployment": id, "environment": row.environment, "while": row.state}))
            .project(access.project.id);
        audit::record(&txn, cancelled, now).await?;
        let cancelled_row =
            deployment::Model { state: DeploymentState::Cancelled, finished_at: Some(now), ..row.clone() };
        crate::usecases::webhooks::announce::deployment(state, &txn, &cancelled_row, None, now).await?;
        false
    } else {
        let current =
            deployments::find_in_project(&txn, access.project.id, id).await?.ok_or_else(deployment_not_found)?;
        if current.state != DeploymentState::InProgress {
            return Err(DeploymentsError::DeploymentFinished { state: current.state.as_str() });
        }
        if deployments::request_cancel(&txn, id, actor.id, now).await? {
            deployment_logs::say(&txn, id, now, format!("Cancellation asked by {who}: stopping the command")).await?;
            let asked = event("deployment.cancel_requested", "success", client)
                .actor(actor.id)
                .details(serde_json::json!({"deployment": id, "environment": row.environment}))
                .project(access.project.id);
            audit::record(&txn, asked, now).await?;
        }
        true
    };
    txn.commit().await?;
    state.wake_webhooks.notify_one();
    let row = deployments::find_in_project(&state.db, access.project.id, id).await?.ok_or_else(deployment_not_found)?;
    let deployment = to_dtos(&state.db, vec![row]).await?.remove(0);
    Ok(if requested { Cancelled::Requested(deployment) } else { Cancelled::Now(deployment) })
}
