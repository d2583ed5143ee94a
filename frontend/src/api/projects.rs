//! `/api/v1/projects`: the projects, and everything under one (`/projects/<guid>/...`): its
//! members and invitations, access tokens, deployments, update schedule, alerts, the caller's
//! notification preferences, the webhooks and the audit log. The server checks every object
//! against the project; these only build the addresses.

use chrono::{DateTime, Utc};
use portico_domain::admin::AuditEvent;
use portico_domain::alerts::{Alert, NotificationPreferences, Severity};
use portico_domain::deployments::{Deployment, PromoteRequest};
use portico_domain::maintenance::{Slot, UpdateSchedule};
use portico_domain::paging::Page;
use portico_domain::projects::Environment;
use portico_domain::projects::api::{
    ChangeRoleRequest, CreateProjectRequest, Invitation, InviteRequest, Member, PrimaryContactRequest, Project,
    ProjectSummary, UpdateProjectRequest,
};
use portico_domain::tokens::{CreateProjectTokenRequest, CreateTokenRequest, CreatedToken, Token, UpdateTokenRequest};
use portico_domain::webhooks::{DeliveryState, NewWebhookRequest, WebhookEvent, WebhookFormat};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use gloo_net::http::Request;

use super::{
    ApiFailure, Call, Json, delete, done, get, json, kept, network, paged, parse, patch, post, post_empty, put,
    refusal, text,
};
use crate::components::utc_input;

/// `/api/v1/projects/<guid><tail>`
#[inline(never)]
fn in_project(guid: Uuid, tail: &str) -> String {
    format!("/api/v1/projects/{guid}{tail}")
}

/// `/api/v1/projects/<guid><collection>/<id><tail>`, e.g. `.../deployments/<id>/promote`.
#[inline(never)]
fn in_project_item(guid: Uuid, collection: &str, id: Uuid, tail: &str) -> String {
    format!("/api/v1/projects/{guid}{collection}/{id}{tail}")
}

// --- Projects ---------------------------------------------------------------------------------

/// A page of every project (Administrators).
pub fn projects(page: u32, per_page: u32) -> Call<Json<Page<ProjectSummary>>> {
    kept(get(&paged("/api/v1/projects", page, per_page)))
}

/// Creates a project and invites its primary contact.
pub fn create(request: &CreateProjectRequest) -> Call<()> {
    done(post("/api/v1/projects", request))
}

/// The project's facts, with the caller's role and what it allows.
pub fn project(guid: Uuid) -> Call<Project> {
    json(get(&in_project(guid, "")))
}

/// Changes the name, plan, expiry or environments.
pub fn update(guid: Uuid, request: &UpdateProjectRequest) -> Call<()> {
    done(patch(&in_project(guid, ""), request))
}

/// Archives the project: read-only, its tokens stop working.
pub fn archive(guid: Uuid) -> Call<()> {
    done(delete(&in_project(guid, "")))
}

/// A page of the project's audit log, newest first.
pub fn audit(guid: Uuid, page: u32, per_page: u32) -> Call<Json<Page<AuditEvent>>> {
    kept(get(&paged(&in_project(guid, "/audit"), page, per_page)))
}

// --- Members and invitations ------------------------------------------------------------------

pub fn members(guid: Uuid) -> Call<Json<Vec<Member>>> {
    kept(get(&in_project(guid, "/members")))
}

pub fn change_role(guid: Uuid, account_id: Uuid, request: &ChangeRoleRequest) -> Call<()> {
    done(patch(&in_project_item(guid, "/members", account_id, ""), request))
}

/// Removes a member (their tokens here are revoked).
pub fn remove_member(guid: Uuid, account_id: Uuid) -> Call<()> {
    done(delete(&in_project_item(guid, "/members", account_id, "")))
}

/// The caller leaves the project.
pub fn leave(guid: Uuid) -> Call<()> {
    done(delete(&in_project(guid, "/members/me")))
}

/// Hands the primary contact over to another Tenant Administrator.
pub fn hand_over_primary_contact(guid: Uuid, request: &PrimaryContactRequest) -> Call<()> {
    done(post(&in_project(guid, "/primary-contact"), request))
}

pub fn invitations(guid: Uuid) -> Call<Json<Vec<Invitation>>> {
    kept(get(&in_project(guid, "/invitations")))
}

/// Invites someone by email with the role they get when they join.
pub fn invite(guid: Uuid, request: &InviteRequest) -> Call<()> {
    done(post(&in_project(guid, "/invitations"), request))
}

/// Sends the invitation again with a new link (the old one stops working).
pub fn resend_invitation(guid: Uuid, id: Uuid) -> Call<()> {
    done(post_empty(&in_project_item(guid, "/invitations", id, "/resend")))
}

pub fn revoke_invitation(guid: Uuid, id: Uuid) -> Call<()> {
    done(delete(&in_project_item(guid, "/invitations", id, "")))
}

// --- Access tokens ----------------------------------------------------------------------------

/// The caller's tokens, or everyone's (`everyone`: those who may manage others' tokens).
pub fn tokens(guid: Uuid, everyone: bool) -> Call<Json<Vec<Token>>> {
    kept(get(&in_project(guid, if everyone { "/tokens?all=true" } else { "/tokens" })))
}

/// Creates a token; the answer carries its secret, this once.
pub fn create_token(guid: Uuid, request: &CreateTokenRequest) -> Call<CreatedToken> {
    Call { exchange: post(&in_project(guid, "/tokens"), request), read: read_created }
}

/// The answer to creating a token. `CreatedToken` flattens a `Token`, and serde's `flatten`
/// buffers the answer in a generic content tree whose code costs the wasm more than the tokens
/// page does: the same answer is read as a `Token` plus its `token` (the secret) instead.
fn read_created(text: String) -> Result<CreatedToken, ApiFailure> {
    let details: Token = parse(&text)?;
    let answer: serde_json::Value = parse(&text)?;
    let token = answer.get("token").and_then(serde_json::Value::as_str).unwrap_or_default().to_owned();
    Ok(CreatedToken { details, token })
}

/// The project's access tokens (Tenant Administrators).
pub fn project_tokens(guid: Uuid) -> Call<Json<Vec<Token>>> {
    kept(get(&in_project(guid, "/project-tokens")))
}

/// Creates a project access token; the answer carries its secret, this once.
pub fn create_project_token(guid: Uuid, request: &CreateProjectTokenRequest) -> Call<CreatedToken> {
    Call { exchange: post(&in_project(guid, "/project-tokens"), request), read: read_created }
}

pub fn revoke_project_token(guid: Uuid, id: Uuid) -> Call<()> {
    done(delete(&in_project_item(guid, "/project-tokens", id, "")))
}

/// Renames the caller's token or changes its permissions.
pub fn update_token(guid: Uuid, id: Uuid, request: &UpdateTokenRequest) -> Call<()> {
    done(patch(&in_project_item(guid, "/tokens", id, ""), request))
}

/// Revokes a token: scripts using it are refused from now on.
pub fn revoke_token(guid: Uuid, id: Uuid) -> Call<()> {
    done(delete(&in_project_item(guid, "/tokens", id, "")))
}

// --- Deployments ------------------------------------------------------------------------------

/// A page of the deployment history, newest first.
pub fn deployments(guid: Uuid, page: u32, per_page: u32) -> Call<Json<Page<Deployment>>> {
    kept(get(&paged(&in_project(guid, "/deployments"), page, per_page)))
}

/// Cancels a scheduled promotion.
pub fn cancel_deployment(guid: Uuid, id: Uuid) -> Call<()> {
    done(post_empty(&in_project_item(guid, "/deployments", id, "/cancel")))
}

/// Queues a restart of an environment's application (its restart command, in the deployment queue).
pub fn restart_environment(guid: Uuid, environment: Environment) -> Call<()> {
    done(post_empty(&format!("/api/v1/projects/{guid}/environments/{}/restart", environment.as_str())))
}

/// Follows a deployment's log while it is written (`?follow=true`): `on_text` gets the log so far,
/// then each new piece (whole lines) as the server sends it, until the deployment has ended (the
/// last line names its state) or `on_text` answers false (nobody looks any more).
pub async fn follow_deployment_log(
    guid: Uuid,
    id: Uuid,
    mut on_text: impl FnMut(String) -> bool,
) -> Result<(), ApiFailure> {
    use wasm_bindgen::JsCast;
    let path = format!("{}?follow=true", in_project_item(guid, "/deployments", id, "/log"));
    let response = Request::get(&path).send().await.map_err(network)?;
    if !response.ok() {
        let status = response.status();
        return Err(refusal(status, &response.text().await.unwrap_or_default()));
    }
    let body = response.body().ok_or_else(|| ApiFailure::Network("an empty answer".to_owned()))?;
    let reader: web_sys::ReadableStreamDefaultReader = body.get_reader().unchecked_into();
    let broken = |_| ApiFailure::Network("the log broke off".to_owned());
    let mut pending: Vec<u8> = Vec::new();
    loop {
        let read: web_sys::ReadableStreamReadResult =
            wasm_bindgen_futures::JsFuture::from(reader.read()).await.map_err(broken)?.unchecked_into();
        if read.get_done().unwrap_or(true) {
            break;
        }
        pending.extend(js_sys::Uint8Array::new(&read.get_value()).to_vec());
        // Whole lines only, so a character split between pieces stays whole.
        if let Some(end) = pending.iter().rposition(|&b| b == b'\n') {
            let rest = pending.split_off(end + 1);
            if !on_text(String::from_utf8_lossy(&pending).into_owned()) {
                let _ = reader.cancel();
                return Ok(());
            }
            pending = rest;
        }
    }
    if !pending.is_empty() {
        on_text(String::from_utf8_lossy(&pending).into_owned());
    }
    Ok(())
}

/// Promotes the succeeded deployment `id` to a later environment, now or at a time.
pub fn promote(guid: Uuid, id: Uuid, request: &PromoteRequest) -> Call<()> {
    done(post(&in_project_item(guid, "/deployments", id, "/promote"), request))
}

/// A deployment's log, as plain text.
pub fn deployment_log(guid: Uuid, id: Uuid) -> Call<String> {
    text(get(&in_project_item(guid, "/deployments", id, "/log")))
}

// --- Update schedule --------------------------------------------------------------------------

/// The preferred update slots, the blocked ones and the next infrastructure update.
pub fn update_schedule(guid: Uuid) -> Call<Json<UpdateSchedule>> {
    kept(get(&in_project(guid, "/update-schedule")))
}

/// `PUT /update-schedule`'s body: a `Slot` is sent as the API's `{"day", "start_hour"}` as it is
/// (no copy into `SlotInput` strings, which would add its own serializer to the wasm).
#[derive(Serialize)]
struct ScheduleRequest<'a> {
    slots: &'a [Slot],
}

/// Stores the preferred slots; the answer is the schedule now in force.
pub fn save_update_schedule(guid: Uuid, slots: &[Slot]) -> Call<Json<UpdateSchedule>> {
    kept(put(&in_project(guid, "/update-schedule"), &ScheduleRequest { slots }))
}

// --- Alerts, notifications, webhook -----------------------------------------------------------

/// Which alerts to list; None (or false) filters nothing.
#[derive(Debug, Clone, Default)]
pub struct AlertFilter {
    pub environment: Option<Environment>,
    pub severity: Option<Severity>,
    /// Raised at or after.
    pub from: Option<DateTime<Utc>>,
    /// Raised before.
    pub to: Option<DateTime<Utc>>,
    pub active_only: bool,
}

/// A page of the project's alerts matching `filter`, newest first.
pub fn alerts(guid: Uuid, page: u32, per_page: u32, filter: &AlertFilter) -> Call<Json<Page<Alert>>> {
    let mut path = paged(&in_project(guid, "/alerts"), page, per_page);
    let words = [
        ("environment", filter.environment.map(Environment::as_str)),
        ("severity", filter.severity.map(Severity::as_str)),
    ];
    for (name, value) in words {
        if let Some(value) = value {
            path.push_str(&format!("&{name}={value}"));
        }
    }
    for (name, at) in [("from", &filter.from), ("to", &filter.to)] {
        if let Some(at) = at {
            // RFC 3339 in UTC ("2025-03-01T14:05:00Z": nothing to escape in a query).
            path.push_str(&format!("&{name}={}Z", utc_input(at)));
        }
    }
    if filter.active_only {
        path.push_str("&active=true");
    }
    kept(get(&path))
}

/// Resolves an active alert.
pub fn resolve_alert(guid: Uuid, id: Uuid) -> Call<()> {
    done(post_empty(&in_project_item(guid, "/alerts", id, "/resolve")))
}

/// Which alerts email the caller, per environment.
pub fn notification_preferences(guid: Uuid) -> Call<Json<NotificationPreferences>> {
    kept(get(&in_project(guid, "/notification-preferences")))
}

/// Stores the caller's preferences (their JSON is the API's `NotificationPreferencesInput`); the
/// answer is the preferences now in force.
pub fn save_notification_preferences(
    guid: Uuid,
    preferences: &NotificationPreferences,
) -> Call<Json<NotificationPreferences>> {
    kept(put(&in_project(guid, "/notification-preferences"), preferences))
}

/// A webhook as the page shows it: the API's `ProjectWebhook` read for the fields the page uses
/// only (each field read costs the wasm its share of a deserializer).
#[derive(Debug, Clone, Deserialize)]
pub struct Hook {
    pub id: Uuid,
    pub url: String,
    pub events: Vec<WebhookEvent>,
    pub format: WebhookFormat,
    pub enabled: bool,
    pub disabled_reason: Option<String>,
    pub failing_since: Option<DateTime<Utc>>,
    pub created_by: Option<String>,
    #[serde(default)]
    pub secret: Option<String>,
}

/// A delivery of the log, as the page shows it (the API's `WebhookDelivery`, in part).
#[derive(Debug, Clone, Deserialize)]
pub struct Delivery {
    pub id: Uuid,
    pub event: WebhookEvent,
    pub created_at: DateTime<Utc>,
    pub state: DeliveryState,
    pub attempts: i32,
    pub response_status: Option<i32>,
    pub duration_ms: Option<i64>,
    pub response_body: Option<String>,
    pub error: Option<String>,
}

/// The project's webhooks, oldest first.
pub fn webhooks(guid: Uuid) -> Call<Json<Vec<Hook>>> {
    kept(get(&in_project(guid, "/webhooks")))
}

/// Adds a webhook; the answer carries its signing secret, this once.
pub fn create_webhook(guid: Uuid, request: &NewWebhookRequest) -> Call<Json<Hook>> {
    kept(post(&in_project(guid, "/webhooks"), request))
}

/// `PATCH /webhooks/{id}`'s body for turning a webhook off or on (the API's `WebhookPatch` with
/// `enabled` only, without the serializer of all its other fields in the wasm).
#[derive(Serialize)]
struct Switch {
    enabled: bool,
}

/// Turns a webhook off, or back on (which forgets its failures).
pub fn switch_webhook(guid: Uuid, id: Uuid, enabled: bool) -> Call<()> {
    done(patch(&in_project_item(guid, "/webhooks", id, ""), &Switch { enabled }))
}

pub fn delete_webhook(guid: Uuid, id: Uuid) -> Call<()> {
    done(delete(&in_project_item(guid, "/webhooks", id, "")))
}

/// Sends a `ping` now; the answer says what the receiver answered.
pub fn test_webhook(guid: Uuid, id: Uuid) -> Call<Json<Delivery>> {
    kept(post_empty(&in_project_item(guid, "/webhooks", id, "/test")))
}

/// The webhook's last 100 deliveries, newest first.
pub fn webhook_deliveries(guid: Uuid, id: Uuid) -> Call<Json<Vec<Delivery>>> {
    kept(get(&in_project_item(guid, "/webhooks", id, "/deliveries")))
}

/// Queues a delivery of the log again.
pub fn redeliver(guid: Uuid, id: Uuid, delivery: Uuid) -> Call<()> {
    done(post_empty(&in_project_item(guid, "/webhooks", id, &format!("/deliveries/{delivery}/redeliver"))))
}
