//! `/api/v1/projects`: the projects and their dashboards.

use actix_web::{HttpResponse, delete, get, patch, post, web};
use portico_domain::paging::{Page, PageQuery, PageRequest};
use portico_domain::problem::Problem;
use portico_domain::projects::api::{CreateProjectRequest, Project, ProjectSummary, UpdateProjectRequest};
use uuid::Uuid;

use crate::auth::session::{Administrator, SignedIn};
use crate::auth::token::Caller;
use crate::context::Context;
use crate::error::{ApiError, ApiResult};
use crate::http::client::ClientInfo;
use crate::http::json::JsonBody;
use crate::usecases::projects;

/// The projects the caller can see (every project for an Administrator).
#[utoipa::path(
    tag = "projects",
    params(PageQuery),
    responses(
        (status = 200, description = "A page of projects", body = Page<ProjectSummary>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = [])),
)]
#[get("/projects")]
pub async fn list_projects(
    state: web::Data<Context>,
    SignedIn(current): SignedIn,
    query: web::Query<PageQuery>,
) -> ApiResult<web::Json<Page<ProjectSummary>>> {
    let page = PageRequest::parse(query.into_inner()).map_err(ApiError::invalid)?;
    Ok(web::Json(projects::list(&state, &current.account, page).await?))
}

/// Create a project (Administrator). Its primary contact is invited as Tenant Administrator;
/// the project is `provisioning`, then `awaiting_primary_contact` until they join.
#[utoipa::path(
    tag = "projects",
    request_body = CreateProjectRequest,
    responses(
        (status = 201, description = "Created", body = Project),
        (status = 403, description = "`administrator_required`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields (region, plan, environments, date, email)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = [])),
)]
#[post("/projects")]
pub async fn create_project(
    state: web::Data<Context>,
    client: ClientInfo,
    Administrator(current): Administrator,
    body: JsonBody<CreateProjectRequest>,
) -> ApiResult<HttpResponse> {
    let project = projects::create(&state, &client, &current.account, body.into_inner()).await?;
    Ok(HttpResponse::Created().insert_header(("Location", format!("/api/v1/projects/{}", project.guid))).json(project))
}

/// The project dashboard (a session, or an access token of this project).
#[utoipa::path(
    tag = "projects",
    params(("guid" = Uuid, Path, description = "Project GUID")),
    responses(
        (status = 200, description = "The dashboard", body = Project),
        (status = 404, description = "`project_not_found` (also for projects you are not a member of)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = []), ("personal_access_token" = [])),
)]
#[get("/projects/{guid}")]
pub async fn get_project(
    state: web::Data<Context>,
    caller: Caller,
    guid: web::Path<Uuid>,
) -> ApiResult<web::Json<Project>> {
    let access = caller.project_access(&state, guid.into_inner()).await?;
    Ok(web::Json(projects::dashboard(&state, &access).await?))
}

/// Change name, plan, expiration or environments (Administrator).
#[utoipa::path(
    tag = "projects",
    params(("guid" = Uuid, Path, description = "Project GUID")),
    request_body = UpdateProjectRequest,
    responses(
        (status = 200, description = "Updated", body = Project),
        (status = 403, description = "`administrator_required`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`project_not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`project_archived`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = [])),
)]
#[patch("/projects/{guid}")]
pub async fn update_project(
    state: web::Data<Context>,
    client: ClientInfo,
    Administrator(current): Administrator,
    guid: web::Path<Uuid>,
    body: JsonBody<UpdateProjectRequest>,
) -> ApiResult<web::Json<Project>> {
    Ok(web::Json(projects::update(&state, &client, &current.account, guid.into_inner(), body.into_inner()).await?))
}

/// Archive a project (Administrator): read-only from now on, and its tokens stop working.
#[utoipa::path(
    tag = "projects",
    params(("guid" = Uuid, Path, description = "Project GUID")),
    responses(
        (status = 204, description = "Archived"),
        (status = 403, description = "`administrator_required`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`project_not_found`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = [])),
)]
#[delete("/projects/{guid}")]
pub async fn archive_project(
    state: web::Data<Context>,
    client: ClientInfo,
    Administrator(current): Administrator,
    guid: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    projects::archive(&state, &client, &current.account, guid.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}
