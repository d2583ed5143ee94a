//! Session cookies and the extractors that turn them into the signed-in caller.
//!
//! The cookie holds a JWT (HS256 under a key derived for this purpose) carrying the session
//! secret, the stage and the expiry. Every request also loads the session row (found by the
//! secret's SHA-256), so ending a session takes effect at once. Each stage opens a different
//! set of endpoints; the extractor a handler takes says which.

use portico_domain::identity::SystemRole;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use actix_web::{FromRequest, HttpRequest, web};
use chrono::Duration;
use jsonwebtoken::{Algorithm, Validation};
use portico_domain::identity::SessionStage;
use portico_store::entities::{account, session};
use portico_store::sessions::{self};

use super::secrets;
use crate::cache::CacheKey;
use crate::context::Context;
use crate::error::{ApiError, ApiResult};

use super::session_cookie::Claims;
pub use super::session_cookie::{
    HowSignedIn, IssuedSession, PRE_AUTH_LIFETIME, SessionSettings, issue, removal_cookie,
};

/// Last-seen is written at most this often, so reads cost no write.
const TOUCH_EVERY: Duration = Duration::seconds(60);

/// The caller's session and account, checked against the database.
#[derive(Debug, Clone)]
pub struct CurrentSession {
    pub session: Arc<session::Model>,
    pub account: Arc<account::Model>,
    pub stage: SessionStage,
}

fn unauthenticated(detail: &str) -> ApiError {
    ApiError::unauthorized("unauthenticated", detail.to_owned())
}

/// A session cookie checked once (signature, then the session row it names), kept in the read
/// cache under the SHA-256 of the cookie so later requests skip the JWT work.
struct CheckedCookie {
    stage_claim: String,
    expires: i64,
    session: Arc<session::Model>,
    account: Arc<account::Model>,
}

async fn load(request: &HttpRequest) -> ApiResult<CurrentSession> {
    let state = request.app_data::<web::Data<Context>>().expect("Context is registered");
    let config = &state.sessions;
    let Some(cookie) = request.cookie(config.cookie_name) else {
        return Err(unauthenticated("Sign in first."));
    };
    let key = CacheKey::Session(secrets::hash(cookie.value()));
    let checked = state
        .cache
        .get_or_load(key.clone(), || async {
            let mut validation = Validation::new(Algorithm::HS256);
            // The expiry is checked below against the context's clock on every request.
            validation.validate_exp = false;
            validation.required_spec_claims.clear();
            validation.leeway = 0;
            let claims = jsonwebtoken::decode::<Claims>(cookie.value(), &config.jwt_decoding, &validation)
                .map_err(|_| unauthenticated("Your session has ended. Sign in again."))?
                .claims;
            let (session, account) = sessions::find_with_account(&state.db, &secrets::hash(&claims.sid))
                .await?
                .ok_or_else(|| unauthenticated("Your session has ended. Sign in again."))?;
            Ok::<_, ApiError>(CheckedCookie {
                stage_claim: claims.stg,
                expires: claims.exp,
                session: Arc::new(session),
                account: Arc::new(account),
            })
        })
        .await?;
    let now = state.now();
    if checked.expires < now.timestamp() {
        return Err(unauthenticated("Your session has ended. Sign in again."));
    }
    let (session, account) = (Arc::clone(&checked.session), Arc::clone(&checked.account));
    let stage = session.stage;
    let idle_expired = stage == SessionStage::SignedIn && session.last_seen_at + config.idle <= now;
    if session.expires_at <= now || idle_expired || checked.stage_claim != session.stage.as_str() {
        sessions::delete(&state.db, session.id).await?;
        state.cache.invalidate();
        return Err(unauthenticated("Your session has expired. Sign in again."));
    }
    if !account.enabled {
        sessions::delete_for_account(&state.db, account.id, None).await?;
        state.cache.invalidate();
        return Err(unauthenticated("Your session has ended. Sign in again."));
    }
    if now - session.last_seen_at >= TOUCH_EVERY {
        sessions::touch(&state.db, session.id, now).await?;
        state.cache.forget::<CheckedCookie>(key);
    }
    Ok(CurrentSession { session, account, stage })
}

type Extracted<T> = Pin<Box<dyn Future<Output = Result<T, actix_web::Error>>>>;

fn mfa_required() -> ApiError {
    ApiError::unauthorized("mfa_required", "Enter the code from your authenticator app first (POST /api/v1/auth/mfa).")
}

fn mfa_setup_required() -> ApiError {
    ApiError::forbidden(
        "mfa_setup_required",
        "Set up your authenticator app first (POST /api/v1/me/mfa/totp, then /api/v1/me/mfa/totp/confirm).",
    )
}

macro_rules! session_extractor {
    ($(#[$doc:meta])* $name:ident, |$current:ident| $check:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone)]
        pub struct $name(pub CurrentSession);

        impl FromRequest for $name {
            type Error = actix_web::Error;
            type Future = Extracted<Self>;

            fn from_request(request: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
                let request = request.clone();
                Box::pin(async move {
                    let $current = load(&request).await?;
                    let checked: ApiResult<CurrentSession> = $check;
                    Ok($name(checked?))
                })
            }
        }
    };
}

session_extractor!(
    /// A fully signed-in session (password and second factor).
    SignedIn,
    |current| match current.stage {
        SessionStage::SignedIn => Ok(current),
        SessionStage::PreAuth => Err(mfa_required()),
        SessionStage::Enrolment => Err(mfa_setup_required()),
    }
);

session_extractor!(
    /// A session that may read its own profile: signed in, or setting up an authenticator.
    ProfileReader,
    |current| match current.stage {
        SessionStage::SignedIn | SessionStage::Enrolment => Ok(current),
        SessionStage::PreAuth => Err(mfa_required()),
    }
);

session_extractor!(
    /// A session setting up its authenticator.
    Enrolling,
    |current| match current.stage {
        SessionStage::Enrolment => Ok(current),
        SessionStage::PreAuth => Err(mfa_required()),
        SessionStage::SignedIn => Err(ApiError::conflict(
            "mfa_already_enrolled",
            "An authenticator app is already set up. To replace it, reset MFA first.",
        )),
    }
);

session_extractor!(
    /// A session that passed the password step and must now give the second factor.
    PreAuth,
    |current| match current.stage {
        SessionStage::PreAuth => Ok(current),
        SessionStage::Enrolment => Err(mfa_setup_required()),
        SessionStage::SignedIn => Err(ApiError::conflict("already_signed_in", "You are already signed in.")),
    }
);

session_extractor!(
    /// Any live session (for signing out).
    AnySession,
    |current| Ok(current)
);

session_extractor!(
    /// A signed-in account with the system role Administrator.
    Administrator,
    |current| match current.stage {
        SessionStage::SignedIn if current.account.system_role == SystemRole::Administrator => Ok(current),
        SessionStage::SignedIn => Err(ApiError::forbidden(
            "administrator_required",
            "Only an Administrator may do this.",
        )),
        SessionStage::PreAuth => Err(mfa_required()),
        SessionStage::Enrolment => Err(mfa_setup_required()),
    }
);
