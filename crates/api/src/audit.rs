//! Building audit events for the use cases.

use portico_store::audit::NewAuditEvent;
use uuid::Uuid;

use crate::http::client::ClientInfo;

/// An event with the caller's address and user agent filled in.
pub fn event(action: &'static str, outcome: &'static str, client: &ClientInfo) -> NewAuditEvent {
    NewAuditEvent { action, outcome, ip: client.ip_text(), user_agent: client.user_agent.clone(), ..Default::default() }
}

pub trait AuditEventExt {
    fn actor(self, id: Uuid) -> Self;
    fn subject(self, id: Uuid) -> Self;
    fn details(self, details: serde_json::Value) -> Self;
    /// The project the event belongs to (its audit log shows it).
    fn project(self, id: Uuid) -> Self;
}

impl AuditEventExt for NewAuditEvent {
    fn actor(mut self, id: Uuid) -> Self {
        self.actor_id = Some(id);
        self
    }

    fn subject(mut self, id: Uuid) -> Self {
        self.subject_id = Some(id);
        self
    }

    fn details(mut self, details: serde_json::Value) -> Self {
        self.details = details;
        self
    }

    fn project(mut self, id: Uuid) -> Self {
        self.project_id = Some(id);
        self
    }
}
