//! Project webhooks: the events a webhook can want, the formats it is sent in (Portico's signed
//! JSON, a Slack incoming-webhook message, a Microsoft Teams workflow message with an Adaptive
//! Card), and how one event becomes the body of each format.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use uuid::Uuid;

/// How many webhooks one project may have.
pub const MAX_WEBHOOKS: usize = 20;
/// How many deliveries the log keeps and shows per webhook.
pub const DELIVERY_LOG_SIZE: u64 = 100;
/// How much of a receiver's answer the log keeps.
pub const RESPONSE_BODY_LIMIT: usize = 1024;
/// How long a webhook may fail without a success in between before it is disabled.
pub const DISABLE_AFTER_DAYS: i64 = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum WebhookEvent {
    #[serde(rename = "alert.raised")]
    AlertRaised,
    #[serde(rename = "alert.resolved")]
    AlertResolved,
    #[serde(rename = "deployment.queued")]
    DeploymentQueued,
    #[serde(rename = "deployment.started")]
    DeploymentStarted,
    #[serde(rename = "deployment.succeeded")]
    DeploymentSucceeded,
    #[serde(rename = "deployment.failed")]
    DeploymentFailed,
    #[serde(rename = "deployment.cancelled")]
    DeploymentCancelled,
    #[serde(rename = "promotion.scheduled")]
    PromotionScheduled,
    #[serde(rename = "maintenance.announced")]
    MaintenanceAnnounced,
    /// Sent by "Send test delivery" only; no webhook subscribes to it.
    #[serde(rename = "ping")]
    Ping,
}

impl WebhookEvent {
    /// The events a webhook can subscribe to.
    pub const SUBSCRIBABLE: [WebhookEvent; 9] = [
        WebhookEvent::AlertRaised,
        WebhookEvent::AlertResolved,
        WebhookEvent::DeploymentQueued,
        WebhookEvent::DeploymentStarted,
        WebhookEvent::DeploymentSucceeded,
        WebhookEvent::DeploymentFailed,
        WebhookEvent::DeploymentCancelled,
        WebhookEvent::PromotionScheduled,
        WebhookEvent::MaintenanceAnnounced,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            WebhookEvent::AlertRaised => "alert.raised",
            WebhookEvent::AlertResolved => "alert.resolved",
            WebhookEvent::DeploymentQueued => "deployment.queued",
            WebhookEvent::DeploymentStarted => "deployment.started",
            WebhookEvent::DeploymentSucceeded => "deployment.succeeded",
            WebhookEvent::DeploymentFailed => "deployment.failed",
            WebhookEvent::DeploymentCancelled => "deployment.cancelled",
            WebhookEvent::PromotionScheduled => "promotion.scheduled",
            WebhookEvent::MaintenanceAnnounced => "maintenance.announced",
            WebhookEvent::Ping => "ping",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::SUBSCRIBABLE.into_iter().chain([WebhookEvent::Ping]).find(|e| e.as_str() == text)
    }

    /// What the event means, for a person choosing events.
    pub fn label(self) -> &'static str {
        match self {
            WebhookEvent::AlertRaised => "An alert is raised",
            WebhookEvent::AlertResolved => "An alert is resolved",
            WebhookEvent::DeploymentQueued => "A deployment is queued",
            WebhookEvent::DeploymentStarted => "A deployment starts",
            WebhookEvent::DeploymentSucceeded => "A deployment succeeds",
            WebhookEvent::DeploymentFailed => "A deployment fails",
            WebhookEvent::DeploymentCancelled => "A deployment is cancelled",
            WebhookEvent::PromotionScheduled => "A promotion is scheduled",
            WebhookEvent::MaintenanceAnnounced => "Maintenance is announced",
            WebhookEvent::Ping => "Test delivery",
        }
    }

    /// The events as stored: comma-separated.
    pub fn join(events: &[WebhookEvent]) -> String {
        events.iter().map(|e| e.as_str()).collect::<Vec<_>>().join(",")
    }

    /// Reads stored events back (an unknown name, from a newer version, is skipped).
    pub fn split(text: &str) -> Vec<WebhookEvent> {
        text.split(',').filter_map(WebhookEvent::parse).collect()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum WebhookFormat {
    /// Portico's JSON, signed with `X-Portico-Signature`.
    #[default]
    Portico,
    /// A Slack incoming-webhook message (`text` and Block Kit `blocks`).
    Slack,
    /// A Microsoft Teams workflow message carrying an Adaptive Card.
    Teams,
}

impl WebhookFormat {
    pub const ALL: [WebhookFormat; 3] = [WebhookFormat::Portico, WebhookFormat::Slack, WebhookFormat::Teams];

    pub fn as_str(self) -> &'static str {
        match self {
            WebhookFormat::Portico => "portico",
            WebhookFormat::Slack => "slack",
            WebhookFormat::Teams => "teams",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            WebhookFormat::Portico => "Portico JSON (signed)",
            WebhookFormat::Slack => "Slack",
            WebhookFormat::Teams => "Microsoft Teams",
        }
    }
}

/// A project webhook as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProjectWebhook {
    pub id: Uuid,
    pub url: String,
    pub events: Vec<WebhookEvent>,
    pub format: WebhookFormat,
    /// False once disabled (by a Tenant Administrator, or after failing for 3 days).
    pub enabled: bool,
    pub disabled_at: Option<DateTime<Utc>>,
    pub disabled_reason: Option<String>,
    /// The first failed attempt since the last success, while it keeps failing.
    pub failing_since: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub created_by: Option<String>,
    /// In the answer that created the webhook only: the HMAC-SHA256 key of `X-Portico-Signature`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewWebhookRequest {
    /// An https (or, when allowed, http) URL that accepts JSON POSTs.
    pub url: String,
    /// At least one of the subscribable events.
    pub events: Vec<WebhookEvent>,
    /// `portico` when left out.
    #[serde(default)]
    pub format: Option<WebhookFormat>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct WebhookPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub events: Option<Vec<WebhookEvent>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<WebhookFormat>,
    /// `true` turns a disabled webhook back on (and forgets its failures); `false` turns it off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    /// Waiting for its (next) attempt.
    Pending,
    Delivered,
    /// No attempt left, or not sent (the webhook changed, was disabled or removed).
    Failed,
}

/// One delivery in a webhook's log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookDelivery {
    pub id: Uuid,
    pub event: WebhookEvent,
    pub created_at: DateTime<Utc>,
    pub state: DeliveryState,
    pub attempts: i32,
    pub last_attempt_at: Option<DateTime<Utc>>,
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// The receiver's HTTP status at the last attempt (none when it could not be reached).
    pub response_status: Option<i32>,
    pub duration_ms: Option<i64>,
    /// The first 1 KiB of the receiver's last answer.
    pub response_body: Option<String>,
    pub error: Option<String>,
    /// The delivery this one sends again.
    pub redelivery_of: Option<Uuid>,
}

/// An event as a person reads it: a title, a few facts, and the page to open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub title: String,
    pub facts: Vec<(&'static str, String)>,
    pub link: String,
}

/// What happened, for every format: the event, the project, the subject under its name (`alert`,
/// `deployment`, `maintenance`, `webhook`) as Portico's API shows it, and the message for people.
#[derive(Debug, Clone, PartialEq)]
pub struct Occurrence<'a> {
    pub event: WebhookEvent,
    pub project: Uuid,
    pub project_name: &'a str,
    pub subject: (&'static str, Value),
    pub message: Message,
}

impl Occurrence<'_> {
    /// The body sent to a webhook of `format`.
    pub fn body(&self, format: WebhookFormat) -> Value {
        match format {
            WebhookFormat::Portico => {
                let mut body = json!({"event": self.event.as_str(), "project": self.project});
                body[self.subject.0] = self.subject.1.clone();
                body
            }
            WebhookFormat::Slack => self.slack(),
            WebhookFormat::Teams => self.teams(),
        }
    }

    /// Slack's incoming-webhook message: `text` is the notification's fallback, the blocks show
    /// the title, the facts as section fields (at most 10), and a button to the page.
    fn slack(&self) -> Value {
        let Message { title, facts, link } = &self.message;
        let fields: Vec<Value> = std::iter::once(("Project", self.project_name.to_owned()))
            .chain(facts.iter().map(|(name, value)| (*name, value.clone())))
            .take(10)
            .map(|(name, value)| json!({"type": "mrkdwn", "text": format!("*{name}*\n{}", slack_escape(&value))}))
            .collect();
        json!({
            "text": slack_escape(&format!("{title} ({})", self.project_name)),
            "blocks": [
                {"type": "section", "text": {"type": "mrkdwn", "text": format!("*{}*", slack_escape(title))}},
                {"type": "section", "fields": fields},
                {"type": "actions", "elements": [{
                    "type": "button",
                    "text": {"type": "plain_text", "text": "Open in Portico"},
                    "url": link,
                }]},
            ],
        })
    }

    /// A Teams workflow ("When a Teams webhook request is received") message: one attachment, an
    /// Adaptive Card with the title, a FactSet and an action to open the page.
    fn teams(&self) -> Value {
        let Message { title, facts, link } = &self.message;
        let facts: Vec<Value> = std::iter::once(("Project", self.project_name.to_owned()))
            .chain(facts.iter().map(|(name, value)| (*name, value.clone())))
            .map(|(name, value)| json!({"title": name, "value": value}))
            .collect();
        json!({
            "type": "message",
            "attachments": [{
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": null,
                "content": {
                    "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                    "type": "AdaptiveCard",
                    "version": "1.4",
                    "body": [
                        {"type": "TextBlock", "text": title, "weight": "Bolder", "size": "Medium", "wrap": true},
                        {"type": "FactSet", "facts": facts},
                    ],
                    "actions": [{"type": "Action.OpenUrl", "title": "Open in Portico", "url": link}],
                },
            }],
        })
    }
}

/// Slack's mrkdwn gives `&`, `<` and `>` meaning: a value shows them escaped.
fn slack_escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn occurrence() -> Occurrence<'static> {
        Occurrence {
            event: WebhookEvent::DeploymentFailed,
            project: Uuid::nil(),
            project_name: "Acme <web>",
            subject: ("deployment", json!({"id": "d1"})),
            message: Message {
                title: "Deployment of build 7 to Production failed".into(),
                facts: vec![("Reason", "exit 1 & <stderr>".into())],
                link: "https://portico.test/p/deployments".into(),
            },
        }
    }

    #[test]
    fn every_event_reads_back_from_its_name() {
        for event in WebhookEvent::SUBSCRIBABLE.into_iter().chain([WebhookEvent::Ping]) {
            assert_eq!(WebhookEvent::parse(event.as_str()), Some(event));
            assert_eq!(serde_json::to_value(event).unwrap(), json!(event.as_str()));
        }
        let stored = WebhookEvent::join(&[WebhookEvent::AlertRaised, WebhookEvent::MaintenanceAnnounced]);
        assert_eq!(WebhookEvent::split(&stored), vec![WebhookEvent::AlertRaised, WebhookEvent::MaintenanceAnnounced]);
        assert_eq!(WebhookEvent::split("alert.raised,from.the.future"), vec![WebhookEvent::AlertRaised]);
    }

    #[test]
    fn portico_bodies_name_the_subject() {
        let body = occurrence().body(WebhookFormat::Portico);
        assert_eq!(body, json!({"event": "deployment.failed", "project": Uuid::nil(), "deployment": {"id": "d1"}}));
    }

    #[test]
    fn slack_bodies_escape_what_mrkdwn_would_read() {
        let body = occurrence().body(WebhookFormat::Slack);
        assert_eq!(body["text"], "Deployment of build 7 to Production failed (Acme &lt;web&gt;)");
        assert_eq!(body["blocks"][1]["fields"][0]["text"], "*Project*\nAcme &lt;web&gt;");
        assert_eq!(body["blocks"][1]["fields"][1]["text"], "*Reason*\nexit 1 &amp; &lt;stderr&gt;");
        assert_eq!(body["blocks"][2]["elements"][0]["url"], "https://portico.test/p/deployments");
    }

    #[test]
    fn teams_bodies_carry_one_adaptive_card() {
        let body = occurrence().body(WebhookFormat::Teams);
        let card = &body["attachments"][0];
        assert_eq!(card["contentType"], "application/vnd.microsoft.card.adaptive");
        assert_eq!(card["content"]["type"], "AdaptiveCard");
        assert_eq!(card["content"]["body"][1]["facts"][1], json!({"title": "Reason", "value": "exit 1 & <stderr>"}));
    }
}
