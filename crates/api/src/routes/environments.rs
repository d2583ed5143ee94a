//! `/api/v1/projects/{guid}/environments/{env}`: operations on a whole environment.

use actix_web::{HttpResponse, post, web};
use portico_domain::deployments::Deployment;
use portico_domain::problem::Problem;
use uuid::Uuid;

use crate::auth::token::Caller;
use crate::context::Context;
use crate::error::ApiResult;
use crate::http::client::ClientInfo;
use crate::usecases::deployments;

/// Restart the environment's application: runs the operator's `PORTICO_RESTART_COMMAND` (or its
/// `_<ENV>` override) as an operation of kind `restart`, in the project's deployment queue and
/// history, with its own log. QA and UAT: every role; STG and PROD: Tenant Administrators and
/// DevOps Engineers (a token: the environment's deploy permission).
#[utoipa::path(
    tag = "deployments",
    params(("guid" = Uuid, Path, description = "Project GUID"), ("env" = String, Path, description = "`qa`, `uat`, `stg` or `prod`")),
    responses(
        (status = 202, description = "Queued", body = Deployment),
        (status = 403, description = "`role_forbidden`, `permission_missing` or `token_role_forbidden`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`project_not_found`, `environment_not_found` or `restart_not_configured`", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "`project_provisioning` or `maintenance_in_progress`; see Retry-After", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = []), ("personal_access_token" = [])),
)]
#[post("/environments/{env}/restart")]
pub async fn restart_environment(
    state: web::Data<Context>,
    client: ClientInfo,
    caller: Caller,
    path: web::Path<(Uuid, String)>,
) -> ApiResult<HttpResponse> {
    let (guid, environment) = path.into_inner();
    let queued = deployments::restart(&state, &client, &caller, guid, &environment).await?;
    Ok(HttpResponse::Accepted()
        .insert_header(("Location", format!("/api/v1/projects/{guid}/deployments/{}/log", queued.id)))
        .json(queued))
}
