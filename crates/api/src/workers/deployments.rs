//! The deployment runner: scheduled promotions whose time has come join the queue; queued
//! deployments run one at a time per project; packages past the retention count are deleted.

use portico_domain::deployments::{DeploymentKind, DeploymentState};
use std::time::Duration as StdDuration;

use actix_web::web;
use chrono::{DateTime, Duration, Utc};
use portico_domain::alerts::AlertType;
use portico_domain::deployments::{PackageLimits, build_number};
use portico_domain::projects::{ProjectRole, environments_from_text};
use portico_store::entities::deployment;
use portico_store::{accounts, audit, deployments, memberships, projects as project_store};
use sea_orm::TransactionTrait;
use tokio::sync::watch;

use crate::audit::AuditEventExt;
use crate::context::Context;
use crate::packages::check_package;

/// How long a runner holds a deployment before another may take it over.
const LEASE: Duration = Duration::minutes(15);

pub async fn run(state: web::Data<Context>, mut stop: watch::Receiver<bool>) {
    match state.packages.sweep_unfinished().await {
        Ok(0) => {}
        Ok(n) => tracing::warn!(removed = n, "removed unfinished package uploads"),
        Err(error) => tracing::error!(error = %format!("{error:#}"), "sweeping unfinished uploads"),
    }
    loop {
        if let Err(error) = work(&state).await {
            tracing::error!(error = %format!("{error:#}"), "deployment runner");
        }
        tokio::select! {
            _ = state.wake_runner.notified() => {}
            _ = tokio::time::sleep(StdDuration::from_secs(1)) => {}
            _ = stop.changed() => return,
        }
    }
}

/// Runs what is due; the read cache is forgotten after each change, so a deployment's progress
/// shows at once.
async fn work(state: &Context) -> anyhow::Result<()> {
    let now = state.now();
    if deployments::requeue_abandoned(&state.db, now).await? > 0 {
        state.cache.invalidate();
    }
    // During maintenance nothing starts; scheduled promotions wait for the window's end.
    if crate::usecases::windows::deployments_paused_by(&state.db, now).await?.is_some() {
        return Ok(());
    }
    for due in deployments::due_scheduled(&state.db, now).await? {
        let started = start_scheduled(state, due, now).await;
        state.cache.invalidate();
        started?;
    }
    while let Some(claimed) = deployments::claim_next(&state.db, state.now(), LEASE).await? {
        state.cache.invalidate();
        let deployed = deploy(state, claimed).await;
        state.cache.invalidate();
        deployed?;
    }
    Ok(())
}

/// A scheduled promotion whose time came: queue it, or fail it and tell the people concerned
/// when it can no longer run.
async fn start_scheduled(state: &Context, row: deployment::Model, now: DateTime<Utc>) -> anyhow::Result<()> {
    let project = project_store::find(&state.db, row.project_id).await?;
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
        if deployments::transition(&state.db, row.id, DeploymentState::Scheduled, DeploymentState::Queued).await? {
            state.wake_runner.notify_one();
        }
        return Ok(());
    };
    let txn = state.db.begin().await?;
    if !deployments::transition(&txn, row.id, DeploymentState::Scheduled, DeploymentState::Failed).await? {
        return Ok(());
    }
    let log = format!("{}{} Could not start: {reason}\n", row.log, now.format("%H:%M:%S"));
    deployments::finish(
        &txn,
        row.id,
        DeploymentState::Failed,
        &log,
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
            state
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
    let mut failed = crate::audit::event("deployment.failed", "failure", &Default::default()).project(row.project_id);
    failed.details = serde_json::json!({"deployment": row.id, "reason": reason});
    audit::record(&txn, failed, now).await?;
    txn.commit().await?;
    state.mailer.wake();
    Ok(())
}

/// Runs one deployment: an upload's package is checked with bounded reads; a promotion
/// deploys an already checked package.
async fn deploy(state: &Context, row: deployment::Model) -> anyhow::Result<()> {
    let mut log = row.log.clone();
    let mut line = |text: String| log.push_str(&format!("{} {text}\n", state.now().format("%H:%M:%S")));
    let environment = row.environment.label();
    let outcome: Result<(String, String), String> = if row.kind == DeploymentKind::Upload {
        line("Checking the package (bounded reads, nothing is extracted)".into());
        let checked = match &row.package_key {
            Some(key) => match state.packages.local_path(key).await {
                Ok(path) => tokio::task::spawn_blocking(move || check_package(&path, PackageLimits::default()))
                    .await
                    .unwrap_or_else(|e| Err(format!("the check crashed: {e}"))),
                Err(error) => Err(format!("the package file is missing: {error}")),
            },
            None => Err("the package is no longer kept".into()),
        };
        checked.map(|report| {
            line(format!(
                "{}: {} entries, {} bytes uncompressed, version {}",
                report.layout, report.entries, report.uncompressed, report.version
            ));
            let build = build_number(&report.version, row.created_at);
            (report.version, build)
        })
    } else {
        let build = row.build_number.clone().unwrap_or_default();
        Ok((row.package_version.clone().unwrap_or_default(), build))
    };
    let now = state.now();
    let txn = state.db.begin().await?;
    match outcome {
        Ok((version, build)) => {
            line(format!("Deploying build {build} to {environment}"));
            line(format!("Build {build} is live on {environment}"));
            deployments::finish(
                &txn,
                row.id,
                DeploymentState::Succeeded,
                &log,
                Some(version),
                Some(build.clone()),
                now,
            )
            .await?;
            let mut succeeded =
                crate::audit::event("deployment.succeeded", "success", &Default::default()).project(row.project_id);
            succeeded.details =
                serde_json::json!({"deployment": row.id, "environment": row.environment, "build_number": build});
            audit::record(&txn, succeeded, now).await?;
        }
        Err(reason) => {
            line(format!("Failed: {reason}"));
            deployments::finish(&txn, row.id, DeploymentState::Failed, &log, None, None, now).await?;
            if let Some(project) = project_store::find(&txn, row.project_id).await? {
                let environment = row.environment;
                let message = format!("Deployment {} to {} failed: {reason}", row.id, environment.label());
                crate::usecases::alerts::record_alert(
                    state,
                    &txn,
                    &project,
                    AlertType::FailedDeployment,
                    AlertType::FailedDeployment.default_severity(),
                    environment,
                    &message,
                    now,
                )
                .await?;
            }
            let mut failed =
                crate::audit::event("deployment.failed", "failure", &Default::default()).project(row.project_id);
            failed.details =
                serde_json::json!({"deployment": row.id, "environment": row.environment, "reason": reason});
            audit::record(&txn, failed, now).await?;
        }
    }
    txn.commit().await?;
    state.mailer.wake();
    state.wake_webhooks.notify_one();
    if row.kind == DeploymentKind::Upload {
        enforce_retention(state, row.project_id).await?;
    }
    Ok(())
}

/// Keeps the newest packages of a project and deletes the files of older ones.
async fn enforce_retention(state: &Context, project_id: uuid::Uuid) -> anyhow::Result<()> {
    let keep = state.settings.package_retention as usize;
    for old in deployments::with_packages(&state.db, project_id).await?.into_iter().skip(keep) {
        if let Some(key) = old.package_key {
            state.packages.delete(&key).await?;
            deployments::drop_package(&state.db, &key).await?;
            tracing::info!(deployment = %old.id, "package deleted by retention");
        }
    }
    Ok(())
}
