//! `/webhook`, from when a project had one alert webhook: it addresses the project's first
//! webhook. Setting it replaces that webhook's URL and secret (a new one, shown once), or adds a
//! webhook for alerts raised and resolved in Portico's format.

use portico_domain::alerts::Webhook;
use portico_domain::projects::Action;
use portico_domain::webhooks::{WebhookEvent, WebhookFormat};
use portico_store::entities::account;
use portico_store::{audit, projects as project_store, webhooks as store};
use sea_orm::{IntoActiveModel, Set, TransactionTrait};
use uuid::Uuid;

use super::{Wanted, WebhooksError, WebhooksResult, check_url, new_row, new_secret};
use crate::audit::{AuditEventExt, event};
use crate::auth::project_access::ProjectAccess;
use crate::context::Context;
use crate::http::client::ClientInfo;

pub async fn get_first(state: &Context, access: &ProjectAccess) -> WebhooksResult<Webhook> {
    access.require(Action::ManageWebhook)?;
    let first = store::list(&state.db, access.project.id).await?.into_iter().next();
    let hook = first.ok_or(WebhooksError::WebhookNotFound)?;
    Ok(Webhook { url: hook.url, created_at: hook.created_at, signing_secret: None })
}

/// Sets the first webhook; the new signing secret is in this answer only. Deliveries queued
/// before are not sent: not to the old URL, nor signed with the new secret.
pub async fn put_first(
    state: &Context,
    client: &ClientInfo,
    access: &ProjectAccess,
    actor: &account::Model,
    url: &str,
) -> WebhooksResult<Webhook> {
    access.require(Action::ManageWebhook)?;
    access.require_writable()?;
    let url = check_url(state, url).await?;
    let now = state.now();
    let txn = state.db.begin().await?;
    project_store::find_for_update(&txn, access.project.id).await?;
    let secret = match store::list(&txn, access.project.id).await?.into_iter().next() {
        Some(first) => {
            let (secret, sealed) = new_secret(state, first.id);
            let mut row = first.into_active_model();
            row.url = Set(url.clone());
            row.secret_ciphertext = Set(sealed);
            // Replaced: what was queued before it is dropped by the worker.
            row.replaced_at = Set(Some(now));
            store::update(&txn, row).await?;
            secret
        }
        None => {
            let id = Uuid::now_v7();
            let (secret, sealed) = new_secret(state, id);
            let events = WebhookEvent::join(&[WebhookEvent::AlertRaised, WebhookEvent::AlertResolved]);
            let wanted = Wanted { url: url.clone(), events, format: WebhookFormat::Portico };
            let row = new_row(id, access, actor, wanted, sealed, now);
            store::insert(&txn, row).await?;
            secret
        }
    };
    let set = event("project.webhook_set", "success", client)
        .actor(actor.id)
        .details(serde_json::json!({"url": url}))
        .project(access.project.id);
    audit::record(&txn, set, now).await?;
    txn.commit().await?;
    Ok(Webhook { url, created_at: now, signing_secret: Some(secret) })
}

pub async fn delete_first(
    state: &Context,
    client: &ClientInfo,
    access: &ProjectAccess,
    actor: &account::Model,
) -> WebhooksResult<()> {
    access.require(Action::ManageWebhook)?;
    let first = store::list(&state.db, access.project.id).await?.into_iter().next();
    let hook = first.ok_or(WebhooksError::WebhookNotFound)?;
    super::delete(state, client, access, actor, hook.id).await
}
