//! The outbox worker: leases one due email at a time, sends it with a stable Message-ID (a
//! retry is recognisable as the same message), marks it sent, or schedules a retry with
//! backoff. Several server processes can run it against one database.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::Duration;
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use portico_store::entities::outbox_email;
use sea_orm::DatabaseConnection;
use tokio::sync::{Notify, watch};

use crate::clock::Clock;
use crate::keys::MasterKey;

/// How long a worker holds an email before another may retry it.
const LEASE: Duration = Duration::seconds(120);
const MAX_ATTEMPTS: i32 = 12;

pub enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// No SMTP configured: development only.
    Log,
}

impl Transport {
    pub fn from_settings(smtp_url: Option<&str>) -> anyhow::Result<Self> {
        match smtp_url {
            None => {
                tracing::warn!("PORTICO_SMTP_URL is not set: emails are written to the log (development only)");
                Ok(Transport::Log)
            }
            Some(url) => Ok(Transport::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| anyhow::anyhow!("PORTICO_SMTP_URL (smtp_url): {e}"))?
                    .timeout(Some(StdDuration::from_secs(20)))
                    .build(),
            )),
        }
    }
}

pub struct OutboxWorker {
    pub db: DatabaseConnection,
    pub transport: Transport,
    pub from: String,
    /// Domain part of Message-IDs.
    pub message_id_domain: String,
    pub wake: Arc<Notify>,
    pub poll_every: StdDuration,
    /// Opens the sealed bodies.
    pub key: Arc<MasterKey>,
    pub clock: Arc<dyn Clock>,
}

impl OutboxWorker {
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        match portico_store::outbox::drop_finished_bodies(&self.db).await {
            Ok(0) => {}
            Ok(dropped) => tracing::info!(dropped, "outbox: dropped the bodies of delivered emails"),
            Err(error) => tracing::error!(error = %format!("{error:#}"), "outbox: dropping delivered bodies"),
        }
        loop {
            loop {
                match self.deliver_one().await {
                    Ok(true) => continue,
                    Ok(false) => break,
                    Err(error) => {
                        tracing::error!(error = %format!("{error:#}"), "outbox: database error");
                        break;
                    }
                }
            }
            tokio::select! {
                _ = self.wake.notified() => {}
                _ = tokio::time::sleep(self.poll_every) => {}
                _ = stop.changed() => return,
            }
        }
    }

    /// Sends the next due email; false when none is due.
    async fn deliver_one(&self) -> anyhow::Result<bool> {
        let Some(email) = portico_store::outbox::claim_next(&self.db, self.clock.now(), LEASE).await? else {
            return Ok(false);
        };
        match self.send(&email).await {
            Ok(()) => {
                portico_store::outbox::mark_sent(&self.db, email.id, self.clock.now()).await?;
                tracing::info!(email_id = %email.id, attempts = email.attempts, "outbox: sent");
            }
            Err(error) => {
                let now = self.clock.now();
                let retry_at = (email.attempts < MAX_ATTEMPTS)
                    .then(|| now + Duration::seconds((10i64 << email.attempts.min(9)).min(3600)));
                tracing::warn!(email_id = %email.id, attempts = email.attempts, error = %error, retry = retry_at.is_some(), "outbox: sending failed");
                portico_store::outbox::mark_failed(&self.db, email.id, &error.to_string(), retry_at, now).await?;
            }
        }
        Ok(true)
    }

    async fn send(&self, email: &outbox_email::Model) -> anyhow::Result<()> {
        let super::Opened { headers, body } = super::open_body(&self.key, email.id, &email.body)?;
        match &self.transport {
            Transport::Log => {
                tracing::warn!(
                    to = %email.recipient,
                    subject = %email.subject,
                    body = %body,
                    "development mail (PORTICO_SMTP_URL is not set)"
                );
                Ok(())
            }
            Transport::Smtp(smtp) => {
                let mut builder = Message::builder()
                    .from(self.from.parse()?)
                    .to(email.recipient.parse()?)
                    .subject(email.subject.clone())
                    .message_id(Some(format!("<{}@{}>", email.id, self.message_id_domain)))
                    .header(ContentType::TEXT_PLAIN);
                for (name, value) in headers {
                    let name = HeaderName::new_from_ascii(name)?;
                    builder = builder.raw_header(HeaderValue::new(name, value));
                }
                let message = builder.body(body)?;
                smtp.send(message).await?;
                Ok(())
            }
        }
    }
}
