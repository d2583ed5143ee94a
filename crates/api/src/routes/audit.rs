//! The audit log: per project and platform-wide.

use actix_web::{get, web};
use portico_domain::admin::AuditEvent;
use portico_domain::paging::{Page, PageQuery, PageRequest};
use portico_domain::problem::Problem;
use portico_domain::projects::Action;
use uuid::Uuid;

use crate::auth::project_access::ProjectAccess;
use crate::auth::session::{Administrator, SignedIn};
use crate::context::Context;
use crate::error::{ApiError, ApiResult};
use crate::usecases::audit_log;

/// Audit events of a project, newest first (Tenant Administrator).
#[utoipa::path(
    tag = "audit",
    params(("guid" = Uuid, Path, description = "Project GUID"), PageQuery),
    responses(
        (status = 200, description = "A page of events", body = Page<AuditEvent>),
        (status = 403, description = "`role_forbidden`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`project_not_found`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = [])),
)]
#[get("/audit")]
pub async fn project_audit(
    state: web::Data<Context>,
    SignedIn(current): SignedIn,
    guid: web::Path<Uuid>,
    query: web::Query<PageQuery>,
) -> ApiResult<web::Json<Page<AuditEvent>>> {
    let page = PageRequest::parse(query.into_inner()).map_err(ApiError::invalid)?;
    let access = ProjectAccess::cached(&state, &current.account, guid.into_inner()).await?;
    access.require(Action::ViewProjectAudit)?;
    Ok(web::Json(audit_log::page(&state, Some(access.project.id), page).await?))
}

/// The platform audit log, newest first (Administrator).
#[utoipa::path(
    tag = "audit",
    params(PageQuery),
    responses(
        (status = 200, description = "A page of events", body = Page<AuditEvent>),
        (status = 403, description = "`administrator_required`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = [])),
)]
#[get("/admin/audit")]
pub async fn platform_audit(
    state: web::Data<Context>,
    _administrator: Administrator,
    query: web::Query<PageQuery>,
) -> ApiResult<web::Json<Page<AuditEvent>>> {
    let page = PageRequest::parse(query.into_inner()).map_err(ApiError::invalid)?;
    Ok(web::Json(audit_log::page(&state, None, page).await?))
}
