//! `/api/v1/admin/settings`: platform settings for Administrators.

use actix_web::{get, put, web};
use portico_domain::identity::PasswordPolicy;
use portico_domain::problem::Problem;

use crate::auth::session::Administrator;
use crate::context::Context;
use crate::error::ApiResult;
use crate::http::client::ClientInfo;
use crate::http::json::JsonBody;
use crate::usecases::{password_policy, passwords};

/// The password policy every new password must meet.
#[utoipa::path(
    tag = "admin",
    responses(
        (status = 200, description = "The policy", body = PasswordPolicy),
        (status = 403, description = "`administrator_required`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = [])),
)]
#[get("/admin/settings/password-policy")]
pub async fn get_admin_password_policy(
    state: web::Data<Context>,
    _administrator: Administrator,
) -> ApiResult<web::Json<PasswordPolicy>> {
    Ok(web::Json(password_policy(&state.db).await?))
}

/// Replace the password policy. With `preset` `xperience` or `nist` the preset's rules apply
/// (plus `forbidden_passwords`); with `custom` the rules sent apply. The 10,000 most common
/// passwords are refused under every policy.
#[utoipa::path(
    tag = "admin",
    request_body = PasswordPolicy,
    responses(
        (status = 200, description = "The policy now in force", body = PasswordPolicy),
        (status = 403, description = "`administrator_required`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Rules that make no sense", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = [])),
)]
#[put("/admin/settings/password-policy")]
pub async fn put_password_policy(
    state: web::Data<Context>,
    client: ClientInfo,
    Administrator(current): Administrator,
    body: JsonBody<PasswordPolicy>,
) -> ApiResult<web::Json<PasswordPolicy>> {
    Ok(web::Json(passwords::set_policy(&state, &client, &current.account, body.into_inner()).await?))
}
