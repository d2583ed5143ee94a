//! What happened, queued for every webhook that wants it, in the caller's transaction (an event
//! is delivered if and only if what it tells of was stored). The webhook worker sends them.

use chrono::{DateTime, Utc};
use portico_domain::alerts::Alert;
use portico_domain::deployments::{DeploymentKind, DeploymentState};
use portico_domain::maintenance::MaintenanceWindow;
use portico_domain::webhooks::{Message, Occurrence, WebhookEvent, WebhookFormat};
use portico_store::entities::{deployment, project};
use portico_store::webhooks::{self as store, NewDelivery};
use portico_store::{StoreError, projects as project_store};
use sea_orm::ConnectionTrait;

use crate::context::Context;

/// Queues `occurrence` for the enabled webhooks of its project that want its event (the caller
/// wakes the worker after committing).
async fn queue(db: &impl ConnectionTrait, occurrence: &Occurrence<'_>, now: DateTime<Utc>) -> Result<(), StoreError> {
    for hook in store::list(db, occurrence.project).await? {
        if hook.disabled_at.is_some() || !WebhookEvent::split(&hook.events).contains(&occurrence.event) {
            continue;
        }
        let format = WebhookFormat::parse(&hook.format).unwrap_or_default();
        let body = occurrence.body(format).to_string();
        store::enqueue_delivery(
            db,
            NewDelivery { webhook: &hook, event: occurrence.event.as_str(), payload: &body, redelivery_of: None },
            now,
        )
        .await?;
    }
    Ok(())
}

/// `alert.raised` or `alert.resolved`.
pub async fn alert(
    state: &Context,
    db: &impl ConnectionTrait,
    project: &project::Model,
    event: WebhookEvent,
    alert: &Alert,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let verb = if event == WebhookEvent::AlertResolved { "resolved" } else { "raised" };
    let mut facts = vec![
        ("Environment", alert.environment.label().to_owned()),
        ("Severity", alert.severity.label().to_owned()),
        ("Message", alert.message.clone()),
    ];
    if let Some(by) = &alert.resolved_by {
        facts.push(("Resolved by", by.clone()));
    }
    let message = Message {
        title: format!("{} alert {verb}: {}", alert.severity.label(), alert.kind.label()),
        facts,
        link: format!("{}/{}/alerts", state.settings.public_url(), project.id),
    };
    let subject = ("alert", serde_json::to_value(alert).expect("an alert serializes"));
    let occurrence = Occurrence { event, project: project.id, project_name: &project.name, subject, message };
    queue(db, &occurrence, now).await
}

/// The `deployment.*` event a deployment in `state` tells of, and `promotion.scheduled`.
fn deployment_event(row: &deployment::Model) -> WebhookEvent {
    match row.state {
        DeploymentState::Scheduled => WebhookEvent::PromotionScheduled,
        DeploymentState::Queued => WebhookEvent::DeploymentQueued,
        DeploymentState::InProgress => WebhookEvent::DeploymentStarted,
        DeploymentState::Succeeded => WebhookEvent::DeploymentSucceeded,
        DeploymentState::Failed => WebhookEvent::DeploymentFailed,
        DeploymentState::Cancelled => WebhookEvent::DeploymentCancelled,
    }
}

/// The event of the state `row` is in now (as stored by the caller), with `reason` for a
/// failure.
pub async fn deployment(
    state: &Context,
    db: &impl ConnectionTrait,
    row: &deployment::Model,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let event = deployment_event(row);
    let Some(project) = project_store::find(db, row.project_id).await? else { return Ok(()) };
    let dto = crate::usecases::deployments::to_dtos(db, vec![row.clone()]).await?.remove(0);
    let environment = row.environment.label();
    let what = match (row.kind, &row.build_number) {
        (DeploymentKind::Restart, _) => format!("Restart of {environment}"),
        (DeploymentKind::Promotion, Some(build)) => format!("Promotion of build {build} to {environment}"),
        (DeploymentKind::Promotion, None) => format!("Promotion to {environment}"),
        (_, Some(build)) => format!("Deployment of build {build} to {environment}"),
        (_, None) => format!("Deployment to {environment}"),
    };
    let verb = match event {
        WebhookEvent::PromotionScheduled => {
            format!("scheduled for {}", row.scheduled_at.map(crate::usecases::format_time).unwrap_or_default())
        }
        WebhookEvent::DeploymentQueued => "queued".to_owned(),
        WebhookEvent::DeploymentStarted => "started".to_owned(),
        WebhookEvent::DeploymentSucceeded => "succeeded".to_owned(),
        WebhookEvent::DeploymentFailed => "failed".to_owned(),
        _ => "cancelled".to_owned(),
    };
    let mut facts = vec![("Environment", environment.to_owned())];
    if let Some(build) = &row.build_number {
        facts.push(("Build", build.clone()));
    }
    if let Some(by) = dto.created_by.clone().or_else(|| dto.token_name.as_ref().map(|t| format!("token {t}"))) {
        facts.push(("Started by", by));
    }
    if let Some(reason) = reason {
        facts.push(("Reason", reason.to_owned()));
    }
    let message = Message {
        title: format!("{what} {verb}"),
        facts,
        link: format!("{}/{}/deployments", state.settings.public_url(), project.id),
    };
    let subject = ("deployment", serde_json::to_value(&dto).expect("a deployment serializes"));
    let occurrence = Occurrence { event, project: project.id, project_name: &project.name, subject, message };
    queue(db, &occurrence, now).await
}

/// `maintenance.announced` (scheduled, rescheduled or cancelled: `what`), for the webhooks of
/// every live project (`live`, as the caller loaded them) that want it: maintenance concerns the
/// whole platform.
pub async fn maintenance(
    state: &Context,
    db: &impl ConnectionTrait,
    window: &MaintenanceWindow,
    what: &str,
    live: &[project::Model],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let mut subject = serde_json::to_value(window).expect("a window serializes");
    subject["change"] = serde_json::Value::from(what);
    let features: Vec<&str> = window.affected.iter().map(|f| f.label()).collect();
    let message = Message {
        title: format!(
            "{}aintenance {what}: {} to {}",
            if window.emergency { "Emergency m" } else { "M" },
            crate::usecases::format_time(window.starts_at),
            crate::usecases::format_time(window.ends_at)
        ),
        facts: vec![("Affected", features.join(", ")), ("Description", window.description.clone())],
        link: format!("{}/status", state.settings.public_url()),
    };
    for project in live {
        let occurrence = Occurrence {
            event: WebhookEvent::MaintenanceAnnounced,
            project: project.id,
            project_name: &project.name,
            subject: ("maintenance", subject.clone()),
            message: message.clone(),
        };
        queue(db, &occurrence, now).await?;
    }
    Ok(())
}
