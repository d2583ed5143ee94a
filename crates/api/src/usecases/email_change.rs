//! What an account's new email address means for what was mailed to the old one: open
//! invitations and one-time links stop working (whoever reads the old mailbox may not be the
//! account's owner: a typo, a mailbox handed on), and pending project invitations follow the
//! account to its new address.

use chrono::{DateTime, Utc};
use portico_domain::identity::Email;
use portico_store::entities::account;
use portico_store::{accounts, invitations, links, projects as project_store};
use sea_orm::DatabaseTransaction;

use super::errors::Failure;
use super::invitations::queue_project_invitation;
use crate::context::Context;

pub type EmailChangeResult<T> = Result<T, Failure>;

/// Call in the transaction that changed `account`'s email from `old_email_key`; `actor` is who
/// changed it (the project invitations sent again name their original inviter when it exists).
pub async fn follow_email_change(
    state: &Context,
    txn: &DatabaseTransaction,
    account: &account::Model,
    old_email_key: Option<&str>,
    new_email: &Email,
    actor: &account::Model,
    now: DateTime<Utc>,
) -> EmailChangeResult<()> {
    invitations::revoke_open_for_account(txn, account.id, now).await?;
    links::revoke_all_open(txn, account.id, now).await?;
    let Some(old_email_key) = old_email_key.filter(|old| *old != new_email.key()) else { return Ok(()) };
    for stale in invitations::pending_project_invitations_to(txn, old_email_key, now).await? {
        invitations::revoke(txn, stale.id, now).await?;
        let (Some(project_id), Some(role)) = (stale.project_id, stale.role) else {
            continue;
        };
        let Some(project) = project_store::find(txn, project_id).await? else { continue };
        let inviter = match stale.invited_by {
            Some(id) => accounts::find(txn, id).await?.unwrap_or_else(|| actor.clone()),
            None => actor.clone(),
        };
        queue_project_invitation(state, txn, &project, &inviter, new_email, role, now).await?;
    }
    Ok(())
}
