//! Administration -> Users, the people invited to a project who have no account yet (the
//! accounts themselves are in [`super::admin_users`]); resending or revoking one goes through its
//! project's invitations.

use portico_domain::admin::{AccountStatus, AdminInvitation};
use portico_domain::identity::api::InvitedProject;
use portico_domain::paging::{Page, PageQuery, PageRequest};
use portico_domain::projects::ProjectRole;
use portico_store::{accounts, invitations, projects};

use super::admin_users::AdminUsersResult;
use super::errors::Failure;
use crate::context::Context;

/// People invited to a project who have no account yet, newest first (expired invitations too,
/// until they are renewed or revoked).
pub async fn project_invitations(state: &Context, query: PageQuery) -> AdminUsersResult<Page<AdminInvitation>> {
    let page = PageRequest::parse(query).map_err(Failure::Invalid)?;
    let (rows, total) = invitations::open_without_account(&state.db, page.offset(), page.limit()).await?;
    let inviters = accounts::find_many(&state.db, rows.iter().filter_map(|i| i.invited_by).collect()).await?;
    let projects = projects::find_many(&state.db, rows.iter().filter_map(|i| i.project_id).collect()).await?;
    let now = state.now();
    let items = rows
        .into_iter()
        .filter_map(|invitation| {
            let project = projects.iter().find(|p| Some(p.id) == invitation.project_id)?;
            Some(AdminInvitation {
                id: invitation.id,
                email: invitation.email.clone(),
                project: InvitedProject { guid: project.id, name: project.name.clone() },
                role: invitation.role.unwrap_or(ProjectRole::Developer),
                invited_by: invitation
                    .invited_by
                    .and_then(|id| inviters.iter().find(|a| a.id == id))
                    .map(super::display_name),
                status: if invitation.expires_at <= now {
                    AccountStatus::InvitationExpired
                } else {
                    AccountStatus::Invited
                },
                created_at: invitation.created_at,
                expires_at: invitation.expires_at,
            })
        })
        .collect();
    Ok(Page::new(items, page, total))
}
