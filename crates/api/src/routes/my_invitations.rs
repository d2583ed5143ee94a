//! `/api/v1/me/invitations`: the project invitations waiting for the signed-in account's answer.

use actix_web::{HttpResponse, get, post, web};
use portico_domain::identity::api::PendingInvitation;
use portico_domain::problem::Problem;
use portico_domain::projects::api::Accepted;
use uuid::Uuid;

use crate::auth::session::SignedIn;
use crate::context::Context;
use crate::error::ApiResult;
use crate::http::client::ClientInfo;
use crate::usecases::my_invitations;

/// Pending project invitations addressed to the caller's email (oldest first): the project, the
/// role offered, who sent it and until when it is valid.
#[utoipa::path(
    tag = "invitations",
    responses(
        (status = 200, description = "Pending invitations", body = [PendingInvitation]),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = [])),
)]
#[get("/me/invitations")]
pub async fn list_my_invitations(
    state: web::Data<Context>,
    SignedIn(current): SignedIn,
) -> ApiResult<web::Json<Vec<PendingInvitation>>> {
    Ok(web::Json(my_invitations::list(&state, &current.account).await?))
}

/// Accept an invitation: the caller joins its project with the role it offers (if the plan's
/// seats allow). Accepting twice, or in parallel, makes one membership.
#[utoipa::path(
    tag = "invitations",
    params(("id" = Uuid, Path, description = "The invitation")),
    responses(
        (status = 200, description = "Joined the project", body = Accepted),
        (status = 404, description = "`invitation_not_found`: no invitation of this id addressed to you", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`seat_limit_reached`", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "`invitation_expired`, `invitation_revoked` or `invitation_used`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = [])),
)]
#[post("/me/invitations/{id}/accept")]
pub async fn accept_my_invitation(
    state: web::Data<Context>,
    client: ClientInfo,
    SignedIn(current): SignedIn,
    path: web::Path<Uuid>,
) -> ApiResult<web::Json<Accepted>> {
    Ok(web::Json(my_invitations::accept(&state, &client, &current.account, path.into_inner()).await?))
}

/// Decline an invitation: it is revoked, its seat frees up, and whoever sent it is told by email.
#[utoipa::path(
    tag = "invitations",
    params(("id" = Uuid, Path, description = "The invitation")),
    responses(
        (status = 204, description = "Declined"),
        (status = 404, description = "`invitation_not_found`: no invitation of this id addressed to you", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "`invitation_expired`, `invitation_revoked` or `invitation_used`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = [])),
)]
#[post("/me/invitations/{id}/decline")]
pub async fn decline_my_invitation(
    state: web::Data<Context>,
    client: ClientInfo,
    SignedIn(current): SignedIn,
    path: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    my_invitations::decline(&state, &client, &current.account, path.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}
