//! `/api/v1/status/subscriptions`: anyone subscribes to the maintenance announcements with an
//! email address (double opt-in), confirms by the emailed link, and leaves by the link in every
//! announcement or by the mail client's one-click unsubscribe (RFC 8058).

use actix_web::{HttpResponse, post, web};
use portico_domain::identity::api::TokenRequest;
use portico_domain::problem::Problem;
use portico_domain::status::SubscribeRequest;
use serde::Deserialize;

use crate::context::Context;
use crate::error::ApiResult;
use crate::http::client::ClientInfo;
use crate::http::json::JsonBody;
use crate::usecases::status_subscriptions;

/// Subscribe an address to the maintenance announcements: a confirmation link is mailed to it.
/// The answer is the same whether the address is new, unconfirmed or already subscribed.
#[utoipa::path(
    tag = "status",
    request_body = SubscribeRequest,
    responses(
        (status = 202, description = "Accepted: a confirmation link goes to the address unless it is already subscribed"),
        (status = 422, description = "Not an email address", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`too_many_requests` from this client address", body = Problem, content_type = "application/problem+json"),
    ),
    security(()),
)]
#[post("/status/subscriptions")]
pub async fn subscribe(
    state: web::Data<Context>,
    client: ClientInfo,
    body: JsonBody<SubscribeRequest>,
) -> ApiResult<HttpResponse> {
    status_subscriptions::subscribe(&state, &client, &body.email).await?;
    Ok(HttpResponse::Accepted().finish())
}

/// Confirm a subscription with the token of its emailed link (`{PUBLIC_URL}/status/confirm#TOKEN`).
#[utoipa::path(
    tag = "status",
    request_body = TokenRequest,
    responses(
        (status = 204, description = "Subscribed"),
        (status = 404, description = "`subscription_link_invalid`", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "`subscription_link_expired`", body = Problem, content_type = "application/problem+json"),
    ),
    security(()),
)]
#[post("/status/subscriptions/confirm")]
pub async fn confirm_subscription(
    state: web::Data<Context>,
    client: ClientInfo,
    body: JsonBody<TokenRequest>,
) -> ApiResult<HttpResponse> {
    status_subscriptions::confirm(&state, &client, &body.token).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Unsubscribe with the token of the link in an announcement (`{PUBLIC_URL}/status/unsubscribe#TOKEN`).
/// Unsubscribing twice answers the same.
#[utoipa::path(
    tag = "status",
    request_body = TokenRequest,
    responses(
        (status = 204, description = "Unsubscribed"),
        (status = 404, description = "`subscription_link_invalid`: not a link this server made", body = Problem, content_type = "application/problem+json"),
    ),
    security(()),
)]
#[post("/status/subscriptions/unsubscribe")]
pub async fn unsubscribe(
    state: web::Data<Context>,
    client: ClientInfo,
    body: JsonBody<TokenRequest>,
) -> ApiResult<HttpResponse> {
    status_subscriptions::unsubscribe(&state, &client, &body.token).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct OneClick {
    /// The unsubscribe token of the announcement's `List-Unsubscribe` header.
    token: String,
}

/// The one-click unsubscribe of RFC 8058, named in every announcement's `List-Unsubscribe`
/// header: mail clients POST `List-Unsubscribe=One-Click` (form-encoded) to it. The token rides
/// in the query, the only place RFC 8058 leaves for it; the access log leaves it out.
#[utoipa::path(
    tag = "status",
    params(OneClick),
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "`List-Unsubscribe=One-Click`"),
    responses(
        (status = 204, description = "Unsubscribed"),
        (status = 404, description = "`subscription_link_invalid`: not a link this server made", body = Problem, content_type = "application/problem+json"),
    ),
    security(()),
)]
#[post("/status/subscriptions/unsubscribe/one-click")]
pub async fn one_click_unsubscribe(
    state: web::Data<Context>,
    client: ClientInfo,
    query: web::Query<OneClick>,
) -> ApiResult<HttpResponse> {
    status_subscriptions::unsubscribe(&state, &client, &query.token).await?;
    Ok(HttpResponse::NoContent().finish())
}
