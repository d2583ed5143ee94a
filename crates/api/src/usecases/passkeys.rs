//! Passkeys and security keys on the caller's account: adding one (also as the first second
//! factor, during MFA set-up), listing, renaming and removing them.

use portico_domain::identity::SessionStage;
use portico_domain::identity::passkeys::{
    self as rules, AddedPasskey, CreatePasskeyRequest, PasskeyInfo, PasskeyOptions, PasskeyOptionsRequest,
};
use portico_store::entities::{passkey, webauthn_ceremony};
use portico_store::{audit, ceremonies, passkeys};
use sea_orm::TransactionTrait;
use uuid::Uuid;
use webauthn_rs::prelude::{Passkey, PasskeyRegistration, RegisterPublicKeyCredential};

use super::errors::{Failure, use_case_error};
use super::passkey_check::{credential_key, from_json, parse_credential, relying_party, remember_ceremony, to_json};
use crate::audit::{AuditEventExt, event};
use crate::auth::session::{CurrentSession, IssuedSession};
use crate::context::Context;
use crate::http::client::ClientInfo;

use_case_error! {
    /// Why adding, renaming or removing a passkey was refused.
    pub enum PasskeyError {
        PasswordRequired => (Forbidden, "password_required", "Enter your password to add a passkey."),
        ChallengeInvalid => (Conflict, "passkey_challenge_invalid", "This passkey request is unknown, used or more than 5 minutes old. Start adding the passkey again."),
        PasskeyRejected => (Unprocessable, "passkey_invalid", "The passkey's answer did not check out (wrong site, no user verification, or a changed challenge). Try again."),
        AlreadyRegistered => (Conflict, "passkey_already_registered", "This passkey is registered already."),
        PasskeyNotFound => (NotFound, "passkey_not_found", "You have no passkey with this id."),
        LastSecondFactor => (Conflict, "last_second_factor", "This is your only second factor. Add another passkey or an authenticator app before removing it."),
    }
    from { crate::auth::project_access::AccessError, crate::auth::limits::ThrottleError, super::LinkError, crate::auth::passwords::Busy, super::windows::MaintenanceInProgress, super::mfa::MfaError, super::second_factor::SecondFactorError, super::passkey_check::PasskeyCheckError }
}

pub type PasskeyResult<T> = Result<T, PasskeyError>;

const REGISTRATION: &str = "registration";

fn info(row: &passkey::Model) -> PasskeyInfo {
    PasskeyInfo { id: row.id, name: row.name.clone(), created_at: row.created_at, last_used_at: row.last_used_at }
}

/// Creation options for a new passkey. A signed-in account gives its password again (a stolen
/// session alone must not be able to plant a lasting way in); during MFA set-up the session is
/// that proof already.
pub async fn start_registration(
    state: &Context,
    current: &CurrentSession,
    request: &PasskeyOptionsRequest,
) -> PasskeyResult<PasskeyOptions> {
    let webauthn = relying_party(state)?;
    let account = &current.account;
    if current.stage == SessionStage::SignedIn {
        let password = request.password.as_deref().ok_or(PasskeyError::PasswordRequired)?;
        super::bounded_password(password, "password")?;
        super::mfa::confirm_password(state, account, password).await?;
    }
    let existing = passkeys::list(&state.db, account.id).await?;
    let mut exclude = Vec::with_capacity(existing.len());
    for row in &existing {
        exclude.push(from_json::<Passkey>(&row.credential)?.cred_id().clone());
    }
    let label = account.email.clone().unwrap_or_else(|| account.user_name.clone());
    let display = super::display_name(account);
    let (options, registration) = webauthn
        .start_passkey_registration(account.id, &label, &display, Some(exclude))
        .map_err(|e| Failure::internal(anyhow::anyhow!("starting a passkey registration: {e}")))?;
    let now = state.now();
    remember_ceremony(state, REGISTRATION, Some(current), &registration, now).await?;
    let mut public_key = serde_json::to_value(&options.public_key).map_err(Failure::internal)?;
    // A discoverable credential where the authenticator can store one, so the same passkey also
    // signs in without a password; security keys without storage still work as a second factor.
    public_key["authenticatorSelection"]["residentKey"] = "preferred".into();
    Ok(PasskeyOptions { public_key })
}

/// Stores the new passkey. During MFA set-up it is the first second factor: the recovery code
/// is issued (shown once) and the set-up session becomes a signed-in one with a new id.
pub async fn finish_registration(
    state: &Context,
    client: &ClientInfo,
    current: &CurrentSession,
    request: CreatePasskeyRequest,
) -> PasskeyResult<(AddedPasskey, Option<IssuedSession>)> {
    let webauthn = relying_party(state)?;
    let name = rules::parse_name(&request.name).map_err(|message| Failure::invalid_field("name", message))?;
    let credential: RegisterPublicKeyCredential = parse_credential("credential", request.credential)?;
    let account = &current.account;
    let now = state.now();
    // Taken (deleted) before it is checked: a challenge is answered once, rightly or not.
    let ceremony: webauthn_ceremony::Model =
        ceremonies::take_for_session(&state.db, current.session.id, REGISTRATION, now)
            .await?
            .ok_or(PasskeyError::ChallengeInvalid)?;
    let registration: PasskeyRegistration = from_json(&ceremony.state)?;
    let passkey = webauthn.finish_passkey_registration(&credential, &registration).map_err(|error| {
        tracing::info!(%error, "passkey registration refused");
        PasskeyError::PasskeyRejected
    })?;
    let enrolling = current.stage == SessionStage::Enrolment;
    let txn = state.db.begin().await?;
    let row = passkeys::insert(
        &txn,
        passkeys::NewPasskey {
            account_id: account.id,
            credential_id: &credential_key(passkey.cred_id().as_ref()),
            name: &name,
            credential: &to_json(&passkey)?,
        },
        now,
    )
    .await?
    .ok_or(PasskeyError::AlreadyRegistered)?;
    audit::record(
        &txn,
        event("passkey.added", "success", client)
            .actor(account.id)
            .subject(account.id)
            .details(serde_json::json!({"passkey": row.id, "name": name})),
        now,
    )
    .await?;
    let mut added = AddedPasskey { passkey: info(&row), recovery_code: None };
    let mut issued = None;
    if enrolling {
        let (recovery_code, session) =
            super::mfa::complete_enrolment(state, &txn, client, current, "passkey", now).await?;
        added.recovery_code = Some(recovery_code);
        issued = Some(session);
    }
    txn.commit().await?;
    Ok((added, issued))
}

/// A challenge for one of the account's passkeys, whose answer confirms an MFA reset.
pub async fn confirmation_challenge(state: &Context, current: &CurrentSession) -> PasskeyResult<PasskeyOptions> {
    Ok(super::passkey_check::challenge(state, current, super::passkey_check::CONFIRMATION).await?)
}

pub async fn list(state: &Context, current: &CurrentSession) -> PasskeyResult<Vec<PasskeyInfo>> {
    Ok(passkeys::list(&state.db, current.account.id).await?.iter().map(info).collect())
}

pub async fn rename(
    state: &Context,
    client: &ClientInfo,
    current: &CurrentSession,
    id: Uuid,
    name: &str,
) -> PasskeyResult<PasskeyInfo> {
    let name = rules::parse_name(name).map_err(|message| Failure::invalid_field("name", message))?;
    let account = &current.account;
    let now = state.now();
    let txn = state.db.begin().await?;
    if !passkeys::rename(&txn, account.id, id, &name).await? {
        return Err(PasskeyError::PasskeyNotFound);
    }
    audit::record(
        &txn,
        event("passkey.renamed", "success", client)
            .actor(account.id)
            .subject(account.id)
            .details(serde_json::json!({"passkey": id, "name": name})),
        now,
    )
    .await?;
    let row = passkeys::find_owned(&txn, account.id, id).await?.ok_or(PasskeyError::PasskeyNotFound)?;
    txn.commit().await?;
    Ok(info(&row))
}

/// Removes a passkey, unless it is the account's last second factor (MFA stays mandatory: reset
/// MFA to start over instead).
pub async fn remove(state: &Context, client: &ClientInfo, current: &CurrentSession, id: Uuid) -> PasskeyResult<()> {
    let account = &current.account;
    let now = state.now();
    let txn = state.db.begin().await?;
    let row = passkeys::find_owned(&txn, account.id, id).await?.ok_or(PasskeyError::PasskeyNotFound)?;
    passkeys::delete_owned(&txn, account.id, id).await?;
    if super::sign_in::second_factors_of(&txn, account.id).await?.is_empty() {
        return Err(PasskeyError::LastSecondFactor);
    }
    audit::record(
        &txn,
        event("passkey.removed", "success", client)
            .actor(account.id)
            .subject(account.id)
            .details(serde_json::json!({"passkey": id, "name": row.name})),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
