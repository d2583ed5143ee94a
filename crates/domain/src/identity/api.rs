//! Requests and answers of `/api/v1/auth`, `/api/v1/me`, `/api/v1/invitations` and the
//! password-policy setting, shared by the server and the browser app.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{SessionStage, SystemRole};

/// What the client should do next after a sign-in step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum NextStep {
    /// Give the second factor (see `second_factors`): a code from the authenticator app to
    /// `/auth/mfa`, or a passkey through `/auth/passkey/options` and `/auth/passkey` (or the
    /// recovery code to `/auth/recovery`).
    MfaRequired,
    /// Set up a second factor: an authenticator app (`/me/mfa/totp`, then
    /// `/me/mfa/totp/confirm`) or a passkey (`/me/passkeys/options`, then `/me/passkeys`).
    MfaSetupRequired,
    /// Signed in.
    SignedIn,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignInStep {
    pub next: NextStep,
    /// True after signing in with the recovery code: the code is used up; reset MFA or make a new code.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub recovery_code_used: bool,
    /// With `mfa_required`: the second factors this account has.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub second_factors: Vec<SecondFactor>,
}

impl SignInStep {
    pub fn new(next: NextStep) -> Self {
        Self { next, recovery_code_used: false, second_factors: Vec::new() }
    }
}

/// A kind of second factor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SecondFactor {
    /// A code from an authenticator app.
    Totp,
    /// A passkey or security key.
    Passkey,
}

/// `POST /auth/sign-in`: the email or the user name, and the password.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SignInRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "openapi",
        schema(
            pattern = "^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(localhost|([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)$",
            max_length = 254
        )
    )]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_name: Option<String>,
    pub password: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CodeRequest {
    /// Six digits from the authenticator app.
    #[cfg_attr(feature = "openapi", schema(example = "123456"))]
    pub code: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RecoveryRequest {
    pub recovery_code: String,
}

/// A token from an emailed link (invitation, enrolment, verification, unlock, reset).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    pub token: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ForgotPasswordRequest {
    #[cfg_attr(
        feature = "openapi",
        schema(
            pattern = "^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(localhost|([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)$",
            max_length = 254
        )
    )]
    pub email: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ResetPasswordRequest {
    pub token: String,
    pub new_password: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    pub current_password: String,
    pub new_password: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ChangeEmailRequest {
    #[cfg_attr(
        feature = "openapi",
        schema(
            pattern = "^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(localhost|([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)$",
            max_length = 254
        )
    )]
    pub email: String,
    /// The account's current password (a stolen session alone cannot move the account away).
    pub password: String,
}

/// `POST /me/mfa/recovery-code`: a current second factor confirms the new recovery code: a code
/// from the authenticator app, or (an account with passkeys only) a passkey's answer to
/// `POST /me/passkeys/challenge`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewRecoveryCodeRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(example = "123456"))]
    pub code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub passkey: Option<serde_json::Value>,
}

/// Resetting MFA asks for the password and a current second factor (a code from the app, or an
/// answer of a passkey); a session that signed in with the recovery code (the lost phone) needs
/// the password only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ResetMfaRequest {
    pub password: String,
    /// A code from the authenticator app, not used before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Or the answer of one of the account's passkeys to `POST /me/passkeys/challenge` (its
    /// `toJSON()`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub passkey: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateProfileRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
}

/// `POST /invitations/register`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    pub token: String,
    pub password: String,
    #[serde(default)]
    pub first_name: String,
    #[serde(default)]
    pub last_name: String,
}

/// What an invitation link leads to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InvitationSummary {
    /// The invited address.
    pub email: String,
    /// An account with this email exists and can sign in: accept instead of registering.
    pub account_exists: bool,
    /// The project the invitation is for (none for a platform account invitation).
    pub project: Option<InvitedProject>,
    /// The project role offered (none for a platform account invitation).
    pub role: Option<String>,
    /// The platform role of a platform account invitation.
    pub system_role: Option<SystemRole>,
    /// Who sent it.
    pub inviter: Option<String>,
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InvitedProject {
    pub guid: Uuid,
    pub name: String,
}

/// `GET /me/invitations`: a pending invitation addressed to the caller's email, waiting for
/// Accept or Decline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PendingInvitation {
    pub id: Uuid,
    pub project: InvitedProject,
    pub role: crate::projects::ProjectRole,
    /// Who sent it (none when that account is gone).
    pub inviter: Option<String>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// `POST /me/mfa/totp`: what to put into the authenticator app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TotpEnrolment {
    /// Base32 secret to type in by hand.
    pub secret: String,
    /// `otpauth://totp/...` URI (what the QR code holds).
    pub otpauth_uri: String,
    /// The QR code as a base64 PNG.
    pub qr_png_base64: String,
}

/// A new recovery code, shown once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecoveryCode {
    pub recovery_code: String,
}

/// `GET /me`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Me {
    pub id: Uuid,
    pub user_name: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub system_role: SystemRole,
    /// Stage of the session making this call.
    pub stage: SessionStage,
    /// An authenticator app is set up.
    pub mfa_enrolled: bool,
    /// How many passkeys the account has.
    #[serde(default)]
    pub passkeys: u32,
    /// This session was opened with the recovery code.
    pub recovery_code_used: bool,
    /// An email change waiting for its verification link.
    pub pending_email: Option<String>,
    /// The caller's projects, for the project selector.
    pub projects: Vec<crate::projects::api::ProjectSummary>,
    /// Subscribed to maintenance announcements by email.
    pub maintenance_announcements: bool,
    /// A maintenance window within the next 7 days or in progress, for the banner.
    pub maintenance: Option<crate::maintenance::MaintenanceBanner>,
}

/// One of the caller's sessions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionInfo {
    pub id: Uuid,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// How it signed in: the factors joined by `+`, e.g. `password+totp`, `password+passkey`,
    /// `passkey` (passwordless), `oidc+totp`, `oidc+provider_mfa` (the provider's MFA trusted),
    /// `invitation+totp`. None for sessions older than this field.
    pub sign_in_method: Option<String>,
    /// The identity provider it signed in through (single sign-on).
    pub sign_in_provider: Option<String>,
    /// The session making this call.
    pub current: bool,
}
