//! What happens when attempts lock a sign-in identifier or an account: one audit event and, for
//! an account that can receive it, one email with an unlock link (once per lock).

use chrono::{DateTime, Utc};
use portico_store::entities::account;
use portico_store::{audit, links};

use super::errors::Failure;
use super::{display_name, link, require_account_email};
use crate::audit::{AuditEventExt, event};
use crate::auth::secrets;
use crate::context::Context;
use crate::http::client::ClientInfo;

pub type LockoutResult<T> = Result<T, Failure>;

/// Queues the lockout email (with an unlock link) and the audit event, once per lock.
pub async fn announce_lock(
    state: &Context,
    txn: &sea_orm::DatabaseTransaction,
    client: &ClientInfo,
    account: Option<&account::Model>,
    key: &str,
    now: DateTime<Utc>,
) -> LockoutResult<()> {
    let mut locked = event("sign_in.lockout", "locked", client).details(serde_json::json!({"identifier": key}));
    if let Some(account) = account {
        locked = locked.actor(account.id).subject(account.id);
    }
    audit::record(txn, locked, now).await?;
    let Some(account) = account.filter(|a| a.enabled && a.email.is_some()) else { return Ok(()) };
    let token = secrets::new_token();
    let limits = state.settings.lockout_limits();
    links::insert(
        txn,
        links::NewLink {
            purpose: links::LinkPurpose::Unlock,
            account_id: account.id,
            token_hash: &secrets::hash(&token),
            new_email: None,
            expires_at: now + limits.lock_for,
        },
        now,
    )
    .await?;
    state
        .mailer
        .queue(
            txn,
            "lockout",
            require_account_email(account)?,
            minijinja::context! {
                name => display_name(account),
                attempts => limits.threshold,
                lock_minutes => limits.lock_for.num_minutes().max(1),
                link => link(state, "unlock", &token),
            },
            now,
        )
        .await
}
