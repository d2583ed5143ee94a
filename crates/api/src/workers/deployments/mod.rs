//! The deployment runner. Every server runs one; they share the work through the database:
//! scheduled promotions whose time has come join the queue; a queued deployment is claimed by
//! whichever server gets there first (one at a time per project, across all servers) under a
//! lease it renews while it runs; a deployment whose server stopped (its lease ran out) is
//! failed, never run again by itself, since deploy commands are not assumed idempotent.

mod command;
mod conclude;
mod log_writer;
mod run;

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration as StdDuration;

use actix_web::web;
use chrono::{DateTime, Utc};
use portico_domain::deployments::DeploymentState;
use portico_domain::projects::{ProjectRole, environments_from_text};
use portico_store::entities::deployment;
use portico_store::{accounts, audit, deployment_logs, deployments, memberships, projects as project_store};
use sea_orm::TransactionTrait;
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::audit::AuditEventExt;
use crate::context::Context;
use crate::usecases::webhooks::announce;

pub async fn run(state: web::Data<Context>, mut stop: watch::Receiver<bool>) {
    let context = state.into_inner();
    sweep(&context).await;
    let mut running = JoinSet::new();
    loop {
        while running.try_join_next().is_some() {}
        if let Err(error) = work(&context, &mut running, &stop).await {
            tracing::error!(error = %format!("{error:#}"), "deployment runner");
        }
        tokio::select! {
            _ = context.wake_runner.notified() => {}
            _ = tokio::time::sleep(StdDuration::from_secs(1)) => {}
            Some(_) = running.join_next(), if !running.is_empty() => {}
            _ = stop.changed() => break,
        }
    }
    // Each run sees the stop too: it ends its command and stores the outcome.
    while running.join_next().await.is_some() {}
}

/// At start: packages no deployment refers to, and run folders left by a crash.
async fn sweep(context: &Context) {
    let referenced: anyhow::Result<HashSet<String>> =
        deployments::package_keys(&context.db).await.map(|keys| keys.into_iter().collect()).map_err(Into::into);
    let swept = match referenced {
        Ok(referenced) => context.packages.sweep(&referenced, context.now()).await.map_err(anyhow::Error::from),
        Err(error) => Err(error),
    };
    match swept {
        Ok(0) => {}
        Ok(removed) => {
            tracing::warn!(removed, store = %context.packages.location, "removed unfinished and orphaned packages")
        }
        Err(error) => tracing::error!(error = %format!("{error:#}"), "sweeping the package store"),
    }
    let runs = run::runs_folder(&context.settings.data_dir);
    if runs.exists()
        && let Err(error) = std::fs::remove_dir_all(&runs)
    {
        tracing::error!(error = %error, folder = %runs.display(), "removing old run folders");
    }
}

/// Runs what is due; the read cache is forgotten after each change, so a deployment's progress
/// shows at once.
async fn work(context: &Arc<Context>, running: &mut JoinSet<()>, stop: &watch::Receiver<bool>) -> anyhow::Result<()> {
    let now = context.now();
    for abandoned in deployments::abandoned(&context.db, now).await? {
        // This server's own runs renew their leases themselves (a clock moved by a test included).
        if abandoned.runner.as_deref() != Some(context.instance.as_str()) {
            fail_abandoned(context, abandoned, now).await?;
            context.cache.invalidate();
        }
    }
    // During maintenance nothing starts; scheduled promotions wait for the window's end.
    if crate::usecases::windows::deployments_paused_by(&context.db, now).await?.is_some() {
        return Ok(());
    }
    for due in deployments::due_scheduled(&context.db, now).await? {
        let started = start_scheduled(context, due, now).await;
        context.cache.invalidate();
        started?;
    }
    let lease = context.deploy_targets.lease;
    while running.len() < context.settings.deploy_concurrency as usize
        && let Some(claimed) = deployments::claim_next(&context.db, context.now(), lease, &context.instance).await?
    {
        context.cache.invalidate();
        // Not in the claim's transaction (the store's): a lost `started` event is better than a
        // run that does not start.
        if let Err(error) = announce::deployment(context, &context.db, &claimed, None, context.now()).await {
            tracing::error!(deployment = %claimed.id, %error, "queueing the deployment.started webhooks");
        }
        context.wake_webhooks.notify_one();
        running.spawn(run::run(Arc::clone(context), claimed, stop.clone()));
    }
    Ok(())
}

/// A deployment whose server stopped before it ended.
async fn fail_abandoned(context: &Context, row: deployment::Model, now: DateTime<Utc>) -> anyhow::Result<()> {
    let reason = format!(
        "the server running it stopped ({} held it until {}); it is not run again by itself, since a deploy \
         command may not be safe to repeat",
        row.runner.as_deref().unwrap_or("unknown"),
        row.lease_until.map(crate::usecases::format_time).unwrap_or_default()
    );
    let txn = context.db.begin().await?;
    if !deployments::fail_abandoned(&txn, row.id, now).await? {
        return Ok(());
    }
    deployment_logs::say(&txn, row.id, now, format!("Failed: {reason}")).await?;
    conclude::record_failure(context, &txn, &row, &reason, now).await?;
    txn.commit().await?;
    tracing::warn!(deployment = %row.id, runner = row.runner.as_deref().unwrap_or(""), "failed a deployment whose server stopped");
    context.mailer.wake();
    context.wake_webhooks.notify_one();
    Ok(())
}

/// A scheduled promotion whose time came: queue it, or fail it and tell the people concerned
/// when it can no longer run.
async fn start_scheduled(context: &Context, row: deployment::Model, now: DateTime<Utc>) -> anyhow::Result<()> {
    let project = project_store::find(&context.db, row.project_id).await?;
    let reason = match &project {
        None => Some("the project no longer exists".to_owned()),
        Some(p) if p.archived_at.is_some() => Some("the project is archived".to_owned()),
        Some(p) if !environments_from_text(&p.environments).contains(&row.environment) => {
            Some(format!("the project no longer has the {} environment", row.environment.label()))
        }
        Some(_) if row.package_key.is_none() => Some("its package is no longer kept".to_owned()),
        Some(_) => None,
    };
    let Some(reason) = reason else {
        let txn = context.db.begin().await?;
        if deployments::transition(&txn, row.id, DeploymentState::Scheduled, DeploymentState::Queued).await? {
            let queued = deployment::Model { state: DeploymentState::Queued, ..row };
            announce::deployment(context, &txn, &queued, None, now).await?;
            txn.commit().await?;
            context.wake_runner.notify_one();
            context.wake_webhooks.notify_one();
        }
        return Ok(());
    };
    let txn = context.db.begin().await?;
    if !deployments::transition(&txn, row.id, DeploymentState::Scheduled, DeploymentState::Failed).await? {
        return Ok(());
    }
    deployment_logs::say(&txn, row.id, now, format!("Could not start: {reason}")).await?;
    deployments::finish(
        &txn,
        row.id,
        DeploymentState::Failed,
        row.package_version.clone(),
        row.build_number.clone(),
        now,
    )
    .await?;
    if let Some(project) = &project {
        let mut recipients = Vec::new();
        for (membership, account) in memberships::list_with_accounts(&txn, project.id).await? {
            if membership.role == ProjectRole::TenantAdministrator || Some(account.id) == row.created_by {
                recipients.push(account);
            }
        }
        if let Some(scheduler) = row.created_by
            && !recipients.iter().any(|a| a.id == scheduler)
            && let Some(account) = accounts::find(&txn, scheduler).await?
        {
            recipients.push(account);
        }
        for recipient in recipients.iter().filter(|a| a.enabled) {
            let Some(email) = recipient.email.as_deref() else { continue };
            context
                .mailer
                .queue(
                    &txn,
                    "promotion_not_started",
                    email,
                    minijinja::context! {
                        name => crate::usecases::display_name(recipient),
                        project => project.name.clone(),
                        build => row.build_number.clone().unwrap_or_default(),
                        environment => row.environment.label(),
                        scheduled_at => row.scheduled_at.map(crate::usecases::format_time).unwrap_or_default(),
                        reason => reason.clone(),
                    },
                    now,
                )
                .await?;
        }
    }
    let failed = crate::audit::event("deployment.failed", "failure", &Default::default())
        .details(serde_json::json!({"deployment": row.id, "reason": reason}))
        .project(row.project_id);
    audit::record(&txn, failed, now).await?;
    let failed_row = deployment::Model { state: DeploymentState::Failed, finished_at: Some(now), ..row };
    announce::deployment(context, &txn, &failed_row, Some(&reason), now).await?;
    txn.commit().await?;
    context.mailer.wake();
    context.wake_webhooks.notify_one();
    Ok(())
}
