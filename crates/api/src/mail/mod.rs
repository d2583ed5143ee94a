//! Email: templates rendered when the change commits, rows in the outbox table written in the
//! same transaction, and a worker that delivers them over SMTP (or to the log in development).

pub mod templates;
pub mod worker;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;
use serde::Serialize;
use tokio::sync::Notify;

use crate::error::ApiResult;
use templates::Templates;

/// Renders and queues mail; the worker is woken after the caller's transaction commits.
pub struct Mailer {
    pub templates: Templates,
    wake: Arc<Notify>,
}

impl Mailer {
    pub fn new(templates: Templates, wake: Arc<Notify>) -> Self {
        Self { templates, wake }
    }

    /// Writes an email to the outbox (inside the caller's transaction).
    pub async fn queue(
        &self,
        db: &impl ConnectionTrait,
        template: &str,
        to: &str,
        context: impl Serialize,
        now: DateTime<Utc>,
    ) -> ApiResult<()> {
        let rendered = self.templates.render(template, context).map_err(crate::error::ApiError::internal)?;
        portico_store::outbox::enqueue(db, to, &rendered.subject, &rendered.body, now).await?;
        Ok(())
    }

    /// Tells the worker there is mail; call after committing.
    pub fn wake(&self) {
        self.wake.notify_one();
    }
}
