//! `/api/v1/invitations`: what an invitation link offers, and registering with it.

use actix_web::{HttpResponse, post, web};
use portico_domain::identity::api::{InvitationSummary, RegisterRequest, SignInStep, TokenRequest};
use portico_domain::problem::Problem;
use portico_domain::projects::api::Accepted;

use crate::auth::session::SignedIn;
use crate::context::Context;
use crate::error::ApiResult;
use crate::http::client::ClientInfo;
use crate::http::json::JsonBody;
use crate::routes::auth::step_response;
use crate::usecases::{project_invitations, registration};

/// What an invitation is for: the invited email, the project and role, who sent it, and
/// whether an account with that email exists (then sign in and accept instead of registering).
#[utoipa::path(
    tag = "invitations",
    request_body = TokenRequest,
    responses(
        (status = 200, description = "The invitation", body = InvitationSummary),
        (status = 404, description = "`invitation_invalid`: no such invitation", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "`invitation_expired`, `invitation_revoked` or `invitation_used`", body = Problem, content_type = "application/problem+json"),
    ),
    security(()),
)]
#[post("/invitations/lookup")]
pub async fn lookup(
    state: web::Data<Context>,
    client: ClientInfo,
    body: JsonBody<TokenRequest>,
) -> ApiResult<web::Json<InvitationSummary>> {
    Ok(web::Json(registration::lookup(&state, &client, &body.token).await?))
}

/// Register the invited account: a password that meets the policy and optional names. Answers
/// `mfa_setup_required` with an enrolment-stage session.
#[utoipa::path(
    tag = "invitations",
    request_body = RegisterRequest,
    responses(
        (status = 200, description = "Registered; set up the authenticator next", body = SignInStep),
        (status = 404, description = "`invitation_invalid`: no such invitation", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`account_exists`: sign in and accept instead", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "`invitation_expired`, `invitation_revoked` or `invitation_used`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The password breaks the policy, or a name is too long", body = Problem, content_type = "application/problem+json"),
    ),
    security(()),
)]
#[post("/invitations/register")]
pub async fn register(
    state: web::Data<Context>,
    client: ClientInfo,
    body: JsonBody<RegisterRequest>,
) -> ApiResult<HttpResponse> {
    let (step, issued) = registration::register(&state, &client, body.into_inner()).await?;
    Ok(step_response(&state, step, &issued))
}

/// Accept a project invitation as the signed-in account; works only for the invited email.
/// Accepting twice, or in parallel, makes one membership.
#[utoipa::path(
    tag = "invitations",
    request_body = TokenRequest,
    responses(
        (status = 200, description = "Joined the project", body = Accepted),
        (status = 400, description = "`invitation_invalid`: an account invitation, not a project one", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`invitation_invalid`: no such invitation", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`invitation_email_mismatch`", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "`invitation_expired`, `invitation_revoked` or `invitation_used`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = [])),
)]
#[post("/invitations/accept")]
pub async fn accept(
    state: web::Data<Context>,
    client: ClientInfo,
    SignedIn(current): SignedIn,
    body: JsonBody<TokenRequest>,
) -> ApiResult<web::Json<Accepted>> {
    Ok(web::Json(project_invitations::accept(&state, &client, &current.account, &body.token).await?))
}
