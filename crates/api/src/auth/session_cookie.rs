//! Session cookies as they are made: the settings (cookie name, key, lifetimes), the row and
//! cookie of a new session, and the cookie that ends one. The extractors that read them back are
//! in `session`.

use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use chrono::{DateTime, Duration, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header};
use portico_domain::identity::SessionStage;
use portico_store::entities::session;
use portico_store::sessions::{self, NewSession};
use sea_orm::ConnectionTrait;
use serde::{Deserialize, Serialize};

use super::secrets;
use crate::config::Settings;
use crate::keys::{MasterKey, Purpose};

/// How long the password step lasts before the second factor must follow.
pub const PRE_AUTH_LIFETIME: Duration = Duration::minutes(5);

pub struct SessionSettings {
    jwt_encoding: EncodingKey,
    pub(super) jwt_decoding: DecodingKey,
    pub cookie_name: &'static str,
    secure: bool,
    pub idle: Duration,
    pub max: Duration,
}

impl SessionSettings {
    pub fn new(settings: &Settings, master_key: &MasterKey) -> Self {
        let key = master_key.derive(Purpose::SessionJwt);
        let secure = settings.is_https();
        Self {
            jwt_encoding: EncodingKey::from_secret(&key),
            jwt_decoding: DecodingKey::from_secret(&key),
            // The __Host- prefix pins the cookie to this host, path / and https.
            cookie_name: if secure { "__Host-portico_session" } else { "portico_session" },
            secure,
            idle: Duration::from_std(settings.session_idle.0).unwrap_or(Duration::minutes(30)),
            max: Duration::from_std(settings.session_max.0).unwrap_or(Duration::hours(12)),
        }
    }

    /// When a new session of `stage` ends at the latest.
    pub fn lifetime(&self, stage: SessionStage) -> Duration {
        match stage {
            SessionStage::PreAuth => PRE_AUTH_LIFETIME,
            SessionStage::Enrolment => self.idle,
            SessionStage::SignedIn => self.max,
        }
    }
}

#[derive(Debug, Serialize, Deserialize)]
pub(super) struct Claims {
    /// The session secret.
    pub sid: String,
    pub stg: String,
    pub exp: i64,
    pub iat: i64,
}

/// A session just created: the secret goes into the cookie and nowhere else.
pub struct IssuedSession {
    secret: String,
    pub row: session::Model,
    stage: SessionStage,
}

impl IssuedSession {
    pub fn cookie(&self, config: &SessionSettings) -> Cookie<'static> {
        let claims = Claims {
            sid: self.secret.clone(),
            stg: self.stage.as_str().to_owned(),
            exp: self.row.expires_at.timestamp(),
            iat: self.row.created_at.timestamp(),
        };
        let jwt = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &config.jwt_encoding)
            .expect("HS256 signing works");
        let max_age = (self.row.expires_at - self.row.created_at).num_seconds().max(0);
        base_cookie(config, jwt).max_age(CookieDuration::seconds(max_age)).finish()
    }
}

fn base_cookie(config: &SessionSettings, value: String) -> actix_web::cookie::CookieBuilder<'static> {
    Cookie::build(config.cookie_name, value).path("/").http_only(true).secure(config.secure).same_site(SameSite::Strict)
}

/// A cookie that makes the browser forget the session.
pub fn removal_cookie(config: &SessionSettings) -> Cookie<'static> {
    let mut cookie = base_cookie(config, String::new()).finish();
    cookie.make_removal();
    cookie
}

/// The name of a short-lived cookie of a sign-in under way (`__Host-` prefixed over https, like
/// the session's).
pub fn flow_cookie_name(config: &SessionSettings, base: &str) -> String {
    if config.secure { format!("__Host-{base}") } else { base.to_owned() }
}

/// A short-lived cookie carrying the id of a sign-in under way: a passwordless ceremony
/// (`SameSite=Strict`), or a single sign-on round trip, which comes back from the provider as a
/// cross-site navigation and so needs `SameSite=Lax`.
pub fn flow_cookie(
    config: &SessionSettings,
    base: &str,
    value: String,
    lifetime: Duration,
    same_site: SameSite,
) -> Cookie<'static> {
    Cookie::build(flow_cookie_name(config, base), value)
        .path("/")
        .http_only(true)
        .secure(config.secure)
        .same_site(same_site)
        .max_age(CookieDuration::seconds(lifetime.num_seconds()))
        .finish()
}

/// Makes the browser forget a flow cookie.
pub fn flow_cookie_removal(config: &SessionSettings, base: &str) -> Cookie<'static> {
    let mut cookie =
        Cookie::build(flow_cookie_name(config, base), "").path("/").http_only(true).secure(config.secure).finish();
    cookie.make_removal();
    cookie
}

/// How a session signed in: the factors so far, joined by `+` (`password`, then
/// `password+totp`), and the identity provider for single sign-on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HowSignedIn {
    pub method: String,
    pub provider: Option<String>,
    pub recovery_code_used: bool,
}

impl HowSignedIn {
    /// The first factor of a sign-in (`password`, `passkey`, `oidc`, `invitation`...).
    pub fn first(method: &str) -> Self {
        Self { method: method.to_owned(), provider: None, recovery_code_used: false }
    }

    /// The session `earlier` (a pre-auth or set-up one) completed with `second`.
    pub fn then(earlier: &session::Model, second: &str) -> Self {
        let first = earlier.sign_in_method.as_deref().unwrap_or("password");
        Self {
            method: format!("{first}+{second}"),
            provider: earlier.sign_in_provider.clone(),
            recovery_code_used: second == "recovery_code",
        }
    }
}

/// Where a session was started from (shown in the account's session list).
pub struct SessionOrigin {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

/// Creates a session row for `account` at `stage`.
pub async fn issue(
    db: &impl ConnectionTrait,
    config: &SessionSettings,
    account_id: uuid::Uuid,
    stage: SessionStage,
    how: HowSignedIn,
    origin: SessionOrigin,
    now: DateTime<Utc>,
) -> Result<IssuedSession, crate::usecases::errors::Failure> {
    let secret = secrets::new_token();
    let row = sessions::insert(
        db,
        NewSession {
            secret_hash: secrets::hash(&secret),
            account_id,
            stage,
            recovery_code_used: how.recovery_code_used,
            expires_at: now + config.lifetime(stage),
            ip: origin.ip,
            user_agent: origin.user_agent,
            sign_in_method: how.method,
            sign_in_provider: how.provider,
        },
        now,
    )
    .await?;
    Ok(IssuedSession { secret, row, stage })
}
