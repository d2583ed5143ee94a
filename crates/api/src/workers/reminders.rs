//! Reminders: access tokens 7 days and 1 day before they expire, maintenance windows before
//! they start; each once (also with several server processes: marking the reminder sent is a
//! compare-and-set).

use std::time::Duration as StdDuration;

use actix_web::web;
use chrono::Duration;
use portico_store::entities::access_token;
use portico_store::{access_tokens, projects as project_store};
use sea_orm::TransactionTrait;
use tokio::sync::watch;

use crate::context::Context;

pub async fn run(state: web::Data<Context>, mut stop: watch::Receiver<bool>) {
    loop {
        if let Err(error) = remind(&state).await {
            tracing::error!(error = %format!("{error:#}"), "token expiry reminders");
        }
        if let Err(error) = crate::usecases::maintenance::send_reminders(&state).await {
            tracing::error!(error = %format!("{error:#}"), "maintenance reminders");
        }
        tokio::select! {
            _ = tokio::time::sleep(StdDuration::from_secs(60)) => {}
            _ = state.wake_reminders.notified() => {}
            _ = stop.changed() => return,
        }
    }
}

async fn remind(state: &Context) -> anyhow::Result<()> {
    for (within, column, when) in [
        (Duration::days(1), access_token::Column::Reminded1dAt, "within a day"),
        (Duration::days(7), access_token::Column::Reminded7dAt, "within a week"),
    ] {
        let now = state.now();
        for (token, owner) in access_tokens::due_for_reminder(&state.db, now, now + within, column).await? {
            let project = project_store::find(&state.db, token.project_id).await?.map(|p| p.name).unwrap_or_default();
            let txn = state.db.begin().await?;
            if access_tokens::mark_reminded(&txn, token.id, column, now).await? {
                // A token reminded for the last day needs no week reminder any more.
                access_tokens::mark_reminded(&txn, token.id, access_token::Column::Reminded7dAt, now).await?;
                for person in crate::usecases::tokens::people_to_tell(&txn, &token, owner).await? {
                    let Some(email) = person.email.as_deref() else { continue };
                    state
                        .mailer
                        .queue(
                            &txn,
                            "token_expiring",
                            email,
                            minijinja::context! {
                                name => crate::usecases::display_name(&person),
                                token => token.display_name.clone(),
                                project => project.clone(),
                                expires_at => crate::usecases::format_time(token.expires_at),
                                when => when,
                            },
                            now,
                        )
                        .await?;
                }
            }
            txn.commit().await?;
            state.cache.invalidate();
        }
    }
    state.mailer.wake();
    Ok(())
}
