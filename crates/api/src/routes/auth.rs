//! `/api/v1/auth`: signing in and out, and the emailed links that lead back in.

use actix_web::{HttpResponse, get, post, web};
use portico_domain::identity::PasswordPolicy;
use portico_domain::identity::api::{
    CodeRequest, ForgotPasswordRequest, RecoveryRequest, ResetPasswordRequest, SignInRequest, SignInStep, TokenRequest,
};
use portico_domain::problem::Problem;

use crate::auth::session::{AnySession, IssuedSession, PreAuth, removal_cookie};
use crate::context::Context;
use crate::error::ApiResult;
use crate::http::client::ClientInfo;
use crate::http::json::JsonBody;
use crate::usecases::{mfa as mfa_flow, password_policy, passwords, profile, sign_in as sign_in_flow};

/// Answers a sign-in step and sets the session cookie of its stage.
pub fn step_response(state: &Context, step: SignInStep, issued: &IssuedSession) -> HttpResponse {
    HttpResponse::Ok().cookie(issued.cookie(&state.sessions)).json(step)
}

/// Sign in with email (or user name) and password.
///
/// Answers what comes next: the authenticator code (`mfa_required`) or setting one up
/// (`mfa_setup_required`), with a short-lived session cookie for that step. An unknown
/// account, a wrong password and a disabled account all get the same 401.
#[utoipa::path(
    tag = "auth",
    request_body = SignInRequest,
    responses(
        (status = 200, description = "Password accepted; see `next`", body = SignInStep,
            headers(("Set-Cookie" = String, description = "The session cookie for the next step"))),
        (status = 401, description = "`invalid_credentials`", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`mfa_enrolment_link_required`: an authenticator must be set up through the link just emailed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Neither email nor user name", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Locked out or rate limited; see Retry-After", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "`busy`: too many sign-ins at once", body = Problem, content_type = "application/problem+json"),
    ),
    security(()),
)]
#[post("/auth/sign-in")]
pub async fn sign_in(
    state: web::Data<Context>,
    client: ClientInfo,
    body: JsonBody<SignInRequest>,
) -> ApiResult<HttpResponse> {
    let (step, issued) = sign_in_flow::password_step(&state, &client, body.into_inner()).await?;
    Ok(step_response(&state, step, &issued))
}

/// Second step: a code from the authenticator app. A code (time step) works once.
#[utoipa::path(
    tag = "auth",
    request_body = CodeRequest,
    responses(
        (status = 200, description = "Signed in (a new session id)", body = SignInStep),
        (status = 401, description = "`invalid_code`, or no pre-auth session", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not six digits", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many wrong codes; see Retry-After", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = [])),
)]
#[post("/auth/mfa")]
pub async fn mfa(
    state: web::Data<Context>,
    client: ClientInfo,
    PreAuth(current): PreAuth,
    body: JsonBody<CodeRequest>,
) -> ApiResult<HttpResponse> {
    let (step, issued) = sign_in_flow::totp_step(&state, &client, current, &body.code).await?;
    Ok(step_response(&state, step, &issued))
}

/// Second step with the recovery code instead of a TOTP code. The code is used up; the answer
/// says so (`recovery_code_used`), and the app then offers to reset MFA.
#[utoipa::path(
    tag = "auth",
    request_body = RecoveryRequest,
    responses(
        (status = 200, description = "Signed in; the recovery code is used up", body = SignInStep),
        (status = 401, description = "`invalid_recovery_code`", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many wrong codes; see Retry-After", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = [])),
)]
#[post("/auth/recovery")]
pub async fn recovery(
    state: web::Data<Context>,
    client: ClientInfo,
    PreAuth(current): PreAuth,
    body: JsonBody<RecoveryRequest>,
) -> ApiResult<HttpResponse> {
    let (step, issued) = sign_in_flow::recovery_step(&state, &client, current, &body.recovery_code).await?;
    Ok(step_response(&state, step, &issued))
}

/// End this session.
#[utoipa::path(
    tag = "auth",
    responses(
        (status = 204, description = "Signed out; the cookie is cleared"),
        (status = 401, description = "No session", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = [])),
)]
#[post("/auth/sign-out")]
pub async fn sign_out(
    state: web::Data<Context>,
    client: ClientInfo,
    AnySession(current): AnySession,
) -> ApiResult<HttpResponse> {
    sign_in_flow::sign_out(&state, &client, &current).await?;
    Ok(HttpResponse::NoContent().cookie(removal_cookie(&state.sessions)).finish())
}

/// Ask for a password-reset link. Always 202; the email goes out only if the account exists.
#[utoipa::path(
    tag = "auth",
    request_body = ForgotPasswordRequest,
    responses(
        (status = 202, description = "If the address belongs to an account, a link is on its way"),
        (status = 422, description = "Not an email address", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Rate limited", body = Problem, content_type = "application/problem+json"),
    ),
    security(()),
)]
#[post("/auth/password/forgot")]
pub async fn forgot_password(
    state: web::Data<Context>,
    client: ClientInfo,
    body: JsonBody<ForgotPasswordRequest>,
) -> ApiResult<HttpResponse> {
    passwords::forgot(state.into_inner(), client, &body.email).await?;
    Ok(HttpResponse::Accepted().finish())
}

/// Set a new password with the token from a reset link. Ends every session; the
/// authenticator is still asked for at the next sign-in.
#[utoipa::path(
    tag = "auth",
    request_body = ResetPasswordRequest,
    responses(
        (status = 204, description = "Password changed"),
        (status = 404, description = "`link_invalid`: no such link", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "`link_used` or `link_expired`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The new password breaks the policy", body = Problem, content_type = "application/problem+json"),
    ),
    security(()),
)]
#[post("/auth/password/reset")]
pub async fn reset_password(
    state: web::Data<Context>,
    client: ClientInfo,
    body: JsonBody<ResetPasswordRequest>,
) -> ApiResult<HttpResponse> {
    passwords::reset(&state, &client, &body.token, &body.new_password).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Follow an emailed MFA enrolment link: an enrolment-stage session to set up an authenticator.
#[utoipa::path(
    tag = "auth",
    request_body = TokenRequest,
    responses(
        (status = 200, description = "`mfa_setup_required`, with an enrolment-stage cookie", body = SignInStep),
        (status = 404, description = "`link_invalid`: no such link", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`mfa_already_enrolled`", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "`link_used` or `link_expired`", body = Problem, content_type = "application/problem+json"),
    ),
    security(()),
)]
#[post("/auth/mfa/enrol-link")]
pub async fn enrol_link(
    state: web::Data<Context>,
    client: ClientInfo,
    body: JsonBody<TokenRequest>,
) -> ApiResult<HttpResponse> {
    let (step, issued) = mfa_flow::enrol_by_link(&state, &client, &body.token).await?;
    Ok(step_response(&state, step, &issued))
}

/// Confirm a new email address with the token sent to it.
#[utoipa::path(
    tag = "auth",
    request_body = TokenRequest,
    responses(
        (status = 204, description = "The account's email is now the new address"),
        (status = 404, description = "`link_invalid`: no such link", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`email_taken`", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "`link_used` or `link_expired`", body = Problem, content_type = "application/problem+json"),
    ),
    security(()),
)]
#[post("/auth/verify-email")]
pub async fn verify_email(
    state: web::Data<Context>,
    client: ClientInfo,
    body: JsonBody<TokenRequest>,
) -> ApiResult<HttpResponse> {
    profile::verify_email(&state, &client, &body.token).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Lift a sign-in lock with the token from the lockout email.
#[utoipa::path(
    tag = "auth",
    request_body = TokenRequest,
    responses(
        (status = 204, description = "Unlocked"),
        (status = 404, description = "`link_invalid`: no such link", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "`link_used` or `link_expired`", body = Problem, content_type = "application/problem+json"),
    ),
    security(()),
)]
#[post("/auth/unlock")]
pub async fn unlock(
    state: web::Data<Context>,
    client: ClientInfo,
    body: JsonBody<TokenRequest>,
) -> ApiResult<HttpResponse> {
    sign_in_flow::unlock(&state, &client, &body.token).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The password policy in force, for forms that check a new password as it is typed.
#[utoipa::path(
    tag = "auth",
    responses((status = 200, description = "The policy", body = PasswordPolicy)),
    security(()),
)]
#[get("/auth/password-policy")]
pub async fn get_password_policy(state: web::Data<Context>) -> ApiResult<web::Json<PasswordPolicy>> {
    Ok(web::Json(password_policy(&state.db).await?))
}
