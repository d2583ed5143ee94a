//! `POST /api/deployment/upload/{project_guid}[/{environment}]`: the Kentico-compatible package
//! upload for scripts, with a personal access token.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, post, web};
use portico_domain::deployments::UploadAccepted;
use portico_domain::problem::Problem;
use uuid::Uuid;

use crate::auth::token::Bearer;
use crate::context::Context;
use crate::error::ApiResult;
use crate::http::client::ClientInfo;
use crate::usecases::deployments::{self, UploadRequest};

/// The ZIP package, sent as the raw request body.
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct PackageBody(#[allow(dead_code)] Vec<u8>);

async fn accept_upload(
    request: HttpRequest,
    state: web::Data<Context>,
    client: ClientInfo,
    caller: Bearer,
    guid: Uuid,
    environment: &str,
    body: web::Payload,
) -> ApiResult<HttpResponse> {
    let header_text = |name| request.headers().get(name).and_then(|v: &header::HeaderValue| v.to_str().ok());
    let upload = UploadRequest {
        guid,
        environment,
        content_type: header_text(header::CONTENT_TYPE),
        content_length: header_text(header::CONTENT_LENGTH).and_then(|v| v.parse().ok()),
    };
    let accepted = deployments::upload(&state, &client, &caller.0, upload, body).await?;
    Ok(HttpResponse::Accepted()
        .insert_header(("Location", format!("/api/v1/projects/{guid}/deployments/{}/log", accepted.id)))
        .json(accepted))
}

/// Upload a deployment package to an environment (`qa`, `uat`, `stg`, `prod`). `qa` needs
/// the token permission `deploy_qa`, `uat` needs `deploy_non_production`, `stg` and `prod`
/// need `deploy_production`. The body is streamed to storage (limit `PORTICO_UPLOAD_LIMIT`; a
/// project keeps at most `PORTICO_PACKAGE_QUOTA` of packages).
#[utoipa::path(
    tag = "deployments",
    params(("project_guid" = Uuid, Path, description = "Project GUID"), ("environment" = String, Path, description = "qa, uat, stg or prod")),
    request_body(content = PackageBody, content_type = "application/zip"),
    responses(
        (status = 202, description = "Received and queued", body = UploadAccepted),
        (status = 401, description = "`invalid_token` or `token_expired`", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`permission_missing` or `role_forbidden`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`project_not_found` or `environment_not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "`package_too_large`", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "`not_a_zip`", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`too_many_uploads`: the project has `PORTICO_UPLOADS_PER_PROJECT` uploads under way", body = Problem, content_type = "application/problem+json"),
        (status = 507, description = "`storage_full`: past the project's `PORTICO_PACKAGE_QUOTA` or the server's `PORTICO_MIN_FREE_DISK`", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "`project_provisioning` or `maintenance_in_progress`; see Retry-After", body = Problem, content_type = "application/problem+json"),
    ),
    security(("personal_access_token" = [])),
)]
#[post("/api/deployment/upload/{project_guid}/{environment}")]
pub async fn upload_to_environment(
    request: HttpRequest,
    state: web::Data<Context>,
    client: ClientInfo,
    caller: Bearer,
    path: web::Path<(Uuid, String)>,
    body: web::Payload,
) -> ApiResult<HttpResponse> {
    let (guid, environment) = path.into_inner();
    accept_upload(request, state, client, caller, guid, &environment, body).await
}

/// Upload a deployment package to QA (the path Kentico's scripts use).
#[utoipa::path(
    tag = "deployments",
    params(("project_guid" = Uuid, Path, description = "Project GUID")),
    request_body(content = PackageBody, content_type = "application/zip"),
    responses(
        (status = 202, description = "Received and queued", body = UploadAccepted),
        (status = 401, description = "`invalid_token` or `token_expired`", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`permission_missing` or `role_forbidden`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`project_not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "`package_too_large`", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "`not_a_zip`", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`too_many_uploads`: the project has `PORTICO_UPLOADS_PER_PROJECT` uploads under way", body = Problem, content_type = "application/problem+json"),
        (status = 507, description = "`storage_full`: past the project's `PORTICO_PACKAGE_QUOTA` or the server's `PORTICO_MIN_FREE_DISK`", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "`project_provisioning` or `maintenance_in_progress`; see Retry-After", body = Problem, content_type = "application/problem+json"),
    ),
    security(("personal_access_token" = [])),
)]
#[post("/api/deployment/upload/{project_guid}")]
pub async fn upload_to_qa(
    request: HttpRequest,
    state: web::Data<Context>,
    client: ClientInfo,
    caller: Bearer,
    guid: web::Path<Uuid>,
    body: web::Payload,
) -> ApiResult<HttpResponse> {
    accept_upload(request, state, client, caller, guid.into_inner(), "qa", body).await
}
