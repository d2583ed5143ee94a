//! Background work inside the server process: email delivery and clean-up of expired
//! sessions. Each worker stops when the server stops.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use actix_web::web;
use tokio::sync::{Notify, watch};

use crate::clock::now;
use crate::mail::worker::{OutboxWorker, Transport};
use crate::state::AppState;

pub fn spawn_all(
    state: &web::Data<AppState>,
    wake_mailer: Arc<Notify>,
    stop: watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let settings = &state.settings;
    let transport = Transport::from_settings(settings.smtp_url.as_ref().map(|s| s.expose()))?;
    let public_url = settings.public_url();
    let host = public_url.split("://").nth(1).unwrap_or("localhost").split(['/', ':']).next().unwrap_or("localhost");
    let outbox = OutboxWorker {
        db: state.db.clone(),
        transport,
        from: settings.mail_from.clone(),
        message_id_domain: host.to_owned(),
        wake: wake_mailer,
        poll_every: StdDuration::from_secs(5),
    };
    tokio::spawn(outbox.run(stop.clone()));
    tokio::spawn(session_sweeper(state.clone(), stop));
    Ok(())
}

/// Deletes sessions past their expiry every few minutes (requests refuse them anyway).
async fn session_sweeper(state: web::Data<AppState>, mut stop: watch::Receiver<bool>) {
    loop {
        let now = now();
        if let Err(error) = portico_store::sessions::delete_stale(&state.db, now, now - state.sessions.idle).await {
            tracing::warn!(%error, "session sweeper");
        }
        tokio::select! {
            _ = tokio::time::sleep(StdDuration::from_secs(300)) => {}
            _ = stop.changed() => return,
        }
    }
}
