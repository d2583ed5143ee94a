//! `/api/v1/projects/{guid}/invitations`: the Users app's invitations (Tenant Administrator).

use actix_web::{HttpResponse, delete, get, post, web};
use portico_domain::problem::Problem;
use portico_domain::projects::api::{Invitation, InviteRequest};
use uuid::Uuid;

use crate::auth::project_access::ProjectAccess;
use crate::auth::session::SignedIn;
use crate::context::Context;
use crate::error::ApiResult;
use crate::http::client::ClientInfo;
use crate::http::json::JsonBody;
use crate::usecases::project_invitations;

/// Invitations of the project with their status (pending, accepted, expired, revoked).
#[utoipa::path(
    tag = "invitations",
    params(("guid" = Uuid, Path, description = "Project GUID")),
    responses(
        (status = 200, description = "Invitations, newest first", body = Vec<Invitation>),
        (status = 403, description = "`role_forbidden`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`project_not_found`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = [])),
)]
#[get("/invitations")]
pub async fn list_invitations(
    state: web::Data<Context>,
    SignedIn(current): SignedIn,
    guid: web::Path<Uuid>,
) -> ApiResult<web::Json<Vec<Invitation>>> {
    let access = ProjectAccess::cached(&state, &current.account, guid.into_inner()).await?;
    Ok(web::Json(project_invitations::list(&state, &access).await?))
}

/// Invite someone with a role; the link is valid for 10 days (`PORTICO_INVITATION_TTL`).
#[utoipa::path(
    tag = "invitations",
    params(("guid" = Uuid, Path, description = "Project GUID")),
    request_body = InviteRequest,
    responses(
        (status = 201, description = "Invited; the email is on its way", body = Invitation),
        (status = 403, description = "`role_forbidden`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`project_not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`already_member`, `invitation_pending` or `seat_limit_reached`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Malformed email", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = [])),
)]
#[post("/invitations")]
pub async fn create_invitation(
    state: web::Data<Context>,
    client: ClientInfo,
    SignedIn(current): SignedIn,
    guid: web::Path<Uuid>,
    body: JsonBody<InviteRequest>,
) -> ApiResult<HttpResponse> {
    let invitation =
        project_invitations::invite(&state, &client, &current.account, guid.into_inner(), body.into_inner()).await?;
    Ok(HttpResponse::Created().json(invitation))
}

/// Send a new link (the old one stops working).
#[utoipa::path(
    tag = "invitations",
    params(("guid" = Uuid, Path, description = "Project GUID"), ("id" = Uuid, Path, description = "Invitation id")),
    responses(
        (status = 200, description = "Resent", body = Invitation),
        (status = 404, description = "`project_not_found` or `invitation_not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`invitation_closed` or `seat_limit_reached`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = [])),
)]
#[post("/invitations/{id}/resend")]
pub async fn resend_invitation(
    state: web::Data<Context>,
    client: ClientInfo,
    SignedIn(current): SignedIn,
    path: web::Path<(Uuid, Uuid)>,
) -> ApiResult<web::Json<Invitation>> {
    let (guid, id) = path.into_inner();
    Ok(web::Json(project_invitations::resend(&state, &client, &current.account, guid, id).await?))
}

/// Revoke a pending invitation.
#[utoipa::path(
    tag = "invitations",
    params(("guid" = Uuid, Path, description = "Project GUID"), ("id" = Uuid, Path, description = "Invitation id")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 404, description = "`project_not_found` or `invitation_not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`invitation_closed`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = [])),
)]
#[delete("/invitations/{id}")]
pub async fn revoke_invitation(
    state: web::Data<Context>,
    client: ClientInfo,
    SignedIn(current): SignedIn,
    path: web::Path<(Uuid, Uuid)>,
) -> ApiResult<HttpResponse> {
    let (guid, id) = path.into_inner();
    project_invitations::revoke(&state, &client, &current.account, guid, id).await?;
    Ok(HttpResponse::NoContent().finish())
}
