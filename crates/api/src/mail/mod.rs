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
/// own purpose key, bound to the outbox row. Extra headers that carry a link too
/// (`List-Unsubscribe`) are sealed with the body: a first line [`HEADERS`], one `Name: value` line
/// each (none for most mails), an empty line, then the body. (Rows sealed before headers existed
/// hold the body alone.)
pub fn seal_body(key: &MasterKey, id: uuid::Uuid, headers: &[(&str, String)], body: &str) -> String {
    // Always the header block (maybe empty), so a body can never be read as headers; a line
    // break inside a header would start another one, so there is none.
    let mut plain = String::from(HEADERS);
    plain.push('\n');
    for (name, value) in headers {
        let one_line = |text: &str| text.replace(['\r', '\n'], " ");
        plain.push_str(&format!("{}: {}\n", one_line(name), one_line(value)));
    }
    plain.push('\n');
    plain.push_str(body);
    seal(key, Purpose::OutboxBody, id.as_bytes(), plain.as_bytes())
}

const HEADERS: &str = "portico-sealed-headers";

/// An email as it leaves the outbox: extra headers and the body.
pub struct Opened {
    pub headers: Vec<(String, String)>,
    pub body: String,
}

/// The headers and body of an outbox row. Rows queued by a version that did not seal them are
/// plain text.
pub fn open_body(key: &MasterKey, id: uuid::Uuid, stored: &str) -> Result<Opened, SealError> {
    if !stored.starts_with("v1.") {
        return Ok(Opened { headers: Vec::new(), body: stored.to_owned() });
    }
    let bytes = open(key, Purpose::OutboxBody, id.as_bytes(), stored)?;
    let plain = String::from_utf8(bytes).map_err(|_| SealError::Corrupt)?;
    let Some(rest) = plain.strip_prefix(HEADERS).and_then(|rest| rest.strip_prefix('\n')) else {
        return Ok(Opened { headers: Vec::new(), body: plain });
    };
    let (block, body) = match rest.strip_prefix('\n') {
        Some(body) => ("", body),
        None => rest.split_once("\n\n").ok_or(SealError::Corrupt)?,
    };
    let headers = block
        .lines()
        .map(|line| line.split_once(": ").map(|(n, v)| (n.to_owned(), v.to_owned())).ok_or(SealError::Corrupt))
        .collect::<Result<_, _>>()?;
    Ok(Opened { headers, body: body.to_owned() })
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
        self.queue_with_headers(db, template, to, context, &[], now).await
    }

    /// As [`Mailer::queue`], with extra headers (sealed like the body).
    pub async fn queue_with_headers(
        &self,
        db: &impl ConnectionTrait,
        template: &str,
        to: &str,
        context: impl Serialize,
        headers: &[(&str, String)],
        now: DateTime<Utc>,
    ) -> Result<(), Failure> {
        let rendered = self.templates.render(template, context).map_err(Failure::internal)?;
        let id = uuid::Uuid::now_v7();
        let sealed_body = seal_body(&self.key, id, headers, &rendered.body);
        let email = QueuedEmail { id, recipient: to, template, subject: &rendered.subject, sealed_body: &sealed_body };
        portico_store::outbox::enqueue(db, email, now).await?;
        Ok(())
    }

    /// Tells the worker there is mail; call after committing.
    pub fn wake(&self) {
        self.wake.notify_one();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_headers_and_body_open_as_they_went_in() {
        let key = MasterKey::from_bytes([3u8; 32]);
        let id = uuid::Uuid::now_v7();
        let headers = [("List-Unsubscribe", "<https://portal.test/x?token=abc>".to_owned())];
        let opened = open_body(&key, id, &seal_body(&key, id, &headers, "Hello,\n\nbody")).unwrap();
        assert_eq!(
            opened.headers,
            vec![("List-Unsubscribe".to_owned(), "<https://portal.test/x?token=abc>".to_owned())]
        );
        assert_eq!(opened.body, "Hello,\n\nbody");
        // A body that looks like a header block stays a body.
        let tricky = format!("{HEADERS}\nX-Evil: yes\n\ntext");
        let opened = open_body(&key, id, &seal_body(&key, id, &[], &tricky)).unwrap();
        assert!(opened.headers.is_empty());
        assert_eq!(opened.body, tricky);
        // A line break in a value cannot add a header.
        let injected = [("List-Unsubscribe", "<a>\nBcc: someone@example.com".to_owned())];
        let opened = open_body(&key, id, &seal_body(&key, id, &injected, "b")).unwrap();
        assert_eq!(opened.headers.len(), 1);
    }
}
