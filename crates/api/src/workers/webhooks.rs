//! Webhook deliveries: taken one at a time under a lease, sent as they were queued (to the URL
//! they were queued for), retried with backoff, noted in the log; a webhook failing for 3 days
//! is disabled.

use std::time::Duration as StdDuration;

use actix_web::web;
use chrono::Duration;
use portico_domain::webhooks::DELIVERY_LOG_SIZE;
use portico_store::entities::webhook_delivery;
use portico_store::webhooks::{self as store, Answer, Attempted};
use tokio::sync::watch;

use crate::context::Context;
use crate::usecases::webhooks::{self, send};

const LEASE: Duration = Duration::seconds(60);
const MAX_ATTEMPTS: i32 = 10;

pub async fn run(state: web::Data<Context>, mut stop: watch::Receiver<bool>) {
    loop {
        loop {
            match deliver_next(&state).await {
                Ok(true) => continue,
                Ok(false) => break,
                Err(error) => {
                    tracing::error!(error = %format!("{error:#}"), "webhooks");
                    break;
                }
            }
        }
        tokio::select! {
            _ = state.wake_webhooks.notified() => {}
            _ = tokio::time::sleep(StdDuration::from_secs(2)) => {}
            _ = stop.changed() => return,
        }
    }
}

async fn deliver_next(state: &Context) -> anyhow::Result<bool> {
    let Some(delivery) = store::claim_delivery(&state.db, state.now(), LEASE).await? else { return Ok(false) };
    let (answer, outcome) = send_claimed(state, &delivery).await;
    let now = state.now();
    // A dropped delivery says nothing about the receiver; a failed attempt does.
    let receiver_failed = matches!(outcome, Err(Undelivered::Retry(_)));
    let attempted = match outcome {
        Ok(()) => Attempted::Delivered,
        Err(Undelivered::Retry(error)) => {
            let retry_at = (delivery.attempts < MAX_ATTEMPTS)
                .then(|| now + Duration::seconds((5i64 << delivery.attempts.min(10)).min(3600)));
            tracing::warn!(delivery = %delivery.id, attempts = delivery.attempts, %error, "webhook delivery failed");
            Attempted::Failed { error, retry_at }
        }
        Err(Undelivered::Dropped(reason)) => {
            tracing::info!(delivery = %delivery.id, %reason, "webhook delivery dropped");
            Attempted::Failed { error: reason, retry_at: None }
        }
    };
    let delivered = matches!(attempted, Attempted::Delivered);
    store::delivery_done(&state.db, delivery.id, attempted, answer, now).await?;
    if let Some(webhook_id) = delivery.webhook_id {
        if delivered {
            store::note_success(&state.db, webhook_id).await?;
        } else if receiver_failed {
            webhooks::note_failure(state, webhook_id, now).await?;
        }
        store::prune(&state.db, webhook_id, DELIVERY_LOG_SIZE).await?;
    }
    Ok(true)
}

enum Undelivered {
    /// Worth another attempt later.
    Retry(String),
    /// Never to be sent: the webhook it was queued for is gone, disabled, or was changed since.
    Dropped(String),
}

/// Sends a delivery to the webhook as it stands now: a delivery queued before the webhook was
/// replaced (or for another URL) is dropped rather than sent to the old URL or signed with the
/// new secret.
async fn send_claimed(state: &Context, delivery: &webhook_delivery::Model) -> (Answer, Result<(), Undelivered>) {
    let dropped = |reason: &str| (Answer::default(), Err(Undelivered::Dropped(reason.to_owned())));
    let hook = match delivery.webhook_id {
        Some(id) => match store::find(&state.db, id).await {
            Ok(hook) => hook,
            Err(error) => return (Answer::default(), Err(Undelivered::Retry(error.to_string()))),
        },
        None => None,
    };
    let Some(hook) = hook else { return dropped("the webhook was removed") };
    if hook.disabled_at.is_some() {
        return dropped("the webhook is disabled");
    }
    if hook.replaced_at.is_some_and(|at| at > delivery.created_at) || hook.url != delivery.url {
        return dropped("the webhook was changed after this delivery was queued");
    }
    let (answer, sent) = send::post(state, &hook, delivery.id, &delivery.event, &delivery.payload).await;
    (answer, sent.map_err(Undelivered::Retry))
}
