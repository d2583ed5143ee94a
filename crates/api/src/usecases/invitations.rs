//! The invitation itself, for every use case that sends or follows one (creating a project,
//! inviting into it, registering, accepting, an email change): stored with its email queued, its
//! link checked, and joining the project it names.

use chrono::{DateTime, Utc};
use portico_domain::identity::Email;
use portico_domain::projects::ProjectRole;
use portico_store::entities::{account, invitation, project};
use portico_store::{audit, invitations, memberships, projects as project_store};
use sea_orm::{ConnectionTrait, DatabaseTransaction};

use super::errors::use_case_error;
use crate::audit::{AuditEventExt, event};
use crate::auth::secrets;
use crate::context::Context;
use crate::http::client::ClientInfo;

use_case_error! {
    /// Why an invitation link cannot be followed.
    pub enum InvitationLinkError {
        Invalid => (NotFound, "invitation_invalid", "This invitation link is not valid. Copy the whole link from the email, or ask for a new invitation."),
        Revoked => (Gone, "invitation_revoked", "This invitation was withdrawn. Ask whoever invited you for a new one."),
        Used => (Gone, "invitation_used", "This invitation was already accepted. Sign in instead."),
        Expired => (Gone, "invitation_expired", "This invitation has expired. Ask whoever invited you to send it again."),
        ProjectGone => (Gone, "invitation_revoked", "The project no longer exists."),
    }
}

pub type InvitationLinkResult<T> = Result<T, InvitationLinkError>;

/// Finds the invitation a token belongs to and checks it can still be used.
pub async fn open_invitation(
    db: &impl ConnectionTrait,
    token: &str,
    now: DateTime<Utc>,
) -> InvitationLinkResult<invitation::Model> {
    let invitation = invitations::find_by_token_hash(db, &secrets::hash(token))
        .await?
        .ok_or_else(|| InvitationLinkError::Invalid)?;
    still_open(invitation, now)
}

/// `invitation` itself when it can still be accepted: not revoked, used or expired.
pub fn still_open(invitation: invitation::Model, now: DateTime<Utc>) -> InvitationLinkResult<invitation::Model> {
    if invitation.revoked_at.is_some() {
        return Err(InvitationLinkError::Revoked);
    }
    if invitation.accepted_at.is_some() {
        return Err(InvitationLinkError::Used);
    }
    if invitation.expires_at <= now {
        return Err(InvitationLinkError::Expired);
    }
    Ok(invitation)
}

/// Stores an invitation and queues its email.
pub async fn queue_project_invitation(
    state: &Context,
    txn: &DatabaseTransaction,
    project: &project::Model,
    inviter: &account::Model,
    email: &Email,
    role: ProjectRole,
    now: DateTime<Utc>,
) -> InvitationLinkResult<invitation::Model> {
    let token = secrets::new_token();
    let invitation = invitations::insert(
        txn,
        invitations::NewInvitation {
            token_hash: secrets::hash(&token),
            email: email.as_str().to_owned(),
            project_id: Some(project.id),
            role: Some(role),
            invited_by: Some(inviter.id),
            expires_at: now + state.settings.invitation_ttl(),
            ..Default::default()
        },
        now,
    )
    .await?;
    send_invitation_email(state, txn, project, inviter, &invitation, &token, now).await?;
    Ok(invitation)
}

/// Queues the invitation email with its link (a new invitation, or one sent again with a new token).
pub async fn send_invitation_email(
    state: &Context,
    txn: &DatabaseTransaction,
    project: &project::Model,
    inviter: &account::Model,
    invitation: &invitation::Model,
    token: &str,
    now: DateTime<Utc>,
) -> InvitationLinkResult<()> {
    let role = invitation.role.map(|r| r.label()).unwrap_or("member");
    state
        .mailer
        .queue(
            txn,
            "invitation",
            &invitation.email,
            minijinja::context! {
                inviter => super::display_name(inviter),
                project => project.name.clone(),
                role => role,
                link => super::link(state, "invitations", token),
                expires_at => super::format_time(invitation.expires_at),
            },
            now,
        )
        .await
        .map_err(Into::into)
}

/// Makes `account` a member of `project` (locked by the caller) as the invitation says; the invited
/// primary contact gets the crown.
pub async fn join_project(
    txn: &DatabaseTransaction,
    client: &ClientInfo,
    invitation: &invitation::Model,
    account: &account::Model,
    project: &project::Model,
    now: DateTime<Utc>,
) -> InvitationLinkResult<()> {
    let role = invitation.role.unwrap_or(ProjectRole::Developer);
    memberships::insert_if_absent(txn, project.id, account.id, role, now).await?;
    if role == ProjectRole::TenantAdministrator {
        let email_key = account.email_key.clone().unwrap_or_default();
        project_store::set_primary_contact_if_unset(txn, project.id, account.id, &email_key, now).await?;
    }
    let joined = event("project.member_joined", "success", client)
        .actor(account.id)
        .subject(account.id)
        .details(serde_json::json!({"role": role, "invitation": invitation.id}))
        .project(project.id);
    audit::record(txn, joined, now).await?;
    Ok(())
}
