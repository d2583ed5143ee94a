//! `/api/v1/admin/users`: platform user administration (Administrator).

use actix_web::{HttpResponse, delete, get, patch, post, web};
use portico_domain::admin::{AdminInviteRequest, AdminUpdateUserRequest, AdminUser, AdminUserQuery};
use portico_domain::paging::Page;
use portico_domain::problem::Problem;
use uuid::Uuid;

use crate::auth::session::Administrator;
use crate::context::Context;
use crate::error::ApiResult;
use crate::http::client::ClientInfo;
use crate::http::json::JsonBody;
use crate::usecases::{admin_users, mfa};

/// Every account (but the built-in Public one) with its status; search and paging.
#[utoipa::path(
    tag = "admin",
    params(AdminUserQuery),
    responses(
        (status = 200, description = "A page of accounts", body = Page<AdminUser>),
        (status = 403, description = "`administrator_required`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown status or bad paging", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = [])),
)]
#[get("/admin/users")]
pub async fn list_users(
    state: web::Data<Context>,
    _administrator: Administrator,
    query: web::Query<AdminUserQuery>,
) -> ApiResult<web::Json<Page<AdminUser>>> {
    Ok(web::Json(admin_users::list(&state, query.into_inner()).await?))
}

/// Invite a new account with a system role; it sets its password from the emailed link.
#[utoipa::path(
    tag = "admin",
    request_body = AdminInviteRequest,
    responses(
        (status = 201, description = "Invited", body = AdminUser),
        (status = 409, description = "`email_taken`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Malformed email", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = [])),
)]
#[post("/admin/users")]
pub async fn invite_user(
    state: web::Data<Context>,
    client: ClientInfo,
    Administrator(current): Administrator,
    body: JsonBody<AdminInviteRequest>,
) -> ApiResult<HttpResponse> {
    let user = admin_users::invite(&state, &client, &current.account, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(user))
}

/// One account.
#[utoipa::path(
    tag = "admin",
    params(("id" = Uuid, Path, description = "Account id")),
    responses(
        (status = 200, description = "The account", body = AdminUser),
        (status = 404, description = "`account_not_found`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = [])),
)]
#[get("/admin/users/{id}")]
pub async fn get_user(
    state: web::Data<Context>,
    _administrator: Administrator,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<AdminUser>> {
    Ok(web::Json(admin_users::get(&state, id.into_inner()).await?))
}

/// Edit user name, names, email, system role or enabled. Disabling ends the account's
/// sessions and stops its tokens at once. The built-in Administrator cannot be disabled.
#[utoipa::path(
    tag = "admin",
    params(("id" = Uuid, Path, description = "Account id")),
    request_body = AdminUpdateUserRequest,
    responses(
        (status = 200, description = "Updated", body = AdminUser),
        (status = 404, description = "`account_not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`user_name_taken` or `email_taken`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = [])),
)]
#[patch("/admin/users/{id}")]
pub async fn update_user(
    state: web::Data<Context>,
    client: ClientInfo,
    Administrator(current): Administrator,
    id: web::Path<Uuid>,
    body: JsonBody<AdminUpdateUserRequest>,
) -> ApiResult<web::Json<AdminUser>> {
    Ok(web::Json(admin_users::update(&state, &client, &current.account, id.into_inner(), body.into_inner()).await?))
}

/// Delete an account. Projects it was the primary contact of wait for a new one, and the
/// Administrators are told by email.
#[utoipa::path(
    tag = "admin",
    params(("id" = Uuid, Path, description = "Account id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "`account_not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`builtin_account` or `cannot_delete_self`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = [])),
)]
#[delete("/admin/users/{id}")]
pub async fn delete_user(
    state: web::Data<Context>,
    client: ClientInfo,
    Administrator(current): Administrator,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    admin_users::delete(&state, &client, &current.account, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A new invitation link for an account that is `invited` or `invitation_expired`.
#[utoipa::path(
    tag = "admin",
    params(("id" = Uuid, Path, description = "Account id")),
    responses(
        (status = 200, description = "Sent", body = AdminUser),
        (status = 404, description = "`account_not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`not_invited`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = [])),
)]
#[post("/admin/users/{id}/resend-invitation")]
pub async fn resend_user_invitation(
    state: web::Data<Context>,
    client: ClientInfo,
    Administrator(current): Administrator,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<AdminUser>> {
    Ok(web::Json(admin_users::resend_invitation(&state, &client, &current.account, id.into_inner()).await?))
}

/// Remove someone's authenticator: their sessions end and an enrolment link is emailed to them.
#[utoipa::path(
    tag = "admin",
    params(("id" = Uuid, Path, description = "Account id")),
    responses(
        (status = 204, description = "Reset; the enrolment link is on its way"),
        (status = 403, description = "`administrator_required`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`account_not_found`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = [])),
)]
#[post("/admin/users/{id}/reset-mfa")]
pub async fn reset_user_mfa(
    state: web::Data<Context>,
    client: ClientInfo,
    Administrator(current): Administrator,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let target = admin_users::find_manageable(&state, id.into_inner()).await?;
    mfa::reset_by_administrator(&state, &client, Some(&current.account), &target).await?;
    Ok(HttpResponse::NoContent().finish())
}
