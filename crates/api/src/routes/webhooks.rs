//! `/api/v1/projects/{guid}/webhooks` (several per project, with test delivery, delivery log and
//! redelivery) and `/api/v1/projects/{guid}/webhook` (the first of them, as older scripts use it).

use actix_web::{HttpResponse, delete, get, patch, post, put, web};
use portico_domain::alerts::{Webhook, WebhookRequest};
use portico_domain::problem::Problem;
use portico_domain::webhooks::{NewWebhookRequest, ProjectWebhook, WebhookDelivery, WebhookPatch};
use uuid::Uuid;

use crate::auth::project_access::ProjectAccess;
use crate::auth::session::SignedIn;
use crate::context::Context;
use crate::error::ApiResult;
use crate::http::client::ClientInfo;
use crate::http::json::JsonBody;
use crate::usecases::webhooks;

/// The project's webhooks, oldest first (Tenant Administrator).
#[utoipa::path(
    tag = "webhooks",
    params(("guid" = Uuid, Path, description = "Project GUID")),
    responses(
        (status = 200, description = "Webhooks (never their secrets)", body = Vec<ProjectWebhook>),
        (status = 403, description = "`role_forbidden`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`project_not_found`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = [])),
)]
#[get("/webhooks")]
pub async fn list_webhooks(
    state: web::Data<Context>,
    SignedIn(current): SignedIn,
    guid: web::Path<Uuid>,
) -> ApiResult<web::Json<Vec<ProjectWebhook>>> {
    let access = ProjectAccess::cached(&state, &current.account, guid.into_inner()).await?;
    Ok(web::Json(webhooks::list(&state, &access).await?))
}

/// Add a webhook: the events it wants, POSTed as JSON in its format (`portico`: signed with
/// `X-Portico-Signature: sha256=<HMAC-SHA256 of "{X-Portico-Timestamp}.{body}">`; `slack`: an
/// incoming-webhook message; `teams`: a workflow message with an Adaptive Card). The signing
/// secret is in this answer only, as `secret`. Private and loopback targets are refused unless
/// `PORTICO_WEBHOOK_ALLOW_PRIVATE`; redirects are not followed.
#[utoipa::path(
    tag = "webhooks",
    params(("guid" = Uuid, Path, description = "Project GUID")),
    request_body = NewWebhookRequest,
    responses(
        (status = 201, description = "Added; store `secret` now", body = ProjectWebhook),
        (status = 403, description = "`role_forbidden`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`project_not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`webhook_limit_reached` (20 per project)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No events, `ping` chosen, or a URL that is not http(s), does not resolve or is private", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = [])),
)]
#[post("/webhooks")]
pub async fn create_webhook(
    state: web::Data<Context>,
    client: ClientInfo,
    SignedIn(current): SignedIn,
    guid: web::Path<Uuid>,
    body: JsonBody<NewWebhookRequest>,
) -> ApiResult<HttpResponse> {
    let access = ProjectAccess::load(&state.db, &current.account, guid.into_inner(), state.today()).await?;
    let created = webhooks::create(&state, &client, &access, &current.account, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(created))
}

/// One webhook.
#[utoipa::path(
    tag = "webhooks",
    params(("guid" = Uuid, Path, description = "Project GUID"), ("id" = Uuid, Path, description = "Webhook id")),
    responses(
        (status = 200, description = "The webhook", body = ProjectWebhook),
        (status = 404, description = "`project_not_found` or `webhook_not_found`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = [])),
)]
#[get("/webhooks/{id}")]
pub async fn get_one_webhook(
    state: web::Data<Context>,
    SignedIn(current): SignedIn,
    path: web::Path<(Uuid, Uuid)>,
) -> ApiResult<web::Json<ProjectWebhook>> {
    let (guid, id) = path.into_inner();
    let access = ProjectAccess::cached(&state, &current.account, guid).await?;
    Ok(web::Json(webhooks::get(&state, &access, id).await?))
}

/// Change a webhook's URL, events or format, or disable it (`"enabled": false`) or enable it
/// again (`"enabled": true`, which forgets its failures). Its secret stays.
#[utoipa::path(
    tag = "webhooks",
    params(("guid" = Uuid, Path, description = "Project GUID"), ("id" = Uuid, Path, description = "Webhook id")),
    request_body = WebhookPatch,
    responses(
        (status = 200, description = "Changed", body = ProjectWebhook),
        (status = 404, description = "`project_not_found` or `webhook_not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No events, `ping` chosen, or a URL not allowed", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = [])),
)]
#[patch("/webhooks/{id}")]
pub async fn update_webhook(
    state: web::Data<Context>,
    client: ClientInfo,
    SignedIn(current): SignedIn,
    path: web::Path<(Uuid, Uuid)>,
    body: JsonBody<WebhookPatch>,
) -> ApiResult<web::Json<ProjectWebhook>> {
    let (guid, id) = path.into_inner();
    let access = ProjectAccess::load(&state.db, &current.account, guid, state.today()).await?;
    Ok(web::Json(webhooks::update(&state, &client, &access, &current.account, id, body.into_inner()).await?))
}

/// Delete a webhook and its delivery log.
#[utoipa::path(
    tag = "webhooks",
    params(("guid" = Uuid, Path, description = "Project GUID"), ("id" = Uuid, Path, description = "Webhook id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "`project_not_found` or `webhook_not_found`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = [])),
)]
#[delete("/webhooks/{id}")]
pub async fn delete_one_webhook(
    state: web::Data<Context>,
    client: ClientInfo,
    SignedIn(current): SignedIn,
    path: web::Path<(Uuid, Uuid)>,
) -> ApiResult<HttpResponse> {
    let (guid, id) = path.into_inner();
    let access = ProjectAccess::load(&state.db, &current.account, guid, state.today()).await?;
    webhooks::delete(&state, &client, &access, &current.account, id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Send test delivery: a `ping` event POSTed now; the answer says what the receiver answered
/// (status, time, the start of its body) or why it could not be reached. Logged, not retried.
#[utoipa::path(
    tag = "webhooks",
    params(("guid" = Uuid, Path, description = "Project GUID"), ("id" = Uuid, Path, description = "Webhook id")),
    responses(
        (status = 200, description = "The test delivery as logged (look at `state` and `response_status`)", body = WebhookDelivery),
        (status = 404, description = "`project_not_found` or `webhook_not_found`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = [])),
)]
#[post("/webhooks/{id}/test")]
pub async fn test_webhook(
    state: web::Data<Context>,
    SignedIn(current): SignedIn,
    path: web::Path<(Uuid, Uuid)>,
) -> ApiResult<web::Json<WebhookDelivery>> {
    let (guid, id) = path.into_inner();
    let access = ProjectAccess::cached(&state, &current.account, guid).await?;
    Ok(web::Json(webhooks::test_delivery(&state, &access, id).await?))
}

/// The delivery log: the webhook's last 100 deliveries, newest first, with attempts, the
/// receiver's status, the time it took and the first 1 KiB of its answer.
#[utoipa::path(
    tag = "webhooks",
    params(("guid" = Uuid, Path, description = "Project GUID"), ("id" = Uuid, Path, description = "Webhook id")),
    responses(
        (status = 200, description = "Deliveries, newest first", body = Vec<WebhookDelivery>),
        (status = 404, description = "`project_not_found` or `webhook_not_found`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = [])),
)]
#[get("/webhooks/{id}/deliveries")]
pub async fn list_deliveries(
    state: web::Data<Context>,
    SignedIn(current): SignedIn,
    path: web::Path<(Uuid, Uuid)>,
) -> ApiResult<web::Json<Vec<WebhookDelivery>>> {
    let (guid, id) = path.into_inner();
    let access = ProjectAccess::cached(&state, &current.account, guid).await?;
    Ok(web::Json(webhooks::deliveries(&state, &access, id).await?))
}

/// Redeliver: the same event and body queued again (a new delivery, `redelivery_of` the old).
#[utoipa::path(
    tag = "webhooks",
    params(
        ("guid" = Uuid, Path, description = "Project GUID"),
        ("id" = Uuid, Path, description = "Webhook id"),
        ("delivery" = Uuid, Path, description = "Delivery id"),
    ),
    responses(
        (status = 202, description = "Queued", body = WebhookDelivery),
        (status = 404, description = "`project_not_found`, `webhook_not_found` or `delivery_not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`webhook_disabled`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = [])),
)]
#[post("/webhooks/{id}/deliveries/{delivery}/redeliver")]
pub async fn redeliver(
    state: web::Data<Context>,
    SignedIn(current): SignedIn,
    path: web::Path<(Uuid, Uuid, Uuid)>,
) -> ApiResult<HttpResponse> {
    let (guid, id, delivery) = path.into_inner();
    let access = ProjectAccess::cached(&state, &current.account, guid).await?;
    Ok(HttpResponse::Accepted().json(webhooks::redeliver(&state, &access, id, delivery).await?))
}

/// The project's first webhook (Tenant Administrator), as scripts written for one alert webhook
/// read it; `/webhooks` lists them all.
#[utoipa::path(
    tag = "webhooks",
    params(("guid" = Uuid, Path, description = "Project GUID")),
    responses(
        (status = 200, description = "The first webhook (its secret is never shown again)", body = Webhook),
        (status = 403, description = "`role_forbidden`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`project_not_found` or `webhook_not_found`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = [])),
)]
#[get("/webhook")]
pub async fn get_webhook(
    state: web::Data<Context>,
    SignedIn(current): SignedIn,
    guid: web::Path<Uuid>,
) -> ApiResult<web::Json<Webhook>> {
    let access = ProjectAccess::cached(&state, &current.account, guid.into_inner()).await?;
    Ok(web::Json(webhooks::get_first(&state, &access).await?))
}

/// Set the first webhook's URL with a new signing secret (in this answer only), or add one for
/// alerts raised and resolved in Portico's signed JSON. Use `/webhooks` for more events, several
/// webhooks, or Slack and Teams.
#[utoipa::path(
    tag = "webhooks",
    params(("guid" = Uuid, Path, description = "Project GUID")),
    request_body = WebhookRequest,
    responses(
        (status = 200, description = "Set; store `signing_secret` now", body = Webhook),
        (status = 403, description = "`role_forbidden`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not an http(s) URL, unresolvable, or a private address", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = [])),
)]
#[put("/webhook")]
pub async fn put_webhook(
    state: web::Data<Context>,
    client: ClientInfo,
    SignedIn(current): SignedIn,
    guid: web::Path<Uuid>,
    body: JsonBody<WebhookRequest>,
) -> ApiResult<web::Json<Webhook>> {
    let access = ProjectAccess::load(&state.db, &current.account, guid.into_inner(), state.today()).await?;
    Ok(web::Json(webhooks::put_first(&state, &client, &access, &current.account, &body.url).await?))
}

/// Delete the first webhook.
#[utoipa::path(
    tag = "webhooks",
    params(("guid" = Uuid, Path, description = "Project GUID")),
    responses(
        (status = 204, description = "Removed"),
        (status = 404, description = "`project_not_found` or `webhook_not_found`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = [])),
)]
#[delete("/webhook")]
pub async fn delete_webhook(
    state: web::Data<Context>,
    client: ClientInfo,
    SignedIn(current): SignedIn,
    guid: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let access = ProjectAccess::load(&state.db, &current.account, guid.into_inner(), state.today()).await?;
    webhooks::delete_first(&state, &client, &access, &current.account).await?;
    Ok(HttpResponse::NoContent().finish())
}
