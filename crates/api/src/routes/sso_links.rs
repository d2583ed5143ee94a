//! `/api/v1/me/sso-links`: the caller's single sign-on links (provider and subject).

use actix_web::{HttpResponse, delete, get, web};
use portico_domain::identity::sso::SsoLink;
use portico_domain::problem::Problem;
use uuid::Uuid;

use crate::auth::session::SignedIn;
use crate::context::Context;
use crate::error::ApiResult;
use crate::http::client::ClientInfo;
use crate::usecases::sso_providers;

/// The identity providers this account signs in through.
#[utoipa::path(
    tag = "me",
    responses((status = 200, description = "Links, oldest first", body = Vec<SsoLink>)),
    security(("session_cookie" = [])),
)]
#[get("/me/sso-links")]
pub async fn list_sso_links(
    state: web::Data<Context>,
    SignedIn(current): SignedIn,
) -> ApiResult<web::Json<Vec<SsoLink>>> {
    Ok(web::Json(sso_providers::links(&state, &current).await?))
}

/// Remove a link: that provider's subject no longer names this account (a later single sign-on
/// matches by verified email again, within the provider's allowed domains).
#[utoipa::path(
    tag = "me",
    params(("id" = Uuid, Path, description = "Link id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 404, description = "`sso_link_not_found`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = [])),
)]
#[delete("/me/sso-links/{id}")]
pub async fn remove_sso_link(
    state: web::Data<Context>,
    client: ClientInfo,
    SignedIn(current): SignedIn,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    sso_providers::remove_link(&state, &client, &current, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}
