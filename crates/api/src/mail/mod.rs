//! Email: templates rendered when the change commits, rows in the outbox table written in the
//! same transaction, and a worker that delivers them over SMTP (or to the log in development).

pub mod templates;
pub mod worker;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;
use serde::Serialize;
use tokio::sync::Notify;

use portico_store::outbox::QueuedEmail;

use crate::auth::crypto::{SealError, open, seal};
use crate::keys::{MasterKey, Purpose};
use crate::usecases::errors::Failure;
use templates::Templates;

/// Email bodies carry live links (invitations, resets, enrolment): they rest sealed under their
/// own purpose key, bound to the outbox row.
pub fn seal_body(key: &MasterKey, id: uuid::Uuid, body: &str) -> String {
    seal(key, Purpose::OutboxBody, id.as_bytes(), body.as_bytes())
}

/// The body of an outbox row. Rows queued by a version that did not seal them are plain text.
pub fn open_body(key: &MasterKey, id: uuid::Uuid, stored: &str) -> Result<String, SealError> {
    if !stored.starts_with("v1.") {
        return Ok(stored.to_owned());
    }
    let bytes = open(key, Purpose::OutboxBody, id.as_bytes(), stored)?;
    String::from_utf8(bytes).map_err(|_| SealError::Corrupt)
}

/// Renders and queues mail; the worker is woken after the caller's transaction commits.
pub struct Mailer {
    pub templates: Templates,
    key: Arc<MasterKey>,
    wake: Arc<Notify>,
}

impl Mailer {
    pub fn new(templates: Templates, key: Arc<MasterKey>, wake: Arc<Notify>) -> Self {
        Self { templates, key, wake }
    }

    /// Writes an email to the outbox (inside the caller's transaction).
    pub async fn queue(
        &self,
        db: &impl ConnectionTrait,
        template: &str,
        to: &str,
        context: impl Serialize,
        now: DateTime<Utc>,
    ) -> Result<(), Failure> {
        let rendered = self.templates.render(template, context).map_err(Failure::internal)?;
        let id = uuid::Uuid::now_v7();
        let sealed_body = seal_body(&self.key, id, &rendered.body);
        let email = QueuedEmail { id, recipient: to, template, subject: &rendered.subject, sealed_body: &sealed_body };
        portico_store::outbox::enqueue(db, email, now).await?;
        Ok(())
    }

    /// Tells the worker there is mail; call after committing.
    pub fn wake(&self) {
        self.wake.notify_one();
    }
}
