//! Alerts: raised by the deployment runner and by monitoring, listed and resolved by members,
//! delivered by email to the members whose preferences match and to the project's webhook.

use chrono::{DateTime, Utc};
use portico_domain::alerts::{
    Alert, AlertQuery, AlertType, MAX_MESSAGE_CHARS, NotificationPreferences, NotificationPreferencesInput,
    RaiseAlertRequest, Severity, parse_preferences,
};
use portico_domain::paging::{Page, PageQuery, PageRequest};
use portico_domain::problem::FieldError;
use portico_domain::projects::{Action, Environment, environments_from_text};
use portico_domain::webhooks::WebhookEvent;
use portico_store::alerts::AlertFilter;
use portico_store::entities::{account, alert, project};
use portico_store::{accounts, alerts, audit, memberships};
use sea_orm::{ConnectionTrait, DatabaseTransaction, Set, TransactionTrait};
use uuid::Uuid;

use super::errors::{Failure, use_case_error};
use crate::audit::{AuditEventExt, event};
use crate::auth::project_access::ProjectAccess;
use crate::cache::CacheKey;
use crate::context::Context;
use crate::http::client::ClientInfo;

use_case_error! {
    /// Why an alert or a notification preference was refused.
    pub enum AlertsError {
        AlertNotFound => (NotFound, "alert_not_found", "This project has no such alert."),
        AlertResolved => (Conflict, "alert_resolved", "This alert is already resolved."),
        MembershipRequired => (Forbidden, "membership_required", "Notification preferences belong to project members."),
    }
    from { crate::auth::project_access::AccessError, crate::auth::limits::ThrottleError, super::LinkError, crate::auth::passwords::Busy, super::windows::MaintenanceInProgress }
}

pub type AlertsResult<T> = Result<T, AlertsError>;

fn to_dto(row: &alert::Model, resolvers: &[account::Model]) -> Alert {
    Alert {
        id: row.id,
        kind: row.kind,
        severity: row.severity,
        environment: row.environment,
        message: row.message.clone(),
        raised_at: row.raised_at,
        resolved_at: row.resolved_at,
        resolved_by: row.resolved_by.and_then(|id| resolvers.iter().find(|a| a.id == id)).map(super::display_name),
        active: row.resolved_at.is_none(),
    }
}

/// Checks an alert as sent: known type, severity and environment of the project.
fn parse_alert(
    project: &project::Model,
    request: &RaiseAlertRequest,
) -> AlertsResult<(AlertType, Severity, Environment, String)> {
    let mut errors = Vec::new();
    let kind = AlertType::parse(&request.kind);
    if kind.is_none() {
        errors.push(FieldError::new("type", format!("`{}` is not an alert type", request.kind)));
    }
    let severity = match &request.severity {
        Some(text) => {
            let severity = Severity::parse(text);
            if severity.is_none() {
                errors.push(FieldError::new("severity", "must be critical, error or warning"));
            }
            severity
        }
        None => kind.map(AlertType::default_severity),
    };
    let environment =
        Environment::parse(&request.environment).filter(|e| environments_from_text(&project.environments).contains(e));
    if environment.is_none() {
        errors
            .push(FieldError::new("environment", format!("the project has no environment `{}`", request.environment)));
    }
    let message = request.message.trim().to_owned();
    if message.is_empty() || message.chars().count() > MAX_MESSAGE_CHARS {
        errors.push(FieldError::new("message", format!("must be 1 to {MAX_MESSAGE_CHARS} characters")));
    }
    match (kind, severity, environment) {
        (Some(k), Some(s), Some(e)) if errors.is_empty() => Ok((k, s, e, message)),
        _ => Err(Failure::Invalid(errors).into()),
    }
}

/// Raises an alert from a monitoring system or an Administrator. Works during maintenance:
/// alerts are never dropped.
pub async fn raise(
    state: &Context,
    client: &ClientInfo,
    project: &project::Model,
    raised_by: Option<&account::Model>,
    request: RaiseAlertRequest,
) -> AlertsResult<Alert> {
    let (kind, severity, environment, message) = parse_alert(project, &request)?;
    let now = state.now();
    let txn = state.db.begin().await?;
    let row = record_alert(
        state,
        &txn,
        project,
        NewAlert { kind, severity, environment, message: &message, fingerprint: None },
        now,
    )
    .await?;
    let mut raised =  event("alert.raised", "success", client)
        .details(serde_json::json!({"alert": row.id, "type": kind.as_str(), "severity": severity.as_str(), "environment": environment.as_str()})).project(project.id);
    raised.actor_id = raised_by.map(|a| a.id);
    audit::record(&txn, raised, now).await?;
    txn.commit().await?;
    state.mailer.wake();
    state.wake_webhooks.notify_one();
    Ok(to_dto(&row, &[]))
}

/// An alert to record, as checked.
pub struct NewAlert<'a> {
    pub kind: AlertType,
    pub severity: Severity,
    pub environment: Environment,
    pub message: &'a str,
    /// Alertmanager's fingerprint, for the alerts it raises.
    pub fingerprint: Option<&'a str>,
}

/// Stores an alert and queues its deliveries (in the caller's transaction): one email per
/// member whose preferences match, and the webhook.
pub async fn record_alert(
    state: &Context,
    txn: &DatabaseTransaction,
    project: &project::Model,
    new: NewAlert<'_>,
    now: DateTime<Utc>,
) -> AlertsResult<alert::Model> {
    let NewAlert { kind, severity, environment, message, fingerprint } = new;
    let row = alerts::insert(
        txn,
        alert::ActiveModel {
            id: Set(Uuid::now_v7()),
            project_id: Set(project.id),
            kind: Set(kind),
            severity: Set(severity),
            environment: Set(environment),
            message: Set(message.to_owned()),
            raised_at: Set(now),
            resolved_at: Set(None),
            resolved_by: Set(None),
            fingerprint: Set(fingerprint.map(str::to_owned)),
        },
    )
    .await?;
    for (_, member) in memberships::list_with_accounts(txn, project.id).await? {
        let Some(email) = member.email.clone().filter(|_| member.enabled) else { continue };
        let preferences = preferences_of(txn, project.id, member.id).await?;
        if !preferences.reaches(environment, kind, severity) {
            continue;
        }
        let base = state.settings.public_url();
        state
            .mailer
            .queue(
                txn,
                "alert",
                &email,
                minijinja::context! {
                    name => super::display_name(&member),
                    severity => severity.as_str(),
                    kind => kind.label(),
                    environment => environment.label(),
                    project => project.name.clone(),
                    raised_at => super::format_time(now),
                    message => message,
                    link => format!("{base}/{}/alerts", project.id),
                    preferences_link => format!("{base}/{}/notifications", project.id),
                },
                now,
            )
            .await?;
    }
    tell_webhook(state, txn, project, WebhookEvent::AlertRaised, &row, &[], now).await?;
    Ok(row)
}

/// Queues `event` (`alert.raised`, `alert.resolved`) about `alert` for the project's webhooks
/// that want it, in the caller's transaction.
pub async fn tell_webhook(
    state: &Context,
    txn: &DatabaseTransaction,
    project: &project::Model,
    event: WebhookEvent,
    alert: &alert::Model,
    resolvers: &[account::Model],
    now: DateTime<Utc>,
) -> Result<(), Failure> {
    super::webhooks::announce::alert(state, txn, project, event, &to_dto(alert, resolvers), now).await?;
    Ok(())
}

pub async fn list(state: &Context, access: &ProjectAccess, query: AlertQuery) -> AlertsResult<Page<Alert>> {
    access.require(Action::ViewProject)?;
    let page =
        PageRequest::parse(PageQuery { page: query.page, per_page: query.per_page }).map_err(Failure::Invalid)?;
    if let Some(environment) = &query.environment
        && Environment::parse(environment).is_none()
    {
        return Err(Failure::invalid_field("environment", "must be qa, uat, stg or prod").into());
    }
    if let Some(severity) = &query.severity
        && Severity::parse(severity).is_none()
    {
        return Err(Failure::invalid_field("severity", "must be critical, error or warning").into());
    }
    let filter = AlertFilter {
        environment: query.environment,
        severity: query.severity,
        from: query.from,
        to: query.to,
        active_only: query.active.unwrap_or(false),
    };
    let project = access.project.id;
    let key = CacheKey::Alerts { project, filter: filter.clone(), offset: page.offset(), limit: page.limit() };
    let found = state
        .cache
        .get_or_load(key, || async {
            let (rows, total) = alerts::page(&state.db, project, &filter, page.offset(), page.limit()).await?;
            let resolvers = accounts::find_many(&state.db, rows.iter().filter_map(|r| r.resolved_by).collect()).await?;
            Ok::<_, AlertsError>((rows.iter().map(|r| to_dto(r, &resolvers)).collect::<Vec<_>>(), total))
        })
        .await?;
    Ok(Page::new(found.0.clone(), page, found.1))
}

pub async fn resolve(
    state: &Context,
    client: &ClientInfo,
    access: &ProjectAccess,
    actor: &account::Model,
    id: Uuid,
) -> AlertsResult<Alert> {
    access.require(Action::ResolveAlerts)?;
    let now = state.now();
    let txn = state.db.begin().await?;
    let row = alerts::find_in_project(&txn, access.project.id, id).await?.ok_or_else(|| AlertsError::AlertNotFound)?;
    if !alerts::resolve(&txn, id, Some(actor.id), now).await? {
        return Err(AlertsError::AlertResolved);
    }
    let resolved = event("alert.resolved", "success", client)
        .actor(actor.id)
        .details(serde_json::json!({"alert": id}))
        .project(access.project.id);
    audit::record(&txn, resolved, now).await?;
    let row = alert::Model { resolved_at: Some(now), resolved_by: Some(actor.id), ..row };
    tell_webhook(state, &txn, &access.project, WebhookEvent::AlertResolved, &row, std::slice::from_ref(actor), now)
        .await?;
    txn.commit().await?;
    Ok(to_dto(&row, std::slice::from_ref(actor)))
}

async fn preferences_of(
    db: &impl ConnectionTrait,
    project_id: Uuid,
    account_id: Uuid,
) -> AlertsResult<NotificationPreferences> {
    match alerts::preferences(db, project_id, account_id).await? {
        Some(value) => Ok(serde_json::from_value(value).map_err(Failure::internal)?),
        None => Ok(NotificationPreferences::everything()),
    }
}

pub async fn get_preferences(
    state: &Context,
    access: &ProjectAccess,
    account: &account::Model,
) -> AlertsResult<NotificationPreferences> {
    access.require(Action::ViewProject)?;
    preferences_of(&state.db, access.project.id, account.id).await
}

pub async fn put_preferences(
    state: &Context,
    access: &ProjectAccess,
    account: &account::Model,
    input: NotificationPreferencesInput,
) -> AlertsResult<NotificationPreferences> {
    access.require(Action::ViewProject)?;
    if access.role.is_none() {
        return Err(AlertsError::MembershipRequired);
    }
    let preferences = parse_preferences(&input).map_err(|(field, message)| Failure::invalid_field(&field, message))?;
    let value = serde_json::to_value(&preferences).map_err(Failure::internal)?;
    alerts::put_preferences(&state.db, access.project.id, account.id, value, state.now()).await?;
    Ok(preferences)
}
