//! `/api/v1/me/passkeys`: the caller's passkeys and security keys.

use actix_web::{HttpResponse, delete, get, patch, post, web};
use portico_domain::identity::passkeys::{
    AddedPasskey, CreatePasskeyRequest, PasskeyInfo, PasskeyOptions, PasskeyOptionsRequest, RenamePasskeyRequest,
};
use portico_domain::problem::Problem;
use uuid::Uuid;

use crate::auth::session::{ProfileReader, SignedIn};
use crate::context::Context;
use crate::error::{ApiError, ApiResult};
use crate::http::client::ClientInfo;
use crate::http::json::JsonBody;
use crate::usecases::passkeys;

/// Creation options for a new passkey, to hand to `navigator.credentials.create()`. A signed-in
/// account sends its `password`; during MFA set-up (an enrolment session) none is needed. The
/// challenge is good for one answer within 5 minutes.
#[utoipa::path(
    tag = "me",
    request_body = PasskeyOptionsRequest,
    responses(
        (status = 200, description = "`{\"publicKey\": ...}` creation options", body = PasskeyOptions),
        (status = 403, description = "`password_required` or `wrong_password`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`passkeys_unavailable`: the public URL is an IP address", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = [])),
)]
#[post("/me/passkeys/options")]
pub async fn passkey_options(
    state: web::Data<Context>,
    ProfileReader(current): ProfileReader,
    body: JsonBody<PasskeyOptionsRequest>,
) -> ApiResult<web::Json<PasskeyOptions>> {
    Ok(web::Json(passkeys::start_registration(&state, &current, &body).await?))
}

/// Add the passkey `navigator.credentials.create()` made (send its `toJSON()` as `credential`)
/// under a `name`. During MFA set-up this is the first second factor: the answer carries the
/// recovery code (shown once) and a new, signed-in session cookie.
#[utoipa::path(
    tag = "me",
    request_body = CreatePasskeyRequest,
    responses(
        (status = 201, description = "Added", body = AddedPasskey),
        (status = 409, description = "`passkey_challenge_invalid` (unknown, used or expired: ask for options again) or `passkey_already_registered`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`passkey_invalid`, or a bad `name` or `credential`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = [])),
)]
#[post("/me/passkeys")]
pub async fn add_passkey(
    state: web::Data<Context>,
    client: ClientInfo,
    ProfileReader(current): ProfileReader,
    body: JsonBody<CreatePasskeyRequest>,
) -> ApiResult<HttpResponse> {
    let (added, issued) = passkeys::finish_registration(&state, &client, &current, body.into_inner()).await?;
    let mut response = HttpResponse::Created();
    if let Some(issued) = &issued {
        response.cookie(issued.cookie(&state.sessions));
    }
    Ok(response.json(added))
}

/// A challenge for one of the caller's passkeys, whose answer (`passkey` in `DELETE /me/mfa`)
/// confirms an MFA reset instead of an authenticator code. Good for one answer within 5 minutes.
#[utoipa::path(
    tag = "me",
    responses(
        (status = 200, description = "`{\"publicKey\": ...}` request options", body = PasskeyOptions),
        (status = 409, description = "`no_passkey` or `passkeys_unavailable`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = [])),
)]
#[post("/me/passkeys/challenge")]
pub async fn passkey_challenge(
    state: web::Data<Context>,
    SignedIn(current): SignedIn,
) -> ApiResult<web::Json<PasskeyOptions>> {
    Ok(web::Json(passkeys::confirmation_challenge(&state, &current).await?))
}

/// The caller's passkeys.
#[utoipa::path(
    tag = "me",
    responses((status = 200, description = "Passkeys, oldest first", body = Vec<PasskeyInfo>)),
    security(("session_cookie" = [])),
)]
#[get("/me/passkeys")]
pub async fn list_passkeys(
    state: web::Data<Context>,
    SignedIn(current): SignedIn,
) -> ApiResult<web::Json<Vec<PasskeyInfo>>> {
    Ok(web::Json(passkeys::list(&state, &current).await?))
}

/// The passkey id in the path, taken before the body and the session are. `options` and
/// `challenge` are the POST-only siblings `/me/passkeys/options` and `/me/passkeys/challenge`, not
/// ids: a PATCH or DELETE there is 405 (Allow: POST); anything else that is no UUID is 404.
pub struct PasskeyId(Uuid);

impl actix_web::FromRequest for PasskeyId {
    type Error = actix_web::Error;
    type Future = std::future::Ready<Result<Self, Self::Error>>;

    fn from_request(request: &actix_web::HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let segment = request.match_info().get("id").unwrap_or_default();
        std::future::ready(if segment == "options" || segment == "challenge" {
            let refusal = crate::spa::method_not_allowed("POST", "This address does not take that method");
            Err(actix_web::error::InternalError::from_response("method not allowed", refusal).into())
        } else {
            segment
                .parse()
                .map(PasskeyId)
                .map_err(|_| ApiError::not_found("passkey_not_found", "You have no passkey with this id.").into())
        })
    }
}

/// Rename a passkey.
#[utoipa::path(
    tag = "me",
    params(("id" = Uuid, Path, description = "Passkey id")),
    request_body = RenamePasskeyRequest,
    responses(
        (status = 200, description = "Renamed", body = PasskeyInfo),
        (status = 404, description = "`passkey_not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A bad `name`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = [])),
)]
#[patch("/me/passkeys/{id}")]
pub async fn rename_passkey(
    PasskeyId(id): PasskeyId,
    state: web::Data<Context>,
    client: ClientInfo,
    SignedIn(current): SignedIn,
    body: JsonBody<RenamePasskeyRequest>,
) -> ApiResult<web::Json<PasskeyInfo>> {
    Ok(web::Json(passkeys::rename(&state, &client, &current, id, &body.name).await?))
}

/// Remove a passkey. The last second factor cannot go (reset MFA to start over).
#[utoipa::path(
    tag = "me",
    params(("id" = Uuid, Path, description = "Passkey id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 404, description = "`passkey_not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`last_second_factor`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("session_cookie" = [])),
)]
#[delete("/me/passkeys/{id}")]
pub async fn remove_passkey(
    PasskeyId(id): PasskeyId,
    state: web::Data<Context>,
    client: ClientInfo,
    SignedIn(current): SignedIn,
) -> ApiResult<HttpResponse> {
    passkeys::remove(&state, &client, &current, id).await?;
    Ok(HttpResponse::NoContent().finish())
}
