//! `/api/v1/projects/{guid}/project-tokens`: access tokens owned by the project (Tenant
//! Administrators).

use actix_web::{HttpResponse, delete, get, patch, post, web};
use portico_domain::problem::Problem;
use portico_domain::tokens::{CreateProjectTokenRequest, CreatedToken, Token, UpdateTokenRequest};
use uuid::Uuid;

use crate::auth::project_access::ProjectAccess;
use crate::auth::session::SignedIn;
use crate::context::Context;
use crate::error::ApiResult;
use crate::http::client::ClientInfo;
use crate::http::json::JsonBody;
use crate::usecases::project_tokens;

/// The project's access tokens (never their secrets), newest first, each with its role and
/// creator.
#[utoipa::path(
    tag = "tokens",
    params(("guid" = Uuid, Path, description = "Project GUID")),
    responses(
        (status = 200, description = "Project tokens, newest first", body = Vec<Token>),
        (status = 403, description = "`role_forbidden`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`project_not_found`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = [])),
)]
#[get("/project-tokens")]
pub async fn list_project_tokens(
    state: web::Data<Context>,
    SignedIn(current): SignedIn,
    guid: web::Path<Uuid>,
) -> ApiResult<web::Json<Vec<Token>>> {
    let access = ProjectAccess::cached(&state, &current.account, guid.into_inner()).await?;
    Ok(web::Json(project_tokens::list(&state, &access).await?))
}

/// Create a project access token: it acts as `role` (at most yours) with `permissions` that
/// role allows, whoever joins or leaves the project. The secret is in this answer only, as
/// `token`; the same format and rules as personal tokens apply (upload, secret scanning).
#[utoipa::path(
    tag = "tokens",
    params(("guid" = Uuid, Path, description = "Project GUID")),
    request_body = CreateProjectTokenRequest,
    responses(
        (status = 201, description = "Created; store `token` now, it is never shown again", body = CreatedToken),
        (status = 403, description = "`role_forbidden`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`project_not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Name, expiry, permissions or a role above yours", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = [])),
)]
#[post("/project-tokens")]
pub async fn create_project_token(
    state: web::Data<Context>,
    client: ClientInfo,
    SignedIn(current): SignedIn,
    guid: web::Path<Uuid>,
    body: JsonBody<CreateProjectTokenRequest>,
) -> ApiResult<HttpResponse> {
    let access = ProjectAccess::load(&state.db, &current.account, guid.into_inner(), state.today()).await?;
    let created = project_tokens::create(&state, &client, &access, &current.account, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(created))
}

/// Rename a project token or change its permissions (checked against its role).
#[utoipa::path(
    tag = "tokens",
    params(("guid" = Uuid, Path, description = "Project GUID"), ("id" = Uuid, Path, description = "Token id")),
    request_body = UpdateTokenRequest,
    responses(
        (status = 200, description = "Updated", body = Token),
        (status = 404, description = "`project_not_found` or `token_not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid name or permissions", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = [])),
)]
#[patch("/project-tokens/{id}")]
pub async fn update_project_token(
    state: web::Data<Context>,
    client: ClientInfo,
    SignedIn(current): SignedIn,
    path: web::Path<(Uuid, Uuid)>,
    body: JsonBody<UpdateTokenRequest>,
) -> ApiResult<web::Json<Token>> {
    let (guid, id) = path.into_inner();
    let access = ProjectAccess::load(&state.db, &current.account, guid, state.today()).await?;
    Ok(web::Json(project_tokens::update(&state, &client, &access, &current.account, id, body.into_inner()).await?))
}

/// Revoke a project token; it stops working at once.
#[utoipa::path(
    tag = "tokens",
    params(("guid" = Uuid, Path, description = "Project GUID"), ("id" = Uuid, Path, description = "Token id")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 404, description = "`project_not_found` or `token_not_found`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = [])),
)]
#[delete("/project-tokens/{id}")]
pub async fn revoke_project_token(
    state: web::Data<Context>,
    client: ClientInfo,
    SignedIn(current): SignedIn,
    path: web::Path<(Uuid, Uuid)>,
) -> ApiResult<HttpResponse> {
    let (guid, id) = path.into_inner();
    let access = ProjectAccess::load(&state.db, &current.account, guid, state.today()).await?;
    project_tokens::revoke(&state, &client, &access, &current.account, id).await?;
    Ok(HttpResponse::NoContent().finish())
}
