//! `/api/v1/me`: the signed-in account's profile, credentials and sessions.

use actix_web::{HttpResponse, delete, get, patch, post, put, web};
use portico_domain::identity::api::{
    ChangeEmailRequest, ChangePasswordRequest, CodeRequest, Me, NewRecoveryCodeRequest, RecoveryCode, ResetMfaRequest,
    SessionInfo, TotpEnrolment, UpdateProfileRequest,
};
use portico_domain::problem::Problem;
use uuid::Uuid;

use crate::auth::session::{Enrolling, ProfileReader, SignedIn, removal_cookie};
use crate::context::Context;
use crate::error::ApiResult;
use crate::http::client::ClientInfo;
use crate::http::json::JsonBody;
use crate::usecases::{mfa, passwords, profile, sessions};

/// The caller's profile (also readable while setting up the authenticator).
#[utoipa::path(
    tag = "me",
    responses(
        (status = 200, description = "Profile", body = Me),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = [])),
)]
#[get("/me")]
pub async fn get_me(state: web::Data<Context>, ProfileReader(current): ProfileReader) -> ApiResult<web::Json<Me>> {
    Ok(web::Json(profile::me(&state, &current).await?))
}

/// Change first and last name.
#[utoipa::path(
    tag = "me",
    request_body = UpdateProfileRequest,
    responses(
        (status = 200, description = "Updated profile", body = Me),
        (status = 422, description = "A name is too long", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = [])),
)]
#[patch("/me")]
pub async fn update_me(
    state: web::Data<Context>,
    client: ClientInfo,
    SignedIn(current): SignedIn,
    body: JsonBody<UpdateProfileRequest>,
) -> ApiResult<web::Json<Me>> {
    Ok(web::Json(profile::update(&state, &client, &current, body.into_inner()).await?))
}

/// Change the email address, with the current password: a verification link goes to the new
/// address (the change applies when it is followed), a notice to the old one. Rate limited per
/// account and per client address.
#[utoipa::path(
    tag = "me",
    request_body = ChangeEmailRequest,
    responses(
        (status = 202, description = "Accepted: a verification link goes to the new address (or, when another account has it, a notice without a link)"),
        (status = 403, description = "`wrong_password`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not an email address", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`locked_out` or too many requests", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = [])),
)]
#[put("/me/email")]
pub async fn change_email(
    state: web::Data<Context>,
    client: ClientInfo,
    SignedIn(current): SignedIn,
    body: JsonBody<ChangeEmailRequest>,
) -> ApiResult<HttpResponse> {
    profile::request_email_change(&state, &client, &current, &body).await?;
    Ok(HttpResponse::Accepted().finish())
}

/// Change the password; the other sessions end and a notice is emailed.
#[utoipa::path(
    tag = "me",
    request_body = ChangePasswordRequest,
    responses(
        (status = 204, description = "Changed"),
        (status = 422, description = "Wrong current password (`wrong_password`) or a new one that breaks the policy", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many wrong passwords", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = [])),
)]
#[put("/me/password")]
pub async fn change_password(
    state: web::Data<Context>,
    client: ClientInfo,
    SignedIn(current): SignedIn,
    body: JsonBody<ChangePasswordRequest>,
) -> ApiResult<HttpResponse> {
    passwords::change(&state, &client, &current, &body.current_password, &body.new_password).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Start setting up an authenticator app (enrolment stage only).
#[utoipa::path(
    tag = "me",
    responses(
        (status = 200, description = "Secret, otpauth URI and QR code", body = TotpEnrolment),
        (status = 409, description = "`mfa_already_enrolled`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = [])),
)]
#[post("/me/mfa/totp")]
pub async fn start_totp(
    state: web::Data<Context>,
    Enrolling(current): Enrolling,
) -> ApiResult<web::Json<TotpEnrolment>> {
    Ok(web::Json(mfa::start_enrolment(&state, &current).await?))
}

/// Confirm the authenticator with its first code: answers the recovery code (shown once)
/// and completes sign-in with a new session id.
#[utoipa::path(
    tag = "me",
    request_body = CodeRequest,
    responses(
        (status = 200, description = "The recovery code; store it safely", body = RecoveryCode),
        (status = 401, description = "`invalid_code`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`mfa_enrolment_not_started`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = [])),
)]
#[post("/me/mfa/totp/confirm")]
pub async fn confirm_totp(
    state: web::Data<Context>,
    client: ClientInfo,
    Enrolling(current): Enrolling,
    body: JsonBody<CodeRequest>,
) -> ApiResult<HttpResponse> {
    let (recovery_code, issued) = mfa::confirm_enrolment(&state, &client, &current, &body.code).await?;
    Ok(HttpResponse::Ok().cookie(issued.cookie(&state.sessions)).json(recovery_code))
}

/// A new recovery code for a current second factor: an authenticator `code`, or (an account with
/// passkeys only) a `passkey` answer to `POST /me/passkeys/challenge`; the old recovery code dies.
#[utoipa::path(
    tag = "me",
    request_body = NewRecoveryCodeRequest,
    responses(
        (status = 200, description = "The new recovery code", body = RecoveryCode),
        (status = 401, description = "`invalid_code`, or a passkey refusal", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`second_factor_required`: neither `code` nor `passkey`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`mfa_not_enrolled`: a `code` from an account without an authenticator app", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = [])),
)]
#[post("/me/mfa/recovery-code")]
pub async fn regenerate_recovery_code(
    state: web::Data<Context>,
    client: ClientInfo,
    SignedIn(current): SignedIn,
    body: JsonBody<NewRecoveryCodeRequest>,
) -> ApiResult<web::Json<RecoveryCode>> {
    Ok(web::Json(mfa::regenerate_recovery_code(&state, &client, &current, body.into_inner()).await?))
}

/// Reset MFA with the password and a current second factor: an authenticator `code`, or a
/// `passkey` answer to `POST /me/passkeys/challenge` (only the password after signing in with
/// the recovery code): the authenticator, the passkeys and the recovery code are removed and
/// every session ends. Signing in within the next hour leads to set-up again; later, only an
/// emailed enrolment link does.
#[utoipa::path(
    tag = "me",
    request_body = ResetMfaRequest,
    responses(
        (status = 204, description = "Removed; signed out everywhere"),
        (status = 401, description = "`invalid_code`, or a passkey refusal (`passkey_challenge_invalid`, `passkey_invalid`, `passkey_counter_invalid`)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`wrong_password` or `second_factor_required`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = [])),
)]
#[delete("/me/mfa")]
pub async fn reset_mfa(
    state: web::Data<Context>,
    client: ClientInfo,
    SignedIn(current): SignedIn,
    body: JsonBody<ResetMfaRequest>,
) -> ApiResult<HttpResponse> {
    mfa::reset_own(&state, &client, &current, &body).await?;
    Ok(HttpResponse::NoContent().cookie(removal_cookie(&state.sessions)).finish())
}

/// The caller's sessions.
#[utoipa::path(
    tag = "me",
    responses((status = 200, description = "Sessions, newest activity first", body = Vec<SessionInfo>)),
    security(("session_cookie" = [])),
)]
#[get("/me/sessions")]
pub async fn list_sessions(
    state: web::Data<Context>,
    SignedIn(current): SignedIn,
) -> ApiResult<web::Json<Vec<SessionInfo>>> {
    Ok(web::Json(sessions::list(&state, &current).await?))
}

/// End one of the caller's sessions.
#[utoipa::path(
    tag = "me",
    params(("id" = Uuid, Path, description = "Session id")),
    responses(
        (status = 204, description = "Ended"),
        (status = 404, description = "`session_not_found`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = [])),
)]
#[delete("/me/sessions/{id}")]
pub async fn end_session(
    state: web::Data<Context>,
    client: ClientInfo,
    SignedIn(current): SignedIn,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    sessions::end(&state, &client, &current, id).await?;
    let response = if id == current.session.id {
        HttpResponse::NoContent().cookie(removal_cookie(&state.sessions)).finish()
    } else {
        HttpResponse::NoContent().finish()
    };
    Ok(response)
}

/// End every session of the caller except this one.
#[utoipa::path(
    tag = "me",
    responses((status = 204, description = "Other sessions ended")),
    security(("session_cookie" = [])),
)]
#[delete("/me/sessions")]
pub async fn end_other_sessions(
    state: web::Data<Context>,
    client: ClientInfo,
    SignedIn(current): SignedIn,
) -> ApiResult<HttpResponse> {
    sessions::end_others(&state, &client, &current).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Subscribe to (or leave) the maintenance announcements by email.
#[utoipa::path(
    tag = "me",
    request_body = portico_domain::maintenance::SubscriptionRequest,
    responses((status = 204, description = "Saved")),
    security(("session_cookie" = [])),
)]
#[put("/me/maintenance-announcements")]
pub async fn maintenance_announcements(
    state: web::Data<Context>,
    client: ClientInfo,
    SignedIn(current): SignedIn,
    body: JsonBody<portico_domain::maintenance::SubscriptionRequest>,
) -> ApiResult<HttpResponse> {
    crate::usecases::maintenance::set_subscription(&state, &client, &current.account, body.subscribed).await?;
    Ok(HttpResponse::NoContent().finish())
}
