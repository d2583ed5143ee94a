//! Accounts and credentials: the rules for names, emails, passwords and one-time codes, and
//! the requests and answers of the sign-in API.

pub mod api;
pub mod email;
pub mod passkeys;
pub mod password_policy;
pub mod sso;
pub mod totp;
pub mod user_name;

pub use email::Email;
pub use password_policy::{PasswordPolicy, PolicyPreset};
pub use user_name::UserName;

use serde::{Deserialize, Serialize};

/// Platform-wide role of an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "db", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "db", sea_orm(rs_type = "String", db_type = "Text", rename_all = "snake_case"))]
pub enum SystemRole {
    Administrator,
    User,
}

impl SystemRole {
    pub fn as_str(self) -> &'static str {
        match self {
            SystemRole::Administrator => "administrator",
            SystemRole::User => "user",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "administrator" => Some(SystemRole::Administrator),
            "user" => Some(SystemRole::User),
            _ => None,
        }
    }
}

/// How far a session has come through sign-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "db", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "db", sea_orm(rs_type = "String", db_type = "Text", rename_all = "snake_case"))]
pub enum SessionStage {
    /// Password accepted; only the second factor (`/auth/mfa`, `/auth/recovery`) is accepted.
    PreAuth,
    /// Must set up an authenticator; only `/me` (read), `/me/mfa/totp*` and sign-out work.
    Enrolment,
    /// Fully signed in.
    SignedIn,
}

impl SessionStage {
    pub fn as_str(self) -> &'static str {
        match self {
            SessionStage::PreAuth => "pre_auth",
            SessionStage::Enrolment => "enrolment",
            SessionStage::SignedIn => "signed_in",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "pre_auth" => Some(SessionStage::PreAuth),
            "enrolment" => Some(SessionStage::Enrolment),
            "signed_in" => Some(SessionStage::SignedIn),
            _ => None,
        }
    }
}

/// The longest first or last name.
pub const MAX_NAME_CHARS: usize = 100;

/// Trims a first or last name and checks its length.
pub fn parse_person_name(text: &str) -> Result<String, String> {
    let trimmed = text.trim();
    if trimmed.chars().count() > MAX_NAME_CHARS {
        return Err(format!("must be at most {MAX_NAME_CHARS} characters"));
    }
    if trimmed.chars().any(char::is_control) {
        return Err("must not contain control characters".into());
    }
    Ok(trimmed.to_owned())
}
