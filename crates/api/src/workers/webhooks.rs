//! Alert webhooks: signed JSON POSTs with retries and backoff, no redirects, and the target
//! checked again at every delivery (a host may have been re-pointed at a private address).

use std::time::Duration as StdDuration;

use actix_web::web;
use chrono::Duration;
use portico_store::alerts;
use portico_store::entities::webhook_delivery;
use tokio::sync::watch;

use crate::context::Context;
use crate::usecases::alerts::{SIGNATURE_HEADER, TIMESTAMP_HEADER, check_target, signature, webhook_secret};

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
    let Some(delivery) = alerts::claim_delivery(&state.db, state.now(), LEASE).await? else { return Ok(false) };
    let outcome = send(state, &delivery).await;
    let now = state.now();
    let outcome = match outcome {
        Ok(()) => Ok(()),
        Err(Undelivered::Retry(error)) => {
            let retry = (delivery.attempts < MAX_ATTEMPTS)
                .then(|| now + Duration::seconds((5i64 << delivery.attempts.min(10)).min(3600)));
            tracing::warn!(delivery = %delivery.id, attempts = delivery.attempts, %error, "webhook delivery failed");
            Err((error, retry))
        }
        Err(Undelivered::Dropped(reason)) => {
            tracing::info!(delivery = %delivery.id, %reason, "webhook delivery dropped");
            Err((reason, None))
        }
    };
    alerts::delivery_done(&state.db, delivery.id, outcome, now).await?;
    Ok(true)
}

enum Undelivered {
    /// Worth another attempt later.
    Retry(String),
    /// Never to be sent: the webhook it was queued for is gone or was changed since.
    Dropped(String),
}

impl From<String> for Undelivered {
    fn from(error: String) -> Self {
        Undelivered::Retry(error)
    }
}

/// Sends a delivery to the webhook as it stands now: a retry queued before the webhook was
/// replaced is dropped rather than sent to the old URL or signed with the new secret.
async fn send(state: &Context, delivery: &webhook_delivery::Model) -> Result<(), Undelivered> {
    let Some(hook) = alerts::webhook(&state.db, delivery.project_id).await.map_err(|e| e.to_string())? else {
        return Err(Undelivered::Dropped("the webhook was removed".into()));
    };
    if hook.created_at > delivery.created_at || hook.url != delivery.url {
        return Err(Undelivered::Dropped("the webhook was changed after this delivery was queued".into()));
    }
    let secret = webhook_secret(state, delivery.project_id)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| Undelivered::Dropped("the webhook was removed".into()))?;
    let (host, addresses) = check_target(&hook.url, state.settings.webhook_allow_private).await?;
    // No proxy (HTTP(S)_PROXY would otherwise connect to whatever the proxy resolves, past the
    // checked addresses) and no redirects (they could lead anywhere).
    let client = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(StdDuration::from_secs(10))
        .resolve_to_addrs(&host, &addresses)
        .user_agent(concat!("Portico-Webhook/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| e.to_string())?;
    let timestamp = state.now().timestamp();
    let response = client
        .post(&delivery.url)
        .header("Content-Type", "application/json")
        .header(TIMESTAMP_HEADER, timestamp.to_string())
        .header(SIGNATURE_HEADER, signature(&secret, timestamp, delivery.payload.as_bytes()))
        .header("X-Portico-Delivery", delivery.id.to_string())
        .header("X-Portico-Event", "alert.raised")
        .body(delivery.payload.clone())
        .send()
        .await
        .map_err(|e| format!("{e}"))?;
    if response.status().is_success() {
        Ok(())
    } else {
        Err(format!("the receiver answered HTTP {}", response.status()).into())
    }
}
