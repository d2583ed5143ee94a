//! Alerts: raised by the deployment runner and by monitoring, listed and resolved by members,
//! delivered by email to the members whose preferences match and to the project's webhook.

use chrono::{DateTime, Utc};
use hmac::{Hmac, KeyInit, Mac};
use portico_domain::alerts::{
    Alert, AlertQuery, AlertType, MAX_MESSAGE_CHARS, NotificationPreferences, NotificationPreferencesInput,
    RaiseAlertRequest, Severity, Webhook, WebhookPayload, parse_preferences,
};
use portico_domain::network::special_purpose;
use portico_domain::paging::{Page, PageQuery, PageRequest};
use portico_domain::problem::FieldError;
use portico_domain::projects::{Action, Environment, environments_from_text};
use portico_store::alerts::AlertFilter;
use portico_store::entities::{account, alert, project, webhook};
use portico_store::{accounts, alerts, audit, memberships};
use sea_orm::{ConnectionTrait, DatabaseTransaction, Set, TransactionTrait};
use sha2::Sha256;
use uuid::Uuid;

use super::errors::{Failure, use_case_error};
use crate::audit::{AuditEventExt, event};
use crate::auth::project_access::ProjectAccess;
use crate::auth::{crypto, secrets};
use crate::cache::CacheKey;
use crate::context::Context;
use crate::http::client::ClientInfo;
use crate::keys::Purpose;

use_case_error! {
    /// Why an alert, a notification preference or the webhook was refused.
    pub enum AlertsError {
        AlertNotFound => (NotFound, "alert_not_found", "This project has no such alert."),
        AlertResolved => (Conflict, "alert_resolved", "This alert is already resolved."),
        MembershipRequired => (Forbidden, "membership_required", "Notification preferences belong to project members."),
        WebhookNotFound => (NotFound, "webhook_not_found", "This project has no webhook."),
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
    tell_webhook(txn, "alert.raised", &row, &[], now).await?;
    Ok(row)
}

/// Queues `event` (`alert.raised`, `alert.resolved`) about `alert` for the project's webhook, if
/// it has one, in the caller's transaction.
pub async fn tell_webhook(
    txn: &DatabaseTransaction,
    event: &str,
    alert: &alert::Model,
    resolvers: &[account::Model],
    now: DateTime<Utc>,
) -> Result<(), Failure> {
    if let Some(hook) = alerts::webhook(txn, alert.project_id).await? {
        let payload =
            WebhookPayload { event: event.into(), project: alert.project_id, alert: to_dto(alert, resolvers) };
        let body = serde_json::to_string(&payload).map_err(Failure::internal)?;
        alerts::enqueue_delivery(txn, alert.project_id, &hook.url, &body, now).await?;
    }
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
    tell_webhook(&txn, "alert.resolved", &row, std::slice::from_ref(actor), now).await?;
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

// --- Webhook -----------------------------------------------------------------------

pub const SIGNATURE_HEADER: &str = "X-Portico-Signature";
pub const TIMESTAMP_HEADER: &str = "X-Portico-Timestamp";

/// `sha256=<hex HMAC-SHA256 of "{timestamp}.{body}">`.
pub fn signature(secret: &[u8], timestamp: i64, body: &[u8]) -> String {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// Checks a webhook URL and where its host resolves to; returns the addresses to connect to.
pub async fn check_target(url: &str, allow_private: bool) -> Result<(String, Vec<std::net::SocketAddr>), String> {
    let parsed = reqwest::Url::parse(url).map_err(|e| format!("is not a URL: {e}"))?;
    if !matches!(parsed.scheme(), "https" | "http") {
        return Err("must be an http or https URL".into());
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err("must not carry credentials; the signature authenticates deliveries".into());
    }
    let port = parsed.port_or_known_default().ok_or("needs a port")?;
    // An address literal is judged as it is; a name by every address it resolves to (all must
    // pass: the connection goes to one of them).
    let (host, addresses): (String, Vec<std::net::SocketAddr>) = match parsed.host().ok_or("needs a host")? {
        url::Host::Ipv4(ip) => (ip.to_string(), vec![(ip, port).into()]),
        url::Host::Ipv6(ip) => (ip.to_string(), vec![(ip, port).into()]),
        url::Host::Domain(name) => {
            let resolved: Vec<std::net::SocketAddr> = tokio::net::lookup_host((name, port))
                .await
                .map_err(|e| format!("the host `{name}` does not resolve: {e}"))?
                .collect();
            (name.to_owned(), resolved)
        }
    };
    if addresses.is_empty() {
        return Err(format!("the host `{host}` does not resolve"));
    }
    if !allow_private
        && let Some((address, kind)) = addresses.iter().find_map(|a| special_purpose(a.ip()).map(|kind| (a.ip(), kind)))
    {
        return Err(format!(
            "the host `{host}` is {address}, a special-purpose address ({kind}); Portico does not send webhooks \
             there (PORTICO_WEBHOOK_ALLOW_PRIVATE allows private targets)"
        ));
    }
    Ok((host, addresses))
}

pub async fn get_webhook(state: &Context, access: &ProjectAccess) -> AlertsResult<Webhook> {
    access.require(Action::ManageWebhook)?;
    let hook = alerts::webhook(&state.db, access.project.id).await?.ok_or_else(|| AlertsError::WebhookNotFound)?;
    Ok(Webhook { url: hook.url, created_at: hook.created_at, signing_secret: None })
}

/// Sets the webhook; the new signing secret is in this answer only.
pub async fn put_webhook(
    state: &Context,
    client: &ClientInfo,
    access: &ProjectAccess,
    actor: &account::Model,
    url: &str,
) -> AlertsResult<Webhook> {
    access.require(Action::ManageWebhook)?;
    access.require_writable()?;
    if url.len() > 2000 {
        return Err(Failure::invalid_field("url", "must be at most 2000 characters").into());
    }
    check_target(url, state.settings.webhook_allow_private).await.map_err(|m| Failure::invalid_field("url", m))?;
    let secret = format!("whsec_{}", hex::encode(secrets::random_bytes::<32>()));
    let now = state.now();
    let sealed =
        crypto::seal(&state.master_key, Purpose::WebhookSecret, access.project.id.as_bytes(), secret.as_bytes());
    let txn = state.db.begin().await?;
    alerts::put_webhook(
        &txn,
        webhook::Model {
            project_id: access.project.id,
            url: url.to_owned(),
            secret_ciphertext: sealed,
            created_at: now,
        },
    )
    .await?;
    let set = event("project.webhook_set", "success", client)
        .actor(actor.id)
        .details(serde_json::json!({"url": url}))
        .project(access.project.id);
    audit::record(&txn, set, now).await?;
    txn.commit().await?;
    Ok(Webhook { url: url.to_owned(), created_at: now, signing_secret: Some(secret) })
}

pub async fn delete_webhook(
    state: &Context,
    client: &ClientInfo,
    access: &ProjectAccess,
    actor: &account::Model,
) -> AlertsResult<()> {
    access.require(Action::ManageWebhook)?;
    let now = state.now();
    let txn = state.db.begin().await?;
    if !alerts::delete_webhook(&txn, access.project.id).await? {
        return Err(AlertsError::WebhookNotFound);
    }
    let removed = event("project.webhook_removed", "success", client).actor(actor.id).project(access.project.id);
    audit::record(&txn, removed, now).await?;
    txn.commit().await?;
    Ok(())
}

/// The signing secret of a project's webhook, decrypted for a delivery.
pub async fn webhook_secret(state: &Context, project_id: Uuid) -> AlertsResult<Option<Vec<u8>>> {
    let Some(hook) = alerts::webhook(&state.db, project_id).await? else { return Ok(None) };
    crypto::open(&state.master_key, Purpose::WebhookSecret, project_id.as_bytes(), &hook.secret_ciphertext)
        .map(Some)
        .map_err(|e| Failure::internal(e).into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_covers_timestamp_and_body() {
        let a = signature(b"secret", 1, b"{}");
        assert!(a.starts_with("sha256=") && a.len() == 7 + 64);
        assert_ne!(a, signature(b"secret", 2, b"{}"));
        assert_ne!(a, signature(b"other", 1, b"{}"));
    }
}
