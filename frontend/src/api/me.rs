//! `/api/v1/me`: the signed-in account, its profile, email, password, authenticator and sessions.

use portico_domain::identity::api::{
    ChangeEmailRequest, ChangePasswordRequest, CodeRequest, Me, NewRecoveryCodeRequest, RecoveryCode, ResetMfaRequest,
    SessionInfo, TotpEnrolment, UpdateProfileRequest,
};
use portico_domain::identity::passkeys::{
    AddedPasskey, CreatePasskeyRequest, PasskeyInfo, PasskeyOptions, PasskeyOptionsRequest, RenamePasskeyRequest,
};
use portico_domain::identity::sso::SsoLink;
use portico_domain::maintenance::SubscriptionRequest;
use uuid::Uuid;

use super::{Call, Json, delete, delete_with, done, get, item, json, kept, patch, post, post_empty, put};

/// Who is signed in (401 when nobody is, `mfa_required` while the second step is due).
pub fn account() -> Call<Me> {
    json(get("/api/v1/me"))
}

/// Changes the first and last name; the answer is the account as it is now.
pub fn update_profile(request: &UpdateProfileRequest) -> Call<Me> {
    json(patch("/api/v1/me", request))
}

/// Subscribes to (or unsubscribes from) the platform maintenance announcements.
pub fn set_maintenance_announcements(request: &SubscriptionRequest) -> Call<()> {
    done(put("/api/v1/me/maintenance-announcements", request))
}

/// Asks to change the email address (confirmed by the link mailed to the new one).
pub fn change_email(request: &ChangeEmailRequest) -> Call<()> {
    done(put("/api/v1/me/email", request))
}

/// Changes the password; the other sessions end.
pub fn change_password(request: &ChangePasswordRequest) -> Call<()> {
    done(put("/api/v1/me/password", request))
}

/// Removes the authenticator and the recovery code; every session ends, this one too.
pub fn reset_mfa(request: &ResetMfaRequest) -> Call<()> {
    done(delete_with("/api/v1/me/mfa", request))
}

/// Starts setting up the authenticator: a new secret and its QR code.
pub fn start_totp_enrolment() -> Call<TotpEnrolment> {
    json(post_empty("/api/v1/me/mfa/totp"))
}

/// Confirms the set-up with a first code; the answer is the recovery code, shown once.
pub fn confirm_totp_enrolment(request: &CodeRequest) -> Call<RecoveryCode> {
    json(post("/api/v1/me/mfa/totp/confirm", request))
}

/// A new recovery code (the old one stops working), for a current code.
pub fn new_recovery_code(request: &NewRecoveryCodeRequest) -> Call<RecoveryCode> {
    json(post("/api/v1/me/mfa/recovery-code", request))
}

/// The account's passkeys.
pub fn passkeys() -> Call<Json<Vec<PasskeyInfo>>> {
    kept(get("/api/v1/me/passkeys"))
}

/// Options for making a new passkey (the password again when signed in; none during set-up).
pub fn passkey_creation_options(request: &PasskeyOptionsRequest) -> Call<PasskeyOptions> {
    json(post("/api/v1/me/passkeys/options", request))
}

/// A challenge whose passkey answer confirms an MFA reset.
pub fn passkey_confirmation_challenge() -> Call<PasskeyOptions> {
    json(post_empty("/api/v1/me/passkeys/challenge"))
}

/// Adds the passkey the browser made; during set-up the answer carries the recovery code.
pub fn add_passkey(request: &CreatePasskeyRequest) -> Call<AddedPasskey> {
    json(post("/api/v1/me/passkeys", request))
}

pub fn rename_passkey(id: Uuid, request: &RenamePasskeyRequest) -> Call<PasskeyInfo> {
    json(patch(&item("/api/v1/me/passkeys", id, ""), request))
}

/// Removes a passkey (not the last second factor).
pub fn remove_passkey(id: Uuid) -> Call<()> {
    done(delete(&item("/api/v1/me/passkeys", id, "")))
}

/// The identity providers the account signs in through.
pub fn sso_links() -> Call<Json<Vec<SsoLink>>> {
    kept(get("/api/v1/me/sso-links"))
}

/// Removes a single sign-on link.
pub fn remove_sso_link(id: Uuid) -> Call<()> {
    done(delete(&item("/api/v1/me/sso-links", id, "")))
}

/// Where and when the account is signed in.
pub fn sessions() -> Call<Json<Vec<SessionInfo>>> {
    kept(get("/api/v1/me/sessions"))
}

/// Ends one of the account's other sessions.
pub fn end_session(id: Uuid) -> Call<()> {
    done(delete(&item("/api/v1/me/sessions", id, "")))
}

/// Ends every session but this one.
pub fn end_other_sessions() -> Call<()> {
    done(delete("/api/v1/me/sessions"))
}
