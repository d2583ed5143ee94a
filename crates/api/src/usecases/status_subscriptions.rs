//! Status page subscriptions for anyone, no account needed: an address subscribes (double
//! opt-in: a confirmation link is mailed), confirms, then receives every maintenance
//! announcement with a one-click unsubscribe link and `List-Unsubscribe` headers (RFC 8058).
//!
//! Subscribing always answers the same, whether the address is new, waiting for confirmation or
//! already subscribed, so nobody learns who is subscribed. The confirmation secret is stored as
//! its SHA-256; the unsubscribe secret is not stored at all: it is the subscription's id with a
//! MAC under a purpose key, so every announcement can carry it and only this server can make one.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use portico_domain::identity::Email;
use portico_store::entities::status_subscriber;
use portico_store::{audit, status_subscribers, throttles};
use sea_orm::{DatabaseTransaction, TransactionTrait};
use sha2::Sha256;
use uuid::Uuid;

use super::errors::{Failure, use_case_error};
use crate::audit::{AuditEventExt, event};
use crate::auth::{limits, secrets};
use crate::context::Context;
use crate::http::client::ClientInfo;
use crate::keys::Purpose;

use_case_error! {
    /// Why a subscription link could not be followed.
    pub enum SubscriptionError {
        LinkInvalid => (NotFound, "subscription_link_invalid", "This link is not valid. Copy the whole link from the email, or subscribe again on the status page."),
        LinkExpired => (Gone, "subscription_link_expired", "This confirmation link has expired. Subscribe again on the status page for a new one."),
    }
    from { crate::auth::limits::ThrottleError }
}

pub type SubscriptionResult<T> = Result<T, SubscriptionError>;

/// Confirmation mails one address may be sent in an hour (so nobody can flood an inbox).
const CONFIRMATIONS_PER_ADDRESS: u32 = 3;
/// Subscription requests one client address may make in an hour.
const REQUESTS_PER_CLIENT: u32 = 20;

/// Subscribes `email` (after it confirms): always the same answer, an email only when there is
/// something to confirm and the address has not had too many.
pub async fn subscribe(state: &Context, client: &ClientInfo, email: &str) -> SubscriptionResult<()> {
    let email = Email::parse(email).map_err(|message| Failure::invalid_field("email", message))?;
    let now = state.now();
    let hour = chrono::Duration::hours(1);
    state.credential_limiter.check(client.ip)?;
    if let Some(ip) = client.ip {
        let per_client = throttles::Limits { threshold: REQUESTS_PER_CLIENT, lock_for: hour };
        limits::spend(&state.db, &format!("status_subscribe_ip:{ip}"), per_client, now, "subscription requests")
            .await?;
    }
    let per_address = throttles::Limits { threshold: CONFIRMATIONS_PER_ADDRESS, lock_for: hour };
    let address_key = format!("status_subscribe:{}", email.key());
    if limits::spend(&state.db, &address_key, per_address, now, "confirmation emails").await.is_err() {
        // Answered like any other request: a refusal here would tell the address is known.
        return Ok(());
    }
    let token = secrets::new_token();
    let expires_at = now + state.settings.link_ttl();
    let txn = state.db.begin().await?;
    let requested = status_subscribers::request(&txn, email.as_str(), &secrets::hash(&token), expires_at, now).await;
    let subscriber = match requested {
        Ok(Some(subscriber)) => subscriber,
        // Already confirmed: nothing to send.
        Ok(None) => return Ok(()),
        // The same address asked at the same moment: that request sends the link.
        Err(error) if error.unique_violation().is_some() => return Ok(()),
        Err(error) => return Err(error.into()),
    };
    let context = minijinja::context! {
        link => super::link(state, "status/confirm", &token),
        expires_at => super::format_time(expires_at),
        status_link => format!("{}/status", state.settings.public_url()),
    };
    state.mailer.queue(&txn, "status_subscription", &subscriber.email, context, now).await?;
    txn.commit().await?;
    state.mailer.wake();
    Ok(())
}

/// Follows the confirmation link: the address receives announcements from now on.
pub async fn confirm(state: &Context, client: &ClientInfo, token: &str) -> SubscriptionResult<()> {
    state.credential_limiter.check(client.ip)?;
    let now = state.now();
    let hash = secrets::hash(token);
    let txn = state.db.begin().await?;
    let subscriber =
        status_subscribers::find_by_confirmation_hash(&txn, &hash).await?.ok_or(SubscriptionError::LinkInvalid)?;
    if subscriber.confirmation_expires_at.is_none_or(|at| at <= now) {
        return Err(SubscriptionError::LinkExpired);
    }
    if !status_subscribers::confirm(&txn, subscriber.id, &hash, now).await? {
        return Err(SubscriptionError::LinkInvalid);
    }
    record(&txn, client, "status.subscription_confirmed", &subscriber, now).await?;
    txn.commit().await?;
    Ok(())
}

/// Follows an unsubscribe link (the page's button, or a mail client's one-click POST). A link
/// of a subscription already gone answers the same: the address gets no more mail either way.
///
/// Not rate limited: a token is a 128-bit MAC, not something to guess, and RFC 8058's POSTs come in
/// bursts from a few mail providers' servers after each announcement.
pub async fn unsubscribe(state: &Context, client: &ClientInfo, token: &str) -> SubscriptionResult<()> {
    let id = subscription_of(state, token).ok_or(SubscriptionError::LinkInvalid)?;
    let now = state.now();
    let txn = state.db.begin().await?;
    if let Some(subscriber) = status_subscribers::find(&txn, id).await?
        && status_subscribers::delete(&txn, id).await?
    {
        record(&txn, client, "status.unsubscribed", &subscriber, now).await?;
    }
    txn.commit().await?;
    Ok(())
}

async fn record(
    txn: &DatabaseTransaction,
    client: &ClientInfo,
    action: &'static str,
    subscriber: &status_subscriber::Model,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), Failure> {
    let details = serde_json::json!({"subscription": subscriber.id, "email": subscriber.email});
    audit::record(txn, event(action, "success", client).details(details), now).await?;
    Ok(())
}

type Signer = Hmac<Sha256>;

fn signer(state: &Context) -> Signer {
    <Signer as KeyInit>::new_from_slice(&state.master_key.derive(Purpose::StatusUnsubscribe))
        .expect("HMAC takes any key length")
}

/// The unsubscribe secret of a subscription: its id and 16 bytes of MAC, base64url.
pub fn unsubscribe_token(state: &Context, id: Uuid) -> String {
    let mut mac = signer(state);
    mac.update(id.as_bytes());
    let tag = mac.finalize().into_bytes();
    let mut bytes = id.as_bytes().to_vec();
    bytes.extend_from_slice(&tag[..16]);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The subscription an unsubscribe secret names, when this server made it.
fn subscription_of(state: &Context, token: &str) -> Option<Uuid> {
    let bytes = URL_SAFE_NO_PAD.decode(token.trim()).ok()?;
    if bytes.len() != 32 {
        return None;
    }
    let (id, tag) = bytes.split_at(16);
    let mut mac = signer(state);
    mac.update(id);
    mac.verify_truncated_left(tag).ok()?;
    Uuid::from_slice(id).ok()
}

/// Where one confirmed subscriber's announcement goes, with its unsubscribe links and headers.
pub struct Recipient {
    pub email: String,
    /// The page that unsubscribes at one click (the secret in the fragment).
    pub unsubscribe_link: String,
    /// `List-Unsubscribe` and `List-Unsubscribe-Post` (RFC 8058): a mail client's one-click
    /// POST carries the secret in the query, the only place RFC 8058 leaves for it.
    pub headers: Vec<(&'static str, String)>,
}

/// Every confirmed subscriber, as announcements address them.
pub async fn recipients(state: &Context, txn: &DatabaseTransaction) -> Result<Vec<Recipient>, Failure> {
    let public_url = state.settings.public_url();
    Ok(status_subscribers::confirmed(txn)
        .await?
        .into_iter()
        .map(|subscriber| {
            let token = unsubscribe_token(state, subscriber.id);
            let one_click = format!("{public_url}/api/v1/status/subscriptions/unsubscribe/one-click?token={token}");
            Recipient {
                email: subscriber.email,
                unsubscribe_link: super::link(state, "status/unsubscribe", &token),
                headers: vec![
                    ("List-Unsubscribe", format!("<{one_click}>")),
                    ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click".to_owned()),
                ],
            }
        })
        .collect())
}
