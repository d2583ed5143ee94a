//! A project's webhooks (Tenant Administrators): each with a URL, a signing secret shown once,
//! the events it wants and a format; a test delivery, the delivery log and redelivery. A webhook
//! failing for 3 days is disabled and the Tenant Administrators are told. The first webhook is
//! also the one the older `/webhook` operations address.

pub mod announce;
mod deliveries;
mod legacy;
pub mod send;

pub use deliveries::{deliveries, redeliver, test_delivery};
pub use legacy::{delete_first, get_first, put_first};

use chrono::{DateTime, Utc};
use portico_domain::projects::{Action, ProjectRole};
use portico_domain::webhooks::{
    DISABLE_AFTER_DAYS, MAX_WEBHOOKS, NewWebhookRequest, ProjectWebhook, WebhookEvent, WebhookFormat, WebhookPatch,
};
use portico_store::entities::{account, webhook};
use portico_store::{accounts, audit, memberships, projects as project_store, webhooks as store};
use sea_orm::{IntoActiveModel, Set, TransactionTrait};
use uuid::Uuid;

use super::errors::{Failure, use_case_error};
use crate::audit::{AuditEventExt, event};
use crate::auth::project_access::ProjectAccess;
use crate::auth::secrets;
use crate::context::Context;
use crate::http::client::ClientInfo;

use_case_error! {
    /// Why a webhook operation was refused.
    pub enum WebhooksError {
        WebhookNotFound => (NotFound, "webhook_not_found", "This project has no such webhook."),
        DeliveryNotFound => (NotFound, "delivery_not_found", "This webhook has no such delivery in its log (it keeps the last 100)."),
        LimitReached => (Conflict, "webhook_limit_reached", "A project has at most 20 webhooks; delete one first."),
        Disabled => (Conflict, "webhook_disabled", "This webhook is disabled; enable it again (PATCH with `enabled` true) to deliver."),
    }
    from { crate::auth::project_access::AccessError }
}

pub type WebhooksResult<T> = Result<T, WebhooksError>;

fn to_dto(row: &webhook::Model, creators: &[account::Model]) -> ProjectWebhook {
    ProjectWebhook {
        id: row.id,
        url: row.url.clone(),
        events: WebhookEvent::split(&row.events),
        format: WebhookFormat::parse(&row.format).unwrap_or_default(),
        enabled: row.disabled_at.is_none(),
        disabled_at: row.disabled_at,
        disabled_reason: row.disabled_reason.clone(),
        failing_since: row.failing_since,
        created_at: row.created_at,
        created_by: row.created_by.and_then(|id| creators.iter().find(|a| a.id == id)).map(super::display_name),
        secret: None,
    }
}

async fn to_dtos(state: &Context, rows: &[webhook::Model]) -> WebhooksResult<Vec<ProjectWebhook>> {
    let creators = accounts::find_many(&state.db, rows.iter().filter_map(|r| r.created_by).collect()).await?;
    Ok(rows.iter().map(|r| to_dto(r, &creators)).collect())
}

/// A webhook URL as accepted: at most 2000 characters, http(s), resolving to allowed addresses.
async fn check_url(state: &Context, url: &str) -> WebhooksResult<String> {
    let url = url.trim();
    if url.len() > 2000 {
        return Err(Failure::invalid_field("url", "must be at most 2000 characters").into());
    }
    send::check_target(url, state.settings.webhook_allow_private)
        .await
        .map_err(|m| Failure::invalid_field("url", m))?;
    Ok(url.to_owned())
}

/// The events as chosen: at least one, each once, `ping` not among them.
fn check_events(events: &[WebhookEvent]) -> WebhooksResult<String> {
    if events.contains(&WebhookEvent::Ping) {
        return Err(Failure::invalid_field(
            "events",
            "`ping` is sent by a test delivery only; it is not subscribed to",
        )
        .into());
    }
    let mut chosen: Vec<WebhookEvent> = WebhookEvent::SUBSCRIBABLE.into_iter().filter(|e| events.contains(e)).collect();
    chosen.dedup();
    if chosen.is_empty() {
        return Err(Failure::invalid_field("events", "choose at least one event").into());
    }
    Ok(WebhookEvent::join(&chosen))
}

/// A new signing secret: what the receiver gets (once) and how it is kept.
fn new_secret(state: &Context, webhook_id: Uuid) -> (String, String) {
    let secret = format!("whsec_{}", hex::encode(secrets::random_bytes::<32>()));
    let sealed = send::seal_secret(state, webhook_id, &secret);
    (secret, sealed)
}

/// What a new webhook is to be: its checked URL, its events as stored, its format.
struct Wanted {
    url: String,
    events: String,
    format: WebhookFormat,
}

/// A webhook as added by `actor`, enabled and with no failures yet.
fn new_row(
    id: Uuid,
    access: &ProjectAccess,
    actor: &account::Model,
    wanted: Wanted,
    sealed_secret: String,
    now: DateTime<Utc>,
) -> webhook::Model {
    webhook::Model {
        id,
        project_id: access.project.id,
        url: wanted.url,
        secret_ciphertext: sealed_secret,
        events: wanted.events,
        format: wanted.format.as_str().to_owned(),
        created_at: now,
        created_by: Some(actor.id),
        replaced_at: None,
        failing_since: None,
        disabled_at: None,
        disabled_reason: None,
    }
}

pub async fn list(state: &Context, access: &ProjectAccess) -> WebhooksResult<Vec<ProjectWebhook>> {
    access.require(Action::ManageWebhook)?;
    let rows = store::list(&state.db, access.project.id).await?;
    to_dtos(state, &rows).await
}

pub async fn get(state: &Context, access: &ProjectAccess, id: Uuid) -> WebhooksResult<ProjectWebhook> {
    access.require(Action::ManageWebhook)?;
    let row = find(state, access, id).await?;
    Ok(to_dtos(state, std::slice::from_ref(&row)).await?.remove(0))
}

async fn find(state: &Context, access: &ProjectAccess, id: Uuid) -> WebhooksResult<webhook::Model> {
    store::find_in_project(&state.db, access.project.id, id).await?.ok_or(WebhooksError::WebhookNotFound)
}

/// Adds a webhook; its signing secret is in this answer only.
pub async fn create(
    state: &Context,
    client: &ClientInfo,
    access: &ProjectAccess,
    actor: &account::Model,
    request: NewWebhookRequest,
) -> WebhooksResult<ProjectWebhook> {
    access.require(Action::ManageWebhook)?;
    access.require_writable()?;
    let events = check_events(&request.events)?;
    let url = check_url(state, &request.url).await?;
    let format = request.format.unwrap_or_default();
    let now = state.now();
    let id = Uuid::now_v7();
    let (secret, sealed) = new_secret(state, id);
    let txn = state.db.begin().await?;
    // The project row is locked so that two creations cannot both pass the limit.
    project_store::find_for_update(&txn, access.project.id).await?;
    if store::list(&txn, access.project.id).await?.len() >= MAX_WEBHOOKS {
        return Err(WebhooksError::LimitReached);
    }
    let row = store::insert(&txn, new_row(id, access, actor, Wanted { url, events, format }, sealed, now)).await?;
    let created = event("project.webhook_created", "success", client)
        .actor(actor.id)
        .details(serde_json::json!({"webhook": id, "url": row.url, "events": row.events, "format": row.format}))
        .project(access.project.id);
    audit::record(&txn, created, now).await?;
    txn.commit().await?;
    let mut dto = to_dto(&row, std::slice::from_ref(actor));
    dto.secret = Some(secret);
    Ok(dto)
}

/// Changes a webhook's URL, events or format, or turns it off or back on (which forgets its
/// failures). Deliveries queued for an old URL are not sent to the new one.
pub async fn update(
    state: &Context,
    client: &ClientInfo,
    access: &ProjectAccess,
    actor: &account::Model,
    id: Uuid,
    patch: WebhookPatch,
) -> WebhooksResult<ProjectWebhook> {
    access.require(Action::ManageWebhook)?;
    access.require_writable()?;
    let events = patch.events.as_deref().map(check_events).transpose()?;
    let url = match &patch.url {
        Some(url) => Some(check_url(state, url).await?),
        None => None,
    };
    let now = state.now();
    let txn = state.db.begin().await?;
    let current = store::find_in_project(&txn, access.project.id, id).await?.ok_or(WebhooksError::WebhookNotFound)?;
    let mut row = current.clone().into_active_model();
    if let Some(url) = url {
        row.url = Set(url);
    }
    if let Some(events) = events {
        row.events = Set(events);
    }
    if let Some(format) = patch.format {
        row.format = Set(format.as_str().to_owned());
    }
    match patch.enabled {
        Some(true) => {
            row.disabled_at = Set(None);
            row.disabled_reason = Set(None);
            row.failing_since = Set(None);
        }
        Some(false) if current.disabled_at.is_none() => {
            row.disabled_at = Set(Some(now));
            row.disabled_reason = Set(Some(format!("Disabled by {}", super::display_name(actor))));
        }
        _ => {}
    }
    let row = store::update(&txn, row).await?;
    let updated = event("project.webhook_updated", "success", client)
        .actor(actor.id)
        .details(serde_json::json!({
            "webhook": id, "url": row.url, "events": row.events, "format": row.format, "enabled": row.disabled_at.is_none(),
        }))
        .project(access.project.id);
    audit::record(&txn, updated, now).await?;
    txn.commit().await?;
    Ok(to_dtos(state, std::slice::from_ref(&row)).await?.remove(0))
}

/// Removes a webhook and its delivery log.
pub async fn delete(
    state: &Context,
    client: &ClientInfo,
    access: &ProjectAccess,
    actor: &account::Model,
    id: Uuid,
) -> WebhooksResult<()> {
    access.require(Action::ManageWebhook)?;
    let now = state.now();
    let txn = state.db.begin().await?;
    if !store::delete(&txn, access.project.id, id).await? {
        return Err(WebhooksError::WebhookNotFound);
    }
    let removed = event("project.webhook_removed", "success", client)
        .actor(actor.id)
        .details(serde_json::json!({"webhook": id}))
        .project(access.project.id);
    audit::record(&txn, removed, now).await?;
    txn.commit().await?;
    Ok(())
}

/// After a failed attempt: a webhook that has failed for 3 days without a success in between is
/// disabled, and its project's Tenant Administrators are emailed.
pub async fn note_failure(state: &Context, webhook_id: Uuid, now: DateTime<Utc>) -> anyhow::Result<()> {
    let txn = state.db.begin().await?;
    let Some(hook) = store::note_failure(&txn, webhook_id, now).await? else { return Ok(()) };
    let Some(since) = hook.failing_since.filter(|_| hook.disabled_at.is_none()) else {
        txn.commit().await?;
        return Ok(());
    };
    if now - since < chrono::Duration::days(DISABLE_AFTER_DAYS) {
        txn.commit().await?;
        return Ok(());
    }
    let reason = format!("Every delivery failed since {}", super::format_time(since));
    if store::disable(&txn, hook.id, &reason, now).await?
        && let Some(project) = project_store::find(&txn, hook.project_id).await?
    {
        for (membership, account) in memberships::list_with_accounts(&txn, project.id).await? {
            let Some(email) = account.email.as_deref().filter(|_| account.enabled) else { continue };
            if membership.role != ProjectRole::TenantAdministrator {
                continue;
            }
            let context = minijinja::context! {
                name => super::display_name(&account),
                project => project.name.clone(),
                url => hook.url.clone(),
                since => super::format_time(since),
                link => format!("{}/{}/webhooks", state.settings.public_url(), project.id),
            };
            state.mailer.queue(&txn, "webhook_disabled", email, context, now).await?;
        }
        let disabled = event("project.webhook_disabled", "failure", &Default::default())
            .details(serde_json::json!({"webhook": hook.id, "url": hook.url, "failing_since": since}))
            .project(project.id);
        audit::record(&txn, disabled, now).await?;
        tracing::warn!(webhook = %hook.id, url = %hook.url, "disabled a webhook failing since {since}");
    }
    txn.commit().await?;
    state.mailer.wake();
    Ok(())
}
