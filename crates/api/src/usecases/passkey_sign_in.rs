//! Signing in with a passkey: as the second factor after the password (only that account's
//! passkeys are asked for), or passwordless with a discoverable credential (the authenticator
//! says whose it is; no email is typed, so nothing can be enumerated). Either way user
//! verification is required and the signature counter must move forward.

use portico_domain::identity::SessionStage;
use portico_domain::identity::api::{NextStep, SignInStep};
use portico_domain::identity::passkeys::{PasskeyAssertion, PasskeyOptions};
use portico_store::{accounts, audit, ceremonies, passkeys, throttles};
use sea_orm::TransactionTrait;
use uuid::Uuid;
use webauthn_rs::prelude::{DiscoverableAuthentication, Passkey, PublicKeyCredential};

use super::errors::{Failure, use_case_error};
use super::passkey_check::{
    self, PasskeyCheckError, credential_key, from_json, parse_credential, record_use, refused, relying_party,
    remember_ceremony, request_options,
};
use crate::audit::{AuditEventExt, event};
use crate::auth::limits::{self, second_factor_key};
use crate::auth::session::{self, CurrentSession, HowSignedIn, IssuedSession};
use crate::context::Context;
use crate::http::client::ClientInfo;

use_case_error! {
    /// Why a passkey sign-in was refused (the answer's own refusals are `PasskeyCheckError`'s).
    pub enum PasskeySignInError {}
    from { crate::auth::project_access::AccessError, crate::auth::limits::ThrottleError, super::LinkError, crate::auth::passwords::Busy, super::windows::MaintenanceInProgress, super::passkey_check::PasskeyCheckError, super::sign_in::SignInError, super::second_factor::SecondFactorError }
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
    let Some(current) = current else {
        let (mut options, authentication) = webauthn
            .start_discoverable_authentication()
            .map_err(|e| Failure::internal(anyhow::anyhow!("starting a passkey sign-in: {e}")))?;
        // The user pressed "Sign in with a passkey": a modal request, not autofill.
        options.mediation = None;
        let id = remember_ceremony(state, PASSWORDLESS, None, &authentication, now).await?;
        return Ok((request_options(&options)?, Some(id)));
    };
    Ok((passkey_check::challenge(state, current, SECOND_FACTOR).await?, None))
}

/// The second step with a passkey: a new, signed-in session in place of the pre-auth one.
pub async fn second_factor(
    state: &Context,
    client: &ClientInfo,
    current: CurrentSession,
    assertion: PasskeyAssertion,
) -> PasskeySignInResult<(SignInStep, IssuedSession)> {
    state.credential_limiter.check(client.ip)?;
    let checked =
        passkey_check::check(state, client, &current, SECOND_FACTOR, "sign_in.passkey", assertion.credential).await?;
    let account = &current.account;
    let now = state.now();
    let txn = state.db.begin().await?;
    checked.record(&txn, now).await?;
    let issued = super::sign_in::complete_sign_in(state, &txn, client, &current, "passkey", now).await?;
    audit::record(
        &txn,
        event("sign_in.passkey", "success", client)
            .actor(account.id)
            .subject(account.id)
            .details(serde_json::json!({"passkey": checked.passkey.id})),
        now,
    )
    .await?;
    txn.commit().await?;
    checked.succeeded(state).await?;
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
    let credential: PublicKeyCredential = parse_credential("credential", assertion.credential)?;
    let now = state.now();
    let ceremony = match ceremony_id {
        Some(id) => ceremonies::take(&state.db, id, PASSWORDLESS, None, now).await?,
        None => None,
    };
    let ceremony = ceremony.ok_or(PasskeyCheckError::ChallengeInvalid)?;
    let authentication: DiscoverableAuthentication = from_json(&ceremony.state)?;
    let (user, credential_id) =
        webauthn.identify_discoverable_authentication(&credential).map_err(|_| PasskeyCheckError::PasskeyRejected)?;
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
        return Err(PasskeyCheckError::NotRegistered.into());
    };
    let throttle_key = second_factor_key(account.id);
    limits::reserve(&state.db, &throttle_key, state.settings.lockout_limits(), now).await?;
    let passkey: Passkey = from_json(&row.credential)?;
    let result = match webauthn.finish_discoverable_authentication_v2(&credential, authentication, &passkey) {
        Ok(result) => result,
        Err(error) => return Err(refused(state, client, &account, "sign_in.passkey", &row, error, now).await.into()),
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
