//! A webhook's delivery log (its last 100 deliveries, with what the receiver answered), a test
//! delivery sent at once, and redelivery of one from the log.

use portico_domain::projects::Action;
use portico_domain::webhooks::{
    DELIVERY_LOG_SIZE, DeliveryState, Message, Occurrence, WebhookDelivery, WebhookEvent, WebhookFormat,
};
use portico_store::entities::webhook_delivery;
use portico_store::webhooks::{self as store, Attempted, NewDelivery};
use uuid::Uuid;

use super::{WebhooksError, WebhooksResult, find, send};
use crate::auth::project_access::ProjectAccess;
use crate::context::Context;

pub(super) fn to_dto(row: &webhook_delivery::Model) -> WebhookDelivery {
    let state = match (row.delivered_at, row.failed_at) {
        (Some(_), _) => DeliveryState::Delivered,
        (None, Some(_)) => DeliveryState::Failed,
        (None, None) => DeliveryState::Pending,
    };
    WebhookDelivery {
        id: row.id,
        event: WebhookEvent::parse(&row.event).unwrap_or(WebhookEvent::AlertRaised),
        created_at: row.created_at,
        state,
        attempts: row.attempts,
        last_attempt_at: row.last_attempt_at,
        next_attempt_at: (state == DeliveryState::Pending).then_some(row.next_attempt_at),
        response_status: row.response_status,
        duration_ms: row.duration_ms,
        response_body: row.response_body.clone(),
        error: row.last_error.clone(),
        redelivery_of: row.redelivery_of,
    }
}

pub async fn deliveries(state: &Context, access: &ProjectAccess, id: Uuid) -> WebhooksResult<Vec<WebhookDelivery>> {
    access.require(Action::ManageWebhook)?;
    let hook = find(state, access, id).await?;
    Ok(store::deliveries(&state.db, hook.id, DELIVERY_LOG_SIZE).await?.iter().map(to_dto).collect())
}

/// Sends a `ping` now and answers with what the receiver said. It goes into the log like any
/// delivery but is not retried, and does not count towards disabling a failing webhook.
pub async fn test_delivery(state: &Context, access: &ProjectAccess, id: Uuid) -> WebhooksResult<WebhookDelivery> {
    access.require(Action::ManageWebhook)?;
    let hook = find(state, access, id).await?;
    let events = WebhookEvent::split(&hook.events);
    let names: Vec<&str> = events.iter().map(|e| e.as_str()).collect();
    let format = WebhookFormat::parse(&hook.format).unwrap_or_default();
    let occurrence = Occurrence {
        event: WebhookEvent::Ping,
        project: access.project.id,
        project_name: &access.project.name,
        subject: ("webhook", serde_json::json!({"id": hook.id, "url": hook.url, "events": names, "format": format})),
        message: Message {
            title: "Test delivery from Portico".to_owned(),
            facts: vec![("Webhook", hook.url.clone()), ("Events", names.join(", "))],
            link: format!("{}/{}/webhooks", state.settings.public_url(), access.project.id),
        },
    };
    let body = occurrence.body(format).to_string();
    let now = state.now();
    let ping = NewDelivery { webhook: &hook, event: WebhookEvent::Ping.as_str(), payload: &body, redelivery_of: None };
    let queued = store::insert_attempting(&state.db, ping, chrono::Duration::seconds(60), now).await?;
    let (answer, sent) = send::post(state, &hook, queued.id, WebhookEvent::Ping.as_str(), &body).await;
    let attempted = match sent {
        Ok(()) => Attempted::Delivered,
        Err(error) => Attempted::Failed { error, retry_at: None },
    };
    store::delivery_done(&state.db, queued.id, attempted, answer, state.now()).await?;
    store::prune(&state.db, hook.id, DELIVERY_LOG_SIZE).await?;
    let row = store::find_delivery(&state.db, hook.id, queued.id).await?.ok_or(WebhooksError::DeliveryNotFound)?;
    Ok(to_dto(&row))
}

/// Queues a delivery from the log again, with the same event and body, to the webhook's URL now.
pub async fn redeliver(
    state: &Context,
    access: &ProjectAccess,
    id: Uuid,
    delivery_id: Uuid,
) -> WebhooksResult<WebhookDelivery> {
    access.require(Action::ManageWebhook)?;
    let hook = find(state, access, id).await?;
    let original =
        store::find_delivery(&state.db, hook.id, delivery_id).await?.ok_or(WebhooksError::DeliveryNotFound)?;
    if hook.disabled_at.is_some() {
        return Err(WebhooksError::Disabled);
    }
    let again = store::enqueue_delivery(
        &state.db,
        NewDelivery {
            webhook: &hook,
            event: &original.event,
            payload: &original.payload,
            redelivery_of: Some(original.id),
        },
        state.now(),
    )
    .await?;
    state.wake_webhooks.notify_one();
    Ok(to_dto(&again))
}
