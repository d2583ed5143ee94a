//! `/api/v1/projects/{guid}/members` and the primary contact.

use actix_web::{HttpResponse, delete, get, patch, post, web};
use portico_domain::problem::Problem;
use portico_domain::projects::api::{ChangeRoleRequest, Member, PrimaryContactRequest};
use serde::Deserialize;
use uuid::Uuid;

use crate::auth::project_access::ProjectAccess;
use crate::auth::session::SignedIn;
use crate::context::Context;
use crate::error::{ApiError, ApiResult};
use crate::http::client::ClientInfo;
use crate::http::json::JsonBody;
use crate::usecases::members;

/// The members with their roles; `primary_contact` marks the crown.
#[utoipa::path(
    tag = "members",
    params(("guid" = Uuid, Path, description = "Project GUID")),
    responses(
        (status = 200, description = "Members", body = Vec<Member>),
        (status = 404, description = "`project_not_found`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = [])),
)]
#[get("/members")]
pub async fn list_members(
    state: web::Data<Context>,
    SignedIn(current): SignedIn,
    guid: web::Path<Uuid>,
) -> ApiResult<web::Json<Vec<Member>>> {
    let access = ProjectAccess::cached(&state, &current.account, guid.into_inner()).await?;
    Ok(web::Json(members::list(&state, &access).await?))
}

/// Change a member's role (Tenant Administrator). The primary contact cannot be demoted, and
/// the last Tenant Administrator stays one.
#[utoipa::path(
    tag = "members",
    params(("guid" = Uuid, Path, description = "Project GUID"), ("account_id" = Uuid, Path, description = "The member's account id")),
    request_body = ChangeRoleRequest,
    responses(
        (status = 200, description = "The member with the new role", body = Member),
        (status = 403, description = "`role_forbidden`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`project_not_found` or `member_not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`primary_contact_protected` or `last_tenant_administrator`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = [])),
)]
#[patch("/members/{account_id}")]
pub async fn change_member_role(
    state: web::Data<Context>,
    client: ClientInfo,
    SignedIn(current): SignedIn,
    path: web::Path<(Uuid, Uuid)>,
    body: JsonBody<ChangeRoleRequest>,
) -> ApiResult<web::Json<Member>> {
    let (guid, account_id) = path.into_inner();
    Ok(web::Json(members::change_role(&state, &client, &current.account, guid, account_id, body.role).await?))
}

/// The `{account_id}` of a member, or `me` to leave the project.
#[derive(Debug, Deserialize)]
pub struct MemberPath {
    guid: Uuid,
    account_id: String,
}

/// Remove a member (Tenant Administrator), or leave the project with `me`. The member's
/// tokens in this project are revoked; other projects are untouched.
#[utoipa::path(
    tag = "members",
    params(("guid" = Uuid, Path, description = "Project GUID"), ("account_id" = String, Path, description = "The member's account id, or `me`")),
    responses(
        (status = 204, description = "Removed"),
        (status = 403, description = "`role_forbidden`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`project_not_found` or `member_not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`primary_contact_protected` or `last_tenant_administrator`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = [])),
)]
#[delete("/members/{account_id}")]
pub async fn remove_member(
    state: web::Data<Context>,
    client: ClientInfo,
    SignedIn(current): SignedIn,
    path: web::Path<MemberPath>,
) -> ApiResult<HttpResponse> {
    let MemberPath { guid, account_id } = path.into_inner();
    let account_id = match account_id.as_str() {
        "me" => current.account.id,
        text => {
            text.parse().map_err(|_| ApiError::not_found("member_not_found", "This project has no such member."))?
        }
    };
    members::remove(&state, &client, &current.account, guid, account_id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Hand the primary contact over to another Tenant Administrator (the primary contact or an Administrator).
#[utoipa::path(
    tag = "members",
    params(("guid" = Uuid, Path, description = "Project GUID")),
    request_body = PrimaryContactRequest,
    responses(
        (status = 204, description = "Handed over"),
        (status = 403, description = "`role_forbidden`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`project_not_found` or `member_not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The new primary contact is not a Tenant Administrator", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = [])),
)]
#[post("/primary-contact")]
pub async fn set_primary_contact(
    state: web::Data<Context>,
    client: ClientInfo,
    SignedIn(current): SignedIn,
    guid: web::Path<Uuid>,
    body: JsonBody<PrimaryContactRequest>,
) -> ApiResult<HttpResponse> {
    members::hand_over_primary_contact(&state, &client, &current.account, guid.into_inner(), body.account_id).await?;
    Ok(HttpResponse::NoContent().finish())
}
