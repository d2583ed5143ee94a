//! `/api/v1/admin/identity-providers`: single sign-on providers (Administrator).

use actix_web::{HttpResponse, delete, get, patch, post, web};
use portico_domain::identity::sso::{NewSsoProvider, SsoProvider, SsoProviderChange};
use portico_domain::problem::Problem;
use uuid::Uuid;

use crate::auth::session::Administrator;
use crate::context::Context;
use crate::error::ApiResult;
use crate::http::client::ClientInfo;
use crate::http::json::JsonBody;
use crate::usecases::sso_providers;

/// The OpenID Connect providers people may sign in through.
#[utoipa::path(
    tag = "admin",
    responses(
        (status = 200, description = "Providers (client secrets are never shown)", body = Vec<SsoProvider>),
        (status = 403, description = "`administrator_required`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = [])),
)]
#[get("/admin/identity-providers")]
pub async fn list_identity_providers(
    state: web::Data<Context>,
    _administrator: Administrator,
) -> ApiResult<web::Json<Vec<SsoProvider>>> {
    Ok(web::Json(sso_providers::list(&state).await?))
}

/// Add a provider. Its issuer's discovery document must answer; the client secret is stored
/// encrypted. Register the answer's `callback_url` as the redirect URI at the provider.
#[utoipa::path(
    tag = "admin",
    request_body = NewSsoProvider,
    responses(
        (status = 201, description = "Added", body = SsoProvider),
        (status = 409, description = "`oidc_provider_exists`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`oidc_discovery_failed`, or bad fields", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = [])),
)]
#[post("/admin/identity-providers")]
pub async fn create_identity_provider(
    state: web::Data<Context>,
    client: ClientInfo,
    Administrator(current): Administrator,
    body: JsonBody<NewSsoProvider>,
) -> ApiResult<HttpResponse> {
    let provider = sso_providers::create(&state, &client, &current, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(provider))
}

/// Change a provider (a new `client_secret` replaces the stored one).
#[utoipa::path(
    tag = "admin",
    params(("id" = Uuid, Path, description = "Provider id")),
    request_body = SsoProviderChange,
    responses(
        (status = 200, description = "Changed", body = SsoProvider),
        (status = 404, description = "`oidc_provider_not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`oidc_discovery_failed`, or bad fields", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = [])),
)]
#[patch("/admin/identity-providers/{id}")]
pub async fn update_identity_provider(
    state: web::Data<Context>,
    client: ClientInfo,
    Administrator(current): Administrator,
    id: web::Path<Uuid>,
    body: JsonBody<SsoProviderChange>,
) -> ApiResult<web::Json<SsoProvider>> {
    Ok(web::Json(sso_providers::update(&state, &client, &current, id.into_inner(), body.into_inner()).await?))
}

/// Remove a provider and every account's link to it.
#[utoipa::path(
    tag = "admin",
    params(("id" = Uuid, Path, description = "Provider id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 404, description = "`oidc_provider_not_found`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = [])),
)]
#[delete("/admin/identity-providers/{id}")]
pub async fn delete_identity_provider(
    state: web::Data<Context>,
    client: ClientInfo,
    Administrator(current): Administrator,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    sso_providers::delete(&state, &client, &current, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}
