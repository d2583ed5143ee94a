//! How a run's outcome is stored: the deployment's final state, then what follows it in the
//! same transaction (an alert with its emails and webhook for a failure, the audit event), and
//! the package retention once an upload has ended.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use portico_domain::alerts::AlertType;
use portico_domain::deployments::{DeploymentKind, DeploymentState};
use portico_store::entities::deployment;
use portico_store::{audit, deployments, projects as project_store};
use sea_orm::{DatabaseTransaction, TransactionTrait};
use uuid::Uuid;

use crate::audit::AuditEventExt;
use crate::context::Context;
use crate::usecases::alerts::NewAlert;
use crate::usecases::webhooks::announce;

/// How a run ended.
#[derive(Debug)]
pub enum Outcome {
    Succeeded {
        version: Option<String>,
        build: Option<String>,
    },
    Failed(String),
    /// Stopped on request (by this account, if known).
    Cancelled(Option<Uuid>),
    /// Another server failed it after this one's lease ran out: nothing more to store.
    Abandoned,
}

pub async fn conclude(context: &Arc<Context>, row: &deployment::Model, outcome: Outcome) -> anyhow::Result<()> {
    let now = context.now();
    let state = match &outcome {
        Outcome::Succeeded { .. } => DeploymentState::Succeeded,
        Outcome::Failed(_) => DeploymentState::Failed,
        Outcome::Cancelled(_) => DeploymentState::Cancelled,
        Outcome::Abandoned => return Ok(()),
    };
    let release = match &outcome {
        Outcome::Succeeded { version, build } => Some((version.clone(), build.clone())),
        _ => None,
    };
    let build = release.as_ref().and_then(|(_, build)| build.clone()).or_else(|| row.build_number.clone());
    let txn = context.db.begin().await?;
    if !deployments::finish_run(&txn, row.id, &context.instance, state, release, now).await? {
        // Its lease ran out and another server failed it meanwhile.
        txn.rollback().await?;
        return Ok(());
    }
    match outcome {
        Outcome::Succeeded { .. } => {
            let succeeded = crate::audit::event("deployment.succeeded", "success", &Default::default())
                .details(serde_json::json!({
                    "deployment": row.id, "kind": row.kind.as_str(), "environment": row.environment, "build_number": build,
                }))
                .project(row.project_id);
            audit::record(&txn, succeeded, now).await?;
            let ended = deployment::Model { state, build_number: build.clone(), finished_at: Some(now), ..row.clone() };
            announce::deployment(context, &txn, &ended, None, now).await?;
        }
        Outcome::Failed(reason) => record_failure(context, &txn, row, &reason, now).await?,
        Outcome::Cancelled(by) => {
            let cancelled = crate::audit::event("deployment.cancelled", "success", &Default::default())
                .details(serde_json::json!({"deployment": row.id, "environment": row.environment, "while": "running"}))
                .project(row.project_id);
            let cancelled = match by {
                Some(by) => cancelled.actor(by),
                None => cancelled,
            };
            audit::record(&txn, cancelled, now).await?;
            let ended = deployment::Model { state, finished_at: Some(now), ..row.clone() };
            announce::deployment(context, &txn, &ended, None, now).await?;
        }
        Outcome::Abandoned => unreachable!("returned above"),
    }
    txn.commit().await?;
    context.mailer.wake();
    context.wake_webhooks.notify_one();
    if row.kind == DeploymentKind::Upload {
        enforce_retention(context, row.project_id).await?;
    }
    Ok(())
}

/// A failed deployment's alert (emails to the members it reaches, the webhook) and audit event.
pub async fn record_failure(
    context: &Context,
    txn: &DatabaseTransaction,
    row: &deployment::Model,
    reason: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let environment = row.environment;
    if let Some(project) = project_store::find(txn, row.project_id).await? {
        let message = match row.kind {
            DeploymentKind::Restart => format!("Restart {} of {} failed: {reason}", row.id, environment.label()),
            _ => format!("Deployment {} to {} failed: {reason}", row.id, environment.label()),
        };
        let new = NewAlert {
            kind: AlertType::FailedDeployment,
            severity: AlertType::FailedDeployment.default_severity(),
            environment,
            message: &message,
            fingerprint: None,
        };
        crate::usecases::alerts::record_alert(context, txn, &project, new, now).await?;
    }
    let failed = crate::audit::event("deployment.failed", "failure", &Default::default())
        .details(serde_json::json!({
            "deployment": row.id, "kind": row.kind.as_str(), "environment": row.environment, "reason": reason,
        }))
        .project(row.project_id);
    audit::record(txn, failed, now).await?;
    let ended = deployment::Model { state: DeploymentState::Failed, finished_at: Some(now), ..row.clone() };
    announce::deployment(context, txn, &ended, Some(reason), now).await?;
    Ok(())
}

/// Keeps the newest packages of a project and deletes older ones from the store.
async fn enforce_retention(context: &Context, project_id: Uuid) -> anyhow::Result<()> {
    let keep = context.settings.package_retention as usize;
    for old in deployments::with_packages(&context.db, project_id).await?.into_iter().skip(keep) {
        if let Some(key) = old.package_key {
            context.packages.delete(&key).await?;
            deployments::drop_package(&context.db, &key).await?;
            tracing::info!(deployment = %old.id, "package deleted by retention");
        }
    }
    Ok(())
}
