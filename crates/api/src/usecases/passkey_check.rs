//! The one check of a passkey's answer, for every use case that asks for one (the second step of
//! a sign-in, confirming an MFA reset): a challenge for the account's own passkeys kept for the
//! session, taken once, the answer verified (user verification, the signature counter moving
//! forward), failures audited and counted towards the lockout like a wrong code. Also what the
//! passkey use cases share: the relying party and the JSON forms of WebAuthn's structures.

use base64::Engine;
use chrono::{DateTime, Utc};
use portico_domain::identity::passkeys::PasskeyOptions;
use portico_store::entities::{account, passkey};
use portico_store::{audit, ceremonies, passkeys};
use sea_orm::TransactionTrait;
use uuid::Uuid;
use webauthn_rs::Webauthn;
use webauthn_rs::prelude::{
    AuthenticationResult, Passkey, PasskeyAuthentication, PublicKeyCredential, RequestChallengeResponse, WebauthnError,
};

use super::errors::{Failure, use_case_error};
use super::second_factor;
use crate::audit::{AuditEventExt, event};
use crate::auth::limits::{self, second_factor_key};
use crate::auth::session::CurrentSession;
use crate::auth::webauthn::CEREMONY_LIFETIME;
use crate::context::Context;
use crate::http::client::ClientInfo;

use_case_error! {
    /// Why a passkey's answer was refused.
    pub enum PasskeyCheckError {
        PasskeysUnavailable => (Conflict, "passkeys_unavailable", "Passkeys need Portico's public URL to name a host (PORTICO_PUBLIC_URL), not an IP address. Ask your administrator."),
        NoPasskey => (Conflict, "no_passkey", "This account has no passkey. Use the code from your authenticator app instead."),
        ChallengeInvalid => (Unauthorized, "passkey_challenge_invalid", "This passkey request is unknown, used or more than 5 minutes old. Start again."),
        NotRegistered => (Unauthorized, "passkey_not_registered", "This passkey is not registered to this account. Use one added on your account page."),
        PasskeyRejected => (Unauthorized, "passkey_invalid", "The passkey's answer did not check out (wrong site, no user verification, or a changed challenge). Try again."),
        CounterWentBack => (Unauthorized, "passkey_counter_invalid", "This passkey's signature counter went backwards, which happens when a key has been copied. \
             Sign in another way and remove the passkey from your account."),
    }
    from { crate::auth::project_access::AccessError, crate::auth::limits::ThrottleError, super::LinkError, crate::auth::passwords::Busy, super::windows::MaintenanceInProgress, super::second_factor::SecondFactorError }
}

pub type PasskeyCheckResult<T> = Result<T, PasskeyCheckError>;

/// The challenge that confirms a change to the account's second factors (an MFA reset).
pub(super) const CONFIRMATION: &str = "confirmation";

/// The relying party, or why there is none.
pub(super) fn relying_party(state: &Context) -> PasskeyCheckResult<&Webauthn> {
    state.webauthn.as_ref().ok_or(PasskeyCheckError::PasskeysUnavailable)
}

/// A credential id as stored and compared: base64url without padding.
pub(super) fn credential_key(id: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(id)
}

pub(super) fn to_json<T: serde::Serialize>(value: &T) -> Result<String, Failure> {
    serde_json::to_string(value).map_err(Failure::internal)
}

pub(super) fn from_json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, Failure> {
    serde_json::from_str(text).map_err(Failure::internal)
}

/// The browser's JSON of a credential, parsed, or a 422 naming `field`.
pub(super) fn parse_credential<T: serde::de::DeserializeOwned>(
    field: &str,
    value: serde_json::Value,
) -> Result<T, Failure> {
    serde_json::from_value(value).map_err(|e| {
        Failure::invalid_field(field, format!("is not what navigator.credentials gave back (its toJSON()): {e}"))
    })
}

/// Request options as the browser reads them.
pub(super) fn request_options(options: &RequestChallengeResponse) -> Result<PasskeyOptions, Failure> {
    Ok(PasskeyOptions { public_key: serde_json::to_value(&options.public_key).map_err(Failure::internal)? })
}

/// Stores a ceremony's state for `CEREMONY_LIFETIME`; returns its id.
pub(super) async fn remember_ceremony<S: serde::Serialize>(
    state: &Context,
    purpose: &str,
    current: Option<&CurrentSession>,
    ceremony_state: &S,
    now: DateTime<Utc>,
) -> PasskeyCheckResult<Uuid> {
    let lifetime = chrono::Duration::from_std(CEREMONY_LIFETIME).map_err(Failure::internal)?;
    Ok(ceremonies::insert(
        &state.db,
        ceremonies::NewCeremony {
            purpose,
            session_id: current.map(|c| c.session.id),
            account_id: current.map(|c| c.account.id),
            state: &to_json(ceremony_state)?,
            expires_at: now + lifetime,
        },
        now,
    )
    .await?)
}

/// A challenge for `purpose` that only the session's account's passkeys can answer.
pub(super) async fn challenge(
    state: &Context,
    current: &CurrentSession,
    purpose: &str,
) -> PasskeyCheckResult<PasskeyOptions> {
    let webauthn = relying_party(state)?;
    let rows = passkeys::list(&state.db, current.account.id).await?;
    if rows.is_empty() {
        return Err(PasskeyCheckError::NoPasskey);
    }
    let mut creds = Vec::with_capacity(rows.len());
    for row in &rows {
        creds.push(from_json::<Passkey>(&row.credential)?);
    }
    let (options, authentication) = webauthn
        .start_passkey_authentication(&creds)
        .map_err(|e| Failure::internal(anyhow::anyhow!("starting a passkey check: {e}")))?;
    remember_ceremony(state, purpose, Some(current), &authentication, state.now()).await?;
    Ok(request_options(&options)?)
}

/// A passkey answer that checked out, not yet recorded (see [`Checked::record`]).
pub struct Checked {
    pub passkey: passkey::Model,
    result: AuthenticationResult,
}

/// Checks the answer to the session's `purpose` challenge (taken: it works once). `action` names
/// the audit event of a refusal.
pub(super) async fn check(
    state: &Context,
    client: &ClientInfo,
    current: &CurrentSession,
    purpose: &str,
    action: &'static str,
    assertion: serde_json::Value,
) -> PasskeyCheckResult<Checked> {
    let webauthn = relying_party(state)?;
    let credential: PublicKeyCredential = parse_credential("credential", assertion)?;
    let account = &current.account;
    let now = state.now();
    let ceremony = ceremonies::take_for_session(&state.db, current.session.id, purpose, now)
        .await?
        .ok_or(PasskeyCheckError::ChallengeInvalid)?;
    let authentication: PasskeyAuthentication = from_json(&ceremony.state)?;
    limits::reserve(&state.db, &second_factor_key(account.id), state.settings.lockout_limits(), now).await?;
    let row = passkeys::find_by_credential_id(&state.db, &credential_key(credential.get_credential_id()))
        .await?
        .filter(|row| row.account_id == account.id);
    let Some(row) = row else {
        return Err(
            refuse(state, client, account, action, "not_registered", PasskeyCheckError::NotRegistered, now).await
        );
    };
    match webauthn.finish_passkey_authentication(&credential, &authentication) {
        Ok(result) => Ok(Checked { passkey: row, result }),
        Err(error) => Err(refused(state, client, account, action, &row, error, now).await),
    }
}

impl Checked {
    /// Stores the passkey's new signature counter in the use case's transaction; a parallel use
    /// of the same answer loses.
    pub async fn record(&self, txn: &sea_orm::DatabaseTransaction, now: DateTime<Utc>) -> PasskeyCheckResult<()> {
        record_use(txn, &self.passkey, &self.result, now).await
    }

    /// After the use case's transaction ended: clears the attempt count.
    pub async fn succeeded(&self, state: &Context) -> PasskeyCheckResult<()> {
        portico_store::throttles::succeed(&state.db, &second_factor_key(self.passkey.account_id)).await?;
        Ok(())
    }
}

/// Stores the passkey's new signature counter; a parallel sign-in with the same answer loses.
pub(super) async fn record_use(
    txn: &sea_orm::DatabaseTransaction,
    row: &passkey::Model,
    result: &AuthenticationResult,
    now: DateTime<Utc>,
) -> PasskeyCheckResult<()> {
    let mut passkey: Passkey = from_json(&row.credential)?;
    passkey.update_credential(result);
    if !passkeys::record_use(txn, row.id, &row.credential, &to_json(&passkey)?, now).await? {
        return Err(PasskeyCheckError::ChallengeInvalid);
    }
    Ok(())
}

/// A failed passkey check: audited (a counter that went back says so), counted towards the
/// lockout like a wrong code.
pub(super) async fn refused(
    state: &Context,
    client: &ClientInfo,
    account: &account::Model,
    action: &'static str,
    row: &passkey::Model,
    error: WebauthnError,
    now: DateTime<Utc>,
) -> PasskeyCheckError {
    tracing::info!(%error, passkey = %row.id, "passkey answer refused");
    match error {
        WebauthnError::CredentialPossibleCompromise => {
            refuse(state, client, account, action, "counter_went_back", PasskeyCheckError::CounterWentBack, now).await
        }
        _ => refuse(state, client, account, action, "invalid_assertion", PasskeyCheckError::PasskeyRejected, now).await,
    }
}

async fn refuse(
    state: &Context,
    client: &ClientInfo,
    account: &account::Model,
    action: &'static str,
    reason: &str,
    error: PasskeyCheckError,
    now: DateTime<Utc>,
) -> PasskeyCheckError {
    let recorded = async {
        let txn = state.db.begin().await?;
        audit::record(
            &txn,
            event(action, "failure", client)
                .actor(account.id)
                .subject(account.id)
                .details(serde_json::json!({"reason": reason, "factor": "passkey"})),
            now,
        )
        .await?;
        txn.commit().await?;
        second_factor::count_failure(state, client, account, &second_factor_key(account.id), now).await?;
        Ok::<_, PasskeyCheckError>(())
    };
    match recorded.await {
        Ok(()) => error,
        Err(failure) => failure,
    }
}
