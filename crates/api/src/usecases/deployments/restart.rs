//! Restarting an environment's application: the operator's restart command, run by the
//! deployment runner as an operation of kind `restart` in the project's queue and history.

use portico_domain::deployments::{Deployment, DeploymentKind, DeploymentState};
use portico_domain::tokens::TokenPermission;
use portico_store::{audit, deployment_logs, deployments};
use sea_orm::{Set, TransactionTrait};
use uuid::Uuid;

use super::{DeploymentsError, DeploymentsResult, action_for, project_environment, require_deployable, to_dtos};
use crate::audit::{AuditEventExt, event};
use crate::auth::token::Caller;
use crate::context::Context;
use crate::http::client::ClientInfo;

/// Queues a restart of `environment` (QA and UAT: every role; STG and PROD: Tenant
/// Administrators and DevOps Engineers; a token needs the environment's deploy permission).
pub async fn restart(
    state: &Context,
    client: &ClientInfo,
    caller: &Caller,
    guid: Uuid,
    environment: &str,
) -> DeploymentsResult<Deployment> {
    let access = caller.project_access(state, guid).await?;
    let environment = project_environment(&access, environment)?;
    let (actor, token) = match caller {
        Caller::Session(current) => {
            access.require(action_for(environment))?;
            (current.account.id, None)
        }
        Caller::Token(token) => {
            token.require(&access, TokenPermission::for_environment(environment))?;
            (token.owner.id, Some(token.token.id))
        }
    };
    require_deployable(state, &access).await?;
    let Some(command) = state.deploy_targets.restart(environment) else {
        return Err(DeploymentsError::RestartNotConfigured { environment: environment.label() });
    };
    let now = state.now();
    let id = Uuid::now_v7();
    let txn = state.db.begin().await?;
    let mut row = super::new_row(
        id,
        access.project.id,
        environment,
        DeploymentKind::Restart,
        DeploymentState::Queued,
        Some(actor),
        now,
    );
    row.token_id = Set(token);
    let row = deployments::insert(&txn, row).await?;
    let what = crate::deploy_targets::describe(command);
    deployment_logs::say(&txn, id, now, format!("Restart of {} queued ({what})", environment.label())).await?;
    let queued = event("deployment.restart_queued", "success", client)
        .actor(actor)
        .details(serde_json::json!({"deployment": id, "environment": environment, "token": token}))
        .project(access.project.id);
    audit::record(&txn, queued, now).await?;
    crate::usecases::webhooks::announce::deployment(state, &txn, &row, None, now).await?;
    txn.commit().await?;
    state.wake_runner.notify_one();
    state.wake_webhooks.notify_one();
    Ok(to_dtos(&state.db, vec![row]).await?.remove(0))
}
