//! `/api/v1/admin/invitations`: people invited to a project who have no account yet
//! (Administrator). Resend or revoke one with its project's
//! `/projects/{guid}/invitations/{id}` operations.

use actix_web::{get, web};
use portico_domain::admin::AdminInvitation;
use portico_domain::paging::{Page, PageQuery};
use portico_domain::problem::Problem;

use crate::auth::session::Administrator;
use crate::context::Context;
use crate::error::ApiResult;
use crate::usecases::admin_invitations;

/// Project invitations not yet accepted or revoked whose address has no account, newest first,
/// each with status `invited` or `invitation_expired`.
#[utoipa::path(
    tag = "admin",
    params(PageQuery),
    responses(
        (status = 200, description = "A page of invitations", body = Page<AdminInvitation>),
        (status = 403, description = "`administrator_required`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad paging", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = [])),
)]
#[get("/admin/invitations")]
pub async fn list_admin_invitations(
    state: web::Data<Context>,
    _administrator: Administrator,
    query: web::Query<PageQuery>,
) -> ApiResult<web::Json<Page<AdminInvitation>>> {
    Ok(web::Json(admin_invitations::project_invitations(&state, query.into_inner()).await?))
}
