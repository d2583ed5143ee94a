//! Background work inside the server process: email delivery, provisioning, deployments,
//! reminders and clean-up of expired sessions. Each worker stops when the server stops.

mod cluster;
mod deployments;
mod reminders;
mod webhooks;

use std::sync::Arc;
use std::time::Duration as StdDuration;

use actix_web::web;
use tokio::sync::{Notify, watch};

use portico_store::entities::project;
use sea_orm::TransactionTrait;

use crate::audit::AuditEventExt;
use crate::context::Context;
use crate::mail::worker::{OutboxWorker, Transport};

pub fn spawn_all(
    state: &web::Data<Context>,
    wake_mailer: Arc<Notify>,
    stop: watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let settings = &state.settings;
    let transport = Transport::from_settings(settings.smtp_url.as_ref().map(|s| s.expose()))?;
    let public_url = settings.public_url();
    let host = public_url.split("://").nth(1).unwrap_or("localhost").split(['/', ':']).next().unwrap_or("localhost");
    let outbox = OutboxWorker {
        db: state.db.clone(),
        transport,
        from: settings.mail_from.clone(),
        message_id_domain: host.to_owned(),
        wake: wake_mailer,
        poll_every: StdDuration::from_secs(5),
        key: state.master_key.clone(),
        clock: state.clock.clone(),
    };
    tokio::spawn(outbox.run(stop.clone()));
    tokio::spawn(provisioning(state.clone(), BuiltInProvisioner, stop.clone()));
    tokio::spawn(deployments::run(state.clone(), stop.clone()));
    tokio::spawn(cluster::run(state.clone().into_inner(), stop.clone()));
    tokio::spawn(reminders::run(state.clone(), stop.clone()));
    tokio::spawn(webhooks::run(state.clone(), stop.clone()));
    tokio::spawn(metrics_upkeep(state.clone(), stop.clone()));
    tokio::spawn(session_sweeper(state.clone(), stop));
    Ok(())
}

/// Sets up a new project's hosting infrastructure. The built-in one has nothing to set up: the
/// configured delay (`PORTICO_PROVISIONING_DELAY`) stands for the time real infrastructure takes.
pub trait Provisioner: Send + Sync + 'static {
    fn provision(&self, project: &project::Model) -> impl std::future::Future<Output = anyhow::Result<()>> + Send;
}

pub struct BuiltInProvisioner;

impl Provisioner for BuiltInProvisioner {
    async fn provision(&self, _project: &project::Model) -> anyhow::Result<()> {
        Ok(())
    }
}

const PROVISIONING_LEASE: chrono::Duration = chrono::Duration::minutes(10);

/// Provisions projects whose time has come, then generates their hash string salt.
async fn provisioning(state: web::Data<Context>, provisioner: impl Provisioner, mut stop: watch::Receiver<bool>) {
    loop {
        loop {
            match provision_next(&state, &provisioner).await {
                Ok(true) => continue,
                Ok(false) => break,
                Err(error) => {
                    tracing::error!(error = %format!("{error:#}"), "provisioning");
                    break;
                }
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(StdDuration::from_millis(500)) => {}
            _ = stop.changed() => return,
        }
    }
}

async fn provision_next(state: &Context, provisioner: &impl Provisioner) -> anyhow::Result<bool> {
    let Some(project) =
        portico_store::projects::claim_due_provisioning(&state.db, state.now(), PROVISIONING_LEASE).await?
    else {
        return Ok(false);
    };
    provisioner.provision(&project).await?;
    let salt = hex::encode(crate::auth::secrets::random_bytes::<32>());
    let now = state.now();
    let txn = state.db.begin().await?;
    if portico_store::projects::mark_provisioned(&txn, project.id, &salt, now).await? {
        let provisioned =
            crate::audit::event("project.provisioned", "success", &Default::default()).project(project.id);
        portico_store::audit::record(&txn, provisioned, now).await?;
    }
    txn.commit().await?;
    state.cache.invalidate();
    tracing::info!(project = %project.id, "project provisioned");
    Ok(true)
}

/// Folds the request durations recorded since the last time into the histogram buckets. Until
/// then each one is kept in memory: without this, a server nobody scrapes grew by every request.
async fn metrics_upkeep(state: web::Data<Context>, mut stop: watch::Receiver<bool>) {
    loop {
        state.metrics.run_upkeep();
        tokio::select! {
            _ = tokio::time::sleep(StdDuration::from_secs(5)) => {}
            _ = stop.changed() => return,
        }
    }
}

/// Deletes sessions past their expiry every few minutes (requests refuse them anyway).
async fn session_sweeper(state: web::Data<Context>, mut stop: watch::Receiver<bool>) {
    loop {
        let now = state.now();
        if let Err(error) = portico_store::sessions::delete_stale(&state.db, now, now - state.sessions.idle).await {
            tracing::warn!(error = %format!("{error:#}"), "session sweeper");
        }
        state.cache.invalidate();
        tokio::select! {
            _ = tokio::time::sleep(StdDuration::from_secs(300)) => {}
            _ = stop.changed() => return,
        }
    }
}
