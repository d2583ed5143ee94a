//! `/api/v1/auth/passkey`: signing in with a passkey, as the second factor or passwordless.

use actix_web::cookie::SameSite;
use actix_web::{HttpRequest, HttpResponse, post, web};
use portico_domain::identity::SessionStage;
use portico_domain::identity::api::SignInStep;
use portico_domain::identity::passkeys::{PasskeyAssertion, PasskeyOptions};
use portico_domain::problem::Problem;

use crate::auth::session::AnySession;
use crate::auth::session_cookie::{flow_cookie, flow_cookie_name, flow_cookie_removal};
use crate::auth::webauthn::CEREMONY_LIFETIME;
use crate::context::Context;
use crate::error::{ApiError, ApiResult};
use crate::http::client::ClientInfo;
use crate::http::json::JsonBody;
use crate::routes::auth::step_response;
use crate::usecases::passkey_sign_in as flow;

/// The cookie holding a passwordless ceremony's id (there is no session yet to bind it to).
const CEREMONY_COOKIE: &str = "portico_passkey";

/// The caller's session for a passkey step: a pre-auth one, or none at all (passwordless).
fn pre_auth_or_none(session: Option<AnySession>) -> ApiResult<Option<crate::auth::session::CurrentSession>> {
    match session {
        None => Ok(None),
        Some(AnySession(current)) => match current.stage {
            SessionStage::PreAuth => Ok(Some(current)),
            SessionStage::SignedIn => Err(ApiError::conflict("already_signed_in", "You are already signed in.")),
            SessionStage::Enrolment => Err(ApiError::forbidden(
                "mfa_setup_required",
                "Set up a second factor first (POST /api/v1/me/passkeys/options or /api/v1/me/mfa/totp).",
            )),
        },
    }
}

/// Request options for `navigator.credentials.get()`. After the password step (a pre-auth
/// session): only that account's passkeys. With no session: any discoverable passkey of this
/// site (passwordless), the ceremony kept in a 5-minute cookie.
#[utoipa::path(
    tag = "auth",
    responses(
        (status = 200, description = "`{\"publicKey\": ...}` request options", body = PasskeyOptions),
        (status = 409, description = "`no_passkey`, `already_signed_in` or `passkeys_unavailable`", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Rate limited", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("session_cookie" = [])),
)]
#[post("/auth/passkey/options")]
pub async fn passkey_sign_in_options(
    state: web::Data<Context>,
    client: ClientInfo,
    session: Option<AnySession>,
) -> ApiResult<HttpResponse> {
    let current = pre_auth_or_none(session)?;
    let (options, ceremony) = flow::start(&state, &client, current.as_ref()).await?;
    let mut response = HttpResponse::Ok();
    if let Some(ceremony) = ceremony {
        let lifetime = chrono::Duration::from_std(CEREMONY_LIFETIME).expect("five minutes");
        response.cookie(flow_cookie(
            &state.sessions,
            CEREMONY_COOKIE,
            ceremony.to_string(),
            lifetime,
            SameSite::Strict,
        ));
    }
    Ok(response.json(options))
}

/// Answer the challenge with the assertion `navigator.credentials.get()` made (send its
/// `toJSON()` as `credential`): signed in, with a new session id. The challenge works once.
#[utoipa::path(
    tag = "auth",
    request_body = PasskeyAssertion,
    responses(
        (status = 200, description = "Signed in (a new session id)", body = SignInStep),
        (status = 401, description = "`passkey_challenge_invalid`, `passkey_not_registered`, `passkey_invalid` or `passkey_counter_invalid`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a WebAuthn assertion", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failures; see Retry-After", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("session_cookie" = [])),
)]
#[post("/auth/passkey")]
pub async fn passkey_sign_in(
    state: web::Data<Context>,
    client: ClientInfo,
    request: HttpRequest,
    session: Option<AnySession>,
    body: JsonBody<PasskeyAssertion>,
) -> ApiResult<HttpResponse> {
    let (step, issued) = match pre_auth_or_none(session)? {
        Some(current) => flow::second_factor(&state, &client, current, body.into_inner()).await?,
        None => {
            let ceremony = request
                .cookie(&flow_cookie_name(&state.sessions, CEREMONY_COOKIE))
                .and_then(|cookie| cookie.value().parse().ok());
            flow::passwordless(&state, &client, ceremony, body.into_inner()).await?
        }
    };
    let mut response = step_response(&state, step, &issued);
    response.add_cookie(&flow_cookie_removal(&state.sessions, CEREMONY_COOKIE)).map_err(ApiError::internal)?;
    Ok(response)
}
