//! Administration -> Users, below the accounts: people invited to a project who have no account
//! yet, with their invitation's status (`Invited`, `Invitation expired`); an Administrator sends
//! one again (a new link) or revokes it, as the project's Tenant Administrators can.

use leptos::prelude::*;
use portico_domain::admin::{AccountStatus, AdminInvitation};
use portico_domain::paging::Page;
use uuid::Uuid;

use crate::api;
use crate::components::labels::{account_status_label, tone};
use crate::components::{Act, Cell, ErrorAlert, FormState, Notice, answer, fetch, format_utc, pager, show, table};

const PER_PAGE: u32 = 20;

#[derive(Debug, Clone)]
enum Change {
    Resend(Uuid, Uuid, String),
    Revoke(Uuid, Uuid, String),
}

#[component]
pub fn ProjectInvitations() -> impl IntoView {
    let page = RwSignal::new(1u32);
    let invitations = answer();
    let reload = move || fetch(invitations, api::admin::project_invitations(page.get_untracked(), PER_PAGE));
    Effect::new(move |_| {
        page.track();
        reload();
    });
    let form = FormState::new();
    let notice = RwSignal::new(None::<String>);
    let change = Callback::new(move |change: Change| {
        notice.set(None);
        form.run(async move {
            let done = match change {
                Change::Resend(project, id, email) => api::projects::resend_invitation(project, id)
                    .await
                    .map(|_| format!("A new invitation is on its way to {email}.")),
                Change::Revoke(project, id, email) => api::projects::revoke_invitation(project, id)
                    .await
                    .map(|_| format!("The invitation to {email} is revoked.")),
            }?;
            reload();
            notice.set(Some(done));
            Ok(())
        });
    });
    view! {
        <section class="card" aria-labelledby="project-invitations-title">
            <h2 id="project-invitations-title">"Invited to a project, no account yet"</h2>
            <ErrorAlert failure=form.failure() />
            <Notice message=notice />
            {show(invitations, "the invitations", move |list: Page<AdminInvitation>| {
                if list.items.is_empty() {
                    return view! { <p>"Nobody is waiting to register."</p> }.into_any();
                }
                let rows = list.items.into_iter().map(|invitation| row(invitation, change)).collect();
                view! {
                    {table("People invited to a project", HEADERS, rows, form.busy())}
                    {pager(page, PER_PAGE, list.total)}
                }
                .into_any()
            })}
        </section>
    }
}

const HEADERS: &[&str] = &["Email", "Project", "Role", "Invited by", "Status", "Valid until", ""];

fn row(invitation: AdminInvitation, change: Callback<Change>) -> Vec<Cell> {
    let (project, id, email) = (invitation.project.guid, invitation.id, invitation.email.clone());
    let status = invitation.status;
    let resend = {
        let email = email.clone();
        Act::Button {
            label: "Resend invitation",
            subject: format!("to {email}"),
            run: Callback::new(move |()| change.run(Change::Resend(project, id, email.clone()))),
        }
    };
    let revoke = {
        let email = email.clone();
        Act::Confirm {
            label: "Revoke",
            subject: format!("the invitation to {email}"),
            question: format!("Revoke the invitation to {email}? Its link stops working."),
            confirm: "Yes, revoke",
            run: Callback::new(move |()| change.run(Change::Revoke(project, id, email.clone()))),
        }
    };
    vec![
        Cell::Head(email, Vec::new()),
        Cell::Text(invitation.project.name),
        Cell::Text(invitation.role.label().to_owned()),
        Cell::Text(invitation.invited_by.unwrap_or_default()),
        Cell::Badge(tone(false, status == AccountStatus::InvitationExpired), account_status_label(status).to_owned()),
        Cell::Text(format_utc(&invitation.expires_at)),
        Cell::Actions(vec![resend, revoke]),
    ]
}
