//! Invitations seen from the invitee once signed in: the pending ones addressed to their email,
//! accepting one (membership begins only then) and declining one (the inviter is told).

use portico_domain::identity::api::InvitedProject;
use portico_domain::identity::api::PendingInvitation;
use portico_domain::projects::ProjectRole;
use portico_domain::projects::api::Accepted;
use portico_store::entities::{account, invitation};
use portico_store::{accounts, audit, invitations, projects as project_store};
use sea_orm::{DatabaseTransaction, TransactionTrait};
use uuid::Uuid;

use super::invitations::still_open;
use super::project_invitations::{InvitationsError, InvitationsResult, join_by_invitation};
use crate::audit::{AuditEventExt, event};
use crate::context::Context;
use crate::http::client::ClientInfo;

/// Pending project invitations to the caller's email, oldest first.
pub async fn list(state: &Context, account: &account::Model) -> InvitationsResult<Vec<PendingInvitation>> {
    let Some(email_key) = account.email_key.as_deref() else { return Ok(Vec::new()) };
    let rows = invitations::pending_project_invitations_to(&state.db, email_key, state.now()).await?;
    let inviters = accounts::find_many(&state.db, rows.iter().filter_map(|i| i.invited_by).collect()).await?;
    let projects = project_store::find_many(&state.db, rows.iter().filter_map(|i| i.project_id).collect()).await?;
    Ok(rows
        .into_iter()
        .filter_map(|invitation| {
            let project = projects.iter().find(|p| Some(p.id) == invitation.project_id)?;
            Some(PendingInvitation {
                id: invitation.id,
                project: InvitedProject { guid: project.id, name: project.name.clone() },
                role: invitation.role.unwrap_or(ProjectRole::Developer),
                inviter: invitation
                    .invited_by
                    .and_then(|id| inviters.iter().find(|a| a.id == id))
                    .map(super::display_name),
                created_at: invitation.created_at,
                expires_at: invitation.expires_at,
            })
        })
        .collect())
}

/// The invitation `id` when it is a project invitation addressed to `account`; any other answers
/// "not found", so ids of other people's invitations tell nothing.
async fn addressed_to(
    txn: &DatabaseTransaction,
    account: &account::Model,
    id: Uuid,
    now: chrono::DateTime<chrono::Utc>,
) -> InvitationsResult<invitation::Model> {
    let invitation = invitations::find(txn, id)
        .await?
        .filter(|i| i.project_id.is_some() && account.email_key.as_deref() == Some(i.email_key.as_str()))
        .ok_or(InvitationsError::InvitationNotFound)?;
    Ok(still_open(invitation, now)?)
}

pub async fn accept(
    state: &Context,
    client: &ClientInfo,
    account: &account::Model,
    id: Uuid,
) -> InvitationsResult<Accepted> {
    let now = state.now();
    let txn = state.db.begin().await?;
    let invitation = addressed_to(&txn, account, id, now).await?;
    let accepted = join_by_invitation(state, &txn, client, account, &invitation, now).await?;
    txn.commit().await?;
    Ok(accepted)
}

/// Refuses the invitation: it is revoked (its seat frees up) and whoever sent it is told.
pub async fn decline(
    state: &Context,
    client: &ClientInfo,
    account: &account::Model,
    id: Uuid,
) -> InvitationsResult<()> {
    let now = state.now();
    let txn = state.db.begin().await?;
    let invitation = addressed_to(&txn, account, id, now).await?;
    if !invitations::revoke(&txn, invitation.id, now).await? {
        return Err(InvitationsError::InvitationAlreadyClosed);
    }
    let project_id = invitation.project_id.unwrap_or_default();
    let project = project_store::find(&txn, project_id).await?;
    let declined = event("project.invitation_declined", "success", client)
        .actor(account.id)
        .subject(account.id)
        .details(serde_json::json!({"invitation": invitation.id, "email": invitation.email}))
        .project(project_id);
    audit::record(&txn, declined, now).await?;
    let inviter = match invitation.invited_by {
        Some(inviter) => accounts::find(&txn, inviter).await?,
        None => None,
    };
    if let (Some(project), Some(inviter)) = (project, inviter.filter(|a| a.enabled))
        && let Some(to) = inviter.email.as_deref()
    {
        let context = minijinja::context! {
            name => super::display_name(&inviter),
            invitee => format!("{} ({})", super::display_name(account), invitation.email),
            project => project.name,
            role => invitation.role.unwrap_or(ProjectRole::Developer).label(),
        };
        state.mailer.queue(&txn, "invitation_declined", to, context, now).await?;
    }
    txn.commit().await?;
    state.mailer.wake();
    Ok(())
}
