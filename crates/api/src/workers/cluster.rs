//! This server's part among several on one PostgreSQL (see `cluster`): its changes announced,
//! the others' heard. A lost listening connection stops the read cache from serving until it is
//! back (then everything is forgotten once more).

use std::sync::Arc;
use std::time::Duration;

use sea_orm::sqlx::postgres::PgListener;
use tokio::sync::watch;

use crate::cache::ReadCache;
use crate::cluster::{CHANNEL, announce, is_shared};
use crate::context::Context;

/// Announces this server's changes and hears the others' until the server stops.
pub async fn run(context: Arc<Context>, stop: watch::Receiver<bool>) {
    if !is_shared(&context.db) {
        return;
    }
    tokio::spawn(announce_changes(Arc::clone(&context), stop.clone()));
    listen(context, stop).await;
}

async fn announce_changes(context: Arc<Context>, mut stop: watch::Receiver<bool>) {
    loop {
        tokio::select! {
            _ = context.cache.changed() => {}
            _ = stop.changed() => return,
        }
        // Changes made while this one is announced are one more announcement, not many.
        if let Err(error) = announce(&context.db, &context.instance).await {
            tracing::warn!(error = %error, "announcing a change to the other servers");
        }
    }
}

async fn listen(context: Arc<Context>, mut stop: watch::Receiver<bool>) {
    let cache: &ReadCache = &context.cache;
    let mut retry = Duration::from_millis(100);
    loop {
        let connected = async {
            let mut listener = PgListener::connect_with(context.db.get_postgres_connection_pool()).await?;
            listener.listen(CHANNEL).await?;
            Ok::<_, sea_orm::sqlx::Error>(listener)
        };
        let mut listener = tokio::select! {
            connected = connected => match connected {
                Ok(listener) => listener,
                Err(error) => {
                    tracing::warn!(error = %error, retry_in = ?retry, "listening for other servers' changes");
                    tokio::select! {
                        _ = tokio::time::sleep(retry) => {}
                        _ = stop.changed() => return,
                    }
                    retry = (retry * 2).min(Duration::from_secs(10));
                    continue;
                }
            },
            _ = stop.changed() => return,
        };
        retry = Duration::from_millis(100);
        cache.set_hearing_others(true);
        loop {
            let received = tokio::select! {
                received = listener.try_recv() => received,
                _ = stop.changed() => return,
            };
            match received {
                Ok(Some(notification)) => {
                    if notification.payload() != context.instance {
                        cache.invalidate_from_elsewhere();
                    }
                }
                // The connection was lost (and is back, listening again): whatever was announced
                // meanwhile is unknown.
                Ok(None) => {
                    tracing::warn!(
                        "the connection listening for other servers' changes was lost; forgetting the cache"
                    );
                    cache.invalidate_from_elsewhere();
                }
                Err(error) => {
                    tracing::warn!(error = %error, "listening for other servers' changes");
                    cache.set_hearing_others(false);
                    break;
                }
            }
        }
    }
}
