//! `/api/v1/auth`: the sign-in steps, signing out, the emailed links (set-up, email
//! confirmation, unlock, password reset) and the password policy in force.

use portico_domain::identity::PasswordPolicy;
use portico_domain::identity::api::{
    CodeRequest, ForgotPasswordRequest, RecoveryRequest, ResetPasswordRequest, SignInRequest, SignInStep, TokenRequest,
};

use portico_domain::identity::passkeys::{PasskeyAssertion, PasskeyOptions};
use portico_domain::identity::sso::SsoProviderSummary;

use super::{Call, done, get, json, post, post_empty};

/// The rules every new password must meet (for the live checklist).
pub fn password_policy() -> Call<PasswordPolicy> {
    json(get("/api/v1/auth/password-policy"))
}

/// The first step: identifier and password; the answer says what comes next.
pub fn sign_in(request: &SignInRequest) -> Call<SignInStep> {
    json(post("/api/v1/auth/sign-in", request))
}

/// The second step with a code from the authenticator app.
pub fn sign_in_with_code(request: &CodeRequest) -> Call<SignInStep> {
    json(post("/api/v1/auth/mfa", request))
}

/// The second step with the recovery code instead (it is used up).
pub fn sign_in_with_recovery_code(request: &RecoveryRequest) -> Call<SignInStep> {
    json(post("/api/v1/auth/recovery", request))
}

/// A passkey challenge: for this account after the password step, or for any passkey of the
/// site (passwordless) when nobody is signing in.
pub fn passkey_challenge() -> Call<PasskeyOptions> {
    json(post_empty("/api/v1/auth/passkey/options"))
}

/// Answers the passkey challenge: signed in.
pub fn sign_in_with_passkey(request: &PasskeyAssertion) -> Call<SignInStep> {
    json(post("/api/v1/auth/passkey", request))
}

/// The single sign-on providers the sign-in page offers.
pub fn sign_in_providers() -> Call<Vec<SsoProviderSummary>> {
    json(get("/api/v1/auth/oidc/providers"))
}

/// Where a single sign-on through `slug` starts (a navigation, not a call: the server redirects
/// to the provider).
pub fn sso_start_path(slug: &str) -> String {
    format!("/api/v1/auth/oidc/{slug}/start")
}

/// Follows an emailed MFA set-up link: opens a set-up session.
pub fn open_enrolment_link(request: &TokenRequest) -> Call<SignInStep> {
    json(post("/api/v1/auth/mfa/enrol-link", request))
}

/// Ends this session.
pub fn sign_out() -> Call<()> {
    done(post_empty("/api/v1/auth/sign-out"))
}

/// Follows an email confirmation link: the new address takes effect.
pub fn verify_email(request: &TokenRequest) -> Call<()> {
    done(post("/api/v1/auth/verify-email", request))
}

/// Follows the unlock link of a lockout email.
pub fn unlock(request: &TokenRequest) -> Call<()> {
    done(post("/api/v1/auth/unlock", request))
}

/// Asks for a password-reset link by email (the answer is the same whether the account exists).
pub fn request_password_reset(request: &ForgotPasswordRequest) -> Call<()> {
    done(post("/api/v1/auth/password/forgot", request))
}

/// Follows a password-reset link with the new password.
pub fn reset_password(request: &ResetPasswordRequest) -> Call<()> {
    done(post("/api/v1/auth/password/reset", request))
}
