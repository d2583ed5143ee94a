//! `/api/v1/admin/users`: platform user administration.

use actix_web::{HttpResponse, post, web};
use portico_domain::problem::Problem;
use portico_store::accounts;
use uuid::Uuid;

use crate::auth::session::Administrator;
use crate::error::{ApiError, ApiResult};
use crate::http::client::ClientInfo;
use crate::state::AppState;
use crate::usecases::mfa;

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
pub async fn reset_mfa(
    state: web::Data<AppState>,
    client: ClientInfo,
    Administrator(current): Administrator,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let target = accounts::find(&state.db, id.into_inner())
        .await?
        .filter(|a| a.builtin.as_deref() != Some(accounts::BUILTIN_PUBLIC) && a.email.is_some())
        .ok_or_else(|| ApiError::not_found("account_not_found", "There is no such account."))?;
    mfa::reset_by_administrator(&state, &client, Some(&current.account), &target).await?;
    Ok(HttpResponse::NoContent().finish())
}
