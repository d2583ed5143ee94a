//! `/api/v1/projects/{guid}/tokens` and the secret-scanner hook `/api/v1/tokens/check`.

use actix_web::{HttpResponse, delete, get, patch, post, web};
use portico_domain::problem::Problem;
use portico_domain::tokens::{
    CreateTokenRequest, CreatedToken, Token, TokenCheckReport, TokenCheckRequest, UpdateTokenRequest,
};
use serde::Deserialize;
use uuid::Uuid;

use crate::auth::project_access::ProjectAccess;
use crate::auth::session::SignedIn;
use crate::context::Context;
use crate::error::ApiResult;
use crate::http::client::ClientInfo;
use crate::http::json::JsonBody;
use crate::usecases::tokens;

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TokenListQuery {
    /// Every member's tokens (Tenant Administrators), not only your own.
    #[serde(default)]
    pub all: bool,
}

/// Your access tokens in this project (`?all=true`: everyone's, for Tenant Administrators).
#[utoipa::path(
    tag = "tokens",
    params(("guid" = Uuid, Path, description = "Project GUID"), TokenListQuery),
    responses(
        (status = 200, description = "Tokens, newest first (never their secrets)", body = Vec<Token>),
        (status = 403, description = "`role_forbidden` (all=true without Tenant Administrator)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`project_not_found`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = [])),
)]
#[get("/tokens")]
pub async fn list_tokens(
    state: web::Data<Context>,
    SignedIn(current): SignedIn,
    guid: web::Path<Uuid>,
    query: web::Query<TokenListQuery>,
) -> ApiResult<web::Json<Vec<Token>>> {
    let access = ProjectAccess::cached(&state, &current.account, guid.into_inner()).await?;
    Ok(web::Json(tokens::list(&state, &access, &current.account, query.all).await?))
}

/// Create an access token for deployment scripts. The secret is in this answer only, as `token`.
#[utoipa::path(
    tag = "tokens",
    params(("guid" = Uuid, Path, description = "Project GUID")),
    request_body = CreateTokenRequest,
    responses(
        (status = 201, description = "Created; store `token` now, it is never shown again", body = CreatedToken),
        (status = 403, description = "`membership_required`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`project_not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Name, expiry or permissions not allowed (e.g. `deploy_production` for a Developer)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = [])),
)]
#[post("/tokens")]
pub async fn create_token(
    state: web::Data<Context>,
    client: ClientInfo,
    SignedIn(current): SignedIn,
    guid: web::Path<Uuid>,
    body: JsonBody<CreateTokenRequest>,
) -> ApiResult<HttpResponse> {
    let access = ProjectAccess::load(&state.db, &current.account, guid.into_inner(), state.today()).await?;
    let created = tokens::create(&state, &client, &access, &current.account, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(created))
}

/// Rename a token or change its permissions (its owner; checked against the role again).
#[utoipa::path(
    tag = "tokens",
    params(("guid" = Uuid, Path, description = "Project GUID"), ("id" = Uuid, Path, description = "Token id")),
    request_body = UpdateTokenRequest,
    responses(
        (status = 200, description = "Updated", body = Token),
        (status = 403, description = "`token_owner_only`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`project_not_found` or `token_not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid name or permissions", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = [])),
)]
#[patch("/tokens/{id}")]
pub async fn update_token(
    state: web::Data<Context>,
    client: ClientInfo,
    SignedIn(current): SignedIn,
    path: web::Path<(Uuid, Uuid)>,
    body: JsonBody<UpdateTokenRequest>,
) -> ApiResult<web::Json<Token>> {
    let (guid, id) = path.into_inner();
    let access = ProjectAccess::load(&state.db, &current.account, guid, state.today()).await?;
    Ok(web::Json(tokens::update(&state, &client, &access, &current.account, id, body.into_inner()).await?))
}

/// Revoke a token (its owner, or a Tenant Administrator); it stops working at once.
#[utoipa::path(
    tag = "tokens",
    params(("guid" = Uuid, Path, description = "Project GUID"), ("id" = Uuid, Path, description = "Token id")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 403, description = "`role_forbidden`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`project_not_found` or `token_not_found`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = [])),
)]
#[delete("/tokens/{id}")]
pub async fn revoke_token(
    state: web::Data<Context>,
    client: ClientInfo,
    SignedIn(current): SignedIn,
    path: web::Path<(Uuid, Uuid)>,
) -> ApiResult<HttpResponse> {
    let (guid, id) = path.into_inner();
    let access = ProjectAccess::load(&state.db, &current.account, guid, state.today()).await?;
    tokens::revoke(&state, &client, &access, &current.account, id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// For secret scanners: report strings that look like Portico tokens. Live ones are revoked
/// and their owners emailed; noise is told apart by the checksum, offline.
#[utoipa::path(
    tag = "tokens",
    request_body = TokenCheckRequest,
    responses(
        (status = 200, description = "What was found", body = TokenCheckReport),
        (status = 422, description = "More than 100 tokens", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Rate limited", body = Problem, content_type = "application/problem+json"),
    ),
    security(()),
)]
#[post("/tokens/check")]
pub async fn check_tokens(
    state: web::Data<Context>,
    client: ClientInfo,
    body: JsonBody<TokenCheckRequest>,
) -> ApiResult<web::Json<TokenCheckReport>> {
    Ok(web::Json(tokens::check(&state, &client, body.into_inner().tokens).await?))
}
