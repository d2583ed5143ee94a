//! Alerts from Prometheus Alertmanager: each alert of a webhook payload raises, keeps or resolves
//! one Portico alert, found by Alertmanager's fingerprint. Alertmanager sends a group again
//! every `repeat_interval`, so a firing alert whose Portico alert is active changes nothing (no
//! second email). An alert whose labels Portico cannot place is reported, never dropped silently,
//! and never fails the rest of the batch. The whole payload is one transaction: a database
//! failure answers 5xx, and Alertmanager's retry then finds every alert as it left it.

use std::collections::HashMap;

use portico_domain::alertmanager::{
    AlertmanagerOutcome, AlertmanagerPayload, AlertmanagerReport, AlertmanagerResult, LabelledAlert, PAYLOAD_VERSION,
};
use portico_domain::projects::environments_from_text;
use portico_store::entities::{alert, project};
use portico_store::{alerts, audit, projects};
use sea_orm::{DatabaseTransaction, TransactionTrait};
use uuid::Uuid;

use super::alerts::{AlertsError, AlertsResult, NewAlert, record_alert, tell_webhook};
use super::errors::Failure;
use crate::audit::{AuditEventExt, event};
use crate::context::Context;
use crate::http::client::ClientInfo;
use portico_domain::webhooks::WebhookEvent;

/// Takes one webhook payload and answers what became of each alert in it.
pub async fn receive(
    state: &Context,
    client: &ClientInfo,
    payload: AlertmanagerPayload,
) -> AlertsResult<AlertmanagerReport> {
    if payload.version != PAYLOAD_VERSION {
        return Err(Failure::invalid_field(
            "version",
            format!(
                "Portico reads Alertmanager's webhook payload version {PAYLOAD_VERSION}, not `{}`",
                payload.version
            ),
        )
        .into());
    }
    let txn = state.db.begin().await?;
    let mut projects_seen: HashMap<Uuid, Option<project::Model>> = HashMap::new();
    let mut results = Vec::with_capacity(payload.alerts.len());
    let mut raised_any = false;
    for alert in &payload.alerts {
        let rejected = |reason: String| AlertmanagerResult {
            fingerprint: alert.fingerprint.clone(),
            outcome: AlertmanagerOutcome::Rejected,
            alert: None,
            reason: Some(reason),
        };
        let labelled = match alert.read() {
            Ok(labelled) => labelled,
            Err(reason) => {
                results.push(rejected(reason));
                continue;
            }
        };
        let project = match projects_seen.get(&labelled.project) {
            Some(known) => known.clone(),
            None => {
                let found = projects::find(&txn, labelled.project).await?;
                projects_seen.insert(labelled.project, found.clone());
                found
            }
        };
        let Some(project) = project else {
            results.push(rejected(format!("there is no project {}", labelled.project)));
            continue;
        };
        if !environments_from_text(&project.environments).contains(&labelled.environment) {
            results.push(rejected(format!(
                "the project {} has no environment `{}`",
                project.id,
                labelled.environment.as_str()
            )));
            continue;
        }
        let result = apply(state, &txn, client, &project, &labelled).await?;
        raised_any |= result.outcome == AlertmanagerOutcome::Raised;
        results.push(result);
    }
    txn.commit().await?;
    if raised_any {
        state.mailer.wake();
        state.wake_webhooks.notify_one();
    }
    Ok(AlertmanagerReport::new(results))
}

/// Raises, keeps or resolves the project's alert for one labelled alert.
async fn apply(
    state: &Context,
    txn: &DatabaseTransaction,
    client: &ClientInfo,
    project: &project::Model,
    labelled: &LabelledAlert,
) -> Result<AlertmanagerResult, AlertsError> {
    let now = state.now();
    let active = alerts::active_with_fingerprint(txn, project.id, &labelled.fingerprint).await?;
    let result =
        |outcome, alert| AlertmanagerResult { fingerprint: labelled.fingerprint.clone(), outcome, alert, reason: None };
    match (labelled.firing, active) {
        (true, Some(active)) => Ok(result(AlertmanagerOutcome::AlreadyRaised, Some(active.id))),
        (true, None) => {
            let new = NewAlert {
                kind: labelled.kind,
                severity: labelled.severity,
                environment: labelled.environment,
                message: &labelled.message,
                fingerprint: Some(&labelled.fingerprint),
            };
            let row = record_alert(state, txn, project, new, now).await?;
            let raised = event("alert.raised", "success", client)
                .details(serde_json::json!({
                    "alert": row.id, "type": labelled.kind.as_str(), "severity": labelled.severity.as_str(),
                    "environment": labelled.environment.as_str(), "source": "alertmanager",
                    "fingerprint": labelled.fingerprint,
                }))
                .project(project.id);
            audit::record(txn, raised, now).await?;
            Ok(result(AlertmanagerOutcome::Raised, Some(row.id)))
        }
        (false, Some(active)) => {
            alerts::resolve(txn, active.id, None, now).await?;
            let resolved_row = alert::Model { resolved_at: Some(now), ..active.clone() };
            tell_webhook(state, txn, project, WebhookEvent::AlertResolved, &resolved_row, &[], now).await?;
            let resolved = event("alert.resolved", "success", client)
                .details(serde_json::json!({
                    "alert": active.id, "source": "alertmanager", "fingerprint": labelled.fingerprint,
                }))
                .project(project.id);
            audit::record(txn, resolved, now).await?;
            Ok(result(AlertmanagerOutcome::Resolved, Some(active.id)))
        }
        (false, None) => Ok(result(AlertmanagerOutcome::NotActive, None)),
    }
}
