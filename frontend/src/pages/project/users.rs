//! The Users app (Tenant Administrators): the members with their roles and the primary contact's
//! crown; change a role, remove a member, hand the crown over; and the invitations.

use leptos::prelude::*;
use portico_domain::projects::api::{ChangeRoleRequest, Member, PrimaryContactRequest};
use portico_domain::projects::{Action, ProjectRole};
use uuid::Uuid;

use super::invitations::Invitations;
use super::{ProjectContext, not_for_your_role};
use crate::api;
use crate::components::{
    Act, Cell, Choice, ErrorAlert, FormState, Mark, Notice, answer, fetch, format_date, set_title, show, table,
};
use crate::session::Session;

#[component]
pub fn Users() -> AnyView {
    set_title("Users");
    let context = ProjectContext::get();
    if !context.can(Action::ManageMembers) {
        return not_for_your_role("Users");
    }
    view! {
        <Members />
        <Invitations />
    }
    .into_any()
}

/// "Ann Smith", or the user name when no name is set.
pub fn member_name(member: &Member) -> String {
    let name = format!("{} {}", member.first_name.trim(), member.last_name.trim());
    let name = name.trim();
    if name.is_empty() { member.user_name.clone() } else { name.to_owned() }
}

/// What a row asks the table to do.
#[derive(Debug, Clone)]
enum Change {
    Role(Uuid, String, ProjectRole),
    Remove(Uuid, String),
    HandOver(Uuid, String),
}

#[component]
fn Members() -> impl IntoView {
    let context = ProjectContext::get();
    let session = Session::get();
    let members = answer();
    let reload = move || fetch(members, api::projects::members(context.guid));
    reload();
    let form = FormState::new();
    let notice = RwSignal::new(None::<String>);
    // The primary contact (or an Administrator) may hand the crown over.
    let me = move || session.signed_in_account().map(|me| me.id);
    let may_hand_over = move || {
        let contact = context.current().and_then(|project| project.primary_contact.account_id);
        session.is_administrator() || (contact.is_some() && me() == contact)
    };
    let change = Callback::new(move |change: Change| {
        notice.set(None);
        form.run(async move {
            let done = match change {
                Change::Role(id, name, role) => {
                    api::projects::change_role(context.guid, id, &ChangeRoleRequest { role })
                        .await
                        .map(|_| format!("{name} is now {}.", role.label()))
                }
                Change::Remove(id, name) => api::projects::remove_member(context.guid, id)
                    .await
                    .map(|_| format!("{name} was removed from the project.")),
                Change::HandOver(account_id, name) => {
                    api::projects::hand_over_primary_contact(context.guid, &PrimaryContactRequest { account_id })
                        .await
                        .map(|_| format!("{name} is now the primary contact."))
                }
            };
            // Reloaded either way: a refused role change puts the select back.
            reload();
            context.reload();
            notice.set(Some(done?));
            Ok(())
        });
    });
    view! {
        <section class="card" aria-labelledby="members-title">
            <h1 id="members-title">"Users"</h1>
            <h2>"Members"</h2>
            <ErrorAlert failure=form.failure() />
            <Notice message=notice />
            {show(members, "the members", move |list: Vec<Member>| {
                let hand_over = may_hand_over();
                let me = me();
                let rows = list.into_iter().map(|member| member_row(member, hand_over, me, change)).collect();
                table("Members of the project", HEADERS, rows, form.busy())
            })}
        </section>
    }
}

const HEADERS: &[&str] = &["Name", "Email", "Role", "Joined", ""];

fn member_row(member: Member, hand_over: bool, me: Option<Uuid>, change: Callback<Change>) -> Vec<Cell> {
    let name = member_name(&member);
    let id = member.account_id;
    let crowned = member.primary_contact;
    let is_me = Some(id) == me;
    let mut marks = Vec::new();
    if crowned {
        marks.push(Mark::Crown);
    }
    if is_me {
        marks.push(Mark::Hint("(you)"));
    }
    let role_change = {
        let name = name.clone();
        Callback::new(move |value: String| {
            if let Some(role) = ProjectRole::parse(&value) {
                change.run(Change::Role(id, name.clone(), role));
            }
        })
    };
    let role = Choice {
        id: format!("role-{id}"),
        label: format!("Role of {name}"),
        options: ProjectRole::ALL.iter().map(|role| (role.as_str(), role.label())).collect(),
        selected: member.role.as_str(),
        disabled: crowned,
        hint: crowned.then_some("The primary contact stays a Tenant Administrator."),
        on_change: role_change,
    };
    let mut acts = Vec::new();
    if hand_over && !crowned && member.role == ProjectRole::TenantAdministrator {
        let name = name.clone();
        acts.push(Act::Confirm {
            label: "Make primary contact",
            subject: name.clone(),
            question: format!("Hand the primary contact over to {name}?"),
            confirm: "Yes, hand over",
            run: Callback::new(move |()| change.run(Change::HandOver(id, name.clone()))),
        });
    }
    if !crowned && !is_me {
        let name = name.clone();
        acts.push(Act::Confirm {
            label: "Remove",
            subject: name.clone(),
            question: format!("Remove {name} from the project? Their tokens here are revoked."),
            confirm: "Yes, remove",
            run: Callback::new(move |()| change.run(Change::Remove(id, name.clone()))),
        });
    }
    vec![
        Cell::Head(name, marks),
        Cell::Text(member.email),
        Cell::Choice(role),
        Cell::Text(format_date(&member.joined_at.date_naive())),
        Cell::Actions(acts),
    ]
}
