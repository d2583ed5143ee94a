//! `/api/v1/projects/{guid}/update-schedule`: preferred weekly UTC slots for infrastructure updates.

use actix_web::{get, put, web};
use portico_domain::maintenance::{UpdateSchedule, UpdateScheduleRequest};
use portico_domain::problem::Problem;
use uuid::Uuid;

use crate::auth::project_access::ProjectAccess;
use crate::auth::session::SignedIn;
use crate::context::Context;
use crate::error::ApiResult;
use crate::http::client::ClientInfo;
use crate::http::json::JsonBody;
use crate::usecases::schedules;

/// The project's preferred slots, the slots blocked platform-wide, and the next infrastructure update.
#[utoipa::path(
    tag = "maintenance",
    params(("guid" = Uuid, Path, description = "Project GUID")),
    responses(
        (status = 200, description = "The schedule", body = UpdateSchedule),
        (status = 404, description = "`project_not_found`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = [])),
)]
#[get("/update-schedule")]
pub async fn get_schedule(
    state: web::Data<Context>,
    SignedIn(current): SignedIn,
    guid: web::Path<Uuid>,
) -> ApiResult<web::Json<UpdateSchedule>> {
    let access = ProjectAccess::cached(&state, &current.account, guid.into_inner()).await?;
    Ok(web::Json(schedules::get(&state, &access).await?))
}

/// Choose the preferred slots (Tenant Administrator, DevOps Engineer): at least one, on the
/// 3-hour grid, none of the blocked ones.
#[utoipa::path(
    tag = "maintenance",
    params(("guid" = Uuid, Path, description = "Project GUID")),
    request_body = UpdateScheduleRequest,
    responses(
        (status = 200, description = "The schedule now in force", body = UpdateSchedule),
        (status = 403, description = "`role_forbidden`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`project_not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No slot, a slot off the grid, or a blocked slot (the field is named)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = [])),
)]
#[put("/update-schedule")]
pub async fn put_schedule(
    state: web::Data<Context>,
    client: ClientInfo,
    SignedIn(current): SignedIn,
    guid: web::Path<Uuid>,
    body: JsonBody<UpdateScheduleRequest>,
) -> ApiResult<web::Json<UpdateSchedule>> {
    let access = ProjectAccess::load(&state.db, &current.account, guid.into_inner(), state.today()).await?;
    Ok(web::Json(schedules::put(&state, &client, &access, &current.account, body.into_inner()).await?))
}
