//! Signing in with a passkey: as the second factor after the password (only that account's
//! passkeys are asked for), or passwordless with a discoverable credential (the authenticator
//! says whose it is; no email is typed, so nothing can be enumerated). Either way user
//! verification is required and the signature counter must move forward.

use chrono::{DateTime, Utc};
use portico_domain::identity::SessionStage;
use portico_domain::identity::api::{NextStep, SignInStep};
use portico_domain::identity::passkeys::{PasskeyAssertion, PasskeyOptions};
use portico_store::entities::{account, passkey};
use portico_store::{accounts, audit, ceremonies, passkeys, throttles};
use sea_orm::TransactionTrait;
use uuid::Uuid;
use webauthn_rs::prelude::{
    AuthenticationResult, DiscoverableAuthentication, Passkey, PasskeyAuthentication, PublicKeyCredential,
    WebauthnError,
};

use super::errors::{Failure, use_case_error};
use super::passkeys::{credential_key, from_json, parse_credential, relying_party, remember_ceremony, to_json};
use super::second_factor;
use crate::audit::{AuditEventExt, event};
use crate::auth::limits::{self, second_factor_key};
use crate::auth::session::{self, CurrentSession, HowSignedIn, IssuedSession};
use crate::context::Context;
use crate::http::client::ClientInfo;

use_case_error! {
    /// Why a passkey sign-in was refused.
    pub enum PasskeySignInError {
        NoPasskey => (Conflict, "no_passkey", "This account has no passkey. Enter the code from your authenticator app instead."),
        ChallengeInvalid => (Unauthorized, "passkey_challenge_invalid", "This passkey request is unknown, used or more than 5 minutes old. Start again."),
        NotRegistered => (Unauthorized, "passkey_not_registered", "This passkey is not registered to the account signing in. Use one added on your account page."),
        PasskeyRejected => (Unauthorized, "passkey_invalid", "The passkey's answer did not check out (wrong site, no user verification, or a changed challenge). Try again."),
        CounterWentBack => (Unauthorized, "passkey_counter_invalid", "This passkey's signature counter went backwards, which happens when a key has been copied. \
             Sign in another way and remove the passkey from your account."),
    }
    from { crate::auth::project_access::AccessError, crate::auth::limits::ThrottleError, super::LinkError, crate::auth::passwords::Busy, super::windows::MaintenanceInProgress, super::passkeys::PasskeyError, super::sign_in::SignInError, super::second_factor::SecondFactorError, super::mfa::MfaError }
}

pub type PasskeySignInResult<T> = Result<T, PasskeySignInError>;

const SECOND_FACTOR: &str = "second_factor";
const PASSWORDLESS: &str = "passwordless";

/// Request options. With a pre-auth session: that account's passkeys. With no session: a
/// discoverable-credential request, and the id of the anonymous ceremony (the caller keeps it in
/// a short-lived cookie).
pub async fn start(
    state: &Context,
    client: &ClientInfo,
    current: Option<&CurrentSession>,
) -> PasskeySignInResult<(PasskeyOptions, Option<Uuid>)> {
    state.credential_limiter.check(client.ip)?;
    let webauthn = relying_party(state)?;
    let now = state.now();
    let (options, ceremony) = match current {
        Some(current) => {
            let rows = passkeys::list(&state.db, current.account.id).await?;
            if rows.is_empty() {
                return Err(PasskeySignInError::NoPasskey);
            }
            let mut creds = Vec::with_capacity(rows.len());
            for row in &rows {
                creds.push(from_json::<Passkey>(&row.credential)?);
            }
            let (options, authentication) = webauthn
                .start_passkey_authentication(&creds)
                .map_err(|e| Failure::internal(anyhow::anyhow!("starting a passkey sign-in: {e}")))?;
            remember_ceremony(state, SECOND_FACTOR, Some(current), &authentication, now).await?;
            (options, None)
        }
        None => {
            let (mut options, authentication) = webauthn
                .start_discoverable_authentication()
                .map_err(|e| Failure::internal(anyhow::anyhow!("starting a passkey sign-in: {e}")))?;
            // The user pressed "Sign in with a passkey": a modal request, not autofill.
            options.mediation = None;
            let id = remember_ceremony(state, PASSWORDLESS, None, &authentication, now).await?;
            (options, Some(id))
        }
    };
    Ok((PasskeyOptions { public_key: serde_json::to_value(&options.public_key).map_err(Failure::internal)? }, ceremony))
}

/// The second step with a passkey: a new, signed-in session in place of the pre-auth one.
pub async fn second_factor(
    state: &Context,
    client: &ClientInfo,
    current: CurrentSession,
    assertion: PasskeyAssertion,
) -> PasskeySignInResult<(SignInStep, IssuedSession)> {
    state.credential_limiter.check(client.ip)?;
    let webauthn = relying_party(state)?;
    let credential: PublicKeyCredential = parse_credential(assertion.credential)?;
    let account = &current.account;
    let now = state.now();
    let ceremony = ceremonies::take_for_session(&state.db, current.session.id, SECOND_FACTOR, now)
        .await?
        .ok_or(PasskeySignInError::ChallengeInvalid)?;
    let authentication: PasskeyAuthentication = from_json(&ceremony.state)?;
    let throttle_key = second_factor_key(account.id);
    limits::reserve(&state.db, &throttle_key, state.settings.lockout_limits(), now).await?;
    let row = passkeys::find_by_credential_id(&state.db, &credential_key(credential.get_credential_id()))
        .await?
        .filter(|row| row.account_id == account.id);
    let Some(row) = row else {
        return Err(refuse(state, client, account, "not_registered", PasskeySignInError::NotRegistered, now).await);
    };
    let result = match webauthn.finish_passkey_authentication(&credential, &authentication) {
        Ok(result) => result,
        Err(error) => return Err(refused(state, client, account, &row, error, now).await),
    };
    let txn = state.db.begin().await?;
    record_use(&txn, &row, &result, now).await?;
    let issued = super::sign_in::complete_sign_in(state, &txn, client, &current, "passkey", now).await?;
    audit::record(
        &txn,
        event("sign_in.passkey", "success", client)
            .actor(account.id)
            .subject(account.id)
            .details(serde_json::json!({"passkey": row.id})),
        now,
    )
    .await?;
    txn.commit().await?;
    throttles::succeed(&state.db, &throttle_key).await?;
    Ok((SignInStep::new(NextStep::SignedIn), issued))
}

/// Passwordless: the discoverable credential names its account; user verification makes it
/// both factors.
pub async fn passwordless(
    state: &Context,
    client: &ClientInfo,
    ceremony_id: Option<Uuid>,
    assertion: PasskeyAssertion,
) -> PasskeySignInResult<(SignInStep, IssuedSession)> {
    state.credential_limiter.check(client.ip)?;
    let webauthn = relying_party(state)?;
    let credential: PublicKeyCredential = parse_credential(assertion.credential)?;
    let now = state.now();
    let ceremony = match ceremony_id {
        Some(id) => ceremonies::take(&state.db, id, PASSWORDLESS, None, now).await?,
        None => None,
    };
    let ceremony = ceremony.ok_or(PasskeySignInError::ChallengeInvalid)?;
    let authentication: DiscoverableAuthentication = from_json(&ceremony.state)?;
    let (user, credential_id) =
        webauthn.identify_discoverable_authentication(&credential).map_err(|_| PasskeySignInError::PasskeyRejected)?;
    let row = passkeys::find_by_credential_id(&state.db, &credential_key(credential_id)).await?;
    let found = match row {
        Some(row) if row.account_id == user => accounts::find(&state.db, row.account_id).await?.map(|a| (row, a)),
        _ => None,
    };
    // A passkey of a deleted or disabled account, or one removed from its account: the same
    // answer, nothing said about which.
    let Some((row, account)) = found.filter(|(_, account)| account.enabled) else {
        let txn = state.db.begin().await?;
        audit::record(
            &txn,
            event("sign_in.passkey", "failure", client).details(serde_json::json!({"reason": "not_registered"})),
            now,
        )
        .await?;
        txn.commit().await?;
        return Err(PasskeySignInError::NotRegistered);
    };
    let throttle_key = second_factor_key(account.id);
    limits::reserve(&state.db, &throttle_key, state.settings.lockout_limits(), now).await?;
    let passkey: Passkey = from_json(&row.credential)?;
    let result = match webauthn.finish_discoverable_authentication_v2(&credential, authentication, &passkey) {
        Ok(result) => result,
        Err(error) => return Err(refused(state, client, &account, &row, error, now).await),
    };
    let txn = state.db.begin().await?;
    record_use(&txn, &row, &result, now).await?;
    let issued = session::issue(
        &txn,
        &state.sessions,
        account.id,
        SessionStage::SignedIn,
        HowSignedIn::first("passkey"),
        client.session_origin(),
        now,
    )
    .await?;
    audit::record(
        &txn,
        event("sign_in.passkey", "success", client)
            .actor(account.id)
            .subject(account.id)
            .details(serde_json::json!({"passkey": row.id, "passwordless": true})),
        now,
    )
    .await?;
    txn.commit().await?;
    throttles::succeed(&state.db, &throttle_key).await?;
    Ok((SignInStep::new(NextStep::SignedIn), issued))
}

/// Stores the passkey's new signature counter; a parallel sign-in with the same answer loses.
async fn record_use(
    txn: &sea_orm::DatabaseTransaction,
    row: &passkey::Model,
    result: &AuthenticationResult,
    now: DateTime<Utc>,
) -> PasskeySignInResult<()> {
    let mut passkey: Passkey = from_json(&row.credential)?;
    passkey.update_credential(result);
    if !passkeys::record_use(txn, row.id, &row.credential, &to_json(&passkey)?, now).await? {
        return Err(PasskeySignInError::ChallengeInvalid);
    }
    Ok(())
}

/// A failed passkey check: audited (a counter that went back says so), counted towards the
/// lockout like a wrong code.
async fn refused(
    state: &Context,
    client: &ClientInfo,
    account: &account::Model,
    row: &passkey::Model,
    error: WebauthnError,
    now: DateTime<Utc>,
) -> PasskeySignInError {
    tracing::info!(%error, passkey = %row.id, "passkey sign-in refused");
    match error {
        WebauthnError::CredentialPossibleCompromise => {
            refuse(state, client, account, "counter_went_back", PasskeySignInError::CounterWentBack, now).await
        }
        _ => refuse(state, client, account, "invalid_assertion", PasskeySignInError::PasskeyRejected, now).await,
    }
}

async fn refuse(
    state: &Context,
    client: &ClientInfo,
    account: &account::Model,
    reason: &str,
    error: PasskeySignInError,
    now: DateTime<Utc>,
) -> PasskeySignInError {
    let recorded = async {
        let txn = state.db.begin().await?;
        audit::record(
            &txn,
            event("sign_in.passkey", "failure", client)
                .actor(account.id)
                .subject(account.id)
                .details(serde_json::json!({"reason": reason})),
            now,
        )
        .await?;
        txn.commit().await?;
        second_factor::count_failure(state, client, account, &second_factor_key(account.id), now).await?;
        Ok::<_, PasskeySignInError>(())
    };
    match recorded.await {
        Ok(()) => error,
        Err(failure) => failure,
    }
}
