//! Alert webhooks: signed JSON POSTs with retries and backoff, no redirects, and the target
//! checked again at every delivery (a host may have been re-pointed at a private address).

use std::time::Duration as StdDuration;

use actix_web::web;
use chrono::Duration;
use portico_store::alerts;
use portico_store::entities::webhook_delivery;
use tokio::sync::watch;

use crate::clock::now;
use crate::state::AppState;
use crate::usecases::alerts::{SIGNATURE_HEADER, TIMESTAMP_HEADER, check_target, signature, webhook_secret};

const LEASE: Duration = Duration::seconds(60);
const MAX_ATTEMPTS: i32 = 10;

pub async fn run(state: web::Data<AppState>, mut stop: watch::Receiver<bool>) {
    loop {
        loop {
            match deliver_next(&state).await {
                Ok(true) => continue,
                Ok(false) => break,
                Err(error) => {
                    tracing::error!(error = ?error, "webhooks");
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

async fn deliver_next(state: &AppState) -> anyhow::Result<bool> {
    let Some(delivery) = alerts::claim_delivery(&state.db, now(), LEASE).await? else { return Ok(false) };
    let outcome = send(state, &delivery).await;
    let now = now();
    let outcome = match outcome {
        Ok(()) => Ok(()),
        Err(error) => {
            let retry = (delivery.attempts < MAX_ATTEMPTS)
                .then(|| now + Duration::seconds((5i64 << delivery.attempts.min(10)).min(3600)));
            tracing::warn!(delivery = %delivery.id, attempts = delivery.attempts, %error, "webhook delivery failed");
            Err((error, retry))
        }
    };
    alerts::delivery_done(&state.db, delivery.id, outcome, now).await?;
    Ok(true)
}

async fn send(state: &AppState, delivery: &webhook_delivery::Model) -> Result<(), String> {
    let secret = webhook_secret(state, delivery.project_id)
        .await
        .map_err(|e| e.to_string())?
        .ok_or("the webhook was removed")?;
    let (host, addresses) = check_target(&delivery.url, state.settings.webhook_allow_private).await?;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(StdDuration::from_secs(10))
        .resolve_to_addrs(&host, &addresses)
        .user_agent(concat!("Portico-Webhook/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| e.to_string())?;
    let timestamp = now().timestamp();
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
        Err(format!("the receiver answered HTTP {}", response.status()))
    }
}
