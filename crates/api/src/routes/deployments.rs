//! `/api/v1/projects/{guid}/deployments`: history, logs (followed live), promotion, cancellation.

use actix_web::{HttpResponse, get, post, web};
use futures_util::StreamExt;
use portico_domain::deployments::{Deployment, PromoteRequest};
use portico_domain::paging::{Page, PageQuery, PageRequest};
use portico_domain::problem::Problem;
use uuid::Uuid;

use crate::auth::project_access::ProjectAccess;
use crate::auth::session::SignedIn;
use crate::auth::token::Caller;
use crate::context::Context;
use crate::error::{ApiError, ApiResult};
use crate::http::client::ClientInfo;
use crate::http::json::JsonBody;
use crate::usecases::deployments::{self, Cancelled};

/// Deployment history, newest first (a session, or an access token of this project).
#[utoipa::path(
    tag = "deployments",
    params(("guid" = Uuid, Path, description = "Project GUID"), PageQuery),
    responses(
        (status = 200, description = "A page of deployments", body = Page<Deployment>),
        (status = 401, description = "No session or token; `token_expired`; `invalid_token`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`project_not_found` (also another project's GUID with a token)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = []), ("personal_access_token" = [])),
)]
#[get("/deployments")]
pub async fn list_deployments(
    state: web::Data<Context>,
    caller: Caller,
    guid: web::Path<Uuid>,
    query: web::Query<PageQuery>,
) -> ApiResult<web::Json<Page<Deployment>>> {
    let page = PageRequest::parse(query.into_inner()).map_err(ApiError::invalid)?;
    let access = caller.project_access(&state, guid.into_inner()).await?;
    Ok(web::Json(deployments::list(&state, &access, page).await?))
}

/// `?follow=true` on a deployment's log.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LogQuery {
    /// Keep the answer open: the log so far, then each line as it is written (whichever server
    /// runs the deployment), then a last line `... portico Ended: <state>` once it has ended.
    #[serde(default)]
    pub follow: bool,
}

/// A deployment's log, as plain text: one line per entry, `<UTC time> <stream> <text>` with the
/// stream `portico` (Portico's own lines), `stdout` or `stderr` (the deploy command's).
#[utoipa::path(
    tag = "deployments",
    params(("guid" = Uuid, Path, description = "Project GUID"), ("id" = Uuid, Path, description = "Deployment id"), LogQuery),
    responses(
        (status = 200, description = "The log (chunked and open until the deployment ends with `follow=true`)", body = String, content_type = "text/plain"),
        (status = 404, description = "`project_not_found` or `deployment_not_found`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = []), ("personal_access_token" = [])),
)]
#[get("/deployments/{id}/log")]
pub async fn deployment_log(
    state: web::Data<Context>,
    caller: Caller,
    path: web::Path<(Uuid, Uuid)>,
    query: web::Query<LogQuery>,
) -> ApiResult<HttpResponse> {
    let (guid, id) = path.into_inner();
    let access = caller.project_access(&state, guid).await?;
    let mut response = HttpResponse::Ok();
    response
        .content_type("text/plain; charset=utf-8")
        .insert_header(("Content-Disposition", format!("inline; filename=\"deployment-{id}.log\"")));
    if query.follow {
        let lines = deployments::follow(state.into_inner(), &access, id).await?;
        // Proxies that buffer answers (nginx) pass this one on as it comes.
        response.insert_header(("X-Accel-Buffering", "no")).insert_header(("Cache-Control", "no-store"));
        return Ok(response.streaming(
            lines.map(|chunk| chunk.map(web::Bytes::from).map_err(|e| actix_web::Error::from(ApiError::from(e)))),
        ));
    }
    Ok(response.body(deployments::log(&state, &access, id).await?))
}

/// Promote this (the latest succeeded) deployment's package to a later environment, now or at
/// `scheduled_at`. UAT needs a role that deploys to non-production; STG and PROD need a
/// Tenant Administrator or DevOps Engineer.
#[utoipa::path(
    tag = "deployments",
    params(("guid" = Uuid, Path, description = "Project GUID"), ("id" = Uuid, Path, description = "The deployment to promote")),
    request_body = PromoteRequest,
    responses(
        (status = 202, description = "Queued or scheduled", body = Deployment),
        (status = 403, description = "`role_forbidden`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`project_not_found`, `deployment_not_found` or `environment_not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`not_latest_package` or `package_deleted`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a later environment, or a time in the past", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "`project_provisioning`; see Retry-After", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = [])),
)]
#[post("/deployments/{id}/promote")]
pub async fn promote_deployment(
    state: web::Data<Context>,
    client: ClientInfo,
    SignedIn(current): SignedIn,
    path: web::Path<(Uuid, Uuid)>,
    body: JsonBody<PromoteRequest>,
) -> ApiResult<HttpResponse> {
    let (guid, id) = path.into_inner();
    let access = ProjectAccess::load(&state.db, &current.account, guid, state.today()).await?;
    let promoted = deployments::promote(&state, &client, &access, &current.account, id, body.into_inner()).await?;
    Ok(HttpResponse::Accepted().json(promoted))
}

/// Cancel a deployment that has not ended: a scheduled or queued one is `cancelled` at once
/// (200); a running one's command is stopped (SIGTERM to its process group, SIGKILL after 10 s)
/// and it becomes `cancelled` a moment later (202, `cancel_requested_at` set). Whoever may
/// deploy to its environment may cancel it.
#[utoipa::path(
    tag = "deployments",
    params(("guid" = Uuid, Path, description = "Project GUID"), ("id" = Uuid, Path, description = "The deployment")),
    responses(
        (status = 200, description = "Cancelled", body = Deployment),
        (status = 202, description = "Running: its command is being stopped", body = Deployment),
        (status = 403, description = "`role_forbidden`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`project_not_found` or `deployment_not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`deployment_finished`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = [])),
)]
#[post("/deployments/{id}/cancel")]
pub async fn cancel_deployment(
    state: web::Data<Context>,
    client: ClientInfo,
    SignedIn(current): SignedIn,
    path: web::Path<(Uuid, Uuid)>,
) -> ApiResult<HttpResponse> {
    let (guid, id) = path.into_inner();
    let access = ProjectAccess::load(&state.db, &current.account, guid, state.today()).await?;
    Ok(match deployments::cancel(&state, &client, &access, &current.account, id).await? {
        Cancelled::Now(deployment) => HttpResponse::Ok().json(deployment),
        Cancelled::Requested(deployment) => HttpResponse::Accepted().json(deployment),
    })
}
