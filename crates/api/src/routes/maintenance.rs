//! `/api/v1/maintenance-windows`: platform maintenance (Administrators schedule; everyone signed in reads).

use actix_web::{HttpResponse, delete, get, patch, post, web};
use portico_domain::maintenance::{CreateWindowRequest, MaintenanceWindow, UpdateWindowRequest};
use portico_domain::paging::{Page, PageQuery, PageRequest};
use portico_domain::problem::Problem;
use uuid::Uuid;

use crate::auth::session::{Administrator, SignedIn};
use crate::context::Context;
use crate::error::{ApiError, ApiResult};
use crate::http::client::ClientInfo;
use crate::http::json::JsonBody;
use crate::usecases::maintenance;

/// Every maintenance window, newest first.
#[utoipa::path(
    tag = "maintenance",
    params(PageQuery),
    responses(
        (status = 200, description = "A page of windows", body = Page<MaintenanceWindow>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = [])),
)]
#[get("/maintenance-windows")]
pub async fn list_windows(
    state: web::Data<Context>,
    _signed_in: SignedIn,
    query: web::Query<PageQuery>,
) -> ApiResult<web::Json<Page<MaintenanceWindow>>> {
    let page = PageRequest::parse(query.into_inner()).map_err(ApiError::invalid)?;
    Ok(web::Json(maintenance::list(&state, page).await?))
}

/// Schedule a window (Administrator). Every Tenant Administrator and subscriber is emailed at
/// once and again before it starts; deployments pause while it runs.
#[utoipa::path(
    tag = "maintenance",
    request_body = CreateWindowRequest,
    responses(
        (status = 201, description = "Scheduled", body = MaintenanceWindow),
        (status = 403, description = "`administrator_required`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Ends before it starts, overlaps another window, unknown feature", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = [])),
)]
#[post("/maintenance-windows")]
pub async fn create_window(
    state: web::Data<Context>,
    client: ClientInfo,
    Administrator(current): Administrator,
    body: JsonBody<CreateWindowRequest>,
) -> ApiResult<HttpResponse> {
    let window = maintenance::create(&state, &client, &current.account, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(window))
}

/// Reschedule or edit a window that has not ended (everyone is told again).
#[utoipa::path(
    tag = "maintenance",
    params(("id" = Uuid, Path, description = "Window id")),
    request_body = UpdateWindowRequest,
    responses(
        (status = 200, description = "Updated", body = MaintenanceWindow),
        (status = 404, description = "`window_not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`window_closed`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid times or fields", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = [])),
)]
#[patch("/maintenance-windows/{id}")]
pub async fn update_window(
    state: web::Data<Context>,
    client: ClientInfo,
    Administrator(current): Administrator,
    id: web::Path<Uuid>,
    body: JsonBody<UpdateWindowRequest>,
) -> ApiResult<web::Json<MaintenanceWindow>> {
    Ok(web::Json(maintenance::update(&state, &client, &current.account, id.into_inner(), body.into_inner()).await?))
}

/// Cancel a window (everyone is told; the calendar feed shows it cancelled).
#[utoipa::path(
    tag = "maintenance",
    params(("id" = Uuid, Path, description = "Window id")),
    responses(
        (status = 204, description = "Cancelled"),
        (status = 404, description = "`window_not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`window_closed`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = [])),
)]
#[delete("/maintenance-windows/{id}")]
pub async fn cancel_window(
    state: web::Data<Context>,
    client: ClientInfo,
    Administrator(current): Administrator,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    maintenance::cancel(&state, &client, &current.account, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}
